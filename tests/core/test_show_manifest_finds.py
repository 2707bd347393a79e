"""Review finds in `omniact show` (the screenshot as agents see it, Pillow's warning, the web quirk's path, a gold
script the parser refuses) and in the manifest check (one written by `sha256sum` itself)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from PIL import Image

from omniact.cli import main

WEB_IMAGE = "data/data/web/amazon/screen1.png"  # the file on disk; the split file names screen_1.png
NOTEPAD_IMAGE = "data/data/desktop/notepad/screen_2.png"
CLEAR = (700, 500)  # a point of the screenshot no box, action or legend covers (tasks 7 and 11)


def cli(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def copy(omniact_data: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(omniact_data, tmp_path / "d"))


def test_show_draws_a_transparent_screenshot_on_white_and_a_16_bit_one_grey(omniact_data, tmp_path):
    root = copy(omniact_data, tmp_path)
    # A transparent background stored black, dark text on it (an alpha hiding every pixel reads as no alpha)
    web = Image.new("RGBA", (1440, 900), (0, 0, 0, 0))
    web.paste((20, 20, 20, 255), (300, 70, 525, 106))
    web.save(root / WEB_IMAGE)
    Image.fromarray(np.full((1080, 1920), 40000, dtype=np.uint16)).save(root / NOTEPAD_IMAGE)  # 16-bit mid-grey
    for task_id, out, seen in (("11", tmp_path / "web.png", (255, 255, 255)),
                               ("7", tmp_path / "notepad.png", (40000 * 255 // 65535,) * 3)):
        r = cli("show", "--data", root, task_id, "--out", out)
        assert r.exit_code == 0, r.output
        with Image.open(out) as im:
            assert im.convert("RGB").getpixel(CLEAR) == seen  # as agents and the detector see it


def test_show_of_a_screenshot_over_pillows_warning_size_prints_no_warning(omniact_data, tmp_path):
    root = copy(omniact_data, tmp_path)
    # Pillow's warning size lowered, in the process of its own, so that notepad's 2-megapixel screenshot is between
    # its warning and error sizes, as a 95-megapixel one is by default (which the loader accepts).
    code = ("import sys; from PIL import Image; Image.MAX_IMAGE_PIXELS = 1_500_000\n"
            "from omniact.cli import main; main(sys.argv[1:])")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    r = subprocess.run([sys.executable, "-c", code, "show", "--data", str(root), "7", "--out",
                        str(tmp_path / "t.png")], capture_output=True, text=True, env=env, timeout=120,
                       check=False)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout == f"{tmp_path / 't.png'}\n"


def test_show_refuses_the_path_the_split_file_names_for_a_web_screenshot(omniact_data, tmp_path):
    root = copy(omniact_data, tmp_path)
    # The web quirk: the split file says screen_1.png, the file is screen1.png; loading tries screen_1.png first.
    written = root / "data/data/web/amazon/screen_1.png"
    assert not written.exists()
    for task_id, what in (("10", "the task's own file (screen_1.png)"),
                          ("9", f"a file of the data set in {root} (screen_1.png)")):
        r = cli("show", "--data", root, task_id, "--out", written)
        assert r.exit_code == 2
        assert r.output == (f"omniact: {written}: --out is {what}, which the drawing would replace: give another "
                            "path, e.g. task.png\n")
        assert not written.exists()
    # Spelled another way (a relative path through a `..`), it is the same path.
    r = CliRunner().invoke(main, ["show", "--data", str(root), "10", "--out",
                                  os.path.relpath(root / "data/data/web/../web/amazon/screen_1.png")])
    assert r.exit_code == 2 and "--out is the task's own file (screen_1.png)" in r.output
    assert not written.exists()
    with Image.open(root / WEB_IMAGE) as im:
        assert im.size == (1440, 900)
    assert cli("show", "--data", root, "10", "--out", root / "task10.png").exit_code == 0  # no file's path: drawn


def test_show_says_a_gold_script_the_parser_refuses_is_not_drawn(omniact_data, tmp_path):
    root = copy(omniact_data, tmp_path)
    task_file = root / "data/tasks/desktop/notepad/task_2.1.txt"
    with open(task_file, "a") as f:
        f.write("x\n")  # line 4 of the file, line 2 of the gold script
    out = tmp_path / "t.png"
    r = CliRunner().invoke(main, ["show", "--data", str(root), "7", "--out", str(out)])
    assert r.exit_code == 0  # the drawing is made
    assert r.stdout == f"{out}\n"
    assert r.stderr == (f"omniact: note: {task_file}:4:1: gold script not parsed (only pyautogui.<action>(...) "
                        "calls are allowed): drawn without its gold actions; `omniact validate` lists it\n")
    # The legend says so: the goal's line and one line of gold (an empty "gold:" list was two lines too, so the
    # line's green text is measured: the note is wider than "gold:").
    with Image.open(out) as im:
        rgb = np.asarray(im.convert("RGB"))
    assert rgb.shape[0] == 1080 + 2 * 17 + 8
    band = rgb[1080 + 4 + 17:1080 + 4 + 34]
    green = np.where((band[..., 1] > 150) & (band[..., 0] < band[..., 1] - 60))[1]
    assert green.max() > 300


def test_show_draws_a_parsed_gold_script_as_before(omniact_data, tmp_path):
    r = CliRunner().invoke(main, ["show", "--data", str(omniact_data), "7", "--out", str(tmp_path / "t.png")])
    assert r.exit_code == 0 and r.stderr == ""
    with Image.open(tmp_path / "t.png") as im:
        assert im.height == 1080 + 3 * 17 + 8  # goal, "gold:", "1. scroll(-10)"


def sha256sum_manifest(root: Path, prefix: str, sep: str) -> None:
    """MANIFEST.sha256 as `sha256sum` writes it: `find . | xargs sha256sum` (prefix "./"), `-b` (sep " *")."""
    lines = []
    for p in sorted(q for q in root.rglob("*") if q.is_file()):
        rel = p.relative_to(root).as_posix()
        lines.append(f"{hashlib.sha256(p.read_bytes()).hexdigest()}{sep}{prefix}{rel}\n")
    (root / "MANIFEST.sha256").write_text("".join(lines))


def test_validate_accepts_a_manifest_that_sha256sum_wrote(omniact_data, tmp_path):
    for prefix, sep in (("./", "  "), ("", " *"), ("./", " *")):
        root = copy(omniact_data, tmp_path / f"{len(prefix)}{len(sep)}{sep.strip()!r}")
        sha256sum_manifest(root, prefix, sep)
        if shutil.which("sha256sum"):
            assert subprocess.run(["sha256sum", "-c", "--quiet", "MANIFEST.sha256"], cwd=root, check=False).returncode == 0
        r = cli("validate", "--data", root)
        assert r.exit_code == 0, r.output
        assert r.output.startswith(f"ok: {root}:") and "MANIFEST.sha256 verified; 0 problem(s)" in r.output
        # ... and still finds a changed file, and a new one
        (root / NOTEPAD_IMAGE).write_bytes(b"\x89PNG changed")
        (root / "extra.txt").write_text("new")
        r = cli("validate", "--data", root)
        assert r.exit_code == 2
        assert f"{prefix}{NOTEPAD_IMAGE} has changed (sha256 differs)" in r.output
        assert f"{root / 'extra.txt'}: not in MANIFEST.sha256" in r.output
        assert "not a 'SHA256  PATH' line" not in r.output and r.output.count("not in MANIFEST.sha256") == 1


def test_a_manifest_line_with_one_space_or_another_mark_is_still_refused(omniact_data, tmp_path):
    root = copy(omniact_data, tmp_path)
    digest = hashlib.sha256((root / "test.json").read_bytes()).hexdigest()
    (root / "MANIFEST.sha256").write_text(f"{digest} test.json\n{digest} ?test.json\n")
    problems = [line for line in cli("validate", "--data", root).output.splitlines() if "SHA256  PATH" in line]
    assert problems == [f"{root / 'MANIFEST.sha256'}:{n}: not a 'SHA256  PATH' line" for n in (1, 2)]
