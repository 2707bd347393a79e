"""Ctrl-Z for a command whose workers lead process groups of their own.

A terminal's Ctrl-Z (SIGTSTP) stops its foreground process group. Process workers leave that group (each leads its
own, so that what an agent starts ends with its worker), so they ran on while the command they belong to was
stopped, and on `fg` the command found its tasks past their time limits. While `stopped_together` is in force,
Ctrl-Z stops the workers' groups first, then the command; `fg` or `bg` (SIGCONT) continues them.

The pause is counted, so that time measured on `active_clock` leaves it out: a task's recorded seconds and every time
limit, in the command and in the worker processes that follow its count (`shared_pauses`, `follow_pauses`).
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

__all__ = [
    "active_clock",
    "children_map",
    "descendants",
    "follow_pauses",
    "groups_below",
    "running",
    "shared_pauses",
    "stopped_together",
    "stops_deferred",
    "unreaped",
    "worker_group",
]


class _Seconds:
    """A count of seconds stopped, private to this process until `shared_pauses` moves it into shared memory."""

    def __init__(self) -> None:
        self.value = 0.0


class _State:
    """What this process knows of its job's stops."""

    def __init__(self) -> None:
        #: the seconds this process's job has been stopped (`.value`): counted by `stopped_together` (the command),
        #: or the command's count followed (a worker)
        self.paused: Any = _Seconds()
        #: when the stop under way here began (monotonic), until it is counted in `paused`; None: none under way.
        #: A thread of this process (a thread worker's task) may wake from the stop before the handler has counted
        #: it: its clock stands still from here instead of taking the pause as its own time.
        self.stopped_at: float | None = None
        #: odd while the handler changes `paused` and `stopped_at` (readers then read again: a sequence lock)
        self.seq = 0
        #: `stops_deferred` blocks open, and whether a Ctrl-Z came meanwhile
        self.deferring = 0
        self.deferred = False
        #: where `stopped_together`'s handler is: 0 not in it, 1 stopping the job, 2 gone on; and whether a Ctrl-Z came
        #: after the job went on, while the handler still ran (acted on as it ends)
        self.stopping = 0
        self.again = False


_STATE = _State()
_SHARING = threading.Lock()
#: how many times a Ctrl-Z asks `groups()` again for groups started while it stopped the others (see _stop_all)
_MAX_ROUNDS = 5
#: most seconds a worker's exit waits for its terminal relay to pass on what it wrote last (see _drain)
_DRAIN_S = 0.5


def active_clock() -> float:
    """Seconds on a monotonic clock that stands still while the job is stopped (Ctrl-Z until fg or bg), as far as
    `stopped_together` counts it here or in the command this worker follows. A task timed on it, or a time limit set
    on it, leaves the pause out. Elsewhere (no pause counted) it is `time.monotonic()`."""
    paused = _STATE.paused
    while True:
        seq = _STATE.seq
        if seq % 2:  # the handler is between its writes (in the main thread: this is another)
            time.sleep(0)
            continue
        since, before = _STATE.stopped_at, paused.value
        now = time.monotonic()
        # A pause counted or begun between the reads (this process was stopped there): `now` may be from either side
        # of it, so read again.
        if _STATE.seq == seq and paused.value == before:
            return (now if since is None else min(now, since)) - before


def _stop_begins(began: float) -> None:
    """The handler's first word on a stop: the clocks of this process stand still from `began` (`active_clock`)."""
    _STATE.seq += 1
    _STATE.stopped_at = began
    _STATE.seq += 1


def _stop_ends(began: float) -> None:
    """The handler's last word on a stop that began at `began`: its length counted, and the clocks go on."""
    _STATE.seq += 1
    _STATE.paused.value += time.monotonic() - began
    _STATE.stopped_at = None
    _STATE.seq += 1


def shared_pauses() -> Any:
    """This process's count of seconds stopped, in memory that a process it spawns can share: pass it in the
    worker's arguments, and the worker calls `follow_pauses` with it first. A worker stopped with SIGSTOP cannot tell
    that it was; the command that stopped it counts the pause for both."""
    with _SHARING:
        if isinstance(_STATE.paused, _Seconds):
            from multiprocessing.sharedctypes import RawValue

            # (no lock: only the command writes it, while the workers that read it are stopped, see on_tstp)
            _STATE.paused = RawValue("d", _STATE.paused.value)
        return _STATE.paused


