"""What an entry's page says when there was nothing to score: not a silent row of zeros."""

from __future__ import annotations

import html
import re

import pytest
from test_report_leaderboard import write_sub

from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_site


def text(path):
    """The page's words, as a reader sees them (tags and scripts left out)."""
    page = re.sub(r"<script.*?</script>", " ", path.read_text(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_an_entry_with_no_answer_or_no_readable_answer_says_so(omniact_data, tmp_path):
    ds = load_split(omniact_data, "test")
    write_sub(tmp_path / "good.jsonl", meta={"name": "good", "team": "T"})
    (tmp_path / "nothing.jsonl").write_text("")  # the wrong file, or a run stopped before its first task
    write_sub(tmp_path / "garbled.jsonl", mutate=lambda i, s: "click the OK button")
    board = build_leaderboard(ds, sorted(tmp_path.glob("*.jsonl")), samples=20)
    write_site(board, ds, tmp_path / "out", task_pages=False)
    pages = tmp_path / "out" / "entries"
    n = sum(1 for e in board.entries[:1] for w in e.tasks["w"] if w > 0)
    assert f"No prediction for any of the {n} tasks: the scores are 0 because nothing was answered" in text(
        pages / "nothing.html")
    assert f"The parser refused every prediction ({n} of {n} tasks): the scores are 0" in text(pages / "garbled.html")
    good = text(pages / "good.html")
    assert "the scores are 0" not in good and "team T" in good
    # no metadata: the card says how to give some, instead of showing an empty table
    assert "Submission None given: a NAME.jsonl.meta.json beside a prediction file" in text(pages / "nothing.html")
    # what a prediction file does not record is said, not left blank
    assert "dataset_sha256 not recorded" in text(pages / "nothing.html")


def test_the_board_marks_an_entry_whose_scripts_the_parser_refused(omniact_data, tmp_path):
    ds = load_split(omniact_data, "test")
    write_sub(tmp_path / "good.jsonl")
    write_sub(tmp_path / "garbled.jsonl", mutate=lambda i, s: "click the OK button" if i in ("1", "2") else s)
    board = build_leaderboard(ds, sorted(tmp_path.glob("*.jsonl")), samples=20)
    write_site(board, ds, tmp_path / "out", task_pages=False)
    index = text(tmp_path / "out" / "index.html")
    assert "garbled 2 parse errors" in index  # beside its name, as leaderboard.md notes it
    assert re.search(r"good (\d+ )?parse error", index) is None


def test_a_run_whose_agent_failed_on_every_task_says_so(tmp_path):
    # Plain zeros, "no match" for every task: only the "why" card said the agent had failed.
    from pathlib import Path

    from click.testing import CliRunner

    from omniact.cli import main
    from omniact.runner import run

    data = Path(__file__).resolve().parents[1] / "runner" / "fixtures" / "data"
    agent = tmp_path / "failing.py"
    agent.write_text("class Agent:\n    def act(self, view):\n        raise ValueError('the model is down')\n")
    run(f"{agent}:Agent", out=tmp_path / "r", data=data)
    r = CliRunner().invoke(main, ["report", str(tmp_path / "r"), "--out", str(tmp_path / "rep")])
    assert r.exit_code == 0, r.output
    assert "The agent failed on every one of the 6 tasks (no answer): the scores are 0" in text(
        tmp_path / "rep" / "index.html")


def test_a_run_stopped_after_its_tasks_all_failed_says_so(tmp_path):
    # Failed on every task it did, the rest not done (the runner stops a run whose first ten tasks all fail): no
    # banner said why the scores were 0.
    from pathlib import Path

    from click.testing import CliRunner

    from omniact.cli import main
    from omniact.errors import UserError
    from omniact.runner import run

    data = Path(__file__).resolve().parents[1] / "runner" / "fixtures" / "data"
    agent = tmp_path / "failing.py"
    agent.write_text("from omniact.errors import UserError\n"
                     "class Agent:\n"
                     "    seen = 0\n"
                     "    def act(self, view):\n"
                     "        Agent.seen += 1\n"
                     "        if Agent.seen > 2:\n"
                     "            raise UserError('the key was revoked')\n"
                     "        raise ValueError('the model is down')\n")
    with pytest.raises(UserError):
        run(f"{agent}:Agent", out=tmp_path / "r", data=data)
    r = CliRunner().invoke(main, ["report", str(tmp_path / "r"), "--out", str(tmp_path / "rep")])
    assert r.exit_code == 0, r.output
    assert ("The agent failed on each of the 2 tasks it did, and the other 4 have no prediction (the run stopped "
            "before them): the scores are 0") in text(tmp_path / "rep" / "index.html")
