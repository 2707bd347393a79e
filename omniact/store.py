"""The run store: one SQLite file per run, one row per finished task, written in one transaction each.

The file is ``run.sqlite`` in the run's output folder, in WAL mode, so a row that was committed survives a
``kill -9`` of the runner and a row that was not committed does not exist: after a crash every task is either fully recorded or not at all, and ``--resume``
runs exactly the tasks without a row. Attempts are logged too, so a resumed run can tell what it redid.

>>> import tempfile, pathlib
>>> s = RunStore(pathlib.Path(tempfile.mkdtemp()) / "run.sqlite")
>>> s.record(TaskResult("1", "pyautogui.press(\\"enter\\")"))
>>> [r.task_id for r in s.results()]
['1']
"""

from __future__ import annotations

import errno
import functools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from omniact.errors import UserError
from omniact.output_folder import STORE_NAME

_T = TypeVar("_T")

__all__ = ["ERROR_KINDS", "SCHEMA_VERSION", "STORE_NAME", "RunStore", "TaskResult", "kept_tasks", "recorded_tasks"]

SCHEMA_VERSION = 1
#: Why a task failed. ``parse``: the agent answered but the shared parser rejects the script. ``data``: the task's
#: own files could not be read for its view (a malformed OCR/icon/colour file); the agent was not asked. (``setup``,
#: an agent that cannot be built or set up, stops the run instead and is never stored.)
ERROR_KINDS = ("exception", "timeout", "crash", "bad_output", "parse", "data")


