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

from omniact.actions import Action
from scoring.bleu import bleu
from scoring.boxes import BoxIndex
from scoring.reference import Outcome

__all__ = ["click_penalty", "score_task"]


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


def score_task(gold: Sequence[Action], boxes: BoxIndex, pred: Sequence[Action]) -> Outcome:
    """Score parsed prediction actions against parsed gold actions with the strict rules above."""
    n = len(gold)
    if len(pred) != n or any(g.name != p.name for g, p in zip(gold, pred)):
        return Outcome(False)
    if n == 0:
        return Outcome(True)
    inv = 1.0 / n
    click = key = write = 0.0
    notes: list[str] = []
    for i, (g, p) in enumerate(zip(gold, pred), 1):
        gpt = g.point
        if gpt is not None:
            box, why = boxes.gold_box(gpt[0], gpt[1], exact_first=False)
            if why:
                notes.append(f"gold action {i}: {why}")
            ppt = p.point
            if ppt is None:
                click += inv
            else:
                click += inv * click_penalty(box.left, box.top, box.right, box.bottom, ppt[0], ppt[1])
        elif g.name == "press" or g.name == "keyDown" or g.name == "keyUp":
            if g.keys != p.keys or (g.name == "press" and g.get("presses") != p.get("presses")):
                key += inv
        elif g.name == "hotkey":
            if set(g.keys) != set(p.keys):
                key += inv
        elif g.name == "write":
            gt, pt = g.text or "", p.text or ""
            if gt != pt:
                write += (1 - bleu(gt, pt)) * inv
    return Outcome(True, click, key, write, "; ".join(notes) if notes else None)
