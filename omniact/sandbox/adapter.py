"""PyAutoGUI actions as Playwright mouse and keyboard calls.

Every action of `omniact.actions.ACTIONS` has a handler here (a test pins that): the table is the one
source of the action set, and this module only says how a browser performs each entry. Points in a script
are screenshot (device) pixels, as in OmniACT; Playwright's mouse takes CSS pixels, so points are divided
by the device pixel ratio. Keys go through `normalize_key` first, so ``Return``/``enter`` and
``cmd``/``command`` replay alike; PyAutoGUI's ``command`` is the Meta key.

What a browser cannot do is recorded as ``unsupported`` rather than crashing the replay: OS-level keys
(``win``, ``command+space``, ``alt+tab``, ``printscreen``) everywhere, and on web pages the browser's own
shortcuts (``ctrl+t``, ``ctrl+w``, ``ctrl+n``, ``cmd+q``, reload ``f5``/``ctrl+r``, back ``alt+left``...), which a
real browser keeps from the page.
Desktop-style apps (a mail client drawn in a page) do get ``ctrl+n``: on a real desktop it is theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any

from omniact.actions import ACTIONS, Action, format_action, normalize_key
from omniact.job_control import active_clock

if TYPE_CHECKING:  # playwright loads only inside the sandbox's worker
    from playwright.sync_api import Page

__all__ = [
    "DRAG_STEPS",
    "HANDLED_ACTIONS",
    "MAX_SCROLL_CLICKS",
    "SCROLL_PX_PER_CLICK",
    "SLEEP_CAP_S",
    "Adapter",
    "StepOutcome",
    "playwright_key",
    "unsupported_combo",
]

#: CSS pixels one PyAutoGUI scroll "click" moves (a typical wheel notch in Chromium is 100 px).
SCROLL_PX_PER_CLICK = 100
#: Wheel clicks a scroll turns at most, either way: a million pixels, past the end of any page (a wheel event of
#: 1e17 pixels, from ``scroll(-999999999999999)``, is no further, only a number that pages handle badly).
MAX_SCROLL_CLICKS = 10_000
#: Longest single pyautogui.sleep honoured: waiting helps nothing in a replay, and a script of sleeps must
#: not eat the task's time budget.
SLEEP_CAP_S = 2.0
#: clicks at least this far apart are separate clicks (Windows' default double-click time; GTK's is 0.4 s)
DOUBLE_CLICK_S = 0.5
#: Intermediate mousemove events in a drag; pages that track pointermove need more than one.
DRAG_STEPS = 10
#: Most repetitions one call may ask for (press(presses=...), click(clicks=...)).
MAX_REPEAT = 100

# normalize_key() names -> Playwright key names. Single printable characters pass through as they are.
_KEYS: dict[str, str] = {
    "enter": "Enter",
    "esc": "Escape",
    "tab": "Tab",
    "space": "Space",
    "backspace": "Backspace",
    "delete": "Delete",
    "insert": "Insert",
    "home": "Home",
    "end": "End",
    "pageup": "PageUp",
    "pagedown": "PageDown",
    "up": "ArrowUp",
    "down": "ArrowDown",
    "left": "ArrowLeft",
    "right": "ArrowRight",
    "shift": "Shift",
    "ctrl": "Control",
    "alt": "Alt",
    "command": "Meta",
    "altgr": "AltGraph",
    "capslock": "CapsLock",
    "numlock": "NumLock",
    "scrolllock": "ScrollLock",
    "pause": "Pause",
    "apps": "ContextMenu",
    "menu": "ContextMenu",
    "add": "NumpadAdd",
    "subtract": "NumpadSubtract",
    "multiply": "NumpadMultiply",
    "divide": "NumpadDivide",
    # The keypad as with NumLock on, as PyAutoGUI's users find it: Chromium's Numpad5 without NumLock is "Clear", and
    # NumpadDecimal is Delete, so they are sent as the characters they type (the page sees key "5", code Digit5).
    "decimal": ".",
    "volumemute": "AudioVolumeMute",
    "volumedown": "AudioVolumeDown",
    "volumeup": "AudioVolumeUp",
    "nexttrack": "MediaTrackNext",
    "prevtrack": "MediaTrackPrevious",
    "playpause": "MediaPlayPause",
    **{f"f{i}": f"F{i}" for i in range(1, 13)},
    **{f"num{i}": str(i) for i in range(10)},
}
# Keys the operating system keeps for itself: no page ever sees them.
_OS_KEYS = frozenset(
    {
        "win",
        "fn",
        "printscreen",
        "prtsc",
        "prtscr",
        "prntscrn",
        "print",
        "sleep",
        "launchmail",
        "launchmediaselect",
        "launchapp1",
        "launchapp2",
        "browserback",
        "browserforward",
        "browserrefresh",
        "browserstop",
        "browsersearch",
        "browserfavorites",
        "browserhome",
        "select",
        "execute",
        "help",
        "separator",
        "stop",
        "kana",
        "kanji",
        "hangul",
        "hanja",
        "hanguel",
        "junja",
        "final",
        "convert",
        "nonconvert",
        "accept",
        "modechange",
        "clear",
    }
    | {f"f{i}" for i in range(13, 25)}
)
# Combinations the OS takes before any application sees them (as key sets).
_OS_COMBOS = [
    frozenset(c)
    for c in (
        ("command", "space"),
        ("command", "tab"),
        ("alt", "tab"),
        ("alt", "shift", "tab"),
        ("command", "q"),
        ("ctrl", "alt", "delete"),
        ("ctrl", "alt", "del"),
        ("alt", "f4"),
        ("ctrl", "esc"),
        ("ctrl", "shift", "esc"),
        ("command", "h"),
        ("command", "m"),
        ("command", "option", "esc"),
        ("ctrl", "command", "q"),
        ("command", "shift", "3"),
        ("command", "shift", "4"),
        ("command", "shift", "5"),
        ("ctrl", "alt", "t"),
    )
]
# Browser-chrome shortcuts Chromium reserves: it acts on them (new tab, close window, next tab...) and
# never lets the page see them. Checked only for web tasks; others (ctrl+s, ctrl+f...) reach the page.
_BROWSER_COMBOS = [
    frozenset((mod,) + rest)
    for mod in ("ctrl", "command")
    for rest in (
        ("t",),
        ("w",),
        ("n",),
        ("q",),
        ("shift", "t"),
        ("shift", "n"),
        ("shift", "w"),
        ("shift", "q"),
        ("tab",),
        ("shift", "tab"),
        ("pageup",),
        ("pagedown",),
        ("f4",),
        ("r",),  # reload
        ("shift", "r"),
        *((str(d),) for d in range(1, 10)),
    )
] + [
    # Reload and history: a real browser reloads or goes back/forward; the replay's key events never reach its
    # chrome, so they did nothing while reported ok (a script relying on them would fail without saying why).
    frozenset(keys)
    for keys in (
        ("f5",), ("ctrl", "f5"), ("shift", "f5"),
        ("alt", "left"), ("alt", "right"),
        ("command", "left"), ("command", "right"), ("command", "["), ("command", "]"),
    )
]


# What a key of a US keyboard types with Shift held: PyAutoGUI's hotkey("shift", "a") and keyDown("shift") then
# press("1") type "A" and "!" on a real desktop, while Playwright sends the unshifted character.
_SHIFTED = {
    **{c: c.upper() for c in "abcdefghijklmnopqrstuvwxyz"},
    **dict(zip("`1234567890-=[]\\;',./", '~!@#$%^&*()_+{}|:"<>?', strict=True)),
}
#: the characters a US keyboard types with Shift held (PyAutoGUI presses it for them)
_NEEDS_SHIFT = frozenset(_SHIFTED.values())


def playwright_key(key: str) -> str | None:
    """The Playwright name of a PyAutoGUI key, or None when no page can receive it.

    >>> [playwright_key(k) for k in ("Return", "cmd", "a", "F5", "win")]
    ['Enter', 'Meta', 'a', 'F5', None]
    """
    k = normalize_key(key)
    if k in _OS_KEYS:
        return None
    if k in _KEYS:
        return _KEYS[k]
    if len(key) == 1:  # a character: keep its case ("A" types a capital)
        return key if key.isprintable() else ""  # a control character names no key
    if len(k) == 1:
        return k
    return ""  # not a key PyAutoGUI knows


def _off_layout(key: str) -> bool:
    """A character Playwright's keyboard (a US layout) has no key for: it can only be typed (as text input)."""
    return len(key) == 1 and not key.isascii()


