"""Reference mode: one golden test per behaviour of the released scorer, numbers worked out by hand.

Default screen (scoring_helpers): box 0 is (50, 25)-(150, 75), centre (100, 50), 100 wide, 50 high.
Weights: one gold line 1 - 0.9 = 0.1, two 1.1, three 2.1.
"""

from __future__ import annotations

import math

import pytest
from scoring_helpers import make_task, one

from scoring import score

CLICK = "pyautogui.click(100.0,50.0)"


def test_case_never_matters_names_keys_or_text():
    # Everything is lower-cased: CLICK == click, "Enter" == "enter", "HELLO" == "hello" -> no penalty at all.
    gold = f'{CLICK}\npyautogui.press("Enter")\npyautogui.write("Hello")'
    s, t = one(gold, 'PYAUTOGUI.CLICK(100.0,50.0)\npyautogui.Press("enter")\npyautogui.WRITE("HELLO")')
    assert t.matched and t.score == 1.0
    assert s.sequence_score == 1.0 and s.action_score == 1.0 and s.ideal_score == pytest.approx(2.1)


@pytest.mark.parametrize("pred", [
    f"import pyautogui\n# click the button\nSure, here is the script:\n{CLICK}\n",
    f"```python\nimport pyautogui\n{CLICK}\n```",
    f"\n\n   {CLICK}   \n\n",  # the whole prediction is stripped first, so the first line's indent is gone
])
def test_line_filter_drops_imports_comments_and_prose(pred):
    # Only lines whose stripped lower-cased text starts with "pyautogui" are kept: one line, a match, AS 1.
    s, t = one(CLICK, pred)
    assert t.matched and s.action_score == 1.0


def test_prose_that_starts_with_pyautogui_is_kept_and_breaks_the_length():
    # "PyAutoGUI code:" lower-cases to "pyautogui code:" -> kept -> 2 lines vs 1 gold -> no match, SS 0.
    s, t = one(CLICK, f"PyAutoGUI code:\n{CLICK}")
    assert not t.matched and s.sequence_score == 0.0


def test_indented_line_fails_the_match():
    # Second line indented: "    pyautogui.press(...)".startswith("pyautogui.") is False -> match 0.
    s, t = one(f'{CLICK}\npyautogui.press("enter")', f'{CLICK}\n    pyautogui.press("enter")')
    assert not t.matched and s.sequence_score == 0.0 and s.ideal_score == pytest.approx(1.1)


def test_typewrite_is_not_write():
    s, t = one('pyautogui.write("hi")', 'pyautogui.typewrite("hi")')
    assert not t.matched and s.sequence_score == 0.0


def test_extra_pyautogui_line_breaks_length():
    s, t = one(CLICK, f"{CLICK}\npyautogui.moveTo(5, 5)")
    assert not t.matched and s.sequence_score == 0.0


@pytest.mark.parametrize("gold,pred", [
    ("pyautogui.rightClick(100.0,50.0)", "pyautogui.rightClick(1900, 1000)"),
    ("pyautogui.doubleClick(100.0,50.0)", "pyautogui.doubleClick(1900, 1000)"),
    ("pyautogui.moveTo(100.0,50.0)", "pyautogui.moveTo(1900, 1000)"),
    ('pyautogui.dragTo(100.0,50.0,button="left")', 'pyautogui.dragTo(1900, 1000, button="left")'),
    ("pyautogui.scroll(-10)", "pyautogui.scroll(10)"),
    ("pyautogui.hscroll(10)", "pyautogui.hscroll(-5)"),
])
def test_only_click_is_distance_scored(gold, pred):
    # Lower-casing broke the released comparison with "rightClick" etc.: far-off points cost nothing.
    s, t = one(gold, pred)
    assert t.matched and t.click == 0.0 and s.action_score == 1.0


