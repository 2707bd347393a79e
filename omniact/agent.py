"""The Agent protocol and the registry that finds agents by name.

An agent is any class with ``act(view) -> str``: it reads a `TaskView` (goal, screenshot, detections; never the
gold script) and answers with a PyAutoGUI script. Optional parts:

- ``setup()`` / ``close()``: called once per worker, before the first and after the last task.
- ``coordinates``: ``"pixels"`` (default, screenshot pixels), ``"normalized"`` (0-1) or ``"normalized_1000"``
  (0-1000); the harness rewrites the script's points to pixels (`to_pixels`).
- ``uses_gold = True`` with ``act_with_gold(view, gold_script) -> str``: only for reference agents (the oracle).
  The runner calls ``act_with_gold`` for such agents and flags the run ``uses_gold`` in its manifest; the
  ``TaskView`` itself never carries the gold script.
- ``last_usage``: a `Usage` the agent sets after each ``act`` (tokens, cost); ``last_raw``: the model's raw
  answer; ``last_served``: what a model server says answered, ``{"served_model": ..., "system_fingerprint":
  ...}`` (the reply's ``model`` and ``system_fingerprint``). The runner records them per task; the last goes
  into the task's predictions record and, counted, into the manifest's ``served``.
- ``parallelism``: ``"threads"`` (default; I/O-bound agents) or ``"processes"`` (CPU-bound ones).
- ``resources``: what one worker of the agent needs, ``{"cpus": 1, "memory_mb": 1500}``, reserved for each
  worker on a Ray cluster (``--worker-cpus`` / ``--worker-memory`` override it).
- ``describe() -> dict``: what this agent actually is once ``setup()`` has run, as JSON (the model's name and
  server, or its folder, weights fingerprint, dtype and device; the effective generation settings; a hash of
  the prompt). Called once per worker after ``setup()``; the run records it in its manifest
  (``agent_description``) and ``--resume`` refuses to continue with an agent that describes itself
  differently. Effective values, not arguments (the manifest has those already), and never secrets: no API
  keys or tokens. An agent without it is described as ``null``.

Agents are named by a registered name (entry-point group ``omniact.agents``), ``module:Class`` or
``path/to/file.py:Class``:

>>> agent = load_agent("noop")
>>> agent.act  # doctest: +ELLIPSIS
<bound method ...>
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.util
import inspect
import os
import re
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from omniact.errors import ParseError, UserError
from omniact.executor import DEFAULT_SETUP_TIMEOUT, spec_text

__all__ = [
    "COORDINATE_SPACES",
    "ENTRY_POINT_GROUP",
    "Agent",
    "CheckReport",
    "Usage",
    "agent_name",
    "check_agent",
    "class_spec",
    "describe_agent",
    "list_agents",
    "load_agent",
    "read_agent_config",
    "resolve_agent_class",
    "resolved_spec",
    "task_cancel_event",
    "task_seed",
    "to_pixels",
]

ENTRY_POINT_GROUP = "omniact.agents"
COORDINATE_SPACES = ("pixels", "normalized", "normalized_1000")


@runtime_checkable
class Agent(Protocol):
    """What the runner needs from an agent: ``act(view) -> script``. Everything else is optional."""

    def act(self, view: Any) -> str:  # pragma: no cover - protocol
        ...


@dataclass(frozen=True)
class Usage:
    """Tokens and cost of one task's model calls. `cached` is True when every answer came from the cache."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    calls: int = 0
    cached: bool = False

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.prompt_tokens + other.prompt_tokens, self.completion_tokens + other.completion_tokens,
                     self.cost + other.cost, self.calls + other.calls, self.cached and other.cached)

    def to_json(self) -> dict[str, Any]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "cost": round(self.cost, 8), "calls": self.calls, "cached": self.cached}


_TASK = threading.local()


def task_cancel_event() -> threading.Event | None:
    """The event the runner sets when it gives up on the task this thread is running (its ``--task-timeout``
    passed, or the run is ending); None outside a task. A thread worker cannot be stopped from outside: an agent
    whose ``act()`` waits or computes for long checks it (the built-in local models stop generating at the next
    token) so that its worker is freed for the next task instead of finishing an answer nobody will read. (A
    process worker's agent gets it too: returning in time keeps the process, and the model it loaded.)"""
    return getattr(_TASK, "cancel", None)


@contextmanager
def _cancel_scope(cancel: threading.Event | None) -> Iterator[None]:
    """Run a task's ``act()`` with `cancel` as this thread's `task_cancel_event`."""
    previous = getattr(_TASK, "cancel", None)
    _TASK.cancel = cancel
    try:
        yield
    finally:
        _TASK.cancel = previous


def task_seed(seed: int, task_id: str) -> int:
    """A seed for one task that depends only on the run's seed and the task id, never on the worker."""
    # surrogatepass: a split file's key may spell a lone surrogate; valid text hashes as before
    digest = hashlib.sha256(f"{seed}\0{task_id}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big")


# --------------------------------------------------------------------------------------------------------
# Coordinates