def unsupported_combo(keys: tuple[str, ...], platform: str) -> str | None:
    """Why a key or key set cannot reach the page (None when it can). `keys` are normalize_key() names."""
    s = frozenset(keys)
    if "win" in s:
        return "the Windows key belongs to the OS"
    for k in keys:
        if k in _OS_KEYS:
            return f"{k} is handled by the OS, not the page"
    if s in _OS_COMBOS:
        return f"{'+'.join(keys)} is an OS shortcut"
    if platform == "web" and s in _BROWSER_COMBOS:
        return f"{'+'.join(keys)} is a browser shortcut the page never receives"
    return None


@dataclass(frozen=True)
class StepOutcome:
    """What one action did: the Playwright calls made (as text), ``ok``/``unsupported``/``error: ...``,
    and the point acted on in CSS pixels (None for keyboard actions)."""

    call: str
    outcome: str
    point: tuple[float, float] | None = None


def _fmt(v: float) -> str:
    return f"{round(v, 2):g}"


class Adapter:
    """Performs actions on one page, keeping the mouse position between them as PyAutoGUI's screen does.

    `deadline` (an `omniact.job_control.active_clock()` value) stops long repetitions early; the hard per-task limit is the
    browser watchdog's job.
    """

    def __init__(
        self,
        page: Page,
        *,
        viewport: tuple[int, int],
        dpr: float = 1.0,
        platform: str = "web",
        deadline: float | None = None,
    ) -> None:
        self.page = page
        self.viewport = viewport
        self.dpr = float(dpr)
        self.platform = platform
        self.deadline = deadline
        # The mouse starts at the centre of the screen (suite contract).
        self.x, self.y = viewport[0] / 2, viewport[1] / 2
        # Whether the page has been told where the mouse is (see start()).
        self.placed = False
        self.held_keys: list[str] = []

    # -- helpers ------------------------------------------------------------------------------------

    def start(self) -> None:
        """The mouse is at the viewport centre (Playwright's starts at 0, 0).

        The page is told lazily, by a move to the centre just before the first action that acts where the
        mouse already is (a drag, a scroll or a click without a point, mouseDown). An action with its own
        point goes straight there, as PyAutoGUI's cursor jumps from the centre in one move. This saves the
        first input event of a fresh page, the slowest one (it waits for the page's first frames), on
        almost every task.
        """
        self.x, self.y = self.viewport[0] / 2, self.viewport[1] / 2
        self.placed = False

    def _place(self, calls: list[str]) -> None:
        """Make sure the page has seen the mouse at its current position (see start())."""
        if not self.placed:
            self._move(self.x, self.y, calls)

    def _point(self, action: Action) -> tuple[float, float]:
        """The action's point in CSS pixels, clamped to the screen as the OS clamps the cursor."""
        x, y = action.get("x"), action.get("y")
        cx = self.x if x is None else float(x) / self.dpr  # type: ignore[arg-type]
        cy = self.y if y is None else float(y) / self.dpr  # type: ignore[arg-type]
        w, h = self.viewport
        edge = 1.0 / self.dpr
        return min(max(cx, 0.0), w - edge), min(max(cy, 0.0), h - edge)

    def _move(self, x: float, y: float, calls: list[str], steps: int = 1) -> None:
        self.page.mouse.move(x, y, steps=steps)
        calls.append(f"mouse.move({_fmt(x)}, {_fmt(y)}" + (f", steps={steps})" if steps > 1 else ")"))
        self.x, self.y = x, y
        self.placed = True

    @staticmethod
    def _button(action: Action, default: str = "left") -> str:
        b = str(action.get("button") or default).lower()
        return {"primary": "left", "secondary": "right"}.get(b, b)

    def _repeat(self, n: Any) -> int:
        return max(0, min(int(n), MAX_REPEAT))

    def _out_of_time(self) -> bool:
        return self.deadline is not None and active_clock() > self.deadline

    # -- entry point --------------------------------------------------------------------------------

    def perform(self, action: Action) -> StepOutcome:
        """Do one action. Playwright errors are the caller's to catch (they mean the page is gone)."""
        handler = _HANDLERS.get(action.name)
        if handler is None:  # a new table entry nobody taught the sandbox yet
            return StepOutcome("", f"unsupported: no browser mapping for pyautogui.{action.name}")
        return handler(self, action)

    # -- pointer ------------------------------------------------------------------------------------

    def _click(
        self, action: Action, *, button: str | None = None, count: int | None = None, dbl: bool = False
    ) -> StepOutcome:
        x, y = self._point(action)
        calls: list[str] = []
        btn = button or self._button(action)
        n = count if count is not None else self._repeat(action.get("clicks", 1))
        if not dbl and n == 0:  # PyAutoGUI still moves the mouse
            self._move(x, y, calls)
            return StepOutcome("; ".join(calls), "ok", (x, y))
        if action.get("x") is None or action.get("y") is None:
            self._place(calls)  # a click where the mouse is
        # Playwright's click (and dblclick) moves to the point itself first: no separate move, which would
        # be a second mousemove event and a second round trip to the page.
        self.x, self.y, self.placed = x, y, True
        interval = max(0.0, min(float(action.get("interval") or 0.0), SLEEP_CAP_S))
        clicks = 2 if dbl else n
        if clicks > 1 and interval >= DOUBLE_CLICK_S:
            # Clicks further apart than an OS's double-click time are separate clicks (detail 1 each, no dblclick),
            # as PyAutoGUI's, which sleeps `interval` between them, are.
            for k in range(clicks):
                if k:
                    self.page.wait_for_timeout(interval * 1000)
                    calls.append(f"wait {_fmt(interval)} s")
                self.page.mouse.click(x, y, button=btn)  # type: ignore[arg-type]
                calls.append(f'mouse.click({_fmt(x)}, {_fmt(y)}, button="{btn}")')
        elif dbl:
            self.page.mouse.dblclick(x, y, button=btn)  # type: ignore[arg-type]
            calls.append(f'mouse.dblclick({_fmt(x)}, {_fmt(y)}, button="{btn}")')
        else:
            # click_count=n sends n down/up pairs with a rising detail, as an OS does for fast clicks,
            # so clicks=2 fires dblclick like PyAutoGUI's does.
            self.page.mouse.click(x, y, button=btn, click_count=n)  # type: ignore[arg-type]
            calls.append(
                f'mouse.click({_fmt(x)}, {_fmt(y)}, button="{btn}"'
                + (f", click_count={n})" if n != 1 else ")")
            )
        return StepOutcome("; ".join(calls), "ok", (x, y))

    def do_click(self, a: Action) -> StepOutcome:
        return self._click(a)

    def do_doubleClick(self, a: Action) -> StepOutcome:
        return self._click(a, dbl=True)

    def do_tripleClick(self, a: Action) -> StepOutcome:
        return self._click(a, count=3)

    def do_rightClick(self, a: Action) -> StepOutcome:
        return self._click(a, button="right", count=1)

    def do_middleClick(self, a: Action) -> StepOutcome:
        return self._click(a, button="middle", count=1)

    def do_moveTo(self, a: Action) -> StepOutcome:
        x, y = self._point(a)
        calls: list[str] = []
        self._move(x, y, calls)
        return StepOutcome("; ".join(calls), "ok", (x, y))

    def do_dragTo(self, a: Action) -> StepOutcome:
        x, y = self._point(a)
        btn = self._button(a)
        calls: list[str] = []
        down_up = a.get("mouseDownUp", True) is not False
        self._place(calls)  # the drag starts where the mouse is
        if down_up:
            self.page.mouse.down(button=btn)  # type: ignore[arg-type]
            calls.append(f'mouse.down(button="{btn}")')
        self._move(x, y, calls, steps=DRAG_STEPS)
        if down_up:
            self.page.mouse.up(button=btn)  # type: ignore[arg-type]
            calls.append(f'mouse.up(button="{btn}")')
        return StepOutcome("; ".join(calls), "ok", (x, y))

    def do_mouseDown(self, a: Action) -> StepOutcome:
        x, y = self._point(a)
        calls: list[str] = []
        if (x, y) != (self.x, self.y):
            self._move(x, y, calls)
        self._place(calls)
        btn = self._button(a)
        self.page.mouse.down(button=btn)  # type: ignore[arg-type]
        calls.append(f'mouse.down(button="{btn}")')
        return StepOutcome("; ".join(calls), "ok", (x, y))

    def do_mouseUp(self, a: Action) -> StepOutcome:
        x, y = self._point(a)
        calls: list[str] = []
        if (x, y) != (self.x, self.y):
            self._move(x, y, calls, steps=DRAG_STEPS)
        self._place(calls)
        btn = self._button(a)
        self.page.mouse.up(button=btn)  # type: ignore[arg-type]
        calls.append(f'mouse.up(button="{btn}")')
        return StepOutcome("; ".join(calls), "ok", (x, y))

    def _wheel(self, a: Action, horizontal: bool) -> StepOutcome:
        clicks = max(-MAX_SCROLL_CLICKS, min(int(a.get("clicks")), MAX_SCROLL_CLICKS))  # type: ignore[arg-type]
        calls: list[str] = []
        x, y = self._point(a)
        if (x, y) != (self.x, self.y):
            self._move(x, y, calls)
        self._place(calls)  # the wheel turns where the mouse is
        # PyAutoGUI: positive clicks scroll up (vertical) or right (horizontal); a wheel's positive deltaY
        # scrolls down.
        dx, dy = (clicks * SCROLL_PX_PER_CLICK, 0) if horizontal else (0, -clicks * SCROLL_PX_PER_CLICK)
        if clicks:
            self.page.mouse.wheel(dx, dy)
            calls.append(f"mouse.wheel({dx}, {dy})")
        return StepOutcome("; ".join(calls), "ok", (x, y))

    def do_scroll(self, a: Action) -> StepOutcome:
        return self._wheel(a, horizontal=False)

    def do_hscroll(self, a: Action) -> StepOutcome:
        return self._wheel(a, horizontal=True)

    # -- keyboard -----------------------------------------------------------------------------------

    def _keys_or_reason(self, raw: tuple[str, ...], typed: bool = False) -> tuple[list[str], str | None]:
        """Playwright's names for `raw`, or why they cannot be pressed. A character off the browser's US keyboard
        ("ä", "ö") has no key to hold: with `typed` (a press) it is typed, as `write` types it; else unsupported."""
        norm = tuple(normalize_key(k) for k in raw)
        why = unsupported_combo(norm, self.platform)
        if why:
            return [], f"unsupported: {why}"
        out = []
        for k in raw:
            pk = playwright_key(k)
            if pk == "":
                return [], f"error: unknown key name {k!r}"
            assert pk is not None  # noqa: S101 - OS keys were caught above (narrows the type)
            if _off_layout(pk) and not typed:
                return [], f"unsupported: {pk!r} is not a key of the replay's US keyboard (only typed, as text)"
            out.append(pk)
        return out, None

    def _shift_held(self, more: list[str] | tuple[str, ...] = ()) -> bool:
        """Shift is down (held by keyDown, or pressed earlier in this hotkey) and no other modifier is: a
        character key then types its shifted character. With Control, Meta or Alt it is a shortcut, and the
        key stays as it is (pages match ctrl+shift+z on "z")."""
        down = {*self.held_keys, *more}
        return "Shift" in down and not down & {"Control", "Meta", "Alt", "AltGraph"}

    def do_write(self, a: Action) -> StepOutcome:
        text = str(a.get("message"))
        if self._shift_held():  # keyDown("shift") then write("abc") types "ABC" on a desktop
            text = "".join(_SHIFTED.get(c, c) for c in text)
        calls = []
        shift_down = "Shift" in self.held_keys
        # PyAutoGUI presses the Tab key for "\t" (focus moves on); Playwright's type() would insert a tab
        # character into the field. Newlines are Enter in both.
        for i, part in enumerate(text.split("\t")):
            if i:
                self.page.keyboard.press("Tab")
                calls.append('keyboard.press("Tab")')
            # Playwright's type() sends "B" without Shift: each run of shifted characters goes inside one.
            for shifted, chars in groupby(part, key=_NEEDS_SHIFT.__contains__):
                run = "".join(chars)
                self._keyboard("type", run, f"keyboard.type({run!r})", shifted and not shift_down, calls)
        return StepOutcome("; ".join(calls), "ok")

    def _keyboard(self, method: str, arg: str, shown: str, shifted: bool, calls: list[str]) -> None:
        """``keyboard.type(arg)`` or ``keyboard.press(arg)``; `shifted` (a capital or a shifted symbol, Shift not
        held) inside a Shift press, as PyAutoGUI holds Shift for one (a page sees shiftKey and a Shift keydown)."""
        if shifted:
            self.page.keyboard.down("Shift")
        getattr(self.page.keyboard, method)(arg)
        if shifted:
            self.page.keyboard.up("Shift")
            shown = f'keyboard.down("Shift"); {shown}; keyboard.up("Shift")'
        calls.append(shown)

    def do_press(self, a: Action) -> StepOutcome:
        raw = a.get("keys")
        seq = (raw,) if isinstance(raw, str) else tuple(raw or ())  # type: ignore[arg-type]
        n = self._repeat(a.get("presses", 1))
        calls: list[str] = []
        # Each key of a list is pressed on its own (PyAutoGUI's press(["a", "b"])), so check them one by one.
        keys: list[str] = []
        for k in seq:
            mapped, why = self._keys_or_reason((str(k),), typed=True)
            if why:
                return StepOutcome("", why)
            keys.extend(mapped)
        if self._shift_held():
            keys = [_SHIFTED.get(k, k) for k in keys]
        shift_down = "Shift" in self.held_keys
        for _ in range(n):
            if self._out_of_time():
                return StepOutcome("; ".join(calls), "error: task time ran out")
            for k in keys:
                if _off_layout(k):
                    self._keyboard("type", k, f"keyboard.type({k!r})", False, calls)
                else:
                    self._keyboard("press", k, f'keyboard.press("{k}")', k in _NEEDS_SHIFT and not shift_down, calls)
        return StepOutcome("; ".join(calls), "ok")

    def do_hotkey(self, a: Action) -> StepOutcome:
        raw = tuple(str(k) for k in a.get("keys") or ())  # type: ignore[union-attr]
        keys, why = self._keys_or_reason(raw)
        if why:
            return StepOutcome("", why)
        calls = []
        down: list[str] = []
        try:
            for i, k in enumerate(keys):  # press all in order, release in reverse, as PyAutoGUI does
                if self._shift_held(keys[:i]):  # a character after Shift alone is its shifted one: "A" for "a"
                    keys[i] = k = _SHIFTED.get(k, k)
                self.page.keyboard.down(k)
                down.append(k)
                calls.append(f'keyboard.down("{k}")')
        finally:
            # Released even when a press failed: a Control left down would turn every later write into shortcuts.
            for k in reversed(down):
                self.page.keyboard.up(k)
                calls.append(f'keyboard.up("{k}")')
        return StepOutcome("; ".join(calls), "ok")

    def do_keyDown(self, a: Action) -> StepOutcome:
        keys, why = self._keys_or_reason((str(a.get("key")),))
        if why:
            return StepOutcome("", why)
        self.page.keyboard.down(keys[0])
        self.held_keys.append(keys[0])
        return StepOutcome(f'keyboard.down("{keys[0]}")', "ok")

    def do_keyUp(self, a: Action) -> StepOutcome:
        keys, why = self._keys_or_reason((str(a.get("key")),))
        if why:
            return StepOutcome("", why)
        self.page.keyboard.up(keys[0])
        if keys[0] in self.held_keys:
            self.held_keys.remove(keys[0])
        return StepOutcome(f'keyboard.up("{keys[0]}")', "ok")

    def do_sleep(self, a: Action) -> StepOutcome:
        seconds = max(0.0, min(float(a.get("seconds")), SLEEP_CAP_S))  # type: ignore[arg-type]
        if self.deadline is not None:
            seconds = max(0.0, min(seconds, self.deadline - active_clock()))
        self.page.wait_for_timeout(seconds * 1000)
        return StepOutcome(f"page.wait_for_timeout({_fmt(seconds * 1000)})", "ok")


_HANDLERS: dict[str, Callable[[Adapter, Action], StepOutcome]] = {
    name: getattr(Adapter, f"do_{name}") for name in ACTIONS if hasattr(Adapter, f"do_{name}")
}

#: The table's actions the browser can perform; a test checks this is all of them.
HANDLED_ACTIONS = frozenset(_HANDLERS)


def describe(action: Action) -> str:
    """The canonical text of an action, as StepRecord.action shows it."""
    return format_action(action)
