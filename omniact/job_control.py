"""Ctrl-Z for a command whose workers lead process groups of their own.

A terminal's Ctrl-Z (SIGTSTP) stops its foreground process group. Process workers leave that group (each leads its
own, so that what an agent starts ends with its worker), so they ran on while the command they belong to was
stopped, and on `fg` the command found its tasks past their time limits. While `stopped_together` is in force,
Ctrl-Z stops the workers' groups first, then the command; `fg` or `bg` (SIGCONT) continues them, and the caller
is told how long the pause lasted, so that its clocks leave it out.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress

__all__ = ["stopped_together"]


@contextmanager
def stopped_together(groups: Callable[[], Iterable[int]], on_resume: Callable[[float], None]) -> Iterator[None]:
    """While inside, SIGTSTP stops the process groups `groups()` names, then this process; on SIGCONT they go
    on, and `on_resume(seconds stopped)` is called. Nothing changes where the system has no job control, off the
    main thread (only it may set a handler), or where SIGTSTP is not at its default (ignored, or someone else's).
    A stop that is not a SIGTSTP (SIGSTOP, which no process can catch) still stops this process alone."""
    tstp = getattr(signal, "SIGTSTP", None)
    if tstp is None or not hasattr(os, "killpg") or threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(tstp) is not signal.SIG_DFL:
        yield
        return

    def send(sig: int) -> None:
        for group in groups():
            with suppress(OSError):  # a worker that ended meanwhile
                os.killpg(group, sig)

    def on_tstp(signum: int, frame: object) -> None:
        began = time.monotonic()
        send(signal.SIGSTOP)
        signal.signal(tstp, signal.SIG_DFL)
        try:
            os.kill(os.getpid(), tstp)  # stops here, as the default action, until SIGCONT
        finally:
            signal.signal(tstp, on_tstp)
            send(signal.SIGCONT)
        on_resume(time.monotonic() - began)

    signal.signal(tstp, on_tstp)
    try:
        yield
    finally:
        # (a generator closed by the garbage collector may end this in another thread, where no handler can be set:
        # the one left stops this process as the default would, the workers it names having ended)
        if threading.current_thread() is threading.main_thread():
            signal.signal(tstp, signal.SIG_DFL)
