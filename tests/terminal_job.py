"""Run a command as a terminal's foreground job (a pty of its own), as a user at a shell would."""

from __future__ import annotations

import os
import select
import subprocess
import time


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

