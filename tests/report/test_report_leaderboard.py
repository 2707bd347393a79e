"""Leaderboards: validation, ranking, intervals, ties, caching, and the table files."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from omniact_fixture import TASKS

from omniact.cli import main
from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_tables


def write_sub(path: Path, mutate=None, meta=None) -> Path:
    with open(path, "w") as f:
        for task_id, _, _, _, lines in TASKS[:12]:
            script = "\n".join(lines)
            if mutate:
                script = mutate(task_id, script)
            if script is not None:
                f.write(json.dumps({"id": task_id, "script": script}) + "\n")
    if meta:
        path.with_name(path.name + ".meta.json").write_text(json.dumps(meta))
    return path


@pytest.fixture()
def subs(tmp_path):
    d = tmp_path / "subs"
    d.mkdir()
    write_sub(d / "perfect.jsonl", meta={"name": "Perfect agent", "team": "Gold Team", "uses_gold": True})
    # wrong key on every press task, and a far click on task 11
    write_sub(d / "sloppy.jsonl", mutate=lambda i, s: s.replace('"enter"', '"tab"').replace("412.0,826.0", "5,5"))
    write_sub(d / "half.jsonl", mutate=lambda i, s: s if int(i) % 2 else None)
    write_sub(d / "blank.jsonl", mutate=lambda i, s: "")
    (d / "broken.jsonl").write_text('{"id": "0", "script": "pyautogui.click(1,2)"}\n{"id": "0", "script": ""}\n')
    return d


def test_ranked_by_action_score_with_intervals_and_rejections(omniact_data, subs, tmp_path):
    ds = load_split(omniact_data, "test")
    deep = tmp_path / "deep.jsonl"  # nested past the JSON reader's recursion limit
    deep.write_text('{"id": "0", "script": "x"}\n' + "[" * 100_000 + "]" * 100_000 + "\n")
    sources = sorted(subs.glob("*.jsonl")) + [tmp_path / "nope.jsonl", deep]
    board = build_leaderboard(ds, sources, samples=300, seed=1)
    names = [e.name for e in board.entries]
    assert names[0] == "Perfect agent" and names[-1] == "blank"
    assert set(names) == {"Perfect agent", "sloppy", "half", "blank"}
    scores = [e.score["action_score"] for e in board.entries]
    assert scores == sorted(scores, reverse=True)
    for e in board.entries:
        for _, key in (("SS", "sequence_score"), ("AS", "action_score")):
            lo, hi = e.ci[key]
            assert lo <= e.score[key] + 1e-12 and e.score[key] <= hi + 1e-12
    assert {Path(r.source).name for r in board.rejected} == {"broken.jsonl", "nope.jsonl", "deep.jsonl"}
    assert "duplicate" in next(r.error for r in board.rejected if r.source.endswith("broken.jsonl"))
    assert "deep.jsonl:2: " in next(r.error for r in board.rejected if r.source.endswith("deep.jsonl"))
    perfect = board.entries[0]
    assert perfect.exact_solved == 1.0 and perfect.submission.uses_gold
    assert perfect.submission.meta["team"] == "Gold Team"
    half = next(e for e in board.entries if e.name == "half")
    assert half.score["n_missing"] == 6


def test_bootstrap_is_seeded_and_ties_are_paired(omniact_data, subs):
    ds = load_split(omniact_data, "test")
    a = build_leaderboard(ds, [subs / "perfect.jsonl", subs / "sloppy.jsonl"], samples=200, seed=7)
    b = build_leaderboard(ds, [subs / "perfect.jsonl", subs / "sloppy.jsonl"], samples=200, seed=7)
    assert [e.ci for e in a.entries] == [e.ci for e in b.entries]
    # the same predictions in two files: every paired difference is 0, so the second is tied with the first
    (subs / "copy").mkdir()
    copy = shutil.copy(subs / "sloppy.jsonl", subs / "copy" / "sloppy.jsonl")
    c = build_leaderboard(ds, [subs / "sloppy.jsonl", copy], samples=200)
    assert [e.name for e in c.entries] == ["sloppy", "sloppy (2)"]
    assert c.entries[1].tied_with_above and c.entries[1].rank == c.entries[0].rank
    # blank scores 0 everywhere; perfect scores 1: never tied
    d = build_leaderboard(ds, [subs / "perfect.jsonl", subs / "blank.jsonl"], samples=200)
    assert not d.entries[1].tied_with_above and d.entries[1].rank == 2


def test_resamples_drawn_in_blocks_give_the_same_intervals(omniact_data, subs, monkeypatch):
    # Many resamples are drawn a block at a time (their counts would take gigabytes at once): same board.
    from omniact.report import leaderboard

    ds = load_split(omniact_data, "test")
    sources = [subs / "perfect.jsonl", subs / "sloppy.jsonl", subs / "half.jsonl"]
    whole = build_leaderboard(ds, sources, samples=300, seed=3)
    monkeypatch.setattr(leaderboard, "_BOOTSTRAP_BLOCK", 7 * len(ds.tasks))  # blocks of 7 resamples, the last of 6
    blocks = build_leaderboard(ds, sources, samples=300, seed=3)
    assert [(e.name, e.rank, e.tied_with_above) for e in blocks.entries] == \
        [(e.name, e.rank, e.tied_with_above) for e in whole.entries]
    for a, b in zip(whole.entries, blocks.entries):
        assert a.ci.keys() == b.ci.keys()
        for key in a.ci:
            assert a.ci[key] == pytest.approx(b.ci[key], abs=1e-12)


def test_intervals_are_the_percentile_bootstrap_of_tasks_drawn_from_the_seed(omniact_data, subs):
    # Written out plainly: each resample draws the split's n tasks with replacement (numpy's default_rng(seed),
    # n integers in [0, n) a resample), each metric is the resampled tasks' weighted mean, and its interval runs
    # from the 2.5th to the 97.5th percentile of those means. Every entry, every metric, to float noise.
    import numpy as np

    from omniact.predictions import read_predictions
    from scoring import score

    ds = load_split(omniact_data, "test")
    # (none that matches every task, whose SS interval is (1, 1) whatever is wrong)
    thirds = write_sub(subs / "thirds.jsonl", mutate=lambda i, s: s if int(i) % 3 else None)
    # every task of two or more lines solved, none of one line: intervals that no single weight's tasks bound
    long = write_sub(subs / "long.jsonl", mutate=lambda i, s: s if "\n" in s else None)
    board = build_leaderboard(ds, [thirds, long, subs / "half.jsonl", subs / "blank.jsonl"], samples=400, seed=5)
    n = len(ds.tasks)
    draws = np.random.default_rng(5).integers(0, n, size=(400, n))
    for e in board.entries:
        tasks = score(ds, read_predictions(e.submission.source)).tasks

        def resampled(field: str, tasks=tasks) -> np.ndarray:  # resamples x tasks
            return np.array([float(getattr(t, field)) for t in tasks])[draws]

        w, m = np.maximum(resampled("weight"), 0.0), resampled("matched")
        per_task = {"sequence_score": m, "action_score": resampled("score"), "click_penalty": m * resampled("click"),
                    "key_penalty": m * resampled("key"), "write_penalty": m * resampled("write")}
        assert set(e.ci) == set(per_task)
        for key, values in per_task.items():
            means = (w * values).sum(axis=1) / w.sum(axis=1)
            assert e.ci[key] == pytest.approx(tuple(np.percentile(means, [2.5, 97.5])), abs=1e-12), (e.name, key)
    assert len({e.ci["action_score"] for e in board.entries}) == 4  # four entries that score apart


def test_more_resamples_than_the_board_can_hold_are_refused(omniact_data, subs, tmp_path):
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test",
                                  str(subs / "perfect.jsonl"), "--out", str(tmp_path / "out"), "--bootstrap", "1000000"])
    assert r.exit_code == 2 and "1000000 is not in the range 1<=x<=100000" in r.output
    assert not (tmp_path / "out").exists()


def test_adding_a_submission_scores_only_that_one(omniact_data, subs, tmp_path):
    ds = load_split(omniact_data, "test")
    cache = tmp_path / "cache"
    first = build_leaderboard(ds, [subs / "perfect.jsonl", subs / "sloppy.jsonl"], samples=50, cache_dir=cache)
    assert first.scored_now == 2
    second = build_leaderboard(ds, [subs / "perfect.jsonl", subs / "sloppy.jsonl", subs / "half.jsonl"],
                               samples=50, cache_dir=cache)
    assert second.scored_now == 1
    assert [e.score for e in second.entries if e.name != "half"] == [e.score for e in first.entries]
    (subs / "sloppy.jsonl").write_text((subs / "sloppy.jsonl").read_text().replace('tab', 'esc'))
    third = build_leaderboard(ds, [subs / "perfect.jsonl", subs / "sloppy.jsonl"], samples=50, cache_dir=cache)
    assert third.scored_now == 1  # the changed file, found by its content hash


@pytest.mark.parametrize("how", ["workers", "pool"])
def test_results_scored_elsewhere_are_cached_and_read_back_the_same(omniact_data, subs, tmp_path, how):
    """A local pool's workers cache the results they score; a caller's pool (Ray: its machines need not share this
    one's files) hands them back to be cached here. Either way a rebuild scores nothing and ranks the same entries,
    task values and all."""
    from omniact.report import leaderboard as lb

    stored_by_job: list[str | None] = []  # each job's cache file: a job of a caller's pool is given none

    class Here:  # a caller's pool that scores in this process, as Ray's pool would elsewhere
        def map_unordered(self, fn, items):
            for item in items:
                stored_by_job.append(item[-1])
                yield fn(item)

    ds = load_split(omniact_data, "test")
    files = [subs / "perfect.jsonl", subs / "sloppy.jsonl", subs / "half.jsonl"]
    cache = tmp_path / "cache"
    args = {"workers": 2} if how == "workers" else {"pool": Here()}
    first = build_leaderboard(ds, files, samples=50, cache_dir=cache, **args)
    assert first.scored_now == 3 and len(list(cache.glob("[0-9a-f]*.marshal"))) == 3  # (a result each)
    if how == "pool":
        assert stored_by_job == [None] * 3  # not written by the pool's jobs: by this process
    again = build_leaderboard(ds, files, samples=50, cache_dir=cache, **args)
    assert (again.scored_now, again.from_cache) == (0, 3)
    fresh = build_leaderboard(ds, files, samples=50)
    for a, b, c in zip(first.entries, again.entries, fresh.entries):
        assert a.name == b.name == c.name and a.score == b.score == c.score and a.ci == b.ci == c.ci
        assert a.tasks == b.tasks == c.tasks
        assert all(type(v) is bool for v in a.tasks["missing"] + a.tasks["parse_error"])
    assert lb._load_cached(next(cache.glob("[0-9a-f]*.marshal"))) is not None


def test_table_files(omniact_data, subs, tmp_path):
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, sorted(subs.glob("*.jsonl")), samples=100)
    write_tables(board, tmp_path / "out")
    j = json.loads((tmp_path / "out/leaderboard.json").read_text())
    assert j["schema_version"] == 1 and j["scorer"]["mode"] == "reference"
    assert j["dataset"]["sha256"] == ds.sha256
    assert [e["name"] for e in j["entries"]] == [e.name for e in board.entries]
    e0 = j["entries"][0]
    assert {"name", "source", "sequence_score", "action_score", "click_penalty", "key_penalty", "write_penalty",
            "ci", "rank", "tied_with_above", "exact_solved", "provenance", "breakdown"} <= set(e0)
    assert e0["provenance"]["uses_gold"] is True
    # a prediction file without metadata does not say: unknown, not false
    assert [e["provenance"]["uses_gold"] for e in j["entries"][1:]] == [None] * (len(j["entries"]) - 1)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out/leaderboard.csv").read_text())))
    assert [r["name"] for r in rows] == [e.name for e in board.entries] and rows[0]["AS"] == "100.00"
    assert [r["uses_gold"] for r in rows] == ["True"] + [""] * (len(rows) - 1)
    md = (tmp_path / "out/leaderboard.md").read_text()
    assert "| 1 | Perfect agent | 100.00 [100.00, 100.00]" in md and "broken.jsonl" in md


def test_cli_leaderboard_reports_broken_submissions_and_goes_on(omniact_data, subs, tmp_path):
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test",
                                  *map(str, sorted(subs.glob("*.jsonl"))), "--out", str(tmp_path / "site"),
                                  "--bootstrap", "100", "--workers", "2"])
    assert r.exit_code == 0, r.output
    assert "4 entries ranked" in r.output and "rejected" in r.output
    assert (tmp_path / "site/index.html").is_file() and (tmp_path / "site/tasks/10.html").is_file()


def test_site_reports_progress_per_task_page(omniact_data, subs, tmp_path):
    from omniact.report import write_site

    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [subs / "perfect.jsonl"], samples=10)
    calls = []
    write_site(board, ds, tmp_path / "site", progress=lambda done, total: calls.append((done, total)))
    done = [d for d, _ in calls]
    assert done == sorted(set(done)) and done[-1] == len(ds.tasks) and len(done) > 1  # rising, to the last page
    assert {t for _, t in calls} == {len(ds.tasks)}


def test_progress_is_drawn_only_on_a_terminal(omniact_data, subs, tmp_path):
    # CliRunner's stderr is not a terminal: the output holds the summary line and nothing of a progress display.
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test",
                                  str(subs / "perfect.jsonl"), "--out", str(tmp_path / "site"), "--bootstrap", "10"])
    assert r.exit_code == 0, r.output
    summary = f"1 entry ranked (1 scored now, 0 from cache), 0 rejected -> {tmp_path / 'site' / 'index.html'}"
    assert r.output.strip().splitlines() == [summary]


def test_progress_settles_every_source_once(omniact_data, subs, tmp_path):
    ds = load_split(omniact_data, "test")
    sources = [*sorted(subs.glob("*.jsonl")), tmp_path / "nowhere.jsonl"]
    for _ in range(2):  # scored, then from the cache
        seen = []
        build_leaderboard(ds, sources, samples=10, cache_dir=tmp_path / "cache", progress=seen.append)
        assert len(seen) == len(sources)


def test_summary_counts_what_was_scored_read_from_the_cache_and_left_out(omniact_data, subs, tmp_path):
    bad = write_sub(subs / "badmeta.jsonl")
    bad.with_name(bad.name + ".meta.json").write_text("not json")
    args = ["leaderboard", "--data", str(omniact_data), "--split", "test", *map(str, sorted(subs.glob("*.jsonl"))),
            "--out", str(tmp_path / "site"), "--bootstrap", "10"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "4 entries ranked (4 scored now, 0 from cache), 2 rejected" in first.output
    second = CliRunner().invoke(main, args)  # the broken prediction file is tried again; the four good ones are not
    assert "4 entries ranked (0 scored now, 4 from cache), 2 rejected" in second.output
    # Each rejection is one line that names the file once.
    assert f"omniact: rejected {subs / 'broken.jsonl'}:" in first.output
    assert f"{subs / 'broken.jsonl'}: {subs / 'broken.jsonl'}" not in first.output


def test_a_leaderboard_with_nothing_to_rank_exits_2_and_leaves_the_published_one(omniact_data, subs, tmp_path):
    site = tmp_path / "site"
    args = ["leaderboard", "--data", str(omniact_data), "--split", "test", "--out", str(site), "--bootstrap", "10"]
    assert CliRunner().invoke(main, [*args, str(subs / "perfect.jsonl")]).exit_code == 0
    published = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    r = CliRunner().invoke(main, [*args, str(subs / "broken.jsonl"), str(tmp_path / "typo.jsonl")])
    assert r.exit_code == 2
    assert r.output.strip().splitlines()[-1] == (f"omniact: no entry to rank: all 2 sources rejected; nothing written "
                                                 f"to {site}")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == published


def test_pages_written_by_two_workers_are_the_ones_one_process_writes(omniact_data, subs, tmp_path):
    from omniact.report import write_site

    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, sorted(subs.glob("*.jsonl")), samples=10)
    pages = {}
    for workers in (1, 2):
        calls = []
        write_site(board, ds, tmp_path / str(workers), workers=workers,
                   progress=lambda done, total: calls.append((done, total)))  # noqa: B023 - used in this iteration
        assert calls[-1] == (len(ds.tasks), len(ds.tasks)) and len(calls) > 1
        pages[workers] = {p.relative_to(tmp_path / str(workers)).as_posix(): p.read_bytes()
                          for folder in ("tasks", "entries", "img") for p in (tmp_path / str(workers) / folder).iterdir()}
    assert sum(name.startswith("tasks/") for name in pages[1]) == len(ds.tasks)
    assert sum(name.startswith("entries/") for name in pages[1]) == len(board.entries)
    assert sum(name.startswith("img/") for name in pages[1]) == len({t.image_path for t in ds.tasks})
    assert pages[1] == pages[2]


def test_a_site_written_again_shows_a_changed_screenshot_and_drops_stale_pages(omniact_data, subs, tmp_path):
    import re
    import shutil

    from PIL import Image

    from omniact.report import write_site
    from omniact.report.site import task_file

    data = tmp_path / "data"
    shutil.copytree(omniact_data, data)
    ds = load_split(data, "test")
    board = build_leaderboard(ds, [subs / "perfect.jsonl"], samples=10)
    out = tmp_path / "site"

    def shown(task_id: str) -> Path:
        page = (out / "tasks" / f"{task_id}.html").read_text()
        return out / "img" / re.search(r"src='../img/([^']+)'", page)[1]

    write_site(board, ds, out)
    task = ds.tasks[0]
    before = shown(task.id)
    assert Image.open(before).getpixel((5, 5)) != (255, 0, 0)
    Image.new("RGB", (task.screen.width, task.screen.height), (255, 0, 0)).save(task.image_path)
    # A page an earlier site wrote for a task the split no longer has (as its marker lists it) goes; a page of the
    # user's own beside it stays.
    marker = json.loads((out / ".omniact-site").read_text())
    assert marker["kind"] == "leaderboard" and f"tasks/{task_file(task.id)}" in marker["files"]
    (out / ".omniact-site").write_text(json.dumps({**marker, "files": [*marker["files"], "tasks/gone.html"]}))
    (out / "tasks" / "gone.html").write_text("a task the split no longer has")
    (out / "tasks" / "mine.html").write_text("a page of the user's own: not the site's to remove")
    write_site(board, load_split(data, "test"), out)
    assert not (out / "tasks" / "gone.html").exists() and (out / "tasks" / "mine.html").exists()
    after = shown(task.id)
    assert after != before and not before.exists()  # the stale copy is gone
    assert max(abs(a - b) for a, b in zip(Image.open(after).getpixel((5, 5)), (255, 0, 0))) < 8


def test_a_task_the_released_rules_match_but_the_parser_refuses_says_both(omniact_data, tmp_path):
    from omniact.report import write_site

    sub = write_sub(tmp_path / "odd.jsonl", mutate=lambda i, s: s + "garbage" if i == "0" else s)
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [sub], samples=10)
    write_site(board, ds, tmp_path / "site", task_pages=False)
    page = (tmp_path / "site/entries/odd.html").read_text()
    row = page[page.index("<td class=l>0</td>"):].split("</tr>")[0]
    assert "match, parse error" in row and board.entries[0].score["n_parse_errors"] == 1


def test_a_report_refuses_a_baseline_that_is_the_run_itself(omniact_data, subs, tmp_path):
    run = subs / "sloppy.jsonl"
    twin = tmp_path / "twin.jsonl"
    twin.write_bytes(run.read_bytes())
    r = CliRunner().invoke(main, ["report", str(run), "--baseline", str(twin), "--data", str(omniact_data),
                                  "--split", "test", "--out", str(tmp_path / "rep")])
    assert r.exit_code == 2
    assert r.output.strip() == f"omniact: {twin}: the baseline holds the same predictions as the run: give another run"


def test_a_site_written_into_a_folder_it_did_not_write_deletes_nothing(omniact_data, subs, tmp_path):
    from omniact.report import write_site

    out = tmp_path / "mine"  # say, `--out .` in a folder with tasks/, entries/ and img/ of its own
    for name in ("tasks/notes.html", "entries/old.html", "img/photo.jpg"):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("the user's own file")
    ds = load_split(omniact_data, "test")
    write_site(build_leaderboard(ds, [subs / "perfect.jsonl"], samples=10), ds, out)
    assert all((out / name).read_text() == "the user's own file"
               for name in ("tasks/notes.html", "entries/old.html", "img/photo.jpg"))
    assert (out / "tasks" / "0.html").is_file()


def test_intervals_of_a_perfect_entry_stay_inside_0_and_1(tmp_path):
    # The built-in suite's test split: 492 weighted tasks, enough for the float noise of a mean of ones to show.
    ds = load_split(None, "test")
    p = tmp_path / "oracle.jsonl"
    p.write_text("".join(json.dumps({"id": t.id, "script": t.gold_script}) + "\n" for t in ds.tasks))
    entry = build_leaderboard(ds, [p], samples=300).entries[0]
    for key, (lo, hi) in entry.ci.items():
        assert 0.0 <= lo <= hi <= 1.0, (key, lo, hi)
    # the sequence score of an entry that matches every task is 1 in every resample: its interval holds its score
    assert entry.score["sequence_score"] == 1.0 and entry.ci["sequence_score"] == (1.0, 1.0)
    r = CliRunner().invoke(main, ["leaderboard", str(p), "--out", str(tmp_path / "site"), "--bootstrap", "0"])
    assert r.exit_code == 2 and "--bootstrap" in r.output and not (tmp_path / "site").exists()


def test_a_submission_given_twice_is_ranked_once(omniact_data, subs):
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [subs / "perfect.jsonl", subs / "half.jsonl", subs / ".." / "subs" / "perfect.jsonl"],
                              samples=10)
    assert [e.name for e in board.entries] == ["Perfect agent", "half"]
    again = subs / ".." / "subs" / "perfect.jsonl"
    # Said to whoever builds the board, not published as a rejected submission (it is a valid one, ranked).
    assert not board.rejected and "rejected" not in board.to_markdown().lower()
    assert board.to_json()["rejected"] == []
    assert [r.message for r in board.repeated] == [
        f"{again}: the same predictions as {subs / 'perfect.jsonl'}, given again: ranked once"]


def test_the_same_file_named_twice_by_overlapping_globs_is_ranked_once_without_a_word(omniact_data, subs, tmp_path):
    """`subs/*.json* subs/*.jsonl` names each file twice: the board was published with "perfect.jsonl: the same
    predictions as perfect.jsonl, given again" under its rejected submissions."""
    perfect, half = str(subs / "perfect.jsonl"), str(subs / "half.jsonl")
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", perfect, half, perfect,
                                  "--out", str(tmp_path / "site"), "--bootstrap", "10", "--no-task-pages"])
    assert r.exit_code == 0, r.output
    assert "2 entries ranked" in r.output and "0 rejected" in r.output and "given again" not in r.output
    board = json.loads((tmp_path / "site" / "leaderboard.json").read_text())
    assert [e["source"] for e in board["entries"]] == [perfect, half] and board["rejected"] == []


