"""Agents for the worker life-cycle tests (a worker that dies starting, a task that spins, a slow close(), a helper
in a session of its own), loaded by path as a user would."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path


def _mark(folder: str, text: str = "") -> None:
    """One file per call in `folder` (the test counts them): processes never race on one file."""
    if folder:
        (Path(folder) / f"{os.getpid()}-{time.monotonic_ns()}").write_text(text)


class DiesInSetup:
    """`setup()` kills its own process, as a native loader's segfault or the OOM killer would while loading a model.
    Marks each setup() begun in the folder `setups`."""

    def __init__(self, setups: str = "") -> None:
        self.setups = setups

    def setup(self) -> None:
        _mark(self.setups)
        os.kill(os.getpid(), signal.SIGKILL)

    def act(self, view):
        return 'pyautogui.press("enter")'


class SpinsOn:
    """The task `task` spins in pure Python for ever (it never looks at a cancel event), its process id written to
    the file `spinner` first; every other task does `work` seconds of CPU, then answers ``press("enter")``, or
    ``press("busy")`` when the spinning task is still running (its process alive) beside it."""

    def __init__(self, task: str = "", work: float = 0.2, spinner: str = "") -> None:
        self.task = task
        self.work = float(work)
        self.spinner = spinner

    def act(self, view):
        if view.id == self.task:
            Path(self.spinner).write_text(str(os.getpid()))
            while True:
                pass
        until = time.process_time() + self.work
        while time.process_time() < until:
            pass
        return 'pyautogui.press("busy")' if self._spinning() else 'pyautogui.press("enter")'

    def _spinning(self) -> bool:
        try:
            stat = Path(f"/proc/{Path(self.spinner).read_text()}/stat").read_text()
        except (OSError, ValueError):
            return False
        return stat.rpartition(")")[2].split()[0] not in ("Z", "X")  # a zombie runs nothing


class ClosesSlowly:
    """`close()` saves something and takes a moment (`secs`); marks it done in the folder `closed`."""

    def __init__(self, closed: str = "", secs: float = 0.5) -> None:
        self.closed = closed
        self.secs = float(secs)

    def act(self, view):
        return 'pyautogui.press("enter")'

    def close(self) -> None:
        time.sleep(self.secs)
        _mark(self.closed, "closed")


class StartsSession:
    """Each task starts a helper in a session of its own (as servers and Playwright's browser are started) and
    leaves it running; its process id goes into the folder `pids`. With `hang`, the task then sleeps for ever."""

    def __init__(self, pids: str = "", hang: bool = False) -> None:
        self.pids = pids
        self.hang = hang in (True, "true", "1")

    def act(self, view):
        child = subprocess.Popen(["sleep", "1000"], start_new_session=True)
        (Path(self.pids) / str(child.pid)).write_text(str(child.pid))
        while self.hang:
            time.sleep(1)
        return 'pyautogui.press("enter")'
