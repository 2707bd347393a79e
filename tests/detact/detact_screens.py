"""Synthetic screenshots for the DetACT tests, drawn with PIL (no browser): text, buttons, a Font Awesome icon.

Every element's box is returned, so tests can check that what the detector found lies where it was drawn.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def fa_icon(name: str, size: int, colour: tuple[int, int, int], style: str = "solid") -> Image.Image:
    """A Font Awesome icon rasterised by resvg, as an RGBA image `size` pixels high, in `colour`."""
    import fontawesomefree
    import resvg_py

    svg_path = Path(fontawesomefree.__file__).parent / "static/fontawesomefree/svgs" / style / f"{name}.svg"
    png = resvg_py.svg_to_bytes(svg_string=svg_path.read_text(), height=size)
    mask = Image.open(io.BytesIO(bytes(png))).convert("RGBA").split()[3]
    icon = Image.new("RGBA", mask.size, colour + (255,))
    icon.putalpha(mask)
    return icon


def draw_screen(path: Path, scale: int = 1) -> dict[str, tuple[float, float, float, float]]:
    """A small app screen: a menu bar, a search field, a blue Compose button, a red Delete button, a gear
    icon, a list of messages. Returns each element's box (left, top, right, bottom) in pixels."""
    s = scale
    im = Image.new("RGB", (900 * s, 500 * s), (246, 247, 249))
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, 15 * s)
    boxes: dict[str, tuple[float, float, float, float]] = {}

    def text(label: str, x: int, y: int, fill=(20, 20, 20)) -> None:
        d.text((x * s, y * s), label, font=font, fill=fill)
        l, t, r, b = d.textbbox((x * s, y * s), label, font=font)  # noqa: E741 - left, top, right, bottom
        boxes[label] = (l, t, r, b)

    d.rectangle((0, 0, 900 * s, 44 * s), fill=(255, 255, 255))
    for label, x in (("File", 14), ("Edit", 70), ("View", 126), ("Help", 186)):
        text(label, x, 13)
    d.rounded_rectangle((260 * s, 8 * s, 520 * s, 36 * s), radius=4 * s, outline=(150, 150, 150), width=s,
                        fill=(255, 255, 255))
    text("Search mail", 270, 13, fill=(110, 110, 110))
    boxes["search field"] = (260 * s, 8 * s, 520 * s, 36 * s)
    d.rounded_rectangle((560 * s, 6 * s, 660 * s, 38 * s), radius=5 * s, fill=(26, 115, 232))
    text("Compose", 578, 13, fill=(255, 255, 255))
    boxes["compose button"] = (560 * s, 6 * s, 660 * s, 38 * s)
    d.rounded_rectangle((680 * s, 6 * s, 760 * s, 38 * s), radius=5 * s, fill=(217, 48, 37))
    text("Delete", 696, 13, fill=(255, 255, 255))
    boxes["delete button"] = (680 * s, 6 * s, 760 * s, 38 * s)
    gear = fa_icon("gear", 24 * s, (60, 60, 60))
    im.paste(gear, (800 * s, 10 * s), gear)
    boxes["gear"] = (800 * s, 10 * s, 800 * s + gear.width, 10 * s + gear.height)
    for i, line in enumerate(("Weekly report from Alice", "Lunch on Friday with Bob", "Your invoice is ready")):
        y = 80 + 40 * i
        d.line((20 * s, (y + 30) * s, 880 * s, (y + 30) * s), fill=(225, 225, 225), width=s)
        text(line, 30, y)
    im.save(path)
    return boxes


def icon_sheet(path: Path, names: list[str], size: int = 32) -> dict[str, tuple[float, float, float, float]]:
    """Icons in a row on a white background, each in another colour."""
    colours = [(40, 40, 40), (26, 115, 232), (217, 48, 37), (30, 140, 60), (120, 60, 170)]
    im = Image.new("RGB", ((len(names) * 3 + 1) * size, size * 3), (255, 255, 255))
    boxes = {}
    for i, name in enumerate(names):
        icon = fa_icon(name, size, colours[i % len(colours)])
        x, y = (3 * i + 1) * size, size
        im.paste(icon, (x, y), icon)
        boxes[name] = (x, y, x + icon.width, y + icon.height)
    im.save(path)
    return boxes


#: Words for the labels of `seam_screen`.
_WORDS = ("Tab", "Row", "Key", "Map", "Log", "Bin", "Cut", "Pin")
_THINGS = ("invoice", "archive", "report", "folder", "order", "ticket", "budget", "backup")


def seam_screen(path: Path, size: tuple[int, int] = (3680, 3680)) -> dict[str, tuple[float, float, float, float]]:
    """A screen large enough to be read by OCR in 2x2 tiles (2,000 pixels square at 2x, overlapping from 1,680 to
    2,000 on both axes, the middle of the overlap at 1,840). Short labels in columns, seven lines 54 pixels apart
    across the overlap of the two rows of tiles, the outer ones cut by the lower row's top edge and the upper row's
    bottom edge; in every column one line lies on the middle of the overlap, from 4 pixels above it to 4 below,
    where the two rows' readings of a line differ by a pixel or two. Text sizes 20-34 pixels. One column's labels
    run from the left tiles into the right ones (the four tiles' corner). Returns each label's drawn box."""
    width, height = size
    im = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(im)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    n = 0
    columns = [*range(30, 1560, 150), 1700, *range(2420, width - 200, 150)]
    for k, x in enumerate(columns):
        for j in range(-3, 4):
            px = 18 + 2 * ((k + j) % 8)
            font = ImageFont.truetype(FONT, px)
            label = f"{_WORDS[n % len(_WORDS)]} {n + 10}"
            if x == 1700:
                label = f"{label} {_THINGS[j % len(_THINGS)]} for the regional office"  # into the right-hand tiles
            y = height // 2 - px // 2 - 2 + k % 9 - 4 + 54 * j
            d.text((x, y), label, font=font, fill=(20, 20, 20))
            boxes[label] = d.textbbox((x, y), label, font=font)
            n += 1
    assert width >= max(b[2] for b in boxes.values())
    im.save(path)
    return boxes
