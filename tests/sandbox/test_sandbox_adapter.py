"""The action adapter without a browser: a fake page records the Playwright calls each action makes."""

from __future__ import annotations

import pytest

from omniact.actions import ACTIONS, parse_script
from omniact.sandbox.adapter import (
    HANDLED_ACTIONS,
    SCROLL_PX_PER_CLICK,
    SLEEP_CAP_S,
    Adapter,
    playwright_key,
    unsupported_combo,
)


class _Recorder:
    def __init__(self, log: list, prefix: str) -> None:
        self._log, self._prefix = log, prefix

    def __getattr__(self, name: str):
        return lambda *a, **k: self._log.append((f"{self._prefix}.{name}", a, k))


class _FakeContext:
    def __init__(self, log: list) -> None:
        self._log = log

    def new_cdp_session(self, page) -> _Recorder:
        return _Recorder(self._log, "cdp")


class FakePage:
    def __init__(self) -> None:
        self.log: list = []
        self.mouse = _Recorder(self.log, "mouse")
        self.keyboard = _Recorder(self.log, "keyboard")
        self.context = _FakeContext(self.log)

    def wait_for_timeout(self, ms: float) -> None:
        self.log.append(("wait", (ms,), {}))

    def evaluate(self, expression: str, arg=None) -> None:
        self.log.append(("evaluate", (arg,), {}))


def run(script: str, *, dpr: float = 1.0, platform: str = "web", viewport=(1440, 900)):
    page = FakePage()
    ad = Adapter(page, viewport=viewport, dpr=dpr, platform=platform)  # type: ignore[arg-type]
    outs = [ad.perform(a) for a in parse_script(script)]
    return page.log, outs, ad


def test_every_action_in_the_table_has_a_browser_mapping():
    assert set(ACTIONS) == HANDLED_ACTIONS


def test_points_are_divided_by_the_device_pixel_ratio():
    log, outs, _ = run("pyautogui.click(200, 100)", dpr=2)
    assert ("mouse.click", (100.0, 50.0), {"button": "left", "click_count": 1}) in log
    assert outs[0].point == (100.0, 50.0) and outs[0].outcome == "ok"


def test_mouse_starts_at_the_viewport_centre_for_actions_without_a_point():
    log, outs, _ = run("pyautogui.click()\npyautogui.scroll(2)")
    assert log[0] == ("mouse.move", (720.0, 450.0), {"steps": 1})
    assert outs[1].point == (720.0, 450.0)


def test_an_action_with_its_own_point_goes_straight_there():
    """No move to the centre first: PyAutoGUI's cursor jumps there in one move, and a fresh page's first input event
    is the slowest one to send."""
    log, _, _ = run("pyautogui.click(10, 20)")
    assert log == [("mouse.click", (10.0, 20.0), {"button": "left", "click_count": 1})]


def test_scroll_positive_is_up_and_hscroll_positive_is_right():
    log, _, _ = run("pyautogui.scroll(3)\npyautogui.scroll(-2, x=10, y=20)\npyautogui.hscroll(4)")
    wheels = [a for name, a, _ in log if name == "mouse.wheel"]
    assert wheels == [
        (0, -3 * SCROLL_PX_PER_CLICK),
        (0, 2 * SCROLL_PX_PER_CLICK),
        (4 * SCROLL_PX_PER_CLICK, 0),
    ]
    assert ("mouse.move", (10.0, 20.0), {"steps": 1}) in log  # scroll at (x, y) moves there first


def test_a_scroll_waits_for_its_scroll_to_land_and_other_actions_do_not_wait():
    """A click right after a scroll met the page unscrolled (Playwright's wheel returns first)."""
    log, outs, _ = run("pyautogui.scroll(-3, x=10, y=20)\npyautogui.click(30, 40)\npyautogui.scroll(0)")
    names = [name for name, _, _ in log]
    assert names == ["mouse.move", "mouse.wheel", "evaluate", "mouse.click"]  # a scroll of 0 turns nothing
    assert log[2][1] == ({"x": 10.0, "y": 20.0, "cap": 300},)  # where the wheel turned
    assert outs[0].call.endswith("mouse.wheel(0, 300); wait for the scroll to land (<= 300 ms)")
    assert "wait for the scroll" not in outs[1].call + outs[2].call


