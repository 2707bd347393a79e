"""A local process pool that stops with its caller: an exception, Ctrl-C or SIGTERM in the process that uses it
ends its workers at once, instead of waiting for every job already submitted."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

__all__ = ["MAX_WORKERS", "cgroup_cpus", "default_workers", "end_with_driver", "fork_is_safe", "process_pool",
           "shared_map", "stopping", "usable_cores"]

#: The most worker processes (or Ray workers) a verb's --workers takes, and a Ray pool sized by its cluster takes on.
MAX_WORKERS = 64
# Seconds to wait for a stopped pool's own thread (it ends as soon as it sees the workers gone).
_MANAGER_WAIT = 10.0
# Seconds a worker has to end after SIGTERM before it is killed. A forked worker inherits its parent's SIGTERM
# handler, and one that turns the signal into an exception (Ray's driver installs `sys.exit`) only ends the job:
# the pool's worker loop catches it and takes the next job, and the pool would wait for all of them.
_TERM_GRACE = 2.0


@contextmanager
def stopping(pool: ProcessPoolExecutor) -> Iterator[ProcessPoolExecutor]:
    """`pool`, shut down when the block ends. Leaving the block by an exception cancels the jobs not yet begun
    and terminates the workers (SIGTERM: a forked worker of the CLI removes the file it was writing, see
    `omniact.cli`). A plain ``with pool`` would wait for them all: `kill PID` of a leaderboard build went on
    scoring every submission, and a report went on writing every page."""
    with pool:
        try:
            yield pool
        except BaseException:
            # Taken before shutdown, which drops them. Python 3.14 has `terminate_workers()` for this.
            workers = list((getattr(pool, "_processes", None) or {}).values())
            manager = getattr(pool, "_executor_manager_thread", None)
            pool.shutdown(wait=False, cancel_futures=True)
            for worker in workers:
                with suppress(OSError, ValueError):  # ended already, or closed
                    worker.terminate()
            _kill_survivors(workers)
            if manager is not None:
                # The pool's thread sees its workers end and closes its wake-up pipe. Left to do that while the
                # interpreter exits, it raced Python 3.11's exit hook, which wrote to the pipe as it closed: a
                # traceback ("Bad file descriptor") under "omniact: stopped (SIGTERM)", now and then.
                manager.join(timeout=_MANAGER_WAIT)
            raise


def shared_map(pool: ProcessPoolExecutor, fn: Callable[[Any], Any], items: Iterable[Any],
               before_own: Callable[[], object] | None = None) -> Iterator[Any]:
    """`fn` of each of `items`, in the order they are done, by `pool`'s workers and by this process: the workers take
    the items from the first, this process from the last. A process that would only wait for its pool works
    instead, and what it does with each result (read it, show progress) it does between its own items, not on a
    core a worker needs. Give a pool of one worker fewer than the processes wanted. `before_own()` readies this
    process for its items (what each worker did as it started): called once the workers have theirs, not before."""
    from collections import deque
    from concurrent.futures import as_completed

    items = list(items)
    lock = threading.Lock()
    # The pool has been given items[:low], this process takes items[high:]; they meet between. The pool is given
    # one item more than it has workers (each at work on one, one waiting), a new one as each ends: an item given
    # to a pool cannot be taken back once it is queued for a worker (ProcessPoolExecutor queues one more per
    # worker), and given all at once, the process that ran out first waited for up to three of them.
    low, high = 0, len(items)
    stopped = False
    given: set = set()  # the pool's futures not yet yielded
    finished: deque = deque()  # the pool's futures as they end (its thread appends them), read between own items

    def give(done: Any = None) -> None:
        nonlocal low
        if done is not None:
            finished.append(done)
            if done.cancelled() or done.exception() is not None:
                # Failed or cancelled: this process raises it, the pool is given nothing more. (A broken pool fails
                # its futures holding the lock `submit` takes, on Python 3.12 and later: a submission here, in
                # its thread, would wait for it for ever, and the map with it.)
                return
        with lock:
            if stopped or low >= high:
                return
            try:
                fut = pool.submit(fn, items[low])
            except RuntimeError:  # shut down (a stop on the way), or broken: the error is this process's to see
                return
            low += 1
            given.add(fut)
        fut.add_done_callback(give)  # (called here at once if it is done already)

    # The pool's own thread hands the workers their next items: while this thread works, it must get the
    # interpreter's lock within a fraction of an item (at the default 5 ms, workers waited a tenth of the time).
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, _HANDOFF))
    try:
        for _ in range((getattr(pool, "_max_workers", None) or 1) + 1):
            give()
        if before_own is not None:
            before_own()
        while True:
            while finished:
                fut = finished.popleft()
                with lock:
                    given.discard(fut)
                yield fut.result()
            with lock:
                if low >= high:
                    rest = list(given)
                    break
                high -= 1
            yield fn(items[high])
    finally:
        with lock:
            stopped = True
        sys.setswitchinterval(interval)
    for fut in as_completed(rest):
        yield fut.result()


#: Seconds this process's thread holds the interpreter's lock before a pool's thread may take it (`shared_map`).
_HANDOFF = 0.0002


def _kill_survivors(workers: list[Any]) -> None:
    """SIGKILL for the workers still alive `_TERM_GRACE` seconds after their SIGTERM (see `_TERM_GRACE`)."""
    deadline = time.monotonic() + _TERM_GRACE
    for worker in workers:
        with suppress(OSError, ValueError, AssertionError):  # closed, or not started by this process
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.exitcode is None:
                worker.kill()
                worker.join(_TERM_GRACE)


def usable_cores() -> int:
    """The cores this process may use: those its CPU affinity allows (`taskset`, a cpuset), or fewer where a cgroup's
    CPU quota gives it less time (a container's `--cpus`, a Kubernetes CPU limit: the affinity still shows every
    core of the machine). At least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    quota = cgroup_cpus()
    return max(1, cores if quota is None else min(cores, quota))


