"""The offline heuristic planner: a goal parsed into intents, each target grounded on the screen's elements.

Intents (one goal may hold several, joined by "and", "then", commas):

=================  ================================================  =========================================
intent             example goals                                     script
=================  ================================================  =========================================
click              click/open/select/choose/go to X, tick X          ``click(X)``
double_click       double-click X; open a file or folder on desktop  ``doubleClick(X)``
right_click        right-click X; show the context/shortcut menu of X ``rightClick(X)``
hover              hover over X; move the mouse to X                 ``moveTo(X)``
drag               drag X onto/into/to Y; move X to Y                ``moveTo(X)``, ``dragTo(Y, button="left")``
type               type/write/enter T in X; fill X with T; set X to T ``click(X)``, ``write(T)``
search             search for T [in X]                               ``click(search field)``, ``write(T)``,
                                                                     ``press("enter")``
press              press/hit K [twice] [to ...]; ... with Ctrl+K     ``press(K)`` (``hotkey`` for ctrl+K)
name               name it X; call the new playlist X                ``write(X)``, ``press("enter")``
shortcut           copy, paste, cut, undo, redo, save, select all,   ``hotkey(mod, key)``; mod is command on
                   find, print, new tab/window, close tab, refresh   macOS, ctrl elsewhere
scroll             scroll up/down/left/right, to the top/bottom      ``scroll(+-10)`` / ``hscroll(+-10)``
=================  ================================================  =========================================

Targets are grounded with `agents.detact.filter.rank_elements` on the element list only: the planner never
sees a gold script or a gold box, and nothing in it knows any particular app.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from omniact.actions import Action, format_script, normalize_key
from omniact.task import Detection

__all__ = ["SHORTCUTS", "Intent", "modifier_for", "parse_goal", "plan", "plan_actions"]


@dataclass(frozen=True)
class Intent:
    """One step of a goal: what to do (`kind`), on what (`target`, `dest`), with what (`text`, `keys`)."""

    kind: str
    target: str = ""
    text: str = ""
    keys: tuple[str, ...] = ()
    dest: str = ""
    amount: int = 0


# Named shortcuts: phrase pattern -> keys after the platform modifier ("mod").
SHORTCUTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"select (?:all|everything)(?: (?:the )?(?:text|content|items|files))?", ("mod", "a")),
    (r"copy", ("mod", "c")),
    (r"paste", ("mod", "v")),
    (r"cut", ("mod", "x")),
    (r"undo", ("mod", "z")),
    (r"redo", ("mod", "shift", "z")),
    (r"save as", ("mod", "shift", "s")),
    (r"save", ("mod", "s")),
    (r"print", ("mod", "p")),
    (r"(?:open )?(?:a )?new (?:browser )?tab", ("mod", "t")),
    (r"(?:open )?(?:a )?new (?:browser )?window", ("mod", "n")),
    (r"close (?:the |this )?(?:current )?(?:browser )?(?:tab|window)", ("mod", "w")),
    (r"reopen (?:the )?(?:last )?closed tab", ("mod", "shift", "t")),
    (r"(?:refresh|reload)(?: the)?(?: page| tab| website)?", ("mod", "r")),
    (r"find (?:in|on) (?:the )?page", ("mod", "f")),
    (r"zoom in", ("mod", "+")),
    (r"zoom out", ("mod", "-")),
    (r"(?:make (?:the )?(?:selected )?text )?bold", ("mod", "b")),
    (r"(?:make (?:the )?(?:selected )?text )?italic", ("mod", "i")),
    (r"underline", ("mod", "u")),
    (r"quit(?: the)?(?: app| application)?", ("mod", "q")),
)

# Object phrases that mean "what is already selected": a shortcut then needs no click first.
_GENERIC_OBJECTS = re.compile(
    r"^(?:(?:it|this|that|them|everything|all|the selection|selection|the selected \w+|selected \w+|"
    r"(?:the |this )?(?:text|content|contents|file|document|page|item|link|url|changes|work|image))\b.*)?$")

_KEY_WORDS = {
    "enter": "enter", "return": "enter", "tab": "tab", "escape": "esc", "esc": "esc", "space": "space",
    "spacebar": "space", "space bar": "space", "backspace": "backspace", "delete": "delete", "del": "delete",
    "up": "up", "down": "down", "left": "left", "right": "right", "up arrow": "up", "down arrow": "down",
    "left arrow": "left", "right arrow": "right", "arrow up": "up", "arrow down": "down", "arrow left": "left",
    "arrow right": "right", "home": "home", "end": "end", "page up": "pageup", "page down": "pagedown",
    "pageup": "pageup", "pagedown": "pagedown", "insert": "insert", "caps lock": "capslock",
    "ctrl": "ctrl", "control": "ctrl", "alt": "alt", "option": "alt", "shift": "shift", "cmd": "command",
    "command": "command", "windows": "win", "win": "win", "super": "win",
    **{f"f{i}": f"f{i}" for i in range(1, 13)},
}
_MODIFIERS = {"ctrl", "alt", "shift", "command", "win", "fn"}
# macOS menus write keys as symbols ("⌘S", "⌘+Shift+T"): spelled out as the key names PyAutoGUI knows, since a
# symbol passed through would be a key no machine has (⌥ is "alt", as omniact.actions.normalize_key folds "option").
_KEY_SYMBOLS = {"⌘": "command", "⌥": "alt", "⇧": "shift", "⌃": "ctrl", "⏎": "enter", "↩": "enter", "⎋": "esc",
                "⇥": "tab", "⌫": "backspace", "⌦": "delete"}
_KEY_SYMBOL_RE = re.compile("[" + "".join(_KEY_SYMBOLS) + "]")

_CLICK_VERBS = (r"click(?: on)?|left[- ]click(?: on)?|tap(?: on)?|press(?: on)?|select|choose|pick|open|go to|"
                r"navigate to|visit|check|uncheck|tick|untick|toggle|enable|disable|turn on|turn off|"
                r"switch to|view|show|see|display|play|launch|start|expand|collapse|access|hit")
# Verbs that only say "activate": dropped from the phrase that is grounded. Other verbs ("reply",
# "delete", "like") are often the very label of the control, so they are kept.
_NAV_VERB = re.compile(rf"^(?:{_CLICK_VERBS})\b\s*", re.IGNORECASE)

_VERB_START = re.compile(
    r"^(?:click|double[- ]click|right[- ]click|left[- ]click|tap|press|hit|select|choose|pick|open|go|navigate|visit|"
    r"check|uncheck|tick|toggle|enable|disable|turn|switch|view|show|play|launch|start|close|expand|collapse|"
    r"type|write|enter|input|fill|search|look|find|scroll|drag|move|hover|copy|paste|cut|undo|redo|save|"
    r"print|refresh|reload|zoom|delete|remove|add|create|reply|forward|send|sort|filter|set|change|rename|"
    r"download|upload|share|like|follow|sign|log|book|buy|subscribe|mark|star|archive|compose|clear|"
    r"submit|confirm|cancel|apply|minimi[sz]e|maximi[sz]e|put|insert|use|bookmark|quit|"
    # verbs that are as often nouns ("Catch and Release", "buy and hold", "email and name"): only with an object
    r"(?:post|publish|store|take|rate|name|call|dial|hold|release|pause|resume|stop|mute|unmute|skip|rewind|"
    r"shuffle|repeat)(?=\s+(?:it|them|this|that|these|those|its|their|the|a|an|my|your|\d|\x00)))\b",
    re.IGNORECASE)


def modifier_for(os: str | None, platform: str = "desktop", width: int = 0) -> str:
    """The shortcut modifier: ``command`` on macOS (or a Retina-sized desktop screenshot), else ``ctrl``."""
    if os == "macos":
        return "command"
    if os is None and platform == "desktop" and width >= 2560:
        return "command"
    return "ctrl"


# --------------------------------------------------------------------------------------------------------
# Parsing


def _protect_quotes(goal: str) -> tuple[str, list[str]]:
    """Replace quoted strings with placeholders, so clause splitting never cuts typed text."""
    quoted: list[str] = []

    def sub(m: re.Match) -> str:
        quoted.append(m.group(1))
        return f"\x00{len(quoted) - 1}\x00"

    # An opening quote follows a non-word character, so the apostrophe of "don't" opens nothing.
    text = re.sub(r"(?<!\w)[\"“”‘’'`](.+?)[\"“”‘’'`](?!\w)", sub, goal)  # noqa: RUF001 - curly quotes are meant
    return text, quoted


def _restore(text: str, quoted: Sequence[str]) -> str:
    """`text` with the quoted strings `_protect_quotes` took out put back (without their quotes)."""
    return re.sub(r"\x00(\d+)\x00", lambda m: quoted[int(m.group(1))], text)


_SEPARATOR = re.compile(r"\s*(?:,\s*and then\s+|,\s*then\s+|\s+and then\s+|[.?!]?\s+then\s+|[.?!]\s+Then\s+|;\s*|"
                        r",\s*and\s+|\s+and\s+|,\s*|[.?!]\s+)")  # ("Then" only after a sentence: "Save Then Exit" is a label)
# A question before what to do ("What is seat 13E like? Right-click it") asks nothing of the screen: what it asks
# about is what "it" (or "the value", "its definition") names next. Its question words, stripped to leave that.
_QUESTION = re.compile(r"^(?:what|which|who|where|when|why|how)\b|^(?:is|are|does|do|can)\s+(?:there|the|my|this|it)\b",
                       re.IGNORECASE)
_ASKED_ABOUT = re.compile(r"^(?:(?:its|their|that|the)\s+)?(?:value|definition|answer|result|details?|info(?:rmation)?|"
                          r"price|cost|help|tooltip|hint|meaning)$", re.IGNORECASE)
_QUESTION_WORDS = re.compile(r"^(?:what|which|who|where|when|why|how)(?:'s)?(?:\s+(?:is|are|was|were|does|do|did|can))?"
                             r"(?:\s+(?:there|the|my|a|an))?\s+|^(?:is|are|does|do|can)\s+(?:there\s+)?(?:the\s+|my\s+|a\s+)?|"
                             r"\s+(?:like|mean|cost|have|look like)$", re.IGNORECASE)


def _split_clauses(goal: str) -> list[str]:
    """Split a goal at "and"/commas that start a new action (the next words begin with a verb), and at "then",
    which always does: words there without a verb of their own take the previous action's ("Click Deals then Gift
    cards", "Scroll right, then back a bit to the left")."""
    parts = _SEPARATOR.split(goal)
    clauses: list[str] = []
    seps = _SEPARATOR.findall(goal)
    for i, part in enumerate(parts):
        if clauses and re.search(r"[?!]", seps[i - 1]) and _joins_text(clauses[-1]):
            clauses[-1] += seps[i - 1] + part  # "Type Ready? Go": the text it types
        elif not clauses or _VERB_START.match(part.strip()):
            if clauses and "?" in seps[i - 1]:
                clauses[-1] += "?"  # a question: what it asks about is what the next action names (parse_goal)
            clauses.append(part)
        elif re.search(r"\bthen\s*$", seps[i - 1], re.IGNORECASE) and part.strip() and not _joins_text(clauses[-1]):
            # The previous verb carries over when it only says how ("Click Deals then Gift cards", "press the down
            # arrow, then Return"); a verb that is a control's label ("Delete the file then Empty Trash") does not.
            prev = clauses[-1].strip()
            verb = _NAV_VERB.match(prev) or re.match(r"^(?:press|hit|double[- ]click|right[- ]click)\b", prev,
                                                      re.IGNORECASE)
            if verb is None and re.match(r"^scroll\b", prev, re.IGNORECASE) and re.search(
                    r"\b(?:up|down|left|right|top|bottom|start|end|back|forward)\b", part, re.IGNORECASE):
                verb = re.match(r"^scroll\b", prev, re.IGNORECASE)  # "Scroll right, then back a bit to the left"
            clauses.append(f"{verb.group(0).strip()} {part.strip()}" if verb else part)
        else:  # "Search for salt and pepper": the "and" joins words, not actions
            clauses[-1] += seps[i - 1] + part
    # "!" and "?" end a clause only before an action (above); else they may belong to the text to type.
    return [c.strip().rstrip(".").strip() for c in clauses if c.strip().rstrip(".").strip()]