@dataclass(frozen=True)
class TaskResult:
    """What one task produced. A failed task has ``error``/``error_kind`` set and (except ``parse``) no script.

    `script` is in screenshot pixels (already converted from the agent's coordinate space); `raw` is the
    model's raw answer when the agent exposes it.
    """

    task_id: str
    script: str = ""
    error: str | None = None
    error_kind: str | None = None
    raw: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    cached: bool = False
    seconds: float = 0.0
    worker: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    task_id TEXT PRIMARY KEY,
    script TEXT NOT NULL,
    error TEXT,
    error_kind TEXT,
    raw TEXT,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    cached INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    worker TEXT NOT NULL DEFAULT '',
    extra TEXT NOT NULL DEFAULT '{}',
    finished_at REAL NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS attempts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    session INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    at REAL NOT NULL
);
"""

_COLS = ("task_id", "script", "error", "error_kind", "raw", "prompt_tokens", "completion_tokens", "cost",
         "cached", "seconds", "worker", "extra")


def _stored(text: str | None) -> str | bytes | None:
    """Text as SQLite can take it. An agent's answer can hold a lone surrogate (a model's JSON reply with half of
    an emoji's "\\ud83d" escape), which SQLite's UTF-8 cannot: such text is kept exactly, as surrogatepass bytes in
    a BLOB, and read back by `_read`."""
    if text is None or text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")
    return text


def _count(value: Any) -> int:
    """A token count as SQLite can keep it (a signed 64-bit integer): an agent's count beyond that is no count, and
    must not cost the task its result (the store refused to record it, and the run stopped)."""
    n = int(value)
    return n if -(1 << 63) <= n < (1 << 63) else 0


def _read(value: object) -> object:
    """A stored value as it was given (see `_stored`); the columns of numbers never hold bytes."""
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


# SQLite's primary result codes for a disk that is full (or a quota reached) and for one that fails to read or write.
_SQLITE_FULL, _SQLITE_IOERR = 13, 10
_SQLITE_READONLY = 8
# SQLite's extended codes of a write that failed: it says SQLITE_IOERR ("disk I/O error") where the OS said ENOSPC.
# SHMSIZE is growing the -shm file a WAL store's reader makes beside it (a write of one byte a page): a full disk.
_SQLITE_IOERR_SHMSIZE = _SQLITE_IOERR | (19 << 8)
# IOERR_WRITE, IOERR_FSYNC and IOERR_TRUNCATE:
_SQLITE_IOERR_WRITES = (_SQLITE_IOERR | (3 << 8), _SQLITE_IOERR | (4 << 8), _SQLITE_IOERR | (6 << 8))
#: Free space below which a write SQLite could not make was the disk filling up (its WAL grows a page or more at once).
_NO_ROOM_BYTES = 1 << 20


def _disk_error(path: Path, e: sqlite3.Error) -> OSError | None:
    """The OSError (ENOSPC, EIO) that a SQLite error stands for when the disk is full or failing, naming the store: the
    command says so in one line, as it does for any file it cannot write; None for any other error."""
    extended = getattr(e, "sqlite_errorcode", None) or 0
    code = extended & 0xFF
    if code == _SQLITE_FULL or extended == _SQLITE_IOERR_SHMSIZE or (
            extended in _SQLITE_IOERR_WRITES and _no_room(path)):
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    if code == _SQLITE_IOERR:
        return OSError(errno.EIO, os.strerror(errno.EIO), str(path))
    return None


def _no_room(path: Path) -> bool:
    """Whether the disk holding `path` is (all but) full: a failed write there was no room, not a failing disk."""
    try:
        st = os.statvfs(path.parent)
    except (AttributeError, OSError):  # (no statvfs on Windows)
        return False
    return st.f_bavail * st.f_frsize < _NO_ROOM_BYTES


def _disk_errors(method: Callable[..., _T]) -> Callable[..., _T]:
    """A RunStore method whose writes end in an OSError, not a SQLite error, when the disk is full or failing."""

    @functools.wraps(method)
    def wrapper(self: RunStore, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            disk = _disk_error(self.path, e)
            if disk is None:
                raise
            raise disk from None

    return wrapper


class RunStore:
    """The SQLite file of one run. Safe to use from several threads of the driver (one lock, one connection)."""

    def __init__(self, path: str | Path, *, new_session: bool = True) -> None:
        """Open (or create) the store. `new_session` counts this opening as a session of the run (a run starting or
        resuming); a reader (exporting the predictions) passes False."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            # check_same_thread=False: the driver's threads share the connection, serialised by self._lock.
            self._db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
            # Before anything is changed (WAL mode is kept in the file): a database of someone else's named
            # run.sqlite would have had the run's tables added to it.
            tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and "results" not in tables:
                self._db.close()
                names = ", ".join(sorted(tables))[:80]
                raise UserError(f"is a SQLite database, but not a run store (its tables: {names}): move it, or "
                                "choose another --out", file=str(self.path))
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit survives the process being killed (kill -9), which is what resume
            # needs; only a power cut could lose the last commits, and FULL would fsync once per task.
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._lock:
                self._db.executescript(_SCHEMA)
                if self.get_meta("schema_version") is None:
                    self._set_meta("schema_version", SCHEMA_VERSION)
            self.session = self._next_session() if new_session else int(self.get_meta("sessions", 0))
        except sqlite3.DatabaseError as e:
            problem = _unusable(self.path, e) or _disk_error(self.path, e)
            if problem is None:
                raise
            raise problem from None

    def check_writable(self) -> None:
        """UserError, before a run changes anything, when the store cannot be written (a read-only file, or its
        -wal/-shm files left read-only); a write is tried and rolled back."""
        with self._lock:
            try:
                self._db.execute("BEGIN")
                try:
                    self._set_meta("schema_version", SCHEMA_VERSION)
                finally:
                    self._db.execute("ROLLBACK")
            except sqlite3.OperationalError as e:
                if (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF != _SQLITE_READONLY:
                    raise
                raise UserError("is read-only, so the run cannot go on in it: check its permissions (and those of its "
                                "-wal and -shm files beside it)", file=str(self.path)) from None

    # -- metadata ------------------------------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def _set_meta(self, key: str, value: Any) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    @_disk_errors
    def set_meta(self, key: str, value: Any) -> None:
        with self._lock:
            self._set_meta(key, value)

    @_disk_errors
    def restart(self) -> None:
        """Forget the settings and sessions of a store that holds no result: a run whose agent never started
        leaves nothing worth protecting, and the corrected command starts afresh in the same folder.

        Refuses (RuntimeError, a bug of the caller) when any task is recorded: results are never dropped here.
        """
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]:
                    raise RuntimeError(f"{self.path} holds results: a run with results is never restarted")
                self._db.execute("DELETE FROM attempts")
                self._db.execute("DELETE FROM meta WHERE key != 'schema_version'")
                self._set_meta("sessions", 0)  # the caller's session, begun next, is the first
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # (SQLite may have rolled back itself: a full disk)
                    self._db.execute("ROLLBACK")
                raise
            self.session = 0

    def _next_session(self) -> int:
        with self._lock:
            n = int(self.get_meta("sessions", 0)) + 1
            self._set_meta("sessions", n)
        return n

    @_disk_errors
    def begin_session(self) -> int:
        """Count a session of the run that opened the store with ``new_session=False`` (once it knows it goes on:
        a resume refused for other settings is none) and return its number."""
        self.session = self._next_session()
        return self.session

    # -- results -------------------------------------------------------------------------------------
    @_disk_errors
    def record(self, result: TaskResult) -> None:
        """Store one task's result and its attempt in a single transaction (replacing an earlier failure)."""
        task_id = _stored(result.task_id)
        values = (task_id, _stored(result.script), _stored(result.error), result.error_kind, _stored(result.raw),
                  _count(result.prompt_tokens), _count(result.completion_tokens), float(result.cost),
                  int(bool(result.cached)), float(result.seconds), result.worker,
                  json.dumps(result.extra or {}, default=str))
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                prev = self._db.execute("SELECT attempt FROM results WHERE task_id = ?", (task_id,)).fetchone()
                attempt = 1 if prev is None else prev[0] + 1
                self._db.execute(
                    f"INSERT OR REPLACE INTO results ({', '.join(_COLS)}, finished_at, attempt) "  # noqa: S608 - column names from _COLS; values are bound
                    f"VALUES ({', '.join('?' * len(_COLS))}, ?, ?)", values + (now, attempt))
                self._db.execute("INSERT INTO attempts (task_id, session, outcome, at) VALUES (?, ?, ?, ?)",
                                 (task_id, self.session, result.error_kind or "ok", now))
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # (SQLite may have rolled back itself: a full disk)
                    self._db.execute("ROLLBACK")
                raise

    def finished_ids(self, *, include_errors: bool = True) -> set[str]:
        """Task ids with a stored result; with ``include_errors=False`` only the successful ones."""
        sql = "SELECT task_id FROM results" + ("" if include_errors else " WHERE error IS NULL")  # noqa: S608 - constant text
        with self._lock:
            return {_read(r[0]) for r in self._db.execute(sql)}

    def results(self, ids: Iterable[str] | None = None) -> list[TaskResult]:
        """Stored results, in `ids` order when given (missing ids are skipped), else in finishing order."""
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(_COLS)} FROM results ORDER BY finished_at, rowid").fetchall()  # noqa: S608 - column names from _COLS
        by_id = {row.task_id: row for row in map(self._row, rows)}  # an id kept as a BLOB reads back as its str
        if ids is None:
            return list(by_id.values())
        return [by_id[i] for i in ids if i in by_id]

    def __iter__(self) -> Iterator[TaskResult]:
        return iter(self.results())

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def attempts(self) -> list[tuple[str, int, str]]:
        """Every recorded attempt as ``(task_id, session, outcome)``, oldest first."""
        with self._lock:
            return [(_read(r[0]), r[1], r[2]) for r in self._db.execute(
                "SELECT task_id, session, outcome FROM attempts ORDER BY seq")]  # type: ignore[misc]

    @staticmethod
    def _row(r: tuple) -> TaskResult:
        d = dict(zip(_COLS, map(_read, r)))
        d["cached"] = bool(d["cached"])
        d["extra"] = json.loads(d["extra"] or "{}")
        return TaskResult(**d)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unusable(path: Path, e: sqlite3.DatabaseError) -> UserError | None:
    """The user's line for a store file that cannot be used (damaged, not SQLite, a folder, unreadable), or None
    for an error that is not about the file (a database locked past the timeout)."""
    if isinstance(e, sqlite3.OperationalError) and "unable to open" not in str(e):
        return None
    if isinstance(e, sqlite3.OperationalError):  # a folder of that name, or no permission
        what = "is a folder, not a run store" if path.is_dir() else f"cannot be opened ({e})"
        return UserError(f"{what}: check it, or choose another --out", file=str(path))
    return UserError(f"not a run store, or a damaged one ({e}): it cannot be resumed; keep it for its "
                     "predictions.jsonl, if any, and choose another --out", file=str(path))


