"""What `omniact detect` tells its user: the counts (detected, failed, up to date), where a stopped run left off and
how to go on, a bad --out at once, and its options' help. Detection itself is replaced by a stand-in (a screen
takes seconds with RapidOCR): these tests are about the verb, not the detector."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from omniact_fixture import make_dataset

from omniact.cli import main

FILES_PER_SCREEN = 3  # ocr, icon, color


@pytest.fixture()
def data(tmp_path) -> Path:
    return make_dataset(tmp_path / "data")  # the test split: 12 tasks on 3 screens


@pytest.fixture()
def detections(monkeypatch) -> list[str]:
    """Detection stands in for RapidOCR: the screenshot is decoded (a damaged one fails as it would), one element
    found. Returns the screenshots it was asked for."""
    from agents.detact.detector import DetectionResult, Detector, load_image
    from agents.detact.element import Element
    from omniact.task import Box

    asked: list[str] = []

    def detect(self, image, scale=None):
        asked.append(str(image))
        rgb = load_image(image)
        return DetectionResult(rgb.shape[1], rgb.shape[0], (Element("text", "Send", Box(5.0, 5.0, 15.0, 15.0)),))

    monkeypatch.setattr(Detector, "detect", detect)
    return asked


@pytest.fixture()
def no_detection(monkeypatch) -> None:
    """A test where detection must not start: it fails the test if it does."""
    from agents.detact.detector import Detector

    def detect(self, image, scale=None):
        pytest.fail(f"detection started on {image}")

    monkeypatch.setattr(Detector, "detect", detect)


def _detect(data: Path, out: Path, *args: str):
    return CliRunner().invoke(main, ["detect", "--data", str(data), "--split", "test", "--out", str(out), *args])


def _screenshots(data: Path) -> list[Path]:
    return sorted({(data / e["image"]).resolve() for e in json.loads((data / "test.json").read_text()).values()})


def test_a_damaged_screenshot_is_counted_failed_not_detected(data, detections, tmp_path):
    broken = next(p for p in _screenshots(data) if p.exists())
    broken.write_bytes(broken.read_bytes()[:-40])  # the header reads, the pixels do not
    out = tmp_path / "det"
    r = _detect(data, out)
    assert r.exit_code == 2, r.output
    assert r.stdout.startswith("2 of 3 screens detected, 1 failed; 12 tasks, 2 elements, ")
    assert r.stdout.endswith(f" s -> {out}\n")
    # load_image's line, the advice kept: not rebuilt from its cause
    assert r.stderr == (f"omniact: cannot read the screenshot (OSError: image file is truncated): {broken}; the file "
                        "is damaged or unreadable: copy it again\n")
    r = _detect(data, out, "--json")
    summary = json.loads(r.stdout)
    assert (summary["screens"], summary["failed"], summary["skipped"]) == (2, 1, 0) and summary["out"] == str(out)


def test_skip_existing_says_how_many_it_left(data, detections, tmp_path):
    out = tmp_path / "det"
    assert _detect(data, out).exit_code == 0
    r = _detect(data, out, "--skip-existing")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("0 screens detected, 3 up to date (--skip-existing); 12 tasks, 0 elements, ")
    shot = _screenshots(data)[0]
    later = os.stat(next(out.rglob("*.json"))).st_mtime + 10
    os.utime(shot, (later, later))  # a screen shot again since its files were written
    r = _detect(data, out, "--skip-existing", "--json")
    summary = json.loads(r.stdout)
    assert (summary["screens"], summary["failed"], summary["skipped"], summary["elements"]) == (1, 0, 2, 1)
    os.utime(shot, (later + 10, later + 10))
    r = _detect(data, out, "--skip-existing")
    assert r.stdout.startswith("1 screen detected, 2 up to date (--skip-existing); 12 tasks, 1 element, ")


def test_a_relative_out_is_said_absolute(data, detections, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = _detect(data, Path("det"))
    assert r.exit_code == 0 and r.stdout.endswith(f" s -> {tmp_path / 'det'}\n"), r.output


def test_ctrl_c_says_what_was_written_and_how_to_continue(data, detections, monkeypatch, tmp_path):
    from agents.detact.detector import Detector

    detect = Detector.detect

    def stopped_at_the_third(self, image, scale=None):
        if len(detections) == 2:
            raise KeyboardInterrupt
        return detect(self, image, scale)

    monkeypatch.setattr(Detector, "detect", stopped_at_the_third)
    out = tmp_path / "det"
    r = _detect(data, out)
    assert r.exit_code == 130, r.output
    assert r.stderr == (f"omniact: 2 of 3 screens written under {out}; run the same command with --skip-existing to "
                        "continue\nomniact: interrupted (Ctrl-C)\n")
    assert len(list(out.rglob("*.json"))) == 2 * FILES_PER_SCREEN
    monkeypatch.setattr(Detector, "detect", detect)
    r = _detect(data, out, "--skip-existing")  # as the line says
    assert r.exit_code == 0 and r.stdout.startswith("1 screen detected, 2 up to date (--skip-existing)"), r.output


def test_a_full_disk_counts_only_complete_screens(data, detections, monkeypatch, tmp_path):
    """The disk fills on the second screen's second file: one screen is whole, the second has a file of three."""
    from agents.detact import detector

    write = detector.write_json
    writes = []

    def filling(path, content):
        writes.append(path)
        if len(writes) == FILES_PER_SCREEN + 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        write(path, content)

    monkeypatch.setattr(detector, "write_json", filling)
    out = tmp_path / "det"
    r = _detect(data, out)
    assert r.exit_code == 1, r.output
    assert r.stderr == (f"omniact: 1 of 3 screens written under {out}; run the same command with --skip-existing to "
                        f"continue\nomniact: cannot write {writes[-1]}: No space left on device\n")


