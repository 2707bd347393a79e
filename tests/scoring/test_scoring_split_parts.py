"""Scoring a split afresh in several processes gives what one process gives, to the last digit, and the same
errors; a child that fails costs time, never a result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from omniact_fixture import make_dataset
from scoring_helpers import _ROOT

import scoring
from omniact import process_pool
from omniact.dataset import load_split, source_files
from omniact.errors import DataError
from scoring import gold_cache, split_parts
from scoring.split_parts import SplitParts

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from gen_data import generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """600 tasks on 60 screens (every action type, web file-name quirk), with the generator's predictions."""
    root, preds = generate(tmp_path_factory.mktemp("gen"), 600, n_screens=60, seed=3)
    scripts = {}
    for line in preds.read_text().splitlines():
        rec = json.loads(line)
        scripts[rec["id"]] = rec["script"]
    ids = list(scripts)
    # Some answers missing, some not scripts at all, some the parser refuses, some nothing like the gold.
    for k, task_id in enumerate(ids[:40]):
        if k % 4 == 0:
            del scripts[task_id]
        elif k % 4 == 1:
            scripts[task_id] = ["pyautogui.click(1, 1)"]
        elif k % 4 == 2:
            scripts[task_id] = "import os; os.system('x')\npyautogui.click(1, 1)"
        else:
            scripts[task_id] = "pyautogui.click(5000, 5000)\npyautogui.press('f13')"
    return root, scripts


