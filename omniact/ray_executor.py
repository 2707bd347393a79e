"""Ray as the executor: the same runs, replays and leaderboards, spread over a Ray cluster.

Nothing here schedules: Ray places the workers. What this module adds is what omniact promises on top:

- Workers are actors. Each builds its `Worker` (data set loaded once, agent built and set up once) or keeps its
  browser warm, and serves many tasks. An actor's ``start()`` ends with its agent's description (a worker
  it builds again later, after an agent crash, sends its own at the head of its results), for the runner's record.
  Task ids go out in batches sized for throughput; an actor streams one result per task back as it finishes (a
  Ray generator), and the driver alone writes the store, so resume, exports and scores are exactly those of a
  local run.
- Starting: an actor whose worker does not start (split loaded, agent built, ``setup()``, ``describe()``)
  within the setup timeout, or whose agent raises while it starts, ends the run as a local worker's would: every
  task not yet done comes back as a ``setup`` error saying why in one line (the agent and the step that hung)
  and every actor is killed. The limit counts from when the actor begins to build its worker, so an actor that
  waits for Ray to find it a free CPU is not taken for a hung one. The actor enforces it with a thread, which
  cannot run while the agent holds the GIL (a long call into C): so the driver, which hears each step as it
  begins, enforces it too, and kills an actor still silent `GRACE` seconds past the limit.
- A task over its time limit is recorded as ``timeout``, and its cancel event is set
  (`omniact.agent.task_cancel_event`: a local model stops at its next token). An agent that returns within
  `omniact.executor.CANCEL_GRACE` seconds goes on with the batch; otherwise its thread cannot be stopped, so the
  actor ends its batch there and the driver kills it, as a local process worker is killed; a new actor takes its
  place and the batch's tasks it had not begun. That timer is a thread of the actor too, so with a limit the
  actor tells the driver as it begins each task, and the driver kills an actor whose task has not come back
  `GRACE` seconds past the limit (an agent holding the GIL in ``act()``): the task is recorded as the actor would
  have recorded it, the batch's tasks it had not begun go to the other actors, and a new actor takes the killed
  one's place.
- Faults: when an actor or its node dies, the tasks of its batch that had not come back are sent to another
  actor (a new one, placed by Ray on a live node); tasks that already came back are never run again and never
  recorded twice. Only the task the actor was running when it died is counted as tried (`retried_tasks`
  counts those sent again); the batch's others had not begun. A task that fails for its own reasons (the
  agent raised, timed out, answered garbage) is a result, never retried; a task whose worker died
  `max_attempts` times (a task that ends its own process, which Ray cannot tell from a lost node) is recorded
  as a crash. Actors that die before they are ready are replaced too, but `max_attempts` such deaths end the run
  as a start failure (a model whose load kills its process would be loaded again for ever).
- At the run's end each idle actor's agent's ``close()`` runs (`CLOSE_WAIT` seconds at most) before it is killed. Ray can lose the end of an actor's result stream (the driver would wait for it for ever), so the
  driver also asks each busy actor, every `PROBE_EVERY` seconds, whether it is alive and done (`_Liveness`): a
  batch whose stream was lost is treated as its actor's death.
- Resources: each actor declares its CPUs and memory (browsers and OCR are heavy) and, when the cluster has
  GPUs and the agent loads a local model, one GPU.
- Randomness is seeded per task by `Worker.run` from (run seed, task id), so results never depend on which
  worker ran a task.

Ray is an optional extra (``pip install 'omniact[ray]'``); importing this module does not import it.
"""

from __future__ import annotations

import atexit
import math
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence, Sized
from contextlib import contextmanager, suppress
from typing import Any

from omniact.errors import UserError
from omniact.executor import (
    CANCEL_GRACE,
    CLOSE_WAIT,
    DEFAULT_SETUP_TIMEOUT,
    CallThread,
    CallTimedOut,
    Worker,
    setup_timeout_or_none,
    spec_text,
    start_error,
    start_timeout_text,
)
from omniact.process_pool import MAX_WORKERS
from omniact.store import TaskResult

__all__ = ["RayExecutor", "RayPool", "connect"]

#: A dead actor's unfinished task is sent again at most this many times in all.
MAX_ATTEMPTS = 3
# The key of a worker's description among an actor's results (a TaskResult's JSON never has it).
_READY = "__ready__"
# The key of the step an actor's worker begins while it starts ("setup()"...), streamed to the driver as it begins.
_PHASE = "__phase__"
# The key of the task an actor begins, streamed to the driver as it begins it (with a task time limit only), with
# "worker": the name its result would carry.
_STARTED = "__started__"
# The key an actor adds to a timed-out task's result when its agent heeded the cancel event within `CANCEL_GRACE`:
# the actor goes on with its batch, and is not killed.
_KEPT = "__kept__"
#: seconds past the setup timeout, or a task's time limit, that the driver waits for an actor's own word that its
#: worker did not start or its task timed out before it kills the actor: the actor's timer is a thread, which
#: cannot run while the agent holds the GIL
GRACE = 5.0
#: seconds between the driver's questions to each busy actor whether it is still alive (see `_Liveness`)
PROBE_EVERY = 5.0
#: seconds a starting worker waits for a step's name to be on its way to the driver before it begins the step
_PHASE_HANDOFF = 5.0


