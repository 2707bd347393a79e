"""The oracle: answers every task with its gold script. A reference point (it should score exactly 1.0)."""

from __future__ import annotations

from typing import Any

__all__ = ["OracleAgent"]


class OracleAgent:
    """Answers with the gold script (reference only; the run is flagged uses_gold)."""

    name = "oracle"
    uses_gold = True

    def act(self, view: Any) -> str:
        # The view has no gold by design; the runner calls act_with_gold for agents that declare uses_gold.
        raise RuntimeError("the oracle needs the gold script: run it through omniact's runner (act_with_gold)")

    def act_with_gold(self, view: Any, gold_script: str) -> str:
        return gold_script
