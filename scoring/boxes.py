"""Finding a gold click's box on a screen: by exact centre (the released scorer) or by containment (strict)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omniact.task import Box, LazyElements, UIElement

__all__ = ["BoxIndex"]

Rect = tuple[float, float, float, float]  # left, top, right, bottom

# A screen of more boxes than this gets a grid for containment lookups: a point inside no box scanned them all,
# and 4,000 tasks at such points on a screen of 40,000 boxes took 10 s.
_GRID_MIN = 256
_GRID_CELLS = 64  # per side
_WIDE_CELLS = 16  # a box over more cells than this is kept apart (on every cell, it would take the grid's memory)


class BoxIndex:
    """The boxes of one screen, indexed once so that every task on the screen looks its clicks up cheaply.

    Boxes are kept as plain (left, top, right, bottom) tuples read straight from the box file's JSON: a
    20,000-task split has 2,000 screens of ~40 boxes, and building element objects for all of them cost more
    than scoring the clicks.
    """

    __slots__ = ("_by_area", "_centres", "_elements", "_grid", "_rects", "_source")

    def __init__(self, elements: Sequence[UIElement]) -> None:
        # Built on first use: most tasks never look a box up (no match, or no click).
        self._elements = elements
        self._source: Path | str | None = None  # the box file, once `_elements` (its parsed JSON) is let go
        self._rects: tuple[Rect, ...] | None = None
        self._centres: dict[tuple[float, float], Rect] | None = None
        self._by_area: list[Rect] | bool | None = None
        self._grid: _Grid | bool | None = None

    @property
    def source(self) -> Path | None:
        """The box file the boxes were read from, when they came from one."""
        if self._source is None:
            return getattr(self._elements, "path", None)
        if not isinstance(self._source, Path):
            self._source = Path(self._source)
        return self._source

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
                # The parsed box file is let go (its elements, their labels, the JSON's lists: ten times the rects'
                # memory) for whoever else holds it: a split scored drops its tasks once prepared.
                self._source, self._elements = els.path_as_given, ()
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
            grid = self._grid
            if grid is None:
                grid = self._grid = _Grid.of(by_area) if len(by_area) > _GRID_MIN else False
            if grid is not False:
                return grid.first_holding(by_area, x, y)  # type: ignore[union-attr]
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


class _Grid:
    """Boxes (their places in the smallest-first order) by the cells of a grid over the screen's boxes that they
    overlap, edges included; boxes over many cells are kept in one list apart. A point's candidates are its cell's
    boxes and those wide ones: every box holding the point is among them, so the first holding it in that order is
    the answer a scan of all boxes gives."""

    __slots__ = ("cells", "ch", "cw", "wide", "x0", "x1", "y0", "y1")

    def __init__(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
        self.cw = (x1 - x0) / _GRID_CELLS or 1.0
        self.ch = (y1 - y0) / _GRID_CELLS or 1.0
        self.cells: list[list[int]] = [[] for _ in range(_GRID_CELLS * _GRID_CELLS)]
        self.wide: list[int] = []

    @classmethod
    def of(cls, by_area: list[Rect]) -> _Grid | bool:
        """The grid over these boxes, or False where one cannot be laid (an infinite edge, or an extent past float
        range): those keep the scan."""
        import math

        real = [r for r in by_area if r[0] <= r[2] and r[1] <= r[3]]  # swapped corners hold no point
        if not real:
            return False
        x0, y0 = min(r[0] for r in real), min(r[1] for r in real)
        x1, y1 = max(r[2] for r in real), max(r[3] for r in real)
        if not all(math.isfinite(v) for v in (x0, y0, x1, y1, x1 - x0, y1 - y0)):
            return False
        grid = cls(x0, y0, x1, y1)
        for rank, (left, top, right, bottom) in enumerate(by_area):
            if left > right or top > bottom:
                continue
            cx0, cx1 = grid._col(left), grid._col(right)
            cy0, cy1 = grid._row(top), grid._row(bottom)
            if (cx1 - cx0 + 1) * (cy1 - cy0 + 1) > _WIDE_CELLS:
                grid.wide.append(rank)
                continue
            for cy in range(cy0, cy1 + 1):
                for cx in range(cx0, cx1 + 1):
                    grid.cells[cy * _GRID_CELLS + cx].append(rank)  # ranks rise: each list stays in order
        return grid

    def _col(self, x: float) -> int:  # non-decreasing in x: a box's columns hold every point between its edges
        return min(_GRID_CELLS - 1, max(0, int((x - self.x0) / self.cw)))

    def _row(self, y: float) -> int:
        return min(_GRID_CELLS - 1, max(0, int((y - self.y0) / self.ch)))

    def first_holding(self, by_area: list[Rect], x: float, y: float) -> Rect | None:
        if not (self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1):  # (NaN too): outside every box
            return None
        best: int | None = None
        for rank in self.cells[self._row(y) * _GRID_CELLS + self._col(x)]:
            left, top, right, bottom = by_area[rank]
            if left <= x <= right and top <= y <= bottom:
                best = rank
                break
        for rank in self.wide:
            if best is not None and rank > best:
                break
            left, top, right, bottom = by_area[rank]
            if left <= x <= right and top <= y <= bottom:
                best = rank
                break
        return None if best is None else by_area[best]
