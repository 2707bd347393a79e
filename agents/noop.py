"""The no-op agent: answers every task with an empty script (a floor for the scores)."""

from __future__ import annotations

from typing import Any

__all__ = ["NoopAgent"]


class NoopAgent:
    """Answers every task with an empty script (scores 0)."""

    name = "noop"

    def act(self, view: Any) -> str:
        return ""
