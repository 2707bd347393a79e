"""Agents the runner tests load by path (``tests/runner/runner_test_agents.py:Name``), as a user would."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

# The right answer for every fixture test task, so that the well-behaved tasks of a faulty run score.
ANSWERS = {
    "100": "pyautogui.click(40.0,20.0)",
    "101": 'pyautogui.click(140.0,20.0)\npyautogui.write("groceries")\npyautogui.press("enter")',
    "102": 'pyautogui.click(160.0,115.0)\npyautogui.hotkey("ctrl", "a")\npyautogui.hotkey("ctrl", "c")',
    "103": 'pyautogui.click(120.0,25.0)\npyautogui.write("running shoes")\npyautogui.press("enter")',
    "104": "pyautogui.click(70.0,200.0)",
    "105": "pyautogui.scroll(-5)",
}

_NEVER = threading.Event()


class Faulty:
    """Task 100 raises, 101 hangs, 102 answers garbage, 103 returns a number, 105 kills its worker."""

    def __init__(self, crash: str = "exit") -> None:
        self.crash = crash

    def act(self, view):
        if view.id == "100":
            raise ValueError("model exploded")
        if view.id == "101":
            _NEVER.wait(600)  # hangs (the runner's timeout abandons or kills it)
        if view.id == "102":
            return "I would click the button, then I am done!"
        if view.id == "103":
            return 42
        if view.id == "105":
            if self.crash == "exit":
                os._exit(13)  # a dying worker process
            raise SystemExit(3)  # a thread worker that an agent shuts down
        return ANSWERS[view.id]


class Normalized:
    """Answers the right point of every click in 0-1 coordinates."""

    coordinates = "normalized"

    def act(self, view):
        lines = []
        for line in ANSWERS[view.id].splitlines():
            if line.startswith("pyautogui.click("):
                x, y = (float(v) for v in line[len("pyautogui.click("):-1].split(","))
                line = f"pyautogui.click({x / view.width}, {y / view.height})"
            lines.append(line)
        return "\n".join(lines)


class Slow:
    """Logs each task it starts to `log`, then sleeps `delay` seconds and answers right; after its first task, it
    also waits while the file `hold` exists (a run kept going for as long as a test needs, however loaded the
    machine)."""

    def __init__(self, log: str = "", delay: float = 0.3, hold: str = "") -> None:
        self.log = log
        self.delay = delay
        self.hold = hold
        self.acted = 0

    def act(self, view):
        if self.log:
            with open(self.log, "a") as f:
                f.write(view.id + "\n")
        time.sleep(self.delay)
        self.acted += 1
        while self.hold and self.acted > 1 and Path(self.hold).exists():
            time.sleep(0.05)
        return ANSWERS.get(view.id, "")


class Flaky:
    """Fails every task while the file `marker` exists."""

    def __init__(self, marker: str = "") -> None:
        self.marker = marker

    def act(self, view):
        if self.marker and Path(self.marker).exists():
            raise RuntimeError("flaky backend")
        return ANSWERS[view.id]


class SeedEcho:
    """Answers with a click at a point drawn from Python's `random` (seeded per task by the runner)."""

    def act(self, view):
        import random

        return f"pyautogui.click({random.randint(0, view.width)}, {random.randint(0, view.height)})"


class BrokenSetup:
    def setup(self):
        raise OSError("GPU on fire")

    def act(self, view):
        return ""


class BrokenInit:
    def __init__(self):
        raise RuntimeError("weights not found")

    def act(self, view):
        return ""


class Keyed:
    """Takes secrets as a model agent does (api_key, token) and answers right."""

    def __init__(self, api_key: str = "", token: str = "") -> None:
        self.api_key = api_key
        self.token = token

    def act(self, view):
        return ANSWERS.get(view.id, "")


_BUMP_LOCK = threading.Lock()


class Described:
    """Describes itself by the content of its `weights` file, read in setup() as a model agent loads its
    weights; with `bump`, changes the file right after reading it (new weights saved while a run goes on), so
    the next worker to start describes another model. Leaks its `api_key` into the description on purpose."""

    def __init__(self, weights: str = "", bump: bool = False, api_key: str = "") -> None:
        self.weights = weights
        self.bump = bump
        self.api_key = api_key
        self.fingerprint = ""

    def setup(self):
        import hashlib

        with _BUMP_LOCK:
            data = Path(self.weights).read_bytes() if self.weights else b""
            self.fingerprint = hashlib.sha256(data).hexdigest()
            if self.bump:
                Path(self.weights).write_bytes(data + b"+")

    def describe(self):
        return {"backend": {"kind": "test", "model_fingerprint": self.fingerprint, "api_key": self.api_key},
                "max_tokens": 512}

    def act(self, view):
        return ANSWERS.get(view.id, "")


class BadDescribe:
    """A describe() whose answer cannot be recorded (not JSON)."""

    def describe(self):
        return {"model": object()}

    def act(self, view):
        return ""


class OddDescribe:
    """A describe() that is JSON but no description: `shape` "deep" nests 600 levels (fine for json, too deep
    for the driver's walk), "huge" is 2 MB, "secrets" hides credentials where key names alone do not say so."""

    def __init__(self, shape: str = "deep") -> None:
        self.shape = shape

    def describe(self):
        if self.shape == "deep":
            value: dict = {}
            for _ in range(600):
                value = {"a": value}
            return value
        if self.shape == "huge":
            return {"blob": "x" * (2 << 20)}
        return {"backend": {"url": "https://user:sk-live-url@example.com/v1",
                            "headers": {"X-Api-Key": "sk-live-header"}}, "api-key": "sk-live-dash"}

    def act(self, view):
        return ANSWERS.get(view.id, "")
