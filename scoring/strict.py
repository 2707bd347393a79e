"""The "strict" mode: OmniACT's metric with the released scorer's known weaknesses fixed.

Rules (the README's "`strict` mode" section states them for users; keep the two in step):

- Both scripts are read by the shared parser (`omniact.actions.parse_script`), so keyword and positional
  arguments, quoting and spacing are read alike, and nothing is executed. A prediction the parser rejects
  (or that is not text) scores 0 and is counted in ``n_parse_errors`` (the same count as in reference mode).
  A gold script the parser rejects scores 0 with a note (``omniact validate --data`` lists such tasks).
- The task's weight is the same as in reference mode: ``n - 0.9`` with n the number of gold ``pyautogui``
  lines, so the two modes share the ideal score (but their numbers are never mixed). Each penalty's 1/n uses
  the number of gold actions compared (the same n unless a gold line holds two calls or a sleep).
- Waiting is not an action: ``pyautogui.sleep`` is dropped on both sides, as the parser drops ``time.sleep``.
- Sequence match: the same number of actions and the same action at each position, an action being named by
  what it does (`action_name`): ``typewrite`` is ``write``, and a ``write`` of a list of key names the ``press``
  the parser reads it as; ``click(clicks=2)`` is ``doubleClick``,
  ``click(clicks=3)`` ``tripleClick``, ``click(button="right")`` ``rightClick``, ``click(button="middle")``
  ``middleClick`` (``primary``/``secondary`` are left/right); a ``hotkey`` of one key is ``press``. Other
  button/click-count combinations match only themselves. Names are case-sensitive, as in PyAutoGUI (the parser
  rejects ``Click``).
- Penalties, only for a match, each gold action i of n adding at most 1/n:
  - every gold action that has a point (click, doubleClick, rightClick, tripleClick, middleClick, moveTo,
    dragTo, mouseDown, mouseUp, and scroll/hscroll when given x and y): ``d / (d + D) / n``, where the gold
    box is the smallest box of the screen containing the gold point (edges included, ``valid`` or not, the
    first in file order on a tie; a box with zero width or height or a non-finite edge is no element and is
    skipped; a zero-size box at the point when none is left), D is its diagonal and d the distance from the
    predicted point to the box (0 inside it). A predicted action with no point gets the full 1/n. A gold
    action without a point adds nothing. This goes into the click penalty.
  - press (and a one-key hotkey), keyDown, keyUp: 1/n when the keys pressed differ: normalised key names
    (`omniact.normalize_key`: ``return`` = ``enter``, ``esc`` = ``escape``, ``ctrl`` = ``control``, ``cmd`` =
    ``command``, ``option`` = ``alt``, left/right variants, case ignored), a press being the sequence its key
    list repeated ``presses`` times (``press("a", presses=2)`` = ``press(["a", "a"])``). Key penalty.
  - hotkey of two or more keys: 1/n when the SETS of normalised key names differ. Key penalty.
  - write: 0 when the texts are exactly equal, else ``(1 - BLEU) / n`` with the same character-level BLEU-2
    as reference mode, on the original case. Write penalty.
  - nothing else is compared: scroll amounts and directions, buttons of dragTo/mouseDown/mouseUp, durations,
    intervals, tweens.
- Task score ``max(match - click - key - write, 0)``; SS, AS, M, K, W are weighted sums over the ideal
  exactly as in reference mode, so ``AS = SS - M - K - W``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from omniact.actions import Action
from scoring.bleu import bleu
from scoring.boxes import BoxIndex
from scoring.reference import Outcome

__all__ = ["Plan", "action_name", "action_names", "click_penalty", "plan", "score_plan", "score_task"]


def click_penalty(box_left: float, box_top: float, box_right: float, box_bottom: float,
                  px: float, py: float) -> float:
    """``d / (d + D)``: d the distance from (px, py) to the box (0 inside), D the box's diagonal."""
    dx = max(box_left - px, 0.0, px - box_right)
    dy = max(box_top - py, 0.0, py - box_bottom)
    d = math.hypot(dx, dy)
    if d == 0:
        return 0.0
    big_d = math.hypot(box_right - box_left, box_bottom - box_top)
    total = d + big_d
    if not math.isfinite(total):
        values = (box_left, box_top, box_right, box_bottom, px, py)
        if all(map(math.isfinite, values)):
            # Coordinates near the largest float (a box file's 1e308): a difference, a length or their sum
            # overflowed (d + D = inf made a far click cost 0). The ratio is the same with every coordinate scaled
            # by 1/8, a power of two (exact), where none of them can overflow.
            return click_penalty(*(v * 0.125 for v in values))
        if not math.isfinite(d):
            return 1.0
    return d / total