def follow_pauses(shared: Any) -> None:
    """In a worker process: count as stopped what the command that started it counts (`shared_pauses`)."""
    if shared is not None:
        _STATE.paused = shared


@contextmanager
def stopped_together(groups: Callable[[], Iterable[int]]) -> Iterator[None]:
    """While inside, SIGTSTP stops the process groups `groups()` names, then this process; on SIGCONT they go
    on, and the time stopped is counted (see `active_clock`). Nothing changes where the system has no job control,
    off the main thread (only it may set a handler), or where SIGTSTP is not at its default (ignored, or someone
    else's). A stop that is not a SIGTSTP (SIGSTOP, which no process can catch) still stops this process alone.

    `groups()` may name a worker that has not made its own group yet: it is then stopped alone (see `_signal`)."""
    tstp = getattr(signal, "SIGTSTP", None)
    if tstp is None or not hasattr(os, "killpg") or threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(tstp) is not signal.SIG_DFL:
        yield
        return

    def on_tstp(signum: int, frame: object) -> None:
        if _STATE.deferring:
            _STATE.deferred = True  # acted on once the worker being started is listed (stops_deferred)
            return
        if _STATE.stopping:  # a second Ctrl-Z as this handler runs (starting the watch takes a moment): the handler
            # run again inside this one stopped the job, and this one stopped it again after `fg`, with the pause
            # counted twice. One before the stop is the same stop; one after it, another, once this one is done.
            _STATE.again = _STATE.again or _STATE.stopping == 2
            return
        _STATE.stopping = 1
        stopped: list[int] = []  # (each group listed before it is stopped: continued whatever stops this handler)
        watch: list[_Watch | None] = []  # the watch, once started (None in it: none could be)
        began: float | None = None

        def tell(new: list[int]) -> None:
            if not watch:  # (a group named only now: its watch starts late, but before it is stopped)
                watch.append(_Watch.start())
            if watch[0] is not None:
                watch[0].tell(new)

        # A hang-up (the terminal closed) or SIGTERM at its default would end this process while it is stopped (or
        # stopping the others), before it continues the groups it stopped: nobody else continues a group in a session
        # of its own (an agent's server, a browser), which stayed stopped for ever. Held until they go on (the shell,
        # or the kernel for an orphaned job, sends SIGCONT with it), then acted on as the default would. A Ctrl-C
        # too, so that its KeyboardInterrupt comes once every group stopped goes on, never between two of them.
        held = _hold_ending()
        try:
            # The watch first, told of each group before it is stopped, so that this process killed while it stops
            # them leaves none stopped that the watch does not end. (Started once they were stopped, it left them
            # stopped for good when the kill came while it started, under a child subreaper.) Before the pause
            # begins where it can: the workers run on while it starts.
            own = os.getpgrp()
            if any(g != own for g in groups()):
                watch.append(_Watch.start())
            began = time.monotonic()
            _stop_begins(began)
            _stop_all(groups, tell, stopped)
            signal.signal(tstp, signal.SIG_DFL)
            if not held[1]:  # (one that came meanwhile ends the job now, not after a stop it would wait out)
                os.kill(os.getpid(), tstp)  # stops here, as the default action, until SIGCONT
        finally:
            _STATE.stopping = 2
            # Counted before the workers go on, so that each finds the pause counted as it wakes (this process's
            # threads, woken with it, found the clock standing still since `began`). Always, once begun: a clock left
            # standing would let no time limit of this process expire.
            if began is not None:
                _stop_ends(began)
            signal.signal(tstp, on_tstp)
            for group in stopped:
                _signal(group, signal.SIGCONT)
            if watch and watch[0] is not None:
                watch[0].done()
            again, _STATE.stopping, _STATE.again = _STATE.again, 0, False
            _release_ending(held)
            if again:
                os.kill(os.getpid(), tstp)  # to the handler, for a stop of its own

    signal.signal(tstp, on_tstp)
    try:
        yield
    finally:
        # (a generator closed by the garbage collector may end this in another thread, where no handler can be set:
        # the one left stops this process as the default would, the workers it names having ended)
        if threading.current_thread() is threading.main_thread():
            signal.signal(tstp, signal.SIG_DFL)


