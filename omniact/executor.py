"""Executors: where the runner's tasks run. The local pool is the default; a distributed engine plugs in here.

The contract is small on purpose, so that another engine (Ray) can take the local pool's place without the
agents or the store noticing:

- the runner builds a picklable `WorkerSpec` (which agent with which arguments, which data set, the seed);
- ``executor.map(spec, task_ids)`` yields one `TaskResult` per task id, in any order, as tasks finish;
- every worker builds a `Worker` from the spec once (data set loaded once, agent built and ``setup()`` once)
  and calls ``worker.run(task_id)`` per task.
- ``map(spec, task_ids, on_ready=f)`` calls ``f(description)`` in the driver once per worker whose agent
  started, before any of that worker's results, with the agent's ``describe()`` (None when it has none). The
  description travels with the worker's first message (a thread's event, a process's pipe, a Ray actor's
  ``start()``), so it costs no round trip per task; the runner records it and checks it on ``--resume``. `Worker.run` never raises for an agent's fault: exceptions,
  non-text answers and unparseable scripts come back as results with ``error_kind`` set.
- Randomness is seeded per task from (run seed, task id) in `Worker.run`, so results do not depend on which
  worker ran a task or in what order.

What an executor adds on top: per-task timeouts and surviving dead workers. The local executor runs N slots,
each a thread (I/O-bound agents: model servers) or a process (CPU-bound agents); a task over its time limit is
recorded as ``timeout`` and its task's cancel event is set (in a process worker, by a message down its pipe), which
the agent may heed, see `omniact.agent.task_cancel_event`: one whose act returns within `CANCEL_GRACE` seconds goes
on to the next task, its agent kept; otherwise the slot is abandoned (a thread) or killed (a process) and replaced.
A process that dies mid-task is recorded as ``crash``. The run goes on either way. A worker that does not start
within the setup timeout ends the run (see `LocalExecutor`).
"""

from __future__ import annotations

import os
import queue
import random
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from omniact.actions import MAX_SCRIPT_CHARS
from omniact.errors import DataError, ParseError, UserError, escape_controls
from omniact.extras import install_hint
from omniact.job_control import (
    active_clock,
    follow_pauses,
    groups_below,
    running,
    shared_pauses,
    stopped_together,
    stops_deferred,
    unreaped,
    worker_group,
)
from omniact.store import TaskResult

__all__ = [
    "DEFAULT_SETUP_TIMEOUT",
    "EXECUTORS",
    "SERVED_KEYS",
    "WORKER_TYPES",
    "CallResult",
    "CallThread",
    "CallTimedOut",
    "Executor",
    "LocalExecutor",
    "Worker",
    "WorkerSpec",
    "error_text",
    "make_executor",
    "seconds_or_none",
    "setup_timeout_or_none",
    "share_dataset",
    "spec_text",
    "start_error",
    "start_timeout_text",
]

WORKER_TYPES = ("threads", "processes")
#: a worker's name in the run's records: thread1, proc2 (a timed-out task's record said "processe2")
_WORKER_NAME = {"threads": "thread", "processes": "proc"}
#: seconds a worker may take to start (load the split, build the agent, ``setup()``, ``describe()``) before the
#: run stops: ample for loading a large local model from disk, short of waiting for ever on a hung one
DEFAULT_SETUP_TIMEOUT = 1800.0
#: a model's raw answer (``last_raw``) is stored up to this many characters
MAX_RAW_CHARS = 1_000_000
#: what an agent's ``last_served`` may say of a model server's reply (see omniact.agent), kept per task in the
#: result's ``extra`` and exported under the same names
SERVED_KEYS = ("served_model", "system_fingerprint")
#: what to do when worker processes die because the script that started the run has no ``__main__`` guard
MAIN_GUARD_HINT = ("call run() under `if __name__ == \"__main__\":` (worker processes start by importing the script "
                   "that started the run again), or define the agent in a module of its own")


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker needs to build its agent and find its tasks; picklable, so it can travel.

    `agent` is what the user named (a registered name, ``module:Class``, ``path.py:Class`` or a class that
    pickles by reference); `agent_args` and `agent_config` are handed to `omniact.agent.load_agent`, and
    `agent_defaults` are the run-wide settings (``seed``, ``cache``, ``data_root``) offered to constructors.
    """

    agent: Any
    data_root: str
    split: str
    agent_args: Mapping[str, Any] = field(default_factory=dict)
    agent_config: str | None = None
    agent_defaults: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0


_DATASETS: dict[tuple[str, str], Any] = {}
_DATASETS_LOCK = threading.Lock()


def share_dataset(root: str, split: str, dataset: Any) -> None:
    """Hand a split the driver just loaded to the workers of this process (each run loads it afresh)."""
    with _DATASETS_LOCK:
        _DATASETS[(root, split)] = dataset


def _dataset(root: str, split: str) -> Any:
    """One loaded split per process, shared by the threads in it."""
    from omniact.dataset import load_split

    with _DATASETS_LOCK:
        ds = _DATASETS.get((root, split))
        if ds is None:
            ds = _DATASETS[(root, split)] = load_split(root, split)
        return ds


def _seed_everything(seed: int) -> None:
    """Seed the global generators before a task (best effort, see below).

    These generators are per process: with several thread workers, tasks running at the same time draw
    from the same generator, so only agents that derive their own generator from
    ``omniact.agent.task_seed(seed, view.id)`` (like ``random``), or that run in process workers, get
    results that cannot depend on scheduling.
    """
    random.seed(seed)
    # Only libraries the agent already imported: seeding must not import torch into a light agent's worker.
    # Another thread may be importing one of them right now (a partially initialised module): skip it then.
    try:
        np_random = getattr(sys.modules.get("numpy"), "random", None)
        if np_random is not None and hasattr(np_random, "seed"):
            np_random.seed(seed % 2**32)
        manual_seed = getattr(sys.modules.get("torch"), "manual_seed", None)
        if manual_seed is not None:
            manual_seed(seed % 2**63)
    except Exception:  # noqa: BLE001, S110 - seeding is best-effort: an odd numpy/torch must not stop the task
        pass


_OUR_FILES = str(Path(__file__).resolve().parent) + os.sep


def error_text(e: BaseException) -> str:
    """An agent's exception in one line: its type, its message and the file and line that raised it. The message
    is the agent's text: its line breaks become spaces and its control characters escapes (an ESC would recolour
    the terminal), and a message that cannot be made (a ``__str__`` that raises) is said to be so."""
    # The innermost frame outside omniact: the agent's own line (an act() with the wrong signature raises in our
    # call to it, which is no place for the user to look; then no place is named).
    tb = [f for f in traceback.extract_tb(e.__traceback__) if not f.filename.startswith(_OUR_FILES)]
    where = f" ({Path(tb[-1].filename).name}:{tb[-1].lineno})" if tb else ""
    try:
        message = str(e)
    except Exception as inner:  # noqa: BLE001 - the agent's own __str__, whatever it raises
        message = f"<its message cannot be shown: {type(inner).__name__} in __str__>"
    message = escape_controls(" ".join(message.splitlines()))
    hint = install_hint(e)  # an agent that needs an extra not installed (openai, torch, cv2): which one
    return f"{type(e).__name__}: {message}{where}{f': {hint}' if hint else ''}"


def start_error(e: BaseException) -> str:
    """Why a worker could not start, in one line for the user: a `UserError`'s own message (written for the
    user already, so no class name in front of it), else the exception's type, message and place."""
    if isinstance(e, UserError):
        return str(e)
    return error_text(e)


