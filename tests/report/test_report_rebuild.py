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
