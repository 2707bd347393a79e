"""The `omniact replay` verb's logic (cli.py declares the options and calls `replay_command`).

Modes, chosen by the options given:
  --split/--data with --predictions FILE or --agent NAME   every task of the split, success per task (with --out,
                                                           the agent's answers are kept in OUT/run: see
                                                           `_answers_into_run`)
  --task ID with --script FILE or --agent NAME             one task, step images
  --html FILE | --url URL with --script FILE              any page, optional --check
  --miniwob ENV --seed N with --script FILE or --agent     one MiniWoB++ episode, reward
  --miniwob-suite --agent NAME [--miniwob-envs] [--seeds]  mean reward over envs x seeds
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omniact.errors import ParseError, UserError, escape_controls, shell_quote, terminal_json
from omniact.executor import DEFAULT_SETUP_TIMEOUT, seconds_or_none
from omniact.job_control import groups_below, stopped_together
from omniact.sandbox.replay import ANSWERS_FOLDER, DEFAULT_SETTLE_MS

if TYPE_CHECKING:
    from omniact.runner import RunStopped

__all__ = ["agent_scripts", "check_seed", "parse_agent_args", "parse_seeds", "parse_viewport", "replay_command"]


#: The largest --viewport side in CSS pixels, and the largest screenshot side in device pixels (Chromium's
#: own limit for a captured surface is 16384).
MAX_VIEWPORT = 8192
MAX_DEVICE_PX = 16384


def parse_viewport(text: str, dpr: float = 1.0) -> tuple[int, int]:
    """``1440x900`` -> (1440, 900); each side 16 to 8192 CSS pixels, and at most 16384 device pixels at `dpr`."""
    m = re.fullmatch(r"\s*(\d{1,6})\s*[xX×,]\s*(\d{1,6})\s*", text or "")  # noqa: RUF001 - a multiplication sign is accepted too
    if not m:
        raise UserError(f"--viewport must be WIDTHxHEIGHT in CSS pixels, e.g. 1440x900 (got {text!r})")
    w, h = int(m.group(1)), int(m.group(2))
    if not (16 <= w <= MAX_VIEWPORT and 16 <= h <= MAX_VIEWPORT):
        raise UserError(f"--viewport sides must be 16 to {MAX_VIEWPORT} CSS pixels (got {text!r})")
    if max(w, h) * dpr > MAX_DEVICE_PX:
        raise UserError(
            f"--viewport {w}x{h} at --dpr {dpr:g} is {round(w * dpr)}x{round(h * dpr)} device pixels; "
            f"Chromium captures at most {MAX_DEVICE_PX} a side"
        )
    return w, h


#: Seeds reach the page as JavaScript numbers: from 2**53 on, two different seeds can be one number (one episode).
MAX_SEED = 2**53 - 1


def check_seed(seed: int, option: str = "--seed") -> int:
    """`seed`, or a UserError when the page could not tell it from another (magnitude above MAX_SEED)."""
    if abs(seed) > MAX_SEED:
        raise UserError(f"{option} {seed} is out of range: a MiniWoB++ seed is at most 2**53 - 1 ({MAX_SEED}) either way")
    return seed


def parse_seeds(text: str) -> list[int]:
    """``0-4`` or ``1,3,7`` or ``0-2,9`` -> a list of seeds, each once (a seed given twice would be counted twice
    in the mean, and its two episodes would write one folder at once)."""
    out: list[int] = []
    for part in (text or "").split(","):
        part = part.strip()
        m = re.fullmatch(r"([0-9]+)\s*-\s*([0-9]+)", part)  # ASCII digits: "²" is a digit to isdigit, not to int
        if m and int(m.group(1)) <= int(m.group(2)):
            if int(m.group(2)) - int(m.group(1)) >= 10_000:
                raise UserError(f"--seeds {part} is more than 10,000 seeds: give a smaller range")
            check_seed(int(m.group(2)), "--seeds")
            out.extend(range(int(m.group(1)), int(m.group(2)) + 1))
        elif re.fullmatch(r"[0-9]+", part):
            out.append(check_seed(int(part), "--seeds"))
        else:
            raise UserError(f"--seeds must look like 0-4 or 1,3,7 (got {text!r})")
    seen: set[int] = set()
    for seed in out:
        if seed in seen:
            raise UserError(f"--seeds gives seed {seed} twice: give each seed once")
        seen.add(seed)
    return out


def parse_agent_args(items: Sequence[str]) -> dict[str, str]:
    """``("model=gpt-4o", "temperature=0")`` -> ``{"model": "gpt-4o", "temperature": "0"}``.

    Values stay text: the agent registry converts them to the types the agent's constructor declares.
    """
    args: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--agent-arg must be KEY=VALUE, not {item!r}")
        if key.strip() in args:  # the last one silently winning hides a typo in a long command line
            # (the values are not shown: one may be an API key)
            raise UserError(f"--agent-arg {key.strip()} is given twice: give it once")
        args[key.strip()] = value
    return args


def _read_script(path: Path) -> str:
    from omniact.user_file import read_user_text

    # read_user_text: /dev/zero or a huge file is one line, not a MemoryError (a script is <= 200,000 chars)
    text = read_user_text(path, "script file", limit=16 << 20)
    from omniact.actions import parse_script

    try:
        parse_script(text)
    except ParseError as e:  # the user's own script: a user error, shown as FILE:LINE:COL
        e.file = str(path)
        raise
    return text


class _AgentThread:
    """An agent built, set up and asked on a thread of its own, as a run's thread worker asks it (what it keeps per
    thread is there at every call): an ``act()`` that has not returned within `timeout` seconds is given up on, as
    a run gives up on it, instead of holding the command for ever; nor a start (built and ``setup()``) past
    `setup_timeout` (None: no limit), which ends the command as a run's would. Its attributes are the agent's."""

    def __init__(self, build: Any, timeout: float | None, setup_timeout: float | None = None, name: str = "") -> None:
        from omniact.executor import CallThread, CallTimedOut, start_timeout_text

        self.thread = CallThread("omniact-replay-agent")
        self.timeout = timeout
        try:
            # (Ctrl-Z: see `ask`)
            with stopped_together(groups_below):
                self.agent = self.thread.call(build, setup_timeout)
        except CallTimedOut:
            # (in the words of a run's start that did not finish: "agent could not be started: NAME: ...")
            phase = start_timeout_text("importing and building the agent, or setup()", setup_timeout or 0.0)
            raise UserError(f"agent could not be started: {name}: {phase}" if name else
                            f"agent could not be started: {phase}") from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.agent, name)

    def ask(self, fn: Any) -> Any:
        """``fn()`` on the agent's thread, with a cancel event as `omniact.agent.task_cancel_event`; `CallTimedOut`
        past the timeout: the event is set then, and an agent that returns within `CANCEL_GRACE` is asked again
        (`CallTimedOut.kept`), as a run asks it; else the thread is given up on."""
        from omniact.agent import _cancel_scope
        from omniact.executor import CANCEL_GRACE

        cancel = threading.Event()

        def scoped() -> Any:
            with _cancel_scope(cancel):
                return fn()

        # Ctrl-Z stops what the agent started with this process, and the pause counts against no time limit, where
        # no caller has seen to it already (the --miniwob-suite asks between its pool's runs; a no-op inside one).
        with stopped_together(groups_below):
            return self.thread.call(scoped, self.timeout, on_timeout=cancel.set, grace=CANCEL_GRACE)


def _load_agent(spec: str, agent_args: Sequence[str], *, miniwob: bool = False, timeout: float | None = None,
                defaults: Mapping[str, Any] | None = None, setup_timeout: float | None = None) -> _AgentThread:
    """The agent, built and set up in its own thread (within `setup_timeout` seconds, None: no limit). `defaults`:
    the data root and split replayed, which an agent naming them takes as in a run (the llm agent's in-context
    examples come from that data set)."""
    return _AgentThread(lambda: _built_agent(spec, agent_args, miniwob=miniwob, defaults=defaults), timeout,
                        setup_timeout, spec)


def _built_agent(spec: str, agent_args: Sequence[str], *, miniwob: bool = False,
                 defaults: Mapping[str, Any] | None = None) -> Any:
    from omniact.agent import load_agent

    agent = load_agent(spec, parse_agent_args(agent_args), defaults=defaults)
    if miniwob and getattr(agent, "uses_gold", False):
        # Every episode would fail with the same agent error: say it once, before any browser starts.
        raise UserError(
            f"agent {spec} answers from gold scripts, and MiniWoB++ episodes have none: give another agent "
            "(or --script FILE with --miniwob)"
        )
    setup = getattr(agent, "setup", None)
    if callable(setup):
        try:
            setup()
        except UserError:
            raise
        except Exception as e:  # noqa: BLE001 - as a run says it: one line, before any browser starts
            from omniact.executor import error_text

            raise UserError(f"agent could not be started: setup() raised {error_text(e)}") from None
    return agent


def agent_scripts(
    agent: Any, items: Sequence[tuple[Any, str | None]]
) -> tuple[dict[str, str], dict[str, str]]:
    """Ask `agent` for a script per (task view, gold script or None); returns ({id: script}, {id: error}).

    Mirrors the runner: reference agents (``uses_gold``) get the gold script, answers in normalised
    coordinates are converted to pixels, and an agent's exception is that task's failure, not a crash.
    """
    from omniact.agent import to_pixels
    from omniact.executor import CallTimedOut

    scripts: dict[str, str] = {}
    errors: dict[str, str] = {}
    ask = agent.ask if isinstance(agent, _AgentThread) else (lambda fn: fn())
    given_up: str | None = None  # the agent did not answer in time: it is not asked again
    for view, gold in items:
        if given_up is not None:
            errors[view.id] = given_up
            continue
        if getattr(agent, "uses_gold", False) and gold is None:
            errors[view.id] = "agent error: RuntimeError: this agent answers from gold scripts, and this task has none"
            continue
        try:
            if getattr(agent, "uses_gold", False):
                out = ask(lambda view=view, gold=gold: agent.act_with_gold(view, gold))
            else:
                out = ask(lambda view=view: agent.act(view))
        except CallTimedOut as e:
            errors[view.id] = f"agent error: act() did not return within {agent.timeout:g} s"
            if not e.kept:  # (one that returned once its cancel event was set is asked the next task)
                given_up = f"agent error: not asked: an earlier act() did not return within {agent.timeout:g} s"
            continue
        except (Exception, SystemExit) as e:  # noqa: BLE001 - an agent's failure is a score (sys.exit in act too)
            from omniact.executor import error_text

            errors[view.id] = f"agent error: {error_text(e)}"
            continue
        if not isinstance(out, str):
            errors[view.id] = f"agent error: TypeError: act() returned {type(out).__name__}, not str"
            continue
        # (a script the parser refuses keeps its points, converted where they can be read: the replay records it)
        scripts[view.id] = to_pixels(out, getattr(agent, "coordinates", "pixels"), view.width, view.height)
    return scripts, errors


def _write_out(out: Path | None, obj: Mapping[str, Any]) -> None:
    """Write replay.json atomically: an earlier replay's file stays whole until the new one replaces it."""
    if out is None:
        return
    from omniact.atomic import write_json

    write_json(out / "replay.json", obj, indent=2)  # surrogate-safe: a script's text can hold a lone one


