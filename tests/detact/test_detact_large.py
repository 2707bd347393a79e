"""DetACT on very large screens: text lines across the seams of tiled OCR. (Memory per pixel is measured by
`bench/bench_detact.py`, not asserted here: a peak depends on the allocator and on what else runs.)"""

from __future__ import annotations

from pathlib import Path

import pytest

LONG = "Quarterly revenue summary for all regional sales offices"
LEFT, RIGHT = "Export to spreadsheet", "Print preview of the quarterly report"


@pytest.fixture(scope="module")
def wide_screen(tmp_path_factory) -> tuple[Path, dict[str, tuple[int, int, int, int]]]:
    """An 8000x600 screenshot (read as 2x, in tiles 2,000 pixels wide that overlap from x=1500 to x=2000): a long
    label drawn across that overlap, and on another line two labels either side of the seam's middle (x=1750),
    the second running on past the first tile's edge. Returns the path and each label's drawn box."""
    from detact_screens import FONT
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("RGB", (8000, 600), (255, 255, 255))
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, 30)
    boxes = {}
    for label, xy in ((LONG, (1250, 150)), (LEFT, (1400, 400)), (RIGHT, (1790, 400))):
        d.text(xy, label, font=font, fill=(20, 20, 20))
        boxes[label] = d.textbbox(xy, label, font=font)
    path = tmp_path_factory.mktemp("wide") / "screen.png"
    im.save(path)
    return path, boxes


@pytest.fixture(scope="module")
def wide_texts(wide_screen):
    pytest.importorskip("rapidocr")
    from agents.detact.detector import Detector

    return Detector(icons=False, colors=False).detect(wide_screen[0]).texts


def test_a_long_label_across_a_tile_seam_comes_back_whole_once(wide_screen, wide_texts):
    """Each tile read the label up to its own edge: it came back as two elements, "Quarterly revenue summary for
    all regional sales" and "le summary for all regional sales offices", so a goal naming it matched a half."""
    found = [e for e in wide_texts if "summary" in e.label]
    assert [e.label for e in found] == [LONG]
    left, top, right, bottom = wide_screen[1][LONG]
    box = found[0].box
    assert box.left <= left + 4 and box.right >= right - 4, (box, wide_screen[1][LONG])
    assert box.top <= top + 4 and box.bottom >= bottom - 4, (box, wide_screen[1][LONG])


def test_two_labels_either_side_of_a_seam_stay_two(wide_screen, wide_texts):
    labels = [e.label for e in wide_texts if e.box.top > 300]
    assert sorted(labels) == sorted([LEFT, RIGHT])
    for e in wide_texts:
        if e.label in (LEFT, RIGHT):
            left, _, right, _ = wide_screen[1][e.label]
            assert abs(e.box.left - left) < 8 and abs(e.box.right - right) < 8, (e.label, e.box)


def test_pieces_without_word_boxes_are_joined_at_the_words_both_tiles_read():
    """An engine that gives one box per line (no word boxes): the pieces' texts overlap by what both tiles read
    ("summary for all regional sales"), and the joined line holds it once."""
    from agents.detact.ocr import Word, _Piece, _stitch
    from omniact.task import Box

    # 15 pixels a character from x=1254; the first tile ends at x=2000, the second starts at x=1500.
    a = _Piece(0, 0, 0, 0, 2000, 600, (Word(LONG[:50], Box(1254, 196, 2004, 239), 0.99, 0),))
    b = _Piece(0, 1, 1500, 0, 3500, 600, (Word(LONG[16:], Box(1500, 196, 2094, 239), 0.99, 1_000_000),))
    xs = [(0, 2000, 0, 1750), (1500, 3500, 1750, 3500)]
    words = _stitch([a, b], xs, [(0, 600, 0, 600)], 3500, 600)
    assert " ".join(w.text for w in words) == LONG
    assert len({w.line for w in words}) == 1  # one line, split into elements only where its ink has a wide gap


