"""Keys as a real desktop types them under PyAutoGUI, checked on what a page in Chromium sees: a field's value and
its keydown events with their modifiers (a review compared replays with PyAutoGUI on a desktop)."""

from __future__ import annotations

import string

import pytest

from omniact.actions import parse_script
from omniact.sandbox.adapter import Adapter, playwright_key

# A field that logs every keydown as key+modifiers (C ctrl, S shift, M meta, A alt), and a second one whose page
# handles Command+A itself, as the built-in macOS apps handle their shortcuts.
FIELD = """<!doctype html><meta charset="utf-8">
<input id="t" style="position:absolute;left:100px;top:100px;width:300px;height:40px">
<input id="own" style="position:absolute;left:100px;top:200px;width:300px;height:40px">
<script>
window.K = [];
document.addEventListener('keydown', e => K.push(e.key + (e.ctrlKey ? '+C' : '') + (e.shiftKey ? '+S' : '')
  + (e.metaKey ? '+M' : '') + (e.altKey ? '+A' : '')), true);
document.getElementById('own').addEventListener('keydown', e => {
  if (e.metaKey && e.key === 'a') { e.preventDefault(); e.target.value += '[mine]'; }
});
</script>"""
CLICK = "pyautogui.click(250, 120)\n"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 800, "height": 600})
    p = context.new_page()
    p.set_content(FIELD)
    yield p
    context.close()


def replay(page, script: str, platform: str = "web", os_name: str | None = None) -> tuple[list[str], str, str]:
    """Each step's outcome, the field's value and the page's keydowns (space separated)."""
    ad = Adapter(page, viewport=(800, 600), platform=platform, os_name=os_name)
    outs = [ad.perform(a).outcome for a in parse_script(script)]
    value, keys = page.evaluate("[document.getElementById('t').value, K.join(' ')]")
    return outs, value, keys



@pytest.mark.parametrize("platform", ["web", "desktop"])
@pytest.mark.browser
def test_command_a_selects_all_in_a_text_field_as_on_a_mac(page, platform):
    # Before: Chromium on Linux binds nothing to Meta, so "hello worldX" (a Mac gives "X"); every step said ok.
    outs, value, keys = replay(page, CLICK + 'pyautogui.write("hello world")\npyautogui.hotkey("command", "a")\n'
                               'pyautogui.write("X")', platform)
    assert outs == ["ok"] * 4
    assert value == "X"
    assert keys.endswith("Meta+M a+M Shift+S X+S")  # the page's own events are as before: keydown "a" with metaKey


@pytest.mark.parametrize("os_name", ["macos", "windows", None])
@pytest.mark.browser
def test_option_and_control_keys_move_and_delete_as_on_a_mac_on_a_macos_task(page, os_name):
    """On a Mac, Option+Left moves a word left, Control+A and Control+E go to the line's ends, Option+Backspace
    deletes a word: a macOS task's replay does so (Linux Chromium does not: Control+A selects all there, as on
    Windows, whose tasks keep it). The page still sees each keydown with its modifier."""
    outs, value, keys = replay(page, CLICK + 'pyautogui.write("hello world")\npyautogui.hotkey("option", "left")\n'
                               'pyautogui.write("big ")\npyautogui.hotkey("ctrl", "a")\npyautogui.write(">")\n'
                               'pyautogui.hotkey("ctrl", "e")\npyautogui.hotkey("option", "backspace")\n'
                               'pyautogui.write("!")', "desktop", os_name)
    assert set(outs) == {"ok"}
    if os_name == "macos":
        assert value == ">hello big !"
    else:
        assert value.startswith(">") and "hello" not in value  # Control+A selected all, and ">" replaced it
    assert "ArrowLeft+A" in keys and "a+C" in keys and "Backspace+A" in keys


def test_a_suite_tasks_replay_knows_its_os():
    import omniact
    from omniact.sandbox.replay import job_for_task

    ds = omniact.load_split(None, "test")
    by_os = {t.screen.os: job_for_task(t, "").os_name for t in ds.tasks if t.env}
    assert by_os == {"macos": "macos", "windows": "windows", "linux": "linux", None: None}


