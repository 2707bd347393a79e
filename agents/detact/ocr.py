"""Text on the screen: OCR words merged into element-level text boxes.

RapidOCR is the default engine (its ONNX models ship in the wheel, so it works offline); Tesseract
(pytesseract plus the ``tesseract`` binary) is an option. Either way the engine's words are grouped into
lines and each line is split where the gap between two words is wider than a space would be, so that a menu
bar "File  Edit  View" becomes three elements, each with its own centre, while "Search mail" stays one.

Engines load once per process, on first use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from omniact.task import Box

__all__ = ["ENGINES", "TextBox", "Word", "check_engine", "get_engine", "merge_words", "read_text"]

ENGINES = ("rapidocr", "tesseract")

#: A gap wider than this many line heights separates two elements. A space in a UI font is ~0.25 of the
#: OCR line height; gaps between menu items or toolbar labels are 0.5 and more.
SPLIT_GAP = 0.42
#: The same rule measured on the pixels: a blank run wider than this many ink heights splits a line.
INK_SPLIT_GAP = 0.8
#: OCR results below this confidence are dropped: they are mostly icons read as letters.
MIN_SCORE = 0.5
#: RapidOCR shrinks an image whose longer side is over this many pixels before reading it.
RAPIDOCR_MAX_SIDE = 2000
#: A screenshot that shrink would make smaller than this share of its size is read in tiles at full size
#: instead: on a 4K screen at 1x, or a full-page capture 20,000 pixels tall, the shrunk text was too small to
#: read and the screen came back with little or no text. (A 2880-pixel Retina screenshot is still read whole.)
MIN_TEXT_SCALE = 0.6
#: Tiles overlap by this many CSS pixels, so that a label cut by one tile's edge is read whole by the next; a
#: longer line is joined from the pieces the two tiles read (`_stitch`).
TILE_OVERLAP = 160


@dataclass(frozen=True)
class Word:
    """One OCR word (or line, for engines that give no word boxes) with its box and confidence."""

    text: str
    box: Box
    score: float
    line: int  # words with the same `line` were read as one line


@dataclass(frozen=True)
class TextBox:
    """One element-level piece of text: a label, a menu item, a sentence."""

    text: str
    box: Box
    score: float

    @property
    def center(self) -> tuple[float, float]:
        return self.box.center


def merge_words(words: Sequence[Word], split_gap: float = SPLIT_GAP, grey: Any = None) -> list[TextBox]:
    """Group words into element-level text boxes: same line, and no gap wider than `split_gap` heights.

    With `grey` (the screenshot as an ``(H, W)`` uint8 array) the gaps are measured on the pixels of each
    line (OCR engines place word boxes only roughly) and the boxes are tightened to the ink; without it,
    the words' own boxes are used.

    >>> from omniact.task import Box
    >>> ws = [Word("File", Box(0, 0, 30, 20), .99, 0), Word("Edit", Box(45, 0, 75, 20), .99, 0),
    ...       Word("Search", Box(200, 0, 250, 20), .99, 1), Word("mail", Box(255, 0, 285, 20), .99, 1)]
    >>> [t.text for t in merge_words(ws)]
    ['File', 'Edit', 'Search mail']
    """
    by_line: dict[int, list[Word]] = {}
    for w in words:
        if w.text.strip():
            by_line.setdefault(w.line, []).append(w)
    out: list[TextBox] = []
    for line in by_line.values():
        line.sort(key=lambda w: w.box.left)
        spans = _ink_spans(grey, line, split_gap) if grey is not None else None
        if spans:
            groups: list[list[Word]] = [[] for _ in spans]
            for w in line:
                cx = (w.box.left + w.box.right) / 2
                k = min(range(len(spans)), key=lambda i: _dist_1d(cx, spans[i][0], spans[i][1]))
                groups[k].append(w)
            for (x0, x1, y0, y1), group in zip(spans, groups):
                if group:
                    joined = _join(group)
                    out.append(TextBox(joined.text, Box(float(x0), float(y0), float(x1), float(y1)), joined.score))
            continue
        group = [line[0]]
        for w in line[1:]:
            prev = group[-1]
            height = max(min(prev.box.height, w.box.height), 1.0)
            if w.box.left - prev.box.right > split_gap * height:
                out.append(_join(group))
                group = [w]
            else:
                group.append(w)
        out.append(_join(group))
    return out


def _dist_1d(x: float, lo: float, hi: float) -> float:
    return max(lo - x, 0.0, x - hi)


def _ink_spans(grey: Any, line: Sequence[Word], split_gap: float) -> list[tuple[int, int, int, int]] | None:
    """Runs of ink along one OCR line, split at blank gaps wider than `split_gap` x the ink height.

    Returns ``(left, right, top, bottom)`` per run, or None when the line has no measurable ink."""
    import numpy as np

    h, w = grey.shape[:2]
    x0 = max(int(min(v.box.left for v in line)), 0)
    x1 = min(round(max(v.box.right for v in line)), w)
    y0 = max(int(min(v.box.top for v in line)), 0)
    y1 = min(round(max(v.box.bottom for v in line)), h)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    crop = grey[y0:y1, x0:x1].astype(np.int16)
    border = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]])
    background = int(np.median(border))
    ink = np.abs(crop - background) > 48
    rows = np.flatnonzero(ink.any(axis=1))
    cols = ink.any(axis=0)
    if rows.size == 0 or not cols.any():
        return None
    ink_h = int(rows[-1] - rows[0] + 1)
    # A word space is 0.3-0.6 of the ink height (capitals to descenders); gaps between separate labels
    # (menu items, toolbar buttons) are 1 and more.
    min_gap = max(INK_SPLIT_GAP * ink_h, 2.0)
    spans: list[tuple[int, int, int, int]] = []
    idx = np.flatnonzero(cols)
    start = prev = int(idx[0])
    for c in idx[1:]:
        c = int(c)
        if c - prev - 1 > min_gap:
            spans.append((start, prev + 1))
            start = c
        prev = c
    spans.append((start, prev + 1))
    out = []
    for a, b in spans:
        r = np.flatnonzero(ink[:, a:b].any(axis=1))
        out.append((x0 + a, x0 + b, y0 + int(r[0]), y0 + int(r[-1]) + 1))
    return out


def _join(group: Sequence[Word]) -> TextBox:
    box = Box(min(w.box.left for w in group), min(w.box.top for w in group),
              max(w.box.right for w in group), max(w.box.bottom for w in group))
    # CJK words carry no spaces between them; Latin ones do.
    sep = "" if all(_is_cjk(w.text) for w in group) else " "
    score = sum(w.score * len(w.text) for w in group) / max(sum(len(w.text) for w in group), 1)
    return TextBox(sep.join(w.text.strip() for w in group), box, round(score, 4))


def _is_cjk(text: str) -> bool:
    # Chinese and Japanese only: Korean (Hangul, U+AC00-D7AF) spaces its words as Latin does.
    return any("\u3000" <= ch <= "\u9fff" for ch in text)


def _quad_box(quad: Any) -> Box:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return Box(min(xs), min(ys), max(xs), max(ys))


def _tile_spans(n: int, side: int, overlap: int) -> list[tuple[int, int, int, int]]:
    """Tiles along one axis of length `n`: ``(start, end, core_start, core_end)``, each at most `side` long,
    neighbours overlapping by at least `overlap`; the cores split the axis between them without gaps.

    >>> _tile_spans(5000, 2000, 200)
    [(0, 2000, 0, 1750), (1500, 3500, 1750, 3250), (3000, 5000, 3250, 5000)]
    """
    if n <= side:
        return [(0, n, 0, n)]
    k = -(-(n - overlap) // (side - overlap))  # tiles needed
    starts = [round(i * (n - side) / (k - 1)) for i in range(k)]
    spans = [(s, s + side) for s in starts]
    cuts = [0] + [(spans[i][1] + spans[i + 1][0]) // 2 for i in range(k - 1)] + [n]
    return [(a, b, cuts[i], cuts[i + 1]) for i, (a, b) in enumerate(spans)]


@dataclass(frozen=True)
class _Piece:
    """One line as one tile read it: the tile's row and column, its extent, the words in screen pixels."""

    row: int
    col: int
    x0: int
    y0: int
    x1: int
    y1: int
    words: tuple[Word, ...]

    @property
    def box(self) -> Box:
        return Box(min(w.box.left for w in self.words), min(w.box.top for w in self.words),
                   max(w.box.right for w in self.words), max(w.box.bottom for w in self.words))

    def cut(self, width: int) -> tuple[bool, bool]:
        """Whether the line runs into the tile's left / right edge (within a line height), where the tile's
        neighbour goes on: past that edge the line may go on unread by this tile."""
        b = self.box
        reach = max(b.height, 1.0)
        return self.x0 > 0 and b.left - self.x0 <= reach, self.x1 < width and self.x1 - b.right <= reach

    def edges(self, box: Box, width: int, height: int) -> tuple[float, float, float, float]:
        """How far `box` lies from this tile's left, top, right and bottom edges; an edge without a neighbour
        tile past it (the screen's own) cuts nothing and is infinitely far."""
        inf = float("inf")
        return (box.left - self.x0 if self.x0 > 0 else inf, box.top - self.y0 if self.y0 > 0 else inf,
                self.x1 - box.right if self.x1 < width else inf, self.y1 - box.bottom if self.y1 < height else inf)

    def margin(self, box: Box, width: int, height: int) -> float:
        """How far a word lies from the nearest edge of this tile that cuts the screen: the farther, the less
        likely the tile saw only part of it."""
        return min(self.edges(box, width, height))

    def holds(self, box: Box) -> bool:
        """Whether `box` lies within this tile."""
        return self.x0 <= box.left and box.right <= self.x1 and self.y0 <= box.top and box.bottom <= self.y1

    def whole(self, width: int, height: int) -> bool:
        """Whether the tile saw the whole line: it lies a line height or more inside every edge that cuts."""
        b = self.box
        return self.margin(b, width, height) >= max(b.height, 1.0)


