"""Ctrl-Z pauses a split's replay, its workers and their browsers included, and the pause times no task out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from terminal_job import end_job, wait_until

from omniact import job_control
from omniact.dataset import load_split
from omniact.sandbox.browser import shared_host
from omniact.sandbox.replay import ReplayJob, run_job

HERE = Path(__file__).parent
SUITE = HERE / "fixtures" / "suite"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                       reason="job control and /proc (Linux)"),
]


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(") ", 1)[1].split()


def _state(pid: int) -> str:
    try:
        return _stat(pid)[0]
    except (FileNotFoundError, ProcessLookupError):
        return "gone"


def _below(pid: int) -> list[int]:
    """The processes below `pid`, except those in its own group (multiprocessing's resource tracker)."""
    parents = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                parents[int(d)] = int(_stat(int(d))[1])
            except (OSError, IndexError):
                pass
    out, stack = [], [pid]
    while stack:
        above = stack.pop()
        kids = [p for p, parent in parents.items() if parent == above]
        out += kids
        stack += kids
    own = os.getpgid(pid)
    return [p for p in out if _state(p) != "gone" and int(_stat(p)[2]) != own]


def _is_browser(pid: int) -> bool:
    try:
        return "chrom" in os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return False




def _start_replay(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """A replay of two tasks, one at a time, each sleeping 4 s in its script before the gold one, started as a
    shell starts a job (a group of its own in this session)."""
    dataset = load_split(SUITE, "test")
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(json.dumps({"id": t.id, "script": "pyautogui.sleep(2)\npyautogui.sleep(2)\n"
                                         + t.gold_script}) + "\n" for t in dataset.tasks[:2]))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "omniact.cli", "replay", "--data", str(SUITE), "--split", "test", "--predictions",
           str(preds), "--limit", "2", "--workers", "1", "--task-timeout", "10", "--step-images", "--out", str(out),
           "--json"]
    driver = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, process_group=0)
    return driver, out


def _stop_mid_task(driver: subprocess.Popen, out: Path) -> list[int]:
    """Send the replay the SIGTSTP a terminal's Ctrl-Z would once its first task's script runs (its first step image
    is written); the processes below it, once the replay has stopped."""
    assert wait_until(lambda: any(out.glob("*/step_00_initial.*")), 300), "no task started"
    os.kill(driver.pid, signal.SIGTSTP)
    assert wait_until(lambda: _state(driver.pid) == "T", 10)
    return _below(driver.pid)




def _killed_takes_with_it(driver: subprocess.Popen, stopped: list[int]) -> None:
    """`kill -9 %1` of the stopped job `driver` leads: the processes `stopped`, stopped with it, end too."""
    assert wait_until(lambda: all(_state(p) == "T" for p in stopped), 10)
    os.killpg(driver.pid, signal.SIGKILL)
    driver.wait(30)
    assert wait_until(lambda: all(_state(p) in ("Z", "gone") for p in stopped), 30), \
        f"outlived the killed replay: {[(p, _state(p)) for p in stopped if _state(p) not in ('Z', 'gone')]}"


def _end_all(driver: subprocess.Popen, pids: list[int]) -> None:
    for p in pids:
        if _state(p) not in ("Z", "gone"):
            os.kill(p, signal.SIGKILL)
    end_job(driver)


def test_ctrl_z_stops_the_replay_workers_and_browsers_and_the_pause_times_no_task_out(tmp_path):
    # Replay workers led sessions of their own: Ctrl-Z stopped the command alone, and the workers and their browsers
    # ran on (a busy page kept a core). Stopped with it, a worker's own watchdog, on the system's clock, would then
    # have killed the browser on `fg` ("timed out after 10s"), as would the pool's limits.
    driver, out = _start_replay(tmp_path)
    try:
        below = _stop_mid_task(driver, out)
        assert any(_is_browser(p) for p in below), "no browser below the replay"
        assert wait_until(lambda: all(_state(p) == "T" for p in below), 10), \
            f"run on while the replay is stopped: {[p for p in below if _state(p) != 'T']}"
        time.sleep(14)  # longer than --task-timeout
        os.kill(driver.pid, signal.SIGCONT)
        stdout, err = driver.communicate(timeout=300)
    finally:
        end_job(driver)
    assert driver.returncode == 0, err
    tasks = json.loads(stdout)["tasks"]
    assert [(t["success"], t["reason"]) for t in tasks] == [(True, None), (True, None)]
    # what a task took, without the pause
    assert all(t["elapsed"] < 14 for t in tasks), [t["elapsed"] for t in tasks]