class _NotStarted(UserError):
    """An actor's agent could not start (it raised, or did not start within the setup timeout); `reason` says why
    in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"agent could not be started: {reason}")
        self.reason = reason


def connect(address: str | None = "auto") -> None:
    """Join the Ray cluster at `address` (``auto``: the one `ray start` started here; None: a private local
    one). Raises UserError when there is no cluster to join."""
    try:
        import ray
    except ImportError:
        raise UserError("the ray executor needs Ray: pip install 'omniact[ray]'") from None
    if ray.is_initialized():
        return
    _check_reachable(address)
    with _sigterm_kept():
        try:
            ray.init(address=None if address in (None, "", "local") else address, ignore_reinit_error=True,
                     log_to_driver=False, include_dashboard=False, logging_level="ERROR")
        except (ConnectionError, RuntimeError, ValueError) as e:
            # RuntimeError: Ray's GCS client gave up on the address; ValueError: an address it cannot read
            raise UserError(f"cannot reach a Ray cluster at {address!r} ({e}); start one with `ray start --head` "
                            "or pass --ray-address") from None
    _notices_to_stderr()
    atexit.unregister(_shutdown_at_exit)  # once, however often a process connects again after a shutdown
    atexit.register(_shutdown_at_exit)  # runs before Ray's own (registered earlier), which then has nothing to do


#: seconds to wait for a TCP connection to a given cluster address before saying nothing answers there
_REACH_TIMEOUT = 5.0


def _check_reachable(address: str | None) -> None:
    """A ``host:port`` address where nothing listens is refused at once: Ray's own client retries such an address
    for over ten minutes, printing a warning line each time, before it gives up."""
    import socket

    if not address or address in ("auto", "local") or "://" in address:
        return  # auto: the local cluster's own record; ray://: Ray Client, which says so itself
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdecimal() or not host.strip("[]"):
        # Ray would fail with a traceback ("Invalid address format", "Malformed host").
        raise UserError(f"--ray-address {address!r} is not a cluster address: give HOST:PORT (the head's, as "
                        "`ray start --head` prints it, e.g. 127.0.0.1:6379), auto (the cluster started on this "
                        "machine) or ray://HOST:PORT")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=_REACH_TIMEOUT).close()
    except OSError as e:
        raise UserError(f"cannot reach a Ray cluster at {address!r} (nothing answers there: {e.strerror or e}); "
                        "start one with `ray start --head` or pass --ray-address") from None


def _notices_to_stderr() -> None:
    """Ray prints the cluster's notices to the driver's stdout ("(raylet) A worker died...", a dying node's state
    dump), where they would land in the middle of a command's output: they go to stderr, with the progress bar."""
    import ray._private.worker as ray_worker

    show = getattr(ray_worker, "print_to_stdstream", None)
    if show is None or getattr(show, "_omniact", False):
        return

    def to_stderr(data: dict[str, Any], ignore_prefix: bool) -> None:
        show({**data, "is_err": True} if data.get("pid") == "raylet" else data, ignore_prefix)

    to_stderr._omniact = True  # type: ignore[attr-defined]
    ray_worker.print_to_stdstream = to_stderr


def _shutdown_at_exit() -> None:
    """`ray.shutdown` as the process exits, with SIGTERM and SIGINT ignored while it runs (about a second): the
    command's work is done, and a signal then cut the shutdown short with a traceback ("Exception ignored in atexit
    callback") and left a local cluster's agents running for minutes."""
    import ray

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
    with suppress(Exception):  # nothing to report at exit: the cluster ends its own way
        ray.shutdown()


@contextmanager
def _sigterm_kept() -> Iterator[None]:
    """SIGTERM handled afterwards as before: `ray.init` makes it `sys.exit` in Python and puts a crash reporter in
    front of it in C++, so `timeout`, Slurm or `kill` ended a Ray run with a stack dump and SIGABRT instead of
    the run's own stop (one line, exit 143, `--resume` to go on). Forked process pools inherit the handler too.

    A SIGTERM that comes while Ray starts (Ray's `sys.exit(15)`) has Ray shut down what it started (a local
    cluster's agents, which ignore SIGTERM, may still take a minute or two to notice) and then reaches the handler
    that was in place."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread sets handlers, and `ray.init` sets none from elsewhere
        return
    previous = signal.getsignal(signal.SIGTERM)
    stopped = False
    try:
        yield
    except SystemExit as e:
        if e.code != signal.SIGTERM:
            raise
        stopped = True
    finally:
        # signal.signal installs Python's own C handler again, which also takes SIGTERM from Ray's C++ one.
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
    if stopped:
        import ray

        with suppress(Exception):  # stopping is best effort: the signal below still ends the command
            ray.shutdown()
        signal.raise_signal(signal.SIGTERM)  # the run's handler raises here; the default one ends the process
        raise SystemExit(signal.SIGTERM)  # a handler that let it pass: Ray's start was cut short all the same


def _actor_errors() -> tuple[type[BaseException], ...]:
    import ray.exceptions as rx

    return tuple(getattr(rx, n) for n in ("RayActorError", "ActorDiedError", "ActorUnavailableError",
                                         "WorkerCrashedError", "NodeDiedError", "ObjectLostError",
                                         "OwnerDiedError") if hasattr(rx, n))


def _not_made(e: Exception) -> _NotStarted:
    """Why an actor could not even be made (its arguments did not unpickle), in one line. Ray wraps the actor's
    exception (RayTaskError, whose text is a remote traceback): this says the original's."""
    cause = getattr(e, "cause", None)
    return _NotStarted(start_error(cause if isinstance(cause, BaseException) else e))


