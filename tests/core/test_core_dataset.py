"""Loading the published OmniACT layout: paths, the web file-name quirk, geometry, hashes and errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omniact.dataset import find_task, load_split, verify_manifest, write_manifest
from omniact.errors import DataError, UserError


def test_loads_desktop_and_web_tasks_with_their_geometry(omniact_data):
    ds = load_split(omniact_data, "test")
    assert len(ds) == 12 and [t.id for t in ds][:3] == ["0", "1", "2"]
    finder, amazon = ds["0"], ds["10"]
    assert (finder.platform, finder.app, finder.screen.os) == ("desktop", "finder", "macos")
    assert (finder.screen.width, finder.screen.height, finder.screen.dpr) == (2880, 1800, 2.0)
    assert (amazon.platform, amazon.app, amazon.screen.os) == ("web", "amazon", None)
    assert (amazon.screen.width, amazon.screen.height, amazon.screen.dpr) == (1440, 900, 1.0)
    assert ds["6"].screen.os == "windows" and ds["6"].screen.dpr == 1.0  # notepad only exists on Windows
    assert finder.goal == "Open the Documents folder"
    assert finder.gold_script == "pyautogui.click(170.0,330.0)"



@pytest.mark.parametrize("app", ["vlc", "gimp", "outlook", "thunderbird"])
def test_a_retina_screenshot_is_macos_at_two_device_pixels_whatever_its_app(app):
    """Apps that also run on Windows or Linux: only macOS ships 2880x1800 and 3360x2100 screenshots, and a mac
    screen read as dpr 1 puts every point twice as far out."""
    from omniact.dataset import infer_os

    assert infer_os("desktop", app, 2880) == "macos" and infer_os("desktop", app, 3360) == "macos"
    # at 1920 wide, the OS the app is mostly seen on (any answer but macOS would have passed here)
    assert infer_os("desktop", app, 1920) == ("windows" if app == "outlook" else "linux")


@pytest.mark.parametrize(("app", "os_name"), [("notepad", "windows"), ("windows_paint", "windows"),
                                              ("gedit", "linux"), ("ubuntu_files", "linux")])
def test_an_app_only_one_os_has_names_its_os_on_a_large_screen_too(app, os_name):
    from omniact.dataset import infer_os

    assert infer_os("desktop", app, 2560) == os_name and infer_os("desktop", app, 3840) == os_name


def test_a_4k_windows_screenshot_is_read_at_one_device_pixel_per_point(omniact_data, tmp_path):
    """It was read as a Retina Mac's, at two device pixels per point, which halves every point a replay clicks."""
    import json
    import shutil

    from PIL import Image

    root = tmp_path / "d"
    shutil.copytree(omniact_data, root)
    entry = json.loads((root / "test.json").read_text())["6"]  # the notepad task
    Image.new("RGB", (3840, 2160)).save(root / entry["image"])
    task = load_split(root, "test")["6"]
    assert (task.screen.width, task.screen.os, task.screen.dpr) == (3840, "windows", 1.0)


def test_a_retina_width_begins_at_2560():
    """A 13-inch MacBook's Retina screenshot is 2560 wide: macOS at two device pixels, whatever its app; one pixel
    narrower, the app's usual OS."""
    from omniact.dataset import infer_os

    assert infer_os("desktop", "vlc", 2560) == "macos" and infer_os("desktop", "vlc", 2559) == "linux"


def test_a_task_file_takes_its_platform_and_app_from_its_folders(omniact_data, tmp_path):
    """OmniACT's layout is tasks/{desktop|web}/<app>/task_*.txt. A task file directly in the web folder is a web task
    of no app known (it was read as a desktop app called "web"); one in a folder of no platform is a desktop app's,
    named by its folder."""
    import json
    import shutil

    root = tmp_path / "d"
    shutil.copytree(omniact_data, root)
    split = json.loads((root / "test.json").read_text())
    assert load_split(root, "test")["10"].screen.platform == "web"
    moves = {"10": "data/tasks/web/task_flat.txt", "6": "data/tasks/desktop/task_flat.txt",
             "0": "data/mine/finder/task_flat.txt", "2": "task_top.txt"}
    for task_id, rel in moves.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / split[task_id]["task"], root / rel)
        split[task_id]["task"] = rel
    (root / "test.json").write_text(json.dumps(split))
    ds = load_split(root, "test")
    assert [(ds[k].screen.platform, ds[k].screen.app) for k in moves] == \
        [("web", ""), ("desktop", ""), ("desktop", "finder"), ("desktop", "")]
    assert ds["10"].screen.os is None  # a web page's: no desktop OS read into it