@pytest.mark.parametrize("meta, words", [
    ({"nme": "Mine"}, "unknown metadata field 'nme': did you mean 'name'?"),
    ({"name": "Mine", "date": 12}, "metadata field 'date' must be a string, not 12"),
    ({"name": "Mine", "uses_gold": "no"}, "metadata field 'uses_gold' must be true or false"),
])
def test_metadata_with_a_typo_or_a_wrong_type_is_rejected(omniact_data, tmp_path, meta, words):
    p = write_sub(tmp_path / "mine.jsonl", meta=meta)
    board = build_leaderboard(load_split(omniact_data, "test"), [p], samples=10)
    assert not board.entries and len(board.rejected) == 1 and words in board.rejected[0].message


def test_a_symbolic_link_named_before_its_file_does_not_take_the_files_name(omniact_data, tmp_path):
    mine = write_sub(tmp_path / "mine.jsonl", meta={"name": "Mine"})
    link = tmp_path / "link.jsonl"
    link.symlink_to(mine)
    board = build_leaderboard(load_split(omniact_data, "test"), [link, mine], samples=10)
    assert [e.name for e in board.entries] == ["Mine"]  # the file's own metadata, beside it
    assert [r.message for r in board.repeated] == [f"{link}: the same predictions as {mine}, given again: ranked once"]


