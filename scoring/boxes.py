"""Finding a gold click's box on a screen: by exact centre (the released scorer) or by containment (strict)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omniact.task import Box, LazyElements, UIElement

__all__ = ["BoxIndex"]

Rect = tuple[float, float, float, float]  # left, top, right, bottom


class BoxIndex:
    """The boxes of one screen, indexed once so that every task on the screen looks its clicks up cheaply.

    Boxes are kept as plain (left, top, right, bottom) tuples read straight from the box file's JSON: a
    20,000-task split has 2,000 screens of ~40 boxes, and building element objects for all of them cost more
    than scoring the clicks.
    """

    __slots__ = ("_by_area", "_centres", "_elements", "_rects")

    def __init__(self, elements: Sequence[UIElement]) -> None:
        # Built on first use: most tasks never look a box up (no match, or no click).
        self._elements = elements
        self._rects: tuple[Rect, ...] | None = None
        self._centres: dict[tuple[float, float], Rect] | None = None
        self._by_area: list[Rect] | bool | None = None

    @property
    def source(self) -> Path | None:
        """The box file the boxes were read from, when they came from one."""
        return getattr(self._elements, "path", None)

    @classmethod
    def from_file(cls, path: Path) -> BoxIndex:
        """An index over a box file's boxes, read now (DataError when the file is unreadable)."""
        from omniact.dataset import read_box_file

        return cls(read_box_file(path))

    @classmethod
    def from_rects(cls, rects: tuple[Rect, ...]) -> BoxIndex:
        """An index over boxes given as (left, top, right, bottom) tuples in file order."""
        index = cls(())
        index._rects = rects
        return index

    @property
    def rects(self) -> tuple[Rect, ...]:
        if self._rects is None:
            els = self._elements
            if isinstance(els, LazyElements):
                self._rects = els.rects()
            else:
                self._rects = tuple((e.box.left, e.box.top, e.box.right, e.box.bottom) for e in els)
        return self._rects

    @property
    def boxes(self) -> tuple[Box, ...]:
        return tuple(Box(*r) for r in self.rects)

    def exact_rect(self, x: float, y: float) -> Rect | None:
        """The first box (file order, valid or not) whose centre is exactly (x, y)."""
        centres = self._centres
        if centres is None:
            centres = self._centres = {}
            for r in self.rects:
                # setdefault keeps the first box in file order, as the released scorer's linear scan does.
                centres.setdefault(((r[0] + r[2]) / 2, (r[1] + r[3]) / 2), r)
        return centres.get((x, y))

    def exact_centre(self, x: float, y: float) -> Box | None:
        """`exact_rect` as a Box."""
        r = self.exact_rect(x, y)
        return None if r is None else Box(*r)

    def smallest_containing(self, x: float, y: float) -> Box | None:
        """The smallest-area box holding (x, y) (edges included); the first in file order on a tie."""
        r = self.smallest_containing_rect(x, y)
        return None if r is None else Box(*r)

    def smallest_containing_rect(self, x: float, y: float) -> Rect | None:
        """`smallest_containing` as a (left, top, right, bottom) tuple."""
        by_area = self._by_area
        if by_area is None:
            # Smallest first, file order among equals: the first box holding the point is the answer, and it is
            # usually found after a few boxes (a gold point sits in a small element). A NaN area (a box with
            # infinite edges) has no place in that order: such a screen keeps the linear scan (False).
            areas = [((r[2] - r[0]) * (r[3] - r[1]), k, r) for k, r in enumerate(self.rects)]
            comparable = all(a == a for a, _, _ in areas)  # noqa: PLR0124 - NaN is the one value unequal to itself
            self._by_area = by_area = [r for _, _, r in sorted(areas)] if comparable else False
        if by_area is not False:
            for r in by_area:
                left, top, right, bottom = r
                if left <= x <= right and top <= y <= bottom:
                    return r
            return None
        best: Rect | None = None
        best_area = 0.0
        for r in self.rects:
            left, top, right, bottom = r
            if left <= x <= right and top <= y <= bottom:
                area = (right - left) * (bottom - top)
                if best is None or area < best_area:
                    best, best_area = r, area
        return best

    def gold_box(self, x: float, y: float, exact_first: bool) -> tuple[Box, str | None]:
        """The box a gold point is scored against, and a note when it was not found the usual way.

        With `exact_first` (reference mode) the exact-centre box wins; otherwise (strict) containment decides.
        With no box at all, a zero-size box at the point.
        """
        r, why = self.gold_rect(x, y, exact_first)
        return Box(*r), why

    def gold_rect(self, x: float, y: float, exact_first: bool) -> tuple[Rect, str | None]:
        """`gold_box` as a (left, top, right, bottom) tuple."""
        if exact_first:
            r = self.exact_rect(x, y)
            if r is not None:
                return r, None
        r = self.smallest_containing_rect(x, y)
        if r is not None:
            return r, ("no gold box centre matched; used containment" if exact_first else None)
        return (x, y, x, y), f"no box holds the gold point ({x:g}, {y:g}); used a zero-size box there"