@pytest.mark.parametrize("os_name", [None, "macos"])
@pytest.mark.browser
def test_command_c_v_x_z_and_shift_z_copy_paste_cut_undo_redo(page, os_name):
    platform = "web" if os_name is None else "desktop"
    outs, value, _ = replay(page, CLICK + 'pyautogui.write("ab")\npyautogui.hotkey("command", "a")\n'
                            'pyautogui.hotkey("command", "c")\npyautogui.press("end")\npyautogui.hotkey("command", "v")\n',
                            platform, os_name)
    assert value == "abab" and set(outs) == {"ok"}
    _, value, _ = replay(page, 'pyautogui.hotkey("command", "a")\npyautogui.hotkey("command", "x")', platform, os_name)
    assert value == ""
    _, value, _ = replay(page, 'pyautogui.hotkey("command", "z")', platform, os_name)
    assert value == "abab"
    _, value, _ = replay(page, 'pyautogui.hotkey("command", "shift", "z")', platform, os_name)
    assert value == ""


OWN = "pyautogui.click(250, 220)\n"  # the second field


def _own(page) -> str:
    return page.evaluate("document.getElementById('own').value")


@pytest.mark.parametrize("os_name", ["macos", "linux", "windows", None])
@pytest.mark.browser
def test_control_c_v_x_z_edit_text_except_on_a_macos_task(page, os_name):
    """A Mac's text fields ignore Control+C, V, X, Z and Control+Shift+Z (Command edits): a macOS task's replay copied,
    pasted, cut, undid and redid with them as Linux Chromium does, so hotkey("ctrl", "v") passed where a Mac fails.
    Other tasks keep them. The page sees every keydown with ctrlKey, its default not prevented, either way."""
    mac = os_name == "macos"
    platform = "web" if os_name is None else "desktop"
    page.evaluate("window.P = []; addEventListener('keydown', e => { if (e.ctrlKey) P.push(e.defaultPrevented); })")
    word = f"copied-{os_name}"  # the clipboard is the browser's: another test's copy may be in it
    outs, value, _ = replay(page, CLICK + f'pyautogui.write("{word}")\npyautogui.hotkey("command", "a")\n'
                            'pyautogui.hotkey("ctrl", "c")\n' + OWN + 'pyautogui.hotkey("ctrl", "v")', platform, os_name)
    assert set(outs) == {"ok"} and value == word
    assert _own(page) == ("" if mac else word)
    replay(page, 'pyautogui.hotkey("command", "v")', platform, os_name)  # what Control+C left in the clipboard
    assert (word in _own(page)) is not mac
    steps = ['pyautogui.hotkey("command", "a")\npyautogui.hotkey("ctrl", "x")', 'pyautogui.write("X")',
             'pyautogui.hotkey("ctrl", "z")', 'pyautogui.hotkey("command", "z")', 'pyautogui.hotkey("ctrl", "shift", "z")']
    values = [replay(page, (CLICK if i == 0 else "") + step, platform, os_name)[1] for i, step in enumerate(steps)]
    # cut, typed over the selection, undo, Command's undo (of the typing on a Mac, of the cut elsewhere), redo
    assert values == ([word, "X", "X", word, word] if mac else ["", "X", "", word, ""])
    keys = page.evaluate("K.join(' ')")
    assert all(k in keys.split() for k in ("c+C", "v+C", "x+C", "z+C", "z+C+S"))  # as Playwright sends them
    assert page.evaluate("P.length") >= 10 and not any(page.evaluate("P"))