def _echo_result(echo: Callable[[str], None], r: Any, folder: Path | None = None) -> None:
    """One replay as text: the verdict, a line per step (status, the script's call, then why it was not done or
    the browser calls made), what the sandbox blocked, and where the step images are."""

    def say(line: str) -> None:
        # The script's text and the page's messages as a terminal shows them literally: a bidi control in them
        # would reorder the rest of the line, an escape sequence act on the terminal.
        echo(escape_controls(line))

    mark = "PASS" if r.success else "FAIL"
    extra = f" reward {r.reward:g}" if r.reward is not None else ""
    say(f"{mark} {r.task_id}{extra} ({r.elapsed:.1f}s)" + ("" if r.success else f": {r.reason}"))
    if r.info.get("utterance"):
        say(f"  goal: {r.info['utterance']}")
    for s in r.steps:
        status, _, why = s.outcome.partition(":")
        detail = f"  ({why.strip()})" if why.strip() else (f"  ->  {s.call}" if s.call else "")
        say(f"  {s.index:>2} {status.upper() if status != 'ok' else status:<11} {s.action}{detail}")
    if r.info.get("note"):  # e.g. a MiniWoB++ episode that ended with its reward before the replay timed out
        say(f"  note: {r.info['note']}")
    if "check_value" in r.info:
        value = json.dumps(r.info["check_value"], ensure_ascii=False)
        say(
            f"  note: the check gave {value[:120]}{'...' if len(value) > 120 else ''}, not true or false "
            f"(success means the value is truthy)"
        )
    for b in r.blocked_requests:
        say(f"  blocked: {b}")
    for e in r.events:
        say(f"  {e}")
    if folder is not None and (folder / "index.html").is_file():
        say(f"step images: {folder / 'index.html'}")