def test_a_stopped_replay_killed_takes_its_workers_and_browsers_with_it(tmp_path):
    # Ctrl-Z, then `kill -9 %1`: the system hangs up the workers' groups, orphaned and stopped, and continues them;
    # their browsers, in sessions of their own, would have stayed stopped for good.
    driver, out = _start_replay(tmp_path)
    below: list[int] = []
    try:
        below = _stop_mid_task(driver, out)
        # (with nothing found below the replay, the check that all of it ended would hold of nothing)
        assert any(_is_browser(p) for p in below), "no browser below the replay"
        _killed_takes_with_it(driver, below)
    finally:
        _end_all(driver, below)


LATE = """<!doctype html><body><script>
setTimeout(() => { const d = document.createElement("div"); d.id = "late"; d.textContent = "late"; document.body.append(d); }, 12000);
</script></body>"""


def _count_a_pause(seconds: float) -> None:
    """What `stopped_together` counts when the replay has been stopped for `seconds` (the browser is not stopped)."""
    job_control._STATE.paused.value += seconds


def test_a_wait_for_the_page_that_a_pause_cut_short_goes_on_for_the_time_the_task_has_left(tmp_path):
    # Playwright's waits time out on the system's clock: after a Ctrl-Z longer than a task had left, a wait for the page
    # in progress ended at once on `fg` ("timed out after 12s waiting for --wait-for '#late' to be visible"), though
    # the task, its clock stopped, had nearly all of its time left.
    (tmp_path / "late.html").write_text(LATE)
    job = ReplayJob(task_id="late", script="pyautogui.click(10, 10)", root=str(tmp_path), path="late.html",
                    wait_for="#late", check="true", task_timeout=12)
    shared_host().browser()  # launched before the task starts
    pause = threading.Timer(5, _count_a_pause, (12,))  # as the task waits for #late, which comes at 12 s
    counted = job_control._STATE.paused.value
    pause.start()
    try:
        result = run_job(job)
    finally:
        pause.cancel()
        job_control._STATE.paused.value = counted  # the next test in this process starts with no pause counted
    assert (result.success, result.reason) == (True, None)


def test_a_replay_under_stty_tostop_does_not_stop_when_its_browser_driver_writes_to_the_terminal(tmp_path):
    # (review) Replay workers are groups of the terminal's session, never in its foreground. They ignore SIGTTOU, but
    # Playwright's driver (Node) puts every signal back to its default: its first write to the terminal (here its
    # debug log) under `stty tostop` stopped it for good, and the replay failed after 180 s with a traceback.
    from terminal_job import in_terminal

    dataset = load_split(SUITE, "test")
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(json.dumps({"id": t.id, "script": t.gold_script}) + "\n" for t in dataset.tasks[:2]))
    code, out = in_terminal([sys.executable, "-m", "omniact.cli", "replay", "--data", str(SUITE), "--split", "test",
                             "--predictions", str(preds), "--limit", "2", "--workers", "1", "--task-timeout", "30"],
                            tostop=True, timeout=150, env={"DEBUG": "pw:browser"})
    assert code == 0, out[-2000:]
    assert "2/2 tasks succeeded" in out and "pw:browser" in out  # the driver's log reached the terminal


def _ctrl_z_then_fg(driver: subprocess.Popen, seconds: float,
                    while_stopped: Callable[[], None] = lambda: None) -> tuple[str, str]:
    """Stop the job `driver` leads as a terminal's Ctrl-Z does (SIGTSTP to its whole group), run `while_stopped()` once
    it is stopped, keep it stopped `seconds` in all, continue it as `fg` does, and return what it printed."""
    os.killpg(driver.pid, signal.SIGTSTP)
    assert wait_until(lambda: _state(driver.pid) == "T", 10)
    stopped = time.monotonic()
    while_stopped()
    time.sleep(max(0.0, seconds - (time.monotonic() - stopped)))
    os.killpg(driver.pid, signal.SIGCONT)
    return driver.communicate(timeout=300)


