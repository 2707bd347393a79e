"""Getting the script out of a model's answer: code fences, numbered lists, prose around the calls, and calls
named through an import (``import pyautogui as pg``, ``from pyautogui import click``).

A fenced block (or the whole answer) that the shared parser accepts is read as the script it is: a call written
over several lines is kept, and calls in comments or strings are not calls. Elsewhere calls are found line by line,
each accepted on its own; a ``#`` comment ends the line. Nothing is executed.

>>> extract_script("Sure! First click the box:\\n```python\\npyautogui.click(10, 20)\\n```\\nThen type.")
'pyautogui.click(10, 20)'
>>> extract_script("1. pyautogui.press('enter')  # submit")
"pyautogui.press('enter')"
>>> extract_script("<think>or pyautogui.click(1, 1)?</think>\\npyautogui.click(100, 200)")
'pyautogui.click(100, 200)'
"""

from __future__ import annotations

import ast
import re
import textwrap

from omniact.actions import format_script, parse_script
from omniact.errors import ParseError

__all__ = ["extract_script", "without_thinking"]

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL)
#: fence labels that mark a block as Python, the language of the script the prompt asks for
_PYTHON_LABELS = frozenset({"python", "python3", "py", "py3", "pyautogui"})
_CALL = re.compile(r"pyautogui\s*\.\s*[A-Za-z_]\w*\s*\(")
# How else a model names PyAutoGUI's calls: ``import pyautogui as pg`` then ``pg.click(...)``, or
# ``from pyautogui import click`` (or ``*``) then ``click(...)``. Such calls are read as ``pyautogui.click(...)``.
_IMPORT_AS = re.compile(r"^\s*import\s+pyautogui\s+as\s+([A-Za-z_]\w*)\s*$", re.MULTILINE)
_FROM_IMPORT = re.compile(r"^\s*from\s+pyautogui\s+import\s+\(?([\w\s,*]+?)\)?\s*$", re.MULTILINE)
# Reasoning models (DeepSeek-R1, Qwen3) think aloud before answering, and try out calls while they do.
_THINK_BLOCK = re.compile(r"<(think|thinking)>.*?</\1>", re.DOTALL | re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</(?:think|thinking)>", re.IGNORECASE)
_THINK_OPEN = re.compile(r"<(?:think|thinking)>", re.IGNORECASE)


#: characters `_calls_in` may step through per character of a line (and a few thousand more): a real answer's
#: calls are read in about one step a character; a degenerate one ("pyautogui.click( " a thousand times, nothing
#: closed) made every call scan to the line's end, 20 s for 4,000 of them, which a task timeout cannot stop
_SCAN_STEPS_PER_CHAR = 8
_SCAN_STEPS_MIN = 10_000


def _call_pattern(answer: str) -> tuple[re.Pattern, bool]:
    """The calls to look for in `answer`: ``pyautogui.name(``, and the other spellings its imports set up (see
    `_IMPORT_AS`); and whether any such import was found (the calls found are then written ``pyautogui.name``)."""
    from omniact.actions import ACTIONS, ALIASES

    prefixes = ["pyautogui", *_IMPORT_AS.findall(answer)]
    bare: set[str] = set()
    for names in _FROM_IMPORT.findall(answer):
        for name in (n.strip() for n in names.split(",")):
            bare |= set(ACTIONS) | set(ALIASES) if name == "*" else {name}
    if len(prefixes) == 1 and not bare:
        return _CALL, False
    alternatives = [r"(?:" + "|".join(map(re.escape, prefixes)) + r")\s*\.\s*(?P<name>[A-Za-z_]\w*)"]
    if bare:
        alternatives.append(r"(?<![\w.])(?P<bare>" + "|".join(map(re.escape, sorted(bare))) + r")")
    return re.compile("(?:" + "|".join(alternatives) + r")\s*\("), True


def _calls_in(line: str, pattern: re.Pattern = _CALL, renamed: bool = False) -> list[str]:
    """Each ``pyautogui.name(...)`` call in a line (or a call `pattern` finds, then written so), cut at its
    balanced closing parenthesis."""
    out = []
    budget = _SCAN_STEPS_PER_CHAR * len(line) + _SCAN_STEPS_MIN
    pos = 0
    while (m := pattern.search(line, pos)) is not None:
        if _comment_starts(line, pos, m.start()):  # `# pyautogui.click(...)`, `...)  # or pyautogui.x(...)`
            break
        pos = m.end()  # an unclosed call: the next is looked for after its name
        depth = 0
        quote: str | None = None
        i = m.end() - 1
        end = None
        if budget <= 0:  # spent: the calls found so far are the answer's
            break
        start, stop = i, min(len(line), i + budget)
        while i < stop:
            c = line[i]
            if quote:
                if c == "\\":
                    i += 2
                    continue
                if c == quote:
                    quote = None
            elif c in "\"'":
                quote = c
            elif c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
                if depth == 0:
                    end = i + 1
                    break
            i += 1
        budget -= i - start
        if end is not None:
            pos = end  # past its arguments: a call named in one of its strings is not another call
            if renamed:
                out.append(f"pyautogui.{m.group('name') or m.group('bare')}{line[m.end() - 1:end]}")
            else:
                out.append(line[m.start():end])
    return out


def _comment_starts(line: str, start: int, stop: int) -> bool:
    """Whether a ``#`` opens a comment in ``line[start:stop]``, the prose or code between two calls: one at the
    gap's start or after a space, not before a digit (``Step #2:`` in prose is not one). Calls' own strings are
    never looked in: the scan resumes after each call's closing parenthesis."""
    gap = line[start:stop]
    if "#" not in gap:
        return False
    return any(c == "#" and (i == 0 or gap[i - 1].isspace()) and not gap[i + 1:i + 2].isdigit()
               for i, c in enumerate(gap))


def _accepted(candidate: str) -> bool:
    try:
        return len(parse_script(candidate)) == 1
    except ParseError:
        return False


def _scan(text: str, pattern: re.Pattern = _CALL, renamed: bool = False) -> list[str]:
    lines = []
    for raw in text.splitlines():
        stripped = raw.strip().strip("`").strip()
        if not stripped:
            continue
        # Each call cut at its closing parenthesis: comments and prose around it are dropped.
        for call in _calls_in(stripped, pattern, renamed):
            if _accepted(call):
                lines.append(call)
    return lines


def without_thinking(answer: str) -> str:
    """`answer` without a reasoning model's thinking: ``<think>...</think>`` blocks; everything before a
    ``</think>`` that has no opening tag (chat templates that open the block in the prompt, as Qwen3's and
    DeepSeek-R1's do); and everything after a ``<think>`` that is never closed (the model ran out of tokens
    while thinking, so no answer came)."""
    answer = _THINK_BLOCK.sub("\n", answer)
    closes = list(_THINK_CLOSE.finditer(answer))
    if closes:
        answer = answer[closes[-1].end():]
    opened = _THINK_OPEN.search(answer)
    if opened:
        answer = answer[:opened.start()]
    return answer


def extract_script(answer: str) -> str:
    """The PyAutoGUI calls in `answer`, one per line, in order; ``""`` when there is none.

    A reasoning model's thinking is dropped first (see `without_thinking`): calls it tries out there are
    not its answer. Code fences are preferred: when any fenced block holds an accepted call, only fenced
    blocks are read (models often repeat or discuss calls in their prose), and of several blocks those that
    are the script (see `_block_calls`).
    """
    if not isinstance(answer, str) or not answer:
        return ""
    answer = without_thinking(answer)
    pattern, renamed = _call_pattern(answer)
    lines = _block_calls([(m.group(1).lower(), m.group(2)) for m in _FENCE.finditer(answer)], pattern, renamed)
    if lines:
        return "\n".join(lines)
    return "\n".join(_script_calls(answer) or _scan(answer, pattern, renamed))


def _block_calls(blocks: list[tuple[str, str]], pattern: re.Pattern, renamed: bool) -> list[str]:
    """The calls of an answer's fenced blocks, given as (language label, lowercased; body), in order.

    The script's blocks are read first: those labelled Python and unlabelled ones the parser accepts whole. A
    block of prose beside them (a plan in a bare fence) or of another language (a shell command, JSON) only
    mentions calls, which are not the script's actions, so the other blocks are read only when the script's
    hold no call (a model that fenced its script as ``text``, or numbered its calls in a bare fence).
    """
    script: list[str] = []
    for label, body in blocks:
        if label in _PYTHON_LABELS:
            # Read as a script first (a call written over several lines, comments, a call named in a string are
            # then what Python makes of them); the line scan is for prose or other code among the calls.
            script += _script_calls(body) or _scan(body, pattern, renamed)
        elif not label:
            script += _script_calls(body)
    if script:
        return script
    return [line for _, body in blocks for line in _script_calls(body) or _scan(body, pattern, renamed)]


def _script_calls(text: str) -> list[str]:
    """The ``pyautogui`` calls of `text` when the shared parser accepts it whole, each as written (one written
    over several lines in its canonical one-line form); ``[]`` when it is refused or holds none."""
    text = textwrap.dedent(text)
    try:
        if not parse_script(text):
            return []
        tree = ast.parse(text)
    except (ParseError, SyntaxError, ValueError):  # ValueError: text Python cannot read (a lone surrogate)
        return []
    out = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        func = call.func if isinstance(call, ast.Call) else None
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "pyautogui"):
            continue  # import pyautogui, time.sleep(...): accepted, and not actions
        source = ast.get_source_segment(text, node) or ""
        out.append(source if "\n" not in source else format_script(parse_script(source)))
    return out
