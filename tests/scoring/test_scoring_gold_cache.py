"""The on-disk cache of a split's prepared gold side: same numbers as a fresh load, never stale."""

from __future__ import annotations

import json
import os
import shutil
import threading

import pytest
from omniact_fixture import make_dataset
from scoring_helpers import _ROOT  # noqa: F401  (puts the repository's `scoring` first)

import scoring
from omniact.dataset import load_split
from omniact.errors import DataError
from scoring import gold_cache


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("OMNIACT_CACHE_DIR", str(tmp_path / "cache"))
    # The fixture's files were written a moment ago; a cache is normally not written for files that changed
    # in the last two seconds (see the module). The tests below change files on purpose and check each change.
    monkeypatch.setattr(gold_cache, "_RACY_NS", 0)
    # `omniact score` writes a split's entry the second time it scores it; these tests check each entry as written.
    monkeypatch.setattr(gold_cache, "SIGHTINGS_BEFORE_WRITE", 0)
    return make_dataset(tmp_path / "data")


def _preds(root) -> dict[str, str]:
    ds = load_split(root, "test")
    return {t.id: t.gold_script for t in ds.tasks}


def _score(root, preds, **kw):
    return scoring.score(gold_cache.load_prepared(root, "test", **kw), preds).to_json()


def test_a_cached_gold_side_scores_exactly_like_a_fresh_load_and_reads_no_task_file(data, monkeypatch):
    preds = _preds(data)
    preds[next(iter(preds))] = "pyautogui.click(1, 1)"
    fresh = scoring.score(load_split(data, "test"), preds).to_json()
    assert _score(data, preds) == fresh  # first run: loads, prepares, writes the entry
    assert list((data.parent / "cache" / "gold").glob("*.marshal"))

    def no_load(*a, **k):
        raise AssertionError("the split was loaded again although nothing changed")

    monkeypatch.setattr(gold_cache, "load_split", no_load)
    assert _score(data, preds) == fresh
    assert _score(data, preds, use_cache=True)["dataset"] == fresh["dataset"]


def test_strict_gold_plans_are_kept_and_the_next_strict_run_reads_no_box_file(data, monkeypatch):
    preds = _preds(data)
    first = list(preds)[:3]
    preds[first[0]] = "pyautogui.click(1, 1)"
    preds[first[1]] = "Here is the script: pyautogui.click(1, 1)"
    fresh = scoring.score(load_split(data, "test"), preds, "strict")
    gold = gold_cache.load_prepared(data, "test")
    assert scoring.score(gold, preds, "strict").to_json(include_tasks=True) == fresh.to_json(include_tasks=True)
    gold_cache.update(gold)  # what `omniact score --mode strict` does after scoring

    from scoring import boxes

    def no_read(*a, **k):
        raise AssertionError("a box file was read although the strict plans were cached")

    monkeypatch.setattr(boxes.BoxIndex, "from_file", no_read)
    again = gold_cache.load_prepared(data, "test")
    assert scoring.score(again, preds, "strict").to_json(include_tasks=True) == fresh.to_json(include_tasks=True)


def test_a_first_strict_run_writes_its_entry_once_with_the_strict_plans(data, monkeypatch):
    """`omniact score` defers the first write until scoring is done: one entry, strict plans included."""
    preds = _preds(data)
    writes = []
    dump = gold_cache._dump
    monkeypatch.setattr(gold_cache, "_dump", lambda *a: writes.append(1) or dump(*a))
    gold = gold_cache.load_prepared(data, "test", write_later=True)
    assert not list((data.parent / "cache" / "gold").glob("*.marshal"))  # nothing written before scoring
    fresh = scoring.score(gold, preds, "strict").to_json(include_tasks=True)
    gold_cache.update(gold)
    gold_cache.update(gold)  # nothing new: no second write
    assert len(writes) == 1

    from scoring import boxes

    def no_read(*a, **k):
        raise AssertionError("a box file was read although the strict plans were cached")

    monkeypatch.setattr(boxes.BoxIndex, "from_file", no_read)
    again = gold_cache.load_prepared(data, "test")
    assert scoring.score(again, preds, "strict").to_json(include_tasks=True) == fresh


def test_changing_a_gold_script_invalidates_the_cache(data):
    preds = _preds(data)
    before = _score(data, preds)
    assert before["sequence_score"] == 1.0
    ds = load_split(data, "test")
    task = ds.tasks[0]
    text = task.task_path.read_text()
    task.task_path.write_text(text.replace("pyautogui.", "pyautogui.rightClick(1, 1)\npyautogui.", 1))
    after = _score(data, preds)
    assert after["sequence_score"] < 1.0
    assert after["dataset"]["sha256"] != before["dataset"]["sha256"]
    assert after == scoring.score(load_split(data, "test"), preds).to_json()


