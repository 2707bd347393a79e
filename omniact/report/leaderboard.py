"""The leaderboard: many submissions scored against one split, with bootstrap intervals and ties.

Scoring is a pure function of (prediction file, data set, scorer mode and version), so each submission's
per-task results are cached under that key: adding one submission to a board of fifty scores only that one.
Intervals resample tasks with replacement (seeded); every entry sees the same resamples, so the difference of
two entries is a paired bootstrap. An entry's rank is one more than the number of entries significantly better
than it (their difference interval lies above 0); neighbours whose difference interval includes 0 are tied.
"""

from __future__ import annotations

import csv
import hashlib
import io
import marshal
import os
import re
import struct
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from omniact.atomic import atomic_file, json_bytes, text_bytes
from omniact.dataset import Dataset, paused_gc, task_labels
from omniact.errors import UserError, shell_quote
from omniact.report.escape import csv_cell, md_cell
from omniact.report.submission import Submission, find_submission, meta_beside

__all__ = ["METRICS", "SCHEMA_VERSION", "Entry", "Leaderboard", "Rejected", "build_leaderboard", "check_out",
           "check_report_out", "prune_cache"]

SCHEMA_VERSION = 1
#: (short name, key) in the order tables show them
METRICS = (("SS", "sequence_score"), ("AS", "action_score"), ("M", "click_penalty"), ("K", "key_penalty"),
           ("W", "write_penalty"))
_VECTORS = ("w", "m", "c", "k", "x", "s")  # weight, matched, click, key, write (x), task score
_FLAGS = ("parse_error", "missing")


@dataclass(frozen=True)
class Entry:
    """One scored submission. Scores are fractions in [0, 1]; `ci` maps each metric key to (low, high)."""

    name: str
    submission: Submission
    score: Mapping[str, Any]  # the scorer's contract JSON
    ci: Mapping[str, tuple[float, float]]
    exact_solved: float
    tasks: Mapping[str, Any] = field(repr=False)  # per-task vectors, in dataset order
    rank: int = 0
    tied_with_above: bool = False
    dataset_match: bool | None = None

    def to_json(self) -> dict[str, Any]:
        s = self.score
        meta = self.submission.meta
        return {
            "rank": self.rank, "name": self.name, "source": self.submission.source,
            **{k: meta.get(k) for k in ("team", "agent", "model", "date", "link")},
            **{key: s[key] for _, key in METRICS},
            "ci": {k: list(v) for k, v in self.ci.items()},
            "exact_solved": self.exact_solved, "tied_with_above": self.tied_with_above,
            "n_scored": s["n_scored"], "n_missing": s["n_missing"], "n_parse_errors": s["n_parse_errors"],
            "provenance": {"mode": s["mode"], "scorer_version": s["scorer_version"],
                           "dataset_sha256": self.submission.dataset_sha256, "dataset_match": self.dataset_match,
                           "uses_gold": self.submission.uses_gold, "file_sha256": self.submission.file_sha256},
            "breakdown": s["breakdown"],
        }


@dataclass(frozen=True)
class Rejected:
    source: str
    error: str

    @property
    def message(self) -> str:
        """One line naming the submission and what is wrong: the error as it is when it names the source's file
        already (``broken.jsonl:3: ...``), else the source, then the error."""
        named = self.source.rstrip("/" + os.sep) or self.source  # `runs/x/` is named `runs/x` in the error
        return self.error if self.error.startswith(named) else f"{self.source}: {self.error}"


@dataclass(frozen=True)
class Leaderboard:
    """A built leaderboard (`build_leaderboard`): its entries in rank order, the submissions left out with why, the
    bootstrap's settings and the data it was scored on. `to_json`, `to_csv` and `to_markdown` give its tables
    (`write_tables` writes them); `write_site` its pages."""

    dataset: Mapping[str, Any]
    mode: str
    scorer_version: str
    entries: tuple[Entry, ...]
    rejected: tuple[Rejected, ...]
    bootstrap: Mapping[str, Any]
    task_ids: tuple[str, ...]
    scored_now: int = 0  # how many submissions were scored (not taken from the cache) by this build
    from_cache: int = 0  # how many results were read from the cache
    scored_sources: tuple[str, ...] = ()  # the sources of the `scored_now` submissions, in the order given
    cache_dir: Path | None = None  # where results were cached, and which files there this build used (`prune_cache`)
    cache_used: frozenset[str] = frozenset()
    #: sources naming a prediction file given before under another name (a link, another spelling): ranked once, under
    #: the first; said to whoever builds the board, not published (a valid submission is not a rejected one)
    repeated: tuple[Rejected, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "dataset": dict(self.dataset),
            "scorer": {"mode": self.mode, "version": self.scorer_version},
            "bootstrap": dict(self.bootstrap),
            "entries": [e.to_json() for e in self.entries],
            "rejected": [{"source": r.source, "error": r.error} for r in self.rejected],
        }

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        head = ["rank", "tied_with_above", "name", "team", "agent", "model", "date"]
        for short, _key in METRICS:
            head += [short, f"{short}_low", f"{short}_high"]
        head += ["exact_solved", "n_missing", "n_parse_errors", "uses_gold", "dataset_match", "source"]
        w.writerow(head)
        for e in self.entries:
            j = e.to_json()
            row = [e.rank, e.tied_with_above, *map(csv_cell, (e.name, j["team"], j["agent"], j["model"], j["date"]))]
            for _, key in METRICS:
                lo, hi = e.ci[key]
                row += [f"{100 * j[key]:.2f}", f"{100 * lo:.2f}", f"{100 * hi:.2f}"]
            row += [f"{100 * e.exact_solved:.2f}", j["n_missing"], j["n_parse_errors"], e.submission.uses_gold,
                    e.dataset_match, csv_cell(e.submission.source)]
            w.writerow(row)
        return buf.getvalue()

    def to_markdown(self) -> str:
        lines = [(f"# Leaderboard: {md_cell(self.dataset.get('split'))} ({self.dataset.get('n_tasks')} tasks, "
                 f"{self.mode} mode, scorer {self.scorer_version})"), "",
                 "| # | name | " + " | ".join(s for s, _ in METRICS) + " | exact | notes |",
                 "|---:|---|" + "---:|" * len(METRICS) + "---:|---|"]
        for e in self.entries:
            cells = []
            for _, key in METRICS:
                lo, hi = e.ci[key]
                cells.append(f"{100 * e.score[key]:.2f} [{100 * lo:.2f}, {100 * hi:.2f}]")
            notes = []
            if e.tied_with_above:
                notes.append("tied with the entry above")
            if e.submission.uses_gold:
                notes.append("uses gold")
            if e.dataset_match is False:
                notes.append("scored on other data")
            if e.score["n_missing"]:  # scored 0: the number alone would read as the agent's
                notes.append(f"{e.score['n_missing']} of {self.dataset.get('n_tasks')} tasks missing")
            if e.score["n_parse_errors"]:
                n = e.score["n_parse_errors"]
                notes.append(f"{n} parse error{'' if n == 1 else 's'}")
            rank = f"{e.rank}=" if e.tied_with_above else str(e.rank)
            lines.append(f"| {rank} | {md_cell(e.name)} | " + " | ".join(cells)
                         + f" | {100 * e.exact_solved:.2f} | {'; '.join(notes)} |")
        if self.rejected:
            lines += ["", "Rejected submissions:", ""]
            lines += [f"- {md_cell(r.message)}" for r in self.rejected]
        b = self.bootstrap
        lines += ["", (f"Scores x100 with {round(b['confidence'] * 100)}% bootstrap intervals ({b['samples']} task "
                  f"resamples, seed {b['seed']}). Ranked by action score (AS); rank = 1 + the number of entries "
                  "significantly better (paired bootstrap interval of the AS difference above 0); `=` marks an entry "
                  "tied with the entry above (the interval of their AS difference includes 0).")]
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------------
# Scoring with a cache


