"""Chromium under Playwright, isolated per task and guarded by a watchdog.

A `BrowserHost` keeps one Chromium warm for the life of its process (a replay worker) and gives each task
a fresh browser context (`Session`): its own cookies and storage, the task's viewport and device pixel
ratio, and a request filter that lets through only the task's own origin (``http://127.0.0.1:<port>``,
websockets included) and aborts and logs everything else. Downloads are refused, dialogs dismissed and
pop-up windows closed, each noted in the session's log.

A page that never yields (``while(true){}``) blocks Playwright's calls for good: no Playwright timeout
applies to a mouse click whose event handler never returns. The watchdog therefore kills the Chromium
process when a task's deadline passes; the blocked call then fails, the task is recorded as timed out, and
the next task gets a freshly launched browser.
"""

from __future__ import annotations

import atexit
import os
import re
import signal
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omniact.errors import UserError
from omniact.job_control import active_clock, children_map, descendants
from omniact.sandbox.server import LoopbackServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

__all__ = [
    "LAUNCH_ARGS",
    "MEMORY_LIMIT_MB",
    "REPLAY_ARGS",
    "BrowserHost",
    "BrowserUnavailable",
    "Session",
    "Watch",
    "browser_unavailable",
    "chromium_path",
    "launch_failure",
    "memory_limit_mb",
    "require_browser",
    "same_origin",
    "shared_host",
]

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Chromium features that cost a task's fresh context two extra renderer processes and do nothing for a
#: replay: the spare renderer Chromium keeps for the next navigation, and the WebUI omnibox pop-up that
#: every new (headless) window preloads. Measured: 3 renderer processes per new context -> 1, about 10-25%
#: less CPU per task. Page rendering is unchanged.
#: Our own features to disable (above). Chromium takes only the last --disable-features it is given, and Playwright
#: gives one of its own before ours: passed alone, ours turned Playwright's back on (HttpsUpgrades among them, so a
#: page's http:// link to another host was tried as https://; PaintHolding; startup queries to Google's servers,
#: which the resolver rules below refuse). `replay_args` passes both lists in one.
OWN_DISABLED_FEATURES = ("WebUIOmniboxPopup", "SpareRendererForSitePerProcess")
#: Playwright's list (1.65), for a Playwright whose own cannot be read (`_playwright_disabled_features`).
_PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin", "OptimizationHints",
    "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
)
REPLAY_ARGS = [
    *LAUNCH_ARGS,
    # WebRTC may only use proxied connections: its STUN/TURN traffic (UDP, or TCP to any port) is not a request
    # the request filter or the proxy fence (see `_fence`) would see otherwise.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    # No host name but localhost is ever looked up (the rule maps addresses too, loopback's excepted). A name
    # resolves before any filter can refuse its connection: a SharedWorker's fetch had Chromium ask the machine's
    # DNS server for a name the page chose (data can leave in the name itself), and Chromium looked up Google's
    # update and account servers.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE ::1",
]


def replay_args() -> list[str]:
    """REPLAY_ARGS with the one --disable-features Chromium reads: Playwright's features and ours."""
    features = dict.fromkeys([*_playwright_disabled_features(), *OWN_DISABLED_FEATURES])
    return [*REPLAY_ARGS, "--disable-features=" + ",".join(features)]


_PW_FEATURES: tuple[str, ...] | None = None


def _playwright_disabled_features() -> tuple[str, ...]:
    """The features the installed Playwright disables in Chromium, read from its driver's source (its list changes
    from release to release); the list of the release we were written against where it cannot be read."""
    global _PW_FEATURES  # noqa: PLW0603 - read once per process
    if _PW_FEATURES is None:
        _PW_FEATURES = _PLAYWRIGHT_DISABLED_FEATURES
        try:
            import playwright

            lib = Path(playwright.__file__).parent / "driver" / "package" / "lib"
            for source in (lib / "coreBundle.js", lib / "server" / "chromium" / "chromiumSwitches.js"):
                if source.is_file():
                    m = re.search(r"disabledFeatures\s*=\s*\[(.*?)\]", source.read_text("utf-8", "replace"), re.S)
                    if m:
                        found = tuple(re.findall(r"""^\s*["']([A-Za-z0-9]+)["']""", m[1], re.M))
                        if found:
                            _PW_FEATURES = found
                    break
        except (ImportError, OSError):
            pass
    return _PW_FEATURES