def test_web_file_name_quirk_is_resolved_for_screenshots_and_boxes(omniact_data):
    t = load_split(omniact_data, "test")["10"]
    assert t.image_path.name == "screen1.png"
    assert t.box_path.name == "screen1_boxes.json"
    assert [e.label for e in t.elements] == ["search_bar", "See deals", "cart_button"]
    assert t.elements[0].box.center == (412.5, 88.0)


def test_box_files_keep_labels_validity_and_order(omniact_data):
    t = load_split(omniact_data, "test")["0"]
    labels = [(e.id, e.label, e.valid) for e in t.elements]
    assert labels[3] == ("3", "NA", False) and labels[0] == ("0", "sidebar_documents", True)


def test_detections_are_optional(omniact_data):
    ds = load_split(omniact_data, "test")
    det = ds["10"].view().detections
    assert {(d.label, d.x, d.y) for d in det.ocr} == {("See deals", 412.0, 826.0), ("Search Amazon", 412.0, 88.0)}
    assert [(d.label, d.x) for d in det.icons] == [("cart", 1300.0), ("search", 510.0)]
    assert len(det.colors) == 3
    assert len(det) == len(list(det)) == 7  # all three kinds (len raised a TypeError)
    assert not ds["0"].view().detections  # no files for the desktop screens: no detections, no error
    assert len(ds["0"].view().detections) == 0


def test_detection_files_written_again_in_one_process_are_read_again(omniact_data, tmp_path):
    """`omniact detect` run anew (or a notebook rewriting a file) between two loads in one session."""
    import json

    omniact_data = shutil.copytree(omniact_data, tmp_path / "d")
    ocr = load_split(omniact_data, "test")["10"].ocr_path
    assert "See deals" in {d.label for d in load_split(omniact_data, "test")["10"].view().detections.ocr}
    ocr.write_text(json.dumps({"Cart": [1300, 88]}))
    assert [d.label for d in load_split(omniact_data, "test")["10"].view().detections.ocr] == ["Cart"]
    ocr.unlink()
    assert not load_split(omniact_data, "test")["10"].view().detections.ocr


def test_a_table_of_tasks_reads_their_labels_without_building_them(omniact_data):
    """A leaderboard's entry pages list every task's id, app and goal: the same as the tasks say, read from the
    loaded rows (no Task built, as scoring builds none), from a subset, or from plain Tasks."""
    from omniact.dataset import task_labels

    ds = load_split(omniact_data, "test")
    labels = list(task_labels(ds))
    assert ds.tasks._built == [None] * len(ds)  # none built by reading them
    assert labels == [(t.id, t.app, t.goal) for t in ds.tasks]
    assert {app for _, app, _ in labels} >= {"amazon", "notepad"} and all(goal for _, _, goal in labels)
    sub = ds.subset([labels[3][0], labels[1][0]])
    assert list(task_labels(sub)) == [labels[1], labels[3]]
    assert list(task_labels(list(ds.tasks)[:2])) == labels[:2]


def test_agent_view_has_no_gold(omniact_data):
    view = load_split(omniact_data, "test")["1"].view()
    assert not hasattr(view, "gold_script") and not hasattr(view, "elements")
    assert view.goal == "Search for report" and (view.width, view.height) == (2880, 1800)
    assert view.image.size == (2880, 1800)


