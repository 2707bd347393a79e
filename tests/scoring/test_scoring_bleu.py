"""Our BLEU equals NLTK's sentence_bleu([reference], candidate, weights=(0.5, 0.5)) on plain strings."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import pytest
import scoring_helpers  # noqa: F401  (the real `scoring` package, not this folder)
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import bleu

nltk_bleu = pytest.importorskip("nltk.translate.bleu_score")


def _nltk(reference: str, candidate: str) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NLTK warns about every zero bigram overlap
        return float(nltk_bleu.sentence_bleu([reference], candidate, weights=(0.5, 0.5)))


small = st.text(alphabet="abc d'\"", max_size=12)
wide = st.text(max_size=30)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.tuples(small, small), st.tuples(wide, wide)))
def test_bleu_equals_nltk_on_random_strings(pair):
    reference, candidate = pair
    ours, theirs = bleu(reference, candidate), _nltk(reference, candidate)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-300)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdefgh ", min_size=2, max_size=40))
def test_bleu_of_a_mutated_copy_equals_nltk(text):
    for candidate in (text, text[1:], text[::-1], text + text[:3], text.upper()):
        assert bleu(text, candidate) == pytest.approx(_nltk(text, candidate), rel=1e-12, abs=1e-300)


def test_hand_worked_values():
    # Unigrams 6/6, bigrams 5/5, brevity exp(1 - 7/6).
    assert bleu("seattle", "seatle") == pytest.approx(math.exp(-1 / 6), rel=1e-15)
    # One character: p2 = 0/1 -> float min; sqrt(float min) = 1.4916681462400413e-154.
    assert bleu("a", "a") == pytest.approx(math.sqrt(sys.float_info.min), rel=1e-12)
    assert bleu("abc", "") == 0.0 and bleu("", "abc") == 0.0 and bleu("abc", "xyz") == 0.0
    assert bleu("same text", "same text") == 1.0


def test_scoring_does_not_import_nltk():
    code = "import sys, scoring, omniact.predictions; print('nltk' in sys.modules, 'click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