#: Playwright calls that take a timeout (waits, navigation) give up after this long.
ACTION_TIMEOUT_MS = 5_000
#: Most memory a task's browser may hold (MB of private resident memory, summed over Chromium's processes;
#: $OMNIACT_REPLAY_MEMORY_MB overrides). Nothing in Chromium bounds what a page allocates (ArrayBuffers are
#: outside V8's heap limit): a page that allocates without end took 3 GB in 4 s and would go on to the machine's
#: last byte, so the watchdog kills the browser at this size, as it does a hung page at its deadline.
MEMORY_LIMIT_MB = 4096
#: Seconds between two looks at the browser's memory while a task runs.
_MEMORY_POLL_S = 0.25
#: Most entries a task's blocked-request and event lists each keep, and most characters of one entry (a URL can
#: be megabytes long): the rest is counted, so a page's flood cannot swell the results.
LOG_MAX = 200
URL_MAX = 500


#: Browsers replay drives, looked for on PATH in this order: Debian's and Arch's Chromium, Fedora's, then Chrome.
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: What to do when no browser is found (or the one named does not run).
_BROWSER_HINT = ("install Chromium (Debian and Ubuntu: apt-get install chromium; or `playwright install chromium`), "
                 "or name its binary with OMNIACT_CHROMIUM=/path/to/chromium")


def chromium_path() -> str | None:
    """The browser replay launches: $OMNIACT_CHROMIUM; else the first of `_BROWSER_NAMES` on PATH (a snap's
    excepted: its confinement keeps it out of the folders the replay gives it); else None, Playwright's own browser
    (`playwright install chromium`)."""
    import shutil

    named = os.environ.get("OMNIACT_CHROMIUM")
    if named:
        return named
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found and not _is_snap(found):
            return found
    return None


def _is_snap(path: str) -> bool:
    """Whether `path` runs a snap: a link to /usr/bin/snap (/snap/bin/chromium), or Ubuntu's chromium-browser, a
    script that starts the snap."""
    if path.startswith("/snap/") or os.path.basename(os.path.realpath(path)) == "snap":
        return True
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return head.startswith(b"#!") and b"/snap/" in head


def require_browser() -> None:
    """Stop in one line, before any replay starts, when none could run here: Playwright missing (a
    ModuleNotFoundError, which the CLI words as the extra to install), $OMNIACT_CHROMIUM naming no program, or
    no browser at all (a UserError saying what to install). Before, each task of a split failed on its own, with
    a traceback, and the replay exited 0."""
    import playwright  # noqa: F401 - whether it is installed (the package alone: its API loads where it is used)

    named = os.environ.get("OMNIACT_CHROMIUM")
    if named:
        if not (os.path.isfile(named) and os.access(named, os.X_OK)):
            raise UserError(f"OMNIACT_CHROMIUM is {named!r}, which is no program here: {_BROWSER_HINT}")
        return
    if chromium_path() is None and not _playwright_browser():
        raise UserError(f"replay needs Chromium, and none was found on PATH or installed by Playwright: "
                        f"{_BROWSER_HINT}")


class BrowserUnavailable(UserError):
    """The browser could not be launched: every replay would fail alike, so the command stops in one line."""


def browser_unavailable(reason: str, lost: str = "nothing was replayed") -> BrowserUnavailable:
    """The one line for a browser that did not launch: which browser, why (`launch_failure`), what `lost`, and what
    to do. A program that is there but does not run (a missing library, another machine's build) passes
    `require_browser` and fails only here."""
    exe = chromium_path()
    if exe:
        todo = f"check that `{exe} --headless --version` runs, or name another with OMNIACT_CHROMIUM=/path/to/chromium"
    else:
        todo = f"reinstall it with `playwright install chromium`, or {_BROWSER_HINT}"
    which = exe or "Playwright's Chromium"
    return BrowserUnavailable(f"the browser could not be launched, so {lost}: {which}: {reason}; {todo}")


#: The line of Playwright's launch log that says how the browser ended (its first line, the error, does not).
_EXITED = re.compile(r"process did exit: exitCode=(\w+), signal=(\w+)")


def launch_failure(e: BaseException) -> str:
    """Why a launch failed, in one line: the error's first line (Playwright's goes on with the browser's whole
    command line and log), and how the browser ended, when the log says."""
    lines = str(e).strip().splitlines()
    why = f"{type(e).__name__}: {lines[0] if lines else ''}".strip()
    m = _EXITED.search(str(e))
    if m is not None and m.group(2) != "null":
        why += f"; the browser was killed by {m.group(2)}"
    elif m is not None and m.group(1) != "null":
        why += f"; the browser exited with code {m.group(1)}"
    return why