def cgroup_cpus(root: str = "/sys/fs/cgroup", own: str = "/proc/self/cgroup") -> int | None:
    """The CPUs the CPU quotas of this process's cgroup and its parents allow, rounded up (cgroup v2's ``cpu.max``,
    v1's ``cpu.cfs_quota_us`` over ``cpu.cfs_period_us``); None where none is set or there is none to read."""
    try:
        with open(own) as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    least: int | None = None
    for line in lines:
        controllers, _, path = line.partition(":")[2].partition(":")
        if controllers:
            if "cpu" not in controllers.split(","):
                continue
            mounts, files = [os.path.join(root, "cpu")], ("cpu.cfs_quota_us", "cpu.cfs_period_us")
        else:  # v2, mounted at the root, or beside v1 as "unified"
            mounts, files = [root, os.path.join(root, "unified")], ("cpu.max",)
        for mount in mounts:
            folder = os.path.join(mount, path.strip("/"))
            while True:  # the cgroup's own quota and each parent's, up to the mount: the least applies
                cpus = _quota(folder, files)
                if cpus is not None:
                    least = cpus if least is None else min(least, cpus)
                if os.path.normpath(folder) == os.path.normpath(mount):
                    break
                folder = os.path.dirname(folder)
    return least


def _quota(folder: str, files: tuple[str, ...]) -> int | None:
    """The CPUs one cgroup folder's quota allows, rounded up (None: no quota, or no file)."""
    words: list[str] = []
    try:
        for name in files:  # (v2: "QUOTA PERIOD" in one file, "max" for none; v1: one number each, -1 for none)
            with open(os.path.join(folder, name)) as f:
                words += f.read().split()
        quota, period = int(words[0]), int(words[1])
    except (OSError, ValueError, IndexError):
        return None
    return -(-quota // period) if quota > 0 and period > 0 else None


def default_workers(limit: int) -> int:
    """Processes for a verb whose --workers was not given: one per usable core (`usable_cores`), at most `limit`
    (each holds the split's gold)."""
    return max(1, min(usable_cores(), limit))


def fork_is_safe() -> bool:
    """Whether this process may fork workers: the system can, and no other thread runs. A fork copies only the
    calling thread: a lock another one held (a stream's, as a progress display wrote; Ray's) would stay locked in the
    child for ever."""
    return hasattr(os, "fork") and _threads() == 1


def _threads() -> int:
    return threading.active_count()


def process_pool(max_workers: int, *, mp_context: Any = None, initializer: Callable[..., Any] | None = None,
                 initargs: Iterable[Any] = ()) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor whose workers end when this process is gone (`end_with_driver`): `kill -9` of a
    leaderboard build or a detection left its workers running on, holding an OCR model each."""
    # (imported here: `usable_cores` is on the path of every `omniact score`, which needs no pool)
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=max_workers, mp_context=mp_context, initializer=_start_worker,
                               initargs=(os.getpid(), initializer, tuple(initargs)))


def _start_worker(driver: int, initializer: Callable[..., Any] | None, initargs: tuple[Any, ...]) -> None:
    end_with_driver(driver)
    if initializer is not None:
        initializer(*initargs)


def end_with_driver(driver: int) -> None:
    """End this worker process when the driver that started it is gone (kill -9, a crash): an idle worker notices its
    pipe close, but one inside a job (an agent's act(), a screenshot's OCR) would run on with nobody to take its
    result, holding memory (a local model's) while a --resume starts workers of its own. Checked each second,
    from a thread."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != driver:  # the orphan was adopted by init (or a subreaper)
                if hasattr(os, "killpg") and os.getpgid(0) == os.getpid():
                    # A worker leading its own group (a run's process worker): what its agent started goes too,
                    # as when the driver ends it (the driver's hangup or kill -9 reaches neither), in its group
                    # and in sessions of their own (a server started with start_new_session), found first.
                    from omniact.job_control import groups_below

                    for group in [g for g in groups_below() if g != os.getpid()] + [0]:
                        with suppress(OSError):
                            os.killpg(group, signal.SIGKILL)
                os._exit(1)

    threading.Thread(target=watch, name="omniact-driver-watch", daemon=True).start()