def test_a_file_in_the_way_of_out_is_refused_before_any_detection(data, no_detection, tmp_path):
    (tmp_path / "afile").write_text("")
    r = _detect(data, tmp_path / "afile" / "sub")
    assert r.exit_code == 2 and r.output == f"omniact: {tmp_path / 'afile'}: is a file, not a folder: choose another path\n"


def test_a_run_folder_is_refused_as_out_before_any_detection(data, no_detection, tmp_path):
    """Every other verb refuses a run's folder as --out; detect wrote ocr/, detact_icon/ and detact_color/ into it."""
    run = tmp_path / "runs" / "detact"
    run.mkdir(parents=True)
    (run / "run.sqlite").write_bytes(b"")
    r = _detect(data, run)
    assert r.exit_code == 2 and r.output == (f"omniact: {run}: this folder holds a run (run.sqlite): detections go in a "
                                             "data root or a folder of their own; choose another --out\n")
    assert sorted(p.name for p in run.iterdir()) == ["run.sqlite"]


def test_an_unwritable_out_is_refused_before_any_detection(data, no_detection, monkeypatch, tmp_path):
    import tempfile

    def refused(*args, **kwargs):  # what a folder without write permission answers (root is never refused)
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.path.join(kwargs["dir"], ".tmp123"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    out = tmp_path / "ro"
    r = _detect(data, out)
    assert r.exit_code == 2
    assert r.output == f"omniact: {out}: Permission denied: check its permissions, or choose another path\n"


def test_the_writability_check_leaves_nothing_behind(data, detections, tmp_path):
    out = tmp_path / "det"
    assert _detect(data, out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["detact_color", "detact_icon", "ocr"]


def test_a_missing_tesseract_is_said_as_the_option_typed(data, no_detection, monkeypatch, tmp_path):
    pytesseract = pytest.importorskip("pytesseract")
    from agents.detact import ocr
    from omniact.errors import UserError

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-such-tesseract"))
    monkeypatch.setattr(ocr, "_ENGINES", {})
    r = _detect(data, tmp_path / "det", "--ocr", "tesseract")
    assert r.exit_code == 2, r.output
    assert r.output.startswith("omniact: --ocr tesseract: the tesseract program cannot run (")
    assert r.output.endswith("; install tesseract-ocr or use --ocr rapidocr\n")
    with pytest.raises(UserError, match=r"^ocr=tesseract: .* or use ocr=rapidocr$"):  # the agent argument's spelling
        ocr.get_engine("tesseract")


def test_help_says_what_the_options_need_and_how_to_resume():
    r = CliRunner().invoke(main, ["detect", "--help"])
    text = " ".join(r.output.split())
    assert "tesseract needs the pytesseract package and the tesseract program" in text
    assert "rapidocr ships its models" in text
    assert "how to resume a stopped run" in text and "the files' dates only, not by the OCR engine" in text
    assert "Print the summary as one JSON object" in text
    assert "omniact detect --split test --out det/" in text and "--out DATA_ROOT --skip-existing" in text