def test_a_huge_scroll_is_clamped_to_a_million_pixels_either_way():
    log, _, _ = run("pyautogui.scroll(-999999999999999)\npyautogui.hscroll(99999999999)\npyautogui.scroll(7)")
    wheels = [a for name, a, _ in log if name == "mouse.wheel"]
    assert wheels == [(0, 1_000_000), (1_000_000, 0), (0, -700)]


def test_drag_presses_moves_in_steps_and_releases_from_the_current_position():
    log, _outs, ad = run("pyautogui.moveTo(20, 40)\npyautogui.dragTo(300, 400, button='left')", dpr=2)
    names = [n for n, _, _ in log]
    assert names == ["mouse.move", "mouse.down", "mouse.move", "mouse.up"]
    assert log[0][1] == (10.0, 20.0)
    assert log[2][1] == (150.0, 200.0) and log[2][2]["steps"] > 1
    assert (ad.x, ad.y) == (150.0, 200.0)


def test_click_variants_map_to_buttons_and_counts():
    log, _, _ = run(
        # (each at its own spot: calls at one spot 0.1 s apart count on, as an OS counts them; see below)
        "pyautogui.rightClick(5, 5)\npyautogui.doubleClick(50, 5)\npyautogui.tripleClick(95, 5)\n"
        "pyautogui.middleClick(140, 5)\npyautogui.click(185, 5, clicks=2, button='secondary')"
    )
    calls = [(n, k) for n, _, k in log if n != "mouse.move"]
    assert calls == [
        ("mouse.click", {"button": "right", "click_count": 1}),
        ("mouse.dblclick", {"button": "left"}),
        ("mouse.click", {"button": "left", "click_count": 3}),
        ("mouse.click", {"button": "middle", "click_count": 1}),
        ("mouse.click", {"button": "right", "click_count": 2}),
    ]


def test_clicks_an_interval_apart_past_a_double_click_time_are_separate_clicks():
    """PyAutoGUI sleeps `interval` between clicks: a second apart, a page sees two clicks, not a double-click."""
    log, _, _ = run("pyautogui.click(5, 5, clicks=2, interval=1.0)\npyautogui.doubleClick(50, 5, interval=0.6)\n"
                    "pyautogui.click(95, 5, clicks=2, interval=0.1)")
    calls = [(n, a if n == "wait" else k) for n, a, k in log if n != "mouse.move"]
    assert calls == [
        ("mouse.click", {"button": "left"}), ("wait", (1000.0,)), ("mouse.click", {"button": "left"}),
        ("mouse.click", {"button": "left"}), ("wait", (600.0,)), ("mouse.click", {"button": "left"}),
        ("mouse.click", {"button": "left", "click_count": 2}),  # fast clicks: a double-click, as an OS counts them
    ]


