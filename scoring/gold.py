"""The gold side of a split, prepared once: scoring any number of prediction sets against it then costs only
the predictions (a leaderboard scores a hundred submissions against one prepared split).

Preparing reads each distinct gold script once (the released line filter, action names, and for `reference`
mode a *plan*: each line's gold point already looked up in its screen's boxes, each gold key, key set and text
already cut out by the released string rules), indexes each screen's boxes once, and lays out the breakdown
groups. Nothing here depends on a prediction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from omniact.actions import ACTIONS, ALIASES
from omniact.dataset import gold_rows, paused_gc
from omniact.errors import ParseError, UserError, shorten
from omniact.lazy import LazySequence
from scoring import reference, strict
from scoring.boxes import BoxIndex
from scoring.reference import GoldLines, Plan

__all__ = ["BoxesByTask", "GoldLinesByTask", "GoldSums", "PreparedGold", "joined", "joined_sums", "prepare"]

# Gold line names are lower-cased by the released rules; the breakdown names them as the ACTIONS table does.
_CANONICAL = {name.lower(): name for name in ACTIONS}
_CANONICAL.update({alias.lower(): ACTIONS[target].name for alias, target in ALIASES.items()})


class GoldLinesByTask(LazySequence[GoldLines]):
    """Each task's `GoldLines`, read from its gold text when first asked for (shared between equal texts)."""

    __slots__ = ("_cache", "_texts")

    def __init__(self, texts: Sequence[str], known: Mapping[str, GoldLines] | None = None) -> None:
        self._texts = texts
        self._cache: dict[str, GoldLines] = dict(known or {})

    def __len__(self) -> int:
        return len(self._texts)

    def known(self) -> Mapping[str, GoldLines]:
        """The readings worked out so far, by gold text."""
        return self._cache

    def _item(self, i: int) -> GoldLines:
        text = self._texts[i]
        g = self._cache.get(text)
        if g is None:
            g = self._cache[text] = reference.gold_lines(text)
        return g


class BoxesByTask(LazySequence[BoxIndex]):
    """Each task's screen index; a screen given as a box file path is read when first asked for."""

    __slots__ = ("_screens", "_task_screen")

    def __init__(self, task_screen: Sequence[int], screens: list[BoxIndex | str]) -> None:
        self._task_screen = task_screen
        self._screens = screens

    def __len__(self) -> int:
        return len(self._task_screen)

    def screen_of(self, i: int) -> int:
        return self._task_screen[i]

    def screen(self, k: int) -> BoxIndex:
        s = self._screens[k]
        if isinstance(s, str):
            s = self._screens[k] = BoxIndex.from_file(Path(s))
        return s

    def screens(self) -> list[BoxIndex | str]:
        """Every screen, in first-use order: a BoxIndex, or the path of a box file not read yet."""
        return list(self._screens)

    def _item(self, i: int) -> BoxIndex:
        return self.screen(self._task_screen[i])


@dataclass(frozen=True, eq=False)
class PreparedGold:
    """A split's gold side, ready to score predictions against (see `scoring.score`).

    Per task, in split order: `ids`, `weights` (``n - 0.9``, 0 for a task whose gold has no pyautogui line),
    `n_gold` (n), `plans` (reference mode's prepared gold, None where the general rule must run), `texts` (the
    gold scripts), `lines` (the released scorer's view of each gold script) and `boxes` (the screen's index,
    shared by its tasks); the last two are built on first use. `groups` are the breakdown groups:
    ``((kind, name), task positions with weight, number of tasks)``.
    """

    ids: tuple[str, ...]
    index: Mapping[str, int]
    weights: tuple[float, ...]
    n_gold: tuple[int, ...]
    plans: tuple[Plan | None, ...]
    groups: tuple[tuple[tuple[str, str], tuple[int, ...], int], ...]
    texts: tuple[str, ...]
    lines: GoldLinesByTask
    boxes: BoxesByTask
    dataset: Mapping[str, Any] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def strict_plan(self, i: int) -> strict.Plan | str:
        """Task i's gold side for strict mode (`scoring.strict.plan`), or why its gold script cannot be read.
        Worked out on first use, once per (screen, gold script); `scoring.gold_cache` keeps them."""
        known = self.__dict__.setdefault("_strict", {})
        key = (self.boxes.screen_of(i), self.texts[i])
        hit = known.get(key)
        if hit is None:
            try:
                hit = strict.plan(reference.safe_parse(key[1]), self.boxes[i])
            except ParseError as e:
                hit = str(e)
            known[key] = hit
        return hit