def test_click_distance_penalty():
    # Predicted (250, 50): dx = |100 - 250| - 100/2 = 100, dy = |50 - 50| - 50/2 < 0 -> 0, dist = 100,
    # mu = sqrt(100^2 + 50^2) = sqrt(12500) = 111.8034; penalty = 1 - 111.8034 / 211.8034 = 0.4721360;
    # AS = 1 - 0.4721360 = 0.5278640 (= sqrt(5) / (2 + sqrt(5))), SS = 1, M = 0.4721360.
    s, t = one(CLICK, "pyautogui.click(250.0, 50.0)")
    mu = math.sqrt(12500)
    assert t.click == pytest.approx(1 - mu / (100 + mu), abs=1e-15)
    assert s.action_score == pytest.approx(math.sqrt(5) / (2 + math.sqrt(5)), abs=1e-12)
    assert s.click_penalty == pytest.approx(0.4721359549995794, abs=1e-12)
    # Inside the box: dist 0 -> penalty 0.
    assert one(CLICK, "pyautogui.click(60, 30)")[1].click == 0.0


def test_first_exact_centre_box_wins_even_when_invalid():
    # Box 0 (invalid) (0,0)-(200,100) and box 1 (90,40)-(110,60) share the centre (100, 50); the scan takes
    # box 0. Prediction (210, 50): dx = 110 - 100 = 10, dist = 10, mu = sqrt(200^2 + 100^2) = 223.6068;
    # penalty = 1 - 223.6068 / 233.6068 = 0.0428068. (Box 1 would give dist 100: penalty 0.7596.)
    boxes = [((0, 0), (200, 100), False), ((90, 40), (110, 60), True)]
    _, t = one(CLICK, "pyautogui.click(210, 50)", boxes=boxes)
    mu = math.sqrt(200 ** 2 + 100 ** 2)
    assert t.click == pytest.approx(1 - mu / (10 + mu), abs=1e-15)
    assert t.note is None


def test_no_exact_centre_falls_back_to_containment_with_a_note():
    # Gold (60, 30) is no box's centre (the release would crash); box 0 contains it and is used:
    # prediction (250, 50) -> penalty 0.4721360 as in test_click_distance_penalty.
    _, t = one("pyautogui.click(60.0,30.0)", "pyautogui.click(250.0, 50.0)")
    assert t.click == pytest.approx(1 - math.sqrt(12500) / (100 + math.sqrt(12500)), abs=1e-15)
    assert "used containment" in t.note


def test_no_box_at_all_uses_a_zero_size_box():
    # Gold (500, 500) is in no box: a zero-size box there. Exact hit -> 0 (the 0/0 case); any miss -> 1.
    assert one("pyautogui.click(500.0,500.0)", "pyautogui.click(500, 500)")[1].click == 0.0
    s, t = one("pyautogui.click(500.0,500.0)", "pyautogui.click(501, 500)")
    assert t.click == 1.0 and s.action_score == 0.0 and s.sequence_score == 1.0 and "zero-size" in t.note


@pytest.mark.parametrize("pred,penalised", [
    ('pyautogui.press("enter")', False),
    ("pyautogui.press('enter')", False),      # predicted key: after the first quote of either kind
    ('pyautogui.press(" enter ")', False),    # compared after strip()
    ('pyautogui.press("ENTER")', False),      # lower-cased
    ('pyautogui.press("return")', True),      # no synonyms in the release
    ('pyautogui.press(keys="enter")', False),  # still the first quoted text
])
def test_press_quote_rules(pred, penalised):
    # Gold two lines (click, press): n = 2, a key penalty is 1/2, so AS = 0.5 when penalised, K = 0.5.
    s, t = one(f'{CLICK}\npyautogui.press("enter")', f"{CLICK}\n{pred}")
    assert t.matched
    assert t.key == (0.5 if penalised else 0.0)
    assert s.action_score == (0.5 if penalised else 1.0)


def test_press_gold_in_single_quotes_is_read_by_the_parser():
    # The release crashes on gold_line.split('"')[1]; we read the gold key with the shared parser: "enter".
    _, t = one("pyautogui.press('enter')", 'pyautogui.press("enter")')
    assert t.matched and t.key == 0.0 and "shared parser" in t.note


def test_press_unquoted_prediction_scores_zero():
    # press(enter): no quote at all -> the release crashes; the parser rejects a bare name -> task 0.
    s, t = one('pyautogui.press("enter")', "pyautogui.press(enter)")
    assert not t.matched and s.sequence_score == 0.0 and s.n_parse_errors == 1 and "rejects" in t.note