def test_two_click_calls_at_one_spot_are_a_double_click_as_an_os_counts_them():
    """PyAutoGUI pauses 0.1 s after each call: `click(x, y)` twice is a double-click to the OS (detail 2, dblclick),
    a third a triple-click; another spot, another button, a sleep or a drag in between starts a new count."""
    log, _, _ = run("pyautogui.click(50, 50)\npyautogui.click(51, 50)\npyautogui.click(50, 50)\n"
                    "pyautogui.click(50, 50)\n"  # Chromium counts to 3 at most
                    "pyautogui.click(80, 50)\n"  # another spot
                    "pyautogui.rightClick(80, 50)\n"  # another button
                    "pyautogui.rightClick(80, 50)\n"
                    "pyautogui.sleep(0.5)\npyautogui.rightClick(80, 50)\n"  # too late
                    "pyautogui.press('a')\npyautogui.rightClick(80, 50)\n"  # 0.2 s later: still a double-click
                    "pyautogui.moveTo(80, 50, duration=0.4)\npyautogui.rightClick(80, 50)\n"  # 0.5 s later
                    "pyautogui.doubleClick(80, 50)\npyautogui.click(80, 50)\n"  # the third click of a triple
                    "pyautogui.mouseDown(80, 50)\npyautogui.mouseUp()\npyautogui.click(80, 50)\n"
                    "pyautogui.doubleClick(80, 50)\n"  # right after a click: its second and third clicks
                    "pyautogui.click(20, 20)\npyautogui.tripleClick(20, 20)\n"  # counted on, at most 3
                    "pyautogui.click(60, 60)\npyautogui.click(60, 60, clicks=2, interval=0.6)")  # slow: 2, then 1
    presses = [(n, k.get("click_count", 2 if n == "mouse.dblclick" else None), k.get("button"))
               for n, _, k in log if n in ("mouse.click", "mouse.down", "mouse.dblclick")]
    assert presses == [
        ("mouse.click", 1, "left"), ("mouse.down", 2, "left"), ("mouse.down", 3, "left"), ("mouse.down", 3, "left"),
        ("mouse.click", 1, "left"),
        ("mouse.click", 1, "right"), ("mouse.down", 2, "right"),
        ("mouse.click", 1, "right"),
        ("mouse.down", 2, "right"),
        ("mouse.click", 1, "right"),
        ("mouse.dblclick", 2, "left"), ("mouse.down", 3, "left"),
        ("mouse.down", None, "left"), ("mouse.click", 1, "left"),
        ("mouse.down", 2, "left"), ("mouse.down", 3, "left"),
        ("mouse.click", 1, "left"), ("mouse.down", 2, "left"), ("mouse.down", 3, "left"), ("mouse.down", 3, "left"),
        ("mouse.click", 1, "left"), ("mouse.down", 2, "left"), ("mouse.down", 1, "left"),
    ]
    ups = [k.get("click_count") for n, _, k in log if n == "mouse.up"]
    assert ups == [2, 3, 3, 2, 2, 3, None, 2, 3, 2, 3, 3, 2, 1]  # each release carries its press's count
    waits = [a[0] for n, a, _ in log if n == "wait"]
    assert waits == [500.0, 600.0]  # the sleep, and the slow clicks' interval


def test_points_off_screen_are_clamped_like_the_os_cursor():
    _, outs, _ = run("pyautogui.click(-50, 99999)")
    x, y = outs[0].point
    assert x == 0.0 and 899 <= y < 900
    # At 2 device pixels per CSS pixel the last pixel of the screen is half a CSS pixel from its edge.
    _, outs, _ = run("pyautogui.click(99999, -50)\npyautogui.click(-50, 99999)", dpr=2)
    assert [o.point for o in outs] == [(1439.5, 0.0), (0.0, 899.5)]


def test_each_step_says_which_playwright_calls_it_made():
    """The replay's report shows each step's calls: points to 2 decimals, a drag's steps, a click's count."""
    _, outs, _ = run("pyautogui.click(100.456, 7)\npyautogui.click(300, 7, clicks=3)\n"
                     "pyautogui.dragTo(20, 40)\npyautogui.moveTo(5, 6)")
    assert [o.call for o in outs] == [
        'mouse.click(100.46, 7, button="left")',
        'mouse.click(300, 7, button="left", click_count=3)',
        'mouse.down(button="left"); mouse.move(20, 40, steps=10); mouse.up(button="left")',
        "mouse.move(5, 6)",
    ]


@pytest.mark.parametrize("clicks", [0, -3])
def test_a_click_of_no_clicks_only_moves_the_mouse_as_pyautogui_does(clicks):
    log, outs, ad = run(f"pyautogui.click(30, 40, clicks={clicks})")
    assert log == [("mouse.move", (30.0, 40.0), {"steps": 1})]
    assert outs[0].point == (30.0, 40.0) and (ad.x, ad.y) == (30.0, 40.0)


def test_a_quick_click_after_slow_clicks_is_the_second_of_a_double_click():
    """Slow clicks are separate to the OS, but the last of them starts a count: one more click 0.1 s later makes a
    double-click with it."""
    log, _, _ = run("pyautogui.click(60, 60, clicks=2, interval=0.6)\npyautogui.click(60, 60)")
    presses = [(n, k.get("click_count")) for n, _, k in log if n in ("mouse.click", "mouse.down")]
    assert presses == [("mouse.click", None), ("mouse.click", None), ("mouse.down", 2)]


@pytest.mark.parametrize("action", ["mouseDown", "mouseUp"])
def test_a_press_or_release_at_a_point_moves_there_first(action):
    log, outs, ad = run(f"pyautogui.moveTo(10, 10)\npyautogui.{action}(100, 200)")
    moves = [a for n, a, _ in log if n == "mouse.move"]
    assert moves == [(10.0, 10.0), (100.0, 200.0)]
    assert log[-1][0] == ("mouse.down" if action == "mouseDown" else "mouse.up")
    assert outs[1].point == (100.0, 200.0) and (ad.x, ad.y) == (100.0, 200.0)


