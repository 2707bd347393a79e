"""The "reference" mode: the released OmniACT scorer's rules, reproduced to the last float operation.

The released script works on lower-cased text lines, not on parsed calls:

1. Gold lines are the task file minus line 1, lower-cased, keeping lines whose stripped text starts with
   ``pyautogui``; predicted lines are the prediction, stripped, split on newlines, filtered the same way.
2. A task matches when both have the same number of lines and, at each position, the (unstripped) predicted
   line starts with ``pyautogui.`` and the names (text between ``pyautogui.`` and the first ``(``) are equal.
3. Only for a match, each gold line i of n adds a penalty: ``click`` (only that lower-cased name) the
   box-distance penalty ``1 - D / (d + D)`` times 1/n against the first box whose centre equals the gold
   point; ``press`` 1/n when the keys between the first quotes differ; ``hotkey`` 1/n when the sets of
   comma-separated pieces with their outer characters removed differ; ``write`` ``(1 - BLEU) / n`` between the
   gold text in double quotes and the predicted text between the first two quote characters of either kind.

Where the released script would crash (keyword arguments, missing coordinates, a gold key in single quotes, no
box with the gold point as centre, a zero-size box, a coordinate too large to square), we do not: that one line
is read with the shared parser instead (values lower-cased, as every value the released rules read is), the
gold box is found by containment, and if the parser cannot read the line either the task scores 0 with a note.
A NaN coordinate (``click(nan, nan)``), which the released script turns into a NaN total, counts as unreadable.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from omniact.actions import Action, parse_script
from omniact.errors import ParseError
from scoring.bleu import bleu
from scoring.boxes import BoxIndex

__all__ = ["GoldLines", "Outcome", "Plan", "gold_lines", "gold_plan", "kept_lines", "kept_lower", "penalty_released", "plan",
           "plan_boxes", "plan_click_penalty", "plan_click_steps", "plan_lines", "refusal", "safe_parse", "score_plan", "score_task"]

_QUOTES = re.compile("\"|'")


@dataclass(frozen=True)
class Outcome:
    """One task's result in either mode: match, the three penalties and an optional note."""

    matched: bool
    click: float = 0.0
    key: float = 0.0
    write: float = 0.0
    note: str | None = None


@dataclass(frozen=True)
class GoldLines:
    """A gold script as the released scorer sees it.

    `lines` are (original line, lower-cased stripped line) pairs of the kept lines; `names` their lower-cased
    action names; `problem` says why the gold cannot be scored (a kept line no rule can read), else None.
    """

    lines: tuple[tuple[str, str], ...]
    names: tuple[str, ...]
    problem: str | None

    @property
    def n(self) -> int:
        return len(self.lines)


class _Unreadable(Exception):
    """A line neither the released rule nor the shared parser can read; the message says which and why."""


# The released line filter (lines whose stripped text starts with "pyautogui") as one scan over a whole ASCII
# text: `^` after each newline, then the characters str.strip() removes on ASCII text, and the rest of the line.
_KEPT_LINE = re.compile(r"^[\t\x0b\x0c\r\x1c-\x1f ]*pyautogui[^\n]*", re.MULTILINE)
_KEPT_LINES = _KEPT_LINE.findall
_KEPT_LINE_MATCHES = _KEPT_LINE.finditer


def kept_lines(lines: list[str]) -> list[tuple[int, str, str]]:
    """The released line filter: (index, line, line lower-cased) of each line whose stripped lower-cased text
    starts with "pyautogui"."""
    out = []
    for i, x in enumerate(lines):
        low = x.lower()
        if low.strip().startswith("pyautogui"):
            out.append((i, x, low))
    return out


def kept_lower(text: str) -> Iterator[str]:
    """`kept_lines(text.split("\n"))`'s lower-cased lines, one at a time: each line's copy is made only as it is
    read (a 50 MB answer of a million lines was a million lower-cased copies at once)."""
    start = 0
    while True:
        end = text.find("\n", start)
        low = (text[start:] if end < 0 else text[start:end]).lower()
        if low.strip().startswith("pyautogui"):
            yield low
        if end < 0:
            return
        start = end + 1


