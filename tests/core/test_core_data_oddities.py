"""Data sets that are odd the way real copies of the published OmniACT data are: re-encoded screenshots, files
written on Windows or macOS, byte-order marks, duplicate ids, cut-off files. Each either loads (as a user would
expect) or is one ``FILE: problem`` line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from omniact.cli import main
from omniact.dataset import load_split
from omniact.errors import DataError
from omniact.validate import validate_data

NOTEPAD_PNG = "data/data/desktop/notepad/screen_2.png"
NOTEPAD_BOX = "data/metadata/desktop/boxes/notepad/screen_2.json"
NOTEPAD_TASK = "data/tasks/desktop/notepad/task_2.0.txt"  # task 6


def _copy(omniact_data: Path, tmp_path: Path) -> Path:
    return shutil.copytree(omniact_data, tmp_path / "d")


def _split(root: Path, name: str = "test") -> dict:
    return json.loads((root / f"{name}.json").read_text())


def _write_split(root: Path, index: dict, name: str = "test") -> None:
    (root / f"{name}.json").write_text(json.dumps(index, indent=1))


# ---------------------------------------------------------------------------------------------------------
# Screenshots


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_a_screenshot_re_encoded_under_its_png_name_loads_with_its_size(omniact_data, tmp_path, fmt):
    root = _copy(omniact_data, tmp_path)
    Image.new("RGB", (1920, 1080), "white").save(root / NOTEPAD_PNG, fmt)
    ds = load_split(root, "test")
    assert (ds["6"].screen.width, ds["6"].screen.height) == (1920, 1080)
    lines, ok = validate_data(root)
    assert ok, lines


def test_loading_pngs_does_not_import_pillow(omniact_data):
    code = ("import sys; from omniact.dataset import load_split; "
            f"assert len(load_split({str(omniact_data)!r}, 'test')) == 12; print('PIL' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("content, expected", [
    (b"", "screenshot is empty (0 bytes)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "screenshot is a PNG cut off before its size"),
    (b"<html>Not found</html>" * 3, "screenshot is not an image"),
])
def test_an_unreadable_screenshot_header_says_what_the_file_is(omniact_data, tmp_path, content, expected):
    root = _copy(omniact_data, tmp_path)
    (root / NOTEPAD_PNG).write_bytes(content)
    with pytest.raises(DataError, match=f"screen_2.png: {re.escape(expected)}.*task 6 in test.json"):
        load_split(root, "test")


def _dds_with_no_pixel_format() -> bytes:
    import struct

    # Pillow's DDS plugin raises NotImplementedError for this header, not the OSError of a foreign file.
    return (b"DDS " + struct.pack("<7I", 124, 0x1007, 10, 20, 0, 0, 0) + bytes(44)
            + struct.pack("<8I", 32, 0, 0, 0, 0, 0, 0, 0) + bytes(820))


def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(100))) + chunk(b"IEND", b""))


@pytest.mark.parametrize("content, expected", [
    (_dds_with_no_pixel_format(), "screenshot is not an image"),
    (_png_header(100_000, 100_000), "screenshot is too large to be one: its header says 100000x100000"),
    (_png_header(0, 1080), "screenshot has no pixels (0x1080)"),
], ids=["dds-raising-NotImplementedError", "png-100000x100000", "png-0-wide"])
def test_a_hostile_screenshot_header_is_a_data_error_not_a_crash(omniact_data, tmp_path, content, expected):
    root = _copy(omniact_data, tmp_path)
    (root / NOTEPAD_PNG).write_bytes(content)
    with pytest.raises(DataError, match=f"screen_2.png: {re.escape(expected)}"):
        load_split(root, "test")
    lines, ok = validate_data(root, "test")
    assert not ok and any(expected in line for line in lines), lines


def test_a_broken_screen_is_one_problem_naming_its_tasks(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    (root / NOTEPAD_PNG).unlink()
    lines, ok = validate_data(root, "test")
    assert not ok
    broken = [line for line in lines if "screen_2.png" in line]
    assert broken == [f"{root / NOTEPAD_PNG}: screenshot is missing (tasks 6, 7, 8 and 1 more in test.json)"]
    assert lines[-1].endswith("1 problem(s), 0 warning(s)")


def test_a_dangling_symlink_or_a_folder_is_named_as_such(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    (root / NOTEPAD_PNG).unlink()
    (root / NOTEPAD_PNG).symlink_to(tmp_path / "elsewhere.png")
    with pytest.raises(DataError, match=r"screenshot is a symbolic link to .*elsewhere.png, which does not exist"):
        load_split(root, "test")
    (root / NOTEPAD_TASK).unlink()
    (root / NOTEPAD_TASK).mkdir()
    with pytest.raises(DataError, match=r"task_2.0.txt: task file is a folder, not a file \(task 6 in test.json\)"):
        load_split(root, "test")


def test_symlinked_files_are_read_through(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    for rel in (NOTEPAD_PNG, NOTEPAD_TASK, NOTEPAD_BOX):
        target = tmp_path / Path(rel).name
        shutil.move(root / rel, target)
        (root / rel).symlink_to(target)
    t = load_split(root, "test")["6"]
    assert t.screen.width == 1920 and t.goal.startswith("Write Hello") and len(t.elements) == 3


# ---------------------------------------------------------------------------------------------------------
# Paths as other systems write them


def test_a_split_file_written_on_windows_loads(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    index = _split(root)
    for entry in index.values():
        for key in entry:
            entry[key] = entry[key].replace("/", "\\")
    _write_split(root, index)
    ds = load_split(root, "test")
    assert len(ds) == 12
    assert (ds["0"].platform, ds["0"].app) == ("desktop", "finder")
    assert (ds["10"].platform, ds["10"].app) == ("web", "amazon")  # the quirk's renamed files are found too
    assert ds["10"].image_path.name == "screen1.png" and len(ds["10"].elements) == 3
    assert ds["10"].screen_id == "data/data/web/amazon/screen_1"
    assert ds["10"].view().detections.ocr  # the optional files' paths are read the same way
    assert ds.sha256 != load_split(omniact_data, "test").sha256  # the split file's bytes differ


def test_a_file_name_in_the_other_unicode_normal_form_is_found(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    nfc = unicodedata.normalize("NFC", "tâche_ü.txt")
    nfd = unicodedata.normalize("NFD", nfc)
    task = root / NOTEPAD_TASK
    shutil.move(task, task.with_name(nfd))  # as a copy made on macOS names it
    index = _split(root)
    index["6"]["task"] = str(Path(NOTEPAD_TASK).with_name(nfc))
    _write_split(root, index)
    assert load_split(root, "test")["6"].goal == "Write Hello, World! and save it"


def test_a_detection_file_in_the_other_unicode_normal_form_is_found(omniact_data, tmp_path):
    # A missing detection file means no detections, so one missed for its spelling left the agent blind unsaid.
    root = _copy(omniact_data, tmp_path)
    index = _split(root)
    ocr = root / index["10"]["ocr"]
    nfc = unicodedata.normalize("NFC", "écran_ocr.json")
    shutil.move(ocr, ocr.with_name(unicodedata.normalize("NFD", nfc)))  # as a copy made on macOS names it
    index["10"]["ocr"] = str(Path(index["10"]["ocr"]).with_name(nfc))
    _write_split(root, index)
    assert [d.label for d in load_split(root, "test")["10"].view().detections.ocr] == ["See deals", "Search Amazon"]


def test_a_missing_file_with_a_non_ascii_name_is_named_as_missing(omniact_data, tmp_path):
    """Each Unicode form is the other's other spelling: neither there must end the search, not recurse for ever."""
    root = _copy(omniact_data, tmp_path)
    index = _split(root)
    index["1"]["image"] = "data/data/desktop/finder/écran.png"
    index["10"]["ocr"] = "ocr/web/amazon/écran.json"  # an optional file: no detections
    _write_split(root, index)
    with pytest.raises(DataError, match=r"écran\.png: screenshot is missing"):
        load_split(root, "test")
    r = CliRunner().invoke(main, ["manifest", "--data", str(root)])
    assert r.exit_code == 0, r.output


