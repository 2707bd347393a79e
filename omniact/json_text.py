"""JSON text read into the value the standard library's `json.loads` gives, two to five times faster once there
is enough of it; and written with an indent as `json.dumps` writes it, byte for byte, about twice as fast.

The files read on every `omniact score` and `leaderboard` (box files, predictions: a million lines for a
leaderboard) are parsed by msgspec's decoder, which is exact where it answers: the same dicts, lists, strings,
floats (correctly rounded) and integers (of any size), keys in file order, the last of a repeated key kept.
Where the two differ, msgspec refuses and `json.loads` reads the text instead, so the value, or the error and
its wording, is the standard library's: ``NaN``, ``Infinity`` and numbers beyond a float (json reads them as
floats), lone surrogate escapes, a byte-order mark or UTF-16 bytes (json's byte detection), and bytes that are
not UTF-8.

Importing msgspec costs 10-15 ms in our process, about what json loses on a megabyte (measured on a 20,000-task
split's box files and predictions). So a process reads its first megabyte with json and switches after it: the
built-in suite and the published 2,020-task split are read as fast as before, a 20,000-task split or a leaderboard
faster. Which decoder read a text never shows.
"""

from __future__ import annotations

import json
import json.scanner
import re
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

__all__ = ["dumps_indented", "exact_loads", "key_line", "loaded_decoder", "loads", "reader", "std_loads"]

#: JSON read with the standard library before msgspec is imported (characters or bytes, in this process).
SWITCH_AFTER = 1 << 20
#: An indented text at least this long is laid out by msgspec (a leaderboard.json); a shorter one by json.
LAYOUT_FROM = 1 << 18


class _Budget:
    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = SWITCH_AFTER


_BUDGET = _Budget()


def loads(data: bytes | str) -> Any:
    """`json.loads(data)`'s value, or its exception (ValueError, RecursionError)."""
    return reader(len(data))(data)


def reader(size: int) -> Callable[[bytes | str], Any]:
    """The `loads` for the next `size` bytes or characters of JSON, chosen once for a file read line by line:
    `std_loads` until this process has read `SWITCH_AFTER` (unless msgspec is loaded already), then `exact_loads`."""
    budget = _BUDGET
    if budget.left > 0:
        budget.left -= size
        if budget.left > 0 and "msgspec" not in sys.modules:
            return std_loads
        budget.left = 0
    return exact_loads


def loaded_decoder() -> Callable[[bytes | str], Any] | None:
    """msgspec's decoder when `reader` would give `exact_loads` now (msgspec is loaded already, or this process has
    read `SWITCH_AFTER`), without counting anything against the budget; else None. Where it raises, `exact_loads`
    would have json read the text: a caller reading many values at once reads them one by one instead."""
    if _BUDGET.left > 0 and "msgspec" not in sys.modules:
        return None
    ms = _msgspec()
    return None if ms is None else _decoder()[0]


def exact_loads(data: bytes | str) -> Any:
    """`loads` by msgspec from the first byte (where it refuses, json)."""
    decode, refused = _decoder()
    try:
        return decode(data)
    except refused:
        return std_loads(data)


# What json.loads runs on a str, without the checks around it: half the time of json.loads on a short text.
_SCAN = json.scanner.make_scanner(json.JSONDecoder())
_JSON_SPACE = " \t\n\r"


def std_loads(data: bytes | str) -> Any:
    """`json.loads(data)`: a str that starts with its value and ends with it (JSON whitespace after it aside) is
    read by json's own scanner in one call; anything else goes through json.loads, which also words the error."""
    if isinstance(data, str):
        try:
            value, end = _SCAN(data, 0)
        except StopIteration:
            pass
        else:
            if end == len(data) or not data[end:].strip(_JSON_SPACE):
                return value
    return json.loads(data)


@cache
def _msgspec() -> Any:
    """msgspec, with its JSON module, imported on first use; None where it is not installed (installed without its
    dependencies: the standard library alone, slower)."""
    try:
        import msgspec.json
    except ImportError:
        return None
    return msgspec


@cache
def _decoder() -> tuple[Callable[[bytes | str], Any], tuple[type[BaseException], ...]]:
    """msgspec's decoder and what it raises where json is to read the text instead."""
    ms = _msgspec()
    if ms is None:
        return json.loads, ()
    # ValidationError (a number out of range) is a DecodeError; a str holding a lone surrogate cannot be encoded
    # for msgspec (UnicodeEncodeError), and json reads it.
    return ms.json.Decoder().decode, (ms.DecodeError, UnicodeError, RecursionError)


def dumps_indented(obj: Any, indent: int, default: Callable[[Any], Any] | None = None, *,
                   layout_from: int = LAYOUT_FROM) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=indent, default=default)``, the same text.

    json writes an indent in Python (its C encoder writes only compact text), a tenth of a second for a
    leaderboard.json; the compact text is written in C, and msgspec lays it out when it is `layout_from`
    characters or more. Where msgspec cannot read the compact text (NaN and Infinity, which json writes and JSON
    has not; a lone surrogate), json writes it all.
    """
    text = json.dumps(obj, ensure_ascii=False, default=default)
    if len(text) >= layout_from:
        ms = _msgspec()
        if ms is not None:
            try:
                return ms.json.format(text, indent=indent)
            except _decoder()[1]:
                pass
    return json.dumps(obj, ensure_ascii=False, indent=indent, default=default)


def key_line(text: str, key: str, occurrence: int = 1) -> int | None:
    """The line of the JSON text `text` where the object key `key` is written the `occurrence`-th time, however it
    is spelt (raw, or with any character ``\\u`` escaped); None when it is not there. For naming the line of a
    repeated or unknown key, which the parsed value no longer knows."""
    k = 0
    # Every string of the text in turn (no quote stands outside one in JSON), each a key when a colon follows.
    for m in _STRING_TOKEN.finditer(text):
        if m.group(1) is None:
            continue
        spelt = m.group(0)[:m.start(1) - m.start()]
        try:
            same = spelt[1:-1] == key if "\\" not in spelt else json.loads(spelt) == key
        except ValueError:
            continue
        if same:
            k += 1
            if k == occurrence:
                return text.count("\n", 0, m.start()) + 1
    return None


_STRING_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?')
