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
    # the run's own predictions.jsonl is the run's record: scored as the run is
    r = CliRunner().invoke(main, ["score", "--predictions", str(out / "predictions.jsonl"), "--json"])
    assert r.exit_code == 0 and json.loads(r.output) == json.loads((out / "scores.json").read_text())["reference"]

    run("noop", out=tmp_path / "full", data=DATA)
    site = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(out), "--baseline", str(tmp_path / "full"), "--out", str(site)])
    assert r.exit_code == 0, r.output
    page = (site / "index.html").read_text()
    assert sorted(p.name for p in (site / "tasks").iterdir()) == ["100.html", "101.html"]
    task_table = page.split("id=tasks", 1)[1]
    assert task_table.count("<tr><td class=l>") == 2 and ">missing<" not in task_table
    # the comparison is on the run's two tasks: both fixed against the full noop run, none "unchanged"
    counts = dict(re.findall(r"<tr><th scope=row class=l>([^<]+)</th><td>(\d+)</td></tr>", page.split("id=compare", 1)[1]))
    assert counts["fixed (matched now, not before)"] == "2" and counts["unchanged"] == "0"


def test_why_no_match_names_the_agents_failure_instead_of_an_empty_script(tmp_path):
    agent = tmp_path / "half_broken.py"
    agent.write_text("class Agent:\n    def act(self, view):\n        if view.id in ('100', '101'):\n"
                     "            raise ValueError('model exploded')\n        return 'pyautogui.click(1, 1)'\n")
    out = tmp_path / "r"
    run(f"{agent}:Agent", out=out, data=DATA)
    r = CliRunner().invoke(main, ["score", "--predictions", str(out)])
    assert r.exit_code == 0, r.output
    why = r.output.split("why no match", 1)[1]
    assert re.search(r"the agent failed \(exception\) +│ +2 │", why), why
    # the failed tasks' empty scripts are not read as answers: task 100 (one gold action) is not "one action too
    # few", and 101 (three) is not among the "2 actions too few" of the one-click answers to 102 and 103
    assert "one action too few" not in why
    assert re.search(r"2 actions too few +│ +2 │", why), why


def test_scoring_a_run_that_was_stopped_says_so(tmp_path):
    # An agent's UserError (an expired key, say) stops the run, finished tasks kept; scoring it later must not pass
    # its missing tasks off as the agent's misses without a word.
    agent = tmp_path / "expiring.py"
    agent.write_text("from omniact import UserError\n\nclass Agent:\n    def act(self, view):\n"
                     "        if view.id == '102':\n            raise UserError('the model key expired')\n"
                     "        return 'pyautogui.click(1, 1)'\n")
    out = tmp_path / "r"
    r = CliRunner().invoke(main, ["run", "--agent", f"{agent}:Agent", "--data", str(DATA), "--out", str(out), "-q"])
    assert r.exit_code == 2 and "the model key expired" in r.output
    said = "the run was stopped before it ended after 2 of 6 tasks; the tasks it did not do count as missing"
    r = CliRunner().invoke(main, ["score", "--predictions", str(out)])
    assert r.exit_code == 0 and said in " ".join(r.output.split()), r.output
    r = CliRunner().invoke(main, ["score", "--predictions", str(out), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["n_missing"] == 4 and said in r.stderr
    # with --limit too: each note on its own line (they were joined by a "\n" shown as those two characters)
    r = CliRunner().invoke(main, ["run", "--agent", f"{agent}:Agent", "--data", str(DATA), "--out",
                                  str(tmp_path / "r4"), "-q", "--limit", "4"])
    r = CliRunner().invoke(main, ["score", "--predictions", str(tmp_path / "r4")])
    lines = [line.strip() for line in r.output.splitlines()]
    assert r.exit_code == 0 and "\\n" not in r.output, r.output
    assert any(line.startswith("the run's tasks: the first 4 of 6") for line in lines), r.output
    assert any(line.startswith("the run was stopped before it ended after 2 of 4 tasks") for line in lines)
    run("oracle", out=tmp_path / "done", data=DATA)  # a finished run: nothing said
    r = CliRunner().invoke(main, ["score", "--predictions", str(tmp_path / "done"), "--json"])
    assert r.exit_code == 0 and r.stderr == ""


def test_a_run_made_on_a_split_file_is_scored_again_on_that_file(tmp_path):
    split = json.loads((DATA / "test.json").read_text())
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(dict(list(split.items())[:2])))
    out = tmp_path / "r"
    s = run("oracle", out=out, data=DATA, split=str(mine))
    assert s.scores["reference"]["action_score"] == 1.0
    r = CliRunner().invoke(main, ["score", "--predictions", str(out), "--json"])
    assert r.exit_code == 0, r.output  # (it looked for mine.json in the data root)
    assert json.loads(r.output) == json.loads((out / "scores.json").read_text())["reference"]
    site = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(out), "--out", str(site)])
    assert r.exit_code == 0 and sorted(p.name for p in (site / "tasks").iterdir()) == ["100.html", "101.html"]
    # The file moved away: refused, where the data root's test.json was scored in its place (2 of 6 tasks done)
    mine.rename(tmp_path / "elsewhere.json")
    for verb in (["score", "--predictions", str(out)], ["validate", "--predictions", str(out)],
                 ["report", str(out), "--out", str(site)]):
        r = CliRunner().invoke(main, verb)
        assert r.exit_code == 2 and f"the run was made on the split file {mine}, which is not there" in r.output, \
            r.output
    r = CliRunner().invoke(main, ["score", "--predictions", str(out), "--split", str(tmp_path / "elsewhere.json")])
    assert r.exit_code == 0, r.output