def _cache_key(sub: Submission, dataset_sha: str, mode: str, version: str) -> str:
    return hashlib.sha256(f"{sub.file_sha256}|{dataset_sha}|{mode}|{version}".encode()).hexdigest()


def _packed(result: Any) -> dict[str, bytes]:
    """A Score's per-task vectors, packed: each float column as the bytes of a C double array, each flag column as
    one byte per task. A result crosses from a pool's process to this one and into the cache in this form:
    pickling, caching and reading back then copy memory, instead of making and reading a Python object per task
    (that was most of what this process did per submission while a pool scored)."""
    tasks = result.tasks
    column = getattr(tasks, "column", None)
    if callable(column):  # scoring's per-task columns, read as they are
        floats = [column("weight"), column("matched"), column("click"), column("key"), column("write"),
                  column("score")]
        flags = [column("parse_failed"), column("missing")]  # (bools: each is its byte)
    else:
        rows = list(tasks)
        floats = [[t.weight for t in rows], [t.matched for t in rows], [t.click for t in rows],
                  [t.key for t in rows], [t.write for t in rows], [t.score for t in rows]]
        flags = [[bool(t.parse_error) for t in rows], [bool(t.missing) for t in rows]]
    # (struct packs a column's C doubles, array('d')'s bytes, in half the time)
    out = {k: struct.pack(f"{len(v)}d", *v) for k, v in zip(_VECTORS, floats)}
    out.update((k, bytes(v)) for k, v in zip(_FLAGS, flags))
    return out


class TaskColumns(Mapping[str, list]):
    """An entry's per-task vectors (`Entry.tasks`) from their `_packed` bytes: each a list (of floats, or bools for the
    flags) when first read, so that what only sums them (`array`) never makes one. A leaderboard's entry pages are
    written by other processes where they can: each makes the lists of its own pages."""

    __slots__ = ("_lists", "_packed")

    def __init__(self, packed: Mapping[str, bytes]) -> None:
        self._packed = packed
        self._lists: dict[str, list] = {}

    def __getitem__(self, key: str) -> list:
        got = self._lists.get(key)
        if got is None:
            raw = self._packed[key]
            if key in _FLAGS:
                got = list(map(bool, raw))
            else:
                a = array("d")
                a.frombytes(raw)
                got = a.tolist()
            self._lists[key] = got
        return got

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def array(self, key: str) -> Any:
        """The vector as a numpy array (float64, or bool for a flag), read from its bytes without a copy."""
        import numpy as np

        raw = self._packed[key]
        return np.frombuffer(raw, dtype=np.bool_ if key in _FLAGS else np.float64)


# One loaded and prepared split per worker process (local pool or Ray actor): the gold side is read and
# prepared once per worker, not once per submission.
_WORKER_DS: dict[tuple[str, str, str], tuple[Dataset, Any]] = {}


def _init_worker(ds: Dataset) -> None:
    import scoring

    _WORKER_DS[(str(ds.root), ds.split, ds.sha256)] = (ds, scoring.prepare(ds))


def _worker_dataset(root: str, split: str, sha: str) -> tuple[Dataset, Any]:
    hit = _WORKER_DS.get((root, split, sha))
    if hit is None:
        import scoring
        from omniact.dataset import load_split

        ds = load_split(root, split)
        if ds.sha256 != sha:
            raise UserError("the data set changed while the leaderboard was being scored", file=root)
        hit = _WORKER_DS[(root, split, ds.sha256)] = (ds, scoring.prepare(ds))
    return hit


def _score_job(job: tuple[int, Submission, str, str, str, str, str | None]) -> tuple[int, dict[str, Any]]:
    """Pool entry point: (index, submission, mode, data root, split, data sha256, cache file or None) -> (index,
    result). A good result is cached here, where there is a cache file to write: beside the other workers, not
    after them in the process that waits for them all."""
    i, sub, mode, root, split, sha, cache = job
    ds, gold = _worker_dataset(root, split, sha)
    result = _score_one(sub, mode, ds, gold)
    if cache is not None and "error" not in result:
        _store_cached(Path(cache), result)
    return i, result


def _score_one(sub: Submission, mode: str, ds: Dataset, gold: Any = None) -> dict[str, Any]:
    """Validate and score one submission; a broken one comes back as {"error": ...}, never raises."""
    import scoring
    from omniact.predictions import read_scripts

    try:
        scripts = read_scripts(sub.predictions, known_ids=ds.ids, split=ds.split)
    except UserError as e:
        return {"error": str(e)}
    # The gold is this worker's for every submission it scores: answers seen in an earlier one are not scored again.
    # The breakdown is left to the process that makes the board, which sums it for every entry at once
    # (`_fill_breakdowns`): task by task, it was a tenth of scoring a submission.
    result = scoring.score(ds if gold is None else gold, scripts, mode=mode, remember=gold is not None,
                           breakdown=False)
    return {"score": {**result.to_json(), "breakdown": None}, "tasks": _packed(result)}