def _playwright_browser() -> bool:
    """Whether Playwright has a Chromium of its own installed (`playwright install chromium`): its full browser
    (which `BrowserHost` then launches), or else whatever its headless launch takes (its headless shell, which
    `--only-shell` installs alone), tried. Asked of its driver, which alone knows where its version keeps them."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            if _playwright_chromium(pw) is not None:
                return True
            pw.chromium.launch(headless=True, args=LAUNCH_ARGS).close()
            return True
    except Exception:  # noqa: BLE001 - no browser of its own, or a driver that cannot start: nothing to offer
        return False


def _playwright_chromium(pw: Any) -> str | None:
    """Playwright's full Chromium, when installed (None: only its headless shell, or nothing)."""
    path = pw.chromium.executable_path
    return path if path and os.path.isfile(path) else None


def same_origin(url: str, origin: str) -> bool:
    """True when `url` is on `origin` (scheme-insensitive between http/ws and https/wss).

    >>> same_origin("ws://127.0.0.1:8888/api/kernels", "http://127.0.0.1:8888")
    True
    >>> same_origin("http://127.0.0.1:9999/x", "http://127.0.0.1:8888")
    False
    """
    try:
        u, o = urllib.parse.urlsplit(url), urllib.parse.urlsplit(origin)
        secure = {"http": False, "ws": False, "https": True, "wss": True}
        if u.scheme not in secure or o.scheme not in secure or secure[u.scheme] != secure[o.scheme]:
            return False
        return (u.hostname, u.port or (443 if secure[u.scheme] else 80)) == (
            o.hostname,
            o.port or (443 if secure[o.scheme] else 80),
        )
    except ValueError:  # a malformed port
        return False


# --------------------------------------------------------------------------------------------------------
# Processes


def _naming(folder: str) -> list[int]:
    """Processes whose command line names a path inside `folder`: Chromium's crash reporter, which it starts
    detached (outside its group, a child of init), with its database in the browser's temporary folder."""
    inside = folder.rstrip(os.sep) + os.sep
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) != os.getpid() and any(inside in a for a in _cmdline(int(d))):
            out.append(int(d))
    return out


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().decode("utf-8", "replace").split("\0")
    except OSError:
        return []


def _exe(pid: int) -> str:
    """The file name of the program `pid` runs ("" when unknown)."""
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return ""


def _is_chromium(exe: str) -> bool:
    return "chrom" in exe and "crashpad" not in exe


def _browser_pids() -> set[int]:
    """Chromium browser processes started below this process: a Chromium program whose parent is not one (its
    zygotes, renderers and helpers all descend from it).

    Told by the program, not the command line: Debian's Chromium rewrites its helpers' titles into one string
    without a separate ``--type=`` argument, so a helper passed for the browser, and a task timeout killed the
    helper while the browser and the spinning page went on."""
    kids = children_map()
    out, stack = set(), [(os.getpid(), False)]
    while stack:
        pid, parent_is_chromium = stack.pop()
        for c in kids.get(pid, []):
            chromium = _is_chromium(_exe(c))
            if chromium and not parent_is_chromium:
                out.add(c)
            stack.append((c, chromium))
    return out


def memory_limit_mb() -> float:
    """The memory limit of a task's browser in MB (MEMORY_LIMIT_MB unless $OMNIACT_REPLAY_MEMORY_MB says)."""
    try:
        return float(os.environ.get("OMNIACT_REPLAY_MEMORY_MB") or MEMORY_LIMIT_MB)
    except ValueError:
        return float(MEMORY_LIMIT_MB)


