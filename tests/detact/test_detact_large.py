"""DetACT on very large screens: text lines across the seams of tiled OCR, and memory per pixel."""

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

# The peak is the child's own VmHWM: its ru_maxrss starts at the parent's peak (Linux carries it over exec), and
# pytest's process, which drew the screenshot, is larger than what is measured.
_PEAK = """
def peak():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))
"""

_MEMORY_CHILD = _PEAK + """
import sys
import cv2, numpy, PIL.Image  # noqa: F401
from agents.detact import detector, ocr
from omniact.task import Box

class Engine:  # the OCR model's own memory is not the detector's: a few words where the labels are
    def words(self, bgr, scale=1.0):
        return [ocr.Word("Item", Box(40.0 + 600 * i, 30.0, 120.0 + 600 * i, 60.0), 0.99, i) for i in range(5)]

ocr.get_engine = lambda name="rapidocr": Engine()
base = peak()
result = detector.Detector(icons=False).detect(sys.argv[1])
print(peak() - base, len(result.elements))
"""


def test_detection_holds_few_copies_of_a_large_screenshot(tmp_path):
    """An 8K screenshot took about 1.2 GB to detect: besides the OCR model's own (a fixed cost per tile), the
    detector held 14 bytes a pixel at once (the decoded picture, an RGB copy of it and two copies of its bytes;
    then the array, a BGR copy, two greys and four edge maps). Measured in a child process, with the OCR model
    left out: the peak over the baseline after imports, per pixel."""
    import subprocess
    import sys

    from PIL import Image, ImageDraw

    if not Path("/proc/self/status").is_file():
        pytest.skip("the peak is read from /proc (Linux)")
    width, height = 4000, 3000
    im = Image.new("RGB", (width, height), (246, 247, 249))
    d = ImageDraw.Draw(im)
    for x in range(20, width - 300, 600):
        for y in range(20, height - 100, 300):
            d.rectangle((x, y, x + 260, y + 40), outline=(120, 120, 120), width=2, fill=(26, 115, 232))
    path = tmp_path / "screen.png"
    im.save(path)
    done = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(path)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    peak, found = map(int, done.stdout.split())
    assert found > 10  # the screen was detected, not skipped
    per_pixel = peak / (width * height)
    assert per_pixel < 12, f"{per_pixel:.1f} bytes a pixel"


_TILES_CHILD = _PEAK + """
import sys
import numpy
from PIL import Image, ImageDraw, ImageFont
from agents.detact.ocr import get_engine

engine, peaks = get_engine(), []
for k in range(2):  # two tiles of a large screen, each 2,000 pixels square, read one after the other
    im = Image.new("RGB", (2000, 2000), (250, 250, 250))
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(sys.argv[1], 16)
    for y in range(10, 1970, 40 + 3 * k):
        d.text((10 + 7 * k, y), f"Row {y} of tile {k} with some words", font=font, fill=(20, 20, 20))
    assert engine.words(numpy.ascontiguousarray(numpy.asarray(im)[:, :, ::-1]))
    peaks.append(peak())
print(peaks[1] - peaks[0])
"""


def test_each_tile_is_read_in_the_memory_one_tile_needs():
    """The text detector allocates and frees about 0.7 GB on each 2,000-pixel tile; the C allocator kept what was
    freed, scattered, and the next tile's run took fresh memory beside it: the peak rose by about 0.1 GB a tile
    for the first few tiles (an 8K screenshot, 15 tiles, peaked 0.2 GB above what one tile needs)."""
    import subprocess
    import sys

    pytest.importorskip("rapidocr")
    if not Path("/proc/self/status").is_file():
        pytest.skip("the peak is read from /proc (Linux)")
    from detact_screens import FONT

    done = subprocess.run([sys.executable, "-c", _TILES_CHILD, FONT], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    growth = int(done.stdout.split()[-1])
    assert growth < 40 * 2**20, f"the second tile took {growth / 2**20:.0f} MiB more than the first"
