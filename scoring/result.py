"""What scoring returns: per-task results, per-group sums and the whole score, with its JSON contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from omniact.lazy import LazySequence

__all__ = ["MODES", "SCORER_VERSION", "GroupScore", "Score", "TaskScore", "TaskScores"]

SCORER_VERSION = "1.1.4"
MODES = ("reference", "strict")


@dataclass(frozen=True)
class TaskScore:
    """One task's result.

    `weight` is ``n_gold - 0.9`` (0 for a task whose gold has no pyautogui line: it is skipped). `click`,
    `key` and `write` are the task's penalties, each in [0, 1] and non-zero only when `matched`; `score` is
    ``max(matched - click - key - write, 0)``. `parse_error` is the shared parser's message for the prediction
    ('line L, column C: ...'), counted in both modes; `note` says when something unusual decided the score
    (a line read by the parser because the released rule cannot read it, a gold box found by containment).
    """

    id: str
    weight: float
    n_gold: int
    matched: bool
    click: float = 0.0
    key: float = 0.0
    write: float = 0.0
    score: float = 0.0
    missing: bool = False
    parse_error: str | None = None
    note: str | None = None


_SKIPPED = "the gold script has no pyautogui line: task skipped (a data problem)"


class TaskScores(LazySequence[TaskScore]):
    """Per-task results as columns, each `TaskScore` built when asked for.

    Scoring 20,000 tasks fills a few lists; most callers only need the totals, and a leaderboard reads the
    columns directly (`column`). Compares equal to the tuple of the same TaskScores.
    """

    __slots__ = ("_cols", "_notes", "_parse_errors")

    def __init__(self, ids: Sequence[str], weights: Sequence[float], n_gold: Sequence[int], matched: Sequence[int],
                 click: Sequence[float], key: Sequence[float], write: Sequence[float], score: Sequence[float],
                 missing: Sequence[bool], parse_errors: Mapping[int, str], notes: Mapping[int, str]) -> None:
        self._cols = {"id": ids, "weight": weights, "n_gold": n_gold, "matched": matched, "click": click,
                      "key": key, "write": write, "score": score, "missing": missing}
        self._parse_errors = parse_errors
        self._notes = notes

    def column(self, name: str) -> Sequence[Any]:
        """One field for every task, in split order (``matched`` as 0/1; ``parse_error``/``note`` may be None;
        ``parse_failed`` says whether there is a parse error without working out its message)."""
        if name == "parse_error":
            return [self._parse_errors.get(i) for i in range(len(self))]
        if name == "parse_failed":
            # Set from the few tasks that have one, not asked of the mapping task by task (a leaderboard reads this
            # column of every submission).
            failed = [False] * len(self)
            for i in self._parse_errors:
                failed[i] = True
            return failed
        if name == "note":
            return [self._note(i) for i in range(len(self))]
        return self._cols[name]

    def _note(self, i: int) -> str | None:
        return _SKIPPED if not self._cols["n_gold"][i] else self._notes.get(i)

    def _item(self, i: int) -> TaskScore:
        c = self._cols
        return TaskScore(c["id"][i], c["weight"][i], c["n_gold"][i], bool(c["matched"][i]), c["click"][i],
                         c["key"][i], c["write"][i], c["score"][i], bool(c["missing"][i]),
                         self._parse_errors.get(i), self._note(i))

    def __len__(self) -> int:
        return len(self._cols["id"])


@dataclass(frozen=True)
class GroupScore:
    """The scores of a group of tasks (a platform, an app, a gold action type), as fractions of its ideal."""

    n_tasks: int
    sequence_score: float
    action_score: float
    click_penalty: float
    key_penalty: float
    write_penalty: float
    ideal_score: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Score:
    """A whole run's score in one mode. Fractions in [0, 1]; tables show them x100.

    ``action_score == sequence_score - click_penalty - key_penalty - write_penalty`` (up to float rounding).
    `breakdown` maps ``"platform"``, ``"app"`` and ``"action"`` (gold action types, ACTIONS-table names) to
    ``{name: GroupScore}``. `dataset` is the data set's ``describe()`` when scoring was given a Dataset.
    """

    mode: str
    scorer_version: str
    sequence_score: float
    action_score: float
    click_penalty: float
    key_penalty: float
    write_penalty: float
    ideal_score: float
    n_scored: int
    n_missing: int
    n_parse_errors: int
    breakdown: Mapping[str, Mapping[str, GroupScore]]
    tasks: Sequence[TaskScore] = ()
    dataset: Mapping[str, Any] | None = None

    def to_json(self, include_tasks: bool = False) -> dict[str, Any]:
        """The score contract's JSON object (design.md); with `include_tasks`, also ``tasks`` (one per task)."""
        out: dict[str, Any] = {
            "mode": self.mode,
            "scorer_version": self.scorer_version,
            "dataset": None if self.dataset is None else dict(self.dataset),
            "sequence_score": self.sequence_score,
            "action_score": self.action_score,
            "click_penalty": self.click_penalty,
            "key_penalty": self.key_penalty,
            "write_penalty": self.write_penalty,
            "ideal_score": self.ideal_score,
            "n_scored": self.n_scored,
            "n_missing": self.n_missing,
            "n_parse_errors": self.n_parse_errors,
            "breakdown": {kind: {name: g.to_json() for name, g in groups.items()}
                          for kind, groups in self.breakdown.items()},
        }
        if include_tasks:
            out["tasks"] = [asdict(t) for t in self.tasks]
        return out
