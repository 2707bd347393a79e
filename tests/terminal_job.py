"""Helpers for tests of job control: a command run as a terminal's foreground job (a pty of its own), as a user at
a shell would; waiting for a condition; ending a job started in a group of its own."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from collections.abc import Callable


def in_terminal(cmd: list[str], *, tostop: bool = False, timeout: float = 120,
                env: dict[str, str] | None = None) -> tuple[int | None, str]:
    """Run `cmd` in a new pty (with `stty tostop`: a background job's write to the terminal stops it) and return
    (its exit code, or None when it was still running after `timeout` s and was killed; what it wrote)."""
    import pty
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty's session leader, its foreground job
        if tostop:
            attrs = termios.tcgetattr(0)
            attrs[3] |= termios.TOSTOP
            termios.tcsetattr(0, termios.TCSANOW, attrs)
        os.execve(cmd[0], cmd, {**os.environ, **(env or {})})  # noqa: S606 - our own command line, no shell
    out = b""
    status = None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    out += os.read(fd, 65536)
                except OSError:  # the pty's other side closed
                    pass
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            status = None
    finally:
        if status is None:
            subprocess.run(["pkill", "-KILL", "-s", str(pid)], check=False)  # the pty's session: the command's
            os.waitpid(pid, 0)
        os.close(fd)
    return (None if status is None else os.waitstatus_to_exitcode(status)), out.decode(errors="replace")



def wait_until(cond: Callable[[], bool], seconds: float) -> bool:
    """Whether `cond()` came true within `seconds` (polled every 50 ms)."""
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def end_job(driver: subprocess.Popen) -> None:
    """Kill what is left of a job started with ``process_group=0`` (its whole group), and reap it."""
    if driver.poll() is None:
        os.killpg(driver.pid, signal.SIGKILL)
        driver.wait()
