"""Replaying PyAutoGUI scripts in a real browser and checking what they achieved.

The flow for one task (the suite contract): serve the data root on a loopback port, open the task's page
with viewport = screenshot size / dpr and device_scale_factor = dpr, wait for ``window.omni.ready``, put the
mouse at the viewport centre, perform the parsed actions (points divided by dpr), let the page settle
(no request in flight, then `settle_ms`), and evaluate the task's JavaScript check. Nothing in a script is
executed as Python: it goes through `omniact.actions.parse_script`.

>>> from omniact.sandbox import replay_page                                    # doctest: +SKIP
>>> r = replay_page(html=Path("counter.html"), script="pyautogui.click(100, 40)",
...                 check="window.count === 1")                                # doctest: +SKIP
>>> r.success, [s.outcome for s in r.steps]                                    # doctest: +SKIP
(True, ['ok'])
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from omniact.actions import format_action, parse_script
from omniact.errors import ParseError, UserError
from omniact.job_control import active_clock
from omniact.sandbox.capture import ViewportCapture

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from omniact.sandbox.browser import BrowserHost, Session
    from omniact.task import Task

__all__ = [
    "DEFAULT_SETTLE_MS",
    "DEFAULT_TASK_TIMEOUT",
    "ReplayJob",
    "ReplayResult",
    "StepRecord",
    "job_for_task",
    "linked_folder",
    "replay_page",
    "replay_task",
    "replay_tasks",
    "run_job",
]

_T = TypeVar("_T")

DEFAULT_SETTLE_MS = 300
DEFAULT_TASK_TIMEOUT = 30.0
#: Seconds allowed for opening a fresh browser context and page, on top of the task's own timeout.
SETUP_ALLOWANCE_S = 30.0
#: Longest wait for in-flight requests to finish after the script (a page that polls never goes quiet).
NETWORK_QUIET_MAX_MS = 3_000
#: A check that has stayed true this long (ms, polled in the page) ends the settle pause early.
STABLE_MS = 100
#: Seconds a task must have left for the worker to make the next task's context during its settle pause.
SPARE_MIN_REMAINING_S = 5.0
#: Most seconds of a task's clock given back for taking step images (a screenshot per step is the sandbox's
#: cost, not the script's); capped so that a replay still ends well within the worker pool's grace period.
IMAGE_CREDIT_MAX_S = 20.0
#: Seconds a task must still have, by its own clock, when a Playwright wait times out, for the wait to be tried again
#: (see _Run._patiently).
_EARLY_TIMEOUT_LEFT_S = 2.0
#: Step images are lossy WebP at this quality: a fifth of Chromium's PNG (1.5 MB a step on a 2880x1800 screen
#: becomes about 0.3 MB), in less time than the PNG re-encode it replaces, and no difference a person sees at
#: full size (text, hover shades and the red point stay as they were; measured on the built-in suite's pages).
STEP_IMAGE_QUALITY = 90
#: The largest side WebP can hold; a larger screenshot's step images stay PNG.
_WEBP_MAX_SIDE = 16383


@dataclass(frozen=True)
class StepRecord:
    """One replayed action.

    `action` is the canonical text of the parsed call, `call` the Playwright calls made (text), `outcome`
    ``ok``, ``unsupported: why`` or ``error: why``; `point` is where the pointer acted in CSS pixels;
    `image` the image written for this step (the screen after it, with the point drawn; ``step_NN.webp``), if any.
    """

    index: int
    line: int
    action: str
    call: str
    outcome: str
    point: tuple[float, float] | None = None
    image: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["point"] = None if self.point is None else [round(self.point[0], 3), round(self.point[1], 3)]
        return d


@dataclass(frozen=True)
class ReplayResult:
    """What one replay achieved.

    `success` is the check's verdict (for MiniWoB++, reward > 0; without a check, every step ``ok``).
    `reason` says why it failed (None on success). `reward` is MiniWoB++'s raw reward, else None.
    `blocked_requests` lists every request the sandbox aborted (``METHOD URL``); `events` the dialogs
    dismissed, pop-ups closed and downloads refused; `info` extra facts (MiniWoB++ utterance and rewards,
    trace path).
    """

    task_id: str
    success: bool
    reward: float | None = None
    reason: str | None = None
    steps: tuple[StepRecord, ...] = ()
    blocked_requests: tuple[str, ...] = ()
    parse_error: str | None = None
    elapsed: float = 0.0
    events: tuple[str, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the fields above, steps as objects, `elapsed` in seconds."""
        return {
            "task_id": self.task_id,
            "success": self.success,
            "reward": self.reward,
            "reason": self.reason,
            "parse_error": self.parse_error,
            "elapsed": round(self.elapsed, 3),
            "steps": [s.to_json() for s in self.steps],
            # the steps a browser page cannot receive (OS keys, browser shortcuts), listed so nobody has to
            # read every step's outcome to find them
            "unsupported": [
                {"index": s.index, "action": s.action, "why": s.outcome.partition(":")[2].strip()}
                for s in self.steps
                if s.outcome.startswith("unsupported")
            ],
            "blocked_requests": list(self.blocked_requests),
            "events": list(self.events),
            "info": dict(self.info),
        }


@dataclass(frozen=True)
class ReplayJob:
    """Everything a worker needs to replay one script (picklable: it crosses process boundaries).

    Exactly one of `root` + `path` (a page served from a loopback server over `root`) and `url` (a page
    the user serves on a loopback address) says where to replay.
    """

    task_id: str
    script: str
    root: str | None = None
    path: str | None = None
    url: str | None = None
    viewport: tuple[int, int] = (1440, 900)
    dpr: float = 1.0
    platform: str = "web"
    #: the task's OS (``macos``, ``windows``, ``linux``) when known: a macOS task's text fields take a Mac's Option and
    #: Control keys (see omniact.sandbox.adapter)
    os_name: str | None = None
    check: str | None = None
    wait_ready: bool = False
    wait_for: str | None = None
    settle_ms: int = DEFAULT_SETTLE_MS
    task_timeout: float = DEFAULT_TASK_TIMEOUT
    out_dir: str | None = None
    step_images: bool = False
    trace: bool = False
    miniwob_seed: int | None = None
    #: the page ships with omniact or MiniWoB++ (see BrowserHost.open): lighter isolation, same filter
    trusted_page: bool = False
    #: ``webp`` (lossy, a fifth of the size) or ``png`` (Chromium's pixels exactly, for an agent's observation)
    image_format: str = "webp"
    #: the task's goal, shown on the step-image page (index.html) beside the steps
    goal: str | None = None
    #: the output folder `out_dir` lies in (``--out``; a task's folder is ``<out_root>/<task id>``): when a folder
    #: below it on the way to `out_dir` (`out_dir` included) is a symbolic link, nothing is written there
    out_root: str | None = None