def test_metadata_files_a_glob_takes_are_read_with_their_predictions_not_ranked(omniact_data, tmp_path):
    # `subs/*.json*` (prediction files may be .json) also names every metadata file
    write_sub(tmp_path / "mine.jsonl", meta={"name": "Mine"})
    write_sub(tmp_path / "yours.jsonl")
    (tmp_path / "yours.meta.json").write_text(json.dumps({"name": "Yours"}))
    (tmp_path / "lost.meta.json").write_text(json.dumps({"name": "Lost"}))  # its predictions are not given
    board = build_leaderboard(load_split(omniact_data, "test"), sorted(tmp_path.glob("*.json*")), samples=10)
    assert sorted(e.name for e in board.entries) == ["Mine", "Yours"]
    lost = tmp_path / "lost.meta.json"
    words = "a metadata file, not predictions: give the prediction file it describes (beside it, of the same name)"
    assert [r.message for r in board.rejected] == [f"{lost}: {words}, which is read with it"]


def test_a_file_whose_name_has_a_dot_but_no_known_suffix_keeps_its_own_name(omniact_data, tmp_path):
    # "model-v1.2" with any suffix taken off is "model-v1": it read model-v1.jsonl's metadata and took its name.
    mine = write_sub(tmp_path / "model-v1.jsonl", meta={"name": "Model V1", "team": "Team One"})
    (tmp_path / "model-v1.meta.json").write_text(mine.with_name(mine.name + ".meta.json").read_text())
    mine.with_name(mine.name + ".meta.json").unlink()
    other = write_sub(tmp_path / "model-v1.2", mutate=lambda i, s: s if int(i) % 2 else "")
    board = build_leaderboard(load_split(omniact_data, "test"), [mine, other], samples=10)
    by_name = {e.name: e.submission.meta for e in board.entries}
    assert by_name == {"Model V1": {"name": "Model V1", "team": "Team One"}, "model-v1.2": {}}