def gold_lines(gold_script: str) -> GoldLines:
    """Filter a gold script (a Task's `gold_script`: the task file minus its first two lines) like the release."""
    if gold_script.isascii():  # one scan; lower-casing ASCII keeps every character where it is
        kept = [(0, gold_script[m.start():m.end()], m.group()) for m in _KEPT_LINE_MATCHES(gold_script.lower())]
    else:
        kept = kept_lines(gold_script.split("\n"))
    lines, names = [], []
    problem = None
    for k, (_, orig, low) in enumerate(kept, 1):
        g = low.strip()
        lines.append((orig, g))
        try:
            names.append(g.split("pyautogui.")[1].split("(")[0])
        except IndexError:
            try:
                a = _parse_line(orig)
                names.append((a.alias or a.name).lower())
            except ParseError as e:
                names.append("")
                problem = problem or f"gold line {k} cannot be read ({e})"
    return GoldLines(tuple(lines), tuple(names), problem)


def safe_parse(script: object) -> list[Action]:
    """parse_script, with any unexpected failure on hostile input reported as a ParseError, never raised."""
    try:
        return parse_script(script)
    except ParseError:
        raise
    except (ValueError, RecursionError, MemoryError, OverflowError, TypeError) as e:
        raise ParseError(f"script cannot be read ({type(e).__name__})") from None


def refusal(script: object) -> str | None:
    """What the shared parser says of `script` when it refuses it (its ParseError's message), else None."""
    try:
        safe_parse(script)
    except ParseError as e:
        return str(e)
    return None


def _parse_line(orig: str) -> Action:
    actions = safe_parse(orig.strip())
    if len(actions) != 1:
        raise ParseError("not exactly one pyautogui call")
    return actions[0]


def _fallback(orig: str, what: str, side: str, k: int, rule_error: Exception,
              get: Callable[[Action], object], notes: list[str]) -> object:
    """Read `what` from one line with the shared parser, because the released string rule failed on it."""
    try:
        a = _parse_line(orig)
    except ParseError as e:
        why = f"{type(rule_error).__name__}: {str(rule_error)[:60]}"
        raise _Unreadable(f"{side} line {k}: the released scorer cannot read its {what} "
                          f"({why}) and the shared parser rejects it ({e})") from None
    value = get(a)
    notes.append(f"{side} line {k}: {what} read by the shared parser (the released string rule fails)")
    return value


def _hotkey_keys(line: str) -> set[str]:
    """The released hotkey rule: the comma-separated pieces inside the parentheses, outer characters removed."""
    return {x[1:-1] for x in line.split("(")[1].split(")")[0].split(",") if len(x) > 2}


def _rule_point(line: str) -> tuple[float, float]:
    """The released scorer's point: the first two comma-separated fields inside the parentheses."""
    inner = line.split("pyautogui.")[1].split("(")[1]
    x = float(inner.split(",")[0])
    y = float(inner.split(",")[1].split(")")[0])
    if math.isnan(x) or math.isnan(y):
        raise ValueError("NaN coordinate")
    return x, y


def _first_key(a: Action) -> str | None:
    keys = a.get("keys") if a.name in ("press", "hotkey") else a.get("key")
    if isinstance(keys, tuple):
        keys = keys[0] if keys else None
    return keys.lower() if isinstance(keys, str) else None


def _key_set(a: Action) -> set[str] | None:
    keys = a.get("keys") if a.name in ("press", "hotkey") else a.get("key")
    if isinstance(keys, str):
        keys = (keys,)
    return {k.lower() for k in keys} if isinstance(keys, tuple) else None


def _text(a: Action) -> str | None:
    t = a.text
    return t.lower() if isinstance(t, str) else None