# --------------------------------------------------------------------------------------------------------
# One job, in this process


def run_job(job: ReplayJob, host: BrowserHost | None = None) -> ReplayResult:
    """Replay one job with this process's warm browser. Never raises for a page's or script's misdeeds."""
    t0 = active_clock()
    try:
        actions = parse_script(job.script)
    except ParseError as e:
        return ReplayResult(
            job.task_id,
            False,
            # An episode nothing was done in earned nothing (replay_miniwob promises a number, never null).
            reward=None if job.miniwob_seed is None else 0.0,
            reason=f"parse error: {e}",
            parse_error=str(e),
            elapsed=active_clock() - t0,
        )
    from omniact.sandbox.browser import shared_host

    host = host or shared_host()
    # Launching (or relaunching after a kill) is the sandbox's cost, not the task's: keep it out of the
    # budget and out of `elapsed`.
    _launch(host)
    t0 = active_clock()
    run = _Run(job, actions, host)
    # The sandbox's own set-up (a fresh context and page) gets its own allowance; the task's budget starts
    # when the page is about to load, so a loaded machine does not eat into it.
    with host.watchdog(job.task_timeout + SETUP_ALLOWANCE_S) as watch:
        run.watch = watch
        try:
            run.execute()
        except Exception as e:  # noqa: BLE001 - the page or browser died under us, or the watchdog killed it
            run.fail_with(e)
        finally:
            run.close()
    if watch.expired or run.out_of_time:
        at = f" at step {len(run.steps) + 1}" if run.started and len(run.steps) < len(actions) else ""
        run.reason = f"timed out after {job.task_timeout:g}s{at}"
        if watch.memory_mb is not None:
            from omniact.sandbox.browser import memory_limit_mb

            run.reason = (f"the page used more than {memory_limit_mb():g} MB of memory{at} "
                          f"({watch.memory_mb:.0f} MB); the browser was killed")
        run.success = False
        run.cut_short = True
    if job.miniwob_seed is not None:
        run.miniwob_verdict()
    result = ReplayResult(
        job.task_id,
        run.success,
        reward=run.reward,
        reason=None if run.success else run.reason,
        steps=tuple(run.steps),
        blocked_requests=tuple(run.blocked),
        elapsed=active_clock() - t0,
        events=tuple(run.events),
        info=run.info,
    )
    if run.out is not None and job.step_images and run.out.is_dir():
        write_steps_page(run.out, result, goal=job.goal, check=job.check)
    return result


def _launch(host: BrowserHost) -> None:
    """Launch the host's browser, or stop in one line (`BrowserUnavailable`): a browser that does not start is
    no task's failure, and its error is Playwright's traceback with the browser's whole log."""
    from omniact.sandbox.browser import browser_unavailable, launch_failure

    try:
        host.browser()
    except Exception as e:  # noqa: BLE001 - any launch error: the program fails, or the driver cannot start
        # Its temporary folder goes now: the one line ends the command with os._exit, which skips atexit.
        host.close()
        raise browser_unavailable(launch_failure(e)) from None