def write_run(run: Path, manifest: dict) -> Path:
    """A run folder as `omniact run` leaves it: its predictions (the gold, every task), manifest and database."""
    run.mkdir(parents=True)
    write_sub(run / "predictions.jsonl")
    (run / "manifest.json").write_text(json.dumps(manifest))
    (run / "run.sqlite").write_bytes(b"")
    return run


def test_a_runs_own_predictions_file_is_the_run(omniact_data, tmp_path):
    # as score, validate, report and replay take it: the run's name and manifest, not an entry named "predictions"
    run = write_run(tmp_path / "runs" / "oracle", {"agent": "oracle", "agent_args": {"model": 7}, "uses_gold": True})
    board = build_leaderboard(load_split(omniact_data, "test"), [run / "predictions.jsonl"], samples=10)
    (entry,) = board.entries
    assert entry.name == "oracle"
    assert {k: entry.submission.meta.get(k) for k in ("agent", "model", "uses_gold")} == {
        "agent": "oracle", "model": "7", "uses_gold": True}  # (a model named by a number is shown as text)


def test_an_entry_from_a_run_is_named_and_dated_by_its_manifest(omniact_data, tmp_path):
    # As `omniact run` writes it (the agent's spec, its name, its arguments, the start); an older shape with the
    # agent as an object; a run with no model names none (not "None"); a file called just ".jsonl" keeps its name.
    runs = [write_run(tmp_path / "llm", {"agent": "agents.llm:LLMAgent", "agent_name": "llm", "uses_gold": False,
                                         "agent_args": {"model": "qwen2.5-7b"}, "started": "2026-12-04T23:19:44Z"}),
            write_run(tmp_path / "old", {"agent": {"name": "mine", "config": {"model": "m1"}}}),
            write_run(tmp_path / "detact", {"agent": "detact", "agent_args": {}})]
    board = build_leaderboard(load_split(omniact_data, "test"), [*runs, write_sub(tmp_path / ".jsonl")], samples=10)
    meta = {e.name: {k: e.submission.meta.get(k, "-") for k in ("agent", "model", "date")} for e in board.entries}
    assert meta == {"llm": {"agent": "llm", "model": "qwen2.5-7b", "date": "2026-12-04"},
                    "old": {"agent": "mine", "model": "m1", "date": "-"},
                    "detact": {"agent": "detact", "model": "-", "date": "-"},
                    ".jsonl": {"agent": "-", "model": "-", "date": "-"}}


def test_a_manifest_that_says_uses_gold_in_words_is_rejected(omniact_data, tmp_path):
    # "false" is true to Python: the entry would have been published as using the gold scripts
    run = write_run(tmp_path / "runs" / "edited", {"agent": "llm", "uses_gold": "false"})
    board = build_leaderboard(load_split(omniact_data, "test"), [run], samples=10)
    assert not board.entries
    assert [r.message for r in board.rejected] == [
        f"{run / 'manifest.json'}: manifest field 'uses_gold' must be true or false, not \"false\""]


def test_metadata_fields_the_board_does_not_know_are_left_out(omniact_data, tmp_path):
    p = write_sub(tmp_path / "mine.jsonl", meta={"name": "Mine", "email": "me@example.com"})
    entry = build_leaderboard(load_split(omniact_data, "test"), [p], samples=10).entries[0]
    assert entry.name == "Mine" and "email" not in entry.submission.meta


def test_ties_do_not_chain_down_a_long_board(omniact_data, tmp_path):
    # Thirteen entries, each solving one task more than the next: every neighbour is within noise of the one above
    # it, but the entry that solves nothing is never ranked with the one that solves everything.
    ds = load_split(omniact_data, "test")
    order = [task_id for task_id, *_ in TASKS[:12]]
    for k in range(13):
        write_sub(tmp_path / f"solves{k:02d}.jsonl", mutate=lambda i, s, k=k: s if order.index(i) < k else "")
    board = build_leaderboard(ds, sorted(tmp_path.glob("*.jsonl")), samples=300, seed=0)
    ranks = [e.rank for e in board.entries]
    assert board.entries[0].name == "solves12" and board.entries[-1].name == "solves00"
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert ranks[-1] > ranks[0] + 3, ranks  # chained neighbour ties would give every entry rank 1
    # ... and each is marked tied with its neighbour above, whose paired AS difference interval includes 0, also
    # where an entry higher up is significantly better and its rank is below the neighbour's
    assert not board.entries[0].tied_with_above and all(e.tied_with_above for e in board.entries[1:])
    md = board.to_markdown()
    assert f"| {ranks[-1]}{'=' if board.entries[-1].tied_with_above else ''} | solves00 |" in md


@pytest.mark.parametrize("n", [41, 1001])
def test_a_paired_difference_of_exactly_0_at_the_intervals_end_is_a_tie(n):
    # The 2.5th percentile of n resamples, n - 1 a multiple of 40, is one resample exactly: here the difference 0.
    # Computed as 100 * (1 - 0.95) / 2 = 2.500000000000002, it took a sliver of the next one (0.5) and ranked the
    # two apart, though the interval includes 0.
    import numpy as np

    from omniact.report.leaderboard import _ranks, interval_percents

    k = (n - 1) // 40  # resamples below the low end
    diff = np.array([-0.1] * k + [0.0] + [0.5] * (n - k - 1))
    below = np.full(n, 0.3)
    assert interval_percents(0.95) == (2.5, 97.5)
    assert np.percentile(diff, interval_percents(0.95)[0]) == 0.0
    assert _ranks([below + diff, below], 0.95) == ([1, 1], [False, True])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([40, 41, 81, 120]), st.lists(st.integers(-1, 2), min_size=1, max_size=4),
       st.randoms(use_true_random=False))
