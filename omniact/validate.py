"""`omniact validate`: check a data set or a prediction file and say, one line each, what is wrong."""

from __future__ import annotations

from pathlib import Path

from omniact.actions import parse_script
from omniact.dataset import (
    MANIFEST_NAME,
    gold_line_offset,
    load_split,
    resolve_data_root,
    split_names,
    verify_manifest,
)
from omniact.errors import DataError, ParseError, UserError
from omniact.tables import plural

__all__ = ["validate_data", "validate_predictions"]


def validate_data(data: Path | None, split: str | None = None) -> tuple[list[str], bool]:
    """Problems (which fail validation) and warnings of a data root, and whether it passed.

    Problems: a missing/unreadable/malformed split, task, box or screenshot file; a gold script the shared
    parser refuses; a file that differs from MANIFEST.sha256. Warnings: gold the reference scorer cannot score
    as published (a click with no box centred on it, a task with no actions), ids in several splits.
    """
    import scoring

    root = resolve_data_root(data)
    names = [split] if split else split_names(root)
    if not names:  # the wrong folder, most likely: nothing here would be checked
        raise UserError("no split file here (train.json, val.json, test.json): is this the data root?",
                        file=str(root))
    problems: list[str] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    n_tasks = 0
    for name in names:
        errors: list[DataError] = []
        ds = load_split(root, name, problems=errors)
        problems.extend(str(e) for e in errors)
        n_tasks += len(ds)
        readable = []
        for t in ds.tasks:
            if t.id in seen and seen[t.id] != name:
                warnings.append(f"{ds.split_path}: task id {t.id} is also in {seen[t.id]}.json")
            seen.setdefault(t.id, name)
            try:
                parse_script(t.gold_script)
                readable.append(t)
            except ParseError as e:
                line = e.line + _gold_offset(t.task_path)
                problems.append(f"{t.task_path}:{line}:{e.col}: gold script: {e.message}")
        # Only gold the parser reads: a broken gold script is a problem above, not a warning again.
        warnings.extend(f"warning: {w}" for w in scoring.gold_problems(readable))
    manifest = root / MANIFEST_NAME
    if manifest.is_file():
        problems.extend(verify_manifest(root))
    lines = problems + warnings
    ok = not problems
    summary = f"{len(names)} split(s), {plural(n_tasks, 'task')}"
    if manifest.is_file():
        summary += f", {MANIFEST_NAME} {'verified' if ok else 'checked'}"
    lines.append(f"{'ok' if ok else 'FAILED'}: {root}: {summary}; {len(problems)} problem(s), "
                 f"{len(warnings)} warning(s)")
    return lines, ok


def _gold_offset(task_file: Path) -> int:
    """Lines before the gold script in a task file: usually 2 (the goal and "Output Script:"), but not in one
    with blank lines first or no "Output Script:" line. Read again only for a gold script with a problem."""
    try:
        data = task_file.read_bytes()
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return 2
    return gold_line_offset(text)


def validate_predictions(data: Path | None, split: str, path: Path) -> tuple[list[str], bool]:
    """Check a prediction file against a split.

    A broken file (bad JSON line, duplicate or unknown id) raises UserError (exit 2). Scripts the parser
    refuses are agent mistakes, not file errors: they are listed and counted as parse errors, and validation
    passes. Strict mode scores them 0; reference mode, like the released scorer, still reads their pyautogui
    lines (a script wrapped in prose or a code fence can match).
    """
    from omniact.predictions import read_predictions

    ds = load_split(data, split)
    preds = read_predictions(path, known_ids=ds, split=ds.split)
    lines = []
    n_bad = 0
    for task_id, p in preds.items():
        try:
            parse_script(p.script)
        except ParseError as e:
            n_bad += 1
            if n_bad <= 20:
                lines.append(f"{path}:{p.line}: task {task_id}: the parser refuses the script: {e}")
    if n_bad > 20:
        lines.append(f"... and {n_bad - 20} more scripts the parser refuses")
    missing = sum(1 for t in ds.tasks if t.id not in preds)
    note = " (they score 0 in strict mode; reference mode still reads their pyautogui lines)" if n_bad else ""
    lines.append(f"ok: {path}: {plural(len(preds), 'prediction')} for {plural(len(ds), 'task')} of {ds.split}; "
                 f"{missing} missing, {n_bad} refused by the parser{note}")
    return lines, True
