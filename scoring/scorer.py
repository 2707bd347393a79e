"""`score()`: a run's predictions against a split's gold scripts, in reference or strict mode.

Both modes share the weighting (``n - 0.9`` per task, n = gold pyautogui lines), the treatment of missing
predictions (score 0, weight still in the ideal, counted in ``n_missing``) and the parse-error count (present
predictions the shared parser rejects). They differ in how a prediction is compared with the gold: see
`scoring.reference` and `scoring.strict`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from omniact.actions import Action, certainly_refused, is_plain_script, parse_unless_refused, script_is_valid
from omniact.dataset import paused_gc
from omniact.errors import ParseError, UserError, shorten
from omniact.predictions import Prediction
from omniact.task import Task
from scoring import reference, strict
from scoring.bleu import bleu
from scoring.boxes import BoxIndex
from scoring.gold import GoldSums, PreparedGold, prepare
from scoring.reference import GoldLines
from scoring.result import MODES, SCORER_VERSION, GroupScore, Score, TaskScores

__all__ = ["Judged", "gold_problems", "judge", "score", "total"]

# The common answer's judgement in reference mode, compiled (scoring/_judge.c, built by `make setup` where there is
# a C compiler): the same outcome as the Python judge below, to the last digit, in a sixth of the time; answers it
# does not know are left to the Python judge. OMNIACT_PURE_PYTHON=1 leaves every answer to it (the bench compares).
try:
    from scoring import _judge as _compiled
except ImportError:  # not built: the Python judge does all
    _compiled = None
if os.environ.get("OMNIACT_PURE_PYTHON") == "1":
    _compiled = None


def _group(n_tasks: int, rows: Sequence[int] | None, terms: Sequence[Sequence[float]]) -> GroupScore:
    """Weighted sums over the given task rows (None: every task), added in task order as the released scorer
    does. `terms` are per-task columns: the weight, and the weight times match, task score and each penalty
    (0.0 for an unmatched task, which leaves a sum as it is). `sum` adds floats left to right like the released
    loop (Python 3.12 and later add with compensation instead: within 1e-15 of it)."""
    if rows is None:
        ideal, seq, act, click, key, write = (sum(col) for col in terms)
    elif len(rows) > 1:
        get = itemgetter(*rows)
        ideal, seq, act, click, key, write = (sum(get(col)) for col in terms)
    elif rows:
        ideal, seq, act, click, key, write = (0.0 + col[rows[0]] for col in terms)
    else:
        ideal = 0.0
    if not ideal:
        return GroupScore(n_tasks, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return GroupScore(n_tasks, seq / ideal, act / ideal, click / ideal, key / ideal, write / ideal, ideal)


def _refusal(script: object) -> str:
    """The parser's message for a prediction it refuses (one that is not text, or one found refused earlier)."""
    # (the fallback is unreachable: only refused scripts come here)
    return reference.refusal(script) or "the shared parser refuses this script"


_REFUSED = ParseError("refused")  # a script the parser certainly refuses, its message worked out when read


def _parse_unless_refused(script: str) -> list[Action] | ParseError:
    """The parsed actions, or `_REFUSED` (the parser certainly refuses the script); ParseError as safe_parse."""
    try:
        actions = parse_unless_refused(script)
    except ParseError:
        raise
    except (ValueError, RecursionError, MemoryError, OverflowError, TypeError):
        return reference.safe_parse(script)  # raises the ParseError that words it
    return _REFUSED if actions is None else actions


def _valid(script: str) -> bool:
    try:
        return script_is_valid(script)
    except (ValueError, RecursionError, MemoryError, OverflowError, TypeError):
        return False  # the parser proper then reports it as a parse error