def _joins_text(clause: str) -> bool:
    """Whether words after "then" would still be this clause's text: typed, or searched for."""
    return bool(re.match(r"^(?:type|write|enter|input|insert|put|key in|add|search|look|find|fill|set|rename|name)\b",
                         clause.strip(), re.IGNORECASE))


# Words that end the keys after "press" and start what the key press is for: "Press Esc to close the menu". (Not
# "in", "on" or "at": "Press Home in the menu" names a control.)
_KEYS_END = {"to", "so", "for", "and", "which", "until", "when", "while", "again", "if"}


def _pressed(phrase: str) -> tuple[tuple[str, ...], int] | None:
    """The keys and how often, from what follows "press" (as written): "Enter", "Esc to close the menu",
    "Ctrl+Z twice to undo it", "the Tab key 3 times", "Ctrl and C together"; None when it names a control rather
    than a key ("Save", "the Delete button", "X to close the ad", "Return to Shop", "Home in the menu")."""
    if re.search(r"\bbutton\b", phrase, re.IGNORECASE):
        return None
    phrase = re.sub(r"\s+(?:together|simultaneously|at (?:the same time|once))\b", "", phrase, flags=re.IGNORECASE)
    words = phrase.split()
    for end in range(len(words), 0, -1):
        if end < len(words):
            if words[end].lower() not in _KEYS_END:
                continue
            if words[end].lower() == "to" and (end + 1 >= len(words) or not words[end + 1][:1].islower()):
                continue  # "Return to Shop": a label; "Esc to close" says what for
        head, n = _times(" ".join(words[:end]).lower())
        keys = _keys_from(head)
        if keys is None:
            continue
        if end < len(words) and len(keys) == 1 and len(keys[0]) == 1 and keys[0].isalnum():
            return None  # "Press X to close the ad": a letter with a purpose is a control's label
        return keys, n
    return None


