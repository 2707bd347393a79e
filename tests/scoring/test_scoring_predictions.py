"""Prediction files: JSON Lines or one JSON object; broken files are refused naming file and line."""

from __future__ import annotations

import json
from types import MappingProxyType

import pytest
import scoring_helpers  # noqa: F401  (the real `scoring` package, not this folder)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omniact.errors import UserError
from omniact.predictions import Prediction, read_predictions, write_predictions


def _write(tmp_path, text: str | bytes, name: str = "run.jsonl"):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


def test_jsonl_with_blank_lines_extra_fields_and_non_string_scripts(tmp_path):
    p = _write(tmp_path, '{"id": "1", "script": "pyautogui.click(1, 2)", "agent": "a", "usage": {"tokens": 3}}\n'
                         '\n   \n'
                         '{"id": 2, "script": null}\n'
                         '{"id": "3", "script": [1, 2]}\n')
    preds = read_predictions(p)
    assert list(preds) == ["1", "2", "3"]
    assert preds["1"] == Prediction("1", "pyautogui.click(1, 2)", 1, {"agent": "a", "usage": {"tokens": 3}})
    assert preds["1"].extra == {"agent": "a", "usage": {"tokens": 3}}
    assert preds["2"].script is None and preds["2"].line == 4
    assert preds["3"].script == [1, 2]


def test_single_json_object_file(tmp_path):
    p = _write(tmp_path, json.dumps({"1": "pyautogui.click(1, 2)", "2": 5}, indent=2), "run.json")
    preds = read_predictions(p, known_ids={"1", "2", "3"})
    assert preds["1"].script == "pyautogui.click(1, 2)" and preds["2"].script == 5 and preds["1"].line == 1


def test_one_line_jsonl_is_not_mistaken_for_an_object_file(tmp_path):
    p = _write(tmp_path, '{"id": "7", "script": "pyautogui.press(\\"enter\\")"}')
    assert read_predictions(p)["7"].script == 'pyautogui.press("enter")'


@pytest.mark.parametrize("text,line,words", [
    ('{"id": "1", "script": "x"}\n{"id": "2", "script": \n', 2, "not valid JSON"),
    ('{"id": "1", "script": \n{"id": "2", "script": "y"}\n', 1, "not valid JSON"),  # JSON Lines, its first line broken
    ('{"id": "1", "script": "x"}\n\n["1", "x"]\n', 3, "expected a JSON object"),
    ('{"id": "1", "script": "x"}\n{"script": "y"}\n', 2, 'no "id"'),
    ('{"id": "1", "script": "x"}\n{"id": true, "script": "y"}\n', 2, '"id" must be'),
    ('{"id": "1", "script": "x"}\n{"id": "2", "script": "y"}\n{"id": 1, "script": "z"}\n', 3,
     "duplicate id '1' (first on line 1)"),
    ('{"id": "1", "script": "x"}\n{"id": "99", "script": "y"}\n', 2, "'99' is not a task of this split"),
    ('{"id": "1", "script": "x"}\n' + "[" * 100_000 + "]" * 100_000 + "\n", 2, "nested too deeply"),
    ("{" * 100_000 + "\n", 1, "not valid JSON"),
    ('{"id": "1", "script": "x"} \t\n{"id": "2", "script": "y"} {}\n', 2, "Extra data"),
    (' {"id": "1", "script": "x"}\r\n{"id": "2", "script": "y"}x\r\n', 2, "Extra data"),
    ('{"script": "x"}', 1, 'no "id"'),  # one record with no id is not an {id: script} file
    ('{"id": "1", "script": "x"}\n{"id": "2", "scirpt": "y"}\n', 2, 'no "script" (its fields: "id", "scirpt")'),
    ('{"id": "1", "script": ' + "9" * 5000 + "}\n", 1, "a number longer than Python reads (over 4,300 digits)"),
    ('[\n  {"id": "1", "script": "x"}\n]\n', 1, "one JSON array over several lines"),
    ('{\n  "id": "1",\n  "script": "x"\n}\n', 1, "one JSON object over several lines"),
])
def test_bad_files_are_refused_with_file_and_line(tmp_path, text, line, words):
    p = _write(tmp_path, text)
    with pytest.raises(UserError) as e:
        read_predictions(p, known_ids=["1", "2"])
    assert e.value.file == str(p) and e.value.line == line
    assert words in str(e.value) and str(e.value).startswith(f"{p}:{line}: ")
    assert "did you mean" not in str(e.value)