def _stitch(pieces: Sequence[_Piece], xs: Sequence[tuple[int, int, int, int]],
            ys: Sequence[tuple[int, int, int, int]], width: int, height: int) -> list[Word]:
    """The words of a screen read in tiles (`xs`, `ys`: `_tile_spans` of each axis), each line once.

    Pieces of two neighbouring tiles are one line when they lie on the same text line (boxes overlapping
    vertically by half a line) and either overlap horizontally (both tiles read it: a line inside the overlap of
    two tiles, side by side or one above the other) or one runs into its tile's edge and the other goes on within
    a line height (a line across the seam of two tiles side by side comes back from each as a piece, each tile
    reading up to its edge). Of a line read more than once:
    - when a tile saw all of it (`_Piece.whole`) and holds every other reading of it, that tile's reading is kept
      as it read it (of two, the one farther from its edges): a line one tile's edge cut through comes back whole,
      not as its top half;
    - else (a line across a seam of tiles side by side) the row of tiles that reads it farthest from its top and
      bottom edges is kept, and its pieces are joined: words read by both tiles are kept once, from the tile where
      they lie farther from the edge (the other may have read a cut word: "le" for "revenue").
    A line one tile read alone is kept when its centre lies in that tile's core, or the tile saw all of it.
    (Which tile's core holds a centre was once the rule for every line read twice: two tiles place a line a pixel
    or two apart, so a line centred on the middle of an overlap came back twice, or not at all.)"""
    import itertools

    n = len(pieces)
    parent = list(range(n))
    spare = itertools.count(-1, -1)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    boxes = [p.box for p in pieces]
    cuts = [p.cut(width) for p in pieces]
    by_tile: dict[tuple[int, int], list[int]] = {}
    for i, p in enumerate(pieces):
        by_tile.setdefault((p.row, p.col), []).append(i)

    def near(i: int, t: _Piece) -> bool:  # piece i lies in tile t's extent (or within a line height of its side)
        b = boxes[i]
        reach = max(b.height, 1.0)
        return b.right + reach >= t.x0 and b.left - reach <= t.x1 and b.bottom > t.y0 and b.top < t.y1

    for (r, c), own in by_tile.items():
        for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1)):  # each pair of neighbouring tiles once
            other = by_tile.get((r + dr, c + dc))
            if not other:
                continue
            mine = [i for i in own if near(i, pieces[other[0]])]
            theirs = [j for j in other if near(j, pieces[own[0]])]
            for i in mine:
                a = boxes[i]
                for j in theirs:
                    b = boxes[j]
                    if not _same_line(a, b):
                        continue
                    reach = max(min(a.height, b.height), 1.0)
                    if min(a.right, b.right) > max(a.left, b.left):
                        parent[find(j)] = find(i)  # one line read twice
                    elif (dr, dc) == (0, 1) and (cuts[i][1] or cuts[j][0]) and a.right + reach >= b.left:
                        parent[find(j)] = find(i)  # one line going on past the seam
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    out: list[Word] = []
    for members in groups.values():
        if len(members) == 1:
            p, b = pieces[members[0]], boxes[members[0]]
            _, _, cx0, cx1 = xs[p.col]
            _, _, cy0, cy1 = ys[p.row]
            in_core = cx0 <= (b.left + b.right) / 2 < cx1 and cy0 <= (b.top + b.bottom) / 2 < cy1
            if in_core or p.whole(width, height):
                out.extend(p.words)
            continue
        by_own: dict[tuple[int, int], list[int]] = {}
        for i in members:
            by_own.setdefault((pieces[i].row, pieces[i].col), []).append(i)
        # A tile whose reading is whole and which holds every other reading of the line (the others read no
        # more of it than it could): a tile that read "Kappa 92 Sigma 93" whole, where its neighbour read
        # "Gamma 91 Kappa 92 Sig" up to its edge, has not seen "Gamma 91".
        whole = [(min(pieces[i].margin(boxes[i], width, height) for i in own), own) for own in by_own.values()
                 if all(pieces[i].whole(width, height) for i in own)
                 and all(pieces[own[0]].holds(boxes[j]) for j in members)]
        if whole:
            for i in max(whole, key=lambda m: m[0])[1]:
                out.extend(pieces[i].words)
            continue

        def across(i: int) -> float:  # how far the piece lies from the top and bottom edges of its tile
            _, top, _, bottom = pieces[i].edges(boxes[i], width, height)
            return min(top, bottom)

        rows: dict[int, float] = {}
        for i in members:
            rows[pieces[i].row] = min(rows.get(pieces[i].row, float("inf")), across(i))
        row = max(rows, key=lambda r: rows[r])
        members = [i for i in members if pieces[i].row == row]
        line = min(pieces[i].words[0].line for i in members)
        # Words of different pieces that overlap are one word read twice (by two tiles, or by one tile in two
        # of its lines); the reading farthest from a tile's edge stays. A word within a line height of its
        # tile's edge may be a cut one ("t" for "the", placed a little to its left): any overlap drops it.
        ranked = sorted(((pieces[i].margin(w.box, width, height), i, w) for i in members
                         for w in _word_parts(pieces[i].words)), key=lambda c: -c[0])
        kept: list[tuple[int, Word]] = []
        for m, i, w in ranked:
            limit = 0.3 if m >= w.box.height else 0.0
            if all(j == i or _h_overlap(w.box, k.box) <= limit or not _same_line(w.box, k.box) for j, k in kept):
                kept.append((i, w))
        # Mostly one text line; two when a reading in another row, cut at its tile's edge, overlapped both.
        lines: list[list[Word]] = []
        for _, w in sorted(kept, key=lambda k: (k[1].box.top, k[1].box.left)):
            into = next((ln for ln in lines if _same_line(w.box, ln[0].box)), None)
            if into is None:
                lines.append([w])
            else:
                into.append(w)
        for k, ln in enumerate(lines):
            number = line if k == 0 else next(spare)  # engines number lines from 0: below it none is taken
            out.extend(Word(w.text, w.box, w.score, number) for w in sorted(ln, key=lambda w: w.box.left))
    return out