def _keys_from(phrase: str) -> tuple[str, ...] | None:
    """Key names from "enter", "the escape key", "ctrl+c", "command shift t"; None when it is no key."""
    p = _KEY_SYMBOL_RE.sub(lambda m: f" {_KEY_SYMBOLS[m.group()]} ", phrase).strip().lower()
    p = re.sub(r"^(?:the|a)\s+", "", p)
    p = re.sub(r"\s+(?:key|keys|button)$", "", p).strip()
    if p in _KEY_WORDS:
        return (_KEY_WORDS[p],)
    parts = [x for x in re.split(r"\s*(?:\+|-|\s+and\s+|\s+)\s*", p) if x]
    if len(parts) >= 2:
        out = []
        for x in parts:
            if x in _KEY_WORDS:
                out.append(_KEY_WORDS[x])
            elif len(x) == 1:
                out.append(x)
            else:
                return None
        if any(k in _MODIFIERS for k in out[:-1]):
            return tuple(out)
        return None
    if len(p) == 1:  # (stripped: never a space)
        return (p,)
    return None


def _times(text: str) -> tuple[str, int]:
    m = re.search(r"\s+(once|twice|thrice|(\d+) times)$", text)
    if not m:
        return text, 1
    n = {"once": 1, "twice": 2, "thrice": 3}.get(m.group(1)) or int(m.group(2))
    return text[: m.start()], max(1, min(n, 10))