def replay_command(
    *,
    data: Path | None,
    split: str | None,
    predictions: Path | None,
    agent: str | None,
    agent_args: Sequence[str],
    task_id: str | None,
    script: Path | None,
    html: Path | None,
    url: str | None,
    wait_for: str | None,
    miniwob: str | None,
    miniwob_suite: bool,
    miniwob_envs: str | None,
    seeds: str,
    seed: int,
    check: str | None,
    settle_ms: int | None,
    task_timeout: float,
    workers: int,
    trace: bool,
    viewport: str,
    dpr: float | None,
    out: Path | None,
    limit: int | None,
    as_json: bool,
    echo: Callable[[str], None],
    executor: Any = None,
    step_images: bool = False,
    agent_workers: int = 1,
    setup_timeout: float | str | None = DEFAULT_SETUP_TIMEOUT,
    retry_errors: bool = False,
    os_name: str | None = None,
) -> dict:
    """Run the replay the options ask for, print the outcome, and return the JSON object.

    `executor` (anything with ``map_unordered``, e.g. a Ray pool) runs a split's replays instead of the local
    worker processes. `step_images`: for a split, also write an image (WebP) per step of every task into `out` (one
    task's replay, --task, always writes them). `agent_workers`: with a split, an agent and `out`, the answers asked at
    once (`_answers_into_run`). `setup_timeout`: seconds (None or "none": no limit) the agent gets to start, as a
    run's. `retry_errors`: with a split, an agent and `out`, the tasks the agent failed in an earlier session are
    asked again (a run's ``--retry-errors``)."""
    if out is not None:
        # An agent may change the working folder in act() (the runner allows it): the answers it gave into OUT/run,
        # and everything else under --out, are found where they were written.
        out = out.absolute()
    if task_timeout <= 0:
        raise UserError("--task-timeout must be positive")
    start_limit = seconds_or_none(setup_timeout, "--setup-timeout")
    if settle_ms is not None and settle_ms < 0:
        raise UserError("--settle-ms must be 0 or more")
    # Not given: a page's or task's pause; a MiniWoB++ episode takes its own shorter one (it gets `settle_ms` as is).
    page_settle = DEFAULT_SETTLE_MS if settle_ms is None else settle_ms
    if step_images and out is None:
        raise UserError("--step-images writes the images into --out DIR: add --out")
    if trace and out is None:  # the trace was recorded and then written nowhere
        raise UserError("--trace writes trace.zip into --out DIR: add --out")
    if dpr is not None and not (0.25 <= dpr <= 8):
        raise UserError("--dpr must be between 0.25 and 8")
    targets = [
        n
        for n, v in (
            ("--html", html),
            ("--url", url),
            ("--miniwob", miniwob),
            ("--miniwob-suite", miniwob_suite),
            ("--task", task_id),
        )
        if v
    ]
    if len(targets) > 1:
        raise UserError(f"choose one of {', '.join(targets)}")
    target = targets[0] if targets else "--split"
    if executor is not None and target != "--split":  # one page replays here; the Ray pool would go unused
        raise UserError(f"--executor ray replays --split runs; {target} replays on this machine (leave --executor out)")
    if predictions is not None and target != "--split":
        raise UserError(f"--predictions goes with --split, not with {target}")
    if predictions is not None and agent is not None:
        raise UserError("give --predictions or --agent, not both")
    if agent_args and agent is None:  # they were ignored: the scripts came from --predictions or --script
        raise UserError("--agent-arg goes with --agent NAME")
    if script is not None and agent is not None:
        raise UserError("give --script or --agent, not both")
    if wait_for and target not in ("--html", "--url"):
        raise UserError("--wait-for goes with --html or --url")
    if check and target not in ("--html", "--url"):
        raise UserError("--check goes with --html or --url (built-in tasks carry their own checks)")
    if limit is not None and target not in ("--split", "--miniwob-suite"):
        raise UserError(f"--limit goes with --split or --miniwob-suite; {target} replays one page")
    if agent_workers != 1 and not (target == "--split" and agent is not None and out is not None):
        # the agent is asked through a run only then (in memory, one task at a time, otherwise)
        raise UserError("--agent-workers goes with --split --agent NAME --out DIR (the answers kept in DIR/run)")
    if retry_errors and not (target == "--split" and agent is not None and out is not None):
        raise UserError("--retry-errors goes with --split --agent NAME --out DIR (the answers kept in DIR/run)")
    if (miniwob_envs is not None or seeds != "0-4") and target != "--miniwob-suite":
        raise UserError("--miniwob-envs and --seeds go with --miniwob-suite (one episode: --miniwob ENV --seed N)")
    if target in ("--html", "--url"):
        parse_viewport(viewport, dpr or 1.0)  # a malformed size is refused before the script is read
    if target == "--miniwob":
        check_seed(seed)
    # Refused before the browser is started and the agent loaded:
    seed_list = parse_seeds(seeds) if target == "--miniwob-suite" else []
    env_list = [e.strip() for e in (miniwob_envs or "").split(",") if e.strip()]
    if miniwob_envs is not None and not env_list:  # "--miniwob-envs ," scored no episode and passed
        raise UserError("--miniwob-envs names no env: give one or more, e.g. click-button,enter-text")
    if out is not None:
        from omniact.dataset import resolve_data_root
        from omniact.output_folder import check_output_folder

        # Not the data root (its replay.json would be read as a split), not a run's folder: one of its own.
        check_output_folder(out, resolve_data_root(data if target in ("--split", "--task") else None), "replay")
    if executor is None:  # after the options' own mistakes; a cluster's nodes have browsers of their own
        from omniact.sandbox.browser import require_browser

        require_browser()

    if target == "--split":
        if script is not None:
            raise UserError("--script replays one task: add --task ID (or use --html/--url/--miniwob)")
        # Kept compact: a keyword a line would be a dozen lines of x=x.
        # fmt: off
        opts = _SplitReplay(data=data, split=split, predictions=predictions, agent=agent, agent_args=agent_args,
                            settle_ms=page_settle, task_timeout=task_timeout, workers=workers, trace=trace,
                            out=out, limit=limit, step_images=step_images, agent_workers=agent_workers,
                            setup_timeout=start_limit, retry_errors=retry_errors)
        # fmt: on
        return _split_mode(opts, as_json=as_json, echo=echo, executor=executor)
    if target == "--miniwob-suite":
        if agent is None:
            raise UserError("--miniwob-suite needs --agent NAME")
        from omniact.sandbox.miniwob import DEFAULT_SUITE, replay_miniwob_suite

        envs = env_list if miniwob_envs is not None else list(DEFAULT_SUITE)
        summary = replay_miniwob_suite(
            _load_agent(agent, agent_args, miniwob=True, timeout=task_timeout, setup_timeout=start_limit),
            envs,
            seed_list,
            limit=limit,
            dpr=dpr or 1.0,
            workers=workers,
            out_dir=out,
            task_timeout=task_timeout,
            settle_ms=settle_ms,
        )
        summary = {"agent": agent, "envs": list(summary["per_env"]), **summary}  # --limit may cut envs
        _write_out(out, summary)
        if as_json:
            echo(terminal_json(summary))
        else:
            for env, r in summary["per_env"].items():
                echo(f"{env:<24} mean reward {r:+.3f}")
            echo(
                f"{summary['n_episodes']} episodes: mean reward {summary['mean_reward']:+.3f}, "
                f"success {100 * summary['success_rate']:.1f}%"
            )
        return summary

    # Single replays: the script comes from --script or from the agent.
    if script is None and agent is None:
        page = target in ("--html", "--url")  # a page has no task for an agent to act on
        raise UserError(f"{target} needs --script FILE" + ("" if page else " (or --agent NAME)"))
    if agent is not None and target in ("--html", "--url"):
        raise UserError(f"{target} replays a --script FILE; agents act on tasks (--task, --split, --miniwob)")
    # Ctrl-Z stops the browser (Chromium leads a session of its own) and the agent's processes with this one, and
    # the pause counts against no time limit (job_control.active_clock), as in a split's replay.
    with _hangup_closes_browser(), stopped_together(groups_below):
        text = _read_script(script) if script is not None else None

        if target == "--task":
            from omniact.dataset import locate_task, resolve_data_root

            root = resolve_data_root(data)
            task, found_in = locate_task(root, task_id, split)  # type: ignore[arg-type]
            if text is None:
                scripts, errors = agent_scripts(
                    _load_agent(agent, agent_args, timeout=task_timeout, setup_timeout=start_limit,
                                defaults={"data_root": str(root), "run_split": found_in}),
                    [(task.view(), task.gold_script)])
                if task.id in errors:
                    from omniact.sandbox.replay import ReplayResult

                    result = ReplayResult(task.id, False, reason=errors[task.id])
                else:
                    text = scripts[task.id]
            if text is not None:
                from omniact.sandbox.replay import replay_task

                result = replay_task(
                    task,
                    text,
                    out_dir=out,
                    step_images=out is not None,
                    task_timeout=task_timeout,
                    trace=trace,
                    root=root,
                    settle_ms=page_settle,
                )
        elif target == "--miniwob":
            from omniact.sandbox.miniwob import EpisodeNotStarted, miniwob_task, replay_miniwob
            from omniact.sandbox.replay import ReplayResult

            if text is None:
                the_agent = _load_agent(agent, agent_args, miniwob=True, timeout=task_timeout, setup_timeout=start_limit)  # type: ignore[arg-type]
                try:
                    with miniwob_task(miniwob, seed, dpr=dpr or 1.0, task_timeout=task_timeout) as mt:  # type: ignore[arg-type]
                        scripts, errors = agent_scripts(the_agent, [(mt.view, None)])
                except EpisodeNotStarted as e:
                    # The episode's failure, worded as --miniwob-suite words it: no observation, nothing to act on.
                    mt_id = e.task_id
                    scripts, errors = {}, {mt_id: f"could not start the episode: {e.reason}"}
                else:
                    mt_id = mt.id
                if mt_id in errors:
                    result = ReplayResult(mt_id, False, reward=0.0, reason=errors[mt_id])
                text = scripts.get(mt_id)
            if text is not None:
                result = replay_miniwob(
                    miniwob,
                    seed,
                    text,
                    dpr=dpr or 1.0,
                    out_dir=out,  # type: ignore[arg-type]
                    task_timeout=task_timeout,
                    trace=trace,
                    settle_ms=settle_ms,
                )
        else:
            from omniact.sandbox.replay import replay_page

            result = replay_page(
                html=html,
                url=url,
                script=text,
                viewport=parse_viewport(viewport, dpr or 1.0),
                dpr=dpr or 1.0,
                check=check,
                wait_for=wait_for,
                settle_ms=page_settle,
                out_dir=out,
                task_timeout=task_timeout,
                trace=trace,
                os_name=os_name,
            )
        obj = result.to_json()
        _write_out(out, obj)
        if as_json:
            echo(terminal_json(obj))
        else:
            from omniact.sandbox.replay import task_folder

            folder = None if out is None else task_folder(out, result.task_id) if target == "--task" else out
            _echo_result(echo, result, folder)
            if out is not None:
                echo(f"results: {out / 'replay.json'}")
            else:
                echo("(add --out DIR for step images: the screen after each step, with its point drawn)")
    return obj