def _admit(ref: Any, starting: dict[Any, Any], idle: list[Any], errors: tuple[type[BaseException], ...]) -> bool:
    """An actor's `ready()` came back: move it to `idle`. False when it died before it was ready."""
    import ray

    actor = starting.pop(ref)
    try:
        ray.get(ref)
    except errors:
        return False
    except Exception as e:  # noqa: BLE001 - the actor could not even be made
        _kill_all([actor])
        raise _not_made(e) from None
    idle.append(actor)
    return True


def _declared_resources(resources: Any) -> dict[str, Any]:
    """An agent's ``resources`` attribute (``{"cpus": 1, "memory_mb": 1500}``, what one of its workers needs),
    checked: a wrong one is the agent author's mistake, said in one line."""
    if resources is None:
        return {}
    if not isinstance(resources, Mapping) or set(resources) - {"cpus", "memory_mb"}:
        raise UserError(f"an agent's resources must be a dict with the keys cpus and memory_mb, not {resources!r}")
    for key, value in resources.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
            raise UserError(f"an agent's resources[{key!r}] must be a positive number, not {value!r}")
    return dict(resources)


def _actor_options(num_cpus: float, memory_mb: int | None) -> dict[str, Any]:
    """Ray actor options: the declared resources, and no restarts or retries by Ray (we resend the work of a
    dead actor ourselves, so that a task that already came back is never run again)."""
    options: dict[str, Any] = {"num_cpus": num_cpus, "max_restarts": 0, "max_task_retries": 0}
    if memory_mb:
        options["memory"] = int(memory_mb) * 1024 * 1024
    return options


#: seconds without any worker ready before the run says what it is waiting for
_UNPLACED_NOTE_AFTER = 10.0


class _PlacementWatch:
    """Says once, on stderr, when no worker is ready `_UNPLACED_NOTE_AFTER` seconds after the first was asked for
    (not placed, or still starting: a replay worker launches its browser first). Ray waits silently for room (a
    head started with ``--num-cpus=0``, a cluster busy with other jobs, more memory asked for than a node has),
    and the run would sit at 0 tasks without a word."""

    def __init__(self, num_cpus: float, memory_mb: int | None) -> None:
        self.num_cpus, self.memory_mb = num_cpus, memory_mb
        self.since = time.monotonic()
        self.placed = False
        self.said = False

    def check(self) -> None:
        if self.placed or self.said or time.monotonic() - self.since < _UNPLACED_NOTE_AFTER:
            return
        self.said = True
        import sys

        import ray

        free = total = {}
        with suppress(Exception):  # what the cluster has is a help to the reader, not needed for the note
            free, total = ray.available_resources(), ray.cluster_resources()
        need = f"{self.num_cpus:g} CPU" + (f" and {self.memory_mb:,} MiB of memory" if self.memory_mb else "")
        has = (f"{free.get('CPU', 0):g} of {total.get('CPU', 0):g} CPUs and "
               f"{free.get('memory', 0) / 2**20:,.0f} of {total.get('memory', 0) / 2**20:,.0f} MiB of memory free")
        sys.stderr.write(f"omniact: no Ray worker is ready after {_UNPLACED_NOTE_AFTER:g} s: each needs {need}, and "
                         f"the cluster has {has} (`ray status` says more); still waiting, for room or for a worker "
                         "slow to start, Ctrl-C to stop (--worker-cpus and --worker-memory set what a worker asks "
                         "for)\n")
        sys.stderr.flush()


class _StreamLost(RuntimeError):
    """A live actor's batch ended and its result stream never said so (see `_Liveness`)."""


class _Liveness:
    """Finds the running batches whose result stream Ray lost, so that the driver does not wait for them for ever.

    Ray (2.60 here) can lose the end of a streaming generator: after a node is lost, one of an actor that died
    there (``ray.wait`` never returns it, ``next()`` never raises: a test run waited for ever, once in six), and
    after a lost message, one of a live actor (ray-project/ray#44357). Every `PROBE_EVERY` seconds each running
    batch's actor is sent ``__ray_ready__`` (every Ray actor has it):

    - a probe that fails means the actor is dead; its batch is, once its stream has nothing more to read;
    - an actor runs its calls in order (one at a time), so a probe answered means its batch has ended: a stream
      with nothing to read after two answered probes (`PROBE_EVERY` apart) has lost its end."""

    def __init__(self, errors: tuple[type[BaseException], ...], every: float = PROBE_EVERY) -> None:
        self.errors, self.every = errors, every
        self.probes: dict[Any, Any] = {}  # run_batch() generator -> its actor's __ray_ready__ reference
        self.answered: dict[Any, int] = {}  # generator -> probes answered in a row while it had nothing to read
        self.next = time.monotonic() + every

    def dead(self, running: Mapping[Any, tuple[Any, Any]]) -> list[tuple[Any, BaseException]]:
        """The generators in `running` (generator -> (actor, ...)) whose stream will never end, each with why
        (the error of its actor's probe, or `_StreamLost`); sends the next probes."""
        import ray

        now = time.monotonic()
        if now < self.next:
            return []
        self.next = now + self.every
        for gen in [g for g in self.probes if g not in running]:  # batches ended since
            del self.probes[gen]
            self.answered.pop(gen, None)
        found: list[tuple[Any, BaseException]] = []
        replied = set(ray.wait(list(self.probes.values()), num_returns=len(self.probes), timeout=0)[0]
                      ) if self.probes else set()
        for gen, probe in list(self.probes.items()):
            if probe not in replied:
                continue  # busy, or its node not known dead yet
            del self.probes[gen]  # asked again below
            if ray.wait([gen], timeout=0)[0]:  # its results (or its error) are read first
                self.answered.pop(gen, None)
                continue
            try:
                ray.get(probe)
            except self.errors as e:
                found.append((gen, e))
                continue
            self.answered[gen] = self.answered.get(gen, 0) + 1
            if self.answered[gen] >= 2:
                found.append((gen, _StreamLost("its batch ended without its stream's end")))
        for gen, _ in found:
            self.answered.pop(gen, None)
        for gen, (actor, *_) in running.items():
            if gen not in self.probes and all(gen is not g for g, _ in found):
                self.probes[gen] = actor.__ray_ready__.remote()
        return found


