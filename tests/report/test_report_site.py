"""The static site, opened in Chromium as a reader would: from disk and served."""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_report_leaderboard import write_sub

from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_site, write_tables

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(omniact_data, tmp_path_factory):
    d = tmp_path_factory.mktemp("site")
    write_sub(d / "perfect.jsonl", meta={"name": "Perfect", "team": "T"})
    write_sub(d / "sloppy.jsonl", mutate=lambda i, s: s.replace('"enter"', '"tab"').replace("412.5,88.0", "600,300"))
    write_sub(d / "blank.jsonl", mutate=lambda i, s: "")
    (d / "broken.jsonl").write_text("not json\n")
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, sorted(d.glob("*.jsonl")), samples=100)
    out = d / "out"
    write_tables(board, out)
    write_site(board, ds, out)
    return out, board


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP, as a static server would (the pages must work there as from disk): its origin."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def served(site):
    with serving(site[0]) as origin:
        yield origin


def open_page(browser, url):
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))  # a script of a submission ran
    page.goto(url)
    page.wait_for_load_state("load")
    return page, errors


@pytest.mark.parametrize("how", ["disk", "served"])
def test_index_lists_entries_in_rank_order_and_sorts(site, browser, served, how):
    out, board = site
    base = out.as_uri() if how == "disk" else served
    page, errors = open_page(browser, f"{base}/index.html")
    names = page.locator("#leaderboard tbody tr td:nth-child(2) a").all_inner_texts()
    assert names == [e.name for e in board.entries] == ["Perfect", "sloppy", "blank"]
    assert "broken.jsonl" in page.locator("#rejected").inner_text()
    assert page.locator(".chart").count() == 2 and page.locator(".chart .whisker").count() >= 3
    # sort by name (ascending), then by name again (descending)
    header = page.locator("#leaderboard thead th").nth(1)
    header.click()
    assert page.locator("#leaderboard tbody tr td:nth-child(2) a").all_inner_texts() == ["blank", "Perfect", "sloppy"]
    header.click()
    assert page.locator("#leaderboard tbody tr td:nth-child(2) a").all_inner_texts() == ["sloppy", "Perfect", "blank"]
    # AS sorts best first, then (clicked again) worst first
    page.locator("#leaderboard thead th").nth(3).click()
    assert page.locator("#leaderboard tbody tr td:nth-child(2) a").first.inner_text() == "Perfect"
    page.locator("#leaderboard thead th").nth(3).click()
    assert page.locator("#leaderboard tbody tr td:nth-child(2) a").first.inner_text() == "blank"
    page.locator("#leaderboard tbody tr td:nth-child(2) a", has_text="sloppy").click()
    page.wait_for_load_state("load")
    assert page.locator("#tasks tbody tr").count() == 12
    assert errors == []
    page.close()


@pytest.mark.parametrize("how", ["disk", "served"])
def test_task_page_shows_screenshot_overlays_and_scripts(site, browser, served, how):
    out, _ = site
    base = out.as_uri() if how == "disk" else served
    page, errors = open_page(browser, f"{base}/tasks/10.html")
    img = page.locator("#screenshot")
    assert img.evaluate("i => i.complete && i.naturalWidth") == 1440
    assert page.locator("rect.box").count() == 3
    assert page.locator("circle.gold-point").count() == 1
    assert page.locator("#pred-layer circle.pred-point").count() == 1  # Perfect: same point as gold
    assert 'pyautogui.write("running shoes")' in page.locator("#gold-script").inner_text()
    page.get_by_label("Prediction of").select_option(label="sloppy")  # the menu is named, for a screen reader too
    assert "600,300" in page.locator("#pred-script").inner_text()
    cx = page.locator("#pred-layer circle.pred-point").get_attribute("cx")
    assert float(cx) == 600.0
    page.select_option("#entry", label="blank")
    assert page.locator("#pred-layer circle").count() == 0
    # the per-entry table says why blank's empty answer does not match the three gold actions
    assert "no match: 3 actions too few" in page.locator("tr", has_text="blank").inner_text()
    # styled and scripted by the site's shared files (assets/, one level up), loaded from disk as served: no
    # stylesheet inlined, and the page's own CSS applied (the header's colour, the boxes' label hidden)
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    sheets = page.evaluate("Array.from(document.styleSheets, s => s.href)")
    assert len(sheets) == 1 and re.fullmatch(rf"{re.escape(base)}/assets/site\.[0-9a-f]{{12}}\.css", sheets[0])
    assert page.locator("header").evaluate("h => getComputedStyle(h).backgroundColor") == "rgb(16, 24, 40)"
    assert page.locator("#box-label").is_hidden()
    assert re.fullmatch(rf"{re.escape(base)}/assets/site\.[0-9a-f]{{12}}\.js", page.evaluate(
        "Array.from(document.scripts, s => s.src).filter(Boolean).join()"))
    assert errors == []
    page.close()