def test_ranks_and_ties_are_the_paired_intervals_as_defined(n, offsets, rnd):
    # The README's rule written out plainly: an entry's rank is one more than the number of entries above it whose
    # paired AS difference interval (np.percentile of the resampled differences) lies above 0, never better than
    # the rank above it; tied: its paired interval with the entry above holds 0. Each entry is the one above less a
    # difference with a chosen count of resamples at or below 0, around the count where the interval's low end
    # crosses 0 (where np.percentile interpolates: a very negative difference can pull it below 0).
    import numpy as np

    from omniact.report.leaderboard import _ranks, interval_percents

    low_q, high_q = interval_percents(0.95)
    at_end = int(low_q / 100 * (n - 1))  # resamples below the low end's order statistic
    samples = [np.full(n, 30.0)]
    for offset in offsets:
        k = min(max(at_end + offset, 0), n)  # differences at or below 0
        diff = [rnd.choice((-20.0, -0.25, 0.0)) for _ in range(k)] + [rnd.choice((0.25, 0.5)) for _ in range(n - k)]
        rnd.shuffle(diff)
        samples.append(samples[-1] - np.array(diff))
    ranks, tied = [1], [False]
    for pos in range(1, len(samples)):
        better = sum(np.percentile(samples[a] - samples[pos], low_q) > 0 for a in range(pos))
        ranks.append(max(ranks[-1], 1 + better))
        lo, hi = np.percentile(samples[pos - 1] - samples[pos], [low_q, high_q])
        tied.append(bool(lo <= 0 <= hi))
    assert _ranks(samples, 0.95) == (ranks, tied)


def test_markdown_says_which_entries_miss_tasks_or_fail_the_parser(omniact_data, subs, tmp_path):
    # A pasted table must not show a half-empty submission's score as if it answered every task.
    ds = load_split(omniact_data, "test")
    write_sub(tmp_path / "prose.jsonl", mutate=lambda i, s: "I would click the button" if int(i) < 4 else s)
    board = build_leaderboard(ds, [subs / "half.jsonl", subs / "perfect.jsonl", tmp_path / "prose.jsonl"],
                              samples=50)
    rows = {line.split(" | ")[1]: line for line in board.to_markdown().splitlines() if line.startswith("| ")}
    n = len(ds.tasks)
    half, prose = (next(e for e in board.entries if e.name == name) for name in ("half", "prose"))
    assert half.score["n_missing"] == 6 and prose.score["n_parse_errors"] == 4
    assert f"{half.score['n_missing']} of {n} tasks missing" in rows["half"]
    assert "4 parse errors" in rows["prose"]
    assert "missing" not in rows["Perfect agent"] and "parse" not in rows["Perfect agent"]


def write_train_run(omniact_data: Path, run: Path) -> Path:
    """A run folder (predictions and manifest) made on the data's train split."""
    train = [json.dumps({"id": i, "script": "pyautogui.press('enter')"}) + "\n" for i in ("12", "13")]
    run.mkdir(parents=True)
    (run / "predictions.jsonl").write_text("".join(train))
    (run / "manifest.json").write_text(json.dumps({"agent": "oracle", "dataset": {
        "root": str(omniact_data), "split": "train", "n_tasks": 2, "sha256": "x"}}))
    return run


def test_a_submission_for_another_split_is_rejected_saying_which_split(omniact_data, subs, tmp_path):
    run = write_train_run(omniact_data, tmp_path / "runs" / "on-train")
    loose = tmp_path / "train-preds.jsonl"
    loose.write_text((run / "predictions.jsonl").read_text())
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", "--bootstrap", "10",
                                  str(subs / "perfect.jsonl"), str(run), str(loose), "--out", str(tmp_path / "site")])
    assert r.exit_code == 0, r.output
    assert "1 entry ranked" in r.output
    lines = r.output.splitlines()
    assert f"omniact: rejected {run}: a run on split 'train', not 'test': give it with --split train" in lines
    assert any(line.startswith(f"omniact: rejected {loose}:1: ") and "split 'test'" in line and "--split" in line
               for line in lines), r.output


def test_a_run_made_on_a_split_file_is_rejected_with_the_file_to_give(omniact_data, subs, tmp_path):
    """A run made with --split search.json was rejected with "give it with --split search", which then failed: the
    data root has no split of that name."""
    run = write_train_run(omniact_data, tmp_path / "runs" / "on-file")
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["dataset"].update(split="my split", split_file=str(tmp_path / "my split.json"))
    (run / "manifest.json").write_text(json.dumps(manifest))
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", "--bootstrap", "10",
                                  str(subs / "perfect.jsonl"), str(run), "--out", str(tmp_path / "site")])
    assert r.exit_code == 0, r.output
    assert (f"omniact: rejected {run}: a run on split 'my split', not 'test': give it with --split "
            f"'{tmp_path / 'my split.json'}'") in r.output.splitlines()


def test_a_board_of_another_split_is_not_written_over_a_published_one(omniact_data, subs, tmp_path):
    site = tmp_path / "site"
    args = ["leaderboard", "--data", str(omniact_data), "--out", str(site), "--bootstrap", "10"]
    assert CliRunner().invoke(main, [*args, "--split", "test", str(subs / "perfect.jsonl")]).exit_code == 0
    published = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    train = tmp_path / "train.jsonl"
    train.write_text(json.dumps({"id": "12", "script": "pyautogui.press('enter')"}) + "\n")
    r = CliRunner().invoke(main, [*args, "--split", "train", str(train)])
    assert r.exit_code == 2, r.output
    assert r.output.strip() == (f"omniact: {site / 'leaderboard.json'}: this folder holds the leaderboard of split "
                                f"'test': give another --out for split 'train', or remove {site} first")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == published
    # the same split again is the usual update
    assert CliRunner().invoke(main, [*args, "--split", "test", str(subs / "perfect.jsonl")]).exit_code == 0


def test_out_that_is_a_file_is_one_line(omniact_data, subs, tmp_path):
    afile = tmp_path / "site.txt"
    afile.write_text("mine")
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", "--out", str(afile),
                                  str(subs / "perfect.jsonl")])
    assert r.exit_code == 2
    assert r.output.strip() == f"omniact: {afile}: is a file, not a folder: give a folder for the leaderboard with --out"
    assert afile.read_text() == "mine"


def test_a_missing_source_or_a_pattern_that_matched_nothing_says_what_to_do(omniact_data, subs, tmp_path):
    # The shell hands on a pattern that matches no file as it is: say so, rather than "no such file".
    pattern, typo = tmp_path / "subs" / "*.jsnl", tmp_path / "subs" / "perfekt.jsonl"
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", "--bootstrap", "10",
                                  str(subs / "perfect.jsonl"), str(pattern), str(typo), "--out", str(tmp_path / "site")])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert f"omniact: rejected {pattern}: the pattern matched no file: check it (and the folder)" in lines
    assert f"omniact: rejected {typo}: no such file or directory: check the path" in lines


def test_a_folder_that_is_not_a_run_is_named_once(omniact_data, tmp_path):
    folder = tmp_path / "notarun"
    folder.mkdir()
    board = build_leaderboard(load_split(omniact_data, "test"), [f"{folder}/"], samples=10)
    message = board.rejected[0].message
    assert message.startswith(f"{folder}: ") and message.count(str(folder)) == 1, message


def test_an_update_names_the_submissions_it_scored(omniact_data, subs, tmp_path):
    args = ["leaderboard", "--data", str(omniact_data), "--split", "test", "--out", str(tmp_path / "site"),
            "--bootstrap", "10", str(subs / "perfect.jsonl"), str(subs / "sloppy.jsonl")]
    assert CliRunner().invoke(main, args).exit_code == 0
    r = CliRunner().invoke(main, [*args, str(subs / "half.jsonl")])
    assert r.exit_code == 0, r.output
    assert f"3 entries ranked (1 scored now: {subs / 'half.jsonl'}; 2 from cache), 0 rejected" in r.output


def test_the_readme_documents_every_field_of_the_published_files(omniact_data, subs, tmp_path):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Leaderboards and reports", 1)[1].split("\n## ", 1)[0]
    board = build_leaderboard(load_split(omniact_data, "test"), sorted(subs.glob("*.jsonl")), samples=10)
    j = board.to_json()
    keys = set(j) | set(j["dataset"]) | set(j["scorer"]) | set(j["bootstrap"]) | set(j["rejected"][0])
    keys |= set(j["entries"][0]) | set(j["entries"][0]["provenance"])
    assert [k for k in sorted(keys) if f"`{k}`" not in section] == []
    assert f"`{board.to_csv().splitlines()[0]}`" in section  # the CSV header as it is


