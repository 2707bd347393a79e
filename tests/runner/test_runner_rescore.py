"""A run scored again (`omniact score`, `omniact report`) shows the numbers the run itself printed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from omniact.cli import main
from omniact.runner import run

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"


def test_a_run_made_with_limit_is_scored_and_reported_on_its_own_tasks(tmp_path):
    out = tmp_path / "first2"
    s = run("oracle", out=out, data=DATA, limit=2)
    assert s.scores["reference"]["action_score"] == 1.0
    r = CliRunner().invoke(main, ["score", "--predictions", str(out), "--json"])
    assert r.exit_code == 0, r.output
    # the run's own scores.json, not the 2 tasks diluted by 4 "missing" ones of the rest of the split
    assert json.loads(r.output) == json.loads((out / "scores.json").read_text())["reference"]
    r = CliRunner().invoke(main, ["score", "--predictions", str(out)])
    assert r.exit_code == 0 and "the first 2 of 6" in r.output and "--limit" in r.output

    run("noop", out=tmp_path / "full", data=DATA)
    site = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(out), "--baseline", str(tmp_path / "full"), "--out", str(site)])
    assert r.exit_code == 0, r.output
    page = (site / "index.html").read_text()
    assert sorted(p.name for p in (site / "tasks").iterdir()) == ["100.html", "101.html"]
    task_table = page.split("id=tasks", 1)[1]
    assert task_table.count("<tr><td class=l>") == 2 and ">missing<" not in task_table
    # the comparison is on the run's two tasks: both fixed against the full noop run, none "unchanged"
    counts = dict(re.findall(r"<tr><td class=l>([^<]+)</td><td>(\d+)</td></tr>", page.split("id=compare", 1)[1]))
    assert counts["fixed (matched now, not before)"] == "2" and counts["unchanged"] == "0"