def _same_line(a: Box, b: Box) -> bool:
    """Whether two boxes lie on one text line: they overlap vertically by half the lower one's height."""
    return min(a.bottom, b.bottom) - max(a.top, b.top) >= 0.5 * max(min(a.height, b.height), 1.0)


def _h_overlap(a: Box, b: Box) -> float:
    """The horizontal overlap of two boxes as a share of the narrower one's width."""
    inter = min(a.right, b.right) - max(a.left, b.left)
    return max(inter, 0.0) / max(min(a.width, b.width), 1e-6)


def _word_parts(words: Sequence[Word]) -> list[Word]:
    """Words as word boxes. A line the engine gave no word boxes for (one Word for the whole line) is split at
    its spaces (CJK text: at each character), each part given a share of the box by its length, so that the
    part of it that a neighbouring tile read too can be told apart from the rest."""
    import re

    out: list[Word] = []
    for w in words:
        text = w.text
        spans = [m.span() for m in re.finditer(r"\S" if _is_cjk(text) and " " not in text.strip() else r"\S+", text)]
        if len(spans) <= 1:
            out.append(w)
            continue
        unit = w.box.width / len(text)
        out.extend(Word(text[i:j], Box(w.box.left + i * unit, w.box.top, w.box.left + j * unit, w.box.bottom),
                        w.score, w.line) for i, j in spans)
    return out