def test_a_word_one_tile_read_twice_is_kept_once():
    """Two labels close together: the first tile read the tail of "shipping" again, as "g" at the start of the next
    label's line, and the second tile read that "g" at its edge. Joined across the seam, the label came back as
    "... pending shipping g"."""
    from agents.detact.ocr import Word, _Piece, _stitch
    from omniact.task import Box

    def words(*spec):
        return tuple(Word(t, Box(a, 1232, b, 1265), 0.99, line) for t, a, b, line in spec)

    first = _Piece(0, 0, 0, 0, 2000, 1300, words(("Folder", 553, 650, 7), ("pending", 1198, 1309, 7),
                                                ("shipping", 1316, 1437, 7)))
    next_line = _Piece(0, 0, 0, 0, 2000, 1300, words(("g", 1424, 1439, 8), ("pending", 1617, 1726, 8),
                                                    ("Invoice", 1892, 1995, 8)))
    edge = _Piece(0, 1, 1420, 0, 3420, 1300, words(("g", 1420, 1438, 1_000_003)))
    rest = _Piece(0, 1, 1420, 0, 3420, 1300, words(("pending", 1618, 1727, 1_000_004), ("Invoice", 1893, 2010, 1_000_004)))
    xs = [(0, 2000, 0, 1710), (1420, 3420, 1710, 3420)]
    found = _stitch([first, next_line, edge, rest], xs, [(0, 1300, 0, 1300)], 3420, 1300)
    assert [w.text for w in found] == ["Folder", "pending", "shipping", "pending", "Invoice"]


@pytest.fixture(scope="module")
def seam_screen(tmp_path_factory) -> tuple[Path, dict[str, tuple[float, float, float, float]]]:
    """3680x3680, read in 2x2 tiles: 140 labels across the overlap of the two rows of tiles (see `seam_screen`)."""
    from detact_screens import seam_screen

    path = tmp_path_factory.mktemp("seam") / "screen.png"
    return path, seam_screen(path)


@pytest.fixture(scope="module")
def seam_texts(seam_screen):
    pytest.importorskip("rapidocr")
    from agents.detact.detector import Detector

    return Detector(icons=False, colors=False).detect(seam_screen[0]).texts


def test_every_label_across_the_seam_between_rows_of_tiles_comes_back_once(seam_screen, seam_texts):
    """Both rows of tiles read a line in their overlap, and the row whose core held the line's centre kept it: the
    two rows placed a line a pixel or two apart, so a line centred on the middle of the overlap came back twice
    (in two shifted boxes) or not at all ("Cut 104": one row read its centre at y=1840.5, the other at 1838.5).
    Each label must come back once, where it was drawn, and no part of it again (a top or bottom half)."""
    wrong = {}
    for label, (left, top, right, bottom) in seam_screen[1].items():
        same = [e for e in seam_texts if e.label == label]
        words = set(label.split())
        inside = [e for e in seam_texts if left <= e.box.center[0] <= right and top <= e.box.center[1] <= bottom
                  and words & set(e.label.split())]
        if len(same) != 1 or inside != same:
            wrong[label] = [(e.label, e.box) for e in same + [e for e in inside if e not in same]]
    assert not wrong, f"{len(wrong)} of {len(seam_screen[1])} labels: {wrong}"


def test_a_line_two_rows_of_tiles_place_either_side_of_the_middle_is_kept_once():
    """The upper row read the line's centre at 1840.5 (in the lower row's core), the lower row at 1838.5 (in the
    upper row's): neither kept it. A line both read whole is now kept once, from one of them."""
    from agents.detact.ocr import Word, _Piece, _stitch
    from omniact.task import Box

    ys = [(0, 2000, 0, 1840), (1680, 3680, 1840, 3680)]
    xs = [(0, 2000, 0, 2000)]
    upper = _Piece(0, 0, 0, 0, 2000, 2000, (Word("Tab", Box(889, 1822, 940, 1859), 0.99, 3),
                                            Word("37", Box(945, 1822, 989, 1859), 0.99, 3)))
    lower = _Piece(1, 0, 0, 1680, 2000, 3680, (Word("Tab", Box(890, 1818, 941, 1859), 0.99, 2_000_001),
                                               Word("37", Box(946, 1818, 988, 1859), 0.99, 2_000_001)))
    found = _stitch([upper, lower], xs, ys, 2000, 3680)
    assert [w.text for w in found] == ["Tab", "37"]
    assert len({w.line for w in found}) == 1


def test_a_line_cut_by_a_tile_edge_comes_back_from_the_tile_that_read_it_whole():
    """The upper tile's bottom edge cuts a line: it read its top half as garbage. The lower tile read it whole.
    Every line the upper tile read whole is still there (a heading far from the seam, and a line in the
    overlap the lower tile missed)."""
    from agents.detact.ocr import Word, _Piece, _stitch
    from omniact.task import Box

    ys = [(0, 2000, 0, 1840), (1680, 3680, 1840, 3680)]
    xs = [(0, 2000, 0, 2000)]

    def piece(row, text, box, line):
        y0 = 0 if row == 0 else 1680
        return _Piece(row, 0, 0, y0, 2000, y0 + 2000, (Word(text, Box(*box), 0.95, line),))

    half = piece(0, "mo b o r a", (105, 1985, 341, 1999), 1)
    heading = piece(0, "Quarterly report", (100, 400, 500, 440), 2)
    missed = piece(0, "Amber 18", (600, 1900, 750, 1936), 3)  # outside the upper row's core; the lower missed it
    whole = piece(1, "Amber archive 18", (82, 1983, 349, 2020), 2_000_001)
    found = _stitch([half, heading, missed, whole], xs, ys, 2000, 3680)
    assert sorted(w.text for w in found) == ["Amber 18", "Amber archive 18", "Quarterly report"]


