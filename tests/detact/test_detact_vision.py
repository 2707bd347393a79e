"""DetACT's screen reading on synthetic screenshots: OCR, icon matching, colours and the published formats."""

from __future__ import annotations

import json

import pytest
from detact_screens import draw_screen, fa_icon, icon_sheet

pytest.importorskip("rapidocr")
pytest.importorskip("skimage")


def inside(point, box) -> bool:
    x, y = point
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


@pytest.fixture(scope="module")
def screen(tmp_path_factory):
    """One synthetic screen, detected once for the whole module (OCR is the slow part)."""
    from agents.detact.detector import detect

    path = tmp_path_factory.mktemp("screen") / "screen_1.png"
    boxes = draw_screen(path)
    return path, boxes, detect(path)


def test_ocr_reads_labels_as_separate_elements_at_their_places(screen):
    _, boxes, result = screen
    ocr = result.to_ocr_json()
    # Menu items on one line are separate elements; a two-word placeholder stays one.
    for label in ("File", "Edit", "View", "Help", "Search mail", "Weekly report from Alice"):
        assert label in ocr, f"{label!r} not read; got {sorted(ocr)}"
    assert inside(ocr["File"], boxes["File"]) and inside(ocr["Edit"], boxes["Edit"])
    assert inside(ocr["Compose"], boxes["compose button"])
    assert inside(ocr["Search mail"], boxes["search field"])


def test_icon_is_found_and_labelled(screen):
    _, boxes, result = screen
    icons = result.to_icon_json()
    assert "Gear" in icons, icons
    assert any(inside(p, boxes["gear"]) for p in icons["Gear"])
    # No text was taken for an icon.
    assert not set(icons) & {"File", "Compose", "Delete"}


def test_colours_of_buttons(screen):
    _, boxes, result = screen
    colours = result.to_color_json()
    assert any(inside(p, boxes["compose button"]) for p in colours.get("blue", []))
    assert any(inside(p, boxes["delete button"]) for p in colours.get("red", []))


def test_written_files_are_read_back_by_the_data_model(screen, tmp_path):
    from omniact.task import load_detections

    _, _, result = screen
    ocr, icon, colour = tmp_path / "ocr.json", tmp_path / "icon.json", tmp_path / "color.json"
    result.write(ocr, icon, colour)
    data = json.loads(ocr.read_text())
    assert all(isinstance(v, list) and len(v) == 2 for v in data.values())  # {"text": [x, y]}
    assert all(isinstance(v[0], list) for v in json.loads(icon.read_text()).values())  # {"label": [[x, y]]}
    dets = load_detections(ocr, icon, colour)
    assert dets == result.to_detections()
    assert {d.label for d in dets.ocr} >= {"File", "Compose"}


def test_icon_matcher_labels_rendered_icons_in_any_colour(tmp_path):
    from agents.detact.detector import Detector

    names = ["magnifying-glass", "trash", "bell", "house", "envelope"]
    boxes = icon_sheet(tmp_path / "sheet.png", names)
    # Icons only: no OCR needed to check the matcher on a sheet of icons.
    import cv2
    import numpy as np

    from agents.detact.icons import get_matcher
    from agents.detact.regions import propose_regions

    grey = cv2.cvtColor(np.asarray(__import__("PIL.Image", fromlist=["Image"]).open(tmp_path / "sheet.png")
                                   .convert("RGB")), cv2.COLOR_RGB2GRAY)
    regions = [r for r in propose_regions(grey) if r.kind == "blob"]
    matcher = get_matcher()
    found = {}
    for r in regions:
        b = r.box
        m = matcher.match(grey[int(b.top) - 2:int(b.bottom) + 2, int(b.left) - 2:int(b.right) + 2])
        if m is not None:
            found[m.name] = b.center
    for name in names:
        assert name in found and inside(found[name], boxes[name]), (name, found)
    assert Detector().icon_threshold == pytest.approx(__import__("agents.detact.icons", fromlist=["x"]).THRESHOLD)


def test_a_flat_patch_is_no_icon():
    import numpy as np

    from agents.detact.icons import get_matcher

    assert get_matcher().match(np.full((30, 30), 200, np.uint8)) is None


def test_icon_patch_normalisation_ignores_polarity():
    import numpy as np

    from agents.detact.icons import normalise_patch

    icon = np.asarray(fa_icon("bell", 32, (0, 0, 0)).split()[3], dtype=np.float32)
    dark_on_light = 255 - np.pad(icon, 3)
    light_on_dark = np.pad(icon, 3)
    a, b = normalise_patch(dark_on_light, 24), normalise_patch(light_on_dark, 24)
    assert np.abs(a - b).max() < 1e-3


@pytest.mark.parametrize("rgb,name", [
    ((26, 115, 232), "blue"), ((217, 48, 37), "red"), ((52, 168, 83), "green"), ((251, 188, 5), "yellow"),
    ((255, 140, 0), "orange"), ((233, 30, 99), "pink"), ((128, 0, 128), "violet"), ((139, 69, 19), "brown"),
    ((255, 255, 255), "white"), ((0, 0, 0), "black"), ((128, 128, 128), "grey"), ((246, 247, 249), "white"),
])
def test_colour_buckets(rgb, name):
    from agents.detact.colour import COLOURS, colour_name

    assert colour_name(*rgb) == name
    assert name in COLOURS and len(COLOURS) == 11


def test_word_merging_splits_menu_items_but_not_phrases():
    from agents.detact.ocr import Word, merge_words
    from omniact.task import Box

    words = [Word("File", Box(0, 0, 30, 20), 0.99, 0), Word("Edit", Box(50, 0, 80, 20), 0.99, 0),
             Word("Save", Box(200, 0, 240, 20), 0.99, 1), Word("draft", Box(245, 0, 285, 20), 0.98, 1)]
    assert [t.text for t in merge_words(words)] == ["File", "Edit", "Save draft"]


def test_korean_words_keep_their_space_when_merged():
    from agents.detact.ocr import Word, merge_words
    from omniact.task import Box

    # Korean spaces its words (Chinese and Japanese do not): "설정 열기" must not come back as "설정열기".
    words = [Word("설정", Box(0, 0, 30, 20), 0.99, 0), Word("열기", Box(36, 0, 66, 20), 0.99, 0),
             Word("打开", Box(0, 40, 30, 60), 0.99, 1), Word("设置", Box(34, 40, 64, 60), 0.99, 1)]
    assert [t.text for t in merge_words(words)] == ["설정 열기", "打开设置"]


def test_tesseract_engine_reads_the_same_labels(tmp_path):
    import shutil

    pytest.importorskip("pytesseract")
    if shutil.which("tesseract") is None:
        pytest.skip("the tesseract binary is not installed")
    import cv2

    from agents.detact.ocr import read_text

    path = tmp_path / "screen.png"
    boxes = draw_screen(path)
    texts, _ = read_text(cv2.imread(str(path)), engine="tesseract")
    by_text = {t.text: t.center for t in texts}
    assert "File" in by_text and "Edit" in by_text, sorted(by_text)
    assert inside(by_text["File"], boxes["File"])