def _point(a: Action) -> tuple[float, float] | None:
    return a.point


def penalty_released(tl0: float, tl1: float, br0: float, br1: float, px: float, py: float) -> float:
    """The released scorer's click penalty ``1 - mu / (dist + mu)``, in its float operation order.

    Where it would raise (a zero-size box hit exactly: 0/0; a coordinate too large to square) the same
    quantity is computed safely: 0 for an exact hit, else with hypot on coordinates scaled down so that nothing
    overflows (a point at an infinite coordinate gets 1).
    """
    try:
        len_x = br0 - tl0
        len_y = br1 - tl1
        cx = (br0 + tl0) / 2
        cy = (br1 + tl1) / 2
        dx = abs(cx - px) - (len_x * 0.5)
        dy = abs(cy - py) - (len_y * 0.5)
        dist = math.sqrt((dx * (dx > 0)) ** 2 + (dy * (dy > 0)) ** 2)
        mu = math.sqrt(len_x ** 2 + len_y ** 2)
        penalty = 1 - mu / (dist + mu)
    except ZeroDivisionError:  # a zero-size box and the point exactly on it
        return 0.0
    except (OverflowError, ValueError):
        penalty = float("nan")
    if 0.0 <= penalty <= 1.0:  # False for NaN too
        return penalty
    # Overflow or inf arithmetic: the distance-to-box formulation without squaring, on coordinates scaled by 1/8, a
    # power of two (exact), where no centre, size, distance or their sum of finite coordinates can overflow (a
    # width that overflowed put a click outside the box inside it). The penalty is a ratio of lengths: the scale
    # does not change it.
    tl0, tl1, br0, br1, px, py = tl0 * 0.125, tl1 * 0.125, br0 * 0.125, br1 * 0.125, px * 0.125, py * 0.125
    cx, cy = (br0 + tl0) / 2, (br1 + tl1) / 2
    dx = max(abs(cx - px) - (br0 - tl0) * 0.5, 0.0)
    dy = max(abs(cy - py) - (br1 - tl1) * 0.5, 0.0)
    dist, mu = math.hypot(dx, dy), math.hypot(br0 - tl0, br1 - tl1)
    if dist == 0:
        return 0.0
    if not math.isfinite(dist) or mu == 0:
        return 1.0
    p = 1 - mu / (dist + mu)
    return 1.0 if math.isnan(p) else p


def score_task(gold: GoldLines, boxes: BoxIndex, script: str) -> Outcome:
    """Score one prediction against one gold script with the released rules (see the module docstring)."""
    if gold.problem is not None:
        return Outcome(False, note=gold.problem)
    n = gold.n
    stripped = script.strip()
    # Line numbers in notes refer to the prediction as written, before strip() removed leading blank lines.
    offset = script.count("\n", 0, len(script) - len(script.lstrip())) + 1
    pred = kept_lines(stripped.split("\n"))
    if len(pred) != n:
        return Outcome(False)
    names = gold.names
    for i in range(n):
        low = pred[i][2]
        if not low.startswith("pyautogui.") or low.split("pyautogui.")[1].split("(")[0] != names[i]:
            return Outcome(False)
    notes: list[str] = []
    try:
        click, key, write = _penalties(gold, boxes, pred, offset, notes)
    except _Unreadable as e:
        notes.append(str(e))
        return Outcome(False, note="; ".join(notes))
    return Outcome(True, click, key, write, "; ".join(notes) if notes else None)


