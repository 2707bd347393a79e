"""MiniWoB++ by execution: a correct scripted click earns reward 1, a wrong one does not."""

from __future__ import annotations

import json
import re

import pytest

from omniact.sandbox import miniwob_task, replay_miniwob

pytestmark = pytest.mark.browser

SEED = 3


def _read(env: str, seed: int, js: str):
    """`js` evaluated on the seeded episode of `env`, opened as the sandbox opens it."""
    from omniact.sandbox.browser import shared_host
    from omniact.sandbox.miniwob import START_EPISODE_JS, VIEWPORT, miniwob_html

    host = shared_host()
    server = host.server_for(miniwob_html())
    s = host.open(viewport=VIEWPORT, dpr=1.0, origin=server.origin)
    try:
        s.page.goto(server.url(f"miniwob/{env}.html"))
        s.page.evaluate(START_EPISODE_JS, seed)
        return s.page.evaluate(js)
    finally:
        s.close()


#: The centres (CSS px) and texts of the elements a selector finds: `_read(env, seed, CENTRES % "'#area button'")`
CENTRES = """[...document.querySelectorAll(%s)].map(b => {
    const r = b.getBoundingClientRect();
    return {text: b.textContent, x: r.x + r.width / 2, y: r.y + r.height / 2}; })"""


def _buttons(seed: int) -> tuple[str, list[dict]]:
    """The seeded episode's target text and its buttons' centres (CSS px), read from the page itself."""
    query, buttons = _read(
        "click-button", seed, f"[document.getElementById('query').textContent, {CENTRES % repr('#area button')}]"
    )
    return re.search(r'"(.*)"', query).group(1), buttons


@pytest.fixture(scope="module")
def episode():
    return _buttons(SEED)


def test_the_task_view_has_the_utterance_and_a_screenshot():
    with miniwob_task("click-button", SEED, task_timeout=90) as t:
        assert t.view.goal.startswith("Click on the") and t.view.image_path.is_file()
        assert (t.view.width, t.view.height) == (160, 210) and t.view.image.size == (160, 210)
        path = t.view.image_path
    assert not path.exists()  # the temporary screenshot is removed


def test_a_correct_click_gets_reward_1_at_dpr_2(episode):
    target, buttons = episode
    b = next(b for b in buttons if b["text"] == target)
    r = replay_miniwob(
        "click-button", SEED, f"pyautogui.click({b['x'] * 2}, {b['y'] * 2})", dpr=2, task_timeout=90
    )
    assert r.reward == 1.0 and r.success and r.info["done"] is True
    assert r.info["utterance"].startswith("Click on the")


def test_a_wrong_click_gets_no_positive_reward(episode):
    target, buttons = episode
    wrong = [b for b in buttons if b["text"] != target]
    # Another button ends the episode with -1; with only the right text on every button, click empty space.
    x, y = (wrong[0]["x"], wrong[0]["y"]) if wrong else (150, 200)
    r = replay_miniwob("click-button", SEED, f"pyautogui.click({x}, {y})", task_timeout=90)
    assert r.reward is not None and r.reward <= 0 and not r.success


def _right_click(episode) -> str:
    target, buttons = episode
    b = next(b for b in buttons if b["text"] == target)
    return f"pyautogui.click({b['x']}, {b['y']})"


def test_an_episode_that_ended_keeps_its_reward_when_the_script_then_runs_out_of_time(episode):
    """The right click earned 1; the script slept on past the sandbox's time limit: that reward stands."""
    # (6 s: the page must be ready first on a loaded machine; the script's 10 s of sleeps run past it all the same)
    r = replay_miniwob("click-button", SEED, _right_click(episode) + "\npyautogui.sleep(2)" * 5, task_timeout=6)
    assert (r.reward, r.success, r.reason, r.info["done"]) == (1.0, True, None, True)
    assert r.info["note"].startswith("the script ran on past the episode's end (reward 1) and then timed out after 6s")


def test_a_timeout_before_the_episode_ended_is_reward_0_and_a_parse_error_too():
    # (2 s was too little on a loaded machine: the page was not ready yet, and the replay timed out before the script)
    r = replay_miniwob("click-button", SEED, "pyautogui.click(5, 5)" + "\npyautogui.sleep(2)" * 5, task_timeout=6)
    assert (r.reward, r.success) == (0.0, False) and r.reason.startswith("timed out after 6s at step ")
    r = replay_miniwob("click-button", SEED, 'os.system("x")')
    assert (r.reward, r.success) == (0.0, False) and r.reason.startswith("parse error:")  # not null


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_a_scroll_then_at_once_a_click_gets_reward_1(seed):
    """Playwright's wheel returns before the scroll lands: the submit click met the textarea unscrolled (-1)."""
    query, area, submit = _read("scroll-text-2", seed, f"""[document.getElementById('query').textContent,
        {CENTRES % repr('#text-area')}[0], {CENTRES % repr('#subbtn')}[0]]""")
    clicks = -30 if "bottom" in query else 30
    script = (f"pyautogui.moveTo({area['x']}, {area['y']})\npyautogui.scroll({clicks})\n"
              f"pyautogui.click({submit['x']}, {submit['y']})")
    r = replay_miniwob("scroll-text-2", seed, script, task_timeout=20)
    assert (r.reward, r.success) == (1.0, True), (query, r.reason)


def _cli(*args: str):
    from click.testing import CliRunner

    from omniact.cli import main

    return CliRunner().invoke(main, ["replay", *args], catch_exceptions=False)


def test_an_episode_that_cannot_start_in_time_is_a_failed_replay_not_a_traceback():
    r = _cli("--miniwob", "click-button", "--agent", "noop", "--task-timeout", "0.05")
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    assert r.output.startswith(
        "FAIL miniwob/click-button/0 reward 0 (0.0s): could not start the episode: timed out after 0.05s"
    )


def test_settle_ms_is_the_pause_after_a_miniwob_script(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("pyautogui.moveTo(5, 5)\n")
    r = _cli("--miniwob", "click-button", "--script", str(script), "--settle-ms", "1500", "--json")
    assert json.loads(r.output)["info"]["timings"]["settle"] >= 1.4
    r = _cli("--miniwob-suite", "--agent", "noop", "--miniwob-envs", "click-button", "--seeds", "0",
             "--settle-ms", "1500", "--json")
    assert json.loads(r.output)["episodes"][0]["info"]["timings"]["settle"] >= 1.4