def test_a_sleep_ends_at_the_task_deadline(monkeypatch):
    """A sleep past the task's time limit waits only until the limit (then the watchdog's stop comes in time)."""
    import omniact.sandbox.adapter as adapter_module

    monkeypatch.setattr(adapter_module, "active_clock", lambda: 99.75)
    page = FakePage()
    ad = Adapter(page, viewport=(800, 600), deadline=100.0)  # type: ignore[arg-type]
    out = ad.perform(parse_script("pyautogui.sleep(1.5)")[0])
    assert page.log == [("wait", (250.0,), {})] and out.call == "page.wait_for_timeout(250)"
    monkeypatch.setattr(adapter_module, "active_clock", lambda: 101.0)  # past it: no wait at all
    assert ad.perform(parse_script("pyautogui.sleep(1.5)")[0]).call == "page.wait_for_timeout(0)"


def test_hotkey_presses_in_order_and_releases_in_reverse_with_command_as_meta():
    log, outs, _ = run('pyautogui.hotkey("cmd", "shift", "z")', platform="desktop")
    assert [(n, a[0]) for n, a, _ in log] == [
        ("keyboard.down", "Meta"),
        ("keyboard.down", "Shift"),
        ("cdp.send", "Input.dispatchKeyEvent"),  # z down with a Mac's redo command (Chromium on Linux binds none)
        ("keyboard.up", "z"),
        ("keyboard.up", "Shift"),
        ("keyboard.up", "Meta"),
    ]
    assert log[2][1][1] == {"type": "rawKeyDown", "modifiers": 4 | 8, "key": "Z", "code": "KeyZ",
                            "windowsVirtualKeyCode": 90, "commands": ["redo"]}
    assert outs[0].outcome == "ok"


def test_a_capital_in_a_hotkey_is_its_shifted_key_with_the_same_mac_command():
    """hotkey("cmd", "Z") holds Shift for the capital, as PyAutoGUI does: Command+Shift+Z, redo, like the spelled-out
    hotkey("cmd", "shift", "z")."""
    log, outs, _ = run('pyautogui.hotkey("cmd", "Z")', platform="desktop")
    sent = [a[1] for n, a, _ in log if n == "cdp.send"]
    assert sent == [{"type": "rawKeyDown", "modifiers": 4 | 8, "key": "Z", "code": "KeyZ",
                     "windowsVirtualKeyCode": 90, "commands": ["redo"]}]
    assert outs[0].outcome == "ok"


def test_a_write_with_command_held_presses_each_key_with_its_mac_command_and_shift_for_a_capital():
    """keyDown("command") then write("aZ"): Command+A (select all), then Command+Shift+Z (redo), Shift held around
    the capital as PyAutoGUI's write holds it."""
    log, outs, _ = run('pyautogui.keyDown("command")\npyautogui.write("aZ")\npyautogui.keyUp("command")',
                       platform="desktop")
    assert outs[1].call == ("keyboard.down(\"a\") [CDP, commands ['selectAll']]; keyboard.up(\"a\"); "
                            "keyboard.down(\"Shift\"); keyboard.down(\"Z\") [CDP, commands ['redo']]; "
                            "keyboard.up(\"Z\"); keyboard.up(\"Shift\")")
    sent = [a[1]["modifiers"] for n, a, _ in log if n == "cdp.send"]
    assert sent == [4, 4 | 8]


def test_caps_lock_pressed_by_keydown_or_a_hotkey_toggles_what_write_types():
    _, outs, _ = run('pyautogui.keyDown("capslock")\npyautogui.keyUp("capslock")\npyautogui.write("ab")\n'
                     'pyautogui.hotkey("capslock")\npyautogui.write("ab")')
    assert [o.call for o in outs[2::2]] == ["keyboard.type('AB')", "keyboard.type('ab')"]


