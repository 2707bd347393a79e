"""The site on a phone, by touch and by keyboard: what a mouse's hover shows is reachable without one, and no page
is wider than its window."""

from __future__ import annotations

import json

import pytest
from test_report_leaderboard import write_sub

from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_site

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
NARROW = {"viewport": {"width": 760, "height": 800}}  # a desktop window beside another: wider than a phone's layout
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
LONG = "An agent whose name goes on " * 6 + "v2"


@pytest.fixture(scope="module")
def site(omniact_data, tmp_path_factory):
    """A leaderboard with task pages (a tie, a long name, a sloppy entry) and a report compared with a baseline."""
    d = tmp_path_factory.mktemp("touch")
    perfect = write_sub(d / "perfect.jsonl", meta={"name": "Perfect"})
    write_sub(d / "twin.jsonl", meta={"name": "Twin"})  # the same answers: tied with Perfect
    sloppy = write_sub(d / "sloppy.jsonl", mutate=lambda i, s: s.replace('"enter"', '"tab"').replace("412.5,88.0",
                                                                                                   "600,300"))
    write_sub(d / "long.jsonl", mutate=lambda i, s: s if int(i) % 2 else "", meta={"name": LONG})
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, sorted(d.glob("*.jsonl")), samples=50)
    write_site(board, ds, d / "out")
    write_site(build_leaderboard(ds, [sloppy, perfect], samples=20), ds, d / "rep", report=True, baseline="Perfect")
    return d, board


@pytest.fixture(scope="module")
def open_page(browser):
    """open_page(kind, path or URL) -> (page, errors): a page in a context of that kind, collecting console errors
    and failed requests."""
    made = {}

    def open_(kind, path):
        key = json.dumps(kind, sort_keys=True)
        if key not in made:
            made[key] = browser.new_context(**kind)
            made[key].set_default_timeout(5000)  # an element a finger cannot reach fails fast
        page = made[key].new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
        page.goto(path if isinstance(path, str) else path.as_uri())
        page.wait_for_load_state("load")
        return page, errors

    yield open_
    for c in made.values():
        c.close()


@pytest.fixture(scope="module")
def served(site):
    """The site's folder served over HTTP, as a static server would: the pages must work there as from disk."""
    from test_report_site import serving

    with serving(site[0]) as origin:
        yield origin


def label(page):
    return page.locator("#box-label")


@pytest.mark.parametrize("how", ["disk", "served"])
def test_tapping_a_box_shows_its_label_on_the_box_and_tapping_again_hides_it(site, open_page, served, how):
    d, _ = site
    page, errors = open_page(PHONE, d / "out/tasks/0.html" if how == "disk" else f"{served}/out/tasks/0.html")
    box = page.get_by_role("img", name="sidebar_documents (gold target)")
    box.tap()
    assert label(page).is_visible() and label(page).inner_text() == "sidebar_documents (gold target)"
    # The label sits at its box (just below it), on the screenshot, at the phone's scale.
    b, lb, shot = box.bounding_box(), label(page).bounding_box(), page.locator(".shot").bounding_box()
    assert abs(lb["x"] - b["x"]) < 3 and 0 <= lb["y"] - (b["y"] + b["height"]) < 8
    assert shot["x"] <= lb["x"] and lb["x"] + lb["width"] <= shot["x"] + shot["width"]
    assert float(label(page).evaluate("l => getComputedStyle(l).fontSize").removesuffix("px")) >= 12  # readable
    box.tap()
    assert not label(page).is_visible()
    # A box inside a larger one takes the taps on its own area (the larger one keeps the rest of its area).
    page.get_by_role("img", name="file_report_name").tap()
    assert label(page).inner_text() == "file_report_name"
    page.get_by_role("img", name="file_report_pdf").tap(position={"x": 4, "y": 4})
    assert label(page).inner_text() == "file_report_pdf"
    page.locator(".shot svg").tap(position={"x": 200, "y": 190})  # away from every box: the label goes
    assert not label(page).is_visible()
    # A box near the right edge keeps its label on the screenshot.
    page.get_by_role("img", name="search_field").tap()
    lb = label(page).bounding_box()
    assert label(page).inner_text() == "search_field" and lb["x"] + lb["width"] <= shot["x"] + shot["width"] + 0.5
    assert errors == []
    page.close()


