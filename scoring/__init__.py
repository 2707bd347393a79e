"""The OmniACT metric: sequence score, action score and penalties, in two modes.

``reference`` reproduces the released scorer's numbers exactly (its lower-cased string rules, see
`scoring.reference`) without ever crashing; ``strict`` is the corrected metric on parsed actions (see
`scoring.strict`). Numbers of the two modes are never comparable with each other.

>>> from scoring import bleu
>>> round(bleu("seattle", "seatle"), 4)  # exp(1 - 7/6): every n-gram matches, one letter short
0.8465
"""

from scoring.bleu import bleu
from scoring.gold import PreparedGold, prepare
from scoring.result import MODES, SCORER_VERSION, GroupScore, Score, TaskScore, TaskScores
from scoring.scorer import gold_problems, score

__all__ = ["MODES", "SCORER_VERSION", "GroupScore", "PreparedGold", "Score", "TaskScore", "TaskScores", "bleu",
           "gold_problems", "prepare", "score"]