@pytest.mark.parametrize("os_name", ["macos", "linux"])
def test_control_v_on_a_macos_task_carries_a_no_op_command_and_says_so(os_name):
    # Linux Chromium pastes on Control+V unless the keydown's commands ran; a Mac's text field ignores it.
    page = FakePage()
    ad = Adapter(page, viewport=(1440, 900), platform="desktop", os_name=os_name)  # type: ignore[arg-type]
    outs = [ad.perform(a) for a in parse_script('pyautogui.hotkey("ctrl", "v")\npyautogui.keyDown("ctrl")\n'
                                                'pyautogui.write("gvg")\npyautogui.keyUp("ctrl")')]
    sent = [a[1] for n, a, _ in page.log if n == "cdp.send"]
    if os_name == "macos":
        assert outs[0].call == ('keyboard.down("Control"); keyboard.down("v") [CDP, commands '
                                "['defaultParagraphSeparator']: a no-op, a Mac's text fields ignore this key]; "
                                'keyboard.up("v"); keyboard.up("Control")')
        assert sent[0] == {"type": "rawKeyDown", "modifiers": 2, "key": "v", "code": "KeyV",
                           "windowsVirtualKeyCode": 86, "commands": ["defaultParagraphSeparator"]}
        # the "v" of a write with Control held too; the letters around it (no Mac command of their own: Control+A
        # would be one) are typed as before
        assert outs[2].call.startswith("keyboard.type('g'); keyboard.down(\"v\") [CDP, commands")
        assert outs[2].call.endswith("keyboard.up(\"v\"); keyboard.type('g')")
        assert len(sent) == 2
    else:
        assert outs[0].call == 'keyboard.down("Control"); keyboard.down("v"); keyboard.up("v"); keyboard.up("Control")'
        assert outs[2].call == "keyboard.type('gvg')"
        assert sent == []


def test_press_write_and_key_synonyms():
    log, outs, _ = run(
        'pyautogui.press("Return")\npyautogui.press(["esc", "tab"], presses=2)\n'
        'pyautogui.typewrite("hi there")\npyautogui.keyDown("ctrl")\npyautogui.keyUp("control")'
    )
    assert [(n, a[0]) for n, a, _ in log] == [
        ("keyboard.press", "Enter"),
        ("keyboard.press", "Escape"),
        ("keyboard.press", "Tab"),
        ("keyboard.press", "Escape"),
        ("keyboard.press", "Tab"),
        ("keyboard.type", "hi there"),
        ("keyboard.down", "Control"),
        ("keyboard.up", "Control"),
    ]
    assert all(o.outcome == "ok" for o in outs)


def test_a_write_of_key_names_presses_each_key_as_pyautogui_does():
    log, outs, _ = run('pyautogui.typewrite(["a", "b", "left", "left", "X", "enter"])')
    assert [(n, a[0]) for n, a, _ in log] == [
        *(("keyboard.press", k) for k in ("a", "b", "ArrowLeft", "ArrowLeft")),
        ("keyboard.down", "Shift"), ("keyboard.press", "X"), ("keyboard.up", "Shift"),  # a capital, as in write()
        ("keyboard.press", "Enter")]
    assert [o.outcome for o in outs] == ["ok"]


def test_press_holds_shift_for_a_shifted_symbol_unless_it_is_held():
    """A page saw press("!") with shiftKey false; PyAutoGUI holds Shift for it, as write("!") does here."""
    log, _, _ = run('pyautogui.press("!")\npyautogui.press("1")\npyautogui.keyDown("shift")\npyautogui.press("?")')
    assert [(n, a[0]) for n, a, _ in log] == [
        ("keyboard.down", "Shift"), ("keyboard.press", "!"), ("keyboard.up", "Shift"),
        ("keyboard.press", "1"),
        ("keyboard.down", "Shift"), ("keyboard.press", "?"),  # Shift held already: not pressed again
    ]


def test_write_holds_shift_for_capitals_and_shifted_symbols_as_pyautogui_does():
    """A page sees a Shift keydown and shiftKey on "B" and "!"; Playwright's type() alone sent them without."""
    log, _, _ = run('pyautogui.write("aB1!x")\npyautogui.keyDown("shift")\npyautogui.write("q")')
    assert [(n, a[0]) for n, a, _ in log] == [
        ("keyboard.type", "a"),
        ("keyboard.down", "Shift"), ("keyboard.type", "B"), ("keyboard.up", "Shift"),
        ("keyboard.type", "1"),
        ("keyboard.down", "Shift"), ("keyboard.type", "!"), ("keyboard.up", "Shift"),
        ("keyboard.type", "x"),
        ("keyboard.down", "Shift"), ("keyboard.type", "Q"),  # Shift held already: not pressed again
    ]


