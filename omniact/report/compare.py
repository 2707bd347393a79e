"""How a run differs from a baseline run on the same split: task by task, and in action score with a paired
bootstrap interval (both runs scored on the same task resamples, so the interval is of the difference itself,
much narrower than the two runs' own intervals would suggest)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from omniact.report.leaderboard import Entry, _bootstrap, interval_percents

__all__ = ["KINDS", "Comparison", "compare"]

#: What became of a task, from the baseline to the run (tasks without gold actions are left out: "").
KINDS = ("fixed", "broken", "better", "worse", "same")
_EPS = 1e-12


@dataclass(frozen=True)
class Comparison:
    """`run` against `baseline` (entry names). `action_score` is the run's AS minus the baseline's (fractions),
    `interval` its paired bootstrap interval; `kinds` and `deltas` are per task in split order: what became of the
    task (`KINDS`, "" without gold actions) and the run's task score minus the baseline's. `groups` are the
    breakdown groups, ``(kind, name, tasks, run's AS, baseline's AS)``, the largest loss first."""

    run: str
    baseline: str
    action_score: float
    interval: tuple[float, float]
    confidence: float
    kinds: tuple[str, ...]
    deltas: tuple[float, ...]
    groups: tuple[tuple[str, str, int, float, float], ...] = ()

    def count(self, kind: str) -> int:
        return self.kinds.count(kind)


def compare(run: Entry, baseline: Entry, bootstrap: Mapping[str, Any]) -> Comparison:
    """Compare two entries of one leaderboard (`bootstrap`: its ``samples``, ``seed`` and ``confidence``)."""
    import numpy as np

    a, b = run.tasks, baseline.tasks
    kinds, deltas = [], []
    for i, w in enumerate(a["w"]):
        delta = a["s"][i] - b["s"][i]
        deltas.append(delta)
        if w <= 0:
            kinds.append("")
        elif a["m"][i] and not b["m"][i]:
            kinds.append("fixed")
        elif b["m"][i] and not a["m"][i]:
            kinds.append("broken")
        elif delta > _EPS:
            kinds.append("better")
        elif delta < -_EPS:
            kinds.append("worse")
        else:
            kinds.append("same")
    confidence = bootstrap["confidence"]
    _, (sa, sb) = _bootstrap([{"tasks": a}, {"tasks": b}], len(deltas), bootstrap["samples"], bootstrap["seed"],
                             confidence)
    lo, hi = np.percentile(sa - sb, interval_percents(confidence))
    diff = run.score["action_score"] - baseline.score["action_score"]
    groups = []
    for kind in ("platform", "app", "action"):
        before = baseline.score["breakdown"].get(kind) or {}
        for name, g in (run.score["breakdown"].get(kind) or {}).items():
            if name in before:
                groups.append((kind, name, g["n_tasks"], g["action_score"], before[name]["action_score"]))
    groups.sort(key=lambda g: (g[3] - g[4], g[0], g[1]))
    return Comparison(run.name, baseline.name, diff, (float(lo), float(hi)), confidence, tuple(kinds),
                      tuple(deltas), tuple(groups))