def test_a_task_opened_from_an_entry_page_shows_that_entrys_prediction(site, browser):
    out, _ = site
    page, errors = open_page(browser, f"{out.as_uri()}/entries/sloppy.html")
    page.locator("#tasks tbody tr td:first-child a", has_text="10").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/tasks/10.html#sloppy")
    assert page.locator("#entry").evaluate("s => s.options[s.selectedIndex].text") == "sloppy"
    assert "600,300" in page.locator("#pred-script").inner_text()  # sloppy's click, not Perfect's
    page.select_option("#entry", label="Perfect")  # the address follows the choice, to be shared
    assert page.url.endswith("/tasks/10.html#perfect")
    # each entry's row leads back to its page
    page.locator("tr", has_text="blank").locator("a").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/entries/blank.html")
    assert errors == []
    page.close()
    # a link mangled on its way (a stray %) still shows a prediction: the first entry's
    page, errors = open_page(browser, f"{out.as_uri()}/tasks/10.html#%E0%A4%A")
    assert page.locator("#pred-script").inner_text() != "" and errors == []
    page.close()


def test_on_a_phone_pages_keep_the_screens_width(site, browser):
    # A page wider than the phone scrolls sideways as a whole, header and all; a wide table scrolls in its place.
    out, _ = site
    for path in ("index.html", "entries/sloppy.html", "tasks/10.html"):
        page, errors = open_page(browser, f"{out.as_uri()}/{path}")
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert errors == []
        page.close()


def test_charts_fit_their_cards_and_values_clear_their_whiskers(site, browser):
    out, board = site
    page, errors = open_page(browser, f"{out.as_uri()}/index.html")
    page.set_viewport_size({"width": 1100, "height": 900})  # two cards side by side
    for chart in page.locator(".chart").all():
        card = chart.evaluate_handle("c => c.closest('.card')").as_element()
        c, k = chart.bounding_box(), card.bounding_box()
        assert c["x"] >= k["x"] and c["x"] + c["width"] <= k["x"] + k["width"] + 0.5
        # Each value starts right of its bar's whisker.
        whiskers = chart.locator(".whisker").all()
        labels = chart.locator(".bar-value").all()
        assert len(labels) == len(whiskers) == len(board.entries)
        for w, t in zip(whiskers, labels):
            wb, tb = w.bounding_box(), t.bounding_box()
            assert tb["x"] >= wb["x"] + wb["width"]
    assert errors == []
    page.close()


def test_a_report_opens_on_the_runs_own_page_and_drills_down_to_tasks(omniact_data, browser, tmp_path):
    from click.testing import CliRunner

    from omniact.cli import main

    sub = write_sub(tmp_path / "sloppy.jsonl", mutate=lambda i, s: s.replace('"enter"', '"tab"'),
                    meta={"name": "Sloppy"})
    r = CliRunner().invoke(main, ["report", str(sub), "--data", str(omniact_data), "--split", "test",
                                  "--out", str(tmp_path / "rep")])
    assert r.exit_code == 0, r.output
    page, errors = open_page(browser, (tmp_path / "rep/index.html").as_uri())
    assert page.title() == "Report: Sloppy on test"
    assert page.locator("#leaderboard").count() == 0  # not a leaderboard of one
    assert page.locator(".chart").count() == 3  # by platform, app and gold action type
    rows = page.locator("#tasks tbody tr")
    assert rows.count() == 12
    key_penalties = page.locator("#tasks tbody tr td:nth-child(6)").all_inner_texts()
    assert "0.000" in key_penalties and any(k != "0.000" for k in key_penalties)  # "tab" for "enter" shows up
    page.locator("#tasks tbody tr td:first-child a", has_text="10").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/rep/tasks/10.html#sloppy")  # the run's own answer shown
    assert page.locator("#screenshot").evaluate("i => i.complete && i.naturalWidth") == 1440
    page.locator("header a").click()  # back to the report
    page.wait_for_load_state("load")
    assert page.title() == "Report: Sloppy on test"
    assert errors == []
    page.close()