class _RapidOCR:
    """RapidOCR with its bundled models; angle classification off (screenshots are never rotated)."""

    name = "rapidocr"

    def __init__(self) -> None:
        from rapidocr import RapidOCR

        params: dict[str, Any] = {"Global.log_level": "error", "Global.use_cls": False}
        threads = os.environ.get("OMNIACT_OCR_THREADS")
        if threads and threads.isdigit():  # set by multi-process runs so workers do not oversubscribe cores
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = int(threads)
        self._engine = RapidOCR(params=params)
        self._lock = threading.Lock()

    def words(self, bgr: Any, scale: float = 1.0) -> list[Word]:
        """The words of an ``(H, W, 3)`` BGR screenshot; `scale` is its device pixels per CSS pixel."""
        h, w = bgr.shape[:2]
        longest = max(h, w)
        # Only the shrink counts, not `scale`: a 4K screenshot is as often 1x as 2x, and a guessed scale says 2.
        import numpy as np

        if RAPIDOCR_MAX_SIDE / longest >= MIN_TEXT_SCALE:
            return self._read(np.ascontiguousarray(bgr))
        overlap = round(TILE_OVERLAP * max(scale, 1.0))
        xs, ys = _tile_spans(w, RAPIDOCR_MAX_SIDE, overlap), _tile_spans(h, RAPIDOCR_MAX_SIDE, overlap)
        pieces: list[_Piece] = []
        for row, (y0, y1, _, _) in enumerate(ys):
            for col, (x0, x1, _, _) in enumerate(xs):
                tile = (row * len(xs) + col) * 1_000_000  # keeps line numbers of different tiles apart
                part = bgr[y0:y1, x0:x1]
                if int(part.max()) - int(part.min()) < 24:  # one flat colour (the empty rest of a page): no text
                    continue
                lines: dict[int, list[Word]] = {}
                for word in self._read(np.ascontiguousarray(part)):
                    lines.setdefault(word.line, []).append(word)
                for line, ws in lines.items():
                    pieces.append(_Piece(row, col, x0, y0, x1, y1, tuple(
                        Word(v.text, Box(v.box.left + x0, v.box.top + y0, v.box.right + x0, v.box.bottom + y0),
                             v.score, tile + line) for v in ws)))
        return _stitch(pieces, xs, ys, w, h)

    def _read(self, bgr: Any) -> list[Word]:
        # onnxruntime sessions are thread-safe, but RapidOCR keeps per-call state on the object.
        with self._lock:
            result = self._engine(bgr, return_word_box=True)
            _give_back_freed_memory()
        if result.boxes is None or result.txts is None:
            return []
        out: list[Word] = []
        word_results = result.word_results or ()
        for i, (quad, text, score) in enumerate(zip(result.boxes, result.txts, result.scores)):
            parts = word_results[i] if i < len(word_results) else ()
            # Word boxes are only trusted when they spell the whole line; otherwise keep the line box.
            if parts and "".join(p[0] for p in parts).replace(" ", "") == str(text).replace(" ", ""):
                for wtext, wscore, wquad in parts:
                    out.append(Word(str(wtext), _quad_box(wquad), float(wscore), i))
            else:
                out.append(Word(str(text), _quad_box(quad), float(score), i))
        return out


