"""`omniact validate`: check a data set or a prediction file and say, one line each, what is wrong."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omniact.actions import parse_script
from omniact.dataset import (
    MANIFEST_NAME,
    SPLITS,
    gold_line_offset,
    header_action,
    load_split,
    resolve_data_root,
    split_names,
    verify_manifest,
    why_missing,
)
from omniact.errors import DataError, ParseError, UserError
from omniact.tables import plural

__all__ = ["validate_data", "validate_predictions"]

_NOT_AN_ENTRY = "needs 'task' and 'image' paths"  # dataset.py's words for an entry that is not a task


def validate_data(data: Path | None, split: str | None = None) -> tuple[list[str], bool]:
    """Problems (which fail validation) and warnings of a data root, and whether it passed.

    Problems: a missing/unreadable/malformed split, task, box or screenshot file (a screenshot cut off before
    its end, a box element that cannot be read, an OCR/icon/colour file that is there but unreadable); a gold
    script the shared parser refuses; a file that differs from MANIFEST.sha256. Warnings: gold the reference scorer cannot score as published (a click with no box
    centred on it, a task with no actions), ids in several splits, a JPEG or WebP screenshot under a .png name,
    boxes whose corners are swapped.
    """
    import scoring

    root = resolve_data_root(data)
    names = [split] if split else split_names(root)
    if not names:  # the wrong folder, most likely: nothing here would be checked
        raise UserError("no split file here (train.json, val.json, test.json): is this the data root?",
                        file=str(root))
    problems: list[str] = []
    warnings: list[str] = []
    if not split:  # a split name that is a folder or a FIFO: left out of `names`, and every other verb refuses it
        problems.extend(f"{p}: {'a folder' if p.is_dir() else 'not a regular file (a FIFO or a device)'}, not a split "
                        f"file (--split {p.stem} refuses it): move it out of the data root"
                        for p in sorted(root.glob("*.json")) if not p.is_file() and p.stem in SPLITS)
    seen: dict[str, str] = {}
    files = _Files(problems, warnings)
    n_tasks = 0
    for name in names:
        errors: list[DataError] = []
        try:
            ds = load_split(root, name, problems=errors)
        except DataError as e:  # the split file itself (empty, not JSON): one problem, and the other splits go on
            problems.append(str(e))
            continue
        if not ds.tasks and len(errors) > 1 and all(_NOT_AN_ENTRY in e.message for e in errors):
            # Another tool's JSON in the data root (a run's manifest.json): one line, not one per key.
            errors = [DataError("no entry has 'task' and 'image' paths: this is not a split file; move it out of "
                                "the data root", file=str(ds.split_path))]
        problems.extend(str(e) for e in errors)
        n_tasks += len(ds)
        readable = []
        for t in ds.tasks:
            if t.id in seen and seen[t.id] != name:
                # (`show ID` without --split takes the first split that holds it: name the split there)
                warnings.append(f"warning: {ds.split_path}: task id {t.id} is also in {seen[t.id]}.json")
            seen.setdefault(t.id, name)
            action = header_action(t.task_path)
            if action is not None:
                warnings.append(f"warning: {t.task_path}:2: {action[:60]!r} after 'Output Script:' is not part of the "
                                "gold script (the released scorer drops that line): put it on a line of its own")
            files.image(t.image_path)
            files.detections(t)
            if not files.boxes(t.elements):
                continue  # its box file is a problem already; the gold checks below would stop on it
            try:
                parse_script(t.gold_script)
                readable.append(t)
            except ParseError as e:
                line = e.line + gold_line_offset(t.task_path)
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


class _Files:
    """Checks of the files tasks share, once per file: each screenshot's byte stream (is it whole?), each box
    file's elements (can every one be read?) and the optional detection files."""

    def __init__(self, problems: list[str], warnings: list[str]) -> None:
        self.problems, self.warnings = problems, warnings
        self.images: set[Path] = set()
        self.box_ok: dict[object, bool] = {}
        self.detection_files: set[tuple] = set()

    def image(self, path: Path) -> None:
        if path in self.images:
            return
        self.images.add(path)
        problem, warning = screenshot_problem(path)
        if problem:
            self.problems.append(f"{path}: {problem}")
        if warning:
            self.warnings.append(f"warning: {path}: {warning}")

    def detections(self, task: Any) -> None:
        """The optional OCR/icon/colour files, read as an agent's view of the task reads them (a broken one would
        stop a run at its first task on the screen)."""
        key = (task.ocr_path, task.icon_path, task.color_path)
        if key in self.detection_files:
            return
        self.detection_files.add(key)
        for path in key:
            # Loading passes over one that is not a regular file (no detections, as for a missing one): say so here.
            if path is not None and os.path.exists(path) and not os.path.isfile(path):
                self.problems.append(f"{path}: detection file is not a regular file (a FIFO, socket or device) or a "
                                     "folder: an agent would see no detections from it")
            elif path is not None and os.path.islink(path) and not os.path.exists(path):  # `manifest` refuses it
                self.problems.append(f"{path}: {why_missing(str(path), 'detection file')}: an agent would see no "
                                     "detections from it")
        try:
            task.detections()
        except DataError as e:
            self.problems.append(str(e))

    def boxes(self, elements: Sequence[Any]) -> bool:
        """Whether a screen's elements can be read (a problem is recorded, once per box file, when they cannot)."""
        path = getattr(elements, "path", None)
        key: object = path if path is not None else id(elements)  # each split reads a shared box file again
        known = self.box_ok.get(key)
        if known is not None:
            return known
        ok = self.box_ok[key] = self._check_boxes(elements)
        return ok

    def _check_boxes(self, elements: Any) -> bool:
        rects = getattr(elements, "rects", None)
        if not callable(rects):
            return True
        try:
            boxes = list(zip(_keys(elements), rects()))
        except DataError as e:
            self.problems.append(str(e))
            return False
        for odd, what in (
            ([k for k, r in boxes if not math.isfinite(sum(r))], "a coordinate that is not a finite number"),
            ([k for k, (x0, y0, x1, y1) in boxes if x0 > x1 or y0 > y1],
             "top_left below or right of bottom_right, so no point is inside it"),
        ):
            if odd:
                more = f" (and {len(odd) - 1} more)" if len(odd) > 1 else ""
                self.warnings.append(f"warning: {elements.path}: element {odd[0]!r}{more} has {what}")
        return True


