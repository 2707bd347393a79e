"""A worker's life: one that dies starting ends the run as a start failure; a task past its limit does not slow the
tasks after it; the agent's close() runs to its end; what an agent started in a session of its own ends with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from omniact.cli import main

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"
AGENTS = HERE / "lifecycle_agents.py"


def _run(agent: str, out: Path, *more: str):
    return CliRunner().invoke(main, ["run", "--agent", f"{AGENTS}:{agent}", "--data", str(DATA), "--out", str(out),
                                     "-q", *more])


def test_a_process_worker_that_dies_in_setup_ends_the_run_as_a_start_failure(tmp_path):
    # It was a crash recorded per task, each with a new worker loading the model again (and dying again).
    setups = tmp_path / "setups"
    setups.mkdir()
    r = _run("DiesInSetup", tmp_path / "r", "--agent-arg", f"setups={setups}", "--worker-type", "processes")
    assert r.exit_code == 2, r.output
    assert r.output.startswith(f"omniact: agent could not be started: {AGENTS}:DiesInSetup: the worker died in "
                               "setup() (worker process died (exit code -9))")
    assert r.output.count("\n") == 1
    assert len(list(setups.iterdir())) == 1  # the model was loaded once, not once per task
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").glob("predictions*"))


def test_the_agents_close_runs_to_its_end_in_thread_workers(tmp_path):
    # It ran in a daemon thread nobody waited for: the command ended first, and what close() saves was lost.
    closed = tmp_path / "closed"
    closed.mkdir()
    r = _run("ClosesSlowly", tmp_path / "r", "--agent-arg", f"closed={closed}", "--agent-arg", "secs=1",
             "--workers", "2", "--limit", "4")
    assert r.exit_code == 0, r.output
    assert len(list(closed.iterdir())) == 2  # each worker's agent, as soon as the run has ended


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")  # a zombie runs nothing


def _left_running(pids: Path) -> list[int]:
    """The helpers in `pids` still running a moment after the run (killed ones are gone at once)."""
    started = [int(p.name) for p in pids.iterdir()]
    assert started, "the agent started no helper"
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in started if _alive(p)]
    for p in left:  # nothing of the test's is left behind
        os.kill(p, signal.SIGKILL)
    return left


@pytest.mark.parametrize("hang", [False, True], ids=["run-ends", "task-times-out"])
def test_what_an_agent_started_in_a_session_of_its_own_ends_with_its_worker_process(tmp_path, hang):
    # Only the worker's process group was killed: a server (or Playwright's Chromium) started with
    # start_new_session=True outlived the task's time limit and the run.
    pids = tmp_path / "pids"
    pids.mkdir()
    r = _run("StartsSession", tmp_path / "r", "--agent-arg", f"pids={pids}", "--agent-arg", f"hang={hang}",
             "--worker-type", "processes", "--limit", "2", "--task-timeout", "3")
    assert r.exit_code == 0, r.output
    assert _left_running(pids) == []


def test_what_an_agent_started_in_a_session_of_its_own_ends_when_the_run_is_killed(tmp_path):
    # kill -9 of the run: its process worker notices and kills its group, which a helper started with
    # start_new_session=True is not in: it ran on for ever.
    pids = tmp_path / "pids"
    pids.mkdir()
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{AGENTS}:StartsSession", "--agent-arg",
           f"pids={pids}", "--agent-arg", "hang=true", "--data", str(DATA), "--out", str(tmp_path / "r"), "-q",
           "--worker-type", "processes", "--limit", "1"]
    driver = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not any(pids.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        driver.kill()  # as kill -9: the run's worker is left to notice (within a second)
        driver.wait(30)
        time.sleep(2)
    finally:
        driver.kill()
    assert _left_running(pids) == []
