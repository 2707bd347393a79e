"""Submissions: a prediction file (with an optional metadata file beside it) or a run directory."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from omniact.errors import UserError
from omniact.predictions import as_run_folder, manifest_dataset, predictions_path
from omniact.user_file import user_file_sha256

__all__ = ["META_FIELDS", "Submission", "find_submission", "meta_beside", "restrict"]

#: What a metadata file may say about an entry. All optional.
META_FIELDS = ("name", "team", "agent", "model", "date", "link", "uses_gold", "dataset_sha256", "notes")


@dataclass(frozen=True)
class Submission:
    """One leaderboard entry's source.

    `predictions` is the prediction file; `meta` merges the run manifest (for a run directory) and the
    metadata file; `file_sha256` keys the score cache.
    """

    name: str
    source: str
    predictions: Path
    meta: Mapping[str, Any] = field(default_factory=dict)
    file_sha256: str = ""

    @property
    def uses_gold(self) -> bool | None:
        """Whether the predictions came from gold scripts, as the submission's metadata or run says; None when it
        does not say (a prediction file without metadata), which is unknown, not false."""
        said = self.meta.get("uses_gold")
        return None if said is None else bool(said)

    @property
    def dataset_sha256(self) -> str | None:
        return self.meta.get("dataset_sha256")


# A metadata file or a run's manifest is a few kB; one this large is the wrong file (or /dev/zero behind a link).
_META_LIMIT = 16 << 20


def _read_json(path: Path) -> dict[str, Any]:
    from omniact.user_file import read_user_text

    # A device or folder is one line; a Windows editor's byte-order mark is dropped.
    text = read_user_text(path, "metadata file", limit=_META_LIMIT, text=True)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise UserError(f"cannot read metadata: {e}", file=str(path)) from None
    if not isinstance(data, dict):
        raise UserError("metadata must be a JSON object", file=str(path))
    return data


def _checked_meta(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The known fields of a metadata file. A field of the wrong type, or one whose name is a likely typo of a
    known field ("nme"), is refused: shown as it is, it would publish the entry under the wrong name or
    without its link. Other fields (an "email" for the maintainers) are left out of the board."""
    import difflib

    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in META_FIELDS:
            out[key] = _typed(path, "metadata", key, value)
            continue
        close = difflib.get_close_matches(key, META_FIELDS, n=1, cutoff=0.75)
        if close:
            raise UserError(f"unknown metadata field {key!r}: did you mean {close[0]!r}?", file=str(path))
    return out


def _typed(path: Path, what: str, key: str, value: Any) -> Any:
    """`value` of the field `key` of a metadata file or run manifest at `path`, or a UserError saying what type it
    must be: taken as it is, "false" would read as using gold, and a number or object would stand in a name's place
    in leaderboard.json, whose schema says string."""
    want = bool if key == "uses_gold" else str
    if value is not None and not isinstance(value, want):
        raise UserError(f"{what} field {key!r} must be {'true or false' if want is bool else 'a string'}, "
                        f"not {json.dumps(value)[:40]}", file=str(path))
    return value


def meta_beside(pred: Path, run_dir: Path | None = None) -> Path | None:
    """The metadata file that speaks for `pred`: its own ``NAME.jsonl.meta.json`` or ``NAME.meta.json``, and for
    a run directory (whose folder is its own) also ``meta.json`` there. A folder's ``meta.json`` never speaks for a
    plain prediction file: in a shared submissions folder it is one submitter's, and would name everyone's."""
    # NAME by the known suffixes only (`_stem`): with any suffix taken off, "model-v1.2" read "model-v1.meta.json",
    # another file's.
    own, stem = pred.with_name(pred.name + ".meta.json"), pred.with_name(_stem(pred.name) + ".meta.json")
    cands = [own] if stem == own else [own, stem]
    if run_dir is not None:
        cands.append(run_dir / "meta.json")
    for cand in cands:
        if cand.is_file():
            return cand
        if os.path.lexists(cand):  # a folder or device of that name: ignored, the entry would lose its name
            kind = "a folder" if cand.is_dir() else "not a regular file"
            raise UserError(f"metadata file is {kind}: make it a JSON file, or move it away", file=str(cand))
    return None


