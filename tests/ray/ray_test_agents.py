"""Agents the Ray tests load by path, as a user would."""

from __future__ import annotations

import random
import time

from omniact.agent import task_seed


class SlowSeeded:
    """Answers after a pause with a click drawn from a generator seeded by (run seed, task id), so its answer
    never depends on which worker ran the task."""

    def __init__(self, delay: float = 0.4, seed: int = 0) -> None:
        self.delay = float(delay)
        self.seed = seed

    def act(self, view):
        time.sleep(self.delay)
        rng = random.Random(task_seed(self.seed, view.id))
        x, y = rng.uniform(0, view.width), rng.uniform(0, view.height)
        return f"pyautogui.click({x:.1f}, {y:.1f})"
