"""Reading OmniACT split files, task files and box files, exactly as the published data set lays them out.

A data root holds ``train.json``/``val.json``/``test.json``; each maps a task id to six paths relative to the
root (``task``, ``image``, ``box``, ``ocr``, ``icon``, ``color``). The published web entries name files that
are on disk under another name (``screen_3.png`` is ``screen3.png``; ``boxes/x/screen_3.json`` is
``boxes/x/screen3_boxes.json``): like every known consumer we try the path as written, then the renamed one.

Loading reads task and box files and each screenshot's 24-byte PNG header, never its pixels.
"""

from __future__ import annotations

import bisect
import errno
import gc
import hashlib
import itertools
import json
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from omniact import json_text
from omniact.atomic import atomic_file
from omniact.errors import DataError, OmniactError, UserError, shell_quote
from omniact.lazy import LazySequence
from omniact.task import LazyElements, Screen, Task, read_png_size
from omniact.user_file import bad_byte

__all__ = [
    "DETECTION_FOLDERS",
    "MANIFEST_NAME",
    "SPLITS",
    "Dataset",
    "LogItem",
    "SplitPart",
    "TaskList",
    "builtin_root",
    "default_detection_path",
    "find_split_file",
    "find_task",
    "gold_line_offset",
    "gold_rows",
    "hash_pieces",
    "infer_os",
    "is_installed_suite",
    "load_split",
    "locate_task",
    "named_files",
    "open_regular",
    "paused_gc",
    "read_box_file",
    "read_split_file",
    "resolve_data_root",
    "source_files",
    "split_name",
    "split_names",
    "task_labels",
    "verify_manifest",
    "why_missing",
    "write_manifest",
]

SPLITS = ("train", "val", "test")
MANIFEST_NAME = "MANIFEST.sha256"

_QUIRK_IMAGE = re.compile(r"screen_(\w+)\.png$")
_QUIRK_BOX = re.compile(r"screen_(\w+)\.json$")

# App names that say which OS a desktop screenshot came from. OmniACT's folders name apps, not systems;
# the names below are the ones that only exist on one system.
_OS_WORDS = {
    "macos": ("mac", "macos", "osx", "finder", "safari", "keynote", "pages", "numbers", "imovie", "garageband",
              "facetime", "itunes", "launchpad", "textedit", "quicktime", "xcode", "appstore", "app_store",
              "system_preferences", "systempreferences", "system_settings", "iphoto", "ibooks", "preview"),
    "windows": ("windows", "win", "win10", "win11", "notepad", "mspaint", "paint", "wordpad", "explorer",
                "file_explorer", "powershell", "cmd", "control_panel"),
    "linux": ("linux", "ubuntu", "gnome", "kde", "gedit", "nautilus", "rhythmbox"),
}
# Apps that run on macOS too: their OS is the one their name suggests only where the screenshot's size is not a
# Retina Mac's (a 2880x1800 VLC is macOS; a 4K Notepad is still Windows).
_ANY_OS_WORDS = {
    "windows": ("edge", "outlook"),
    "linux": ("thunderbird", "libreoffice", "gimp", "vlc"),
}


@lru_cache(maxsize=1024)  # called once per screen with a few distinct apps
def infer_os(platform: str, app: str, width: int) -> str | None:
    """The OS a screenshot shows, where its app name or its size says; None for the web and unknown apps."""
    if platform != "desktop":
        return None
    words = set(re.split(r"[^a-z0-9]+", app.lower())) | {app.lower()}
    if width >= 2560:  # only macOS ships Retina screenshots (2880x1800, 3360x2100), whatever the app (VLC, GIMP)
        return _named_os(words, _OS_WORDS) or "macos"
    return _named_os(words, _OS_WORDS) or _named_os(words, _ANY_OS_WORDS)


def _named_os(words: set[str], table: dict[str, tuple[str, ...]]) -> str | None:
    """The first OS of `table` one of whose names is among an app name's `words`."""
    return next((os_name for os_name, names in table.items() if words & set(names)), None)


def builtin_root() -> Path:
    """The built-in suite's data root: in the package where it was installed from a wheel (which carries it, see
    setup.py), else ``tasks/`` beside the packages (a checkout, or an editable install of one)."""
    installed = _installed_suite()
    # The installed copy first: beside an installed package is site-packages, where a `tasks` folder is anyone's.
    return installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "tasks"


def _installed_suite() -> Path:
    return Path(__file__).resolve().parent / "_suite" / "tasks"


def is_installed_suite(root: Path) -> bool:
    """Whether the data root `root` (resolved) is the suite of an installed omniact: the package's own files."""
    return root == _installed_suite()


def resolve_data_root(data: str | os.PathLike | None) -> Path:
    """`--data` as given, or the built-in suite when it is left out."""
    if isinstance(data, str) and not data:  # an unset variable's "", which Path would read as the working folder
        raise UserError("the data directory is empty: give a folder, or None for the built-in suite")
    root = builtin_root() if data is None else Path(data).expanduser()
    if not root.is_dir():
        if data is None:
            raise UserError("the built-in suite is not here (tasks/ is missing); pass --data DIR")
        what = "is a symbolic link to nothing (or a loop)" if root.is_symlink() else "does not exist"
        raise UserError(f"data directory {what}", file=str(root))
    return root.resolve()


class TaskList(LazySequence[Task]):
    """A split's tasks in split-file order, each `Task` built on first use.

    Loading keeps what a task needs as a plain row and makes the Task (and its Paths) only when asked: scoring
    reads every gold script of a 20,000-task split but needs no Task object, and building them all was a fifth
    of `omniact score`'s time. Compares equal to the tuple of the same tasks.
    """

    __slots__ = ("_built", "_rows", "absent")

    def __init__(self, rows: list[tuple], absent: tuple[str, ...] = ()) -> None:
        self._rows = rows
        self._built: list[Task | None] = [None] * len(rows)
        #: the paths tried for task files that were not there as the split names them (see `source_files`)
        self.absent = absent

    def _item(self, i: int) -> Task:
        t = self._built[i]
        if t is None:
            task_id, goal, gold, info, task_file, check, env, extra = self._rows[i]
            image, box, ocr, icon, color = info.paths
            t = self._built[i] = Task(
                id=task_id, goal=goal, gold_script=gold, screen=info.screen, image_path=image,
                task_path=Path(task_file), box_path=box, elements=info.elements, ocr_path=ocr,
                icon_path=icon, color_path=color, check=check, env=env, screen_id=info.screen_id, extra=extra)
        return t

    def __len__(self) -> int:
        return len(self._rows)

    def gold_rows(self) -> Iterator[tuple[str, str, str, str, Any]]:
        """(id, gold script, platform, app, elements) per task, without building Task objects."""
        for task_id, _, gold, info, _, _, _, _ in self._rows:
            yield task_id, gold, info.screen.platform, info.screen.app, info.elements

    def labels(self) -> Iterator[tuple[str, str, str]]:
        """(id, app, goal) per task, without building Task objects."""
        for task_id, goal, _, info, _, _, _, _ in self._rows:
            yield task_id, info.screen.app, goal


