"""Malformed, hostile and huge predictions: scoring never raises, never executes, and stays finite."""

from __future__ import annotations

import builtins
import math

import pytest
from scoring_helpers import make_task

from scoring import score

CLICK = "pyautogui.click(100.0,50.0)"
GOLD = f'{CLICK}\npyautogui.write("hello")\npyautogui.press("enter")'


def _hostile(sentinel: str) -> list[object]:
    touch = f"open({sentinel!r}, 'w').write('x')"
    return [
        f"__import__('os').system('touch {sentinel}')",
        f"eval({touch!r})",
        f"exec({touch!r})",
        f"pyautogui.click(__import__('os').system('touch {sentinel}'), 1)",
        f"pyautogui.write({touch})\npyautogui.write(\"x\")\npyautogui.press(\"enter\")",
        f"{CLICK}\npyautogui.write(\"hello\" + {touch})\npyautogui.press(\"enter\")",
        f"import builtins; builtins.OMNIACT_PWNED = 1\n{CLICK}",
        "pyautogui.click(nan, nan)", "pyautogui.click(NaN, 1)", "pyautogui.click(inf, inf)",
        "pyautogui.click(-inf, 1e999)", "pyautogui.click(1e999, 1e999)", "pyautogui.click(1e200, 1e200)",
        "pyautogui.click(" + "9" * 5000 + ", 1)", "pyautogui.click(10**400, 1)",
        "pyautogui.click(" + "1" * 20 + ", 2)",
        'pyautogui.write("' + "a" * 100_000 + '")',
        "pyautogui.click(100.0,50.0)" + " " * 100_000,
        "pyautogui." + "x" * 300_000,
        "pyautogui.click" + "(" * 10_000 + ")" * 10_000,
        "(" * 10_000 + ")" * 10_000,
        "[" * 200 + "]" * 200,
        None, 5, 3.5, ["pyautogui.click(1, 2)"], {"script": CLICK}, True, b"pyautogui.click(1,2)",
        "pyautogui.click(100.0,50.0)\x00", "\x00" * 10,
        "pyautogui.click(\x00100, 50)", "\ud800pyautogui.click(1, 2)",
        "", "   ", "\n\n\n", "pyautogui", "pyautogui.", "pyautogui.(", "pyautogui.click(", "pyautogui.click)",
        "pyautogui.press(", 'pyautogui.press("', "pyautogui.press()", "pyautogui.hotkey", "pyautogui.write('",
        "pyautogui.click(1,2)\r\npyautogui.write('hello')\r\npyautogui.press('enter')\r\n",
        "pyautogui.click(*[1, 2])", "pyautogui.click(**{'x': 1})", "pyautogui.click(x=1, x=2)",
        "lambda: __import__('os')", "pyautogui.click(100, 50) if True else 0",
        "pyautogui.click(100.0,50.0); import os", "pyautogui.click(1,2)\n" * 5000,
    ]


@pytest.mark.parametrize("mode", ["reference", "strict"])
def test_hostile_predictions_never_raise_nor_execute(tmp_path, mode):
    sentinel = tmp_path / "PWNED"
    preds = _hostile(str(sentinel))
    tasks = [make_task(GOLD, task_id=str(i)) for i in range(len(preds))]
    s = score(tasks, {str(i): p for i, p in enumerate(preds)}, mode)
    assert not sentinel.exists()
    assert not hasattr(builtins, "OMNIACT_PWNED")
    numbers = [s.sequence_score, s.action_score, s.click_penalty, s.key_penalty, s.write_penalty]
    assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in numbers)
    for t in s.tasks:
        assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in (t.click, t.key, t.write, t.score)), t
    # Every non-text script is a parse error in both modes, the same count.
    assert s.n_parse_errors >= sum(not isinstance(p, str) for p in preds)
    assert s.n_scored == len(preds) and s.n_missing == 0


def test_parse_error_count_is_the_same_in_both_modes(tmp_path):
    preds = _hostile(str(tmp_path / "x"))
    tasks = [make_task(GOLD, task_id=str(i)) for i in range(len(preds))]
    p = {str(i): v for i, v in enumerate(preds)}
    assert score(tasks, p, "reference").n_parse_errors == score(tasks, p, "strict").n_parse_errors


