"""Leaderboards and HTML reports, built from prediction files and run directories.

>>> # omniact leaderboard --split test submissions/*.jsonl runs/*/ --out site/
"""

from omniact.report.leaderboard import (
    Entry,
    Leaderboard,
    Rejected,
    build_leaderboard,
    prune_cache,
    write_tables,
)
from omniact.report.site import write_site
from omniact.report.submission import Submission, find_submission

__all__ = ["Entry", "Leaderboard", "Rejected", "Submission", "build_leaderboard", "find_submission",
           "prune_cache", "write_site", "write_tables"]
