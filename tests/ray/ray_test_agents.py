"""Agents the Ray tests load by path, as a user would."""

from __future__ import annotations

import random
import time
from pathlib import Path

from omniact.agent import task_seed


class SlowSeeded:
    """Answers after a pause with a click drawn from a generator seeded by (run seed, task id), so its answer
    never depends on which worker ran the task."""

    def __init__(self, delay: float = 0.4, seed: int = 0, mark_dir: str = "") -> None:
        self.delay = float(delay)
        self.seed = seed
        self.mark_dir = mark_dir

    def describe(self):
        return {"delay": self.delay, "seed": self.seed}

    def act(self, view):
        if self.mark_dir:  # say which Ray node is working on a task right now (a test waits for it)
            import ray

            (Path(self.mark_dir) / ray.get_runtime_context().get_node_id()).touch()
        time.sleep(self.delay)
        rng = random.Random(task_seed(self.seed, view.id))
        x, y = rng.uniform(0, view.width), rng.uniform(0, view.height)
        return f"pyautogui.click({x:.1f}, {y:.1f})"