@pytest.fixture(autouse=True)
def small_parts(monkeypatch, tmp_path):
    monkeypatch.setattr(split_parts, "_MIN_PART", 1)  # parts of any size, so that small splits are cut too
    # A thread another test of this process left running (a pool's) would keep every split in one process; the
    # children here use no lock a leftover thread could hold.
    monkeypatch.setattr(process_pool, "_threads", lambda: 1)
    monkeypatch.setenv("OMNIACT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(gold_cache, "SIGHTINGS_BEFORE_WRITE", 0)  # entries written at once, not on a second run


def _alone(root, scripts, mode):
    return scoring.score(load_split(root, "test"), scripts, mode).to_json(include_tasks=True)


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("mode", ["reference", "strict"])
def test_parts_score_exactly_as_one_process_and_hash_the_same_files(generated, n, mode):
    root, scripts = generated
    parts = SplitParts(root, "test", n)
    assert len(parts._children) == n - 1  # the parts really were loaded by other processes
    result = parts.score(scripts, mode)
    assert result.to_json(include_tasks=True) == _alone(root, scripts, mode)
    gold = parts.gold()
    one = scoring.prepare(load_split(root, "test"))
    for field in ("ids", "weights", "n_gold", "plans", "texts", "groups", "dataset"):
        assert getattr(gold, field) == getattr(one, field), field
    assert [gold.boxes[i].rects for i in range(len(gold))] == [one.boxes[i].rects for i in range(len(one))]
    assert result.n_missing >= 10 and result.n_parse_errors >= 20


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(n_tasks=st.integers(1, 120), n_screens=st.integers(1, 40), n=st.integers(2, 4), seed=st.integers(0, 10**6),
       mode=st.sampled_from(["reference", "strict"]), shuffled=st.booleans())
def test_any_layout_cut_into_any_number_of_parts_scores_as_one_process(tmp_path_factory, n_tasks, n_screens, n, seed,
                                                                       mode, shuffled):
    # Splits of a few tasks or a few screens (fewer screens than parts: some parts empty), screens interleaved or in
    # runs, answers missing or refused: each part's positions put back where one process has them.
    import random

    root, preds = generate(tmp_path_factory.mktemp("layout"), n_tasks, n_screens=n_screens, seed=seed)
    rng = random.Random(seed)
    if shuffled:  # the split file's entries in another order (screens no longer in runs, or in runs: drawn)
        split = json.loads((root / "test.json").read_text())
        items = list(split.items())
        rng.shuffle(items)
        (root / "test.json").write_text(json.dumps(dict(items)))
    scripts = {}
    for line in preds.read_text().splitlines():
        rec = json.loads(line)
        roll = rng.random()
        if roll < 0.1:
            continue
        scripts[rec["id"]] = rec["script"] if roll > 0.2 else ("I would click\npyautogui.click(1, 1)" if roll > 0.15
                                                              else ["pyautogui.click(1, 1)"])
    parts = SplitParts(root, "test", n)
    try:
        assert parts.score(scripts, mode).to_json(include_tasks=True) == _alone(root, scripts, mode)
    finally:
        parts.close()


@pytest.mark.parametrize("reverse", [False, True])
def test_a_box_file_two_screens_share_is_hashed_once_whichever_part_reads_it_first(tmp_path, reverse):
    root, _ = generate(tmp_path / "gen", 80, n_screens=8, seed=5)
    split = json.loads((root / "test.json").read_text())
    first_box: dict[str, str] = {}  # screen -> its box file
    for e in split.values():
        first_box.setdefault(e["image"], e["box"])
    # Screens in pairs of one platform (a web box file is named by the web file-name quirk): the second of a
    # pair names the box file of the first.
    pairs = {}
    for platform in ("web", "desktop"):
        same = [i for i in first_box if f"/{platform}/" in i]
        pairs.update({b: first_box[a] for a, b in zip(same[::2], same[1::2])})
    for e in split.values():
        e["box"] = pairs.get(e["image"], e["box"])
    items = list(split.items())
    (root / "test.json").write_text(json.dumps(dict(items[::-1] if reverse else items)))
    expected = load_split(root, "test").sha256
    for n in (2, 3):
        parts = SplitParts(root, "test", n)
        entries = list(parts.ids.values())
        shared_across = any(len({p for p, pos in enumerate(parts._positions) for g in pos
                                 if entries[g]["box"] == box}) > 1 for box in set(first_box.values()))
        assert shared_across  # some box file really is read by two processes
        gold = parts.gold()
        assert gold.dataset["sha256"] == expected


@pytest.mark.parametrize("gold_first", [False, True])
def test_the_cache_entry_of_a_split_read_in_parts_reads_back_as_one_process_prepares_it(generated, monkeypatch,
                                                                                        gold_first):
    """The parts' frozen gold goes into the entry as their processes froze it (or, with strict plans worked out
    on the whole gold after, frozen whole): either reads back as one process prepares the split, strict plans
    included, so that the next strict run reads no task or box file."""
    import marshal

    from scoring import boxes

    root, scripts = generated
    monkeypatch.setattr(gold_cache, "_RACY_NS", 0)  # the generated files are new
    parts = gold_cache.begin(root, "test", workers=3)
    assert isinstance(parts, SplitParts) and len(parts._children) == 2
    if gold_first:
        parts.gold()  # as `omniact score` asks when the predictions file is refused
    result = parts.score(scripts, "strict")
    parts.update()
    (entry,) = (Path(os.environ["OMNIACT_CACHE_DIR"]) / "gold").glob("*.marshal")
    written = marshal.loads(entry.read_bytes())  # noqa: S302 - the entry this test wrote
    assert ("parts" in written) is not gold_first
    # Checked against every file one process reads, each once (the split file named once for all parts): a change
    # to any of them, the first task file of a part too, is then a miss.
    ds = load_split(root, "test")
    files, absent = source_files(ds)
    assert sorted(written["files"]) == sorted(files) and len(set(written["files"])) == len(files)
    assert sorted(written["absent"]) == sorted(absent)
    one = scoring.prepare(ds)

    def no_read(*a, **k):
        raise AssertionError("a task or box file was read although the entry holds the prepared gold")

    monkeypatch.setattr(gold_cache, "load_split", no_read)
    monkeypatch.setattr(boxes.BoxIndex, "from_file", no_read)
    again = gold_cache.load_prepared(root, "test")
    for name in ("ids", "weights", "n_gold", "plans", "texts", "groups", "dataset"):
        assert getattr(again, name) == getattr(one, name), name
    assert scoring.score(again, scripts, "strict").to_json(include_tasks=True) == _alone(root, scripts, "strict")
    assert result.to_json(include_tasks=True) == _alone(root, scripts, "strict")


@pytest.mark.parametrize("gold_between", [False, True])
def test_strict_plans_worked_out_after_the_parts_entry_was_written_are_written_by_the_next_update(
        generated, monkeypatch, gold_between):
    from scoring import boxes

    root, scripts = generated
    monkeypatch.setattr(gold_cache, "_RACY_NS", 0)  # the generated files are new
    parts = gold_cache.begin(root, "test", workers=3)
    parts.score(scripts, "reference")
    parts.update()  # the parts' entry, without strict plans
    if gold_between:
        parts.gold()
    parts.score(scripts, "strict")  # judged on the whole gold: its strict plans are worked out here
    parts.update()
    expected = _alone(root, scripts, "strict")

    def no_read(*a, **k):
        raise AssertionError("a task or box file was read although the entry holds the strict plans")

    monkeypatch.setattr(gold_cache, "load_split", no_read)
    monkeypatch.setattr(boxes.BoxIndex, "from_file", no_read)
    again = gold_cache.load_prepared(root, "test")
    assert scoring.score(again, scripts, "strict").to_json(include_tasks=True) == expected


def test_a_split_whose_screens_are_interleaved_is_dealt_by_screen():
    items = [(str(i), {"image": f"s{i % 3}.png"}) for i in range(9)] + [("x", "not an entry")]
    parts = split_parts._deal(items, 2)
    assert sorted(g for p in parts for g in p) == list(range(10))
    def screen(g: int) -> object:  # the screenshot, or the entry on its own
        entry = items[g][1]
        return entry["image"] if isinstance(entry, dict) else g

    screens = [{screen(g) for g in p} for p in parts]
    assert not screens[0] & screens[1]  # no screen is read by both processes
    assert all(p == sorted(p) for p in parts)


def test_this_process_takes_a_smaller_part_only_when_it_freezes_its_part_for_a_cache_entry(generated, tmp_path,
                                                                                             monkeypatch):
    # A first run reads the predictions here while a child sends its results, about as long: even parts. Writing a
    # cache entry, this process also freezes its part: its part is smaller by `_HEAD_START` of the split.
    items = [(str(i), {"image": f"s{i % 400}.png"}) for i in range(4000)]
    assert [len(p) for p in split_parts._deal(items, 2)] == [2000, 2000]
    smaller, bigger = (len(p) for p in split_parts._deal(items, 2, split_parts._HEAD_START))
    assert bigger - smaller == pytest.approx(4000 * split_parts._HEAD_START, abs=10)
    monkeypatch.setattr(split_parts, "_HEAD_START", 0.1)  # (60 tasks of the 600: a screen holds 10)
    root, _ = generated
    sizes = {}
    for cache in (None, (tmp_path / "entry", {})):
        parts = SplitParts(root, "test", 2, cache=cache)
        sizes[cache is None] = [len(p) for p in parts._positions]
        parts.close()
    assert sizes[True] == [300, 300] and sizes[False][1] - sizes[False][0] >= 50, sizes


def test_the_published_layout_fixture_scores_the_same_in_parts(tmp_path):
    root = make_dataset(tmp_path / "data")
    ds = load_split(root, "test")
    scripts = {t.id: t.gold_script for t in ds.tasks}
    scripts[ds.tasks[1].id] = "pyautogui.click(0, 0)"
    for mode in ("reference", "strict"):
        result = SplitParts(root, "test", 3).score(scripts, mode)
        assert result.to_json(include_tasks=True) == _alone(root, scripts, mode)


def _break(root: Path, task_id: str) -> None:
    split = json.loads((root / "test.json").read_text())
    (root / split[task_id]["task"]).unlink()


def _load_error(root) -> str:
    with pytest.raises(DataError) as e:
        load_split(root, "test")
    return str(e.value)


def test_a_broken_file_in_another_process_part_is_reported_as_one_load_reports_it(tmp_path, generated, monkeypatch):
    root = make_dataset(tmp_path / "data")
    parts = SplitParts(root, "test", 2)
    later = list(json.loads((root / "test.json").read_text()))[parts._positions[1][0]]
    parts.close()
    _break(root, later)
    expected = _load_error(root)
    parts = SplitParts(root, "test", 2)
    pids = [c.pid for c in parts._children]
    loaded_here = []
    part = SplitParts._part
    monkeypatch.setattr(SplitParts, "_part", lambda self, positions, *a: loaded_here.append(positions)
                        or part(self, positions, *a))
    with pytest.raises(DataError) as e:
        parts.score({}, "reference")
    assert str(e.value) == expected and later in expected
    # the child's own report of the error: its part is not loaded a second time here to find it again
    assert loaded_here == [parts._positions[0]]
    _reaped(pids)


def test_of_two_broken_entries_the_first_in_split_order_is_reported(tmp_path):
    root = make_dataset(tmp_path / "data")
    ids = list(json.loads((root / "test.json").read_text()))
    probe = SplitParts(root, "test", 2)
    child, here = probe._positions[1], probe._positions[0]
    probe.close()
    # One in the child's part, one in this process's; whichever comes first in the split is the one reported.
    first, second = (ids[g] for g in sorted((child[-1], here[-1])))
    _break(root, first)
    _break(root, second)
    with pytest.raises(DataError) as e:
        SplitParts(root, "test", 2).gold()
    assert str(e.value) == _load_error(root) and first in str(e.value)


def test_a_child_that_dies_leaves_its_part_to_this_process(generated, monkeypatch):
    root, scripts = generated
    monkeypatch.setattr(split_parts, "_child_main", lambda *a: os._exit(3))
    parts = SplitParts(root, "test", 2)
    pids = [c.pid for c in parts._children]
    assert len(pids) == 1
    result = parts.score(scripts, "reference")
    assert result.to_json(include_tasks=True) == _alone(root, scripts, "reference")
    _reaped(pids)


@pytest.mark.parametrize("gold_asked", [False, True])
def test_a_child_that_dies_freezing_its_gold_leaves_the_score_whole_and_writes_no_entry(generated, monkeypatch,
                                                                                          gold_asked):
    """A child sends its part's results, then freezes its gold for the cache while the score is summed here. One
    that dies then: the score (and the gold, asked for after) is what one process gives, and no cache entry is
    written (the next run makes one); nothing is left running."""
    root, scripts = generated
    monkeypatch.setattr(gold_cache, "_RACY_NS", 0)  # the generated files are new
    here, real = os.getpid(), split_parts.freeze

    def freeze(gold):
        if os.getpid() != here:
            os._exit(7)  # the child, after its results
        return real(gold)

    monkeypatch.setattr(split_parts, "freeze", freeze)
    parts = gold_cache.begin(root, "test", workers=2)
    assert isinstance(parts, SplitParts)
    pids = [c.pid for c in parts._children]
    result = parts.score(scripts, "reference")
    parts.close()
    assert result.to_json(include_tasks=True) == _alone(root, scripts, "reference")
    if gold_asked:
        assert parts.gold().dataset == load_split(root, "test").describe()
    parts.update()
    assert not list((Path(os.environ["OMNIACT_CACHE_DIR"]) / "gold").glob("*.marshal"))
    _reaped(pids)


def test_without_in_memory_files_the_parts_results_go_through_a_temporary_file_left_nowhere(generated, monkeypatch,
                                                                                             tmp_path):
    root, scripts = generated
    monkeypatch.delattr(os, "memfd_create", raising=False)
    monkeypatch.setattr(split_parts.tempfile, "tempdir", str(tmp_path))
    parts = SplitParts(root, "test", 3)
    assert len(parts._children) == 2
    result = parts.score(scripts, "strict")
    assert result.to_json(include_tasks=True) == _alone(root, scripts, "strict")
    assert [p.name for p in tmp_path.iterdir() if p.name != "cache"] == []


def _reaped(pids: list[int]) -> None:
    """No child left behind: each has ended and been waited for (another test's children may still be about)."""
    assert pids
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_gold_asked_before_the_predictions_then_scored(generated):
    """A predictions file the command refuses still leaves the gold to cache; scoring after it works too."""
    root, scripts = generated
    parts = SplitParts(root, "test", 2)
    gold = parts.gold()
    assert gold.dataset == load_split(root, "test").describe()
    result = parts.score(scripts, "strict")
    assert result.to_json(include_tasks=True) == _alone(root, scripts, "strict")


def _cli(root, preds, *args, cache):
    env = {**os.environ, "OMNIACT_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "omniact.cli", "score", "--data", str(root), "--split", "test", "--predictions",
           str(preds), "--json", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, cwd=_ROOT)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_score_command_on_two_processes_prints_and_caches_what_one_prints(tmp_path, monkeypatch):
    root, preds = generate(tmp_path / "gen", split_parts.MIN_TASKS, n_screens=200, seed=5)
    time.sleep(2.1)  # no entry is written for files changed in the last two seconds
    one = _cli(root, preds, "--workers", "1", cache=tmp_path / "c1")
    two = _cli(root, preds, cache=tmp_path / "c2")  # the default: 2 processes for this many tasks (where 2 cores)
    assert two == one
    assert not list((tmp_path / "c2" / "gold").glob("*.marshal"))  # scored once: no entry yet
    assert _cli(root, preds, cache=tmp_path / "c2") == one  # the second run writes it
    assert list((tmp_path / "c2" / "gold").glob("*.marshal"))
    again = _cli(root, preds, cache=tmp_path / "c2")  # read from the entry the parts wrote
    assert again == one
    monkeypatch.setenv("OMNIACT_CACHE_DIR", str(tmp_path / "c2"))
    cached = gold_cache.begin(root, "test")
    assert isinstance(cached, split_parts.Ready)


def test_a_process_running_threads_loads_in_one_process(monkeypatch):
    """A fork copies one thread: a lock another thread held would stay locked in the child."""
    monkeypatch.setattr(process_pool, "_threads", lambda: 2)
    assert split_parts.parts_for(20_000, None) == 1
    assert split_parts.parts_for(20_000, 2) == 1
    monkeypatch.setattr(process_pool, "_threads", lambda: 1)
    monkeypatch.setattr(split_parts, "_MIN_PART", 2000)
    assert split_parts.parts_for(20_000, 4) == 4
    assert split_parts.parts_for(3_000, None) == 1  # below MIN_TASKS: a fork costs more than it saves


def test_a_split_of_min_tasks_or_more_is_loaded_by_a_process_per_core_up_to_two(monkeypatch):
    monkeypatch.setattr(process_pool, "_threads", lambda: 1)
    monkeypatch.setattr(process_pool, "usable_cores", lambda: 8)
    monkeypatch.setattr(split_parts, "_MIN_PART", 2000)
    assert split_parts.parts_for(split_parts.MIN_TASKS - 1, None) == 1
    assert split_parts.parts_for(split_parts.MIN_TASKS, None) == 2
    assert split_parts.parts_for(20_000, None) == 2  # at most 2 by default, however many cores
    monkeypatch.setattr(process_pool, "usable_cores", lambda: 1)
    assert split_parts.parts_for(split_parts.MIN_TASKS, None) == 1
    # --workers is followed up to one process per _MIN_PART tasks, and never gives none
    assert split_parts.parts_for(2 * split_parts._MIN_PART, 3) == 2
    assert split_parts.parts_for(2 * split_parts._MIN_PART - 1, 3) == 1
    assert split_parts.parts_for(10, 3) == 1


def test_an_answer_too_deep_to_send_to_a_child_is_judged_here(generated):
    root, scripts = generated
    deep: list = []
    for _ in range(3000):  # marshal writes at most 2,000 levels
        deep = [deep]
    scripts = {**scripts, next(iter(scripts)): deep}
    parts = SplitParts(root, "test", 2)
    assert len(parts._children) == 1
    result = parts.score(scripts, "reference")
    assert result.to_json(include_tasks=True) == _alone(root, scripts, "reference")


def test_closed_before_the_predictions_are_sent_leaves_no_descriptor_open(generated):
    """A command that stops while reading the predictions (a refused file, Ctrl-C) closes the parts: each child's
    pipes are closed with it, not left open for the life of the process."""
    root, _ = generated

    def open_fds() -> set[str]:
        return set(os.listdir("/proc/self/fd"))

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("no /proc/self/fd")
    before = open_fds()
    for _ in range(3):
        parts = SplitParts(root, "test", 3)
        pids = [c.pid for c in parts._children]
        assert len(pids) == 2
        parts.close()
        parts.close()  # twice: nothing closed again
        _reaped(pids)
    assert open_fds() - before == set()


def test_scoring_a_second_prediction_set_judges_that_one(generated):
    root, scripts = generated
    parts = SplitParts(root, "test", 2)
    assert len(parts._children) == 1
    parts.score(scripts, "reference")
    other = dict.fromkeys(scripts, "pyautogui.press('enter')")
    result = parts.score(other, "strict")
    assert result.to_json(include_tasks=True) == _alone(root, other, "strict")


def test_a_split_hash_that_cannot_be_made_is_raised_as_one_load_raises_it_never_reported_empty(tmp_path,
                                                                                                 monkeypatch):
    """The split's hash is made in a thread: what it raises (a split file name that is not UTF-8) is raised where
    the score or the gold is asked for, as one load raises it, not swallowed into an empty sha256 that the score
    reports and the gold cache keeps."""
    import shutil

    monkeypatch.setattr(gold_cache, "_RACY_NS", 0)  # the files are new: an entry would be written
    root = make_dataset(tmp_path / "data")
    split = root / os.fsdecode(b"t\xe9st.json")
    try:
        shutil.copy(root / "test.json", split)
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses a file name that is not UTF-8")
    with pytest.raises(Exception) as one:  # whatever one load raises
        load_split(root, str(split))
    for n in (1, 2):
        parts = gold_cache.begin(root, str(split), workers=n)
        try:
            with pytest.raises(type(one.value)):
                parts.score({}, "reference")
            with pytest.raises(type(one.value)):
                parts.gold()
            with pytest.raises(type(one.value)):
                parts.update()
        finally:
            parts.close()
    assert list((Path(os.environ["OMNIACT_CACHE_DIR"]) / "gold").glob("*.marshal")) == []


def test_interrupted_once_the_hash_is_under_way_close_leaves_no_thread(generated, monkeypatch):
    """Ctrl-C after the parts are in (while the cache's side is put together) stops `score`: `close` then waits
    for the hash's thread too, as after any other stop, so that no thread outlives the parts (a later split would
    be read in one process)."""
    import threading

    root, scripts = generated
    run = split_parts._SplitHash._run

    def slow(self):
        time.sleep(0.5)  # a big split's hash, still being made
        run(self)

    monkeypatch.setattr(split_parts._SplitHash, "_run", slow)
    stats = split_parts.gold_stats

    def interrupted(files, *known):
        if not known:  # the split file's state, taken once the parts are in
            raise KeyboardInterrupt
        return stats(files, *known)

    monkeypatch.setattr(split_parts, "gold_stats", interrupted)
    parts = gold_cache.begin(root, "test", workers=2)
    assert isinstance(parts, SplitParts)
    try:
        with pytest.raises(KeyboardInterrupt):
            parts.score(scripts, "reference")
    finally:
        parts.close()
    assert [t for t in threading.enumerate() if t.name == "omniact-split-hash"] == []


def test_asked_for_the_gold_after_close_its_parts_are_loaded_here_and_no_other_child_is_waited_for(generated):
    """`close` ends the children; the gold asked for after it is loaded here, part by part. A child already ended
    is not waited for again: its pid is gone, and a wait on pid 0 would wait for (and reap) any child of the
    process's group, here a sleeping one the test started."""
    root, scripts = generated
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])  # none of the parts
    try:
        parts = SplitParts(root, "test", 3)
        pids = [c.pid for c in parts._children]
        parts.close()
        _reaped(pids)
        started = time.monotonic()
        gold = parts.gold()
        assert time.monotonic() - started < 20  # not waiting for `sleep`
        assert other.poll() is None  # still running, and still this test's to wait for
        assert gold.dataset == load_split(root, "test").describe()
        result = parts.score(scripts, "reference")
        assert result.to_json(include_tasks=True) == _alone(root, scripts, "reference")
    finally:
        other.kill()
        other.wait()