def source_files(ds: Dataset) -> tuple[list[str], list[str]]:
    """What a loaded split was read from: (files, absent). `files` are the split file, then per task its task
    file and, the first time they appear, its screenshot and box file; `absent` the paths the split file names
    that did not exist, and each spelling tried before the one read (the web file-name quirk's renamed files, another
    Unicode form or Windows separators were read instead: creating one would change what is read)."""
    out = [str(ds.split_path)]
    absent: list[str] = []
    seen: set[int] = set()
    rows = getattr(ds.tasks, "_rows", None)
    if rows is None:  # a subset or hand-made tuple of Tasks: each Task stands for its screen
        rows = [(None, None, None, t, str(t.task_path)) for t in ds.tasks]
    shared: set[str] = set()
    for row in rows:
        info = row[3]
        out.append(row[4])
        if id(info) in seen:
            continue
        seen.add(id(info))
        for p in (info.image, info.box) if isinstance(info, _ScreenInfo) else (info.image_path, info.box_path):
            if p is not None and str(p) not in shared:
                shared.add(str(p))
                out.append(str(p))
        absent.extend(getattr(info, "absent", ()))
    absent.extend(getattr(ds.tasks, "absent", ()))
    return out, absent


def find_split_file(root: str | os.PathLike | None, split: str) -> Path:
    """The split file `load_split(root, split)` reads (a split name or a JSON file); UserError when missing."""
    return _split_path(resolve_data_root(root), os.fspath(split))


def task_labels(tasks: Iterable[Task]) -> Iterator[tuple[str, str, str]]:
    """(id, app, goal) per task of a Dataset, a TaskList or any iterable of Tasks: what a table of tasks shows (a
    leaderboard's entry pages), without building Task objects where they are not yet."""
    rows = getattr(getattr(tasks, "tasks", tasks), "labels", None)
    if callable(rows):
        return rows()
    return ((t.id, t.app, t.goal) for t in tasks)


def gold_rows(tasks: Iterable[Task]) -> Iterator[tuple[str, str, str, str, Any]]:
    """(id, gold script, platform, app, elements) per task of a Dataset, a TaskList or any iterable of Tasks."""
    rows = getattr(getattr(tasks, "tasks", tasks), "gold_rows", None)
    if callable(rows):
        return rows()
    return ((t.id, t.gold_script, t.platform, t.app, t.elements) for t in tasks)


@dataclass(frozen=True)
class Dataset:
    """The tasks of one split, in split-file order, and the hash of the files they were read from."""

    root: Path
    split: str
    split_path: Path
    tasks: Sequence[Task]
    #: sha256 over the split file and every task and box file it names, in split order
    sha256: str
    #: task id -> position in `tasks` (built from `tasks` when left out)
    _by_id: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._by_id and len(self.tasks):  # a Dataset made by hand from its tasks
            object.__setattr__(self, "_by_id", {t.id: i for i, t in enumerate(self.tasks)})

    def __len__(self) -> int:
        return len(self.tasks)

    def __iter__(self) -> Iterator[Task]:
        return iter(self.tasks)

    def __getitem__(self, task_id: str) -> Task:
        return self.tasks[self._by_id[task_id]]

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._by_id

    def get(self, task_id: str) -> Task | None:
        i = self._by_id.get(task_id)
        return None if i is None else self.tasks[i]

    @property
    def ids(self) -> Mapping[str, int]:
        """Task id -> position in `tasks` (read-only: the data set's own index, the fastest membership test for
        many ids)."""
        return MappingProxyType(self._by_id)

    def subset(self, ids: Iterable[str]) -> Dataset:
        """The same data set restricted to `ids` (kept in split order); its hash still names the whole split."""
        keep = set(ids)
        tasks = tuple(t for t in self.tasks if t.id in keep)
        return replace(self, tasks=tasks, _by_id={t.id: i for i, t in enumerate(tasks)})

    def describe(self) -> dict[str, Any]:
        """The ``dataset`` object of the score contract."""
        return {"root": str(self.root), "split": self.split, "n_tasks": len(self.tasks), "sha256": self.sha256}


def _split_path(root: Path, split: str) -> Path:
    p = Path(split)
    if p.suffix == ".json":
        own = root / split  # "test.json": the root's test split
        own_is_file = own.is_file()
        if own_is_file and "/" not in split and os.sep not in split:
            # A bare name is the root's own split, whatever the working folder holds (`./test.json` is that file).
            return own.resolve()
        if p.is_file():
            return p.resolve()
        if own_is_file:
            return own.resolve()
        # A split file the user named that is not there: not "no split file test.json.json".
        what = ("is a folder, not a split file" if p.is_dir() else "is not a regular file (a FIFO or a device)"
                if p.exists() else f"split file does not exist (here or in {root})")
        raise UserError(f"{what}; give a split name such as test, or a split .json file", file=split)
    if p.suffix in (".jsonl", ".txt", ".csv"):
        raise UserError(f"--split takes a split name (test) or a split .json file, not {split} (a predictions "
                        "file goes to --predictions)")
    cand = root / f"{split}.json"
    if not cand.is_file():
        if cand.exists():  # a folder (or a FIFO) of that name: "no split file test.json (splits here: test)" would not do
            what = "a folder" if cand.is_dir() else "not a regular file (a FIFO or a device)"
            raise UserError(f"{cand.name} is {what}, not a split file", file=str(root))
        have = sorted(x.stem for x in root.glob("*.json") if x.name != MANIFEST_NAME and x.is_file())
        more = f", ... ({len(have)} in all)" if len(have) > 8 else ""
        hint = f" (splits here: {', '.join(have[:8])}{more})" if have else ""
        raise UserError(f"no split file {split}.json{hint}", file=str(root))
    return cand


def _resolve(root: str, rel: str, quirk: re.Pattern | None, replacement: str | None,
             tried: list[str] | None = None) -> str | None:
    """The path as written, or for web entries the renamed file on disk; None when neither exists. Strings, not
    Paths: a split resolves two files per screen, and pathlib's parsing was a tenth of a 20,000-task load. With
    `tried`, the paths tried before the one found are added to it (a file made at one later would be read
    instead)."""
    p = os.path.join(root, rel)
    if os.path.isfile(p):
        return p
    # Then each spelling (as written first, other ones only for a path that is not there as written) and its
    # renamed file. Not recursive: two Unicode forms are each other's other spelling.
    candidates = [p]
    for spelling in (rel, *_spellings(rel)):
        if spelling != rel:
            p = os.path.join(root, spelling)
            if os.path.isfile(p):
                break
            candidates.append(p)
        if quirk is not None and replacement is not None:
            p = os.path.join(root, quirk.sub(replacement, spelling))
            if os.path.isfile(p):
                break
            candidates.append(p)
    else:
        return None
    if tried is not None:
        tried.extend(candidates)
    return p


