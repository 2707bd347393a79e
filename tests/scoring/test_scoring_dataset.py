"""Scoring a data set in the published layout, end to end: the contract JSON, breakdowns, gold problems."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import scoring_helpers  # noqa: F401  (the real `scoring` package, not this folder)

from omniact.dataset import load_split
from omniact.predictions import read_predictions, write_predictions
from scoring import MODES, SCORER_VERSION, gold_problems, score

CONTRACT = ["mode", "scorer_version", "dataset", "sequence_score", "action_score", "click_penalty", "key_penalty",
            "write_penalty", "ideal_score", "n_scored", "n_missing", "n_parse_errors", "breakdown"]
GROUP = ["n_tasks", "sequence_score", "action_score", "click_penalty", "key_penalty", "write_penalty",
         "ideal_score"]


@pytest.fixture(scope="module")
def ds(omniact_data):
    return load_split(omniact_data, "test")


@pytest.mark.parametrize("mode", MODES)
def test_gold_answers_score_perfectly_and_json_has_exactly_the_contract_keys(ds, mode):
    s = score(ds, {t.id: t.gold_script for t in ds}, mode)
    j = s.to_json()
    assert list(j) == CONTRACT
    assert j["mode"] == mode and j["scorer_version"] == SCORER_VERSION == "1.1.4"
    assert j["dataset"] == ds.describe() and j["dataset"]["n_tasks"] == 12
    assert j["sequence_score"] == j["action_score"] == 1.0 and j["n_missing"] == j["n_parse_errors"] == 0
    assert set(j["breakdown"]) == {"platform", "app", "action"}
    assert set(j["breakdown"]["platform"]) == {"desktop", "web"}
    # All ten OmniACT action types, named as in the ACTIONS table.
    assert set(j["breakdown"]["action"]) == {"click", "doubleClick", "rightClick", "moveTo", "dragTo", "scroll",
                                              "hscroll", "write", "press", "hotkey"}
    for groups in j["breakdown"].values():
        for g in groups.values():
            assert list(g) == GROUP
    assert j["breakdown"]["action"]["doubleClick"]["n_tasks"] == 1
    json.dumps(s.to_json(include_tasks=True))  # serialisable, per-task rows included
    assert len(s.to_json(include_tasks=True)["tasks"]) == 12


def test_breakdown_groups_sum_like_the_total(ds):
    # Task "1" (3 lines, w 2.1) answered with the wrong key: 1 - 1/3; every other task missing.
    preds = {"1": 'pyautogui.click(2450.0,130.0)\npyautogui.write("report")\npyautogui.press("tab")'}
    s = score(ds, preds)
    assert s.n_missing == 11 and s.n_scored == 1
    finder = s.breakdown["app"]["finder"]
    # finder test tasks 0-5: weights 0.1 + 2.1 + 0.1 + 0.1 + 1.1 + 1.1 = 4.6
    assert finder.ideal_score == pytest.approx(4.6) and finder.n_tasks == 6
    assert finder.sequence_score == pytest.approx(2.1 / 4.6)
    assert finder.key_penalty == pytest.approx(0.7 / 4.6)
    assert s.breakdown["app"]["amazon"].sequence_score == 0.0
    assert s.breakdown["action"]["press"].sequence_score == pytest.approx(2.1 / 4.2)  # tasks 1 and 10


def test_gold_problems_list_clicks_without_an_exact_centre(ds, omniact_data):
    assert gold_problems(ds) == []
    from scoring_helpers import make_task

    probs = gold_problems([make_task("pyautogui.click(60.0,30.0)", task_id="a"), make_task("# nothing", task_id="b"),
                           make_task("pyautogui.click(500.0,500.0)", task_id="c")])
    assert len(probs) == 3
    assert "task a: gold line 1: no box has its centre at the click point (60, 30)" in probs[0]
    assert "task b" in probs[1] and "no pyautogui line" in probs[1]
    assert "no box contains it either" in probs[2]
    # Points the released rule cannot read are read by the shared parser (keywords: the centre of box 0, fine).
    probs = gold_problems([make_task(script, task_id=i) for i, script in
                           [("d", "pyautogui.click()"), ("e", "pyautogui.click(x=100, y=50)"),
                            ("f", "pyautogui.click(x=101, y=50)"), ("g", "pyautogui.click(x=)")]])
    assert [p.split(": ", 1)[1] for p in probs] == [
        "task d: gold line 1: the click has no point",
        ("task f: gold line 1: no box has its centre at the click point (101, 50); the smallest box containing it "
         "is used"),
        "task g: gold line 1: the click's point cannot be read (line 1, column 19: not valid Python: invalid syntax)"]


def test_python_m_scoring_prints_the_contract(omniact_data, tmp_path):
    ds = load_split(omniact_data, "test")
    p = tmp_path / "run.jsonl"
    write_predictions(p, [{"id": t.id, "script": t.gold_script} for t in ds][:6])
    out = subprocess.run([sys.executable, "-m", "scoring", str(omniact_data), "test", str(p), "--mode", "strict"],
                         capture_output=True, text=True, check=True).stdout
    j = json.loads(out)
    assert list(j) == CONTRACT and j["mode"] == "strict" and j["n_missing"] == 6
    same = score(ds, read_predictions(p), "strict").to_json()
    assert j == json.loads(json.dumps(same))


def test_python_m_scoring_refuses_a_bad_file_with_exit_2(omniact_data, tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "0", "script": "x"}\n{"id": "0", "script": "y"}\n')
    r = subprocess.run([sys.executable, "-m", "scoring", str(omniact_data), "test", str(p)],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 2 and f"{p}:2: duplicate id '0' (first on line 1)" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("mode", MODES)
def test_no_tasks_score_zero_not_an_error(ds, mode):
    # A filter that leaves no task (a platform the split lacks): every score 0 of an ideal of 0, nothing missing.
    s = score([t for t in ds.tasks if t.screen.platform == "no such platform"], {}, mode)
    got = (s.sequence_score, s.action_score, s.ideal_score, s.n_scored, s.n_missing, len(s.tasks))
    assert got == (0, 0, 0, 0, 0, 0)
    assert json.loads(json.dumps(s.to_json()))["breakdown"] == {"platform": {}, "app": {}, "action": {}}


def test_unknown_mode_is_a_user_error(ds):
    from omniact.errors import UserError

    with pytest.raises(UserError, match="unknown scoring mode"):
        score(ds, {}, "lenient")


def test_mistakes_through_the_python_api_are_said_not_scored_as_zero(ds, tmp_path):
    """Predictions for another split's tasks, a task given twice, one id given as 9 and as "9", a single Task or
    nothing where the tasks go, a record with no script: each a clear error, never a quiet wrong score."""
    from omniact.errors import UserError

    gold = {t.id: t.gold_script for t in ds}
    with pytest.raises(UserError, match=r"none of the 2 predictions is for a task given .*another split"):
        score(ds, {"val-1": "pyautogui.press('a')", "val-2": ""})
    assert score(ds, {**gold, "val-1": ""}).action_score == 1.0  # some for other tasks: those are left out
    assert score(ds, {}).n_missing == len(ds)  # none at all: all missing, as before
    with pytest.raises(UserError, match=r"task id '.+' is given twice in the tasks to score"):
        score(list(ds) + list(ds), gold)
    first = ds.tasks[0].id
    assert first.isdigit()
    with pytest.raises(UserError, match=rf"task '{first}' has two predictions, under the id {first} and under "):
        score(ds, {**gold, int(first): "pyautogui.press('a')"})
    assert score(ds, {int(k) if k.isdigit() else k: v for k, v in gold.items()}).action_score == 1.0
    for wrong, words in ((None, "not the NoneType None"), (ds.tasks[0], "not one Task: give a list of them")):
        with pytest.raises(TypeError, match=words):
            score(wrong, gold)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="write_predictions takes"):
        write_predictions(tmp_path / "p.jsonl", [{"id": first}])
    assert not (tmp_path / "p.jsonl").exists()


def test_prediction_objects_and_plain_strings_score_the_same(ds):
    from omniact.predictions import Prediction

    plain = {t.id: t.gold_script for t in ds}
    objs = {k: Prediction(k, v, 1, {}) for k, v in plain.items()}
    assert score(ds, plain).to_json() == score(ds, objs).to_json()


@pytest.mark.parametrize("compiled", [False, True], ids=["python judge", "compiled judge"])
def test_answers_that_differ_only_in_their_click_points_score_exactly_as_fresh_ones(ds, compiled, monkeypatch):
    """A leaderboard's answers to a task mostly differ only in where they click: an answer of a shape seen before is
    scored from its points alone (reference mode) by the Python judge, and the compiled judge answers most of them
    itself. Whatever the points, and in answers built so that a point could be misread (a click in a comment or a
    string, two on a line, one indented, one with a button), the score is exactly the one scoring it afresh gives."""
    import random

    from scoring import prepare, scorer

    if not compiled:
        monkeypatch.setattr(scorer, "_compiled", None)

    rng = random.Random(7)
    numbers = ["0", "-0", "1.", "0.5", "-3", "123456789012345", "1234567890123456", "1e3", "007", "2.000"]

    def point() -> str:
        if rng.random() < 0.3:
            return rng.choice(numbers)
        return f"{rng.uniform(-50, 1400):.{rng.randint(0, 3)}f}"

    def shapes(g: str) -> list[str]:
        """The gold answer, and answers like it whose points a shortcut could read from the wrong place."""
        first = g.split("\n")[0]
        return [g, g.replace(")", ", button='left')", 1) + "\n# " + first, "  " + g,
                g.replace("\n", "pyautogui.click(1,2)\n", 1) if "\n" in g else g + "pyautogui.click(1,2)",
                f'pyautogui.write("{first}")\n' + g, g.replace(")", ", button='left')", 1),
                g.replace("(", "( ", 1).replace(",", " ,\t", 1), g + "  # there", g.replace("pyautogui", "PyAutoGUI", 1),
                # prose around the code, which the parser refuses (and the released rules read): as models answer
                f"Here is the script:\n```python\nimport pyautogui\n{g}\n```\nDone.", g + "\nThat is all (",
                # refused or not by the points alone: "007" is no Python number
                g.replace("\n", "\npyautogui.click(007, 1)\n", 1) if "\n" in g else "Sure " + g]

    tasks = list(ds)
    gold = prepare(ds)
    for k in range(len(shapes(tasks[0].gold_script))):
        # Each shape as it is first (its points the gold's: a point read from the wrong place gives the same score
        # there), then with every number after "(" or "," moved, then with some of them.
        for moved in (0.0, 1.0, 0.5, 0.5, 0.5):
            run = {}
            for t in tasks:
                base = shapes(t.gold_script)[k]
                run[t.id] = re.sub(r"(?<=[(,])([ \t]*)(-?[0-9]+(?:\.[0-9]+)?)",
                                   lambda m: m[1] + (point() if rng.random() < moved else m[2]), base)  # noqa: B023
            assert score(gold, run, "reference", remember=True).to_json(include_tasks=True) == \
                score(ds, run, "reference").to_json(include_tasks=True), (k, moved)
    if compiled:
        return
    learnt = [r for r in gold.__dict__["_click_shapes"].values() if r and r[0] is not None]
    assert len(learnt) >= 3  # the shapes of the answers with clicks really were scored from their points
    assert any(r[-1] is True for r in learnt)  # prose around code too


def test_a_click_the_released_rules_read_in_another_case_is_never_taken_for_a_plain_one(ds):
    # The released rules lower-case the answer, so "pyautogui.Click(5,6)" is the kept line's click; a plain click in
    # the prose below it is not read at all. Learnt from an answer where both hold the same point, a shape must not
    # then score the prose's point.
    from scoring import prepare

    def run(point: str | None) -> dict[str, str]:
        out = {}
        for t in ds:
            first = t.gold_script.split("\n")[0]
            if first.startswith("pyautogui.click("):
                said = first if point is None else f"pyautogui.click({point})"
                out[t.id] = f"Sure:\n{t.gold_script.replace('.click(', '.Click(', 1)}\nI used {said} there."
        return out

    gold = prepare(ds)
    for point in (None, "5000, 5000", "0,0"):
        assert score(gold, run(point), "reference", remember=True).to_json(include_tasks=True) == \
            score(ds, run(point), "reference").to_json(include_tasks=True), point


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("compiled", [False, True], ids=["python judge", "compiled judge"])
def test_remembered_answers_score_exactly_as_fresh_ones(ds, mode, compiled, monkeypatch):
    """A leaderboard scores many runs against one PreparedGold with `remember`: an answer seen in an earlier run
    must give the same match, penalties, parse error and note as scoring it afresh. (What the compiled judge
    answers, it answers again each time: only the answers it leaves to Python are kept.)"""
    from scoring import prepare, scorer

    if not compiled:
        monkeypatch.setattr(scorer, "_compiled", None)

    gold_of = {t.id: t.gold_script for t in ds}
    # Every point moved 400 px right: clicks outside their boxes are penalised, keys and text kept.
    moved = {k: re.sub(r"\((\d+)", lambda m: f"({int(m[1]) + 400}", v) for k, v in gold_of.items()}
    odd = {
        "0": "pyautogui.click(x=170.0, y=330.0)",  # keywords: reference mode reads them with the parser (a note)
        "2": "eval('1')",  # refused by the parser: a parse error in both modes
        "7": 'Sure!\npyautogui.scroll(-10)',  # prose: refused, yet reference mode still reads the line
        "9": 42,  # not text
        "11": "pyautogui.press('enter')",  # no match
    }
    texts = {k: v for k, v in odd.items() if isinstance(v, str)}  # every answer text: read in one pass when remembered
    runs = [gold_of, moved, {**moved, **odd}, odd, {**gold_of, **odd}, {**moved, **texts}, texts, moved]
    gold = prepare(ds)
    for run in runs:
        remembered = score(gold, run, mode, remember=True)
        fresh = score(ds, run, mode)
        assert remembered.to_json(include_tasks=True) == fresh.to_json(include_tasks=True)
        if run is odd:  # what the odd answers are meant to show, shown
            by_id = {t.id: t for t in remembered.tasks}
            assert all(by_id[k].parse_error for k in ("2", "7", "9"))
            assert (by_id["0"].note is not None) == (mode == "reference")
            assert by_id["7"].matched == (mode == "reference")
    assert remembered.click_penalty > 0 and remembered.key_penalty == remembered.write_penalty == 0
    # A long answer is scored as any other, and not kept: a few submissions of such answers must not hold gigabytes.
    long = {"11": "pyautogui.click(412.0, 826.0)  # " + "x" * 5000}
    assert score(gold, long, mode, remember=True).to_json(include_tasks=True) == \
        score(ds, long, mode).to_json(include_tasks=True)
    assert all(len(script) <= 2048 for _, script in gold.__dict__[f"_answers_{mode}"])
    # The answers of every run above, remembered once each per task.
    seen = gold.__dict__[f"_answers_{mode}"]
    answered = {(ds.ids[k], v) for run in runs for k, v in run.items() if isinstance(v, str)}
    kept = {(i, script) for i, script in seen}
    if compiled and mode == "reference":
        assert kept < answered and (ds.ids["0"], odd["0"]) not in kept  # (the keyword click: judged in C)
    else:
        assert kept == answered


@pytest.mark.parametrize("as_json", [True, False])
def test_the_score_command_in_its_own_process_prints_everything(omniact_data, tmp_path, as_json):
    # The console script ends its process as soon as the output is written (no collector, no teardown):
    # the whole output must still arrive, the same as the command run in-process.
    from click.testing import CliRunner

    from omniact.cli import main

    ds = load_split(omniact_data, "test")
    p = tmp_path / "run.jsonl"
    write_predictions(p, [{"id": t.id, "script": t.gold_script} for t in ds][:6])
    args = ["score", "--data", str(omniact_data), "--predictions", str(p)] + (["--json"] if as_json else [])
    env = {**os.environ, "OMNIACT_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "120"}
    r = subprocess.run([sys.executable, "-m", "omniact.cli", *args], capture_output=True, text=True, env=env,
                       check=False)
    assert r.returncode == 0 and r.stderr == ""
    in_process = CliRunner().invoke(main, args, env={"COLUMNS": "120"})
    assert in_process.exit_code == 0 and r.stdout == in_process.output
    if as_json:
        assert json.loads(r.stdout) == json.loads(json.dumps(score(ds, read_predictions(p)).to_json()))