def _clean_target(t: str) -> str:
    t = re.sub(r"^(?:on|at|onto|into|in|the|a|an)\s+", "", t.strip(), flags=re.IGNORECASE)
    return t.strip(" .,!?")


def _parse_clause(clause: str, quoted: Sequence[str]) -> list[Intent]:
    c = clause.strip()
    low = c.lower()

    def text_of(s: str) -> str:
        return _restore(s, quoted).strip()


    # "... by dragging it onto Y", "... by hovering", "... with a right-click": the manner names the action
    manner = _parse_manner(c, quoted)
    if manner is not None:
        return manner

    # scroll
    m = re.match(r"^scroll(?:\s+(?:the\s+)?(?:page|screen|window|view|list|document|content)s?)?\s+(?P<d>up|down|left|"
                 r"right|to the (?:top|bottom|left|right|end|start))\b", low)
    if not m and low.startswith("scroll") and re.search(r"\b(?:horizontal(?:ly)?|sideways)\b", low):
        # "Scroll sideways two weeks into the past": horizontal, backwards when the goal says so
        back = re.search(r"\b(?:left|back(?:wards?)?|past|previous|earlier|start|beginning)\b", low)
        return [Intent("scroll", text="left" if back else "right")]
    if m or low.startswith("scroll"):
        d = m.group("d") if m else ("down" if "down" in low or "bottom" in low else "up" if "up" in low or "top"
                                    in low else "right" if "right" in low else "left" if "left" in low else "down")
        d = {"to the top": "up", "to the start": "up", "to the bottom": "down", "to the end": "down",
             "to the left": "left", "to the right": "right"}.get(d, d)
        return [Intent("scroll", text=d)]

    # press K
    m = re.match(r"^(?:press|hit|strike|tap|push)\s+(?!on\b)(?P<k>.+)$", c, re.IGNORECASE)  # "press on X": a click
    if m:
        pressed = _pressed(_restore(m.group("k"), quoted))  # Press "Enter": the quoted key too
        if pressed is not None:
            keys, n = pressed
            again = "again" if re.search(r"\bagain\b", m.group("k"), re.IGNORECASE) else ""
            # "Press End to end the call": a key word whose purpose is the same word may be a control's label; the
            # screen decides (see plan_actions), so the word goes along as the target
            said = m.group("k").split()
            label = said[0] if len(keys) == 1 and len(said) > 2 and said[1].lower() == "to" \
                and said[2].lower() == said[0].lower() else ""
            return [Intent("hotkey" if len(keys) > 1 else "press", keys=keys, amount=n, text=again, target=label)]

    # "... with Ctrl+S", "save it using Command-S": the goal names its shortcut (a combination with a modifier;
    # "fill X with T" is text)
    m = re.search(r"\s+(?:with|using|via|by pressing)\s+(?P<k>[^,]+?)(?:\s+(?:keyboard\s+)?(?:shortcut|"
                  r"key combination|keys))?$", c, re.IGNORECASE)  # on `c`: its positions cut `c` below
    if m:
        keys = _keys_from(_restore(m.group("k"), quoted))
        if keys is not None and len(keys) > 1:
            # "Leave a review, Great grip, submitted with Ctrl Enter": what comes before the last comma is done first
            before, comma, last = c[: m.start()].rpartition(",")
            first = _parse_clause(before, quoted) if comma and before.strip() else []
            # "Copy the second paragraph with Ctrl+C": what is copied, cut or selected is clicked first
            obj = re.match(r"^\s*(?:copy|cut|select)\s+(?P<o>.+)$", last, re.IGNORECASE)
            if obj and keys[-1] in ("c", "x", "a") and not _GENERIC_OBJECTS.match(obj.group("o").strip().lower()):
                first.append(Intent("click", target=_clean_target(text_of(obj.group("o")))))
            return [*first, Intent("hotkey", keys=keys)]

    # "name it X", "call the event X": what was just made gets its name, typed and confirmed
    m = re.match(r"^(?:name|call|title)\s+(?:it|them|this|that|(?:the|this|that|a|my)\s+(?:new\s+)?(?:event|file|"
                 r"folder|playlist|document|item|list|tab|page|project|album|note|board|group|meeting|task|"
                 r"channel|chat|sheet|copy|draft|entry|appointment|reminder))\s+(?P<t>.+)$", c, re.IGNORECASE)
    if m:
        return [Intent("type", text=_strip_text(text_of(m.group("t")))),
                Intent("press", keys=("enter",), amount=1, text="implied")]

    # named shortcuts
    for pattern, keys in SHORTCUTS:
        m = re.match(rf"^(?:{pattern})\b\s*(?P<obj>.*)$", low)
        if m:
            obj = _restore(c[m.start("obj"):], quoted).strip()
            obj_low = obj.lower()
            if keys[-1] in ("v", "c", "x") and obj_low and not _GENERIC_OBJECTS.match(obj_low):
                # "copy the link of the second result": select the thing first.
                target = re.sub(r"^(?:the\s+)?", "", obj)
                return [Intent("click", target=_clean_target(target)), Intent("shortcut", keys=keys, text=obj)]
            if keys[-1] in ("s", "p", "q") and obj_low and not _GENERIC_OBJECTS.match(obj_low) and \
                    not re.match(r"^(?:as\b|the\s+(?:file|document|page)|changes|it\b)", obj_low):
                break  # "save the draft", "print the invoice": a control is more likely than a shortcut
            return [Intent("shortcut", keys=keys, text=obj, target=c[: m.start("obj")].strip())]

    # drag X onto Y
    m = re.match(r"^(?:drag|move|drop)\s+(?P<a>.+?)\s+(?:onto|into|on to|over to|to|over|on|in)\s+(?P<b>.+)$", c, re.IGNORECASE)
    if m and not re.match(r"^(?:the\s+)?(?:mouse|cursor|pointer)\b", m.group("a"), re.IGNORECASE):
        return [Intent("drag", target=_clean_target(text_of(m.group("a"))), dest=_clean_target(text_of(m.group("b"))))]

    # hover
    m = re.match(r"^(?:hover(?:\s+(?:the\s+)?(?:mouse|cursor|pointer))?(?:\s+(?:over|on|above))?|mouse\s+over|"
                 r"move\s+(?:the\s+)?(?:mouse|cursor|pointer)\s+(?:over|to|onto|on|above)|point\s+(?:at|to)|"
                 r"put\s+(?:the\s+)?(?:mouse|cursor|pointer)\s+(?:over|on))\s+(?P<t>.+)$", c, re.IGNORECASE)
    if m:
        return [Intent("hover", target=_clean_target(text_of(m.group("t"))))]

    # right-click / context menu
    m = re.match(r"^right[- ]?click(?:\s+on)?\s+(?P<t>.+)$", c, re.IGNORECASE) or \
        re.match(r"^(?:open|show|display|bring up)\s+(?:the\s+)?(?:context\s+menu|shortcut\s+menu|right[- ]click\s+menu|"
                 r"(?:more\s+)?options|menu)\s+(?:of|for|on)\s+(?P<t>.+)$", c, re.IGNORECASE)
    if m:
        return [Intent("right_click", target=_clean_target(text_of(m.group("t"))))]

    # double-click
    m = re.match(r"^double[- ]?click(?:\s+on)?\s+(?P<t>.+)$", c, re.IGNORECASE)
    if m:
        return [Intent("double_click", target=_clean_target(text_of(m.group("t"))))]

    # search for T [in X]
    m = re.match(r"^(?:search|look)\s+(?:up\s+|for\s+|the\s+web\s+for\s+)?(?P<t>.+?)(?:\s+(?:in|on|using|with|via)\s+"
                 r"(?P<x>(?:the\s+)?[\w\s]*?(?:search|bar|box|field|engine|google|bing|site|store|app)\b.*))?$",
                 c, re.IGNORECASE) or re.match(r"^(?:find|google)\s+(?P<t>.+?)(?:\s+(?:in|on|using)\s+(?P<x>.+))?$", c, re.IGNORECASE)
    if m:
        target = _clean_target(text_of(m.group("x"))) if m.group("x") else "search"
        text = text_of(m.group("t"))
        text = re.sub(r"^(?:for\s+)", "", text, flags=re.IGNORECASE)
        return [Intent("search", target=target, text=_strip_text(text))]

    # type T into X / fill X with T / set X to T
    into = _type_into(c)
    if into and (re.search(r"\x00\d+\x00", into[0]) or re.match(r"^(?:type|write|input|key in|insert)\b", c, re.IGNORECASE)
                 or _FIELD_WORD.search(into[1])):
        return [Intent("type", target=_clean_target(text_of(into[1])), text=_strip_text(text_of(into[0])))]
    m = re.match(r"^(?:set|change|update|switch)\s+(?P<x>.+?)\s+to\s+(?P<t>.+)$", c, re.IGNORECASE)
    if m and not re.search(r"\x00\d+\x00|^\s*[\d.,:/-]+\s*$", m.group("t")) and not re.search(
            r"\b(?:name|title|field|box|text|value|amount|number|address|email address|subject|label|password)\b",
            m.group("x"), re.IGNORECASE):
        # "Change the frequency to weekly and the format to plain text": choices, one click each.
        pairs = re.split(r"\s+and\s+|,\s*", c[m.start("x"):])
        return [Intent("click", target=_clean_target(text_of(p.split(" to ", 1)[-1]))) for p in pairs if p.strip()]
    m = re.match(r"^(?:fill(?:\s+in|\s+out)?|complete)\s+(?P<x>.+?)\s+with\s+(?P<t>.+)$", c, re.IGNORECASE) or \
        re.match(r"^(?:set|change|update|rename)\s+(?P<x>.+?)\s+to\s+(?P<t>.+)$", c, re.IGNORECASE)
    if m:
        return [Intent("type", target=_clean_target(text_of(m.group("x"))), text=_strip_text(text_of(m.group("t"))))]
    m = re.match(r"^(?:type|write|input|key in|enter)\s+(?P<t>.+)$", c, re.IGNORECASE)
    if m and not _keys_from(m.group("t")):
        return [Intent("type", text=_strip_text(text_of(m.group("t"))))]
    if m:  # "enter" alone is the key
        return [Intent("press", keys=_keys_from(m.group("t")) or ("enter",), amount=1)]

    # open a file/folder on a desktop: double-click, decided later (needs the platform)
    m = re.match(r"^(?:open|launch|run|start)\s+(?P<t>.+)$", c, re.IGNORECASE)
    if m and re.search(r"\.\w{2,4}\b|\b(?:file|folder|directory|document|project|spreadsheet|presentation)\b",
                       m.group("t"), re.IGNORECASE):
        return [Intent("open_item", target=_clean_target(text_of(m.group("t"))))]

    # everything else: click the best match for the phrase
    nav = _NAV_VERB.match(c)
    target = _NAV_VERB.sub("", c, count=1) if nav else c
    # "Follow the Celtics, the Knicks and the Heat": one click per item. A bare "and" splits only after
    # a verb that acts on things ("like A and B"), not after open/go to ("Open Terms and Conditions").
    vm = None if nav else _VERB_START.match(c)
    # (each particle a word of its own: "Like one and two" is liked, not "liked on")
    verb = "" if vm is None else re.match(r"^\S+(?:\s+(?:up|in|out|on|off|down)\b)?(?:\s+(?:for|to|from|with)\b)?",
                                          c, re.IGNORECASE).group(0)
    body = target[len(verb):].strip() if verb and target.lower().startswith(verb.lower()) else target
    pattern = r",\s*(?:and\s+|or\s+)?" if nav else r",\s*(?:and\s+|or\s+)?|\s+and\s+"
    items = [x for x in re.split(pattern, body) if x.strip()]
    if len(items) >= 2 and (verb or "," in body) and all(len(x.split()) <= 6 for x in items):
        return [Intent("click", target=_clean_target(text_of(f"{verb} {x}".strip()))) for x in items]
    return [Intent("click", target=_clean_target(text_of(target)) or text_of(c))]