@pytest.mark.parametrize("os_name", ["macos", "linux"])
@pytest.mark.browser
def test_linuxs_other_editing_keys_do_as_a_mac_does_on_a_macos_task(page, os_name):
    """Linux Chromium's editing keys a Mac lacks acted as on Linux on a macOS task: Control+Shift+V and Shift+Insert
    pasted, Control+Insert copied and Shift+Delete cut (a Mac's "insert" is its Help key, Shift+Delete deletes
    forward), Control+Y redid (a Mac's yank), Control+I and U set italic and underline; Control+T, a Mac's
    transpose, did nothing. Other tasks keep Linux's meaning."""
    mac = os_name == "macos"
    word = f"clip-{os_name}"  # the clipboard is the browser's: another test's copy may be in it
    replay(page, CLICK + f'pyautogui.write("{word}")\npyautogui.hotkey("command", "a")\npyautogui.hotkey("command", "c")',
           "desktop", os_name)
    pasted = []
    for combo in ('"ctrl", "shift", "v"', '"shift", "insert"'):
        page.evaluate("document.getElementById('own').value = ''")
        outs, _, _ = replay(page, OWN + f"pyautogui.hotkey({combo})", "desktop", os_name)
        assert set(outs) == {"ok"}
        pasted.append(_own(page))
    assert pasted == (["", ""] if mac else [word, word])
    # Control+Insert on other text, then Command+V: the clipboard as Control+Insert left it
    page.evaluate("document.getElementById('own').value = ''")
    replay(page, CLICK + 'pyautogui.hotkey("command", "a")\npyautogui.write("other")\npyautogui.hotkey("command", "a")\n'
           'pyautogui.hotkey("ctrl", "insert")\n' + OWN + 'pyautogui.hotkey("command", "v")', "desktop", os_name)
    assert _own(page) == (word if mac else "other")
    # Shift+Delete on the selection: gone either way; in the clipboard only where it is a cut
    _, value, _ = replay(page, CLICK + 'pyautogui.hotkey("command", "a")\npyautogui.hotkey("shift", "delete")', "desktop",
                         os_name)
    assert value == ""
    replay(page, 'pyautogui.hotkey("command", "v")', "desktop", os_name)
    assert page.evaluate("document.getElementById('t').value") == (word if mac else "other")
    # Control+K (a Mac deletes to the line's end), Command+Z (undone), then Control+Y: a redo on Linux; on a Mac a
    # yank, of nothing here (it would redo the deletion as a redo)
    page.evaluate("document.getElementById('own').value = ''")
    replay(page, OWN + 'pyautogui.write("abcdef")\npyautogui.press(["left", "left", "left"])\n'
           'pyautogui.hotkey("ctrl", "k")', "desktop", os_name)
    killed = _own(page)
    replay(page, 'pyautogui.hotkey("command", "z")', "desktop", os_name)
    undone = _own(page)
    replay(page, 'pyautogui.hotkey("ctrl", "y")', "desktop", os_name)
    assert (killed, undone, _own(page)) == (("abc", "abcdef", "abcdef") if mac else ("abcdef", "", "abcdef"))
    page.evaluate("document.getElementById('own').value = ''")
    replay(page, OWN + 'pyautogui.write("abc")\npyautogui.press("left")\npyautogui.hotkey("ctrl", "t")', "desktop",
           os_name)
    assert _own(page) == ("acb" if mac else "abc")
    # keyDown("ctrl") then write("a"): Control+A, the line's start on a Mac (select all on Linux)
    page.evaluate("document.getElementById('own').value = ''")
    replay(page, OWN + 'pyautogui.write("abc")\npyautogui.keyDown("ctrl")\npyautogui.write("a")\npyautogui.keyUp("ctrl")\n'
           'pyautogui.write("X")', "desktop", os_name)
    assert _own(page) == ("Xabc" if mac else "X")
    page.evaluate("""document.body.insertAdjacentHTML('beforeend', '<div id="ce" contenteditable '
                  + 'style="position:absolute;left:100px;top:300px;width:300px;height:40px">hello</div>')""")
    replay(page, 'pyautogui.click(250, 320)\npyautogui.hotkey("command", "a")\npyautogui.hotkey("ctrl", "i")\n'
           'pyautogui.hotkey("ctrl", "u")', "desktop", os_name)
    assert page.evaluate("document.getElementById('ce').innerHTML") == ("hello" if mac else "<i><u>hello</u></i>")


