"""Ctrl-Z pauses a whole run, workers included, and the pause counts against no task's time limit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"

AGENT = """
import os, time
class Ticker:
    def __init__(self, log):
        self.log = log
    def act(self, view):
        # a line every 0.1 s while the task runs: a worker that is not stopped keeps writing
        for _ in range(8):
            with open(self.log, "a") as f:
                f.write(f"{os.getpid()}\\n")
            time.sleep(0.1)
        return "pyautogui.press('enter')"
"""


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(") ", 1)[1][0]


def _wait(cond, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
@pytest.mark.parametrize("worker_type", ["processes", "threads"])
def test_ctrl_z_stops_the_workers_too_and_the_pause_times_no_task_out(tmp_path, worker_type):
    # Process workers lead groups of their own, so a terminal's Ctrl-Z stopped only the driver: the workers ran on,
    # and on `fg` the driver found the tasks it was timing past their limit (threads too: the clock ran on).
    log = tmp_path / "log"
    log.touch()
    (tmp_path / "ticker.py").write_text(AGENT)
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{tmp_path / 'ticker.py'}:Ticker",
           "--agent-arg", f"log={log}", "--data", str(DATA), "--out", str(tmp_path / "r"), "-q", "--json",
           "--worker-type", worker_type, "--workers", "2", "--task-timeout", "4"]
    # Its own group in this session, as a shell's job is (in a session of its own, an orphaned group, the system
    # discards a SIGTSTP): the test sends the driver the SIGTSTP a terminal's Ctrl-Z would.
    driver = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, process_group=0)
    try:
        assert _wait(lambda: len(log.read_text().split()) >= 2, 120), "no task started"
        os.kill(driver.pid, signal.SIGTSTP)
        assert _wait(lambda: _state(driver.pid) == "T", 10)
        workers = {int(p) for p in log.read_text().split()} - {driver.pid}
        assert (worker_type == "processes") == bool(workers)
        assert _wait(lambda: all(_state(p) == "T" for p in workers), 10), "a worker runs on while its run is stopped"
        time.sleep(0.5)  # a line being written as the stop came is in
        lines = len(log.read_text().split())
        time.sleep(5)  # longer than --task-timeout
        assert len(log.read_text().split()) == lines, "a task went on while its run was stopped"
        os.kill(driver.pid, signal.SIGCONT)
        out, err = driver.communicate(timeout=120)
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
            driver.wait()
    assert driver.returncode == 0, err
    summary = json.loads(out)
    assert summary["n_done"] == 6 and summary["errors"] == {}, summary["errors"]


def _gone(pid: int) -> bool:
    try:
        return _state(pid) == "Z"  # a zombie has ended (init reaps it)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
def test_workers_stopped_with_their_run_end_when_the_stopped_run_is_killed(tmp_path):
    # Ctrl-Z, then `kill -9 %1`: a stopped worker cannot notice that its driver is gone, and would stay stopped
    # for good, holding its agent's memory. The system hangs up its group instead.
    log = tmp_path / "log"
    log.touch()
    (tmp_path / "ticker.py").write_text(AGENT.replace("range(8)", "range(10**6)"))
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{tmp_path / 'ticker.py'}:Ticker",
           "--agent-arg", f"log={log}", "--data", str(DATA), "--out", str(tmp_path / "r"), "-q",
           "--worker-type", "processes", "--workers", "2"]
    driver = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0)
    workers: set[int] = set()
    try:
        assert _wait(lambda: len(set(log.read_text().split())) >= 2, 120), "no task started"
        workers = {int(p) for p in log.read_text().split()}
        os.kill(driver.pid, signal.SIGTSTP)
        assert _wait(lambda: all(_state(p) == "T" for p in workers), 10)
        driver.kill()
        driver.wait(30)
        assert _wait(lambda: all(_gone(p) for p in workers), 20), "stopped workers outlived their killed run"
    finally:
        for p in workers:
            if not _gone(p):
                os.kill(p, signal.SIGKILL)
        if driver.poll() is None:
            driver.kill()
            driver.wait()
