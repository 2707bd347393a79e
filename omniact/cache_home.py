"""Where omniact keeps what it can make again: the gold cache, model responses, goal embeddings, icon templates."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_home"]


def cache_home() -> Path:
    """``$OMNIACT_CACHE_DIR``, else ``$XDG_CACHE_HOME/omniact``, else ``~/.cache/omniact``.

    An empty or relative ``XDG_CACHE_HOME`` is ignored, as the XDG base directory specification asks: taken as
    it is, it put the caches in whatever folder the command was run from.
    """
    own = os.environ.get("OMNIACT_CACHE_DIR")
    if own:
        return Path(own).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path("~/.cache").expanduser()
    return base / "omniact"
