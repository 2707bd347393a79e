"""Replays in a real Chromium: what each action does to a page, isolation, and the result's JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from omniact.errors import UserError
from omniact.sandbox import replay_page, replay_task
from omniact.sandbox.replay import ReplayJob, run_job

HERE = Path(__file__).parent
PLAYGROUND = HERE / "fixtures" / "suite" / "apps" / "playground" / "index.html"
PAGES = HERE / "fixtures" / "pages"
TIMEOUT = 90.0  # generous: the test machine is shared; hangs are tested with short timeouts elsewhere

pytestmark = pytest.mark.browser

STATE = (
    "({...window.omni.state, listTop: document.getElementById('list').scrollTop,"
    " stripLeft: document.getElementById('strip').scrollLeft})"
)

# Every pointer and key action, in device pixels of a dpr-2 screenshot (twice the page's CSS pixels).
ALL_ACTIONS = """
pyautogui.click(200, 80)
pyautogui.click(200, 80)
pyautogui.click(340, 190)
pyautogui.write("Ada")
pyautogui.moveTo(180, 650)
pyautogui.rightClick(540, 650)
pyautogui.doubleClick(900, 650)
pyautogui.middleClick(180, 850)
pyautogui.moveTo(120, 360)
pyautogui.dragTo(720, 400)
pyautogui.scroll(-3, x=1400, y=240)
pyautogui.hscroll(2, x=1400, y=600)
pyautogui.hotkey("ctrl", "s")
pyautogui.hotkey("ctrl", "t")
pyautogui.press("win")
"""


@pytest.fixture(scope="module")
def all_actions(tmp_path_factory):
    out = tmp_path_factory.mktemp("steps")
    # An earlier, longer replay's images, of either format (PNG before step images were WebP)
    for name in ("step_40.png", "step_41.webp", "final.png"):
        (out / name).write_bytes(b"an earlier, longer replay's image")
    r = replay_page(
        html=PLAYGROUND,
        script=ALL_ACTIONS,
        viewport=(1440, 900),
        dpr=2,
        check=STATE,
        out_dir=out,
        task_timeout=TIMEOUT,
    )
    return r, out


def test_each_action_does_what_pyautogui_would_at_dpr_2(all_actions):
    r, _ = all_actions
    s = r.info["check_value"]
    assert s["count"] == 2
    assert s["clicks"][0] == {"x": 100, "y": 40, "button": 0, "detail": 1}  # device px / 2 = CSS px
    # PyAutoGUI's two click() calls, 0.1 s apart at one spot: the second of a double-click to the OS and the page
    assert s["clicks"][1] == {"x": 100, "y": 40, "button": 0, "detail": 2}
    assert s["text"] == "Ada"
    assert s["hovered"] is True
    assert s["menu"] is True
    assert s["dbl"] == 1
    assert s["middle"] == 1
    assert s["dropped"] is True and s["moves"] > 1
    assert s["listTop"] == 300  # 3 clicks down x 100 px
    assert s["stripLeft"] == 200  # 2 clicks right x 100 px
    assert "ctrl+s" in s["combos"] and "ctrl+t" not in s["combos"]


def test_unsupported_actions_are_recorded_and_the_rest_runs(all_actions):
    r, _ = all_actions
    outcomes = [st.outcome.split(":")[0] for st in r.steps]
    assert outcomes == ["ok"] * 13 + ["unsupported", "unsupported"]
    assert r.steps[0].call.endswith('mouse.click(100, 40, button="left")')
    assert r.steps[0].point == (100.0, 40.0) and r.steps[0].line == 2


def test_step_images_show_the_action_point(all_actions):
    r, out = all_actions
    assert (out / "step_00_initial.webp").is_file() and (out / "final.webp").is_file()
    first = r.steps[0]
    assert first.image == str(out / "step_01.webp")
    with Image.open(first.image) as im:
        assert im.size == (2880, 1800)  # screenshot pixels at dpr 2
        assert _red(im.convert("RGB").getpixel((200, 80)))


def _red(rgb: tuple[int, int, int]) -> bool:
    """The point's pure red as lossy WebP keeps it (within a few levels)."""
    return rgb[0] > 220 and rgb[1] < 40 and rgb[2] < 40


