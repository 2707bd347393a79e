"""The site's shared CSS and JS: files written once per site, every page referring to them; and what every page
owes a screen reader (headings in order, header cells that say what they head)."""

from __future__ import annotations

import html.parser
import itertools
import re
from pathlib import Path

import pytest
from test_report_leaderboard import write_sub

import omniact.report.site as site_module
from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_site
from omniact.report.leaderboard import site_marker

_LINK = re.compile(r"<link rel=stylesheet href='([^']+)'>")
_SCRIPT = re.compile(r"<script src='([^']+)'></script>")


@pytest.fixture(scope="module")
def sites(omniact_data, tmp_path_factory):
    """A leaderboard (index, entry pages, task pages) and a report with a baseline (its index is the run's page,
    with the comparison cards)."""
    d = tmp_path_factory.mktemp("assets")
    perfect = write_sub(d / "perfect.jsonl", meta={"name": "Perfect"})
    sloppy = write_sub(d / "sloppy.jsonl", mutate=lambda i, s: s.replace('"enter"', '"tab"'))
    ds = load_split(omniact_data, "test")
    write_site(build_leaderboard(ds, [perfect, sloppy], samples=10), ds, d / "board")
    write_site(build_leaderboard(ds, [sloppy, perfect], samples=10), ds, d / "rep", report=True, baseline="Perfect")
    return d / "board", d / "rep"


def _pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    # every kind of page: the index, an entry's, a task's
    assert {p.parent.name for p in pages} == {site.name, "entries", "tasks"}
    return pages


def _assets_of(page: Path) -> list[Path]:
    """The files `page` refers to for its style and script, as a browser resolves them (from the page's folder)."""
    text = page.read_text()
    hrefs = _LINK.findall(text) + _SCRIPT.findall(text)
    assert len(hrefs) == 2, page
    return [(page.parent / h).resolve() for h in hrefs]


def test_every_page_refers_to_the_shared_css_and_js_where_they_are(sites):
    for site in sites:
        for page in _pages(site):
            text = page.read_text()
            css, js = _assets_of(page)
            assert css.parent == js.parent == (site / "assets").resolve(), page  # "../" right for every kind
            assert css.read_text() == site_module.CSS and site_module.FIT_JS in js.read_text()
            assert re.fullmatch(r"site\.[0-9a-f]{12}\.css", css.name) and re.fullmatch(r"site\.[0-9a-f]{12}\.js",
                                                                                       js.name)
            # the page carries its own content and data, not a copy of the site's CSS and JS
            assert "<style" not in text and site_module.CSS not in text and "function fit()" not in text
        assert sorted(p.name for p in (site / "assets").iterdir()) == sorted(
            {p.name for page in _pages(site) for p in _assets_of(page)})  # one of each for the whole site
    # a task page is its own few kB: the 23 kB of CSS and JS were 80% of it
    task = sites[0] / "tasks" / "10.html"
    assert task.stat().st_size < 8000 and "id=task-data>" in task.read_text()


def test_the_marker_lists_the_shared_files(sites):
    for site in sites:
        listed = site_marker(site)["files"]
        assert sorted(f for f in listed if f.startswith("assets/")) == sorted(
            f"assets/{p.name}" for p in (site / "assets").iterdir())


def _one_site(omniact_data, tmp_path) -> tuple:
    ds = load_split(omniact_data, "test")
    return build_leaderboard(ds, [write_sub(tmp_path / "a.jsonl")], samples=10), ds


def _css_files(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "assets").glob("*.css"))


def test_a_rebuild_with_other_css_removes_the_old_file_and_keeps_the_unchanged_js(omniact_data, tmp_path,
                                                                                monkeypatch):
    board, ds = _one_site(omniact_data, tmp_path)
    site = tmp_path / "site"
    write_site(board, ds, site)
    (old_css,) = _css_files(site)
    js = sorted((site / "assets").glob("*.js"))
    monkeypatch.setattr(site_module, "CSS", site_module.CSS + "\n.new-rule { color: red; }\n")  # a newer omniact
    write_site(board, ds, site)
    (new_css,) = _css_files(site)
    assert new_css != old_css and ".new-rule" in (site / "assets" / new_css).read_text()
    assert sorted((site / "assets").glob("*.js")) == js
    for page in _pages(site):
        assert all(p.exists() for p in _assets_of(page)) and new_css in page.read_text()
    assert f"assets/{old_css}" not in site_marker(site)["files"]