def test_reference_mode_gives_each_refused_prediction_the_parsers_message(tmp_path):
    # Reference mode decides refusals without the parser where it can; the message must still be the parser's.
    preds = _hostile(str(tmp_path / "x")) + [
        "Here is the script:\n```python\npyautogui.click(1, 2)\n```", "pyautogui.click(1, 2)\npyautogui.click(10, ",
        "pyautogui.click(x=1, y=2)", "print(1)\npyautogui.click(1, 2)"]
    tasks = [make_task(GOLD, task_id=str(i)) for i in range(len(preds))]
    p = {str(i): v for i, v in enumerate(preds)}
    ref, strict = score(tasks, p, "reference"), score(tasks, p, "strict")
    assert [t.parse_error for t in ref.tasks] == [t.parse_error for t in strict.tasks]
    assert ref.tasks.column("parse_failed") == [t.parse_error is not None for t in strict.tasks]
    prose, cut, keywords, call = (ref.tasks[len(preds) - k] for k in (4, 3, 2, 1))
    assert prose.parse_error.startswith("line 1, column ") and cut.parse_error.startswith("line 2, column ")
    assert keywords.parse_error is None and call.parse_error.startswith("line 1, column ")


def test_infinite_and_huge_coordinates_in_reference_mode():
    # float("inf") and float("1e999") are what the release reads: the point is infinitely far -> full penalty.
    for pred in ("pyautogui.click(inf, 50)", "pyautogui.click(1e999, 50)", "pyautogui.click(1e200, 1e200)"):
        s = score([make_task(CLICK)], {"t1": pred})
        assert s.tasks[0].matched and s.tasks[0].click == pytest.approx(1.0), pred
    # NaN would make the release's totals NaN: the line is unreadable and the task scores 0.
    s = score([make_task(CLICK)], {"t1": "pyautogui.click(nan, 50)"})
    assert not s.tasks[0].matched and s.action_score == 0.0 and "NaN" in s.tasks[0].note


def test_nul_byte_is_a_parse_error_but_reference_rules_still_read_the_line():
    # The released rules split text: a trailing NUL does not stop them; the parser refuses NUL bytes.
    s = score([make_task(CLICK)], {"t1": CLICK + "\x00"})
    assert s.tasks[0].matched and s.action_score == 1.0 and s.n_parse_errors == 1
    s = score([make_task(CLICK)], {"t1": CLICK + "\x00"}, "strict")
    assert s.action_score == 0.0 and s.n_parse_errors == 1


def test_hostile_gold_is_not_executed_either(tmp_path):
    sentinel = tmp_path / "GOLD_PWNED"
    gold = f"pyautogui.click(__import__('os').system('touch {sentinel}'), 1)"
    for mode in ("reference", "strict"):
        s = score([make_task(gold)], {"t1": "pyautogui.click(1, 1)"}, mode)
        assert s.action_score == 0.0 and s.tasks[0].note
    assert not sentinel.exists()


@pytest.mark.parametrize("script", [
    "pyautogui.click(1, 1" + " " * 199_000 + "x",  # spaces between a coordinate and the button that is not there
    "pyautogui.click(x" + " " * 99_000 + "=1, y=2" + " " * 99_000,
], ids=["spaces-after-y", "spaces-around-keywords"])
def test_a_line_with_a_long_run_of_spaces_does_not_stall_scoring(script):
    # Such a line once made the line pattern try every split of the spaces between two neighbouring runs: minutes
    # for one prediction. Scored in a child process, so that a relapse fails here (the limit is far above the
    # tenth of a second it takes) instead of stalling the suite.
    import subprocess
    import sys

    code = ("import sys; from scoring import score; from scoring_helpers import make_task; "
            "s = sys.stdin.read(); print(score([make_task('pyautogui.click(1, 1)')], {'t1': s}, 'reference').n_scored, "
            "score([make_task('pyautogui.click(1, 1)')], {'t1': s}, 'strict').n_parse_errors)")
    proc = subprocess.run([sys.executable, "-c", code], input=script, capture_output=True, text=True, timeout=120,
                          cwd=__import__("pathlib").Path(__file__).parent, check=False)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert proc.stdout.split() == ["1", "1"]
