"""A site built again over a published one shows only what the new build has."""

from __future__ import annotations

from click.testing import CliRunner
from test_report_leaderboard import write_sub

from omniact.cli import main


def test_a_withdrawn_entry_leaves_no_page_behind_when_task_pages_are_turned_off(omniact_data, tmp_path):
    keep = write_sub(tmp_path / "keep.jsonl")
    gone = write_sub(tmp_path / "gone.jsonl", mutate=lambda i, s: s + "\npyautogui.write('private prompt')",
                     meta={"name": "Withdrawn agent"})
    site = tmp_path / "site"
    args = ["leaderboard", "--data", str(omniact_data), "--split", "test", "--out", str(site), "--bootstrap", "10"]
    assert CliRunner().invoke(main, [*args, str(keep), str(gone)]).exit_code == 0
    assert "Withdrawn agent" in (site / "tasks" / "10.html").read_text()
    # the submitter withdraws; the maintainer rebuilds, without task pages this time
    r = CliRunner().invoke(main, [*args, "--no-task-pages", str(keep)])
    assert r.exit_code == 0, r.output
    left = [p for p in site.rglob("*") if p.is_file() and "Withdrawn" in p.read_text(errors="replace")]
    assert left == [] and not (site / "tasks").exists() and not (site / "img").exists()
    assert (site / "entries" / "keep.html").is_file()


def test_a_report_is_not_written_over_a_published_leaderboard(omniact_data, tmp_path):
    a, b = write_sub(tmp_path / "a.jsonl"), write_sub(tmp_path / "b.jsonl", mutate=lambda i, s: "")
    site = tmp_path / "site"
    args = ["--data", str(omniact_data), "--split", "test", "--out", str(site)]
    assert CliRunner().invoke(main, ["leaderboard", *args, "--bootstrap", "10", str(a), str(b)]).exit_code == 0
    published = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    r = CliRunner().invoke(main, ["report", str(a), *args])
    assert r.exit_code == 2
    assert r.output.strip() == (f"omniact: {site / 'index.html'}: this folder holds a leaderboard, which the report would "
                                f"replace: give the report another --out, or remove {site} first")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == published  # pages, tables and cache
    # a report's own folder takes the next report (another baseline) as before
    rep = tmp_path / "rep"
    for baseline in (b, None):
        more = [] if baseline is None else ["--baseline", str(baseline)]
        r = CliRunner().invoke(main, ["report", str(a), "--data", str(omniact_data), "--out", str(rep), *more])
        assert r.exit_code == 0, r.output


def test_a_disk_that_fills_while_pages_are_written_leaves_no_index_linking_to_missing_pages(omniact_data, tmp_path,
                                                                                          monkeypatch):
    import errno

    import omniact.report.site as site_module

    real = site_module.write_text
    written: list[str] = []

    def filling(path, text):
        if "tasks" in path.parts and len(written) > 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, text)
        written.append(path.name)

    monkeypatch.setattr(site_module, "write_text", filling)
    site = tmp_path / "site"
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", "--out", str(site),
                                  "--bootstrap", "10", "--workers", "1", str(write_sub(tmp_path / "a.jsonl"))])
    assert r.exit_code == 1, r.output
    assert r.output == f"omniact: cannot write {site / 'tasks' / '3.html'}: No space left on device\n"
    assert "index.html" not in written and not (site / "index.html").exists()
