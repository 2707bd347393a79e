"""The action set, defined once, and the one parser every script goes through.

`ACTIONS` is the table: each PyAutoGUI function we accept, its parameters as PyAutoGUI names them, and a
one-line description. The parser, the formatter, the agents' prompt stubs and the sandbox's adapter are all
derived from it, so adding an action here adds it everywhere.

Scripts are never executed. `parse_script` reads them with `ast` and accepts only statements of the form
``pyautogui.<name>(<literal>, ..., <kw>=<literal>)``; anything else is a `ParseError` with line and column.

>>> [a.name for a in parse_script('pyautogui.click(412.5, 88.0)\\npyautogui.write("shoes")')]
['click', 'write']
>>> format_script(parse_script("pyautogui.hotkey('ctrl','c')"))
'pyautogui.hotkey("ctrl", "c")'
"""

from __future__ import annotations

import ast
import json
import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from omniact.errors import ParseError

__all__ = [
    "ACTIONS",
    "ALIASES",
    "KEY_ACTIONS",
    "MAX_SCRIPT_CHARS",
    "POINTER_ACTIONS",
    "Action",
    "ActionSpec",
    "Param",
    "api_stubs",
    "certainly_refused",
    "format_action",
    "format_script",
    "is_plain_script",
    "map_points",
    "normalize_key",
    "parse_script",
    "parse_unless_refused",
    "script_is_valid",
    "script_points",
]

Value = int | float | str | bool | None | tuple

#: Scripts longer than this are refused before `ast` sees them: no real script is this long, and a huge
#: input must not cost the scorer more than a check of its length.
MAX_SCRIPT_CHARS = 200_000

_REQUIRED = object()


class _Tween(str):
    """A ``pyautogui.easeXxx`` reference: a name, kept apart from string literals."""


@dataclass(frozen=True)
class Param:
    """One parameter of a PyAutoGUI function.

    `kind` says which literals it takes: ``coord`` (a number, None, or for the first parameter an
    ``(x, y)`` pair), ``int``, ``number``, ``text``, ``key`` (one key name), ``keys`` (a key name or a list
    of them), ``button``, ``tween`` (``pyautogui.easeInQuad`` and friends) or ``bool``.
    """

    name: str
    kind: str
    default: Any = _REQUIRED

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED


@dataclass(frozen=True)
class ActionSpec:
    """A PyAutoGUI function we accept: its parameters in PyAutoGUI's order and what it does."""

    name: str
    params: tuple[Param, ...]
    description: str
    #: hotkey takes its keys as *args.
    varargs: Param | None = None

    # Derived once per spec (the table is fixed): parsing asks for them on every call it binds.
    @cached_property
    def pointer(self) -> bool:
        """True when the action takes a screen point (x, y)."""
        return any(p.name == "x" for p in self.params)

    @cached_property
    def _by_name(self) -> dict[str, Param]:
        return {p.name: p for p in self.params}

    @cached_property
    def order(self) -> tuple[str, ...]:
        """Argument names in the order actions keep them: hotkey's keys first, then the parameters."""
        return (("keys",) if self.varargs else ()) + tuple(p.name for p in self.params)

    def param(self, name: str) -> Param | None:
        return self._by_name.get(name)

    def stub(self) -> str:
        """A Python signature line for prompts, e.g. ``pyautogui.click(x, y, clicks=1, button="left")``."""
        parts = []
        if self.varargs is not None:
            parts.append(f"*{self.varargs.name}")
        for p in self.params:
            parts.append(p.name if p.required or (p.default is None and p.kind == "coord")
                         else f"{p.name}={_format_value(p.default)}")
        return f"pyautogui.{self.name}({', '.join(parts)})"


def _mouse(*extra: Param) -> tuple[Param, ...]:
    return (Param("x", "coord", None), Param("y", "coord", None)) + extra


_DURATION = Param("duration", "number", 0.0)
_TWEEN = Param("tween", "tween", _Tween("linear"))
_INTERVAL = Param("interval", "number", 0.0)

