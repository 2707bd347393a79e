"""Agents the Ray tests load by path, as a user would."""

from __future__ import annotations

import random
import time


class SlowSeeded:
    """Answers after a pause with a click drawn from the per-task seeded `random` (the worker seeds it)."""

    def __init__(self, delay: float = 0.4) -> None:
        self.delay = float(delay)

    def act(self, view):
        time.sleep(self.delay)
        x, y = random.uniform(0, view.width), random.uniform(0, view.height)
        return f"pyautogui.click({x:.1f}, {y:.1f})"