def test_a_report_with_a_baseline_says_what_changed_task_by_task(omniact_data, browser, tmp_path):
    import json

    from click.testing import CliRunner

    from omniact.cli import main

    # The baseline answers every task with its gold but task 3; the run answers task 3, drops task 0 and
    # presses "tab" for every "enter" (tasks 1 and 10).
    base = write_sub(tmp_path / "base.jsonl", mutate=lambda i, s: None if i == "3" else s, meta={"name": "Before"})
    run = write_sub(tmp_path / "run.jsonl", mutate=lambda i, s: None if i == "0" else s.replace('"enter"', '"tab"'),
                    meta={"name": "After"})
    out = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(run), "--baseline", str(base), "--data", str(omniact_data),
                                  "--split", "test", "--out", str(out), "--workers", "2"])
    assert r.exit_code == 0, r.output
    page, errors = open_page(browser, (out / "index.html").as_uri())
    assert page.title() == "Report: After on test, compared with Before"
    card = page.locator("#compare")
    counts = _key_values(page, "#compare")
    assert counts == {"fixed (matched now, not before)": 1, "broken (matched before, not now)": 1,
                      "matched, higher score": 0, "matched, lower score": 2, "unchanged": 8}
    scores = {e["name"]: e["action_score"] for e in json.loads((out / "leaderboard.json").read_text())["entries"]}
    assert f"AS {100 * (scores['After'] - scores['Before']):+.2f} [" in card.inner_text()
    change = {row.locator("td").first.inner_text(): row.locator("td").last.inner_text()
              for row in page.locator("#tasks tbody tr").all()}
    assert (change["0"], change["3"], change["1"], change["10"], change["2"]) == ("broken", "fixed", "-0.333",
                                                                                 "-0.333", "")
    # Every breakdown group of the run, against the baseline's, the largest loss first.
    board = json.loads((out / "leaderboard.json").read_text())["entries"]
    after = next(e for e in board if e["name"] == "After")["breakdown"]
    rows = page.locator("#compare-groups tbody tr")
    assert rows.count() == sum(len(groups) for groups in after.values())
    changes = [float(x) for x in page.locator("#compare-groups tbody tr td:last-child").all_inner_texts()]
    assert changes == sorted(changes) and changes[0] < 0 and changes[-1] > 0  # task 3 fixed: some group gains
    page.locator("#tasks thead th", has_text="vs Before").click()  # ascending: what broke first
    assert page.locator("#tasks tbody tr td:first-child").first.inner_text() == "0"
    page.locator("#tasks tbody tr td:first-child a", has_text="1").first.click()
    page.wait_for_load_state("load")
    assert page.locator("#entry option").all_inner_texts() == ["After", "Before"]  # the run's answer shown first
    assert errors == []
    page.close()


def test_an_entry_pages_task_table_sorts_by_text_and_by_number(site, browser):
    out, _ = site
    page, errors = open_page(browser, f"{out.as_uri()}/entries/sloppy.html")
    goals = page.locator("#tasks tbody tr td:nth-child(3)")
    page.locator("#tasks thead th", has_text="goal").click()
    assert goals.all_inner_texts() == sorted(goals.all_inner_texts(), key=str.lower)
    page.locator("#tasks thead th", has_text="score").click()  # the best task first, then the worst
    scores = [float(x) for x in page.locator("#tasks tbody tr td:nth-child(8)").all_inner_texts()]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    page.locator("#tasks thead th", has_text="score").click()
    scores = [float(x) for x in page.locator("#tasks tbody tr td:nth-child(8)").all_inner_texts()]
    assert scores == sorted(scores) and scores[0] < scores[-1]
    assert errors == []
    page.close()


def test_a_task_that_did_not_match_shows_no_penalty_and_sorts_after_those_with_one(site, browser):
    # Its penalties read 0.000 and sorted among the exact matches.
    out, _ = site
    page, errors = open_page(browser, f"{out.as_uri()}/entries/blank.html")  # no task matched
    cells = page.locator("#tasks tbody tr td:nth-child(5)")
    assert set(cells.all_inner_texts()) == {"\u2014"}
    page.close()
    page, errors = open_page(browser, f"{out.as_uri()}/entries/sloppy.html")  # every task matched
    assert "\u2014" not in page.locator("#tasks tbody tr td:nth-child(5)").all_inner_texts()
    # and in a mixed table, the rows without a value go last whichever way the column is sorted
    page.evaluate("""() => { const r = document.querySelector('#tasks tbody tr');
                             for (const i of [4, 5, 6]) { r.cells[i].dataset.v = ''; r.cells[i].textContent = '\u2014'; } }""")
    for _ in range(2):
        page.locator("#tasks thead th", has_text="click pen.").click()
        assert page.locator("#tasks tbody tr td:nth-child(5)").all_inner_texts()[-1] == "\u2014"
    assert errors == []
    page.close()