@contextmanager
def stops_deferred() -> Iterator[None]:
    """A Ctrl-Z that comes while inside is acted on as the block ends. Start a worker, and put it where `groups()`
    finds it, inside: a Ctrl-Z between the two would miss the new worker, which would run on alone."""
    _STATE.deferring += 1
    try:
        yield
    finally:
        _STATE.deferring -= 1
        if not _STATE.deferring and _STATE.deferred:
            _STATE.deferred = False
            os.kill(os.getpid(), signal.SIGTSTP)  # to the handler, now that it can see every worker


def _hold_ending() -> tuple[dict[int, Any], list[int]]:
    """While this process is stopped: SIGHUP and SIGTERM that are at their default action, and a Ctrl-C (SIGINT) that
    would raise KeyboardInterrupt, are recorded instead (`_release_ending` acts on them). Returns (the handlers
    replaced, the signals recorded).

    (A KeyboardInterrupt raised in the handler's clean-up, after it continued the first group, left the others
    stopped for good; recorded, it is raised once every group goes on.)"""
    caught: list[int] = []
    replaced: dict[int, Any] = {}
    for name, held in (("SIGHUP", signal.SIG_DFL), ("SIGTERM", signal.SIG_DFL), ("SIGINT", signal.default_int_handler)):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) is held:
            replaced[sig] = signal.signal(sig, lambda signum, frame: caught.append(signum))
    return replaced, caught


def _release_ending(held: tuple[dict[int, Any], list[int]]) -> None:
    """Put back what `_hold_ending` replaced, then end this process by the first signal it recorded, if any (a
    Ctrl-C: the KeyboardInterrupt it raises)."""
    replaced, caught = held
    for sig, handler in replaced.items():
        signal.signal(sig, handler)  # (runs a recorder still pending first: signal.signal checks for signals)
    if caught:
        os.kill(os.getpid(), caught[0])  # its default action, now that what was stopped goes on


#: The watch over a stopped job (`_Watch`), run as ``python -c`` in a session of its own, and not as a child of the
#: job's (a job's processes all stop with it, and a child left would be the job's to reap): it reads the pipe the job
#: holds the other end of. A line "g GROUP...": groups about to be stopped. "c": the job went on, and continued its
#: groups itself. The end of the pipe without it: the job was killed (`kill -9 %1`), and the groups are ended here
#: (SIGTERM, then SIGKILL for what is left after 5 s; SIGCONT, or a stopped process would never act on the SIGTERM).
_WATCH = r"""
import os, signal, sys, time
if os.fork():  # the watch is no process of the job's (it runs while the job is stopped): its starter ends at once
    os._exit(0)
def born(pid):  # a process's start time (field 22 of its stat), None where there is none (gone, or no /proc)
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b") ", 1)[1].split()[19]
    except (OSError, IndexError):
        return None
fd, own, said, births = int(sys.argv[1]), int(sys.argv[2]), b"", {}
while not said.endswith(b"c"):
    try:
        more = os.read(fd, 4096)
    except OSError:
        more = b""
    if not more:
        break
    said += more
    # The groups named so far (whole lines only: a line the kill cut short, its last number may be part of one), each
    # with its leader as the job named it, looked at now, while it runs: an id whose process differs when the groups
    # are ended was taken anew (Linux gives a group's id to no other process while the group has one), by a process
    # that is not the job's.
    for g in said[:said.rfind(b"\n") + 1].split():
        if g.isdigit() and int(g) not in births:
            births[int(g)] = born(int(g))
if not said.endswith(b"c"):
    groups = list(births)  # (in the order named)
    def send(group, sig):
        now = born(group)
        if now is not None and now != births.get(group):
            return False  # every process of the group ended (killed as it was stopped), and its id is another's
        try:
            os.killpg(group, sig)
            return True
        except ProcessLookupError:
            try:  # a worker that had not made its own group yet, stopped alone in the job's
                if os.getpgid(group) == own:
                    os.kill(group, sig)
                    return True
            except OSError:
                pass
            return False
        except OSError:
            return False
    for g in groups:
        send(g, signal.SIGTERM)
        send(g, signal.SIGCONT)
    end = time.monotonic() + 5
    while groups and time.monotonic() < end:
        time.sleep(0.1)
        groups = [g for g in groups if send(g, 0)]
    for g in groups:
        send(g, signal.SIGKILL)
"""


