"""Non-text elements: OpenCV region proposals (buttons, inputs, icons, checkboxes), merged with the text.

The paper segmented screens with Segment Anything; a UI screenshot is made of flat, axis-aligned shapes, so
edges and contours find the same elements at a fraction of the cost. Two passes:

- *containers*: closed outlines and filled shapes (buttons, text fields, checkboxes, cards), found as
  contours of the edge map closed with a small kernel;
- *blobs*: compact ink blobs after the text's pixels are blanked out (icons, radio buttons, avatars),
  found as contours of the edge map dilated enough to join an icon's parts but not two icons.

Overlapping proposals are reduced with non-maximum suppression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agents.detact.element import nms, overlap
from omniact.task import Box

__all__ = ["Region", "propose_regions", "screen_scale"]


@dataclass(frozen=True)
class Region:
    """A proposed non-text region. `kind` is ``container`` (an outline or a filled shape that may hold
    text) or ``blob`` (a compact shape with no text: an icon candidate)."""

    box: Box
    kind: str
    score: float


def screen_scale(width: int, height: int) -> float:
    """Device pixels per CSS pixel, guessed from the screenshot size (Retina screenshots are twice as
    wide as any ordinary screen)."""
    return 2.0 if width >= 2400 or height >= 1500 else 1.0


def propose_regions(grey: Any, text_boxes: Sequence[Box] = (), scale: float = 1.0,
                    nms_threshold: float = 0.7) -> list[Region]:
    """Region proposals on an ``(H, W)`` uint8 grey screenshot.

    `text_boxes` (element-level OCR boxes) are blanked before the blob pass, so letters do not become icon
    candidates; `scale` is device pixels per CSS pixel and sets the size limits (an icon is 8-64 CSS px).
    """
    import cv2
    import numpy as np

    h, w = grey.shape[:2]
    edges = cv2.Canny(grey, 40, 120)

    regions: list[Region] = []
    # Containers: outlines closed with a small kernel, any size from a checkbox to a large panel.
    k = max(round(2 * scale), 1)
    closed = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((k + 1, k + 1), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    del closed  # full-size maps are let go as soon as they are used: an 8K screen's is 33 MB each
    min_side = 10 * scale
    for c in contours:
        x, y, bw, bh = cv2.boundingRect(c)
        if bw < min_side or bh < min_side or bw * bh > 0.25 * w * h:
            continue
        # A rectangle-like outline fills most of its bounding box; text and icon outlines do not.
        fill = cv2.contourArea(c) / float(bw * bh)
        if fill < 0.8 or max(bw / bh, bh / bw) > 25:
            continue
        regions.append(Region(Box(float(x), float(y), float(x + bw), float(y + bh)), "container", round(fill, 3)))

    # Blobs: text blanked out, edges dilated to join an icon's parts. (The containers are found: the edge map
    # itself is blanked, no copy of it is made.)
    blob_edges = edges
    pad = round(2 * scale)
    for b in text_boxes:
        blob_edges[max(int(b.top) - pad, 0):min(int(b.bottom) + pad, h),
                   max(int(b.left) - pad, 0):min(int(b.right) + pad, w)] = 0
    d = max(round(3 * scale), 2)
    dilated = cv2.dilate(blob_edges, np.ones((d, d), np.uint8))
    contours, _ = cv2.findContours(dilated, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    del dilated
    lo, hi = 8 * scale, 64 * scale
    for c in contours:
        x, y, bw, bh = cv2.boundingRect(c)
        if not (lo <= bw <= hi and lo <= bh <= hi) or max(bw / bh, bh / bw) > 2.5:
            continue
        density = float(np.count_nonzero(blob_edges[y:y + bh, x:x + bw])) / (bw * bh)
        if density < 0.04:
            continue
        # Undo the dilation so the box hugs the shape.
        half = d // 2
        box = Box(float(x + half), float(y + half), float(x + bw - half), float(y + bh - half))
        regions.append(Region(box, "blob", round(density, 3)))

    # A container that only wraps one blob is the same element twice; keep the blob (the icon).
    kept = nms([r.box for r in regions], [1.0 if r.kind == "blob" else r.score for r in regions], nms_threshold)
    out = [regions[i] for i in sorted(kept)]
    return [r for r in out if not (r.kind == "blob" and any(overlap(r.box, t) > 0.6 for t in text_boxes))]