def to_pixels(script: str, coordinates: str, width: int, height: int) -> str:
    """Rewrite an agent's script from its declared coordinate space to screenshot pixels.

    Scripts in pixels are returned unchanged. Otherwise only the points change (`map_points`): the rest stays as
    the agent wrote it, since the released scorer reads a line's spelling, so an answer scores the same in
    whichever space its agent answers. A call the parser refuses is kept as written.

    >>> to_pixels("pyautogui.click(0.5, 0.25)", "normalized", 200, 100)
    'pyautogui.click(100.0, 25.0)'
    """
    if coordinates == "pixels":
        return script
    if coordinates not in COORDINATE_SPACES:
        raise UserError(f"unknown coordinate space {coordinates!r}; use one of {', '.join(COORDINATE_SPACES)}")
    from omniact.actions import map_points

    scale = 1.0 if coordinates == "normalized" else 1000.0

    def convert(x: float, y: float) -> tuple[float, float]:
        return round(x / scale * width, 2), round(y / scale * height, 2)

    return map_points(script, convert)


# --------------------------------------------------------------------------------------------------------
# Registry


_EP_CACHE: dict[str, Any] | None = None
#: Names two packages register for different classes: name -> every registration ("package: module:Class").
_EP_CLASHES: dict[str, list[str]] = {}


def _entry_points() -> dict[str, Any]:
    # Scanning every installed distribution's metadata is slow; plugins do not change while a process runs.
    global _EP_CACHE  # noqa: PLW0603 - scanned lazily, once per process
    if _EP_CACHE is None:
        from importlib.metadata import entry_points

        found: dict[str, Any] = {}
        clashes: dict[str, list[str]] = {}
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            first = found.setdefault(ep.name, ep)
            if first is not ep and first.value != ep.value:  # (one package seen twice names the same class)
                seen = clashes.setdefault(ep.name, [_registration(first)])
                if _registration(ep) not in seen:
                    seen.append(_registration(ep))
        _EP_CLASHES.clear()
        _EP_CLASHES.update(clashes)
        _EP_CACHE = found
    return _EP_CACHE


def _registration(ep: Any) -> str:
    """An entry point as `omniact agents` names it: ``package: module:Class``."""
    dist = getattr(ep, "dist", None)
    return f"{getattr(dist, 'name', None) or 'a package'}: {ep.value}"


def _shown(filename: str, given: Path | None = None) -> str:
    """A file as the user knows it: as they typed it, else relative to the current directory when inside it."""
    p = Path(filename)
    try:
        if given is not None and p.resolve() == given.resolve():
            return str(given)
        return str(p.resolve().relative_to(Path.cwd()))
    except (OSError, ValueError):
        return filename


def _import_failed(e: BaseException, what: str, given: Path | None = None) -> UserError:
    """One line for an agent module whose own code failed while it was imported (a bug or a missing
    dependency of the user's, not ours): the file and line where the import stopped, and why.

    The place is the first frame past the import machinery, i.e. the line of the agent's module (or of its
    package's ``__init__``) that started what failed; `what` names the module when no frame is there.
    """
    if isinstance(e, SyntaxError):  # the file with the error may be one the agent's module imports
        return UserError(f"syntax error: {e.msg}", file=_shown(e.filename, given) if e.filename else what,
                         line=e.lineno)
    file, line = what, None
    ours = (Path(__file__).resolve(), Path(importlib.__file__).resolve().parent)
    for frame in traceback.extract_tb(e.__traceback__):
        if frame.filename.startswith("<"):  # <frozen importlib._bootstrap>
            continue
        here = Path(frame.filename).resolve()
        if here == ours[0] or ours[1] in here.parents:  # (importlib.metadata's too, for a registered agent)
            continue
        file, line = _shown(frame.filename, given), frame.lineno
        break
    if isinstance(e, ModuleNotFoundError):
        why = _shadowed(e.name, [Path.cwd(), *(given.resolve().parents if given is not None else ())])
        if why is not None:
            return UserError(f"cannot import the agent: {e}: {why}", file=file, line=line)
        return UserError(f"cannot import the agent: {e} (install it, or fix the import)", file=file, line=line)
    if isinstance(e, SystemExit):  # a script's sys.exit() or argparse, run at import: it would end omniact
        return UserError(f"cannot import the agent: importing it exits (SystemExit: {e.code!r}); put the code that "
                         "runs it as a script under `if __name__ == \"__main__\":`", file=file, line=line)
    return UserError(f"cannot import the agent: {type(e).__name__}: {e}", file=file, line=line)


#: The import packages omniact installs. A user's folder of one of these names cannot be imported by that name:
#: Python finds ours first (and `omniact` has imported `agents` and `scoring` already).
_OUR_PACKAGES = ("agents", "scoring", "omniact")


def _shadowed(name: str | None, folders: list[Path]) -> str | None:
    """Why the module `name`, not found, cannot be the user's own: its top package has the name of one of ours and
    one of `folders` holds a folder of that name (the user's, which that name never reaches). None otherwise."""
    top = (name or "").partition(".")[0]
    if top not in _OUR_PACKAGES:
        return None
    for folder in folders:
        mine = folder / top
        if mine.is_dir() and mine.resolve() != Path(__file__).resolve().parents[1] / top:
            return (f"{top!r} is the name of omniact's own package, which Python finds before your folder "
                    f"{_shown(str(mine))}/; rename your folder")
    return None


