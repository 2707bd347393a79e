"""Prediction files: what an agent answered, one script per task id.

The contract format is JSON Lines, one object a line::

    {"id": "2849", "script": "pyautogui.click(412.5, 88.0)", "agent": "oracle", "usage": {...}}

(blank lines are fine). One JSON object ``{"2849": "pyautogui.click(...)", ...}`` is accepted too. A file that
cannot be trusted to mean what it says is refused with a `UserError` naming the file and line: a broken
JSON line, a line that is not an object or has no ``id``, a duplicate id, an id that is not in the split.
A script that is not text (a number, null, a list) is kept: it is the agent's mistake, scored as a parse
error, not the user's.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "run.jsonl")
>>> write_predictions(p, [{"id": "1", "script": "pyautogui.press(\\"enter\\")", "agent": "me"}])
>>> read_predictions(p)["1"].extra
{'agent': 'me'}
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from omniact import json_text
from omniact.atomic import atomic_file
from omniact.errors import UserError, shell_quote, shorten
from omniact.user_file import UTF16_MARKS, decode_user_text, read_user_file, read_user_stdin

__all__ = ["Prediction", "agent_failures", "as_run_folder", "failure_reason", "finish_command", "manifest_dataset",
           "predictions_path", "read_predictions", "read_scripts", "read_scripts_and_failures", "recorded_dataset",
           "recorded_limit", "run_dataset", "run_tasks", "stopped_note", "write_predictions"]


@dataclass(frozen=True)
class Prediction:
    """One agent answer. `script` is normally text; anything else is kept and later scored as a parse error.

    `line` is the 1-based line of the record in its file (1 for a JSON object file); `extra` holds the
    record's other fields (agent, model, usage, error, ...).
    """

    id: str
    script: object
    line: int = 1
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)


def agent_failures(predictions: Mapping[str, Prediction]) -> dict[str, tuple[str, str]]:
    """``{id: (error kind, message)}`` for the records that hold no script because the agent failed (a run's
    ``error``/``error_kind`` fields; a file that gives an error without a kind gets ``"error"``). A record whose
    script is kept (an unparseable answer) is left out: its script explains itself."""
    out: dict[str, tuple[str, str]] = {}
    for key, p in predictions.items():
        failed = _failure(p.script, p.extra.get("error"), p.extra.get("error_kind"))
        if failed is not None:
            out[key] = failed
    return out


def _failure(script: object, error: object, kind: object) -> tuple[str, str] | None:
    """(error kind, message) of a record whose agent failed (`agent_failures`), from its fields; else None."""
    if isinstance(error, str) and error and (not isinstance(script, str) or not script.strip()):
        return kind if isinstance(kind, str) and kind else "error", error
    return None


def failure_reason(kind: str) -> str:
    """Why a task whose agent failed did not match, as "why no match" tables say it."""
    return f"the agent failed ({kind})"


def _decode(path: str, data: bytes) -> str:
    # UTF-16's NULs are its text: decode_user_text names the encoding instead.
    if b"\x00" in data and not data.startswith(UTF16_MARKS):
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise UserError("file contains a NUL byte; a predictions file is UTF-8 JSON text", file=path, line=line)
    return decode_user_text(data, "predictions file", path, save_as="UTF-8 (JSON Lines)")


def _task_id(value: Any) -> str | None:
    # Ids are strings in split files; agents that wrote them as numbers mean the same task.
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def predictions_path(path: str | os.PathLike) -> Path:
    """The predictions file a user named: the file itself, or a run folder's ``predictions.jsonl`` (``-``, standard
    input, is kept as it is). Raises `UserError` saying what the path is instead (a run stopped before it wrote its
    predictions, a folder that holds no run, nothing at all)."""
    p = Path(path)
    if str(path) == "-":
        return p  # read from sys.stdin by `read_predictions` and `read_scripts`
    if p.is_dir():
        pred = p / "predictions.jsonl"
        if (p / "run.sqlite").is_file():
            from omniact.run_lock import holder

            # A run writes predictions.jsonl when a session ends: while one goes on (a --resume too), or after one
            # was killed, the file there is missing or an earlier session's, short of the tasks finished since.
            running = holder(p)
            if running is not None:
                what = "is an earlier session's until it ends" if pred.is_file() else "is written when it ends"
                raise UserError(f"this run is still going ({running}): its predictions.jsonl {what}; score it then",
                                file=str(p))
            if not pred.is_file():
                raise UserError("this run has no predictions.jsonl yet: it was stopped before it ended; finish it "
                                f"with `{finish_command(p)}`", file=str(p))
            if _killed(p):
                raise UserError("this run's last session was stopped before it ended (killed?), so its "
                                "predictions.jsonl is an earlier session's, short of the tasks finished since; finish "
                                f"it with `{finish_command(p)}`", file=str(p))
        if pred.is_file():
            return pred
        raise UserError("is a folder, and not a run folder (no predictions.jsonl in it): give a predictions "
                        "file or a run folder", file=str(p))
    if not p.exists():
        problem = "is a symbolic link to nothing (or a loop)" if p.is_symlink() else "does not exist"
        raise UserError(f"predictions file {problem}", file=str(p))
    return p  # a file, or a pipe such as <(zcat run.jsonl.gz)


def as_run_folder(path: Path) -> Path:
    """`path`, or the run folder whose own ``predictions.jsonl`` it is: that file is the run's record, scored as
    the run is (on the data it was made on, a run made with ``--limit`` on its own tasks; a stopped session said)."""
    p = Path(path)
    if p.name == "predictions.jsonl" and (p.parent / "run.sqlite").is_file() and p.is_file():
        return p.parent
    return p


def _manifest(run: str | os.PathLike) -> dict[str, Any] | None:
    """A run folder's manifest.json, or None when it is missing, unreadable or not a JSON object."""
    try:
        manifest = json.loads((Path(run) / "manifest.json").read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    return manifest if isinstance(manifest, dict) else None


def stopped_note(run: Path) -> str | None:
    """A line saying that the run folder `run` holds a run stopped before it ended (Ctrl-C, SIGTERM, an agent's
    UserError), whose tasks not done count missing; None for a finished run, or a path that is not a run folder."""
    manifest = _manifest(run)
    if manifest is None or manifest.get("status") != "interrupted":
        return None
    done, total = manifest.get("n_done"), manifest.get("n_tasks")
    of = f" after {done} of {total} tasks" if isinstance(done, int) and isinstance(total, int) else ""
    return (f"the run was stopped before it ended{of}; the tasks it did not do count as missing (finish it with "
            f"`{finish_command(run)}`)")


def finish_command(run: Path) -> str:
    """The command that finishes a stopped run, as its messages give it: with the run's --limit (a resume without
    one goes on to the whole split)."""
    limited = recorded_limit(run)
    limit = f" --limit {limited[0]}" if limited else ""
    return f"omniact run ... --out {shell_quote(str(run))}{limit} --resume"


def _killed(run: Path) -> bool:
    """Whether the last session of the run folder `run` (which no one runs now) ended without saying how: its
    manifest still says "running", as written when the session began, so the session was killed (kill -9, a power
    cut) before it could write its predictions."""
    manifest = _manifest(run)  # (none, or unreadable: whoever reads the run next says so)
    return manifest is not None and manifest.get("status") == "running"


def recorded_dataset(path: str | os.PathLike) -> tuple[str | None, str | None]:
    """(data root, split) a run folder's manifest.json records, or (None, None) when it has none: what scoring
    it again should default to, instead of the built-in suite's test split."""
    where = Path(path) / "manifest.json"
    try:
        manifest = json.loads(where.read_bytes())
    except (FileNotFoundError, NotADirectoryError, ValueError, RecursionError):
        return None, None
    except OSError as e:  # there but unreadable: guessing the built-in suite would score the run on other data
        raise UserError(f"cannot be read ({e.strerror or e}); it records the run's data and split: check its "
                        "permissions", file=str(where)) from None
    return manifest_dataset(manifest, where) if isinstance(manifest, dict) else (None, None)


def run_dataset(predictions: Path, data: Path | None, split: str | None) -> tuple[Path | None, str]:
    """--data and --split as given; for a run folder, what its manifest records in their place (the run is
    scored, checked and replayed on the data it ran on); else the built-in suite's test split."""
    root, recorded = recorded_dataset(predictions) if predictions.is_dir() else (None, None)
    if data is None and root is not None:
        if not Path(root).is_dir():
            raise UserError(f"the run was made on the data in {root}, which is not here: give its copy with --data",
                            file=str(predictions))
        data = Path(root)
    if split is None and recorded is not None and recorded.endswith(".json") and not os.path.isfile(recorded):
        # The data root's split of the same name is other tasks: the run would be scored as mostly missing.
        raise UserError(f"the run was made on the split file {recorded}, which is not there: give it (or its copy) "
                        "with --split FILE", file=str(Path(predictions) / "manifest.json"))
    return data, split or recorded or "test"


def run_tasks(path: str | os.PathLike, dataset: Any) -> Any:
    """The tasks of `dataset` that the run folder at `path` was made on: the first ``limit`` tasks for a run made
    with ``--limit`` on this very split (same data hash), else `dataset` itself. Scoring a run again scores these,
    so that `omniact score` and `omniact report` show the numbers the run printed, not the run's tasks diluted by
    the rest of the split counted missing."""
    limit = recorded_limit(path)
    if limit is None or limit[0] >= len(dataset.tasks) or limit[1] != dataset.sha256:
        return dataset
    return dataset.subset([t.id for t in dataset.tasks[:limit[0]]])


def recorded_limit(path: str | os.PathLike) -> tuple[int, str] | None:
    """(limit, data sha256) a run folder's manifest records for a run made with ``--limit``, else None (cheap: the
    split is loaded only for a run that has a limit)."""
    manifest = _manifest(path)
    if manifest is None:
        return None
    limit, ds = manifest.get("limit"), manifest.get("dataset")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1 or not isinstance(ds, dict) \
            or not isinstance(ds.get("sha256"), str):
        return None
    return limit, ds["sha256"]


def manifest_dataset(manifest: Mapping[str, Any], where: str | os.PathLike) -> tuple[str | None, str | None]:
    """(data root, split) of a run manifest's ``dataset``. A value that is not a string is refused rather than
    ignored: the run would quietly be scored on the built-in suite, or its test split (`UserError`)."""
    ds = manifest.get("dataset")
    if not isinstance(ds, dict):
        return None, None
    out = []
    for key, what in (("root", "a path string"), ("split", "a split name (a string)"),
                      ("split_file", "a path string")):
        value = ds.get(key)
        if value is not None and not isinstance(value, str):
            raise UserError(f"dataset.{key} must be {what}, not {json.dumps(value)[:40]}", file=str(where))
        out.append(value or None)
    # A run made with --split FILE is scored on that file, not on the root's split of its name (a file that has
    # gone is refused where the split is read: see `run_dataset`).
    return out[0], out[2] if out[2] is not None else out[1]


def read_predictions(path: str | os.PathLike, known_ids: Collection[str] | None = None, *,
                     split: str | None = None) -> dict[str, Prediction]:
    """Read a predictions file (JSON Lines, or one JSON object ``{id: script}``) or a run folder's into
    ``{id: Prediction}``.

    With `known_ids` (the split's task ids), an id outside it is refused: scoring a run against the wrong
    split must not silently report a low score (`split`, the split's name, goes in that message). Raises
    `UserError` (``FILE:LINE: problem``).
    """
    return {key: Prediction(key, script, n, extra)
            for key, script, n, extra in _records(path, known_ids, True, split)}


def read_scripts(path: str | os.PathLike, known_ids: Collection[str] | None = None, *,
                 split: str | None = None) -> dict[str, object]:
    """``{id: script}`` of a predictions file, checked exactly like `read_predictions` (what scoring needs)."""
    where, text, known = _opened(path, known_ids)
    whole = _whole_object(text, where)
    if whole is None:  # JSON Lines, every record good: the dict msgspec's reading made
        scripts = _scripts_at_once(text, known)
        if scripts is not None:
            return scripts
    return {key: script for key, script, _, _ in _records_in(where, text, known, False, split, at_once=False,
                                                             whole=whole)}


def read_scripts_and_failures(path: str | os.PathLike, known_ids: Collection[str] | None = None, *,
                              split: str | None = None) -> tuple[dict[str, object], dict[str, tuple[str, str]]]:
    """`read_scripts` and `agent_failures` of a predictions file in one reading (a leaderboard's task pages show
    both for every entry: read as `read_scripts` reads, a hundred files took a fifth of the time)."""
    where, text, known = _opened(path, known_ids)
    whole = _whole_object(text, where)
    if whole is None:
        failures: dict[str, tuple[str, str]] = {}
        scripts = _scripts_at_once(text, known, failures)
        if scripts is not None:
            return scripts, failures
    preds = {key: Prediction(key, script, n, extra)
             for key, script, n, extra in _records_in(where, text, known, True, split, whole=whole)}
    return {key: p.script for key, p in preds.items()}, agent_failures(preds)


def _not_in_split(key: str, split: str | None) -> str:
    if split is None:
        return f"id {key!r} is not a task of this split"
    return f"id {key!r} is not a task of split {split!r} (predictions for another split? give that one with --split)"


def _records(path: str | os.PathLike, known_ids: Collection[str] | None, extras: bool,
             split: str | None = None) -> Iterator[tuple[str, object, int, dict[str, Any]]]:
    """(id, script, line, other fields) per record; `extras` False leaves the other fields out, and the line (0)
    where every record is good (faster)."""
    yield from _records_in(*_opened(path, known_ids), extras, split)


def _opened(path: str | os.PathLike, known_ids: Collection[str] | None) -> tuple[str, str, Collection[str] | None]:
    """(the name errors give the file, its text, the known ids as `_records_in` looks them up) of a predictions
    file, a run folder's, or standard input's (``-``)."""
    where = str(path)
    if where == "-":
        where, data = "<stdin>", read_user_stdin("predictions file", text=True)
    else:
        if os.path.isdir(path):  # a run folder: its predictions.jsonl, as --predictions RUN reads it
            path = predictions_path(path)
            where = str(path)
        data = read_user_file(path, "predictions file", text=True)
    text = _decode(where, data)
    # A list would make every lookup linear, and a sequence of Tasks (`ds.tasks`) holds no id as such; anything
    # else with `in` (a set, a Dataset, its `ids`) is used as it is.
    known = {getattr(k, "id", k) for k in known_ids} if isinstance(known_ids, Sequence) \
        and not isinstance(known_ids, str) else known_ids
    return where, text, known


def _records_in(where: str, text: str, known: Collection[str] | None, extras: bool, split: str | None = None, *,
                at_once: bool = True, whole: Any = ...) -> Iterator[tuple[str, object, int, dict[str, Any]]]:
    """`_records` of a file's text; `at_once` False: `_scripts_at_once` was tried already; `whole`: the file's
    `_whole_object`, when read already (a ``{id: script}`` file was parsed twice)."""
    if whole is ...:
        whole = _whole_object(text, where)
    if whole is not None:
        keys = [key for key, _ in whole]
        if len(set(keys)) == len(keys) and (known is None or all(key in known for key in keys)):
            # (every id once and known, checked with sets: the loop below finds the first problem where there is one)
            for key, script in whole:
                yield key, script, 1, {}
            return
        seen: set[str] = set()
        for key, script in whole:
            if key in seen:
                first = json_text.key_line(text, key)
                raise UserError(f"duplicate id {key!r}" + (f" (first on line {first})" if first else ""), file=where,
                                line=json_text.key_line(text, key, 2))
            if known is not None and key not in known:
                raise UserError(_not_in_split(key, split), file=where, line=json_text.key_line(text, key))
            seen.add(key)
            yield key, script, 1, {}
        return

    no_extra: dict[str, Any] = {}
    if not extras and at_once:
        scripts = _scripts_at_once(text, known)
        if scripts is not None:
            for key, script in scripts.items():
                yield key, script, 0, no_extra
            return
    lines: dict[str, int] = {}
    loads = json_text.reader(len(text))  # json.loads's value or error, faster: a leaderboard reads a million lines
    for n, raw in enumerate(text.split("\n"), 1):  # not splitlines(): JSON strings may hold U+2028 raw
        if not raw or raw.isspace():
            continue
        try:
            rec = loads(raw)
        except RecursionError:
            raise UserError("not valid JSON here: nested too deeply to read", file=where, line=n) from None
        except ValueError as e:
            spread = _spread_value(text)
            if spread is not None:  # valid JSON, but not one record a line
                raise UserError(f"this file is one JSON {spread} over several lines; a predictions file has one "
                                '{"id": ..., "script": ...} record a line (JSON Lines)', file=where, line=n) from None
            msg = getattr(e, "msg", str(e))
            if "digits" in msg and not isinstance(e, json.JSONDecodeError):  # int() refused a huge integer literal
                msg = "a number longer than Python reads (over 4,300 digits)"
            col = getattr(e, "colno", None)
            raise UserError(f"not valid JSON: {msg}" + (f" (column {col})" if col else ""),
                            file=where, line=n) from None
        if not isinstance(rec, dict):
            raise UserError('expected a JSON object like {"id": "...", "script": "..."}', file=where, line=n)
        if "id" not in rec:
            raise UserError('record has no "id"', file=where, line=n)
        key = _task_id(rec["id"])
        if key is None:
            raise UserError(f'"id" must be a string (or a whole number), not {json.dumps(rec["id"])[:40]}',
                            file=where, line=n)
        first = lines.get(key)
        if first is not None:
            raise UserError(f"duplicate id {key!r} (first on line {first})", file=where, line=n)
        if known is not None and key not in known:
            raise UserError(_not_in_split(key, split), file=where, line=n)
        if "script" not in rec:  # a misnamed field ("prediction", "scirpt"): every task would score 0 unsaid
            fields = ", ".join(json.dumps(k, ensure_ascii=False)[:40] for k in rec)
            raise UserError(f'record has no "script" (its fields: {fields}); a record is {{"id": ..., "script": ...}}',
                            file=where, line=n)
        lines[key] = n
        if not extras:
            extra = no_extra
        else:
            extra = {k: v for k, v in rec.items() if k != "id" and k != "script"} if len(rec) > 2 else {}
        yield key, rec.get("script"), n, extra


def _scripts_at_once(text: str, known: Collection[str] | None,
                     failures: dict[str, tuple[str, str]] | None = None) -> dict[str, object] | None:
    """``{id: script}`` of JSON Lines `text` whose every record is good (an object with an id, each id once, each in
    `known`), each line read by msgspec without a Python step of ours per line (a leaderboard reads a million); None
    for anything else (or where json reads the text, see `json_text.loaded_decoder`): `_records` then reads it line
    by line, with its values and its error for the line at fault. `failures`, where given, gets `agent_failures`'s
    entries of the records."""
    if json_text.loaded_decoder() is None:
        return None
    lines = [raw for raw in text.split("\n") if raw and not raw.isspace()]
    # The decoder skips the other fields without reading their numbers: an integer longer than Python reads, which
    # json refuses ("a number longer than Python reads"), is left to `_records`. Only a line that long can hold one.
    limit = _int_digits()
    if limit and max(map(len, lines), default=0) > limit:
        longer = _digits_over(limit)
        if any(longer(raw) for raw in lines if len(raw) > limit):
            return None
    try:
        # Each line decoded alone (one JSON value a line, as `_records` reads them) into its id and script.
        records = list(map(_record_decoder(), lines))
        out = {rec.id: rec.script for rec in records}
    except Exception:  # noqa: BLE001 - anything msgspec refuses (a line not an object), or an id a list: line by line
        return None
    if len(out) != len(records):
        return None  # an id given twice
    if not set(map(type, out)) <= {str}:
        ids = [_task_id(key) for key in out]  # a number names the task of its text
        if None in ids:
            return None
        out = dict(zip(ids, out.values()))
        if len(out) != len(records):
            return None  # 9 and "9"
    if known is not None and not (out.keys() <= known.keys() if isinstance(known, Mapping) else
                                  all(key in known for key in out)):
        return None
    if failures is not None:  # (as `agent_failures` finds them; `out` holds the records' ids in their order)
        for key, rec in zip(out, records):
            failed = _failure(rec.script, rec.error, rec.error_kind)
            if failed is not None:
                failures[key] = failed
    return out


# The most digits Python reads as an integer (json's limit too; 0: none); Pythons before 3.11 have no limit.
_int_digits = getattr(sys, "get_int_max_str_digits", lambda: 0)


@cache
def _digits_over(limit: int) -> Any:
    """A search for a run of more than `limit` digits."""
    # (from a run's first digit only: a search from every digit of a run took its length squared)
    return re.compile(f"(?<![0-9])[0-9]{{{limit + 1}}}").search


@cache
def _record_decoder() -> Any:
    """msgspec's decoder of one predictions record: the values of its "id" (None when absent) and "script" (the last
    of a repeated key, as json has them), the rest skipped. Refuses what is not a JSON object."""
    import msgspec.json

    class Record(msgspec.Struct):
        script: Any  # (required: a record without one is refused, by `_records`, with its line)
        id: Any = None
        error: Any = None  # (a run's record of an agent that failed: `agent_failures`)
        error_kind: Any = None

    return msgspec.json.Decoder(Record).decode


def _spread_value(text: str) -> str | None:
    """What a file that failed to read as JSON Lines is when it is one JSON value written over several lines
    (a pretty-printed record, an array of records), else None."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else None


def _whole_object(text: str, where: str) -> list[tuple[str, object]] | None:
    """The pairs of a ``{id: script}`` file, or None when the file is JSON Lines.

    A one-line JSONL file is also one JSON object; it is told apart by its ``"id"`` key. A file whose first line is
    not a JSON value of its own, and which is not JSON as a whole either, is a ``{id: script}`` object written over
    several lines with a mistake in it: UserError at the mistake's line and column (read line by line, its first
    line ``{`` would be named instead).
    """
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return None
    try:
        # Keeps every pair, so a duplicate key is seen instead of silently overwritten.
        obj = json.loads(text, object_pairs_hook=lambda kv: kv)
    except RecursionError:
        return None  # read line by line, where it is worded
    except ValueError as e:
        first = stripped.partition("\n")[0]
        # "Extra data" after a first line of its own, or a first record (its "id") with a mistake: JSON Lines, read
        # line by line, where errors are worded
        if not isinstance(e, json.JSONDecodeError) or _is_json(first) or '"id"' in first:
            return None
        raise UserError(f"not valid JSON: {e.msg} (column {e.colno})", file=where, line=e.lineno) from None
    if not isinstance(obj, list) or any(k == "id" or k == "script" for k, _ in obj):
        return None  # a JSON Lines record (one with no "id" is refused as such, not read as {id: script})
    return obj  # (the hook's list of (key, value) pairs)


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return False
    return True


def write_predictions(path: str | os.PathLike,
                      records: Iterable[Mapping[str, Any] | Prediction] | Mapping[str, Any]) -> None:
    """Write records (``{"id", "script", ...}`` objects or Predictions), or one ``{id: script}`` or ``{id:
    Prediction}`` mapping (what `read_predictions` returns), as JSON Lines, atomically: readers see the old file or
    the new one, never half of one. A record of another shape is a TypeError, and nothing is written."""
    if isinstance(records, Mapping):
        records = [v if isinstance(v, Prediction) else {"id": k, "script": v} for k, v in records.items()]
    with atomic_file(path, "w", encoding="utf-8", newline="\n") as f:
        for n, rec in enumerate(records, 1):
            if isinstance(rec, Prediction):
                rec = {"id": rec.id, "script": rec.script, **rec.extra}
            elif not isinstance(rec, Mapping) or "id" not in rec or "script" not in rec:  # (read back, refused)
                raise TypeError(f"record {n} is {shorten(repr(rec), 60)}: write_predictions takes "
                                "{'id': ..., 'script': ...} records, Predictions, or one {id: script} mapping")
            try:
                line = json.dumps(rec, ensure_ascii=False)
                line.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate cannot be UTF-8: escape it instead
                line = json.dumps(rec, ensure_ascii=True)
            f.write(line + "\n")
