"""Building tasks in memory for scoring tests: a gold script on a screen with given boxes."""

from __future__ import annotations

import sys
from pathlib import Path

# This folder is named like the `scoring` package. When the repository root is not on sys.path (pytest run
# as `pytest` rather than `python -m pytest`), tests/ (which the root conftest puts on sys.path) makes this
# folder a namespace package that shadows the editable-installed `scoring`. Put the root first, and drop a
# shadow that an earlier import may have cached.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
if getattr(sys.modules.get("scoring"), "__file__", "") is None:
    for _name in [n for n in sys.modules if n == "scoring" or n.startswith("scoring.")]:
        del sys.modules[_name]

from omniact.task import Box, Screen, Task, UIElement  # noqa: E402 - after the real `scoring` is put first

# The default screen: one 100x50 box centred on (100, 50) and a big invalid one elsewhere.
DEFAULT_BOXES = [((50, 25), (150, 75), True), ((1000, 0), (1900, 1000), False)]


def make_task(gold: str, boxes=DEFAULT_BOXES, task_id: str = "t1", platform: str = "desktop",
              app: str = "notepad") -> Task:
    elements = tuple(UIElement(str(i), Box(float(tl[0]), float(tl[1]), float(br[0]), float(br[1])),
                               f"box{i}", valid) for i, (tl, br, valid) in enumerate(boxes))
    return Task(id=task_id, goal="do it", gold_script=gold,
                screen=Screen(1920, 1080, 1.0, platform, app, None),
                image_path=Path("/nonexistent/screen.png"), task_path=Path(f"/nonexistent/task_{task_id}.txt"),
                box_path=None, elements=elements)


def one(gold: str, pred: object, mode: str = "reference", boxes=DEFAULT_BOXES):
    """Score one task; returns (Score, TaskScore)."""
    from scoring import score

    s = score([make_task(gold, boxes)], {"t1": pred}, mode)
    return s, s.tasks[0]
