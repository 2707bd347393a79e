"""omniact report --baseline: what it says when the baseline cannot be compared with the run."""

from __future__ import annotations

from click.testing import CliRunner
from test_report_leaderboard import write_sub, write_train_run

from omniact.cli import main


def test_a_baseline_on_another_split_is_named_as_the_baseline(omniact_data, tmp_path):
    run = write_sub(tmp_path / "run.jsonl")
    other = write_train_run(omniact_data, tmp_path / "runs" / "on-train")
    args = ["report", str(run), "--data", str(omniact_data), "--split", "test", "--out", str(tmp_path / "rep")]
    r = CliRunner().invoke(main, [*args, "--baseline", str(other)])
    # not "give it with --split train": the run is on test, and --split would only turn the complaint round
    assert r.exit_code == 2
    assert r.output.strip() == (f"omniact: {other}: the baseline is a run on split 'train', the run on 'test': "
                                "compare two runs of one split")
    r = CliRunner().invoke(main, [*args, "--baseline", str(other / "predictions.jsonl")])
    assert r.exit_code == 2 and r.output.strip().endswith("; a baseline must be on the run's split, 'test'")
    assert not (tmp_path / "rep" / "index.html").exists()


def test_a_baseline_that_is_not_a_prediction_file_is_not_told_about_splits(omniact_data, tmp_path):
    run = write_sub(tmp_path / "run.jsonl")
    binary = tmp_path / "bin.jsonl"
    binary.write_text('{"id": "0", "script": ""}\n{"id": \n')
    r = CliRunner().invoke(main, ["report", str(run), "--data", str(omniact_data), "--split", "test", "--out",
                                  str(tmp_path / "rep"), "--baseline", str(binary)])
    assert r.exit_code == 2
    assert r.output.startswith(f"omniact: {binary}:2: ") and "not valid JSON" in r.output
    assert "split" not in r.output and r.output.count("\n") == 1


def test_standard_input_is_no_submission_and_says_so(omniact_data, tmp_path):
    good = write_sub(tmp_path / "good.jsonl")
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", str(good), "-",
                                  "--out", str(tmp_path / "lb"), "--no-task-pages", "--bootstrap", "10"],
                           input=good.read_text())
    assert r.exit_code == 0, r.output
    assert ("rejected -: standard input cannot be a submission (it is read twice, to hash and to score): save the "
            "predictions to a file and give that") in r.output


def test_a_baseline_run_with_a_smaller_limit_is_compared_on_the_tasks_it_ran(tmp_path):
    """The baseline's tasks past its --limit counted as missing there, so every one the run matched was "fixed"."""
    import json
    from pathlib import Path

    from omniact.runner import run

    data = Path(__file__).resolve().parents[1] / "runner" / "fixtures" / "data"
    run("oracle", out=tmp_path / "whole", data=data)
    run("noop", out=tmp_path / "first2", data=data, limit=2)
    out = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(tmp_path / "whole"), "--baseline",
                                  str(tmp_path / "first2"), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert r.stderr == "omniact: the baseline was run with --limit: compared on the tasks it ran, the first 2 of 6\n"
    board = json.loads((out / "leaderboard.json").read_text())
    assert [(e["n_scored"], e["n_missing"]) for e in board["entries"]] == [(2, 0), (2, 0)]
    assert board["entries"][0]["action_score"] == 1.0
    page = (out / "index.html").read_text()
    assert "<th scope=row class=l>fixed (matched now, not before)</th><td>2</td>" in page
    # the page says which tasks its scores are on: read later, they passed for the run's on the whole split
    assert ("Scored on the first 2 of the 6 tasks of split test: the baseline was run with --limit" in
            page.replace("&#x27;", "'"))


def test_a_run_made_with_a_limit_compares_its_baseline_on_its_tasks_and_says_so(tmp_path):
    """The baseline's scores on the page are on the run's first tasks, not its own report's: said on stderr too."""
    import json
    from pathlib import Path

    from omniact.runner import run

    data = Path(__file__).resolve().parents[1] / "runner" / "fixtures" / "data"
    run("oracle", out=tmp_path / "first3", data=data, limit=3)
    run("noop", out=tmp_path / "whole", data=data)
    out = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(tmp_path / "first3"), "--baseline", str(tmp_path / "whole"),
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert r.stderr == "omniact: the run was made with --limit: compared on the tasks it ran, the first 3 of 6\n"
    board = json.loads((out / "leaderboard.json").read_text())
    assert [(e["n_scored"], e["n_missing"]) for e in board["entries"]] == [(3, 0), (3, 0)]
    assert "Scored on the first 3 of the 6 tasks of split test: the run was made with --limit" in (
        (out / "index.html").read_text())