def _spellings(rel: str) -> list[str]:
    """Other spellings of a path a split file names, tried only when it is not there as written: Windows
    separators (a split file written on Windows) and the other Unicode normal form (macOS keeps names
    decomposed, so a copy made there can differ in its bytes from the split file's)."""
    out: list[str] = []
    if os.sep == "/" and "\\" in rel:
        out.append(rel.replace("\\", "/"))
    if not rel.isascii():
        import unicodedata

        for base in [rel, *out]:
            for form in ("NFC", "NFD"):
                other = unicodedata.normalize(form, base)
                if other != rel and other not in out:
                    out.append(other)
    return out


def _unresolved(root: str, rel: str, quirk: re.Pattern | None, replacement: str, what: str) -> DataError:
    """Why `_resolve` found no file: about the path as written, or, for a web entry with nothing there, about the
    renamed file where something is in its place (a folder, a FIFO, a dangling link)."""
    written = os.path.join(root, rel)
    if quirk is not None and not os.path.lexists(written):
        renamed = os.path.join(root, quirk.sub(replacement, rel))
        if os.path.lexists(renamed):
            return DataError(why_missing(renamed, what), file=renamed)
    return DataError(why_missing(written, what), file=written)


def why_missing(path: str, what: str) -> str:
    """Why `path` could not be read as a file, in words a user can act on."""
    if os.path.islink(path) and not os.path.exists(path):
        try:
            os.stat(path)
        except OSError as e:
            if e.errno == errno.ELOOP:
                return f"{what} is a symbolic link loop (to {os.readlink(path)})"
        return f"{what} is a symbolic link to {os.readlink(path)}, which does not exist"
    if os.path.isdir(path):
        return f"{what} is a folder, not a file"
    if os.path.exists(path):  # there, but not a regular file: a FIFO would be waited on, /dev/zero read for ever
        return f"{what} is not a regular file (a FIFO, socket or device)"
    return f"{what} is missing"


def _platform_app(rel_task: str) -> tuple[str, str]:
    """(platform, app) of a task file from its folders, ``{desktop|web}/<app>/task_*.txt`` in OmniACT's layout. A file
    directly in a platform folder is that platform's, of no app known (""); with no platform folder, a desktop app's,
    named by the file's folder."""
    folders = rel_task.replace("\\", "/").split("/")[:-1]  # (a file named "web" says nothing)
    for i, folder in enumerate(folders):
        if folder in ("desktop", "web"):
            return folder, folders[i + 1] if i + 1 < len(folders) else ""
    return "desktop", folders[-1] if folders else ""


def _parse_task_text(text: str, where: str) -> tuple[str, str]:
    """(goal, gold script). Line 1 is ``Task: <goal>``; the ``Output Script:`` line is dropped.

    The checks for odd files (a byte-order mark, CR line endings) run only where such a file is, so a split of
    ordinary files pays nothing for them.
    """
    # CRLF (Windows) or CR (classic Mac) line endings, anywhere: the released scorer reads task files in text mode,
    # where a lone \r ends a line too; a byte-order mark, as Windows editors write, which would hide 'Task:'
    text = text.strip()
    if "\r" in text or text.startswith("\ufeff"):
        text = _plain_task_text(text).strip()
    lines = text.split("\n")
    first = lines[0]
    first = first.strip()
    if not first.lower().startswith("task:"):
        if "\x00" in first:
            raise DataError("task file is binary (it holds NUL bytes), not text: is this the right file?", file=where)
        if not first:
            raise DataError("task file is empty; it needs 'Task: <goal>', 'Output Script:' and the gold script",
                            file=where, line=1)
        raise DataError(f"line 1 must be 'Task: <goal>', not {first[:40]!r}", file=where, line=1)
    body = lines[1:]
    if body and body[0].strip().lower().startswith("output script"):
        # Dropped whole, also with an action after the colon ('Output Script: pyautogui.click(...)'), as the released
        # scorer drops it (its gold keeps only lines that start with 'pyautogui'): reference mode's numbers stay
        # its numbers, and `omniact validate` warns that the action is not part of the gold.
        body = body[1:]
    return first[5:].strip(), "\n".join(body)


def header_action(task_file: str | os.PathLike) -> str | None:
    """The text after ``Output Script:`` on that line of a task file (an action written there, which is not part
    of the gold script), or None; for `omniact validate`."""
    text = _task_file_text(task_file)
    if text is None:
        return None
    lines = text.strip().split("\n")
    head = lines[1].strip() if len(lines) > 1 else ""
    if head.lower().startswith("output script:") and head[len("output script:"):].strip():
        return head[len("output script:"):].strip()
    return None


def gold_line_offset(task_file: str | os.PathLike) -> int:
    """How many lines of a task file come before the line its gold script's line 1 is on (2 for the usual
    ``Task:`` and ``Output Script:`` lines, also when the file cannot be read), so that a gold-script problem can
    name the file's own line. The file is read again: only a gold script with a problem needs this."""
    text = _task_file_text(task_file)
    if text is None:
        return 2
    lines = text.split("\n")
    n = len(lines) - len(text.lstrip().split("\n"))  # blank lines before 'Task:' (the parser strips them)
    n += 1
    head = lines[n].strip().lower() if n < len(lines) else ""
    if head.startswith("output script"):  # with or without an action after it: the line is not gold
        n += 1
    return n


def _task_file_text(task_file: str | os.PathLike) -> str | None:
    """A task file's text read again, as loading reads it, for `validate`'s closer look; None when it cannot be
    read (loading has said why)."""
    try:
        return _plain_task_text(_decode_task(Path(task_file).read_bytes(), str(task_file)))
    except (OSError, DataError):
        return None


def _plain_task_text(text: str) -> str:
    """A task file's text without a leading byte-order mark, its lines ending in \\n however they ended."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _decode_task(data: bytes, where: str) -> str:
    """A task file that is not UTF-8: UTF-16 with its byte-order mark (Notepad's 'Unicode') is read; anything
    else is one line saying where the first bad byte is."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, byte = bad_byte(data, e.start)  # worded as every other file's bad byte
        raise DataError(f"task file is not UTF-8 text ({byte}): save it as UTF-8", file=where, line=line) from None


def read_box_file(path: Path) -> LazyElements:
    """One box file's elements (built on first use); DataError when it cannot be read or is not a box file."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise DataError(f"box file is unreadable: {e.strerror}", file=str(path)) from None
    return _read_boxes(Path(path), data)


def _read_boxes(path: Path | str, data: bytes) -> LazyElements:
    """A box file's elements, parsed now (so a broken file fails the load) and built on first use."""
    try:
        raw = json_text.loads(data)
    except (ValueError, RecursionError) as e:
        raise _json_error("box file", path, data, e) from None
    if not isinstance(raw, dict):
        raise DataError("box file must hold a JSON object keyed by element id", file=str(path))
    return LazyElements(path, raw)


#: A task file is a goal and a short script (the parser refuses a script over 200,000 characters): a bigger
#: one is another file named by mistake, and is not read into memory.
MAX_TASK_FILE = 1 << 20


class _TooLarge(Exception):
    pass


def _read_file(path: str, limit: int | None = None, states: dict[str, os.stat_result] | None = None) -> bytes:
    """A whole small file. os.read on a descriptor costs a third of open().read(): no buffered file object.
    With `limit`, a file bigger than that many bytes raises _TooLarge without being read to its end. With `states`,
    the file's state as it was opened is kept there under `path` (an fstat of the open file costs a fraction of a
    stat of its path afterwards)."""
    # O_NONBLOCK: a FIFO named like a task file (a hostile data set) opens at once and reads as nothing, instead
    # of blocking the load for ever; it changes nothing for a regular file.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if states is not None:
            states[path] = os.fstat(fd)
        data = os.read(fd, 65536)
        if not data:
            _regular(fd, path)
        elif len(data) == 65536:  # a big task file: read the rest
            parts = [data]
            size = len(data)
            while chunk := os.read(fd, 1 << 20):
                parts.append(chunk)
                size += len(chunk)
                if limit is not None and size > limit:
                    _regular(fd, path)  # /dev/zero: say what it is, not "0 bytes"
                    raise _TooLarge(os.fstat(fd).st_size)
            data = b"".join(parts)
        return data
    finally:
        os.close(fd)


def _regular(fd: int, path: str) -> None:
    """Raise OSError for a descriptor that is not a regular file (a FIFO, a socket, a device)."""
    import stat

    if not stat.S_ISREG(os.fstat(fd).st_mode):
        import errno

        raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)", path)


