"""Colour names for regions: the mean RGB of a region bucketed into the paper's 11 colours."""

from __future__ import annotations

import colorsys
from typing import Any

__all__ = ["COLOURS", "colour_name", "region_colour"]

#: The 11 colour names of the OmniACT paper, in its order.
COLOURS = ("yellow", "blue", "green", "red", "pink", "violet", "white", "black", "orange", "brown", "grey")


def colour_name(r: float, g: float, b: float) -> str:
    """The paper's colour bucket of an RGB triple (0-255 each).

    Buckets by hue, with lightness and saturation deciding white/grey/black, brown (dark orange or red)
    and pink (light, soft red or magenta). Thresholds were chosen on CSS named colours.

    >>> [colour_name(*c) for c in ((26, 115, 232), (217, 48, 37), (250, 250, 250), (40, 40, 40), (255, 165, 0))]
    ['blue', 'red', 'white', 'black', 'orange']
    """
    h, l, s = colorsys.rgb_to_hls(r / 255.0, g / 255.0, b / 255.0)  # noqa: E741 - colorsys's names
    v = max(r, g, b) / 255.0
    chroma = (max(r, g, b) - min(r, g, b)) / 255.0
    if v < 0.18 or (chroma < 0.12 and l < 0.22):
        return "black"
    if chroma < 0.12 or (s < 0.18 and chroma < 0.2):
        if l > 0.86:
            return "white"
        return "grey" if l > 0.22 else "black"
    deg = h * 360.0
    if deg < 15 or deg >= 340:
        if l > 0.7:
            return "pink"
        return "brown" if v < 0.5 else "red"
    if deg < 40:
        return "brown" if v < 0.6 else "orange"
    if deg < 70:
        return "brown" if v < 0.45 else "yellow"
    if deg < 165:
        return "green"
    if deg < 255:
        return "blue"
    if deg < 290 or (deg < 320 and v < 0.6):
        return "violet"
    return "pink"


def region_colour(rgb: Any, box: Any) -> str:
    """The colour name of a box's mean RGB on an ``(H, W, 3)`` uint8 RGB array."""
    h, w = rgb.shape[:2]
    x0, y0 = max(int(box.left), 0), max(int(box.top), 0)
    x1, y1 = min(round(box.right), w), min(round(box.bottom), h)
    if x1 <= x0 or y1 <= y0:
        return "grey"
    mean = rgb[y0:y1, x0:x1].reshape(-1, 3).mean(axis=0)
    return colour_name(float(mean[0]), float(mean[1]), float(mean[2]))