def _stranded(todo: Sized, running: Sized, idle: Sized, starting: Sized) -> bool:
    """Work is waiting and no actor is left to take it (none running, idle or starting): start one."""
    return bool(todo) and not running and not idle and not starting


def _admit_or_replace(ref: Any, starting: dict[Any, Any], idle: list[Any],
                      errors: tuple[type[BaseException], ...], *, todo: Sized, running: Sized,
                      start: Callable[[], None]) -> None:
    """An actor's `ready()` came back: admit it (`_admit`); if it died starting and it was the last hope for
    the waiting work, start another."""
    if not _admit(ref, starting, idle, errors) and _stranded(todo, running, idle, starting):
        start()


def _close_agents(actors: Sequence[Any]) -> None:
    """Call each idle actor's agent's ``close()`` and wait for them (at most `CLOSE_WAIT` seconds): killing an actor
    skips it, and an agent's cache or log was never saved under Ray."""
    import ray

    if not actors:
        return
    refs = [actor.close.remote() for actor in actors]
    with suppress(Exception):  # a dead actor has nothing to close; the kill that follows is what matters
        ray.wait(refs, num_returns=len(refs), timeout=CLOSE_WAIT)


def _kill_all(actors: Iterable[Any]) -> None:
    import ray

    for actor in actors:
        try:
            ray.kill(actor)
        except Exception:  # noqa: BLE001, S110 - already gone with its node
            pass


# --------------------------------------------------------------------------------------------------------
# Runs: the runner's Executor protocol