# ---------------------------------------------------------------------------------------------------------
# Task files as editors write them


def _task_file(root: Path, content: bytes) -> None:
    (root / NOTEPAD_TASK).write_bytes(content)


GOLD_6 = 'pyautogui.click(960.0,540.0)\npyautogui.write("Hello, World!")\npyautogui.hotkey("ctrl", "s")'
TEXT_6 = f"Task: Write Hello, World! and save it\nOutput Script:\n{GOLD_6}\n"


@pytest.mark.parametrize("content", [
    b"\xef\xbb\xbf" + TEXT_6.encode(),  # UTF-8 with a byte-order mark
    TEXT_6.replace("\n", "\r\n").encode(),  # Windows line endings
    TEXT_6.replace("\n", "\r").encode(),  # classic Mac line endings
    TEXT_6.encode("utf-16"),  # Notepad's "Unicode"
    ("\n\n" + TEXT_6 + "\n\n\n").encode(),  # blank lines around it
    b"\n\xef\xbb\xbf" + TEXT_6.replace("\n", "\r\n").encode(),  # a blank line, then a marked CRLF text
], ids=["bom", "crlf", "cr", "utf-16", "blank-lines", "blank-then-bom"])
def test_task_files_from_other_editors_read_as_the_plain_one(omniact_data, tmp_path, content):
    root = _copy(omniact_data, tmp_path)
    _task_file(root, content)
    t = load_split(root, "test")["6"]
    assert (t.goal, t.gold_script) == ("Write Hello, World! and save it", GOLD_6)