#: The start of the module name a file given as ``path/file.py:Class`` is imported under (see `_import_file`).
_FILE_MODULE = "omniact_agentfile_"


def _import_file(path: Path) -> Any:
    if not path.is_file():
        if path.exists():  # a folder, /dev/zero, a FIFO: "does not exist" would send the user looking for a typo
            kind = "a folder" if path.is_dir() else "not a regular file"
            raise UserError(f"agent file is {kind}: give a Python file (path/to/agent.py:ClassName)", file=str(path))
        raise UserError("agent file does not exist", file=str(path))
    # A stable module name per file, so that classes pickle by reference in worker processes. fsencode: a file
    # name that is not UTF-8 (bytes kept as surrogates) has bytes all the same.
    name = _FILE_MODULE + hashlib.sha1(os.fsencode(path.resolve())).hexdigest()[:12]  # noqa: S324 - a name, not a secret
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UserError("cannot import this file as Python", file=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    # The file's folder is searched for its imports (`from helpers import x` beside it), as `python file.py` does;
    # after everything else, so that a file of it named like a module (json.py) hides none of the process's.
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.append(folder)
    try:
        spec.loader.exec_module(module)
    except UserError:  # the module's own one-line message for the user
        del sys.modules[name]
        raise
    except ImportError as e:
        del sys.modules[name]
        dotted = _package_module(path)
        if dotted is None or "relative import" not in str(e):
            raise _import_failed(e, str(path), path) from None
        # A module of a package (`from .helpers import x`): imported as the package's module, as `pkg.mod:A` is.
        return _import_module(dotted, f"{dotted}:")
    except (Exception, SystemExit) as e:  # noqa: BLE001 - whatever the user's module raises, said in one line
        del sys.modules[name]
        raise _import_failed(e, str(path), path) from None
    return module


def _package_module(path: Path) -> str | None:
    """The dotted name of a file inside a package (folders with ``__init__.py`` above it), with the folder above
    the package put on ``sys.path`` to import it from; None for a file that is in no package."""
    path = path.resolve()
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    if len(parts) == 1:
        return None
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))  # kept: worker processes start with this process's sys.path
        importlib.invalidate_caches()
    return ".".join(parts)


def _not_found(e: ModuleNotFoundError, target: str) -> bool:
    """True when `target` itself (or a package above it) is what could not be found, rather than something
    the module imports."""
    return bool(e.name) and (target == e.name or target.startswith(f"{e.name}."))


def _import_module(target: str, spec: str) -> Any:
    """Import ``module`` of a ``module:Class`` spec the way ``python -m`` and uvicorn do: the current directory
    is importable, so a package next to the user needs no PYTHONPATH.

    The current directory is put first on ``sys.path`` only when the module is not found without it, and it
    stays there: the agent may import its own package's modules later, while it runs, and worker processes
    (spawned) start with this process's ``sys.path``.
    """
    cwd = os.getcwd()
    for attempt in range(2):
        try:
            return importlib.import_module(target)
        except ModuleNotFoundError as e:
            if not _not_found(e, target):
                raise _import_failed(e, f"module {target}") from None
            if attempt or cwd in sys.path or "" in sys.path:
                break
            sys.path.insert(0, cwd)
            importlib.invalidate_caches()
        except UserError:
            raise
        except (Exception, SystemExit) as e:  # noqa: BLE001 - whatever the user's module raises, said in one line
            raise _import_failed(e, f"module {target}") from None
    cls = spec.rpartition(":")[2]
    hint = target.replace(".", "/") + f".py:{cls}"
    why = _shadowed(target, [Path(cwd)])
    if why is not None:
        raise UserError(f"cannot import module {target!r}: {why}, or give the file path, like {hint}")
    raise UserError(f"cannot import module {target!r} (not found from the current directory or the installed "
                    f"packages; give a file path like {hint})")