def _penalties(gold: GoldLines, boxes: BoxIndex, pred: list[tuple[int, str, str]], offset: int,
               notes: list[str]) -> tuple[float, float, float]:
    n = gold.n
    click = key = write = 0.0
    for i in range(n):
        name = gold.names[i]
        g_orig, g = gold.lines[i]
        p_idx, p_orig, p = pred[i]
        gk, pk = i + 1, p_idx + offset
        if name == "click":
            try:
                gx, gy = _rule_point(g)
            except (IndexError, ValueError) as e:
                pt = _fallback(g_orig, "point", "gold", gk, e, _point, notes)
                if pt is None:
                    raise _Unreadable(f"gold line {gk}: the click has no point") from None
                gx, gy = pt  # type: ignore[misc]
                if math.isnan(gx) or math.isnan(gy):
                    raise _Unreadable(f"gold line {gk}: NaN point") from None
            box, why = boxes.gold_box(gx, gy, exact_first=True)
            if why:
                notes.append(f"gold line {gk}: {why}")
            try:
                px, py = _rule_point(p)
            except (IndexError, ValueError) as e:
                pt = _fallback(p_orig, "point", "predicted", pk, e, _point, notes)
                if pt is None:  # click() with no point: it clicks wherever the mouse is
                    click += (1.0 / n) * 1.0
                    continue
                px, py = pt  # type: ignore[misc]
            click += (1.0 / n) * penalty_released(box.left, box.top, box.right, box.bottom, px, py)
        elif name == "press":
            try:
                gold_key = g.split('"')[1]
            except IndexError as e:
                gold_key = _need(_fallback(g_orig, "key", "gold", gk, e, _first_key, notes), "gold", gk)
            try:
                pred_key = _QUOTES.split(p)[1]
            except IndexError as e:
                pred_key = _need(_fallback(p_orig, "key", "predicted", pk, e, _first_key, notes), "predicted", pk)
            if gold_key.strip() != pred_key.strip():
                key += 1 / n
        elif name == "hotkey":
            try:
                gold_set = _hotkey_keys(g)
            except IndexError as e:
                gold_set = _need(_fallback(g_orig, "keys", "gold", gk, e, _key_set, notes), "gold", gk)
            try:
                pred_set = _hotkey_keys(p)
            except IndexError as e:
                pred_set = _need(_fallback(p_orig, "keys", "predicted", pk, e, _key_set, notes), "predicted", pk)
            if gold_set != pred_set:
                key += 1 / n
        elif name == "write":
            try:
                reference = g.split('"')[1]
            except IndexError as e:
                reference = _need(_fallback(g_orig, "text", "gold", gk, e, _text, notes), "gold", gk)
            try:
                candidate = _QUOTES.split(p)[1]
            except IndexError as e:
                candidate = _need(_fallback(p_orig, "text", "predicted", pk, e, _text, notes), "predicted", pk)
            write += (1 - bleu(reference, candidate)) / n
    return click, key, write


def _need(value, side: str, k: int):
    if value is None:
        raise _Unreadable(f"{side} line {k}: the parsed call has no value of the kind this action needs")
    return value


# --------------------------------------------------------------------------------------------------------
# The same rules on a prepared gold side. `plan` does the gold half of `_penalties` once per (gold script, screen);
# `score_plan` then does only the predicted half, and answers only where every line is read by the released
# string rules, so it returns exactly what `score_task` returns (a property test holds the two together). On
# anything unusual (a line the rules cannot read, a name found without its parenthesis, non-ASCII text whose
# lower-casing could differ line by line) it returns None and `score_task` decides, notes included.

_SKIP, _CLICK, _PRESS, _HOTKEY, _WRITE = range(5)

#: (n, per line: (prefix "pyautogui.<name>(", lower-cased name, kind, gold value))
Plan = tuple[int, tuple[tuple[str, str, int, Any], ...]]


def _click_constants(rect: tuple[float, float, float, float]) -> tuple[float, ...]:
    """The gold box's part of `penalty_released`, computed once with the same float operations:
    (left, top, right, bottom, centre x, centre y, half width, half height, diagonal)."""
    tl0, tl1, br0, br1 = rect
    len_x = br0 - tl0
    len_y = br1 - tl1
    return (tl0, tl1, br0, br1, (br0 + tl0) / 2, (br1 + tl1) / 2, len_x * 0.5, len_y * 0.5,
            math.sqrt(len_x ** 2 + len_y ** 2))


