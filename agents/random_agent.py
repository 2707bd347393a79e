"""The random agent: a seeded random script, a chance-level baseline.

Its randomness comes from the run's seed and the task id only, so a task gets the same answer whichever
worker (thread, process or cluster node) runs it and in whatever order.
"""

from __future__ import annotations

import random
from typing import Any

from omniact.agent import task_seed
from omniact.errors import UserError

__all__ = ["RandomAgent"]

# Rough shares of the action types in OmniACT's gold scripts, so the baseline's sequences look like real ones.
_ACTIONS = (("click", 64), ("press", 16), ("write", 12), ("hotkey", 3), ("moveTo", 2), ("scroll", 2),
            ("rightClick", 1), ("doubleClick", 1))
_KEYS = ("enter", "tab", "esc", "backspace", "down", "up", "space")
_HOTKEYS = (("ctrl", "c"), ("ctrl", "v"), ("ctrl", "a"), ("command", "c"), ("ctrl", "s"))
_WORDS = ("hello", "search", "report", "settings", "new", "home", "music", "weather", "shoes", "Seattle")


class RandomAgent:
    """Random clicks, keys and text inside the screen (seeded per task; chance level)."""

    name = "random"

    def __init__(self, seed: int = 0, max_actions: int = 3) -> None:
        if isinstance(max_actions, bool) or not isinstance(max_actions, int) or max_actions < 1:
            raise UserError(f"max_actions must be a whole number of at least 1, not {max_actions!r}")
        self.seed = seed
        self.max_actions = max_actions

    def describe(self) -> dict[str, Any]:
        """Its one setting (the seed is the run's, in the manifest already)."""
        return {"max_actions": self.max_actions}

    def act(self, view: Any) -> str:
        rng = random.Random(task_seed(self.seed, view.id))
        names = [n for n, _ in _ACTIONS]
        weights = [w for _, w in _ACTIONS]
        lines = []
        for _ in range(rng.randint(1, self.max_actions)):
            name = rng.choices(names, weights)[0]
            if name in ("click", "moveTo", "rightClick", "doubleClick"):
                x, y = rng.uniform(0, view.width), rng.uniform(0, view.height)
                lines.append(f"pyautogui.{name}({x:.1f}, {y:.1f})")
            elif name == "press":
                lines.append(f'pyautogui.press("{rng.choice(_KEYS)}")')
            elif name == "write":
                lines.append(f'pyautogui.write("{rng.choice(_WORDS)}")')
            elif name == "hotkey":
                lines.append("pyautogui.hotkey(" + ", ".join(f'"{k}"' for k in rng.choice(_HOTKEYS)) + ")")
            else:
                lines.append(f"pyautogui.scroll({rng.choice((-5, -3, 3, 5))})")
        return "\n".join(lines)