def test_loading_reads_no_screenshot_pixels(omniact_data, monkeypatch):
    import PIL.Image

    def refuse(*a, **k):
        raise AssertionError("loading a split must not open screenshots")

    monkeypatch.setattr(PIL.Image, "open", refuse)
    assert len(load_split(omniact_data, "test")) == 12


def test_content_hash_covers_split_task_and_box_files(omniact_data, tmp_path):
    base = load_split(omniact_data, "test").sha256
    assert load_split(omniact_data, "test").sha256 == base
    copy = shutil.copytree(omniact_data, tmp_path / "copy")
    assert load_split(copy, "test").sha256 == base  # the hash is of content, not of where it lives
    box = copy / "data/metadata/desktop/boxes/finder/screen_1.json"
    box.write_text(box.read_text().replace("sidebar_documents", "sidebar_docs"))
    assert load_split(copy, "test").sha256 != base
    shutil.copy(omniact_data / "data/metadata/desktop/boxes/finder/screen_1.json", box)
    task = copy / "data/tasks/desktop/finder/task_1.0.txt"
    task.write_text(task.read_text().replace("170.0", "171.0"))
    assert load_split(copy, "test").sha256 != base


@pytest.mark.parametrize("breakage, expected", [
    (lambda r: (r / "data/tasks/desktop/finder/task_1.2.txt").unlink(), "task_1.2.txt: task file is missing"),
    (lambda r: (r / "data/data/desktop/notepad/screen_2.png").unlink(), "screen_2.png: screenshot is missing"),
    (lambda r: (r / "data/metadata/desktop/boxes/notepad/screen_2.json").write_text("{oops"),
     ("screen_2.json:1: box file is not valid JSON: Expecting property name enclosed in double quotes at column 2 (a "
     "comma after the last entry, or a key not in double quotes)")),
    (lambda r: (r / "data/data/desktop/notepad/screen_2.png").write_bytes(b"GIF89a"),
     "screen_2.png: screenshot is not an image"),
    (lambda r: (r / "data/tasks/web/amazon/task_1.0.txt").write_text("Search\npyautogui.click(1,2)"),
     "task_1.0.txt:1: line 1 must be 'Task: <goal>'"),
    # (the line quoted cut at 40 characters: a goal pasted without its 'Task:' can be a paragraph)
    (lambda r: (r / "data/tasks/web/amazon/task_1.0.txt").write_text("Search " + "x" * 100 + "\npyautogui.click(1,2)"),
     f"line 1 must be 'Task: <goal>', not 'Search {'x' * 33}'"),
    (lambda r: (r / "test.json").write_text("[1, 2]"), "test.json: split file must hold a JSON object"),
])
def test_broken_files_are_reported_as_file_and_problem(omniact_data, tmp_path, breakage, expected):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    breakage(root)
    with pytest.raises(DataError) as e:
        load_split(root, "test")
    assert expected in str(e.value)


def test_an_action_on_the_output_script_line_is_found_in_a_file_of_two_lines(tmp_path):
    """`omniact validate` warns of an action written after 'Output Script:' (not part of the gold), also where
    it is the file's last line; a file of one line has none."""
    from omniact.dataset import gold_line_offset, header_action

    two, one = tmp_path / "two.txt", tmp_path / "one.txt"
    two.write_text("Task: Open it\nOutput Script: pyautogui.click(1,2)\n")
    one.write_text("Task: Open it")  # (no line end: no second line at all)
    assert (header_action(two), header_action(one)) == ("pyautogui.click(1,2)", None)
    # Where a gold problem's line is counted from (validate names the file's line): after both header lines, after
    # the one line a one-line file has.
    assert (gold_line_offset(two), gold_line_offset(one)) == (2, 1)