def _keys(elements: Any) -> list[str]:
    raw = getattr(elements, "_raw", None)
    return [str(k) for k in raw] if raw else [e.id for e in elements]


_PNG = b"\x89PNG\r\n\x1a\n"


def screenshot_problem(path: Path | str) -> tuple[str | None, str | None]:
    """(problem, warning) of a screenshot's bytes, without decoding its pixels: a PNG whose chunks stop before
    IEND, a JPEG without its end marker, a WebP shorter than its header says, are cut off (an interrupted copy or
    download); a JPEG or WebP under a .png name is read, with a warning. Reads the first and last bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        return f"screenshot cannot be read: {e.strerror}", None
    try:
        size = os.fstat(fd).st_size
        head = os.pread(fd, 16, 0)
        if head[:8] == _PNG:
            return _png_cut(fd, size), None
        kind = "JPEG" if head[:3] == b"\xff\xd8\xff" else "WebP" if head[:4] == b"RIFF" and head[8:12] == b"WEBP" \
            else None
        if kind is None:
            return None, None  # another format Pillow reads: loading has measured it already
        if kind == "JPEG" and b"\xff\xd9" not in os.pread(fd, 64, max(size - 64, 0)):
            return "JPEG is cut off: it has no end-of-image marker; copy it again", None
        if kind == "WebP" and int.from_bytes(head[4:8], "little") + 8 > size:
            return (f"WebP is cut off: {size:,} bytes of the {int.from_bytes(head[4:8], 'little') + 8:,} its header "
                    "gives; copy it again"), None
        if Path(path).suffix.lower() == ".png":
            return None, f"screenshot is a {kind} file under a .png name (it is read as one)"
        return None, None
    except OSError as e:
        return f"screenshot cannot be read: {e.strerror}", None
    finally:
        os.close(fd)


_IEND = b"IEND\xaeB`\x82"  # the IEND chunk's type and CRC: the last 8 bytes of a whole PNG
_WINDOW = 1 << 20
# A screenshot's PNG has a few dozen chunks (IDATs 8 kB to 1 MB apart); a file of more is crafted or broken, and
# walking millions of empty chunks would hold `validate` up for minutes.
_MAX_CHUNKS = 1_000_000


def _png_cut(fd: int, size: int) -> str | None:
    """Why a PNG is not whole, or None. An IEND chunk at the end is enough: one read of the file's last page,
    where walking the chunks (8 kB apart as libpng writes them) would read most of each file from a cold disk.
    Only a PNG without one is walked, chunk header by chunk header, to say where it stops; headers are read a
    window of the file at a time, so that small chunks do not cost a read each."""
    if _IEND in os.pread(fd, 64, max(size - 64, 0)):
        return None
    pos, start, window = 8, 0, b""
    for _ in range(_MAX_CHUNKS):
        if not start <= pos <= start + len(window) - 8:
            start, window = pos, os.pread(fd, _WINDOW, pos)
        header = window[pos - start:pos - start + 8]
        if len(header) < 8:
            return f"PNG is cut off: {size:,} bytes, and no IEND chunk (its end); copy it again"
        length, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if not kind.isalpha() or length > 0x7FFFFFFF:
            return f"PNG is damaged: no chunk where one should start, at byte {pos:,}; copy it again"
        if kind == b"IEND":
            return None
        pos += 12 + length  # length, type, data, CRC
        if pos > size:
            return (f"PNG is cut off: its {kind.decode()} chunk runs to byte {pos:,} of a {size:,}-byte file; "
                    "copy it again")
    return f"PNG is damaged: more than {_MAX_CHUNKS:,} chunks and no IEND chunk (its end); save it again"


def validate_predictions(data: Path | None, split: str, path: Path, *, run: Path | None = None) -> tuple[list[str], bool]:
    """Check a prediction file against a split (with `run`, a run folder: against the tasks it was made on, the
    first N of the split for a run made with ``--limit``).

    A broken file (bad JSON line, duplicate or unknown id) raises UserError (exit 2). Scripts the parser
    refuses are agent mistakes, not file errors: they are listed and counted as parse errors, and validation
    passes. Strict mode scores them 0; reference mode, like the released scorer, still reads their pyautogui
    lines (a script wrapped in prose or a code fence can match).
    """
    from omniact.predictions import read_predictions, run_tasks

    ds = load_split(data, split)
    if run is not None:
        ds = run_tasks(run, ds)
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
