"""omniact.json_text reads every JSON text into exactly what json.loads gives, or fails as json.loads does, on both of
`loads`'s paths (`std_loads`, json's scanner, for a process's first megabyte; `exact_loads`, msgspec, after it);
dumps_indented writes exactly the text json.dumps writes."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omniact.atomic import json_bytes
from omniact.json_text import dumps_indented, exact_loads, key_line, std_loads


def _outcome(f, data):
    """What reading `data` gives, compared exactly: repr tells 1 from 1.0 and True, -0.0 from 0.0, key order."""
    try:
        value = f(data)
    except RecursionError:
        return ("RecursionError",)
    except ValueError as e:
        return (type(e).__name__, str(e))
    return ("value", repr(value), _types(value))


def _types(v):
    if isinstance(v, dict):
        return ("dict", tuple((k, _types(x)) for k, x in v.items()))
    if isinstance(v, list):
        return ("list", tuple(_types(x) for x in v))
    return type(v).__name__


def _same(data) -> None:
    expected = _outcome(json.loads, data)
    assert _outcome(exact_loads, data) == expected
    assert _outcome(std_loads, data) == expected


# Where the fast decoder and json part ways, each case written out: the value or error must be json's.
@pytest.mark.parametrize("text", [
    "NaN", "-Infinity", "[1e400, -1e400]", "1.7976931348623159e308",  # json: floats, inf
    "123456789012345678901234567890", "-9223372036854775809", "18446744073709551616",  # beyond 64 bits
    "1" * 4301,  # over Python's integer digit limit: json's ValueError
    '"\\ud800"', '["\\udc00x"]',  # lone surrogate escapes, which json keeps
    '{"a": 1, "a": 2}', '{"a": 1, "b": 2, "a": 3}', '{"b": 1, "a": 2}', "-0", "-0.0", "1E2", "0.30000000000000004441", "2.2250738585072011e-308",
    " {\"id\": \"1\"}\r", '{"id": 1}\r', '{"id": 1} \t\n', '{"id": 1}\x0c', '{"id": 1}\u2028', "\ufeff{}", '"a\x01b"', "[1,]", "01", "{}{}", "", "   ",
    "[" * 2000 + "]" * 2000,
])
def test_every_odd_case_reads_as_json_reads_it(text: str) -> None:
    _same(text)
    _same(text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf{\"a\": 1}",  # a UTF-8 byte-order mark: json detects it in bytes
    '{"a": [1, "\u00e9"]}'.encode("utf-16"), '{"a": 1}'.encode("utf-32"),  # json detects these encodings too
    b'"\xff"', b'{"a": "\xe2\x82"}', b'"\xed\xa0\x80"',  # not UTF-8; an encoded surrogate (json: surrogatepass)
])
def test_bytes_json_decodes_by_detection_read_alike(data: bytes) -> None:
    _same(data)


def test_a_number_out_of_float_range_is_infinity_as_in_json() -> None:
    assert exact_loads('{"x": 1e999}')["x"] == math.inf
    assert exact_loads("123456789012345678901234567890") == 123456789012345678901234567890


def _containers(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    _containers, max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_values, st.booleans(), st.sampled_from([None, 0, 2]))
def test_any_value_written_by_json_reads_back_identically(value, ascii_only: bool, indent) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    _same(text)
    _same(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=400, deadline=None)
@given(_values, st.data())
def test_damaged_json_fails_or_reads_as_json_does(value, data) -> None:
    # One character replaced, inserted or removed: mostly broken texts, which must fail with json's own error.
    text = json.dumps(value)
    at = data.draw(st.integers(0, len(text)))
    piece = data.draw(st.sampled_from(['"', "\\", ",", "]", "}", "{", "[", ":", "e", "-", ".", "0", "9", " ",
                                       "\x00", "\ud800", "N", "t", "u", "\u00e9", ""]))
    cut = data.draw(st.integers(0, 1))
    _same(text[:at] + piece + text[at + cut:])


_written = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),  # NaN, inf and lone surrogates too
    _containers, max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_written, st.sampled_from([1, 2, 4]))
def test_indented_text_is_what_json_writes(value, indent: int) -> None:
    assert dumps_indented(value, indent, layout_from=0) == json.dumps(value, ensure_ascii=False, indent=indent)


@pytest.mark.parametrize("value", [
    {"a": [], "b": {}, "c": [1, {"d": "x y\n\u2028"}], "e": -0.0, "f": 1e-07, "g": 1e300, "h": None},
    {"nan": float("nan"), "inf": [float("inf"), -float("inf")]},  # json writes NaN, which JSON has not
    {"answer": "\ud83d half an emoji"},  # a lone surrogate, written as its escape
    [], {}, "", [[]], [{}],
])
def test_files_written_with_an_indent_are_byte_identical(value) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2)
    assert dumps_indented(value, 2, layout_from=0) == expected
    assert json_bytes(value, indent=2) == expected.encode("utf-8", "backslashreplace")
    assert json_bytes({"when": object}, indent=2, default=str) == json.dumps({"when": str(object)}, indent=2).encode()


_SWITCH = """
import json, sys
from omniact.json_text import loads
small = json.dumps({"k": list(range(100))})
assert loads(small) == json.loads(small)
print("msgspec" in sys.modules)
line = json.dumps({"id": "t", "script": "pyautogui.click(1.5, 2)" * 20})
for _ in range((1 << 20) // len(line) + 2):
    assert loads(line) == json.loads(line)
print("msgspec" in sys.modules)
"""


def test_msgspec_is_imported_only_after_a_megabyte_of_json():
    # Its import costs what json loses on about 1.5 MB: a small split or run file is read as fast as before.
    out = subprocess.run([sys.executable, "-c", _SWITCH], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_key_line_finds_a_key_however_its_characters_are_escaped():
    """An id written `"\\u0039"` (9) in a {id: script} file was refused without its line."""
    text = '{\n "0": "pyautogui.click(1, 2)",\n "x\\": 9": 1,\n "\\u0039": "a \\"9\\": b",\n "\\u0030": 2\n}\n'
    assert key_line(text, "9") == 4
    assert key_line(text, "0") == 2 and key_line(text, "0", 2) == 5
    assert key_line(text, 'x": 9') == 3 and key_line(text, "a") is None
