"""The settle pause before the check, and the spare context a worker prepares for its next task."""

from __future__ import annotations

from pathlib import Path

import pytest

from omniact.sandbox import replay_page
from omniact.sandbox.browser import shared_host
from omniact.sandbox.replay import ReplayJob, run_job

PAGES = Path(__file__).parent / "fixtures" / "pages"
SETTLE = PAGES / "settle.html"
TIMEOUT = 90.0

pytestmark = pytest.mark.browser


def test_a_check_true_only_briefly_after_the_script_fails():
    # The pause ends early only once the check has stayed true; this one turns false again after 50 ms.
    r = replay_page(
        html=SETTLE, script="pyautogui.click(100, 50)", check="window.flash === 1", task_timeout=TIMEOUT
    )
    assert r.success is False and r.reason == "check was false after the script"


def test_a_check_that_turns_true_during_the_pause_passes():
    r = replay_page(
        html=SETTLE, script="pyautogui.click(100, 250)", check="window.late === 1", task_timeout=TIMEOUT
    )
    assert r.success is True, r.reason


def test_a_worker_hands_its_next_task_a_fresh_spare_context():
    host = shared_host()  # one Playwright per thread: the process's own host, with spares on for this test
    host.spares, used = True, host.spares_used
    common = {"root": str(PAGES), "path": "settle.html", "task_timeout": TIMEOUT}
    try:
        first = run_job(
            ReplayJob(
                task_id="one", script="pyautogui.click(100, 450)", check="window.stored === true", **common
            ),
            host,
        )
        second = run_job(
            ReplayJob(
                task_id="two",
                script="",
                check="localStorage.getItem('mark') === null && window.stored === undefined",
                **common,
            ),
            host,
        )
    finally:
        host.spares = False
        host.discard_spare()
    assert first.success and second.success, (first.reason, second.reason)
    assert host.spares_used > used  # the second task ran in the context made during the first one's pause