def _from_manifest(manifest: dict[str, Any], path: Path) -> dict[str, Any]:
    """The fields of a run's manifest.json (at `path`) that the leaderboard shows."""
    out: dict[str, Any] = {}
    agent = manifest.get("agent")
    if isinstance(agent, dict):
        out["agent"] = agent.get("name") or agent.get("spec")
        args = agent.get("args") or agent.get("config") or {}
        if isinstance(args, dict) and args.get("model"):
            out["model"] = args["model"]
    elif isinstance(agent, str):
        out["agent"] = manifest.get("agent_name") or agent
    args = manifest.get("agent_args")
    if isinstance(args, dict) and args.get("model"):
        out["model"] = args["model"]
    for key in ("model", "uses_gold"):
        if key in manifest:
            out[key] = manifest[key]
    for key in ("agent", "model"):  # a name as `--agent-arg model=7` may have made it (a number): shown as text
        value = out.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = str(value)
        elif not isinstance(value, str):
            out.pop(key, None)
    _typed(path, "manifest", "uses_gold", out.get("uses_gold"))
    ds = manifest.get("dataset")
    if isinstance(ds, dict) and ds.get("sha256"):
        out["dataset_sha256"] = ds["sha256"]
    # A run whose data is named by anything but strings is refused, as `omniact score` and `report` refuse it.
    _, given = manifest_dataset(manifest, path)
    if isinstance(ds, dict) and isinstance(ds.get("split"), str):
        out["_split"] = ds["split"]  # "_": the board's own, not shown as the submission's
        out["_split_given"] = given  # what --split takes for it: the split's name, or the file a run was made on
    if manifest.get("started"):
        out["date"] = str(manifest["started"])[:10]
    return out


def find_submission(path: Path) -> Submission:
    """A submission from a prediction file or a run directory. Raises UserError when it is neither, or when it
    cannot be read (a folder or file without read permission, a disk error)."""
    path = Path(path)
    try:
        return _find(path)
    except OSError as e:  # what the checks on the way ask of the file system (a folder it may not list)
        raise UserError(f"cannot be read ({e.strerror or e}): check its permissions", file=e.filename or str(path)) \
            from None


def _find(path: Path) -> Submission:
    # A run's own predictions.jsonl is the run (as `score`, `validate`, `report` and `replay` take it): its name, its
    # manifest's agent, model, data and gold use, not "predictions" and nothing else.
    path = as_run_folder(path)
    meta: dict[str, Any] = {}
    run_dir = None
    if path.is_dir():
        run_dir = path
        pred = predictions_path(path)  # says what the folder is when it holds no predictions
        manifest = path / "manifest.json"
        if manifest.is_file():
            meta.update(_from_manifest(_read_json(manifest), manifest))
        default_name = path.name
    elif path.is_file():
        pred = path
        default_name = _stem(path.name)
    elif str(path) == "-":  # as `omniact score` reads standard input
        raise UserError("standard input cannot be a submission (it is read twice, to hash and to score): save the "
                        "predictions to a file and give that", file="-")
    elif any(c in path.name for c in "*?["):  # a shell passes on a pattern that matched nothing, as it is
        raise UserError("the pattern matched no file: check it (and the folder)", file=str(path))
    elif path.exists():  # a pipe (<(zcat ...)) is read by scoring and hashed for the cache: it cannot be read twice
        raise UserError("predictions file is a pipe or device, not a file: save it to a file and give that",
                        file=str(path))
    else:
        raise UserError("no such file or directory: check the path", file=str(path))
    side = meta_beside(pred, run_dir)
    if side is not None:
        meta.update(_checked_meta(side, _read_json(side)))
    meta = {k: v for k, v in meta.items() if v is not None}
    name = str(meta.get("name") or "")
    if not _visible(name):  # "   " or a zero-width space: no link to click on the board, an empty Markdown cell
        name = default_name
    # Hashed a chunk at a time: a file larger than memory (or a sparse one, NULs to its end) is refused at its first
    # NUL byte, as scoring would refuse it, not read whole first.
    return Submission(name=name, source=str(path), predictions=pred, meta=meta,
                      file_sha256=user_file_sha256(pred, "predictions file", text=True))


#: What a prediction file's name ends with that is not part of the entry's name.
_SUFFIXES = (".jsonl", ".json", ".ndjson", ".txt")


def _stem(file_name: str) -> str:
    """An entry's default name from its file's: ``gpt-4.1.jsonl`` is ``gpt-4.1``."""
    for suffix in _SUFFIXES:
        if file_name.lower().endswith(suffix) and len(file_name) > len(suffix):
            return file_name[: -len(suffix)]
    return file_name


def restrict(sub: Submission, ids: Collection[str], known_ids: Collection[str], folder: Path) -> Submission:
    """`sub` with only its predictions for `ids` (a run's tasks, when the other is compared with a run made with
    ``--limit``), written to a file in `folder` when any is left out; `sub` itself when none is. Its file is
    checked against `known_ids` (the whole split) as it is read: a broken file is a `UserError` naming its line."""
    from omniact.predictions import read_predictions, write_predictions

    preds = read_predictions(sub.predictions, known_ids=known_ids)
    keep = [p for key, p in preds.items() if key in ids]
    if len(keep) == len(preds):
        return sub
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sub.file_sha256[:16]}-{len(ids)}.jsonl"
    write_predictions(target, keep)
    return replace(sub, predictions=target, file_sha256=hashlib.sha256(target.read_bytes()).hexdigest())


def _visible(name: str) -> bool:
    """Whether `name` shows anything: not only spaces, invisible formatting (U+200B) or control characters."""
    import unicodedata

    return any(not unicodedata.category(c).startswith(("Z", "C")) for c in name)