def test_the_keyboard_reaches_every_box_and_shows_its_label(site, open_page):
    d, _ = site
    page, errors = open_page(DESKTOP, d / "out/tasks/0.html")
    names = page.locator("rect.box").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    assert "search_field" in names and len(names) == 7
    seen = []
    for _ in range(len(names) + 6):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
        if focused in names:
            seen.append(focused)
            assert label(page).is_visible() and label(page).inner_text() == focused
        if len(seen) == len(names):
            break
    assert sorted(seen) == sorted(names)
    page.keyboard.press("Tab")  # past the last box: its label goes
    assert not label(page).is_visible()
    page.keyboard.press("Shift+Tab")  # back to it
    assert label(page).inner_text() == seen[-1]
    page.keyboard.press("Escape")
    assert not label(page).is_visible()
    page.keyboard.press("Enter")
    assert label(page).inner_text() == seen[-1]
    assert errors == []
    page.close()


def test_a_keyboard_can_skip_the_boxes(site, open_page):
    """Every box is a Tab stop: a busy screen's hundred boxes stood between a keyboard and the scripts below."""
    d, _ = site
    page, errors = open_page(DESKTOP, d / "out/tasks/0.html")
    skip = page.locator("a.skip")
    assert skip.bounding_box() is None or skip.bounding_box()["x"] < 0  # out of sight until focused
    for _ in range(20):  # the skip link comes before the first box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('skip')"):
            break
        assert page.evaluate("document.activeElement.tagName") != "rect"
    assert "7 boxes" in skip.inner_text()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["width"] > 0  # shown while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "gold-script"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") != "rect"  # past every box
    assert errors == []
    page.close()

def test_a_mouse_shows_a_label_on_hover_and_a_click_keeps_it(site, open_page):
    d, _ = site
    page, errors = open_page(DESKTOP, d / "out/tasks/10.html")
    page.get_by_role("img", name="cart_button").hover()
    assert label(page).inner_text() == "cart_button"
    page.mouse.move(5, 5)
    assert not label(page).is_visible()
    page.get_by_role("img", name="search_bar (gold target)").click()  # through the gold point drawn over it
    page.mouse.move(5, 5)
    assert label(page).inner_text() == "search_bar (gold target)"
    assert errors == []
    page.close()


def test_the_overlays_stay_on_their_elements_at_a_phones_width(site, open_page):
    d, _ = site
    page, errors = open_page(PHONE, d / "out/tasks/10.html")
    page.select_option("#entry", label="sloppy")  # its click at (600, 300)
    img = page.locator("#screenshot").bounding_box()
    assert img["width"] <= 390 - 20
    scale = img["width"] / 1440
    assert abs(img["height"] - 900 * scale) < 1
    for name, (left, top, right, bottom) in {"search_bar (gold target)": (300, 70, 525, 106),
                                             "cart_button": (1280, 70, 1320, 106)}.items():
        b = page.get_by_role("img", name=name).bounding_box()
        assert abs(b["x"] - (img["x"] + left * scale)) < 1.5 and abs(b["y"] - (img["y"] + top * scale)) < 1.5
        assert abs(b["width"] - (right - left) * scale) < 3 and abs(b["height"] - (bottom - top) * scale) < 3
    p = page.locator("#pred-layer circle.pred-point").bounding_box()
    assert abs(p["x"] + p["width"] / 2 - (img["x"] + 600 * scale)) < 1.5
    assert abs(p["y"] + p["height"] / 2 - (img["y"] + 300 * scale)) < 1.5
    assert errors == []
    page.close()


PAGES = ["out/index.html", "out/entries/sloppy.html", "out/tasks/10.html", "rep/index.html", "rep/tasks/1.html"]