def recorded_tasks(path: str | Path) -> int:
    """How many tasks the store at `path` holds (0 when there is no store yet), without opening a session.

    A file there that is not a run store is a `UserError`: the folder is someone else's.
    """
    path = Path(path)
    if not path.exists():
        return 0
    try:
        return _count_results(path, str(path), uri=False)
    except OSError as e:
        if e.errno != errno.ENOSPC or not _wal_empty(path):
            raise
        # A reader of a WAL store makes its -shm file, which a full disk has no room for; with no WAL content the
        # file alone holds every task, and is read as it is (nothing made beside it): a resume then says its finished
        # tasks are kept, and how to go on once there is room.
        return _count_results(path, path.absolute().as_uri() + "?immutable=1", uri=True)


def _wal_empty(path: Path) -> bool:
    """Whether the store's write-ahead log holds nothing (or is not there): no commit waits in it for the file."""
    try:
        return os.stat(f"{path}-wal").st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _count_results(path: Path, where: str, *, uri: bool) -> int:
    """`recorded_tasks` of the store at `path`, opened as `where` (its name, or a file: URI when `uri`)."""
    try:
        db = sqlite3.connect(where, timeout=30, uri=uri)
    except sqlite3.Error as e:
        raise UserError(f"cannot open the run store: {e}", file=str(path)) from None
    try:
        return int(db.execute("SELECT COUNT(*) FROM results").fetchone()[0])
    except sqlite3.OperationalError as e:
        if str(e).startswith("no such table"):  # created, never written: an empty store
            return 0
        problem = _unusable(path, e) or _disk_error(path, e)
        if problem is None:
            raise
        raise problem from None
    except sqlite3.DatabaseError as e:
        raise UserError(f"not a run store ({e}); choose another --out", file=str(path)) from None
    finally:
        db.close()


def kept_tasks(path: str | Path) -> int:
    """`recorded_tasks`, for a caller asking whether a stopped run kept anything to continue: a file at `path` that
    is not readable as a store counts as one (its presence says a run was there; the run, resuming, says what is
    wrong with it, instead of the folder being made afresh). So does one the disk cannot read or make room to read
    (a full disk's error said, the advice to --resume must not be lost to a second error)."""
    try:
        return recorded_tasks(path)
    except (UserError, OSError):
        return 1