def start_timeout_text(phase: str, seconds: float) -> str:
    """What an agent that did not start within the setup timeout was doing, and how to give it longer: the words
    of every place that bounds a start (local workers, Ray actors, ``agents --check``)."""
    return f"{phase} did not finish within {seconds:g} s (give it longer with --setup-timeout SECONDS, or none)"


class CallTimedOut(Exception):
    """A `CallThread` call that did not return in time. `kept`: it returned within the grace it was given once its
    time was up (see `CallResult.get`), so its thread takes later calls; else the thread is given up on."""

    def __init__(self, message: str, kept: bool = False) -> None:
        super().__init__(message)
        self.kept = kept


class CallResult:
    """A call given to a `CallThread`: `get` waits for what it returns."""

    def __init__(self, thread: CallThread) -> None:
        self._thread = thread
        self._box: dict[str, Any] = {}
        self._done = threading.Event()

    def _run(self, fn: Callable[[], Any]) -> None:
        try:
            self._box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - raised again in the caller's thread
            self._box["error"] = e
        self._done.set()

    def get(self, timeout: float | None = None, *, on_timeout: Callable[[], object] | None = None,
            grace: float = 0.0) -> Any:
        """The call's value, or its exception raised here; `CallTimedOut` when it has not returned within
        `timeout` seconds (None: no limit; a Ctrl-Z pause not counted, see `active_clock`). Then `on_timeout()` is
        called (it sets the call's cancel event) and the call has `grace` seconds more to return: if it does, the
        thread takes later calls (`CallTimedOut.kept`), else it is given up on (no later call runs there)."""
        if timeout is None:
            self._done.wait()
        elif not self._wait(timeout):
            if on_timeout is not None:
                on_timeout()
            if grace > 0 and self._wait(grace):
                raise CallTimedOut(f"no answer within {timeout:g} s", kept=True)
            self._thread.abandon()
            raise CallTimedOut(f"no answer within {timeout:g} s")
        if "error" in self._box:
            raise self._box["error"]
        return self._box.get("value")

    def _wait(self, seconds: float) -> bool:
        """Whether the call returns within `seconds` on the clock a Ctrl-Z stops: the time the command was paused is
        not the call's (a wait that ends after a pause finds its time not up yet, and waits for the rest)."""
        deadline = active_clock() + max(0.0, seconds)
        while not self._done.wait(max(0.0, deadline - active_clock())):
            if active_clock() >= deadline:
                return False
        return True


class CallThread:
    """One daemon thread that makes the calls given to it, one at a time. An agent built by a call here finds
    its thread-bound state (an event loop, a sync browser) in every later call, as in a thread worker; a call
    that does not return in time is abandoned, and the thread with it (no later call runs there)."""

    def __init__(self, name: str = "omniact-agent") -> None:
        self._inbox: queue.Queue[tuple[Callable[[], Any], CallResult] | None] = queue.Queue()
        self.stuck = False
        threading.Thread(target=self._main, daemon=True, name=name).start()

    def _main(self) -> None:
        while (job := self._inbox.get()) is not None:
            fn, result = job
            result._run(fn)

    def submit(self, fn: Callable[[], Any]) -> CallResult:
        """Start ``fn()`` in this thread and return at once; ``.get(timeout)`` waits for it."""
        if self.stuck:
            raise CallTimedOut("an earlier call has not returned")
        result = CallResult(self)
        self._inbox.put((fn, result))
        return result

    def call(self, fn: Callable[[], Any], timeout: float | None = None, *,
             on_timeout: Callable[[], object] | None = None, grace: float = 0.0) -> Any:
        """``fn()`` in this thread: its value, or its exception raised here; `CallTimedOut` when it has not
        returned within `timeout` seconds (None: no limit; `on_timeout` and `grace` as for `CallResult.get`)."""
        return self.submit(fn).get(timeout, on_timeout=on_timeout, grace=grace)

    def abandon(self) -> None:
        """Give up on the call in progress: no later call runs here, and the thread ends if it ever returns."""
        if not self.stuck:
            self.stuck = True
            self._inbox.put(None)

    def stop(self) -> None:
        """End the thread once its current call (if any) returns."""
        self._inbox.put(None)