ACTIONS: dict[str, ActionSpec] = {s.name: s for s in (
    ActionSpec("click", _mouse(Param("clicks", "int", 1), _INTERVAL, Param("button", "button", "left"),
                               _DURATION, _TWEEN),
               "Move the mouse to (x, y) and click (button: left, right or middle)."),
    ActionSpec("doubleClick", _mouse(_INTERVAL, Param("button", "button", "left"), _DURATION, _TWEEN),
               "Double-click at (x, y)."),
    # (interval, as PyAutoGUI's rightClick and middleClick have it: their third positional argument)
    ActionSpec("rightClick", _mouse(_INTERVAL, _DURATION, _TWEEN),
               "Right-click at (x, y), e.g. to open a context menu."),
    ActionSpec("tripleClick", _mouse(_INTERVAL, Param("button", "button", "left"), _DURATION, _TWEEN),
               "Triple-click at (x, y), e.g. to select a line of text."),
    ActionSpec("middleClick", _mouse(_INTERVAL, _DURATION, _TWEEN), "Middle-click at (x, y)."),
    ActionSpec("moveTo", _mouse(_DURATION, _TWEEN), "Move the mouse to (x, y) without clicking (hover)."),
    ActionSpec("dragTo", _mouse(_DURATION, _TWEEN, Param("button", "button", "left"),
                                Param("mouseDownUp", "bool", True)),
               "Press the button at the current mouse position, drag to (x, y) and release."),
    ActionSpec("mouseDown", _mouse(Param("button", "button", "left"), _DURATION, _TWEEN),
               "Press a mouse button at (x, y) and keep it pressed."),
    ActionSpec("mouseUp", _mouse(Param("button", "button", "left"), _DURATION, _TWEEN),
               "Release a mouse button at (x, y)."),
    ActionSpec("scroll", (Param("clicks", "int"), Param("x", "coord", None), Param("y", "coord", None)),
               "Scroll vertically by `clicks` notches (positive is up), at (x, y) if given."),
    ActionSpec("hscroll", (Param("clicks", "int"), Param("x", "coord", None), Param("y", "coord", None)),
               "Scroll horizontally by `clicks` notches (positive is right), at (x, y) if given."),
    ActionSpec("write", (Param("message", "text"), _INTERVAL),
               "Type the text `message` (a list of key names, write([\"a\", \"enter\"]), presses each in turn)."),
    ActionSpec("press", (Param("keys", "keys"), Param("presses", "int", 1), _INTERVAL),
               "Press and release a key (or each key of a list in turn), e.g. press(\"enter\")."),
    ActionSpec("hotkey", (_INTERVAL,), "Press keys together, e.g. hotkey(\"ctrl\", \"c\").",
               varargs=Param("keys", "key")),
    ActionSpec("keyDown", (Param("key", "key"),), "Hold a key down."),
    ActionSpec("keyUp", (Param("key", "key"),), "Release a held key."),
    ActionSpec("sleep", (Param("seconds", "number"),), "Wait for `seconds` seconds."),
)}

#: Other names PyAutoGUI accepts for the same function. The name as written is kept in `Action.alias`.
ALIASES: dict[str, str] = {"typewrite": "write"}

POINTER_ACTIONS = frozenset(n for n, s in ACTIONS.items() if s.pointer)
KEY_ACTIONS = frozenset({"press", "hotkey", "keyDown", "keyUp"})

_BUTTONS = frozenset({"left", "right", "middle", "primary", "secondary"})

# Synonyms PyAutoGUI (or people) use for one key, mapped to one name so that scoring and replay agree.
_KEY_SYNONYMS: dict[str, str] = {
    "return": "enter", "\n": "enter", "\r": "enter",
    "escape": "esc",
    "control": "ctrl", "ctrlleft": "ctrl", "ctrlright": "ctrl", "lctrl": "ctrl", "rctrl": "ctrl",
    "cmd": "command", "commandleft": "command", "commandright": "command", "meta": "command",
    "option": "alt", "optionleft": "alt", "optionright": "alt", "altleft": "alt", "altright": "alt",
    "shiftleft": "shift", "shiftright": "shift", "lshift": "shift", "rshift": "shift",
    "super": "win", "windows": "win", "winleft": "win", "winright": "win",
    "del": "delete", "ins": "insert", "bksp": "backspace", "back": "backspace",
    "pgup": "pageup", "pgdn": "pagedown", "page_up": "pageup", "page_down": "pagedown",
    "arrowup": "up", "arrowdown": "down", "arrowleft": "left", "arrowright": "right",
    "spacebar": "space", " ": "space", "\t": "tab",
    "capslock": "capslock", "caps_lock": "capslock",
    "prtsc": "printscreen", "prtscr": "printscreen", "prntscrn": "printscreen", "print": "printscreen",
}


def normalize_key(key: str) -> str:
    """One name per key: lower-case, trimmed, synonyms folded (``Return`` -> ``enter``, ``cmd`` -> ``command``).

    >>> [normalize_key(k) for k in ("Return", "ESCAPE", "control", "cmd", "option")]
    ['enter', 'esc', 'ctrl', 'command', 'alt']
    """
    if key in _KEY_SYNONYMS:  # whitespace keys must be looked up before stripping
        return _KEY_SYNONYMS[key]
    k = key.strip().lower()
    return _KEY_SYNONYMS.get(k, k)


@dataclass(frozen=True)
class Action:
    """One parsed PyAutoGUI call.

    `args` holds the parameters the script gave, bound to PyAutoGUI's names in the table's order
    (positional and keyword arguments alike), with literal values; hotkey's keys are under ``keys`` as a
    tuple. `alias` is the name as written when it differs from the canonical `name` (``typewrite``).
    `line` and `col` are 1-based positions in the source script (0 when built by hand).
    """

    name: str
    args: tuple[tuple[str, Value], ...] = ()
    # Where the call stood in its script; two calls that do the same thing compare equal wherever they stand.
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)
    alias: str | None = None

    @classmethod
    def make(cls, name: str, **kwargs: Value) -> Action:
        """Build an action by hand: ``Action.make("click", x=10, y=20)``. Arguments are checked like a script's."""
        return _bind(name, (), kwargs, alias=None, line=0, col=0)

    @property
    def spec(self) -> ActionSpec:
        return ACTIONS[self.name]

    def get(self, param: str, default: Value = None) -> Value:
        for k, v in self.args:
            if k == param:
                return v
        p = self.spec.param(param)
        if p is not None and not p.required and default is None:
            return p.default
        return default

    @property
    def point(self) -> tuple[float, float] | None:
        """The screen point, or None when the action has none (or the script left it out)."""
        x, y = self.get("x"), self.get("y")
        if x is None or y is None:
            return None
        return (float(x), float(y))  # type: ignore[arg-type]

    @property
    def keys(self) -> tuple[str, ...]:
        """Normalised key names for press, hotkey, keyDown and keyUp; () for other actions."""
        if self.name == "press" or self.name == "hotkey":
            raw = self.get("keys")
            seq = (raw,) if isinstance(raw, str) else tuple(raw or ())
        elif self.name in ("keyDown", "keyUp"):
            seq = (self.get("key"),)
        else:
            return ()
        return tuple(normalize_key(str(k)) for k in seq)

    @property
    def text(self) -> str | None:
        """The text of a write action."""
        return self.get("message") if self.name == "write" else None  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------------------