def test_the_readme_example_of_a_leaderboard_from_python_works_as_written(omniact_data, subs, tmp_path):
    import subprocess

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("A leaderboard from Python is", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert '"~/omniact"' in block and '["submissions/a.jsonl", "runs/qwen"]' in block
    block = block.replace('"~/omniact"', repr(str(omniact_data))).replace(
        '["submissions/a.jsonl", "runs/qwen"]', repr([str(subs / "perfect.jsonl"), str(subs / "sloppy.jsonl")]))
    (tmp_path / "example.py").write_text(block)
    p = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       check=False)
    assert p.returncode == 0, p.stderr
    first, second, rejected = p.stdout.strip().splitlines()
    assert first.startswith("1 Perfect agent 1.0 (1.0, 1.0)") and second.startswith("2 ") and rejected == "[]"
    assert json.loads((tmp_path / "site" / "leaderboard.json").read_text())["entries"][0]["action_score"] == 1.0
    assert (tmp_path / "site" / "index.html").is_file() and list((tmp_path / "lb-cache").glob("*.marshal"))


def test_a_second_build_into_a_site_being_written_is_refused_and_leaves_it_to_the_first(omniact_data, subs, tmp_path):
    """Two leaderboards (or reports) into one --out at once mixed their pages, and both said they succeeded."""
    from omniact.run_lock import SITE_LOCK, run_lock

    out = tmp_path / "site"
    out.mkdir()
    with run_lock(out, name=SITE_LOCK, kind="site build"):  # the first build, writing
        for verb in (["leaderboard", str(subs / "perfect.jsonl")], ["report", str(subs / "half.jsonl")]):
            r = CliRunner().invoke(main, [*verb, "--data", str(omniact_data), "--split", "test", "--out", str(out)])
            assert r.exit_code == 2
            assert r.output.startswith(f"omniact: {out}: another omniact site build is writing this folder (pid ")
        assert sorted(p.name for p in out.iterdir()) == [SITE_LOCK]
    r = CliRunner().invoke(main, ["leaderboard", str(subs / "perfect.jsonl"), "--data", str(omniact_data), "--split",
                                  "test", "--out", str(out), "--no-task-pages"])
    assert r.exit_code == 0 and not (out / SITE_LOCK).exists()


def test_a_board_scored_by_two_workers_is_the_one_one_process_makes(omniact_data, subs, tmp_path):
    # With a pool, results arrive in the order they finish, and each is cached and readied for the bootstrap as it
    # arrives: the intervals, ranks and every file written must still be those of the board scored in order here.
    import marshal

    sources = [str(p) for p in sorted(subs.glob("*.jsonl"))]
    (subs / "copy").mkdir()
    sources.append(str(shutil.copy(subs / "sloppy.jsonl", subs / "copy" / "sloppy.jsonl")))  # a tie, by intervals
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"site{workers}"
        r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", *sources,
                                      "--out", str(out), "--no-task-pages", "--bootstrap", "300", "--seed", "5",
                                      "--workers", str(workers)])
        assert r.exit_code == 0, r.output
        outs[workers] = out
    files = {w: {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                 if p.is_file() and ".cache" not in p.parts} for w, out in outs.items()}
    assert "leaderboard.json" in files[1] and len([f for f in files[1] if f.startswith("entries/")]) == 5
    assert files[1] == files[2]
    cached = {w: {p.name: marshal.loads(p.read_bytes()) for p in (out / ".cache").iterdir()}  # noqa: S302 - ours
              for w, out in outs.items()}
    assert len(cached[1]) == 5 and cached[1] == cached[2]  # 4 results (the copy is cached under its content, as
    # sloppy) and the split's breakdown groups


def test_a_build_stopped_on_the_way_keeps_the_results_scored_so_far(omniact_data, subs, tmp_path):
    # Each result is cached as it arrives: a build stopped (Ctrl-C) after two submissions does not score them again.
    ds = load_split(omniact_data, "test")
    sources = [subs / "perfect.jsonl", subs / "sloppy.jsonl", subs / "half.jsonl"]
    settled = []

    def stop_after_two(source):
        settled.append(source)
        if len(settled) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_leaderboard(ds, sources, samples=20, cache_dir=tmp_path / "cache", progress=stop_after_two)
    assert len(list((tmp_path / "cache").iterdir())) == 2
    again = build_leaderboard(ds, sources, samples=20, cache_dir=tmp_path / "cache")
    assert (again.scored_now, again.from_cache) == (1, 2)
    fresh = build_leaderboard(ds, sources, samples=20)
    assert [(e.name, e.score, e.ci) for e in again.entries] == [(e.name, e.score, e.ci) for e in fresh.entries]


def test_an_entry_pages_rows_are_the_same_made_once_per_distinct_end_or_one_by_one(omniact_data, subs):
    # An entry page makes each distinct row end once (most pages), or row by row when a row may say why it did
    # not match: the same cells either way, including values that are equal but written differently (-0.0 and
    # 0.0, 1 and 1.0 and True: the first one shown is how every equal one is shown, as before), and NaN.
    from dataclasses import replace

    from omniact.report import site

    ds = load_split(omniact_data, "test")
    entry = build_leaderboard(ds, [subs / "sloppy.jsonl"], samples=10).entries[0]
    n = len(ds.tasks)
    nan = float("nan")
    column = {"c": [-0.0, 0.0, 0.25, 0, nan, 0.25, 1.0 / 3, 0.0] * n, "k": [0.0, -0.0, 0, 0.5, 0.0, nan, 0.0, 0.5] * n,
              "x": [0, 0.0, -0.0, 0.0, 0.0, 0.0, nan, 0.0] * n, "s": [1.0, 1, True, 0.75, nan, 0.5, -0.0, 0.0] * n,
              "m": [1.0, True, 1, 1.0, 1.0, 0.0, 1.0, 0.0] * n, "missing": [False, 0, False, True, False, False, 0, 0] * n,
              "parse_error": [False, False, 0, False, True, True, False, None] * n}
    tasks = {**entry.tasks, **{key: values[:n] for key, values in column.items()}}
    entry = replace(entry, tasks=tasks)
    heads = site._row_heads(ds, False)
    once = site._entry_page(entry, heads)
    one_by_one = site._entry_page(entry, heads, reasons={10 * n: "beyond the last task: asked, never shown"})
    # a value its text shows exactly sorts by its text; one the text rounds, by its value in full
    assert "<td>-0.000</td>" in once and "<td data-v='0.3333333333333333'>0.333</td>" in once
    assert "<td data-v='nan'>nan</td>" in once
    assert once == one_by_one
    # Entry pages share the rows they have in common (a site's hundred pages repeat most): each page is still the
    # one it is alone, whichever pages came before it, with -0.0 (shown as itself, or as the 0.0 shown first) or not.
    zero_first = replace(entry, tasks={**tasks, "c": ([0.0, -0.0, 0.25, 0.0, 0.5, 0.25, 0.0, 0.0] * n)[:n]})
    board = build_leaderboard(ds, sorted(subs.glob("*.jsonl")), samples=10)
    pages = [*board.entries, entry, zero_first, *board.entries, entry]
    shared = site._RowEnds()
    assert [site._entry_page(e, heads, shared=shared) for e in pages] == [site._entry_page(e, heads) for e in pages]
    assert len(shared.ends) > 1