@pytest.mark.parametrize("pages_written", [0, 3])
def test_a_build_stopped_on_the_way_leaves_every_page_with_the_files_it_refers_to(omniact_data, tmp_path,
                                                                                  monkeypatch, pages_written):
    # A newer omniact (other CSS) rebuilds the site and is stopped (Ctrl-C) before its pages, or after a few: the
    # earlier pages are still the site (the index is the earlier one) and must keep their stylesheet.
    board, ds = _one_site(omniact_data, tmp_path)
    site = tmp_path / "site"
    write_site(board, ds, site)
    (old_css,) = _css_files(site)
    monkeypatch.setattr(site_module, "CSS", site_module.CSS + "\n.new-rule { color: red; }\n")
    real, written = site_module.write_text, []

    def stopping(path, text):
        if path.suffix == ".html":
            if len(written) == pages_written:
                raise KeyboardInterrupt
            written.append(path)
        real(path, text)

    real_parts = site_module.write_text_parts
    monkeypatch.setattr(site_module, "write_text", stopping)
    monkeypatch.setattr(site_module, "write_text_parts", lambda path, parts: stopping(path, "".join(parts)))
    with pytest.raises(KeyboardInterrupt):
        write_site(board, ds, site)
    monkeypatch.setattr(site_module, "write_text", real)
    monkeypatch.setattr(site_module, "write_text_parts", real_parts)
    assert old_css in (site / "index.html").read_text()  # the earlier index, still the site's
    for page in _pages(site):
        assert all(p.exists() for p in _assets_of(page)), page
    (new_css,) = set(_css_files(site)) - {old_css}
    assert f"assets/{new_css}" in site_marker(site)["files"]  # claimed: the next build removes it if unused
    assert len(written) == pages_written
    # the next build, finished, leaves only what its pages refer to
    write_site(board, ds, site)
    assert _css_files(site) == [new_css]
    for page in _pages(site):
        assert all(p.exists() for p in _assets_of(page)), page


class _Outline(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []
        self.row_heads: list[tuple[bool, str | None]] = []  # (in thead, scope) of each th
        self.key_value_rows: list[str] = []  # the first cell's tag of each row of a table with no thead
        self._thead = False
        self._tables: list[list[str]] = []  # per open table: its rows' first cells ("thead" once one is met)
        self._row_open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
        elif tag == "table":
            self._tables.append([])
        elif tag == "thead":
            self._thead = True
            self._tables[-1].append("thead")
        elif tag == "tr":
            self._row_open = True
        if tag in ("th", "td") and self._row_open:
            self._tables[-1].append(tag)
            self._row_open = False
        if tag == "th":
            self.row_heads.append((self._thead, dict(attrs).get("scope")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._thead = False
        elif tag == "table":
            firsts = self._tables.pop()
            if "thead" not in firsts:
                self.key_value_rows.extend(firsts)


def _parsed(page: Path) -> _Outline:
    parsed = _Outline()
    parsed.feed(page.read_text())
    return parsed


def test_headings_go_down_one_level_at_a_time(sites):
    # A screen reader's list of headings went from the page's h1 to h3 (its cards, a task's scripts).
    for site in sites:
        for page in _pages(site):
            levels = _parsed(page).levels
            assert levels[0] == 1 and levels.count(1) == 1, page
            assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (page, levels)
            # each page's sections have headings (a board's index has one only for its rejected submissions)
            if page.name != "index.html" or site.name == "rep":
                assert 2 in levels, page


def test_header_cells_say_what_they_head(sites):
    for site in sites:
        for page in _pages(site):
            heads = _parsed(page).row_heads
            # a column's header says so; a header cell of a row (none in a thead) says that
            assert heads and all(scope == ("col" if in_head else "row") for in_head, scope in heads), (page, heads)
            # a table of names and values (a card's) heads each row with its name, which a screen reader then
            # reads with the value: every such row starts with a th
            assert set(_parsed(page).key_value_rows) <= {"th"}, page


def test_without_task_pages_a_run_whose_agent_failed_on_every_task_says_so(tmp_path):
    from click.testing import CliRunner

    from omniact.cli import main
    from omniact.runner import run

    data = Path(__file__).resolve().parents[1] / "runner" / "fixtures" / "data"
    agent = tmp_path / "failing.py"
    agent.write_text("class Agent:\n    def act(self, view):\n        raise ValueError('the model is down')\n")
    run(f"{agent}:Agent", out=tmp_path / "r", data=data)
    banner = "The agent failed on every one of the 6 tasks (no answer): the scores are 0"
    for pages in ("--task-pages", "--no-task-pages"):
        site = tmp_path / pages
        r = CliRunner().invoke(main, ["leaderboard", str(tmp_path / "r"), "--data", str(data), "--split", "test",
                                      "--out", str(site), "--bootstrap", "10", pages])
        assert r.exit_code == 0, r.output
        (page,) = (site / "entries").glob("*.html")
        text = " ".join(re.sub(r"<[^>]+>", " ", page.read_text()).split())
        assert banner in text, pages
        assert "the model is down" in text, pages  # "each task's error is in the table below": it is