def _one_task_replay(tmp_path: Path, task_timeout: int) -> subprocess.Popen:
    """A replay of one task (the command drives its browser itself) whose script sleeps 4 s before the gold one,
    started as a shell starts a job, once its task has started."""
    task = load_split(SUITE, "test").tasks[0]
    script = tmp_path / "s.py"
    script.write_text("pyautogui.sleep(2)\npyautogui.sleep(2)\n" + task.gold_script)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "omniact.cli", "replay", "--data", str(SUITE), "--task", task.id, "--script",
           str(script), "--task-timeout", str(task_timeout), "--out", str(out), "--json"]
    driver = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, process_group=0)
    if not wait_until(lambda: any(out.glob("*/step_00_initial.*")), 300):
        end_job(driver)
        pytest.fail("the task did not start")
    return driver


def test_ctrl_z_stops_one_tasks_replay_with_its_browser_and_the_pause_times_it_not_out(tmp_path):
    # One task's replay drives its browser from the command's own process: Chromium leads a session of its own, so
    # a Ctrl-Z stopped the command and left the browser running, and on fg the pause had used up the task's time.
    driver = _one_task_replay(tmp_path, 10)
    try:
        def all_below_stopped() -> None:
            below = _below(driver.pid)
            assert any(_is_browser(p) for p in below), "no browser in a group of its own below the replay"
            assert wait_until(lambda: all(_state(p) == "T" for p in below), 10), \
                f"run on while the replay is stopped: {[p for p in below if _state(p) != 'T']}"

        stdout, err = _ctrl_z_then_fg(driver, 14, all_below_stopped)  # longer than --task-timeout
    finally:
        end_job(driver)
    assert driver.returncode == 0, err
    result = json.loads(stdout)
    assert (result["success"], result["reason"]) == (True, None)
    assert result["elapsed"] < 14, result["elapsed"]  # what the task took, without the pause


def test_one_tasks_replay_killed_while_stopped_takes_its_browser_with_it(tmp_path):
    # `kill -9 %1` of a stopped one-task replay: its Chromium, in a session of its own and stopped with it, was
    # orphaned stopped for good (nothing the system does reaches another session). The job's watch ends it.
    driver = _one_task_replay(tmp_path, 30)
    below: list[int] = []
    try:
        os.killpg(driver.pid, signal.SIGTSTP)
        assert wait_until(lambda: _state(driver.pid) == "T", 10)
        below = _below(driver.pid)
        browsers = [p for p in below if _is_browser(p)]
        assert browsers, "no browser below the replay"
        _killed_takes_with_it(driver, browsers)
    finally:
        _end_all(driver, below)


SLOW_AGENT = """
import time
class Slow:
    def __init__(self, mark):
        self.mark = mark
    def act(self, view):
        open(self.mark, "a").write("x")
        time.sleep(3)
        return "pyautogui.click(80, 105)"
"""


def test_ctrl_z_while_the_miniwob_suite_asks_its_agent_times_no_act_out(tmp_path):
    # The suite asks its agent in the command's own process, between its pool's runs, where no Ctrl-Z handler was
    # in force: the pause counted against act()'s --task-timeout, and the episode failed as the agent's time-out.
    (tmp_path / "slow.py").write_text(SLOW_AGENT)
    mark = tmp_path / "asked"
    cmd = [sys.executable, "-m", "omniact.cli", "replay", "--miniwob-suite", "--miniwob-envs", "click-test", "--seeds",
           "0", "--workers", "1", "--agent", f"{tmp_path / 'slow.py'}:Slow", "--agent-arg", f"mark={mark}",
           "--task-timeout", "6", "--json"]
    driver = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, process_group=0)
    try:
        assert wait_until(mark.exists, 300), "the agent was not asked"
        stdout, err = _ctrl_z_then_fg(driver, 8)  # while act() sleeps its 3 s; longer than --task-timeout
    finally:
        end_job(driver)
    assert driver.returncode == 0, err
    reason = json.loads(stdout)["episodes"][0]["reason"] or ""
    assert not reason.startswith("agent error"), reason