# Parsing


def parse_unless_refused(text: str) -> list[Action] | None:
    """`parse_script(text)`, or None for a script it certainly refuses (`certainly_refused`), found without
    `ast` and without wording the refusal. Scoring in strict mode parses every prediction and asks for a
    refusal's message only when someone reads it; raises ParseError like `parse_script` otherwise."""
    if isinstance(text, str) and "\x00" not in text and len(text) <= MAX_SCRIPT_CHARS and text not in _PARSED:
        simple = _parse_simple(text)
        if simple is not None:
            _remember(_PARSED, text, simple)
            return list(simple)
        if _certainly_invalid(text):
            return None
    return parse_script(text)


def parse_script(text: object) -> list[Action]:
    """Parse a PyAutoGUI script into typed actions, executing nothing.

    Accepted: ``pyautogui.<name>(...)`` statements whose arguments are literals (numbers, strings, booleans,
    None, tuples/lists of them, and ``pyautogui.easeInQuad``-style tweens), plus ``import pyautogui``,
    ``import time``, ``time.sleep(...)``, comments and blank lines, which are ignored. Raises `ParseError`
    with 1-based line and column for anything else.
    """
    if not isinstance(text, str):
        raise ParseError(f"a script must be text, not {type(text).__name__}")
    if len(text) > MAX_SCRIPT_CHARS:
        raise ParseError(f"script is {len(text):,} characters long; the limit is {MAX_SCRIPT_CHARS:,}")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ParseError("script contains a NUL byte", line=line)
    hit = _PARSED.get(text)
    if hit is None:
        try:
            hit = _parse_simple(text)
            if hit is None:
                hit = _parse_ast(text)
        except ParseError as e:
            # A copy never raised: `e`'s traceback holds the parse's frames (a 200 kB script's whole ast), and
            # kept as `hit` in this frame, which that traceback holds too, it made a cycle that only the cyclic
            # collector frees, which scoring pauses: a refused 200 kB script kept 39 MB until the end.
            hit = ParseError(e.message, line=e.line, col=e.col)
        _remember(_PARSED, text, hit)
    if isinstance(hit, ParseError):
        raise ParseError(hit.message, line=hit.line, col=hit.col)
    return list(hit)


# Parses remembered by text: gold scripts repeat across phrasings and runs, agents repeat answers, and a
# leaderboard reads the same gold for every submission. Actions are immutable, so sharing them is safe.
_PARSED: dict[str, list[Action] | ParseError] = {}
_PARSED_MAX = 1 << 16
# Only texts of a real script's size are remembered (the memos here hold at most _PARSED_MAX entries each, and
# a hostile submission of distinct 200 kB scripts must not fill gigabytes).
_MEMO_CHARS = 4096


def _remember(memo: dict[str, Any], text: str, value: Any) -> None:
    """Keep `value` under `text` in a parse memo, within the bounds above."""
    if len(text) <= _MEMO_CHARS:
        if len(memo) >= _PARSED_MAX:
            memo.clear()
        memo[text] = value


def script_is_valid(text: object) -> bool:
    """Whether `parse_script` would accept `text`, answered without building actions where it can.

    Scoring counts unreadable predictions by the hundred thousand; most scripts are plain OmniACT lines that one
    regular expression recognises as valid. That expression only accepts a subset of what the parser accepts
    (a test holds it to that); everything else is parsed.
    """
    if isinstance(text, str) and is_plain_script(text):
        return True
    if certainly_refused(text):
        return False
    try:
        parse_script(text)
    except ParseError:
        return False
    return True


def certainly_refused(text: object) -> bool:
    """True only when `parse_script` certainly refuses `text`, found without parsing (prose around code, a call
    cut off mid-way); False means "not known". Scoring counts such scripts and words their errors only when
    asked."""
    return isinstance(text, str) and "\x00" not in text and len(text) <= MAX_SCRIPT_CHARS and _certainly_invalid(text)


# Pieces of the plain-line pattern. Possessive blanks: a whitespace run is always followed by a non-space token
# here, so taking all of it never loses a match, and a line that fails cannot make the engine try every split of a
# long run between two neighbouring runs (200 kB of spaces after a coordinate took minutes).
_S = r"[ \t]*+"
_NUM = r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{0,15})?"
_INT = r"-?(?:0|[1-9][0-9]{0,14})"
_WITH_BUTTON = "click|doubleClick|tripleClick|dragTo|mouseDown|mouseUp"
_WITHOUT_BUTTON = "rightClick|middleClick|moveTo"