def _attr(module: Any, name: str, where: str) -> Any:
    obj = module
    for part in name.split("."):
        if not hasattr(obj, part):
            have = [n for n, v in vars(module).items() if inspect.isclass(v) and hasattr(v, "act")]
            close = difflib.get_close_matches(part, have, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else (
                f" (agent classes there: {', '.join(sorted(have))})" if have else "")
            raise UserError(f"{where} has no attribute {part!r}{hint}")
        obj = getattr(obj, part)
    return obj


def _agent_file(spec: str) -> tuple[Path, str] | None:
    """(file, attribute) of a ``path/file.py:Class`` spec; None for a registered name or ``module:Class``."""
    target, colon, attr = spec.strip().rpartition(":")
    if colon and (target.endswith(".py") or "/" in target or "\\" in target):
        return Path(target).expanduser(), attr
    return None


def resolved_spec(spec: str | type) -> str:
    """What a spec names wherever it is typed: a ``path/file.py:Class`` spec as the file's absolute, resolved path
    and the class (``my_agent.py:A`` typed in /work and ``../work/my_agent.py:A`` typed in /tmp are one agent;
    ``my_agent.py:A`` typed in two folders is two), a registered name or ``module:Class`` as given, a class as
    ``module:Class``. What ``--resume`` compares."""
    if not isinstance(spec, str):
        return spec_text(spec)
    found = _agent_file(spec)
    if found is None:
        return spec.strip()
    path, attr = found
    try:
        return f"{path.resolve()}:{attr}"
    except (OSError, RuntimeError):  # a link loop: as typed, from here
        return f"{path.absolute()}:{attr}"


def resolve_agent_class(spec: str | type) -> type:
    """The class a spec names: a registered name, ``module:Class`` or ``path/file.py:Class``; a class, or a factory
    function a spec named (``file.py:make_agent``), is itself."""
    if inspect.isclass(spec) or (callable(spec) and not isinstance(spec, str)):
        if inspect.isclass(spec) and not callable(getattr(spec, "act", None)):  # as for a spec naming it, below
            raise UserError(f"{agent_name(spec)} has no act(view) method, so it is not an agent")
        return spec
    if not isinstance(spec, str) and callable(getattr(spec, "act", None)):
        raise UserError(f"give the agent's class ({type(spec).__name__}), not an instance of it: a run builds one "
                        "agent per worker")
    if not isinstance(spec, str) or not spec.strip():
        raise UserError("an agent spec must be a name, module:Class or path/file.py:Class")
    spec = spec.strip()
    if ":" in spec:
        target, _, attr = spec.rpartition(":")
        drive = re.match(r"[A-Za-z]:[\\/]", target)  # (C:\\agents\\a.py:A has a colon of its own)
        if not target or not attr or ":" in target[drive.end() if drive else 0:]:
            raise UserError(f"agent {spec!r}: give module:Class or path/file.py:Class (one colon, the class after it)")
        found = _agent_file(spec)
        if found is not None:
            path = found[0]
            module = _import_file(path)
            where = str(path)
        else:
            module = _import_module(target, spec)
            where = f"module {target}"
        obj = _attr(module, attr, where)
    else:
        eps = _entry_points()
        ep = eps.get(spec)
        if ep is None:
            close = difflib.get_close_matches(spec, list(eps), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else (
                f"; registered: {', '.join(sorted(eps))}" if eps else "")
            raise UserError(f"unknown agent {spec!r}{hint} (or give module:Class or path/file.py:Class)")
        if spec in _EP_CLASHES:
            # Which one an entry-point scan meets first depends on the order packages were installed in: the
            # user says which they mean, rather than run one they did not.
            raise UserError(f"agent {spec!r} is registered by more than one package ("
                            f"{'; '.join(_EP_CLASHES[spec])}): give the one you mean as module:Class")
        try:
            obj = ep.load()
        except UserError:
            raise
        except (Exception, SystemExit) as e:  # noqa: BLE001 - the registering package's import failed, in one line
            raise _import_failed(e, f"agent {spec!r} (registered as {ep.value})") from None
    if not (inspect.isclass(obj) or callable(obj)):
        raise UserError(f"{spec!r} is not a class")
    qualname = getattr(obj, "__qualname__", "")
    if inspect.isfunction(obj) and "." in qualname and "<locals>" not in qualname:
        owner = spec.rpartition(":")[0] + ":" + qualname.rpartition(".")[0]
        raise UserError(f"{spec!r} is a method of a class, not an agent: give the class ({owner})")
    if inspect.isclass(obj) and not callable(getattr(obj, "act", None)):
        raise UserError(f"{spec!r} has no act(view) method, so it is not an agent")
    return obj


# An agent config is a few lines of TOML; a file this large is the wrong file.
_CONFIG_LIMIT = 1 << 20


def read_agent_config(path: str | Path) -> dict[str, Any]:
    """An agent config file (TOML): top-level keys, or the keys of an ``[agent]`` table, are arguments."""
    import tomllib

    from omniact.user_file import read_user_text

    p = Path(path).expanduser()
    # read_user_text: a folder, /dev/zero (read until memory ran out) or a huge file is one line, not a crash.
    text = read_user_text(p, "agent config file", limit=_CONFIG_LIMIT, text=True, save_as="UTF-8 TOML")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # Python 3.14 gives the place as attributes; before, only in the message: "... (at line 3, column 7)".
        where = re.search(r" \(at line (\d+), column (\d+)\)$", str(e))
        line = getattr(e, "lineno", None) or (int(where[1]) if where else None)
        message = str(e)[:where.start()] + f" (column {where[2]})" if where else str(e)
        raise UserError(f"not valid TOML: {message}", file=str(p), line=line) from None
    if isinstance(data.get("agent"), dict):
        others = [k for k in data if k != "agent"]
        if others:  # which of them are arguments? Dropping them without a word ran the agent on its defaults
            raise UserError(f"has an [agent] table and also {', '.join(others)} outside it: put every agent argument "
                            "in the [agent] table (or none of them in one)", file=str(p))
        data = data["agent"]
    return dict(data)


def _coerce(value: Any, default: Any, annotation: Any, name: str) -> Any:
    """CLI arguments arrive as text; convert them to the type the constructor's default or hint says (``int``,
    ``Optional[int]``, ``int | None``, written or as a string under ``from __future__ import annotations``; ``none``
    gives None where the hint allows it). A hint of several types (``int | str``) takes the first, in its order,
    that reads the text. A list, tuple or dict cannot be typed on the command line: it is refused with where to
    give it, instead of reaching the agent as text."""
    if not isinstance(value, str):
        return value
    kinds, optional = _hinted_kinds(annotation)
    if not any(kinds) and default is not inspect.Parameter.empty and default is not None:
        kinds = (type(default),)
    if optional and value.strip().lower() in ("none", "null"):
        return None
    if kinds and all(k in _COLLECTIONS for k in kinds):
        raise UserError(f"agent argument {name}={value!r}: expected a {kinds[0].__name__}, which --agent-arg cannot "
                        "give; set it in an --agent-config TOML file")
    for kind in kinds:
        if kind in _READERS:
            try:
                return _READERS[kind](value)
            except ValueError:
                continue
        if kind not in _COLLECTIONS:  # str, or a type of the agent's own: the text as it is
            return value
    if not kinds:
        return value
    expected = " or ".join(k.__name__ for k in kinds if k is not None)
    raise UserError(f"agent argument {name}={value!r}: expected {expected}")


def _read_bool(value: str) -> bool:
    low = value.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


_READERS: dict[type, Callable[[str], Any]] = {bool: _read_bool, int: int, float: float}
_COLLECTIONS = (list, tuple, dict, set, frozenset)


def _top_level(text: str, sep: str) -> list[str]:
    """`text` split at each `sep` outside brackets (``dict[str,int]|None`` is two parts)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "[") - (ch == "]")
        if ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


_KINDS = {"bool": bool, "int": int, "float": float, "str": str, "list": list, "tuple": tuple, "dict": dict,
          "set": set, "frozenset": frozenset}


def _hinted_kinds(annotation: Any) -> tuple[tuple[type | None, ...], bool]:
    """The types a parameter's hint names, in its order (None for one that is not a plain type: Any, a class of the
    agent's own), and whether it allows None."""
    import types
    import typing

    if annotation is inspect.Parameter.empty:
        return (), False
    if isinstance(annotation, str):  # from __future__ import annotations: read the text
        text = annotation.replace(" ", "").replace("typing.", "")
        if text.startswith("Optional[") and text.endswith("]"):
            parts = [*_top_level(text[9:-1], ","), "None"]
        elif text.startswith("Union[") and text.endswith("]"):
            parts = _top_level(text[6:-1], ",")
        else:
            parts = _top_level(text, "|")
        if len(parts) == 1 and parts[0] == text:  # one type: the name before its brackets (list[int] is a list)
            return (_KINDS.get(text.split("[")[0].lower()),), False
        read = [_hinted_kinds(part) for part in parts if part != "None"]
        return tuple(k for kinds, _ in read for k in kinds), len(read) < len(parts) or any(o for _, o in read)
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        named = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(named) < len(typing.get_args(annotation))
        return tuple(k for a in named for k in _hinted_kinds(a)[0]), optional
    base = origin or annotation
    return (base if base in _KINDS.values() else None,), False


def _init_params(cls: type) -> dict[str, inspect.Parameter] | None:
    """Constructor parameters; a subclass that passes **kwargs up also takes its bases' parameters."""
    try:
        params = dict(inspect.signature(cls).parameters)
    except (TypeError, ValueError):
        return None
    if not inspect.isclass(cls):
        return params
    for base in cls.__mro__[1:]:
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            break
        if "__init__" not in vars(base) or base is object:
            continue
        try:
            more = inspect.signature(base.__init__).parameters
        except (TypeError, ValueError):
            break
        var = [k for k, p in params.items() if p.kind is inspect.Parameter.VAR_KEYWORD]
        for k in var:
            del params[k]
        for k, p in list(more.items())[1:]:  # skip self
            if k not in params and p.kind is not inspect.Parameter.VAR_POSITIONAL:
                params[k] = p
    return params


def _bind_kwargs(cls: type, args: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    params = _init_params(cls)
    if params is None:
        return dict(args)
    var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    names = [n for n, p in params.items() if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                          inspect.Parameter.KEYWORD_ONLY)]
    kwargs: dict[str, Any] = {}
    for k, v in args.items():
        if k not in params and not var_kw:
            close = difflib.get_close_matches(k, names, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else (
                f"; it takes: {', '.join(names)}" if names else "; it takes none")
            raise UserError(f"agent {agent_name(cls)} has no argument {k!r}{hint}")
        p = params.get(k)
        kwargs[k] = _coerce(v, p.default, p.annotation, k) if p is not None else v
    # Run-wide settings (seed, cache, data root) go to agents that ask for them, unless the user set them.
    for k, v in defaults.items():
        if k not in kwargs and k in params:
            kwargs[k] = v
    missing = [n for n in names if params[n].default is inspect.Parameter.empty and n not in kwargs]
    if missing:
        raise UserError(f"agent {agent_name(cls)} needs {' and '.join(missing)}: give "
                        + " ".join(f"--agent-arg {n}=VALUE" for n in missing))
    return kwargs


def load_agent(spec: str | type, args: Mapping[str, Any] | None = None, config: str | Path | None = None,
               *, defaults: Mapping[str, Any] | None = None) -> Any:
    """Build an agent from a spec, ``--agent-arg`` values and an optional TOML config file.

    `args` override the config file's values. Text values are converted to the type of the constructor
    parameter's default (int, float, bool). `defaults` (run-wide settings such as ``seed``) are passed only
    to constructors that take a parameter of that name and only when the user did not set it. An unknown
    name or argument is a `UserError` with close-match suggestions.
    """
    cls = resolve_agent_class(spec)
    merged: dict[str, Any] = {}
    if config is not None:
        merged.update(read_agent_config(config))
    merged.update(args or {})
    kwargs = _bind_kwargs(cls, merged, defaults or {})
    try:
        agent = cls(**kwargs)
    except (TypeError, ValueError) as e:
        raise UserError(f"cannot build agent {agent_name(cls)}: {e}") from None
    coords = getattr(agent, "coordinates", "pixels")
    if coords not in COORDINATE_SPACES:
        raise UserError(f"agent {agent_name(cls)} declares coordinates={coords!r}; "
                        f"use one of {', '.join(COORDINATE_SPACES)}")
    return agent


class BadDescription(TypeError):
    """What `describe_agent` says of a description it cannot record (not a dict, not JSON, too large or deep): its
    message is whole (``describe() returned ...``), nothing raised in the agent."""


def describe_agent(agent: Any) -> dict[str, Any] | None:
    """The agent's ``describe()`` (after ``setup()``) as plain JSON, or None when it has no such method.

    The result goes through JSON once, so what a worker sends, what the store keeps and what a resume
    compares are the same value (tuples become lists). A ``describe()`` that does not return a JSON object
    raises `TypeError`: the worker reports it as an agent that could not start.

    >>> class Fixed:
    ...     def describe(self):
    ...         return {"model": "m", "max_tokens": (1, 2)}
    >>> describe_agent(Fixed())
    {'model': 'm', 'max_tokens': [1, 2]}
    """
    import json

    describe = getattr(agent, "describe", None)
    if not callable(describe):
        return None
    out = describe()
    if not isinstance(out, Mapping):
        raise BadDescription(f"describe() returned {type(out).__name__}, not a dict")
    try:
        text = json.dumps(dict(out), allow_nan=False)
    except (TypeError, ValueError, RecursionError) as e:
        raise BadDescription(f"describe() returned a dict that is not JSON: {e}") from None
    # The driver walks, compares and rewrites the description (manifest, store, resume check): one nested
    # hundreds deep overflowed its stack (a traceback, exit 1), one of megabytes would be copied into every
    # manifest write.
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise BadDescription(f"describe() returned {len(text):,} characters of JSON; a description is at most "
                        f"{MAX_DESCRIPTION_CHARS:,}: name the model and settings, do not embed them")
    value = json.loads(text)
    depth = _depth(value)
    if depth > MAX_DESCRIPTION_DEPTH:
        raise BadDescription(f"describe() returned a dict nested {depth} levels deep; a description is at most "
                        f"{MAX_DESCRIPTION_DEPTH}")
    return value


#: bounds of an agent's ``describe()`` as JSON: ample for a model, its settings and fingerprints
MAX_DESCRIPTION_CHARS = 1 << 20
MAX_DESCRIPTION_DEPTH = 32


def _depth(value: Any) -> int:
    """How deeply parsed JSON nests its objects and arrays, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        children = v.values() if isinstance(v, dict) else v if isinstance(v, list) else None
        if children is not None:
            deepest = max(deepest, d)
            stack.extend((c, d + 1) for c in children)
    return deepest


def agent_name(obj: Any) -> str:
    """A readable name: the agent's `name` attribute, else its class as `class_spec` writes it."""
    name = getattr(obj, "name", None)
    if isinstance(name, str) and name:
        return name
    return class_spec(obj if inspect.isclass(obj) else type(obj))


def class_spec(cls: type) -> str:
    """``module:Class``, or ``path/file.py:Class`` for a class loaded from a file (whose module's name is one
    omniact made up, which names nothing a user could give again)."""
    if cls.__module__.startswith(_FILE_MODULE):
        path = getattr(sys.modules.get(cls.__module__), "__file__", None)
        if path:
            return f"{path}:{cls.__qualname__}"
    return f"{cls.__module__}:{cls.__qualname__}"


def list_agents() -> list[tuple[str, str, str]]:
    """Registered agents as ``(name, target, one-line description)``, sorted by name."""
    out = []
    for name, ep in sorted(_entry_points().items()):
        if name in _EP_CLASHES:
            out.append((name, " | ".join(_EP_CLASHES[name]),
                        "(registered by more than one package: give the one you mean as module:Class)"))
            continue
        try:
            obj = ep.load()
            doc = (inspect.getdoc(obj) or "").strip().splitlines()
            desc = doc[0] if doc else ""
        except Exception as e:  # noqa: BLE001 - a broken plugin must not hide the others
            desc = f"(cannot load: {type(e).__name__}: {e})"
        out.append((name, ep.value, desc))
    return out


# --------------------------------------------------------------------------------------------------------
# check_agent


def _odd_points(actions: Any, coords: str, width: int, height: int) -> str | None:
    """What is wrong with a script's points as the agent gave them, in its declared coordinate space: a point
    outside that space (pixels for a 0-1 agent), or, for a pixel agent, outside the screenshot or all within 0-1
    (a 0-1 answer from an agent that did not declare it). None when they look right."""
    points = [a.point for a in actions if a.point is not None]
    if not points:
        return None
    scale = {"normalized": 1.0, "normalized_1000": 1000.0}.get(coords)
    if scale is not None:
        bad = next(((x, y) for x, y in points if not (0 <= x <= scale and 0 <= y <= scale)), None)
        if bad is not None:
            return (f"a point at ({bad[0]:g}, {bad[1]:g}) is outside 0-{scale:g}, the agent's coordinates={coords!r}: "
                    "answer in that space, or declare the space the points are in")
        return None
    bad = next(((x, y) for x, y in points if not (0 <= x <= width and 0 <= y <= height)), None)
    if bad is not None:
        return f"a point at ({bad[0]:g}, {bad[1]:g}) is outside the {width}x{height} screenshot"
    # (a fraction among them: a pixel point such as (1, 1) or (0, 0) is an answer a screen can have)
    if all(x <= 1 and y <= 1 for x, y in points) and any(v % 1 for pt in points for v in pt) and width > 100 \
            and height > 100:
        return (f"every point is within 0-1 on a {width}x{height} screenshot: if the agent answers in 0-1, declare "
                "coordinates = \"normalized\" on its class")
    return None


@dataclass(frozen=True)
class CheckReport:
    """What `check_agent` found: one line per task tried, and the problems among them."""

    agent: str
    lines: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        head = f"{self.agent}: {'OK' if self.ok else f'{len(self.problems)} problem(s)'}"
        return "\n".join([head, *("  " + line for line in self.lines)])


def check_agent(agent_or_class: Any, n: int = 3, *, data: str | Path | None = None, split: str = "test",
                args: Mapping[str, Any] | None = None, timeout: float = 60.0,
                setup_timeout: float | str | None = DEFAULT_SETUP_TIMEOUT,
                agent_args: Mapping[str, Any] | None = None) -> CheckReport:
    """Run an agent on the first `n` tasks of a split and report what a run would hold against it.

    Reports an agent whose constructor or ``setup()`` fails, or that raises, hangs (no answer within `timeout`
    seconds; its task's `task_cancel_event` is set then), returns something other than text, or writes a script
    the shared parser rejects; and one that does not start (built, ``setup()`` and ``describe()`` returned) within
    `setup_timeout` seconds (None or ``"none"``: no limit), as a run would stop on it. A mistake in naming or
    configuring the agent (unknown name, missing file, module that cannot be imported, wrong argument) is the
    user's, not the agent's: a `UserError`, as for a run. Uses the built-in suite unless `data` names another
    root (the tests pass a fixture set).

    `agent_args` is `args` under `omniact.run`'s name for it (give one of them).

    >>> print(check_agent("noop", n=1, data="tests/runner/fixtures/data"))  # doctest: +SKIP
    noop: OK
    """
    import time

    if agent_args is not None:
        if args is not None:
            raise UserError("give the agent's arguments once: args or agent_args, not both")
        args = agent_args

    from omniact.dataset import load_split
    from omniact.executor import (
        CANCEL_GRACE,
        CallThread,
        CallTimedOut,
        error_text,
        seconds_or_none,
        start_timeout_text,
    )

    lines: list[str] = []
    problems: list[str] = []
    setup_timeout = seconds_or_none(setup_timeout, "--setup-timeout")
    ds = load_split(data, split)  # a wrong --data or --split is the user's: before the agent is built
    # As for a run's worker, one limit for the whole start: building, setup() and describe() together; and one
    # thread for all the agent's calls (as a thread worker's), so that what it keeps per thread is there each time.
    deadline = None if setup_timeout is None else time.monotonic() + setup_timeout
    thread = CallThread("omniact-check")

    def left() -> float | None:
        return None if deadline is None else deadline - time.monotonic()

    def hung(who: str, phase: str) -> CheckReport:
        msg = start_timeout_text(phase, setup_timeout or 0.0)
        return CheckReport(who, (msg,), (msg,))

    if inspect.isclass(agent_or_class) or isinstance(agent_or_class, str):
        built: dict[str, Any] = {}

        def build() -> Any:
            cls = built["cls"] = resolve_agent_class(agent_or_class)  # an unknown name, a broken import: UserError
            return load_agent(cls, args)

        try:
            agent = thread.call(build, left())
        except CallTimedOut:
            return hung(agent_name(built["cls"]) if "cls" in built else str(agent_or_class),
                        "importing and building the agent")
        except UserError:  # a wrong or missing argument, said in one line
            thread.stop()
            raise
        except Exception as e:  # noqa: BLE001 - a constructor that fails is the check's finding, not a crash
            thread.stop()
            msg = f"cannot build: {error_text(e)}"
            return CheckReport(agent_name(built["cls"]) if "cls" in built else str(agent_or_class), (msg,), (msg,))
    else:
        agent = agent_or_class
    name = agent_name(agent)
    coords = getattr(agent, "coordinates", "pixels")
    if coords not in COORDINATE_SPACES:
        problems.append(f"coordinates={coords!r} is not one of {', '.join(COORDINATE_SPACES)}")
    from omniact.executor import WORKER_TYPES

    parallelism = getattr(agent, "parallelism", "threads")
    if parallelism not in WORKER_TYPES:  # a run refuses it (unless `run --worker-type` is given)
        problems.append(f"parallelism={parallelism!r} is not one of {', '.join(WORKER_TYPES)}")
        lines.append(problems[-1])
    stuck = False  # the agent is busy in setup() or describe() still: close() could wait for it as well
    try:
        if callable(getattr(agent, "setup", None)):
            try:
                thread.call(agent.setup, left())
            except CallTimedOut:
                stuck = True
                return hung(name, "setup()")
            except UserError:
                raise
            except Exception as e:  # noqa: BLE001 - as a run would stop on it: reported, no task tried
                problems.append(f"setup() raised {error_text(e)}")
                return CheckReport(name, (problems[-1],), tuple(problems))
        try:
            # a run records it before any task, and stops on one it cannot record
            thread.call(lambda: describe_agent(agent), left())
        except CallTimedOut:
            stuck = True
            return hung(name, "describe()")
        except Exception as e:  # noqa: BLE001 - reported as a run would report it
            problems.append(str(e) if isinstance(e, BadDescription) else f"describe() raised {error_text(e)}")
            lines.append(problems[-1])
        tried = ds.tasks[:n]
        for k, task in enumerate(tried):
            view = task.view()
            box: dict[str, Any] = {}
            cancel = threading.Event()

            def call(box: dict[str, Any] = box, view: Any = view, gold: str = task.gold_script,
                     cancel: threading.Event = cancel) -> None:
                try:
                    with _cancel_scope(cancel):
                        if getattr(agent, "uses_gold", False):
                            box["out"] = agent.act_with_gold(view, gold)
                        else:
                            box["out"] = agent.act(view)
                except BaseException as e:  # noqa: BLE001 - reported, not raised
                    box["error"] = e

            try:
                # As a run gives up on it: the cancel event set, which an agent that heeds it (a local model) stops on
                # within CANCEL_GRACE, and is then asked the next task, as a run asks it.
                thread.call(call, timeout, on_timeout=cancel.set, grace=CANCEL_GRACE)
            except CallTimedOut as e:  # (its cancel event set by the call: `on_timeout`)
                problems.append(f"task {task.id}: act did not return within {timeout:g} s")
                lines.append(problems[-1])
                if e.kept:
                    continue
                if k + 1 < len(tried):
                    rest = len(tried) - k - 1
                    lines.append(f"(the other {rest} task{'s' if rest > 1 else ''} not tried: the agent is still busy "
                                 "with this one)")
                break  # the agent is stuck in that call; asking it again would not be a fair test
            if "error" in box:
                err = box["error"]
                problems.append(f"task {task.id}: act raised {error_text(err)}")
                lines.append(problems[-1])
                continue
            out = box.get("out")
            if not isinstance(out, str):
                problems.append(f"task {task.id}: act returned {type(out).__name__}, not str")
                lines.append(problems[-1])
                continue
            try:
                from omniact.actions import parse_script

                pixels = to_pixels(out, coords, view.width, view.height)
                actions = parse_script(pixels)
            except ParseError as e:
                problems.append(f"task {task.id}: script does not parse: {e}")
                lines.append(problems[-1])
                continue
            odd = _odd_points(parse_script(out), coords, view.width, view.height)
            if odd:
                problems.append(f"task {task.id}: {odd}")
                lines.append(problems[-1])
                continue
            first = pixels.strip().splitlines()[0].strip() if pixels.strip() else ""  # as a run records it
            lines.append(f"task {task.id}: ok, {len(actions)} action(s)"
                         + (f": {first[:80]}{'...' if len(first) > 80 or len(actions) > 1 else ''}" if first else ""))
    finally:
        thread.stop()
        if not stuck and callable(getattr(agent, "close", None)):
            try:
                agent.close()
            except Exception as e:  # noqa: BLE001 - the check's finding, as a run records it, not a traceback
                problems.append(f"close() raised {error_text(e)}")
                lines.append(problems[-1])
    return CheckReport(name, tuple(lines), tuple(problems))