@pytest.mark.parametrize("os_name", ["macos", "linux"])
@pytest.mark.browser
def test_a_held_control_with_v_pastes_except_on_a_macos_task(page, os_name):
    # keyDown("ctrl") then write("v"), press("v") or keyDown("v"): each a Control+V, which a Mac ignores.
    word = f"held-{os_name}"
    replay(page, CLICK + f'pyautogui.write("{word}")\npyautogui.hotkey("command", "a")\npyautogui.hotkey("command", "c")',
           "desktop", os_name)
    outs, _, keys = replay(page, OWN + 'pyautogui.keyDown("ctrl")\npyautogui.write("v")\npyautogui.press("v")\n'
                           'pyautogui.keyDown("v")\npyautogui.keyUp("v")\npyautogui.keyUp("ctrl")', "desktop", os_name)
    assert set(outs) == {"ok"}
    assert _own(page) == ("" if os_name == "macos" else word * 3)
    assert keys.split()[-4:] == ["Control+C", "v+C", "v+C", "v+C"]


@pytest.mark.browser
def test_held_command_and_line_moves_edit_as_on_a_mac(page):
    # keyDown("command") then press("a"): the same select-all; Command+Left (desktop: on the web it is the browser's
    # back) goes to the line's start, Shift+Command+Right selects to its end, Command+Backspace deletes to the start.
    outs, value, _ = replay(page, CLICK + 'pyautogui.write("one two")\npyautogui.keyDown("command")\n'
                            'pyautogui.press("a")\npyautogui.keyUp("command")\npyautogui.write("x y")\n'
                            'pyautogui.hotkey("command", "left")\npyautogui.write(">")\n'
                            'pyautogui.hotkey("command", "shift", "right")\npyautogui.write("z")\n'
                            'pyautogui.hotkey("command", "backspace")\npyautogui.write("w")', "desktop")
    assert set(outs) == {"ok"}
    assert value == "w"
    sel = page.evaluate("(() => { const t = document.getElementById('t'); t.value = 'abc def';"
                        " t.setSelectionRange(7, 7); return 0; })()")
    assert sel == 0
    replay(page, 'pyautogui.hotkey("command", "shift", "left")', "desktop")
    assert page.evaluate("[document.getElementById('t').selectionStart, document.getElementById('t').selectionEnd]") \
        == [0, 7]


@pytest.mark.browser
def test_a_page_that_handles_command_a_itself_keeps_it(page):
    # The editing command yields to the page: a handler that prevents the keydown (as the built-in apps do) wins.
    replay(page, 'pyautogui.click(250, 220)\npyautogui.write("hi")\npyautogui.hotkey("command", "a")\n'
           'pyautogui.write("!")')
    assert page.evaluate("document.getElementById('own').value") == "hi[mine]!"


@pytest.mark.browser
def test_a_capital_in_hotkey_and_keydown_gets_shift_as_pyautogui_presses_it(page):
    # Before: hotkey("ctrl", "Z") was Control+Z (undo), "" here; PyAutoGUI presses Shift for "Z": redo.
    outs, value, keys = replay(page, CLICK + 'pyautogui.write("ok")\npyautogui.hotkey("ctrl", "z")\n'
                               'pyautogui.hotkey("ctrl", "Z")')
    assert outs == ["ok"] * 4 and value == "ok"
    assert keys.split()[-3:] == ["Control+C", "Shift+C+S", "Z+C+S"]
    outs, value, keys = replay(page, 'pyautogui.hotkey("ctrl", "z")\npyautogui.keyDown("ctrl")\npyautogui.keyDown("Z")\n'
                               'pyautogui.keyUp("Z")\npyautogui.keyUp("ctrl")')
    assert set(outs) == {"ok"} and value == "ok"
    assert keys.split()[-2:] == ["Shift+C+S", "Z+C+S"]
    # Shift already down: not pressed again
    _, _, keys = replay(page, 'pyautogui.hotkey("ctrl", "shift", "Z")')
    assert keys.split()[-3:] == ["Control+C", "Shift+C+S", "Z+C+S"]


