"""Scoring a split afresh on every core: the split's tasks are dealt into parts by screen, each part loaded,
prepared and judged by a process of its own, and the parts put together in split order.

A first run (no gold cache yet) spends most of its time reading 20,000 task files and working out their gold
plans, one task after another: work that splits cleanly, since a task's result depends on its own files only. The
first part is done by the command's process, each other part by a child forked from it once the split file is read
(the children share the imported modules and the split's entries, and start at once). A child sends back its
judgement, what it read for the split's hash and the state of its files as soon as its part is judged (and says so
down a pipe); the sums are then made over the whole split, in task order, so the result is the one a single process
gets, to the last digit (tests/scoring/test_scoring_split_parts.py). Meanwhile the child freezes its part of the
prepared gold (the values the gold cache keeps), read once it has ended, when a cache entry is to be written or the
gold may be asked for (`score(..., gold_after=False)`: neither, the child ends at once). A child that fails in any
way other than a problem with the data before its results are in has its part done again by the command's process;
one that fails freezing its gold costs the cache entry, not the score.

The score needs little of the gold (each task's id, weight and groups): a part's prepared gold travels frozen, as
marshal bytes, and stays so. The gold cache's entry keeps each part as its process froze it, and the whole gold
is joined only when asked for (`gold()`: the score's table, which says why tasks did not match). The split's hash is
made in a thread while the totals are summed.

Only on systems with fork, on splits of `MIN_TASKS` or more, and never in a process that runs threads.
"""

from __future__ import annotations

import marshal
import mmap
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Collection, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from omniact.dataset import (
    LogItem,
    SplitPart,
    hash_pieces,
    paused_gc,
    read_split_file,
    source_files,
    split_name,
)
from omniact.errors import DataError, UserError
from scoring import gold_cache
from scoring.gold import GoldSums, PreparedGold, joined, joined_sums, prepare
from scoring.gold_cache import freeze, thaw
from scoring.gold_cache import stats as gold_stats
from scoring.result import MODES, Score
from scoring.scorer import Judged, judge, total

__all__ = ["MIN_TASKS", "Pending", "Ready", "SplitParts", "parts_for"]

#: Below this many tasks a split is loaded in one process: a fork and the results' round trip cost more than
#: the part saves (a 2,000-task split loads in about 0.05 s).
MIN_TASKS = 4000
#: Cut a split no finer than this many tasks a part.
_MIN_PART = 2000
#: What this process does besides its part when a cache entry is to be written, as a share of the split's tasks:
#: its part is smaller by as much (with two processes on 20,000 tasks, 9,800 against 10,200), so that the parts end
#: together. This process reads the predictions while the children start, and freezes its part for the cache; a
#: child sends its results, and freezes its part after. Without an entry to write (a first run, --no-cache), reading
#: the predictions here takes about as long as a child's sending its results: the parts are even. (Measured on the
#: bench's split, by when this process had the child's results: 2% and 0 were the shares at which it waited least.)
_HEAD_START = 0.02