def test_interrupted_while_close_waits_for_a_child_freezing_its_gold_the_child_is_ended(generated, monkeypatch):
    """Ctrl-C while `close` waits for a child that is freezing its part's gold: the child is still killed and
    waited for, and its file closed, as after any other stop (not left a zombie with its file open)."""
    root, scripts = generated
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("no /proc/self/fd")
    before = set(os.listdir("/proc/self/fd"))
    parts = SplitParts(root, "test", 2)
    pids = [c.pid for c in parts._children]
    assert len(pids) == 1
    parts.score(scripts, "reference")
    real, hit = os.waitpid, []

    def waitpid(pid, options):
        if pid in pids and options == 0 and not hit:  # the wait for the child's frozen gold
            hit.append(pid)
            raise KeyboardInterrupt
        return real(pid, options)

    monkeypatch.setattr(os, "waitpid", waitpid)
    with pytest.raises(KeyboardInterrupt):
        parts.close()
    monkeypatch.setattr(os, "waitpid", real)
    assert hit
    _reaped(pids)
    assert set(os.listdir("/proc/self/fd")) - before == set()


# Run in a process of its own: one with other threads (a pytest-xdist worker's) may take a signal sent to the process
# on a thread that does not hold it, which the command's process never has when it forks (`fork_is_safe`).
_STOP_AS_FORKED = r"""
import json, os, signal, sys
from scoring import split_parts
from scoring.split_parts import SplitParts
split_parts._MIN_PART = 1  # parts of any size
root, sig = sys.argv[1], getattr(signal, sys.argv[2])
def stopped(signum, frame):
    raise KeyboardInterrupt  # (SIGTERM as the console script's handler raises it)
signal.signal(sig, stopped)
before = set(os.listdir("/proc/self/fd"))
real, forked = os.fork, []
def fork():
    pid = real()
    if pid:
        forked.append(pid)
        os.kill(os.getpid(), sig)  # pressed as the fork returns
    return pid
os.fork = fork
try:
    SplitParts(root, "test", 3)
    stop = "no stop"
except KeyboardInterrupt:
    stop = "stopped"
os.fork = real
reaped = []
for pid in forked:
    try:
        os.waitpid(pid, os.WNOHANG)
        reaped.append(False)
        os.kill(pid, signal.SIGKILL)  # (before the fix: still running)
    except ChildProcessError:
        reaped.append(True)
print(json.dumps([stop, reaped, sorted(set(os.listdir("/proc/self/fd")) - before)]))
"""


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_a_stop_that_comes_as_a_child_is_forked_ends_that_child_too(generated, stop):
    """Ctrl-C (or SIGTERM, which the console script raises as an exception too) landing as the fork returns, before
    the child is recorded: the child is killed and waited for with the others (it was lost, and loaded its part for
    nothing after the command had ended, its descriptors open here)."""
    root, _ = generated
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("no /proc/self/fd")
    out = subprocess.run([sys.executable, "-c", _STOP_AS_FORKED, str(root), stop], capture_output=True, text=True,
                         timeout=60, check=False, env={**os.environ, "PYTHONPATH": str(_ROOT)})
    assert out.returncode == 0, out.stderr
    # stopped with the first child (no second one started), which is killed and waited for, no descriptor left open
    assert json.loads(out.stdout) == ["stopped", [True], []], out


