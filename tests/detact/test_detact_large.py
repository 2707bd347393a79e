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
    from agents.detact.ocr import Word, _Piece, _stitch_row
    from omniact.task import Box

    # 15 pixels a character from x=1254; the first tile ends at x=2000, the second starts at x=1500.
    a = _Piece(0, 0, 2000, (Word(LONG[:50], Box(1254, 196, 2004, 239), 0.99, 0),))
    b = _Piece(1, 1500, 3500, (Word(LONG[16:], Box(1500, 196, 2094, 239), 0.99, 1_000_000),))
    xs = [(0, 2000, 0, 1750), (1500, 3500, 1750, 3500)]
    words = _stitch_row([a, b], xs, (0, 600, 0, 600), 3500)
    assert " ".join(w.text for w in words) == LONG
    assert len({w.line for w in words}) == 1  # one line, split into elements only where its ink has a wide gap



def test_a_word_one_tile_read_twice_is_kept_once():
    """Two labels close together: the first tile read the tail of "shipping" again, as "g" at the start of the next
    label's line, and the second tile read that "g" at its edge. Joined across the seam, the label came back as
    "... pending shipping g"."""
    from agents.detact.ocr import Word, _Piece, _stitch_row
    from omniact.task import Box

    def words(*spec):
        return tuple(Word(t, Box(a, 1232, b, 1265), 0.99, line) for t, a, b, line in spec)

    first = _Piece(0, 0, 2000, words(("Folder", 553, 650, 7), ("pending", 1198, 1309, 7), ("shipping", 1316, 1437, 7)))
    next_line = _Piece(0, 0, 2000, words(("g", 1424, 1439, 8), ("pending", 1617, 1726, 8), ("Invoice", 1892, 1995, 8)))
    edge = _Piece(1, 1420, 3420, words(("g", 1420, 1438, 1_000_003)))
    rest = _Piece(1, 1420, 3420, words(("pending", 1618, 1727, 1_000_004), ("Invoice", 1893, 2010, 1_000_004)))
    xs = [(0, 2000, 0, 1710), (1420, 3420, 1710, 3420)]
    found = _stitch_row([first, next_line, edge, rest], xs, (0, 1300, 0, 1300), 3420)
    assert [w.text for w in found] == ["Folder", "pending", "shipping", "pending", "Invoice"]