# What a click-family call does, (button, number of clicks), named by the action that does just that.
_CLICKS = {"click": 1, "doubleClick": 2, "tripleClick": 3}
_BUTTONS = {"left": "left", "primary": "left", "right": "right", "secondary": "right", "middle": "middle"}
_NAMED = {("left", 1): "click", ("left", 2): "doubleClick", ("left", 3): "tripleClick", ("right", 1): "rightClick",
          ("middle", 1): "middleClick"}
#: Actions whose name alone may not say what they do (`action_name` looks at their arguments).
_RENAMED = frozenset(_CLICKS) | {"hotkey"}


def action_name(a: Action) -> str:
    """The name strict mode's sequence match compares: the action by what it does.

    >>> from omniact.actions import parse_script
    >>> [action_name(a) for a in parse_script('pyautogui.click(1, 2, clicks=2)\\npyautogui.hotkey("enter")')]
    ['doubleClick', 'press']
    """
    name = a.name
    if name in _CLICKS:
        clicks: Any = _CLICKS[name]
        button: Any = "left"
        for k, v in a.args:
            if k == "clicks":
                clicks = v
            elif k == "button":
                button = v
        if clicks == _CLICKS[name] and button == "left":
            return name
        b = str(button).lower()
        b = _BUTTONS.get(b, b)
        c = int(clicks)  # the parser only lets whole numbers through
        return _NAMED.get((b, c)) or f"click(clicks={c}, button={b!r})"
    if name == "hotkey" and len(a.get("keys") or ()) == 1:  # type: ignore[arg-type]
        return "press"
    return name


def action_names(actions: Sequence[Action]) -> list[str]:
    """`action_name` of every action the sequence match compares (sleeps are dropped)."""
    return [action_name(a) if a.name in _RENAMED else a.name for a in actions if a.name != "sleep"]