class _Run:
    """The mutable state of one replay while it runs."""

    def __init__(self, job: ReplayJob, actions: list, host: BrowserHost) -> None:
        self.job, self.actions, self.host = job, actions, host
        self.steps: list[StepRecord] = []
        self.blocked: list[str] = []
        self.events: list[str] = []
        self.info: dict[str, Any] = {}
        self.success = False
        self.reason: str | None = None
        self.reward: float | None = None
        self.started = False
        #: the replay stopped before its verdict (a timeout, a browser error); `out_of_time`: the task's time ran out
        #: between two steps (the watchdog has not fired yet: the page is still there)
        self.cut_short = False
        self.out_of_time = False
        self.session: Session | None = None
        self.watch: Any = None
        self.out = Path(job.out_dir) if job.out_dir else None
        link = linked_folder(Path(job.out_root), self.out) if (self.out and job.out_root) else None
        if link is not None:
            # Written through, the images, index.html and trace would land wherever the link points (and clearing
            # old images would delete files there). The callers refuse such a folder before replaying; this is for
            # a link made since.
            self.info["out_refused"] = f"{link} is a symbolic link: nothing was written through it"
            self.out = None
        self.adapter: Any = None
        self.capture: ViewportCapture | bool | None = None  # screenshots' fast path (False: not available)
        self.image_credit = 0.0

    # -- phases -------------------------------------------------------------------------------------

    def execute(self) -> None:
        job = self.job
        if job.url is not None:
            url, origin = job.url, _origin_of(job.url)
        else:
            assert job.root is not None and job.path is not None, "a job needs root+path or url"  # noqa: S101 - ReplayJob invariant
            server = self.host.server_for(Path(job.root))
            url, origin = server.url(job.path), server.origin
        trace_path = self.out / "trace.zip" if (self.out and job.trace) else None
        self._lap("start")
        spares_used = self.host.spares_used
        self.session = s = self.host.open(
            viewport=job.viewport,
            dpr=job.dpr,
            origin=origin,
            trace_path=trace_path,
            trusted_page=job.trusted_page,
        )
        self.watch.restart(job.task_timeout)
        if trace_path is not None:
            self.info["trace"] = str(trace_path)
        page = s.page
        # Whether the context was the one made during the previous task's pause (a warm worker's), or made now.
        self.info["warm_context"] = self.host.spares_used > spares_used
        self._lap("open")
        if self.out and job.step_images and self.out.is_dir():
            # First, before anything can fail: a replay that stops before its first step (a page not ready, an
            # HTTP error) showed the earlier replay's images on its own index.html.
            _clear_images(self.out)
        refused: list[str] = []  # where the page's server redirected off its origin (the fence refused it)
        page.on("requestfailed", lambda req: _note_redirect_off(req, page, origin, refused))
        try:
            resp = self._patiently(lambda ms: page.goto(url, wait_until="load", timeout=ms))
        except Exception:
            if not refused or self.watch.expired:
                raise
            # The fence's refusal reads "net::ERR_PROXY_CONNECTION_FAILED", which names neither the redirect nor
            # where it led.
            s.note(s.blocked, f"GET {refused[-1]}")
            self.reason = f"redirected off the page's origin to {refused[-1]} (blocked by the sandbox)"
            return
        self._lap("load")
        if resp is not None and resp.status >= 400:
            self.reason = f"page answered HTTP {resp.status}: {url}"
            return
        self._clear_clipboard()
        if job.check is not None and not self._check_compiles(job.check):
            return  # a check that is not an expression fails every replay: say so before running the script
        if job.wait_ready and not self._wait_js("window.omni && window.omni.ready", "window.omni.ready"):
            return
        if job.wait_for and not self._wait_selector(job.wait_for):
            return
        if job.miniwob_seed is not None and not self._start_miniwob(job.miniwob_seed):
            return

        self._lap("ready")
        from omniact.sandbox.adapter import Adapter

        adapter = Adapter(
            page, viewport=job.viewport, dpr=job.dpr, platform=job.platform, deadline=self.watch.deadline,
            os_name=job.os_name,
        )
        self.adapter = adapter
        if self.out and job.step_images:
            self.out.mkdir(parents=True, exist_ok=True)  # (an earlier replay's images were removed above)
            self._image(self._image_path("step_00_initial"))
        self.started = True
        for i, action in enumerate(self.actions, 1):
            if self.watch.remaining <= 0:
                self.out_of_time = True  # run_job words it
                return
            start = (adapter.x, adapter.y)
            try:
                o = adapter.perform(action)
                call, outcome, point = o.call, o.outcome, o.point
            except Exception as e:
                if self.watch.expired:
                    raise
                call, outcome, point = "", f"error: {_first_line(e)}", None
            image = None
            if self.out and job.step_images and not self.watch.expired:
                p = self._image_path(f"step_{i:02d}")
                # A drag is drawn as a line from where the button went down to where it came up.
                dragged = action.name in ("dragTo", "mouseUp") and point is not None and start != point
                self._image(p, point, start if dragged else None)
                image = str(p)
            self.steps.append(StepRecord(i, action.line, format_action(action), call, outcome, point, image))
            if outcome.startswith("error") and "page" in outcome.lower() and "closed" in outcome.lower():
                break  # the page is gone: nothing further can happen
            if job.miniwob_seed is not None and not self.info.get("done"):
                # After every step until the episode ends: a later step may run into the time limit, whose watchdog
                # kills the browser, and the reward the episode earned would go with it.
                self._read_miniwob(quietly=True)

        self._lap("script")
        if job.miniwob_seed is not None:
            self._read_miniwob()  # before settling: the episode's reward is fixed the moment it ends
        self._settle()
        self._lap("settle")
        if job.miniwob_seed is not None:
            self._read_miniwob()
            self.success = bool(self.reward and self.reward > 0)
            if not self.success:
                self.reason = self.info.get("reward_reason") or (
                    f"reward {self.reward:g}" if self.info.get("done") else "episode did not end"
                )
                if self.info.get("done") and self.reason and not self.reason.startswith("reward"):
                    self.reason = f"reward {self.reward:g} ({self.reason})"
        elif job.check is not None:
            self._check(job.check)
        else:
            bad = [s for s in self.steps if s.outcome != "ok"]
            self.success = not bad
            if bad:
                self.reason = f"step {bad[0].index}: {bad[0].outcome}"
        self._lap("check")
        self._await_popups()
        if self.out and job.step_images:
            self._image(self._image_path("final"))

    def _image(
        self, path: Path, point: tuple[float, float] | None = None, start: tuple[float, float] | None = None
    ) -> None:
        """Write a step image, and give the task's clock back the time it took (up to IMAGE_CREDIT_MAX_S in
        all): with --step-images a script must not time out where it would not without. A page that hangs
        the screenshot itself is still ended by the watchdog, which is only moved once the image is taken."""
        t = active_clock()
        _save_image(self._screenshot(), path, point, self.job.dpr, start=start)
        spent = min(active_clock() - t, IMAGE_CREDIT_MAX_S - self.image_credit)
        if spent > 0 and not self.watch.expired:
            self.image_credit += spent
            self.watch.restart(self.watch.remaining + spent)
            if self.adapter is not None:
                self.adapter.deadline = self.watch.deadline
        self.info.setdefault("timings", {})
        self.info["timings"]["images"] = round(self.info["timings"].get("images", 0.0) + active_clock() - t, 3)

    def _image_path(self, stem: str) -> Path:
        """Where the step image `stem` (``step_01``, ``final``) goes in the task's folder (only called with one)."""
        return Path(self.out or ".") / (stem + image_suffix(self.job.image_format, self.job.viewport, self.job.dpr))

    def _screenshot(self) -> bytes:
        """The viewport as PNG: through Chromium's own capture call with optimizeForSpeed (`ViewportCapture`: the
        same pixels as Playwright's page.screenshot at any device pixel ratio, in half the time or less), else
        through Playwright from then on (not Chromium, or a capture not of the viewport's size)."""
        page = self.session.page
        if self.capture is None:
            self.capture = False
            try:
                self.capture = ViewportCapture(page, self.job.viewport, self.job.dpr)
            except Exception:  # noqa: BLE001, S110 - not Chromium, or no DevTools session: Playwright's screenshot does
                pass
        if self.capture:
            try:
                return self.capture.png()
            except Exception:  # fall back below; a dead page fails there with its own error
                if self.watch.expired:
                    raise
                self.capture = False
        return page.screenshot()

    def _wait_ms(self) -> int:
        """A Playwright timeout that ends a second before the watchdog would, so a page that is merely
        slow fails with its own reason instead of costing a browser."""
        return max(1, int((self.watch.remaining - 1.0) * 1000))

    def _patiently(self, call: Callable[[int], _T]) -> _T:
        """``call(timeout_ms)`` with `_wait_ms`, and again for the time left should Playwright's timeout end early:
        the replay was stopped meanwhile (Ctrl-Z), and the browser's timers, on the system's clock, ran on while the
        task's stood still. (A timeout that came in time leaves a second or less.)"""
        from playwright.sync_api import TimeoutError as PWTimeout

        while True:
            try:
                return call(self._wait_ms())
            except PWTimeout:
                if self.watch.remaining < _EARLY_TIMEOUT_LEFT_S:
                    raise

    def _lap(self, name: str) -> None:
        """Record how long the phase that just ended took (info["timings"], seconds)."""
        now = active_clock()
        if name != "start":
            self.info.setdefault("timings", {})[name] = round(now - self._t, 3)
        self._t = now

    def _wait_js(self, expr: str, what: str) -> bool:
        from playwright.sync_api import TimeoutError as PWTimeout

        try:
            self._patiently(lambda ms: self.session.page.wait_for_function(expr, timeout=ms))
            return True
        except PWTimeout:
            self.reason = (
                f"timed out after {self.job.task_timeout:g}s waiting for the page to be ready ({what})"
            )
            return False

    def _wait_selector(self, css: str) -> bool:
        from playwright.sync_api import Error as PWError
        from playwright.sync_api import TimeoutError as PWTimeout

        try:
            self._patiently(lambda ms: self.session.page.wait_for_selector(css, state="visible", timeout=ms))
            return True
        except PWTimeout:
            self.reason = (
                f"timed out after {self.job.task_timeout:g}s waiting for --wait-for {css!r} to be visible"
            )
            return False
        except PWError as e:
            first = str(e).splitlines()[0] if str(e) else ""
            if not any(w in first for w in _SELECTOR_ERRORS):
                raise
            # Playwright's own words ("Unexpected token "<" while parsing css selector "<<<""), without its prefix.
            self.reason = f"--wait-for is not a selector: {first.removeprefix('Page.wait_for_selector: ')}"
            self.info["check_error"] = "syntax"
            return False

    def _settle(self) -> None:
        """Let the page settle before the check: no request in flight (as we count them: the document
        loaded and no fetch/XHR of the page pending, at most NETWORK_QUIET_MAX_MS), two animation frames
        so the last input's rendering happened, then `settle_ms`.

        The pause ends early only in one direction: when the check has been true, polled in the page
        every few milliseconds, for STABLE_MS in a row. A check that is false (or turns false again) gets
        the whole pause, so a failure is never declared early. While the page rests, the worker makes the
        next task's context (BrowserHost.prepare_spare), the slowest part of opening a task.
        (Playwright's "networkidle" would add a fixed 500 ms quiet window, dominating a short replay.)
        """
        job, s = self.job, self.session
        quiet = min(NETWORK_QUIET_MAX_MS, self._wait_ms())
        poll = job.check if (job.miniwob_seed is None and job.settle_ms > 0) else None
        stable = min(job.settle_ms, STABLE_MS)
        self._evaluate(_SETTLE_JS, {"quiet": quiet, "check": poll})
        t = active_clock()
        # No spare for a traced task (a trace starts with its context) or when the task's own time is short.
        if not job.trace and self.watch.remaining > SPARE_MIN_REMAINING_S:
            self.host.prepare_spare(
                viewport=job.viewport, dpr=job.dpr, origin=s.origin, trusted_page=job.trusted_page
            )
            self.info.setdefault("timings", {})["spare"] = round(active_clock() - t, 3)
        left = job.settle_ms - (active_clock() - t) * 1000
        left = int(min(left, (self.watch.remaining - 1) * 1000))
        if poll is not None:
            self._evaluate(_SETTLE_WAIT_JS, {"left": max(left, 0), "stable": stable})
        elif left > 0:
            s.page.wait_for_timeout(left)

    def _evaluate(self, expression: str, arg: Any = None) -> Any:
        """`page.evaluate`, through a navigation the script's last steps started (a link clicked, a form sent with
        Enter): the document it ran in is replaced, which Playwright reports as an error ("Execution context was
        destroyed"), and the replay failed as a browser error though nothing went wrong. It waits for the new
        document to load and evaluates there, as long as the task's time allows."""
        page = self.session.page
        for _ in range(_NAVIGATIONS_FOLLOWED):
            try:
                return page.evaluate(expression, arg)
            except Exception as e:
                if self.watch.expired or not _navigated_away(e):
                    raise
            page.wait_for_load_state("load", timeout=self._wait_ms())
        return page.evaluate(expression, arg)

    def _await_popups(self) -> None:
        """Give the browser a moment to report the popups the page opened (the isolation layer closes and logs
        each one), so that the events are complete however busy the machine is: at most 2 s, within the
        task's time."""
        s = self.session
        try:
            opened = int(s.page.evaluate("() => window.__omniOpened || 0"))
        except Exception:  # noqa: BLE001 - a closed or trusted page: nothing counted, nothing to wait for
            return
        deadline = active_clock() + min(2.0, max(0.0, self.watch.remaining - 1.5))
        while s.popups < opened and active_clock() < deadline:
            s.page.wait_for_timeout(20)  # lets Playwright deliver the browser's pending events

    def _check(self, check: str) -> None:
        try:
            # The expression is the data set's (or the user's) own JavaScript, evaluated in the page.
            got = self._evaluate(_CHECK_JS.replace("%CHECK%", check))
        except Exception as e:
            if self.watch.expired:
                raise
            self.reason = f"check raised: {_first_line(e).removeprefix('Page.evaluate: ')}"
            return
        self.success = bool(got["ok"])
        if got.get("value") is not None:
            self.info["check_value"] = got["value"]
        if not self.success:
            self.reason = "check was false after the script"

    def _clear_clipboard(self) -> None:
        """Empty the clipboard before the script runs. It belongs to the browser, not to a task's context: what
        one task copied (ctrl+c, or its page's copy button) was pasted by the next task its worker replayed, so
        a verdict depended on which task ran before it. The host empties it from a page of its own (the task's
        page could refuse); a clipboard that does not read back empty is noted in the task's events."""
        try:
            cleared = self.host.clear_clipboard()
        except Exception:  # the browser is gone (the watchdog's kill): the task's own failure says so
            if self.watch.expired:
                raise
            cleared = False
        if not cleared:
            self.session.note(self.session.events, "the clipboard could not be emptied before the script")

    def _check_compiles(self, check: str) -> bool:
        """False (with the reason, and info["check_error"] = "syntax") when `check` is not a JavaScript
        expression. A page whose CSP forbids compiling code passes here and is judged by the check itself."""
        err = self.session.page.evaluate(_COMPILE_JS, check)
        if err:
            self.reason = f"--check is not a JavaScript expression: {err}"
            self.info["check_error"] = "syntax"
            return False
        return True

    # -- MiniWoB++ ----------------------------------------------------------------------------------

    def _start_miniwob(self, seed: int) -> bool:
        from omniact.sandbox.miniwob import START_EPISODE_JS

        if not self._wait_js(
            "typeof core !== 'undefined' && typeof genProblem === 'function'", "MiniWoB++ core"
        ):
            return False
        self.session.page.evaluate(START_EPISODE_JS, seed)
        if not self._wait_js("WOB_TASK_READY", "WOB_TASK_READY"):
            return False
        self.info["utterance"] = self.session.page.evaluate(
            "() => { const u = core.getUtterance(); return typeof u === 'string' ? u : u.utterance; }"
        )
        return True

    def _read_miniwob(self, *, quietly: bool = False) -> None:
        """Record the episode's end (done, rewards, reason) once it has ended; the first end read is kept. With
        `quietly`, a page that cannot be read (gone, navigated) leaves the record as it was."""
        from omniact.sandbox.miniwob import READ_REWARD_JS

        if self.info.get("done"):
            return  # the episode's first end is its reward (a later click may start and end another)
        try:
            got = self.session.page.evaluate(READ_REWARD_JS)
        except Exception:
            if not quietly or self.watch.expired:
                raise
            return
        self.info.update(got)
        self.reward = float(got.get("raw_reward") or 0.0) if got.get("done") else 0.0

    def miniwob_verdict(self) -> None:
        """The episode's reward on every path (0.0 when it never ended or never started, never None). A replay cut
        short (a timeout, a browser error) after the episode ended keeps the reward it had earned: the script ran
        on past the end, and nothing it did then counts in MiniWoB++ either."""
        if self.reward is None:
            self.reward = 0.0
        if not (self.cut_short and self.info.get("done")):
            return
        why = self.reason or "stopped"
        then = why if why.startswith("timed out") else f"failed ({why})"
        self.success = self.reward > 0
        if self.success:
            self.info["note"] = f"the script ran on past the episode's end (reward {self.reward:g}) and then {then}"
        else:
            self.reason = f"reward {self.reward:g}: the script ran on past the episode's end and then {then}"

    # -- errors and cleanup -------------------------------------------------------------------------

    def fail_with(self, e: BaseException) -> None:
        self.success = False
        self.cut_short = True
        if self.watch is not None and self.watch.expired:
            return  # run_job words the timeout
        if self.job.miniwob_seed is not None and self.started:
            self._read_miniwob(quietly=True)  # the page may still be there: an episode that ended keeps its reward
        if type(e).__name__ == "TimeoutError" and self.watch is not None and self.watch.remaining < 1.5:
            # A Playwright wait cut short by the task's own budget: that is the task timing out.
            phase = "loading the page" if not self.started else "running the script"
            self.reason = f"timed out after {self.job.task_timeout:g}s while {phase}"
            return
        self.reason = f"browser error: {_first_line(e)}"

    def close(self) -> None:
        s = self.session
        if s is None:
            return
        self.blocked.extend(s.blocked)
        self.events.extend(s.events)
        if s.unlisted:
            self.events.append(f"{s.unlisted} more blocked requests, dialogs or pop-ups not listed")
        if self.watch is not None and self.watch.expired:
            return  # the browser is dead; nothing to close
        try:
            s.close()
        except Exception:  # noqa: BLE001, S110 - best-effort: the session may be gone with its browser
            pass


