"""The "strict" mode: OmniACT's metric with the released scorer's known weaknesses fixed.

Rules (the README copies them):

- Both scripts are read by the shared parser (`omniact.actions.parse_script`), so keyword and positional
  arguments, quoting and spacing are read alike, and nothing is executed. A prediction the parser rejects
  (or that is not text) scores 0 and is counted in ``n_parse_errors`` (the same count as in reference mode).
  A gold script the parser rejects scores 0 with a note (``omniact validate --data`` lists such tasks).
- The task's weight is the same as in reference mode: ``n - 0.9`` with n the number of gold ``pyautogui``
  lines, so the two modes share the ideal score (but their numbers are never mixed).
- Sequence match: the same number of actions and the same canonical action name at each position
  (``typewrite`` is ``write``; names are case-sensitive, as in PyAutoGUI).
- Penalties, only for a match, each gold action i of n adding at most 1/n:
  - every gold action that has a point (click, doubleClick, rightClick, tripleClick, middleClick, moveTo,
    dragTo, mouseDown, mouseUp, and scroll/hscroll when given x and y): ``d / (d + D) / n``, where the gold
    box is the smallest box of the screen containing the gold point (a zero-size box at the point when none
    does), D is its diagonal and d the distance from the predicted point to the box (0 inside it; 0/0 is 0).
    A predicted action with no point gets the full 1/n. This goes into the click penalty.
  - press, keyDown, keyUp: 1/n when the normalised key names differ (``return`` = ``enter``, ``esc`` =
    ``escape``, ``ctrl`` = ``control``, ``cmd`` = ``command``, ``option`` = ``alt``, case ignored; a press of a
    key list compares the lists in order), or when the number of presses differs. Key penalty.
  - hotkey: 1/n when the SETS of normalised key names differ (order and spacing never matter). Key penalty.
  - write: 0 when the texts are exactly equal, else ``(1 - BLEU) / n`` with the same character-level BLEU-2
    as reference mode, on the original case. Write penalty.
  - other actions (sleep, scroll amounts) add nothing.
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

__all__ = ["Plan", "click_penalty", "plan", "score_plan", "score_task"]


def click_penalty(box_left: float, box_top: float, box_right: float, box_bottom: float,
                  px: float, py: float) -> float:
    """``d / (d + D)``: d the distance from (px, py) to the box (0 inside), D the box's diagonal."""
    dx = max(box_left - px, 0.0, px - box_right)
    dy = max(box_top - py, 0.0, py - box_bottom)
    d = math.hypot(dx, dy)
    if d == 0:
        return 0.0
    big_d = math.hypot(box_right - box_left, box_bottom - box_top)
    if not math.isfinite(d):
        return 1.0
    return d / (d + big_d)


_SKIP, _POINT, _PRESS, _KEYS, _HOTKEY, _WRITE = range(6)

#: Per gold action: (canonical name, kind, value, note). Plain values only, so a prepared split can be cached.
Plan = tuple[tuple[str, int, Any, "str | None"], ...]


def plan(gold: Sequence[Action], boxes: BoxIndex) -> Plan:
    """The gold half of the rules above, done once per gold script and screen: each pointer action's gold box
    (with the note when it was not found by containment), each key, key set and text."""
    steps = []
    for i, g in enumerate(gold, 1):
        gpt = g.point
        note = None
        if gpt is not None:
            value, why = boxes.gold_rect(gpt[0], gpt[1], exact_first=False)
            kind = _POINT
            note = f"gold action {i}: {why}" if why else None
        elif g.name == "press":
            kind, value = _PRESS, (g.keys, g.get("presses"))
        elif g.name == "keyDown" or g.name == "keyUp":
            kind, value = _KEYS, g.keys
        elif g.name == "hotkey":
            kind, value = _HOTKEY, frozenset(g.keys)
        elif g.name == "write":
            kind, value = _WRITE, g.text or ""
        else:
            kind, value = _SKIP, None
        steps.append((g.name, kind, value, note))
    return tuple(steps)


def score_task(gold: Sequence[Action], boxes: BoxIndex, pred: Sequence[Action]) -> Outcome:
    """Score parsed prediction actions against parsed gold actions with the strict rules above."""
    return score_plan(plan(gold, boxes), pred)


_NO_MATCH = Outcome(False)  # outcomes are immutable: the commonest one is shared


def score_plan(steps: Plan, pred: Sequence[Action]) -> Outcome:
    """`score_task` on a gold script's `plan`."""
    n = len(steps)
    if len(pred) != n:
        return _NO_MATCH
    for step, p in zip(steps, pred):
        if step[0] != p.name:
            return _NO_MATCH
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
            if value[0] != p.keys or value[1] != p.get("presses"):
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
