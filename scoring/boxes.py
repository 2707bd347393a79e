"""Finding a gold click's box on a screen: by exact centre (the released scorer) or by containment (strict)."""

from __future__ import annotations

from collections.abc import Sequence

from omniact.task import Box, UIElement

__all__ = ["BoxIndex"]


class BoxIndex:
    """The boxes of one screen, indexed once so that every task on the screen looks its clicks up cheaply."""

    __slots__ = ("_boxes", "_centres", "_elements")

    def __init__(self, elements: Sequence[UIElement]) -> None:
        # Built on first use: most tasks never look a box up (no match, or no click).
        self._elements = elements
        self._boxes: tuple[Box, ...] | None = None
        self._centres: dict[tuple[float, float], Box] | None = None

    @property
    def boxes(self) -> tuple[Box, ...]:
        if self._boxes is None:
            self._boxes = tuple(e.box for e in self._elements)
        return self._boxes

    def exact_centre(self, x: float, y: float) -> Box | None:
        """The first box (file order, valid or not) whose centre is exactly (x, y)."""
        centres = self._centres
        if centres is None:
            centres = self._centres = {}
            for b in self.boxes:
                # setdefault keeps the first box in file order, as the released scorer's linear scan does.
                centres.setdefault(((b.left + b.right) / 2, (b.top + b.bottom) / 2), b)
        return centres.get((x, y))

    def smallest_containing(self, x: float, y: float) -> Box | None:
        """The smallest-area box holding (x, y) (edges included); the first in file order on a tie."""
        best: Box | None = None
        best_area = 0.0
        for b in self.boxes:
            if b.left <= x <= b.right and b.top <= y <= b.bottom:
                area = (b.right - b.left) * (b.bottom - b.top)
                if best is None or area < best_area:
                    best, best_area = b, area
        return best

    def gold_box(self, x: float, y: float, exact_first: bool) -> tuple[Box, str | None]:
        """The box a gold point is scored against, and a note when it was not found the usual way.

        With `exact_first` (reference mode) the exact-centre box wins; otherwise (strict) containment decides.
        With no box at all, a zero-size box at the point.
        """
        if exact_first:
            b = self.exact_centre(x, y)
            if b is not None:
                return b, None
        b = self.smallest_containing(x, y)
        if b is not None:
            return b, ("no gold box centre matched; used containment" if exact_first else None)
        return Box(x, y, x, y), f"no box holds the gold point ({x:g}, {y:g}); used a zero-size box there"