@pytest.mark.parametrize("pred,penalised", [
    ('pyautogui.hotkey("ctrl", "c")', False),   # same spacing: pieces '"ctrl"', ' "c"' -> {ctrl, "c}
    ('pyautogui.hotkey("ctrl","c")', True),     # no space -> {ctrl, c} differs
    ("pyautogui.hotkey('ctrl', 'c')", True),    # single quotes -> {ctrl, 'c} differs
    ('pyautogui.hotkey("c", "ctrl")', True),    # reversed -> {c, "ctrl} differs
    ('pyautogui.hotkey("CTRL", "C")', False),   # lower-cased
])
def test_hotkey_spacing_and_quote_rules(pred, penalised):
    # One gold line: n = 1, weight 0.1; a differing set costs the whole task: AS 0, K 1.
    s, t = one('pyautogui.hotkey("ctrl", "c")', pred)
    assert t.matched and t.key == (1.0 if penalised else 0.0)
    assert s.key_penalty == (1.0 if penalised else 0.0)


def test_write_first_two_quotes_rule_dont():
    # Predicted write("don't") is read as "don" (text up to the next quote of either kind).
    # BLEU("don't", "don"): unigrams d,o,n all match 3/3; bigrams do,on match 2/2; brevity penalty
    # exp(1 - 5/3) = exp(-2/3) = 0.5134171; penalty = 1 - 0.5134171 = 0.4865829; AS = 0.5134171.
    s, t = one('pyautogui.write("don\'t")', 'pyautogui.write("don\'t")')
    assert t.write == pytest.approx(1 - math.exp(-2 / 3), abs=1e-15)
    assert s.action_score == pytest.approx(math.exp(-2 / 3), abs=1e-12)


def test_write_bleu_is_character_level_and_one_char_gets_full_penalty():
    # "seattle" vs "seatle": every character unigram (6/6) and bigram (5/5) matches; brevity penalty
    # exp(1 - 7/6) -> write penalty 1 - exp(-1/6) = 0.1535183.
    assert one('pyautogui.write("seattle")', 'pyautogui.write("seatle")')[1].write == \
        pytest.approx(1 - math.exp(-1 / 6), abs=1e-15)
    # One character, exact: no bigram at all -> p2 = float min -> BLEU = sqrt(2.2e-308) = 1.5e-154;
    # 1 - 1.5e-154 == 1.0 in floats: the full penalty although the text is right. SS 1, AS 0.
    s, t = one('pyautogui.write("a")', 'pyautogui.write("a")')
    assert t.write == 1.0 and s.action_score == 0.0 and s.sequence_score == 1.0


def test_weights_and_aggregation_across_tasks():
    # Task a: 1 line (w 0.1), exact -> 1. Task b: 3 lines (w 2.1), press wrong -> 1 - 1/3.
    # Task c: 2 lines (w 1.1), missing -> 0. ideal = 3.3; SS = (0.1 + 2.1) / 3.3 = 0.6667;
    # AS = (0.1 + 2.1 * 2/3) / 3.3 = 1.5 / 3.3 = 0.4545; K = 2.1 / 3 / 3.3 = 0.2121.
    tasks = [make_task(CLICK, task_id="a"),
             make_task(f'{CLICK}\npyautogui.press("enter")\npyautogui.write("x")', task_id="b"),
             make_task(f'{CLICK}\n{CLICK}', task_id="c")]
    preds = {"a": CLICK, "b": f'{CLICK}\npyautogui.press("tab")\npyautogui.write("x")'}
    s = score(tasks, preds)
    assert s.ideal_score == pytest.approx(3.3)
    assert s.sequence_score == pytest.approx(2.2 / 3.3, abs=1e-12)
    assert s.key_penalty == pytest.approx(0.7 / 3.3, abs=1e-12)
    assert s.n_missing == 1 and s.n_scored == 2 and s.tasks[2].missing


