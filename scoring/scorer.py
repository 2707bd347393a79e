"""`score()`: a run's predictions against a split's gold scripts, in reference or strict mode.

Both modes share the weighting (``n - 0.9`` per task, n = gold pyautogui lines), the treatment of missing
predictions (score 0, weight still in the ideal, counted in ``n_missing``) and the parse-error count (present
predictions the shared parser rejects). They differ in how a prediction is compared with the gold: see
`scoring.reference` and `scoring.strict`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from omniact.actions import ACTIONS, ALIASES, Action, script_is_valid
from omniact.errors import ParseError, UserError
from omniact.predictions import Prediction
from omniact.task import Task
from scoring import reference, strict
from scoring.boxes import BoxIndex
from scoring.reference import GoldLines, Outcome
from scoring.result import MODES, SCORER_VERSION, GroupScore, Score, TaskScore

__all__ = ["gold_problems", "score"]

_MISSING = object()

# Gold line names are lower-cased by the released rules; the breakdown names them as the ACTIONS table does.
_CANONICAL = {name.lower(): name for name in ACTIONS}
_CANONICAL.update({alias.lower(): ACTIONS[target].name for alias, target in ALIASES.items()})


def _group(n_tasks: int, rows: Iterable[int], w: list[float], m: list[int], sc: list[float], c: list[float],
           k: list[float], wr: list[float]) -> GroupScore:
    """Weighted sums over the given task rows, accumulated in task order as the released scorer does."""
    ideal = seq = act = click = key = write = 0.0
    for i in rows:
        wi = w[i]
        ideal += wi
        seq += m[i] * wi
        act += sc[i] * wi
        if m[i]:
            click += c[i] * wi
            key += k[i] * wi
            write += wr[i] * wi
    if not ideal:
        return GroupScore(n_tasks, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return GroupScore(n_tasks, seq / ideal, act / ideal, click / ideal, key / ideal, write / ideal, ideal)


class _Caches:
    """Per-call caches: many tasks share a gold script text, a screen's boxes, or a prediction's text."""

    def __init__(self) -> None:
        self.gold: dict[str, GoldLines] = {}
        self.parsed: dict[str, list[Action] | ParseError] = {}
        self.boxes: dict[int, tuple[Any, BoxIndex]] = {}
        self.types: dict[str, tuple[str, ...]] = {}

    def gold_lines(self, text: str) -> GoldLines:
        g = self.gold.get(text)
        if g is None:
            g = self.gold[text] = reference.gold_lines(text)
        return g

    def parse(self, script: object) -> list[Action]:
        """parse_script, remembered by text; raises its ParseError."""
        if not isinstance(script, str):
            return reference.safe_parse(script)
        r = self.parsed.get(script)
        if r is None:
            try:
                r = reference.safe_parse(script)
            except ParseError as e:
                r = e
            self.parsed[script] = r
        if isinstance(r, ParseError):
            raise r
        return r

    def box_index(self, task: Task) -> BoxIndex:
        els = task.elements
        hit = self.boxes.get(id(els))
        if hit is None or hit[0] is not els:
            hit = self.boxes[id(els)] = (els, BoxIndex(els))  # keeps `els` alive so its id stays unique
        return hit[1]

    def action_types(self, gold: GoldLines) -> tuple[str, ...]:
        key = "\n".join(gold.names)
        t = self.types.get(key)
        if t is None:
            t = self.types[key] = tuple(dict.fromkeys(_CANONICAL.get(nm, nm) for nm in gold.names if nm))
        return t


def _valid(script: str) -> bool:
    try:
        return script_is_valid(script)
    except (ValueError, RecursionError, MemoryError, OverflowError, TypeError):
        return False  # the parser proper then reports it as a parse error


def score(tasks: Iterable[Task], predictions: Mapping[str, object], mode: str = "reference") -> Score:
    """Score `predictions` (task id -> script text, or `Prediction`) on `tasks` (a Dataset or Tasks).

    Ids in `predictions` that are not among `tasks` are ignored (`read_predictions` refuses them earlier).
    Never raises on a prediction, whatever it holds: an unreadable one scores 0 and is counted.

    >>> from omniact.task import Task  # doctest: +SKIP
    """
    if mode not in MODES:
        raise UserError(f"unknown scoring mode {mode!r} (choose {' or '.join(MODES)})")
    describe = getattr(tasks, "describe", None)
    dataset = describe() if callable(describe) else None
    caches = _Caches()
    results: list[TaskScore] = []
    # One row per weighted task (n_gold > 0), and the rows of each breakdown group.
    w_: list[float] = []
    m_: list[int] = []
    s_: list[float] = []
    c_: list[float] = []
    k_: list[float] = []
    wr_: list[float] = []
    rows: dict[tuple[str, str], list[int]] = {}
    counts: dict[tuple[str, str], int] = {}
    n_scored = n_missing = n_parse_errors = 0
    is_strict = mode == "strict"
    get = predictions.get
    gold_of = caches.gold_lines
    score_reference = reference.score_task
    no_match = Outcome(False)

    for task in tasks:
        script = get(task.id, _MISSING)
        if isinstance(script, Prediction):
            script = script.script
        gold = gold_of(task.gold_script)
        n_gold = len(gold.lines)
        missing = script is _MISSING
        parse_error = None
        pred_actions = None
        if missing:
            n_missing += 1
        else:
            n_scored += 1
            # Reference mode only needs to know whether the parser accepts the script; the cheap exact check
            # answers that for plain scripts, and the parser proper runs for the rest (and for the message).
            if is_strict or not (isinstance(script, str) and _valid(script)):
                try:
                    pred_actions = caches.parse(script)
                except ParseError as e:
                    parse_error = str(e)
                    n_parse_errors += 1

        keys = [("platform", task.platform), ("app", task.app)]
        if n_gold == 0:
            results.append(TaskScore(task.id, 0.0, 0, False, 0.0, 0.0, 0.0, 0.0, missing, parse_error,
                                     "the gold script has no pyautogui line: task skipped (a data problem)"))
            for key in keys:
                counts[key] = counts.get(key, 0) + 1
            continue

        weight = n_gold - 0.9
        if missing:
            out = no_match
        elif not is_strict:
            out = score_reference(gold, caches.box_index(task), script) if isinstance(script, str) else no_match
        elif pred_actions is None:
            out = no_match
        else:
            try:
                gold_actions = caches.parse(task.gold_script)
            except ParseError as e:
                out = Outcome(False, note=f"the gold script cannot be read ({e})")
            else:
                out = strict.score_task(gold_actions, caches.box_index(task), pred_actions)

        row = len(w_)
        w_.append(weight)
        if out.matched:
            sc = float(max(1 - out.click - out.key - out.write, 0))
            results.append(TaskScore(task.id, weight, n_gold, True, out.click, out.key, out.write, sc, False,
                                     parse_error, out.note))
            m_.append(1)
            s_.append(sc)
            c_.append(out.click)
            k_.append(out.key)
            wr_.append(out.write)
        else:
            results.append(TaskScore(task.id, weight, n_gold, False, 0.0, 0.0, 0.0, 0.0, missing, parse_error,
                                     out.note))
            m_.append(0)
            s_.append(0.0)
            c_.append(0.0)
            k_.append(0.0)
            wr_.append(0.0)
        keys.extend(("action", name) for name in caches.action_types(gold))
        for key in keys:
            r = rows.get(key)
            if r is None:
                r = rows[key] = []
            r.append(row)
            counts[key] = counts.get(key, 0) + 1

    cols = (w_, m_, s_, c_, k_, wr_)
    t = _group(len(results), range(len(w_)), *cols)
    breakdown: dict[str, dict[str, GroupScore]] = {"platform": {}, "app": {}, "action": {}}
    for kind, name in sorted(counts):
        breakdown[kind][name] = _group(counts[(kind, name)], rows.get((kind, name), ()), *cols)
    return Score(mode=mode, scorer_version=SCORER_VERSION, sequence_score=t.sequence_score,
                 action_score=t.action_score, click_penalty=t.click_penalty, key_penalty=t.key_penalty,
                 write_penalty=t.write_penalty, ideal_score=t.ideal_score, n_scored=n_scored,
                 n_missing=n_missing, n_parse_errors=n_parse_errors, breakdown=breakdown,
                 tasks=tuple(results), dataset=dataset)


def gold_problems(tasks: Iterable[Task]) -> list[str]:
    """Problems in gold data that scoring works around, one ``FILE: task ID: problem`` line each.

    Lists tasks whose gold has no pyautogui line (skipped by scoring), gold lines no rule can read, and gold
    clicks with no box whose centre equals the gold point (the released scorer crashes on those; we use the
    smallest box containing the point).
    """
    caches = _Caches()
    out: list[str] = []
    for task in tasks:
        where = f"{task.task_path}: task {task.id}"
        gold = caches.gold_lines(task.gold_script)
        if gold.n == 0:
            out.append(f"{where}: the gold script has no pyautogui line (the task is skipped in scoring)")
            continue
        if gold.problem:
            out.append(f"{where}: {gold.problem}")
            continue
        boxes = caches.box_index(task)
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