def _key_values(page, card: str) -> dict[str, int]:
    """A card's key/value table: each count named by its row header (th scope=row), as a screen reader reads it."""
    labels = (c.strip() for c in page.locator(f"{card} th[scope=row]").all_inner_texts())
    return dict(zip(labels, map(int, page.locator(f"{card} th[scope=row] + td").all_inner_texts())))


def _results(page) -> dict[str, int]:
    return _key_values(page, "#results")


def test_an_entry_page_says_where_its_tasks_went(site, browser):
    from omniact_fixture import TASKS

    out, _ = site
    page, errors = open_page(browser, f"{out.as_uri()}/entries/sloppy.html")
    counts = _results(page)
    # sloppy presses "tab" for every "enter" and clicks (600, 300) for (412.5, 88.0); everything else is gold
    golds = ["\n".join(lines) for _, _, _, _, lines in TASKS[:12]]
    pressed = sum('"enter"' in g for g in golds)
    moved = sum("412.5,88.0" in g for g in golds)
    both = sum('"enter"' in g and "412.5,88.0" in g for g in golds)
    assert counts["tasks"] == counts["matched"] == 12
    assert (counts["with a key penalty"], counts["with a click penalty"]) == (pressed, moved)
    assert counts["exactly (no penalty)"] == 12 - pressed - moved + both
    assert counts["no match"] == counts["refused by the parser"] == counts["no prediction"] == 0
    assert page.locator("#why").count() == 0  # everything matched: nothing to explain
    page.close()
    page, more_errors = open_page(browser, f"{out.as_uri()}/entries/blank.html")
    assert (_results(page)["no match"], _results(page)["matched"]) == (12, 0)  # empty answers match nothing
    # ... and the card says why: every gold action is missing
    why = _key_values(page, "#why")
    lengths = [len(lines) for _, _, _, _, lines in TASKS[:12]]
    words = {n: f"{'one' if n == 1 else n} action{'s' if n > 1 else ''} too few" for n in set(lengths)}
    assert why == {words[n]: lengths.count(n) for n in set(lengths)}
    # each task's row says it too, so that sorting by result groups the reasons
    assert page.locator("#tasks tbody tr td:nth-child(4)").all_inner_texts() == [f"no match: {words[n]}"
                                                                                 for n in lengths]
    assert errors == more_errors == []
    page.close()


def test_a_prediction_that_writes_html_leaves_the_task_page_working(omniact_data, browser, tmp_path):
    # "<!--<script>" inside the page's JSON once swallowed the page's own script; "</script>" could end it early.
    hostile = ("pyautogui.click(600,300)\npyautogui.write('<!--<script>')\n"
               "pyautogui.write('</script><script>alert(1)</script>')\npyautogui.write('\u2028&amp;')")
    evil = write_sub(tmp_path / "evil.jsonl", mutate=lambda i, s: hostile if i == "10" else s, meta={"name": "Evil"})
    plain = write_sub(tmp_path / "plain.jsonl", meta={"name": "Plain"})
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [evil, plain], samples=10)
    write_site(board, ds, tmp_path / "out")
    page, errors = open_page(browser, (tmp_path / "out/tasks/10.html").as_uri())
    page.select_option("#entry", label="Evil")
    assert page.locator("#pred-script").inner_text() == hostile
    assert [page.locator("#pred-layer circle.pred-point").get_attribute(a) for a in ("cx", "cy")] == ["600", "300"]
    page.select_option("#entry", label="Plain")
    assert 'pyautogui.write("running shoes")' in page.locator("#pred-script").inner_text()
    assert page.locator("#pred-layer circle.pred-point").get_attribute("cx") == "412.5"
    assert page.evaluate("document.scripts.length") == 2  # the data and the page's own script, nothing else
    assert errors == []  # no console error, no dialog
    page.close()


def test_a_report_shows_what_the_agent_failed_with_instead_of_an_empty_answer(omniact_data, browser, tmp_path):
    import json

    from click.testing import CliRunner

    from omniact.cli import main

    # as a run records a task whose agent raised: no script, the error and its kind
    sub = write_sub(tmp_path / "run.jsonl")
    lines = [json.loads(line) for line in sub.read_text().splitlines()]
    lines[3].update(script="", error="ValueError: model exploded (my_agent.py:7)", error_kind="exception")
    sub.write_text("".join(json.dumps(rec) + "\n" for rec in lines))
    task_id = lines[3]["id"]
    out = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(sub), "--data", str(omniact_data), "--split", "test", "--out", str(out)])
    assert r.exit_code == 0, r.output
    page, errors = open_page(browser, (out / "index.html").as_uri())
    assert "the agent failed (exception)" in page.locator("#why").inner_text()
    row = page.locator("#tasks tbody tr", has=page.locator(f"td:first-child a:text-is('{task_id}')"))
    # README: the task's row and page show the agent's message
    assert "no match: the agent failed (exception): ValueError: model exploded (my_agent.py:7)" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_load_state("load")
    assert page.locator("#pred-script").inner_text() == ("(no script: the agent failed: exception: ValueError: model "
                                                        "exploded (my_agent.py:7))")
    assert "model exploded (my_agent.py:7)" in page.locator("table").last.inner_text()
    assert errors == []
    page.close()


