"""The site's score cache keeps what the published board uses, and nothing a failed or interrupted build left."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_report_leaderboard import write_sub

from omniact.cli import main


@pytest.fixture()
def two(tmp_path):
    d = tmp_path / "subs"
    d.mkdir()
    return write_sub(d / "perfect.jsonl"), write_sub(d / "sloppy.jsonl", mutate=lambda i, s: s.replace('"enter"',
                                                                                                        '"tab"'))


def leaderboard(omniact_data, site, *sources):
    return CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", "--out", str(site),
                                     "--bootstrap", "10", "--no-task-pages", *map(str, sources)])


def cached(site):
    """The cached results (the split's breakdown groups, kept beside them, aside)."""
    return sorted(p.name for p in (site / ".cache").iterdir() if not p.name.startswith("groups-"))


def test_an_edited_submission_leaves_no_dead_cache_entry(omniact_data, two, tmp_path):
    site = tmp_path / "site"
    perfect, sloppy = two
    assert leaderboard(omniact_data, site, perfect, sloppy).exit_code == 0
    assert len(cached(site)) == 2
    for k in range(3):  # the submitter fixes their file, three times
        write_sub(sloppy, mutate=lambda i, s, key=f"f{k + 1}": s.replace('"enter"', f'"{key}"'))
        r = leaderboard(omniact_data, site, perfect, sloppy)
        assert r.exit_code == 0, r.output
        assert "1 scored now" in r.output
        assert len(cached(site)) == 2  # perfect's and the latest sloppy's, not one more per edit
    # a submission that leaves the board leaves the cache too; one that stays is still read from it
    r = leaderboard(omniact_data, site, perfect)
    assert "0 scored now, 1 from cache" in r.output and len(cached(site)) == 1
    assert len(list((site / ".cache").glob("groups-*"))) == 1  # the split's, used by every build: kept


def test_a_failed_or_interrupted_build_prunes_nothing(omniact_data, two, tmp_path, monkeypatch):
    site = tmp_path / "site"
    perfect, sloppy = two
    assert leaderboard(omniact_data, site, perfect, sloppy).exit_code == 0
    before = cached(site)
    # a mistyped glob: nothing to rank, nothing written, and the cache kept for the next (right) command
    assert leaderboard(omniact_data, site, tmp_path / "typo*.jsonl").exit_code == 2
    assert cached(site) == before
    # Ctrl-C while the site of a board without sloppy is written: sloppy's result stays
    import omniact.report

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(omniact.report, "write_site", interrupted)
    assert leaderboard(omniact_data, site, perfect).exit_code != 0
    assert cached(site) == before
    monkeypatch.undo()
    assert "0 scored now, 2 from cache" in leaderboard(omniact_data, site, perfect, sloppy).output


def test_prune_keeps_files_it_did_not_write_and_drops_a_killed_writes_leftovers(omniact_data, two, tmp_path):
    site = tmp_path / "site"
    perfect, sloppy = two
    assert leaderboard(omniact_data, site, perfect, sloppy).exit_code == 0
    leftover = site / ".cache" / f".{'0' * 64}.marshal.k1x2y3.tmp"  # what a SIGKILL during a cache write leaves
    leftover.write_bytes(b"half")
    (site / ".cache" / "README.txt").write_text("the maintainer's note")
    assert leaderboard(omniact_data, site, perfect, sloppy).exit_code == 0
    assert not leftover.exists() and (site / ".cache" / "README.txt").is_file()
    assert len(cached(site)) == 3


def test_a_report_keeps_only_its_run_and_its_current_baseline(omniact_data, two, tmp_path):
    perfect, sloppy = two
    blank = write_sub(tmp_path / "subs" / "blank.jsonl", mutate=lambda i, s: "")
    out = tmp_path / "rep"
    for baseline in (sloppy, blank):
        r = CliRunner().invoke(main, ["report", str(perfect), "--data", str(omniact_data), "--split", "test",
                                      "--baseline", str(baseline), "--out", str(out)])
        assert r.exit_code == 0, r.output
    assert len(cached(out)) == 2  # perfect's and blank's; sloppy's went with its comparison


def test_reports_of_a_limited_and_a_whole_run_into_one_folder_keep_only_the_latest_cache(tmp_path):
    from pathlib import Path

    from omniact.runner import run

    data = Path(__file__).resolve().parents[1] / "runner" / "fixtures" / "data"
    run("oracle", out=tmp_path / "first2", data=data, limit=2)
    run("noop", out=tmp_path / "whole", data=data)
    out = tmp_path / "rep"

    def report(source):
        r = CliRunner().invoke(main, ["report", str(source), "--out", str(out)])
        assert r.exit_code == 0, r.output
        return sorted(str(p.relative_to(out / ".cache")) for p in (out / ".cache").rglob("*") if p.is_file())

    limited = report(tmp_path / "first2")
    assert limited and all(p.startswith("first-2/") for p in limited)  # a limited run's report caches apart
    whole = report(tmp_path / "whole")
    assert whole and not any(p.startswith("first-") for p in whole)  # the limited report's entries went with it
    assert not (out / ".cache" / "first-2").exists()
    again = report(tmp_path / "first2")
    assert again == limited  # and the whole run's went when the limited run was reported here again
