"""Why a prediction did not match: the first difference the sequence match sees, in each mode's own reading."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scoring_released import _tasks, runs

from scoring import score
from scoring.mismatch import why_no_match

GOLD = 'pyautogui.click(100.0,50.0)\npyautogui.write("hi")\npyautogui.press("enter")'


@pytest.mark.parametrize(("pred", "mode", "why"), [
    ('pyautogui.click(100.0,50.0)\npyautogui.write("hi")', "reference", "one action too few"),
    ("pyautogui.click(100.0,50.0)", "strict", "2 actions too few"),
    (GOLD + '\npyautogui.press("tab")', "reference", "one action too many"),
    (GOLD + "\n" + "\n".join(["pyautogui.press('a')"] * 4), "strict", "4 actions too many"),
    (GOLD.replace("click", "doubleClick"), "reference", "doubleclick for click"),  # released names are lower-case
    (GOLD.replace("click", "doubleClick"), "strict", "doubleClick for click"),
    (GOLD.replace("write", "typewrite"), "reference", "typewrite for write"),  # the release tells them apart
    (GOLD.replace("write", "typewrite"), "strict", "no difference in the names"),  # an alias, the same action
    (GOLD.replace("pyautogui.write", "  pyautogui.write"), "reference", "a pyautogui line indented or prefixed"),
    ("pyautogui.click(100.0, ", "strict", "refused by the parser"),
    (None, "reference", "not a script"),
    (GOLD, "reference", "no difference in the names"),
])
def test_the_first_difference_is_named(pred, mode, why):
    assert why_no_match(GOLD, pred, mode) == why


@given(st.lists(st.sampled_from(["pyautogui.click(1,2)", "  pyautogui.write('x')", "PyAutoGUI.Press('a')", "",
                                  "note: pyautogui.click(3,4)", "pyautogui.typewrite('y')\r", "pyautoguix()",
                                  "\tpyautogui.press('enter')", "İ pyautogui.click(5,6)"]), max_size=12))
@settings(max_examples=200, deadline=None)
def test_reference_reasons_read_lines_one_at_a_time_as_the_released_filter_reads_them_all(lines):
    """The reference reading goes through a prediction's lines one at a time (a 50 MB answer of a million lines was a
    million lower-cased copies at once): the reason is the one the released filter over every line gives."""
    from scoring.mismatch import _count_difference
    from scoring.reference import gold_lines, kept_lines

    script = "\n".join(lines)
    gold = list(gold_lines(GOLD).names)
    names = [low.split("pyautogui.")[1].split("(")[0] if low.startswith("pyautogui.") else None
             for _, _, low in kept_lines(script.strip().split("\n"))]
    if len(names) != len(gold):
        expected = _count_difference(len(names) - len(gold))
    else:
        bad = [(g, p) for g, p in zip(gold, names) if p != g]
        expected = "no difference in the names" if not bad else \
            "a pyautogui line indented or prefixed" if bad[0][1] is None else f"{bad[0][1] or '(no name)'} for {bad[0][0]}"
    assert why_no_match(GOLD, script, "reference") == expected


def test_a_gold_script_the_parser_refuses_is_said_so_in_strict_mode():
    assert why_no_match("pyautogui.click(1, ", "pyautogui.click(1, 2)", "strict") == "the gold script cannot be read"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs())
def test_a_matched_prediction_shows_no_difference_in_either_mode(run):
    _, box_files, golds, preds = run
    tasks = _tasks(golds, box_files)
    for mode in ("reference", "strict"):
        result = score(tasks, {str(i): p for i, p in enumerate(preds)}, mode)
        for task, pred, t in zip(tasks, preds, result.tasks):
            if t.matched:
                assert why_no_match(task.gold_script, pred, mode) == "no difference in the names"
            elif not t.parse_error and mode == "strict":
                assert why_no_match(task.gold_script, pred, mode) != "no difference in the names"


def test_reference_reasons_cover_refused_predictions_and_say_when_a_value_or_the_gold_cannot_be_read():
    """Reference mode: the released rules read lines, so a prediction the parser refuses has a first difference
    like any other; a gold whose names agree with the prediction but whose values cannot be read is said so, not
    'no difference'."""
    from scoring.mismatch import unmatched_reasons

    golds = ["pyautogui.click()", "pyautogui click(10, 10)", "pyautogui.click(1.0,2.0)"]
    preds = ["pyautogui.click()", "pyautogui.click(10, 10)",
             "Sure:\npyautogui.click(1.0,2.0)\npyautogui.press('enter')\npyautogui.click(3, "]  # refused, 3 lines
    got = unmatched_reasons(golds, preds, [0.1] * 3, [False] * 3, [False] * 3, [False, False, True], "reference")
    assert got == {0: "a value the released rules cannot read", 1: "the gold script cannot be read",
                   2: "2 actions too many"}
    strict = unmatched_reasons(golds, preds, [0.1] * 3, [False] * 3, [False] * 3, [False, False, True], "strict")
    assert 2 not in strict  # strict: a refused prediction's reason is its parse error


@pytest.mark.parametrize("mode", ["reference", "strict"])
def test_a_task_skipped_for_having_no_gold_action_is_not_among_the_misses(mode):
    # Its prediction is not scored (the task weighs 0), so it has no first difference to count.
    from scoring_helpers import make_task

    from scoring.mismatch import reasons

    tasks = [make_task("# nothing", task_id="a"), make_task("pyautogui.click(100.0,50.0)", task_id="b")]
    preds = {"a": "pyautogui.click(1, 2)", "b": "pyautogui.press('enter')"}
    s = score(tasks, preds, mode)
    assert reasons([t.gold_script for t in tasks], ["a", "b"], preds, s.tasks, mode) == {"press for click": 1}