def test_results_arriving_in_any_order_make_the_same_board(omniact_data, subs, tmp_path):
    # A pool hands results back as they finish (here: last first); each is cached and readied for the bootstrap as
    # it arrives, and the board is still the one of the submissions in the order given.
    class LastFirst:
        def map_unordered(self, fn, items):
            return reversed([fn(item) for item in items])

    ds = load_split(omniact_data, "test")
    sources = [subs / "perfect.jsonl", subs / "sloppy.jsonl", subs / "half.jsonl"]
    here = build_leaderboard(ds, sources, samples=200, seed=2, cache_dir=tmp_path / "a")
    pooled = build_leaderboard(ds, sources, samples=200, seed=2, cache_dir=tmp_path / "b", pool=LastFirst())
    assert [(e.name, e.rank, e.tied_with_above, e.ci) for e in pooled.entries] == \
        [(e.name, e.rank, e.tied_with_above, e.ci) for e in here.entries]
    assert {p.name for p in (tmp_path / "a").iterdir()} == {p.name for p in (tmp_path / "b").iterdir()}


def test_an_entrys_results_card_counts_each_task_once_as_its_values_say():
    """Where an entry's tasks went, worked out by hand for odd values (NaN, -0.0, True, None, a weight of 0), the same
    whether the entry's vectors are lists or the packed bytes a scored result carries."""
    from array import array

    from omniact.report.leaderboard import TaskColumns
    from omniact.report.site import _task_counts

    nan = float("nan")
    t = {"w": [1.1, 2.1, 0.0, 1.1, nan, 1.1, 1.1, 1.1],
         "missing": [False, 0, False, True, False, False, 0, None],
         "m": [1.0, True, 1, 1.0, 1.0, 0.0, nan, 0.0],
         "parse_error": [False, False, 0, False, True, True, False, None],
         "s": [1.0, 0.75, 1, 0.0, nan, 0.0, 0.9999999999999, 0.0],
         "c": [0, 0.25, 0, 0, nan, 0, 0, 0], "k": [0, 0, 0, 0, 0.5, 0, -0.0, 0], "x": [0, 0, 0, 0, 0, 0, 1e-9, 0]}
    # 0 matched exactly; 1 matched with a click penalty; 2 weighs nothing (left out); 3 missing; 4 (NaN weight:
    # counted) matched with a key penalty; 5 refused; 6 (NaN match: true) matched exactly (within 1e-12) with a write
    # penalty; 7 no match.
    want = {"scored": 7, "matched": 4, "exact": 2, "click": 1, "key": 1, "write": 1, "no match": 1, "parse error": 1,
            "missing": 1}
    packed = {k: bytes(map(bool, v)) if k in ("missing", "parse_error") else array("d", v).tobytes()
              for k, v in t.items()}
    assert _task_counts(t) == want
    assert _task_counts(TaskColumns(packed)) == want


@pytest.mark.parametrize("block", [25, 2])
def test_each_entry_scores_as_omniact_score_scores_it_breakdown_too(omniact_data, subs, tmp_path, monkeypatch, block):
    """An entry's numbers are `scoring.score`'s for its predictions, every field, its breakdown by platform, app and
    action type too (the board sums that for many entries at once, in task order as scoring does, a block at a
    time as they arrive and the rest at the end): with one process or two, afresh or from the cache."""
    import scoring
    from omniact.dataset import load_split
    from omniact.predictions import read_scripts
    from omniact.report import build_leaderboard
    from omniact.report import leaderboard as lb

    monkeypatch.setattr(lb, "_FILL_BLOCK", block)

    ds = load_split(omniact_data, "test")
    files = sorted(p for p in subs.glob("*.jsonl") if p.name != "broken.jsonl")
    for k in range(3):  # clicks off their boxes by more each time: penalties of every size in every group
        files.append(write_sub(tmp_path / f"off{k}.jsonl", mutate=lambda i, s, k=k: s.replace(".0,", f".{k}7,", 1)))
    boards = [build_leaderboard(ds, files, samples=10, workers=w, cache_dir=tmp_path / "cache") for w in (1, 2, 1)]
    assert (boards[0].scored_now, boards[2].from_cache) == (len(files), len(files))
    for board in boards:
        assert len(board.entries) == len(files)
        for e in board.entries:
            expected = scoring.score(ds, read_scripts(e.submission.predictions, known_ids=ds.ids)).to_json()
            expected["dataset"] = e.score["dataset"]  # (the board's scores name the split as its gold has it)
            if sys.version_info < (3, 12):  # Python's sum of floats adds in order there, as the board does
                assert e.score == expected, e.name
            else:
                assert e.score == pytest.approx(expected, abs=1e-14), e.name
            assert json.dumps(e.score["breakdown"]) == json.dumps(expected["breakdown"])  # (the same order too)


def test_breakdown_sums_add_task_after_task_for_every_magnitude():
    """The board's breakdown sums each group's terms one task after another, in split order, for every entry at once
    (numpy, down the rows): on values of many magnitudes, where summing in any other order (numpy's pairwise
    summation along a row, say) changes the last digits, every sum equals the one-by-one sum, and a group whose
    terms are all -0.0 sums to 0.0 as Python's sum does."""
    import random
    from array import array

    from omniact.report.leaderboard import _fill_breakdowns

    rng = random.Random(7)
    n = 600

    def column(flag: bool = False) -> list[float]:
        if flag:
            return [float(rng.random() < 0.6) for _ in range(n)]
        return [rng.choice([-0.0, 0.0, rng.random() * 10.0 ** rng.randint(-9, 4)]) for _ in range(n)]

    entries = [{k: column(k == "m") for k in ("w", "s", "m", "c", "k", "x")} for _ in range(5)]
    entries[0]["w"] = [-0.0] * n  # every term of this entry's groups is -0.0 or 0.0
    groups = [(("app", f"g{g}"), tuple(sorted(rng.sample(range(n), size))), size)
              for g, size in enumerate((0, 1, 2, 57, 400, n))]
    results = [{"score": {"breakdown": None}, "tasks": {k: array("d", v).tobytes() for k, v in e.items()}}
               for e in entries]
    _fill_breakdowns(results, groups, n)
    for e, r in zip(entries, results):
        w = e["w"]
        terms = list(zip(w, [a * b for a, b in zip(w, e["m"])], [a * b for a, b in zip(e["s"], w)],
                         *([a * b for a, b in zip(e[k], w)] for k in ("c", "k", "x"))))
        for (kind, name), rows, count in groups:
            sums = [0] * 6
            for i in rows:  # one task after another, from 0, as Python's sum (up to 3.11) and `scoring.total` add
                sums = [acc + t for acc, t in zip(sums, terms[i])]
            got = r["score"]["breakdown"][kind][name]
            assert got["ideal_score"] == sums[0] and str(got["ideal_score"]) == str(float(sums[0])), name
            keys = ("sequence_score", "action_score", "click_penalty", "key_penalty", "write_penalty")
            want = [v / sums[0] if sums[0] else 0.0 for v in sums[1:]]
            assert [got[k] for k in keys] == want and got["n_tasks"] == count, name