def _valid_script_pattern() -> re.Pattern:
    s, num, integer, with_button, without = _S, _NUM, _INT, _WITH_BUTTON, _WITHOUT_BUTTON
    text = r"(?:\"[^\"\\\r\n]*\"|'[^'\\\r\n]*')"
    key = r"(?:\"[^\"\\\r\n]+\"|'[^'\\\r\n]+')"
    button = rf"{s},{s}button{s}={s}(?:\"(?:left|right|middle)\"|'(?:left|right|middle)')"
    # A point given by position or by keyword (agents write both: ``click(412, 88)``, ``click(x=412, y=88)``).
    point = rf"{s}(?:{num}{s},{s}{num}|x{s}={s}{num}{s},{s}y{s}={s}{num}){s}"
    calls = [
        rf"(?:{with_button})\({point}(?:{button}{s})?\)",
        rf"(?:{without})\({point}\)",
        rf"(?:{with_button}|{without})\({s}\)",
        rf"(?:write|typewrite)\({s}{text}{s}\)",
        rf"(?:press|keyDown|keyUp)\({s}{key}{s}\)",
        rf"hotkey\({s}{key}(?:{s},{s}{key})*{s}\)",
        rf"h?scroll\({s}{integer}(?:{s},{point})?{s}\)",
        rf"sleep\({s}{num}{s}\)",
    ]
    line = (rf"(?:pyautogui\.(?:{'|'.join(calls)}){s}|import[ \t]++pyautogui{s}|{s}(?:#[^\r\n]*+)?)")
    return re.compile(line)


# One plain line. (Scripts are checked line by line; a whole-script pattern would double the compile, a
# tenth of `import omniact`.)
_VALID_LINE = _valid_script_pattern()
_PLAIN_LINE = _VALID_LINE.fullmatch
# An ASCII name at the start of a line, not continued by a non-ASCII character (which could NFKC-normalise the
# whole name into "pyautogui"); possessive, so it cannot back off to a shorter name followed by ASCII.
_LEADING_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*+)(?![^\x00-\x7f])")
_STATEMENT_HEADS = frozenset(("import", "pyautogui", "time"))


def _certainly_invalid(text: str) -> bool:
    """True only for scripts `parse_script` certainly refuses, found without parsing: prose around code and
    scripts cut off mid-call are a large share of model answers, and `ast` is slow to reject them.

    After the longest run of plain lines (each a complete statement, so nothing is left open), the next line
    is certainly refused when it starts at column 0 with a name other than ``import``, ``pyautogui`` or
    ``time`` (no whitelisted statement starts that way), or when the rest of the script has no quote, comment
    or backslash and its brackets do not pair up (every bracket is then a token, and unpaired ones are a
    syntax error). False means "not known": the parser decides.
    """
    lines = text.split("\n")
    k = _plain_lines(lines)
    if k == len(lines):
        return False
    m = _LEADING_NAME.match(lines[k])
    if m is not None and m.group(1) not in _STATEMENT_HEADS:
        return True
    rest = "\n".join(lines[k:]) if k else text
    if '"' in rest or "'" in rest or "#" in rest or "\\" in rest:
        return False
    return (rest.count("(") != rest.count(")") or rest.count("[") != rest.count("]")
            or rest.count("{") != rest.count("}"))


# The point of a plain line that has one (a pointer call, or a scroll, given its point): its two numbers, by
# position or by keyword. Only for lines the plain-line pattern accepted (`script_points`).
_POINT_OF_LINE = re.compile(
    rf"pyautogui\.(?:(?:{_WITH_BUTTON}|{_WITHOUT_BUTTON})\({_S}|h?scroll\({_S}{_INT}{_S},{_S})"
    rf"(?:({_NUM}){_S},{_S}({_NUM})|x{_S}={_S}({_NUM}){_S},{_S}y{_S}={_S}({_NUM}))").match


def script_points(text: object) -> list[tuple[float, float]] | None:
    """The points of a script's actions that have one, in order (each `Action.point`); None where `parse_script`
    refuses the script. A plain script (most answers) is read without being parsed, and prose around code is
    refused without raising: a leaderboard's task pages draw the points of every entry's answer, 200,000 of them
    for 100 entries of 2,000 tasks."""
    if not isinstance(text, str):
        return None
    if is_plain_script(text):
        points = []
        for line in text.split("\n"):
            m = _POINT_OF_LINE(line)
            if m is not None:
                x, y, kx, ky = m.groups()
                points.append((_plain_number(kx if x is None else x), _plain_number(ky if y is None else y)))
        return points
    if certainly_refused(text):
        return None
    try:
        actions = parse_script(text)
    except ParseError:
        return None
    return [point for a in actions if (point := a.point) is not None]


def _plain_number(literal: str) -> float:
    """A plain line's number as its action's point has it: an int literal read as an int first (``-0`` is 0.0)."""
    return float(literal) if "." in literal else float(int(literal))


# Lines the plain-script pattern accepted. A line's verdict does not depend on its neighbours (the pattern holds
# no newline), and runs repeat lines (a gold click copied exactly, ``press("enter")``), so most lines of a big
# run, and of a leaderboard's hundred runs, are matched once.
_PLAIN_OK: set[str] = set()


def is_plain_script(text: str) -> bool:
    """Whether every line of `text` is a plain OmniACT line (the plain-script pattern); True means the parser
    accepts the script. A text with a NUL byte or longer than `MAX_SCRIPT_CHARS`, which the parser refuses, is
    never plain. Scoring calls it on every prediction."""
    if "\x00" in text or len(text) > MAX_SCRIPT_CHARS:
        return False
    lines = text.split("\n")
    return _plain_lines(lines) == len(lines)


def _plain_lines(lines: list[str]) -> int:
    """How many of `lines`, from the first, are plain OmniACT lines."""
    ok = _PLAIN_OK
    for k, line in enumerate(lines):
        if line not in ok:
            if _PLAIN_LINE(line) is None:
                return k
            if len(line) <= _MEMO_CHARS:
                if len(ok) >= _PARSED_MAX:
                    ok.clear()
                ok.add(line)
    return len(lines)