def _give_back_freed_memory() -> None:
    """Return the memory the OCR model freed to the system (glibc only; elsewhere nothing happens).

    One run of the text detector on a 2,000-pixel tile allocates and frees about 0.7 GB. The C allocator kept
    much of what was freed, scattered, and the next tile's run took fresh memory beside it: an 8K screenshot, read
    in 15 tiles, peaked 0.2 GB higher than one tile needs."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Any:
    import ctypes

    try:
        fn = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc (macOS, musl): the allocator's own policy stands
        return None
    fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
    return fn


class _Tesseract:
    """Tesseract through pytesseract: word boxes with block/paragraph/line numbers."""

    name = "tesseract"

    def __init__(self, spelling: str = "ocr={}") -> None:
        """`spelling` is how the user chose an engine, for the message: ``ocr={}`` (the agent argument, the
        default) or ``--ocr {}`` (`omniact detect`'s option), so the line names what they typed and its way out."""
        from omniact.errors import UserError

        this, other = spelling.format("tesseract"), spelling.format("rapidocr")
        # A UserError: every screen would fail alike, so a run or `omniact detect` stops at once with this line.
        try:
            import pytesseract
        except ImportError:
            raise UserError(f"{this} needs pytesseract and the tesseract program: pip install pytesseract "
                            f"and install tesseract-ocr, or use {other}") from None
        self._tess = pytesseract
        try:
            pytesseract.get_tesseract_version()
        except Exception as e:  # noqa: BLE001 - the binary is a system package; any failure means it cannot run
            raise UserError(f"{this}: the tesseract program cannot run ({str(e)[:160]}); install tesseract-ocr "
                            f"or use {other}") from None

    def words(self, bgr: Any, scale: float = 1.0) -> list[Word]:
        import cv2

        del scale  # Tesseract reads an image of any size as it is
        # Tesseract is trained on print-sized text; UI text at 1x reads better enlarged.
        f = 2.0 if bgr.shape[0] < 1500 else 1.0
        rgb = bgr[:, :, ::-1]
        if f != 1.0:
            rgb = cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
        data = self._tess.image_to_data(rgb, output_type=self._tess.Output.DICT)
        out: list[Word] = []
        lines: dict[tuple, int] = {}
        for i, text in enumerate(data["text"]):
            conf = float(data["conf"][i])
            if not str(text).strip() or conf < 0:
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            line = lines.setdefault(key, len(lines))
            x, y, w, h = (float(data[k][i]) / f for k in ("left", "top", "width", "height"))
            out.append(Word(str(text), Box(x, y, x + w, y + h), conf / 100.0, line))
        return out


_ENGINES: dict[str, Any] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(name: str = "rapidocr") -> Any:
    """The process-wide OCR engine of that name, loaded on first use."""
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}; use one of {', '.join(ENGINES)}")
    with _ENGINES_LOCK:
        engine = _ENGINES.get(name)
        if engine is None:
            engine = _ENGINES[name] = _RapidOCR() if name == "rapidocr" else _Tesseract()
    return engine


