"""The one parser: what it accepts, what it refuses (with line and column), and the canonical format."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omniact.actions import (
    _VALID_LINE,
    ACTIONS,
    Action,
    _certainly_invalid,
    _parse_ast,
    _parse_simple,
    _Tween,
    api_stubs,
    format_script,
    is_plain_script,
    normalize_key,
    parse_script,
    parse_unless_refused,
    script_is_valid,
    script_points,
)
from omniact.errors import ParseError

# The plain-script pattern as one expression over a whole script: the oracle for the line-by-line check.
_VALID_SCRIPT = re.compile(rf"{_VALID_LINE.pattern}(?:\n{_VALID_LINE.pattern})*")


def test_reads_omniact_gold_lines_with_any_spacing():
    acts = parse_script('import pyautogui\n# go\n\npyautogui.click(150.5,120.0)\npyautogui.write("Seattle, WA")\n'
                        'pyautogui.press("enter")\npyautogui.hotkey("ctrl", "c")\n'
                        'pyautogui.dragTo(243, 179, button="left")\ntime.sleep(1)\n')
    assert [a.name for a in acts] == ["click", "write", "press", "hotkey", "dragTo"]
    assert acts[0].point == (150.5, 120.0) and acts[0].line == 4
    assert acts[1].text == "Seattle, WA"
    assert acts[2].keys == ("enter",)
    assert acts[3].keys == ("ctrl", "c")
    assert acts[4].point == (243.0, 179.0) and acts[4].get("button") == "left"


def test_keyword_and_positional_arguments_bind_alike():
    a, b, c = parse_script("pyautogui.click(x=10, y=20, button='right')\npyautogui.click(10, 20, 1, 0.0, 'right')\n"
                           "pyautogui.click((10, 20), button='right')")
    assert a.point == b.point == c.point == (10.0, 20.0)
    assert a.get("button") == b.get("button") == c.get("button") == "right"


@pytest.mark.parametrize("text,keys,interval", [
    ('pyautogui.typewrite(["a", "b", "left", "X"])', ("a", "b", "left", "X"), None),
    ("pyautogui.write(['tab', 'enter'], 0.25)", ("tab", "enter"), 0.25),
    ('pyautogui.write(message=("esc",), interval=0.5)', ("esc",), 0.5),
])
def test_write_of_key_names_is_the_press_it_is_in_pyautogui(text, keys, interval):
    (a,) = parse_script(text)
    assert a.name == "press" and a.get("keys") == keys and dict(a.args).get("interval") == interval
    assert a.keys == tuple(normalize_key(k) for k in keys) and a.text is None
    written = format_script([a])
    assert written.startswith(f"pyautogui.{text[10:].split('(')[0]}(") and parse_script(written) == [a]


@pytest.mark.parametrize("text,words", [
    ("pyautogui.write([])", "pyautogui.write: message must be a string or a list of key names, not []"),
    ('pyautogui.typewrite(["a", 3])', "pyautogui.typewrite: message must be a string or a list of key names"),
    ('pyautogui.write(["a"], speed=2)', "pyautogui.write has no argument 'speed'"),
])
def test_a_write_of_a_bad_list_is_refused_as_writes(text, words):
    with pytest.raises(ParseError, match=re.escape(words)):
        parse_script(text)


def test_typewrite_is_an_alias_of_write_and_keeps_its_name():
    (a,) = parse_script("pyautogui.typewrite('hi')")
    assert a.name == "write" and a.alias == "typewrite" and a.text == "hi"
    assert format_script([a]) == 'pyautogui.typewrite("hi")'


def test_press_takes_a_list_and_presses():
    (a,) = parse_script("pyautogui.press(['tab', 'Return'], presses=2)")
    assert a.keys == ("tab", "enter") and a.get("presses") == 2


@pytest.mark.parametrize("script, line, col, words", [
    ("pyautogui.click(1,2)\nos.system('rm -rf /')", 2, 1, "os.system"),
    ("eval('1+1')", 1, 1, "only pyautogui"),
    ("pyautogui.click(__import__('os'), 2)", 1, 17, "literals"),
    ("pyautogui.click(1e999, 2)", 1, 17, "finite"),
    ("pyautogui.clik(1, 2)", 1, 1, "did you mean click"),
    ("pyautogui.click(1)", 1, 1, "both x and y"),
    ("pyautogui.write()", 1, 1, "message"),
    ("pyautogui.write(message='a', message='b')", 1, 38, "given twice"),
    ("pyautogui.press(enter)", 1, 17, "literals"),
    ("pyautogui.click(1, 2, button='sideways')", 1, 1, "button"),
    ("pyautogui.click(1, 2, foo=3)", 1, 1, "no argument 'foo'"),
    ("pyautogui.hotkey()", 1, 1, "at least one key"),
    ("x = pyautogui.click(1, 2)", 1, 1, "only pyautogui"),
    ("pyautogui.click(1, 2", 1, 16, "not valid Python"),
    ("import os", 1, 1, "only pyautogui"),
    ("pyautogui.click(1, 2); pyautogui.write(f'{x}')", 1, 40, "literals"),
])
def test_refuses_anything_but_literal_pyautogui_calls(script, line, col, words):
    with pytest.raises(ParseError) as e:
        parse_script(script)
    assert e.value.line == line
    assert e.value.col == col
    if words:
        assert words in str(e.value)


@pytest.mark.parametrize("bad", [None, 42, ["pyautogui.click(1,2)"], b"pyautogui.click(1,2)",
                                 "(" * 10_000, "pyautogui.write('" + "a" * 300_000 + "')",
                                 "pyautogui.write('a\x00b')", "\x00"])
def test_hostile_inputs_are_parse_errors_not_crashes(bad):
    with pytest.raises(ParseError):
        parse_script(bad)


def test_nothing_is_ever_executed(tmp_path):
    marker = tmp_path / "pwned"
    for s in (f"open({str(marker)!r}, 'w')", f"pyautogui.write(open({str(marker)!r}, 'w'))",
              f"pyautogui.click(*[open({str(marker)!r}, 'w')])"):
        with pytest.raises(ParseError):
            parse_script(s)
    assert not marker.exists()


def test_key_names_are_normalised_in_one_place():
    assert [normalize_key(k) for k in ("Return", "ESC", "escape", "Control", "cmd", "option", "del", "PgDn")] == \
        ["enter", "esc", "esc", "ctrl", "command", "alt", "delete", "pagedown"]


def test_every_action_has_a_stub_and_description():
    stubs = api_stubs().splitlines()
    assert len(stubs) == len(ACTIONS)
    assert 'pyautogui.click(x, y, clicks=1, interval=0.0, button="left"' in stubs[0]
    assert any(s.startswith("pyautogui.hotkey(*keys") for s in stubs)


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20)
_num = st.one_of(st.integers(-5000, 5000), st.floats(-5000, 5000, allow_nan=False).map(lambda f: round(f, 3)))
_key = st.sampled_from(["enter", "tab", "a", "ctrl", "shift", "command", "f5", "Return", "esc"])


@st.composite
def _actions(draw):
    name = draw(st.sampled_from(sorted(ACTIONS)))
    spec = ACTIONS[name]
    kw = {}
    if spec.varargs is not None:
        kw["keys"] = tuple(draw(st.lists(_key, min_size=1, max_size=3)))
    for p in spec.params:
        if p.required or draw(st.booleans()):
            if p.kind == "coord":
                if p.name == "y" and "x" not in kw:
                    continue
                kw[p.name] = draw(_num)
                if p.name == "x":
                    kw["y"] = draw(_num)
            elif p.kind == "int":
                kw[p.name] = draw(st.integers(-20, 20))
            elif p.kind == "number":
                kw[p.name] = draw(st.floats(0, 5).map(lambda f: round(f, 2)))
            elif p.kind == "text":
                kw[p.name] = draw(_text)
            elif p.kind == "key":
                kw[p.name] = draw(_key)
            elif p.kind == "keys":
                kw[p.name] = draw(st.one_of(_key, st.lists(_key, min_size=1, max_size=3).map(tuple)))
            elif p.kind == "button":
                kw[p.name] = draw(st.sampled_from(["left", "right", "middle"]))
            elif p.kind == "bool":
                kw[p.name] = draw(st.booleans())
            elif p.kind == "tween":
                kw[p.name] = _Tween(draw(st.sampled_from(["linear", "easeInQuad", "easeOutElastic"])))
    return Action.make(name, **kw)


@settings(max_examples=300, deadline=None)
@given(st.lists(_actions(), max_size=6))
def test_format_then_parse_round_trips(actions):
    text = format_script(actions)
    assert parse_script(text) == actions
    assert format_script(parse_script(text)) == text


def test_a_tween_after_every_earlier_argument_is_written_as_the_keyword_the_parser_reads():
    text = "pyautogui.moveTo(100, 200, duration=0.5, tween=pyautogui.easeInQuad)"
    assert format_script(parse_script(text)) == "pyautogui.moveTo(100, 200, 0.5, tween=pyautogui.easeInQuad)"
    assert parse_script(format_script(parse_script(text))) == parse_script(text)


# The fast paths must never disagree with the ast parser.
_fragments = st.sampled_from([
    "pyautogui.click(412.5,88.0)", "pyautogui.click(1, 2, button='right')", "pyautogui.click(x=1, y=2)",
    "pyautogui.click(1,2,)", "pyautogui.click(1,,2)", "pyautogui.click(007, 1)", "pyautogui.click(1e999, 1)",
    "pyautogui.click(-0.0, +5)", "pyautogui.click(x=1, 2)", "pyautogui.click(1, 2, clicks=2.0)",
    "pyautogui.click(1, 2, clicks=2.5)", 'pyautogui.write("a, b (c)")', "pyautogui.write('don\\'t')",
    'pyautogui.write("tab\\there")', "pyautogui.typewrite('x', interval=0.1)", 'pyautogui.press("")',
    'pyautogui.press(["a", "b"])', "pyautogui.hotkey('ctrl', 'c')", 'pyautogui.hotkey("ctrl","shift", "t")',
    "pyautogui.dragTo(243, 179, button=\"left\")", "pyautogui.rightClick(1, 2, button='left')",
    "pyautogui.scroll(-10)", "pyautogui.hscroll(5, 10, 20)", "pyautogui.scroll(1.5)", "pyautogui.sleep(1)",
    "pyautogui.keyDown('shift')", "pyautogui.moveTo(1, 2, tween=pyautogui.easeInQuad)", "import pyautogui",
    "import time", "time.sleep(2)", "# a comment", "  # indented comment", "", "   ", "  pyautogui.click(1,2)",
    "pyautogui.click(1,2)  # trailing", "pyautogui.click(1,2); pyautogui.click(3,4)", "x = 1", "\"\"\"",
    "pyautogui.Click(1, 2)", "pyautogui.click (1, 2)", "pyautogui.click(1, 2)\t", "pyautogui.click(True, 2)",
    "pyautogui.click(None, None)", "pyautogui.click(1_000, 2)", "pyautogui.write(message='a', message='b')",
    "pyautogui.click(1,\\", "2)", "pyautogui.click(10000000000000000, 1)", "pyautogui.write(\"\")",
    "pyautogui.hotkey('ctrl',)", "pyautogui.press('enter', presses=3)", "# x\rpyautogui.evil()",
    # Keyword points, prose around code and calls cut off mid-way (the quick validity and invalidity checks).
    "pyautogui.moveTo(x = 3, y=4.5)", "pyautogui.click(y=1, x=2)", "pyautogui.dragTo(x=1, y=2, button='left')",
    "Here is the script:", "```python", "```", "Done.", "pyautogui.click(10, ", "pyautogui.click(10, 2))",
    "pyautogui.write('a', ", "print(1)", "timeout(3)", "importx pyautogui", "pyautogui_x.click(1, 2)",
    "pyautogu\uff49.click(1, 2)", "t\u0131me.sleep(1)", "pyautogui.click([1, 2)", "(pyautogui.click(1, 2))",
    "pyautogui.click(1, 2", ")", "\"\"\"pyautogui.click(1, 2", "# (", "pyautogui.click(1,2) \\",
    # Two-number points in every literal form (the point fast path) and calls that only look like one.
    "pyautogui.click(1., .5)", "pyautogui.moveTo(+1, -2e3)", "pyautogui.click(1e5,2E-3)", "pyautogui.mouseDown(0, 0)",
    "pyautogui.click(0000, 1)", "pyautogui.click(99999999999999999, 1)", "pyautogui.click(1 , 2 )",
    "pyautogui.click(1,\t2)", "pyautogui.typewrite(1, 2)", "pyautogui.scroll(1, 2)", "pyautogui.tripleClick(-0, 1.0)",
    # Points by keyword and a scroll's point (`script_points` reads them from plain lines without parsing).
    "pyautogui.scroll(-3, x=5, y=-0)", "pyautogui.hscroll(2, -0.0, 7.)", "pyautogui.click( x=0 ,y = -0 , button='right')",
    # Lone surrogates (a JSON "\ud800" escape in an answer), which Python cannot compile: in strings, comments, names.
    'pyautogui.write("\ud800")', "pyautogui.write('a\udc80b')  # note", "# \udfff", 'pyautogui.press(["\ud800"])',
    "pyautogui.write(r'\ud800')", "x\ud800 = 1",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(_fragments, max_size=5), st.sampled_from(["\n", "\r\n"]))
def test_fast_paths_agree_with_the_ast_parser(lines, sep):
    text = sep.join(lines)
    try:
        expected = _parse_ast(text)
    except ParseError:
        expected = None
    fast = _parse_simple(text)
    if fast is not None:
        assert fast == expected and [a.line for a in fast] == [a.line for a in expected]
    if _VALID_SCRIPT.fullmatch(text):
        assert expected is not None, "the validity pattern accepted a script the parser refuses"
    assert is_plain_script(text) == (_VALID_SCRIPT.fullmatch(text) is not None)  # line by line, remembered
    if _certainly_invalid(text):
        assert expected is None, "the quick invalidity check refused a script the parser accepts"
    assert script_is_valid(text) == (expected is not None)
    # The points drawn on a task page: each action's point, -0.0 and all (repr tells it from 0.0); None if refused.
    points = None if expected is None else [a.point for a in expected if a.point is not None]
    assert repr(script_points(text)) == repr(points)
    try:
        assert parse_script(text) == expected
    except ParseError:
        assert expected is None
    try:  # strict scoring's reading: the same actions, or None / ParseError exactly where the parser refuses
        quick = parse_unless_refused(text)
    except ParseError:
        quick = None
    assert quick == expected and (quick is None or [a.line for a in quick] == [a.line for a in expected])


def test_a_lone_surrogate_reads_the_same_with_or_without_a_comment_after_it():
    # (with the comment, the ast parser was used, which could not compile it: "too deeply nested or too large")
    plain = parse_script('pyautogui.write("a\ud800")')
    assert parse_script('pyautogui.write("a\ud800")  # a note') == plain
    assert [a.get("message") for a in plain] == ["a\ud800"]
    with pytest.raises(ParseError, match=r"invalid non-printable character U\+D800"):
        parse_script("pyautogui.click(1, 2)\nx\ud800 = 1")


def test_huge_scripts_are_read_but_not_remembered():
    # The parse memos keep at most 65,536 entries each; a hostile run of distinct 200 kB scripts must not make
    # them hold gigabytes, so only texts of a real script's size are kept.
    from omniact import actions

    text = 'pyautogui.write("' + "a" * 10_000 + '")'
    assert parse_script(text)[0].text == "a" * 10_000 and script_is_valid(text)
    assert text not in actions._PARSED and text not in actions._PLAIN_OK and text not in actions._LINES
    small = 'pyautogui.write("abc")'
    assert parse_script(small) and small in actions._PARSED


def test_a_refused_script_keeps_nothing_of_its_parse_while_the_collector_is_paused():
    """Scoring pauses the cyclic collector; a refused 200 kB answer kept its whole ast (39 MB) until the end, so a
    10 MB submission of them took 2 GB."""
    import gc
    import tracemalloc

    scripts = [f"pyautogui.click({i}," + "1," * 60_000 + ")" for i in range(3)]  # too many arguments: refused
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for s in scripts:
            with pytest.raises(ParseError, match="arguments"):
                parse_script(s)
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        gc.enable()
    assert kept < 2_000_000, f"{kept:,} bytes kept by three refused scripts"


def test_a_script_parses_the_same_whatever_the_interpreters_warning_settings():
    """``"C:\\help"`` holds an invalid escape sequence, which the compiler warns about: under ``-W error`` (as some CI
    sets PYTHONWARNINGS) that warning was a SyntaxError, and the script was refused there while read everywhere
    else. Nor is anything printed about it."""
    import subprocess
    import sys

    script = 'pyautogui.write("C:\\\\help")\\npyautogui.press("enter")'
    code = f"from omniact.actions import parse_script; print([a.name for a in parse_script('{script}')])"
    # (the last: a program that makes every warning an error once omniact has parsed a script already)
    first = "import warnings; from omniact.actions import parse_script; parse_script('pyautogui.write(\"x\\\\qy\")'); "
    later = first + "warnings.simplefilter('error'); " + code
    for flag, program in (("error", code), ("default", code), ("ignore", code), ("default", later)):
        proc = subprocess.run([sys.executable, "-W", flag, "-c", program], capture_output=True, text=True,
                              check=False)
        assert (proc.returncode, proc.stdout.strip(), proc.stderr) == (0, "['write', 'press']", ""), (flag, program)


@pytest.mark.parametrize("name", ["rightClick", "middleClick"])
def test_right_and_middle_click_take_interval_third_as_pyautogui_does(name):
    """PyAutoGUI's rightClick(x, y, interval, duration, tween): `interval=` was refused ("has no argument") and a
    third positional number was read as the duration, the fourth as the tween."""
    by_keyword = parse_script(f"pyautogui.{name}(250, 120, interval=0.1)")[0]
    assert dict(by_keyword.args)["interval"] == 0.1
    by_position = parse_script(f"pyautogui.{name}(250, 120, 0.1, 0.2)")[0]
    assert dict(by_position.args) == {"x": 250, "y": 120, "interval": 0.1, "duration": 0.2}
    assert format_script([by_position]) == f"pyautogui.{name}(250, 120, 0.1, 0.2)"
