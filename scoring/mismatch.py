"""Why a prediction did not match its gold script: the first difference the metric's sequence match sees.

Reports and leaderboards count these reasons over an entry's unmatched tasks, so that an agent developer sees
what to fix first ("writes typewrite for write", "one action too few") rather than only a lower score.

>>> why_no_match('pyautogui.click(1, 2)\\npyautogui.press("enter")', 'pyautogui.click(1, 2)', "reference")
'one action too few'
>>> why_no_match("pyautogui.click(1, 2)", "pyautogui.doubleClick(1, 2)", "strict")
'doubleClick for click'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from scoring.reference import gold_lines, kept_lower, safe_parse
from scoring.strict import action_names

__all__ = ["SAME_NAMES", "reasons", "unmatched_reasons", "why_no_match"]

#: `why_no_match` of a pair whose action names all agree
SAME_NAMES = "no difference in the names"
_UNREADABLE_VALUE = "a value the released rules cannot read"


def unmatched_reasons(gold_scripts: Sequence[str], scripts: Sequence[object], weight: Sequence[float],
                      matched: Sequence[Any], missing: Sequence[Any], refused: Sequence[Any],
                      mode: str) -> dict[int, str]:
    """Task position -> `why_no_match`, for the tasks a run left unmatched that have gold actions and a prediction
    (columns in split order; `scripts` holds each task's prediction, or None). In strict mode a prediction the
    parser refuses is not among them (its reason is the refusal); the released rules of reference mode read lines,
    not calls, and such a prediction has a first difference like any other."""
    out = {i: why_no_match(gold_scripts[i], getattr(scripts[i], "script", scripts[i]), mode)
           for i in range(len(gold_scripts))
           if weight[i] > 0 and not matched[i] and not missing[i] and (mode == "reference" or not refused[i])}
    # Unmatched with every name agreeing: a value the released rules cannot read failed it (a gold click with no
    # point, a key without quotes), which the task's scoring note names.
    return {i: _UNREADABLE_VALUE if why == SAME_NAMES else why for i, why in out.items()}


def reasons(gold_scripts: Sequence[str], ids: Sequence[str], predictions: Mapping[str, object],
            tasks: Any, mode: str) -> Counter[str]:
    """How often each reason explains a scored run's unmatched tasks (`unmatched_reasons`, counted). `tasks` is
    the run's `Score.tasks`, whose columns are read."""
    return Counter(unmatched_reasons(gold_scripts, [predictions.get(i) for i in ids], tasks.column("weight"),
                                     tasks.column("matched"), tasks.column("missing"),
                                     tasks.column("parse_failed"), mode).values())


def why_no_match(gold_script: str, script: object, mode: str) -> str:
    """The first difference between the predicted and the gold action sequence, as the `mode`'s sequence match
    reads them: the released scorer's lower-cased names in ``reference`` mode, in ``strict`` mode the names
    `scoring.strict.action_name` gives the parsed actions (``click(clicks=2)`` is ``doubleClick``), sleeps
    dropped. A pair whose names all agree gets ``"no difference in the names"`` (`SAME_NAMES`)."""
    if not isinstance(script, str):
        return "not a script"
    if mode == "reference":
        read = gold_lines(gold_script)
        gold: list[str] | None = None if read.problem is not None else list(read.names)
    else:
        gold = _parsed_names(gold_script)
    if gold is None:
        return "the gold script cannot be read"
    if mode == "reference":
        # As `reference.score_task` reads a prediction: an indented or prefixed line has no name to compare. Only
        # the first len(gold) kept lines' names are needed (a count that differs is the answer), and the count of
        # the rest: a 50 MB answer of a million lines was a million lower-cased copies at once (ten times its size).
        names: list[str | None] = []
        n_kept = 0
        for low in kept_lower(script.strip()):
            n_kept += 1
            if len(names) < len(gold):
                names.append(low.split("pyautogui.")[1].split("(")[0] if low.startswith("pyautogui.") else None)
        if n_kept != len(gold):
            return _count_difference(n_kept - len(gold))
    else:
        parsed = _parsed_names(script)
        if parsed is None:
            return "refused by the parser"
        names = list(parsed)
    if len(names) != len(gold):
        return _count_difference(len(names) - len(gold))
    for g, p in zip(gold, names):
        if p is None:
            return "a pyautogui line indented or prefixed"
        if p != g:
            return f"{p or '(no name)'} for {g or '(no name)'}"
    return SAME_NAMES


def _parsed_names(script: str) -> list[str] | None:
    try:
        return action_names(safe_parse(script))
    except Exception:  # noqa: BLE001 - any refusal: the caller says the script cannot be read
        return None


def _count_difference(extra: int) -> str:
    n = abs(extra)
    amount = "one" if n == 1 else str(n)  # "2 actions too few" sorts and reads beside "5 actions too few"
    return f"{amount} action{'s' if n > 1 else ''} too {'many' if extra > 0 else 'few'}"
