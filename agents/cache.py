"""A response cache in SQLite, so reruns of a model agent are free and give the same answers.

The key is a hash of everything that decides an answer: the model, the endpoint (server URL or model path),
the messages (images included, as their data URLs) and the decoding parameters. The file is shared by
threads and processes (WAL mode); it lives in ``$OMNIACT_CACHE_DIR`` (default ``~/.cache/omniact``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from omniact.atomic import json_bytes
from omniact.cache_home import cache_home
from omniact.errors import UserError

__all__ = ["ResponseCache", "cache_key"]


def cache_key(model: str, endpoint: str, messages: Any, params: Mapping[str, Any]) -> str:
    blob = json.dumps({"model": model, "endpoint": endpoint, "messages": messages, "params": dict(params)},
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()  # the same bytes for valid text


#: Tries at making a new cache file ready (see ResponseCache): 10 s of 50 ms pauses at most.
_SETUP_TRIES = 200


class ResponseCache:
    """``get(key) -> dict | None`` and ``put(key, value)`` over one SQLite file."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else cache_home() / "responses.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(str(self.path), timeout=60, isolation_level=None, check_same_thread=False)
            self._set_up()
        except sqlite3.DatabaseError as e:
            # A damaged file (or another program's) stops every run, --no-cache ones too (fresh answers are still
            # stored): the user must be told which file it is and how to get past it.
            raise UserError(f"cannot use the response cache ({e}): move this file away, or pass "
                            "--agent-arg cache_path=FILE for another", file=str(self.path)) from None

    def _set_up(self) -> None:
        # Workers opening a new cache file together: SQLite answers "database is locked" at once, without waiting
        # out the timeout, to one of two connections switching the file to WAL. Both statements may run again.
        for attempt in range(_SETUP_TRIES):
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                                 "created REAL NOT NULL)")
                break
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or attempt == _SETUP_TRIES - 1:
                    raise
                time.sleep(0.05)

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM responses WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, key: str, value: Mapping[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO responses (key, value, created) VALUES (?, ?, ?)",
                             (key, json_bytes(dict(value)).decode("utf-8"), time.time()))

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