@dataclass(frozen=True, eq=False)
class GoldSums:
    """What `scoring.scorer.total` takes of a split's gold side (a PreparedGold has it all too): per task in split
    order its id, weight and number of gold lines, the breakdown groups (see `PreparedGold`), and the data set."""

    ids: tuple[str, ...]
    weights: tuple[float, ...]
    n_gold: tuple[int, ...]
    groups: tuple[tuple[tuple[str, str], tuple[int, ...], int], ...]
    dataset: Mapping[str, Any] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, gold: PreparedGold) -> GoldSums:
        return cls(gold.ids, gold.weights, gold.n_gold, gold.groups, gold.dataset)


def joined_sums(parts: Sequence[tuple[GoldSums | PreparedGold, Sequence[int]]],
                dataset: Mapping[str, Any] | None) -> GoldSums:
    """`joined(parts, dataset)`'s `GoldSums`, without the rest of the gold: all that totals need."""
    n = sum(len(g.ids) for g, _ in parts)
    ids: list[Any] = [None] * n
    weights: list[float] = [0.0] * n
    n_gold: list[int] = [0] * n
    counts: dict[tuple[str, str], int] = {}
    rows: dict[tuple[str, str], list[int]] = {}
    for part, positions in parts:
        for g, task_id, weight, lines in zip(positions, part.ids, part.weights, part.n_gold):
            ids[g] = task_id
            weights[g] = weight
            n_gold[g] = lines
        for key, r, count in part.groups:
            counts[key] = counts.get(key, 0) + count
            rows.setdefault(key, []).extend(positions[j] for j in r)
    # Each group's positions in split order, as `_groups` gives them (the sums are made in that order).
    groups = tuple((key, tuple(sorted(rows[key])), counts[key]) for key in sorted(counts))
    return GoldSums(tuple(ids), tuple(weights), tuple(n_gold), groups, None if dataset is None else dict(dataset))


def joined(parts: Sequence[tuple[PreparedGold, Sequence[int]]], dataset: Mapping[str, Any] | None, *,
           sums: GoldSums | None = None) -> PreparedGold:
    """The prepared gold of a split from its parts' (`scoring.split_parts`): each part's PreparedGold with the
    split positions of its tasks (between them, every position once); described by `dataset`. `sums`: the parts'
    `joined_sums`, when already made.

    Equal to preparing the whole split at once, except that a screen whose tasks fall in two parts is indexed
    twice."""
    if sums is None:
        sums = joined_sums(parts, dataset)
    n = len(sums.ids)
    texts: list[Any] = [None] * n
    task_screen: list[int] = [0] * n
    plans: list[Plan | None] = [None] * n
    screens: list[BoxIndex | str] = []
    known: dict[str, GoldLines] = {}
    strict_plans: dict[tuple[int, str], Any] = {}
    for part, positions in parts:
        screens_at = len(screens)
        screen_of = part.boxes.screen_of
        for j, (g, text, plan) in enumerate(zip(positions, part.texts, part.plans)):
            texts[g] = text
            plans[g] = plan
            task_screen[g] = screen_of(j) + screens_at
        screens += part.boxes.screens()
        known.update(part.lines.known())
        strict_plans.update(((k + screens_at, text), v) for (k, text), v in part.__dict__.get("_strict", {}).items())
    texts_t = tuple(texts)
    ids = sums.ids
    gold = PreparedGold(ids, {t: i for i, t in enumerate(ids)}, sums.weights, sums.n_gold, tuple(plans), sums.groups,
                        texts_t, GoldLinesByTask(texts_t, known), BoxesByTask(task_screen, screens),
                        None if dataset is None else dict(dataset))
    if strict_plans:
        gold.__dict__["_strict"] = strict_plans
    return gold


def prepare(tasks: Iterable[Any]) -> PreparedGold:
    """Prepare a Dataset, a TaskList or any iterable of Tasks for scoring (a PreparedGold is returned as is)."""
    if isinstance(tasks, PreparedGold):
        return tasks
    if isinstance(tasks, (str, bytes, PathLike)) or tasks is None or hasattr(tasks, "gold_script"):
        # (a split's name or folder, nothing, or one Task: the tasks are what scoring takes)
        what = "one Task: give a list of them" if hasattr(tasks, "gold_script") else \
            f"the {type(tasks).__name__} {shorten(repr(tasks), 60)}"
        raise TypeError(f"scoring takes the tasks (omniact.load_split(root, split), or scoring.prepare's gold), not "
                        f"{what}")
    with paused_gc():
        gold = _prepare(tasks)
    if len(gold.index) != len(gold.ids):  # a task given twice: one of its rows would never be scored
        seen: set[str] = set()
        twice = next(t for t in gold.ids if t in seen or seen.add(t))  # type: ignore[func-returns-value]
        raise UserError(f"task id {twice!r} is given twice in the tasks to score: give each task once")
    return gold


