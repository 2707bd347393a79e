"""The compiled judge (scoring/_judge.c) against the Python judge: the same outcome for every answer, to the last bit.

A leaderboard's workers judge most answers in C (`scoring.scorer.judge`'s batch path, used with a `seen` dict). What
the C code answers must be exactly what the Python judge answers: the parse-error verdict, the match, each penalty
and the task's row (floats compared by their exact repr, -0.0 apart from 0.0), and the note of a click whose point
the shared parser read. What it does not know, it leaves to Python, so the answers below mix both.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scoring_helpers import make_task

import scoring
from scoring import scorer
from scoring.scorer import judge

BOXES = [((50, 25), (150, 75), True), ((300, 300), (341, 333), True), ((0, 0), (1920, 1080), False),
         ((10.5, 7.25), (11.5, 9.75), True)]
# (centre x, centre y) of each box, as a gold click writes it
CENTRES = [((left + right) / 2, (top + bottom) / 2) for (left, top), (right, bottom), _ in BOXES]


def _judged_both_ways(golds: list[str], answers: list[object]):
    """(the compiled judge's Judged, the Python judge's Judged, how many answers the compiled judge answered) for
    one answer per gold script (task i gets answers[i]), each judged as a leaderboard's worker judges them (and
    checked to be judged alike as `omniact score` judges them)."""
    tasks = [make_task(g, BOXES, task_id=str(i)) for i, g in enumerate(golds)]
    predictions = {str(i): a for i, a in enumerate(answers)}
    compiled = scorer._compiled
    assert compiled is not None, "scoring._judge is not built: run `make setup` (it needs a C compiler)"
    answered = []

    class Counting:  # the compiled judge, counting the answers it gives
        apply = staticmethod(compiled.apply)

        @staticmethod
        def judge_batch(*args):
            answered.append(compiled.judge_batch(*args))
            return answered[-1]

    try:
        scorer._compiled = Counting
        fast = judge(scoring.prepare(tasks), predictions, "reference", {})
        # (without `seen`, as `omniact score` judges one prediction set: the answers go to the compiled judge too)
        once = judge(scoring.prepare(tasks), predictions, "reference", None)
        scorer._compiled = None
        slow = judge(scoring.prepare(tasks), predictions, "reference", {})
    finally:
        scorer._compiled = compiled
    _same(once, slow)
    assert sum(answered[1::2]) == sum(answered[0::2])  # each answer the batch judged, the other path judged in C too
    return fast, slow, sum(answered[0::2])


def _same(fast, slow) -> None:
    assert repr(fast.rows) == repr(slow.rows)  # every float to the bit, -0.0 and 0.0 apart
    assert fast.missing == slow.missing
    assert dict(fast.parse_errors) == dict(slow.parse_errors)
    assert fast.notes == slow.notes


def test_the_compiled_judge_is_built_and_used():
    """`make setup` builds it (a C compiler is on every machine this project sets up); without it every score is the
    same, only slower, and this test says so."""
    from scoring import _judge

    assert scorer._compiled is _judge


@pytest.mark.parametrize(("answer", "answered"), [
    ("pyautogui.click(100.0, 50.0)", True),
    ("pyautogui.click(101.5,48)", True),
    ("PYAUTOGUI.CLICK(160, 50)", True),  # no statement starts with that name: refused, and scored lower-cased
    ("pyautogui.click(x=130.0, y=90.5)", True),  # the point read by the parser, with its note
    ('pyautogui.click(x=130, y=-0, button="right")', True),
    ("pyautogui.click(x=130, y=60,button = 'middle' )", True),
    ('pyautogui.click(x=130, y=60, button="up")', False),  # no button pyautogui has: not the plain pattern
    ("Sure:\npyautogui.click(x=130.0, y=50.0) ok", False),  # more after the call: the parser's message, Python's
    ("pyautogui.click()", True),  # no point: the penalty is 1, with a note
    ("pyautogui.click(10, ", False),  # cut off: the general rule's note words the parser's message, Python's
    ("pyautogui.click(100.0, 50.0)\npyautogui.click(10, ", True),  # a line cut off after: refused, no match
    ("pyautogui.click(100.0, 50.0)\npyautogui.click(1, [2)", True),  # a bracket not closed
    ("pyautogui.click(100.0, 50.0)\npyautogui.click(1, {2)", True),
    ("pyautogui.click(100.0, 50.0)\npyautogui.click(1, 2))", True),  # one closed too many
    ("pyautogui.click(100.0, 50.0)\npyautogui.click(1, [2])", False),  # paired: only the parser knows
    ("pyautogui.click(100.0, 50.0)\npyautogui.click(10, # x", False),  # a comment: the parser decides
    ("pyautogui.click(100.0, 50.0)\npyautogui.write('a", False),  # a quote: the parser decides
    ('pyautogui.click(100.0, 50.0)\npyautogui.press("a', False),
    ("pyautogui.click(100.0, 50.0)\npyautogui.click(10, \\", False),  # a backslash: the parser decides
    ("Here it is:\n```python\npyautogui.click(100.0,50.0)\n```", True),  # prose around code: refused, still scored
    ("pyautogui.click(1e3, 50)", False),  # not the plain pattern's number: Python decides
    ("pyautogui.click(inf, 50)", False),
    ("pyautogui.click(1_00, 50)", False),
    ("Sure:\npyautogui.click(100.0, 50.\x1c)", False),  # float() keeps \x1c (str.strip() drops it): Python's note
    ("Sure:\npyautogui.click(\x1f100.0, 50.0)", False),
    ("Sure:\npyautogui.click(\x0b100.0, 50.0\x0c)", True),  # it strips these
    ("pyautogui.click(100.0, 50.0)\npyautogui.press('enter')", True),  # a line too many: no match
    ("pyautogui.rightClick(100.0, 50.0)", True),  # another name: no match
    ("pyautogui.click(100.0, 50.0)\npyautogui.sleep(0.5)", True),  # a line too many: no match
    ('pyautogui.press("")', False),  # no key: the parser refuses it, in its words
    ("Sure:\npyautogui.click", False),  # the name without its parenthesis: the general rule's note is Python's
    ("pyautogui.click(100.0, 50.0)  # the button", False),  # a comment after a call is not the plain pattern
    ("\n\n  pyautogui.click(x=1, y=2)", False),  # indented: not plain, not prose
    ("\n\npyautogui.click(x=1, y=2)\n", True),  # the note's line number counts the leading blank lines
    ("pyautogui.click(100.0, 50.0)\x00", False),
    ("pyautogui.click(100.0, 50.0)\nÉ", False),  # non-ASCII
    (42, False),  # not text at all
])
def test_each_kind_of_answer_is_judged_as_python_judges_it(answer, answered):
    gold = "pyautogui.click(100.0, 50.0)"
    fast, slow, n = _judged_both_ways([gold], [answer])
    _same(fast, slow)
    assert n == int(answered)


@pytest.mark.parametrize(("gold", "answer"), [
    ('pyautogui.press(" tab ")', 'pyautogui.press("tab")'),  # keys compared stripped
    ('pyautogui.press("tab")', "pyautogui.press(' Tab\t')"),
    ('pyautogui.press("tab")', 'pyautogui.press("tabs")'),
    # a piece of two characters is no key (an empty key is no plain line: in prose, which the parser refuses)
    ('pyautogui.hotkey("ctrl","c")', 'Sure:\npyautogui.hotkey("ctrl","c","")'),
    ('pyautogui.hotkey("ctrl","c")', 'pyautogui.hotkey("ctrl", "c")'),  # " "c"" keeps its quote: another key
    ('pyautogui.hotkey("ctrl", "c")', 'pyautogui.hotkey("ctrl", "c")'),
    ('pyautogui.hotkey("ctrl","c")', "pyautogui.hotkey('c','CTRL')"),
    ('pyautogui.write("ab")', 'pyautogui.write("ab")'),
    ('pyautogui.write("a")', 'pyautogui.write("a")'),  # one character: BLEU-2 of it is not 1
    ('pyautogui.write("hello there")', "pyautogui.write('Hello, there')"),
    ('pyautogui.write("hello")', 'pyautogui.write("")'),
])
def test_keys_and_texts_are_judged_as_python_judges_them(gold, answer):
    fast, slow, n = _judged_both_ways([gold], [answer])
    _same(fast, slow)
    assert n == 1


_LINE = st.one_of(
    st.tuples(st.just("click"), st.sampled_from(range(len(CENTRES))), st.floats(-500, 3000, allow_nan=False),
              st.floats(-500, 3000, allow_nan=False), st.booleans()),
    st.tuples(st.just("write"), st.text(alphabet="abc d", min_size=1, max_size=6), st.text(alphabet="abc d", max_size=6)),
    st.tuples(st.just("press"), st.sampled_from(["a", "b"]), st.sampled_from(["a", "b"])))


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=7))
def test_penalties_add_up_as_python_adds_them(lines):
    """A gold of n lines (n = 1 to 7: 1/n is inexact for most) of clicks, texts and keys, answered with points
    anywhere (by position or by keyword), other texts and other keys: each line's penalty over n, added in line
    order, to the bit."""
    gold, answer = [], []
    for kind, *what in lines:
        if kind == "click":
            b, x, y, keyword = what
            gold.append(f"pyautogui.click({CENTRES[b][0]!r}, {CENTRES[b][1]!r})")
            answer.append(f"pyautogui.click(x={x:.3f}, y={y:.3f})" if keyword else f"pyautogui.click({x:.3f},{y:.3f})")
        else:
            gold.append(f'pyautogui.{kind}("{what[0]}")')
            answer.append(f'pyautogui.{kind}("{what[1]}")')
    gold, answer = "\n".join(gold), "\n".join(answer)
    fast, slow, n = _judged_both_ways([gold], [answer])
    _same(fast, slow)
    assert n == 1


def test_a_keyword_click_gets_the_general_rules_note_and_penalty():
    golds = ['pyautogui.click(100.0, 50.0)\npyautogui.press("enter")']
    fast, slow, n = _judged_both_ways(golds, ['\n\npyautogui.click(x=170.0, y=50.0)\npyautogui.press("Enter")'])
    _same(fast, slow)
    assert n == 1
    assert fast.notes == {0: "predicted line 3: point read by the shared parser (the released string rule fails)"}
    matched, score, click, key, write = fast.rows[0][:5]
    # 20 px right of a 100 x 50 box: 1 - mu / (20 + mu), halved over the two gold lines
    mu = (100 ** 2 + 50 ** 2) ** 0.5
    assert (matched, key, write) == (1, 0.0, 0.0)
    assert click == (1.0 / 2) * (1 - mu / (20.0 + mu))
    assert score == 1 - click


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab c\x00\x7f"), max_size=40), st.text(alphabet="ab cd", max_size=40))
@example("a", "a")  # one character: no pair to match, its precision is the smallest float
@example("ab", "ab")
@example("", "ab")
@example("aaaa", "aa")
def test_the_compiled_bleu_is_the_python_bleu(reference, candidate):
    """(scoring.bleu.bleu is held to NLTK's sentence_bleu by tests/scoring/test_scoring_bleu.py)"""
    from scoring import _judge
    from scoring.bleu import bleu

    assert repr(_judge.bleu(reference, candidate)) == repr(bleu(reference, candidate))


def test_texts_the_compiled_bleu_does_not_take_are_left_to_python():
    from scoring import _judge

    assert _judge.bleu("é", "e") is None
    assert _judge.bleu("a" * 5000, "a") is None
    assert _judge.bleu("a" * 4096, "a") is not None


# ----------------------------------------------------------------------------------------------------------------
# Generated: gold scripts at the boxes' centres, and answers made from them the ways agents write them.

KEYS = ["enter", "Enter", " tab ", "esc", "ctrl", "a", ""]
WORDS = st.text(alphabet="abAB d'\"éx\\", max_size=8)
NUMBERS = st.one_of(st.integers(-50, 2000).map(str), st.floats(-50, 2000, allow_nan=False).map(repr),
                    st.sampled_from(["-0", "0.", "1e3", "1_0", "inf", "nan", "0012", "1.1234567890123456",
                                     "1234567890123456", "  7 ", "1e400", "-1e-320", "4.9e-324"]))


@st.composite
def gold_line(draw, words: st.SearchStrategy = WORDS) -> str:
    x, y = draw(st.sampled_from(CENTRES))
    kind = draw(st.sampled_from(["click", "click", "click", "press", "hotkey", "write", "moveTo", "scroll"]))
    if kind in ("click", "moveTo"):
        return f"pyautogui.{kind}({x!r}, {y!r})"
    if kind == "press":
        return f'pyautogui.press("{draw(st.sampled_from(KEYS[:-1]))}")'
    if kind == "hotkey":
        keys = draw(st.lists(st.sampled_from(["ctrl", "c", "shift", "v"]), min_size=1, max_size=3))
        return "pyautogui.hotkey(" + draw(st.sampled_from([",", ", "])).join(f'"{k}"' for k in keys) + ")"
    if kind == "scroll":
        return f"pyautogui.scroll({draw(st.integers(-5, 5))})"
    return 'pyautogui.write("' + draw(words).replace('"', "").replace("\\", "") + '")'


ALL_WAYS = ("same", "point", "point", "keyword", "empty", "key", "quotes", "text", "upper", "name", "blanks", "cut",
            "junk")
# The ways that keep a line plain, by the gold line's action: answers the compiled judge answers itself.
PLAIN_WAYS = ("same", "point", "point", "keyword", "key", "key", "text", "text", "quotes")
_PLAIN_BY_ACTION = {"click": ("same", "point", "point", "keyword"), "moveTo": ("same", "point", "keyword"),
                    "press": ("same", "key", "key", "quotes"), "hotkey": ("same", "key", "quotes"),
                    "write": ("same", "text", "text", "quotes"), "scroll": ("same",)}
PLAIN_NUMBERS = st.one_of(st.integers(-50, 2000).map(str), st.floats(-50, 2000, allow_nan=False).map(lambda f: f"{f:.4f}"))


@st.composite
def answer_line(draw, gold: str, ways: tuple[str, ...] = ALL_WAYS, numbers: st.SearchStrategy = NUMBERS) -> str:
    name = gold[len("pyautogui."):gold.index("(")]
    how = draw(st.sampled_from(ways if ways is ALL_WAYS else _PLAIN_BY_ACTION[name]))
    if how == "point":
        return f"pyautogui.{name}({draw(numbers)},{draw(st.sampled_from(['', ' ', chr(9)]))}{draw(numbers)})"
    if how == "keyword":
        button = draw(st.sampled_from(["", ', button="left"', ",button='middle'",
                                       *([', button="up"'] if ways is ALL_WAYS else [])]))
        return f"pyautogui.{name}(x={draw(numbers)}, y = {draw(numbers)}{button})"
    if how == "empty":
        return f"pyautogui.{name}({draw(st.sampled_from(['', ' ']))})"
    if how == "key":
        return f'pyautogui.{name}("{draw(st.sampled_from(KEYS if ways is ALL_WAYS else KEYS[:-1]))}")'
    if how == "quotes":
        return gold.replace('"', "'")
    if how == "text":
        text = draw(WORDS if ways is ALL_WAYS else st.text(alphabet="abAB dx", max_size=8))
        return f"pyautogui.{name}({draw(st.sampled_from(['', 'x'] if ways is ALL_WAYS else ['']))}'{text}')"
    if how == "upper":
        return gold.upper()
    if how == "name":
        return gold.replace(f"{name}(", draw(st.sampled_from(["doubleClick(", "typewrite(", "press(", "click ("])), 1)
    if how == "blanks":
        return draw(st.sampled_from(["", " ", "\t", "\x0c", "\x1c"])) + gold + draw(st.sampled_from(["", "  ", "\r"]))
    if how == "cut":
        return gold[:draw(st.integers(0, len(gold)))]
    if how == "junk":
        return draw(st.sampled_from(["import pyautogui", "# done", "", "Sure! Here is the script:", "```python", "```",
                                     "time.sleep(1)", "pyautogui.sleep(0.5)", "pyautogui", "pyautogui.hotkey('a',)"]))
    return gold


@st.composite
def boards(draw, plain: bool = False):
    golds, answers = [], []
    ways = PLAIN_WAYS if plain else ALL_WAYS
    numbers = PLAIN_NUMBERS if plain else NUMBERS
    for _ in range(draw(st.integers(1, 5))):
        gold = draw(st.lists(gold_line(st.text(alphabet="abAB dx", max_size=8) if plain else WORDS), min_size=1,
                             max_size=4))
        if draw(st.integers(0, 9)) == 0:
            gold = ["# nothing to do"]  # a task with no gold action: skipped, weight 0
        lines = [draw(answer_line(g, ways, numbers)) for g in gold if g.startswith("pyautogui")]
        if draw(st.integers(0, 3 if plain else 1)) == 0:
            lines.insert(draw(st.integers(0, len(lines))), draw(answer_line("pyautogui.moveTo(1, 2)", ways, numbers)))
        if draw(st.integers(0, 3)) == 0:
            lines = ["Here you go:", "```python", *lines, "```"]
        head = draw(st.sampled_from(["", "", "\n", "\n \n", *([] if plain else ["  "])]))
        golds.append("\n".join(gold))
        answers.append(head + draw(st.sampled_from(["\n"] if plain else ["\n", "\r\n"])).join(lines))
    return golds, answers


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(boards())
@example((['pyautogui.click(100.0, 50.0)\npyautogui.write("ab")'],
          ['pyautogui.click(x=0012, y=1)\npyautogui.write("ab")']))
def test_every_generated_answer_is_judged_as_python_judges_it(board):
    golds, answers = board
    fast, slow, _ = _judged_both_ways(golds, answers)
    _same(fast, slow)


_ANSWERED = []  # (answers, how many the compiled judge answered) of each plain board


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(boards(plain=True))
def test_plain_answers_are_judged_in_c_as_python_judges_them(board):
    """Answers of plain lines (other points, keys, texts and names, by position or by keyword): the compiled judge
    answers them itself, each penalty and its sum over several gold lines as Python works them out."""
    golds, answers = board
    fast, slow, n = _judged_both_ways(golds, answers)
    _same(fast, slow)
    _ANSWERED.append((len(answers), n))


def test_the_plain_answers_were_judged_in_c():
    """(after the test above, in the same process: most of its answers must have been the compiled judge's, or it
    tested Python against itself)"""
    if not _ANSWERED:
        test_plain_answers_are_judged_in_c_as_python_judges_them()
    total, answered = map(sum, zip(*_ANSWERED))
    assert answered >= 0.8 * total


# Pieces of answers, put together at random: anything an answer could hold near the rules' edges (control
# characters str.strip() drops and float() keeps, brackets, quotes, keywords, numbers of every spelling).
_PIECES = ["pyautogui.", "click(", "press(", "write(", "hotkey(", "x=", "y=", ",", " ", "\t", ")", "(", "\n", "'", '"',
           "1", "0", ".", "-", "e", "5", "enter", "Here", "import pyautogui", "#", "\r", "\x0b", "\x1c", "\x1f",
           "button=", "'left'", "\\", "pyautogui", "9999999999999999", "inf", "[", "{", "100.0", "50.0", "é"]


@st.composite
def mangled(draw, gold: str) -> str:
    if draw(st.booleans()):
        return "".join(draw(st.lists(st.sampled_from(_PIECES), max_size=30)))
    lines = gold.split("\n")
    k = draw(st.integers(0, len(lines) - 1))
    j = draw(st.integers(0, len(lines[k])))
    cut = draw(st.integers(0, 3))
    lines[k] = lines[k][:j] + "".join(draw(st.lists(st.sampled_from(_PIECES), max_size=3))) + lines[k][j + cut:]
    # (prose first: refused whatever the rest, so the rules read every line that follows)
    return draw(st.sampled_from(["", "", "Here:\n"])) + "\n".join(lines)


_MANGLED_GOLDS = ["pyautogui.click(100.0, 50.0)",
                  'pyautogui.click(100.0, 50.0)\npyautogui.press("enter")\npyautogui.write("ab c")',
                  'pyautogui.hotkey("ctrl", "c")\npyautogui.click(320.5, 316.5)']


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(*(mangled(g) for g in _MANGLED_GOLDS)))
@example(("pyautogui.click(100.0, 50.\x1c,inf", "", ""))
def test_mangled_answers_are_judged_as_python_judges_them(answers):
    """(found by such a run: float() keeps a \\x1c around a number, where the compiled judge had stripped it)"""
    fast, slow, _ = _judged_both_ways(_MANGLED_GOLDS, list(answers))
    _same(fast, slow)