def _file_digest(h: hashlib._Hash, rel: str, data: bytes) -> None:
    h.update(_digest_header(rel, data))
    h.update(data)


def _digest_header(rel: str, data: bytes) -> bytes:
    """What the split's hash takes before a file's bytes: its path as the split file names it, and the lengths."""
    return b"%d:%s\0%d:" % (len(rel), rel.encode(), len(data))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk build of long-lived objects.

    Loading a split keeps hundreds of thousands of new containers (parsed box files, task rows) that hold no
    cycles; each allocation burst triggers a collection that walks all of them again, which cost a tenth of
    the load. Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_split(root: str | os.PathLike | None, split: str = "test", *,
               problems: list[DataError] | None = None) -> Dataset:
    """Load one split of an OmniACT-layout data set (the built-in suite when `root` is None).

    Raises `DataError` (``FILE: problem``) for a missing or unreadable split, task, box or screenshot file, and
    `UserError` (DataError's base class: catch that for both) for a split name the data set does not have or a data
    root that is not there; with a `problems` list, a broken entry is recorded there and left out instead, so that
    every problem of a data set can be reported at once. OCR, icon and colour files are optional: a missing one
    means no detections.
    """
    root, split_path, raw, index = read_split_file(root, split, problems)
    h = hashlib.sha256()
    _file_digest(h, split_path.name, raw)
    ctx = _LoadContext(root, str(root), split_path, h)
    rows = _load_rows(ctx, index.items(), problems)
    by_id = {row[0]: i for i, row in enumerate(rows)}
    return Dataset(root, split_name(split, split_path), split_path, TaskList(rows, tuple(ctx.absent)), h.hexdigest(),
                   by_id)


def _load_rows(ctx: _LoadContext, entries: Iterable[tuple[str, Any]],
               problems: list[DataError] | None = None, rows: list[tuple] | None = None) -> list[tuple]:
    """The rows of `entries`, appended to `rows` (so that a caller stopped by a DataError keeps those before it)."""
    rows = [] if rows is None else rows
    load = ctx.load
    reported: set[int] = set()
    with paused_gc():
        for task_id, entry in entries:
            try:
                rows.append(load(task_id if isinstance(task_id, str) else str(task_id), entry))
            except DataError as e:
                if problems is None:
                    raise
                if id(e) not in reported:  # a broken screen raises one error for all its tasks
                    reported.add(id(e))
                    problems.append(e)
    return rows


@dataclass
class SplitPart:
    """Some entries of a split file, loaded as `load_split` loads them, by one of several processes that load a
    split together (`scoring.split_parts`).

    The split's hash runs over its files in split order, which no part sees whole: a part logs what it read
    instead, one `LogItem` per entry, and `split_hash` hashes the parts' logs in split order.
    Loading stops at the first broken entry: `error` is its DataError, and `rows` the entries before it.
    """

    root: Path
    split_path: Path
    rows: list[tuple]
    log: list[LogItem]
    error: DataError | None = None
    states: dict[str, os.stat_result] | None = None
    absent: tuple[str, ...] = ()  # see `TaskList.absent`

    @classmethod
    def load(cls, root: Path, split_path: Path, entries: Iterable[tuple[str, Any]], *,
             states: bool = False, boxes_only: bool = False) -> SplitPart:
        """With `states`, the state of each file as it was opened is kept in `states` (by the path it was read by,
        as `source_files` names it). With `boxes_only` (scoring), each box file keeps only its boxes once read (see
        `LazyElements.keep_rects_only`)."""
        ctx = _LoadContext(root, str(root), split_path, None)
        ctx.boxes_only = boxes_only
        if states:
            ctx.states = {}
        rows: list[tuple] = []
        try:
            _load_rows(ctx, entries, rows=rows)
        except DataError as e:
            return cls(root, split_path, rows, ctx.log, e, ctx.states, tuple(ctx.absent))  # type: ignore[arg-type]
        return cls(root, split_path, rows, ctx.log, None, ctx.states, tuple(ctx.absent))  # type: ignore[arg-type]

    def dataset(self, split: str | os.PathLike) -> Dataset:
        """The part's tasks as a Dataset (with no hash: that is the whole split's)."""
        by_id = {row[0]: i for i, row in enumerate(self.rows)}
        return Dataset(self.root, split_name(split, self.split_path), self.split_path, TaskList(self.rows, self.absent),
                       "", by_id)

    @staticmethod
    def split_hash(split_path: Path, raw: bytes, parts: Sequence[tuple[Sequence[int], Sequence[LogItem]]]) -> str:
        """The split's hash (`Dataset.sha256`) from its file's bytes `raw` and its parts' logs, as one load makes
        it: task by task in split order, each box file the first time it is read. `parts`: (the split positions
        of the part's entries, its `log`)."""
        h = SplitPart.split_file_hash(split_path, raw)
        hash_pieces(h, SplitPart.entry_pieces(parts))
        return h.hexdigest()

    @staticmethod
    def split_file_hash(split_path: Path, raw: bytes) -> Any:
        """The split's hash object fed its split file (`raw`, its bytes); `entry_pieces` follow, joined."""
        h = hashlib.sha256(_digest_header(split_path.name, raw))
        h.update(raw)
        return h

    @staticmethod
    def entry_pieces(parts: Sequence[tuple[Sequence[int], Sequence[LogItem]]]) -> list[bytes]:
        """What the split's hash takes after its split file, in pieces to join: the parts' logs (see `split_hash`)
        in split order."""
        logs: list[LogItem | None] = [None] * (max((g for pos, _ in parts for g in pos), default=-1) + 1)
        for positions, log in parts:
            for g, item in zip(positions, log):
                logs[g] = item
        # To be hashed in one update: one per file (as `_file_digest`) costs more than the hashing.
        pieces = []
        boxes: set[str] = set()
        for item in logs:
            if item is None:
                continue
            blob, box, cut = item
            if box is not None:
                if box in boxes:  # read by another part first, in split order: hashed there
                    blob = blob[:cut]
                else:
                    boxes.add(box)
            pieces.append(blob)
        return pieces