@dataclass(frozen=True)
class _SplitReplay:
    """The options a split's replay reads (the other modes take theirs straight from `replay_command`)."""

    data: Path | None
    split: str | None
    predictions: Path | None
    agent: str | None
    agent_args: Sequence[str]
    settle_ms: int
    task_timeout: float
    workers: int
    trace: bool
    out: Path | None
    limit: int | None
    step_images: bool
    agent_workers: int = 1
    setup_timeout: float | None = DEFAULT_SETUP_TIMEOUT
    retry_errors: bool = False


def _split_mode(
    opts: _SplitReplay, *, as_json: bool, echo: Callable[[str], None], executor: Any = None
) -> dict:
    from omniact.sandbox.replay import ReplayResult, replay_tasks

    out = opts.out
    if opts.predictions is None and opts.agent is None:
        raise UserError(
            "replay needs something to replay: --predictions FILE or --agent NAME for a split, "
            "--task ID --script FILE, --html/--url FILE, or --miniwob ENV"
        )
    ds, tasks, predictions = _split_tasks(opts)
    answers: Path | None = None  # the run folder in --out that keeps an agent's answers
    if opts.agent is not None and out is not None:
        answers = _answers_into_run(opts, show_progress=not as_json and sys.stderr.isatty())
        predictions = answers
    if predictions is not None:
        from omniact.predictions import predictions_path

        # A run folder's predictions.jsonl, refused as `score` refuses it while the run goes on or after a session
        # was killed (the file is then an earlier session's, short of the tasks finished since)
        predictions = predictions_path(predictions)
        scripts, agent_errors = _read_answers(predictions, ds)
    else:
        scripts, agent_errors = _ask_in_memory(opts, ds, tasks)
    finished: dict[str, Any] = {}

    def progress(r: Any) -> None:
        finished[r.task_id] = r
        if not as_json and sys.stderr.isatty():
            print(f"\r{len(finished)}/{len(tasks)} tasks", end="", file=sys.stderr, flush=True)

    stopped: list[int] = []

    def on_term(signum: int, frame: Any) -> None:
        # `timeout`, systemd and Slurm stop a job with SIGTERM: end it as Ctrl-C does, with what is done kept.
        stopped.append(signum)
        raise KeyboardInterrupt

    previous = _set_sigterm(on_term)
    interrupted = False
    try:
        results = replay_tasks(
            tasks,
            {k: v for k, v in scripts.items() if k not in agent_errors},
            workers=opts.workers,
            out_dir=out,
            task_timeout=opts.task_timeout,
            executor=executor,
            # An image per step of every task is costly (a screenshot per action) and rarely looked at for a
            # whole split: only on request (--step-images). Single-task replays always write them.
            step_images=opts.step_images and out is not None,
            trace=opts.trace,
            root=ds.root,
            settle_ms=opts.settle_ms,
            progress=progress,
        )
    except KeyboardInterrupt:
        # Ctrl-C (or SIGTERM): the tasks replayed so far are kept and written; the others are listed as not
        # replayed, so that the summary and replay.json still cover the whole split.
        interrupted = True
        results = [finished.get(t.id) or ReplayResult(t.id, False, reason=NOT_REPLAYED) for t in tasks]
    finally:
        _set_sigterm(previous)
    if not as_json and sys.stderr.isatty():
        print(file=sys.stderr)
    results = [
        ReplayResult(r.task_id, False, reason=agent_errors[r.task_id]) if r.task_id in agent_errors else r
        for r in results
    ]
    n_ok = sum(r.success for r in results)
    obj = {
        "dataset": ds.describe(),
        "source": f"agent:{opts.agent}" if opts.agent is not None else str(predictions),
        "interrupted": interrupted,
        "n_tasks": len(results),
        "n_success": n_ok,
        "success_rate": n_ok / len(results) if results else 0.0,
        "n_missing": sum(r.reason == "no prediction" for r in results),
        "n_parse_errors": sum(r.parse_error is not None for r in results),
        "n_timeouts": sum(bool(r.reason and r.reason.startswith("timed out")) for r in results),
        "n_not_replayed": sum(r.reason == NOT_REPLAYED for r in results),
        "tasks": [r.to_json() for r in results],
    }
    if answers is not None:  # where the agent's answers are kept (a run folder: `score`, `report` read it too)
        obj["run"] = str(answers)
    stats = getattr(executor, "stats", None)
    if callable(stats):  # a Ray pool: what it did about lost workers
        obj["executor_stats"] = dict(stats())
    _write_out(out, obj)
    # (with --json too: the index is a file the user asked for, not part of what is printed)
    paged = False
    if out is not None and opts.step_images:
        _write_split_page(out, results)
        paged = True
    if as_json:
        echo(terminal_json(obj))
    else:
        for r in results:
            if r.reason in (NOT_REPLAYED, "no prediction"):  # counted in the summary line, not listed one by one
                continue
            echo(
                f"{'PASS' if r.success else 'FAIL'} {r.task_id:<12} {r.elapsed:5.1f}s"
                + ("" if r.success else f"  {r.reason}")
            )
        echo(
            f"{n_ok}/{len(results)} tasks succeeded ({100 * obj['success_rate']:.1f}%)"
            + (f", {obj['n_missing']} without prediction" if obj["n_missing"] else "")
            + (f", {obj['n_parse_errors']} parse errors" if obj["n_parse_errors"] else "")
            + (f", {obj['n_timeouts']} timed out" if obj["n_timeouts"] else "")
            + (f", {obj['n_not_replayed']} not replayed" if obj["n_not_replayed"] else "")
        )
        from omniact.executor import workers_lost

        if lost := workers_lost(obj.get("executor_stats", {})):
            echo(lost)
        if out is not None:
            if paged:
                echo(f"step images: {out / 'index.html'}")
            if answers is not None:
                echo(escape_controls(f"agent's answers: {answers}"))
            echo(f"results: {out / 'replay.json'}")
    if interrupted:
        import signal

        echo_err = _stderr_echo()
        echo_err(
            f"omniact: {'stopped' if stopped else 'interrupted'} after {len(tasks) - obj['n_not_replayed']} of "
            f"{len(tasks)} tasks" + (f"; their results are in {out / 'replay.json'}" if out is not None else "")
            # (run again, the command replays every task from these answers, asking the agent for none of them)
            + (escape_controls(f"; the agent's answers are kept in {answers}") if answers is not None else "")
        )
        raise SystemExit(128 + (stopped[0] if stopped else signal.SIGINT))
    return obj