def test_step_images_come_with_a_page_of_steps_and_nothing_stale(all_actions):
    """index.html shows each step's action, outcome and image in order; a drag is drawn as a line from where it
    started; an earlier replay's extra step images are gone from the folder."""
    _, out = all_actions
    page = (out / "index.html").read_text()
    assert page.index("step_00_initial.webp") < page.index("step_01.webp") < page.index("step_10.webp")
    assert page.index("step_10.webp") < page.index("final.webp") and ".png" not in page
    assert "pyautogui.dragTo(720, 400)" in page and "unsupported: the Windows key belongs to the OS" in page
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(("step_4", "final"))) == ["final.webp"]
    with Image.open(out / "step_10.webp") as im:  # dragTo from (120, 360) to (720, 400), device pixels
        assert _red(im.convert("RGB").getpixel((420, 380)))


def test_taking_step_images_does_not_count_against_the_task_time(tmp_path, monkeypatch):
    """A script that finishes in time without step images must not time out because of them."""
    import time

    import omniact.sandbox.replay as replay_module

    save = replay_module._save_image

    def slow_save(*args, **kwargs):
        time.sleep(1.5)  # a large screenshot on a busy machine: five of them outlast the task's 6 s
        save(*args, **kwargs)

    monkeypatch.setattr(replay_module, "_save_image", slow_save)
    script = "pyautogui.click(200, 80)\n" * 4
    r = replay_page(html=PLAYGROUND, script=script, dpr=2, check="window.omni.state.count === 4",
                    out_dir=tmp_path, task_timeout=6, settle_ms=0)
    assert (r.success, r.reason) == (True, None)
    assert len(list(tmp_path.glob("step_*.webp"))) == 5


def test_json_shape(all_actions):
    r, _ = all_actions
    j = r.to_json()
    assert set(j) >= {
        "task_id",
        "success",
        "reward",
        "reason",
        "parse_error",
        "elapsed",
        "steps",
        "blocked_requests",
        "events",
    }
    assert j["success"] is True and j["reward"] is None and j["reason"] is None
    assert set(j["steps"][0]) == {"index", "line", "action", "call", "outcome", "point", "image"}
    assert j["unsupported"] == [
        {"index": 14, "action": 'pyautogui.hotkey("ctrl", "t")', "why": "ctrl+t is a browser shortcut the page never receives"},
        {"index": 15, "action": 'pyautogui.press("win")', "why": "the Windows key belongs to the OS"},
    ]
    assert j["steps"][0]["point"] == [100.0, 40.0]


def test_requests_outside_the_page_origin_are_blocked_and_logged():
    # The check is true once both fetches have settled: `window.omni.state` alone was true at once, ending the settle
    # pause before the local file's text had arrived on a loaded machine (KeyError: 'local').
    done = "(s => s.fetched !== null && s.local !== undefined ? s : false)(window.omni.state)"
    r = replay_page(html=PAGES / "external.html", script="", check=done, task_timeout=TIMEOUT)
    blocked = "\n".join(r.blocked_requests)
    assert "http://example.org/tracker.png" in blocked
    assert "https://example.com/api/data" in blocked
    assert "WEBSOCKET ws://example.com:8080/socket" in blocked
    assert r.info["check_value"]["fetched"] == "failed"
    assert r.info["check_value"]["local"] == "local content"  # the page's own origin still works


def test_popups_dialogs_and_downloads_do_not_stop_the_replay():
    # The browser announces a download a moment after its click: a second's sleep lets it arrive before the end,
    # which on a loaded machine came first now and then.
    script = "\n".join(f"pyautogui.click(100, {y})" + ("\npyautogui.sleep(1)" if y == 145 else "")
                        for y in (25, 85, 145, 205))
    r = replay_page(
        html=PAGES / "popups.html", script=script, check="window.omni.state", task_timeout=TIMEOUT
    )
    s = r.info["check_value"]
    assert s == {"opened": 1, "alerted": 1, "after": 1, "confirmed": False}
    events = "\n".join(r.events)
    assert "popup closed" in events
    assert "dialog dismissed: confirm" in events and "dialog dismissed: alert" in events
    assert "download refused" in events