_SURROGATE = re.compile("[\ud800-\udfff]")
# The file name compiler warnings about a script are attributed to, so that only those are silenced.
_SCRIPT_FILE = "<omniact script>"
# The filter `warnings.filterwarnings("ignore", module=...)` keeps for them, as it keeps it.
_IGNORED = ("ignore", None, Warning, re.compile(re.escape(_SCRIPT_FILE) + r"\Z"), 0)


def _ast_parse(text: str) -> ast.Module:
    """`ast.parse`, with the compiler's warnings about the script ignored (``"C:\\help"``: invalid escape sequence).
    Under ``-W error`` (or PYTHONWARNINGS=error, as some CI sets) such a warning becomes a SyntaxError, and the script
    would be refused where it is read everywhere else: what a script parses to must not depend on the interpreter's
    warning settings. (Python 3.12 also prints them, once per script, as SyntaxWarning.)

    The filter is the process's, first in its list, and only for warnings about scripts (`_SCRIPT_FILE`): a
    `catch_warnings` block around each parse would swap the process's filters under other threads (worker threads
    parse at once; see `omniact.screenshot`). It is put first again only when another filter was put before it."""
    filters = warnings.filters
    if not filters or filters[0] != _IGNORED:
        warnings.filterwarnings(_IGNORED[0], category=_IGNORED[2], module=_IGNORED[3].pattern)
    return ast.parse(text, filename=_SCRIPT_FILE, mode="exec")


def _parse_with_surrogates(text: str) -> ast.Module:
    """`ast.parse` of a script holding lone surrogates (a JSON "\\ud800" escape in an answer), which Python cannot
    compile: each is stood in for by a private-use character the script does not hold, and put back in the strings
    (so a string holding one reads as `_parse_simple` reads it; a comment holding one is a comment)."""
    found = sorted(set(_SURROGATE.findall(text)))
    free = (chr(c) for c in range(0xF0000, 0x10FFFE) if chr(c) not in text)
    stand_in = {ord(c): next(free) for c in found}
    try:
        tree = _ast_parse(text.translate(stand_in))
    except SyntaxError as e:  # "invalid non-printable character U+F0000": say which character was there
        for k, v in stand_in.items():
            e.msg = e.msg.replace(f"U+{ord(v):04X}", f"U+{k:04X}")
        raise
    back = {ord(v): chr(k) for k, v in stand_in.items()}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = node.value.translate(back)
    return tree


def _parse_ast(text: str) -> list[Action]:
    """The parser proper: `ast`, then the whitelist. `_parse_simple` must agree with it wherever it answers."""
    try:
        try:
            tree = _ast_parse(text)
        except UnicodeEncodeError:
            tree = _parse_with_surrogates(text)
    except SyntaxError as e:
        raise ParseError(f"not valid Python: {e.msg}", line=e.lineno or 1, col=e.offset or 1) from None
    except (RecursionError, MemoryError, ValueError, OverflowError) as e:
        raise ParseError(f"script is too deeply nested or too large to read ({type(e).__name__})") from None

    actions: list[Action] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import) and all(a.name in ("pyautogui", "time") and a.asname is None
                                                for a in stmt.names):
            continue
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
            raise _err(stmt, "only pyautogui.<action>(...) calls are allowed")
        call = stmt.value
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            raise _err(call, "only pyautogui.<action>(...) calls are allowed")
        module, attr = func.value.id, func.attr
        if module == "time" and attr == "sleep":
            continue
        if module != "pyautogui":
            raise _err(call, f"calls to {module}.{attr} are not allowed; only pyautogui.<action>(...)")
        canonical = ALIASES.get(attr, attr)
        if canonical not in ACTIONS:
            raise _err(func, f"pyautogui.{attr} is not a supported action{_suggest(attr)}")
        pos = [_literal(a) for a in call.args]
        kw: dict[str, Value] = {}
        for k in call.keywords:
            if k.arg is None:
                raise _err(k.value, "**kwargs are not allowed")
            if k.arg in kw:
                raise _err(k.value, f"argument {k.arg!r} given twice")
            kw[k.arg] = _literal(k.value, tween=(k.arg == "tween"))
        actions.append(_bind(canonical, pos, kw, alias=attr if attr != canonical else None,
                             line=stmt.lineno, col=stmt.col_offset + 1))
    return actions


# A fast path for the scripts we see by the hundred thousand (gold files, agent answers): one
# ``pyautogui.name(args)`` call a line with plain number/string literals. It answers only when the line-by-line
# reading is certainly what `ast` would read and the script is valid; anything else (escapes, tuples, comments
# after code, continuation lines, errors of any kind) returns None and goes through `_parse_ast`, which owns
# every error message. A property test checks that both paths agree.
_SIMPLE_CALL = re.compile(r"(pyautogui|time)\.([A-Za-z_][A-Za-z0-9_]*)\(([^()\\#;\r\n]*)\)[ \t]*")
_SIMPLE_ARG = re.compile(
    r"[ \t]*(?:([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*)?"
    r"(?:([-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+))"  # float
    r"|([-+]?(?:0+|[1-9][0-9]*))"  # int (Python refuses 007)
    r"|\"([^\"\\\r\n]*)\"|'([^'\\\r\n]*)'"  # string without escapes
    r"|(True|False|None))[ \t]*(?:,|$)")
