"""Writing a file atomically: readers see the old file or the new one, never half of one; and text that any Python
str can hold, written so that it never fails to encode."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_file", "json_bytes", "remove_stale_temporaries", "text_bytes", "write_json", "write_text"]


@contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "wb", **open_args: Any) -> Iterator[IO[Any]]:
    """Open a fresh temporary file beside `path`; on a clean exit it replaces `path`, on an error it is removed."""
    target = Path(path)
    fd, tmp = _create_beside(target)
    try:
        try:
            with os.fdopen(fd, mode, **open_args) as f:
                yield f
        except OSError as e:
            if e.filename is None and e.errno in _NO_ROOM:  # a full disk: name the file, as the CLI's line shows it
                raise type(e)(e.errno, e.strerror, str(target)) from None
            raise
        try:
            os.replace(tmp, target)
        except OSError as e:  # a folder where the file goes: name the file asked for, not our temporary one
            raise type(e)(e.errno, e.strerror, str(target)) from None
        _OPEN.discard(tmp)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        # (only once it is gone: a second stop before the unlink leaves the name for `remove_unfinished`)
        _OPEN.discard(tmp)
        raise


# The temporary files of the `atomic_file` calls under way in this process (in any thread).
_OPEN: set[str] = set()


def _create_beside(target: Path) -> tuple[int, str]:
    """A new file ``.<name>.<random>.tmp`` beside `target` (its folder made if need be), open for writing, with the
    permissions `target` has, or (a new file) those a plain open() gives it: 0666 less the umask, or as the folder's
    default ACL has it, so that a site or run record stays readable to the web server or the teammate it is for.
    (One replacing a file is private until it has that file's permissions.) Its name is in `_OPEN` before the file
    exists, so that a signal arriving just after it is made (a page worker stopped by SIGTERM) finds it to remove."""
    try:
        perms: int | None = os.stat(target).st_mode & 0o7777
    except OSError:
        perms = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    folder_made = False
    for _ in range(100):
        tmp = os.path.join(str(target.parent), f".{target.name}.{os.urandom(6).hex()}.tmp")
        _OPEN.add(tmp)
        try:
            fd = os.open(tmp, flags, 0o666 if perms is None else 0o600)
        except FileExistsError:
            _OPEN.discard(tmp)
            continue
        except (FileNotFoundError, NotADirectoryError) as e:
            _OPEN.discard(tmp)
            if folder_made:
                raise type(e)(e.errno, e.strerror, str(target)) from None
            # (made only when missing: checking for it first cost every page of a site a system call or two)
            target.parent.mkdir(parents=True, exist_ok=True)
            folder_made = True
            continue
        except OSError as e:  # name the file the user asked for, not our temporary name beside it
            _OPEN.discard(tmp)
            raise type(e)(e.errno, e.strerror, str(target)) from None
        if perms is not None:
            try:
                os.fchmod(fd, perms)
            except BaseException:
                os.close(fd)
                with suppress(OSError):
                    os.unlink(tmp)
                _OPEN.discard(tmp)
                raise
        return fd, tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name beside it", str(target))


def remove_unfinished() -> None:
    """Remove the temporary files of the `atomic_file` calls under way: for a process about to die of a signal
    with no exception to unwind them (a forked worker stopped by SIGTERM), which would leave them beside the
    output."""
    for tmp in list(_OPEN):
        with suppress(OSError):
            os.unlink(tmp)


#: `atomic_file`'s temporary names (``.page.html.<random>.tmp``; mkstemp's eight characters before)
_TEMPORARY = re.compile(r"\..+\.[0-9a-z_]{8,12}\.tmp")


def remove_stale_temporaries(folder: Path, age: float) -> None:
    """Remove from `folder` the temporary files of `atomic_file` calls whose process was killed (kill -9, a second
    Ctrl-C) before it could: those not written to for `age` seconds, longer than any write takes, so that another
    process's write under way is never touched."""
    import time

    with suppress(OSError):
        for p in folder.iterdir():
            if _TEMPORARY.fullmatch(p.name):
                with suppress(OSError):
                    st = p.lstat()
                    if stat.S_ISREG(st.st_mode) and time.time() - st.st_mtime > age:
                        p.unlink()


_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_bytes(obj: Any, **dumps_args: Any) -> bytes:
    """`obj` as UTF-8 JSON that reads back as the same strs. A Python str can hold what UTF-8 cannot, a lone
    surrogate (a JSON ``"\\ud83d"`` escape in an agent's answer, a file name's undecodable bytes): it is written as
    its JSON escape (backslashreplace gives exactly ``\\ud83d``, and surrogates only occur inside JSON strings); all
    other text is written as itself."""
    if set(dumps_args) <= {"indent", "default"} and isinstance(dumps_args.get("indent"), int):
        from omniact.json_text import dumps_indented

        text = dumps_indented(obj, dumps_args["indent"], dumps_args.get("default"))
    else:
        text = json.dumps(obj, ensure_ascii=False, **dumps_args)
    return text.encode("utf-8", "backslashreplace")


def text_bytes(text: str) -> bytes:
    """Text (HTML, CSV, Markdown) as UTF-8. These formats have no escape for a lone surrogate, so it becomes
    U+FFFD, the replacement character a reader shows for bytes it cannot decode."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # rare: only then is the text scanned again
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def write_json(path: str | os.PathLike, obj: Any, **dumps_args: Any) -> None:
    """`obj` as JSON (see `json_bytes`), written atomically, with a final newline."""
    with atomic_file(path) as f:
        f.write(json_bytes(obj, **dumps_args) + b"\n")


def write_text(path: str | os.PathLike, text: str) -> None:
    """`text` as UTF-8 (see `text_bytes`), written atomically."""
    with atomic_file(path) as f:
        f.write(text_bytes(text))


def write_text_parts(path: str | os.PathLike, parts: Iterable[str]) -> None:
    """`write_text` of the parts' text, put together in the file: a big page's text is not copied whole first."""
    with atomic_file(path) as f:
        for part in parts:
            f.write(text_bytes(part))