def _plan_step(g: str, name: str, boxes: BoxIndex) -> tuple[str, str, int, Any] | None:
    """One gold line's part of a plan (g: the lower-cased stripped line); None where `score_task` must run (the
    released string rules cannot read the line, or no box is centred on its point)."""
    try:
        if name == "click":
            x, y = _rule_point(g)
            rect = boxes.exact_rect(x, y)
            if rect is None:
                return None
            kind, value = _CLICK, _click_constants(rect)
        elif name == "press":
            kind, value = _PRESS, g.split('"')[1].strip()
        elif name == "hotkey":
            kind, value = _HOTKEY, _hotkey_keys(g)
        elif name == "write":
            kind, value = _WRITE, g.split('"')[1]
        else:
            kind, value = _SKIP, None
    except (IndexError, ValueError, OverflowError):
        return None
    return f"pyautogui.{name}(", name, kind, value


def plan(gold: GoldLines, boxes: BoxIndex) -> Plan | None:
    """The gold half of the released rules for one gold script on one screen; None where `score_task` must run
    (a gold line the string rules cannot read, a gold point with no box centred on it, a box too large to
    square)."""
    if gold.problem is not None or not gold.n:
        return None
    steps = []
    for (_, g), name in zip(gold.lines, gold.names):
        step = _plan_step(g, name, boxes)
        if step is None:
            return None
        steps.append(step)
    return gold.n, tuple(steps)


# A gold click as written nearly always: ``pyautogui.click(x, y)`` with no other comma, parenthesis or
# "pyautogui.". The released point rule then reads exactly the two fields this captures (a property test holds
# them together).
_PLAIN_CLICK = re.compile(r"pyautogui\.click\(([^,()]*),([^,()]*)\)").fullmatch
# Plan steps of gold lines other than clicks, which do not depend on the screen: a split repeats them
# (``press("enter")``) by the thousand. Bounded, as gold text is data.
_STEPS: dict[str, tuple[str, str, int, Any]] = {}
_STEPS_MAX = 1 << 16


def gold_plan(gold_script: str, boxes: BoxIndex) -> tuple[tuple[str, ...], Plan | None] | None:
    """`gold_lines(gold_script).names` and `plan(gold_lines(gold_script), boxes)` in one pass, without building
    the `GoldLines`; None where those two must run (non-ASCII text, a kept line without ``pyautogui.``).
    Preparing a 20,000-task split reads every gold script once, so this is on the path of every first run."""
    if not gold_script.isascii():
        return None
    names = []
    steps: list[tuple[str, str, int, Any]] | None = []
    known = _STEPS
    for low in _KEPT_LINES(gold_script.lower()):
        g = low.strip()
        # The released name: g.split("pyautogui.")[1].split("(")[0], written with partitions.
        _, found, rest = g.partition("pyautogui.")
        if not found:
            return None
        name = rest.partition("pyautogui.")[0].partition("(")[0]
        names.append(name)
        if steps is None:
            continue
        if name == "click":
            step = _click_step(g, boxes)
        else:
            step = known.get(g)
            if step is None:
                step = _plan_step(g, name, boxes)
                if step is not None and len(known) < _STEPS_MAX:
                    known[g] = step
        if step is None:
            steps = None
        else:
            steps.append(step)
    return tuple(names), (len(names), tuple(steps)) if steps else None


def _click_step(g: str, boxes: BoxIndex) -> tuple[str, str, int, Any] | None:
    """`_plan_step` for a gold click line, reading the common form with one match."""
    m = _PLAIN_CLICK(g)
    if m is None or "pyautogui." in g[10:]:  # the released rule cuts the line at every "pyautogui."
        return _plan_step(g, "click", boxes)
    try:
        x, y = float(m[1]), float(m[2])
        if x != x or y != y:  # noqa: PLR0124 - NaN: no plan, as _rule_point refuses it
            return None
        rect = boxes.exact_rect(x, y)
        return None if rect is None else ("pyautogui.click(", "click", _CLICK, _click_constants(rect))
    except (ValueError, OverflowError):
        return None


