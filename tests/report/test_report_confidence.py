"""A board built at another confidence than 95% (the Python API takes one) says that level wherever it names it."""

from __future__ import annotations

import re

from test_report_leaderboard import write_sub

from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_site
from omniact.report.leaderboard import write_tables


def test_a_board_names_the_confidence_it_was_built_with(omniact_data, tmp_path):
    perfect = write_sub(tmp_path / "perfect.jsonl")
    sloppy = write_sub(tmp_path / "sloppy.jsonl", mutate=lambda i, s: s.replace('"enter"', '"tab"'))
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [perfect, sloppy], samples=50, confidence=0.9)
    write_site(board, ds, tmp_path / "site", task_pages=False)
    index = (tmp_path / "site" / "index.html").read_text()
    assert set(re.findall(r"(\d+)% interval", index)) == {"90"}  # the chart titles and the numbers' header said 95%
    board = build_leaderboard(ds, [perfect, sloppy], samples=50, confidence=0.57)
    write_tables(board, tmp_path / "tables")
    # 0.57 * 100 is 56.99999999999999: it was cut to 56
    assert "57% bootstrap intervals" in (tmp_path / "tables" / "leaderboard.md").read_text()