_TYPE_VERB = re.compile(r"^(?:type|write|enter|input|insert|put|key in|add)\s+", re.IGNORECASE)
_INTO_WORD = re.compile(r"\s+(?:in|into|inside|in to|on|as|to|under|for)\s+", re.IGNORECASE)
#: what a place text is typed into is called by (a field's own name, "the first name", is one)
_FIELD_WORD = re.compile(r"\b(?:field|box|bar|input|area|form|column|cell|editor|document|name|title|subject|"
                         r"address|password|username)\b", re.IGNORECASE)


def _type_into(c: str) -> tuple[str, str] | None:
    """"Type T into X" as (T, X): cut before the first preposition whose X names a field with no preposition
    before that name, so that text with a preposition of its own stays whole ("Type meet me in Austin into the
    Occupation field" types "meet me in Austin"); else at the first preposition (a short text is the common case)."""
    verb = _TYPE_VERB.match(c)
    if verb is None:
        return None
    # (`c` is stripped and the verb takes its spaces: each preposition found has words on both sides)
    cuts = list(_INTO_WORD.finditer(c, verb.end()))
    if not cuts:
        return None
    for cut in cuts:
        field = _FIELD_WORD.search(c, cut.end())
        if field is not None and not _INTO_WORD.search(c[cut.end():field.start()]):
            return c[verb.end():cut.start()], c[cut.end():]
    return c[verb.end():cuts[0].start()], c[cuts[0].end():]