def test_a_word_cut_at_a_tile_edge_is_not_kept_beside_the_whole_one():
    """The left tile read "... for t" up to its edge, "t" placed a little left of where the right tile read
    "the" (overlapping it by 4 of its 14 pixels): the line came back as "Silver 80 folder for t the regional office"."""
    from agents.detact.ocr import Word, _Piece, _stitch
    from omniact.task import Box

    def words(line, *spec):
        return tuple(Word(t, Box(a, 1578, b, 1615), 0.99, line) for t, a, b in spec)

    left = _Piece(0, 0, 0, 0, 2000, 2000, words(7, ("Silver", 1602, 1690), ("80", 1702, 1740), ("folder", 1843, 1931),
                                                ("for", 1941, 1980), ("t", 1984, 1998)))
    # The right-hand tile starts at x=1680: "Silver" is cut (read as "r"), so neither tile read the whole line.
    right = _Piece(0, 1, 1680, 0, 3680, 2000, words(1_000_000, ("r", 1681, 1690), ("80", 1703, 1741),
                                                    ("folder", 1845, 1935), ("for", 1938, 1984), ("the", 1994, 2040),
                                                    ("regional", 2050, 2176), ("office", 2186, 2263)))
    xs = [(0, 2000, 0, 1840), (1680, 3680, 1840, 3680)]
    found = _stitch([left, right], xs, [(0, 2000, 0, 2000)], 3680, 2000)
    assert " ".join(w.text for w in found) == "Silver 80 folder for the regional office"


def test_two_lines_a_cut_reading_overlaps_stay_two_lines():
    """Two lines across the seam of the tiles side by side; the lower row's top edge cut through both, and that
    row read them as one garbled box overlapping both: the four pieces and the garble are one group. The upper row's
    reading is kept, as two lines with all their words (not one line, nor the second line's words dropped as the
    first line's read twice)."""
    from agents.detact.ocr import Word, _Piece, _stitch
    from omniact.task import Box

    def piece(row, col, line, top, *spec):
        x0, y0 = 1680 * col, 1680 * row
        return _Piece(row, col, x0, y0, x0 + 2000, y0 + 2000,
                      tuple(Word(t, Box(a, top, b, top + 36), 0.99, line) for t, a, b in spec))

    first = [piece(0, 0, 1, 1700, ("Annual", 1600, 1700), ("budget", 1715, 1820), ("for", 1835, 1880),
                   ("Norway", 1895, 1999)),
             piece(0, 1, 1_000_001, 1700, ("budget", 1716, 1820), ("for", 1836, 1880), ("Norway", 1894, 2010))]
    second = [piece(0, 0, 2, 1744, ("Travel", 1600, 1690), ("costs", 1712, 1800), ("of", 1830, 1860),
                    ("Sweden", 1890, 1999)),
              piece(0, 1, 1_000_002, 1744, ("costs", 1713, 1800), ("of", 1831, 1860), ("Sweden", 1889, 2005))]
    garble = _Piece(1, 0, 0, 1680, 2000, 3680, (Word("ud fr", Box(1700, 1690, 1900, 1762), 0.6, 2_000_000),))
    xs = [(0, 2000, 0, 1840), (1680, 3680, 1840, 3680)]
    ys = [(0, 2000, 0, 1840), (1680, 3680, 1840, 3680)]
    found = _stitch([*first, *second, garble], xs, ys, 3680, 3680)
    lines: dict[int, list[str]] = {}
    for w in found:
        lines.setdefault(w.line, []).append(w.text)
    assert sorted(lines.values()) == [["Annual", "budget", "for", "Norway"], ["Travel", "costs", "of", "Sweden"]]