@pytest.mark.parametrize(
    "script",
    [
        'pyautogui.hotkey("ctrl", "t")',
        'pyautogui.hotkey("ctrl", "w")',
        'pyautogui.hotkey("ctrl", "n")',
        'pyautogui.hotkey("command", "q")',
        'pyautogui.hotkey("command", "space")',
        'pyautogui.hotkey("alt", "tab")',
        'pyautogui.press("win")',
        'pyautogui.press("printscreen")',
        # reload and history: the replay's key events never reach the browser's chrome (reported ok, they reloaded
        # and went back nowhere)
        'pyautogui.press("f5")',
        'pyautogui.hotkey("ctrl", "r")',
        'pyautogui.hotkey("ctrl", "shift", "r")',
        'pyautogui.hotkey("command", "r")',
        'pyautogui.hotkey("alt", "left")',
        'pyautogui.hotkey("alt", "right")',
        'pyautogui.hotkey("command", "[")',
        'pyautogui.press("browserrefresh")',
        'pyautogui.press("browserback")',
    ],
)
def test_browser_and_os_shortcuts_are_unsupported_on_the_web_not_crashes(script):
    log, outs, _ = run(script, platform="web")
    assert log == [] and outs[0].outcome.startswith("unsupported")


def test_desktop_apps_receive_their_own_shortcuts_but_not_the_os_ones():
    _, outs, _ = run(
        'pyautogui.hotkey("ctrl", "n")\npyautogui.hotkey("alt", "tab")\npyautogui.press("win")',
        platform="desktop",
    )
    assert [o.outcome.split(":")[0] for o in outs] == ["ok", "unsupported", "unsupported"]


def test_unknown_key_is_an_error_step():
    log, outs, _ = run('pyautogui.press("notakey")')
    assert log == [] and outs[0].outcome.startswith("error: unknown key")


def test_a_character_off_the_us_keyboard_is_typed_by_press_and_never_held():
    # Playwright's keyboard is a US layout: "ä" has no key. A press types it (as write does); a hotkey or keyDown
    # cannot hold it and says so, pressing nothing (before, Control stayed down after the failed "ö").
    log, outs, _ = run('pyautogui.press("ä")\npyautogui.hotkey("ctrl", "ö")\npyautogui.keyDown("é")\n'
                       'pyautogui.press("\\x01")')
    assert log == [("keyboard.type", ("ä",), {})]
    assert [o.outcome.split(":")[0] for o in outs] == ["ok", "unsupported", "unsupported", "error"]
    assert "not a key of the replay's US keyboard" in outs[1].outcome
    assert outs[3].outcome.startswith("error: unknown key name")


def test_a_hotkey_whose_press_fails_releases_what_it_held():
    page = FakePage()

    def down(key: str) -> None:
        if key == "c":
            raise RuntimeError("Keyboard.down: the page is gone")
        page.log.append(("keyboard.down", (key,), {}))

    page.keyboard.down = down  # type: ignore[method-assign]
    ad = Adapter(page, viewport=(800, 600), dpr=1.0, platform="web")  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        ad.perform(parse_script('pyautogui.hotkey("ctrl", "shift", "c")')[0])
    assert [(n, a[0]) for n, a, _ in page.log] == [("keyboard.down", "Control"), ("keyboard.down", "Shift"),
                                                  ("keyboard.up", "Shift"), ("keyboard.up", "Control")]


def test_sleep_is_capped():
    log, _, _ = run("pyautogui.sleep(3600)")
    assert log == [("wait", (SLEEP_CAP_S * 1000,), {})]


def test_key_names():
    assert [playwright_key(k) for k in ("enter", "ESC", "pgdn", "num5", "f12", "A", "volumeup", " q ")] == [
        "Enter",
        "Escape",
        "PageDown",
        "5",  # the keypad types digits, as with NumLock on (Chromium's Numpad5 is "Clear")
        "F12",
        "A",
        "AudioVolumeUp",
        "q",  # trimmed, as the scorer reads key names
    ]
    assert unsupported_combo(("ctrl", "s"), "web") is None
