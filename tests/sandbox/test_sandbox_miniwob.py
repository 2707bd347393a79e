"""MiniWoB++ by execution: a correct scripted click earns reward 1, a wrong one does not."""

from __future__ import annotations

import re

import pytest

from omniact.sandbox import miniwob_task, replay_miniwob

pytestmark = pytest.mark.browser

SEED = 3


def _buttons(seed: int) -> tuple[str, list[dict]]:
    """The seeded episode's target text and its buttons' centres (CSS px), read from the page itself."""
    from omniact.sandbox.browser import shared_host
    from omniact.sandbox.miniwob import START_EPISODE_JS, VIEWPORT, miniwob_html

    host = shared_host()
    server = host.server_for(miniwob_html())
    s = host.open(viewport=VIEWPORT, dpr=1.0, origin=server.origin)
    try:
        s.page.goto(server.url("miniwob/click-button.html"))
        s.page.evaluate(START_EPISODE_JS, seed)
        query = s.page.evaluate("document.getElementById('query').textContent")
        buttons = s.page.evaluate("""[...document.querySelectorAll('#area button')].map(b => {
            const r = b.getBoundingClientRect();
            return {text: b.textContent, x: r.x + r.width / 2, y: r.y + r.height / 2}; })""")
    finally:
        s.close()
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