def test_keyword_click_is_read_by_the_parser():
    # click(x=250, y=50): float("x=250") fails in the release; the parser reads (250, 50) -> 0.4721360.
    s, t = one(CLICK, "pyautogui.click(x=250, y=50)")
    assert t.matched and t.click == pytest.approx(1 - math.sqrt(12500) / (100 + math.sqrt(12500)), abs=1e-15)
    assert "shared parser" in t.note and s.n_parse_errors == 0


_OFF_BY_250 = 0.5 * (1 - math.sqrt(12500) / (250 + math.sqrt(12500)))  # 250 px right of the box, one line of two


@pytest.mark.parametrize(("pred", "line", "penalty"), [
    ('\n\npyautogui.press("enter")\npyautogui.click(x=150, y=75)', 4, 0.0),  # on the box's corner; blank lines count
    ('pyautogui.press("enter")\n# then\npyautogui.click(x=400, y=75)', 3, _OFF_BY_250),
    ('pyautogui.press("enter")\npyautogui.click(400,75)', None, _OFF_BY_250),
])
def test_a_gold_keyword_click_is_read_by_the_parser_and_the_notes_name_the_lines_as_written(pred, line, penalty):
    # Gold click(x=150.0, y=75.0): float("x=150.0") fails in the release; the parser reads the point, no box is
    # centred on it, and the smallest box holding it (50..150, 25..75) is used. A note names each line read so, the
    # predicted one as the file has it (the lines before the script and the lines the filter drops counted).
    gold = 'pyautogui.press("enter")\npyautogui.click(x=150.0, y=75.0)'
    _, t = one(gold, pred)
    notes = ["gold line 2: point read by the shared parser (the released string rule fails)",
             "gold line 2: no gold box centre matched; used containment"]
    if line is not None:
        notes.append(f"predicted line {line}: point read by the shared parser (the released string rule fails)")
    assert t.matched and t.click == pytest.approx(penalty, abs=1e-15) and t.note == "; ".join(notes)


def test_a_gold_click_with_no_point_leaves_its_task_unmatched_with_a_note():
    _, t = one("pyautogui.click()", "pyautogui.click(150, 75)")
    assert not t.matched and t.note.endswith("gold line 1: the click has no point")


def test_click_without_point_gets_the_full_penalty():
    # click(): the parser accepts it (clicks where the mouse is) but there is no point -> full 1/n.
    _, t = one(f"{CLICK}\n{CLICK}", f"{CLICK}\npyautogui.click()")
    assert t.matched and t.click == 0.5


def test_gold_without_pyautogui_lines_is_skipped_not_negative():
    s = score([make_task("# nothing to do", task_id="z"), make_task(CLICK, task_id="a")], {"a": CLICK})
    assert s.ideal_score == pytest.approx(0.1) and s.action_score == 1.0
    assert s.tasks[0].weight == 0.0 and "data problem" in s.tasks[0].note


def test_write_gold_in_single_quotes_is_read_by_the_parser():
    # gold_line.split('"')[1] crashes the release; the parser reads the gold text "hello" (lower-cased).
    _s, t = one("pyautogui.write('Hello there')", 'pyautogui.write("hello there")')
    assert t.matched and t.write == 0.0 and "shared parser" in t.note


def test_windows_line_endings_are_read_like_the_release():
    # Lines keep their "\r": names and quoted values are unaffected, and the point's y is "50.0" before ")".
    pred = '{}\r\npyautogui.press("enter")\r\n'.format("pyautogui.click(250.0,50.0)")
    _s, t = one(f'{CLICK}\npyautogui.press("enter")', pred)
    assert t.matched and t.key == 0.0
    assert t.click == pytest.approx(0.5 * (1 - math.sqrt(12500) / (100 + math.sqrt(12500))), abs=1e-15)


def test_unreadable_gold_line_scores_zero_and_is_listed():
    from scoring import gold_problems

    task = make_task("pyautogui .click(100.0, 50.0)\npyautogui_click(1, 2)")
    s = score([task], {"t1": "pyautogui.click(100.0,50.0)\npyautogui.click(1, 2)"})
    assert s.action_score == 0.0 and "gold line 2 cannot be read" in s.tasks[0].note
    assert "gold line 2 cannot be read" in gold_problems([task])[0]