def test_a_goal_and_an_ocr_line_of_thousands_of_words_are_compared_in_bounded_work(monkeypatch):
    """Fuzzy matching compared every run of a goal's words with a label: a 4,000-word goal (a 26 kB task file) on a
    2,000-word OCR line took 30 s a task. It reads the first FUZZY_WORDS words of each."""
    import difflib
    import sys

    from agents.detact.filter import FUZZY_WORDS, relevance
    from omniact.task import Detection

    monkeypatch.setitem(sys.modules, "rapidfuzz", None)  # difflib's path, as where rapidfuzz is not installed
    compared = []
    set_seq1 = difflib.SequenceMatcher.set_seq1
    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq1", lambda self, a: (compared.append(a), set_seq1(self, a)))
    words = [f"word{i}" for i in range(4000)]
    goal = "click " + " ".join(words)
    label = " ".join(words[:2000])
    assert relevance(goal, Detection("ocr", label, 10.0, 10.0)) > 0.5  # the label is in the goal: still found
    assert 0 < len(compared) <= 3 * FUZZY_WORDS
    assert all(len(w.split()) <= FUZZY_WORDS + 1 for w in compared)


def _pairwise_nms(boxes, scores, threshold):
    """The pure-Python NMS element.nms replaced (every candidate against every kept box), as the reference."""
    from agents.detact.element import iou

    kept = []
    for i in sorted(range(len(boxes)), key=lambda i: (-scores[i], i)):
        if all(iou(boxes[i], boxes[j]) <= threshold for j in kept):
            kept.append(i)
    return kept


@pytest.mark.parametrize("seed", range(6))
def test_vectorised_nms_keeps_the_same_boxes_in_the_same_order(seed):
    import random

    from agents.detact.element import nms
    from omniact.task import Box

    rnd = random.Random(seed)
    boxes, scores = [], []
    for _ in range(rnd.choice((0, 1, 40, 400))):
        x, y = rnd.randint(0, 300), rnd.randint(0, 300)
        w, h = rnd.choice((0, rnd.randint(1, 60))), rnd.randint(1, 60)  # zero-width boxes too
        if rnd.random() < 0.5:  # fractional edges, as scaled boxes have
            x, y = x + rnd.random(), y + rnd.random()
        boxes.append(Box(x, y, x + w, y + h))
        scores.append(rnd.choice((1.0, 0.5, rnd.random())))  # ties: the index breaks them
    for threshold in (0.0, 0.3, 0.5, 0.6, 0.9):
        assert nms(boxes, scores, threshold) == _pairwise_nms(boxes, scores, threshold)


def test_a_spreadsheet_grid_of_thousands_of_cells_gets_its_regions_in_seconds(monkeypatch):
    """A 4K spreadsheet screenshot: ~7,700 cell regions, which the pairwise NMS took 105 s to thin. Speed is not
    asserted (a loaded machine): what is, is that every cell is one region and no box is compared pair by pair."""
    import numpy as np

    from agents.detact import element
    from agents.detact.regions import propose_regions

    pairs = []
    iou = element.iou
    monkeypatch.setattr(element, "iou", lambda a, b: (pairs.append((a, b)), iou(a, b))[1])
    grid = np.full((2160, 3840), 255, np.uint8)
    grid[::22, :] = 160
    grid[:, ::48] = 160
    regions = propose_regions(grid, [], 1.0)
    assert pairs == []  # the vectorised NMS, not the pairwise one
    # 98 rows of 79 whole cells (the last column has no right edge): each cell once, as a container its size
    assert len(regions) == 98 * 79
    assert {r.kind for r in regions} == {"container"}
    assert all(47 <= r.box.right - r.box.left <= 48 and 21 <= r.box.bottom - r.box.top <= 22 for r in regions)
    assert len({(r.box.left // 48, r.box.top // 22) for r in regions}) == len(regions)


def test_texts_inside_each_region_are_found_without_testing_every_text(monkeypatch):
    """A region's label comes from the texts whose centre it holds: the same texts, in the same order, as a scan
    of all texts gives, but with thousands of cells and texts not every pair is tested."""
    import random

    from agents.detact.detector import _TextsByCentre
    from agents.detact.ocr import TextBox
    from omniact.task import Box

    rnd = random.Random(0)
    texts = [TextBox(str(i), Box(x, y, x + rnd.randint(4, 40), y + 12), 0.9)
             for i, (x, y) in enumerate((rnd.randint(0, 1900), rnd.randint(0, 1060)) for _ in range(2000))]
    regions = [Box(x, y, x + 48, y + 22) for x in range(0, 1920, 48) for y in range(0, 1080, 22)]
    expected = [[t for t in texts if r.contains(*t.box.center)] for r in regions]
    calls = 0
    contains = Box.contains

    def counted(self, x, y):
        nonlocal calls
        calls += 1
        return contains(self, x, y)

    monkeypatch.setattr(Box, "contains", counted)
    inside_of = _TextsByCentre(texts)
    assert [inside_of(r) for r in regions] == expected
    assert calls < len(texts) * len(regions) // 20
