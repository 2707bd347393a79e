"""The leaderboard's table as a reader uses it: sorted best first, by mouse or keyboard, whatever the names."""

from __future__ import annotations

import pytest
from test_report_leaderboard import write_sub

from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_site

pytestmark = pytest.mark.browser

LONG = "An agent whose name goes on " * 12 + "v2"


@pytest.fixture(scope="module")
def page(omniact_data, tmp_path_factory, request):
    d = tmp_path_factory.mktemp("table")
    write_sub(d / "perfect.jsonl", meta={"name": "Perfect"})
    # sloppy: a far click on every click task (a click penalty), and the wrong key on every press task
    write_sub(d / "sloppy.jsonl", mutate=lambda i, s: s.replace('"enter"', '"tab"').replace("412.5,88.0", "600,300"))
    write_sub(d / "long.jsonl", mutate=lambda i, s: s if int(i) % 2 else "", meta={"name": LONG, "team": "T" * 300})
    (d / f"{'x' * 150}.jsonl").write_text("not json\n")  # rejected, under its long path
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, sorted(d.glob("*.jsonl")), samples=50)
    write_site(board, ds, d / "out", task_pages=False)
    pg = request.getfixturevalue("browser").new_page(viewport={"width": 1280, "height": 800})
    errors = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto((d / "out" / "index.html").as_uri())
    yield pg
    assert errors == []
    pg.close()


def names(page):
    return [n.split()[0] for n in page.locator("#leaderboard tbody td:nth-child(2) a").all_inner_texts()]


def header(page, text):
    return page.locator("#leaderboard thead th", has_text=text).first


def arrow(page, text):
    """The arrow a reader sees beside a header's text."""
    return header(page, text).locator("button").evaluate("b => getComputedStyle(b, '::after').content")


def test_a_score_sorts_best_first_and_a_penalty_lowest_first(page):
    assert names(page) == ["Perfect", "sloppy", "An"]  # in rank order, and the rank column says so
    assert header(page, "#").get_attribute("aria-sort") == "ascending" and "\u25b2" in arrow(page, "#")
    header(page, "AS").click()
    assert names(page)[0] == "Perfect"  # best first
    assert header(page, "AS").get_attribute("aria-sort") == "descending" and "\u25bc" in arrow(page, "AS")
    assert header(page, "#").get_attribute("aria-sort") is None and "\u25b2" not in arrow(page, "#")
    header(page, "AS").click()  # again: reversed
    assert names(page)[-1] == "Perfect" and header(page, "AS").get_attribute("aria-sort") == "ascending"
    header(page, "exact").click()
    assert names(page)[0] == "Perfect"
    header(page, "M").click()  # a penalty: the lowest first
    m = page.locator("#leaderboard tbody td:nth-child(5)").evaluate_all("cs => cs.map(c => +c.dataset.v)")
    assert m == sorted(m) and m[0] < m[-1] and header(page, "M").get_attribute("aria-sort") == "ascending"
    header(page, "entry").click()  # names A to Z
    assert names(page) == ["An", "Perfect", "sloppy"]


def test_the_table_sorts_from_the_keyboard(page):
    page.goto(page.url)
    page.locator("body").click(position={"x": 5, "y": 200})
    for _ in range(12):  # Tab reaches the headers
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "AS":
            break
    else:
        pytest.fail("no header of the table takes the keyboard's focus")
    page.keyboard.press("Enter")
    assert header(page, "AS").get_attribute("aria-sort") == "descending" and names(page)[0] == "Perfect"
    page.keyboard.press("Space")
    assert header(page, "AS").get_attribute("aria-sort") == "ascending" and names(page)[-1] == "Perfect"


def test_a_very_long_name_leaves_the_scores_on_screen(page):
    page.goto(page.url)
    assert "x" * 150 in page.locator("#rejected").inner_text()
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for column in ("SS", "AS", "parse errors"):
        box = header(page, column).bounding_box()
        assert box["x"] + box["width"] <= width, column


def test_a_comparison_on_a_phone_keeps_its_words_whole(omniact_data, tmp_path, request):
    ds = load_split(omniact_data, "test")
    run = write_sub(tmp_path / "run.jsonl", mutate=lambda i, s: s.replace('"enter"', '"tab"'), meta={"name": "After"})
    base = write_sub(tmp_path / "base.jsonl", mutate=lambda i, s: s if int(i) % 2 else "", meta={"name": "noop"})
    board = build_leaderboard(ds, [run, base], samples=20)
    write_site(board, ds, tmp_path / "rep", task_pages=False, report=True, baseline="noop")
    pg = request.getfixturevalue("browser").new_page(viewport={"width": 390, "height": 800})
    pg.goto((tmp_path / "rep" / "index.html").as_uri())
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    # a group's kind and name read as words ("action", not "ac/ti/o/n" stacked), and so do the entries' names
    line = pg.locator("#compare-groups tbody td").first.evaluate("c => parseFloat(getComputedStyle(c).lineHeight)")
    for cell in (pg.locator("#compare-groups tbody td").first, pg.locator("#compare-groups th", has_text="noop")):
        assert cell.evaluate("c => c.getBoundingClientRect().height - parseFloat(getComputedStyle(c).paddingTop) "
                             "- parseFloat(getComputedStyle(c).paddingBottom)") < 1.5 * line
    pg.close()


@pytest.mark.parametrize("names, first, second", [
    # numbers in names in number order: not 1, 10, 2
    (("Agent 10", "Agent 2", "Agent 1"), ["Agent 1", "Agent 2", "Agent 10"], ["Agent 10", "Agent 2", "Agent 1"]),
    # names that start with the same number: read as that number (parseFloat), neither click moved a row
    (("7B-zeta", "7B-alpha", "7B-mid"), ["7B-alpha", "7B-mid", "7B-zeta"], ["7B-zeta", "7B-mid", "7B-alpha"]),
])
def test_names_sort_by_name_numbers_in_them_in_number_order(omniact_data, tmp_path, browser, names, first, second):
    for k, name in enumerate(names):  # (scores apart, so that the board's own order is not the sorted one)
        write_sub(tmp_path / f"{name.replace(' ', '_')}.jsonl", mutate=lambda i, s, k=k: s if int(i) > k else "",
                  meta={"name": name})
    ds = load_split(omniact_data, "test")
    write_site(build_leaderboard(ds, sorted(tmp_path.glob("*.jsonl")), samples=10), ds, tmp_path / "out",
               task_pages=False)
    pg = browser.new_page()
    try:
        pg.goto((tmp_path / "out" / "index.html").as_uri())
        for want in (first, second):
            header(pg, "entry").click()
            shown = pg.locator("#leaderboard tbody td:nth-child(2) a").all_inner_texts()
            assert [" ".join(n.split()[:len(want[0].split())]) for n in shown] == want
    finally:
        pg.close()