class Worker:
    """One agent instance and the data set, running tasks one at a time (see the module docstring)."""

    def __init__(self, spec: WorkerSpec, name: str = "", on_phase: Callable[[str], None] | None = None) -> None:
        """Load the split and build, set up and describe the agent. `on_phase` hears what the worker starts
        next (``"setup()"``...), so that an executor can say what hung when starting takes too long."""
        from omniact.agent import load_agent

        phase = on_phase or (lambda _: None)
        self.spec = spec
        self.name = name or f"pid{os.getpid()}"
        phase("loading the split")
        self.dataset = _dataset(spec.data_root, spec.split)
        self.setup_error: str | None = None
        #: the agent's ``describe()`` once set up (None: it has none, or it did not start)
        self.description: dict[str, Any] | None = None
        phase("importing and building the agent")
        self.agent = load_agent(spec.agent, spec.agent_args, spec.agent_config, defaults=spec.agent_defaults)
        setup = getattr(self.agent, "setup", None)
        if callable(setup):
            phase("setup()")
            try:
                setup()
            except Exception as e:  # noqa: BLE001 - the runner stops the run with this message: no task is recorded
                self.setup_error = str(e) if isinstance(e, UserError) else f"setup() raised {start_error(e)}"
        if self.setup_error is None:
            phase("describe()")
            self._describe()

    def _describe(self) -> None:
        from omniact.agent import BadDescription, describe_agent

        try:
            self.description = describe_agent(self.agent)
        except BadDescription as e:  # (its own words: "describe() returned a list, not a dict")
            self.setup_error = str(e)
        except Exception as e:  # noqa: BLE001 - an agent that cannot say what it is would make an unrecordable run
            self.setup_error = f"describe() raised {start_error(e)}"

    @property
    def ready(self) -> bool:
        """Whether the agent started (built, set up and described): its tasks can run."""
        return self.setup_error is None

    def run(self, task_id: str, cancel: threading.Event | None = None) -> TaskResult:
        """Run the agent on one task and turn whatever happens into a `TaskResult`. `cancel`, set when the
        executor gives up on the task, is the agent's `omniact.agent.task_cancel_event` meanwhile."""
        from omniact.actions import parse_script
        from omniact.agent import _cancel_scope, task_seed, to_pixels

        # Not the wall clock: a run stopped with Ctrl-Z would record the pause as the agent's time.
        t0 = active_clock()

        def fail(kind: str, message: str, **kw: Any) -> TaskResult:
            return TaskResult(task_id, kw.pop("script", ""), error=message, error_kind=kind,
                              seconds=active_clock() - t0, worker=self.name, **kw)

        if self.setup_error is not None:
            return fail("setup", self.setup_error)
        task = self.dataset[task_id]
        try:
            view = task.view()
        except DataError as e:  # its detection files: this task's data, not the agent or the worker, is at fault
            return fail("data", f"{e} (`omniact validate` names every such file)")
        agent = self.agent
        _seed_everything(task_seed(self.spec.seed, task_id))
        for attr in ("last_usage", "last_raw", "last_note", "last_served"):
            if hasattr(agent, attr):
                try:
                    setattr(agent, attr, None)
                except AttributeError:
                    pass
        try:
            with _cancel_scope(cancel):
                if getattr(agent, "uses_gold", False):
                    out = agent.act_with_gold(view, task.gold_script)
                else:
                    out = agent.act(view)
        except ParseError as e:  # the agent says its model's answer holds no script
            return fail("parse", f"no script in the answer: {e.message}", **self._usage(agent))
        except UserError as e:
            # The user's setting is wrong (a refused API key, a model the server does not have): every task would
            # fail alike, so the runner stops the run at once with this line instead of recording it.
            return fail("fatal", str(e), **self._usage(agent))
        except Exception as e:  # noqa: BLE001 - a failing agent is the task's result, not the run's end
            return fail("exception", error_text(e), **self._usage(agent))
        if not isinstance(out, str):
            return fail("bad_output", f"act() returned {type(out).__name__}, not str", **self._usage(agent))
        script = to_pixels(out, getattr(agent, "coordinates", "pixels"), view.width, view.height)
        try:
            parse_script(script)
        except ParseError as e:
            # Kept as written (its points in pixels), so re-scoring the exported predictions counts the same parse
            # error, and reference mode, which reads the lines it can, reads the same points; past the parser's
            # limit only its first characters (still over the limit), or a runaway answer fills the disk.
            if len(script) > MAX_SCRIPT_CHARS:
                return fail("parse", f"script does not parse: {e} (its first {MAX_SCRIPT_CHARS + 1:,} characters are "
                            "kept)", script=script[:MAX_SCRIPT_CHARS + 1], **self._usage(agent))
            return fail("parse", f"script does not parse: {e}", script=script, **self._usage(agent))
        return TaskResult(task_id, script, seconds=active_clock() - t0, worker=self.name,
                          **self._usage(agent))

    @staticmethod
    def _usage(agent: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        raw = getattr(agent, "last_raw", None)
        if isinstance(raw, str):
            out["raw"] = raw[:MAX_RAW_CHARS]
        note = getattr(agent, "last_note", None)
        if isinstance(note, str) and note:  # a remark on an answer that still counts (exported as "note")
            out["extra"] = {"note": note[:500]}
        served = getattr(agent, "last_served", None)
        if isinstance(served, Mapping):  # what a model server says answered (exported as the same keys)
            kept = {k: v[:200] for k in SERVED_KEYS if isinstance(v := served.get(k), str) and v}
            if kept:
                out.setdefault("extra", {}).update(kept)
        u = getattr(agent, "last_usage", None)
        if u is not None:
            get = (lambda k: u.get(k, 0)) if isinstance(u, Mapping) else (lambda k: getattr(u, k, 0))
            out.update(prompt_tokens=int(_count(get("prompt_tokens"))),
                       completion_tokens=int(_count(get("completion_tokens"))),
                       cost=_count(get("cost")), cached=bool(get("cached") or False))
        return out

    def close(self) -> None:
        close = getattr(self.agent, "close", None)
        if callable(close):
            try:
                close()
            except Exception:  # noqa: BLE001, S110 - best-effort clean-up of an agent at the end of the run
                pass


class Executor(Protocol):
    """Runs tasks somewhere and streams their results back to the driver (which alone writes the store)."""

    name: str

    def map(self, spec: WorkerSpec, task_ids: Sequence[str], *,
            on_ready: Callable[[dict[str, Any] | None], None] | None = None) -> Iterator[TaskResult]:
        """Yield exactly one result per task id, in any order. Closing the iterator stops the workers.

        `on_ready` is called in the caller's thread with each started worker's description, before that
        worker's first result; an exception it raises ends the iteration (and the workers)."""
        ...

    def close(self) -> None:
        ...

    # Optional: ``stats() -> dict`` (workers replaced, tasks retried elsewhere...) goes into the manifest.


# --------------------------------------------------------------------------------------------------------
# The local pool


#: a run says once that this many given-up threads are still running (each holding its agent's memory)
ABANDONED_NOTE = 8
#: Seconds a worker's agent has, once its task's cancel event is set (the task out of time), to return from act:
#: one that heeds the event (a local model's generate() checks it between tokens) keeps its thread or process and
#: its agent, which is not built and started again; past it the thread is abandoned, the process killed, and the
#: slot replaced.
CANCEL_GRACE = 2.0


class _Slot:
    """One worker in a thread or a process; reports ("ready"|"started"|"done"|"died", slot, payload) to `events`."""

    def __init__(self, key: int, spec: WorkerSpec, kind: str, events: queue.Queue[tuple]) -> None:
        self.key = key
        self.kind = kind
        #: the worker's name in the run's records (thread1, proc2): of every task it runs, times out or loses
        self.name = f"{_WORKER_NAME[kind]}{key}"
        self.events = events
        self.task_id: str | None = None
        self.started_at: float | None = None
        self.retired = False
        #: when the worker began starting, whether it has finished (its first "ready" or "started"), and what it
        #: is doing meanwhile (set from its thread, or from the reader of its process's messages)
        self.created_at = active_clock()
        self.up = False
        self.phase = "starting the worker process" if kind == "processes" else "starting the worker"
        #: the running task's cancel event (threads; a process worker keeps its own): set when the task is given up on
        self.cancel: threading.Event | None = None
        #: the task given up on whose act has until `grace_until` (active clock) to return, else None
        self.cancelled: str | None = None
        self.grace_until = 0.0
        if kind == "threads":
            self.inbox: queue.Queue[str | None] = queue.Queue()
            self.thread = threading.Thread(target=self._thread_main, args=(spec,), daemon=True,
                                           name=f"omniact-worker-{key}")
            self.thread.start()
        else:
            import multiprocessing as mp

            # An agent class from the script that was run: a spawned worker imports that script again first.
            self.agent_in_main = getattr(spec.agent, "__module__", None) == "__main__"
            ctx = mp.get_context("spawn")  # the driver has threads (progress bar): never fork it
            self.conn, child = ctx.Pipe()
            self.process = ctx.Process(target=_process_main, args=(child, spec, self.name, shared_pauses()),
                                       daemon=True, name=f"omniact-worker-{key}")
            with _ctrl_c_ignored_by_children():
                self.process.start()
            child.close()
            self.reader = threading.Thread(target=self._read, daemon=True, name=f"omniact-reader-{key}")
            self.reader.start()

    # threads ---------------------------------------------------------------------------------------
    def _thread_main(self, spec: WorkerSpec) -> None:
        worker = None
        try:
            worker = Worker(spec, name=self.name, on_phase=self._set_phase)
        except BaseException as e:  # noqa: BLE001 - even SystemExit in an agent's constructor: each task reports it
            err = start_error(e)
        if worker is not None and worker.ready:
            self.events.put(("ready", self, worker.description))
        while True:
            task_id = self.inbox.get()
            if task_id is None or self.retired:  # a slot given up on while it started runs nothing more
                break
            cancel = self.cancel = threading.Event()
            self.events.put(("started", self, task_id))
            if worker is None:
                self.events.put(("done", self, TaskResult(task_id, error=err, error_kind="setup", worker=self.name)))
                continue
            try:
                result = worker.run(task_id, cancel)
            except BaseException as e:  # noqa: BLE001 - SystemExit and friends from an agent: the worker is gone
                self.events.put(("died", self, f"{type(e).__name__}: {e}"))
                return
            self.events.put(("done", self, result))
        if worker is not None:
            worker.close()

    def _set_phase(self, phase: str) -> None:
        self.phase = phase

    # processes -------------------------------------------------------------------------------------
    def _read(self) -> None:
        why = None  # what the process said of its own end (an agent's SystemExit in act)
        try:
            while True:
                msg = self.conn.recv()
                if msg[0] == "phase":
                    self.phase = msg[1]
                elif msg[0] == "ready":
                    self.events.put(("ready", self, msg[1]))
                elif msg[0] == "started":
                    self.events.put(("started", self, msg[1]))
                elif msg[0] == "done":
                    self.events.put(("done", self, TaskResult(**msg[1])))
                elif msg[0] == "died":
                    why = msg[1]
        except (EOFError, OSError):
            pass
        _wait_exit(self.process, 5)
        _kill_group(self.process.pid)  # before the join reaps the worker (see _kill_group)
        self.process.join(5)
        code = self.process.exitcode
        if why is None:
            hint = f": {MAIN_GUARD_HINT}" if self.agent_in_main and code == 1 else ""
            why = f"worker process died (exit code {code}){hint}"
        self.events.put(("died", self, why))

    # both -------------------------------------------------------------------------------------------
    def send(self, task_id: str) -> None:
        self.task_id = task_id
        self.started_at = None
        if self.kind == "threads":
            self.inbox.put(task_id)
        else:
            self.conn.send(task_id)

    def give_up(self, task_id: str) -> bool:
        """Set the cancel event of `task_id`, the task the worker is running (False: the worker cannot be told, as a
        process whose pipe is gone)."""
        if self.kind == "threads":
            if self.cancel is None:
                return False
            self.cancel.set()
            return True
        try:
            self.conn.send(("cancel", task_id))
        except (OSError, ValueError):  # (ValueError: the pipe closed)
            return False
        return True

    def stop(self, kill: bool) -> None:
        """Retire the slot: a thread is told to stop (or abandoned if stuck); a process is ended."""
        self.retired = True
        if self.kind == "threads":
            if kill and self.cancel is not None:
                self.cancel.set()  # an agent that checks it (a local model's generate()) frees the thread
            self.inbox.put(None)
            return
        if kill:
            _kill_group(self.process.pid)
            self.process.kill()
        else:
            # Found now: once the worker has ended, what its agent started in sessions of their own is no longer
            # below it (the system gives orphans to init), and would outlive the run.
            sessions = _sessions_below(self.process.pid)
            try:
                self.conn.send(None)
            except OSError:
                pass
            _wait_exit(self.process, 10)  # (not join: the group is killed before the worker is reaped)
            _kill_group(self.process.pid, sessions)
            self.process.kill()  # (if it did not end in time; nothing otherwise)
        self.process.join(5)
        self.conn.close()


#: seconds the workers' agents may take to ``close()`` at the end of a run, all together (a worker process is given
#: as long to end)
CLOSE_WAIT = 10.0


def _join_threads(slots: Sequence[_Slot], timeout: float) -> None:
    """Wait (`timeout` seconds at most, all together) for the thread slots among `slots` to end: each calls its
    agent's ``close()`` as it ends, in a daemon thread that the process's exit would otherwise cut short."""
    deadline = time.monotonic() + timeout
    for s in slots:
        if s.kind == "threads":
            s.thread.join(max(0.0, deadline - time.monotonic()))


def _wait_exit(process: Any, timeout: float) -> None:
    """Wait up to `timeout` seconds for the worker `process` to end, leaving it unreaped where the system can tell
    (elsewhere, joined: its group is then not killed, see _kill_group)."""
    pid = process.pid
    if pid is None or not hasattr(os, "waitid"):
        process.join(timeout)
        return
    deadline = time.monotonic() + timeout
    while unreaped(pid) is False and time.monotonic() < deadline:
        time.sleep(0.02)


def _sessions_below(pid: int | None) -> list[int]:
    """The process groups of what the worker process `pid` started in sessions (or groups) of their own (a server
    started with ``start_new_session``, Playwright's Chromium), which its own group does not hold; none once it is
    reaped (its pid may be another process's) or where there is no /proc."""
    if pid is None or not hasattr(os, "waitid") or unreaped(pid) is None:
        return []
    return [g for g in groups_below([pid]) if g not in (pid, os.getpgrp())]


def _kill_group(pid: int | None, sessions: Sequence[int] | None = None) -> None:
    """End what a worker process's agent started and left running (a helper server, a `subprocess.Popen` never
    waited for): the worker leads its own process group (`_process_main`), which its children are in, and the
    groups of what it started in sessions of their own (`sessions`, found a moment ago while it ran: the reader of
    its pipe may have reaped it since; else those below it now). They outlived a worker killed at its task's time
    limit, and the run. The worker's group only while the worker is not yet reaped: its pid, and so the group's id,
    is then still ours (a reaped one may be another process's, leading a group of its own)."""
    import signal

    if not hasattr(os, "killpg") or not hasattr(os, "waitid"):
        return
    groups = list(_sessions_below(pid) if sessions is None else sessions)
    if pid is not None and unreaped(pid) is not None:
        groups.append(pid)
    for group in groups:
        with suppress(OSError):  # none left, or the worker died before it made its group
            os.killpg(group, signal.SIGKILL)


@contextmanager
def _ctrl_c_ignored_by_children() -> Iterator[None]:
    """SIGINT ignored while a worker process is spawned, so that it starts ignoring it (Python keeps an inherited
    SIG_IGN): Ctrl-C reaches the terminal's whole process group, the driver alone answers it, and a worker still
    importing (the agent's module, to unpickle its class) would die of it with a traceback. A Ctrl-C in these few
    milliseconds of the driver's is lost. (Only the main thread may set a handler; elsewhere nothing changes.)"""
    import signal

    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is None:
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _process_main(conn: Any, spec: WorkerSpec, name: str, pauses: Any = None) -> None:
    """A worker process: build the worker once, then run the task ids that arrive until told to stop. `pauses` is
    the driver's count of time stopped (`omniact.job_control.shared_pauses`), which the tasks' clock leaves out."""
    import signal

    from omniact.process_pool import end_with_driver  # here: a run on threads does without multiprocessing

    # Ctrl-C reaches the terminal's whole process group. The driver alone answers it (it keeps what finished and
    # stops the workers); a worker that took it too would die mid-task with a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_driver(os.getppid())
    follow_pauses(pauses)
    # Its own process group, which what the agent starts joins: the driver ends them all together (_kill_group),
    # and Ctrl-Z stops them together; the terminal stops none of them (job_control.worker_group).
    worker_group()

    def send(message: tuple) -> None:
        try:
            conn.send(message)
        except OSError:  # the driver is gone (kill -9): no one to tell, and no traceback for its terminal
            os._exit(1)

    # The driver's messages are read by a thread of their own, so that a task given up on (("cancel", task id))
    # has its cancel event set while act() runs; task ids and the stop (None) go to the loop below.
    inbox: queue.Queue[str | None] = queue.Queue()
    running_task: list[Any] = [None, None]  # (task id, its cancel event) while its act() runs
    lock = threading.Lock()

    def listen() -> None:
        try:
            while True:
                msg = conn.recv()
                if isinstance(msg, tuple):
                    with lock:  # (a late word for a task that has ended meanwhile is for no one)
                        if running_task[0] == msg[1]:
                            running_task[1].set()
                    continue
                inbox.put(msg)
                if msg is None:
                    return
        except (EOFError, OSError):
            inbox.put(None)

    worker = None
    err = None
    try:
        worker = Worker(spec, name=name, on_phase=lambda phase: send(("phase", phase)))
    except BaseException as e:  # noqa: BLE001 - even SystemExit in an agent's constructor: each task reports it
        err = start_error(e)
    if worker is not None and worker.ready:
        send(("ready", worker.description))  # ahead of any result, in the pipe the results take
    threading.Thread(target=listen, daemon=True, name="omniact-worker-inbox").start()
    while True:
        task_id = inbox.get()
        if task_id is None:
            break
        cancel = threading.Event()
        with lock:
            running_task[:] = [task_id, cancel]  # before "started": the driver's clock, and so a cancel, follow it
        send(("started", task_id))
        if worker is None:
            result = TaskResult(task_id, error=err, error_kind="setup", worker=name)
        else:
            try:
                result = worker.run(task_id, cancel)
            except BaseException as e:  # noqa: BLE001 - an agent's own SystemExit, KeyboardInterrupt, GeneratorExit
                # As in a thread worker: the worker is gone, and says why in one line (not a traceback per task).
                send(("died", f"{type(e).__name__}: {e}"))
                os._exit(1)
        with lock:
            running_task[:] = [None, None]
        send(("done", result.to_json()))
    if worker is not None:
        worker.close()


class LocalExecutor:
    """N worker slots on this machine, threads or processes, with per-task timeouts (module docstring).

    A worker that has not started (split loaded, agent built, ``setup()`` and ``describe()`` returned) within
    `setup_timeout` seconds (None: no limit) ends the run: its task and every task not yet given out come back
    as ``setup`` errors naming the agent and the step that hung, and its process is killed (a thread, which
    cannot be, is abandoned and runs no task). A worker process that dies before it has started (a segfault or the
    OOM killer in ``setup()``) ends the run alike, naming the step it died in: another would load the model to die
    again, task after task.
    """

    name = "local"

    def __init__(self, workers: int = 1, worker_type: str = "threads", task_timeout: float | None = None,
                 setup_timeout: float | None = DEFAULT_SETUP_TIMEOUT) -> None:
        if workers < 1:
            raise UserError(f"--workers must be at least 1, not {workers}")
        if worker_type not in WORKER_TYPES:
            raise UserError(f"worker type must be one of {', '.join(WORKER_TYPES)}, not {worker_type!r}")
        if task_timeout is not None and task_timeout <= 0:
            raise UserError(f"--task-timeout must be positive, not {task_timeout}")
        self.workers = workers
        self.worker_type = worker_type
        self.task_timeout = task_timeout
        self.setup_timeout = setup_timeout_or_none(setup_timeout)
        #: tasks whose slot had to be abandoned or killed (timeouts) or that died (crashes), this run
        self.replaced_workers = 0

    def map(self, spec: WorkerSpec, task_ids: Sequence[str], *,
            on_ready: Callable[[dict[str, Any] | None], None] | None = None) -> Iterator[TaskResult]:
        pending = deque(task_ids)
        if not pending:
            return
        events: queue.Queue[tuple] = queue.Queue()
        n = min(self.workers, len(pending))
        slots: list[_Slot] = []
        counter = 0

        def new_slot() -> _Slot:
            nonlocal counter
            counter += 1
            with stops_deferred():  # a Ctrl-Z finds the new worker in `slots` (job_control)
                s = _Slot(counter, spec, self.worker_type, events)
                slots.append(s)
            return s

        closing: list[_Slot] = []  # thread slots told to stop: their agents' close() runs as they end

        def dispatch(s: _Slot) -> None:
            if pending:
                s.send(pending.popleft())
            else:
                s.task_id = None
                s.stop(kill=False)
                slots.remove(s)
                closing.append(s)

        abandoned: list[_Slot] = []
        noted = False

        def replace(s: _Slot) -> None:
            nonlocal noted
            self.replaced_workers += 1
            if s in slots:
                slots.remove(s)
            s.stop(kill=True)
            if s.kind == "threads":
                abandoned.append(s)
                stuck = sum(x.thread.is_alive() for x in abandoned)
                if stuck >= ABANDONED_NOTE and not noted:
                    noted = True
                    sys.stderr.write(f"omniact: note: {stuck} threads of tasks that ran out of time are still running "
                                     "(a thread cannot be stopped, and each keeps what its agent holds): with "
                                     "--worker-type processes, a task out of time is killed with its worker\n")
            if pending:
                dispatch(new_slot())

        def worker_groups() -> list[int]:
            # Only workers still running: a reaped one's pid, and so its group id, may be another process's (named
            # even before it has made its group: job_control then stops it alone). Then every group below this
            # process: what an agent (in a thread or a process worker) started in a session of its own, which
            # neither the terminal's Ctrl-Z nor a worker's group reaches.
            workers = [s.process.pid for s in slots if s.kind == "processes" and s.process.pid is not None
                       and running(s.process)]
            return workers + groups_below()

        # Time stopped (Ctrl-Z, then fg or bg) counts against no task's or start's time limit: they are timed on
        # the active clock.
        with stopped_together(worker_groups):
            try:
                for _ in range(n):
                    dispatch(new_slot())
                while slots:
                    deadlines = self._deadlines(slots)
                    wait = max(0.0, min(deadlines) - active_clock()) if deadlines else None
                    try:
                        kind, slot, payload = events.get(timeout=wait)
                    except queue.Empty:
                        now = active_clock()
                        hung = next((s for s in slots if not s.up and self.setup_timeout is not None
                                     and now - s.created_at >= self.setup_timeout), None)
                        if hung is not None:
                            # Another worker would hang alike: the run ends, with what hung, in one line.
                            message = f"{spec_text(spec.agent)}: {start_timeout_text(hung.phase, self.setup_timeout)}"
                            yield from self._end_at_start(hung, slots, pending, message)
                            continue
                        for s in list(slots):
                            if s.cancelled is not None:
                                if now >= s.grace_until:  # its act did not return: the worker is given up on
                                    s.cancelled = None
                                    replace(s)
                            elif s.task_id is not None and s.started_at is not None and self.task_timeout is not None \
                                    and now - s.started_at >= self.task_timeout:
                                tid = s.task_id
                                s.task_id = None
                                yield TaskResult(tid, error=f"timed out after {self.task_timeout:g} s",
                                                 error_kind="timeout", seconds=now - s.started_at,
                                                 worker=s.name)
                                if s.give_up(tid):  # (an agent that heeds it returns, and its worker runs on)
                                    s.cancelled, s.grace_until = tid, now + CANCEL_GRACE
                                else:
                                    replace(s)
                        continue
                    if slot.retired or slot not in slots:
                        continue  # a late message from a slot we already gave up on
                    if kind in ("ready", "started"):
                        slot.up = True
                    if kind == "ready":
                        if on_ready is not None:
                            on_ready(payload)
                    elif kind == "started":
                        if payload == slot.task_id:
                            slot.started_at = active_clock()
                    elif kind == "done":
                        if slot.cancelled is not None and payload.task_id == slot.cancelled:
                            # The agent heeded the cancel event: its answer came too late (the task is recorded as
                            # timed out), and the worker goes on to the next task.
                            slot.cancelled = None
                            dispatch(slot)
                            continue
                        if payload.task_id != slot.task_id:
                            continue
                        slot.task_id = None
                        yield payload
                        dispatch(slot)
                    elif kind == "died" and not slot.up:
                        # It died starting (a native loader's segfault, the OOM killer in setup()): every new worker
                        # would load the model to die alike, so the run ends as on any start failure, in one line.
                        message = f"{spec_text(spec.agent)}: the worker died in {slot.phase} ({payload})"
                        yield from self._end_at_start(slot, slots, pending, message)
                    elif kind == "died":
                        tid = slot.task_id
                        slot.task_id = slot.cancelled = None
                        if tid is not None:
                            yield TaskResult(tid, error=f"worker crashed: {payload}", error_kind="crash",
                                             worker=slot.name)
                        replace(slot)
            finally:
                for s in slots:
                    busy = s.task_id is not None or s.cancelled is not None  # (one in its grace: still in act)
                    s.stop(kill=busy)
                    if not busy:
                        closing.append(s)
                _join_threads(closing, CLOSE_WAIT)

    @staticmethod
    def _end_at_start(slot: _Slot, slots: list[_Slot], pending: deque[str], message: str) -> Iterator[TaskResult]:
        """`slot`'s worker did not start (hung, or died): its task and every task not yet given out come back as
        ``setup`` errors saying why, which end the run."""
        slots.remove(slot)
        slot.stop(kill=True)
        stranded = ([slot.task_id] if slot.task_id is not None else []) + list(pending)
        slot.task_id = None
        pending.clear()
        for tid in stranded:
            yield TaskResult(tid, error=message, error_kind="setup", worker=slot.name)

    def _deadlines(self, slots: Sequence[_Slot]) -> list[float]:
        """When each running task times out, and each worker still starting runs out of time to start."""
        out = []
        for s in slots:
            if self.task_timeout is not None and s.started_at is not None and s.task_id is not None:
                out.append(s.started_at + self.task_timeout)
            if self.setup_timeout is not None and not s.up:
                out.append(s.created_at + self.setup_timeout)
            if s.cancelled is not None:
                out.append(s.grace_until)
        return out

    def stats(self) -> dict[str, Any]:
        return {"replaced_workers": self.replaced_workers}

    def close(self) -> None:
        pass


def spec_text(agent: Any) -> str:
    """The agent as the user named it (a class as ``module:Class``)."""
    return agent if isinstance(agent, str) else f"{agent.__module__}:{agent.__qualname__}"


#: the longest time limit a user may give (a year); ``none`` is no limit at all
MAX_LIMIT_SECONDS = 365 * 86400


def seconds_or_none(value: float | str | None, option: str) -> float | None:
    """A time limit given as seconds (a number or its text) or as None / ``"none"``: no limit. Anything else is
    the user's mistake, named by `option`."""
    import math

    if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_LIMIT_SECONDS):
        # (a larger one overflowed the clocks a deadline is set on: OverflowError, "timestamp out of range")
        raise UserError(f"{option} must be a number of seconds above 0 and at most {MAX_LIMIT_SECONDS:,} (a year), "
                        f"or none (no limit), not {value!r}")
    return seconds