class _ParseErrors(Mapping[int, str]):
    """Task position -> the shared parser's message for its prediction. Reference mode only needs to know that
    the parser refuses a script (the count); the message is worked out when someone reads it."""

    __slots__ = ("_messages", "_scripts")

    def __init__(self) -> None:
        self._messages: dict[int, str] = {}
        self._scripts: dict[int, str] = {}

    def refused(self, i: int, script: str) -> None:
        self._scripts[i] = script

    def __setitem__(self, i: int, message: str) -> None:
        self._messages[i] = message

    def __getitem__(self, i: int) -> str:
        hit = self._messages.get(i)
        if hit is None:
            # KeyError for a task with no parse error, as a Mapping should raise.
            hit = self._messages[i] = _refusal(self._scripts[i])
        return hit

    def __contains__(self, i: object) -> bool:
        return i in self._messages or i in self._scripts

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self._messages.keys() | self._scripts.keys()))

    def __len__(self) -> int:
        return len(self._messages.keys() | self._scripts.keys())


def score(tasks: Iterable[Task] | PreparedGold, predictions: Mapping[str, object], mode: str = "reference", *,
          remember: bool = False, breakdown: bool = True) -> Score:
    """Score `predictions` (task id -> script text, or `Prediction`) on `tasks` (a Dataset, Tasks, or the
    `PreparedGold` of `scoring.prepare`, which saves preparing the gold again for every prediction set).

    Ids in `predictions` that are not among `tasks` are ignored (`read_predictions` refuses them earlier), unless
    none is: predictions for other tasks altogether (another split's) are a UserError, not a score of 0. An int id
    is read as its text, as a predictions file's ``"id": 9`` is (both 9 and "9" given: a UserError).
    Never raises on a prediction, whatever it holds: an unreadable one scores 0 and is counted.

    With `remember`, each (task, script) outcome is kept on the PreparedGold, so that scoring more prediction
    sets against it works out an answer seen before only once: a leaderboard's submissions share many answers
    (a key press, the element centre every agent on the same detector clicks). Without `breakdown`, the Score's
    breakdown groups are left empty (a leaderboard sums them for all its entries at once, see `total`).
    """
    if mode not in MODES:
        raise UserError(f"unknown scoring mode {mode!r} (choose {' or '.join(MODES)})")
    if not isinstance(predictions, Mapping):
        raise TypeError(f"predictions must be a mapping {{task id: script}} (read_predictions gives one), not "
                        f"{type(predictions).__name__}")
    gold = prepare(tasks)
    seen = gold.__dict__.setdefault(f"_answers_{mode}", {}) if remember else None
    with paused_gc():
        judged = judge(gold, predictions, mode, seen)
    if predictions and gold.ids and all(judged.missing):
        first = shorten(repr(next(iter(predictions))), 40)
        raise UserError(f"none of the {len(predictions):,} predictions is for a task given (the first's id is "
                        f"{first}; the tasks' ids run {shorten(repr(gold.ids[0]), 40)}, ...): predictions for "
                        "another split?")
    with paused_gc():
        return total(gold, mode, judged, breakdown=breakdown)