def test_a_check_that_is_false_or_throws_fails_with_a_reason():
    r = replay_page(html=PLAYGROUND, script="", check="window.omni.state.count === 1", task_timeout=TIMEOUT)
    assert not r.success and r.reason == "check was false after the script"
    r = replay_page(html=PLAYGROUND, script="", check="window.nope.x", task_timeout=TIMEOUT)
    assert not r.success and r.reason.startswith("check raised: TypeError: Cannot read properties of undefined")


def test_a_check_that_is_not_an_expression_is_the_users_mistake_before_the_script_runs():
    with pytest.raises(UserError, match=r"^--check is not a JavaScript expression: SyntaxError: Unexpected token 'if'"):
        replay_page(html=PLAYGROUND, script="pyautogui.sleep(2)", check="if (x) true", task_timeout=TIMEOUT)


@pytest.mark.parametrize(("selector", "words"), [
    ("<<<", 'Unexpected token "<" while parsing css selector "<<<"'),
    ("foo=bar", 'Unknown engine "foo" while parsing selector foo=bar'),
    ("a:nth-child(x)", "'a:nth-child(x)' is not a valid selector"),
])
def test_a_wait_for_that_is_not_a_selector_is_the_users_mistake(selector, words):
    with pytest.raises(UserError, match=r"^--wait-for is not a selector: ") as e:
        replay_page(html=PLAYGROUND, script="pyautogui.sleep(2)", wait_for=selector, task_timeout=TIMEOUT)
    assert words in str(e.value)


def test_a_hidden_html_file_is_refused_before_a_browser_starts(tmp_path):
    page = tmp_path / ".page.html"  # the replay's server serves no hidden file: it would answer 404
    page.write_text("<p>hi</p>")
    with pytest.raises(UserError, match=r"\.page\.html: the replay's server serves no hidden file .*: rename it$"):
        replay_page(html=page, script="", check="true", task_timeout=TIMEOUT)


def test_a_page_that_never_becomes_ready_fails_with_its_reason():
    job = ReplayJob(
        task_id="t",
        script="pyautogui.click(1, 1)",
        root=str(PAGES),
        path="never_ready.html",
        wait_ready=True,
        check="true",
        task_timeout=4.0,
    )
    r = run_job(job)
    assert not r.success and r.steps == ()
    assert r.reason.startswith("timed out after 4s waiting for the page to be ready")


def test_an_unparseable_prediction_is_a_failure_not_a_crash():
    from omniact.dataset import load_split

    task = load_split(HERE / "fixtures" / "suite", "test")["101"]
    r = replay_task(task, "pyautogui.click(1, 1)\nos.system('echo hi')")
    assert not r.success and r.parse_error and "os.system" in r.parse_error and r.steps == ()


def test_shift_and_tab_type_what_they_would_on_a_desktop():
    """hotkey("shift", "a") types "A", keyDown("shift") then press("1") types "!", and write("\\t") presses Tab (the
    focus leaves the field) instead of putting a tab character into it."""
    script = (
        'pyautogui.click(100, 95)\npyautogui.hotkey("shift", "a")\npyautogui.keyDown("shift")\npyautogui.press("1")\n'
        'pyautogui.write("x")\npyautogui.keyUp("shift")\npyautogui.write("b\\tc")\n'
    )
    r = replay_page(html=PLAYGROUND, script=script, task_timeout=TIMEOUT,
                    check="({text: window.omni.state.text, focus: document.activeElement.id})")
    assert r.info["check_value"]["text"] == "A!Xb" and r.info["check_value"]["focus"] != "field", r.info


