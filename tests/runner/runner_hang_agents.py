"""Agents that hang while they start, for the --setup-timeout tests (loaded by path, as a user would)."""

from __future__ import annotations

import os
import time
from pathlib import Path


class SlowStart:
    """While the file `hang` exists, `setup()` (or `describe()`, with ``where="describe"``) waits for it to go, as a
    model load stuck on a network share would (for at most a minute: a test must end). Writes its process id to
    `pidfile` first."""

    def __init__(self, hang: str = "", where: str = "setup", pidfile: str = "") -> None:
        self.hang = hang
        self.where = where
        self.pidfile = pidfile

    def _wait(self) -> None:
        if self.pidfile:
            Path(self.pidfile).write_text(str(os.getpid()))
        until = time.monotonic() + 60
        while self.hang and Path(self.hang).exists() and time.monotonic() < until:
            time.sleep(0.05)

    def setup(self):
        if self.where == "setup":
            self._wait()

    def describe(self):
        if self.where == "describe":
            self._wait()
        return {"kind": "slow-start"}

    def act(self, view):
        return 'pyautogui.press("enter")'


class HeedsCancel:
    """Waits in `act()` for its task's cancel event (at most a minute), as a local model's generate() checks it
    between tokens, then writes what it saw to `seen`: "cancelled", "never cancelled" or "no cancel event"."""

    def __init__(self, seen: str = "") -> None:
        self.seen = seen

    def act(self, view):
        from omniact.agent import task_cancel_event

        event = task_cancel_event()
        saw = "no cancel event" if event is None else "cancelled" if event.wait(60) else "never cancelled"
        # Whole or not at all: a test polls for the file and reads it as soon as it exists.
        part = Path(f"{self.seen}.part")
        part.write_text(saw)
        os.replace(part, self.seen)
        return 'pyautogui.press("enter")'


class ReturnsOnCancel:
    """Appends a line to `built` when it is built; act() returns as soon as its task's cancel event is set (at most
    a minute), as a local model's generate() that checks it between tokens does."""

    def __init__(self, built: str = "") -> None:
        with open(built, "a") as f:
            f.write("built\n")

    def act(self, view):
        from omniact.agent import task_cancel_event

        task_cancel_event().wait(60)
        return 'pyautogui.press("enter")'


class Spawns:
    """Starts a child process (a helper it never waits for) and writes its pid to `pidfile`; with `hang`, then
    sleeps past any task time limit."""

    def __init__(self, pidfile: str = "", hang: bool = False) -> None:
        self.pidfile = pidfile
        self.hang = hang

    def act(self, view):
        import subprocess
        import sys

        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        with open(self.pidfile, "a") as f:
            f.write(f"{child.pid}\n")
        if self.hang:
            time.sleep(60)
        return 'pyautogui.press("enter")'