def _presses(keys: tuple[str, ...], presses: Any) -> tuple[tuple[str, ...], int]:
    """The key sequence a press types (`keys` repeated `presses` times) as (shortest repeating unit, count), so
    that equal sequences compare equal without building them (presses may be 10**15)."""
    n = int(presses) if presses is not None else 1
    size = len(keys)
    if n <= 0 or not size:
        return (), 0
    if size > 1:
        for p in range(1, size):
            if size % p == 0 and keys == keys[:p] * (size // p):
                return keys[:p], n * (size // p)
    return keys, n


def _usable(r: tuple[float, float, float, float]) -> bool:
    """A box that can be an element: positive, finite width and height (so finite edges: an infinite or NaN edge
    makes its width or height infinite or NaN)."""
    w, h = r[2] - r[0], r[3] - r[1]
    return 0 < w < math.inf and 0 < h < math.inf


def gold_rect(boxes: BoxIndex, x: float, y: float) -> tuple[tuple[float, float, float, float], str | None]:
    """The box strict mode scores a gold point against (see the rules above), and a note when there is none."""
    r = boxes.smallest_containing_rect(x, y)
    if r is not None and not _usable(r):
        # A zero-area or unbounded box came first: the smallest proper box holding the point, by the same scan.
        r = None
        best_area = 0.0
        for b in boxes.rects:
            if b[0] <= x <= b[2] and b[1] <= y <= b[3] and _usable(b):
                area = (b[2] - b[0]) * (b[3] - b[1])
                if r is None or area < best_area:
                    r, best_area = b, area
    if r is not None:
        return r, None
    return (x, y, x, y), f"no box holds the gold point ({x:g}, {y:g}); used a zero-size box there"


_SKIP, _POINT, _PRESS, _KEYS, _HOTKEY, _WRITE = range(6)

#: Per gold action: (`action_name`, kind, value, note). Plain values only, so a prepared split can be cached.
Plan = tuple[tuple[str, int, Any, "str | None"], ...]


def plan(gold: Sequence[Action], boxes: BoxIndex) -> Plan:
    """The gold half of the rules above, done once per gold script and screen: each pointer action's gold box
    (with the note when no box holds the point), each key sequence, key set and text."""
    steps = []
    i = 0
    for g in gold:
        i += 1
        if g.name == "sleep":
            continue
        name = action_name(g) if g.name in _RENAMED else g.name
        gpt = g.point
        note = None
        if gpt is not None:
            value, why = gold_rect(boxes, gpt[0], gpt[1])
            kind = _POINT
            note = f"gold action {i}: {why}" if why else None
        elif name == "press":
            kind, value = _PRESS, _presses(g.keys, g.get("presses") if g.name == "press" else 1)
        elif name == "keyDown" or name == "keyUp":
            kind, value = _KEYS, g.keys
        elif name == "hotkey":
            kind, value = _HOTKEY, frozenset(g.keys)
        elif name == "write":
            kind, value = _WRITE, g.text or ""
        else:
            kind, value = _SKIP, None
        steps.append((name, kind, value, note))
    return tuple(steps)


def score_task(gold: Sequence[Action], boxes: BoxIndex, pred: Sequence[Action]) -> Outcome:
    """Score parsed prediction actions against parsed gold actions with the strict rules above."""
    return score_plan(plan(gold, boxes), pred)


_NO_MATCH = Outcome(False)  # outcomes are immutable: the commonest one is shared


def score_plan(steps: Plan, pred: Sequence[Action]) -> Outcome:
    """`score_task` on a gold script's `plan`."""
    n = len(steps)
    if len(pred) == n:
        renamed = _RENAMED
        for step, p in zip(steps, pred):
            name = p.name
            if name in renamed:
                name = action_name(p)
            if step[0] != name:
                break
        else:
            return _penalties(steps, pred)
    # Unmatched as written; a sleep, which is no action, may be why.
    for p in pred:
        if p.name == "sleep":
            return score_plan(steps, [p for p in pred if p.name != "sleep"])
    return _NO_MATCH


def _penalties(steps: Plan, pred: Sequence[Action]) -> Outcome:
    n = len(steps)
    if n == 0:
        return Outcome(True)
    inv = 1.0 / n
    click = key = write = 0.0
    notes: list[str] = []
    for (_name, kind, value, note), p in zip(steps, pred):
        if note:
            notes.append(note)
        if kind == _POINT:
            ppt = p.point
            if ppt is None:
                click += inv
            else:
                click += inv * click_penalty(value[0], value[1], value[2], value[3], ppt[0], ppt[1])
        elif kind == _PRESS:
            if value != _presses(p.keys, p.get("presses") if p.name == "press" else 1):
                key += inv
        elif kind == _KEYS:
            if value != p.keys:
                key += inv
        elif kind == _HOTKEY:
            if value != set(p.keys):
                key += inv
        elif kind == _WRITE:
            pt = p.text or ""
            if value != pt:
                write += (1 - bleu(value, pt)) * inv
    return Outcome(True, click, key, write, "; ".join(notes) if notes else None)