_PRONOUN = re.compile(r"^(?:it|them|this|that|there|its|their)$", re.IGNORECASE)
_PREP = r"(?:onto|on to|into|in to|to|on|over|under|in|inside)"


def _main_object(main: str) -> str:
    """The object of an imperative clause's verb: "Show the Men drop-down" -> "Men drop-down",
    "Throw notes.txt away" -> "notes.txt"."""
    body = re.sub(r"^\S+\s+", "", main.strip())
    return _clean_target(re.sub(r"\s+(?:away|out|off|up|down)$", "", body, flags=re.IGNORECASE))


def _parse_manner(c: str, quoted: Sequence[str]) -> list[Intent] | None:
    """Goals that say how to act after what to do: "Put X on Y by dragging it there", "Show the menu by
    hovering on Z", "Maximize the window by double-clicking its title bar", "Check X with a right-click",
    "Go back by scrolling left". None when the clause names no manner."""
    m = re.match(r"^(?P<main>.+?),?\s+(?:by|with|using|via)\s+(?P<how>dragging|drag(?:ging)?\s+and\s+drop(?:ping)?|"
                 r"hovering|pointing|mousing|double[- ]?clicking|right[- ]?clicking|scrolling|a\s+right[- ]?click|"
                 r"a\s+double[- ]?click|a\s+drag)\b(?P<rest>.*)$", c, re.IGNORECASE)
    if not m:
        return None
    main, how, rest = m.group("main").strip(), m.group("how").lower(), m.group("rest").strip()

    def text_of(s: str) -> str:
        return _restore(s, quoted).strip()

    # What the manner phrase itself names ("by hovering on the stars", "by double-clicking its header bar").
    named = re.sub(rf"^(?:{_PREP}|at)\s+", "", rest, flags=re.IGNORECASE)
    named = re.sub(r"^(?:its|their|the)\s+", "", named, flags=re.IGNORECASE).strip()
    if how.startswith("drag") or how == "a drag":
        # "... by dragging it onto Recycle Bin": the destination follows; else it is in the main clause.
        d = re.match(rf"^(?:it|them|\S+)?\s*{_PREP}\s+(?P<b>.+)$", rest, re.IGNORECASE)
        dest = None if d is None or _PRONOUN.match(d.group("b").strip()) else d.group("b")
        a = re.match(rf"^\S+\s+(?P<a>.+?)\s+(?:away\s+)?{_PREP}\s+(?P<b>.+)$", main, re.IGNORECASE)
        if dest is not None:
            target = a.group("a") if a else _main_object(main)
            return [Intent("drag", target=_clean_target(text_of(target)), dest=_clean_target(text_of(dest)))]
        if a is not None:
            return [Intent("drag", target=_clean_target(text_of(a.group("a"))), dest=_clean_target(text_of(a.group("b"))))]
        return None
    if how == "scrolling":
        d = re.match(r"^\s*(?:the\s+\w+\s+)?(?P<d>up|down|left|right|sideways|horizontally)\b", rest, re.IGNORECASE)
        if d is None:
            return None
        direction = d.group("d").lower()
        if direction in ("sideways", "horizontally"):
            back = re.search(r"\b(?:left|back(?:wards?)?|past|previous|earlier)\b", main, re.IGNORECASE)
            direction = "left" if back else "right"
        return [Intent("scroll", text=direction)]
    target = named if named and not _PRONOUN.match(named) else _main_object(main)
    target = _clean_target(text_of(target))
    if how in ("hovering", "pointing", "mousing"):
        return [Intent("hover", target=target)]
    if "double" in how:
        return [Intent("double_click", target=target)]
    return [Intent("right_click", target=target)]


