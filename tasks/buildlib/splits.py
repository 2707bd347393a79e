"""Assigning tasks to splits: train/val/test about 7:1:2 by task, stratified so every action type reaches the
test split, plus test_unseen: each app's last listed screen, held out entirely."""

from __future__ import annotations

import random
from dataclasses import dataclass

ACTION_TYPES = ("click", "doubleClick", "rightClick", "moveTo", "dragTo", "scroll", "hscroll", "write", "press",
                "hotkey")
SEED = 20240227  # fixed: the same tasks always land in the same splits
MIN_TEST_PER_TYPE = 6  # the bar is 5; one spare


@dataclass(frozen=True)
class SplitItem:
    key: tuple  # (platform, app, screen number, task index): a stable sort key
    app: str
    held_out: bool
    types: frozenset[str]


def assign(items: list[SplitItem]) -> dict[tuple, str]:
    """Split name per item key. Deterministic: depends only on the items, never on their order."""
    items = sorted(items, key=lambda it: it.key)
    out: dict[tuple, str] = {it.key: "test_unseen" for it in items if it.held_out}
    pool = [it for it in items if not it.held_out]
    rng = random.Random(SEED)
    rng.shuffle(pool)

    # 1. Rare action types first: enough of their tasks go to test (a fifth, at least MIN_TEST_PER_TYPE).
    counts = {t: sum(t in it.types for it in pool) for t in ACTION_TYPES}
    for t in sorted(ACTION_TYPES, key=lambda t: (counts[t], t)):
        need = max(MIN_TEST_PER_TYPE, round(0.2 * counts[t]))
        have = sum(1 for it in pool if out.get(it.key) == "test" and t in it.types)
        for it in pool:
            if have >= need:
                break
            if it.key not in out and t in it.types:
                out[it.key] = "test"
                have += 1

    # 2. The rest per app, so that every app is in every split about 7:1:2.
    by_app: dict[str, list[SplitItem]] = {}
    for it in pool:
        by_app.setdefault(it.app, []).append(it)
    for app in sorted(by_app):
        group = by_app[app]
        n = len(group)
        want_test = round(0.2 * n) - sum(out.get(it.key) == "test" for it in group)
        want_val = round(0.1 * n)
        for it in group:
            if it.key in out:
                continue
            if want_test > 0:
                out[it.key] = "test"
                want_test -= 1
            elif want_val > 0:
                out[it.key] = "val"
                want_val -= 1
            else:
                out[it.key] = "train"
    return out