#: Bytes a hash is fed at a time by `hash_pieces`: big enough that hashlib hashes them without the GIL (it keeps it
#: below 2 kB), small enough that each joined chunk reuses the memory of the one before.
HASH_CHUNK = 1 << 18


def hash_pieces(h: Any, pieces: Sequence[bytes]) -> None:
    """`h.update(b"".join(pieces))`, joined and fed a quarter of a megabyte at a time: the whole join (the text of
    every task and box file of a split, 12 MB for 20,000 tasks) was that much memory new to the process, paged in
    while the GIL was held."""
    ends = list(itertools.accumulate(map(len, pieces)))
    start = 0
    while start < len(pieces):
        done = ends[start - 1] if start else 0
        stop = bisect.bisect_left(ends, done + HASH_CHUNK, start) + 1  # (at least one piece, however big)
        h.update(b"".join(pieces[start:stop]))
        start = stop


#: What one entry of a `SplitPart` put into the split's hash: (the bytes hashed, for a box file it read first
#: the box file's resolved path, else None, and where in the bytes the box file's part starts).
LogItem = tuple[bytes, str | None, int]


def read_split_file(root: str | os.PathLike | None, split: str | os.PathLike,
                    problems: list[DataError] | None = None) -> tuple[Path, Path, bytes, dict[str, Any]]:
    """(data root, split file, its bytes, its entries by task id) as `load_split` reads them: DataError for a
    split file that is unreadable, not JSON, not an object, or (without a `problems` list) gives an id twice."""
    root = resolve_data_root(root)
    split = os.fspath(split)  # a Path to a split file too; the Dataset's split is its name
    split_path = _split_path(root, split)
    try:
        raw = split_path.read_bytes()
    except OSError as e:  # unreadable (permissions), or a file that went away since
        raise DataError(f"split file cannot be read ({e.strerror or e}): check its permissions",
                        file=str(split_path)) from None
    try:
        with paused_gc():  # (tens of thousands of entries, none in a cycle: a fifth of the parse was collections)
            index = json_text.loads(raw)
    except (ValueError, RecursionError) as e:
        raise _json_error("split file", split_path, raw, e) from None
    if not isinstance(index, dict):
        raise DataError("split file must hold a JSON object keyed by task id", file=str(split_path))
    # More entries than ids: json kept the last of two with one id. Counted on the raw text for speed; a file
    # where the count could miss a key (spelt "\u0074ask", or UTF-16) is always checked entry by entry.
    # (A backslash is looked for first: one byte's search is a thirtieth of two bytes'.)
    if raw.count(b'"task"') > len(index) or (b"\\" in raw and b"\\u" in raw) or b"\0" in raw[:4]:
        duplicate = _duplicate_id(split_path, raw)
        if duplicate is not None:
            if problems is None:
                raise duplicate
            problems.append(duplicate)
    return root, split_path, raw, index


def split_name(split: str | os.PathLike, split_path: Path) -> str:
    """The Dataset's split name: the split given, or its file's stem when a file was given."""
    split = os.fspath(split)
    return split_path.stem if Path(split).suffix == ".json" else split


def _json_error(what: str, path: Path | str, data: bytes, e: Exception) -> DataError:
    """``FILE:LINE: <what> is not valid JSON: ...`` for a file json refused."""
    if not data.strip():
        return DataError(f"{what} is empty; it must hold a JSON object", file=str(path))
    if isinstance(e, RecursionError):
        return DataError(f"{what} is not valid JSON: nested too deeply to read", file=str(path))
    if isinstance(e, UnicodeDecodeError) and e.object == data:  # a Latin-1 or Windows-1252 file: where, and what to do
        from omniact.user_file import bad_byte

        line, where = bad_byte(data, e.start)
        return DataError(f"{what} is not UTF-8 text ({where}): save it as UTF-8", file=str(path), line=line)
    if "integer string conversion" in str(e):  # Python's guard against quadratic int parsing
        return DataError(f"{what} holds a number of more than 4,300 digits: no coordinate is one", file=str(path))
    if not isinstance(e, json.JSONDecodeError):  # bytes in no encoding json knows
        return DataError(f"{what} is not valid JSON: {e}", file=str(path))
    hint = ""
    if e.msg.startswith("Expecting property name"):
        ids = ': ids are strings, "6"' if what == "split file" else ""
        hint = f" (a comma after the last entry, or a key not in double quotes{ids})"
    return DataError(f"{what} is not valid JSON: {e.msg} at column {e.colno}{hint}", file=str(path), line=e.lineno)


def _duplicate_id(split_path: Path, raw: bytes) -> DataError | None:
    """The second entry of an id the split file gives twice (json keeps only the last, so a task would be lost
    without a word); None when every id is given once. Read again only when the file has more "task" keys than
    the object has ids."""
    objects: list[list[tuple[str, Any]]] = []
    json.loads(raw, object_pairs_hook=lambda pairs: objects.append(pairs) or dict(pairs))
    seen: set[str] = set()
    for task_id, _ in objects[-1]:  # the outermost object is parsed last
        if task_id in seen:
            text = raw.decode(json.detect_encoding(raw), "replace")
            line = json_text.key_line(text, task_id, 2)
            return DataError(f"task id {task_id!r} is given twice; json keeps only the last entry, so give each "
                             "task its own id", file=str(split_path), line=line)
        seen.add(task_id)
    return None


_KNOWN_KEYS = frozenset({"task", "image", "box", "ocr", "icon", "color", "os", "dpr", "check", "env"})
#: An entry's optional files, each a path relative to the data root (or null).
_PATH_FIELDS = ("box", "ocr", "icon", "color")


@dataclass(frozen=True)
class _ScreenInfo:
    """What the tasks of one screen share: resolved once per screen, not once per task. Paths are kept as the
    strings the load resolved; `Task` gets them as Paths, made once per screen when a task is first built."""

    screen: Screen
    image: str
    box: str | None
    elements: Any
    ocr: str | None
    icon: str | None
    color: str | None
    screen_id: str
    #: paths as the split file wrote them that did not exist, so that a renamed file was used instead
    absent: tuple[str, ...] = ()

    @cached_property
    def paths(self) -> tuple[Path, Path | None, Path | None, Path | None, Path | None]:
        """(image, box, ocr, icon, colour) as Paths."""
        return tuple(None if p is None else Path(p)  # type: ignore[return-value]
                     for p in (self.image, self.box, self.ocr, self.icon, self.color))


