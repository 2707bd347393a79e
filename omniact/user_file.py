"""Files the user names (predictions, scripts, agent configs, metadata): read whole, as text, with one clear line
for each way they go wrong (missing, a folder, a device such as ``/dev/zero``, too large, a NUL byte, UTF-16, a
byte that is not UTF-8), naming the file and the line, never a traceback."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import BinaryIO

from omniact.errors import UserError

__all__ = ["UTF16_MARKS", "bad_byte", "decode_user_text", "read_user_file", "read_user_stdin", "read_user_text",
           "user_file_sha256"]

_UTF8_MARK = b"\xef\xbb\xbf"
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def read_user_file(path: str | os.PathLike, what: str, *, limit: int | None = None, text: bool = False) -> bytes:
    """The bytes of a file the user named (`what` names it in messages: "predictions file", "script file").

    A regular file or a pipe (``<(zcat run.jsonl.gz)``) is read; anything else is a `UserError` naming the path
    and saying what it is instead: missing, a folder, unreadable, or a device (``/dev/zero`` would be read until
    memory ran out). `limit` refuses a file of more bytes without reading past them; `text` stops at the first
    chunk holding a NUL byte (a 2 GB sparse file is not read to its end to be refused).
    """
    return b"".join(_chunks(path, what, limit, text))


def user_file_sha256(path: str | os.PathLike, what: str, *, text: bool = False) -> str:
    """The sha256 of a file the user named, read in chunks (a file larger than memory is hashed, or refused at its
    first NUL byte with `text`), with `read_user_file`'s `UserError` lines for everything that can go wrong."""
    import hashlib

    h = hashlib.sha256()
    for chunk in _chunks(path, what, None, text):
        h.update(chunk)
    return h.hexdigest()


def read_user_stdin(what: str, *, limit: int | None = None, text: bool = False) -> bytes:
    """Standard input (``--predictions -``), read as `read_user_file` reads a file: a pipe or a redirected file is
    read; closed, a terminal or a device (``< /dev/zero``, read until memory ran out) is one line."""
    import stat

    stream = sys.stdin
    if stream is None:
        raise UserError(f"standard input is closed: pipe the {what} in, or give its path", file="<stdin>")
    try:
        fd = stream.fileno()
    except (OSError, ValueError):  # no descriptor: a stream put in its place (a test harness, an embedding program)
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            return stream.read().encode("utf-8", "surrogateescape")
        return b"".join(_read(buffer, "<stdin>", what, limit, text, close=False))
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        raise UserError(f"standard input is closed: pipe the {what} in, or give its path", file="<stdin>") from None
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a terminal" if os.isatty(fd) else "a device"
        raise UserError(f"standard input is {kind}, not a {what}: pipe one in, or give its path", file="<stdin>")
    # A descriptor of its own: closing it leaves sys.stdin open.
    return b"".join(_read(os.fdopen(os.dup(fd), "rb"), "<stdin>", what, limit, text))


def _chunks(path: str | os.PathLike, what: str, limit: int | None, text: bool) -> Iterator[bytes]:
    """`read_user_file`'s reading, a chunk at a time."""
    import stat

    where = str(path)
    nonblock = getattr(os, "O_NONBLOCK", 0)  # (none on Windows, which has no FIFO to wait on either)
    try:
        # Without blocking: a FIFO with no writer (mkfifo, nothing writing) would wait for one for ever.
        fd = os.open(path, os.O_RDONLY | nonblock | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise UserError(f"{what} {_cannot_open(Path(path), e)}", file=where) from None
    f = os.fdopen(fd, "rb")
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):  # os.open opens a folder, where open() refused it
        f.close()
        raise UserError(f"{what} {_cannot_open(Path(path), IsADirectoryError())}", file=where)
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        f.close()
        raise UserError(f"{what} is a device, not a file: give a file", file=where)
    if nonblock:  # blocking again, so a pipe's reads wait for its writer (`<(zcat run.jsonl.gz)`); none: at once
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~nonblock)
    yield from _read(f, where, what, limit, text)


