"""BLEU exactly as the released OmniACT scorer gets it from NLTK, without importing NLTK (~0.5 s).

The released scorer calls ``sentence_bleu([reference], candidate, weights=(0.5, 0.5))`` with plain strings,
so NLTK iterates characters: this is character-level BLEU-2 with NLTK's default "method0" smoothing (a
precision with no matches becomes ``sys.float_info.min``, so even a one-character exact match scores about
1e-154). Every step below mirrors NLTK's ``corpus_bleu`` for one reference and one hypothesis, in the same
float operation order, and a property test compares the two on random strings.

>>> bleu("running shoes", "running shoes")
1.0
>>> bleu("a", "a") < 1e-150
True
>>> bleu("abc", "")
0.0
"""

from __future__ import annotations

import math
import sys
from collections import Counter

__all__ = ["bleu"]

_TINY = sys.float_info.min


def _ngrams(text: str, n: int) -> Counter:
    # Tuples of characters count exactly like NLTK's n-gram tuples; zip runs in C, which matters by the 10,000.
    if n == 1:
        return Counter(text)
    if len(text) < n:
        return Counter()
    return Counter(zip(*(text[i:] for i in range(n))))


def _clipped(reference: str, candidate: str, n: int) -> tuple[int, int]:
    """NLTK's modified_precision: (clipped matches, max(1, candidate n-grams))."""
    counts = _ngrams(candidate, n)
    ref_counts = _ngrams(reference, n)
    numerator = 0
    get = ref_counts.get
    for gram, c in counts.items():
        r = get(gram, 0)
        numerator += min(r, c)
    return numerator, max(1, len(candidate) - n + 1)


def bleu(reference: str, candidate: str, weights: tuple[float, ...] = (0.5, 0.5)) -> float:
    """Character-level BLEU of `candidate` against one `reference`, equal to NLTK's
    ``sentence_bleu([reference], candidate, weights=weights)`` (no smoothing).
    """
    if reference == candidate and len(candidate) >= len(weights):
        # Every precision is 1 and the brevity penalty 1: exp(fsum(w * log(1))) is exactly 1.0.
        return 1.0
    precisions = [_clipped(reference, candidate, n) for n in range(1, len(weights) + 1)]
    if precisions[0][0] == 0:
        return 0.0
    hyp_len, ref_len = len(candidate), len(reference)
    # closest_ref_length with one reference is the reference's length; brevity_penalty as NLTK writes it.
    if hyp_len > ref_len:
        bp: float = 1
    elif hyp_len == 0:
        bp = 0
    else:
        bp = math.exp(1 - ref_len / hyp_len)
    # NLTK keeps precisions as Fractions; math.log converts them with numerator / denominator (int true
    # division, correctly rounded), which is what we compute. method0 swaps a zero precision for the tiny float.
    logs = [w * math.log(num / den if num else _TINY) for w, (num, den) in zip(weights, precisions)]
    return bp * math.exp(math.fsum(logs))