class _LoadContext:
    """One split's load. Tasks of a screen (about ten, as phrasings and siblings) share a `_ScreenInfo`; only
    the task file is read per task, once, for both its text and the hash."""

    def __init__(self, root: Path, root_str: str, split_path: Path, h: hashlib._Hash | None) -> None:
        self.root, self.root_str, self.split_path, self.h = root, root_str, split_path, h
        #: without a hash, what would have gone into it (see `SplitPart`), an item per entry: as one `bytes`,
        #: made as each entry is read, so that putting a split's parts together is one join, not one per file
        self.log: list[LogItem] | None = [] if h is None else None
        self._box_read: tuple[str, bytes] | None = None  # (resolved path, hashed bytes) of the entry's new box file
        #: with a dict, each file's state as it was opened (see `SplitPart.load`)
        self.states: dict[str, os.stat_result] | None = None
        #: each box file's boxes worked out as it is read, and the rest of it let go (see `SplitPart.load`)
        self.boxes_only = False
        # os.path.join(root, rel) for a relative POSIX path, written out: it runs once per task.
        self.prefix = (root_str if root_str.endswith("/") else root_str + "/") if os.sep == "/" else None
        self.screens: dict[tuple, _ScreenInfo] = {}
        self.boxes: dict[Path, Any] = {}
        self.dirs: dict[str, tuple[str, str]] = {}
        #: screen key -> (the DataError it failed with, its task ids, the error's own message)
        self.failed: dict[tuple, tuple[DataError, list[str], str]] = {}
        #: the paths tried for task files not there as the split names them (see `TaskList.absent`)
        self.absent: list[str] = []

    def load(self, task_id: str, entry: Any) -> tuple:
        """One task's row for `TaskList`: (id, goal, gold script, screen info, task file, check, env, extra)."""
        if not isinstance(entry, dict) or not isinstance(entry.get("task"), str) \
                or not isinstance(entry.get("image"), str):
            raise DataError(f"entry {task_id!r} needs 'task' and 'image' paths", file=str(self.split_path))
        rel_task = entry["task"]
        prefix = self.prefix
        task_file = (prefix + rel_task if prefix is not None and not rel_task.startswith("/")
                     else os.path.join(self.root_str, rel_task))
        try:
            task_bytes = _read_file(task_file, MAX_TASK_FILE, self.states)
        except OSError as e:
            rel_task, task_file, task_bytes = self._task_elsewhere(task_id, rel_task, task_file, e)
        except _TooLarge as e:
            raise self._too_large(task_id, task_file, e.args[0]) from None
        log = self.log
        if log is None:
            _file_digest(self.h, entry["task"], task_bytes)  # type: ignore[arg-type]
        try:
            text = task_bytes.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_task(task_bytes, task_file)
        goal, gold = _parse_task_text(text, task_file)
        folder = rel_task.rpartition("/")[0]
        pa = self.dirs.get(folder)
        if pa is None:
            pa = self.dirs[folder] = _platform_app(rel_task)
        get = entry.get
        key = (entry["image"], get("box"), get("ocr"), get("icon"), get("color"), get("os"), get("dpr"), pa)
        try:
            info = self.screens.get(key)
        except TypeError:  # a list or object where a path or number goes (checked for every new screen below)
            raise self._mistyped(task_id, entry) or DataError(f"entry {task_id!r} is malformed",
                                                              file=str(self.split_path)) from None
        if info is None:
            info = self._new_screen(key, task_id, entry, pa)
        if log is not None:
            hashed = _digest_header(entry["task"], task_bytes) + task_bytes
            box_read, self._box_read = self._box_read, None
            if box_read is None:
                log.append((hashed, None, 0))
            else:
                log.append((hashed + box_read[1], box_read[0], len(hashed)))
        check, env = get("check"), get("env")
        extra = {k: v for k, v in entry.items() if k not in _KNOWN_KEYS} if len(entry) > 6 else {}
        return (task_id, goal, gold, info, task_file, check if isinstance(check, str) else None,
                env if isinstance(env, str) else None, extra)

    def _task_elsewhere(self, task_id: str, rel_task: str, task_file: str, error: OSError) -> tuple[str, str, bytes]:
        """(relative path, path, bytes) of a task file that is not readable as written: found under another
        spelling of its path, or a DataError saying why not."""
        tried = [task_file]
        for other in _spellings(rel_task):
            path = os.path.join(self.root_str, other)
            if os.path.isfile(path):
                self.absent.extend(tried)  # a file made at one of these later would be read instead
                return other, path, self._read_task(task_id, path)
            tried.append(path)
        why = why_missing(task_file, "task file") if isinstance(error, (FileNotFoundError, IsADirectoryError)) \
            else f"task file is unreadable: {error.strerror}"
        raise DataError(f"{why} (task {task_id} in {self.split_path.name})", file=task_file)

    def _too_large(self, task_id: str, path: str, size: int) -> DataError:
        return DataError(f"task file is {size:,} bytes; a task file is a goal and a short script (at most "
                         f"{MAX_TASK_FILE:,} bytes): is this the right file? (task {task_id} in "
                         f"{self.split_path.name})", file=path)

    def _read_task(self, task_id: str, path: str) -> bytes:
        try:
            return _read_file(path, MAX_TASK_FILE, self.states)
        except _TooLarge as e:
            raise self._too_large(task_id, path, e.args[0]) from None
        except OSError as e:
            raise DataError(f"task file is unreadable: {e.strerror} (task {task_id} in {self.split_path.name})",
                            file=path) from None

    def _mistyped(self, task_id: str, entry: dict) -> DataError | None:
        """The DataError of an entry with an optional field of the wrong type; None when it has none."""
        for key in _PATH_FIELDS + ("os", "dpr"):
            value = entry.get(key)
            if value is None:
                continue
            if key == "dpr":
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    continue
                want = "a number (the device pixel ratio, 2 for Retina)"
            elif isinstance(value, str):
                continue
            else:
                want = "a path (a string)" if key != "os" else "a name (a string: macos, windows, linux)"
            got = "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else \
                json.dumps(value)[:40]
            return DataError(f"entry {task_id!r}: {key!r} must be {want}, not {got}", file=str(self.split_path))
        return None

    def _new_screen(self, key: tuple, task_id: str, entry: dict, pa: tuple[str, str]) -> _ScreenInfo:
        """The first task of a screen resolves it; a screen that fails fails once, as one problem naming all
        its tasks (a missing screenshot is one file to fix, not one problem per phrasing of every task)."""
        mistyped = self._mistyped(task_id, entry)
        if mistyped is not None:  # not one screen's problem to name its tasks: this entry's own
            raise mistyped
        failed = self.failed.get(key)
        if failed is not None:
            failed[1].append(task_id)
            error, ids, message = failed
            error.message = f"{message} ({_task_list(ids)} in {self.split_path.name})"
            raise error
        try:
            info = self.screens[key] = self._screen(entry, *pa)
        except DataError as e:
            self.failed[key] = (e, [task_id], e.message)
            e.message = f"{e.message} (task {task_id} in {self.split_path.name})"
            raise
        return info

    def _screen(self, entry: dict, platform: str, app: str) -> _ScreenInfo:
        root = self.root_str
        web = platform == "web"
        absent: list[str] = []
        image = _resolve(root, entry["image"], _QUIRK_IMAGE if web else None, r"screen\1.png", absent)
        if image is None:
            raise _unresolved(root, entry["image"], _QUIRK_IMAGE if web else None, r"screen\1.png", "screenshot")
        width, height = read_png_size(image, self.states)
        box = None
        elements: Any = ()
        rel_box = entry.get("box")
        if isinstance(rel_box, str) and rel_box:
            box = _resolve(root, rel_box, _QUIRK_BOX if web else None, r"screen\1_boxes.json", absent)
            if box is None:
                raise _unresolved(root, rel_box, _QUIRK_BOX if web else None, r"screen\1_boxes.json", "box file")
            # Keyed by Path, so that two spellings of one file ("a//b.json", "./a/b.json") are read and hashed once.
            key = Path(box)
            elements = self.boxes.get(key)
            if elements is None:
                try:
                    data = _read_file(box, None, self.states)
                except OSError as e:
                    raise DataError(f"box file is unreadable: {e.strerror}", file=box) from None
                if self.log is None:
                    _file_digest(self.h, rel_box, data)  # type: ignore[arg-type]
                else:
                    self._box_read = (str(key), _digest_header(rel_box, data) + data)
                elements = self.boxes[key] = _read_boxes(box, data)
                if self.boxes_only:
                    elements.keep_rects_only()

        def optional(key: str) -> str | None:
            rel = entry.get(key)
            if not isinstance(rel, str) or not rel:
                # None named: OmniACT's place for it, where `omniact detect --out ROOT` writes it, when it is there
                default = os.path.join(root, default_detection_path(key, platform, app, image))
                return default if os.path.isfile(default) else None
            if not rel.isascii() or "\\" in rel:  # another spelling (Windows separators, a macOS copy's NFD
                # names), as for the screenshot: a detection file missed for it would leave the agent blind unsaid
                found = _resolve(root, rel, None, None)
                if found is not None:
                    return found
            if os.sep == "/" and "\\" in rel:  # a split file written on Windows: its optional files too
                rel = rel.replace("\\", "/")
            return os.path.join(root, rel)

        os_name = entry.get("os") or infer_os(platform, app, width)
        dpr = entry.get("dpr")
        # NaN and Infinity (JSON's NaN, 1e309) are not ratios either: a screen at NaN scale breaks every point.
        if not isinstance(dpr, (int, float)) or isinstance(dpr, bool) or not 0 < dpr < math.inf:
            dpr = 2.0 if os_name == "macos" and width >= 2560 else 1.0
        screen_id = re.sub(r"\.(png|jpe?g|webp)$", "", entry["image"].replace("\\", "/"))
        return _ScreenInfo(Screen(width, height, float(dpr), platform, app, os_name), image, box,
                           elements, optional("ocr"), optional("icon"), optional("color"), screen_id, tuple(absent))