#: Navigations one evaluation follows (a page that redirects for ever is the watchdog's).
_NAVIGATIONS_FOLLOWED = 5


def _navigated_away(e: BaseException) -> bool:
    """Whether Playwright's error says the page's document was replaced while it evaluated (a navigation)."""
    text = str(e)
    return "Execution context was destroyed" in text or "because of a navigation" in text


# Settling, part 1: network quiet (readyState complete, no counted fetch/XHR pending; at most `quiet` ms),
# two animation frames, then (given a check) a poller in the page that notes since when the check has
# been true. The check is compiled with new Function inside a try: a page whose CSP forbids that, or a
# check that does not compile, simply gets no early end (the final check below reports its error).
_SETTLE_JS = """async ({quiet, check}) => {
  const t0 = performance.now();
  while (!(document.readyState === 'complete' && !window.__omniPending) && performance.now() - t0 < quiet)
    await new Promise(r => setTimeout(r, 10));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())));
  if (check === null) return;
  let f;
  try { f = new Function('return (async () => (\\n' + check + '\\n))();'); } catch (e) { return; }
  const st = {since: null, stop: false};
  window.__omniSettle = st;
  const tick = async () => {
    if (st.stop) return;
    let ok = false;
    try { ok = !!(await f()); } catch (e) { ok = false; }
    if (!ok) st.since = null;
    else if (st.since === null) st.since = performance.now();
    setTimeout(tick, 10);
  };
  tick();
}"""