@pytest.mark.parametrize("script, check", [
    ("pyautogui.click(50, 50)", None),  # a link as the last step, no check: every step ok, so it passes
    ("pyautogui.click(50, 50)", 'location.pathname.endsWith("next.html")'),
    ("pyautogui.click(60, 215)\npyautogui.write('abc')\npyautogui.press('enter')", 'location.search === "?q=abc"'),
])
def test_a_script_whose_last_step_loads_another_page_is_judged_on_that_page(tmp_path, script, check):
    # The settle and the check evaluated in the document the step had just replaced: "browser error: Execution
    # context was destroyed", a failure though nothing went wrong (a gold script that follows a link, too).
    (tmp_path / "start.html").write_text(
        "<!doctype html><title>start</title>"
        "<a href='next.html' style='display:block;width:100px;height:100px'>go</a>"
        "<form action='next.html'><input name=q style='position:absolute;left:0;top:200px;width:200px'></form>")
    (tmp_path / "next.html").write_text("<!doctype html><title>next</title><p>arrived</p>")
    r = replay_page(html=tmp_path / "start.html", script=script, check=check, task_timeout=TIMEOUT)
    assert r.success, r.reason
    assert all(st.outcome == "ok" for st in r.steps)


def test_a_replay_that_stops_before_its_first_step_leaves_no_earlier_images(tmp_path):
    # Its index.html showed the earlier replay's "before" and "after" images, of steps it never made.
    page = tmp_path / "p.html"
    page.write_text("<!doctype html><title>p</title><input style='width:300px'>")
    out = tmp_path / "out"
    r = replay_page(html=page, script="pyautogui.click(100, 10)\npyautogui.write('abc')", out_dir=out,
                    task_timeout=TIMEOUT)
    assert r.success and sorted(p.name for p in out.glob("*.webp")) == [
        "final.webp", "step_00_initial.webp", "step_01.webp", "step_02.webp"]
    r = replay_page(html=page, script="pyautogui.click(100, 10)", out_dir=out, wait_for="#never", task_timeout=3)
    assert not r.success and "#never" in r.reason
    assert not list(out.glob("*.webp")) and "<img" not in (out / "index.html").read_text()


def test_a_link_to_another_host_is_blocked_as_written_not_upgraded_to_https(tmp_path):
    # Our --disable-features replaced Playwright's (Chromium reads only the last), which turned HTTPS upgrades back
    # on: the blocked request read https://example.net/page, an address the page never asked for, and the
    # fallback navigation that followed made the check fail as a browser error.
    page = tmp_path / "p.html"
    page.write_text("<!doctype html><a href='http://example.net/page' style='display:block;width:100px;"
                    "height:100px'>out</a>")
    r = replay_page(html=page, script="pyautogui.click(50, 50)", check="location.href.length > 0",
                    task_timeout=TIMEOUT)
    assert r.success, r.reason
    assert list(r.blocked_requests) == ["GET http://example.net/page"]
    from omniact.sandbox.browser import OWN_DISABLED_FEATURES, replay_args

    (features,) = [a for a in replay_args() if a.startswith("--disable-features=")]
    assert {"HttpsUpgrades", "PaintHolding", *OWN_DISABLED_FEATURES} <= set(features.split("=", 1)[1].split(","))


def test_a_double_click_right_after_a_click_at_its_spot_is_the_rest_of_a_triple_click():
    """PyAutoGUI's `click` then `doubleClick` at one spot, 0.1 s apart, are three fast clicks to an OS: the page sees
    details 1, 2, 3 and one dblclick, not 1, 1, 2 and a dblclick on the wrong pair."""
    r = replay_page(html=PLAYGROUND, script="pyautogui.click(450, 325)\npyautogui.doubleClick(450, 325)",
                    viewport=(1440, 900), dpr=1, check=STATE, task_timeout=TIMEOUT)
    s = r.info["check_value"]
    assert [c["detail"] for c in s["clicks"]] == [1, 2, 3]
    assert s["dbl"] == 1