def test_chart_labels_of_long_names_stay_distinct(omniact_data, tmp_path):
    from omniact.report.site import write_site as write

    long = "A submission whose name is longer than any chart label, "
    a = write_sub(tmp_path / "a.jsonl", meta={"name": long + "version one"})
    b = write_sub(tmp_path / "b.jsonl", mutate=lambda i, s: "", meta={"name": long + "version two"})
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [a, b], samples=10)
    write(board, ds, tmp_path / "out", task_pages=False)
    text = (tmp_path / "out/index.html").read_text()
    chart = text[text.index("<div class=chart"):text.index("<details class=numbers")]
    labels = re.findall(r"<span class=bar-label>(.*?)</span>", chart)
    assert labels == [long + "version one", long + "version two"]  # whole: a chart's label wraps, never cut short


def test_a_task_page_says_what_the_parser_refused_in_a_prediction(omniact_data, tmp_path):
    # Reference mode reads lines, so a refused answer also has a first difference; the page must still show the
    # parser's own message, which is what the agent's author has to fix.
    bad = write_sub(tmp_path / "bad.jsonl", mutate=lambda i, s: "pyautogui.click(600, 300" if i == "10" else s)
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [bad], samples=10)
    write_site(board, ds, tmp_path / "out")
    text = (tmp_path / "out" / "tasks" / "10.html").read_text()
    row = re.search(r"<div class=name>bad</div></td><td class=l>([^<]*)</td>", text)
    assert row is not None and "parse error (line 1, column " in row[1] and "never closed" in row[1], row


def test_a_task_pages_title_and_screenshot_say_which_task_it_is(site):
    # "Task 9" in a list of tabs or of search results, and a screenshot described as "screenshot"
    out, _ = site
    text = (out / "tasks" / "0.html").read_text()
    goal = re.search(r"<title>Task 0: ([^<]+)</title>", text)
    assert goal is not None and len(goal.group(1)) > 3
    assert f"alt='the screenshot of task 0: {goal.group(1)}" in text


def test_a_long_name_in_a_card_wraps_inside_its_column(browser):
    # A card's names are row headers (th), which the rule that wraps a card's cells (td) did not reach: a long
    # unbroken reason ran on past its fixed-width column, over the count beside it.
    from omniact.report.site import CSS, _why_card

    reason = "agent error: FileNotFoundError: /very/long/path/" + "x" * 120 + ".json"
    page = browser.new_page(viewport={"width": 800, "height": 600})
    page.set_content(f"<!doctype html><style>{CSS}</style><main><div style='width:400px'>"
                     f"{_why_card({1: reason, 2: 'short'})}</div></main>")
    widths = page.evaluate("() => [...document.querySelectorAll('#why th[scope=row]')]"
                           ".map(c => [c.clientWidth, c.scrollWidth])")
    page.close()
    assert widths and all(scroll <= client for client, scroll in widths), widths


@pytest.mark.parametrize("frozen_before", [False, True])
def test_pages_written_by_forked_workers_leave_the_collectors_frozen_objects_as_they_were(frozen_before):
    # The workers' inherited objects are frozen while they write. A caller's own frozen objects (a server that froze
    # its start-up before forking) must not pin ours for the process's life: gc.unfreeze() is all or nothing.
    import gc

    from omniact.report.site import _write_pages

    gc.collect()
    if frozen_before:
        gc.freeze()
    try:
        before = gc.get_freeze_count()
        kept = [[i] for i in range(1000)]  # made after the caller's freeze
        done: list[int] = []
        _write_pages({"tasks": (lambda start, stop: stop - start, 10)}, 2, lambda n, total: done.append(n))
        assert done[-1] == 10  # every page written, by forked workers
        # (not ==: a frozen object that is freed leaves the count; ours frozen and kept would add 1,000 at least)
        assert gc.get_freeze_count() <= before
        assert len(kept) == 1000
    finally:
        gc.unfreeze()