def check_engine(name: str, spelling: str = "ocr={}") -> None:
    """Make sure the engine `name` can run, before any screen is read: a missing program stops a command with one
    line at once, not after the first screen's other stages (or in each worker). `spelling` is how the user chose
    it (see `_Tesseract`). RapidOCR ships its models with the package: nothing to check, and nothing loaded (a
    parent process handing screens to workers would hold a copy for nothing)."""
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}; use one of {', '.join(ENGINES)}")
    if name == "rapidocr":
        return
    with _ENGINES_LOCK:
        if name not in _ENGINES:
            _ENGINES[name] = _Tesseract(spelling)


def read_text(bgr: Any, engine: str = "rapidocr", min_score: float = MIN_SCORE,
              scale: float = 1.0, grey: Any = None) -> tuple[list[TextBox], list[Word]]:
    """OCR an ``(H, W, 3)`` BGR uint8 array (a view, ``rgb[:, :, ::-1]``, will do): element-level text boxes,
    and the raw words they came from. `scale` is the screenshot's device pixels per CSS pixel (2 on a Retina
    screen); `grey` is the screenshot in grey when the caller has it (else it is computed)."""
    words = [w for w in get_engine(engine).words(bgr, scale=scale) if w.score >= min_score]
    if grey is None:
        import cv2
        import numpy as np

        grey = cv2.cvtColor(np.ascontiguousarray(bgr), cv2.COLOR_BGR2GRAY)
    return merge_words(words, grey=grey), words