class _TaskActor:
    """One agent worker on some node of the cluster (wrapped by ray.remote at run time). Its worker is built, and
    runs its tasks, in a thread of its own (`CallThread`), as a local thread worker's: the start and each task can
    be given up on when they take too long."""

    def __init__(self, spec: Any, task_timeout: float | None,
                 setup_timeout: float | None = DEFAULT_SETUP_TIMEOUT) -> None:
        self.spec = spec
        self.task_timeout = task_timeout
        self.setup_timeout = setup_timeout
        self.worker: Any = None
        self.thread: Any = None
        #: whether the driver has the current worker's description
        self.described = False

    def _build(self) -> Generator[dict[str, Any], None, str | None]:
        """Build the worker (split, agent, ``setup()``, ``describe()``) within the setup timeout, yielding
        ``{_PHASE: step}`` as each step begins: the driver's clock starts at the first, and the last is what it
        names if this actor falls silent (an agent that holds the GIL stops this timer too). Returns None once the
        worker is built; else why it is not, in one line: what the agent raised, or the step that did not finish
        in time (its thread is left behind: the driver kills this actor)."""
        import queue

        phase = "starting the worker"
        yield {_PHASE: phase}
        deadline = None if self.setup_timeout is None else time.monotonic() + self.setup_timeout
        steps: queue.Queue[tuple[str, threading.Event] | None] = queue.Queue()

        def on_phase(step: str) -> None:
            # Wait until the step's name has left for the driver: a step that holds the GIL would keep it here.
            handed = threading.Event()
            steps.put((step, handed))
            handed.wait(_PHASE_HANDOFF)

        name = f"ray-{_node_name()}-{os.getpid()}"  # node and process: two actors on one node are two workers

        def build() -> Any:
            try:
                return Worker(self.spec, name=name, on_phase=on_phase)
            finally:
                steps.put(None)

        self.thread = CallThread()
        call = self.thread.submit(build)
        while True:
            try:
                step = steps.get(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.thread.abandon()
                return f"{spec_text(self.spec.agent)}: {start_timeout_text(phase, self.setup_timeout or 0.0)}"
            if step is None:
                break
            phase, handed = step
            yield {_PHASE: phase}
            handed.set()
        try:
            self.worker = call.get()  # returned (its value is being stored now): no limit needed
        except BaseException as e:  # noqa: BLE001 - even SystemExit in a constructor: said to the driver
            return start_error(e)
        self.described = False
        return None

    def start(self) -> Iterator[dict[str, Any]]:
        """Build the worker: ``{_PHASE: step}`` as each step begins (see `_build`), then its description,
        ``{"ready": bool, "description": dict | None}``, or ``{"ready": False, "error": why}`` when it could not
        start. A Ray generator: the driver hears each step as it begins."""
        error = (yield from self._build()) if self.worker is None else None
        if error is not None:
            yield {"ready": False, "error": error}
            return
        self.described = True
        yield {"ready": self.worker.ready, "description": self.worker.description}

    def run_batch(self, task_ids: Sequence[str]) -> Iterator[dict[str, Any]]:
        for task_id in task_ids:
            if self.worker is None:  # built again after a crash, its steps told as at the start
                error = yield from self._build()
                if error is not None:
                    yield {_READY: {"ready": False, "error": error}}
                    return
            if not self.described:  # a worker built again after a crash: its description leads its results
                self.described = True
                yield {_READY: {"ready": self.worker.ready, "description": self.worker.description}}
            if self.task_timeout is not None:
                # The driver's clock for this task starts now (not while it waited in the batch), and it kills this
                # actor if no result comes: the timer in _run_one cannot run while the agent holds the GIL. The task
                # begins only once the driver is on its way to hear this (the generator resumes after the yield).
                yield {_STARTED: task_id, "worker": self.worker.name}
            result = self._run_one(task_id)
            if result.error_kind == "timeout" and self.worker is not None:
                # Its agent heeded the cancel event: this actor goes on with its batch, its agent kept.
                yield {**result.to_json(), _KEPT: True}
                continue
            yield result.to_json()
            if result.error_kind == "timeout":
                return  # its task's thread still runs (it may spin for ever): the driver kills this actor

    def close(self) -> bool:
        """The agent's ``close()`` (it saves a cache, ends a server), in the agent's own thread, before the driver
        kills this actor. False when there is no agent to close, or its thread is stuck in a task."""
        if self.worker is None or self.thread is None or self.thread.stuck:
            return False
        self.thread.call(self.worker.close)
        return True

    def _run_one(self, task_id: str) -> TaskResult:
        worker = self.worker
        cancel = threading.Event()
        t0 = time.perf_counter()
        try:
            return self.thread.call(lambda: worker.run(task_id, cancel), self.task_timeout, on_timeout=cancel.set,
                                    grace=CANCEL_GRACE)
        except CallTimedOut as e:
            # The agent is stuck in this task unless it heeded the cancel event (a local model's generate() stops at
            # its next step) within the grace: its thread cannot be stopped, so the driver kills this actor once it
            # has this result, as a local process worker is killed (a thread left spinning here slowed every later
            # task). One that did goes on to the next task. (The cancel event was set by the call: `on_timeout`.)
            if not e.kept:
                self.worker = None
            return TaskResult(task_id, error=f"timed out after {self.task_timeout:g} s", error_kind="timeout",
                              seconds=time.perf_counter() - t0, worker=worker.name)
        except BaseException as e:  # noqa: BLE001 - SystemExit and friends from an agent: a fresh one for the next task
            self.thread.stop()
            self.worker = None
            return TaskResult(task_id, error=f"worker crashed: {type(e).__name__}: {e}", error_kind="crash",
                              seconds=time.perf_counter() - t0, worker=worker.name)


def _node_name() -> str:
    try:
        import ray

        return ray.get_runtime_context().get_node_id()[:8]
    except Exception:  # noqa: BLE001 - not inside a Ray worker: the process id follows in the name
        return "local"


class _LostWorkers:
    """What a Ray executor or pool had to do about lost workers: the runner puts it in the manifest, and
    `omniact.executor.workers_lost` words it."""

    def __init__(self) -> None:
        #: tasks sent again because the actor running them died
        self.retried_tasks = 0
        #: actors replaced after dying (a pool's also after not answering in time)
        self.replaced_workers = 0

    def stats(self) -> dict[str, Any]:
        return {"retried_tasks": self.retried_tasks, "replaced_workers": self.replaced_workers}


class RayExecutor(_LostWorkers):
    """The runner's executor on a Ray cluster (see the module docstring). `setup_timeout` (None: no limit) bounds
    each actor's start as `omniact.executor.LocalExecutor`'s bounds its workers'."""

    name = "ray"

    def __init__(self, workers: int = 2, worker_type: str = "processes", task_timeout: float | None = None, *,
                 setup_timeout: float | None = DEFAULT_SETUP_TIMEOUT, address: str | None = "auto",
                 batch_size: int | None = None, num_cpus: float | None = None, memory_mb: int | None = None,
                 num_gpus: float | str = "auto", max_attempts: int = MAX_ATTEMPTS,
                 agent_resources: Mapping[str, Any] | None = None) -> None:
        if workers < 1:
            raise UserError(f"--workers must be at least 1, not {workers}")
        self.workers = workers
        self.task_timeout = task_timeout
        self.setup_timeout = setup_timeout_or_none(setup_timeout)
        self.address = address
        self.batch_size = batch_size
        # What each actor reserves: as given (--worker-cpus, --worker-memory), else what the agent declares.
        declared = _declared_resources(agent_resources)
        self.num_cpus = num_cpus if num_cpus is not None else declared.get("cpus", 1.0)
        self.memory_mb = memory_mb if memory_mb is not None else declared.get("memory_mb")
        self.num_gpus = num_gpus
        self.max_attempts = max_attempts
        super().__init__()

    def connect(self) -> None:
        """Join the cluster now (`map` would): the runner calls this before it starts, so that a cluster it cannot
        reach is one line before anything is shown or written."""
        connect(self.address)

    def _gpus(self, spec: Any) -> float:
        if self.num_gpus != "auto":
            return float(self.num_gpus)
        import ray

        has_gpu = ray.cluster_resources().get("GPU", 0) > 0
        local_model = any(k in (spec.agent_args or {}) for k in ("model_path", "model-path"))
        return 1.0 if has_gpu and local_model else 0.0

    def _batch(self, n_tasks: int) -> int:
        if self.batch_size:
            return max(1, int(self.batch_size))
        # Enough batches that a slow worker does not hold the tail, few enough that dispatch is cheap.
        return max(1, min(64, math.ceil(n_tasks / (self.workers * 4))))

    def map(self, spec: Any, task_ids: Sequence[str], *,
            on_ready: Callable[[dict[str, Any] | None], None] | None = None) -> Iterator[TaskResult]:
        import ray

        def report(answer: Mapping[str, Any]) -> None:  # an actor's worker is ready: say what it runs
            if answer.get("error"):
                raise _NotStarted(answer["error"])
            if on_ready is not None and answer.get("ready"):
                on_ready(answer.get("description"))

        connect(self.address)
        errors = _actor_errors()
        options = _actor_options(self.num_cpus, self.memory_mb)
        gpus = self._gpus(spec)
        if gpus:
            options["num_gpus"] = gpus
        actor_cls = ray.remote(_TaskActor).options(**options)
        todo = deque(task_ids)
        if not todo:
            return
        batch = self._batch(len(todo))
        attempts: dict[str, int] = {}
        done: set[str] = set()
        idle: list[Any] = []
        # Actors get work only once Ray has placed them and they are ready: one that cannot be placed (no
        # free CPU after a node died) must never hold a batch. Keys: their start() generators.
        starting: dict[Any, Any] = {}
        # Workers building now (an actor's start(), or a run_batch() building a fresh agent after a crash):
        # generator -> (when the driver heard the first step, the latest step). The actor bounds its start with a
        # thread that an agent holding the GIL stops too; the driver bounds it as well, from the same moment (so
        # an actor waiting for Ray to find it a CPU is not counted), and kills an actor silent past the limit.
        building: dict[Any, tuple[float, str]] = {}
        # Tasks running now, with a task time limit: run_batch() generator -> (when the driver heard the actor begin
        # it, its id, the worker's name). Bounded from the driver too, for the same reason, past the limit + GRACE.
        tasks: dict[Any, tuple[float, str, str]] = {}
        # Why each actor that died before it was ready died: past `max_attempts` of them the run ends as a start
        # failure.
        setup_deaths: list[str] = []

        def start() -> None:
            actor = actor_cls.remote(spec, self.task_timeout, self.setup_timeout)
            starting[actor.start.remote()] = actor

        def step(gen: Any, phase: str) -> None:
            building[gen] = (building.get(gen, (time.monotonic(), ""))[0], phase)

        def hung() -> str | None:  # the step an actor fell silent in past the limit and the grace, if any
            if self.setup_timeout is None:
                return None
            now = time.monotonic()
            late = [phase for began, phase in building.values() if now >= began + self.setup_timeout + GRACE]
            return late[0] if late else None

        def overdue() -> list[Any]:  # the run_batch() generators whose task is past its limit and the grace
            if self.task_timeout is None:
                return []
            now = time.monotonic()
            return [gen for gen, (began, *_) in tasks.items() if now >= began + self.task_timeout + GRACE]

        def wait_for() -> float:  # until the next thing to check: an answer, or a start's or a task's deadline
            deadlines = [began + self.setup_timeout + GRACE for began, _ in building.values()
                         ] if self.setup_timeout is not None else []
            if self.task_timeout is not None:
                deadlines += [began + self.task_timeout + GRACE for began, *_ in tasks.values()]
            return max(0.0, min([time.monotonic() + 5.0, *deadlines]) - time.monotonic())

        watch = _PlacementWatch(self.num_cpus, self.memory_mb)
        for _ in range(min(self.workers, math.ceil(len(todo) / batch))):
            start()
        running: dict[Any, tuple[Any, list[str]]] = {}  # generator -> (actor, ids not yet returned)

        def end(gen: Any) -> tuple[Any, list[str]]:  # a run_batch() generator is done with: (its actor, ids left)
            building.pop(gen, None)
            tasks.pop(gen, None)
            return running.pop(gen)

        def dispatch() -> None:
            while idle and todo:
                ids = [todo.popleft() for _ in range(min(batch, len(todo)))]
                actor = idle.pop()
                running[actor.run_batch.remote(ids)] = (actor, ids)

        def admit(gen: Any) -> None:  # the next word of an actor's start()
            actor = starting[gen]
            try:
                answer = ray.get(next(gen))
            except (StopIteration, *errors) as e:  # died before it was ready
                del starting[gen]
                _, phase = building.pop(gen, (0.0, "starting the worker"))
                _kill_all([actor])
                # A lost node is worth another actor; a death in the agent's own start (a segfault or the OOM killer
                # in setup()) would repeat for ever, each one loading the model again: bounded as a task's deaths.
                setup_deaths.append(f"{type(e).__name__}")
                if len(setup_deaths) >= self.max_attempts:
                    raise _NotStarted(f"{spec_text(spec.agent)}: the worker died in {phase} {len(setup_deaths)} "
                                      f"times ({setup_deaths[-1]})") from None
                if _stranded(todo, running, idle, starting):
                    start()
                return
            except Exception as e:  # noqa: BLE001 - the actor could not even be made (killed below)
                raise _not_made(e) from None
            watch.placed = True
            if _PHASE in answer:
                step(gen, answer[_PHASE])
                return
            report(answer)  # raises when it did not start: the actor, still starting, is killed below
            del starting[gen]
            building.pop(gen, None)
            idle.append(actor)

        def retire(gen: Any) -> None:  # an actor that timed out a task: killed, its batch's rest sent elsewhere
            actor, left = end(gen)
            _kill_all([actor])
            self.replaced_workers += 1
            todo.extendleft(reversed([t for t in left if t not in done]))  # never begun: no attempt counted
            if todo:
                start()  # the killed actor's CPU is free again

        def died(gen: Any, e: BaseException) -> Iterator[TaskResult]:  # a batch's actor died (or its node did)
            started = tasks.get(gen)  # (began, task id, worker) of the task it was running, if it said
            actor, left = end(gen)
            self.replaced_workers += 1
            _kill_all([actor])
            # Only the task it died in (its own doing, or its node's) has an attempt counted: the one it said it
            # began (with a task time limit it says so before each), else the first not back (it runs its batch in
            # order). The rest never began; they go back first in line, in order. A batch whose stream Ray lost
            # ended without a death: none of its tasks is charged (their answers were lost, not their workers).
            pending = [t for t in left if t not in done]
            if isinstance(e, _StreamLost):
                began = []
            elif self.task_timeout is not None:
                began = [started[1]] if started is not None and started[1] in pending else []
            else:
                began = pending[:1]
            todo.extendleft(reversed([t for t in pending if t not in began]))
            if began:
                tid = began[0]
                attempts[tid] = attempts.get(tid, 0) + 1
                if attempts[tid] >= self.max_attempts:
                    done.add(tid)
                    yield TaskResult(tid, error=f"worker died {attempts[tid]} times: {type(e).__name__}",
                                     error_kind="crash", worker=started[2] if started is not None else "")
                else:
                    self.retried_tasks += 1
                    todo.appendleft(tid)
            if todo:
                start()  # a new actor in its place (Ray puts it on a live node; until then the others work)

        liveness = _Liveness(errors)
        try:
            while running or (todo and starting):
                ready, _ = ray.wait(list(running) + list(starting), num_returns=1, timeout=wait_for())
                watch.check()
                for ref in ready:
                    if ref in starting:
                        admit(ref)
                        continue
                    gen = ref
                    actor, left = running[gen]
                    try:
                        ref = next(gen)
                        payload = ray.get(ref)
                    except StopIteration:
                        end(gen)
                        idle.append(actor)
                        continue
                    except errors as e:
                        yield from died(gen, e)
                        continue
                    if _PHASE in payload:
                        step(gen, payload[_PHASE])
                        continue
                    if _READY in payload:
                        building.pop(gen, None)
                        report(payload[_READY])
                        continue
                    if _STARTED in payload:
                        tasks[gen] = (time.monotonic(), payload[_STARTED], payload["worker"])
                        continue
                    tasks.pop(gen, None)
                    kept = payload.pop(_KEPT, False)
                    result = TaskResult(**payload)
                    if result.task_id in left:
                        left.remove(result.task_id)
                    if result.error_kind == "timeout" and not kept:
                        retire(gen)  # its task's thread still runs in it
                    if result.task_id not in done:  # a result is recorded once, whatever happened
                        done.add(result.task_id)
                        yield result
                for gen, e in liveness.dead(running):
                    yield from died(gen, e)
                if (phase := hung()) is not None:
                    # Silent past its limit: hung where the actor's own timer cannot run (the GIL held).
                    raise _NotStarted(f"{spec_text(spec.agent)}: {start_timeout_text(phase, self.setup_timeout)}")
                for gen in overdue():
                    if ray.wait([gen], timeout=0)[0]:
                        continue  # its word is in after all (read in the next round)
                    # Its task is past its limit and the actor said nothing: its timer cannot run (the GIL held).
                    began, tid, name = tasks[gen]
                    actor, left = end(gen)
                    _kill_all([actor])
                    self.replaced_workers += 1
                    # The tasks of its batch it had not begun go first to the next actor free (never run: no attempt).
                    todo.extendleft(reversed([t for t in left if t != tid and t not in done]))
                    if tid not in done:
                        done.add(tid)  # recorded as the actor's own timer records it
                        yield TaskResult(tid, error=f"timed out after {self.task_timeout:g} s", error_kind="timeout",
                                         seconds=time.monotonic() - began, worker=name)
                    if todo:
                        start()  # the killed actor's CPU is free again
                dispatch()
        except _NotStarted as e:
            # Every other actor would fail alike: the run ends (the runner stops at the first of these results),
            # and the actors are killed below, a hung start's thread with them.
            stranded = [tid for _, left in running.values() for tid in left] + list(todo)
            for tid in dict.fromkeys(stranded):
                if tid not in done:
                    yield TaskResult(tid, error=e.reason, error_kind="setup")
        finally:
            try:
                _close_agents(idle)
            finally:
                _kill_all([a for a, _ in running.values()] + idle + list(starting.values()))

    def close(self) -> None:
        pass


# --------------------------------------------------------------------------------------------------------
# Replays and leaderboards: the ``map_unordered(fn, items)`` pool shape


class _FnActor:
    """Calls module-level functions for the driver; module state (a warm browser) lives as long as the actor."""

    def __init__(self, warmup: Callable[[], None] | None = None) -> None:
        self.warmup = warmup

    def ready(self) -> bool:
        """Warm up (launch the browser, which then keeps the next task's context ready), before any item's clock
        starts; a warm-up that fails is left for the first item to retry and report as its own failure."""
        if self.warmup is not None:
            with suppress(Exception):
                self.warmup()
        return True

    def call(self, fn: Callable[[Any], Any], item: Any) -> Any:
        return fn(item)


def _users_error(e: Exception) -> UserError | None:
    """The UserError an actor's function raised (a browser that cannot launch: `BrowserUnavailable`), unwrapped:
    Ray raises it as a RayTaskError, whose text is the remote traceback. None for any other error."""
    cause = getattr(e, "cause", None)
    return cause if isinstance(cause, UserError) else None


#: Ray counts resources in ten-thousandths of a unit: the cluster's room is counted in those, as a float division
#: would not (``2 // 0.2`` is 9.0, a worker's room left unused).
_RESOURCE_UNITS = 10_000


def workers_the_cluster_holds(cluster_cpus: float, num_cpus: float) -> int:
    """How many workers reserving `num_cpus` CPUs each a cluster of `cluster_cpus` CPUs holds at once, at most
    `MAX_WORKERS` (as many as ``--workers`` can ask for), and at least 1: a cluster with less room than one worker
    asks for (or no CPU yet, one an autoscaler grows on demand) still gets one, which waits for room as any worker
    does (`_PlacementWatch` says so)."""
    need = max(1, round(num_cpus * _RESOURCE_UNITS))  # (Ray refuses less than one unit as the actor starts)
    return max(1, min(MAX_WORKERS, round(cluster_cpus * _RESOURCE_UNITS) // need))


class RayPool(_LostWorkers):
    """``map_unordered(fn, items)`` on Ray actors, one item in flight per actor.

    `workers` actors; None: as many as the cluster's CPUs hold at `num_cpus` each, worked out as the pool is used
    (`workers_the_cluster_holds`), since the size of the machine the driver runs on says nothing of the cluster's.
    `timeout_of(item)` gives an item's time limit; an actor that has not answered by then plus `grace` is
    killed and replaced. An item whose actor died is sent again (at most `max_attempts` times in all); after
    that `on_lost(item, reason)` gives its result (by default the error is raised). `warmup` (a module-level
    function) runs in each actor once, before its first item.
    """

    def __init__(self, workers: int | None = 2, *, address: str | None = "auto", num_cpus: float = 1.0,
                 memory_mb: int | None = None, timeout_of: Callable[[Any], float | None] | None = None,
                 grace: float = 20.0, max_attempts: int = MAX_ATTEMPTS,
                 on_lost: Callable[[Any, str], Any] | None = None,
                 warmup: Callable[[], None] | None = None) -> None:
        self.workers = None if workers is None else max(1, int(workers))
        self.address = address
        self.num_cpus = num_cpus
        self.memory_mb = memory_mb
        self.timeout_of = timeout_of or (lambda item: getattr(item, "task_timeout", None))
        self.grace = grace
        self.max_attempts = max_attempts
        self.on_lost = on_lost
        self.warmup = warmup
        super().__init__()

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        import ray

        connect(self.address)
        workers = self.workers
        if workers is None:  # asked of the cluster at each use: nodes come and go between a pool's uses
            workers = workers_the_cluster_holds(ray.cluster_resources().get("CPU", 0), self.num_cpus)
        errors = _actor_errors()
        options = _actor_options(self.num_cpus, self.memory_mb)
        actor_cls = ray.remote(_FnActor).options(**options)
        todo = deque((i, item) for i, item in enumerate(items))
        attempts: dict[int, int] = {}
        idle: list[Any] = []
        starting: dict[Any, Any] = {}

        def start() -> None:
            actor = actor_cls.remote(self.warmup)
            starting[actor.ready.remote()] = actor

        watch = _PlacementWatch(self.num_cpus, self.memory_mb)
        for _ in range(min(workers, len(todo))):
            start()
        running: dict[Any, tuple[Any, int, Any, float | None]] = {}
        answered = 0  # items whose function returned

        def lost(key: int, item: Any, reason: str) -> Iterator[Any]:
            attempts[key] = attempts.get(key, 0) + 1
            if attempts[key] < self.max_attempts:
                self.retried_tasks += 1
                todo.appendleft((key, item))
                return iter(())
            if self.on_lost is None:
                raise RuntimeError(f"item {key} lost {attempts[key]} times: {reason}")
            return iter((self.on_lost(item, reason),))

        try:
            while running or (todo and (idle or starting)):
                while idle and todo:
                    key, item = todo.popleft()
                    actor = idle.pop()
                    t = self.timeout_of(item)
                    deadline = None if t is None else time.monotonic() + float(t) + self.grace
                    running[actor.call.remote(fn, item)] = (actor, key, item, deadline)
                deadlines = [d for *_, d in running.values() if d is not None]
                wait = 5.0 if not deadlines else max(0.0, min(min(deadlines) - time.monotonic(), 5.0))
                ready, _ = ray.wait(list(running) + list(starting), num_returns=1, timeout=wait)
                watch.check()
                for ref in ready:
                    if ref in starting:
                        watch.placed = True
                        _admit_or_replace(ref, starting, idle, errors, todo=todo, running=running, start=start)
                        continue
                    actor, key, item, _ = running.pop(ref)
                    try:
                        value = ray.get(ref)
                    except errors as e:
                        _kill_all([actor])
                        self.replaced_workers += 1
                        yield from lost(key, item, f"worker died ({type(e).__name__})")
                        if todo:
                            start()  # a new actor in its place
                        continue
                    except Exception as e:
                        refused = _users_error(e)
                        if refused is None:
                            raise
                        if not answered:
                            # Nothing done yet (a browser that cannot launch): every item would fail alike, so the
                            # pool stops in the error's one line, as the local workers do (`BrowserUnavailable`).
                            raise refused from None
                        # Others did: this actor's node lacks it. Replaced, a new actor may land on another node.
                        _kill_all([actor])
                        self.replaced_workers += 1
                        yield from lost(key, item, str(refused))
                        if todo:
                            start()
                        continue
                    answered += 1
                    idle.append(actor)
                    yield value
                now = time.monotonic()
                for ref, (actor, key, item, deadline) in list(running.items()):
                    if deadline is not None and now >= deadline:
                        # The item's own fault (a hung page): replaced, never sent again.
                        running.pop(ref)
                        ray.kill(actor)
                        self.replaced_workers += 1
                        attempts[key] = self.max_attempts
                        yield from lost(key, item, "worker did not answer in time and was killed")
                        start()  # the killed actor's CPU is free again
        finally:
            _kill_all([a for a, *_ in running.values()] + idle + list(starting.values()))

