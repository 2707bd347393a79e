"""The element a detector reports: a box on the screenshot, what it is, what it says or shows."""

from __future__ import annotations

from dataclasses import dataclass

from omniact.task import Box

__all__ = ["KINDS", "Element", "iou", "nms"]

#: text: OCR'd text; icon: a region matched to a Font Awesome icon; region: any other visual element
#: (button, input, checkbox, image), possibly holding text (then `label` is that text).
KINDS = ("text", "icon", "region")


@dataclass(frozen=True)
class Element:
    """One detected UI element, in screenshot pixels.

    `label` is the OCR text, the icon's name, or for a region the text it holds ("" if none); `score` is the
    OCR confidence, the icon's SSIM, or a region's edge density; `color` is one of the paper's 11 colour
    names, or None when colour was not computed.
    """

    kind: str
    label: str
    box: Box
    score: float = 1.0
    color: str | None = None

    @property
    def center(self) -> tuple[float, float]:
        return self.box.center


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when they do not overlap)."""
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a.area + b.area - inter)


def overlap(a: Box, b: Box) -> float:
    """The share of `a`'s area that lies inside `b`."""
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    if w <= 0 or h <= 0 or a.area <= 0:
        return 0.0
    return w * h / a.area


def nms(boxes: list[Box], scores: list[float], threshold: float = 0.6) -> list[int]:
    """Greedy non-maximum suppression: indices kept, best score first; a box overlapping a kept one by more
    than `threshold` IoU is dropped.

    Each kept box drops its overlaps from all remaining candidates at once (numpy): a spreadsheet's grid of cells
    gives thousands of regions, and comparing each with every kept one in Python took minutes. The IoU is
    computed with `iou`'s float64 operations in its order, so the boxes kept are the same."""
    import numpy as np

    order = sorted(range(len(boxes)), key=lambda i: (-scores[i], i))
    if not order:
        return []
    left, top, right, bottom = (np.array([getattr(boxes[i], side) for i in order], np.float64)
                                for side in ("left", "top", "right", "bottom"))
    area = np.maximum(right - left, 0.0) * np.maximum(bottom - top, 0.0)
    idx = np.array(order)
    alive = np.ones(len(order), bool)
    kept: list[int] = []
    for k in range(len(order)):
        if not alive[k]:
            continue
        kept.append(int(idx[k]))
        rest = np.flatnonzero(alive[k + 1:]) + k + 1
        if rest.size == 0:
            break
        w = np.minimum(right[rest], right[k]) - np.maximum(left[rest], left[k])
        h = np.minimum(bottom[rest], bottom[k]) - np.maximum(top[rest], top[k])
        hit = (w > 0) & (h > 0)
        inter = w[hit] * h[hit]
        with np.errstate(divide="ignore", invalid="ignore"):
            ious = inter / (area[rest[hit]] + area[k] - inter)
        alive[rest[hit][~(ious <= threshold)]] = False  # as `iou(...) <= threshold` keeps, NaN included
    return kept