#: the folders of a screen's detection files in OmniACT's layout, by the split entry's key for each
DETECTION_FOLDERS = {"ocr": "ocr", "icon": "detact_icon", "color": "detact_color"}


def default_detection_path(kind: str, platform: str, app: str, image: str | os.PathLike) -> str:
    """Where a screen's `kind` ("ocr", "icon", "color") detection file goes, relative to the data root, when its
    split entry names none: ``ocr/<platform>/<app>/screen_<k>.json``, beside the screenshot's name (the web
    file-name quirk undone)."""
    stem = Path(image).stem
    if platform == "web" and not stem.startswith("screen_") and stem.startswith("screen"):
        stem = "screen_" + stem[len("screen"):]
    return f"{DETECTION_FOLDERS[kind]}/{platform}/{app}/{stem}.json"


def _task_list(ids: list[str]) -> str:
    if len(ids) <= 3:
        return f"tasks {', '.join(ids)}"
    return f"tasks {', '.join(ids[:3])} and {len(ids) - 3} more"


def split_names(root: str | os.PathLike | None) -> list[str]:
    """The split files of a data root: the standard ones first, then any others (``test_unseen``)."""
    root = resolve_data_root(root)
    # Regular files only: a FIFO or a device named *.json is no split (validate's manifest check names it).
    names = [p.stem for p in sorted(root.glob("*.json")) if p.name != MANIFEST_NAME and p.is_file()]
    return [s for s in SPLITS if s in names] + [s for s in names if s not in SPLITS]


def find_task(root: str | os.PathLike | None, task_id: str, split: str | None = None) -> Task:
    """One task by id, from `split` or else from the one split that holds it (see `locate_task`)."""
    return locate_task(root, task_id, split)[0]


def locate_task(root: str | os.PathLike | None, task_id: str, split: str | None = None) -> tuple[Task, str]:
    """One task by id and the split it is in: `split`, or else the one split that holds it (an id in two splits,
    which `validate` warns of, is refused: only `split` can say which of the two tasks is meant)."""
    broken: list[OmniactError] = []
    found: dict[str, Task] = {}
    read: list[Any] = []  # the splits looked in, for the ids close to a missing one
    for name in [split] if split else split_names(root):
        try:
            ds = load_split(root, name)
        except (DataError, UserError) as e:
            if split:
                raise
            broken.append(e)  # another split's problem (a missing train task file) need not hide a test task
            continue
        if task_id in ds:
            found[name] = ds[task_id]
        read.append(ds)
    if len(found) > 1:
        raise UserError(f"task {task_id!r} is in more than one split ({', '.join(found)}): give --split to choose "
                        "one", file=str(resolve_data_root(root)))
    if found:
        name, task = next(iter(found.items()))
        return task, name
    if broken:  # it may be in the split that could not be read: that split's problem is the one to fix
        raise broken[0]
    import difflib

    known = sorted({t.id for ds in read for t in ds.tasks})
    close = difflib.get_close_matches(task_id, known, n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    where = f"split {split}" if split else "any split"
    raise UserError(f"no task {task_id!r} in {where}{hint}", file=str(resolve_data_root(root)))


# --------------------------------------------------------------------------------------------------------
# Manifest: a sha256sum-compatible list of every file under the root, so a copy can be verified.


def _manifest_files(root: Path, unlisted: list[OSError] | None = None) -> list[Path]:
    """Every file under `root` (through symlinked folders: a data set whose `data/` lives on another disk), then
    every file its split files name outside it, found as loading finds them (sorted, deduplicated). A folder that
    cannot be listed goes into `unlisted` (raised at once without it): its files would be left out unsaid."""

    def cannot_list(e: OSError) -> None:
        if unlisted is None:
            raise UserError(f"folder cannot be read ({e.strerror or e}): check its permissions; its files would be "
                            "left out", file=e.filename)
        unlisted.append(e)

    out = []
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=cannot_list):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen_dirs:  # a link back to a folder walked already: a loop, or a second name
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            if name == MANIFEST_NAME or name.startswith("."):
                continue
            out.append(Path(dirpath) / name)
    inside = os.path.join(os.path.normpath(root), "")
    outside = {Path(os.path.normpath(found)) for found in named_files(root)
               if not os.path.normpath(found).startswith(inside)}
    return out + sorted(outside)


