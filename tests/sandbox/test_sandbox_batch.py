"""Batches: built-in-style tasks replayed in worker processes, and hung pages that must not stall them."""

from __future__ import annotations

from pathlib import Path

import pytest

from omniact.dataset import load_split
from omniact.sandbox import replay_tasks
from omniact.sandbox.replay import ReplayJob, ReplayResult, run_job
from omniact.sandbox.workers import LocalPool, WorkerLost

HERE = Path(__file__).parent
PAGES = HERE / "fixtures" / "pages"
SUITE = HERE / "fixtures" / "suite"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pool():
    with LocalPool(workers=2) as p:
        yield p


@pytest.fixture(scope="module")
def dataset():
    return load_split(SUITE, "test")


def test_gold_scripts_succeed_on_every_platform_and_dpr(pool, dataset):
    results = replay_tasks(
        dataset.tasks, {t.id: t.gold_script for t in dataset}, executor=pool, task_timeout=90
    )
    assert [r.task_id for r in results] == [t.id for t in dataset]
    assert [(r.task_id, r.success, r.reason) for r in results] == [(t.id, True, None) for t in dataset]


def test_empty_wrong_and_missing_scripts_fail(pool, dataset):
    scripts = {
        "101": "",
        "102": "pyautogui.click(100.0, 40.0)\npyautogui.write('Ada')",
        "103": "pyautogui.moveTo(120, 360)\npyautogui.dragTo(120, 1000)",
    }  # 104: no prediction
    results = {r.task_id: r for r in replay_tasks(dataset.tasks, scripts, executor=pool, task_timeout=90)}
    assert not any(r.success for r in results.values())
    assert results["101"].reason == "check was false after the script"
    assert results["104"].reason == "no prediction" and results["104"].steps == ()


def test_hung_pages_and_sleepy_scripts_end_as_failures_and_the_batch_goes_on(pool):
    freeze = ReplayJob(
        task_id="freeze",
        script="pyautogui.click(100, 50)\npyautogui.click(100, 50)",
        root=str(PAGES),
        path="hostile.html",
        wait_ready=True,
        check="true",
        task_timeout=8,
    )
    sleepy = ReplayJob(
        task_id="sleepy",
        script="pyautogui.sleep(2)\n" * 30,
        root=str(PAGES),
        path="hostile.html",
        wait_ready=True,
        check="true",
        task_timeout=8,
    )
    fine = ReplayJob(
        task_id="fine",
        script="pyautogui.click(200, 80)",
        root=str(SUITE),
        path="apps/playground/index.html?screen=main",
        dpr=2.0,
        wait_ready=True,
        check="window.omni.state.count === 1",
        task_timeout=90,
    )
    results = {}
    for r in pool.map_unordered(run_job, [freeze, sleepy, fine, fine]):
        if isinstance(r, WorkerLost):
            r = ReplayResult(r.item.task_id, False, reason=r.reason)
        results[r.task_id] = r
    # The worker's watchdog ends both at 8 s by killing the browser ("timed out after 8s ..."): not the pool,
    # a minute later ("the worker did not answer"), as when the watchdog killed one of Chromium's helpers
    # instead of the browser (Debian's Chromium retitles its helpers) and the page went on spinning.
    assert results["freeze"].success is False and results["freeze"].reason.startswith("timed out after 8s")
    assert results["sleepy"].success is False and results["sleepy"].reason.startswith("timed out after 8s")
    assert results["fine"].success is True  # a worker whose browser was killed serves the next task


def test_a_worker_that_stops_answering_is_killed_and_replaced():
    with LocalPool(workers=1, timeout_of=lambda item: 0.5, grace=0.5, warmup=None) as p:
        out = list(p.map_unordered(_sleep_forever, ["a", "b"]))
        assert [type(o) for o in out] == [WorkerLost, WorkerLost]
        assert "did not answer" in out[0].reason and p.restarts == 2


def _sleep_forever(item):
    import time

    time.sleep(3600)


def test_a_replay_worker_whose_parent_died_while_it_started_ends_without_a_traceback(tmp_path):
    # kill -9 of `omniact replay` while its workers start: each orphan printed a BrokenPipeError traceback.
    import subprocess
    import sys

    code = ("from multiprocessing import Pipe\nfrom omniact.sandbox.workers import _worker_main\n"
            "mine, parents = Pipe()\nparents.close()\n_worker_main(mine, None)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0 and r.stderr == "", r.stderr