# Settling, part 2: wait out the rest of the pause (`left` ms), or less once the check has been true for
# `stable` ms in a row.
_SETTLE_WAIT_JS = """async ({left, stable}) => {
  const st = window.__omniSettle;
  const end = performance.now() + left;
  for (;;) {
    const now = performance.now();
    if (now >= end || (st && st.since !== null && now - st.since >= stable)) break;
    await new Promise(r => setTimeout(r, Math.min(10, Math.max(1, end - now))));
  }
  if (st) st.stop = true;
}"""

def _note_redirect_off(request: Any, page: Page, origin: str | None, refused: list[str]) -> None:
    """Add to `refused` the URL of a failed main-frame navigation that a redirect sent off `origin`."""
    try:
        off = request.redirected_from is not None and request.is_navigation_request() \
            and request.frame == page.main_frame
    except Exception:  # noqa: BLE001 - a frame gone with its page: not the task's navigation
        return
    from omniact.sandbox.browser import same_origin

    if off and not (origin and same_origin(request.url, origin)):
        refused.append(request.url)


# Whether a check compiles as the expression _CHECK_JS wraps it in: the SyntaxError's text, or null.
_COMPILE_JS = """(check) => {
  try { new Function('return (async () => (\\n' + check + '\\n))();'); return null; }
  catch (e) { return e instanceof SyntaxError ? 'SyntaxError: ' + e.message : null; }
}"""

# The check's verdict, plus its value when it is not a plain boolean and small (it helps debug a check).
_CHECK_JS = """async () => {
  const v = await (
%CHECK%
  );
  let value = null;
  if (typeof v !== 'boolean') {
    try {
      const j = JSON.stringify(v);
      value = j !== undefined && j.length <= 4000 ? JSON.parse(j) : String(v).slice(0, 200);
    }
    catch (e) { value = String(v).slice(0, 200); }
  }
  return {ok: !!v, value: value};
}"""


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    msg = text[0] if text else type(e).__name__
    return msg[:300]


def _origin_of(url: str) -> str:
    u = urllib.parse.urlsplit(url)
    return f"{u.scheme}://{u.netloc}"


#: Step image names, of either format: a replay clears an earlier one's images whichever format they have.
_IMAGE_NAME = re.compile(r"(?:step_\d+(?:_initial)?|final)\.(?:png|webp)")


def image_suffix(image_format: str, viewport: tuple[int, int], dpr: float) -> str:
    """The file suffix of a replay's step images: ``.webp``, or ``.png`` when asked for or when the screenshot
    has a side WebP cannot hold (over 16383 device pixels)."""
    if image_format == "png" or max(viewport) * dpr > _WEBP_MAX_SIDE:
        return ".png"
    return ".webp"


def _clear_images(folder: Path) -> None:
    """Remove the step images an earlier replay left in `folder` (only files named as this module names them)."""
    for f in folder.iterdir():
        # A symbolic link of that name goes too (dangling or not): writing a step image through it would
        # create or overwrite a file outside the folder.
        if _IMAGE_NAME.fullmatch(f.name) and (f.is_symlink() or f.is_file()):
            f.unlink(missing_ok=True)


def _clear_earlier(out_root: Path, folder: Path, *, images: bool, trace: bool) -> None:
    """Remove what an earlier replay wrote in a task's folder that this one writes again: the step images and
    their index.html, and the trace. A folder reached through a symbolic link is left alone."""
    if not folder.is_dir() or linked_folder(out_root, folder) is not None:
        return
    if images:
        _clear_images(folder)
    names = ("index.html",) * images + ("trace.zip",) * trace
    for name in names:
        f = folder / name
        if f.is_symlink() or f.is_file():
            f.unlink(missing_ok=True)