def _split_tasks(opts: _SplitReplay) -> tuple[Any, list[Any], Path | None]:
    """(data set, the tasks to replay, the predictions given): a run folder given as --predictions is replayed on
    the data and split it ran on, and on its own tasks when it was made with --limit (as `score` scores it)."""
    from omniact.dataset import load_split

    data, split, run, predictions = opts.data, opts.split, None, opts.predictions
    if predictions is not None:
        from omniact.predictions import as_run_folder, run_dataset

        predictions = as_run_folder(Path(predictions))
        if predictions.is_dir():
            run = predictions
            data, split = run_dataset(run, data, split)
    ds = load_split(data, split or "test")
    if run is not None and opts.limit is None:
        from omniact.predictions import run_tasks

        ds = run_tasks(run, ds)  # a run made with --limit: its own tasks, not the rest counted as missing
    tasks = list(ds.tasks[: opts.limit] if opts.limit is not None else ds.tasks)
    if not any(t.env for t in tasks):  # said before any agent is asked
        raise UserError(
            f"no task of split {ds.split} can be replayed: its entries have no 'env' page "
            "(only the built-in suite and data sets like it carry env and check)",
            file=str(ds.split_path),
        )
    return ds, tasks, predictions


def _read_answers(path: Path, ds: Any) -> tuple[dict[str, str], dict[str, str]]:
    """({id: script}, {id: why it has none}) of a predictions file. A script that is not text, and a task the agent
    failed on (the record's "error", as a run folder's predictions.jsonl has it), are that task's failure with its
    reason: not an empty script replayed to fail for no reason shown."""
    from omniact.predictions import agent_failures, read_predictions

    preds = read_predictions(path, known_ids={t.id for t in ds.tasks}, split=ds.split)
    # A non-text script is the agent's mistake: replayed as "" it fails, and we say why.
    scripts = {k: p.script if isinstance(p.script, str) else "" for k, p in preds.items()}
    errors = {k: f"prediction is not text ({type(p.script).__name__})"
              for k, p in preds.items() if not isinstance(p.script, str)}
    for k, (kind, message) in agent_failures(preds).items():
        # (an unparseable answer keeps its script and is replayed: the replay says where it does not parse)
        text = escape_controls(" ".join(message.split()))  # a file's text, printed on the task's line
        errors[k] = text if kind == "data" else f"agent error: {text}"
    return scripts, errors