# The commonest call of all, ``click(412.5, 88.0)``: two positional numbers, bound straight to x and y (what
# `_bind` gives them) for the actions whose first two parameters are the point.
_SIMPLE_XY = re.compile(
    r"[ \t]*(?:([-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+))|([-+]?(?:0+|[1-9][0-9]*)))"
    r"[ \t]*,[ \t]*(?:([-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+))|([-+]?(?:0+|[1-9][0-9]*)))"
    r"[ \t]*")
_SIMPLE_IMPORT = re.compile(r"import[ \t]+(?:pyautogui|time)[ \t]*")
_CONSTS = {"True": True, "False": False, "None": None}


# Calls already read by `_parse_simple`, by line text: the Action as first parsed. Agents repeat lines across
# tasks (``press("enter")``, a gold click copied exactly), so most lines of a big run are read once.
_LINES: dict[str, Action] = {}


def _parse_simple(text: str) -> list[Action] | None:
    if "\r" in text or "\\" in text:
        return None
    actions: list[Action] = []
    known = _LINES
    for lineno, line in enumerate(text.split("\n"), 1):
        hit = known.get(line)
        if hit is not None:
            # The action this line parsed to, shared where it stands on the same line number (actions are
            # immutable), else the same call at this line.
            actions.append(hit if hit.line == lineno else Action(hit.name, hit.args, lineno, 1, hit.alias))
            continue
        head = line[:1]
        if head == "" or head == "#" or head in " \t":
            rest = line.lstrip(" \t")
            if rest == "" or rest[0] == "#":
                continue
            return None  # indented code: let ast report it
        if head == "i":
            if _SIMPLE_IMPORT.fullmatch(line):
                continue
            return None
        m = _SIMPLE_CALL.fullmatch(line)
        if m is None:
            return None
        module, attr, args = m.groups()
        if module == "time":
            if attr == "sleep":
                continue
            return None
        if attr in _XY_FIRST:
            xy = _SIMPLE_XY.fullmatch(args)
            if xy is not None:
                point = [_simple_number(f, i) for f, i in (xy.group(1, 2), xy.group(3, 4))]
                if None in point:
                    return None
                action = Action(attr, (("x", point[0]), ("y", point[1])), lineno, 1)
                actions.append(action)
                _remember(known, line, action)
                continue
        pos: list[Value] = []
        kw: dict[str, Value] = {}
        at = 0
        end = len(args.rstrip(" \t"))  # where the arguments end: past it, only blanks (tested in O(1) per argument)
        if end:
            while True:
                a = _SIMPLE_ARG.match(args, at)
                if a is None:
                    return None
                name, fnum, inum, dq, sq, const = a.groups()
                if fnum is not None:
                    v: Value = float(fnum)
                    if not math.isfinite(v):
                        return None
                elif inum is not None:
                    if len(inum) > 17:  # out of range anyway, and int() refuses more than 4,300 digits
                        return None
                    v = int(inum)
                    if abs(v) > 10**15:
                        return None
                elif dq is not None:
                    v = dq
                elif sq is not None:
                    v = sq
                else:
                    v = _CONSTS[const]
                if name is None:
                    if kw:
                        return None  # positional after keyword: a SyntaxError
                    pos.append(v)
                elif name in kw:
                    return None
                else:
                    kw[name] = v
                at = a.end()
                if at >= end:  # the end, perhaps after a trailing comma (valid Python)
                    break
        canonical = ALIASES.get(attr, attr)
        if canonical not in ACTIONS:
            return None
        try:
            action = _bind(canonical, pos, kw, alias=attr if attr != canonical else None, line=lineno, col=1)
        except ParseError:
            return None
        actions.append(action)
        _remember(known, line, action)
    return actions


def _simple_number(fnum: str | None, inum: str | None) -> int | float | None:
    """A float or int literal as `_parse_simple` reads it; None where `ast` must decide (out of range)."""
    if fnum is not None:
        v = float(fnum)
        return v if math.isfinite(v) else None
    if len(inum) > 17:  # type: ignore[arg-type]  # out of range anyway, and int() refuses 4,300+ digits
        return None
    n = int(inum)  # type: ignore[arg-type]
    return n if abs(n) <= 10**15 else None


# Actions (as named, no alias among them) whose first two parameters are the point x, y.
_XY_FIRST = frozenset(n for n, s in ACTIONS.items() if s.varargs is None and len(s.params) >= 2
                      and (s.params[0].name, s.params[0].kind, s.params[1].name, s.params[1].kind)
                      == ("x", "coord", "y", "coord") and n not in ALIASES)


def _err(node: ast.AST, message: str) -> ParseError:
    return ParseError(message, line=getattr(node, "lineno", 1), col=getattr(node, "col_offset", 0) + 1)


def _suggest(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(ACTIONS) + list(ALIASES), n=1)
    if not close:
        close = [n for n in ACTIONS if n.lower() == name.lower()]
    return f" (did you mean {close[0]}?)" if close else ""


def _literal(node: ast.AST, tween: bool = False) -> Value:
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        if isinstance(v, (int, float)):
            return _finite(node, v)
        raise _err(node, f"{type(v).__name__} literals are not allowed")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) \
            and isinstance(node.operand, ast.Constant) and type(node.operand.value) in (int, float):
        v = node.operand.value
        return _finite(node, -v if isinstance(node.op, ast.USub) else v)
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_literal(e) for e in node.elts)
    if tween and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id == "pyautogui" and (node.attr.startswith("ease") or node.attr == "linear"):
        return _Tween(node.attr)
    raise _err(node, "arguments must be literals (numbers, strings, lists); nothing is evaluated")