def _save_image(
    png: bytes,
    path: Path,
    point: tuple[float, float] | None,
    dpr: float,
    start: tuple[float, float] | None = None,
) -> None:
    """Write a screenshot (Chromium's PNG bytes) to `path`, as WebP or PNG after its suffix, with the action
    point (CSS pixels) drawn as a red ring and cross, and for a drag a line from `start` with a small ring there.
    Written atomically: the image replaces whatever has its name, a symbolic link included, instead of being
    written through it to wherever the link points."""
    from omniact.atomic import atomic_file

    webp = path.suffix == ".webp"
    if point is None and not webp:
        with atomic_file(path) as f:
            f.write(png)  # Chromium's pixels exactly (a MiniWoB++ observation is this file)
        return
    import io

    from PIL import Image, ImageDraw

    with Image.open(io.BytesIO(png)) as im:
        im = im.convert("RGB")
        if point is not None:
            _draw_point(ImageDraw.Draw(im), point, dpr, start)
        with atomic_file(path) as f:
            if webp:
                # method 0: the fastest; higher methods save a further third for twice the time or more
                im.save(f, format="WEBP", quality=STEP_IMAGE_QUALITY, method=0)
            else:
                im.save(f, format="PNG", compress_level=1)  # level 6 (the default) takes 4x as long, for 20% less


