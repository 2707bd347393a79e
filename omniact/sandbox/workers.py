"""A local pool of replay worker processes, each keeping one browser warm across tasks.

The pool has the executor shape replay_tasks() accepts: ``map_unordered(fn, items)`` yields ``fn(item)``
for every item as it completes. Inside a worker, the browser watchdog ends a hung task; should a worker
still not answer within the task's timeout plus a grace period (the Playwright driver itself wedged), the
pool kills the worker's process group (the worker and its Playwright driver) and Chromium's, yields a
`WorkerLost` for that item and starts a fresh worker, so a batch never stalls.

Ctrl-Z stops the workers and their browsers with the pool's process, as it does a run's workers
(`omniact.job_control`), and the pause counts against no time limit, the pool's or a worker's own.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from omniact.job_control import (
    active_clock,
    descendants,
    follow_pauses,
    groups_below,
    running,
    shared_pauses,
    stopped_together,
    stops_deferred,
    worker_group,
)
from omniact.sandbox.browser import BrowserUnavailable, browser_unavailable, launch_failure

__all__ = ["REPLAY_WORKER_MEMORY_MB", "BrowserUnavailable", "LocalPool", "WorkerLost"]

#: Seconds a worker may overrun an item's own time limit before the pool kills it. Generous: the browser
#: watchdog normally ends a hung task at its limit, and relaunching Chromium on a loaded machine is slow.
_GRACE_S = 60.0
#: Seconds a new worker may take to start and warm up (launch its browser).
_STARTUP_S = 180.0
_DEFAULT = object()
#: Memory a replay worker asks a Ray cluster to reserve (MiB): the worker, its Playwright driver and Chromium (a
#: task's page and the spare context) peaked at about 650 MiB (proportional set size) over eight built-in tasks;
#: a heavier page takes more.
REPLAY_WORKER_MEMORY_MB = 1024
#: Longest worker temporary folder: Chromium's socket at <folder>/org.chromium.Chromium.XXXXXX/SingletonSocket must
#: fit in a socket address (107 bytes).
_TMP_MAX = 60


def warm_browser() -> None:
    """Worker warm-up: launch this process's browser before the first task, outside any task's clock, and
    let it keep a spare context for the next task (a worker serves a stream of tasks)."""
    from omniact.sandbox.browser import shared_host

    host = shared_host()
    host.spares = True
    host.browser()


@dataclass(frozen=True)
class WorkerLost:
    """An item whose worker died or had to be killed; `reason` says which."""

    item: Any
    reason: str
    elapsed: float = 0.0


def _worker_main(conn: Connection, warmup: Callable[[], None] | None, tmp: str | None = None,
                 pauses: Any = None) -> None:
    """A replay worker: warm up, then answer ``(fn, item)`` with ``fn(item)`` until told to stop. `pauses` is the
    pool's count of time stopped (`omniact.job_control.shared_pauses`), which the tasks' clocks leave out."""
    # Its own group, which its Playwright driver joins: the pool kills them together, and Ctrl-Z stops them together
    # (Chromium, in a session of its own, by its group: `LocalPool._groups`); should the pool's process die while they
    # are stopped, the driver, hung up, kills its browser (launch's handleSIGHUP). The terminal stops none of them.
    worker_group()
    follow_pauses(pauses)
    if tmp is not None:
        # The Playwright driver makes Chromium's profile (5 MB) and artifact folders under TMPDIR and removes them
        # when the browser closes; a worker killed with its driver never does, so they go in a folder of this
        # worker's that the pool removes (see _Worker.kill).
        import tempfile

        os.environ["TMPDIR"] = tempfile.tempdir = tmp
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        failed: str | None = None
        if warmup is not None:
            try:
                warmup()
            except Exception as e:  # noqa: BLE001 - the pool decides: a browser that never launches stops the batch
                failed = launch_failure(e)
        try:
            conn.send(("ready", failed))
        except OSError:  # the parent died while this worker started (kill -9): nobody to tell, nothing to print
            return
        while True:
            try:
                msg = conn.recv()
            except EOFError:
                break
            if msg is None:
                break
            fn, item = msg
            try:
                reply = ("ok", fn(item))
            except Exception as e:  # noqa: BLE001 - a bug of ours: report it with the traceback, keep serving
                reply = ("err", f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=8)}")
            try:
                conn.send(reply)
            except OSError:  # the parent is gone (Ctrl-C, SIGTERM): nobody to answer, no traceback to print
                break
    finally:
        from omniact.sandbox import browser

        if browser._SHARED is not None:
            browser._SHARED.close()


class _Worker:
    def __init__(self, ctx: Any, warmup: Callable[[], None] | None) -> None:
        import tempfile

        # Chromium puts a socket in TMPDIR, and a socket's path must stay under 108 bytes: a long TMPDIR is left
        # as it is (the folders of a killed browser then stay behind, as they did before).
        tmp: str | None = tempfile.mkdtemp(prefix="omniact-")
        if len(tmp) > _TMP_MAX:  # type: ignore[arg-type]
            os.rmdir(tmp)  # type: ignore[arg-type]
            tmp = None
        self.tmp = tmp
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker_main, args=(child, warmup, self.tmp, shared_pauses()), daemon=True, name="omniact-replay"
        )
        self.proc.start()
        child.close()
        self.ready = False
        #: why its warm-up could not launch the browser (None: it did, or there was no warm-up)
        self.launch_error: str | None = None
        self.born = active_clock()
        self.item: Any = None
        self.started = 0.0
        self.limit: float | None = None

    def kill(self) -> None:
        pid = self.proc.pid
        if pid is not None:
            from omniact.sandbox.browser import _naming

            # The driver launches Chromium in a process group of its own: its processes are found before the kill
            # (they are then reparented), so that a wedged browser dies with its worker instead of living on,
            # writing its profile; and its crash reporter, detached from the start, by its database's folder.
            try:
                browser = descendants(pid) + (_naming(self.tmp) if self.tmp is not None else [])
            except OSError:  # no /proc (not Linux): the group kill is all there is
                browser = []
            for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL),
                         *(lambda p=p: os.kill(p, signal.SIGKILL) for p in browser)):
                try:
                    kill()
                except (ProcessLookupError, PermissionError, OSError):
                    pass
        self.proc.join(5)
        self.conn.close()
        self.remove_tmp()

    def remove_tmp(self) -> None:
        """Remove the worker's temporary folder (what a killed browser and driver left there). A browser process
        that the kill has not reached yet may still add a file while it goes: tried again for a few seconds."""
        import shutil

        if self.tmp is None:
            return
        for _ in range(30):
            shutil.rmtree(self.tmp, ignore_errors=True)
            if not os.path.lexists(self.tmp):
                return
            time.sleep(0.1)


class LocalPool:
    """`workers` processes (spawned, so the parent's threads and state stay out of them).

    `timeout_of(item)` gives an item's time limit in seconds (default: its ``task_timeout`` attribute, if
    any); the worker is killed at that limit plus `grace`. `warmup` runs in each new worker before it takes
    work (default: launch the browser; None for none).
    """

    def __init__(
        self,
        workers: int = 2,
        *,
        timeout_of: Callable[[Any], float | None] | None = None,
        grace: float = _GRACE_S,
        warmup: Any = _DEFAULT,
    ) -> None:
        self.warmup = warm_browser if warmup is _DEFAULT else warmup
        self.size = max(1, int(workers))
        self.timeout_of = timeout_of or (lambda item: getattr(item, "task_timeout", None))
        self.grace = grace
        self._ctx = mp.get_context("spawn")
        self._workers: list[_Worker] = []
        self.restarts = 0

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield fn(item) for every item, in completion order; a lost item yields a `WorkerLost`."""
        # Time stopped (Ctrl-Z, then fg or bg) counts against no limit: they are set on the active clock.
        with stopped_together(self._groups):
            yield from self._map(fn, deque(items))

    def _map(self, fn: Callable[[Any], Any], todo: deque[Any]) -> Iterator[Any]:
        while len(self._workers) < min(self.size, max(len(todo), 1)):
            with stops_deferred():  # a Ctrl-Z finds the new worker in the list (omniact.job_control)
                self._workers.append(_Worker(self._ctx, self.warmup))
        busy: dict[Connection, _Worker] = {}
        self._await_ready()
        failures = [w.launch_error for w in self._workers]
        if all(failures):
            # Not one browser launched: replayed, every task would be "internal error" and the summary 0/N.
            raise browser_unavailable(failures[0], "no task was replayed")  # type: ignore[arg-type]

        def dispatch(w: _Worker) -> None:
            item = todo.popleft()
            w.item, w.started = item, active_clock()
            t = self.timeout_of(item)
            w.limit = None if t is None else w.started + float(t) + self.grace
            w.conn.send((fn, item))
            busy[w.conn] = w

        for w in self._workers:
            if todo:
                dispatch(w)
        while busy:
            limits = [w.limit for w in busy.values() if w.limit is not None]
            timeout = None if not limits else max(0.0, min(limits) - active_clock())
            ready = wait(list(busy), timeout=timeout)
            now = active_clock()
            for conn in ready:
                w = busy.pop(conn)
                try:
                    kind, payload = conn.recv()
                except (EOFError, OSError):
                    yield WorkerLost(w.item, "replay worker died (browser or driver crash)", now - w.started)
                    w = self._replace(w)
                else:
                    if kind == "ok":
                        yield payload
                    else:
                        yield WorkerLost(
                            w.item, f"internal error in the replay worker: {payload}", now - w.started
                        )
                if todo:
                    dispatch(w)
            for conn, w in list(busy.items()):
                if w.limit is not None and now >= w.limit:
                    busy.pop(conn)
                    yield WorkerLost(
                        w.item,
                        f"timed out: the worker did not answer within "
                        f"{w.limit - w.started:g}s and was killed",
                        now - w.started,
                    )
                    w = self._replace(w)
                    if todo:
                        dispatch(w)

    def _replace(self, w: _Worker) -> _Worker:
        w.kill()
        self.restarts += 1
        with stops_deferred():
            fresh = _Worker(self._ctx, self.warmup)
            self._workers[self._workers.index(w)] = fresh
        self._await_ready([fresh])
        return fresh

    def _groups(self) -> list[int]:
        """What Ctrl-Z stops (`omniact.job_control`): each worker's process group (the worker and its Playwright
        driver), then the groups of the processes below them: Chromium's, which the driver launches in a session of
        its own. (Not its crash reporter, which Chromium starts detached: it idles until a crash.)"""
        # Only workers still running: a reaped one's pid, and so its group's id, may be another process's.
        workers = [w.proc.pid for w in self._workers if w.proc.pid is not None and running(w.proc)]
        return workers + groups_below(workers)

    def _await_ready(self, workers: list[_Worker] | None = None) -> None:
        """Wait for new workers' warm-up, so no task's clock includes a browser launch."""
        pending = {w.conn: w for w in (workers or self._workers) if not w.ready}
        while pending:
            left = min(w.born for w in pending.values()) + _STARTUP_S - active_clock()
            if left <= 0:
                raise RuntimeError(f"a replay worker did not start within {_STARTUP_S:g}s")
            for conn in wait(list(pending), timeout=left):
                w = pending.pop(conn)
                try:
                    _, w.launch_error = conn.recv()
                except (EOFError, OSError):
                    raise RuntimeError(
                        "a replay worker died while starting (is Chromium installed?)"
                    ) from None
                w.ready = True

    def terminate(self) -> None:
        """Kill every worker at once, busy or not (Ctrl-C: nobody waits for the tasks in flight)."""
        for w in self._workers:
            w.kill()
        self._workers.clear()

    def close(self) -> None:
        """Stop every worker (each closes its browser)."""
        for w in self._workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 10
        for w in self._workers:
            w.proc.join(max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.kill()
            else:
                w.conn.close()
                w.remove_tmp()
        self._workers.clear()

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
