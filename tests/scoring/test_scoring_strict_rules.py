"""Strict mode, rule by rule as the README states it, with every number worked out by hand.

Default screen (scoring_helpers): box 0 is (50, 25)-(150, 75): 100 x 50, diagonal D = sqrt(12500) = 111.80340;
box 1, (1000, 0)-(1900, 1000), is marked invalid (it still counts).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_helpers import make_task, one

from scoring import score
from scoring.mismatch import why_no_match

D = math.sqrt(12500)
CLICK = "pyautogui.click(100.0,50.0)"
MISS_100 = 100 / (100 + D)  # a point 100 px right of box 0: 0.4721360


def strict(gold, pred, boxes=None):
    return one(gold, pred, "strict", **({} if boxes is None else {"boxes": boxes}))[1]


# --- What counts as a match: actions named by what they do ---------------------------------------------

@pytest.mark.parametrize(("gold", "pred"), [
    ("pyautogui.doubleClick(100, 50)", "pyautogui.click(100, 50, clicks=2)"),
    ("pyautogui.doubleClick(100, 50)", "pyautogui.click(x=100, y=50, clicks=2, interval=0.1)"),
    ("pyautogui.tripleClick(100, 50)", "pyautogui.click(100, 50, 3)"),
    ("pyautogui.rightClick(100, 50)", "pyautogui.click(100, 50, button='right')"),
    ("pyautogui.rightClick(100, 50)", "pyautogui.click(100, 50, button='SECONDARY')"),
    ("pyautogui.middleClick(100, 50)", "pyautogui.click(100, 50, button='middle')"),
    ("pyautogui.click(100, 50)", "pyautogui.click(100, 50, clicks=1, button='primary')"),
    ("pyautogui.click(100, 50)", "pyautogui.click(100, 50, button='LEFT')"),
    ("pyautogui.click(100, 50, clicks=2, button='right')", "pyautogui.doubleClick(100, 50, button='right')"),
    ('pyautogui.press("enter")', 'pyautogui.hotkey("Return")'),
])
def test_a_call_matches_the_action_that_does_the_same(gold, pred):
    t = strict(gold, pred)
    assert t.matched and t.score == 1.0
    assert why_no_match(gold, pred, "strict") == "no difference in the names"


@pytest.mark.parametrize(("gold", "pred", "why"), [
    (CLICK, "pyautogui.click(100, 50, clicks=2)", "doubleClick for click"),  # was a free match
    (CLICK, "pyautogui.click(100, 50, button='right')", "rightClick for click"),  # was a free match
    ("pyautogui.doubleClick(100, 50)", "pyautogui.doubleClick(100, 50, button='right')",
     "click(clicks=2, button='right') for doubleClick"),
    ('pyautogui.press("enter")', 'pyautogui.hotkey("ctrl", "enter")', "hotkey for press"),
    ('pyautogui.hotkey("ctrl", "c")', 'pyautogui.press(["ctrl", "c"])', "press for hotkey"),  # one after the other
])
def test_a_call_that_does_something_else_does_not_match(gold, pred, why):
    t = strict(gold, pred)
    assert not t.matched and t.score == 0.0
    assert why_no_match(gold, pred, "strict") == why


def test_sleep_is_no_action_on_either_side():
    # pyautogui.sleep, like time.sleep, is dropped: the prediction matches, and it scores 1.
    assert strict(CLICK, f"pyautogui.sleep(0.5)\n{CLICK}\npyautogui.sleep(2)").score == 1.0
    assert why_no_match(CLICK, f"{CLICK}\npyautogui.sleep(1)", "strict") == "no difference in the names"
    # A gold sleep is dropped too; the weight stays reference mode's (2 gold lines: 1.1) and the one compared
    # action carries the whole penalty: 1/n with n = 1, a miss of 100 px costs 0.4721360.
    s, t = one(f"{CLICK}\npyautogui.sleep(1)", "pyautogui.click(250, 50)", "strict")
    assert t.matched and t.weight == pytest.approx(1.1) and t.click == pytest.approx(MISS_100, abs=1e-15)
    assert s.action_score == pytest.approx(1 - MISS_100, abs=1e-15)
    # A sleep in place of an action is still an action missing.
    assert not strict(f"{CLICK}\n{CLICK}", f"{CLICK}\npyautogui.sleep(1)").matched


def test_penalties_divide_by_the_gold_actions_compared():
    # Two calls on one gold line: weight 1 - 0.9 = 0.1 (one pyautogui line), but two actions, each 1/2.
    _, t = one('pyautogui.click(100, 50); pyautogui.press("enter")', 'pyautogui.click(250, 50)\npyautogui.press("a")',
               "strict")
    assert t.weight == pytest.approx(0.1) and t.click == pytest.approx(MISS_100 / 2, abs=1e-15) and t.key == 0.5
    assert t.score == pytest.approx(0.5 - MISS_100 / 2, abs=1e-15)


def test_calls_are_counted_as_written():
    # press(["a", "b"]) is one call, so it does not match two presses (nor does presses=2 match two lines).
    assert not strict('pyautogui.press("a")\npyautogui.press("b")', 'pyautogui.press(["a", "b"])').matched
    assert not strict('pyautogui.press("a")\npyautogui.press("a")', 'pyautogui.press("a", presses=2)').matched


# --- Keys ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("gold", "pred", "key"), [
    ('pyautogui.press("enter", presses=2)', 'pyautogui.press(["enter", "Return"])', 0.0),  # was 1.0
    ('pyautogui.press(["a", "b"], presses=2)', 'pyautogui.press(["a", "b", "a", "b"])', 0.0),  # was 1.0
    ('pyautogui.press(["tab", "tab"])', 'pyautogui.press("tab", 2)', 0.0),  # positional presses
    ('pyautogui.press("a", presses=2)', 'pyautogui.press("a", presses=2.0)', 0.0),
    ('pyautogui.press("a")', 'pyautogui.press("a", presses=0)', 1.0),  # presses nothing
    ('pyautogui.press("a", presses=0)', 'pyautogui.press("b", presses=0)', 0.0),  # both press nothing
    ('pyautogui.press(["a", "b"])', 'pyautogui.press("a", presses=2)', 1.0),  # a, b is not a repeated a
    ('pyautogui.press(["a", "b"])', 'pyautogui.press(["b", "a"])', 1.0),  # a press list is in order
    ('pyautogui.press("enter")', 'pyautogui.hotkey("tab")', 1.0),
    ('pyautogui.hotkey("enter")', 'pyautogui.press("enter", presses=2)', 1.0),
    ('pyautogui.hotkey("enter")', 'pyautogui.press("Return")', 0.0),  # a one-key hotkey is that key's press
    ('pyautogui.press("Ä")', 'pyautogui.press("ä")', 0.0),  # case ignored, Unicode too
    ('pyautogui.press("esc")', "pyautogui.press(' ESCAPE ')", 0.0),
    ('pyautogui.keyDown("ctrl")', 'pyautogui.keyDown(key="ctrlleft")', 0.0),
    ('pyautogui.hotkey("cmd", "shift", "3")', 'pyautogui.hotkey("3", "Shift", "command", "shift")', 0.0),  # sets
    ('pyautogui.hotkey("option", "tab")', "pyautogui.hotkey('alt','tab', interval=0.2)", 0.0),
])
def test_key_rules(gold, pred, key):
    t = strict(gold, pred)
    assert t.matched and t.key == key and t.score == 1.0 - key


def test_a_huge_presses_count_is_compared_without_building_it():
    t = strict('pyautogui.press("a", presses=1000000000000000)', 'pyautogui.press(["a", "a"], presses=500000000000000)')
    assert t.matched and t.key == 0.0


# --- Points ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("gold", "pred", "click"), [
    (CLICK, "pyautogui.click(-100, 50)", 150 / (150 + D)),  # off the screen: measured like any point
    (CLICK, "pyautogui.click(250, 175)", math.hypot(100, 100) / (math.hypot(100, 100) + D)),  # past a corner
    (CLICK, "pyautogui.click(150, 75)", 0.0),  # the box's corner is inside it
    (CLICK, "pyautogui.click((250, 50))", MISS_100),  # a point as a pair
    ("pyautogui.dragTo(100, 50, button='left')", "pyautogui.dragTo(x=250, y=50, button='right')", MISS_100),
    ("pyautogui.scroll(-3, x=100, y=50)", "pyautogui.scroll(10, 250, 50)", MISS_100),  # amount not compared
    ("pyautogui.hscroll(3, 100, 50)", "pyautogui.hscroll(clicks=3, x=250, y=50)", MISS_100),
    ("pyautogui.scroll(3, 100, 50)", "pyautogui.scroll(3)", 1.0),  # scrolls wherever the mouse is: no point
    ("pyautogui.scroll(3)", "pyautogui.scroll(clicks=-3, x=900, y=900)", 0.0),  # gold has no point
    ("pyautogui.mouseDown()", "pyautogui.mouseDown(900, 900)", 0.0),
    ("pyautogui.mouseUp(100, 50)", "pyautogui.mouseUp()", 1.0),
    ("pyautogui.moveTo(100, 50, duration=1)", "pyautogui.moveTo(250, 50)", MISS_100),
    (CLICK, "pyautogui.click(1e308, 1e308)", 1.0),  # d overflows to inf: the whole penalty
])
def test_point_rules(gold, pred, click):
    t = strict(gold, pred)
    assert t.matched and t.click == pytest.approx(click, abs=1e-15) and t.score == pytest.approx(1 - click, abs=1e-15)


def test_a_point_that_is_no_number_costs_the_whole_penalty():
    # The parser refuses such points; a caller of `click_penalty` may not, and gets 1, never NaN or 0.
    from scoring.strict import click_penalty

    for px, py in [(math.inf, 50), (100, -math.inf), (math.nan, 50), (math.inf, math.nan)]:
        assert click_penalty(50, 25, 150, 75, px, py) == 1.0, (px, py)


def test_the_invalid_box_still_counts():
    # Gold (1100, 100) is only inside box 1 (valid 0): 900 x 1000, D = sqrt(900^2 + 1000^2) = 1345.3624.
    # Prediction (1100, 1100): d = 100 -> 100 / 1445.3624 = 0.0691869.
    t = strict("pyautogui.click(1100, 100)", "pyautogui.click(1100, 1100)")
    assert t.click == pytest.approx(100 / (100 + math.sqrt(900**2 + 1000**2)), abs=1e-15) and t.note is None


def test_a_tie_takes_the_first_box_in_file_order():
    # Two boxes of area 400 hold (100, 50): (90, 40)-(110, 60) first, (80, 45)-(120, 55) second.
    # Prediction (100, 65): first box: d = 5, D = sqrt(800) -> 5 / (5 + 28.2843) = 0.1502; second: d = 10.
    boxes = [((90, 40), (110, 60), True), ((80, 45), (120, 55), True)]
    t = strict("pyautogui.click(100, 50)", "pyautogui.click(100, 65)", boxes)
    assert t.click == pytest.approx(5 / (5 + math.sqrt(800)), abs=1e-15)


@pytest.mark.parametrize("degenerate", [
    ((100, 50), (100, 50), True),  # zero size, right at the gold point
    ((100, 0), (100, 100), True),  # zero width (a line through it)
    ((0, 0), (float("inf"), 100), True),  # unbounded
])
def test_boxes_of_no_area_or_unbounded_are_not_elements(degenerate):
    # Listed first, it held the gold point and (as the smallest, or the only other) was used: a zero-size box
    # made any miss cost 1, a line cost 100 / (100 + 100) = 0.5, an unbounded box cost nothing. Box 0 is used.
    t = strict(CLICK, "pyautogui.click(250, 50)", [degenerate, ((50, 25), (150, 75), True)])
    assert t.click == pytest.approx(MISS_100, abs=1e-15) and t.note is None


def test_an_unbounded_box_alone_is_no_box():
    # Was: D = inf, so a point 200 px away cost nothing. Now: a zero-size box at the gold point, any miss 1/n.
    t = strict("pyautogui.click(50, 50)", "pyautogui.click(50, 250)", [((0, 0), (float("inf"), 100), True)])
    assert t.matched and t.click == 1.0 and "zero-size box" in t.note


# --- Text ------------------------------------------------------------------------------------------------

def test_write_rules():
    # typewrite = write, interval never compared.
    assert strict('pyautogui.write("hi", interval=0.1)', "pyautogui.typewrite('hi')").score == 1.0
    # Exact, even one character (reference mode's BLEU-2 gives it ~1): no penalty; the empty text too.
    assert strict('pyautogui.write("x")', 'pyautogui.write(message="x")').write == 0.0
    assert strict('pyautogui.write("")', 'pyautogui.write("")').write == 0.0
    # "abcd" vs "abce": unigrams 3/4, bigrams 2/3, same length: BLEU = sqrt(3/4 * 2/3) = sqrt(1/2).
    assert strict('pyautogui.write("abcd")', 'pyautogui.write("abce")').write == pytest.approx(1 - math.sqrt(0.5),
                                                                                                abs=1e-15)
    # "abcd" vs "abc": unigrams 3/3, bigrams 2/2, brevity exp(1 - 4/3): penalty 1 - exp(-1/3) = 0.2834687.
    assert strict('pyautogui.write("abcd")', 'pyautogui.write("abc")').write == pytest.approx(1 - math.exp(-1 / 3),
                                                                                               abs=1e-15)
    # Spaces count: "a b" vs "ab": unigrams 2/2, bigrams 0/1 -> BLEU ~ 1e-154 * brevity: penalty 1.
    assert strict('pyautogui.write("a b")', 'pyautogui.write("ab")').write == pytest.approx(1.0, abs=1e-15)
    # Unicode as written: a decomposed "é" (e + combining accent) shares no character with a composed one.
    assert strict('pyautogui.write("\u00e9")', 'pyautogui.write("e\u0301")').write == 1.0


# --- Whole runs ------------------------------------------------------------------------------------------

def test_a_run_worked_out_by_hand():
    # a (3 lines, w 2.1): click 100 px off (M 0.4721360/3), wrong key (K 1/3), "abcd" for "abce" (W 0.2928932/3).
    # b (1 line, w 0.1): no prediction. c (2 lines, w 1.1): a parse error. d (1 line, w 0.1): exact.
    # ideal 3.4; SS = (2.1 + 0.1) / 3.4; M = 2.1 * 0.4721360 / 3 / 3.4, K = 2.1 / 3 / 3.4, W = 2.1 * 0.2928932 / 3
    # / 3.4; AS = (2.1 * (1 - (0.4721360 + 1 + 0.2928932) / 3) + 0.1) / 3.4.
    tasks = [make_task(f'{CLICK}\npyautogui.press("enter")\npyautogui.write("abce")', task_id="a"),
             make_task(CLICK, task_id="b"), make_task(f"{CLICK}\n{CLICK}", task_id="c"),
             make_task('pyautogui.hotkey("ctrl", "s")', task_id="d")]
    preds = {"a": 'pyautogui.click(250, 50)\npyautogui.press("tab")\npyautogui.typewrite("abcd")',
             "c": "Sure! pyautogui.click(1, 2)", "d": "pyautogui.hotkey('S', 'control')"}
    s = score(tasks, preds, "strict")
    w_pen = 1 - math.sqrt(0.5)
    assert (s.n_scored, s.n_missing, s.n_parse_errors) == (3, 1, 1)
    assert s.ideal_score == pytest.approx(3.4, abs=1e-15)
    assert s.sequence_score == pytest.approx(2.2 / 3.4, abs=1e-15)
    assert s.click_penalty == pytest.approx(2.1 * MISS_100 / 3 / 3.4, abs=1e-15)
    assert s.key_penalty == pytest.approx(2.1 / 3 / 3.4, abs=1e-15)
    assert s.write_penalty == pytest.approx(2.1 * w_pen / 3 / 3.4, abs=1e-15)
    assert s.action_score == pytest.approx((2.1 * (1 - (MISS_100 + 1 + w_pen) / 3) + 0.1) / 3.4, abs=1e-15)
    assert s.action_score == pytest.approx(s.sequence_score - s.click_penalty - s.key_penalty - s.write_penalty,
                                           abs=1e-15)


# --- The "why no match" reasons agree with the match -----------------------------------------------------

_CALLS = st.sampled_from([
    "pyautogui.click(100, 50)", "pyautogui.click(100, 50, clicks=2)", "pyautogui.doubleClick(100, 50)",
    "pyautogui.click(100, 50, button='right')", "pyautogui.rightClick(100, 50)", "pyautogui.tripleClick(1, 2)",
    "pyautogui.click(1, 2, clicks=3, button='left')", "pyautogui.doubleClick(1, 2, button='right')",
    "pyautogui.click(1, 2, clicks=0)", 'pyautogui.hotkey("enter")', 'pyautogui.press("enter")',
    'pyautogui.hotkey("ctrl", "c")', 'pyautogui.write("a")', 'pyautogui.typewrite("b")', "pyautogui.sleep(1)",
    "time.sleep(1)", "pyautogui.scroll(3)", "pyautogui.moveTo(5, 5)",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CALLS, min_size=1, max_size=4), st.lists(_CALLS, max_size=5))
def test_why_no_match_agrees_with_the_strict_match(gold, pred):
    if gold == ["time.sleep(1)"] * len(gold):
        gold = gold + ["pyautogui.sleep(1)"]  # a task needs a pyautogui line to be scored at all
    gold_s, pred_s = "\n".join(gold), "\n".join(pred)
    t = strict(gold_s, pred_s)
    why = why_no_match(gold_s, pred_s, "strict")
    assert (why == "no difference in the names") == t.matched, (gold_s, pred_s, why)