def test_a_deleted_screenshot_is_reported_not_served_from_the_cache(data):
    preds = _preds(data)
    _score(data, preds)
    task = load_split(data, "test").tasks[0]
    image = task.image_path
    os.unlink(image)
    with pytest.raises(DataError) as e:
        _score(data, preds)
    assert str(e.value) == f"{image}: screenshot is missing (task {task.id} in test.json)"


def test_a_corrupt_or_foreign_entry_is_a_miss(data):
    preds = _preds(data)
    good = _score(data, preds)
    (entry,) = (data.parent / "cache" / "gold").glob("*.marshal")
    for junk in (b"", b"\x00garbage", entry.read_bytes()[:100]):
        entry.write_bytes(junk)
        assert _score(data, preds) == good


def test_an_entry_replaced_by_a_fifo_is_a_miss_not_a_hang(data):
    preds = _preds(data)
    good = _score(data, preds)
    (entry,) = (data.parent / "cache" / "gold").glob("*.marshal")
    entry.unlink()
    os.mkfifo(entry)
    done: list[dict] = []
    worker = threading.Thread(target=lambda: done.append(_score(data, preds)), daemon=True)
    worker.start()
    worker.join(30)
    if worker.is_alive():  # blocked opening the FIFO for reading: a writer that closes at once lets it go
        os.close(os.open(entry, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(30)
        pytest.fail("score waited for a writer on the FIFO in the cache")
    assert done == [good]
    assert entry.is_file()  # rewritten as an entry


def test_a_copied_data_set_does_not_use_the_original_entry(data, tmp_path):
    preds = _preds(data)
    _score(data, preds)
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    split = json.loads((copy / "test.json").read_text())
    task_file = copy / next(iter(split.values()))["task"]
    task_file.write_text(task_file.read_text().replace("Task:", "Task: changed", 1))
    assert _score(copy, preds)["dataset"]["root"] == str(copy.resolve())


def test_one_split_file_given_with_two_data_roots_scores_each_roots_own_files(data, tmp_path):
    """`--split shared.json` names task files relative to `--data`: scoring data set B after A must read B's gold,
    not A's from A's entry (whose files are all unchanged)."""
    other = tmp_path / "other"
    shutil.copytree(data, other)
    shared = tmp_path / "shared.json"
    shutil.copy(data / "test.json", shared)
    first = next(iter(json.loads(shared.read_text()).values()))
    task_file = other / first["task"]
    task_file.write_text(task_file.read_text().replace("pyautogui.", "pyautogui.press('f5')\npyautogui.", 1))
    preds = _preds(data)

    def score_with(root):
        return scoring.score(gold_cache.load_prepared(root, str(shared)), preds).to_json()

    a = score_with(data)
    b = score_with(other)
    fresh_b = scoring.score(load_split(other, str(shared)), preds).to_json()
    assert b == fresh_b
    assert b["dataset"]["root"] == str(other.resolve()) and b["dataset"]["sha256"] != a["dataset"]["sha256"]
    assert b["sequence_score"] < a["sequence_score"]  # the changed task no longer matches its prediction
    assert score_with(data) == a  # and each root keeps its own entry


@pytest.mark.parametrize("restored", [False, True])
def test_files_changed_just_before_the_load_are_not_cached(data, monkeypatch, restored):
    monkeypatch.setattr(gold_cache, "_RACY_NS", 60_000_000_000)  # everything here changed within a minute
    if restored:  # cp -p, tar and rsync -t put back old modification times; the change times are still new
        import time

        hour_ago = time.time() - 3600
        for f in data.rglob("*"):
            if f.is_file():
                os.utime(f, (hour_ago, hour_ago))
    good = _score(data, _preds(data))
    assert not list((data.parent / "cache" / "gold").glob("*.marshal"))
    # the files no longer as recent: the same load writes its entry (nothing else kept it from being cached)
    monkeypatch.setattr(gold_cache, "_RACY_NS", 0)
    assert _score(data, _preds(data)) == good
    assert len(list((data.parent / "cache" / "gold").glob("*.marshal"))) == 1


def test_an_entry_another_scorer_or_python_wrote_is_a_miss(data, monkeypatch):
    # Entries are found by data root and split file alone: the stamp inside (scorer version, Python, marshal format)
    # is what keeps an upgraded omniact from scoring with an older one's gold plans.
    preds = _preds(data)
    good = _score(data, preds)
    assert len(list((data.parent / "cache" / "gold").glob("*.marshal"))) == 1  # this omniact's entry
    loads = []
    real = gold_cache.load_split
    monkeypatch.setattr(gold_cache, "load_split", lambda *a, **k: loads.append(1) or real(*a, **k))
    stamp = gold_cache._STAMP
    for k in range(len(stamp)):
        monkeypatch.setattr(gold_cache, "_STAMP", (*stamp[:k], "another", *stamp[k + 1:]))
        assert _score(data, preds) == good
    assert len(loads) == len(stamp)  # the split read again each time, not served from the entry


def test_creating_the_file_a_web_entry_names_invalidates_the_cache(data):
    """The published web entries name files that are on disk under another name; if the named file appears,
    the loader reads it instead, so the cached entry must not be used."""
    preds = _preds(data)
    _score(data, preds)
    ds = load_split(data, "test")
    web = next(t for t in ds.tasks if t.platform == "web")
    split = json.loads((data / "test.json").read_text())
    named = data / split[web.id]["box"]
    assert not named.exists() and web.box_path != named
    boxes = json.loads(web.box_path.read_text())
    for b in boxes.values():  # the named file moves every box: a gold point no longer hits its box's centre
        b["top_left"][0] += 1
    named.write_text(json.dumps(boxes))
    assert _score(data, preds) == scoring.score(load_split(data, "test"), preds).to_json()
    assert load_split(data, "test")[web.id].box_path == named


def test_a_refused_predictions_file_still_leaves_the_gold_cached(data, tmp_path):
    """`omniact score` writes its entry after scoring; when the predictions file is refused (exit 2), the gold side
    it read is still good, and the run after the fix reads it from the cache."""
    from click.testing import CliRunner

    from omniact.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "0", "script": "pyautogui.click(1, 1)"}\n{"id": "0", "script": ""}\n')  # duplicate id
    r = CliRunner().invoke(main, ["score", "--data", str(data), "--split", "test", "--predictions", str(bad)])
    assert r.exit_code == 2 and "duplicate id" in r.output
    assert list((tmp_path / "cache" / "gold").glob("*.marshal"))


def test_a_temporary_file_of_a_killed_write_is_removed_by_a_later_write_not_one_under_way(data, tmp_path):
    # kill -9 of `omniact score` while it wrote its entry left `.<entry>.marshal.<random>.tmp` for ever.
    import time

    folder = gold_cache.cache_dir()
    folder.mkdir(parents=True)
    killed, writing = folder / ".0a1b.marshal.0123456789ab.tmp", folder / ".0a1b.marshal.ba9876543210.tmp"
    killed.write_bytes(b"x" * 100)
    writing.write_bytes(b"x")  # another `score` writing now (the folder is shared)
    os.utime(killed, (time.time() - 3600, time.time() - 3600))
    _score(data, _preds(data))
    assert not killed.exists() and writing.exists()
    assert len(list(folder.glob("*.marshal"))) == 1


@pytest.mark.parametrize("key", ["task", "box"])
def test_creating_the_file_at_the_spelling_a_split_names_invalidates_the_cache(data, key):
    """A task or box file the split names in one Unicode form and the disk holds in the other (a copy made on macOS)
    is read under the other; a file made later at the name as written is read instead, so the entry must not be
    used (it was: only the web file-name quirk's paths were checked)."""
    import unicodedata

    split_path = data / "test.json"
    split = json.loads(split_path.read_text())
    task_id = next(t.id for t in load_split(data, "test").tasks if t.box_path and "click(" in t.gold_script)
    old = data / split[task_id][key]
    nfc = unicodedata.normalize("NFC", f"{old.stem}_é{old.suffix}")
    nfd = unicodedata.normalize("NFD", nfc)
    os.rename(old, old.with_name(nfd))
    shared = [i for i, e in split.items() if e.get(key) == split[task_id][key]]
    for i in shared:
        split[i][key] = str(old.with_name(nfc).relative_to(data))
    split_path.write_text(json.dumps(split, ensure_ascii=False))
    preds = _preds(data)
    before = _score(data, preds)  # read under the other form, and cached
    text = (old.with_name(nfd)).read_text()
    if key == "task":
        changed = text.replace("pyautogui.", "pyautogui.rightClick(1, 1)\npyautogui.", 1)
    else:
        boxes = json.loads(text)
        for b in boxes.values():  # every box far from every gold point
            b["top_left"], b["bottom_right"] = [5000, 5000], [5002, 5002]
        changed = json.dumps(boxes)
    old.with_name(nfc).write_text(changed)
    fresh = scoring.score(load_split(data, "test"), preds).to_json()
    assert fresh["dataset"]["sha256"] != before["dataset"]["sha256"]  # another file read: other data
    assert _score(data, preds) == fresh


def test_the_score_command_writes_a_splits_entry_the_second_time_it_scores_it_and_reads_it_from_the_third(
        data, tmp_path, monkeypatch):
    """A split scored once costs no entry (nor the time to write one); scored again, its entry is written; the
    third run reads the gold side from it (no task file read). The mark the first run leaves is an empty file."""
    monkeypatch.setattr(gold_cache, "SIGHTINGS_BEFORE_WRITE", 1)
    preds = _preds(data)
    folder = tmp_path / "cache" / "gold"

    def run() -> dict:
        parts = gold_cache.begin(data, "test")
        try:
            result = parts.score(preds, "reference").to_json()
        finally:
            parts.close()
        parts.update()
        return result

    fresh = scoring.score(load_split(data, "test"), preds).to_json()
    assert run() == fresh
    assert [(p.suffix, p.stat().st_size) for p in folder.iterdir()] == [(".seen", 0)]
    assert run() == fresh
    assert sorted(p.suffix for p in folder.iterdir()) == [".marshal", ".seen"]

    def no_load(*a, **k):
        raise AssertionError("the split was loaded again although its entry was written")

    monkeypatch.setattr("scoring.split_parts.SplitParts", no_load)
    cached = gold_cache.begin(data, "test")
    assert cached.score(preds, "reference").to_json() == fresh


def test_a_stale_entry_is_rewritten_at_once_and_no_cache_leaves_no_mark(data, tmp_path, monkeypatch):
    monkeypatch.setattr(gold_cache, "SIGHTINGS_BEFORE_WRITE", 1)
    folder = tmp_path / "cache" / "gold"
    parts = gold_cache.begin(data, "test", use_cache=False)
    parts.close()
    parts.update()
    assert not folder.exists()  # --no-cache: not a sighting
    gold_cache.load_prepared(data, "test")  # (the Python API writes at once)
    (entry,) = folder.glob("*.marshal")
    before = entry.stat().st_mtime_ns
    task = sorted(data.rglob("task_*.txt"))[0]
    task.write_text(task.read_text() + "\n")  # the entry is stale: the split is scored again, so it is rewritten
    parts = gold_cache.begin(data, "test")
    parts.close()
    parts.update()
    assert entry.stat().st_mtime_ns != before
    assert not list(folder.glob("*.seen"))  # (an entry counts as a sighting)


def test_a_screens_index_lets_its_parsed_box_file_go_once_it_has_the_boxes_and_still_names_the_file(tmp_path):
    # The parsed box file (elements, labels, the JSON's lists: ten times the boxes' memory) stayed alive with the
    # prepared gold; once the index has its boxes it keeps only them and the file's name, which the cache's entry
    # and a task that needs the screen again read the file by.
    from omniact.dataset import read_box_file
    from scoring.boxes import BoxIndex

    path = tmp_path / "screen_1.json"
    path.write_text(json.dumps({"0": {"top_left": [0, 0], "bottom_right": [10, 20], "label": "OK"},
                                "1": {"top_left": [5, 5], "bottom_right": [7, 9], "label": "x", "valid": 0}}))
    elements = read_box_file(path)
    index = BoxIndex(elements)
    assert index.source == path
    assert index.exact_rect(5.0, 10.0) == (0.0, 0.0, 10.0, 20.0)
    assert index.source == path and index.rects == ((0.0, 0.0, 10.0, 20.0), (5.0, 5.0, 7.0, 9.0))
    assert not any(getattr(index, slot, None) is elements for slot in BoxIndex.__slots__)
    assert [e.label for e in elements] == ["OK", "x"]  # (whoever else holds the elements still has them)


def test_a_box_file_kept_as_its_boxes_only_reads_its_elements_again_when_asked_and_keeps_a_broken_ones_error(
        tmp_path):
    # A split scored in parts keeps each box file as its boxes only (the parsed file was most of the load's memory);
    # the elements, asked for all the same, are the file's; a file with an element that has no box says so where
    # its boxes are asked for, as before, not when it is read.
    from omniact.dataset import read_box_file
    from omniact.errors import DataError

    path = tmp_path / "screen_1.json"
    path.write_text(json.dumps({"0": {"top_left": [0, 0], "bottom_right": [10, 20], "label": "OK"},
                                "1": {"top_left": [5, 5], "bottom_right": [7, 9], "label": "x", "valid": 0}}))
    whole = read_box_file(path)
    kept = read_box_file(path)
    kept.keep_rects_only()
    assert kept.rects() == whole.rects() == ((0.0, 0.0, 10.0, 20.0), (5.0, 5.0, 7.0, 9.0))
    assert kept == whole and [(e.label, e.valid) for e in kept] == [("OK", None), ("x", False)]
    broken = tmp_path / "screen_2.json"
    broken.write_text(json.dumps({"0": {"top_left": [0, 0], "bottom_right": [1, 1]}, "b": {"top_left": [0, 0]}}))
    elements = read_box_file(broken)
    elements.keep_rects_only()  # (no error here)
    with pytest.raises(DataError, match="element 'b' needs top_left and bottom_right"):
        elements.rects()
