"""Draw a task: its screenshot, its UI element boxes, and the gold (and optionally predicted) actions."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from omniact.actions import Action, format_action, parse_script
from omniact.errors import ParseError
from omniact.task import Task

__all__ = ["draw_task", "target_box"]

GOLD = (0, 170, 80)
PREDICTED = (220, 30, 120)
BOX = (40, 120, 255)
INVALID = (150, 150, 150)


def target_box(task: Task, x: float, y: float):
    """The element a point lands on: the smallest box of the screen that contains it (None if none)."""
    inside = [e for e in task.elements if e.box.contains(x, y)]
    return min(inside, key=lambda e: e.box.area) if inside else None


def draw_task(task: Task, out: Path, predicted: Sequence[Action] | None = None) -> Path:
    """Write a PNG of the task's screenshot with every box, the gold actions numbered in green and, when
    given, the predicted ones in magenta; a legend lists the goal and both scripts."""
    from PIL import Image, ImageDraw, ImageFont

    with Image.open(task.image_path) as im:
        image = im.convert("RGB")
    scale = max(1, round(task.screen.dpr))
    draw = ImageDraw.Draw(image, "RGBA")
    font = ImageFont.load_default(size=13 * scale)
    small = ImageFont.load_default(size=9 * scale)
    for e in task.elements:
        b = e.box
        colour = BOX if e.valid is not False else INVALID
        draw.rectangle([b.left, b.top, b.right, b.bottom], outline=colour + (200,), width=scale)
        if e.label and e.label != "NA":
            draw.text((b.left + 2 * scale, b.top + scale), e.label[:28], fill=colour + (230,), font=small)
    try:
        gold = parse_script(task.gold_script)
    except ParseError:
        gold = []
    for actions, colour in ((gold, GOLD), (predicted or [], PREDICTED)):
        for i, a in enumerate(actions, 1):
            if a.point is None:
                continue
            x, y = a.point
            if colour is GOLD:
                el = target_box(task, x, y)
                if el is not None:
                    b = el.box
                    draw.rectangle([b.left, b.top, b.right, b.bottom], outline=colour + (255,), width=3 * scale,
                                   fill=colour + (40,))
            r = 11 * scale
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour + (230,), outline=(255, 255, 255, 255),
                         width=scale)
            draw.text((x, y), str(i), fill=(255, 255, 255), font=font, anchor="mm")
    legend = [f"Task {task.id}: {task.goal}", "gold:"] + [f"  {i}. {format_action(a)}" for i, a in enumerate(gold, 1)]
    if predicted is not None:
        legend += ["predicted:"] + [f"  {i}. {format_action(a)}" for i, a in enumerate(predicted, 1)]
    line_h = 17 * scale
    width = max(draw.textlength(t, font=font) for t in legend) + 16 * scale
    draw.rectangle([0, 0, width, line_h * len(legend) + 8 * scale], fill=(0, 0, 0, 170))
    for i, t in enumerate(legend):
        fill = (255, 255, 255)
        if t == "gold:" or (t.startswith("  ") and "predicted:" not in legend[:i]):
            fill = (120, 255, 160)
        elif t == "predicted:" or t.startswith("  "):
            fill = (255, 150, 200)
        draw.text((8 * scale, 4 * scale + i * line_h), t, fill=fill, font=font)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    image.save(tmp, format="PNG")
    os.replace(tmp, out)
    return out