def test_a_big_file_with_a_record_whose_script_field_is_misnamed_is_refused_at_its_line(tmp_path):
    """Past a megabyte, records are read by msgspec, which took a missing "script" for null: a submission whose
    field was misnamed passed `validate` and scored 0 on every task."""
    ids = [str(i) for i in range(40_000)]
    lines = [json.dumps({"id": i, "script": "pyautogui.click(1, 2)"}) for i in ids]
    lines[30_000] = json.dumps({"id": ids[30_000], "prediction": "pyautogui.click(1, 2)"})
    p = _write(tmp_path, "\n".join(lines) + "\n")
    assert p.stat().st_size > 1 << 20
    with pytest.raises(UserError, match=r'^.*:30001: record has no "script" \(its fields: "id", "prediction"\)'):
        read_predictions(p, known_ids=ids)


def test_duplicate_key_in_object_file(tmp_path):
    p = _write(tmp_path, '{"1": "a", "1": "b"}', "run.json")
    with pytest.raises(UserError, match="duplicate id '1'"):
        read_predictions(p)


@pytest.mark.parametrize("text,line,words", [
    ('{\n "1": "a",\n "2": "x",\n "99": "x"\n}\n', 4, "'99' is not a task of this split"),
    ('{\n "1": "a",\n "2": "x",\n "1": "y"\n}\n', 4, "duplicate id '1' (first on line 2)"),
    ('{\n "1": "a",\n "2": \n}\n', 4, "not valid JSON: Expecting value (column 1)"),
    ('{\n "1": "a"\n "2": "b"\n}\n', 3, "not valid JSON: Expecting ',' delimiter (column 2)"),
])
def test_an_object_file_over_several_lines_is_refused_at_the_line_of_the_mistake(tmp_path, text, line, words):
    # {id: script} written over several lines: the line of the id (or of the JSON mistake), not line 1
    p = _write(tmp_path, text, "run.json")
    with pytest.raises(UserError) as e:
        read_predictions(p, known_ids=["1", "2"])
    assert e.value.line == line and words in str(e.value), str(e.value)


@pytest.mark.parametrize("data,line", [(b'{"id": "1", "script": "x"}\n{"id": "2", "script": "\x00"}\n', 2),
                                       (b'{"id": "1", "script": "x"}\n{"id": "2", "script": "\xff\xfe"}\n', 2)])
def test_nul_and_non_utf8_bytes_are_refused(tmp_path, data, line):
    with pytest.raises(UserError) as e:
        read_predictions(_write(tmp_path, data))
    assert e.value.line == line


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        read_predictions(tmp_path / "nope.jsonl")


def test_a_utf16_file_is_asked_for_in_utf8(tmp_path):
    p = _write(tmp_path, '{"id": "1", "script": "x"}\n'.encode("utf-16"))
    with pytest.raises(UserError) as e:
        read_predictions(p)
    assert str(e.value) == f"{p}:1: predictions file is UTF-16 text: save it as UTF-8 (JSON Lines)"


def test_a_dangling_symlink_is_named_as_one(tmp_path):
    from omniact.predictions import predictions_path

    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(UserError, match="symbolic link to nothing"):
        predictions_path(tmp_path / "a")


