"""Scripts and boxes drawn from the corners of the input space: text that lower-cases to longer text, U+2028,
NEL and lone CRs, numbers Python's float() reads in surprising ways (``1_00``, Arabic-Indic and full-width
digits, ``1e400``), zero-size and 1e308-wide boxes, unbalanced quotes and brackets.

Whatever is drawn, scoring never raises and stays finite in both modes, AS = SS - M - K - W, the prepared gold
path answers exactly as the general rule, and reference mode equals the released scorer wherever the release
does not crash.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from released_scorer import released
from scoring_helpers import make_task
from test_scoring_released import KEYS_OF_SCORE, _both_paths, _tasks, released_one, scored_as_released

from scoring import score

_NUMBERS = st.sampled_from(["100", "100.0", "50", "50.0", "75.5", "1e2", "-0", "0", "1_00", "inf", "nan",
                            "\uff11\uff10\uff10", "\u0661\u0660\u0660", " 100", "100 ", "+100", ".5", "5.", "0x10",
                            "1e400", "", "a"])
_PIECES = st.sampled_from(["pyautogui", ".", "click", "Click", "CLICK", "press", "hotkey", "write", "typewrite",
                           "doubleClick", "moveTo", "(", ")", ",", ", ", '"', "'", "enter", "ctrl", "c",
                           "\u0130", "\u1e9e", "\u00df", "\u2028", "\x85", "\r", "\t", "\x0b", "\x1c", " ", "#",
                           "x=", "y=", "import pyautogui", "time.sleep(1)", "\\", "[", "]", "=", "\u00e9", "K",
                           "\u212a"])
_TEXT = "abc\u0130\u1e9e\u00df \u00e9,\"'K\u212a"  # İ, ẞ, ß, é and the Kelvin sign: case mapping changes lengths


# Strategies are made once, here: one made inside a composite is made and validated again at every draw, which was
# most of these tests' time.
_KIND = st.integers(0, 3)
_CLICK_NAME = st.sampled_from(["click", "Click", "doubleClick", "moveTo", "rightClick"])
_SPACE = st.sampled_from(["", " "])
_CLICK_END = st.sampled_from([")", ")", ', button="left")', ""])
_QUOTE = st.sampled_from(['"', "'"])
_KEY_NAME = st.sampled_from(["press", "write", "typewrite", "hotkey"])
_KEY_TEXT = st.text(alphabet=_TEXT, max_size=6)
_JUMBLE = st.lists(_PIECES, max_size=12)


@st.composite
def _line(draw, pyautogui_only=False):
    kind = draw(_KIND if not pyautogui_only else st.integers(0, 1))
    if kind == 0:
        name, space, end = draw(_CLICK_NAME), draw(_SPACE), draw(_CLICK_END)
        return f"pyautogui.{name}({draw(_NUMBERS)},{space}{draw(_NUMBERS)}{end}"
    if kind == 1:
        quote, name = draw(_QUOTE), draw(_KEY_NAME)
        return f"pyautogui.{name}({quote}{draw(_KEY_TEXT)}{quote})"
    return "".join(draw(_JUMBLE))


_LINE = _line()
_PYAUTOGUI_LINE = _line(pyautogui_only=True)
_BOX_COUNT = st.integers(0, 4)
_BOX_X, _BOX_Y = st.sampled_from([50, 0, -10, 75.5, 1e300, 99.5]), st.sampled_from([25, 0, 50, 1e-300])
_BOX_W, _BOX_H = st.sampled_from([100, 0, 1, 51, 1e308]), st.sampled_from([50, 0, 1])


@st.composite
def _screen(draw):
    boxes = {}
    for i in range(draw(_BOX_COUNT)):
        x, y = draw(_BOX_X), draw(_BOX_Y)
        w, h = draw(_BOX_W), draw(_BOX_H)
        boxes[str(i)] = {"top_left": [x, y], "bottom_right": [x + w, y + h]}
    return boxes


_SCREEN = _screen()
_TASK_COUNT = st.integers(1, 4)
_GOLD = st.lists(_LINE, max_size=3)
_NEWLINE = st.sampled_from(["\n", "\r\n", "\n\n"])


@st.composite
def _runs(draw, scored=False):
    """`scored`: each gold script has a pyautogui line (the release weighs a task without one -0.9; we skip it)."""
    task_files, box_files, golds, preds = [], [], [], []
    for _ in range(draw(_TASK_COUNT)):
        boxes = draw(_SCREEN)
        gold = draw(_GOLD)
        if scored and not any(x.lower().strip().startswith("pyautogui") for x in gold):
            gold.insert(draw(st.integers(0, len(gold))), draw(_PYAUTOGUI_LINE))
        pred = draw(st.lists(st.one_of(_LINE, st.sampled_from(gold or ["x"])), max_size=4))
        task_files.append("Task: t\nOutput Script:\n" + "\n".join(gold))
        box_files.append(boxes)
        golds.append("\n".join(gold))
        preds.append(draw(_NEWLINE).join(pred))
    return task_files, box_files, golds, preds


_SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))


@_SETTINGS
@given(_runs())
def test_scoring_never_raises_keeps_the_identity_and_both_paths_agree(run):
    _, box_files, golds, preds = run
    tasks = _tasks(golds, box_files)
    for mode in ("reference", "strict"):
        s = score(tasks, {str(i): p for i, p in enumerate(preds)}, mode)
        assert all(math.isfinite(getattr(s, k)) for k in KEYS_OF_SCORE), mode
        assert s.action_score == pytest.approx(s.sequence_score - s.click_penalty - s.key_penalty - s.write_penalty,
                                               abs=1e-9)
    for task, pred in zip(tasks, preds):
        fast, out = _both_paths(task.gold_script, pred, task.elements)
        if fast is not None:
            assert fast == (out.matched, out.click, out.key, out.write) if out.matched else not fast[0]


@_SETTINGS
@given(_runs(scored=True))
def test_reference_mode_equals_the_released_scorer_wherever_it_runs(run):
    task_files, box_files, golds, preds = run
    # A gold script with no pyautogui line weighs -0.9 in the release; we skip such a task (see the README).
    assume(all(any(x.lower().strip().startswith("pyautogui") for x in t.strip().split("\n")[1:]) for t in task_files))
    try:
        expected = released(task_files, box_files, preds)
    except Exception:  # noqa: BLE001 - wherever the release crashes, other tests pin what we do
        assume(False)
    assume(all(math.isfinite(v) for v in expected.values()))
    ours = score(_tasks(golds, box_files), {str(i): p for i, p in enumerate(preds)}).to_json()
    for k in KEYS_OF_SCORE:
        assert ours[k] == expected[k], k  # to the last digit (the issue asks 1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(_runs(), st.data())
def test_remembered_answers_equal_fresh_ones_across_prediction_sets(run, data):
    """A leaderboard scores many prediction sets against one prepared gold, remembering each (task, answer): a set
    drawn from answers seen before (and new ones) scores exactly as it does afresh, parse errors and notes too."""
    from scoring import prepare

    _, box_files, golds, preds = run
    tasks = _tasks(golds, box_files)
    pool = [*preds, *golds, "", "eval(1)", 7]  # a gold answer matches its own task, rarely another
    gold = prepare(tasks)
    for _ in range(3):
        picks = data.draw(st.lists(st.sampled_from(pool), min_size=len(tasks), max_size=len(tasks)))
        answers = {str(i): p for i, p in enumerate(picks) if p != ""}
        for mode in ("reference", "strict"):
            remembered = score(gold, answers, mode, remember=True).to_json(include_tasks=True)
            assert remembered == score(tasks, answers, mode).to_json(include_tasks=True), mode


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(_runs(), st.data())
def test_answers_differing_only_in_their_points_equal_fresh_ones(run, data):
    """Reference mode scores an answer of a shape seen before (the same text around its plain clicks' points) from
    its points: whatever the text around them and the points drawn, it scores exactly as it does afresh."""
    from scoring import prepare

    _, box_files, golds, preds = run
    tasks = _tasks(golds, box_files)
    gold = prepare(tasks)
    number = st.one_of(_NUMBERS, st.integers(-200, 1e6).map(str), st.floats(-200, 200).map(lambda f: f"{f:.2f}"))
    bases = [data.draw(st.sampled_from([p, g])) for p, g in zip(preds, golds)]
    for moved in (0.0, 1.0, 0.5, 0.5):
        answers = {
            str(i): re.sub(r"(?<=[(,])( ?)(-?[0-9]+(?:\.[0-9]+)?)",
                           lambda m: m[1] + (data.draw(number) if data.draw(st.floats(0, 1)) < moved else m[2]),  # noqa: B023
                           base)
            for i, base in enumerate(bases)
        }
        remembered = score(gold, answers, "reference", remember=True).to_json(include_tasks=True)
        assert remembered == score(tasks, answers, "reference").to_json(include_tasks=True)


# Boxes whose edges and centres are awkward floats (tenths, a third, a 1e-11 sliver, a point-sized box, one far out),
# of sizes whose neighbouring floats are written with at most 15 decimals: the digits of a plain click, the answers
# a leaderboard judges from a shape it has seen (longer numbers are judged in full).
_EDGE_BOXES = [((100.1, 200.2), (700.7, 1000 / 3)), ((100.0, 50.0), (100.00000000001, 50.5)), ((7.0, 7.0), (7.0, 7.0)),
               ((-20.25, 1e6), (1e6 / 3, 1e6 + 0.1)), ((2879.5, 1799.5), (2880.0, 1800.0))]


def _edge_points(lo: float, hi: float) -> list[float]:
    """Each edge, the floats either side of it and the centre: where a box test written with the half sizes rounded
    otherwise than the released formula's would tell a different penalty."""
    mid = (hi + lo) / 2
    points = {lo, hi, mid, math.nextafter(lo, -math.inf), math.nextafter(lo, math.inf), math.nextafter(hi, -math.inf),
              math.nextafter(hi, math.inf), math.nextafter(mid, math.inf), -0.0, lo - 0.5, hi + 0.5}
    return sorted(x for x in points if re.fullmatch(r"-?[0-9]+\.[0-9]{1,15}", repr(x)))


def test_points_at_box_edges_score_alike_from_a_remembered_shape_afresh_and_in_the_release():
    """An answer of a shape remembered by the leaderboard (its clicks' points aside) is told on its box or not by its
    points alone: with one click or two, each at an edge of awkward boxes, one float inside or outside it, it scores
    exactly as it does afresh, and as the released scorer does, task by task."""
    from scoring import prepare

    centres = [f"{(br[0] + tl[0]) / 2!r}, {(br[1] + tl[1]) / 2!r}" for tl, br in _EDGE_BOXES]
    # Each box's centre first (the shapes are learnt from answers on their boxes), then its edges' points.
    points = [[((br[0] + tl[0]) / 2, (br[1] + tl[1]) / 2),
               *((x, y) for x in _edge_points(tl[0], br[0]) for y in _edge_points(tl[1], br[1]))]
              for tl, br in _EDGE_BOXES]
    # Tasks with one click, then tasks with two (on the next box too), whose answers' second points are drawn in
    # another order than their first: many answers have one click on its box and the other off it.
    numbers = range(len(_EDGE_BOXES))
    golds = [f'pyautogui.click({centres[b]})\npyautogui.press("enter")' for b in numbers]
    golds += [f'pyautogui.click({centres[b]})\npyautogui.press("enter")\n'
              f'pyautogui.click({centres[(b + 1) % len(numbers)]})' for b in numbers]
    tasks = [make_task(g, [(tl, br, True) for tl, br in _EDGE_BOXES], str(k)) for k, g in enumerate(golds)]
    gold = prepare(tasks)
    n_sets = max(map(len, points))
    on_box = released_runs = 0
    for k in range(n_sets):  # the first set teaches each task its shape; the others are scored from it
        answers = {}
        for b in numbers:
            x, y = points[b][k % len(points[b])]
            answers[str(b)] = f'pyautogui.click({x!r}, {y!r})\npyautogui.press("enter")'
            second = points[(b + 1) % len(numbers)]
            x2, y2 = second[(k * 5) % len(second)]
            answers[str(len(numbers) + b)] = f'{answers[str(b)]}\npyautogui.click({x2!r}, {y2!r})'
        remembered = score(gold, answers, "reference", remember=True).to_json(include_tasks=True)
        assert remembered == score(tasks, answers, "reference").to_json(include_tasks=True), answers
        for i, answer in answers.items():
            try:
                scored_as_released(tasks[int(i)], answer)
            except ZeroDivisionError:
                continue  # the point-sized box hit exactly: the release divides 0 by 0 (we score it 0.0)
            released_runs += 1
        on_box += sum(t["matched"] and t["click"] == 0.0 for t in remembered["tasks"])
    assert 0 < on_box < n_sets * len(golds)  # both sides of the edges were drawn
    assert released_runs > n_sets * (len(golds) - 3)


# Boxes and points near the largest float, where the released formula overflows (the release cannot score them) and
# a plain d / (d + D) did too: a far click cost 0 in strict mode, and a click past the edge of a box whose width
# overflowed was inside it in reference mode.
_HUGE = [((0.0, 0.0, 1e308, 1e308), (-1.5e308, 0.0)), ((-1e308, 0.0, 1e308, 10.0), (1.5e308, 5.0)),
         ((1e307, 0.0, 1.6e308, 10.0), (-1.79e308, 5.0)), ((0.0, 0.0, 1e308, 1e308), (-1e308, -1e308)),
         ((0.0, 0.0, 1e308, 1e308), (5e307, 2e307)), ((-1.7e308, -1.7e308, 1.7e308, 1.7e308), (1.75e308, -1.79e308))]


def _true_penalty(box: tuple[float, ...], point: tuple[float, float]) -> float:
    """1 - D / (d + D) = d / (d + D) in 60-digit decimal arithmetic, where nothing overflows."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        left, top, right, bottom = map(Decimal, box)
        px, py = map(Decimal, point)
        dx = max(left - px, Decimal(0), px - right)
        dy = max(top - py, Decimal(0), py - bottom)
        d = (dx * dx + dy * dy).sqrt()
        big_d = ((right - left) ** 2 + (bottom - top) ** 2).sqrt()
        return float(d / (d + big_d))


@pytest.mark.parametrize(("box", "point"), _HUGE)
def test_a_click_near_the_largest_float_costs_its_true_penalty_in_both_modes(box, point):
    """A task whose box and click lie near the largest float scores, in each mode, the penalty of the true distances
    (to 1e-12; 0 inside the box), where distances and their sums overflow."""
    left, top, right, bottom = box
    gold = f"pyautogui.click({(left + right) / 2!r}, {(top + bottom) / 2!r})"
    task = make_task(gold, [((left, top), (right, bottom), True)])
    answer = f"pyautogui.click({point[0]!r}, {point[1]!r})"
    try:  # the released formula squares the box's sides (too large), or takes inf - inf (a NaN total)
        by_release = released_one(task, answer)
    except OverflowError:
        pass
    else:
        assert math.isnan(by_release["action_score"])
    expected = _true_penalty(box, point)
    # Strict mode skips a box whose width or height is too large for a float (README): its gold box is then a
    # zero-size one at the gold point, which any miss costs in full.
    in_strict = expected if math.isfinite(right - left) and math.isfinite(bottom - top) else 1.0
    for mode, penalty in (("reference", expected), ("strict", in_strict)):
        t = score([task], {"t1": answer}, mode).tasks[0]
        assert t.matched and math.isclose(t.click, penalty, rel_tol=1e-12), (mode, t.click, penalty)