def _finite(node: ast.AST, v: float) -> int | float:
    if isinstance(v, float) and not math.isfinite(v):
        raise _err(node, "numbers must be finite")
    if isinstance(v, int) and abs(v) > 10**15:
        raise _err(node, "number is out of range")
    return v


def _check(spec: ActionSpec, p: Param, v: Value, line: int, col: int) -> Value:
    """`v` when parameter `p` of `spec` takes it; else the ParseError that says what it takes."""
    k = p.kind
    is_num = isinstance(v, (int, float)) and not isinstance(v, bool)
    if k == "coord":
        if v is None or is_num:
            return v
        what = "a number"
    elif k == "int":
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        if isinstance(v, float) and v.is_integer():
            return v  # PyAutoGUI accepts 3.0 for clicks/presses; keep what was written
        what = "a whole number"
    elif k == "number":
        if is_num:
            return v
        what = "a number"
    elif k == "text":
        if isinstance(v, str):
            return v
        what = "a string"
    elif k == "key":
        if isinstance(v, str) and v:
            return v
        what = "a key name string"
    elif k == "keys":
        if isinstance(v, str) and v:
            return v
        if isinstance(v, tuple) and v and all(isinstance(e, str) and e for e in v):
            return v
        what = "a key name or a list of key names"
    elif k == "button":
        if isinstance(v, str) and v.lower() in _BUTTONS:
            return v
        what = "one of left, right, middle, primary, secondary"
    elif k == "bool":
        if isinstance(v, bool):
            return v
        what = "True or False"
    elif k == "tween":
        if isinstance(v, _Tween):
            return v
        what = "a pyautogui easing function"
    else:
        raise AssertionError(k)
    raise ParseError(f"pyautogui.{spec.name}: {p.name} must be {what}, not {v!r:.40}", line=line, col=col)


def _bind(name: str, pos: Sequence[Value], kw: Mapping[str, Value], *, alias: str | None,
          line: int, col: int) -> Action:
    if name == "write" and isinstance(pos[0] if pos else kw.get("message"), tuple):
        return _write_keys(pos, kw, alias or name, line, col)
    spec = ACTIONS.get(name)
    if spec is None:
        raise ParseError(f"pyautogui.{name} is not a supported action{_suggest(name)}", line=line, col=col)
    bound: dict[str, Value] = {}
    if spec.varargs is not None:
        keys = list(pos)
        if "keys" in kw:  # Action.make("hotkey", keys=("ctrl", "c"))
            given = kw["keys"]
            keys = list(given) if isinstance(given, (tuple, list)) else [given]
            kw = {k: v for k, v in kw.items() if k != "keys"}
        if not keys:
            raise ParseError(f"pyautogui.{name} needs at least one key", line=line, col=col)
        bound["keys"] = tuple(_check(spec, spec.varargs, k, line, col) for k in keys)
        params = spec.params
    else:
        params = spec.params
        # PyAutoGUI accepts click((x, y)): a pair in the first coordinate slot.
        if pos and params[0].name == "x" and isinstance(pos[0], tuple):
            if len(pos[0]) != 2:
                raise ParseError(f"pyautogui.{name}: a point must be (x, y)", line=line, col=col)
            pos = list(pos[0]) + list(pos[1:])
        if len(pos) > len(params):
            raise ParseError(f"pyautogui.{name} takes at most {len(params)} positional arguments, "
                             f"got {len(pos)}", line=line, col=col)
        for p, v in zip(params, pos):
            bound[p.name] = v
    for k, v in kw.items():
        p = spec.param(k)
        if p is None:
            raise ParseError(f"pyautogui.{name} has no argument {k!r}", line=line, col=col)
        if k in bound:
            raise ParseError(f"pyautogui.{name}: argument {k!r} given twice", line=line, col=col)
        bound[k] = v
    for p in params:  # in the table's order, so that the first bad or missing argument is the one reported
        v = bound.get(p.name, _REQUIRED)
        if v is not _REQUIRED:
            bound[p.name] = _check(spec, p, v, line, col)
        elif p.default is _REQUIRED:
            raise ParseError(f"pyautogui.{name} needs the argument {p.name!r}", line=line, col=col)
    if spec.pointer and ("x" in bound) != ("y" in bound) and spec.params[0].name == "x":
        raise ParseError(f"pyautogui.{name}: give both x and y, or neither", line=line, col=col)
    args = tuple([(n, bound[n]) for n in spec.order if n in bound])
    return Action(name, args, line, col, alias)


def _write_keys(pos: Sequence[Value], kw: Mapping[str, Value], alias: str, line: int, col: int) -> Action:
    """``write(["a", "enter"])``, PyAutoGUI's way to type key names: the ``press(["a", "enter"])`` it is (each key
    pressed in turn, `interval` apart), with the name as written kept in `alias`."""
    keys = pos[0] if pos else kw["message"]
    # The other arguments are checked as write's, and worded so.
    rest = _bind("write", ["", *pos[1:]] if pos else [], {**kw, "message": ""} if not pos else kw, alias=alias,
                 line=line, col=col)
    if not (keys and all(isinstance(k, str) and k for k in keys)):  # type: ignore[union-attr]
        raise ParseError(f"pyautogui.{alias}: message must be a string or a list of key names, not {list(keys)!r:.40}",
                         line=line, col=col)
    return Action("press", (("keys", keys), *((k, v) for k, v in rest.args if k == "interval")), line, col, alias)


