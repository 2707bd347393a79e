"""What the site's pages show, read from their HTML text (no browser): metadata links on the index, and a task
page's per-entry rows agreeing with the entry pages on penalties and on an agent's failure."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from test_report_leaderboard import write_sub

from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_site

#: a task of the fixture's test split with gold actions (three of them: a wrong key leaves it unmatched)
TASK = "10"


class _Page(HTMLParser):
    """An HTML page's anchors (href, text) and each table's rows of cell texts (by the table's id)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._href: str | None = None
        self._text: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href") or "", []
        elif tag == "table":
            self._table = dict(attrs).get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, "".join(self._text)))
            self._href = None
        elif tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _with_failure(path: Path, task_id: str, error: str) -> Path:
    """The prediction file at `path` with `task_id`'s record as a run writes a task whose agent raised."""
    records = [json.loads(line) for line in path.read_text().splitlines()]
    for rec in records:
        if rec["id"] == task_id:
            rec.update(script=None, error=error)
    path.write_text("".join(json.dumps(rec) + "\n" for rec in records))
    return path


def _per_entry(out: Path, task_id: str) -> dict[str, list[str]]:
    """A task page's per-entry rows: entry name -> its cells after the name (result, penalties, score)."""
    rows = _Page((out / "tasks" / f"{task_id}.html").read_text()).tables["per-entry"][1:]
    return {row[0]: row[1:] for row in rows}


def _entry_row(out: Path, slug: str, task_id: str) -> list[str]:
    """An entry page's row of `task_id`: its cells after the id, app and goal (result, penalties, score)."""
    rows = _Page((out / "entries" / f"{slug}.html").read_text()).tables["tasks"]
    return next(row[3:] for row in rows if row and row[0] == task_id)


def test_an_http_link_with_a_capital_scheme_or_spaces_around_it_shows_on_the_index(omniact_data, tmp_path):
    # README: the index shows each entry's link. A scheme is case-insensitive, and a space copied in with the
    # address is not part of it: leaderboard.json kept these links, and the index dropped them without a word.
    subs = [write_sub(tmp_path / "upper.jsonl", meta={"link": "HTTPS://example.org/upper"}),
            write_sub(tmp_path / "spaced.jsonl", meta={"link": " https://example.org/spaced\n"}),
            write_sub(tmp_path / "script.jsonl", meta={"link": "javascript:alert(1)"}),
            write_sub(tmp_path / "plain.jsonl", meta={"link": "example.org/plain"})]
    ds = load_split(omniact_data, "test")
    out = tmp_path / "out"
    write_site(build_leaderboard(ds, subs, samples=10), ds, out, task_pages=False)
    links = sorted(href for href, text in _Page((out / "index.html").read_text()).anchors if text == "link")
    assert links == ["HTTPS://example.org/upper", "https://example.org/spaced"]


def test_a_task_page_shows_no_penalty_for_an_entry_whose_task_did_not_match(omniact_data, tmp_path):
    # README: a task that did not match has no penalty and shows —, as its entry page shows it (it showed 0.000).
    subs = [write_sub(tmp_path / "gold.jsonl"),
            write_sub(tmp_path / "wrongkey.jsonl", mutate=lambda i, s: "pyautogui.press('tab')" if i == TASK else s),
            write_sub(tmp_path / "none.jsonl", mutate=lambda i, s: None if i == TASK else s)]
    ds = load_split(omniact_data, "test")
    out = tmp_path / "out"
    write_site(build_leaderboard(ds, subs, samples=10), ds, out)
    rows = _per_entry(out, TASK)
    assert rows["gold"] == ["match", "0.000", "0.000", "0.000", "1.000"]
    assert rows["wrongkey"][0].startswith("no match")
    assert rows["wrongkey"][1:] == ["\u2014", "\u2014", "\u2014", "0.000"]
    assert rows["none"] == ["missing", "\u2014", "\u2014", "\u2014", "0.000"]
    for slug in ("wrongkey", "none"):  # the entry page says the same of the task
        assert _entry_row(out, slug, TASK)[1:] == rows[slug][1:]


def test_a_task_page_gives_an_agents_failure_message_after_its_reason_as_the_entry_page_does(omniact_data,
                                                                                           tmp_path):
    # The message is the agent's, not the parser's: it follows "the agent failed (error)", before "; parse error".
    sub = _with_failure(write_sub(tmp_path / "failed.jsonl"), TASK, "ValueError: boom (agent.py:12)")
    ds = load_split(omniact_data, "test")
    out = tmp_path / "out"
    write_site(build_leaderboard(ds, [sub], samples=10), ds, out)
    want = "no match: the agent failed (error): ValueError: boom (agent.py:12); parse error"
    assert _per_entry(out, TASK)["failed"][0] == want
    assert _entry_row(out, "failed", TASK)[0] == want


def test_the_why_card_lists_the_ten_commonest_differences_and_counts_the_rest():
    """Of an entry's unmatched tasks, the card shows the ten commonest first differences, most common first, each
    with its count, and says how many other differences there are."""
    from omniact.report.site import _why_card

    # difference k is the first difference of 13 - k tasks: 13 differences, over 91 tasks
    reasons = dict(enumerate(f"difference {k}" for k in range(13) for _ in range(13 - k)))
    card = _why_card(reasons)
    assert _Page(card).tables[""] == [
        [f"difference {k}", str(13 - k)] for k in range(10)]
    assert "over 91 unmatched tasks" in card and re.findall(r"and (\d+) more", card) == ["3"]
    ten = {k: r for k, r in reasons.items() if r not in ("difference 10", "difference 11", "difference 12")}
    assert "more" not in _why_card(ten) and _Page(_why_card(ten)).tables[""][9] == ["difference 9", "4"]
    eleven = {k: r for k, r in reasons.items() if r not in ("difference 11", "difference 12")}
    assert re.findall(r"and (\d+) more", _why_card(eleven)) == ["1"]
    assert _why_card({}) == ""  # every task matched: no card