#: (parse error: None, `_REFUSED` or the message; (matched, click, key, write) or None when unmatched; note)
_Judged = tuple[ParseError | str | None, tuple[bool, float, float, float] | None, str | None]
#: (parse error, note, the task's row or None when unmatched): what `_score` keeps per (task, script)
_Outcome = tuple[ParseError | str | None, str | None, tuple[float, ...] | None]
# Outcomes kept per PreparedGold and mode (about 500 bytes each with a matched row, the script's text aside), and the longest script
# kept: an answer worth remembering is short, and a long one kept alive past its submission would let a few
# submissions of 100 kB answers hold gigabytes.
_SEEN_MAX = 1 << 18
_SEEN_CHARS = 2048
# The row of a missing or unmatched task (see `_Outcome`): matched 0, every value and weighted term 0.0.
_ZERO_ROW = (0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Judged:
    """One prediction set judged task by task against a PreparedGold, before any sum: per task in split order its
    row (see `_Outcome`; `_ZERO_ROW` when missing or unmatched) and whether its prediction is missing, and the
    parse errors and notes by task position. `total` makes the Score; `joined` puts the judgements of a split's
    parts together (`scoring.split_parts`)."""

    rows: list[tuple[float, ...]]
    missing: list[bool]
    parse_errors: _ParseErrors
    notes: dict[int, str]

    def to_raw(self) -> tuple:
        """Marshal-able values (`from_raw` reads them back)."""
        pe = self.parse_errors
        return self.rows, self.missing, pe._messages, pe._scripts, self.notes

    @classmethod
    def from_raw(cls, raw: tuple) -> Judged:
        rows, missing, messages, scripts, notes = raw
        pe = _ParseErrors()
        pe._messages, pe._scripts = messages, scripts
        return cls(rows, missing, pe, notes)

    @classmethod
    def joined(cls, parts: Sequence[tuple[Judged, Sequence[int]]]) -> Judged:
        """The judgement of a split from its parts': each with the split positions of its tasks."""
        n = sum(len(p.rows) for p, _ in parts)
        rows: list[tuple[float, ...]] = [_ZERO_ROW] * n
        missing = [True] * n
        pe = _ParseErrors()
        notes: dict[int, str] = {}
        for part, positions in parts:
            for j, g in enumerate(positions):
                rows[g] = part.rows[j]
                missing[g] = part.missing[j]
            pe._messages.update((positions[i], m) for i, m in part.parse_errors._messages.items())
            pe._scripts.update((positions[i], m) for i, m in part.parse_errors._scripts.items())
            notes.update((positions[i], m) for i, m in part.notes.items())
        return cls(rows, missing, pe, notes)


def judge(gold: PreparedGold, predictions: Mapping[str, object], mode: str,
          seen: dict[tuple[int, str], _Outcome] | None = None) -> Judged:
    """Each task's prediction judged against its gold (see `score`; `mode` checked by it)."""
    n_tasks = len(gold.ids)
    weights = gold.weights
    # One row per task in split order, turned into columns at the end: a matched task's row (its values and the
    # weighted terms every group of the task adds) is worked out once per answer, and a repeated answer
    # (`seen`) costs one store. A missing or unmatched task keeps the zeros.
    rows: list[tuple[float, ...]] = [_ZERO_ROW] * n_tasks
    missing = [True] * n_tasks
    parse_errors = _ParseErrors()
    notes: dict[int, str] = {}
    is_strict = mode == "strict"
    index = gold.index
    plans, lines, boxes = gold.plans, gold.lines, gold.boxes
    score_plan, score_task, plan_boxes = reference.score_plan, reference.score_task, reference.plan_boxes
    strict_plan, strict_score = gold.strict_plan, strict.score_plan
    parsed: dict[str, list[Action] | ParseError] = {}
    plain = is_plain_script

    # A prediction's judgement, (parse error, (matched, click, key, write) or None when unmatched, note): the parse
    # error is None, _REFUSED (its message worked out when read) or the message.
    def judge_reference_in_full(i: int, script: str) -> tuple[Any, Any, str | None, bool, Any]:
        # (the judgement, whether the script is plain, and what its plan made of it: None when it had to take the
        # general rule) - the last two for `_recipe`, which would otherwise work them out again.
        # Only whether the parser accepts the script is needed (`script_is_valid`; the plain-script pattern
        # answers for most).
        is_plain = plain(script)
        error = None if is_plain or _valid(script) else _REFUSED
        if not weights[i]:
            return error, None, None, is_plain, None  # skipped task: no gold pyautogui line
        plan = plans[i]
        r = None if plan is None else score_plan(plan, script)
        if r is None:
            out = score_task(lines[i], boxes[i] if plan is None else plan_boxes(plan), script)
            return error, (True, out.click, out.key, out.write) if out.matched else None, out.note or None, \
                is_plain, None
        return error, r if r[0] else None, None, is_plain, r

    def judge_reference(i: int, script: str) -> _Judged:
        return judge_reference_in_full(i, script)[:3]  # type: ignore[return-value]

    def judge_strict(i: int, script: str) -> _Judged:
        # Parsed unless certainly refused; a refusal's message is worked out when someone reads it.
        hit = parsed.get(script)
        if hit is None:
            try:
                hit = parsed[script] = _parse_unless_refused(script)
            except ParseError as e:
                hit = parsed[script] = e
        if hit is _REFUSED:
            return _REFUSED, None, None
        if isinstance(hit, ParseError):
            return str(hit), None, None
        if not weights[i]:
            return None, None, None
        gold_plan = strict_plan(i)
        if isinstance(gold_plan, str):
            return None, None, f"the gold script cannot be read ({gold_plan})"
        out = strict_score(gold_plan, hit)
        return None, (True, out.click, out.key, out.write) if out.matched else None, out.note or None

    judge_script = judge_strict if is_strict else judge_reference

    def judge(i: int, script: str) -> _Outcome:
        error, r, note = judge_script(i, script)
        return error, note, None if r is None else _row(weights[i], r)

    # Answers that differ only in the points they click (every agent on a leaderboard clicks near, not at, the same
    # element) are judged once per shape: each click's penalty is then all that is worked out (see `_Shapes`).
    shapes = None if seen is None or is_strict else gold.__dict__.setdefault("_click_shapes", _Shapes())

    def judge_shape(i: int, script: str) -> _Outcome:
        pieces = _split_clicks(script)
        if len(pieces) == 1:
            return judge(i, script)
        key = (i, *pieces[::3])
        recipe = shapes.get(key)  # type: ignore[union-attr]
        if recipe is None:
            error, r, note, is_plain, planned = judge_reference_in_full(i, script)
            outcome = error, note, None if r is None else _row(weights[i], r)
            shapes.learn(key, _recipe(plans[i], weights[i], script, pieces, outcome,  # type: ignore[union-attr]
                                      is_plain, planned))
            return outcome
        if recipe is False:
            return judge(i, script)
        refused = recipe[-1]
        if refused and not certainly_refused(script):
            return judge(i, script)  # (a shape of prose around code: this answer's text must still be refused)
        if recipe[0] is None:  # the same outcome whatever the points
            return recipe[1]
        if _on_boxes(recipe[0], pieces):  # (most answers: the outcome of the shape's answers that click no penalty)
            return recipe[4]
        return _REFUSED if refused else None, None, _row(weights[i], _clicked(recipe, pieces))

    def judge_new(i: int, script: str) -> _Outcome:
        # An answer not seen before: judged, and remembered while there is room.
        outcome = judge(i, script) if shapes is None else judge_shape(i, script)
        if len(seen) < _SEEN_MAX:  # type: ignore[arg-type]
            seen[(i, script)] = outcome  # type: ignore[index]
        return outcome

    # Each text answer's task position, text and outcome, applied to the columns below in this order.
    positions: list[int] = []
    scripts: list[str] = []
    outcomes: list[_Outcome | None] = []
    batch = seen is not None and type(predictions) is dict and predictions
    # Reference mode's answers go to the compiled judge first, all at once; those it leaves are judged here, and only
    # those are remembered in `seen`: judging an answer again in C costs less than holding every outcome (a hundred
    # submissions' were a third of a leaderboard's page faults).
    compiled = _compiled if not is_strict and type(plans) is tuple and type(weights) is tuple else None

    def judge_left() -> None:
        # The answers the compiled judge left (None), judged in order.
        for k in [k for k, outcome in enumerate(outcomes) if outcome is None]:
            i, script = positions[k], scripts[k]
            if seen is None or len(script) > _SEEN_CHARS:
                outcomes[k] = judge(i, script)
            else:
                outcomes[k] = seen.get((i, script)) or judge_new(i, script)

    if batch:
        positions = list(map(index.get, predictions))
        scripts = list(predictions.values())
        batch = None not in positions and set(map(type, scripts)) == {str} and max(map(len, scripts)) <= _SEEN_CHARS
    if batch:
        # A leaderboard's answers: judged in C, or else looked up among those seen before in one pass of C, the new
        # ones judged in order. (Any other set of answers takes the loop below, one answer at a time.)
        if compiled is not None:
            outcomes = [None] * len(scripts)
            compiled.judge_batch(outcomes, positions, scripts, plans, weights, _REFUSED, bleu)
        else:
            outcomes = list(map(seen.get, zip(positions, scripts)))  # type: ignore[union-attr]
        judge_left()
    else:
        positions, scripts = [], []
        for task_id, script in predictions.items():
            i = index.get(task_id)
            if i is None:
                if type(task_id) is not int:
                    continue
                i = index.get(str(task_id))  # {9: ...}: the id a predictions file's 9 reads as
                if i is None:
                    continue
                if str(task_id) in predictions:  # which one is the task's would depend on the mapping's order
                    raise UserError(f"task {str(task_id)!r} has two predictions, under the id {task_id} and under "
                                    f"{str(task_id)!r}: give each task one")
            if isinstance(script, Prediction):
                script = script.script
            if not isinstance(script, str):
                missing[i] = False
                parse_errors[i] = _refusal(script)
                continue
            positions.append(i)
            scripts.append(script)
        outcomes = [None] * len(scripts)
        if compiled is not None and outcomes:
            compiled.judge_batch(outcomes, positions, scripts, plans, weights, _REFUSED, bleu)
        judge_left()
    if compiled is not None:
        compiled.apply(positions, scripts, outcomes, rows, missing, parse_errors._messages, parse_errors._scripts,
                        notes, _REFUSED)
        return Judged(rows, missing, parse_errors, notes)
    for i, script, (error, note, row) in zip(positions, scripts, outcomes):  # type: ignore[misc]
        missing[i] = False
        if error is not None:
            if error is _REFUSED:
                parse_errors.refused(i, script)
            else:
                parse_errors[i] = error
        if note is not None:
            notes[i] = note
        if row is not None:
            rows[i] = row
    return Judged(rows, missing, parse_errors, notes)


# A plain click, whose point the released rule reads as these two numbers (the plain-script pattern's numbers: a
# script whose clicks are all plain stays plain whatever numbers they hold).
_NUM = r"(-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{0,15})?)"
_PLAIN_CLICK = re.compile(rf"pyautogui\.click\([ \t]*{_NUM}[ \t]*,[ \t]*{_NUM}[ \t]*\)")
_split_clicks = _PLAIN_CLICK.split
_click_line = _PLAIN_CLICK.match
#: (None, the outcome, refused) for a shape whose outcome does not depend on its points; else (the plan's
#: click steps in line order as `_inside` gives them, key penalty, write penalty, n, the outcome of an answer whose
#: clicks are all on their boxes, refused); False for a shape judged in full every time.
#: `refused`: the shape's answers are prose around code, which the parser refuses (`certainly_refused` says so
#: of each answer before the recipe is used for it).
_Recipe = tuple[None, _Outcome, bool] | tuple[tuple[tuple[Any, ...], ...], float, float, int, _Outcome, bool] | bool


class _Shapes(dict):
    """(task position, an answer's text around its plain clicks' points) -> its `_Recipe`; bounded as `seen`."""

    def learn(self, key: tuple, recipe: _Recipe) -> None:
        if len(self) < _SEEN_MAX:
            self[key] = recipe


def _row(weight: float, r: tuple[bool, float, float, float]) -> tuple[float, ...]:
    """A matched task's row of `Judged` from its (matched, click, key, write): (matched, score, click, key, write, then
    weighted: weight, score, click, key, write)."""
    _, c, k, w = r
    s = float(max(1 - c - k - w, 0))
    return (1, s, c, k, w, weight, s * weight, c * weight, k * weight, w * weight)


def _on_boxes(clicks: tuple[tuple[Any, ...], ...], pieces: list[str]) -> bool:
    """Whether every click of an answer of a recipe's shape (`clicks`, `pieces` as `_clicked` takes them) is on its
    box, where the released formula gives exactly 0.0: the answer's outcome is then the recipe's own (its click
    penalty is 0.0, as `_clicked` leaves it, never -0.0)."""
    if len(clicks) == 1:  # (most answers: one click, no list made)
        cx, cy, hx, hy, _ = clicks[0]
        return abs(cx - float(pieces[1])) <= hx and abs(cy - float(pieces[2])) <= hy
    for (cx, cy, hx, hy, _), x, y in zip(clicks, pieces[1::3], pieces[2::3]):
        if not (abs(cx - float(x)) <= hx and abs(cy - float(y)) <= hy):
            return False
    return True


def _clicked(recipe: tuple, pieces: list[str]) -> tuple[bool, float, float, float]:
    """(matched, click, key, write) of an answer of a recipe's shape: its clicks' penalties summed in line order,
    with the float operations of `reference.score_plan`."""
    clicks, key, write, n, _, _ = recipe
    click = 0.0
    penalty = reference.plan_click_penalty
    for (cx, cy, hx, hy, value), x, y in zip(clicks, pieces[1::3], pieces[2::3]):
        px, py = float(x), float(y)
        # A point on its box (most are) costs nothing: the released formula gives it exactly 0.0, and adding
        # (1/n) * 0.0 leaves the sum as it is (never -0.0). See `_inside`.
        if not (abs(cx - px) <= hx and abs(cy - py) <= hy):
            click += (1.0 / n) * penalty(value, px, py)
    return True, click, key, write


def _inside(value: tuple[float, ...]) -> tuple[float, float, float, float, tuple[float, ...]]:
    """A plan's click step (`reference.plan_click_steps`) as `_clicked` takes it: (centre x, centre y, half width,
    half height, the step's value). A point within the half sizes of the centre scores 1 - mu / (0 + mu), exactly
    0.0 for a positive finite diagonal mu; for any other box the half sizes are -1, which no point is within."""
    _, _, _, _, cx, cy, hx, hy, mu = value
    if not 0.0 < mu < math.inf:
        hx = hy = -1.0
    return cx, cy, hx, hy, value


def _recipe(plan: reference.Plan | None, weight: float, script: str, pieces: list[str], outcome: _Outcome,
            is_plain: bool, r: tuple[bool, float, float, float] | None) -> _Recipe:
    """How to judge any answer of `script`'s shape (`pieces`: it split around its plain clicks' points), learnt from
    `script` and its `outcome`; False unless it is certain to give what judging in full gives. `is_plain`: whether
    `script` is plain (`is_plain_script`); `r`: `reference.score_plan(plan, script)` as its judgement worked it out
    (None when it did not: no plan, no weight, or the general rule).

    Only for a plain script (so its parse-error count is 0 whatever its points) or one the parser certainly
    refuses (prose around the code, a large share of model answers: such a recipe is used only for an answer that
    `certainly_refused` also says so of), judged by its plan (the released rules, which read a plain click's point
    as its two numbers) with no note. Every line the plan reads as a click must start with a plain click, and there
    must be no plain click elsewhere: each point is then exactly the one the released rule reads on that line, and
    nothing else in the answer depends on the points (the lines kept, their names, keys and texts are the same for
    every answer of the shape)."""
    error, note, _ = outcome
    if note is not None:
        return False
    if error is None:
        if not is_plain:
            return False
        refused = False
    elif error is _REFUSED and certainly_refused(script):
        refused = True
    else:
        return False
    if not weight:
        return None, outcome, refused  # a skipped task
    if plan is None:
        return False
    if r is None:
        return False  # judged by the general rule
    if not r[0]:
        return None, outcome, refused  # unmatched: the line count or a name differs, whatever the points
    lines = reference.plan_lines(script)
    steps = reference.plan_click_steps(plan)
    points = list(zip(pieces[1::3], pieces[2::3]))
    if len(steps) != len(points):
        return False
    # The plan reads lower-cased lines: a click it reads as "pyautogui.Click(5,6)" is no plain click of the answer
    # (prose, unlike a plain script, may have one), and a plain click in the prose could stand in for it below.
    if refused and len(_split_clicks(script.lower())) != len(pieces):
        return False
    for (j, _), point in zip(steps, points):
        m = _click_line(lines[j])
        if m is None or m.groups() != point:
            return False
    on_boxes = (_REFUSED if refused else None, None, _row(weight, (True, 0.0, r[2], r[3])))
    recipe = (tuple(_inside(value) for _, value in steps), r[2], r[3], plan[0], on_boxes, refused)
    # The shape's own answer, judged by the recipe, is judged as in full: a check that costs one answer.
    return recipe if _clicked(recipe, pieces) == r else False


def total(gold: PreparedGold | GoldSums, mode: str, judged: Judged, *, breakdown: bool = True) -> Score:
    """The Score of a judgement: its sums, over the whole split and (with `breakdown`) each breakdown group, in
    task order. A group's sums are its task terms, the weight and the weight times the match, the task score and
    each penalty, added in split order (`omniact.report.leaderboard` adds them so for many judgements at once)."""
    n_tasks = len(gold.ids)
    weights = gold.weights
    rows, missing, parse_errors, notes = judged.rows, judged.missing, judged.parse_errors, judged.notes
    m_, s_, c_, k_, wr_, wm_, ws_, wc_, wk_, ww_ = (list(col) for col in zip(*rows)) if rows else ([],) * 10
    n_missing = sum(missing)
    terms = (weights, wm_, ws_, wc_, wk_, ww_)
    t = _group(n_tasks, None, terms)
    groups: dict[str, dict[str, GroupScore]] = {"platform": {}, "app": {}, "action": {}}
    for (kind, name), rows, count in gold.groups if breakdown else ():
        groups[kind][name] = _group(count, rows, terms)
    results = TaskScores(gold.ids, weights, gold.n_gold, m_, c_, k_, wr_, s_, missing, parse_errors, notes)
    return Score(mode=mode, scorer_version=SCORER_VERSION, sequence_score=t.sequence_score,
                 action_score=t.action_score, click_penalty=t.click_penalty, key_penalty=t.key_penalty,
                 write_penalty=t.write_penalty, ideal_score=t.ideal_score, n_scored=n_tasks - n_missing,
                 n_missing=n_missing, n_parse_errors=len(parse_errors), breakdown=groups,
                 tasks=results, dataset=None if gold.dataset is None else dict(gold.dataset))  # each its own


def gold_problems(tasks: Iterable[Task]) -> list[str]:
    """Problems in gold data that scoring works around, one ``FILE: task ID: problem`` line each.

    Lists tasks whose gold has no pyautogui line (skipped by scoring), gold lines no rule can read, and gold
    clicks with no box whose centre equals the gold point (the released scorer crashes on those; we use the
    smallest box containing the point).
    """
    texts: dict[str, GoldLines] = {}
    screens: dict[int, tuple[object, BoxIndex]] = {}
    out: list[str] = []
    for task in tasks:
        where = f"{task.task_path}: task {task.id}"
        gold = texts.get(task.gold_script)
        if gold is None:
            gold = texts[task.gold_script] = reference.gold_lines(task.gold_script)
        if gold.n == 0:
            out.append(f"{where}: the gold script has no pyautogui line (the task is skipped in scoring)")
            continue
        if gold.problem:
            out.append(f"{where}: {gold.problem}")
            continue
        hit = screens.get(id(task.elements))
        if hit is None or hit[0] is not task.elements:
            hit = screens[id(task.elements)] = (task.elements, BoxIndex(task.elements))
        boxes = hit[1]
        for k, ((orig, low), name) in enumerate(zip(gold.lines, gold.names), 1):
            if name != "click":
                continue
            try:
                x, y = reference._rule_point(low)
            except (IndexError, ValueError):
                try:
                    pt = reference._parse_line(orig).point
                except ParseError as e:
                    out.append(f"{where}: gold line {k}: the click's point cannot be read ({e})")
                    continue
                if pt is None:
                    out.append(f"{where}: gold line {k}: the click has no point")
                    continue
                x, y = pt
            if boxes.exact_centre(x, y) is None:
                inside = boxes.smallest_containing(x, y)
                fix = "the smallest box containing it is used" if inside is not None else "no box contains it either"
                out.append(f"{where}: gold line {k}: no box has its centre at the click point "
                           f"({x:g}, {y:g}); {fix}")
    return out