def test_write_then_read_round_trip_atomically(tmp_path):
    p = tmp_path / "out" / "run.jsonl"
    records = [{"id": "1", "script": "pyautogui.write(\"héllo\u2028\")", "model": "m"},
               Prediction("2", None, 1, {"error": "timeout"}), {"id": "3", "script": "\ud800"}]
    write_predictions(p, records)
    assert sorted(x.name for x in p.parent.iterdir()) == ["run.jsonl"]  # no temp file left behind
    back = read_predictions(p)
    assert back["1"].script == records[0]["script"] and back["1"].extra == {"model": "m"}
    assert back["2"].script is None and back["2"].extra == {"error": "timeout"}
    assert back["3"].script == "\ud800"


def test_known_ids_may_be_a_dataset(omniact_data, tmp_path):
    from omniact.dataset import load_split

    ds = load_split(omniact_data, "test")
    p = tmp_path / "preds_known.jsonl"
    write_predictions(p, [{"id": "0", "script": "pyautogui.click(170.0,330.0)"}])
    assert list(read_predictions(p, known_ids=ds)) == ["0"]
    write_predictions(p, [{"id": "12", "script": "x"}])  # a train task
    with pytest.raises(UserError, match="not a task of this split"):
        read_predictions(p, known_ids=ds)


_JSONISH = [b'{"id": "1", "script": "x"}', b'{"id": 2}', b"NaN", b'{"id": "\\ud800"}', b"[", b"}", b'"', b"\\",
            b"\xe9", b"\xef\xbb\xbf", b"1e400", b'{"id": 123456789012345678901234567890, "script": 1e999}', b" ",
            b"\r", b"\t", b"\x0c", b'{"id": "3", "id": "4"}', b'{"a": [[[[[[', b"]]]]]]}", b"\n"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(_JSONISH), max_size=12))
def test_any_file_reads_the_same_on_both_json_paths_or_is_one_user_error(tmp_path, monkeypatch, pieces):
    # A predictions file of JSON pieces, whole and broken: read the same records whichever decoder the process
    # has switched to (msgspec after its first megabyte), or refused with the same one-line error; never a crash.
    from omniact import json_text

    p = _write(tmp_path, b"".join(pieces), "fuzz.jsonl")

    def read(loads):
        monkeypatch.setattr(json_text, "reader", lambda size: loads)
        try:
            return ("ok", {k: (v.script, v.line, v.extra) for k, v in read_predictions(p).items()})
        except UserError as e:
            return ("error", str(e))

    assert read(json_text.exact_loads) == read(json_text.std_loads)


def test_write_predictions_takes_the_mapping_read_predictions_gives_and_refuses_other_shapes(tmp_path):
    p = tmp_path / "p.jsonl"
    write_predictions(p, {"9": "pyautogui.click(1,2)", "10": 'pyautogui.press("enter")'})
    assert {k: v.script for k, v in read_predictions(p).items()} == {"9": "pyautogui.click(1,2)",
                                                                     "10": 'pyautogui.press("enter")'}
    write_predictions(tmp_path / "q.jsonl", read_predictions(p))  # the round trip
    assert (tmp_path / "q.jsonl").read_text() == p.read_text()
    with pytest.raises(TypeError, match="record 1 is"):
        write_predictions(p, [("9", "pyautogui.click(1,2)")])
    assert len(read_predictions(p)) == 2  # the file was left as it was


_RECORDS = [b'\n{"id": "1", "script": "pyautogui.press(\\"tab\\")"}\n', b'{"id": "2", "script": null, "agent": "a"}\n',
            b'{"id": 5, "script": ["x"]}\n', b'{"id": "9", "script": "y"}\n', b'{"id": true, "script": "z"}\n',
            b'[{"id": "1"}]\n', b'{"script": "no id"}\n', b'{"id": "3", "script": "s"} {"id": "4"}\n',
            b'{"id": "1", "script": "a", "id": "6"}\n', b'{"id": 9, "script": "n"}\n', b'{"id": ["x"], "script": 1}\n',
            b'{"\\u0069d": "4", "script": "escaped key"}\n']


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(_JSONISH + _RECORDS * 3), max_size=12),
       known=st.sampled_from([None, {"1", "2", "3", "4", "5"}, MappingProxyType(dict.fromkeys("1234569", 0))]))