def setup_timeout_or_none(value: float | str | None) -> float | None:
    """An executor's `setup_timeout` (None or ``"none"``: no limit), checked where the executor is built, so that
    the local and the Ray executor refuse a zero, negative or endless limit given to them directly in the words
    the runner uses for ``--setup-timeout``."""
    return seconds_or_none(value, "--setup-timeout")


def workers_lost(stats: Mapping[str, Any]) -> str:
    """What an executor's ``stats()`` says it did about workers that died or were killed (a lost Ray node), for a
    verb's summary; "" when nothing happened."""
    from omniact.tables import plural

    replaced, retried = stats.get("replaced_workers", 0), stats.get("retried_tasks", 0)
    if not replaced and not retried:
        return ""
    again = f", {plural(retried, 'task')} run again on another worker" if retried else ""
    return f"workers lost: {replaced} replaced{again} (every task recorded once)"


#: Executors by name: "module:Class" targets imported on demand, so the local default never imports Ray.
EXECUTORS: dict[str, str] = {
    "local": "omniact.executor:LocalExecutor",
    "ray": "omniact.ray_executor:RayExecutor",
}


def make_executor(name: str, *, workers: int = 1, worker_type: str = "threads",
                  task_timeout: float | None = None, setup_timeout: float | None = DEFAULT_SETUP_TIMEOUT,
                  agent_resources: Mapping[str, Any] | None = None, **options: Any) -> Executor:
    """Build an executor by name (``local``, ``ray``...). Extra `options` go to the executor's constructor, and
    `setup_timeout` and `agent_resources` (what the agent declares one worker needs) to one that takes them (a
    plug-in may start its workers its own way; the local executor takes no reservations)."""
    import difflib
    import importlib
    import inspect

    target = EXECUTORS.get(name)
    if target is None:
        close = difflib.get_close_matches(name, list(EXECUTORS), n=1)
        hint = f"; did you mean {close[0]}?" if close else f"; use one of {', '.join(EXECUTORS)}"
        raise UserError(f"unknown executor {name!r}{hint}")
    module, _, cls = target.partition(":")
    try:
        factory: Callable[..., Executor] = getattr(importlib.import_module(module), cls)
    except ImportError as e:
        if e.name == module:
            raise UserError(f"executor {name!r} is not part of this omniact installation") from None
        raise UserError(f"executor {name!r} needs {e.name}: pip install 'omniact[{name}]'") from None
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        params = {}
    if "setup_timeout" in params:
        options["setup_timeout"] = setup_timeout
    if "agent_resources" in params and agent_resources is not None:
        options["agent_resources"] = agent_resources
    if params and not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        for key in options:
            if key not in params:
                close = difflib.get_close_matches(key, [k for k in params if k not in ("workers", "worker_type")], n=1)
                raise UserError(f"the {name} executor takes no option {key!r}"
                                + (f"; did you mean {close[0]}?" if close else ""))
    return factory(workers=workers, worker_type=worker_type, task_timeout=task_timeout, **options)


#: More than any real token count or bill of one task; a larger one counts 0 (a run's sum of them stays finite).
_MOST_USAGE = 1e12


def _count(value: Any) -> float:
    """A token count or cost an agent reported, as a number from 0 to _MOST_USAGE; anything else (None, "lots", NaN,
    infinity, -5) counts 0: it is the agent's bookkeeping, not its answer, which it must not cost (a ValueError here
    lost the task's script as a worker crash), and an infinite cost made the run's JSON files invalid (`Infinity`)."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    return number if 0.0 <= number <= _MOST_USAGE else 0.0  # (NaN compares false)