def _draw_point(d: Any, point: tuple[float, float], dpr: float, start: tuple[float, float] | None) -> None:
    """The action point (CSS pixels) as a red ring and cross on the screen, and a drag's line from `start`."""
    x, y = point[0] * dpr, point[1] * dpr
    r = 12 * dpr
    w = max(2, int(2 * dpr))
    red = (255, 0, 0)
    if start is not None:
        sx, sy = start[0] * dpr, start[1] * dpr
        d.line((sx, sy, x, y), fill=red, width=w)
        d.ellipse((sx - r / 2, sy - r / 2, sx + r / 2, sy + r / 2), outline=red, width=w)
    d.ellipse((x - r, y - r, x + r, y + r), outline=red, width=w)
    d.line((x - r * 1.6, y, x + r * 1.6, y), fill=red, width=max(1, w // 2))
    d.line((x, y - r * 1.6, x, y + r * 1.6), fill=red, width=max(1, w // 2))


_PAGE_CSS = """body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}.PASS{color:#080}.FAIL{color:#c00}code{background:#f3f3f3;padding:0 .2em}
figure{margin:1.2em 0;border-top:1px solid #ddd;padding-top:.6em}figcaption{margin-bottom:.4em}
img{max-width:100%;border:1px solid #999}.bad{color:#c00}.unsupported{color:#8a4b00}"""
#: phones show the page at their width, not as a desktop page shrunk to a fifth
PAGE_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def write_steps_page(
    folder: Path, result: ReplayResult, *, goal: str | None = None, check: str | None = None
) -> Path:
    """Write ``index.html`` in a replay's image folder: verdict, goal, and each step's action, outcome and image
    (the screen after the step, the action point drawn in red), in order. Every text is escaped."""
    import html

    from omniact.atomic import write_text

    e = html.escape

    def img(name: str, alt: str) -> str:
        return f'<img src="{e(name)}" alt="{e(alt)}" loading="lazy">' if (folder / name).is_file() else ""

    def named(stem: str) -> str:  # the one this replay wrote: the earlier replay's, of either format, are cleared
        return next((stem + x for x in (".webp", ".png") if (folder / (stem + x)).is_file()), "")

    verdict = "PASS" if result.success else "FAIL"
    goal = goal or result.info.get("utterance")
    rows = [
        f"<h1><span class=\"{verdict}\">{verdict}</span> {e(result.task_id)}</h1>",
        f"<p>goal: {e(str(goal))}</p>" if goal else "",
        f"<p>check: <code>{e(check)}</code></p>" if check else "",
        f"<p>reward: {result.reward:g}</p>" if result.reward is not None else "",
        f"<p class=\"bad\">{e(result.reason)}</p>" if result.reason else "",
        f"<p>{len(result.steps)} steps, {result.elapsed:.1f} s</p>",
    ]
    rows += [f"<p class=\"bad\">blocked: {e(b)}</p>" for b in result.blocked_requests]
    rows += [f"<p>{e(ev)}</p>" for ev in result.events]
    rows.append(f"<figure><figcaption>before the first step</figcaption>{img(named('step_00_initial'), 'the screen before the first step')}</figure>")
    for st in result.steps:
        kind = "" if st.outcome == "ok" else ("unsupported" if st.outcome.startswith("unsupported") else "bad")
        name = Path(st.image).name if st.image else ""
        rows.append(
            f'<figure id="step-{st.index}"><figcaption><b>step {st.index}</b> (line {st.line}) '
            f"<code>{e(st.action)}</code> <span class=\"{kind}\">{e(st.outcome)}</span>"
            + (f"<br><small>{e(st.call)}</small>" if st.call else "")
            + f"</figcaption>{img(name, f'the screen after step {st.index}') if name else ''}</figure>"
        )
    rows.append(f"<figure><figcaption>after the script (what the check saw)</figcaption>{img(named('final'), 'the screen after the script')}</figure>")
    text = (
        f"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">{PAGE_VIEWPORT}"
        f"<title>{e(verdict)} {e(result.task_id)}{e(f': {goal}' if goal else '')} (replay)</title>"
        f"<style>{_PAGE_CSS}</style>\n" + "\n".join(r for r in rows if r) + "\n"
    )
    path = folder / "index.html"
    write_text(path, text)  # a script's text may hold a lone surrogate, which no UTF-8 file can
    return path


# --------------------------------------------------------------------------------------------------------
# Public API


#: Longest task folder name kept as it is (file systems refuse names over 255 bytes).
_NAME_MAX = 64
#: The folder inside a split replay's --out that keeps an agent's answers: a run folder, as `omniact run --out` writes
#: one (`omniact.sandbox.command`).
ANSWERS_FOLDER = "run"
#: What a split replay writes into --out besides the tasks' folders: a task's folder must never be one of them.
_SPLIT_NAMES = frozenset({"replay.json", "index.html", ANSWERS_FOLDER})
#: How a hashed folder name ends (see _safe_name)
_HASHED = re.compile(r"-[0-9a-f]{10}\Z")


def _safe_name(task_id: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", task_id) or "task"
    # A split file's key "." or ".." would name --out itself or its parent: step images, index.html and the
    # clearing of old images would reach outside the output folder.
    if not name.strip("."):
        name = name.replace(".", "_")
    # Two ids must never share a folder (one task's replay would clear the other's step images): an id the
    # replacement above changed ("a b" and "a_b", "é" and "è", NFC and NFD forms), one with capitals (a
    # case-insensitive file system has "A" and "a" as one folder) or a long one gets a hash of the id itself.
    # So does an id that names one of the split replay's own files or folders ("replay.json", "run"), and one that
    # looks like such a hashed name ("run-acba255121", which the id "run" gets).
    if (name != task_id or len(name) > _NAME_MAX or name != name.lower() or name in _SPLIT_NAMES
            or _HASHED.search(name)):
        import hashlib

        digest = hashlib.sha256(task_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        name = f"{name[:_NAME_MAX]}-{digest}"
    return name


def task_folder(out_dir: Path, task_id: str) -> Path:
    """The folder of `out_dir` that a task's step images, index.html and trace go to (``out/<task id>/``).

    Always a direct child of `out_dir`, and a different one for every id (see _safe_name):

    >>> [task_folder(Path("out"), i).name for i in ("12", "a_b", "a b", "..", "run")]
    ['12', 'a_b', 'a_b-c8687a08aa', '__-5ec1f7e700', 'run-acba255121']
    """
    return Path(out_dir) / _safe_name(task_id)


def linked_folder(out_root: Path, folder: Path) -> Path | None:
    """The first folder below `out_root` on the way to `folder` (`folder` included) that is a symbolic link, else
    None. `out_root` itself may be one: the user named it.

    >>> linked_folder(Path("/nonexistent"), Path("/nonexistent/101")) is None
    True
    """
    p = Path(out_root)
    for part in Path(folder).relative_to(out_root).parts:
        p = p / part
        if p.is_symlink():
            return p
    return None


def refuse_linked_folders(out_root: Path, folders: Sequence[Path]) -> None:
    """Raise UserError when a task folder under `out_root` (or a folder on the way to it) is a symbolic link.

    A replay writes step images, index.html and a trace into a task's folder and first removes the step images an
    earlier replay left there: through a link, it would write and delete wherever the link points. It refuses
    instead, before anything runs, and leaves both the link and what it points to as they are."""
    for folder in folders:
        link = linked_folder(out_root, folder)
        if link is not None:
            raise UserError(
                f"{link} is a symbolic link: the replay would write its step images and pages wherever it points "
                "(and remove old step images there); remove the link (what it points to is left alone) or choose "
                "another --out"
            )


def _data_root(task: Task) -> Path:
    """The data root a task was loaded from: its task file sits at <root>/data/tasks/<platform>/<app>/."""
    for p in task.task_path.parents:
        if p.name == "tasks" and p.parent.name == "data":
            return p.parent.parent
    from omniact.dataset import builtin_root

    return builtin_root()


def _is_builtin(root: Path) -> bool:
    from omniact.dataset import builtin_root

    try:
        return Path(root).resolve() == builtin_root().resolve()
    except OSError:
        return False


def job_for_task(
    task: Task,
    script: str,
    *,
    root: Path | None = None,
    out_dir: Path | None = None,
    step_images: bool = False,
    task_timeout: float = DEFAULT_TASK_TIMEOUT,
    trace: bool = False,
    settle_ms: int = DEFAULT_SETTLE_MS,
    out_root: Path | None = None,
) -> ReplayJob:
    """The replay job for a built-in-suite task (it must carry `env` and `check`). `out_root`: the output folder
    `out_dir` lies in (see ReplayJob.out_root)."""
    if not task.env:
        raise UserError(
            "task has no environment to replay on (its split entry has no 'env')", task_id=task.id
        )
    root = Path(root) if root is not None else _data_root(task)
    dpr = task.screen.dpr or 1.0
    viewport = (round(task.screen.width / dpr), round(task.screen.height / dpr))
    return ReplayJob(
        task_id=task.id,
        script=script,
        root=str(root),
        path=task.env,
        viewport=viewport,
        dpr=dpr,
        platform=task.screen.platform,
        os_name=task.screen.os,
        check=task.check,
        wait_ready=True,
        # Only the suite that ships with omniact is known code; another data set's pages (--data) are anyone's
        # and get the full isolation of a --html page.
        trusted_page=_is_builtin(root),
        settle_ms=settle_ms,
        task_timeout=task_timeout,
        out_dir=str(out_dir) if out_dir else None,
        step_images=step_images and out_dir is not None,
        trace=trace and out_dir is not None,
        goal=task.goal,
        out_root=str(out_root) if (out_root is not None and out_dir) else None,
    )


def replay_task(
    task: Task,
    script: str,
    *,
    out_dir: Path | None = None,
    step_images: bool = False,
    task_timeout: float = DEFAULT_TASK_TIMEOUT,
    trace: bool = False,
    root: Path | None = None,
    settle_ms: int = DEFAULT_SETTLE_MS,
) -> ReplayResult:
    """Replay `script` on a built-in-suite task in this process and evaluate the task's check.

    `out_dir` receives ``<task id>/step_NN.webp`` (with `step_images`) and ``trace.zip`` (with `trace`).
    A script the parser rejects gives ``success=False`` with `parse_error` set. `root` is the data root
    (found from the task's paths when left out).
    """
    if not task.env:
        return ReplayResult(task.id, False, reason="task has no environment to replay on (no 'env')")
    if out_dir is not None and (step_images or trace):
        refuse_linked_folders(Path(out_dir), [task_folder(out_dir, task.id)])
    job = job_for_task(
        task,
        script,
        root=root,
        out_dir=task_folder(out_dir, task.id) if out_dir else None,
        step_images=step_images,
        task_timeout=task_timeout,
        trace=trace,
        settle_ms=settle_ms,
        out_root=out_dir,
    )
    return run_job(job)


def replay_tasks(
    tasks: Sequence[Task],
    scripts: Mapping[str, str],
    *,
    workers: int = 2,
    out_dir: Path | None = None,
    task_timeout: float = DEFAULT_TASK_TIMEOUT,
    executor: Any = None,
    step_images: bool = False,
    trace: bool = False,
    root: Path | None = None,
    settle_ms: int = DEFAULT_SETTLE_MS,
    progress: Any = None,
) -> list[ReplayResult]:
    """Replay many tasks in worker processes; one result per task, in the order of `tasks`.

    `scripts` maps task id -> script; a task without one fails with reason ``no prediction`` (it is not
    replayed). A task that hangs is killed at `task_timeout` and recorded as a failure with its reason; the
    batch goes on. `executor` is anything with ``map_unordered(fn, items)`` yielding ``fn(item)`` for every
    item (a Ray pool, say); the default is a local pool of `workers` processes, each keeping one browser warm.
    `progress(result)` is called as each result arrives.
    """
    from omniact.sandbox.workers import LocalPool, WorkerLost

    results: dict[str, ReplayResult] = {}
    jobs: list[ReplayJob] = []
    if out_dir is not None and (step_images or trace):
        refuse_linked_folders(Path(out_dir), [task_folder(out_dir, t.id) for t in tasks if t.id in scripts and t.env])
        for t in tasks:
            # An earlier replay's pages of a task this one does not get to replay (no prediction, a parse error)
            # would otherwise be linked from the new index.html and show the old script's steps.
            _clear_earlier(Path(out_dir), task_folder(out_dir, t.id), images=step_images, trace=trace)
    for t in tasks:
        if t.id not in scripts:
            results[t.id] = ReplayResult(t.id, False, reason="no prediction")
        elif not t.env:
            results[t.id] = ReplayResult(
                t.id, False, reason="task has no environment to replay on (no 'env')"
            )
        else:
            jobs.append(
                job_for_task(
                    t,
                    scripts[t.id],
                    root=root,
                    out_dir=task_folder(out_dir, t.id) if out_dir else None,
                    step_images=step_images,
                    task_timeout=task_timeout,
                    trace=trace,
                    settle_ms=settle_ms,
                    out_root=out_dir,
                )
            )
    for r in results.values():
        if progress:
            progress(r)
    if jobs:
        own = executor is None
        pool = LocalPool(workers=max(1, min(workers, len(jobs)))) if own else executor
        try:
            for out in pool.map_unordered(run_job, jobs):
                if isinstance(out, WorkerLost):
                    job = out.item
                    out = ReplayResult(job.task_id, False, reason=out.reason, elapsed=out.elapsed)
                if isinstance(out, ReplayResult):
                    results[out.task_id] = out
                    if progress:
                        progress(out)
        except BaseException:
            if own:  # Ctrl-C or a failure: the tasks in flight are abandoned, not waited for
                pool.terminate()
            raise
        finally:
            if own:
                pool.close()
    return [
        results.get(t.id) or ReplayResult(t.id, False, reason="the executor returned no result")
        for t in tasks
    ]


# What Playwright says of a selector it cannot read (CSS, its own engines, XPath): the user's mistake, not the page's.
_SELECTOR_ERRORS = ("while parsing", "is not a valid selector", "is not a valid XPath expression")


def replay_page(
    *,
    html: Path | None = None,
    url: str | None = None,
    script: str,
    viewport: tuple[int, int] = (1440, 900),
    dpr: float = 1.0,
    check: str | None = None,
    wait_for: str | None = None,
    settle_ms: int = DEFAULT_SETTLE_MS,
    out_dir: Path | None = None,
    task_timeout: float = DEFAULT_TASK_TIMEOUT,
    trace: bool = False,
    step_images: bool | None = None,
    task_id: str = "page",
    os_name: str | None = None,
) -> ReplayResult:
    """Replay `script` on a local HTML file (served from a loopback server over its folder) or on a page
    the user serves at a loopback `url`; `check` is a JavaScript expression evaluated afterwards.

    Only the page's own origin is reachable: every other request is aborted and listed in
    `blocked_requests`. With `out_dir`, step images are written there (unless `step_images=False`). With `os_name`
    (``macos``, ``windows``, ``linux``) the page is a desktop app of that OS, as the suite's desktop tasks are: the
    browser's own shortcuts (ctrl+n, alt+left) reach it, and on ``macos`` its text fields take a Mac's Option and
    Control keys; without, a web page in a browser.
    """
    if os_name is not None and os_name not in ("macos", "windows", "linux"):
        raise UserError(f"os_name must be macos, windows or linux, not {os_name!r}")
    if (html is None) == (url is None):
        raise UserError("give exactly one of an HTML file and a URL")
    out = Path(out_dir) if out_dir else None
    common = {
        "task_id": task_id,
        "script": script,
        "viewport": (int(viewport[0]), int(viewport[1])),
        "dpr": float(dpr),
        "check": check,
        "wait_for": wait_for,
        "settle_ms": int(settle_ms),
        "task_timeout": float(task_timeout),
        "out_dir": str(out) if out else None,
        "step_images": bool(out) if step_images is None else (step_images and out is not None),
        "trace": trace and out is not None,
        "platform": "web" if os_name is None else "desktop",
        "os_name": os_name,
    }
    if html is not None:
        html = Path(html).resolve()
        if not html.is_file():
            raise UserError("no such HTML file", file=str(html))
        if html.name.startswith("."):
            raise UserError("the replay's server serves no hidden file (a name starting with '.'), this page "
                            "included: rename it", file=str(html))
        job = ReplayJob(root=str(html.parent), path=urllib.parse.quote(html.name), **common)  # type: ignore[arg-type]
    else:
        check_loopback_url(url)  # type: ignore[arg-type]
        _check_listening(url)  # type: ignore[arg-type]
        job = ReplayJob(url=url, **common)  # type: ignore[arg-type]
    result = run_job(job)
    # The user's own mistakes, which no script could get past: one line (exit 2 on the command line).
    if result.info.get("check_error") == "syntax":  # --check or --wait-for
        raise UserError(result.reason or "--check is not a JavaScript expression")
    if result.reason and "net::ERR_UNSAFE_PORT" in result.reason:
        port = urllib.parse.urlsplit(url or "").port
        raise UserError(f"Chromium refuses to open port {port} (one it restricts for safety): serve the page on "
                        "another port, e.g. 8000")
    return result


def _check_listening(url: str) -> None:
    """Refuse a loopback URL whose port nothing listens on, in one line, before a browser is started."""
    import socket

    u = urllib.parse.urlsplit(url)
    port = u.port or (443 if u.scheme == "https" else 80)
    host = u.hostname or "127.0.0.1"
    try:
        socket.create_connection((host, port), timeout=3).close()
    except ConnectionRefusedError:
        raise UserError(
            f"nothing listens on {host}:{port}: start the page's server first, e.g. "
            f"python -m http.server {port} --bind 127.0.0.1"
        ) from None
    except OSError:
        pass  # a slow or odd host: the browser's own error says more


def check_loopback_url(url: str) -> None:
    """Refuse URLs that are not http(s) on a loopback address: the sandbox never leaves the machine.

    A backslash, user info ("name@") or a control character is refused outright: browsers and Python read such
    URLs differently (Chromium takes ``http://evil.com\\@127.0.0.1/`` for evil.com), and no local page needs
    them."""
    usage = f"--url must be http://127.0.0.1:<port>/... or http://localhost:<port>/... (got {url!r})"
    if "\\" in url or any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise UserError(usage)
    try:
        u = urllib.parse.urlsplit(url)
        port = u.port  # ValueError: out of range, or not a number
        host = u.hostname
    except ValueError:
        raise UserError(usage) from None
    if u.scheme not in ("http", "https") or host not in ("127.0.0.1", "localhost", "::1") or "@" in u.netloc \
            or (port is not None and port < 1):
        raise UserError(usage)
