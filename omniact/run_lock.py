"""One run at a time in a run folder: an advisory lock held while `omniact run` writes there.

Two `omniact run --out DIR --resume` started at once would each run the same pending tasks (the work and the cost
twice), and a folder that has no ``predictions.jsonl`` yet may be a run still going rather than one that was
stopped. The lock tells them apart: ``run.lock`` in the folder, locked with ``flock`` by the process that runs
there, and naming it (pid, host, start time). The kernel lets go of it when that process ends in any way
(``kill -9`` too), so a stopped run never leaves a stale lock behind, and ``--resume`` just works. Where
``fcntl`` does not exist (Windows) there is no lock and nothing is refused.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from omniact.errors import UserError

__all__ = ["LOCK_NAME", "SITE_LOCK", "FolderBusy", "holder", "refuse_if_busy", "run_lock"]

LOCK_NAME = "run.lock"
#: the lock of a leaderboard or report folder while it is written (a dotfile: not one of the site's files)
SITE_LOCK = ".omniact-site.lock"
#: tries to take the lock, 50 ms apart, before another holder is taken for a run
_TRIES = 6


def _host() -> str:
    """This machine's name, as socket.gethostname() gives it (without importing socket: every leaderboard's start)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return uname().nodename
    import socket

    return socket.gethostname()


def _who() -> str:
    return json.dumps({"pid": os.getpid(), "host": _host(),
                       "since": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())})


def _describe(text: str) -> str:
    try:
        who = json.loads(text)
        return f"pid {int(who['pid'])} on {who['host']}, since {who['since']}"
    except (ValueError, KeyError, TypeError):
        return "another process"


@contextlib.contextmanager
def run_lock(out: Path, *, name: str = LOCK_NAME, kind: str = "run") -> Iterator[None]:
    """Hold the folder's lock for the duration of the block; a `UserError` naming the holder when another run
    has it. The lock file is removed on the way out, while still held. `name` and `kind` lock a folder that
    another command writes (`SITE_LOCK`, "site build": two builds into one site would mix their pages)."""
    try:
        import fcntl
    except ImportError:  # no flock here: run without the guard
        yield
        return
    path = out / name
    fd = _locked(path, fcntl, name, kind, out)
    try:
        held = _read(fd)
        if held.strip() and _describe(held) == "another process":
            # Not a lock a run left (they hold {"pid", "host", "since"}): someone's file of that name, kept.
            raise UserError(f"this folder holds a {name} that is not an omniact {kind}'s lock: move it, or choose "
                            "another --out", file=str(path))
        try:
            _write_holder(fd, path)
            yield
        finally:
            with contextlib.suppress(OSError):
                path.unlink()  # still ours: a run that starts after this creates and locks a new file
    finally:
        os.close(fd)


def _write_holder(fd: int, path: Path) -> None:
    """Name this process in the lock file. A full disk fails here, the first write of a run or a site build: the
    OSError names the lock file (os.pwrite's names none), so the command says which file it could not write."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, _who().encode(), 0)
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(path)) from None


def _locked(path: Path, fcntl: Any, name: str, kind: str, out: Path) -> int:
    """`path` opened (created when missing) and locked exclusively: its descriptor."""
    while True:
        fd = _open(path, name, kind)
        try:
            # A few tries: `holder` (a `score` of the run, a dashboard polling it) holds a shared lock for an
            # instant, where a run holds the lock for as long as it goes.
            for attempt in range(_TRIES):
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if attempt == _TRIES - 1:
                        who = _describe(_read(fd))
                        raise FolderBusy(_busy(kind, who), who=who, file=str(out)) from None
                    time.sleep(0.05)
            # The holder we waited for removes the file as it ends (still holding it), and a third command may have
            # made and locked a new one since: a lock on the removed file guards nothing. Locked is ours only while
            # the name still leads to it.
            if _same_file(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _open(path: Path, name: str, kind: str) -> int:
    try:
        # O_NOFOLLOW: a run.lock that is a link to a file elsewhere would have that file emptied and removed.
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0),
                       0o644)
    except OSError as e:
        if e.errno != errno.ELOOP:
            raise
        raise UserError(f"{name} is a symbolic link, where a {kind} keeps its lock: remove it, or choose another "
                        "--out", file=str(path)) from None


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


class FolderBusy(UserError):
    """Another omniact command holds the folder's lock: `who` says which ("pid N on HOST, since T"). The message
    is worded for the command that locks (`omniact run`'s says "then --resume"); a caller with other options (replay
    asking its agent through the runner) words its own."""

    def __init__(self, message: str, *, who: str, file: str) -> None:
        super().__init__(message, file=file)
        self.who = who


def _busy(kind: str, who: str) -> str:
    then = ", then --resume" if kind == "run" else ", then build it again"
    return f"another omniact {kind} is writing this folder ({who}); wait for it to end, or stop it{then}"


def refuse_if_busy(out: Path, *, name: str = LOCK_NAME, kind: str = "run") -> None:
    """`run_lock`'s refusal now, when another command holds the folder, before any work that would be lost."""
    who = holder(out, name=name)
    if who is not None:
        raise FolderBusy(_busy(kind, who), who=who, file=str(out))


def holder(out: Path, *, name: str = LOCK_NAME) -> str | None:
    """Who is running in `out` now ("pid N on HOST, since T"), or None when no run holds it (or there is no
    lock to ask)."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fd = os.open(out / name, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _describe(_read(fd))
        return None
    finally:
        os.close(fd)


def _read(fd: int) -> str:
    try:
        return os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        return ""