def parts_for(n_tasks: int, workers: int | None) -> int:
    """How many processes load a split of `n_tasks`: `workers` when given (at most one per `_MIN_PART` tasks),
    else one per usable core (at most 2) on a split of `MIN_TASKS` or more; 1 without fork or beside threads."""
    from omniact.process_pool import fork_is_safe, usable_cores

    if not fork_is_safe():
        return 1
    if workers is None:
        if n_tasks < MIN_TASKS:
            return 1
        workers = min(usable_cores(), 2)
    return max(1, min(workers, n_tasks // _MIN_PART))


class Pending:
    """A split's gold side on its way: `ids` are its task ids (known as soon as the split file is read), `gold()`
    the prepared gold, `score()` a prediction set's Score with it, `update()` the gold cache's entry written."""

    ids: Collection[str]

    def gold(self) -> PreparedGold:
        raise NotImplementedError

    def score(self, scripts: Mapping[str, object], mode: str, *, gold_after: bool = True) -> Score:
        """The Score of `scripts`. `gold_after` False: `gold()` will not be asked for after (a child then leaves
        its part's gold unkept when no cache entry is to be written; asked for all the same, the part is loaded
        again)."""
        raise NotImplementedError

    def update(self) -> None:
        """Write the gold cache's entry for the split, with what scoring worked out (see `gold_cache.update`)."""

    def close(self) -> None:
        """Stop what is still running (the children of a command that stops early)."""


class Ready(Pending):
    """Gold already prepared (read from the cache, or loaded in one process)."""

    def __init__(self, gold: PreparedGold) -> None:
        self._gold = gold
        self.ids = gold.index

    def gold(self) -> PreparedGold:
        return self._gold

    def score(self, scripts: Mapping[str, object], mode: str, *, gold_after: bool = True) -> Score:
        import scoring

        return scoring.score(self._gold, scripts, mode)

    def update(self) -> None:
        gold_cache.update(self._gold)


@dataclass
class _Child:
    pid: int
    results: int  # the file (in memory where it can be) the child writes its results to, read once it says so
    scripts: int  # write end of the pipe the parent sends the predictions down
    positions: list[int]
    ready: int  # read end of a pipe the child writes a byte down once its results are in `results`
    frozen: int  # the file the child then writes its part's gold to, frozen for the cache, read once it has ended
    sender: threading.Thread | None = None
    collected: bool = False  # its results read: it is freezing its gold, or has ended


@dataclass(frozen=True)
class _Part:
    """One part's results, however they were made (`error`: the first broken entry's, with the others None)."""

    positions: list[int]
    error: UserError | None
    sums: GoldSums | None = None  # what the totals take of the part's gold
    gold: PreparedGold | None = None  # None for a child's part until `prepared()` thaws it from `frozen`
    judged: Judged | None = None
    log: list[LogItem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    stats: list | None = None
    frozen: bytes | None = None  # `freeze(gold)` as marshal bytes, for the gold cache's entry
    child: _Child | None = None  # the child still freezing this part's gold (see `SplitParts._frozen_by`)

    def prepared(self) -> PreparedGold:
        if self.gold is not None:
            return self.gold
        with paused_gc():
            return thaw(marshal.loads(self.frozen))  # type: ignore[arg-type]  # noqa: S302 - our own child's


class SplitParts(Pending):
    """A split loaded, prepared and judged in `n` parts (whole screens each, see `_deal`): the first by this process,
    the others by children started here, which load their parts while this process reads the predictions."""

    def __init__(self, root: str | os.PathLike | None, split: str | os.PathLike, n: int | None = None, *,
                 cache: tuple[Path, dict[str, str]] | None = None) -> None:
        """`n` processes (None: `parts_for`); `cache`: the gold cache entry (and its header) the prepared gold is
        to be written to by `scoring.gold_cache.update`."""
        self._started = time.time_ns()
        self.root, self.split_path, raw, index = read_split_file(root, split)
        self._split = split
        self._raw = raw
        self.ids = index
        self._cache = cache
        self._items = list(index.items())
        self._positions = _deal(self._items, parts_for(len(self._items), n), _HEAD_START if cache is not None else 0.0)
        self._children: list[_Child] = []
        # Once the parts are in: their totals' side joined, the parts, the gold joined whole (when asked for), the
        # gold cache's entry to write and how many strict plans the parts had worked out.
        self._sums: GoldSums | None = None
        self._parts: list[_Part] = []
        self._gold: PreparedGold | None = None
        self._pending: tuple | None = None
        self._n_strict = 0
        self._hasher: _SplitHash | None = None  # the split's hash, still being made once the parts are in
        self._written: tuple[Path, dict[str, Any]] | None = None  # the parts' cache entry and its header, once written
        try:
            for positions in self._positions[1:]:
                if not self._fork(positions):
                    break  # no process could be started: this one does the rest
        except BaseException:  # Ctrl-C while children start: the caller has no object yet to close
            self.close()
            raise

    def _fork(self, positions: list[int]) -> bool:
        """Start a child for the part at `positions`, in `_children` before Ctrl-C or SIGTERM can stop this process
        (False: no process could be started)."""
        files: list[int] = []
        for _ in range(2):
            fd = _results_file()
            if fd is None:
                for opened in files:
                    os.close(opened)
                return False
            files.append(fd)
        results, frozen = files
        try:
            scripts_r, scripts_w = os.pipe()
        except OSError:
            os.close(results)
            os.close(frozen)
            return False
        try:
            ready_r, ready_w = os.pipe()
        except OSError:
            for fd in (results, frozen, scripts_r, scripts_w):
                os.close(fd)
            return False
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                try:
                    stream.flush()  # or the child's copy of a buffer could be written twice
                except (OSError, ValueError):
                    pass
        # Ctrl-C and SIGTERM are held from before the fork until the child is in `_children`: one that came while
        # the fork ran was handled as it returned, losing the pid (the child, never killed, loaded its part after
        # the command had ended); and the child ignores Ctrl-C before it can see one.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, ())  # the mask as it is (nothing to undo if a stop comes now)
        try:
            signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
            try:
                pid = os.fork()
            except OSError:
                for fd in (results, frozen, scripts_r, scripts_w, ready_r, ready_w):
                    os.close(fd)
                return False
            if pid == 0:  # the child: never returns
                try:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it kills the children
                    signal.pthread_sigmask(signal.SIG_SETMASK, held)
                    os.close(scripts_w)
                    os.close(ready_r)
                    for other in self._children:  # or an earlier child would never see the end of its predictions
                        for fd in (other.results, other.scripts, other.ready, other.frozen):
                            os.close(fd)
                    _child_main(self, positions, scripts_r, results, ready_w, frozen)
                finally:
                    os._exit(1)  # (never the parent's clean-up, nor its line on stderr)
            os.close(scripts_r)
            os.close(ready_w)  # (so that a child that dies is seen: the pipe ends with no byte)
            self._children.append(_Child(pid, results, scripts_w, positions, ready_r, frozen))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a stop that came meanwhile is raised here
        return True

    def _part(self, positions: list[int], scripts: Mapping[str, object] | None, mode: str) -> _Part:
        """Load, prepare and judge the entries at `positions` (in this process)."""
        items = self._items
        with paused_gc():
            part = SplitPart.load(self.root, self.split_path, [items[g] for g in positions],
                                  states=self._cache is not None, boxes_only=True)
            if part.error is not None:
                return _Part(positions[len(part.rows):], part.error)
            ds = part.dataset(self._split)
            gold = prepare(ds)
            files, absent, stats = [], [], None
            if self._cache is not None:  # (what the cache entry is checked against: nothing to send without one)
                files, absent = source_files(ds)
                files = files[1:]  # the split file, named once for all parts
                stats = gold_stats(files, part.states)
            log = part.log
            # The tasks go before the judging (the gold holds what scoring needs of them): their memory, the parsed
            # box files' above all, is then the judging's, instead of pages new to this process.
            del part, ds
            judged = None if scripts is None else judge(gold, scripts, mode)
        return _Part(positions, None, GoldSums.of(gold), gold, judged, log, files, absent, stats)

    def gold(self) -> PreparedGold:
        """The split's prepared gold, joined from the parts' when first asked for (the score needs less)."""
        if self._gold is None:
            sums = self._finish(None, "reference")[0]
            self._hashed()
            self._all_frozen()
            # A child that could not freeze its part's gold: the part is loaded here. (A part this process holds
            # is not frozen without a cache, nor one done here for a failed child without an entry to write.)
            self._parts = [p if p.gold is not None or p.frozen is not None
                           else self._part(p.positions, None, "reference") for p in self._parts]
            with paused_gc():
                self._gold = joined([(p.prepared(), p.positions) for p in self._parts], sums.dataset, sums=sums)
            self._n_strict = len(self._gold.__dict__.get("_strict", ()))
            if self._written is not None:  # the parts' entry, written before the gold was asked for
                gold_cache.remember_entry(self._gold, *self._written, self._n_strict)
        return self._gold

    def score(self, scripts: Mapping[str, object], mode: str, *, gold_after: bool = True) -> Score:
        if mode not in MODES:
            raise UserError(f"unknown scoring mode {mode!r} (choose {' or '.join(MODES)})")
        sums, judged = self._finish(scripts, mode, gold_after)
        with paused_gc():
            if judged is None:  # the gold was asked for before, without predictions: judged here, in one process
                gold = self.gold()
                return total(gold, mode, judge(gold, scripts, mode))
            result = total(sums, mode, judged)  # while the split's hash is made
        self._hashed()
        return replace(result, dataset=dict(sums.dataset))  # type: ignore[arg-type]

    def update(self) -> None:
        self._finish(None, "reference")  # (the parts, when nothing was scored: a DataError is raised here)
        self._hashed()
        pending, self._pending = self._pending, None
        gold = self._gold
        if pending is None:  # written already (or not to be): rewritten when scoring added strict plans since
            if gold is not None:
                gold_cache.update(gold)
        elif gold is not None and len(gold.__dict__.get("_strict", ())) > self._n_strict:
            gold_cache.write(gold, *pending)  # strict plans worked out on the whole gold: it is written whole
        elif self._all_frozen():  # (else a child could not freeze its part: no entry, the next run makes one)
            parts = [(p.positions, p.frozen) for p in self._parts]
            header = gold_cache.write_parts(*pending, parts, self._sums.dataset)  # type: ignore[misc, union-attr]
            if header is not None:  # rewritten by a later `update` if scoring on the whole gold adds strict plans
                self._written = (pending[0], header)
                if gold is not None:
                    gold_cache.remember_entry(gold, *self._written, self._n_strict)

    def _finish(self, scripts: Mapping[str, object] | None, mode: str,
                gold_after: bool = True) -> tuple[GoldSums, Judged | None]:
        if self._sums is not None:
            return self._sums, None
        try:
            payload = marshal.dumps(None if scripts is None else (dict(scripts), mode, gold_after))
        except ValueError:  # a value marshal cannot write (nested too deeply): every part is judged here, after
            payload, scripts = marshal.dumps(None), None
        for child in self._children:
            if child.collected:  # its results read by a call stopped after (Ctrl-C): gone with it, done here
                _end_child(child)
            if child.pid:  # (not a child `close` ended: its part is done here)
                child.sender = _send(child.scripts, payload)
        # Kept here at once, so that `close` waits for it whatever stops this (Ctrl-C once the hash is under way).
        hasher = self._hasher = _SplitHash(self.split_path, self._raw)
        hashing = False
        try:
            parts = [self._part(self._positions[0], scripts, mode)]
            if self._cache is not None:  # (frozen now, while the children may still be at work)
                parts[0] = _frozen(parts[0])
            parts += (self._collect(child, scripts, mode) for child in self._children)
            # parts no child could be started for
            parts += (self._part(pos, scripts, mode) for pos in self._positions[len(self._children) + 1:])
            failed = [p for p in parts if p.error is not None]
            if failed:  # the first broken entry in split order, as one load would have stopped at
                raise min(failed, key=lambda p: p.positions[0]).error  # type: ignore[misc]
            hasher.add(SplitPart.entry_pieces([(p.positions, p.log) for p in parts]))
            dataset = {"root": str(self.root), "split": split_name(self._split, self.split_path),
                       "n_tasks": len(self._items), "sha256": ""}  # the hash, once made
            with paused_gc():
                sums = joined_sums([(p.sums, p.positions) for p in parts], dataset)  # type: ignore[misc]
                judged = None if scripts is None else Judged.joined([(p.judged, p.positions) for p in parts])  # type: ignore[misc]
            hashing = True
        finally:
            if not hashing:
                hasher.cancel()
                self._hasher = None
            self._end_children(keep_collected=hashing)
        if self._cache is not None:
            files = [str(self.split_path)] + [f for p in parts for f in p.files]
            states = None
            if all(p.stats is not None for p in parts):
                split_state = gold_stats([str(self.split_path)])
                if split_state is not None:
                    states = split_state + [s for p in parts for s in p.stats]  # type: ignore[union-attr]
            if states is not None:  # (else a file is gone: no entry is written)
                self._pending = (*self._cache, files, [a for p in parts for a in p.absent], self._started, states)
                parts = [_frozen(p) for p in parts]  # (a part done here for a child that failed)
        # The parts' judgement is of these predictions only: another `score` call is judged here, on the whole gold.
        self._sums, self._parts = sums, parts
        return sums, judged

    def _hashed(self) -> None:
        """Wait for the split's hash, and put it in the data set's description (where it is "" until then)."""
        if self._hasher is not None:
            self._sums.dataset["sha256"] = self._hasher.result()  # type: ignore[index, union-attr]
            self._hasher = None  # (kept while the hash raises: asked again, it raises again)

    def _collect(self, child: _Child, scripts: Mapping[str, object] | None, mode: str) -> _Part:
        if not child.pid:  # ended by `close` (and waited for): waiting on pid 0 would wait for any child at all
            return self._part(child.positions, scripts, mode)
        said = b""
        with suppress(OSError):
            said = os.read(child.ready, 1)  # its results are in; no byte: it ended without them
        _close(child, "ready")
        outcome = None
        if said:
            try:
                # Read where the child wrote it, without a copy (and without a pipe's 64 kB at a time, each a wait
                # for the child to write the next).
                with mmap.mmap(child.results, 0, access=mmap.ACCESS_READ) as data, paused_gc():
                    # a few hundred thousand tuples: collecting as they come cost 4 times the read
                    outcome = marshal.loads(data)  # noqa: S302 - from our own child, in a file of ours
            except (OSError, ValueError, EOFError, TypeError):  # (ValueError: an empty file, the child wrote nothing)
                outcome = None
        _close(child, "results")
        if not isinstance(outcome, tuple) or not outcome or outcome[0] != "ok":
            _end_child(child)  # (an error is its last word; anything else: killed, out of memory, a bug)
            if isinstance(outcome, tuple) and outcome and outcome[0] == "error":
                kind, message, file, line, task_id, at = outcome[1:]
                error = (DataError if kind == "DataError" else UserError)(message, file=file, line=line,
                                                                          task_id=task_id)
                return _Part(child.positions[at:], error)
            return self._part(child.positions, scripts, mode)  # its part is done here
        # The child goes on to freeze its part's gold for the cache, while the score is summed here.
        child.collected = True
        sums, judged, log, files, absent, stats = outcome[1:]
        with paused_gc():  # (the part's gold stays frozen until the whole gold is asked for)
            return _Part(child.positions, None, GoldSums(*sums), None,
                         None if judged is None else Judged.from_raw(judged), log, files, absent, stats, None,
                         child)

    def _frozen_by(self, part: _Part) -> _Part:
        """`part`, with its gold as its child froze it once the child has ended (`frozen` None: it failed to)."""
        child = part.child
        if child is None:
            return part
        frozen = None
        if child.pid:
            _, status = os.waitpid(child.pid, 0)
            child.pid = 0
            if status == 0:
                try:
                    with mmap.mmap(child.frozen, 0, access=mmap.ACCESS_READ) as data:
                        frozen = bytes(data)
                except (OSError, ValueError):  # (ValueError: an empty file)
                    frozen = None
        _end_child(child)  # (its file closed)
        return replace(part, frozen=frozen, child=None)

    def _all_frozen(self) -> bool:
        """Every part's gold frozen for the cache, each child's read once it has ended: False when one failed to."""
        self._parts = [self._frozen_by(p) for p in self._parts]
        return all(p.frozen is not None for p in self._parts)

    def close(self) -> None:
        try:
            self._all_frozen()  # children freezing their parts' gold: waited for (a few hundredths of a second)
        finally:  # (Ctrl-C while waiting: they are killed and waited for all the same, their files closed)
            self._end_children()
            if self._hasher is not None:
                # No thread outlives the parts: it ends soon, as the hash is all it does. (Only waited for: what it
                # raised is raised where the hash is asked for, not over an error `close` is called after.)
                self._hasher.join()

    def _end_children(self, keep_collected: bool = False) -> None:
        """Kill the children still at work (with `keep_collected`, not those whose results are in: they are
        freezing their gold for the cache, read by `_frozen_by`), and close what each was given."""
        for child in self._children:
            if not (keep_collected and child.collected):
                _end_child(child)
            _close(child, "results")
            _close(child, "ready")
            if child.sender is not None:
                child.sender.join()  # (it closes the predictions' pipe)
                child.sender = None
                child.scripts = -1
            else:  # closed before the predictions were sent: the pipe is closed here
                _close(child, "scripts")


#: What stops the command (Ctrl-C, SIGTERM): held while a child is started.
_STOPS = {signal.SIGINT, signal.SIGTERM}


def _end_child(child: _Child) -> None:
    """Kill `child` if it is still running (and wait for it), and close the file it freezes its gold to."""
    if child.pid:
        try:
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
        except OSError:
            pass
        child.pid = 0
    _close(child, "frozen")


def _close(child: _Child, name: str) -> None:
    """Close the child's descriptor `name`, forgotten first: a Ctrl-C raised as the close returns must not leave it
    to the next clean-up, whose second close failed with EBADF (a traceback instead of the one line)."""
    fd = getattr(child, name)
    if fd >= 0:
        setattr(child, name, -1)
        os.close(fd)


class _SplitHash:
    """The split's hash (`SplitPart.split_hash`), made in a thread beside this one's work (hashlib lets go of the
    GIL while it hashes): its split file at once, its entries' bytes once every part has sent them (`add`)."""

    def __init__(self, split_path: Path, raw: bytes) -> None:
        self._args = (split_path, raw)
        self._pieces: list[bytes] | None = None
        self._given = threading.Event()
        self._hexdigest = ""
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="omniact-split-hash", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            h = SplitPart.split_file_hash(*self._args)
            self._given.wait()
            if self._pieces is not None:
                hash_pieces(h, self._pieces)
                self._hexdigest = h.hexdigest()
        except BaseException as e:  # noqa: BLE001 - raised by `result`, where one load would have raised it
            self._error = e

    def add(self, pieces: list[bytes]) -> None:
        self._pieces = pieces
        self._given.set()

    def join(self) -> None:
        """Wait for the thread to end (the hash, or its error, is kept for `result`)."""
        self._thread.join()

    def result(self) -> str:
        """The hash; what the thread raised, raised here (a split file name that is not UTF-8), never an empty
        hash in its place."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._hexdigest

    def cancel(self) -> None:
        """End the thread without a hash (the load failed), and wait for it: no thread outlives the load."""
        self._given.set()
        self._thread.join()


def _frozen(part: _Part) -> _Part:
    """`part` with its gold frozen for the cache (see `_Part.frozen`)."""
    if part.frozen is not None or part.gold is None:
        return part
    with paused_gc():
        return replace(part, frozen=marshal.dumps(freeze(part.gold)))


def _deal(items: list[tuple[str, Any]], n: int, head_start: float = 0.0) -> list[list[int]]:
    """The split positions of each of `n` parts: whole screens (the tasks of one screenshot), each to the part
    with the fewest tasks so far, so that a screen's files are read by one process. The first part counts as
    `head_start` of the split bigger than it is (see `_HEAD_START`)."""
    if n <= 1:
        return [list(range(len(items)))]
    by_screen: dict[object, list[int]] = {}
    for g, (task_id, entry) in enumerate(items):  # (inline: a call a task cost a fifth more)
        image = entry.get("image") if type(entry) is dict else None
        by_screen.setdefault(image if type(image) is str else (None, task_id), []).append(g)
    parts: list[list[int]] = [[] for _ in range(n)]
    load = [0.0] * n
    load[0] = len(items) * head_start
    for group in by_screen.values():
        k = load.index(min(load))
        parts[k].extend(group)
        load[k] += len(group)
    return [sorted(p) for p in parts if p]


def _send(fd: int, data: bytes) -> threading.Thread:
    """Write `data` down the pipe `fd` and close it, from a thread: the child reads it only when its part is loaded,
    and a pipe holds 64 kB."""
    def run() -> None:
        try:
            _write(fd, data)
        except OSError:
            pass  # the child has gone: its part is done here
        finally:
            os.close(fd)

    t = threading.Thread(target=run, name="omniact-split-parts", daemon=True)
    t.start()
    return t


def _results_file() -> int | None:
    """A new file for a child's results, read by this process once the child has ended: in memory where the
    system has such files, else an unnamed temporary file; None when neither can be made."""
    try:
        if hasattr(os, "memfd_create"):
            return os.memfd_create("omniact-split-part", os.MFD_CLOEXEC)
    except OSError:
        pass  # (a kernel without it, or a sandbox that refuses it)
    try:
        fd, path = tempfile.mkstemp(prefix="omniact-split-part-")
    except OSError:
        return None
    with suppress(OSError):
        os.unlink(path)  # the open file stays readable; nothing is left behind, whatever happens next
    return fd


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _child_main(parts: SplitParts, positions: list[int], scripts_fd: int, results_fd: int, ready_fd: int,
                frozen_fd: int) -> None:
    """A child's whole life: load, prepare and judge its part, send the results (and say so down `ready_fd`), then
    freeze its part's gold for the cache while the parent sums the score, and leave without running any of the
    parent's exit handlers or flushing its buffers."""
    status = 1
    try:
        gold = None
        try:
            asked: Any = None
            loaded = parts._part(positions, None, "reference")  # judged below, once the predictions are here
            if loaded.error is not None:
                e = loaded.error
                out = marshal.dumps(("error", type(e).__name__, e.message, e.file, e.line, e.task_id,
                                     len(positions) - len(loaded.positions)))
            else:
                asked = marshal.loads(_read_all(scripts_fd))  # noqa: S302 - from our own parent
                judged = None
                if asked is not None:
                    with paused_gc():
                        judged = judge(loaded.gold, asked[0], asked[1]).to_raw()  # type: ignore[arg-type]
                with paused_gc():
                    # What the totals take of the part's gold; the whole of it follows, frozen as bytes of its own
                    # (the gold cache's entry holds them as they are; thawed only if the gold is asked for).
                    gold = loaded.gold
                    sums = (gold.ids, gold.weights, gold.n_gold, gold.groups, None)  # type: ignore[union-attr]
                    out = marshal.dumps(("ok", sums, judged, loaded.log, loaded.files, loaded.absent, loaded.stats))
        except UserError as e:
            out = marshal.dumps(("error", type(e).__name__, e.message, e.file, e.line, e.task_id, 0))
        _write(results_fd, out)
        os.write(ready_fd, b"1")
        # Frozen for the cache's entry, or for the parent's `gold()`; else left (the parent sums the score meanwhile:
        # freezing took the core its hash and sums would have had).
        if gold is not None and (parts._cache is not None or asked is None or asked[2]):
            with paused_gc():
                _write(frozen_fd, marshal.dumps(freeze(gold)))
        status = 0
    except BaseException:  # noqa: BLE001 - whatever it was, the parent does this part itself
        status = 1
    finally:
        os._exit(status)