def test_scripts_read_at_once_are_the_ones_read_line_by_line(tmp_path, monkeypatch, pieces, known):
    # Scoring reads a file's scripts all at once where every record is good (msgspec reads each line, no Python step
    # of ours per line): the same {id: script}, in the same order, as read line by line, or the same one-line error.
    from omniact import json_text
    from omniact.predictions import read_scripts

    p = _write(tmp_path, b"".join(pieces), "fuzz.jsonl")

    def read(at_once):
        with monkeypatch.context() as m:
            m.setattr(json_text, "loaded_decoder", (lambda: json_text._decoder()[0]) if at_once else (lambda: None))
            try:
                return ("ok", repr(list(read_scripts(p, known_ids=known, split="test").items())))
            except UserError as e:
                return ("error", str(e))

    assert read(True) == read(False)


# Records of a run whose agent failed (`agent_failures` reports those with an error and no script kept).
_FAILED = [b'{"id": "7", "script": null, "error": "timed out after 3 s", "error_kind": "timeout"}\n',
           b'{"id": "8", "script": "  ", "error": "boom"}\n', b'{"id": "6", "script": "kept", "error": "parse"}\n',
           b'{"id": "5", "script": null, "error": "", "error_kind": "x"}\n', b'{"id": 4, "script": null, "error": 3}\n',
           b'{"id": "3", "script": null, "error": "e", "error_kind": ""}\n', b'{"id": "2", "error": "no script"}\n']


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(_JSONISH + _RECORDS + _FAILED * 3), max_size=12),
       known=st.sampled_from([None, set("12345678"), MappingProxyType(dict.fromkeys("1234569", 0))]))
def test_scripts_and_failures_read_at_once_are_the_ones_read_line_by_line(tmp_path, monkeypatch, pieces, known):
    # A leaderboard's task pages read each entry's scripts and its agent's failures in one reading: the same as
    # `read_scripts` and `agent_failures(read_predictions(...))` give, or the same one-line error, on either path.
    from omniact import json_text
    from omniact.predictions import agent_failures, read_scripts, read_scripts_and_failures

    p = _write(tmp_path, b"".join(pieces), "fuzz.jsonl")

    def read(at_once, together):
        with monkeypatch.context() as m:
            m.setattr(json_text, "loaded_decoder", (lambda: json_text._decoder()[0]) if at_once else (lambda: None))
            try:
                if together:
                    scripts, failures = read_scripts_and_failures(p, known_ids=known, split="test")
                else:
                    scripts = read_scripts(p, known_ids=known, split="test")
                    failures = agent_failures(read_predictions(p, known_ids=known, split="test"))
                return ("ok", repr(list(scripts.items())), repr(list(failures.items())))
            except UserError as e:
                return ("error", str(e))

    assert read(True, True) == read(False, True) == read(False, False)


@pytest.mark.parametrize("sign, digits, tail", [("", 4301, ""), ("-", 4301, ""), ("", 4300, ""), ("", 4301, ".5")])
def test_a_field_scoring_does_not_read_is_still_read_as_json_reads_it(tmp_path, monkeypatch, sign, digits, tail):
    # An integer longer than Python reads (4,301 digits), in a field other than the id and the script: read at once,
    # msgspec skipped it, and scoring took a file that every other reader refuses as not valid JSON.
    from omniact import json_text
    from omniact.predictions import read_scripts

    number = sign + "1" + "0" * (digits - 1) + tail
    p = _write(tmp_path, f'{{"id": "1", "script": "x", "n": {number}}}\n'.encode(), "big.jsonl")

    def read(at_once):
        with monkeypatch.context() as m:
            m.setattr(json_text, "loaded_decoder", (lambda: json_text._decoder()[0]) if at_once else (lambda: None))
            try:
                return ("ok", read_scripts(p, known_ids={"1"}))
            except UserError as e:
                return ("error", str(e))

    assert read(True) == read(False)