@pytest.mark.parametrize("content", [
    TEXT_6.replace('")\npyautogui.hotkey', '")\rpyautogui.hotkey').encode(),  # a lone CR after line 1
    TEXT_6.replace("Output Script:\n", "Output Script: ").encode(),  # an action on the Output Script line
    TEXT_6.replace("Output Script:\n", "Output Script:\r\n").encode(),  # one CRLF among LFs
], ids=["lone-cr", "same-line", "one-crlf"])
def test_a_task_files_gold_is_read_as_the_released_scorer_reads_it(omniact_data, tmp_path, content):
    """The released scorer opens task files in text mode (any CR ends a line) and keeps the lines after line 1
    that start with 'pyautogui': reference mode scores the gold it scored."""
    root = _copy(omniact_data, tmp_path)
    _task_file(root, content)
    with open(root / NOTEPAD_TASK) as f:  # as the release reads it
        released_gold = [x.lower() for x in f.read().strip().split("\n")[1:] if x.lower().strip().startswith("pyautogui")]
    gold = load_split(root, "test")["6"].gold_script
    assert [x.lower() for x in gold.split("\n")] == released_gold
    lines, ok = validate_data(root)
    same_line = b"Output Script: pyautogui" in content
    assert ok and any("after 'Output Script:' is not part of the gold script" in x for x in lines) == same_line