def _read(f: BinaryIO, where: str, what: str, limit: int | None, text: bool, *, close: bool = True) -> Iterator[bytes]:
    """An open file's chunks, with `read_user_file`'s checks (closed at the end unless `close` is False)."""
    with f if close else nullcontext(f):
        size = lines = 0
        before = b""  # the chunk before this one, its lines counted only once another follows (most files are one)
        try:
            while chunk := f.read(1 << 22):
                lines += before.count(b"\n")
                if limit is not None and size + len(chunk) > limit:
                    raise UserError(f"{what} is larger than {limit:,} bytes: is it the right file?", file=where)
                if not size and chunk.startswith(UTF16_MARKS):
                    text = False  # UTF-16, whose NULs are its text: the caller says how to save it instead
                if text and b"\x00" in chunk:
                    line = lines + chunk.count(b"\n", 0, chunk.index(b"\x00")) + 1
                    raise UserError(f"{what} contains a NUL byte: it is not a text file", file=where, line=line)
                size += len(chunk)
                if text:
                    before = chunk
                yield chunk
        except OSError as e:  # EIO, or a folder on a system where open() takes one
            raise UserError(f"{what} cannot be read ({e.strerror or e})", file=where) from None


def decode_user_text(data: bytes, what: str, file: str, *, save_as: str = "UTF-8") -> str:
    """The text of a file the user gave (`data` from `read_user_file`), read as UTF-8; `what` names it in messages
    ("script file") and `save_as` ends them ("UTF-8 TOML").

    A UTF-8 byte-order mark is dropped (editors on Windows write one). UTF-16 (its mark first) or a byte that is not
    UTF-8 is a `UserError` naming the file and the line, and for a bad byte its value and byte column:

    >>> decode_user_text(b"\\xef\\xbb\\xbfok", "script file", "s.py")
    'ok'
    >>> decode_user_text(b"ok\\ncaf\\xe9", "script file", "s.py")
    Traceback (most recent call last):
    omniact.errors.UserError: s.py:2: script file is not UTF-8 text (byte 0xe9 at column 4): save it as UTF-8
    """
    if data.startswith(UTF16_MARKS):
        raise UserError(f"{what} is UTF-16 text: save it as {save_as}", file=file, line=1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, where = bad_byte(data, e.start)
        raise UserError(f"{what} is not UTF-8 text ({where}): save it as {save_as}", file=file, line=line) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_user_text(path: str | os.PathLike, what: str, *, limit: int | None = None, text: bool = False,
                   save_as: str = "UTF-8") -> str:
    """`read_user_file` then `decode_user_text`: the text of a file the user named, or one `UserError` line."""
    return decode_user_text(read_user_file(path, what, limit=limit, text=text), what, str(path), save_as=save_as)


def bad_byte(data: bytes, start: int) -> tuple[int, str]:
    """The 1-based line of ``data[start]`` and the words naming it: ``byte 0xe9 at column 4``, the column counted in
    bytes from the start of its line (an editor's column, give or take the wide characters before it), after any
    byte-order mark."""
    line_start = data.rfind(b"\n", 0, start) + 1
    if line_start == 0 and data.startswith(_UTF8_MARK):
        line_start = len(_UTF8_MARK)  # an editor does not show the mark as a column
    line = data.count(b"\n", 0, start) + 1
    return line, f"byte 0x{data[start]:02x} at column {start - line_start + 1}"


def _cannot_open(p: Path, e: OSError) -> str:
    """Why a user's file could not be opened, in words (and what to do)."""
    if isinstance(e, FileNotFoundError):
        return "is a symbolic link to nothing (or a loop)" if p.is_symlink() else "does not exist"
    if isinstance(e, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(e, PermissionError):
        return "cannot be read (permission denied): check its permissions"
    if e.errno == errno.ELOOP:
        return "is a symbolic link loop"
    return f"cannot be read ({e.strerror or e})"
