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

from collections.abc import Callable, Sequence
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
#: Longest wait (ms) for a wheel's scroll to land in the page (see _SCROLL_LANDED_JS).
SCROLL_LAND_MAX_MS = 300
#: Waits two animation frames (Chromium applies a wheel's scroll at a frame), then until the scroll offsets of the
#: element under the pointer, its ancestors and the document are the same two frames running, at most `cap` ms.
_SCROLL_LANDED_JS = """async ({x, y, cap}) => {
  const t0 = performance.now();
  // (a timer too: a page that draws no frames, or replaced requestAnimationFrame, must not hold the replay)
  const frame = () => new Promise((resolve) => { requestAnimationFrame(() => resolve()); setTimeout(resolve, 50); });
  const boxes = [];
  for (let e = document.elementFromPoint(x, y); e; e = e.parentElement) boxes.push(e);
  if (document.scrollingElement) boxes.push(document.scrollingElement);
  const offsets = () => boxes.map((e) => e.scrollTop + ',' + e.scrollLeft).join(';') + ';' + scrollX + ',' + scrollY;
  await frame();
  await frame();
  let last = offsets();
  while (performance.now() - t0 < cap) {
    await frame();
    const now = offsets();
    if (now === last) return;
    last = now;
  }
}"""
#: Wheel clicks a scroll turns at most, either way: a million pixels, past the end of any page (a wheel event of
#: 1e17 pixels, from ``scroll(-999999999999999)``, is no further, only a number that pages handle badly).
MAX_SCROLL_CLICKS = 10_000
#: Longest single pyautogui.sleep honoured: waiting helps nothing in a replay, and a script of sleeps must
#: not eat the task's time budget.
SLEEP_CAP_S = 2.0
#: clicks at least this far apart are separate clicks (Windows' default double-click time; GTK's is 0.4 s)
DOUBLE_CLICK_S = 0.5
#: How far apart (CSS pixels, either way) two clicks may land and still count as one double-click (Windows' default
#: double-click rectangle is 4 pixels wide; GTK's distance is 5).
DOUBLE_CLICK_PX = 2.0
#: PyAutoGUI's pause after every call (`pyautogui.PAUSE`): two `click()` calls in a row are 0.1 s apart, which an OS
#: counts as a double-click.
PYAUTOGUI_PAUSE_S = 0.1
#: The click families whose single clicks carry on a count (`Adapter._streak`).
_CLICKS = frozenset({"click", "doubleClick", "tripleClick", "rightClick", "middleClick"})
_PRESSES = frozenset({"dragTo", "mouseDown", "mouseUp"})
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
    # A JIS keyboard's yen key (PyAutoGUI maps it on macOS only, kVK_JIS_Yen, which types "¥"). Playwright's US
    # layout has no IntlYen, so the adapter sends it to Chromium itself (see _RAW_KEYS).
    "yen": "IntlYen",
}
# Keys Playwright's keyboard does not know, sent as CDP key events: name -> (code, key, windowsVirtualKeyCode).
_RAW_KEYS: dict[str, tuple[str, str, int]] = {"IntlYen": ("IntlYen", "¥", 220)}
# Playwright's name of a modifier -> normalize_key()'s, to check held keys with a key (unsupported_combo).
_MODIFIER_NAMES = {"Control": "ctrl", "Meta": "command", "Alt": "alt", "Shift": "shift", "AltGraph": "altgr"}
# CDP Input.dispatchKeyEvent's modifier bits.
_MODIFIER_BITS = {"Alt": 1, "Control": 2, "Meta": 4, "Shift": 8}
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