def named_files(root: Path) -> Iterator[str]:
    """Every file the split files of `root` name (task, screenshot, box and detection files), found as loading
    finds them: the path as written, the web quirk's renamed file, or another spelling. Unreadable split files
    and entries are passed over (`validate` names them)."""
    quirks = {"image": (_QUIRK_IMAGE, r"screen\1.png"), "box": (_QUIRK_BOX, r"screen\1_boxes.json")}
    for split_file in sorted(root.glob("*.json")):
        if not split_file.is_file():  # a FIFO or device named *.json would block or never end
            continue
        try:
            index = json.loads(split_file.read_bytes())
        except (ValueError, RecursionError):
            continue
        if not isinstance(index, dict):
            continue
        yield str(split_file)
        for entry in index.values():
            if not isinstance(entry, dict):
                continue
            for key, rel in entry.items():
                if not isinstance(rel, str) or not rel:
                    continue
                found = _resolve(str(root), rel, *quirks.get(key, (None, None)))
                if found is not None:
                    yield found


def _rel(root: Path, p: Path) -> str:
    return Path(os.path.relpath(p, root)).as_posix()


def open_regular(path: str | os.PathLike) -> int:
    """A read-only descriptor of `path`, or OSError when it is not a regular file. Opened without blocking: a FIFO
    put where a file belongs opens at once and is refused, instead of waiting for a writer; /dev/zero (or a link
    to it) is refused before it is read for ever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        _regular(fd, str(path))
    except OSError:
        os.close(fd)
        raise
    return fd


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as f:  # a FIFO under the root would block the manifest
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _manifest_digest(p: Path) -> str:
    try:
        return _sha256_file(p)
    except OSError as e:  # a dangling symlink or an unreadable file: the manifest would not cover it
        why = why_missing(str(p), "file") if isinstance(e, FileNotFoundError) else f"file is unreadable: {e.strerror}"
        raise DataError(f"{why}; the manifest lists every file under the root: restore or remove it",
                        file=str(p)) from None


def write_manifest(root: str | os.PathLike) -> tuple[Path, int]:
    """Write ``MANIFEST.sha256`` (``sha256sum -c`` can read it) for every file under `root`."""
    root = Path(root)
    if not any(_looks_like_split(p) for p in root.glob("*.json")):
        # The wrong folder (a home folder, a project with a package.json): it would hash everything under it.
        raise UserError("no split file here (train.json, val.json, test.json): is this the data root?",
                        file=str(root))
    lines = [_manifest_line(_manifest_digest(p), _rel(root, p)) for p in _manifest_files(root)]
    out = root / MANIFEST_NAME
    with atomic_file(out, "wb") as f:
        f.write(b"".join(lines))
    return out, len(lines)


def _looks_like_split(path: Path) -> bool:
    """Whether `path` reads as a split file: a JSON object of task entries (an empty one named like a split)."""
    if path.name == MANIFEST_NAME or not path.is_file():
        return False
    try:
        index = json.loads(path.read_bytes())
    except (ValueError, RecursionError, OSError):
        return False
    if not isinstance(index, dict):
        return False
    if not index:
        return path.stem in SPLITS
    return any(isinstance(v, dict) and "task" in v for v in index.values())


def _manifest_line(digest: str, rel: str) -> bytes:
    """One line as ``sha256sum`` writes it: a name holding a backslash, a newline or a carriage return is escaped
    (``\\``, ``\\n``, ``\\r``) and the line starts with a backslash; a name's bytes are written as they are, UTF-8
    or not (``sha256sum -c`` opens the file by those bytes)."""
    name = os.fsencode(rel)
    if any(c in name for c in b"\\\n\r"):
        name = name.replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\r", b"\\r")
        return b"\\" + digest.encode() + b"  " + name + b"\n"
    return digest.encode() + b"  " + name + b"\n"


def _manifest_entry(line: bytes) -> tuple[str, str] | None:
    """(digest, relative path) of a manifest line (`_manifest_line`'s, or one ``sha256sum`` wrote), or None.
    The digest and the name are split by two spaces, or by `` *`` (``sha256sum -b``'s binary mode, the same
    digest: ``sha256sum -c`` accepts both)."""
    escaped = line.startswith(b"\\")
    digest, sep, name = line[escaped:].partition(b" ")
    if sep:
        mode, name = name[:1], name[1:]
        sep = mode in (b" ", b"*")
    if not sep or len(digest) != 64 or not all(c in b"0123456789abcdefABCDEF" for c in digest):
        return None
    if escaped:
        name = re.sub(rb"\\(.)", lambda m: {b"n": b"\n", b"r": b"\r"}.get(m.group(1), m.group(1)), name)
    return digest.decode().lower(), os.fsdecode(name)


def verify_manifest(root: str | os.PathLike) -> list[str]:
    """Problems found checking `root` against its manifest, one ``FILE:LINE: problem`` string each."""
    root = Path(root)
    mpath = root / MANIFEST_NAME
    if not mpath.is_file():
        return []
    problems: list[str] = []
    listed: set[str] = set()
    try:
        text = mpath.read_bytes()
    except OSError as e:  # one problem of the data set's, listed with the others (`validate` lists them all)
        return [f"{mpath}: cannot be read ({e.strerror or e}): check its permissions"]
    unlisted: list[OSError] = []
    files = _manifest_files(root, unlisted)
    # Files outside the folder a manifest may list: those its split files name (see `_manifest_files`).
    rels = [_rel(root, f) for f in files]  # (each spelt once: the loop below the lines' uses them too)
    named_outside = {rel for rel in rels if rel.startswith("../")}
    for n, line in enumerate(text.split(b"\n"), 1):
        if not line.strip():
            continue
        entry = _manifest_entry(line.removesuffix(b"\r"))  # (a manifest saved on Windows)
        if entry is None:
            problems.append(f"{mpath}:{n}: not a 'SHA256  PATH' line")
            continue
        digest, rel = entry
        p = Path(os.path.normpath(root / rel))
        # As `_rel` spells the files found below: `sha256sum` run on `find .` writes "./data/...", and "a//b" is "a/b"
        spelt = _rel(root, p)
        if spelt.startswith("../") and spelt not in named_outside:
            # A manifest comes with the data: a line of it must not have this command read a file elsewhere on the
            # machine and say whether it matches. (Files outside the folder that the split files name are the data's.)
            problems.append(f"{mpath}:{n}: {rel} is outside the data folder and no split file names it: a manifest "
                            "lists the data set's own files (remove the line, or run `omniact manifest` again)")
            continue
        listed.add(spelt)
        if not p.is_file():
            problems.append(f"{mpath}:{n}: {rel} is missing")
            continue
        try:
            changed = _sha256_file(p) != digest
        except OSError as e:
            problems.append(f"{mpath}:{n}: {rel} cannot be read ({e.strerror or e}): check its permissions")
            continue
        if changed:
            problems.append(f"{mpath}:{n}: {rel} has changed (sha256 differs)")
    problems += [f"{e.filename}: folder cannot be read ({e.strerror or e}): its files are not checked" for e in unlisted]
    for p, rel in zip(files, rels):
        if not p.is_file():  # a dangling symlink, a FIFO, a device: `omniact manifest` could not add it either
            problems.append(f"{p}: {why_missing(str(p), 'file')}")
        elif rel not in listed:
            problems.append(f"{p}: not in {MANIFEST_NAME} "
                            f"(run `omniact manifest --data {shell_quote(str(root))}` to add it)")
    return problems