def plan_boxes(prepared: Plan) -> BoxIndex:
    """A box index that serves `score_task` exactly as the whole screen's would, for a gold script that has a plan:
    it holds the box of each gold click (the first box centred on its point), so the screen's box file need not
    be read again when a prediction takes the general rule."""
    return BoxIndex.from_rects(tuple(value[:4] for _, _, kind, value in prepared[1] if kind == _CLICK))


_NO_MATCH = (False, 0.0, 0.0, 0.0)
_sqrt = math.sqrt
_quote_split = _QUOTES.split


def plan_click_steps(prepared: Plan) -> tuple[tuple[int, tuple[float, ...]], ...]:
    """(line position, value for `plan_click_penalty`) of each of a plan's click steps, in line order."""
    return tuple((j, value) for j, (_, _, kind, value) in enumerate(prepared[1]) if kind == _CLICK)


def plan_lines(script: str) -> list[str]:
    """The lines of an ASCII script that `score_plan` compares with a plan's steps, one by one."""
    return _KEPT_LINES(script.strip().lower())


def plan_click_penalty(value: tuple[float, ...], px: float, py: float) -> float:
    """`penalty_released` for the point (px, py) against a plan's click step (`_click_constants` of its box)."""
    tl0, tl1, br0, br1, cx, cy, hx, hy, mu = value
    dx = abs(cx - px) - hx
    dy = abs(cy - py) - hy
    try:
        penalty = 1 - mu / (_sqrt((dx * (dx > 0)) ** 2 + (dy * (dy > 0)) ** 2) + mu)
    except (ZeroDivisionError, OverflowError):
        return penalty_released(tl0, tl1, br0, br1, px, py)
    if not 0.0 <= penalty <= 1.0:
        return penalty_released(tl0, tl1, br0, br1, px, py)
    return penalty


def score_plan(prepared: Plan, script: str) -> tuple[bool, float, float, float] | None:
    """(matched, click, key, write) for `script` with the released rules, or None when `score_task` must decide."""
    if not script.isascii():
        return None
    # ASCII only: lower-casing the whole text is lower-casing each line, and strip() strips the same characters.
    kept = _KEPT_LINES(script.strip().lower())
    n, steps = prepared
    if len(kept) != n:
        return _NO_MATCH
    # One pass: a line whose name differs ends it (the penalties summed so far are dropped, as the released
    # scorer only adds them for a match).
    click = key = write = 0.0
    try:
        for line, (prefix, name, kind, value) in zip(kept, steps):
            if not line.startswith(prefix):  # the released comparison, for a line without "pyautogui.<name>("
                if not line.startswith("pyautogui.") or line.split("pyautogui.")[1].split("(")[0] != name:
                    return _NO_MATCH
                return None
            if kind == _CLICK:
                # The released point: the first two comma-separated fields after "pyautogui.<name>(", the text
                # ending at the next "(" or "pyautogui.". Lines with neither (nearly all) are cut directly.
                inner = line[len(prefix):]
                if "(" in inner or "pyautogui." in inner:
                    inner = line.split("pyautogui.")[1].split("(")[1]
                fields = inner.split(",", 2)
                px = float(fields[0])
                py = float(fields[1].split(")")[0])
                if px != px or py != py:  # noqa: PLR0124  (NaN: the general rule reports it)
                    return None
                click += (1.0 / n) * plan_click_penalty(value, px, py)
            elif kind == _PRESS:
                if value != _quote_split(line)[1].strip():
                    key += 1 / n
            elif kind == _HOTKEY:
                if value != _hotkey_keys(line):
                    key += 1 / n
            elif kind == _WRITE:
                write += (1 - bleu(value, _quote_split(line)[1])) / n
    except (IndexError, ValueError):
        return None
    return True, click, key, write