def test_no_page_scrolls_sideways_on_a_phone_or_in_a_narrow_window(site, open_page):
    d, _ = site
    long_entry = next(p for p in (d / "out/entries").glob("an-agent*.html"))
    for kind in (PHONE, NARROW):
        for path in [*PAGES, long_entry.relative_to(d).as_posix()]:
            page, errors = open_page(kind, d / path)
            width = page.evaluate("innerWidth")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (kind["viewport"], path)
            # a wide table scrolls in its own box, which the window holds whole
            edges = page.locator("main table").evaluate_all(
                "ts => ts.map(t => t.getBoundingClientRect()).filter(r => r.width).map(r => [r.left, r.right])")
            assert all(left >= 0 and right <= width + 0.5 for left, right in edges), (kind["viewport"], path, edges)
            assert errors == [], path
            page.close()


def test_sort_buttons_are_large_enough_to_tap_and_sort_on_a_tap(site, open_page):
    d, _ = site
    for path in ("out/index.html", "out/entries/sloppy.html", "rep/index.html"):
        page, errors = open_page(PHONE, d / path)
        sizes = page.locator("button.sort").evaluate_all(
            "bs => bs.map(b => { const r = b.getBoundingClientRect(); return [b.textContent, r.width, r.height]; })")
        assert sizes and all(w >= 32 and h >= 32 for _, w, h in sizes), (path, sizes)
        # the button covers its header cell: a tap at the cell's edge sorts too
        th = page.locator("thead th:has(button.sort)").nth(1)
        button = th.locator("button")
        t, b = th.bounding_box(), button.bounding_box()
        assert b["x"] <= t["x"] + 1.5 and b["x"] + b["width"] >= t["x"] + t["width"] - 1.5
        assert b["y"] <= t["y"] + 1.5 and b["y"] + b["height"] >= t["y"] + t["height"] - 1.5
        assert errors == []
        page.close()
    page, errors = open_page(PHONE, d / "out/index.html")
    page.locator("#leaderboard thead th button", has_text="AS").tap()
    assert page.locator("#leaderboard thead th", has_text="AS").get_attribute("aria-sort") == "descending"
    assert page.locator("#leaderboard tbody tr td:nth-child(2) a").first.inner_text() in ("Perfect", "Twin")
    assert errors == []
    page.close()


def test_a_charts_whole_labels_and_intervals_show_without_a_mouse(site, open_page):
    d, board = site
    page, errors = open_page(PHONE, d / "out/index.html")
    card = page.locator(".card", has=page.locator(".chart[aria-label^='Action score']"))
    numbers = card.locator("details.numbers")
    assert not numbers.locator("table").is_visible()
    numbers.locator("summary").tap()
    rows = numbers.locator("tbody tr")
    assert rows.count() == len(board.entries)
    texts = rows.all_inner_texts()
    long = next(e for e in board.entries if e.name == LONG)
    lo, hi = long.ci["action_score"]
    row = next(t for t in texts if t.startswith(LONG))  # the whole name, which the chart cuts short
    assert f"{100 * long.score['action_score']:.2f}" in row and f"[{100 * lo:.2f}, {100 * hi:.2f}]" in row
    assert errors == []
    page.close()


def test_what_a_hover_title_says_is_on_the_page(site, open_page):
    d, _ = site
    page, errors = open_page(PHONE, d / "out/index.html")
    twin = page.locator("#leaderboard tbody tr", has_text="Twin").or_(
        page.locator("#leaderboard tbody tr", has_text="Perfect")).last
    assert "tied with the entry above" in twin.locator("td").first.text_content()  # read by a screen reader
    assert "M, K and W are the click (mouse), key and write penalties" in page.locator("main p").first.inner_text()
    page.close()
    page, more = open_page(PHONE, d / "rep/index.html")
    note = page.locator("#vs-note")
    assert note.is_visible() and "each task's score minus Perfect's" in note.inner_text()
    page.close()
    page, most = open_page(PHONE, d / "out/tasks/10.html")
    legend = page.locator("#legend").inner_text()
    assert "tap, click or Tab to a box for its label" in legend and "hover" not in legend
    assert errors == more == most == []
    page.close()


# Every rendered piece of a chart's text: [text, font size in CSS px as drawn, left, top, right, bottom]. Text in an
# SVG is drawn at its font size times the SVG's scale (its width on the page over its viewBox's).
CHART_TEXT = """chart => {
  const out = [], walk = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || el.closest('title')) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const svg = el.closest('svg');
    const scale = svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width
      ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
    out.push([n.textContent, parseFloat(getComputedStyle(el).fontSize) * scale, r.left, r.top, r.right, r.bottom]);
  }
  return out;
}"""