def test_problems_can_be_collected_instead_of_raised(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    (root / "data/tasks/desktop/finder/task_1.2.txt").unlink()
    (root / "data/tasks/web/amazon/task_1.1.txt").unlink()
    problems = []
    ds = load_split(root, "test", problems=problems)
    assert len(ds) == 10 and len(problems) == 2


def test_unknown_split_names_the_ones_there(omniact_data):
    with pytest.raises(UserError, match=r"no split file dev.json \(splits here: test, train, val\)"):
        load_split(omniact_data, "dev")


def test_a_split_name_that_is_a_folder_is_named_as_one(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    (root / "val.json").unlink()
    (root / "val.json").mkdir()  # was "no split file val.json (splits here: test, train, val)"
    with pytest.raises(UserError, match=r"val.json is a folder, not a split file$"):
        load_split(root, "val")
    with pytest.raises(UserError, match=r"no split file dev.json \(splits here: test, train\)$"):
        load_split(root, "dev")


def test_find_task_searches_every_split(omniact_data):
    assert find_task(omniact_data, "14").goal == "Open the File menu"
    with pytest.raises(UserError, match="no task '99'"):
        find_task(omniact_data, "99")


def test_find_task_refuses_an_id_two_splits_hold_unless_a_split_is_given(omniact_data, tmp_path):
    """`omniact show 14` took whichever split came first when train.json also had a task 14."""
    import json

    root = shutil.copytree(omniact_data, tmp_path / "d")
    train = json.loads((root / "train.json").read_text())
    train["14"] = {**next(iter(train.values()))}  # task 14 is val's
    (root / "train.json").write_text(json.dumps(train))
    with pytest.raises(UserError, match=r"task '14' is in more than one split \(train, val\): give --split"):
        find_task(root, "14")
    assert find_task(root, "14", "val").goal == "Open the File menu"
    assert find_task(root, "14", "train").goal != "Open the File menu"
    with pytest.raises(UserError, match=r"no task '144' in any split \(did you mean 14"):  # close ids offered
        find_task(root, "144")


def test_an_entry_naming_no_detection_files_reads_them_from_omniacts_place_for_them(omniact_data, tmp_path):
    """`omniact detect --out ROOT` writes them there for such an entry; the loader read none, so the agents worked
    without them (the detact agent detected every screen again)."""
    import json

    root = shutil.copytree(omniact_data, tmp_path / "d")
    split = json.loads((root / "test.json").read_text())
    task_id, entry = next((k, e) for k, e in split.items() if "web" in e["image"])
    for key in ("ocr", "icon", "color"):
        named = entry.pop(key, None)
        if named:
            (root / named).unlink()
    (root / "test.json").write_text(json.dumps(split))
    task = load_split(root, "test")[task_id]
    assert (task.ocr_path, task.icon_path, task.color_path) == (None, None, None)  # none there: no detections
    ocr = root / "ocr" / "web" / task.app / "screen_1.json"  # (the screenshot is screen1.png: the web quirk)
    assert Path(task.image_path).name == "screen1.png"
    ocr.write_text(json.dumps({"Search": [10, 20]}))
    task = load_split(root, "test")[task_id]
    assert Path(task.ocr_path) == ocr and (task.icon_path, task.color_path) == (None, None)
    assert [d.label for d in task.view().detections.ocr] == ["Search"]
    kind, label, x, y = task.view().detections.ocr[0]  # as the README writes it: Detection(kind, label, x, y)
    assert (kind, label, x, y) == ("ocr", "Search", 10, 20)


def test_manifest_detects_changed_missing_and_new_files(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    path, n = write_manifest(root)
    assert n == len([p for p in root.rglob("*") if p.is_file()]) - 1
    assert verify_manifest(root) == []
    (root / "data/data/desktop/notepad/screen_2.png").write_bytes(b"\x89PNG changed")
    (root / "ocr/web/amazon/screen_1.json").unlink()
    (root / "extra.txt").write_text("new")
    problems = "\n".join(verify_manifest(root))
    assert "screen_2.png has changed" in problems
    assert "ocr/web/amazon/screen_1.json is missing" in problems
    assert "extra.txt: not in MANIFEST.sha256" in problems
    # sha256sum -c can read it
    line = path.read_text().splitlines()[0]
    assert len(line.split("  ")[0]) == 64


def test_a_manifest_line_naming_a_file_outside_the_data_folder_is_refused_unread(omniact_data, tmp_path, monkeypatch):
    """A manifest comes with the data: one line of it must not have `validate` read a file elsewhere and say whether
    it matches (by an absolute path, by a path climbing out, and by one going in and out again). Files outside that
    the split files name are the data's (the next test)."""
    import hashlib

    import omniact.dataset

    root = shutil.copytree(omniact_data, tmp_path / "d")
    path, _ = write_manifest(root)
    secret = tmp_path / "secret.txt"
    secret.write_text("elsewhere")
    digest = hashlib.sha256(b"elsewhere").hexdigest()
    with path.open("a") as f:
        f.write(f"{digest}  {secret}\n{digest}  ../secret.txt\n{digest}  data/../../secret.txt\n")
    read = []
    real = omniact.dataset._sha256_file
    monkeypatch.setattr(omniact.dataset, "_sha256_file", lambda p: read.append(str(p)) or real(p))
    problems = verify_manifest(root)
    assert [p.split(": ", 1)[1] for p in problems] == [
        f"{rel} is outside the data folder and no split file names it: a manifest lists the data set's own files "
        "(remove the line, or run `omniact manifest` again)" for rel in (secret, "../secret.txt", "data/../../secret.txt")]
    assert not any("secret" in p for p in read)


def test_manifest_of_file_names_with_a_newline_a_backslash_or_bytes_that_are_not_utf8(omniact_data, tmp_path):
    import os
    import subprocess

    root = shutil.copytree(omniact_data, tmp_path / "d")
    odd = ["new\nline.txt", "back\\slash.txt", "cr\r.txt"]
    try:
        odd.append(os.fsdecode(b"x\xff.txt"))  # a name that is not UTF-8 (Python keeps the byte as a surrogate)
        for name in odd:
            (root / name).write_text("odd")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses such names")
    path, _ = write_manifest(root)  # was a UnicodeEncodeError traceback for the last name
    lines = path.read_bytes().split(b"\n")
    assert any(line.startswith(b"\\") and line.endswith(b"  new\\nline.txt") for line in lines)  # as sha256sum writes it
    assert any(line.endswith(b"  x\xff.txt") for line in lines)
    assert verify_manifest(root) == []  # was "not a 'SHA256  PATH' line" for the newline's two halves
    (root / "new\nline.txt").write_text("changed")
    assert [p.split(": ", 1)[1] for p in verify_manifest(root)] == ["new\nline.txt has changed (sha256 differs)"]
    (root / "new\nline.txt").write_text("odd")
    r = subprocess.run(["sha256sum", "-c", "--quiet", path.name], cwd=root, capture_output=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr  # coreutils reads it


@pytest.mark.parametrize("bad", [{"top_left": [1, 2]}, {"top_left": [1, 2], "bottom_right": [3]},
                                 {"top_left": [1, 2], "bottom_right": ["x", 4]}, {"top_left": 5, "bottom_right": [3, 4]}])
def test_a_malformed_box_element_is_named_when_its_boxes_are_used(omniact_data, tmp_path, bad):
    import json

    from scoring import score

    root = shutil.copytree(omniact_data, tmp_path / "d")
    box_file = root / "data/metadata/desktop/boxes/notepad/screen_2.json"
    boxes = json.loads(box_file.read_text())
    boxes["broken_one"] = bad
    box_file.write_text(json.dumps(boxes))
    ds = load_split(root, "test")  # parsed, not yet built: a split with a bad box still lists its tasks
    with pytest.raises(DataError) as e:
        score(ds, {})
    assert "screen_2.json: element 'broken_one' needs top_left and bottom_right as [x, y]" in str(e.value)


def test_one_box_file_spelled_two_ways_is_read_and_hashed_once(omniact_data, tmp_path):
    import json

    root = shutil.copytree(omniact_data, tmp_path / "d")
    split = json.loads((root / "test.json").read_text())
    split["1"]["box"] = "./" + split["1"]["box"].replace("/boxes/", "//boxes/")
    (root / "test.json").write_text(json.dumps(split))
    ds = load_split(root, "test")
    assert ds.tasks[1].elements is ds.tasks[0].elements
    assert ds.tasks[1].box_path == ds.tasks[0].box_path


def test_manifest_covers_a_symlinked_data_folder_and_files_outside_the_root_as_loading_finds_them(omniact_data,
                                                                                                 tmp_path):
    """`data/` moved to another disk and linked back, and split entries naming files outside the root (`../`, with
    the web quirk's renamed files, or an absolute path): a changed gold script, box or icon file fails `validate`."""
    import json
    import os

    root = shutil.copytree(omniact_data, tmp_path / "d")
    shutil.move(root / "data", tmp_path / "elsewhere")
    os.symlink(tmp_path / "elsewhere", root / "data")
    shared = tmp_path / "shared"
    (shared / "boxes").mkdir(parents=True)
    split = json.loads((root / "test.json").read_text())
    web = split["10"]
    # Outside the root, under the web quirk's name on disk (screen1_boxes.json for screen_1.json).
    shutil.copy(root / "data/metadata/web/boxes/amazon/screen1_boxes.json", shared / "boxes")
    web["box"] = "../shared/boxes/screen_1.json"
    shutil.copy(root / web["icon"], shared / "icon.json")
    web["icon"] = str(shared / "icon.json")  # absolute
    (root / "test.json").write_text(json.dumps(split))
    assert load_split(root, "test")["10"].detections().icons
    write_manifest(root)
    assert verify_manifest(root) == []
    for changed in (root / "data/tasks/desktop/notepad/task_2.0.txt", shared / "boxes" / "screen1_boxes.json",
                    shared / "icon.json"):
        original = changed.read_bytes()
        changed.write_bytes(original + b"\n")
        assert any("has changed" in p for p in verify_manifest(root)), changed
        changed.write_bytes(original)
    assert verify_manifest(root) == []


def test_find_task_looks_past_a_broken_split_to_the_one_holding_the_task(omniact_data, tmp_path):
    """`omniact show TASK` without --split: a missing task file in train.json stopped it for a test task."""
    import json

    root = shutil.copytree(omniact_data, tmp_path / "d")
    train = json.loads((root / "train.json").read_text())
    next(iter(train.values()))["task"] = "data/tasks/gone.txt"
    (root / "train.json").write_text(json.dumps(train))
    assert find_task(root, "14").goal == "Open the File menu"
    with pytest.raises(DataError, match=r"gone\.txt"):  # a task in no readable split: the broken split is named
        find_task(root, "99")


@settings(max_examples=200, deadline=None)
@given(pieces=st.lists(st.binary(max_size=40), max_size=30), chunk=st.integers(1, 64))
def test_the_split_hash_fed_in_chunks_is_the_hash_of_the_pieces_joined(pieces, chunk):
    # The split's hash is fed its task and box files a quarter of a megabyte at a time (the whole join was 12 MB
    # paged in at once): any cut of any pieces gives the one hash of all of them joined.
    import hashlib

    from omniact import dataset

    saved = dataset.HASH_CHUNK
    dataset.HASH_CHUNK = chunk  # (a fixture's monkeypatch would span every example of the property)
    try:
        h = hashlib.sha256(b"split")
        dataset.hash_pieces(h, pieces)
    finally:
        dataset.HASH_CHUNK = saved
    assert h.hexdigest() == hashlib.sha256(b"split" + b"".join(pieces)).hexdigest()


def test_the_split_hash_is_fed_in_chunks_of_about_hash_chunk_bytes():
    from omniact import dataset

    fed = []

    class Spy:
        def update(self, data):
            fed.append(len(data))

    pieces = [b"x" * 1000] * 1000 + [b"y" * (3 * dataset.HASH_CHUNK)] + [b"z" * 10] * 5
    dataset.hash_pieces(Spy(), pieces)
    assert sum(fed) == sum(map(len, pieces)) and len(fed) >= 4
    assert all(n <= dataset.HASH_CHUNK + 1000 for n in fed[:-2])  # each chunk stops at the piece that fills it
    assert fed[-2] >= 3 * dataset.HASH_CHUNK  # a piece bigger than a chunk goes in whole