def _ask_in_memory(opts: _SplitReplay, ds: Any, tasks: Sequence[Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The agent's answers, asked one task at a time in this process and kept in memory only (no --out to keep
    them in): a stop loses them, and the note says how to keep them. (Ctrl-Z: `_AgentThread` stops what the agent
    started with this process, and leaves the pause out of each ``act()``'s time limit.)"""
    try:
        return agent_scripts(
            _load_agent(opts.agent, opts.agent_args, timeout=opts.task_timeout,  # type: ignore[arg-type]
                        setup_timeout=opts.setup_timeout,
                        defaults={"data_root": str(ds.root), "run_split": opts.split or "test"}),
            [(t.view(), t.gold_script) for t in tasks],
        )
    except KeyboardInterrupt:  # (SIGTERM too) what was asked is lost: say how to keep a long agent's answers
        sys.stderr.write(f"omniact: note: stopped while the agent answered; without --out no answer is kept: with "
                         f"--out DIR the answers are kept in DIR/{ANSWERS_FOLDER} as they come, and the same command "
                         "run again asks only for the tasks not answered yet\n")
        raise


def _answers_into_run(opts: _SplitReplay, *, show_progress: bool) -> Path:
    """Ask the agent for the split's answers through the runner, into ``--out/run``: as `omniact run` asks (in
    parallel, each answer committed as it comes), so that a stop keeps what was answered, and the same command
    run again continues the run there (only the tasks not answered yet are asked; a failed task stays failed).
    The runner works on this machine whatever --executor says: a Ray pool replays, with the browser's resources.
    """
    from omniact.run_lock import FolderBusy
    from omniact.runner import ResumeRefused, RunStopped, run

    folder = opts.out / ANSWERS_FOLDER  # type: ignore[operator]
    kept = _kept_answers(folder)
    try:
        # --agent-workers, not --workers: each worker builds its own agent (a model agent loads its model again),
        # which `omniact run` also does only when asked
        run(opts.agent, out=folder, data=opts.data, split=opts.split or "test",  # type: ignore[arg-type]
            agent_args=parse_agent_args(opts.agent_args), workers=opts.agent_workers, resume=kept > 0,
            retry_errors=opts.retry_errors and kept > 0, limit=opts.limit, task_timeout=opts.task_timeout,
            setup_timeout=opts.setup_timeout, progress=show_progress)
    except ResumeRefused as e:
        # run()'s words advise --resume and another --out for `omniact run`; replay continues by itself
        hint = e.hint if "seed" not in e.keys else ""  # (replay has no --seed)
        raise UserError(f"cannot continue the agent's answers kept here: they were made with other settings "
                        f"({e.changes}); {hint}give the replay a fresh --out, or remove this folder to ask the agent "
                        "afresh", file=str(folder)) from None
    except RunStopped as e:
        raise UserError(_stopped_text(e, folder)) from None
    except FolderBusy as e:  # run()'s words say "then --resume", an option replay does not have
        raise UserError(f"another omniact command is writing the agent's answers here ({e.who}); wait for it to "
                        "end, or stop it, then run this command again", file=str(folder)) from None
    except KeyboardInterrupt:  # (SIGTERM too) the answers committed so far are in the run folder: say so
        sys.stderr.write(_kept_note(folder))
        raise
    return folder


def _kept_answers(folder: Path) -> int:
    """How many answers the run folder `folder` keeps (0: none, or no run there)."""
    from omniact.store import STORE_NAME, kept_tasks

    return kept_tasks(folder / STORE_NAME)


def _kept_note(folder: Path) -> str:
    where = escape_controls(str(folder))
    n = _kept_answers(folder)
    if n == 0:  # the runner took away the folder it had made: there is nothing to continue
        return "omniact: note: stopped before the agent finished any task; nothing was kept: run the command again\n"
    kept = "the answer given so far is" if n == 1 else f"the {n} answers given so far are"
    return (f"omniact: note: stopped while the agent answered; {kept} kept in {where}: run the same command again to "
            "continue (only the tasks not answered yet are asked)\n")


def _stopped_text(e: RunStopped, folder: Path) -> str:
    """The runner's stop on the agent's account (`omniact.runner.RunStopped`), in replay's terms."""
    where = shell_quote(str(folder))
    if e.kind == "fail_fast":
        return (f"the agent's first {e.count} answers all failed with: {e.cause}; fix the cause, then run the command "
                f"again with --retry-errors (if the fix is an agent argument, give a fresh --out, or remove {where}); "
                "or run it again as it is to go on with the other tasks")
    if not e.kept:
        return f"the agent stopped before any task was answered, and nothing was kept: {e.cause}"
    return (f"the agent stopped: {e.cause} (the answers given so far are kept in {where}: after the fix, run the "
            "same command again; if the fix is an agent argument, give a fresh --out)")



def _write_split_page(out: Path, results: Sequence[Any]) -> None:
    """Write ``out/index.html``, a line per task linking to its step-image page where it has one (written also when
    none has: an earlier replay's page must not stay as this one's)."""
    import html

    from omniact.atomic import write_text
    from omniact.sandbox.replay import PAGE_VIEWPORT, task_folder

    rows = []
    for r in results:
        page = task_folder(out, r.task_id) / "index.html"
        mark = "PASS" if r.success else "FAIL"
        name = html.escape(r.task_id)
        link = f'<a href="{html.escape(page.relative_to(out).as_posix())}">{name}</a>' if page.is_file() else name
        why = "" if r.success else f" {html.escape(str(r.reason))}"
        rows.append(f'<li><span class="{mark}">{mark}</span> {link}{why}</li>')
    n_ok = sum(r.success for r in results)
    text = (
        f'<!doctype html><html lang="en"><meta charset="utf-8">{PAGE_VIEWPORT}'
        f"<title>replay: {n_ok}/{len(results)} tasks succeeded</title><style>body{{font:14px/1.5 system-ui,sans-serif;"
        "margin:1.5em}.PASS{color:#080}.FAIL{color:#c00}</style>\n"
        f"<h1>{n_ok}/{len(results)} tasks succeeded</h1>\n<ul>\n" + "\n".join(rows) + "\n</ul>\n"
    )
    write_text(out / "index.html", text)


#: The reason of a task a Ctrl-C (or SIGTERM) kept from being replayed.
NOT_REPLAYED = "not replayed (interrupted)"


def _set_sigterm(handler: Any) -> Any:
    """Install a SIGTERM handler (main thread only; elsewhere, e.g. under a test runner's thread, a no-op)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    if handler is None:
        return None
    return signal.signal(signal.SIGTERM, handler)


class _HungUp(KeyboardInterrupt):
    """SIGHUP (the terminal closed) during a single replay. A KeyboardInterrupt, so that it leaves Playwright's
    event loop and whatever waits as a Ctrl-C does (asyncio keeps other exceptions in the task they hit)."""


@contextmanager
def _hangup_closes_browser() -> Iterator[None]:
    """While inside, a hang-up closes this process's browser host (the browser, its driver and its temporary folder)
    before the process ends as the hang-up would have ended it. At its default, SIGHUP ended the process at once, and
    the host's folder, removed at exit, stayed in TMPDIR (Ctrl-C and SIGTERM close it: `cli._stopped`).

    Only a SIGHUP at its default is taken over: one ignored (`nohup`) must let the replay run on, and one handled
    by someone else is theirs. Off the main thread no handler can be set: nothing changes."""
    hup = getattr(signal, "SIGHUP", None)
    if hup is None or threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(hup) is not signal.SIG_DFL:
        yield
        return

    def on_hup(signum: int, frame: Any) -> None:
        raise _HungUp

    signal.signal(hup, on_hup)
    try:
        yield
    except _HungUp:
        signal.signal(hup, signal.SIG_DFL)  # a second hang-up, as the host closes, ends the process at once
        _end_hung_up()
    finally:
        signal.signal(hup, signal.SIG_DFL)


def _end_hung_up() -> None:
    """Close what the replay holds, say so (stderr may be a file: `cmd >log 2>&1 &`), and end by SIGHUP, as the
    default action would have (the shell reports 129; no atexit handler runs, as before)."""
    from omniact.atomic import remove_unfinished
    from omniact.sandbox import browser

    remove_unfinished()
    if browser._SHARED is not None:
        with suppress(Exception):  # best effort: the driver may have been hung up too
            browser._SHARED.close()
    with suppress(OSError, ValueError):  # the terminal that closed, or a closed stream: nobody to tell
        sys.stdout.flush()
        print("omniact: stopped (SIGHUP)", file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGHUP)


def _stderr_echo() -> Callable[[str], None]:
    import click

    return lambda line: click.echo(line, err=True)