def _prepare(tasks: Iterable[Any]) -> PreparedGold:
    describe = getattr(tasks, "describe", None)
    dataset = describe() if callable(describe) else None
    ids: list[str] = []
    weights: list[float] = []
    n_gold: list[int] = []
    plans: list[Plan | None] = []
    texts: list[str] = []
    task_screen: list[int] = []
    screens: list[BoxIndex | str] = []
    screen_keys: list[tuple[tuple[str, str], tuple[str, str]]] = []
    by_text: dict[str, GoldLines] = {}
    by_screen: dict[tuple[int, str, str], tuple[Any, int]] = {}
    by_plan: dict[tuple[int, str], tuple[tuple[str, ...], Plan | None]] = {}
    types_of: dict[tuple[str, ...], tuple[str, ...]] = {}
    # Task positions (with weight) per screen and per set of gold action types; the groups are made of these.
    rows_of_screen: dict[int, list[int]] = {}
    rows_of_types: dict[tuple[str, ...], list[int]] = {}
    n_of_screen: dict[int, int] = {}
    n_of_types: dict[tuple[str, ...], int] = {}
    gold_plan, gold_lines, make_plan = reference.gold_plan, reference.gold_lines, reference.plan
    for i, (task_id, text, platform, app, elements) in enumerate(gold_rows(tasks)):
        # A screen is its box file's elements as one app shows them (a box file shared by two apps, which no
        # published file is, would be two screens with one index each).
        where = (id(elements), platform, app)
        hit = by_screen.get(where)
        if hit is None or hit[0] is not elements:
            hit = by_screen[where] = (elements, len(screens))  # keeps `elements` alive: ids stay unique
            screens.append(BoxIndex(elements))
            screen_keys.append((("platform", platform), ("app", app)))
        k = hit[1]
        key = (k, text)
        read = by_plan.get(key)
        if read is None:
            read = gold_plan(text, screens[k])  # type: ignore[arg-type]
            if read is None:
                gold = by_text.get(text)
                if gold is None:
                    gold = by_text[text] = gold_lines(text)
                read = (gold.names, make_plan(gold, screens[k]) if gold.n else None)  # type: ignore[arg-type]
            by_plan[key] = read
        names, plan = read
        n = len(names)
        ids.append(task_id)
        texts.append(text)
        task_screen.append(k)
        n_gold.append(n)
        plans.append(plan)
        t = types_of.get(names)
        if t is None:
            t = types_of[names] = tuple(dict.fromkeys(_CANONICAL.get(x, x) for x in names if x))
        n_of_screen[k] = n_of_screen.get(k, 0) + 1
        if n:
            weights.append(n - 0.9)
            n_of_types[t] = n_of_types.get(t, 0) + 1
            r = rows_of_screen.get(k)
            if r is None:
                r = rows_of_screen[k] = []
            r.append(i)
            r = rows_of_types.get(t)
            if r is None:
                r = rows_of_types[t] = []
            r.append(i)
        else:
            weights.append(0.0)
    groups = _groups(screen_keys, n_of_screen, rows_of_screen, n_of_types, rows_of_types)
    texts_t = tuple(texts)
    return PreparedGold(tuple(ids), {t: i for i, t in enumerate(ids)}, tuple(weights), tuple(n_gold), tuple(plans),
                        groups, texts_t, GoldLinesByTask(texts_t, by_text), BoxesByTask(task_screen, screens),
                        dataset)


def _groups(screen_keys: list[tuple[tuple[str, str], tuple[str, str]]], n_of_screen: dict[int, int],
            rows_of_screen: dict[int, list[int]], n_of_types: dict[tuple[str, ...], int],
            rows_of_types: dict[tuple[str, ...], list[int]]) -> tuple[tuple[tuple[str, str], tuple[int, ...], int], ...]:
    """The breakdown groups, ``((kind, name), task positions with weight in split order, number of tasks)``:
    a platform or app is the union of its screens, an action type the union of the type sets that hold it.
    (A task whose gold has no pyautogui line counts in its platform and app, with no position.)"""
    counts: dict[tuple[str, str], int] = {}
    parts: dict[tuple[str, str], list[list[int]]] = {}
    for k, n in n_of_screen.items():
        for g in screen_keys[k]:
            counts[g] = counts.get(g, 0) + n
            if k in rows_of_screen:
                parts.setdefault(g, []).append(rows_of_screen[k])
    for t, n in n_of_types.items():
        for name in t:
            g = ("action", name)
            counts[g] = counts.get(g, 0) + n
            parts.setdefault(g, []).append(rows_of_types[t])
    out = []
    for g in sorted(counts):
        chunks = parts.get(g, ())
        rows = chunks[0] if len(chunks) == 1 else sorted(i for c in chunks for i in c)
        out.append((g, tuple(rows), counts[g]))
    return tuple(out)
