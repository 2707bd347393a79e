"""A split's prepared gold side kept on disk between runs, so scoring the same data again reads only the
predictions.

Trusted only while every file it was built from is unchanged by the test git uses for its index: same size,
modification time, change time, inode and device for the split file, every task file, screenshot and box file
(a change time cannot be set back by a user, so any write, copy or rename invalidates the entry), and while the
paths the web file-name quirk stepped around still do not exist. An entry is not
written when a file changed in the two seconds before the load began (a second write in the same clock tick
could otherwise go unseen). Anything unexpected (a missing, truncated or foreign file, another scorer or Python
version) is a miss: the split is loaded and prepared as usual. `omniact score` writes a split's entry the second
time it scores the split (see `SIGHTINGS_BEFORE_WRITE`); `load_prepared` at once. Entries live in
``$OMNIACT_CACHE_DIR/gold`` (default ``~/.cache/omniact/gold``), one per data root and split file (one split file
can serve two roots: ``--split my_split.json`` names task files relative to each ``--data``); `omniact score
--no-cache` bypasses them.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
from collections.abc import Mapping
from contextlib import suppress
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omniact.atomic import atomic_file, remove_stale_temporaries
from omniact.cache_home import cache_home
from omniact.dataset import (
    find_split_file,
    load_split,
    open_regular,
    paused_gc,
    resolve_data_root,
    source_files,
)
from scoring.boxes import BoxIndex
from scoring.gold import BoxesByTask, GoldLinesByTask, PreparedGold, joined, prepare
from scoring.result import SCORER_VERSION

if TYPE_CHECKING:
    from scoring.split_parts import Pending

__all__ = ["SIGHTINGS_BEFORE_WRITE", "begin", "cache_dir", "freeze", "load_prepared", "remember_entry", "seen_before",
           "stats", "thaw", "update", "write", "write_parts"]

# 5: entries are keyed and checked by data root as well as split file; 6: a split read in parts is kept in parts;
# 7: a task file directly in a platform folder is of that platform (its breakdown group changed)
_FORMAT = 7
_RACY_NS = 2_000_000_000
# A cache entry that cannot be written (a full disk, a read-only home, a value marshal refuses) only costs time.
_CANNOT_WRITE = (OSError, ValueError, TypeError)
# What an entry must have been written by: this layout, this scorer, and this Python (marshal's format).
_STAMP = (_FORMAT, SCORER_VERSION, sys.version_info[:3], marshal.version)


def cache_dir() -> Path:
    return cache_home() / "gold"


def _entry_path(root: Path, split_file: Path) -> Path:
    key = os.fsencode(root) + b"\0" + os.fsencode(split_file)
    return cache_dir() / (hashlib.sha256(key).hexdigest()[:32] + ".marshal")


def stats(files: list[str],
          known: Mapping[str, os.stat_result] | None = None) -> list[tuple[int, int, int, int, int]] | None:
    """The state of each file (None when one is gone): from `known` (each file's state as a load opened it), else
    a stat of its path now."""
    out = []
    stat = os.stat
    get = (known or {}).get
    try:
        for f in files:
            st = get(f) or stat(f)
            out.append((st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev))
    except OSError:
        return None
    return out


def load_prepared(root: str | os.PathLike | None, split: str, *, use_cache: bool = True,
                  write_later: bool = False) -> PreparedGold:
    """The prepared gold side of a split, from the cache when every source file is unchanged, else loaded
    (`load_split`, whose DataErrors propagate) and prepared, and the cache refreshed: now, or with
    `write_later` when `update` is called after scoring (a strict run then writes its gold plans in the same
    entry, once)."""
    entry, where, hit = _lookup(root, split, use_cache)
    if hit is not None:
        return hit
    started = time.time_ns()
    ds = load_split(root, split)
    gold = prepare(ds)
    if use_cache:
        pending = (entry, where, *source_files(ds), started)  # _write's arguments after the gold
        if write_later:
            gold.__dict__["_cache_pending"] = pending
        else:
            with suppress(*_CANNOT_WRITE):
                _write(gold, *pending)
    return gold


def begin(root: str | os.PathLike | None, split: str, *, use_cache: bool = True,
          workers: int | None = None) -> Pending:
    """`load_prepared` for a command that reads predictions next: the gold side from the cache, or on its way
    (`scoring.split_parts`: a big split is loaded on every core while the caller reads the predictions). The
    prepared gold, once made, carries the cache entry to write for `update`, from the second time the split is
    scored on (see `seen_before`). `workers` 1 loads in one process."""
    from scoring.split_parts import Ready, SplitParts

    entry, where, hit = _lookup(root, split, use_cache)
    if hit is not None:
        return Ready(hit)
    write = use_cache and seen_before(entry)
    return SplitParts(root, split, workers, cache=(entry, where) if write else None)


#: Runs of `begin` on a split before one writes its entry: 1, the second run writes it (0, the first: tests). A split
#: scored once (a one-off check, a leaderboard's data copy) costs no entry (8.6 MB for 20,000 tasks), and its first
#: run does not pay for writing one (a fifth of the run: each part's gold frozen and the entry written); one scored
#: again, as an agent's developer scores a split run after run, is written on its second run and read from the third
#: on. (A mark counts the first run: no higher count is kept.)
SIGHTINGS_BEFORE_WRITE = 1


def seen_before(entry: Path) -> bool:
    """Whether the split of `entry` was scored `SIGHTINGS_BEFORE_WRITE` times before (counted by a mark beside the
    entry, an empty file, left by the first); marks it now if not. A mark that cannot be made (a read-only cache
    folder) only means no entry is written, as no entry could be."""
    if SIGHTINGS_BEFORE_WRITE <= 0:
        return True
    mark = entry.with_suffix(".seen")
    if os.path.lexists(mark) or os.path.lexists(entry):  # (an entry gone stale: the split is scored again)
        return True
    with suppress(OSError):
        mark.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(mark, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0),
                         0o644))
    return False


def _lookup(root: str | os.PathLike | None, split: str,
            use_cache: bool) -> tuple[Path, dict[str, str], PreparedGold | None]:
    """The split's cache entry, its header, and the prepared gold it holds (None: a miss, or `use_cache` off)."""
    split_file = find_split_file(root, split)
    # The files a split file names are relative to the data root: the same split file under another root is
    # other data, whose files the entry's stat check would never look at.
    where = {"root": str(resolve_data_root(root)), "split_file": str(split_file)}
    entry = _entry_path(Path(where["root"]), split_file)
    return entry, where, _read(entry, where) if use_cache else None


def update(gold: PreparedGold) -> None:
    """Write the cache entry `load_prepared(..., write_later=True)` left to write, or rewrite the entry `gold` came
    from (or was written to) when scoring added to it since: strict mode's gold plans are worked out on first use,
    and kept so that the next strict run skips them (and the box files)."""
    pending = gold.__dict__.pop("_cache_pending", None)
    if pending is not None:
        with suppress(*_CANNOT_WRITE):
            _write(gold, *pending)
        return
    origin = gold.__dict__.get("_cache_origin")
    if origin is None:
        return
    entry, header, n_strict = origin
    if len(gold.__dict__.get("_strict", ())) <= n_strict:
        return
    with suppress(*_CANNOT_WRITE):
        _dump(entry, {**header, **freeze(gold)}, gold)


def _dump(entry: Path, raw: dict[str, Any], gold: PreparedGold) -> None:
    _store(entry, raw)
    _remember(gold, entry, raw)


def _store(entry: Path, raw: dict[str, Any]) -> None:
    remove_stale_temporaries(entry.parent, 600.0)  # of a `score` killed while it wrote (the folder is shared)
    with atomic_file(entry) as f:
        marshal.dump(raw, f)


def _remember(gold: PreparedGold, entry: Path, raw: dict[str, Any]) -> None:
    remember_entry(gold, entry, {k: raw[k] for k in _HEADER}, len(gold.__dict__.get("_strict", ())))


_HEADER = ("stamp", "root", "split_file", "files", "stats", "absent")


def _read_entry(entry: Path) -> bytes | None:
    """The entry's bytes, or None when it is missing, unreadable or not a regular file (something put in its place,
    a FIFO or a device, would otherwise hang or flood every `score` of the split)."""
    try:
        with os.fdopen(open_regular(entry), "rb") as f:
            return f.read()
    except OSError:
        return None


def _read(entry: Path, where: dict[str, str]) -> PreparedGold | None:
    data = _read_entry(entry)
    if data is None:
        return None
    try:
        with paused_gc():
            raw = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(raw, dict) or raw.get("stamp") != _STAMP or any(raw.get(k) != v for k, v in where.items()):
        return None
    if stats(raw["files"]) != raw["stats"] or any(map(os.path.lexists, raw["absent"])):
        return None
    with paused_gc():
        gold = thaw(raw)
    _remember(gold, entry, raw)
    return gold


def _write(gold: PreparedGold, entry: Path, where: dict[str, str], files: list[str], absent: list[str],
           started: int, known: list[tuple[int, int, int, int, int]] | None = None) -> None:
    """Write the entry, unless a file changed too recently; `known`: the files' states, taken after they were
    read (else taken now)."""
    header = _header(where, files, absent, started, known)
    if header is not None:
        _dump(entry, {**header, **freeze(gold)}, gold)


def write(gold: PreparedGold, entry: Path, where: dict[str, str], files: list[str], absent: list[str],
          started: int, known: list[tuple[int, int, int, int, int]] | None = None) -> None:
    """`_write`, where an entry that cannot be written (a full disk, a read-only home) only costs time."""
    with suppress(*_CANNOT_WRITE):
        _write(gold, entry, where, files, absent, started, known)


def write_parts(entry: Path, where: dict[str, str], files: list[str], absent: list[str], started: int,
                known: list[tuple[int, int, int, int, int]] | None, parts: list[tuple[list[int], bytes]],
                dataset: Mapping[str, Any]) -> dict[str, Any] | None:
    """`_write` for a split read in parts (`scoring.split_parts`), from each part's `freeze` as the marshal bytes its
    process made, with the part's split positions: written as they are, not thawed, joined, frozen and encoded
    again (`thaw` joins them when the entry is read). Returns the entry's header when it was written (see
    `remember_entry`)."""
    header = _header(where, files, absent, started, known)
    if header is None:
        return None
    try:
        _store(entry, {**header, "parts": parts, "dataset": dict(dataset)})
    except _CANNOT_WRITE:
        return None
    return header


def remember_entry(gold: PreparedGold, entry: Path, header: dict[str, Any], n_strict: int) -> None:
    """Note on `gold` the entry (and its header) that `write_parts` wrote for it with `n_strict` strict plans, so that
    `update` rewrites it when scoring works out more."""
    gold.__dict__["_cache_origin"] = (entry, header, n_strict)


def _header(where: dict[str, str], files: list[str], absent: list[str], started: int,
            known: list[tuple[int, int, int, int, int]] | None) -> dict[str, Any] | None:
    """An entry's header (what it was made from, and how each file was), or None when a file changed too recently
    for the entry to be trusted (it could change again within the same clock tick), or is gone."""
    states = known if known is not None else stats(files)
    if states is None:
        return None
    # (the latest modification and change times, each found in one pass of C: a generator was 6 ms a 20,000-task split)
    racy = started - _RACY_NS
    if states and (max(map(itemgetter(1), states)) >= racy or max(map(itemgetter(2), states)) >= racy):
        return None
    return {"stamp": _STAMP, **where, "files": files, "stats": states, "absent": absent}


def freeze(gold: PreparedGold) -> dict[str, Any]:
    """PreparedGold as marshal-able values. The gold texts are kept (their readings are rebuilt when a task needs
    the general rule); screens are kept as their box file's path, read again only when a task needs them."""
    screens = []
    for b in gold.boxes.screens():
        if isinstance(b, str):
            screens.append(b)
        else:
            source = b.source
            screens.append(str(source) if source is not None else b.rects)
    return {"ids": gold.ids, "weights": gold.weights, "n_gold": gold.n_gold, "texts": gold.texts,
            "screens": screens, "task_screens": [gold.boxes.screen_of(i) for i in range(len(gold.ids))],
            "plans": gold.plans, "groups": gold.groups,
            "dataset": dict(gold.dataset) if gold.dataset is not None else None,
            "strict": dict(gold.__dict__.get("_strict", {}))}


def thaw(raw: dict[str, Any]) -> PreparedGold:
    parts = raw.get("parts")
    if parts is not None:  # written by `write_parts`: put together as the parts were when they were made
        return joined([(thaw(marshal.loads(frozen)), positions) for positions, frozen in parts], raw["dataset"])
    screens = [s if isinstance(s, str) else BoxIndex.from_rects(s) for s in raw["screens"]]
    ids, texts = raw["ids"], raw["texts"]
    gold = PreparedGold(ids, {t: i for i, t in enumerate(ids)}, raw["weights"], raw["n_gold"], raw["plans"],
                        raw["groups"], texts, GoldLinesByTask(texts), BoxesByTask(raw["task_screens"], screens),
                        raw["dataset"])
    if raw["strict"]:
        gold.__dict__["_strict"] = raw["strict"]
    return gold
