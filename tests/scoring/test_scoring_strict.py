"""Strict mode: one test per rule of scoring/strict.py, numbers worked out by hand.

Default screen (scoring_helpers): box 0 is (50, 25)-(150, 75): 100 x 50, diagonal sqrt(12500) = 111.8034.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scoring_helpers import make_task, one

from scoring import score

D = math.sqrt(12500)
CLICK = "pyautogui.click(100.0,50.0)"


def test_keyword_and_positional_arguments_read_alike():
    _, t = one(CLICK, "pyautogui.click(x=100, y=50)", "strict")
    assert t.matched and t.score == 1.0 and t.note is None


@pytest.mark.parametrize("name", ["click", "rightClick", "doubleClick", "tripleClick", "middleClick", "moveTo",
                                  "dragTo", "mouseDown", "mouseUp"])
def test_every_pointer_action_is_distance_scored(name):
    # (250, 50): d = 250 - 150 = 100, D = 111.8034 -> d / (d + D) = 0.4721360.
    _, t = one(f"pyautogui.{name}(100.0,50.0)", f"pyautogui.{name}(250, 50)", "strict")
    assert t.matched and t.click == pytest.approx(100 / (100 + D), abs=1e-15)


def test_scroll_with_a_point_is_distance_scored_and_without_one_is_not():
    _, t = one("pyautogui.scroll(-5, x=100, y=50)", "pyautogui.scroll(-5, 250, 50)", "strict")
    assert t.click == pytest.approx(100 / (100 + D), abs=1e-15)
    assert one("pyautogui.scroll(-5)", "pyautogui.scroll(10)", "strict")[1].score == 1.0


def test_gold_box_is_the_smallest_containing_box():
    # Big (0,0)-(400,200) listed first, small (90,40)-(110,60); gold (100, 50) -> the small one.
    # Prediction (120, 50): d = 120 - 110 = 10, D = sqrt(20^2 + 20^2) = 28.2843 -> 10 / 38.2843 = 0.2612.
    boxes = [((0, 0), (400, 200), True), ((90, 40), (110, 60), True)]
    _, t = one("pyautogui.click(100,50)", "pyautogui.click(120, 50)", "strict", boxes=boxes)
    assert t.click == pytest.approx(10 / (10 + math.sqrt(800)), abs=1e-15)
    # Not on a box centre at all: containment still finds the box (no note in strict mode).
    _, t = one("pyautogui.click(60,30)", "pyautogui.click(70, 30)", "strict")
    assert t.click == 0.0 and t.note is None


def test_no_box_zero_size_box_at_the_gold_point():
    # D = 0: any miss costs the full 1/n, an exact hit nothing.
    assert one("pyautogui.click(500,500)", "pyautogui.click(500, 500)", "strict")[1].click == 0.0
    t = one("pyautogui.click(500,500)", "pyautogui.click(503, 504)", "strict")[1]
    assert t.click == 1.0 and "zero-size" in t.note
    # The note names the gold action as written (the sleep counts in its number, though it is not compared).
    gold = 'pyautogui.press("a")\npyautogui.sleep(1)\npyautogui.click(500,500)'
    t = one(gold, 'pyautogui.press("a")\npyautogui.click(500, 500)', "strict")[1]
    assert t.score == 1.0
    assert t.note == "gold action 3: no box holds the gold point (500, 500); used a zero-size box there"


def test_predicted_action_without_point_gets_full_penalty():
    # Two gold lines: 1/n = 0.5.
    t = one(f"{CLICK}\n{CLICK}", f"{CLICK}\npyautogui.click()", "strict")[1]
    assert t.matched and t.click == 0.5


@pytest.mark.parametrize("pred,penalised", [
    ('pyautogui.press("return")', False),            # return = enter
    ('pyautogui.press("ENTER")', False),
    ('pyautogui.press(keys="enter")', False),
    ('pyautogui.press("enter", presses=2)', True),    # presses differ
    ('pyautogui.press("tab")', True),
])
def test_press_normalised_keys_and_presses(pred, penalised):
    t = one('pyautogui.press("enter")', pred, "strict")[1]
    assert t.matched and t.key == (1.0 if penalised else 0.0)


def test_a_write_of_key_names_is_scored_as_the_press_it_is():
    t = one('pyautogui.press(["tab", "enter"])', 'pyautogui.typewrite(["tab", "return"])', "strict")[1]
    assert t.matched and t.key == 0.0
    for mode in ("strict", "reference"):  # PyAutoGUI's own form: not a parse error in either mode
        assert one('pyautogui.press("enter")', 'pyautogui.write(["enter"])', mode)[0].n_parse_errors == 0
    t = one('pyautogui.write("hi")\npyautogui.press("enter")', 'pyautogui.write("hi")\npyautogui.write(["enter"])',
            "strict")[1]
    assert t.matched and t.key == 0.0 and t.write == 0.0


@pytest.mark.parametrize("name", ["prtsc", "prtscr", "prntscrn", "print", "PrintScreen"])
def test_pyautoguis_print_screen_names_are_one_key(name):
    assert one('pyautogui.press("printscreen")', f'pyautogui.press("{name}")', "strict")[1].key == 0.0


def test_key_down_and_up_normalised():
    assert one('pyautogui.keyDown("control")', 'pyautogui.keyDown("ctrl")', "strict")[1].key == 0.0
    assert one('pyautogui.keyUp("esc")', 'pyautogui.keyUp("escape")', "strict")[1].key == 0.0
    assert one('pyautogui.keyUp("esc")', 'pyautogui.keyUp("shift")', "strict")[1].key == 1.0


@pytest.mark.parametrize("pred,penalised", [
    ('pyautogui.hotkey("c", "ctrl")', False),     # a set: order never matters
    ("pyautogui.hotkey('ctrl','c')", False),      # nor quotes or spacing
    ('pyautogui.hotkey("control", "C")', False),  # normalised names
    ('pyautogui.hotkey("ctrl", "v")', True),
    ('pyautogui.hotkey("ctrl", "shift", "c")', True),
])
def test_hotkey_key_sets(pred, penalised):
    t = one('pyautogui.hotkey("ctrl", "c")', pred, "strict")[1]
    assert t.matched and t.key == (1.0 if penalised else 0.0)


def test_typewrite_is_write():
    assert one('pyautogui.write("hi")', 'pyautogui.typewrite("hi")', "strict")[1].score == 1.0


def test_exact_text_is_never_penalised_and_case_counts():
    # The one-character text that reference mode penalises fully costs nothing here.
    assert one('pyautogui.write("a")', 'pyautogui.write("a")', "strict")[1].write == 0.0
    # Original case: "Seattle" vs "seattle": unigrams 6/7 (S unmatched), bigrams 5/6 (Se unmatched), equal
    # lengths so brevity 1: BLEU = sqrt(6/7 * 5/6) = sqrt(5/7) = 0.8451543; penalty 0.1548457.
    t = one('pyautogui.write("Seattle")', 'pyautogui.write("seattle")', "strict")[1]
    assert t.write == pytest.approx(1 - math.sqrt(5 / 7), abs=1e-15)


def test_names_must_match_canonically():
    assert not one(CLICK, "pyautogui.doubleClick(100, 50)", "strict")[1].matched
    assert not one(CLICK, f"{CLICK}\n{CLICK}", "strict")[1].matched


def test_rejected_prediction_scores_zero_and_is_counted():
    s, t = one(CLICK, "pyautogui.Click(100, 50)", "strict")
    assert not t.matched and s.n_parse_errors == 1 and "Click" in t.parse_error
    assert t.parse_error.startswith("line 1, column ")


def test_comments_imports_and_sleep_are_ignored():
    pred = f"import pyautogui\nimport time\n# go\n{CLICK}\ntime.sleep(1)"
    assert one(CLICK, pred, "strict")[1].score == 1.0


def test_same_ideal_as_reference_and_identity():
    # Two tasks, strict: a matched with press wrong (w 1.1, K 0.5), b unmatched (w 0.1).
    # ideal 1.2; SS = 1.1 / 1.2; K = 0.55 / 1.2; AS = 0.55 / 1.2 = SS - K.
    tasks = [make_task(f'{CLICK}\npyautogui.press("enter")', task_id="a"), make_task(CLICK, task_id="b")]
    preds = {"a": f'{CLICK}\npyautogui.press("tab")', "b": "pyautogui.moveTo(1, 1)"}
    s = score(tasks, preds, "strict")
    r = score(tasks, preds, "reference")
    assert s.ideal_score == r.ideal_score == pytest.approx(1.2)
    assert s.sequence_score == pytest.approx(1.1 / 1.2) and s.key_penalty == pytest.approx(0.55 / 1.2)
    assert s.action_score == pytest.approx(s.sequence_score - s.key_penalty, abs=1e-12)


def test_unreadable_gold_scores_zero_with_a_note():
    _, t = one("pyautogui.click(100, 50) + 1", "pyautogui.click(100, 50)", "strict")
    assert not t.matched and "the gold script cannot be read" in t.note and t.parse_error is None


def _smallest_by_scan(rects, x, y):
    """The rule as written: every box in file order, a strictly smaller one replaces the best so far."""
    best, best_area = None, 0.0
    for r in rects:
        if r[0] <= x <= r[2] and r[1] <= y <= r[3]:
            area = (r[2] - r[0]) * (r[3] - r[1])
            if best is None or area < best_area:
                best, best_area = r, area
    return best


_edge = st.one_of(st.integers(0, 20).map(float), st.sampled_from([float("inf"), float("-inf"), -0.0]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_edge, _edge, _edge, _edge), max_size=12),
       st.lists(st.tuples(st.integers(-1, 21), st.integers(-1, 21)), min_size=1, max_size=6))
def test_smallest_containing_box_is_the_scans_answer(rects, points):
    from scoring.boxes import BoxIndex

    index = BoxIndex.from_rects(tuple(rects))
    for x, y in points:
        want = _smallest_by_scan(rects, float(x), float(y))
        got = index.smallest_containing(float(x), float(y))
        assert (got is None) == (want is None)
        if got is not None:
            assert (got.left, got.top, got.right, got.bottom) == want


_coord = st.one_of(st.integers(-5, 70).map(float), st.floats(-5, 70, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_coord, _coord, _coord, _coord), min_size=1, max_size=40),
       st.lists(st.tuples(_coord, _coord), min_size=1, max_size=8), st.integers(1, 4))
# a line of a box (no width) alone at the screen's edge; an edge at infinity (no grid can be laid: the scan)
@example([(0.0, 0.0, 10.0, 10.0), (-5.0, 0.0, -5.0, 10.0)], [(-5.0, 5.0)], 1)
@example([(0.0, 0.0, 10.0, 10.0), (2.0, 2.0, math.inf, 3.0)], [(50.0, 2.5), (5.0, 2.5)], 1)
def test_a_screen_of_many_boxes_looked_up_through_its_grid_gives_the_scans_answer(rects, points, wide):
    """Large screens look containment up through a grid (a point inside no box scanned every box); here every
    screen gets one, with a few cells and boxes over more than `wide` of them kept apart."""
    import scoring.boxes as boxes

    saved = boxes._GRID_MIN, boxes._GRID_CELLS, boxes._WIDE_CELLS
    boxes._GRID_MIN, boxes._GRID_CELLS, boxes._WIDE_CELLS = 0, 8, wide
    try:
        index = boxes.BoxIndex.from_rects(tuple(rects))
        corners = [(r[0], r[1]) for r in rects] + [(r[2], r[3]) for r in rects]  # edges are inside
        for x, y in [*points, *corners, (float("nan"), 1.0)]:
            want = _smallest_by_scan(rects, x, y)
            got = index.smallest_containing_rect(x, y)
            assert got == want, (x, y)
    finally:
        boxes._GRID_MIN, boxes._GRID_CELLS, boxes._WIDE_CELLS = saved


def _strict_box_by_scan(rects, x, y):
    """Strict mode's gold box as the README states it: the smallest box holding the point, edges included, that
    has a positive, finite width and height (first in file order on a tie); None when there is none."""
    proper = [r for r in rects if 0 < r[2] - r[0] < math.inf and 0 < r[3] - r[1] < math.inf]
    return _smallest_by_scan(proper, x, y)


# Boxes by a corner and a size (corners close together, so that boxes overlap): less than a pixel wide, zero,
# negative (inverted), unbounded; and some by any four edges.
_strict_corner = st.integers(-2, 8).map(lambda v: v / 2)
_strict_size = st.sampled_from([-3.0, 0.0, 0.5, 1.0, 2.5, 4.0, 7.0, math.inf])
_by_size = st.builds(lambda x, y, w, h: (x, y, x + w, y + h),
                     _strict_corner, _strict_corner, _strict_size, _strict_size)
_strict_rect = st.one_of(_by_size, _by_size, _by_size,
                         st.tuples(*[st.one_of(_strict_corner, st.sampled_from([math.inf, -math.inf, 1e308]))] * 4))


@settings(max_examples=300, deadline=None)
@given(st.lists(_strict_rect, max_size=8), st.lists(st.tuples(_strict_corner, _strict_corner), min_size=1, max_size=4))
def test_strict_gold_box_is_the_smallest_proper_box_holding_the_point(rects, points):
    from scoring.boxes import BoxIndex
    from scoring.strict import gold_rect

    index = BoxIndex.from_rects(tuple(rects))
    xs = {r[i] for r in rects for i in (0, 2)}
    ys = {r[i] for r in rects for i in (1, 3)}
    for x, y in [*points, *((x, y) for x in xs for y in ys)]:  # every edge and corner: edges are inside
        want = _strict_box_by_scan(rects, x, y)
        got, note = gold_rect(index, x, y)
        if want is None:  # no proper box: a zero-size one at the point, and the task's note says so
            assert got == (x, y, x, y) and "zero-size box" in note, (x, y)
        else:
            assert got == want and note is None, (x, y)


_reach = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])  # how far a box reaches from the point: 0 puts it on an edge


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([(10.0, 20.0, 10.0, 20.0), (10.0, 19.0, 10.0, 25.0), (5.0, 20.0, 12.0, 20.0)]),
       st.lists(st.tuples(_reach, _reach, _reach, _reach).filter(lambda r: r[0] + r[2] > 0 and r[1] + r[3] > 0),
                min_size=1, max_size=5), st.randoms(use_true_random=False))
def test_strict_mode_passes_over_a_box_of_no_area_for_the_smallest_proper_one(degenerate, reaches, order):
    # The smallest box holding the gold point (10, 20) is a point or a line, wherever it is in the file; the
    # proper boxes that hold the point too (on their edges too, with equal areas too) are scanned for the
    # smallest, the first in file order on a tie.
    from scoring.boxes import BoxIndex
    from scoring.strict import gold_rect

    x, y = 10.0, 20.0
    rects = [(x - left, y - top, x + right, y + bottom) for left, top, right, bottom in reaches]
    order.shuffle(rects)
    rects.insert(order.randrange(len(rects) + 1), degenerate)
    assert gold_rect(BoxIndex.from_rects(tuple(rects)), x, y) == (_strict_box_by_scan(rects, x, y), None)
