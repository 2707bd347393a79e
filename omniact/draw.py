"""Draw a task: its screenshot, its UI element boxes, and the gold (and optionally predicted) actions."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from omniact.actions import Action, format_action, parse_script
from omniact.atomic import atomic_file
from omniact.dataset import gold_line_offset
from omniact.errors import ParseError, UserError, escape_controls, shorten
from omniact.screenshot import open_screenshot, to_rgb
from omniact.task import Task

__all__ = ["draw_task", "target_box"]

GOLD = (0, 170, 80)
PREDICTED = (220, 30, 120)
BOX = (40, 120, 255)
INVALID = (150, 150, 150)
_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
#: a legend line is cut at this many characters, and each script's list at this many actions: the legend is a
#: panel under the screenshot, and a 50 kB goal on one line made an image wider than Pillow will open again
LEGEND_CHARS = 240
LEGEND_ACTIONS = 60


#: fonts tried for text, by file name (Pillow looks in the system's font folders): DejaVu Sans has Latin, Greek and
#: Cyrillic letters (Pillow's own default font drew "ö" as a box); text with CJK characters takes a CJK font when
#: the machine has one. The first found is used; Pillow's default when none is.
_FONTS = ("DejaVuSans.ttf",)
_CJK_FONTS = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansCJKjp-Regular.otf",
              "wqy-microhei.ttc", "wqy-zenhei.ttc", "DroidSansFallbackFull.ttf")
_CJK = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def font_for(text: str, size: int):
    """The font that draws `text` best at `size` pixels (see _FONTS)."""
    return _font(size, _CJK.search(text) is not None)


@cache
def _font(size: int, cjk: bool):
    from PIL import ImageFont

    for name in (*(_CJK_FONTS if cjk else ()), *_FONTS):
        try:
            return ImageFont.truetype(name, size)
        except OSError:  # not installed
            continue
    return ImageFont.load_default(size=size)


def target_box(task: Task, x: float, y: float):
    """The element a point lands on: the smallest box of the screen that contains it (None if none)."""
    inside = [e for e in task.elements if e.box.contains(x, y)]
    return min(inside, key=lambda e: e.box.area) if inside else None


def draw_task(task: Task, out: Path, predicted: Sequence[Action] | None = None) -> Path:
    """Write an image (PNG, JPEG or WebP, by `out`'s suffix) of the task's screenshot with every box, the gold
    actions numbered in green and, when given, the predicted ones in magenta; a legend under it lists the goal
    and both scripts."""
    from PIL import Image, ImageDraw

    out = Path(out)
    fmt = _FORMATS.get(out.suffix.lower())
    if fmt is None:  # before any work: PNG bytes under a .jpg name open nowhere
        raise UserError(f"cannot tell the image format from the name: end it in {', '.join(_FORMATS)}",
                        file=str(out))
    # As agents and the detector see it (a transparent screenshot on white, a 16-bit one scaled to 8 bits), and
    # without Pillow's decompression-bomb warning for a large screenshot the loader accepted.
    with open_screenshot(task.image_path) as im:
        image = to_rgb(im)
    scale = max(1, round(task.screen.dpr))
    draw = ImageDraw.Draw(image, "RGBA")
    font = font_for("", 13 * scale)
    # Boxes and points as drawn: corners in order, within a margin of the image (a box file may hold swapped
    # corners, NaN or 1e308, which validate only warns about, and Pillow draws none of them).
    span = 4 * max(image.width, image.height)

    def rect(b) -> list[float] | None:
        x0, y0, x1, y1 = (_clamp(v, span) for v in (b.left, b.top, b.right, b.bottom))
        if x0 is None or y0 is None or x1 is None or y1 is None:
            return None
        return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]

    for e in task.elements:
        corners = rect(e.box)
        if corners is None:
            continue
        colour = BOX if e.valid is not False else INVALID
        draw.rectangle(corners, outline=colour + (200,), width=scale)
        if e.label and e.label != "NA":
            label = e.label[:28]
            draw.text((corners[0] + 2 * scale, corners[1] + scale), label, fill=colour + (230,),
                      font=font_for(label, 9 * scale))
    gold, not_parsed = _gold(task)
    for actions, colour in ((gold, GOLD), (predicted or [], PREDICTED)):
        for i, a in enumerate(actions, 1):
            if a.point is None:
                continue
            x, y = _clamp(a.point[0], span), _clamp(a.point[1], span)
            if x is None or y is None:
                continue
            if colour is GOLD:
                el = target_box(task, *a.point)
                corners = None if el is None else rect(el.box)
                if corners is not None:
                    draw.rectangle(corners, outline=colour + (255,), width=3 * scale, fill=colour + (40,))
            r = 11 * scale
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour + (230,), outline=(255, 255, 255, 255),
                         width=scale)
            draw.text((x, y), str(i), fill=(255, 255, 255), font=font, anchor="mm")
    goal = " ".join(task.goal.split())  # one line: a newline in the goal would draw over the next
    # The id escaped: a split key may hold a newline (valid JSON), which Pillow cannot measure on one line.
    gold_lines = ["gold:", *_listed(gold)] if not_parsed is None else \
        [shorten(f"gold: not parsed ({escape_controls(not_parsed)}); omniact validate lists it", LEGEND_CHARS)]
    legend = [shorten(f"Task {escape_controls(task.id)}: {goal}", LEGEND_CHARS), *gold_lines]
    if predicted is not None:
        legend += ["predicted:", *_listed(predicted)]
    # The legend goes in a panel under the screenshot: drawn over it, it hid the top-left corner's elements
    # and any action point there.
    line_h = 17 * scale
    width = max(image.width, int(max(draw.textlength(t, font=font_for(t, 13 * scale)) for t in legend) + 16 * scale))
    canvas = Image.new("RGB", (width, image.height + line_h * len(legend) + 8 * scale), (24, 24, 24))
    canvas.paste(image, (0, 0))
    draw = ImageDraw.Draw(canvas)
    for i, t in enumerate(legend):
        fill = (255, 255, 255)
        if t.startswith("gold:") or (t.startswith("  ") and "predicted:" not in legend[:i]):
            fill = (120, 255, 160)
        elif t == "predicted:" or t.startswith("  "):
            fill = (255, 150, 200)
        draw.text((8 * scale, image.height + 4 * scale + i * line_h), t, fill=fill, font=font_for(t, 13 * scale))
    with atomic_file(out, "wb") as f:
        canvas.save(f, format=fmt)
    return out


def _gold(task: Task) -> tuple[list[Action], str | None]:
    """The task's gold actions, or none and ``LINE:COL: reason`` (the task file's line, as `validate` names it)
    when the parser refuses the script. Said on stderr too: an empty gold list alone read as a task without
    actions, where `omniact tasks` lists some."""
    try:
        return parse_script(task.gold_script), None
    except ParseError as e:
        where = f"{e.line + gold_line_offset(task.task_path)}:{e.col}"
        sys.stderr.write(escape_controls(
            f"omniact: note: {task.task_path}:{where}: gold script not parsed ({e.message}): drawn without its "
            "gold actions; `omniact validate` lists it") + "\n")
        return [], f"{where}: {e.message}"


def _clamp(v: float, span: float) -> float | None:
    """A coordinate Pillow can draw: None for NaN, else within `span` of the image."""
    if v != v:  # noqa: PLR0124 - NaN
        return None
    return min(max(v, -span), span)


def _listed(actions: Sequence[Action]) -> list[str]:
    lines = [shorten(f"  {i}. {format_action(a)}", LEGEND_CHARS)
             for i, a in enumerate(actions[:LEGEND_ACTIONS], 1)]
    if len(actions) > LEGEND_ACTIONS:
        lines.append(f"  ... and {len(actions) - LEGEND_ACTIONS} more")
    return lines
