"""One root exception, and the two kinds of failure a user can see.

A `UserError` is the user's input being wrong: the CLI prints its one-line `str()` and exits with code 2.
A `ParseError` is a script the shared parser rejects: for an agent's prediction it becomes a score of 0
and a count, never a crash; for a script the user hands us (``replay --script``) it is a user error.
Anything else that escapes is a bug of ours and keeps its traceback.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["DataError", "OmniactError", "ParseError", "UserError", "escape_bidi", "escape_controls", "shell_quote", "shorten",
           "terminal_json"]


class OmniactError(Exception):
    """Root of every exception omniact raises on purpose."""


class UserError(OmniactError):
    """The user's input is wrong. Rendered as ``FILE:LINE: [task ID: ]message``."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 task_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line
        self.task_id = task_id

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        task = f"task {self.task_id}: " if self.task_id is not None else ""
        return f"{where}{task}{self.message}"


class DataError(UserError):
    """A data set file is missing, unreadable or malformed."""


class ParseError(UserError):
    """A script is not a list of whitelisted ``pyautogui`` calls with literal arguments.

    `line` and `col` are 1-based positions in the script text.
    """

    def __init__(self, message: str, *, line: int = 1, col: int = 1, file: str | None = None,
                 task_id: str | None = None) -> None:
        super().__init__(message, file=file, line=line, task_id=task_id)
        self.col = col

    def __str__(self) -> str:
        if self.file is not None:
            return f"{self.file}:{self.line}:{self.col}: {self.message}"
        return f"line {self.line}, column {self.col}: {self.message}"


# Unicode's bidirectional embeddings, overrides and isolates: a name ending in U+202E (right-to-left override)
# shows the rest of its line backwards, so that "0.02" reads "20.0". Real right-to-left text needs none of them.
_BIDI = "\u202a-\u202e\u2066-\u2069"
# C0 and C1 control characters (an escape sequence could retitle or recolour the user's terminal) and the bidi
# controls, and the same but a newline, for text printed as several lines.
_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}]")
_CONTROL_BUT_NEWLINE = re.compile(f"[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")
# What a page or file of submitted text shows as escapes (escape_bidi): the bidi controls, and the control characters
# but the tab and line breaks (a NUL is a parse error in HTML, and makes grep call a CSV file binary).
_BIDI_CONTROL = re.compile(f"[{_BIDI}\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]")


def escape_controls(text: str, *, newlines: bool = False) -> str:
    """`text` as a terminal shows it literally: control characters (a newline, an escape sequence in a path or in
    a line quoted from a hostile data set) as their escapes (``\\n``, ``\\x1b``). `newlines` keeps line breaks."""
    return (_CONTROL_BUT_NEWLINE if newlines else _CONTROL).sub(_escape, text)


def shell_quote(text: str) -> str:
    """`text` (a path, as os.fsdecode gives it) as one shell word a user can paste into a command: shlex's
    quoting where every character prints, else bash's ``$'...'`` form with the rest as escapes (``\\n``, and
    ``\\xff`` for a byte that is not UTF-8), which names the same file. shlex alone put a raw newline inside the
    quotes of a command printed as a hint, and wrote an undecodable byte as ``\\udcff``, another file's name."""
    from shlex import quote

    if text.isprintable():  # (a lone surrogate is not)
        return quote(text)
    out = []
    for ch in text:
        if ch in "\\'":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        elif ch in _C_ESCAPES:
            out.append(_C_ESCAPES[ch])
        else:  # a control, a bidi control, or an undecodable byte (a lone surrogate from os.fsdecode)
            try:
                raw = ch.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:  # a surrogate no file name decodes to (a JSON escape in a record)
                raw = ch.encode("utf-8", "surrogatepass")
            out.extend(f"\\x{b:02x}" for b in raw)
    return "$'" + "".join(out) + "'"


_C_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, its last an ellipsis where it was cut."""
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


#: the ASCII characters escape_bidi leaves as they are: the printable ones, tabs and line breaks
_ASCII_SHOWN = bytes(range(32, 127)) + b"\t\n\r"


def escape_bidi(text: str) -> str:
    """`text` with its bidi controls as their escapes (``\\u202e``), for a page or file that shows submitted text
    beside other text (a leaderboard row): shown literally, they cannot reorder what follows them. Other control
    characters but tabs and line breaks are escaped too (``\\x00``)."""
    # Almost all text is ASCII with nothing to escape but perhaps line breaks: a site's pages call this for every
    # cell and every script, so that case is told by C string methods (a regex scan was ten times slower).
    if text.isascii() and not text.encode("ascii").translate(None, _ASCII_SHOWN):
        return text
    return _BIDI_CONTROL.sub(_escape, text)


# What json.dumps(ensure_ascii=False) leaves raw that a terminal acts on: C1 controls (U+009B starts a control
# sequence on many terminals), bidi controls and the two Unicode line separators.
_JSON_RAW_CONTROL = re.compile(f"[\\x7f-\\x9f\\u2028\\u2029{_BIDI}]")


def terminal_json(obj: Any) -> str:
    """`obj` as the indented JSON a ``--json`` option prints: non-ASCII text readable, but the control characters
    ``json.dumps(..., ensure_ascii=False)`` keeps written as ``\\uXXXX`` escapes, which mean the same in JSON (they
    occur only inside strings), so the values a program reads are unchanged and a hostile goal cannot act on the
    terminal or reorder the line."""
    import json

    text = json.dumps(obj, indent=2, ensure_ascii=False)
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _escape(m: re.Match[str]) -> str:
    return repr(m.group())[1:-1]