@pytest.mark.parametrize(
    "script",
    [
        'pyautogui.keyDown("ctrl")\npyautogui.press("w")',
        'pyautogui.keyDown("alt")\npyautogui.press("left")',
        'pyautogui.keyDown("ctrl")\npyautogui.write("w")',
        'pyautogui.keyDown("ctrl")\npyautogui.keyDown("t")',
        'pyautogui.keyDown("ctrl")\npyautogui.hotkey("shift", "t")',
        'pyautogui.keyDown("alt")\npyautogui.press("tab")',
    ],
)
@pytest.mark.browser
def test_a_browser_or_os_shortcut_made_with_a_held_modifier_is_unsupported(page, script):
    # Before: ok, and the page saw Control+w, while hotkey("ctrl", "w") was unsupported.
    outs, _, keys = replay(page, script)
    assert outs[0] == "ok" and outs[1].startswith("unsupported: ")
    assert keys == keys.split()[0]  # the page saw the modifier only


@pytest.mark.browser
def test_a_held_modifier_with_other_keys_still_reaches_the_page(page):
    outs, value, keys = replay(page, CLICK + 'pyautogui.write("ab")\npyautogui.keyDown("ctrl")\npyautogui.press("a")\n'
                               'pyautogui.keyUp("ctrl")\npyautogui.write("c")')
    assert set(outs) == {"ok"} and value == "c" and "a+C" in keys


@pytest.mark.browser
def test_caps_lock_turns_typed_letters_to_capitals_until_pressed_again(page):
    # Before: "abc". Caps Lock with Shift types small letters (PyAutoGUI presses Shift for "D"); shortcuts stay.
    outs, value, keys = replay(page, CLICK + 'pyautogui.press("capslock")\npyautogui.write("abc1D")\n'
                               'pyautogui.press("e")\npyautogui.press("capslock")\npyautogui.write("f")')
    assert set(outs) == {"ok"}
    assert value == "ABC1dEf"
    assert keys.split()[:3] == ["CapsLock", "A", "B"]


@pytest.mark.browser
def test_yen_is_a_key(page):
    # Before: ERROR (unknown key name 'yen'). PyAutoGUI maps it on macOS (kVK_JIS_Yen), which types "¥".
    outs, value, keys = replay(page, CLICK + 'pyautogui.press("yen")')
    assert outs == ["ok", "ok"] and value == "¥" and keys == "¥"
    outs, _, _ = replay(page, 'pyautogui.hotkey("ctrl", "yen")\npyautogui.keyDown("yen")\npyautogui.keyUp("yen")')
    assert outs == ["ok"] * 3
    assert page.evaluate("document.getElementById('t').value") == "¥¥"  # keyDown types one; with Control it types nothing


# pyautogui.KEY_NAMES (0.9.54), read from its source: importing pyautogui needs a display.
PYAUTOGUI_KEY_NAMES = [
    *"\t\n\r ", *(c for c in string.printable[:95] if c not in " \t\n\r\x0b\x0c"),
    *"""accept add alt altleft altright apps backspace browserback browserfavorites browserforward browserhome
    browserrefresh browsersearch browserstop capslock clear convert ctrl ctrlleft ctrlright decimal del delete divide
    down end enter esc escape execute f1 f10 f11 f12 f13 f14 f15 f16 f17 f18 f19 f2 f20 f21 f22 f23 f24 f3 f4 f5 f6
    f7 f8 f9 final fn hanguel hangul hanja help home insert junja kana kanji launchapp1 launchapp2 launchmail
    launchmediaselect left modechange multiply nexttrack nonconvert num0 num1 num2 num3 num4 num5 num6 num7 num8 num9
    numlock pagedown pageup pause pgdn pgup playpause prevtrack print printscreen prntscrn prtsc prtscr return right
    scrolllock select separator shift shiftleft shiftright sleep space stop subtract tab up volumedown volumemute
    volumeup win winleft winright yen command option optionleft optionright""".split(),  # noqa: SIM905 - the list as its source prints
]


@pytest.mark.parametrize("name", PYAUTOGUI_KEY_NAMES)
def test_every_pyautogui_key_name_is_known(name):
    # "" is an unknown key (an ERROR step); None an OS key (UNSUPPORTED); yen was the one unknown before.
    assert playwright_key(name) != ""