# What a Mac's text fields do for Command keys: the Meta rows of Playwright's macEditingCommands table (Cocoa's key
# bindings). Chromium on Linux binds nothing to Meta, and Playwright sends these commands only on a Mac host, so
# hotkey("command", "a") selected nothing. Keys: modifiers held + the key (letters lower-case); values: the CDP
# `commands` a keydown carries, which Chromium performs unless the page's keydown handler prevents it.
_MAC_EDITING: dict[tuple[frozenset[str], str], tuple[str, ...]] = {
    (frozenset(mods), key): (cmd,)
    for mods, key, cmd in (
        (("Meta",), "a", "selectAll"),
        (("Meta",), "c", "copy"),
        (("Meta",), "x", "cut"),
        (("Meta",), "v", "paste"),
        (("Meta",), "z", "undo"),
        (("Meta", "Shift"), "z", "redo"),
        (("Meta",), "Backspace", "deleteToBeginningOfLine"),
        (("Meta", "Shift"), "Backspace", "deleteToBeginningOfLine"),
        (("Meta",), "ArrowUp", "moveToBeginningOfDocument"),
        (("Meta",), "ArrowDown", "moveToEndOfDocument"),
        (("Meta",), "ArrowLeft", "moveToLeftEndOfLine"),
        (("Meta",), "ArrowRight", "moveToRightEndOfLine"),
        (("Meta", "Shift"), "ArrowUp", "moveToBeginningOfDocumentAndModifySelection"),
        (("Meta", "Shift"), "ArrowDown", "moveToEndOfDocumentAndModifySelection"),
        (("Meta", "Shift"), "ArrowLeft", "moveToLeftEndOfLineAndModifySelection"),
        (("Meta", "Shift"), "ArrowRight", "moveToRightEndOfLineAndModifySelection"),
    )
}
# An editing command that does nothing (without a value it leaves the paragraph separator as it is) and succeeds in
# any frame, editable or not. Chromium skips its own binding for a keydown whose commands ran, so a Control+V carrying
# it pastes nothing, as on a Mac; the page still gets the keydown (ctrlKey, not defaultPrevented), as on a Mac.
_MAC_NO_OP = ("defaultParagraphSeparator",)
# What a Mac's text fields do for Option and Control keys, where Linux Chromium does otherwise (Option+Left is word
# left on a Mac, nothing in a Linux text field; Control+A is the line's start, not select all): the Alt and Control
# rows of the same table, for macOS tasks only (on Windows and Linux, Alt and Control keep Chromium's own meaning).
# Control+C, V, X and Z (and Control+Shift+Z), which a Mac's text fields ignore, copy, paste, cut, undo and redo in
# Linux Chromium, which binds them itself when a keydown carries no commands: on a macOS task they carry _MAC_NO_OP.
# So do Linux's other editing keys a Mac lacks: Control+Shift+V (paste as plain text), Control+Insert and
# Shift+Insert (copy, paste: PyAutoGUI's "insert" is a Mac's Help key), Control+I and Control+U (italic and underline
# in rich text). Shift+Delete, cut on Linux, deletes forward on a Mac (the clipboard kept); Control+Y, redo on Linux,
# is a Mac's yank (of the text Control+K deleted: Chromium keeps no kill ring off a Mac, so it inserts nothing), and
# Control+T transposes the characters around the caret.
_MAC_OPTION_CONTROL: dict[tuple[frozenset[str], str], tuple[str, ...]] = {
    (frozenset(mods), key): cmds
    for mods, key, cmds in (
        (("Alt",), "ArrowLeft", ("moveWordLeft",)),
        (("Alt",), "ArrowRight", ("moveWordRight",)),
        (("Alt", "Shift"), "ArrowLeft", ("moveWordLeftAndModifySelection",)),
        (("Alt", "Shift"), "ArrowRight", ("moveWordRightAndModifySelection",)),
        (("Alt",), "ArrowUp", ("moveBackward", "moveToBeginningOfParagraph")),
        (("Alt",), "ArrowDown", ("moveForward", "moveToEndOfParagraph")),
        (("Alt",), "Backspace", ("deleteWordBackward",)),
        (("Alt",), "Delete", ("deleteWordForward",)),
        (("Control",), "a", ("moveToBeginningOfParagraph",)),
        (("Control",), "e", ("moveToEndOfParagraph",)),
        (("Control", "Shift"), "a", ("moveToBeginningOfParagraphAndModifySelection",)),
        (("Control", "Shift"), "e", ("moveToEndOfParagraphAndModifySelection",)),
        (("Control",), "b", ("moveBackward",)),
        (("Control",), "f", ("moveForward",)),
        (("Control",), "p", ("moveUp",)),
        (("Control",), "n", ("moveDown",)),
        (("Control",), "d", ("deleteForward",)),
        (("Control",), "h", ("deleteBackward",)),
        (("Control",), "k", ("deleteToEndOfParagraph",)),
        (("Control",), "t", ("transpose",)),
        (("Control",), "y", ("yank",)),
        (("Shift",), "Delete", ("deleteForward",)),
        *((("Control",), key, _MAC_NO_OP) for key in ("c", "v", "x", "z", "i", "u", "Insert")),
        (("Control", "Shift"), "z", _MAC_NO_OP),
        (("Control", "Shift"), "v", _MAC_NO_OP),
        (("Shift",), "Insert", _MAC_NO_OP),
    )
}
# DOM codes and Windows key codes of the keys in the tables above that are not letters.
_KEY_CODES = {"Backspace": 8, "Delete": 46, "Insert": 45, "ArrowLeft": 37, "ArrowUp": 38, "ArrowRight": 39,
              "ArrowDown": 40}