def _private_mb(pids: list[int]) -> float:
    """Private resident memory of `pids` in MB: resident minus file-backed and shared pages (/proc/PID/statm),
    so that the libraries every Chromium process maps are not counted once per process."""
    pages = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm", "rb") as f:
                fields = f.read().split()
            pages += max(0, int(fields[1]) - int(fields[2]))
        except (OSError, ValueError, IndexError):
            continue
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _kill_tree(pid: int) -> None:
    victims = [pid] + descendants(pid)
    for p in victims:
        try:
            os.kill(p, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# --------------------------------------------------------------------------------------------------------
# Sessions


@dataclass
class Session:
    """One task's browser context and page, and what the isolation layer did during it."""

    context: BrowserContext
    page: Page
    origin: str | None
    blocked: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    trace_path: Path | None = None
    #: the browser the context belongs to (a spare made before a relaunch is of no use)
    browser: Any = None
    #: popups the isolation layer has seen (and closed)
    popups: int = 0
    #: entries left out of `blocked` and `events` once each held LOG_MAX (see note)
    unlisted: int = 0

    def note(self, log: list[str], text: str) -> None:
        """Add `text` (cut to URL_MAX characters) to `log` (self.blocked or self.events), or count it once the
        log holds LOG_MAX entries: a page that fetches or alerts in a loop made a list of thousands."""
        if len(log) < LOG_MAX:
            log.append(text if len(text) <= URL_MAX else text[:URL_MAX] + "...")
        else:
            self.unlisted += 1

    def close(self) -> None:
        try:
            if self.trace_path is not None:
                self.trace_path.parent.mkdir(parents=True, exist_ok=True)
                if self.trace_path.is_symlink():  # written through, it would land wherever the link points
                    self.trace_path.unlink()
                self.context.tracing.stop(path=str(self.trace_path))
        finally:
            self.context.close()


@dataclass
class Watch:
    """A running deadline, on `omniact.job_control.active_clock` (time the replay was stopped, Ctrl-Z until fg,
    does not count). `expired` turns True when the watchdog had to kill the browser; `memory_mb` is set (to what the
    browser held) when the kill was for memory rather than time."""

    seconds: float
    deadline: float
    expired: bool = False
    memory_mb: float | None = None
    _timer: Any = None
    _fire: Any = None
    _lock: Any = field(default_factory=threading.Lock)

    @property
    def remaining(self) -> float:
        return self.deadline - active_clock()

    def restart(self, seconds: float) -> None:
        """Give `seconds` from now (e.g. the task's own budget once the sandbox's set-up is done)."""
        if self.expired:
            return
        self.seconds, self.deadline = seconds, active_clock() + seconds
        self._arm()

    def _arm(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._start_timer()

    def _start_timer(self) -> None:
        self._timer = threading.Timer(max(self.remaining, 0.0), self._due)
        self._timer.daemon = True
        self._timer.start()

    def _due(self) -> None:
        with self._lock:
            if threading.current_thread() is not self._timer:
                return  # replaced (restart) or stopped as it went off
            if self.remaining > 0:
                # Early by the active clock: the replay was stopped meanwhile (Ctrl-Z), and the timer's wait, on the
                # system's clock, ran on.
                self._start_timer()
                return
        self._fire()

    def stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = None


class BrowserHost:
    """A warm Chromium for one process (one thread), relaunched when the watchdog killed it."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or chromium_path()
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._browser_pid: int | None = None
        self._servers: dict[Path, LoopbackServer] = {}
        self._lock = threading.Lock()
        self.launches = 0
        #: Keep a spare context ready for the next task (see prepare_spare); replay workers turn it on.
        self.spares = False
        self._spare: tuple[tuple, Session] | None = None
        self.spares_used = 0
        #: a page of the host's own context that empties the clipboard (see clear_clipboard)
        self._clipboard_page: Page | None = None
        #: this host's own temporary folder: the driver's and Chromium's (profiles, sockets) and the browser's HOME
        self._tmp: str | None = None

    # -- lifecycle ----------------------------------------------------------------------------------

    def browser(self) -> Browser:
        """The running browser, launched (or relaunched after a kill) on demand."""
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        self._drop_browser()
        if self._pw is None:
            import tempfile

            from playwright.sync_api import sync_playwright

            # The Playwright driver (Node) makes its folders in TMPDIR as it is; Python skips one it cannot write
            # (missing, read-only) for the next usable folder, which the driver is given too.
            usable = tempfile.gettempdir()
            if os.environ.get("TMPDIR") and os.path.realpath(os.environ["TMPDIR"]) != os.path.realpath(usable):
                os.environ["TMPDIR"] = usable
            # The driver and the browsers it launches get a folder of this host's, removed when it closes: a
            # browser the watchdog kills leaves its profile and sockets behind, in the user's TMPDIR otherwise.
            # (One folder for the host's life: a driver killed with its browser is started again in the same one.)
            if self._tmp is None:
                self._tmp = host_tmpdir()
            previous = os.environ.get("TMPDIR")
            os.environ["TMPDIR"] = self._tmp
            try:
                self._pw = sync_playwright().start()
            except BaseException:
                self._remove_tmp()
                raise
            finally:
                if previous is None:
                    del os.environ["TMPDIR"]
                else:
                    os.environ["TMPDIR"] = previous
        before = _browser_pids()
        # Its HOME there too: Chromium keeps crash-report settings and a dconf cache under the user's otherwise.
        home = {"HOME": self._tmp, "XDG_CONFIG_HOME": f"{self._tmp}/.config", "XDG_CACHE_HOME": f"{self._tmp}/.cache"}
        # No browser of the machine's: Playwright's full Chromium if installed (its headless launch takes the
        # headless shell, which `playwright install --no-shell` leaves out), else its own choice.
        executable = self.executable or _playwright_chromium(self._pw)
        self._browser = self._pw.chromium.launch(
            executable_path=executable, args=replay_args(), headless=True,
            env={**os.environ, "TMPDIR": self._tmp, **home},  # type: ignore[arg-type]
        )
        new = _browser_pids() - before
        self._browser_pid = max(new) if new else None
        self.launches += 1
        return self._browser

    def _drop_browser(self) -> None:
        self.discard_spare()
        self._clipboard_page = None  # closed with its browser
        b, self._browser = self._browser, None
        if b is not None:
            try:
                b.close()
            except Exception:  # noqa: BLE001, S110 - already dead: the watchdog killed it
                pass
        if self._browser_pid is not None:
            _kill_tree(self._browser_pid)  # make sure no orphaned renderer keeps spinning
            self._browser_pid = None

    def kill_browser(self) -> None:
        """Kill Chromium from any thread; blocked Playwright calls then fail with TargetClosedError."""
        with self._lock:
            pid = self._browser_pid
            if pid is not None:
                _kill_tree(pid)
            elif self._pw is not None:
                # No browser pid known: kill the Playwright driver instead (and with it the browser).
                for p in descendants(os.getpid()):
                    if any("playwright" in a for a in _cmdline(p)[:2]):
                        _kill_tree(p)
                self._pw = None

    def close(self) -> None:
        self._drop_browser()
        for s in self._servers.values():
            s.close()
        self._servers.clear()
        if self._pw is not None:
            try:
                self._pw.stop()
            except Exception:  # noqa: BLE001, S110 - best-effort shutdown: the driver may be gone already
                pass
            self._pw = None
        self._remove_tmp()

    def _remove_tmp(self) -> None:
        if self._tmp is not None:
            import shutil

            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def server_for(self, root: Path) -> LoopbackServer:
        """A loopback server for `root`, started once and reused by later tasks of the same data root."""
        root = Path(root).resolve()
        s = self._servers.get(root)
        if s is None:
            # Private: it answers only this host's contexts, which carry its key (see _new_session); another local
            # user who finds the port while the replay runs gets a 403, not the folder.
            s = self._servers[root] = LoopbackServer(root, private=True)
        return s

    def _server_at(self, origin: str | None) -> LoopbackServer | None:
        """This host's server for `origin`, if it is one of them (not for a --url page)."""
        return next((s for s in self._servers.values() if s.origin == origin), None)

    # -- deadline -----------------------------------------------------------------------------------

    @contextmanager
    def watchdog(self, seconds: float) -> Iterator[Watch]:
        """Within the block, kill the browser if `seconds` pass or it holds more than `memory_limit_mb()`;
        `Watch.expired` (and `Watch.memory_mb`) tell afterwards."""
        watch = Watch(seconds, active_clock() + seconds)

        def fire() -> None:
            watch.expired = True
            self.kill_browser()

        limit = memory_limit_mb()
        stop = threading.Event()

        def guard() -> None:
            while not stop.wait(_MEMORY_POLL_S) and not watch.expired:
                pid = self._browser_pid
                if pid is None:
                    continue
                used = _private_mb([pid, *descendants(pid)])
                if used > limit and not stop.is_set():
                    watch.memory_mb = used
                    fire()
                    return

        watch._fire = fire
        watch._arm()
        memory = threading.Thread(target=guard, name="omniact-memory-guard", daemon=True)
        memory.start()
        try:
            yield watch
        finally:
            stop.set()
            memory.join(5)
            watch.stop()
            if watch.expired:
                self._browser = None  # dead; relaunch on next use
                self._browser_pid = None
                self._spare = None  # died with it

    # -- sessions -----------------------------------------------------------------------------------

    def open(
        self,
        *,
        viewport: tuple[int, int],
        dpr: float,
        origin: str | None,
        trace_path: Path | None = None,
        timeout_ms: int = ACTION_TIMEOUT_MS,
        trusted_page: bool = False,
    ) -> Session:
        """A fresh context and page: viewport in CSS pixels, requests limited to `origin`.

        Every page gets the request filter, the proxy fence (see `_fence`), refused downloads, dismissed
        dialogs and closed pop-ups. Pages of unknown code (``trusted_page=False``: a user's --html/--url page,
        a task of a data set other than the built-in one) also get their websockets filtered, service workers
        blocked and their fetch/XHR counted for settling; pages that ship with omniact or MiniWoB++ (no
        websockets, no network by the suite contract) skip those, since each costs round trips at every page's
        creation and the script replayed on them cannot open a socket (whatever they did, the fence stops it).

        The spare made by `prepare_spare` for the same settings is handed out when there is one: it is as
        fresh as a new one (never navigated, nothing of another task in it), only made earlier.
        """
        key = self._spare_key(viewport, dpr, origin, timeout_ms, trusted_page)
        spare, self._spare = self._spare, None
        if spare is not None:
            if (
                spare[0] == key
                and trace_path is None
                and self._browser is not None
                and spare[1].browser is self._browser
                and self._browser.is_connected()
            ):
                self.spares_used += 1
                return spare[1]
            self._close_quietly(spare[1])
        return self._new_session(viewport, dpr, origin, trace_path, timeout_ms, trusted_page)

    def prepare_spare(
        self,
        *,
        viewport: tuple[int, int],
        dpr: float,
        origin: str | None,
        timeout_ms: int = ACTION_TIMEOUT_MS,
        trusted_page: bool = False,
    ) -> None:
        """Make the next task's context and page now, if spares are on and there is none yet.

        A replay calls this while it waits for its own page to settle: creating a context and page (a new
        renderer process) is the slowest part of opening a task, and the settle pause is otherwise idle.
        The next task with the same settings gets it from `open`; isolation is unchanged, since the spare
        is a context of its own that no page has used.
        """
        if not self.spares or self._spare is not None or self._browser is None:
            return
        if not self._browser.is_connected():
            return
        key = self._spare_key(viewport, dpr, origin, timeout_ms, trusted_page)
        try:
            self._spare = (key, self._new_session(viewport, dpr, origin, None, timeout_ms, trusted_page))
        except Exception:  # noqa: BLE001 - the browser is going down; the next open() relaunches it
            self._spare = None

    def clear_clipboard(self) -> bool:
        """Empty the browser's clipboard, which all its contexts share (what one task copied, the next pasted);
        True when it reads back empty. From a private page of a context of the host's, never the task's page: a
        page can refuse the clipboard to itself (Permissions-Policy: clipboard-write=()) or replace
        navigator.clipboard, and so keep the text for the task after it."""
        page = self._clipboard_page
        if page is None or page.is_closed():
            context = self.browser().new_context()
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            # A secure origin (the Clipboard API's condition) served by the route itself: nothing leaves the page.
            page.route("**/*", lambda route: route.fulfill(body="", content_type="text/html"))
            page.goto(_CLIPBOARD_URL)
            self._clipboard_page = page
        return page.evaluate(_CLEAR_CLIPBOARD_JS) == ""

    def discard_spare(self) -> None:
        """Close the spare context, if any (its task will not come)."""
        spare, self._spare = self._spare, None
        if spare is not None:
            self._close_quietly(spare[1])

    @staticmethod
    def _close_quietly(s: Session) -> None:
        try:
            s.context.close()
        except Exception:  # noqa: BLE001, S110 - best-effort: the context may be gone with its browser
            pass

    @staticmethod
    def _spare_key(viewport, dpr, origin, timeout_ms, trusted_page) -> tuple:
        return (int(viewport[0]), int(viewport[1]), float(dpr), origin, int(timeout_ms), bool(trusted_page))

    def _new_session(
        self,
        viewport: tuple[int, int],
        dpr: float,
        origin: str | None,
        trace_path: Path | None,
        timeout_ms: int,
        trusted_page: bool,
    ) -> Session:
        browser = self.browser()
        # A page of one of our own servers carries that server's key with every request (see server.py): as a
        # cookie for its origin and as a header, since each misses a kind of request the other reaches.
        server = self._server_at(origin)
        key: dict[str, Any] = {}
        if server is not None and server.cookie is not None:
            key = {"storage_state": {"cookies": [server.cookie], "origins": []},
                   "extra_http_headers": server.headers}
        # Locale and time zone as the suite's build renders its screenshots, so text and dates match.
        context = browser.new_context(
            viewport={"width": int(viewport[0]), "height": int(viewport[1])},
            device_scale_factor=float(dpr),
            accept_downloads=False,
            service_workers="allow" if trusted_page else "block",
            locale="en-US",
            timezone_id="UTC",
            # Every context, trusted page or not: a new tab that ctrl+click, shift+click or a middle click on a
            # link opens loads before the request filter covers it, and only the fence stops that load.
            proxy=_fence(origin),
            **key,
        )
        context.set_default_timeout(timeout_ms)
        session = Session(context=context, page=None, origin=origin, trace_path=trace_path, browser=browser)  # type: ignore[arg-type]
        _isolate(session, untrusted=not trusted_page)
        if trace_path is not None:
            context.tracing.start(screenshots=True, snapshots=True)
        session.page = context.new_page()
        _guard_page(session, session.page)
        return session


_DEAD_END: Any = None  # a loopback socket bound and never listening: connecting to it is refused at once


def _fence(origin: str | None) -> dict[str, str]:
    """A context proxy that refuses every connection but the ones to `origin`.

    The request filter (`_isolate`) sees what a page and its frames request; it does not see a SharedWorker's
    fetches and sockets, a dedicated worker's sockets, or where a redirect from the task's own server leads
    (Playwright routes only a chain's first request). Below all of those, Chromium sends every connection but
    the origin's (the bypass rule) to this proxy, a loopback port that refuses it: whatever the page does, it
    reaches nothing else. Every context gets it, a built-in task's too: a link a script ctrl+clicks,
    shift+clicks or middle-clicks opens a tab whose first load no route intercepts.
    """
    global _DEAD_END  # noqa: PLW0603 - one socket for the life of the process, made on first use
    import socket

    if _DEAD_END is None:
        _DEAD_END = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        _DEAD_END.bind(("127.0.0.1", 0))  # reserved, so that no server can take the port; no listen()
    fence = {"server": f"http://127.0.0.1:{_DEAD_END.getsockname()[1]}"}
    if origin is not None:
        u = urllib.parse.urlsplit(origin)
        host = f"[{u.hostname}]" if ":" in (u.hostname or "") else (u.hostname or "")
        fence["bypass"] = f"{host}:{u.port or (443 if u.scheme == 'https' else 80)}"
    return fence


def _others(origin: str | None, schemes: tuple[str, ...]) -> re.Pattern[str]:
    """A regex matching every URL *not* on `origin`.

    Given to Playwright as a pattern (not a Python callable), it is matched inside the driver, so requests
    to the task's own server are never intercepted: no round trip to Python for each page, script, style
    sheet and font, which is most of what a task loads.
    """
    if origin is None:
        return re.compile(r"^(?!(?:data|blob|about):)")
    u = urllib.parse.urlsplit(origin)
    host = re.escape(u.hostname or "")
    if ":" in (u.hostname or ""):  # an IPv6 literal keeps its brackets in URLs
        host = r"\[" + host + r"\]"
    default = 443 if u.scheme == "https" else 80
    port = u.port or default
    ports = f"(?::{port})" + ("?" if port == default else "")
    return re.compile(
        rf"^(?!(?:data|blob|about):|(?:{'|'.join(schemes)})://{host}{ports}(?:[/?#]|$))", re.IGNORECASE
    )


def _isolate(s: Session, untrusted: bool = True) -> None:
    """Abort and log every request outside the task's origin; the origin's own requests pass untouched."""
    origin = s.origin
    secure = origin is not None and origin.startswith("https")

    def on_route(route: Any) -> None:
        s.note(s.blocked, f"{route.request.method} {route.request.url}")
        route.abort("blockedbyclient")

    def on_ws(ws: Any) -> None:
        s.note(s.blocked, f"WEBSOCKET {ws.url}")
        ws.close(code=1008, reason="blocked by the omniact sandbox")

    s.context.route(_others(origin, ("https",) if secure else ("http",)), on_route)
    if untrusted:
        s.context.route_web_socket(_others(origin, ("wss",) if secure else ("ws",)), on_ws)

    def on_page(page: Any) -> None:
        if page is s.page or s.page is None:
            return
        url = page.url
        if url.startswith("chrome-error:"):
            # A tab the browser opened itself (ctrl/shift/middle click on a link) loads before any request filter
            # covers it; the fence refused it, and the page shows only Chromium's error page. The address it was
            # sent to is still its history entry: list it with the blocked requests.
            url = _failed_url(s.context, page) or url
            if url.startswith(("http:", "https:")) and not (s.origin and same_origin(url, s.origin)) \
                    and not any(b.endswith(f" {url}") for b in s.blocked):  # the filter saw a window.open's
                s.note(s.blocked, f"GET {url}")
        s.note(s.events, f"popup closed: {url}")
        s.popups += 1
        try:
            page.close()
        except Exception:  # noqa: BLE001, S110 - the page may have closed itself already
            pass

    s.context.on("page", on_page)
    # Requests the page's scripts have in flight, counted in the page (no per-request protocol events):
    # the replay waits for zero before its check.
    if untrusted:
        s.context.add_init_script(_PENDING_JS)


def _failed_url(context: Any, page: Any) -> str | None:
    """The address an error page stands for (its navigation entry's URL, or the one typed for it), or None.

    Asked up to three times: on a busy machine the tab's first DevTools session could fail, or find the entry not
    made yet, and the tab was then listed as Chromium's error page alone (seen once in a full test run)."""
    for attempt in range(3):
        if attempt:
            time.sleep(0.05 * attempt)
        try:
            cdp = context.new_cdp_session(page)
            try:
                entries = cdp.send("Page.getNavigationHistory")["entries"]
            finally:
                cdp.detach()
        except Exception:  # noqa: BLE001, S112 - the tab closed itself, or no DevTools session yet: asked again
            continue
        for entry in reversed(entries):
            for key in ("url", "userTypedURL"):
                url = entry.get(key)
                if isinstance(url, str) and url and not url.startswith(("chrome-error:", "about:")):
                    return url
    return None


_PENDING_JS = """(() => {
  if (window.__omniPending !== undefined) return;
  window.__omniPending = 0;
  const done = () => { window.__omniPending = Math.max(0, window.__omniPending - 1); };
  const f = window.fetch;
  if (f) window.fetch = function () {
    window.__omniPending++;
    return f.apply(this, arguments).finally(done);
  };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () {
    window.__omniPending++;
    this.addEventListener('loadend', done, {once: true});
    return send.apply(this, arguments);
  };
  // No WebRTC: its connections go around every request filter (the launch flags refuse them too).
  for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCDataChannel']) {
    try { delete window[name]; } catch (e) {}
  }
  // Popups the page opens (window.open, or a link into another window), counted so that the replay can wait
  // for the browser to report each one before it ends: on a busy machine that report can come late.
  window.__omniOpened = 0;
  const open = window.open;
  if (open) window.open = function () { window.__omniOpened++; return open.apply(this, arguments); };
  document.addEventListener('click', (e) => {
    const a = e.target && e.target.closest ? e.target.closest('a[href][target]') : null;
    if (a && !['_self', '_parent', '_top', ''].includes(a.target.toLowerCase())) window.__omniOpened++;
  }, true);
})();"""


def _guard_page(s: Session, page: Page) -> None:
    def on_dialog(dialog: Any) -> None:
        s.note(s.events, f"dialog dismissed: {dialog.type} {dialog.message[:200]!r}")
        try:
            dialog.dismiss()
        except Exception:  # noqa: BLE001, S110 - the dialog may be gone with its page already
            pass

    def on_download(download: Any) -> None:
        s.note(s.events, f"download refused: {download.url}")

    page.on("dialog", on_dialog)
    page.on("download", on_download)


#: What Chromium adds below its TMPDIR for its singleton socket, whose whole path must fit in a Unix socket address
#: (107 bytes on Linux): past it, every launch fails ("Socket path too long") and so does every replay.
_SOCKET_TAIL = "/org.chromium.Chromium.XXXXXX/SingletonSocket"
_SOCKET_MAX = 100
_HOST_PREFIX = "omniact-b-"


def host_tmpdir(parent: str | None = None) -> str:
    """A new 0700 folder for a host's driver and browser: in `parent` (TMPDIR) when Chromium's socket path fits
    there, else in /tmp, so that a long TMPDIR (a job scheduler's, a worker's own folder) cannot stop the launch."""
    import tempfile

    parent = parent or tempfile.gettempdir()
    probe = os.path.join(parent, _HOST_PREFIX + "X" * 8) + _SOCKET_TAIL  # mkdtemp adds 8 characters
    if len(os.fsencode(probe)) > _SOCKET_MAX:
        parent = "/tmp"  # noqa: S108 - mkdtemp makes it 0700 with a random name
    return tempfile.mkdtemp(prefix=_HOST_PREFIX, dir=parent)


_CLIPBOARD_URL = "http://127.0.0.1/omniact-clipboard"
_CLEAR_CLIPBOARD_JS = "async () => { await navigator.clipboard.writeText(''); return navigator.clipboard.readText(); }"


_SHARED: BrowserHost | None = None


def shared_host() -> BrowserHost:
    """This process's warm browser host (created on first use, closed at exit)."""
    global _SHARED  # noqa: PLW0603 - started lazily, once per process
    if _SHARED is None:
        _SHARED = BrowserHost()
        atexit.register(_SHARED.close)
    return _SHARED