def _strip_text(t: str) -> str:
    t = t.strip()
    t = re.sub(r"^(?:the\s+)?(?:text|word|words|phrase|message|query|term|name|value|number)\s+(?=\S)", "", t, flags=re.IGNORECASE)
    return t.strip().strip("\"“”'‘’`").strip()  # noqa: RUF001 - curly quotes are meant


def parse_goal(goal: str) -> list[Intent]:
    """The intents of a goal, in order.

    >>> [(i.kind, i.text or i.target) for i in parse_goal('Search for "running shoes" and open the cart')]
    [('search', 'running shoes'), ('click', 'cart')]
    """
    # NUL marks the placeholders of quoted text: one in the goal itself (a corrupt task file) named a
    # placeholder that does not exist, an IndexError.
    text, quoted = _protect_quotes(goal.replace("\x00", "").strip())
    # One space between words: the clause patterns try every split of a run of blanks, so a goal pasted with a
    # long run of spaces or newlines took minutes (cubic in the run's length). Quoted text is kept as written.
    text = re.sub(r"\s+", " ", text)
    intents: list[Intent] = []
    clauses = _split_clauses(text)
    asked = ""  # what a question before this clause asked about
    for n, clause in enumerate(clauses):
        if n + 1 < len(clauses) and clause.endswith("?") and _QUESTION.match(clause):
            asked = _clean_target(_restore(_QUESTION_WORDS.sub("", clause[:-1]), quoted))
            continue
        for it in _parse_clause(clause, quoted):
            if asked and it.target:  # "it" is what was asked about; "the value", "its definition" belong to it
                if _PRONOUN.match(it.target):
                    it = replace(it, target=asked)
                elif _ASKED_ABOUT.match(it.target):
                    it = replace(it, target=f"{asked} {it.target}")
            if it.kind == "press" and it.keys == ("enter",) and it.amount <= 1 and it.text != "again" and intents \
                    and (intents[-1].kind == "search" or intents[-1].text == "implied"):
                continue  # "Search for X and press Enter", "name it X and press Enter": Enter is pressed already
            intents.append(it)
        asked = ""
    return intents or [Intent("click", target=goal.strip())]


# --------------------------------------------------------------------------------------------------------
# Grounding and script writing


def _ground(phrase: str, detections: Sequence[Detection], width: int, height: int, k: int,
            embeddings: bool, prefer: str | None = None) -> tuple[float, float]:
    """The centre of the element that best matches `phrase`; the screen centre when there are none."""
    from agents.detact.filter import rank_elements

    if not detections:
        return (round(width / 2, 1), round(height / 2, 1))
    ranked = rank_elements(phrase, detections, k=k, embeddings=embeddings)
    if prefer == "input":
        # Text goes into a field, which shows its placeholder or label as text; an icon beside it (a
        # magnifier) is the button, so a nearly as good text match wins over an icon.
        top = ranked[0].score
        for r in ranked[:5]:
            d = r.detection
            if d.kind == "ocr" and (r.score >= top - 0.1 or (ranked[0].detection.kind != "ocr" and r.score >= top - 0.35)):
                return (d.x, d.y)
    best = ranked[0].detection
    if best.kind == "icon":
        near = _icon_near_text(phrase, best, detections, embeddings)
        if near is not None:
            return (near.x, near.y)
    return (best.x, best.y)