@pytest.mark.parametrize("content, expected", [
    (b"", "task_2.0.txt:1: task file is empty; it needs 'Task: <goal>'"),
    (b"\n \n", "task_2.0.txt:1: task file is empty"),
    (b"\x00" * 64, "task_2.0.txt: task file is binary (it holds NUL bytes)"),
    ("Task: Café\nOutput Script:\npyautogui.click(1,2)\n".encode("latin-1"),
     "task_2.0.txt:1: task file is not UTF-8 text (byte 0xe9 at column 10): save it as UTF-8"),
    (TEXT_6.encode() + b'pyautogui.press("a")\n' * 60_000,
     (f"task_2.0.txt: task file is {len(TEXT_6) + 21 * 60_000:,} bytes; a task file is a goal and a short script "
     "(at most 1,048,576 bytes): is this the right file? (task 6 in test.json)")),
], ids=["empty", "blank", "binary", "latin-1", "huge"])
def test_a_task_file_that_cannot_be_one_says_why(omniact_data, tmp_path, content, expected):
    root = _copy(omniact_data, tmp_path)
    _task_file(root, content)
    with pytest.raises(DataError) as e:
        load_split(root, "test")
    assert expected in str(e.value)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_task_file_that_is_a_fifo_or_a_device_is_named_not_waited_on(omniact_data, tmp_path, kind):
    import os

    root = _copy(omniact_data, tmp_path)
    (root / NOTEPAD_TASK).unlink()
    if kind == "fifo":
        os.mkfifo(root / NOTEPAD_TASK)  # opening it for reading blocked the load until a writer came: for ever
    else:
        os.symlink("/dev/zero", root / NOTEPAD_TASK)
    code = ("from omniact.dataset import load_split\nfrom omniact.errors import DataError\n"
            f"try:\n    load_split({str(root)!r}, 'test')\nexcept DataError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    assert "task_2.0.txt: task file is unreadable: not a regular file (a FIFO, socket or device) (task 6" \
        in out.stdout, out


@pytest.mark.parametrize("text, line", [
    ("Task: x\nOutput Script:\npyautogui.click(1,2)\npyautogui.clack(1)\n", 4),
    ("\n\nTask: x\nOutput Script:\npyautogui.click(1,2)\npyautogui.clack(1)\n", 6),  # blank lines first
    ("Task: x\npyautogui.click(1,2)\npyautogui.clack(1)\n", 3),  # no Output Script line
    ("Task: x\r\nOutput Script:\r\npyautogui.click(1,2)\r\npyautogui.clack(1)\r\n", 4),
])
def test_validate_names_the_task_files_own_line_of_a_bad_gold_line(omniact_data, tmp_path, text, line):
    root = _copy(omniact_data, tmp_path)
    _task_file(root, text.encode())
    lines, ok = validate_data(root, "test")
    assert not ok
    assert next(x for x in lines if "gold script" in x).startswith(f"{root / NOTEPAD_TASK}:{line}:1: gold script:")


# ---------------------------------------------------------------------------------------------------------
# Split files


def test_a_task_id_given_twice_is_named_with_its_line(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    index = _split(root)
    entries = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in index.items()]
    entries.append(f'"6": {json.dumps(index["7"])}')  # json.loads would keep this one and drop task 6 silently
    (root / "test.json").write_text("{\n" + ",\n".join(entries) + "\n}\n")
    with pytest.raises(DataError) as e:
        load_split(root, "test")
    assert str(e.value) == (f"{root / 'test.json'}:14: task id '6' is given twice; json keeps only the last entry, "
                            "so give each task its own id")
    lines, ok = validate_data(root)  # validate lists it with the other splits' problems
    assert not ok and lines[0] == str(e.value) and "3 split(s), 15 tasks; 1 problem(s)" in lines[-1]


@pytest.mark.parametrize("spelling", ["escaped-key", "utf-16"])
def test_a_task_id_given_twice_is_found_however_the_file_is_spelt(omniact_data, tmp_path, spelling):
    root = _copy(omniact_data, tmp_path)
    index = _split(root)
    entries = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in index.items()]
    entries.append(f'"6": {json.dumps(index["7"])}')
    text = "{\n" + ",\n".join(entries) + "\n}\n"
    if spelling == "escaped-key":  # every "task" key spelt with an escape: the same JSON to every reader
        (root / "test.json").write_text(text.replace('"task"', '"\\u0074ask"'))
    else:
        (root / "test.json").write_bytes(text.encode("utf-16"))
    with pytest.raises(DataError) as e:
        load_split(root, "test")
    assert str(e.value) == (f"{root / 'test.json'}:14: task id '6' is given twice; json keeps only the last entry, "
                            "so give each task its own id")


def test_a_split_file_with_a_task_key_in_a_field_is_not_a_duplicate(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    index = _split(root)
    index["6"]["note"] = {"task": "a field of the same name is not an id"}
    _write_split(root, index)
    assert len(load_split(root, "test")) == 12


@pytest.mark.parametrize("text, expected", [
    ('{6: {"task": "a.txt", "image": "a.png"}}',
     (":1: split file is not valid JSON: Expecting property name enclosed in double quotes at column 2 (a comma "
      'after the last entry, or a key not in double quotes: ids are strings, "6")')),
    ('{\n"6": {"task": "a.txt", "image": "a.png"},\n}', ":3: split file is not valid JSON: Expecting property name"),
    ("", ": split file is empty; it must hold a JSON object"),
], ids=["int-key", "trailing-comma", "empty"])
def test_a_split_file_json_refuses_names_its_line(omniact_data, tmp_path, text, expected):
    root = _copy(omniact_data, tmp_path)
    (root / "test.json").write_text(text)
    with pytest.raises(DataError) as e:
        load_split(root, "test")
    assert str(e.value).startswith(f"{root / 'test.json'}{expected}")


def test_a_box_file_json_refuses_names_its_line(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    (root / NOTEPAD_BOX).write_text('{\n "0": {"top_left": [0, 0], "bottom_right": [60, 30]},\n}\n')
    with pytest.raises(DataError, match=r"screen_2.json:3: box file is not valid JSON: Expecting property name"):
        load_split(root, "test")


# ---------------------------------------------------------------------------------------------------------
# What validate checks beyond loading


def _png_bytes(size: tuple[int, int] = (1920, 1080)) -> bytes:
    import io

    buf = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buf, "PNG")  # noise: several IDAT chunks
    return buf.getvalue()


@pytest.mark.parametrize("cut", [0.5, 0.999, 40], ids=["half", "last-bytes", "after-header"])
def test_validate_finds_a_screenshot_cut_off_that_loading_measures_fine(omniact_data, tmp_path, cut):
    root = _copy(omniact_data, tmp_path)
    data = _png_bytes()
    (root / NOTEPAD_PNG).write_bytes(data[:cut if isinstance(cut, int) else int(len(data) * cut)])
    assert load_split(root, "test")["6"].screen.width == 1920  # the header is whole: loading reads only that
    lines, ok = validate_data(root)
    assert not ok
    assert [x for x in lines if "screen_2.png" in x] == [
        next(x for x in lines if x.startswith(f"{root / NOTEPAD_PNG}: PNG is cut off: ") and x.endswith("copy it again"))]


def test_validate_walks_a_cut_png_of_many_small_chunks_to_where_it_stops(tmp_path, monkeypatch):
    import struct

    import omniact.validate as validate

    # A 16-byte read window: chunk headers straddle windows, and a chunk longer than one is stepped over.
    monkeypatch.setattr(validate, "_WINDOW", 16)
    text = struct.pack(">I", 0) + b"tEXt" + bytes(4)  # an empty chunk: 12 bytes
    whole = _png_header(10, 10)
    png = tmp_path / "s.png"
    png.write_bytes(whole[:-12] + text * 50 + struct.pack(">I", 40) + b"zTXt" + bytes(10))
    end, size = len(whole) - 12 + 600 + 52, len(whole) - 12 + 600 + 18
    assert validate.screenshot_problem(png) == (
        f"PNG is cut off: its zTXt chunk runs to byte {end:,} of a {size:,}-byte file; copy it again", None)


def test_validate_gives_up_on_a_png_of_more_chunks_than_any_screenshot_has(tmp_path, monkeypatch):
    import struct

    import omniact.validate as validate

    # Millions of empty chunks and no end: a crafted file, refused after a bounded walk instead of read through.
    monkeypatch.setattr(validate, "_MAX_CHUNKS", 1000)
    png = tmp_path / "s.png"
    png.write_bytes(_png_header(10, 10)[:-12] + (struct.pack(">I", 0) + b"tEXt" + bytes(4)) * 5000)
    assert validate.screenshot_problem(png) == (
        "PNG is damaged: more than 1,000 chunks and no IEND chunk (its end); save it again", None)


def test_validate_passes_a_whole_png_and_warns_of_a_jpeg_under_a_png_name(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    (root / NOTEPAD_PNG).write_bytes(_png_bytes() + b"\0" * 100)  # bytes after IEND do not harm a PNG
    lines, ok = validate_data(root)
    assert ok and len(lines) == 1, lines
    Image.new("RGB", (1920, 1080)).save(root / NOTEPAD_PNG, "JPEG")
    lines, ok = validate_data(root)
    assert ok and lines[0] == f"warning: {root / NOTEPAD_PNG}: screenshot is a JPEG file under a .png name (it is read as one)"
    (root / NOTEPAD_PNG).write_bytes((root / NOTEPAD_PNG).read_bytes()[:-200])
    lines, ok = validate_data(root)
    assert not ok and lines[0] == f"{root / NOTEPAD_PNG}: JPEG is cut off: it has no end-of-image marker; copy it again"


def test_validate_lists_a_box_file_with_an_unreadable_element_once_and_goes_on(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    boxes = json.loads((root / NOTEPAD_BOX).read_text())
    boxes["0"]["top_left"] = [1, 2, 3]
    (root / NOTEPAD_BOX).write_text(json.dumps(boxes))
    (root / "data/tasks/web/amazon/task_1.0.txt").unlink()  # and another problem elsewhere
    lines, ok = validate_data(root)
    assert not ok
    assert lines.count(f"{root / NOTEPAD_BOX}: element '0' needs top_left and bottom_right as [x, y]") == 1
    assert any("task_1.0.txt: task file is missing" in x for x in lines)
    assert lines[-1].endswith("2 problem(s), 0 warning(s)")


def test_validate_warns_of_boxes_with_swapped_corners(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    boxes = json.loads((root / NOTEPAD_BOX).read_text())
    for k in ("0", "2"):
        boxes[k]["top_left"], boxes[k]["bottom_right"] = boxes[k]["bottom_right"], boxes[k]["top_left"]
    (root / NOTEPAD_BOX).write_text(json.dumps(boxes))
    lines, ok = validate_data(root)
    assert ok
    assert (f"warning: {root / NOTEPAD_BOX}: element '0' (and 1 more) has top_left below or right of bottom_right, "
            "so no point is inside it") in lines


def test_box_elements_with_extra_fields_string_numbers_and_string_flags(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    boxes = json.loads((root / NOTEPAD_BOX).read_text())
    boxes["0"].update(top_left=["0", "0"], bottom_right=["60", "30"], valid="0", text="File", score=0.93)
    boxes["1"].update(label=None, valid="true")
    boxes["2"].pop("valid")
    (root / NOTEPAD_BOX).write_text(json.dumps(boxes))
    e0, e1, e2 = load_split(root, "test")["6"].elements
    assert (e0.box.center, e0.label, e0.valid) == ((30.0, 15.0), "file_menu", False)
    assert (e1.label, e1.valid) == ("", True)
    assert e2.valid is None
    assert (root / "test.json").exists() and validate_data(root)[1]


def test_an_empty_box_file_loads_with_no_elements(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    (root / NOTEPAD_BOX).write_text("{}")
    assert load_split(root, "test")["6"].elements == ()
    lines, ok = validate_data(root)
    assert ok and any("task 6: gold line 1: no box has its centre at the click point" in x for x in lines)


# ---------------------------------------------------------------------------------------------------------
# The commands, as a user runs them


def _cli(*args):
    from click.testing import CliRunner

    from omniact.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("cut, why", [(0.5, "image file is truncated"), (40, "cannot identify image file")])
def test_show_on_a_cut_off_screenshot_is_one_line(omniact_data, tmp_path, cut, why):
    root = _copy(omniact_data, tmp_path)
    data = _png_bytes()
    (root / NOTEPAD_PNG).write_bytes(data[:cut if isinstance(cut, int) else int(len(data) * cut)])
    r = _cli("show", "--data", root, "6", "--out", tmp_path / "out.png")
    assert r.exit_code == 2
    assert r.stderr == (f"omniact: {root / NOTEPAD_PNG}: screenshot cannot be decoded ({why}): `omniact validate` "
                        "checks every screenshot\n")
    assert not (tmp_path / "out.png").exists()


def test_every_command_reads_a_jpeg_screenshot_and_a_windows_split_file(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    Image.new("RGB", (1920, 1080), "white").save(root / NOTEPAD_PNG, "JPEG")
    index = _split(root)
    for entry in index.values():
        entry.update((k, v.replace("/", "\\")) for k, v in entry.items())
    _write_split(root, index)
    r = _cli("tasks", "--data", root, "--json")
    assert r.exit_code == 0
    six = next(t for t in json.loads(r.output) if t["id"] == "6")
    assert (six["width"], six["height"], six["app"]) == (1920, 1080, "notepad")
    assert six["screenshot"] == str(root / NOTEPAD_PNG)
    assert _cli("show", "--data", root, "6", "--out", tmp_path / "six.png").exit_code == 0
    with Image.open(tmp_path / "six.png") as im:
        assert im.width == 1920


def test_manifest_with_a_dangling_symlink_says_so(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    (root / "notes.txt").symlink_to(tmp_path / "gone.txt")
    r = _cli("manifest", "--data", root)
    assert r.exit_code == 2
    assert r.stderr == (f"omniact: {root / 'notes.txt'}: file is a symbolic link to {tmp_path / 'gone.txt'}, which "
                        "does not exist; the manifest lists every file under the root: restore or remove it\n")
    (root / "notes.txt").unlink()
    assert _cli("manifest", "--data", root).exit_code == 0
    (root / "notes.txt").symlink_to(tmp_path / "gone.txt")
    lines, ok = validate_data(root)
    assert not ok
    assert lines[0] == f"{root / 'notes.txt'}: file is a symbolic link to {tmp_path / 'gone.txt'}, which does not exist"


@pytest.mark.parametrize("content, expected", [
    ("{oops", ":1: ocr detection file is not valid JSON: Expecting property name enclosed in double quotes at column 2"),
    ('{"See deals": "412, 826"}', ": 'See deals': expected [x, y] or a list of them, got \"412, 826\""),
    ('{"a": [1, 2, 3]}', ": 'a': expected [x, y] or a list of them, got [1, 2, 3]"),  # the whole value, not 1
    ('{"caf\u00e9": [1, 2]}'.encode("latin-1"), ":1: ocr detection file is not UTF-8 text (byte 0xe9 at column 6)"),
    ('{"a": [1, 2' + '0' * 5000 + ']}', ": ocr detection file holds a number of more than 4,300 digits"),
    ("", ": ocr detection file is empty"),
])
def test_validate_reads_the_optional_detection_files_an_agent_would(omniact_data, tmp_path, content, expected):
    root = _copy(omniact_data, tmp_path)
    (root / "ocr/web/amazon/screen_1.json").write_bytes(content if isinstance(content, bytes) else content.encode())
    lines, ok = validate_data(root)
    assert not ok
    assert [x for x in lines if "screen_1.json" in x] == [
        next(x for x in lines if x.startswith(f"{root / 'ocr/web/amazon/screen_1.json'}{expected}"))]


@pytest.mark.parametrize("corners", [
    ('[400, 340]', '[300, 300]'),  # swapped, which validate only warns about
    ('[NaN, 300]', '[400, 340]'),
    ('[-Infinity, 300]', '[Infinity, 340]'),
    ('[-1e308, -1e308]', '[1e308, 1e308]'),
])
def test_show_draws_a_screen_whose_box_file_validate_accepts(omniact_data, tmp_path, corners):
    root = _copy(omniact_data, tmp_path)
    boxes = json.loads((root / NOTEPAD_BOX).read_text())
    text = json.dumps(boxes)[:-1] + f', "odd": {{"top_left": {corners[0]}, "bottom_right": {corners[1]}}}}}'
    (root / NOTEPAD_BOX).write_text(text)
    _, ok = validate_data(root)
    assert ok
    r = _cli("show", "--data", root, "6", "--out", tmp_path / "out.png")
    assert r.exit_code == 0, r.output
    with Image.open(tmp_path / "out.png") as im:
        assert im.width == 1920  # the screenshot, with the legend under it


def test_a_box_coordinate_past_float_range_is_one_line_naming_the_element(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    (root / NOTEPAD_BOX).write_text('{"0": {"top_left": [0, 0], "bottom_right": [1' + "0" * 400 + ', 5]}}')
    for verb in (["validate", "--data", root], ["show", "--data", root, "6", "--out", tmp_path / "o.png"]):
        r = _cli(*verb)
        assert r.exit_code == 2, r.output
        assert f"{root / NOTEPAD_BOX}: element '0' needs top_left and bottom_right as [x, y]" in r.output
        assert "Traceback" not in r.output


def test_show_keeps_a_long_goal_and_a_long_script_to_a_readable_legend(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    steps = "".join(f"pyautogui.press('f{i % 12 + 1}')\n" for i in range(500))
    (root / NOTEPAD_TASK).write_text("Task: " + "find the report " * 3000 + "\nOutput Script:\n" + steps)
    r = _cli("show", "--data", root, "6", "--out", tmp_path / "out.png")
    assert r.exit_code == 0, r.output
    with Image.open(tmp_path / "out.png") as im:  # Pillow opens it again: not a decompression bomb
        assert im.width < 4000 and im.height < 1080 + 70 * 40


@pytest.mark.parametrize("mode", ["I;16", "LA", "RGBA"])
def test_an_agents_view_of_a_16_bit_or_transparent_screenshot_is_the_picture_not_a_blank(omniact_data, tmp_path, mode):
    """`view.image` (what the vlm agent is shown) converted these as Pillow does: a 16-bit screenshot all white,
    dark text on a transparent background all black. It now shows what the DetACT detector reads."""
    import numpy as np

    root = _copy(omniact_data, tmp_path)
    grey = np.full((1080, 1920), 230, np.uint8)
    grey[500:580, 800:1100] = 20  # a dark label
    if mode == "I;16":
        im = Image.fromarray(grey.astype(np.uint16) * 257)  # saved as a 16-bit greyscale PNG
    else:  # the label's ink opaque, the rest transparent (stored black, as most files store it)
        ink = np.zeros_like(grey)
        alpha = np.where(grey < 128, 255, 0).astype(np.uint8)
        im = Image.merge(mode, [Image.fromarray(ink)] * (len(mode) - 1) + [Image.fromarray(alpha)])
    im.save(root / NOTEPAD_PNG)
    image = np.asarray(load_split(root, "test")["6"].view().image)
    assert image.shape == (1080, 1920, 3)
    assert image[540, 900].max() < 40 and image[100, 100].min() > 200  # the label dark, the screen around it light


def test_a_latin_1_split_file_names_its_line_byte_and_column(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    text = (root / "test.json").read_text().replace("notepad", "caf\u00e9", 1)
    (root / "test.json").write_bytes(text.encode("latin-1"))
    line = text[:text.index("caf\u00e9")].count("\n") + 1
    r = _cli("tasks", "--data", root)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"omniact: {root / 'test.json'}:{line}: split file is not UTF-8 text (byte 0xe9 at "
                               "column ") and r.stderr.endswith("): save it as UTF-8\n")


def test_a_large_screenshot_the_loader_accepts_opens_without_pillows_bomb_warning(tmp_path, monkeypatch):
    """Between Pillow's warning and error sizes (89 and 179 megapixels, here made 1,000 and 2,000 pixels): Pillow
    printed 'DecompressionBombWarning: ... could be decompression bomb DOS attack' with its own file and line."""
    import warnings

    from PIL import Image as PILImage

    from omniact.task import TaskView

    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1_000)
    path = tmp_path / "big.png"
    Image.new("RGB", (40, 40), "white").save(path)  # 1,600 pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view = TaskView(id="1", goal="g", image_path=path, width=40, height=40)
        assert view.image.size == (40, 40)


def test_an_entry_whose_optional_fields_have_the_wrong_type_is_named_not_a_traceback(omniact_data, tmp_path):
    # A list or object as a box, detection file, OS or ratio made every verb (validate too) end in a TypeError; a
    # number as a path or OS went through unsaid ("desktop/5" in `omniact tasks`).
    root = _copy(omniact_data, tmp_path)
    index = _split(root)
    ids = list(index)
    index[ids[3]]["ocr"] = ["screen_3.json"]
    index[ids[5]]["os"] = 5
    index[ids[6]]["dpr"] = "2"
    index[ids[7]]["box"] = {"path": "x.json"}
    _write_split(root, index)
    split = str(root / "test.json")
    r = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert r.exit_code == 2
    for line in (f"{split}: entry '{ids[3]}': 'ocr' must be a path (a string), not a list",
                 f"{split}: entry '{ids[5]}': 'os' must be a name (a string: macos, windows, linux), not 5",
                 f"{split}: entry '{ids[6]}': 'dpr' must be a number (the device pixel ratio, 2 for Retina), not \"2\"",
                 f"{split}: entry '{ids[7]}': 'box' must be a path (a string), not an object"):
        assert line in r.output.splitlines(), r.output
    for verb in (["tasks", "--json"], ["score", "--predictions", str(tmp_path / "none.jsonl")]):
        (tmp_path / "none.jsonl").write_text("")
        r = CliRunner().invoke(main, [*verb, "--data", str(root), "--split", "test"])
        assert r.exit_code == 2 and r.output.count("\n") == 1 and "must be" in r.output, r.output


def test_an_id_in_two_splits_is_a_warning_said_as_one(omniact_data, tmp_path):
    root = _copy(omniact_data, tmp_path)
    test, train = _split(root), _split(root, "train")
    some = next(iter(test))
    train[some] = test[some]
    _write_split(root, train, "train")
    r = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert f"warning: {root / 'train.json'}: task id {some} is also in " in r.output or \
        f"warning: {root / 'test.json'}: task id {some} is also in " in r.output, r.output