def map_points(text: str, convert: Callable[[float, float], tuple[float, float]]) -> str:
    """`text` with the point of each of its calls (x and y, as written: positional, keyword or a pair) replaced by
    ``convert(x, y)``, and every other character kept as written.

    Scoring reads more than the calls: the released rules read each line's own spelling (a hotkey's spacing, a
    string's quotes) and skip lines of prose. So a script in another coordinate space is rewritten in place, not
    re-formatted. Where the whole text is not Python (prose around the calls), each line is rewritten on its own; a
    call the parser refuses is kept as written.
    """
    if len(text) > MAX_SCRIPT_CHARS:
        return text  # refused by the parser whatever its points
    try:
        return _map_points(text, convert)
    except _NOT_READ:
        pass
    lines = _source_lines(text)
    if len(lines) < 2:
        return text
    return "".join(_map_line(line, convert) for line in lines)


def _source_lines(text: str) -> list[str]:
    """`text`'s lines with their ends, as Python numbers them (str.splitlines also ends one at a form feed)."""
    return _SOURCE_LINE.findall(text)


_SOURCE_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


# What `ast.parse` raises for a text that is not Python, or too deep or big for it: such a text keeps its points.
_NOT_READ = (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError)


def _map_line(line: str, convert: Callable[[float, float], tuple[float, float]]) -> str:
    try:
        return _map_points(line, convert)
    except _NOT_READ:
        return line


def _map_points(text: str, convert: Callable[[float, float], tuple[float, float]]) -> str:
    try:
        tree = _ast_parse(text)
    except UnicodeEncodeError:
        tree = _parse_with_surrogates(text)  # (its stand-ins are one character each: offsets are the same)
    lines = _source_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(lineno: int, col: int) -> int:
        # ast's columns count UTF-8 bytes, and a lone surrogate's stand-in takes four
        line = lines[lineno - 1]
        if line.isascii():
            return starts[lineno - 1] + col
        n = 0
        for i, ch in enumerate(line):
            if n >= col:
                return starts[lineno - 1] + i
            n += 4 if "\ud800" <= ch <= "\udfff" else len(ch.encode("utf-8"))
        return starts[lineno - 1] + len(line)

    edits: list[tuple[int, int, str]] = []
    for stmt in tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id == "pyautogui"):
            continue
        spec = ACTIONS.get(ALIASES.get(call.func.attr, call.func.attr))
        if spec is None or spec.varargs is not None:
            continue
        begin, end = offset(stmt.lineno, stmt.col_offset), offset(stmt.end_lineno, stmt.end_col_offset)
        try:
            (action,) = parse_script(text[begin:end])
        except ParseError:
            continue  # kept as written: scoring reports it as the agent wrote it
        point = action.point
        nodes = _point_nodes(spec, call)
        if point is None or nodes is None:
            continue
        for node, value in zip(nodes, convert(*point)):
            edits.append((offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset),
                          repr(value)))
    for begin, end, new in sorted(edits, reverse=True):
        text = text[:begin] + new + text[end:]
    return text


def _point_nodes(spec: ActionSpec, call: ast.Call) -> tuple[ast.expr, ast.expr] | None:
    """The expressions of a call's x and y, wherever the call gave them (the parser has bound them already)."""
    names = [p.name for p in spec.params]
    if "x" not in names:
        return None
    if names[0] == "x" and call.args and isinstance(call.args[0], ast.Tuple):  # click((x, y))
        first, second = call.args[0].elts
        return first, second
    found = {k.arg: k.value for k in call.keywords}
    for name in ("x", "y"):
        i = names.index(name)
        if i < len(call.args):
            found[name] = call.args[i]
    return (found["x"], found["y"]) if "x" in found and "y" in found else None


# --------------------------------------------------------------------------------------------------------
# Formatting


def _format_value(v: Value) -> str:
    if isinstance(v, _Tween):
        return f"pyautogui.{v}"
    if isinstance(v, str):
        # A JSON string is a valid Python string literal, and double quotes are what OmniACT's gold uses.
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, tuple):
        return "[" + ", ".join(_format_value(e) for e in v) + "]"
    return repr(v)


def format_action(action: Action) -> str:
    """One canonical line: positional arguments up to the first one left out, keywords after it."""
    spec = action.spec
    given = dict(action.args)
    parts: list[str] = []
    if spec.varargs is not None:
        parts.extend(_format_value(k) for k in given.get("keys", ()))
        positional_ok = False
    else:
        positional_ok = True
    for p in spec.params:
        if p.name not in given:
            positional_ok = False
            continue
        if p.name == "tween":  # read only as a keyword: `pyautogui.easeInQuad` is a name, not a literal
            positional_ok = False
        v = _format_value(given[p.name])
        parts.append(v if positional_ok else f"{p.name}={v}")
    return f"pyautogui.{action.alias or action.name}({', '.join(parts)})"


def format_script(actions: Iterable[Action]) -> str:
    """The canonical script text, one call a line; `parse_script` reads it back to the same actions."""
    return "\n".join(format_action(a) for a in actions)


def api_stubs() -> str:
    """The action table as prompt stubs, one ``signature  # description`` line per action."""
    return "\n".join(f"{s.stub()}  # {s.description}" for s in ACTIONS.values())