def mac_editing_commands(mods: frozenset[str], key: str, *, macos: bool = False) -> tuple[str, ...]:
    """The editing commands a Mac performs for `key` pressed with the Playwright modifiers `mods` (none: ()):
    Command's keys always (only a Mac has it), Option's and Control's on a macOS task (`macos`)."""
    k = key.lower() if len(key) == 1 else key
    held = frozenset(mods & _MODIFIER_BITS.keys())
    return _MAC_EDITING.get((held, k), ()) or (_MAC_OPTION_CONTROL.get((held, k), ()) if macos else ())


def _cdp_key(key: str) -> tuple[str, str, int]:
    """(code, key, windowsVirtualKeyCode) of a key the adapter sends as a CDP event itself."""
    if key in _RAW_KEYS:
        return _RAW_KEYS[key]
    if len(key) == 1 and key.isascii() and key.isalpha():
        return f"Key{key.upper()}", key, ord(key.upper())
    return key, key, _KEY_CODES[key]


def _swap_case(text: str) -> str:
    """What Caps Lock makes of typed letters: capitals for small ones, and small for the ones typed with Shift."""
    return "".join(c.swapcase() if c.isascii() and c.isalpha() else c for c in text)


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
        os_name: str | None = None,
    ) -> None:
        self.page = page
        self.viewport = viewport
        self.dpr = float(dpr)
        self.platform = platform
        # A macOS task's text fields take Option and Control keys as a Mac's do (see _MAC_OPTION_CONTROL)
        self.macos = os_name == "macos"
        self.deadline = deadline
        # The mouse starts at the centre of the screen (suite contract); Playwright's starts at 0, 0. The page is
        # told lazily (`placed`), by a move to the centre just before the first action that acts where the mouse
        # already is (a drag, a scroll or a click without a point, mouseDown). An action with its own point goes
        # straight there, as PyAutoGUI's cursor jumps from the centre in one move. This saves the first input event
        # of a fresh page, the slowest one (it waits for the page's first frames), on almost every task.
        self.x, self.y = viewport[0] / 2, viewport[1] / 2
        self.placed = False
        self.held_keys: list[str] = []  # Playwright names, in the order keyDown pressed them
        # Caps Lock's toggle: PyAutoGUI's press("capslock") turns it on, and then write("abc") types "ABC".
        self.caps_lock = False
        self._cdp: Any = None  # a CDP session of the page, opened for the first key Playwright cannot send as needed
        # The last click, as an OS counts clicks: (button, x, y, count), and the seconds PyAutoGUI would have taken
        # since (its pause after each call, sleeps, durations). A single click of the same button at the same spot
        # within the double-click time carries the count on: two `click(x, y)` calls make a double-click.
        self._streak: tuple[str, float, float, int] | None = None
        self._since = 0.0

    # -- helpers ------------------------------------------------------------------------------------

    def _place(self, calls: list[str]) -> None:
        """Make sure the page has seen the mouse at its current position (see `placed`)."""
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
        if action.name not in _CLICKS:
            self._since += _seconds(action)
            if action.name in _PRESSES:  # a button pressed otherwise: counted by no click after it
                self._streak = None
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
            self._since += PYAUTOGUI_PAUSE_S
            self._move(x, y, calls)
            return StepOutcome("; ".join(calls), "ok", (x, y))
        if action.get("x") is None or action.get("y") is None:
            self._place(calls)  # a click where the mouse is
        # Playwright's click (and dblclick) moves to the point itself first: no separate move, which would
        # be a second mousemove event and a second round trip to the page.
        self.x, self.y, self.placed = x, y, True
        interval = max(0.0, min(float(action.get("interval") or 0.0), SLEEP_CAP_S))
        clicks = 2 if dbl else n
        slow = clicks > 1 and interval >= DOUBLE_CLICK_S
        carried = self._carried(btn, x, y)
        # The count of each press where the first carries on the last click's: clicks an interval apart past the
        # double-click time each start a count of 1, fast ones count on (at most 3, as Chromium counts).
        counts = ([carried] + ([1] * (clicks - 1) if slow else [min(carried + k, 3) for k in range(1, clicks)])
                  if carried else [])
        last = 1 if slow else counts[-1] if counts else clicks
        self._streak, self._since = (btn, x, y, last), PYAUTOGUI_PAUSE_S
        if counts:
            # The next click of a double-click the OS sees (a `click` 0.1 s after one at this spot, or the first of
            # a `doubleClick` after it): presses and releases carrying the count, so the page gets detail 2 and a
            # dblclick, as from PyAutoGUI's two clicks 0.1 s apart, and a triple-click's 3 after.
            self.page.mouse.move(x, y)
            calls.append(f"mouse.move({_fmt(x)}, {_fmt(y)})")
            for k, count in enumerate(counts):
                if k and slow:
                    self.page.wait_for_timeout(interval * 1000)
                    calls.append(f"wait {_fmt(interval)} s")
                self.page.mouse.down(button=btn, click_count=count)  # type: ignore[arg-type]
                self.page.mouse.up(button=btn, click_count=count)  # type: ignore[arg-type]
                calls.append(f'mouse.down(button="{btn}", click_count={count}); '
                             f'mouse.up(button="{btn}", click_count={count})')
        elif slow:
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

    def _carried(self, button: str, x: float, y: float) -> int:
        """The count a single click gets as the next of the last click's (2 for a double-click, at most 3, as
        Chromium counts), or 0 when it starts a count of its own: another button, another spot, or too late."""
        last = self._streak
        if last is None or last[0] != button or self._since >= DOUBLE_CLICK_S:
            return 0
        if abs(last[1] - x) > DOUBLE_CLICK_PX or abs(last[2] - y) > DOUBLE_CLICK_PX:
            return 0
        return min(last[3] + 1, 3)

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
            # Playwright's wheel returns before Chromium applies the scroll: a click right after it landed on the
            # page as it was (a correct scroll-then-click failed). PyAutoGUI pauses 0.1 s after every call, in
            # which an OS's scroll lands; here the page is asked until it has.
            try:
                self.page.evaluate(_SCROLL_LANDED_JS, {"x": x, "y": y, "cap": SCROLL_LAND_MAX_MS})
            except Exception:  # noqa: BLE001, S110 - the scroll was made; a page gone or navigating says so at the next step
                pass
            calls.append(f"wait for the scroll to land (<= {SCROLL_LAND_MAX_MS} ms)")
        return StepOutcome("; ".join(calls), "ok", (x, y))

    def do_scroll(self, a: Action) -> StepOutcome:
        return self._wheel(a, horizontal=False)

    def do_hscroll(self, a: Action) -> StepOutcome:
        return self._wheel(a, horizontal=True)

    # -- keyboard -----------------------------------------------------------------------------------

    def _held_names(self) -> tuple[str, ...]:
        """The keys keyDown holds, as normalize_key() names (for unsupported_combo)."""
        return tuple(_MODIFIER_NAMES.get(k, normalize_key(k)) for k in self.held_keys)

    def _mods(self, more: Sequence[str] = ()) -> frozenset[str]:
        """The modifiers down: held by keyDown, or pressed earlier in this hotkey (`more`)."""
        return frozenset({*self.held_keys, *more} & _MODIFIER_BITS.keys())

    def _typing(self) -> bool:
        """No Control, Meta or Alt is held: a character key types (Caps Lock applies) rather than being a shortcut."""
        return not self._mods() & {"Control", "Meta", "Alt"}

    def _keys_or_reason(
        self, raw: tuple[str, ...], typed: bool = False, with_held: bool = True
    ) -> tuple[list[str], str | None]:
        """Playwright's names for `raw`, or why they cannot be pressed. A character off the browser's US keyboard
        ("ä", "ö") has no key to hold: with `typed` (a press) it is typed, as `write` types it; else unsupported.
        `with_held`: the keys keyDown holds count too (keyDown("ctrl") then press("w") is ctrl+w, which closes the
        tab of a real browser as hotkey("ctrl", "w") does)."""
        norm = tuple(normalize_key(k) for k in raw)
        why = unsupported_combo((self._held_names() if with_held else ()) + norm, self.platform)
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

    def _send_key(self, kind: str, key: str, mods: frozenset[str], commands: tuple[str, ...] = ()) -> None:
        """A key event sent to Chromium as Playwright sends one, for what Playwright's keyboard cannot do: a key its
        US layout lacks (IntlYen), or a Mac's editing `commands` (Playwright adds them only on a Mac host)."""
        code, dom_key, vk = _cdp_key(key)
        # A key a Mac ignores keeps the name it has (Playwright's keyboard.down("z") with Shift held is "z"): its page
        # sees the keydown it saw when Playwright sent it.
        keep_case = commands == _MAC_NO_OP
        if len(dom_key) == 1 and dom_key.isascii() and dom_key.isalpha() and not keep_case:  # "Z" while Shift is down
            dom_key = dom_key.upper() if "Shift" in mods else dom_key.lower()
        params: dict[str, Any] = {
            "type": kind,
            "modifiers": sum(_MODIFIER_BITS[m] for m in mods),
            "key": dom_key,
            "code": code,
            "windowsVirtualKeyCode": vk,
        }
        if kind == "keyDown":
            if key in _RAW_KEYS and not mods & {"Control", "Meta", "Alt"}:  # it types its character
                params.update(text=dom_key, unmodifiedText=dom_key)
            else:
                params["type"] = "rawKeyDown"
            params["commands"] = list(commands)
        if self._cdp is None:
            self._cdp = self.page.context.new_cdp_session(self.page)
        self._cdp.send("Input.dispatchKeyEvent", params)

    def _down(self, key: str, calls: list[str], more: Sequence[str] = ()) -> None:
        """keyboard.down(key), carrying a Mac's editing commands when Meta makes the key one (hotkey("command", "a")
        selects all; the page still sees its keydown with metaKey and can prevent the command)."""
        mods = self._mods(more)
        commands = mac_editing_commands(mods, key, macos=self.macos)
        if commands or key in _RAW_KEYS:
            self._send_key("keyDown", key, mods, commands)
            sent = f" [CDP, commands {list(commands)}" if commands else " [CDP"
            if commands == _MAC_NO_OP:  # the log says why a Control+V the page saw pasted nothing
                sent += ": a no-op, a Mac's text fields ignore this key"
            calls.append(f'keyboard.down("{key}")' + sent + "]")
        else:
            self.page.keyboard.down(key)
            calls.append(f'keyboard.down("{key}")')

    def _up(self, key: str, calls: list[str], more: Sequence[str] = ()) -> None:
        if key in _RAW_KEYS:
            self._send_key("keyUp", key, self._mods(more))
        else:
            self.page.keyboard.up(key)
        calls.append(f'keyboard.up("{key}")')

    def _caps(self, text: str) -> str:
        """`text` as typed with Caps Lock as it is: swapped case while on and no shortcut modifier is held."""
        return _swap_case(text) if self.caps_lock and self._typing() else text

    def _write_refused(self, text: str) -> str | None:
        """Why a write cannot be performed with the keys keyDown holds (keyDown("ctrl") then write("w") is ctrl+w)."""
        held = self._held_names()
        if not held:
            return None
        for c in dict.fromkeys(text):
            why = unsupported_combo((*held, normalize_key(c)), self.platform)
            if why:
                return f"unsupported: {why}"
        return None

    def do_write(self, a: Action) -> StepOutcome:
        text = str(a.get("message"))
        why = self._write_refused(text)
        if why:
            return StepOutcome("", why)
        if self._shift_held():  # keyDown("shift") then write("abc") types "ABC" on a desktop
            text = "".join(_SHIFTED.get(c, c) for c in text)
        calls: list[str] = []
        shift_down = "Shift" in self.held_keys
        # With Meta held each character is a Mac shortcut (keyDown("command") then write("a") selects all): pressed
        # one by one, as Playwright's type() would, but with their editing commands.
        per_key = "Meta" in self.held_keys
        # PyAutoGUI presses the Tab key for "\t" (focus moves on); Playwright's type() would insert a tab
        # character into the field. Newlines are Enter in both.
        for i, part in enumerate(text.split("\t")):
            if i:
                self.page.keyboard.press("Tab")
                calls.append('keyboard.press("Tab")')
            # Playwright's type() sends "B" without Shift: each run of shifted characters goes inside one.
            # PyAutoGUI presses Shift for "B" whether Caps Lock is on or not (it then types "b").
            for shifted, chars in groupby(part, key=_NEEDS_SHIFT.__contains__):
                run = self._caps("".join(chars))
                # On a macOS task keyDown("ctrl") then write("v") must not paste either, nor write("a") select all:
                # such a key is pressed alone, with a Mac's commands, where type() would send a plain Control+V.
                for alone, seg in groupby(run, key=lambda c, s=shifted: per_key or self._mac_command(c, s)):
                    if alone:
                        for c in seg:
                            method = "type" if _off_layout(c) else "press"
                            self._keyboard(method, c, f"keyboard.{method}({c!r})", shifted and not shift_down, calls)
                    else:
                        typed = "".join(seg)
                        self._keyboard("type", typed, f"keyboard.type({typed!r})", shifted and not shift_down, calls)
        return StepOutcome("; ".join(calls), "ok")

    def _mac_command(self, c: str, shifted: bool) -> bool:
        """`c` with the modifiers down (and Shift, when `shifted`) is a key a Mac's text fields give editing commands
        of their own on this task (Control+A on a macOS task moves to the line's start; Control+V does nothing, see
        _MAC_NO_OP)."""
        return bool(mac_editing_commands(self._mods(("Shift",) if shifted else ()), c, macos=self.macos))

    def _keyboard(self, method: str, arg: str, shown: str, shifted: bool, calls: list[str]) -> None:
        """``keyboard.type(arg)`` or ``keyboard.press(arg)``; `shifted` (a capital or a shifted symbol, Shift not
        held) inside a Shift press, as PyAutoGUI holds Shift for one (a page sees shiftKey and a Shift keydown)."""
        if shifted:
            self.page.keyboard.down("Shift")
        more = ("Shift",) if shifted else ()
        if method == "press" and (arg in _RAW_KEYS or mac_editing_commands(self._mods(more), arg, macos=self.macos)):
            inner: list[str] = []  # a key Playwright cannot press as it must: down and up by the adapter
            self._down(arg, inner, more)
            self._up(arg, inner, more)
            shown = "; ".join(inner)
        else:
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
        # Each key of a list is pressed on its own (PyAutoGUI's press(["a", "b"])), so check them one by one
        # (with the keys keyDown holds).
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
                sent = self._caps(k) if len(k) == 1 else k
                if _off_layout(k):
                    self._keyboard("type", sent, f"keyboard.type({sent!r})", False, calls)
                else:
                    shifted = k in _NEEDS_SHIFT and not shift_down
                    self._keyboard("press", sent, f'keyboard.press("{sent}")', shifted, calls)
                if k == "CapsLock":
                    self.caps_lock = not self.caps_lock
        return StepOutcome("; ".join(calls), "ok")

    def _down_shifted(self, key: str, calls: list[str], more: Sequence[str] = ()) -> None:
        """Press `key` down as PyAutoGUI's keyDown does: a capital or shifted symbol with Shift pressed around its
        keydown when Shift is not down already (hotkey("ctrl", "Z") is Control+Shift+Z, redo, not undo)."""
        shift = key in _NEEDS_SHIFT and "Shift" not in {*self.held_keys, *more}
        if shift:
            self.page.keyboard.down("Shift")
            calls.append('keyboard.down("Shift")')
        try:
            self._down(key, calls, (*more, "Shift") if shift else more)
        finally:
            if shift:  # PyAutoGUI releases it at once (X11 and Windows _keyDown), before the key's keyUp
                self.page.keyboard.up("Shift")
                calls.append('keyboard.up("Shift")')
        if key == "CapsLock":
            self.caps_lock = not self.caps_lock

    def do_hotkey(self, a: Action) -> StepOutcome:
        raw = tuple(str(k) for k in a.get("keys") or ())  # type: ignore[union-attr]
        keys, why = self._keys_or_reason(raw)
        if why:
            return StepOutcome("", why)
        calls: list[str] = []
        down: list[str] = []
        try:
            for i, k in enumerate(keys):  # press all in order, release in reverse, as PyAutoGUI does
                if self._shift_held(keys[:i]):  # a character after Shift alone is its shifted one: "A" for "a"
                    keys[i] = k = _SHIFTED.get(k, k)
                self._down_shifted(k, calls, down)
                down.append(k)
        finally:
            # Released even when a press failed: a Control left down would turn every later write into shortcuts.
            while down:
                k = down.pop()
                self._up(k, calls, down)
        return StepOutcome("; ".join(calls), "ok")

    def do_keyDown(self, a: Action) -> StepOutcome:
        keys, why = self._keys_or_reason((str(a.get("key")),))
        if why:
            return StepOutcome("", why)
        calls: list[str] = []
        self._down_shifted(keys[0], calls)
        self.held_keys.append(keys[0])
        return StepOutcome("; ".join(calls), "ok")

    def do_keyUp(self, a: Action) -> StepOutcome:
        # Releasing is always possible: the held keys do not make it a shortcut.
        keys, why = self._keys_or_reason((str(a.get("key")),), with_held=False)
        if why:
            return StepOutcome("", why)
        if keys[0] in self.held_keys:
            self.held_keys.remove(keys[0])
        calls: list[str] = []
        self._up(keys[0], calls)
        return StepOutcome("; ".join(calls), "ok")

    def do_sleep(self, a: Action) -> StepOutcome:
        seconds = max(0.0, min(float(a.get("seconds")), SLEEP_CAP_S))  # type: ignore[arg-type]
        if self.deadline is not None:
            seconds = max(0.0, min(seconds, self.deadline - active_clock()))
        self.page.wait_for_timeout(seconds * 1000)
        return StepOutcome(f"page.wait_for_timeout({_fmt(seconds * 1000)})", "ok")


def _seconds(action: Action) -> float:
    """The seconds PyAutoGUI takes over an action other than a click, its pause after the call included: a sleep's,
    a move's or drag's `duration`, the `interval` between keys or presses."""
    taken = PYAUTOGUI_PAUSE_S
    for param in ("seconds", "duration", "interval"):
        if action.spec.param(param) is not None:
            try:
                value = float(action.get(param) or 0.0)  # type: ignore[arg-type]
            except (TypeError, ValueError, OverflowError):
                continue
            if value > 0:  # (NaN is not)
                taken += value
    return taken


_HANDLERS: dict[str, Callable[[Adapter, Action], StepOutcome]] = {
    name: getattr(Adapter, f"do_{name}") for name in ACTIONS if hasattr(Adapter, f"do_{name}")
}

#: The table's actions the browser can perform; a test checks this is all of them.
HANDLED_ACTIONS = frozenset(_HANDLERS)


def describe(action: Action) -> str:
    """The canonical text of an action, as StepRecord.action shows it."""
    return format_action(action)