def test_the_site_writes_the_tables_after_its_index_with_the_bytes_write_tables_gives(omniact_data, subs, tmp_path,
                                                                                       monkeypatch):
    """`write_site(..., tables=True)`, as `omniact leaderboard` and `omniact report` call it: a page worker makes the
    tables beside the pages, and they are written after the index, the same bytes `write_tables` writes; a build
    stopped at its index leaves the earlier tables, as it leaves the earlier index."""
    import omniact.report.site as site_module
    from omniact.report import write_site

    ds = load_split(omniact_data, "test")
    files = sorted(p for p in subs.glob("*.jsonl") if p.name != "broken.jsonl")
    board = build_leaderboard(ds, files, samples=10)
    names = ("leaderboard.json", "leaderboard.csv", "leaderboard.md")
    write_tables(board, tmp_path / "alone")
    for workers in (1, 2):
        write_site(board, ds, tmp_path / str(workers), task_pages=False, workers=workers, tables=True)
        for name in names:
            assert (tmp_path / str(workers) / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    out = tmp_path / "1"
    for name in names:
        (out / name).write_text("the earlier board's")
    real = site_module.write_text

    def stopped_at_the_index(path, text):
        if path.name == "index.html":
            raise KeyboardInterrupt
        real(path, text)

    monkeypatch.setattr(site_module, "write_text", stopped_at_the_index)
    monkeypatch.setattr(site_module, "write_text_parts", lambda path, parts: stopped_at_the_index(path, "".join(parts)))
    with pytest.raises(KeyboardInterrupt):
        write_site(board, ds, out, task_pages=False, workers=2, tables=True)
    assert all((out / name).read_text() == "the earlier board's" for name in names)


def test_a_leaderboard_scores_on_every_usable_core_unless_told_otherwise(omniact_data, subs, tmp_path, monkeypatch):
    # Without --workers, one process per usable core scores the submissions (two here); with --workers 1, or where
    # this process runs another thread (a fork copies only the calling one), this process alone.
    import os

    from omniact import process_pool
    from omniact.report import leaderboard

    pids = tmp_path / "pids"
    score_job = leaderboard._score_job

    def recorded(job):  # (forked workers inherit it, and find it by the name the pool sends)
        with open(pids, "a") as f:
            f.write(f"{os.getpid()}\n")
        return score_job(job)

    recorded.__qualname__ = recorded.__name__ = "_score_job"
    recorded.__module__ = leaderboard.__name__
    monkeypatch.setattr(leaderboard, "_score_job", recorded)
    monkeypatch.setattr(process_pool, "usable_cores", lambda: 2)
    sources = [str(p) for p in sorted(subs.glob("*.jsonl"))]

    def processes(*args: str) -> int:
        pids.unlink(missing_ok=True)
        out = tmp_path / f"site{len(list(tmp_path.glob('site*')))}"
        r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", *sources,
                                      "--out", str(out), "--no-task-pages", "--bootstrap", "20", *args])
        assert r.exit_code == 0, r.output
        scored_by = pids.read_text().split()
        assert len(scored_by) == len(sources)  # each scored once (the build's own cache folder is new)
        return len(set(scored_by))

    assert processes() == 2
    assert processes("--workers", "1") == 1
    monkeypatch.setattr(process_pool, "_threads", lambda: 2)  # (one here otherwise, see conftest.py)
    assert processes() == 1
    assert processes("--workers", "2") == 1  # (asked for, but not safe to fork)


def test_a_thread_started_by_the_progress_callback_keeps_the_build_from_forking(omniact_data, subs, tmp_path,
                                                                               monkeypatch):
    """From Python: a `progress` callback that starts a thread (a progress bar's refresh) before the first submission
    to score is seen: the pool, checked as it starts, is not forked beside it, and every submission is scored here.
    Path arguments may be strings, as elsewhere in the API."""
    import os

    from omniact import process_pool
    from omniact.report import leaderboard, prune_cache

    threads = [1]
    monkeypatch.setattr(process_pool, "_threads", lambda: threads[0])
    monkeypatch.setattr(leaderboard, "_ProcessPool", None)  # (a pool started would fail: None is not callable)
    by = []
    score_job = leaderboard._score_job
    monkeypatch.setattr(leaderboard, "_score_job", lambda job: by.append(os.getpid()) or score_job(job))
    sources = [str(tmp_path / "not-there.jsonl")] + [str(p) for p in sorted(subs.glob("*.jsonl"))]

    def progress(source):
        threads[0] = 2  # the first source (left out) has started a thread

    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, sources, workers=2, samples=10, cache_dir=str(tmp_path / "cache"),
                              progress=progress)
    assert set(by) == {os.getpid()} and len(by) >= len(board.entries) > 1
    alone = build_leaderboard(ds, sources, samples=10)
    assert board.to_json() == alone.to_json() and len(board.rejected) >= 1
    assert prune_cache(board, root=str(tmp_path / "cache")) == 0


def test_interval_ends_taken_a_block_of_columns_at_a_time_are_those_of_the_whole_matrix():
    """The bootstrap divides and clips its sums in place and takes percentiles 50 columns at a time (its memory at
    100,000 resamples): 13 entries (65 columns) get exactly the ends of one np.percentile over the whole matrix."""
    import random

    import numpy as np

    from omniact.report import leaderboard

    rng = random.Random(7)
    n, samples = 40, 300
    entries = []
    for _ in range(13):
        m = [float(rng.random() < 0.6) for _ in range(n)]
        c, k, x = ([rng.random() * 0.3 * mi for mi in m] for _ in range(3))
        entries.append({"tasks": {"w": [rng.choice([0.0, 0.1, 1.1, 2.1]) for _ in range(n)], "m": m,
                                  "s": [max(1 - a - b - d, 0) * mi for a, b, d, mi in zip(c, k, x, m)],
                                  "c": c, "k": k, "x": x}})
    cis, as_samples = leaderboard._bootstrap(entries, n, samples, 11, 0.95)
    columns = [leaderboard._entry_columns(e["tasks"]) for e in entries]
    per_task = np.concatenate([col[0] for col in columns], axis=1)
    counts = np.concatenate([block for _, block in leaderboard._Resamples(n, samples, 11)])
    denom = counts @ columns[0][3]
    denom[denom == 0] = 1.0
    stats = np.clip((counts @ per_task) / denom[:, None], [v for col in columns for v in col[1]],
                    [v for col in columns for v in col[2]])
    lows, highs = np.percentile(stats, leaderboard.interval_percents(0.95), axis=0)
    keys = ("sequence_score", "action_score", "click_penalty", "key_penalty", "write_penalty")
    assert cis == [{key: (float(lows[5 * i + j]), float(highs[5 * i + j])) for j, key in enumerate(keys)}
                   for i in range(13)]
    assert all(np.array_equal(a, stats[:, 5 * i + 1]) for i, a in enumerate(as_samples))


def test_the_default_number_of_workers_is_the_usable_cores_up_to_a_limit(monkeypatch):
    from omniact import process_pool

    for cores, limit, expected in ((1, 8, 1), (2, 8, 2), (16, 8, 8), (3, 2, 2)):
        monkeypatch.setattr(process_pool, "usable_cores", lambda cores=cores: cores)
        assert process_pool.default_workers(limit) == expected


def test_the_usable_cores_are_as_few_as_a_cgroup_cpu_quota_allows(monkeypatch, tmp_path):
    # A container limited to 1.5 CPUs (docker --cpus, a Kubernetes limit) still sees every core in its affinity:
    # its quota, rounded up, is what the default number of workers is made of.
    from omniact import process_pool

    def tree(own: str, files: dict[str, str]) -> tuple[str, str]:
        root = tmp_path / f"cg{len(list(tmp_path.iterdir()))}"
        root.mkdir()
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        (root / "self").write_text(own)
        return str(root), str(root / "self")

    # cgroup v2: the process's own cgroup and its parents, the least quota applies; "max" is none
    assert process_pool.cgroup_cpus(*tree("0::/\n", {"cpu.max": "150000 100000\n"})) == 2
    assert process_pool.cgroup_cpus(*tree("0::/\n", {"cpu.max": "max 100000\n"})) is None
    assert process_pool.cgroup_cpus(*tree("0::/app/job\n", {"app/job/cpu.max": "max 100000\n",
                                                             "app/cpu.max": "300000 100000\n",
                                                             "cpu.max": "800000 100000\n"})) == 3
    # beside cgroup v1, as this machine mounts it ("unified")
    assert process_pool.cgroup_cpus(*tree("1:cpu:/\n0::/\n", {"unified/cpu.max": "50000 100000\n"})) == 1
    # cgroup v1: quota over period, -1 for none
    v1 = {"cpu/cpu.cfs_quota_us": "250000\n", "cpu/cpu.cfs_period_us": "100000\n"}
    assert process_pool.cgroup_cpus(*tree("4:memory:/x\n3:cpu,cpuacct:/\n", v1)) == 3
    assert process_pool.cgroup_cpus(*tree("3:cpu,cpuacct:/\n", {"cpu/cpu.cfs_quota_us": "-1\n",
                                                                "cpu/cpu.cfs_period_us": "100000\n"})) is None
    # nothing to read: no quota
    assert process_pool.cgroup_cpus(str(tmp_path / "none"), str(tmp_path / "none" / "self")) is None
    assert process_pool.cgroup_cpus(*tree("garbage\n", {})) is None
    monkeypatch.setattr(process_pool, "cgroup_cpus", lambda: 1)
    assert process_pool.usable_cores() == 1
    monkeypatch.setattr(process_pool, "cgroup_cpus", lambda: None)
    assert process_pool.usable_cores() >= 1