#: Results whose breakdowns `_scored_board` sums at once as they arrive: most of a board's are summed while
#: submissions are still being scored (on one core, the work of a hundred was a fiftieth of the build).
_FILL_BLOCK = 25
#: Bytes of task terms `_fill_breakdowns` holds at once (6 x 8 bytes a task and entry): all entries of a
#: leaderboard of 2,000 tasks, 64 at a time on 20,000.
_BREAKDOWN_BYTES = 64 << 20
_GROUP_FIELDS = ("sequence_score", "action_score", "click_penalty", "key_penalty", "write_penalty")
_NO_SCORES = (0.0,) * len(_GROUP_FIELDS)


def _fill_breakdowns(results: Sequence[dict[str, Any]], groups: Sequence[Any], n_tasks: int) -> None:
    """Put in each result's breakdown (by platform, app and gold action type) where its process left it out: the
    sums `scoring.total` makes for one judgement, made for many at once from their per-task vectors. A group's sums
    add its tasks' terms (the weight, and the weight times the match, the task score and each penalty) one task
    after another in split order, as `total` does (to the last digit: Python's sum of floats adds so up to 3.11;
    3.12's compensates, within 1e-15 of it), each step for every entry and term at once. `groups`: the split's
    (`scoring.PreparedGold.groups`, see `_breakdown_groups`)."""
    todo = [r for r in results if r["score"].get("breakdown") is None]
    if not todo:
        return
    import numpy as np

    size = max(1, _BREAKDOWN_BYTES // (48 * max(n_tasks, 1)))
    for start in range(0, len(todo), size):
        block = todo[start:start + size]

        def col(key: str, block: list[dict[str, Any]] = block) -> Any:  # tasks x entries
            return np.stack([np.frombuffer(r["tasks"][key], dtype=np.float64) for r in block], axis=1)

        w, s = col("w"), col("s")
        # tasks x terms x entries: the terms as `scoring.scorer.judge` makes them for a matched task (0 otherwise)
        terms = np.stack([w, w * col("m"), s * w, col("c") * w, col("k") * w, col("x") * w], axis=1)
        flat = terms.reshape(len(terms), -1)  # a task's terms in one row, contiguous
        out: list[dict[str, dict[str, Any]]] = [{"platform": {}, "app": {}, "action": {}} for _ in block]
        for (kind, name), rows, count in groups:
            # Summed down the rows: numpy adds row after row into the running sums (its pairwise summation is only
            # along the contiguous axis, here each row's terms), so each term's sum is made in task order. Python's
            # sum starts from 0, where this starts from the first row: the two differ only in a sum of -0.0s (0 +
            # -0.0 is 0.0), which adding 0.0 makes 0.0 and changes nothing else.
            sums = np.add.reduce(flat[list(rows)], axis=0) + 0.0 if rows else np.zeros(flat.shape[1])
            sums = sums.reshape(terms.shape[1:])
            ideal = sums[0].tolist()
            with np.errstate(divide="ignore", invalid="ignore"):
                fractions = list(zip(*(sums[1:] / sums[0]).tolist()))  # per entry
            for breakdown, weight, values in zip(out, ideal, fractions):
                # as `GroupScore.to_json` has it (a group of no weight scores 0, not 0/0)
                scores = dict(zip(_GROUP_FIELDS, values if weight else _NO_SCORES))
                breakdown[kind][name] = {"n_tasks": count, **scores, "ideal_score": weight}
        for r, breakdown in zip(block, out):
            r["score"]["breakdown"] = breakdown


def _breakdown_groups(ds: Dataset, cache_dir: Path | None, version: str) -> Any:
    """The split's breakdown groups: from the cache folder, where the first build that prepared the gold keeps them (a
    board read whole from the cache prepares no gold: that read every box file, a sixth of such a build), else from
    the gold this process prepared to score (prepared here if it has none), and kept there (a missing file, or one
    not of this version)."""
    path = None if cache_dir is None else _groups_path(Path(cache_dir), ds.sha256, version)
    if path is not None:
        cached = _load_cached(path)
        if cached is not None:
            return cached["groups"]
    key = (str(ds.root), ds.split, ds.sha256)
    if key not in _WORKER_DS:
        _init_worker(ds)
    groups = _WORKER_DS[key][1].groups
    if path is not None:  # (missing, or not this version's: written again)
        _store_cached(path, {"groups": groups})
    return groups


# Bumped when the groups a split's tasks fall in change for the same files (2: a task file directly in a platform
# folder is of that platform): groups kept by an earlier omniact are then made again, not read.
_GROUPS_FORMAT = 2


def _groups_path(cache_dir: Path, dataset_sha: str, version: str) -> Path:
    key = f"groups|{dataset_sha}|{version}|{_GROUPS_FORMAT}"
    return cache_dir / f"groups-{hashlib.sha256(key.encode()).hexdigest()}.marshal"


class _ProcessPool:
    """``map_unordered`` over `workers` local processes, each given the loaded split once: this one and
    ``workers - 1`` others, forked as the pool is made (as a board's build begins). Each of them prepares the
    gold for itself meanwhile, while this process reads and hashes the submissions: they are at work the moment
    the jobs come. The others take the jobs from the first, this process from the last: it would otherwise only
    wait for them, and what it did to take their results (reading each, readying it for the bootstrap) ran beside
    them, on one of their cores. `close` ends them (at once when called on an exception)."""

    def __init__(self, workers: int, ds: Dataset) -> None:
        from omniact.process_pool import process_pool, stopping

        self.ds = ds
        import multiprocessing

        # (forked: each worker inherits the split, unpickled by none; Python 3.14 starts them otherwise by default)
        self._stop: Any = stopping(process_pool(workers - 1, mp_context=multiprocessing.get_context("fork"),
                                                initializer=_start_pool_worker, initargs=(ds,)))
        self._pool = self._stop.__enter__()
        try:
            self._pool.submit(int)  # a fork-context pool forks its workers at its first job: now, not once jobs come
        except BaseException as e:  # (no process could be forked: those that were are ended)
            self.close(e)
            raise

    def map_unordered(self, fn: Any, items: Iterable[Any]) -> Iterator[Any]:
        from omniact.process_pool import shared_map

        try:
            # This process prepares its gold once its workers have their first submissions: they waited for it.
            yield from shared_map(self._pool, fn, items, before_own=lambda: _init_worker(self.ds))
        except BaseException as e:  # (GeneratorExit too: the caller stopped between two results)
            self.close(e)
            raise
        self.close()  # once the last result is in, while the board is made of them

    def close(self, error: BaseException | None = None) -> None:
        """Shut the pool down (once: later calls do nothing); with `error` (what stopped the build), its workers
        are ended at once."""
        if self._stop is None:
            return
        stop, self._stop = self._stop, None
        if error is None:
            stop.__exit__(None, None, None)
        else:
            with suppress(BaseException):  # (`stopping` raises `error` again once it has ended the workers)
                stop.__exit__(type(error), error, error.__traceback__)


def _start_pool_worker(ds: Dataset) -> None:
    """A `_ProcessPool` worker's start: the cyclic collector off for its life (it holds the split, the gold and
    every answer remembered, none in a cycle: each collection would walk them all, and copy every inherited page it
    walked), then the split's gold prepared."""
    import gc

    gc.disable()
    _init_worker(ds)


# Cached results are marshal files: per-task columns of floats are stored as bytes (`_packed`), not as decimal
# text (JSON encoding was a tenth of scoring a submission). Marshal's format is this Python's, and the doubles'
# bytes this machine's, so the stamp says which. (3: a result's breakdown is not in it, see `_fill_breakdowns`.)
_CACHE_STAMP = ("omniact-leaderboard", 3, sys.version_info[:2], marshal.version, sys.byteorder)


def _cache_path(cache_dir: Path, sub: Submission, dataset_sha: str, mode: str, version: str) -> Path:
    return cache_dir / f"{_cache_key(sub, dataset_sha, mode, version)}.marshal"


def _load_cached(path: Path) -> dict[str, Any] | None:
    try:
        stamp, data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None  # missing, truncated or foreign: scored again
    return data if stamp == _CACHE_STAMP and isinstance(data, dict) else None


def _store_cached(path: Path, data: dict[str, Any]) -> None:
    try:
        with atomic_file(path) as f:
            marshal.dump((_CACHE_STAMP, data), f)
    except (OSError, ValueError):
        pass  # a result that cannot be cached is scored again next time


# What a cache folder may hold, and so all that pruning may remove: results (`_cache_path`), the split's breakdown
# groups (`_groups_path`), a report's predictions
# restricted to a run's tasks (`submission.restrict`), and the temporary files of either that a killed process left.
_CACHE_NAME = r"(?:(?:groups-)?[0-9a-f]{64}\.marshal|[0-9a-f]{16}-[0-9]+\.jsonl)"
_CACHE_FILE = re.compile(rf"{_CACHE_NAME}|\.{_CACHE_NAME}\..+\.tmp")  # the second: `atomic_file`'s temporary


def prune_cache(board: Leaderboard, root: str | os.PathLike | None = None) -> int:
    """Remove the files of `board.cache_dir` that building `board` did not use (the results of submissions since
    edited or left out) and return how many. Call it once the board is published: a failed or interrupted build
    never gets here, so it prunes nothing. Each file goes in one unlink, so the cache holds whole results only,
    whenever the prune stops; a file written meanwhile by another build is only scored again by that build.

    With `root`, a report's whole cache folder (`board.cache_dir` is it, or its ``first-N`` subfolder for a run
    made with --limit), what earlier reports into the same folder cached beside it goes too: this report
    replaced them."""
    folder = board.cache_dir
    if folder is None:
        return 0
    removed = _prune(folder, board.cache_used)
    if root is not None:
        root = Path(root)
        for other in (root, *sorted(root.glob("first-*"))):
            if os.path.abspath(other) == os.path.abspath(folder):
                continue
            removed += _prune(other, frozenset())
            if other != root:
                with suppress(OSError):  # a file we did not write keeps the folder
                    other.rmdir()
    return removed


def _prune(folder: Path, used: frozenset[str]) -> int:
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0  # no cache (nothing was scored) or not readable: nothing to prune
    for name in names:
        if name in used or not _CACHE_FILE.fullmatch(name):
            continue
        try:
            os.unlink(folder / name)
            removed += 1
        except OSError:
            pass  # gone already, or not ours to remove: it is only disk space
    return removed


# --------------------------------------------------------------------------------------------------------
# Bootstrap


#: Task draws per block of bootstrap resamples (see `_bootstrap`): a few tens of MB of counts at a time.
_BOOTSTRAP_BLOCK = 1 << 21


class _Resamples:
    """The bootstrap's task resamples, as counts (resamples x tasks), a block at a time: drawn in order from one
    seeded generator, so the same draws whenever they are made. `draw_ahead` draws the first block (and imports
    numpy) early, while the submissions are being scored in other processes, instead of after the last one."""

    def __init__(self, n_tasks: int, samples: int, seed: int) -> None:
        self.n_tasks, self.samples, self.seed = n_tasks, samples, seed
        self._rng: Any = None
        self._ahead: list[tuple[int, Any]] = []  # (first resample, counts) drawn before they were asked for
        self._next = 0  # the first resample not drawn yet

    def draw_ahead(self) -> None:
        if self._next == 0 and self.samples:
            self._ahead.append(self._draw())
            # np.percentile (the intervals, once every result is in) imports numpy.ma on its first call, a tenth of
            # the bootstrap: imported now, while the workers score.
            import numpy.ma  # noqa: F401

    def _draw(self) -> tuple[int, Any]:
        import numpy as np

        if self._rng is None:
            self._rng = np.random.default_rng(self.seed)
        n_tasks, start = self.n_tasks, self._next
        # Drawn a block at a time (the same draws, in the same order, as all at once): their counts take
        # samples x tasks numbers, gigabytes for 100,000 resamples of a 2,000-task split.
        rows = min(max(1, _BOOTSTRAP_BLOCK // max(n_tasks, 1)), self.samples - start)
        idx = self._rng.integers(0, n_tasks, size=(rows, n_tasks)) if n_tasks else np.zeros((rows, 0), dtype=np.int64)
        # Counted a resample at a time into the block's floats: counting the whole block at once made three more
        # arrays of its size (offset indices, counts, their floats), a fortieth of a leaderboard build's page faults.
        counts = np.empty((rows, n_tasks))
        for r, drawn in enumerate(idx):
            counts[r] = np.bincount(drawn, minlength=n_tasks)
        self._next = start + rows
        return start, counts

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        """(first resample, counts) per block, each block once."""
        while self._ahead:
            yield self._ahead.pop(0)
        while self._next < self.samples:
            yield self._draw()


def _entry_columns(tasks: Mapping[str, Sequence[Any] | bytes]) -> tuple[Any, list[Any], list[Any], Any]:
    """An entry's per-task contributions to each metric (tasks x metrics: the weight times the match, the task
    score and each penalty of a match), each metric's least and greatest per-task value over the weighed tasks,
    and the weights. Made once per entry, as its result arrives, from its vectors (packed or not)."""
    import numpy as np

    def col(k: str) -> Any:
        v = tasks[k]
        return np.frombuffer(v, dtype=np.float64) if isinstance(v, bytes) else np.asarray(v, dtype=float)

    ew = col("w")
    ew = np.where(ew > 0, ew, 0.0)  # a task with no gold actions carries no weight, as in scoring
    m = col("m")
    columns, floor, ceiling = [], [], []
    for value in (m, col("s"), m * col("c"), m * col("k"), m * col("x")):
        columns.append(ew * value)
        weighed = value[ew > 0]
        floor.append(weighed.min() if weighed.size else 0.0)
        ceiling.append(weighed.max() if weighed.size else 1.0)
    return np.stack(columns, axis=1), floor, ceiling, ew


def interval_percents(confidence: float) -> tuple[float, float]:
    """The percentiles of a two-sided `confidence` interval: (2.5, 97.5) for 0.95. Rounded, as float arithmetic
    gives 2.500000000000002 for 100 * (1 - 0.95) / 2: np.percentile then blends a sliver of the next resample into
    a low end that should be one resample exactly (with 1001 resamples, or 41), and a paired difference of exactly 0
    there came out as 7e-17, above 0, ranking two tied entries apart."""
    low = round(100 * (1 - confidence) / 2, 9)
    return low, round(100 - low, 9)


#: Columns (entries x metrics) whose interval ends `_bootstrap` takes at once: a copy of 50 columns of 100,000
#: resamples is 40 MB.
_PERCENTILE_COLUMNS = 50


def _bootstrap(entries: Sequence[dict[str, Any]], n_tasks: int, samples: int, seed: int, confidence: float, *,
               columns: Sequence[Any] | None = None,
               resamples: _Resamples | None = None) -> tuple[list[dict[str, tuple[float, float]]], list[Any]]:
    """Per-entry metric intervals and each entry's resampled AS (for paired differences).

    A resample is a vector of task counts, so every weighted sum over every resample of every entry is one
    matrix product: counts (samples x tasks) @ per-task contributions (tasks x entries*metrics). `columns` (each
    entry's `_entry_columns`) and `resamples` (of these `n_tasks`, `samples` and `seed`) may be made beforehand.
    """
    import numpy as np

    if not entries:
        return [], []
    keys = ("sequence_score", "action_score", "click_penalty", "key_penalty", "write_penalty")
    if columns is None:
        columns = [_entry_columns(e["tasks"]) for e in entries]
    floor = [v for c in columns for v in c[1]]
    ceiling = [v for c in columns for v in c[2]]
    w = columns[0][3]
    per_task = np.concatenate([c[0] for c in columns], axis=1)  # tasks x (entries * metrics)
    sums = np.empty((samples, per_task.shape[1]))
    denom = np.empty(samples)
    for start, counts in resamples if resamples is not None else _Resamples(n_tasks, samples, seed):
        rows = counts.shape[0]
        sums[start:start + rows] = counts @ per_task
        denom[start:start + rows] = counts @ w
    denom[denom == 0] = 1.0
    # Every metric is a weighted mean of its per-task values, so it lies between their least and greatest: the clip
    # only removes float noise (0.9999999999999987 for an entry that solves every task, whose interval must be
    # [1, 1] and hold its score). Both in place: samples x entries x 5 doubles is 4 MB an entry at 100,000
    # resamples, and a copy for each step made it 12.
    stats = sums
    stats /= denom[:, None]
    np.clip(stats, np.asarray(floor), np.asarray(ceiling), out=stats)
    # np.percentile partitions a copy of what it is given: a block of columns at a time (each column's ends are its
    # own, whatever the block).
    pcts = interval_percents(confidence)
    lows, highs = np.empty(stats.shape[1]), np.empty(stats.shape[1])
    for c in range(0, stats.shape[1], _PERCENTILE_COLUMNS):
        lows[c:c + _PERCENTILE_COLUMNS], highs[c:c + _PERCENTILE_COLUMNS] = np.percentile(
            stats[:, c:c + _PERCENTILE_COLUMNS], pcts, axis=0)
    cis, as_samples = [], []
    for i in range(len(entries)):
        base = i * len(keys)
        cis.append({k: (float(lows[base + j]), float(highs[base + j])) for j, k in enumerate(keys)})
        as_samples.append(stats[:, base + 1])
    return cis, as_samples


def _metadata_of(sources: Sequence[Any]) -> set[str]:
    """The real paths of the metadata files that speak for the prediction files among `sources`."""
    out = set()
    for src in sources:
        if isinstance(src, Submission) or str(src).endswith(".meta.json") or not os.path.isfile(src):
            continue
        with suppress(UserError, OSError):  # (what is wrong with it is reported when the source is read)
            meta = meta_beside(Path(src))
            if meta is not None:
                out.add(os.path.realpath(meta))
    return out


def _ranks(as_samples: Sequence[Any], confidence: float) -> tuple[list[int], list[bool]]:
    """Each entry's rank and whether it is tied with the entry above, the entries in board order (AS, best first).

    The rank is one more than the number of entries above it that are significantly better (the paired bootstrap
    interval of the AS difference lies above 0), and never better than the rank above it: ranks made from neighbour
    ties would chain, as on a long board every entry is within noise of the next, and the last would share the
    first one's rank. Tied means what it says of the two neighbours only: the paired interval of their AS
    difference includes 0 (so an entry can be tied with the one above and still ranked below it, when an entry
    higher up is significantly better than it but not than its neighbour)."""
    import numpy as np

    if not as_samples:
        return [], []
    stats = np.stack(as_samples, axis=1)  # samples x entries
    by_entry = np.ascontiguousarray(stats.T)  # (each entry's resamples side by side in memory: counted a third faster)
    q, high_q = interval_percents(confidence)
    low = int(np.floor(q / 100 * (stats.shape[0] - 1)))  # the order statistic np.percentile starts from
    ranks = [1]
    for pos in range(1, stats.shape[1]):
        # The interval's low end (np.percentile's, interpolated) is above 0 when at most `low` resamples have a
        # difference <= 0; with exactly one more, only the interpolation can tell. Counting needs no sort.
        not_above = np.count_nonzero(by_entry[:pos] <= by_entry[pos], axis=1)
        better = int(np.count_nonzero(not_above <= low))
        edge = np.flatnonzero(not_above == low + 1)
        if edge.size:
            diff = stats[:, edge] - stats[:, pos:pos + 1]
            better += int(np.count_nonzero(np.percentile(diff, q, axis=0) > 0))
        ranks.append(max(ranks[-1], 1 + better))
    diff = stats[:, :-1] - stats[:, 1:]  # each entry's neighbour above minus the entry
    low_end, high_end = np.percentile(diff, [q, high_q], axis=0) if diff.size else ([], [])
    tied = [False, *(bool(lo <= 0 <= hi) for lo, hi in zip(low_end, high_end))]
    return ranks, tied


# --------------------------------------------------------------------------------------------------------


def build_leaderboard(ds: Dataset, sources: Iterable[str | os.PathLike | Submission], *, mode: str = "reference",
                      samples: int = 1000, seed: int = 0, confidence: float = 0.95, workers: int = 1,
                      cache_dir: str | os.PathLike | None = None, progress: Any = None, pool: Any = None) -> Leaderboard:
    """Score every submission (from the cache where it can) and rank them by action score.

    A source is a prediction file or run directory, or a `Submission` already found. Submissions are scored in
    this process, in `workers` local processes, or on `pool` (anything with ``map_unordered(fn, items)``, e.g.
    `omniact.ray_executor.RayPool`).

    A source that is not a readable submission, or whose prediction file is broken, is reported in
    `rejected` and left out; it never stops the others. `progress(source)` is called once per source when it is
    settled: left out, read from the cache, or scored.
    """
    if isinstance(sources, (str, os.PathLike)):  # one submission, not the characters of its name
        sources = [sources]
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise UserError(f"samples must be a whole number of bootstrap resamples of at least 1, not {samples!r}")
    if not 0 < confidence < 1:
        raise UserError(f"confidence must be a fraction between 0 and 1 (0.95), not {confidence!r}")
    from omniact.process_pool import fork_is_safe

    if cache_dir is not None:
        cache_dir = Path(cache_dir)  # (a string too, as every other path of this API)
    own: list[_ProcessPool] = []
    sources = list(sources)

    def start_pool() -> _ProcessPool | None:
        # Checked again as the pool starts: a thread started since the call began (a `progress` callback's, such
        # as a progress bar's refresh thread) would be forked beside, its locks held in every worker. Then every
        # submission is scored in this process.
        if not fork_is_safe():
            return None
        # (no more processes than submissions: each prepares the gold, for nothing without one to score)
        own.append(_ProcessPool(min(workers, len(sources)), ds))
        return own[0]

    try:
        return _scored_board(ds, sources, mode, samples, seed, confidence, cache_dir, progress, pool,
                             start_pool=start_pool if pool is None and min(workers, len(sources)) > 1
                             and fork_is_safe() else None,
                             cache_here=pool is not None and cache_dir is not None)
    except BaseException as e:
        for p in own:
            p.close(e)
        raise
    finally:
        for p in own:
            p.close()  # (ended already, once the last result was in, unless nothing was scored)


def _scored_board(ds: Dataset, sources: list[Any], mode: str, samples: int, seed: int, confidence: float,
                  cache_dir: Path | None, progress: Any, pool: Any, *, start_pool: Callable[[], Any] | None,
                  cache_here: bool) -> Leaderboard:
    """`build_leaderboard`'s work, its arguments checked, on `pool` if any (`cache_here`: a caller's pool, whose
    results are cached by this process). `start_pool()` makes a local pool, at the first submission that is not
    in the cache: its workers prepare the gold while the rest are read and hashed here."""
    import scoring

    version = scoring.SCORER_VERSION
    subs: list[Submission] = []
    rejected: list[Rejected] = []
    repeated: list[Rejected] = []
    given: dict[str, str] = {}  # each prediction file's real path -> the source that named it first
    beside = _metadata_of(sources)
    for src in sources:
        if not isinstance(src, Submission) and str(src).endswith(".meta.json") and os.path.isfile(src):
            # `subs/*.json*` also matches the metadata files: each is read with its prediction file, not ranked
            if os.path.realpath(src) not in beside:
                rejected.append(Rejected(str(src), "a metadata file, not predictions: give the prediction file it "
                                                   "describes (beside it, of the same name), which is read with it"))
            if progress:
                progress(src)
            continue
        try:
            sub = src if isinstance(src, Submission) else find_submission(Path(src))
        except UserError as e:
            rejected.append(Rejected(str(src), str(e)))
            if progress:
                progress(src)
            continue
        split = sub.meta.get("_split")
        if split is not None and split != ds.split:
            rejected.append(Rejected(sub.source, f"a run on split {split!r}, not {ds.split!r}: give it with --split "
                                                 f"{shell_quote(str(sub.meta.get('_split_given') or split))}"))
            if progress:
                progress(src)
            continue
        key = os.path.realpath(sub.predictions)
        if key in given:
            # Overlapping globs (`subs/*.jsonl subs/mine.jsonl`): one submission, ranked once, not tied with itself.
            # The file itself is kept over a symbolic link to it named first: its metadata file is beside it.
            first = next(i for i, s in enumerate(subs) if os.path.realpath(s.predictions) == key)
            if os.path.islink(subs[first].predictions) and not os.path.islink(sub.predictions):
                sub, subs[first] = subs[first], sub
                given[key] = subs[first].source
            if sub.source != given[key]:  # (the very same name twice, overlapping globs: nothing to say)
                repeated.append(Rejected(sub.source, f"the same predictions as {given[key]}, given again: ranked once"))
            if progress:
                progress(src)
            continue
        given[key] = sub.source
        subs.append(sub)
        if pool is None and start_pool is not None and (
                cache_dir is None or not _cache_path(cache_dir, sub, ds.sha256, mode, version).is_file()):
            pool = start_pool()
    subs = _unique_names(subs)
    results: dict[int, dict[str, Any]] = {}
    todo: list[int] = []
    for i, sub in enumerate(subs):
        cached = None
        if cache_dir is not None:
            cached = _load_cached(_cache_path(cache_dir, sub, ds.sha256, mode, version))
        if cached is not None:
            results[i] = cached
            if progress:
                progress(sub)
        else:
            todo.append(i)
    if pool is None and start_pool is not None and todo:
        # A cache file there but not this version's (an earlier format's, another Python's, truncated): scored
        # again, by the pool too.
        pool = start_pool()
    # A result is cached by the process that scores it, unless that is a caller's pool (a Ray cluster's machines
    # need not see this one's files): this process caches those as they arrive (`cache_here`).

    def cache_file(i: int) -> str | None:
        if cache_dir is None or cache_here:
            return None
        return str(_cache_path(cache_dir, subs[i], ds.sha256, mode, version))

    jobs = [(i, subs[i], mode, str(ds.root), ds.split, ds.sha256, cache_file(i)) for i in todo]
    if pool is None:
        if jobs:  # (every submission cached: the gold side is not prepared for nothing)
            _init_worker(ds)
        outputs: Iterable[tuple[int, dict[str, Any]]] = map(_score_job, jobs)
    else:
        outputs = pool.map_unordered(_score_job, jobs)
    # The cyclic collector is paused until the board is built: it would start after each submission and walk
    # everything kept so far (the prepared gold, every answer remembered, every result) again and again, for
    # nothing (no cycles among them: reference counting frees what goes). A pool's forked workers inherit the
    # pause, and so score as this process would (their collections also wrote to every inherited page they
    # walked, copying it).
    n_tasks = len(ds.tasks)
    resamples = _Resamples(n_tasks, samples, seed)
    columns: dict[int, Any] = {}  # each good result's `_entry_columns`, made as it arrives
    unsummed: list[dict[str, Any]] = []  # results whose breakdown is summed once `_FILL_BLOCK` are in
    groups: list[Any] = []  # the split's breakdown groups, once needed

    def fill(block: list[dict[str, Any]]) -> None:
        if not groups:
            groups.append(_breakdown_groups(ds, cache_dir, version))
        _fill_breakdowns(block, groups[0], n_tasks)

    with paused_gc():
        try:
            for i, result in outputs:
                results[i] = result
                # Each result's part of the bootstrap is made as it arrives, between the submissions this process
                # scores itself (all of them without a pool), and its breakdown with the others of its block.
                if "error" not in result:
                    if cache_here:
                        _store_cached(_cache_path(cache_dir, subs[i], ds.sha256, mode, version), result)  # type: ignore[arg-type]
                    columns[i] = _entry_columns(result["tasks"])
                    if result["score"].get("breakdown") is None:
                        unsummed.append(result)
                        if len(unsummed) == _FILL_BLOCK:
                            fill(unsummed)
                            unsummed.clear()
                resamples.draw_ahead()
                if progress:
                    progress(subs[i])
        finally:
            # Stopped between two results (Ctrl-C, a progress callback's error): a pool's generator ends its workers
            # now, not when the traceback that holds it is collected.
            close = getattr(outputs, "close", None)
            if close is not None:
                close()

        good: list[tuple[Submission, dict[str, Any]]] = []
        good_columns = []
        for i, sub in enumerate(subs):
            r = results[i]
            if "error" in r:
                rejected.append(Rejected(sub.source, r["error"]))
            else:
                good.append((sub, r))
                good_columns.append(columns[i] if i in columns else _entry_columns(r["tasks"]))  # else: cached
        if any(r["score"].get("breakdown") is None for _, r in good):  # (the last block, and those from the cache)
            fill([r for _, r in good])
        cis, as_samples = _bootstrap([r for _, r in good], n_tasks, samples, seed, confidence, columns=good_columns,
                                     resamples=resamples)
        import numpy as np

        raw = []
        for (sub, r), ci, samp in zip(good, cis, as_samples):
            s = r["score"]
            tasks = TaskColumns(r["tasks"])
            scored = tasks.array("s")[tasks.array("w") > 0]
            exact = int(np.count_nonzero(scored >= 1.0 - 1e-12)) / scored.size if scored.size else 0.0
            match = None if sub.dataset_sha256 is None else sub.dataset_sha256 == ds.sha256
            raw.append((sub, s, ci, exact, tasks, samp, match))
        raw.sort(key=lambda t: (-t[1]["action_score"], -t[1]["sequence_score"], t[0].name))
        entries: list[Entry] = []
        ranks, ties = _ranks([t[5] for t in raw], confidence)
        for (sub, s, ci, exact, tasks, _, match), rank, tied in zip(raw, ranks, ties):
            entries.append(Entry(sub.name, sub, s, ci, exact, tasks, rank, tied, match))
        used: set[str] = set()
        if cache_dir is not None:
            cache_dir = Path(cache_dir)
            used = {_cache_path(cache_dir, sub, ds.sha256, mode, version).name for sub in subs}
            used.add(_groups_path(cache_dir, ds.sha256, version).name)
            # a report's restricted predictions live in its cache folder: used while the run's report uses them
            here = os.path.abspath(cache_dir)
            used |= {sub.predictions.name for sub in subs if os.path.abspath(sub.predictions.parent) == here}
        return Leaderboard(dataset=ds.describe(), mode=mode, scorer_version=version, entries=tuple(entries),
                           rejected=tuple(rejected),
                           bootstrap={"samples": samples, "seed": seed, "confidence": confidence},
                           task_ids=tuple(task_id for task_id, _, _ in task_labels(ds)), scored_now=sum("error" not in results[i] for i in todo),
                           from_cache=len(subs) - len(todo),
                           scored_sources=tuple(subs[i].source for i in todo if "error" not in results[i]),
                           cache_dir=cache_dir, cache_used=frozenset(used), repeated=tuple(repeated))


def _unique_names(subs: Sequence[Submission]) -> list[Submission]:
    """The submissions, a name shared with an earlier one made unique with the smallest " (k)" that no submission
    is called, as given or as renamed here: a submitter may name theirs "dup (2)" when two others are "dup", and
    must not take the second one's name (and with it, the place of its row, page and scripts)."""
    given = {sub.name for sub in subs}
    taken: set[str] = set()
    # Per name, the k to try next: names are only ever added to `taken`, so the smallest free k of a name never
    # goes down, and each repeat starts where the last one stopped (a thousand "dup" were a million tries).
    next_k: dict[str, int] = {}
    out = []
    for sub in subs:
        name = sub.name
        if name in taken:
            k = next_k.get(name, 2)
            while (candidate := f"{sub.name} ({k})") in given or candidate in taken:
                k += 1
            next_k[name] = k + 1
            name = candidate
            sub = replace(sub, name=name)
        taken.add(name)
        out.append(sub)
    return out


#: Marks a folder as a site `write_site` wrote (JSON: which kind, and every page and screenshot it wrote), so that
#: writing it again removes only what the earlier site wrote and this one has not.
SITE_MARKER = ".omniact-site"
# What a site folder holds besides its marker: a build stopped before the marker was written leaves some of these.
_SITE_NAMES = frozenset({"index.html", "leaderboard.json", "leaderboard.csv", "leaderboard.md", "entries", "tasks",
                         "img", "assets"})
# The folders a site writes into and removes stale files from (and the score cache); assets/ holds its shared CSS
# and JS (omniact.report.assets).
_SITE_FOLDERS = ("entries", "tasks", "img", "assets", ".cache")


def site_marker(out: Path) -> dict[str, Any] | None:
    """What the marker of the site in `out` says ({"kind", "files"}); {} for an earlier version's marker (text);
    None when `out` holds no marked site."""
    import json

    try:
        data = (out / SITE_MARKER).read_bytes()
    except OSError:
        return None
    try:
        marker = json.loads(data)
    except (ValueError, RecursionError):
        return {}
    return marker if isinstance(marker, dict) else {}


def _check_site_folder(out: Path, kind: str) -> None:
    """Refuse `out` for a site of `kind` ("leaderboard" or "report") when writing it there would replace or remove
    what is not an omniact site's: a folder of the user's own files (an index.html, a photo in img/), a site folder
    that is a symbolic link (pages would be written, and stale ones removed, in the folder it points to), or a site
    of the other kind."""
    if not out.is_dir():
        return
    for name in _SITE_FOLDERS:
        if (out / name).is_symlink():
            raise UserError(f"{name} is a symbolic link: the {kind} would write (and remove stale files) where it "
                            f"points; make it a folder, or give the {kind} another --out", file=str(out / name))
    marker = site_marker(out)
    if marker is None:
        try:
            names = sorted(e.name for e in os.scandir(out) if not e.name.startswith("."))
        except OSError:
            return  # unreadable: writing there says why
        foreign = [n for n in names if n not in _SITE_NAMES]
        if foreign or (names and _published_split(out) is None):
            shown = foreign[0] if foreign else "index.html" if "index.html" in names else names[0]
            raise UserError(f"this folder holds files that are not an omniact site's ({shown}): the {kind} would "
                            f"replace or remove them; give it a new or empty folder with --out", file=str(out))
        return
    other = marker.get("kind")
    if other in ("leaderboard", "report") and other != kind:
        raise UserError(f"this folder holds a {other}, which the {kind} would replace: give the {kind} another "
                        f"--out, or remove {out} first", file=str(out))


def _published_split(out: Path) -> str | None:
    """The split of the leaderboard.json in `out`, when it is one omniact wrote; else None."""
    import json

    try:
        split = json.loads((out / "leaderboard.json").read_bytes())["dataset"]["split"]
    except (OSError, ValueError, RecursionError, TypeError, KeyError):
        return None
    return split if isinstance(split, str) else None


def check_out(out: Path, ds: Dataset) -> None:
    """Refuse `out` before anything is scored when writing the board there would be a mistake: it is a file, it
    holds what is not an omniact site (see `_check_site_folder`) or a report, or it holds the published leaderboard
    of another split (which the new one would replace, pages and all)."""
    if out.exists() and not out.is_dir():
        raise UserError("is a file, not a folder: give a folder for the leaderboard with --out", file=str(out))
    _check_site_folder(out, "leaderboard")
    split = _published_split(out)  # None: none there (or not ours to read), nothing to keep
    if split is not None and split != ds.split:
        raise UserError(f"this folder holds the leaderboard of split {split!r}: give another --out for split "
                        f"{ds.split!r}, or remove {out} first", file=str(out / "leaderboard.json"))


def check_report_out(out: Path) -> None:
    """Refuse `out` for one run's report when it holds a published leaderboard: the report would replace its index,
    tables and every other entry's page (a report is written to a folder of its own)."""
    _check_site_folder(out, "report")
    try:
        with open(out / "index.html", "rb") as f:
            head = f.read(1 << 20)
    except OSError:
        return  # no site there (or not ours to read): nothing to keep
    if b"<table id=leaderboard " in head:  # an earlier version's site, whose marker did not say its kind
        raise UserError("this folder holds a leaderboard, which the report would replace: give the report another "
                        f"--out, or remove {out} first", file=str(out / "index.html"))


def table_texts(board: Leaderboard) -> list[tuple[str, bytes]]:
    """leaderboard.json, leaderboard.csv and leaderboard.md: each file's name and bytes, whatever text the entries
    hold (see `omniact.report.escape`)."""
    return [("leaderboard.json", json_bytes(board.to_json(), indent=2) + b"\n"),
            ("leaderboard.csv", text_bytes(board.to_csv())), ("leaderboard.md", text_bytes(board.to_markdown()))]


def write_tables(board: Leaderboard, out: str | os.PathLike,
                 texts: Sequence[tuple[str, bytes]] | None = None) -> list[Path]:
    """leaderboard.json, leaderboard.csv and leaderboard.md, each written atomically (`texts`: their
    `table_texts`, when made already)."""
    out = Path(out)
    paths = []
    for name, data in table_texts(board) if texts is None else texts:
        with atomic_file(out / name) as f:
            f.write(data)
        paths.append(out / name)
    return paths