def test_a_reports_tables_rank_the_run_and_its_baseline_as_the_board_does(omniact_data, tmp_path):
    """`omniact report --baseline`: leaderboard.json, .csv and .md are the board's, ranked as `write_tables` writes
    them, even where the baseline ranks above the run (the pages show the run first; the tables do not)."""
    from omniact.dataset import load_split
    from omniact.report import build_leaderboard, write_tables

    run = write_sub(tmp_path / "sloppy.jsonl", mutate=lambda i, s: s.replace('"enter"', '"tab"').replace(
        "412.0,826.0", "5,5"))
    base = write_sub(tmp_path / "perfect.jsonl")
    out = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(run), "--baseline", str(base), "--data", str(omniact_data),
                                  "--split", "test", "--out", str(out)])
    assert r.exit_code == 0, r.output
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [run, base], samples=1000)
    assert [e.name for e in board.entries] == ["perfect", "sloppy"]  # the baseline ranks first
    write_tables(board, tmp_path / "alone")
    for name in ("leaderboard.json", "leaderboard.csv", "leaderboard.md"):
        assert (out / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name


def _stops_at_third_task(tmp_path):
    """An agent file whose act() answers the first two tasks as the oracle would and stops the run at the third (a
    UserError: a key gone, say), as Ctrl-C or a run of failures stops one."""
    agent = tmp_path / "stopper.py"
    agent.write_text(
        "from omniact.errors import UserError\n"
        "class Stopper:\n"
        "    seen = 0\n"
        "    def act(self, view):\n"
        "        Stopper.seen += 1\n"
        "        if Stopper.seen > 2:\n"
        "            raise UserError('the key was revoked')\n"
        "        return 'pyautogui.press(\"enter\")'\n")
    return f"{agent}:Stopper"


def _runs(tmp_path):
    from pathlib import Path

    from omniact.errors import UserError
    from omniact.runner import run

    data = Path(__file__).resolve().parents[1] / "runner" / "fixtures" / "data"
    run("oracle", out=tmp_path / "whole", data=data)
    try:
        run(_stops_at_third_task(tmp_path), out=tmp_path / "stopped", data=data)
    except UserError:
        pass
    return tmp_path / "whole", tmp_path / "stopped"


def test_a_stopped_baseline_is_compared_on_the_tasks_both_did(tmp_path):
    """Its tasks not done counted missing, so each one the run matched was "fixed" and the run "better than the
    baseline", significantly, with no word said."""
    import json

    whole, stopped = _runs(tmp_path)
    assert json.loads((stopped / "manifest.json").read_text())["status"] == "interrupted"
    out = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(whole), "--baseline", str(stopped), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "omniact: note: the baseline was stopped before it ended after 2 of 6 tasks" in r.stderr
    assert "omniact: the baseline was stopped before it ended: compared on the 2 tasks both did\n" in r.stderr
    board = json.loads((out / "leaderboard.json").read_text())
    assert [(e["n_scored"], e["n_missing"]) for e in board["entries"]] == [(2, 0), (2, 0)]
    page = (out / "index.html").read_text().replace("&#x27;", "'")
    assert "Compared on the 2 of the 6 tasks of split test that both runs did: the baseline was stopped" in page


def test_a_stopped_run_is_said_to_be_stopped_alone_and_its_own_predictions_file_is_the_run(tmp_path):
    """A baseline given as a run's own predictions.jsonl is that run (its --limit, its stop), as score takes it."""
    import json

    whole, stopped = _runs(tmp_path)
    out = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(stopped), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert r.stderr.startswith("omniact: note: the run was stopped before it ended after 2 of 6 tasks; the tasks it "
                               "did not do count as missing")
    assert [(e["n_scored"], e["n_missing"]) for e in json.loads((out / "leaderboard.json").read_text())["entries"]] \
        == [(2, 4)]
    assert "The run was stopped before it ended: the tasks it did not do count as missing" in \
        (out / "index.html").read_text()
    r = CliRunner().invoke(main, ["report", str(whole), "--baseline", str(stopped / "predictions.jsonl"),
                                  "--out", str(tmp_path / "rep2")])
    assert r.exit_code == 0, r.output
    assert "compared on the 2 tasks both did" in r.stderr