def _icon_near_text(phrase: str, icon: Detection, detections: Sequence[Detection],
                    embeddings: bool) -> Detection | None:
    """For "bookmark the methane article" on a screen with many bookmark icons: the instance of the icon
    nearest to the text that the rest of the phrase names. None when the icon is unique or the rest of the
    phrase matches no text."""
    from agents.detact.filter import _icon_terms, rank_elements, relevance, tokens

    twins = [d for d in detections if d.kind == "icon" and d.label == icon.label]
    if len(twins) < 2:
        return None
    terms = {w for t in _icon_terms().get(icon.label.lower(), ()) for w in t.split()} | set(tokens(icon.label))
    rest = " ".join(w for w in tokens(phrase) if w not in terms)
    if not rest:
        return None
    texts = [d for d in detections if d.kind == "ocr"]
    ranked = [r for r in rank_elements(rest, texts, k=3, embeddings=embeddings) if relevance(rest, r.detection) > 0.2]
    if not ranked:
        return None
    anchor = ranked[0].detection
    # Controls sit after (right of / below) what they act on; distance breaks the tie.
    return min(twins, key=lambda d: math.hypot(d.x - anchor.x, (d.y - anchor.y) * 1.5)
               + (40.0 if d.y < anchor.y - 40 else 0.0))


def _button_for(verb_phrase: str, detections: Sequence[Detection]) -> Detection | None:
    """A short text element that starts with the shortcut's verb ("Save", "Save changes", "Print")."""
    words = verb_phrase.lower().split()
    if not words:
        return None
    for d in detections:
        if d.kind != "ocr":
            continue
        label = re.findall(r"[a-z]+", d.label.lower())
        if label and len(label) <= 3 and label[: len(words)] == words:
            return d
    return None


def _labelled(word: str, detections: Sequence[Detection]) -> Detection | None:
    """A text element whose whole label is `word` ("End", "Delete."), if the screen shows one."""
    for d in detections:
        if d.kind == "ocr" and re.findall(r"[a-z]+", d.label.lower()) == [word.lower()]:
            return d
    return None


def plan_actions(goal: str, detections: Iterable[Detection], *, os: str | None = None, platform: str = "desktop",
                 width: int = 1920, height: int = 1080, k: int = 20, embeddings: bool = True) -> list[Action]:
    """The actions for a goal on a screen described by `detections` (OCR, icon and colour detections)."""
    dets = list(detections)
    mod = modifier_for(os, platform, width)
    out: list[Action] = []

    def at(phrase: str, prefer: str | None = None) -> dict[str, float]:
        x, y = _ground(phrase, dets, width, height, k, embeddings, prefer)
        return {"x": round(float(x), 1), "y": round(float(y), 1)}

    for it in parse_goal(goal):
        if it.kind == "click":
            out.append(Action.make("click", **at(it.target)))
        elif it.kind == "open_item":
            name = "doubleClick" if platform == "desktop" else "click"
            out.append(Action.make(name, **at(it.target)))
        elif it.kind == "double_click":
            out.append(Action.make("doubleClick", **at(it.target)))
        elif it.kind == "right_click":
            out.append(Action.make("rightClick", **at(it.target)))
        elif it.kind == "hover":
            out.append(Action.make("moveTo", **at(it.target)))
        elif it.kind == "drag":
            out.append(Action.make("moveTo", **at(it.target)))
            out.append(Action.make("dragTo", **at(it.dest), button="left"))
        elif it.kind == "type":
            if it.target:
                out.append(Action.make("click", **at(it.target, prefer="input")))
            out.append(Action.make("write", message=it.text))
        elif it.kind == "search":
            out.append(Action.make("click", **at(it.target, prefer="input")))
            out.append(Action.make("write", message=it.text))
            out.append(Action.make("press", keys="enter"))
        elif it.kind == "press":
            control = _labelled(it.target, dets) if it.target else None
            if control is not None:  # "Press End to end the call" where an End button is on the screen
                out.append(Action.make("click", x=round(float(control.x), 1), y=round(float(control.y), 1)))
                continue
            key = normalize_key(it.keys[0])
            for _ in range(it.amount or 1):
                out.append(Action.make("press", keys=key))
        elif it.kind == "hotkey":
            for _ in range(it.amount or 1):
                out.append(Action.make("hotkey", keys=tuple(mod if k == "mod" else k for k in it.keys)))
        elif it.kind == "shortcut":
            button = _button_for(it.target, dets)
            if button is not None:  # a visible "Save" / "Save changes" button beats the keyboard shortcut
                out.append(Action.make("click", x=round(float(button.x), 1), y=round(float(button.y), 1)))
            else:
                out.append(Action.make("hotkey", keys=tuple(mod if k == "mod" else k for k in it.keys)))
        elif it.kind == "scroll":
            if it.text in ("left", "right"):
                out.append(Action.make("hscroll", clicks=10 if it.text == "right" else -10))
            else:
                out.append(Action.make("scroll", clicks=10 if it.text == "up" else -10))
    return out


def plan(goal: str, detections: Iterable[Detection], *, os: str | None = None, platform: str = "desktop",
         width: int = 1920, height: int = 1080, k: int = 20, embeddings: bool = True) -> str:
    """The PyAutoGUI script for a goal (see `plan_actions`), in the canonical format.

    >>> from omniact.task import Detection
    >>> print(plan("Search for running shoes", [Detection("ocr", "Search Amazon", 412.5, 88.0)], embeddings=False))
    pyautogui.click(412.5, 88.0)
    pyautogui.write("running shoes")
    pyautogui.press("enter")
    """
    return format_script(plan_actions(goal, detections, os=os, platform=platform, width=width, height=height,
                                      k=k, embeddings=embeddings))
