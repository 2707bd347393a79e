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