def test_the_gold_asked_for_without_a_cache_is_joined_from_the_parts_never_loaded_again(generated, monkeypatch):
    """Without a cache (--no-cache) this process's part is not frozen: the gold asked for after the score (the
    score's table) is joined from the part it holds and the child's frozen one, not read again from the files."""
    root, scripts = generated
    parts = SplitParts(root, "test", 2)
    assert len(parts._children) == 1
    parts.score(scripts, "reference")
    parts.close()

    def again(*args):
        raise AssertionError("a part loaded again")

    monkeypatch.setattr(parts, "_part", again)
    gold = parts.gold()
    one = scoring.prepare(load_split(root, "test"))
    for name in ("ids", "weights", "n_gold", "plans", "texts", "groups", "dataset"):
        assert getattr(gold, name) == getattr(one, name), name


def test_a_score_that_needs_no_gold_after_leaves_the_childs_part_unfrozen_and_a_late_gold_loads_it_here(
        generated, monkeypatch):
    """`omniact score --json` shows no table: scored with `gold_after=False` and no cache entry to write, the child
    ends once its results are in, without freezing its part's gold (which took the core the sums were made on).
    The score is the same; the gold asked for all the same is whole, the child's part loaded in this process."""
    root, scripts = generated
    monkeypatch.setattr(gold_cache, "SIGHTINGS_BEFORE_WRITE", 1)  # a first run: no entry to write
    parts = SplitParts(root, "test", 2, cache=None)
    assert len(parts._children) == 1
    assert parts.score(scripts, "reference", gold_after=False).to_json(include_tasks=True) == \
        _alone(root, scripts, "reference")
    parts.close()
    assert [p.frozen for p in parts._parts] == [None, None]  # neither part frozen: nothing asked for it
    loaded = []
    part_here = parts._part
    monkeypatch.setattr(parts, "_part", lambda *a: loaded.append(a[0]) or part_here(*a))
    gold = parts.gold()
    assert loaded == [parts._positions[1]]  # the child's part, loaded here
    one = scoring.prepare(load_split(root, "test"))
    for name in ("ids", "weights", "n_gold", "plans", "texts", "groups", "dataset"):
        assert getattr(gold, name) == getattr(one, name), name


def test_scored_again_after_a_stop_once_the_parts_were_in_the_score_is_whole(generated, monkeypatch):
    """Ctrl-C once the parts are in (a child's results read, the child left freezing its gold) stops `score`; a
    `score` called again (without `close`) ends that child and does its part here, as after a stop before the
    parts were in: not a read of the closed pipe the child said it was done down."""
    root, scripts = generated
    stats, hit = split_parts.gold_stats, []

    def interrupted(files, *known):
        if not known and not hit:  # the split file's state, taken once the parts are in: the first time only
            hit.append(files)
            raise KeyboardInterrupt
        return stats(files, *known)

    monkeypatch.setattr(split_parts, "gold_stats", interrupted)
    parts = gold_cache.begin(root, "test", workers=2)
    assert isinstance(parts, SplitParts)
    pids = [c.pid for c in parts._children]
    try:
        with pytest.raises(KeyboardInterrupt):
            parts.score(scripts, "reference")
        result = parts.score(scripts, "reference")
    finally:
        parts.close()
    assert result.to_json(include_tasks=True) == _alone(root, scripts, "reference")
    _reaped(pids)