class _Watch:
    """What ends the groups a stopped job stopped, if the job is killed while stopped (or while it stops them: it is
    told of each group before the group is stopped).

    The system hangs up and continues a stopped group that the job's death leaves orphaned, but only one in the
    job's session, and only when no member's parent is in another group of that session (a child subreaper there, as
    an init or a test process may be, takes the orphans in and keeps them from counting as such). One in a session of
    its own (Chromium, which Playwright starts so; a server an agent started so) is never continued by anyone."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    @classmethod
    def start(cls) -> _Watch | None:
        """A watch told of no group yet (`tell`), or None where none can be started (the job then stops unwatched)."""
        if not sys.executable:
            return None
        import subprocess

        try:
            r, w = os.pipe()
        except OSError:  # no descriptor left (at the limit): the job stops unwatched, instead of the handler raising
            return None
        watch = cls(w)
        try:
            try:
                # -I -S: the standard library only (a module of the user's named like one it imports, in the
                # current folder or on PYTHONPATH, is not run), and a faster start
                starter = subprocess.Popen([sys.executable, "-I", "-S", "-c", _WATCH, str(r), str(os.getpgrp())],
                                           pass_fds=(r,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL, start_new_session=True)
            finally:
                os.close(r)
            try:
                starter.wait(10)  # it forks the watch and ends
            except subprocess.TimeoutExpired:  # a machine too busy to start Python: the job stops unwatched
                starter.kill()
                starter.wait()
                raise
        except BaseException as e:  # (Ctrl-C meanwhile too: the pipe would stay open, and end the groups later)
            watch.done()  # a watch started all the same is told the job went on
            if isinstance(e, (OSError, subprocess.TimeoutExpired)):
                return None
            raise
        return watch

    def tell(self, groups: list[int]) -> None:
        """`groups` are about to be stopped: the watch ends them if this process is killed before `done`."""
        with suppress(OSError):  # (a watch that has gone: the job stops unwatched, as where none could start)
            os.write(self._fd, ("g " + " ".join(map(str, groups)) + "\n").encode())

    def done(self) -> None:
        """The job went on: the watch ends without acting."""
        with suppress(OSError):
            os.write(self._fd, b"c")
        os.close(self._fd)


def _stop_all(groups: Callable[[], Iterable[int]], tell: Callable[[list[int]], None], stopped: list[int]) -> None:
    """SIGSTOP the groups `groups()` names, then ask again, until it names no group not stopped yet: one that a
    worker started as the others were being stopped (a browser, in a session of its own) is stopped too. `tell(new)`
    is called before the groups `new` are stopped, and each is added to `stopped` before it is (Ctrl-C on the way:
    the caller continues every group that may be stopped)."""
    own = os.getpgrp()  # (the terminal's job: stopping it is the terminal's doing, and SIGCONT the shell's)
    for _ in range(_MAX_ROUNDS):
        new = [g for g in dict.fromkeys(groups()) if g not in stopped and g != own]
        if not new:
            break
        tell(new)
        for group in new:
            stopped.append(group)
            _signal(group, signal.SIGSTOP)


def _signal(group: int, sig: int) -> None:
    """Send `sig` to the process group `group`. No such group, but a process of that id still in this process's
    group: a worker that has not made its own group yet (the first thing it does, but starting Python takes a
    moment), which has started nothing yet; it is signalled alone."""
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        with suppress(OSError):  # ended meanwhile
            if os.getpgid(group) == os.getpgrp():
                os.kill(group, sig)
    except OSError:  # a worker that ended meanwhile
        pass


def children_map() -> dict[int, list[int]]:
    """Every process's children, from /proc (OSError where there is none): ``{parent pid: [child pids]}``."""
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read().decode("latin-1")
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def descendants(pid: int, kids: dict[int, list[int]] | None = None) -> list[int]:
    """The processes below `pid`, in `kids` (a `children_map()`; made afresh if not given)."""
    kids = children_map() if kids is None else kids
    out, stack = [], [pid]
    while stack:
        for c in kids.get(stack.pop(), []):
            out.append(c)
            stack.append(c)
    return out