def chart_texts(page):
    return [page.locator(".chart").nth(i).evaluate(CHART_TEXT) for i in range(page.locator(".chart").count())]


def overlap(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


CHART_PAGES = ["out/index.html", "out/entries/sloppy.html", "rep/index.html"]


def test_chart_text_is_as_large_on_a_phone_as_on_a_desktop(site, open_page):
    """A chart of a fixed width scaled down to a phone's screen took its type down with it, to about 6 px."""
    d, _ = site
    sizes = {}
    for kind in (PHONE, DESKTOP):
        for path in CHART_PAGES:
            page, errors = open_page(kind, d / path)
            charts = chart_texts(page)
            assert charts and all(charts), path
            found = [round(size, 1) for chart in charts for _, size, *_ in chart]
            assert min(found) >= 11, (kind["viewport"], path, sorted(set(found)))
            sizes[kind["viewport"]["width"], path] = sorted(set(found))
            assert errors == []
            page.close()
    for path in CHART_PAGES:  # the same type at either width: nothing scaled
        assert sizes[390, path] == sizes[1280, path], path


def test_chart_labels_are_whole_and_nothing_overlaps_on_a_phone(site, open_page):
    d, _ = site
    for path in [*CHART_PAGES, next((d / "out/entries").glob("an-agent*.html")).relative_to(d).as_posix()]:
        page, errors = open_page(PHONE, d / path)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth"), path
        for k, texts in enumerate(chart_texts(page)):
            card = page.locator(".chart").nth(k).evaluate(
                "c => { const r = c.closest('.card').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }")
            for text in texts:  # on its card, its card on the screen
                box = text[2:]
                assert card[0] - 0.5 <= box[0] and box[2] <= card[2] + 0.5 and card[2] <= 390, (path, text)
            for i, a in enumerate(texts):
                for b in texts[i + 1:]:
                    assert not overlap(a[2:], b[2:]), (path, a, b)
        if path == "out/index.html":  # the long name whole, not cut short, in each chart
            words = [" ".join(t[0] for t in texts).split() for texts in chart_texts(page)]
            assert all(" ".join(w).count(LONG) == 1 for w in words)
        assert errors == []
        page.close()


def test_a_chart_of_long_unbroken_app_names_stays_on_a_phones_screen(open_page, tmp_path):
    """App names come from the data: a bundle id is one long word, with nowhere to break but anywhere."""
    from omniact.report.assets import write_assets
    from omniact.report.site import _chart, _page, _site_assets

    rows = [("com.example.enterprise.documentmanagement.desktopclient.preferences (12)", 0.42, (0.3, 0.55)),
            ("Microsoft Visual Studio Code - Insiders Edition with Extensions (3)", 0.9, (0.8, 1.0)),
            ("x (1)", 0.0, None)]
    page_file = tmp_path / "chart.html"
    page_file.write_text(_page("charts", f"<div class=grid><div class=card>{_chart(rows, 'AS by app')}</div></div>",
                               0), encoding="utf-8")
    write_assets(tmp_path, _site_assets())  # the page's stylesheet and script, as a site has them beside its index
    page, errors = open_page(PHONE, page_file)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    (texts,) = chart_texts(page)
    card = page.locator(".card").bounding_box()
    assert min(size for _, size, *_ in texts) >= 11
    for text in texts:
        assert card["x"] <= text[2] and text[4] <= card["x"] + card["width"], text
    assert not any(overlap(a[2:], b[2:]) for i, a in enumerate(texts) for b in texts[i + 1:])
    shown = "".join(t[0] for t in texts)
    assert all(label in shown for label, _, _ in rows)  # whole, wrapped where it must
    assert errors == []
    page.close()


def test_chart_intervals_are_drawn_to_scale_on_a_phone(site, open_page):
    d, board = site
    page, errors = open_page(PHONE, d / "out/index.html")
    chart = page.locator(".chart[aria-label^='Action score']")
    whiskers = chart.locator(".whisker").evaluate_all("""ws => ws.map(w => {
        const r = w.getBoundingClientRect(), t = w.closest('.track').getBoundingClientRect(),
              bar = w.closest('.track').querySelector('.bar').getBoundingClientRect();
        return [(r.left - t.left) / t.width, (r.right - t.left) / t.width, bar.width / t.width, t.width]; })""")
    assert len(whiskers) == len(board.entries)
    for (lo, hi, value, width), e in zip(whiskers, board.entries):
        tol = 1.5 / width  # a pixel and a half
        assert abs(lo - e.ci["action_score"][0]) < tol and abs(hi - e.ci["action_score"][1]) < tol, e.name
        assert abs(value - e.score["action_score"]) < tol, e.name
        assert width >= 150  # the track keeps most of the phone's width
    assert errors == []
    page.close()


def box_geometry(page, name):
    return page.get_by_role("img", name=name).evaluate(
        "b => [b.x.baseVal.value, b.y.baseVal.value, b.width.baseVal.value, b.height.baseVal.value]")


def outline_in_crop(page, name):
    """The magnifier's outline (its box on the page) and where the box named `name` is in the crop: its centre and
    size in CSS px, from the crop's background (the screenshot, scaled and moved), and the crop's own box."""
    view = page.locator("#zoom-view")
    v = view.bounding_box()
    image, size, position = view.evaluate("v => { const s = getComputedStyle(v); return [s.backgroundImage, "
                                          "s.backgroundSize, s.backgroundPosition]; }")
    assert page.locator("#screenshot").evaluate("i => i.src") in image  # the page's own screenshot file
    s = float(size.split()[0].removesuffix("px")) / page.locator(".shot svg").evaluate("s => s.viewBox.baseVal.width")
    pos_x, pos_y = (float(p.removesuffix("px")) for p in position.split())
    x, y, w, h = box_geometry(page, name)
    centre = (v["x"] + pos_x + (x + w / 2) * s, v["y"] + pos_y + (y + h / 2) * s)
    return page.locator("#zoom-box").bounding_box(), centre, (w * s, h * s), v


def assert_outlined(page, name):
    outline, (cx, cy), (w, h), v = outline_in_crop(page, name)
    assert abs(outline["x"] + outline["width"] / 2 - cx) < 1.5 and abs(outline["y"] + outline["height"] / 2 - cy) < 1.5
    assert abs(outline["width"] - w) < 8 and abs(outline["height"] - h) < 8  # the box, its border around it
    assert v["x"] <= outline["x"] and outline["x"] + outline["width"] <= v["x"] + v["width"]  # whole, on the crop
    assert v["y"] <= outline["y"] and outline["y"] + outline["height"] <= v["y"] + v["height"]
    return outline


@pytest.mark.parametrize("how", ["disk", "served"])
def test_a_box_can_be_seen_up_close_and_the_magnifier_closes(site, open_page, served, how):
    d, _ = site
    page, errors = open_page(PHONE, d / "out/tasks/0.html" if how == "disk" else f"{served}/out/tasks/0.html")
    dialog = page.locator("dialog#zoom")
    assert not dialog.is_visible()
    page.locator("#box-list summary").tap()
    opener = page.locator("#box-list button", has_text="search_field")
    opener.tap()
    assert dialog.is_visible() and "search_field" in page.locator("#zoom-title").inner_text()
    v = page.locator("#zoom-view").bounding_box()
    assert v["x"] >= 0 and v["x"] + v["width"] <= 390  # on the phone's screen
    outline = assert_outlined(page, "search_field")
    assert outline["width"] >= 3 * page.get_by_role("img", name="search_field").bounding_box()["width"]  # magnified
    page.locator("#zoom-view").tap()  # a tap closes it
    assert not dialog.is_visible()
    opener.tap()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    opener.tap()
    page.locator("#zoom-next").tap()  # the next box, from the same dialog
    title = page.locator("#zoom-title").inner_text()
    assert "search_field" not in title
    assert_outlined(page, title.rsplit(" (", 1)[0])
    assert errors == []
    page.close()


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_a_tapped_boxs_label_opens_the_magnifier_on_that_box(site, open_page, kind):
    d, _ = site
    page, errors = open_page(PHONE if kind == "phone" else DESKTOP, d / "out/tasks/0.html")
    up_close = page.get_by_role("button", name="See it up close")
    if kind == "desktop":  # a hovered box's label has no button: the mouse would lose it on its way there
        page.get_by_role("img", name="file_report_pdf").hover(position={"x": 4, "y": 4})
        assert label(page).is_visible() and not up_close.is_visible()
    box = page.get_by_role("img", name="file_report_pdf")
    box.tap(position={"x": 4, "y": 4}) if kind == "phone" else box.click(position={"x": 4, "y": 4})
    assert label(page).inner_text() == "file_report_pdf" and up_close.is_visible()
    up_close.tap() if kind == "phone" else up_close.click()
    assert page.locator("dialog#zoom").is_visible()
    assert page.locator("#zoom-title").inner_text().startswith("file_report_pdf (")
    assert_outlined(page, "file_report_pdf")
    page.locator("#zoom-close").click()
    assert not page.locator("dialog#zoom").is_visible()
    assert errors == []
    page.close()


def test_the_magnifier_works_from_the_keyboard(site, open_page):
    d, _ = site
    page, errors = open_page(DESKTOP, d / "out/tasks/0.html")
    page.locator("#box-list summary").focus()
    page.keyboard.press("Enter")  # unfolds the list
    name = "sidebar_documents (gold target)"
    page.locator("#box-list button", has_text=name).focus()
    page.keyboard.press("Enter")
    assert page.locator("dialog#zoom").is_visible()
    assert page.evaluate("document.activeElement.id") == "zoom-close"
    assert_outlined(page, name)
    page.keyboard.press("Enter")  # Close
    assert not page.locator("dialog#zoom").is_visible()
    assert page.evaluate("document.activeElement.textContent") == name  # back where the keyboard was
    assert errors == []
    page.close()


def test_show_all_labels_shows_each_boxs_label_beside_it_and_hides_them(site, open_page):
    d, _ = site
    page, errors = open_page(PHONE, d / "out/tasks/0.html")
    toggle = page.get_by_role("button", name="Show all labels")
    assert toggle.get_attribute("aria-pressed") == "false"
    labels = page.locator(".all-label")
    assert labels.count() == 0 or not any(lb.is_visible() for lb in labels.all())
    toggle.tap()
    assert toggle.get_attribute("aria-pressed") == "true"
    names = page.locator("rect.box").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    shown = [lb for lb in labels.all() if lb.is_visible()]
    assert len(shown) == len(names) == 7
    assert sorted(lb.inner_text() for lb in shown) == sorted(n.removesuffix(" (gold target)") for n in names)
    shot = page.locator(".shot").bounding_box()
    rects = []
    for lb in shown:
        r = lb.bounding_box()
        box = page.locator("rect.box").nth(next(i for i, n in enumerate(names)
                                               if n.removesuffix(" (gold target)") == lb.inner_text())).bounding_box()
        # on the screenshot, and at its box: touching it, beside it or within a label's height of it
        assert shot["x"] - 0.5 <= r["x"] and r["x"] + r["width"] <= shot["x"] + shot["width"] + 0.5
        assert shot["y"] - 0.5 <= r["y"] and r["y"] + r["height"] <= shot["y"] + shot["height"] + 0.5
        gap_x = max(box["x"] - (r["x"] + r["width"]), r["x"] - (box["x"] + box["width"]), 0)
        gap_y = max(box["y"] - (r["y"] + r["height"]), r["y"] - (box["y"] + box["height"]), 0)
        assert gap_x <= 3 and gap_y <= r["height"], (lb.inner_text(), r, box)
        assert float(lb.evaluate("l => getComputedStyle(l).fontSize").removesuffix("px")) >= 11
        rects.append([r["x"], r["y"], r["x"] + r["width"], r["y"] + r["height"]])
    # this screen has room for every label: none covers another
    assert not any(overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1:])
    # where a screen has not, a gold target's label stays on top of those placed after it (it was covered)
    stacks = page.locator(".all-label").evaluate_all(
        "ls => ls.map(l => [l.classList.contains('target'), getComputedStyle(l).zIndex])")
    assert {z for target, z in stacks if target} == {"1"} and {z for target, z in stacks if not target} == {"auto"}
    toggle.tap()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert not any(lb.is_visible() for lb in labels.all())
    assert errors == []
    page.close()