def groups_below(pids: Iterable[int] | None = None) -> list[int]:
    """The process groups of the processes below `pids` (default: this process; none where there is no /proc): for
    `stopped_together`, the groups of what a command's workers or agents started in sessions of their own
    (Chromium, which Playwright launches so, a server an agent started with ``start_new_session``), which no
    terminal's Ctrl-Z reaches."""
    pids = [os.getpid()] if pids is None else pids
    try:
        kids = children_map()
    except OSError:
        return []
    groups = []
    for p in (d for pid in pids for d in descendants(pid, kids)):
        with suppress(OSError):  # ended meanwhile
            groups.append(os.getpgid(p))
    return list(dict.fromkeys(groups))


def unreaped(pid: int) -> bool | None:
    """Whether the child `pid` has ended but is not yet reaped (True), still runs (False), or is reaped, its pid
    free for any process (None). Asked without reaping it."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return None


def running(process: Any) -> bool:
    """Whether the worker `process` (a multiprocessing Process) still runs, asked without reaping it where the
    system can (reaped, its pid could be another process's). Elsewhere (macOS before Python 3.13 has no os.waitid) its exit code is polled,
    which reaps it if it has ended: only a running worker, whose pid is still its own, says None."""
    if hasattr(os, "waitid"):
        return unreaped(process.pid) is False
    return process.exitcode is None


def worker_group() -> None:
    """Make this worker process a process group of its own in its command's session, which what it starts joins (the
    command then ends them, and Ctrl-Z stops them, together), and keep the terminal from stopping any of them.

    In the command's session, not a new one (setsid): should the command die while Ctrl-Z has the group stopped, the
    system hangs up the group and continues it, which it does only for a group of the session left orphaned. But a
    group of the terminal's session that is never in its foreground is stopped by the terminal, as a background job
    is, on a write under `stty tostop` or a read, and nobody would continue it. This process ignores SIGTTOU and
    SIGTTIN (a write goes through, a read fails with EIO); a program it starts may not keep that (Node, Playwright's
    driver, resets every signal), so its terminal output goes through a pipe that a thread of this process writes
    to the terminal (`_relay_terminal`).
    """
    with suppress(OSError, AttributeError):
        os.setpgid(0, 0)
    for name in ("SIGTTOU", "SIGTTIN"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    for fd in (1, 2):
        _relay_terminal(fd)


def _relay_terminal(fd: int) -> None:
    """Where descriptor `fd` is a terminal, put a pipe in its place, and write what comes through it to the terminal
    from a thread of this process (which the terminal does not stop)."""
    try:
        if not os.isatty(fd):
            return
        terminal = os.dup(fd)
        read, write = os.pipe()
    except OSError:
        return
    os.dup2(write, fd)  # (inheritable, as the descriptor it replaces was; `terminal` and `read` are not)
    os.close(write)

    def pump() -> None:
        with suppress(OSError):  # the terminal gone: what is left is dropped, as a write to it would be
            while data := os.read(read, 65536):
                while data:
                    data = data[os.write(terminal, data):]

    relay = threading.Thread(target=pump, name=f"omniact-terminal-{fd}", daemon=True)
    relay.start()
    atexit.register(_drain, fd, terminal, relay)


def _drain(fd: int, terminal: int, relay: threading.Thread) -> None:
    """At exit, what this process wrote last reaches the terminal (a daemon thread dies with the process, with what
    the pipe still held): the descriptor goes back to the terminal, which ends the pipe unless a process this one
    started still holds it, and the relay gets a moment to pass on the rest."""
    with suppress(OSError, ValueError):  # (a stream closed or detached)
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    with suppress(OSError):
        os.dup2(terminal, fd)
    relay.join(_DRAIN_S)
