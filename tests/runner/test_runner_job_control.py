"""Ctrl-Z pauses a whole run, workers included, and the pause counts against no task's time limit."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from terminal_job import end_job, wait_until

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




@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
@pytest.mark.parametrize("worker_type,waitid", [("processes", True), ("threads", True), ("processes", False)])
def test_ctrl_z_stops_the_workers_too_and_the_pause_times_no_task_out(tmp_path, worker_type, waitid):
    # Process workers lead groups of their own, so a terminal's Ctrl-Z stopped only the driver: the workers ran on,
    # and on `fg` the driver found the tasks it was timing past their limit (threads too: the clock ran on).
    # Without os.waitid (macOS before Python 3.13), the workers ran on still.
    log = tmp_path / "log"
    log.touch()
    (tmp_path / "ticker.py").write_text(AGENT)
    start = ["-m", "omniact.cli"] if waitid else ["-c", "import os; del os.waitid; from omniact.cli import run; run()"]
    cmd = [sys.executable, *start, "run", "--agent", f"{tmp_path / 'ticker.py'}:Ticker",
           "--agent-arg", f"log={log}", "--data", str(DATA), "--out", str(tmp_path / "r"), "-q", "--json",
           "--worker-type", worker_type, "--workers", "2", "--task-timeout", "4"]
    # Its own group in this session, as a shell's job is (in a session of its own, an orphaned group, the system
    # discards a SIGTSTP): the test sends the driver the SIGTSTP a terminal's Ctrl-Z would.
    driver = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, process_group=0)
    try:
        assert wait_until(lambda: len(log.read_text().split()) >= 2, 120), "no task started"
        os.kill(driver.pid, signal.SIGTSTP)
        assert wait_until(lambda: _state(driver.pid) == "T", 10)
        workers = {int(p) for p in log.read_text().split()} - {driver.pid}
        assert (worker_type == "processes") == bool(workers)
        assert wait_until(lambda: all(_state(p) == "T" for p in workers), 10), "a worker runs on while its run is stopped"
        time.sleep(0.5)  # a line being written as the stop came is in
        lines = len(log.read_text().split())
        time.sleep(5)  # longer than --task-timeout
        assert len(log.read_text().split()) == lines, "a task went on while its run was stopped"
        os.kill(driver.pid, signal.SIGCONT)
        out, err = driver.communicate(timeout=120)
    finally:
        end_job(driver)
    assert driver.returncode == 0, err
    summary = json.loads(out)
    assert summary["n_done"] == 6 and summary["errors"] == {}, summary["errors"]


SLEEPER = """
import time
class Sleeper:
    def __init__(self, log):
        self.log = log
    def act(self, view):
        with open(self.log, "a") as f:
            f.write("started\\n")
        time.sleep(2)
        return "pyautogui.press('enter')"
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
@pytest.mark.parametrize("worker_type", ["processes", "threads"])
def test_a_task_paused_by_ctrl_z_records_its_own_time_not_the_pause(tmp_path, worker_type):
    # A task running as the run was stopped recorded the pause as its own time (its clock ran on, in the worker
    # and in the stopped process alike): an 8 s Ctrl-Z made a 2 s task take 10 s in the run's records.
    import sqlite3

    log = tmp_path / "log"
    log.touch()
    (tmp_path / "sleeper.py").write_text(SLEEPER)
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{tmp_path / 'sleeper.py'}:Sleeper",
           "--agent-arg", f"log={log}", "--data", str(DATA), "--out", str(tmp_path / "r"), "-q", "--json",
           "--worker-type", worker_type, "--limit", "1"]
    driver = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, process_group=0)
    try:
        assert wait_until(lambda: "started" in log.read_text(), 120), "the task did not start"
        os.kill(driver.pid, signal.SIGTSTP)
        assert wait_until(lambda: _state(driver.pid) == "T", 10)
        time.sleep(8)
        os.kill(driver.pid, signal.SIGCONT)
        _, err = driver.communicate(timeout=120)
    finally:
        end_job(driver)
    assert driver.returncode == 0, err
    with sqlite3.connect(tmp_path / "r" / "run.sqlite") as db:
        (seconds,), = db.execute("SELECT seconds FROM results").fetchall()
    # 2 s of its own (more on a loaded machine); with the pause it would be 10 s or more
    assert seconds < 9, f"the task recorded {seconds:.1f} s, the 8 s pause included"


STARTING = """
import os, signal, subprocess, sys, time
from omniact.job_control import stopped_together, stops_deferred
log, pid_file = sys.argv[1:]
workers = []
with stopped_together(lambda: workers):
    with stops_deferred():
        ticker = f"import time\\nwhile True:\\n    open({log!r}, 'a').write('t\\\\n')\\n    time.sleep(0.1)"
        worker = subprocess.Popen([sys.executable, "-c", ticker])  # in this group, as a worker is until it makes its own
        with open(pid_file, "w") as f:
            f.write(str(worker.pid))
        # `kill -TSTP` as the worker starts, before it is listed
        os.kill(os.getpid(), signal.SIGTSTP)
        time.sleep(0.5)
        workers.append(worker.pid)
    time.sleep(1)
worker.kill()
worker.wait()
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
def test_a_ctrl_z_as_a_worker_starts_stops_that_worker_too(tmp_path):
    # `kill -TSTP` of a run just as it started a worker missed that worker, which ran on: it was not listed yet, or
    # had not made its own process group yet (a spawned worker does so once Python has started).
    log, pid_file = tmp_path / "log", tmp_path / "pid"
    log.touch()
    driver = subprocess.Popen([sys.executable, "-c", STARTING, str(log), str(pid_file)], stderr=subprocess.PIPE,
                              text=True, process_group=0)
    try:
        assert wait_until(lambda: _state(driver.pid) == "T", 60)
        worker = int(pid_file.read_text())
        assert wait_until(lambda: _state(worker) == "T", 10), "the worker runs on while its driver is stopped"
        lines = len(log.read_text().split())
        time.sleep(1)
        assert len(log.read_text().split()) == lines, "the worker went on while its driver was stopped"
        os.kill(driver.pid, signal.SIGCONT)
        _, err = driver.communicate(timeout=60)
    finally:
        end_job(driver)
    assert driver.returncode == 0, err


def _gone(pid: int) -> bool:
    try:
        return _state(pid) == "Z"  # a zombie has ended (init reaps it)
    except FileNotFoundError:
        return True


def _orphans_seen(pids: set[int]) -> str:
    """What the kernel saw of workers it should have hung up: each one's state, parent, group and session. Their group
    is hung up only when orphaned: no member's parent may be in another group of the same session (a parent that is
    a child subreaper in this session, as a test process could have become, keeps it from being orphaned)."""
    import ctypes

    seen = []
    for p in sorted(pids):
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(") ", 1)[1].split()  # noqa: SIM115 - read at once
            seen.append(f"{p}: state {fields[0]}, parent {fields[1]}, group {fields[2]}, session {fields[3]}")
        except OSError:
            seen.append(f"{p}: gone")
    flag = ctypes.c_int(0)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(37, ctypes.byref(flag), 0, 0, 0)  # PR_GET_CHILD_SUBREAPER
    return f"{'; '.join(seen)}; this test process (session {os.getsid(0)}) is a subreaper: {bool(flag.value)}"


def _endless_run(tmp_path: Path) -> tuple[Path, list[str]]:
    """(the log, the command) of a run on two process workers whose agent writes its pid to the log every 0.1 s
    and never answers."""
    log = tmp_path / "log"
    log.touch()
    (tmp_path / "ticker.py").write_text(AGENT.replace("range(8)", "range(10**6)"))
    return log, [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{tmp_path / 'ticker.py'}:Ticker",
                 "--agent-arg", f"log={log}", "--data", str(DATA), "--out", str(tmp_path / "r"), "-q",
                 "--worker-type", "processes", "--workers", "2"]


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
def test_workers_stopped_with_their_run_end_when_the_stopped_run_is_killed(tmp_path):
    # Ctrl-Z, then `kill -9 %1`: a stopped worker cannot notice that its driver is gone, and would stay stopped
    # for good, holding its agent's memory. The system hangs up its group instead.
    log, cmd = _endless_run(tmp_path)
    driver = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0)
    workers: set[int] = set()
    try:
        assert wait_until(lambda: len(set(log.read_text().split())) >= 2, 120), "no task started"
        workers = {int(p) for p in log.read_text().split()}
        os.kill(driver.pid, signal.SIGTSTP)
        assert wait_until(lambda: all(_state(p) == "T" for p in workers), 10)
        # (Killed as soon as the workers are stopped, maybe before the run has set its watch up: the system's hang-up
        # of the orphaned group is what ends them then.)
        driver.kill()
        driver.wait(30)
        assert wait_until(lambda: all(_gone(p) for p in workers), 20), \
            f"stopped workers outlived their killed run: {_orphans_seen(workers)}"
    finally:
        for p in workers:
            if not _gone(p):
                os.kill(p, signal.SIGKILL)
        if driver.poll() is None:
            driver.kill()
            driver.wait()


# A process's state letter (R, S, T, Z...), or "gone": what the job scripts below look at.
PROCESS_STATE = r"""
def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][0]
    except OSError:
        return "gone"
"""

# What each script run under a child subreaper starts with: the subreaper (PR_SET_CHILD_SUBREAPER, as an init such
# as tini -s or systemd may be: a killed command's orphans become this process's children, in the command's session,
# so the system never counts their groups as orphaned, and never hangs them up), a process's state, a wait that
# reaps the orphans that end, and the stop and kill of a command whose workers are then looked at.
SUBREAPER = PROCESS_STATE + r"""
import ctypes, json, os, signal, subprocess, sys, time
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:
    print(json.dumps("no subreaper")); sys.exit()
def until(cond, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        if cond():
            return True
        time.sleep(0.05)
    return cond()
def killed_when_stopped(command, workers, at_once=False):
    # Ctrl-Z to the command, kill -9 once its workers are stopped and (unless at once) it has stopped itself, its
    # watch set up (as a shell's "Stopped" says); then each worker's state, a worker still there killed.
    os.kill(command.pid, signal.SIGTSTP)
    until(lambda: all(state(p) == "T" for p in workers), 10)
    if not at_once:
        until(lambda: state(command.pid) == "T", 10)
    command.kill()
    command.wait()
    until(lambda: all(state(p) in ("Z", "gone") for p in workers), 20)
    states = {p: state(p) for p in workers}
    for p, st in states.items():
        if st not in ("Z", "gone"):
            os.kill(p, signal.SIGKILL)
    until(lambda: False, 0.5)
    return states
"""

UNDER_A_SUBREAPER = SUBREAPER + r"""
log, cmd = sys.argv[1], sys.argv[2:]
driver = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0)
until(lambda: len(set(open(log).read().split())) >= 2, 120)
workers = {int(p) for p in open(log).read().split()}
print(json.dumps(killed_when_stopped(driver, workers, at_once=os.environ.get("KILL_AT_ONCE") == "1")))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
def test_workers_stopped_with_their_run_end_when_it_is_killed_under_a_child_subreaper(tmp_path):
    # Under a child subreaper of the run's own session, the system does not hang up the stopped workers of a killed
    # run: they stayed stopped for good. The stop's watch ends them.
    log, run = _endless_run(tmp_path)
    out = subprocess.run([sys.executable, "-c", UNDER_A_SUBREAPER, str(log), *run], capture_output=True, text=True,
                         timeout=300, check=True).stdout
    states = json.loads(out)
    if states == "no subreaper":
        pytest.skip("this system has no PR_SET_CHILD_SUBREAPER")
    assert len(states) == 2 and set(states.values()) <= {"Z", "gone"}, states


# The run, on a machine too busy to stop itself at once once its workers' groups are stopped.
SLOW_TO_STOP = r"""
import sys, time
from omniact import job_control
stop_all = job_control._stop_all
def slow(*args, **kwargs):
    stopped = stop_all(*args, **kwargs)
    time.sleep(3)
    return stopped
job_control._stop_all = slow
sys.argv = ["omniact", *sys.argv[1:]]
from omniact.cli import run
run()
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
def test_workers_end_when_their_run_is_killed_as_it_stops_them_under_a_child_subreaper(tmp_path):
    # Killed once its workers are stopped, before it has stopped itself: the watch that ends them was set up only
    # after they were stopped, and under a subreaper they stayed stopped for good when the kill came first. It is
    # now told of each group before it is stopped.
    log, run = _endless_run(tmp_path)
    assert run[1:3] == ["-m", "omniact.cli"]
    run = [run[0], "-c", SLOW_TO_STOP, *run[3:]]
    out = subprocess.run([sys.executable, "-c", UNDER_A_SUBREAPER, str(log), *run], capture_output=True, text=True,
                         timeout=300, check=True, env={**os.environ, "KILL_AT_ONCE": "1",
                                                       "PYTHONPATH": str(HERE.parents[1])}).stdout
    states = json.loads(out)
    if states == "no subreaper":
        pytest.skip("this system has no PR_SET_CHILD_SUBREAPER")
    assert len(states) == 2 and set(states.values()) <= {"Z", "gone"}, states


# A command whose groups() names a worker that has not made its group of its own yet (a spawned worker before
# `worker_group`: stopped alone, in the command's group), or a group only after its first answer (a browser an
# agent's thread launches as Ctrl-Z comes). It writes the worker's pid to the file KIDFILE names, then waits.
STOPPED_TOGETHER = {
    "alone": r"""
import os, subprocess, time
from omniact import job_control
kid = subprocess.Popen(["sleep", "60"])
with job_control.stopped_together(lambda: [kid.pid]):
    open(os.environ["KIDFILE"], "w").write(f"{kid.pid}\n")
    time.sleep(60)
""",
    "late": r"""
import os, subprocess, time
from omniact import job_control
kid = subprocess.Popen(["sleep", "60"], process_group=0)
calls = []
def groups():
    calls.append(1)
    return [] if len(calls) == 1 else [kid.pid]
with job_control.stopped_together(groups):
    open(os.environ["KIDFILE"], "w").write(f"{kid.pid}\n")
    time.sleep(60)
"""}

# Under a child subreaper: the command (argv[1]) stopped and killed, then its worker's state.
KILLED_WHEN_STOPPED = SUBREAPER + r"""
kidfile = os.environ["KIDFILE"]
command = subprocess.Popen([sys.executable, "-c", sys.argv[1]], process_group=0)
until(lambda: os.path.exists(kidfile) and open(kidfile).read().endswith("\n"), 30)
kid = int(open(kidfile).read())
print(json.dumps(killed_when_stopped(command, [kid])[kid]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
@pytest.mark.parametrize("case", sorted(STOPPED_TOGETHER))
def test_a_stopped_command_killed_ends_a_worker_alone_in_its_group_or_named_late(tmp_path, case):
    # alone: the watch signalled groups only, and a worker stopped alone (no group of its own yet) has none.
    # late: no watch was started where groups() named nothing at first, and the worker it named next was stopped.
    out = subprocess.run([sys.executable, "-c", KILLED_WHEN_STOPPED, STOPPED_TOGETHER[case]], capture_output=True,
                         text=True, timeout=120, check=True,
                         env={**os.environ, "KIDFILE": str(tmp_path / "kid"), "PYTHONPATH": str(HERE.parents[1])})
    state = json.loads(out.stdout)
    if state == "no subreaper":
        pytest.skip("this system has no PR_SET_CHILD_SUBREAPER")
    assert state in ("Z", "gone"), f"{case}: the worker was left {state!r}"


CTRL_C_WHILE_STOPPING = PROCESS_STATE + r"""
import os, signal, subprocess, time
from omniact import job_control
kid = subprocess.Popen(["sleep", "60"], process_group=0)
calls = []
def groups():
    calls.append(1)
    if len(calls) == 3:  # asked again once the first round is stopped: Ctrl-C pressed just after Ctrl-Z
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(100000))
    return [kid.pid]
try:
    with job_control.stopped_together(groups):
        os.kill(os.getpid(), signal.SIGTSTP)
        time.sleep(1)
except KeyboardInterrupt:
    time.sleep(0.3)
    print(state(kid.pid))
finally:
    kid.kill()
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
def test_ctrl_c_while_ctrl_z_stops_the_groups_leaves_none_stopped():
    out = _job(CTRL_C_WHILE_STOPPING)
    assert out.stdout.strip() in ("S", "R"), out


CTRL_C_WHILE_CONTINUING = PROCESS_STATE + r"""
import os, signal, subprocess, sys, time
from omniact import job_control
kids = [subprocess.Popen(["sleep", "60"], process_group=0) for _ in range(3)]
# what a shell's `fg` does: the job continued once it has stopped itself
subprocess.Popen(["sh", "-c", f"sleep 1; kill -CONT {os.getpid()}"])
signal_group, pressed = job_control._signal, []
def continued_then_ctrl_c(group, sig):
    signal_group(group, sig)
    if sig == signal.SIGCONT and not pressed:  # Ctrl-C pressed as the first group goes on
        pressed.append(group)
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(100000))
job_control._signal = continued_then_ctrl_c
try:
    with job_control.stopped_together(lambda: [k.pid for k in kids]):
        os.kill(os.getpid(), signal.SIGTSTP)
        time.sleep(2)
    print("no KeyboardInterrupt")
except KeyboardInterrupt:
    time.sleep(0.3)
    print(" ".join(state(k.pid) for k in kids), "pressed" if pressed else "not pressed")
finally:
    for k in kids:
        k.kill()
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
def test_ctrl_c_while_the_stopped_groups_are_continued_leaves_none_stopped_and_still_interrupts():
    out = _job(CTRL_C_WHILE_CONTINUING)
    *states, pressed = out.stdout.split()
    assert pressed == "pressed" and len(states) == 3, out
    assert all(s in ("S", "R") for s in states), out


GROUP_ID_TAKEN = PROCESS_STATE + r"""
import os, subprocess, time
from omniact import job_control
kid = subprocess.Popen(["sleep", "60"], process_group=0)
watch = job_control._Watch.start()
watch.tell([kid.pid])  # about to be stopped, as Ctrl-Z's handler says
time.sleep(0.5)
kid.kill()  # the whole group ended while the job was stopped (kill -9 of the worker)
kid.wait()
other = None
for _ in range(20):  # another process takes the group's id: the next pid is made to be the kid's
    try:
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write(str(kid.pid - 1))
    except OSError:
        break
    other = subprocess.Popen(["sleep", "60"], process_group=0)
    if other.pid == kid.pid:
        break
    other.kill()
    other.wait()
    other = None
if other is None:
    print("no pid reuse")
else:
    os.close(watch._fd)  # the job killed while stopped: the pipe's end, without "c"
    time.sleep(1)
    print(state(other.pid))
    other.kill()
"""


@pytest.mark.skipif(not Path("/proc/sys/kernel/ns_last_pid").exists(), reason="choosing the next pid (Linux)")
def test_the_watch_of_a_killed_job_leaves_alone_a_process_that_took_an_ended_groups_id():
    out = _job(GROUP_ID_TAKEN)
    if out.stdout.strip() == "no pid reuse":
        pytest.skip("the next pid cannot be chosen here (ns_last_pid needs CAP_SYS_ADMIN)")
    assert out.stdout.strip() in ("S", "R"), out


def _job(script: str) -> subprocess.CompletedProcess:
    """`script` run as a job of its own (a process group, as a shell makes one), with this checkout's omniact."""
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(HERE.parents[1])}, process_group=0, check=False)


ASKER = """
import getpass
class Asker:
    def act(self, view):
        getpass.getpass("API key: ")  # as an agent might when its key is not set
        return "pyautogui.press('enter')"
"""


@pytest.mark.skipif(not hasattr(os, "openpty") or not Path("/proc/self/stat").exists(), reason="a terminal (pty)")
def test_a_worker_that_reads_the_terminal_fails_its_task_instead_of_stopping_the_run(tmp_path):
    # (review) A process worker is a group of the terminal's session, never in its foreground: an agent asking for a
    # key (getpass) was stopped by the terminal (SIGTTOU/SIGTTIN), and the run, with no --task-timeout, hung for ever.
    from terminal_job import in_terminal

    (tmp_path / "asker.py").write_text(ASKER)
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{tmp_path / 'asker.py'}:Asker", "--data",
           str(DATA), "--out", str(tmp_path / "r"), "--worker-type", "processes", "--limit", "1", "--json"]
    code, out = in_terminal(cmd)  # the run as a terminal's foreground job
    assert code is not None, "the run still waits on its stopped worker after 120 s"
    assert code == 0, out[-2000:]
    record = json.loads((tmp_path / "r" / "predictions.jsonl").read_text().splitlines()[0])
    assert record["error_kind"] == "exception" and record["script"] in (None, "")


PRINTER = """
import subprocess
import sys

CHILD = "import signal; signal.signal(signal.SIGTTOU, signal.SIG_DFL); print('TOOL SAYS HI', flush=True)"


class ToolUser:
    def act(self, view):
        # a tool that puts its signals back to their defaults, as Node does, and writes to the terminal
        subprocess.run([sys.executable, "-c", CHILD], check=True)
        return "pyautogui.press('enter')"
"""


@pytest.mark.skipif(not hasattr(os, "openpty") or not Path("/proc/self/stat").exists(), reason="a terminal (pty)")
def test_under_stty_tostop_a_tool_the_agent_starts_writes_to_the_terminal_instead_of_stopping(tmp_path):
    # A process worker's group is never the terminal's foreground job: a program it starts that does not keep its
    # ignored SIGTTOU (Node, Playwright's driver) was stopped by its first write under `stty tostop`, for good.
    from terminal_job import in_terminal

    (tmp_path / "tool.py").write_text(PRINTER)
    code, out = in_terminal([sys.executable, "-m", "omniact.cli", "run", "--agent", f"{tmp_path / 'tool.py'}:ToolUser",
                             "--data", str(DATA), "--out", str(tmp_path / "r"), "--worker-type", "processes",
                             "--limit", "2", "--task-timeout", "60", "-q"], tostop=True, timeout=150)
    assert code == 0, out[-2000:]
    records = [json.loads(line) for line in (tmp_path / "r" / "predictions.jsonl").read_text().splitlines()]
    assert [r.get("error_kind") for r in records] == [None, None], records
    assert out.count("TOOL SAYS HI") == 2


LAST_WORDS = """
import multiprocessing as mp
import sys


def worker(n):
    from omniact.job_control import worker_group

    worker_group()
    print("line", n, "x" * 200)
    sys.stderr.write(f"last words of worker {n}\\n")  # as the process ends


if __name__ == "__main__":
    for n in range(6):
        p = mp.get_context("spawn").Process(target=worker, args=(n,))
        p.start()
        p.join()
"""


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="a terminal (pty)")
def test_what_a_worker_writes_as_it_ends_reaches_the_terminal(tmp_path):
    # A worker's terminal output goes through a pipe that a thread of the worker relays (job_control.worker_group):
    # the thread died with the process, and what the worker wrote last, still in the pipe, was lost (4 times in 5 for each worker).
    from terminal_job import in_terminal

    (tmp_path / "last.py").write_text(LAST_WORDS)
    code, out = in_terminal([sys.executable, str(tmp_path / "last.py")], timeout=120)
    assert code == 0, out[-2000:]
    assert [f"last words of worker {n}" in out for n in range(6)] == [True] * 6, out[-2000:]


def test_a_call_on_an_agents_own_thread_leaves_a_ctrl_z_pause_out_of_its_time_limit(monkeypatch):
    # `replay` without --out (and a run's thread workers) ask the agent on a thread of their own
    # (executor.CallThread): a Ctrl-Z pause, counted by job_control, is not the call's time.
    import threading

    from omniact import job_control
    from omniact.executor import CallThread, CallTimedOut

    monkeypatch.setattr(job_control._STATE, "paused", job_control._Seconds())

    def paused_for_two_seconds() -> None:  # as the Ctrl-Z handler counts a stop of 2 s, once it is continued
        time.sleep(0.3)
        job_control._STATE.paused.value += 2.0

    threading.Thread(target=paused_for_two_seconds).start()
    assert CallThread("t1").call(lambda: time.sleep(1.5) or "answered", timeout=1.0) == "answered"
    started = time.monotonic()
    with pytest.raises(CallTimedOut):  # no pause: the limit holds
        CallThread("t2").call(lambda: time.sleep(30), timeout=1.0)
    assert time.monotonic() - started >= 1.0


SERVER = """
import sys, time
while True:
    with open(sys.argv[1], "a") as f:
        f.write(".")
    time.sleep(0.1)
"""

SERVER_STARTER = """
import subprocess, sys, time
class StartsAServer:
    # Starts, once per worker, `server` in a session of its own (as an agent may start a local model's server),
    # which writes a dot every 0.1 s to `log`; its pid goes into the file `pids`.
    def __init__(self, server, log, pids):
        self.cmd, self.pids, self.server = [sys.executable, server, log], pids, None
    def act(self, view):
        if self.server is None:
            # (its output not the run's: it would hold the test's pipes open after the run)
            self.server = subprocess.Popen(self.cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)
            with open(self.pids, "a") as f:
                f.write(f"{self.server.pid} ")
        time.sleep(1)
        return "pyautogui.press('enter')"
"""


@contextlib.contextmanager
def _server_run(tmp_path: Path, worker_type: str, output: int) -> Iterator[tuple[subprocess.Popen, Path, list[int]]]:
    """A run of `StartsAServer`, started as a shell starts a job, once its agent's server writes: (the run, the
    server's log, the servers' pids). The run and the servers are ended on the way out. `output`: where the run's
    stdout and stderr go (subprocess.PIPE or DEVNULL)."""
    log, pids = tmp_path / "log", tmp_path / "pids"
    log.touch()
    (tmp_path / "starter.py").write_text(SERVER_STARTER)
    (tmp_path / "server.py").write_text(SERVER)
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{tmp_path / 'starter.py'}:StartsAServer",
           "--agent-arg", f"server={tmp_path / 'server.py'}", "--agent-arg", f"log={log}", "--agent-arg",
           f"pids={pids}", "--data", str(DATA), "--out", str(tmp_path / "r"), "-q", "--json", "--worker-type",
           worker_type, "--workers", "1"]
    driver = subprocess.Popen(cmd, stdout=output, stderr=output, text=True, process_group=0)
    servers: list[int] = []
    try:
        assert wait_until(lambda: pids.exists() and len(log.read_text()) >= 3, 60), "no server started"
        servers += [int(p) for p in pids.read_text().split()]
        yield driver, log, servers
    finally:
        end_job(driver)
        for p in servers:
            with contextlib.suppress(OSError):
                os.kill(p, signal.SIGKILL)


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
@pytest.mark.parametrize("worker_type", ["threads", "processes"])
def test_ctrl_z_stops_what_an_agent_started_in_a_session_of_its_own(tmp_path, worker_type):
    # A process an agent starts with start_new_session (a local model's server) is in no group that the terminal or
    # the run stopped: it ran on, at full speed, while the run was stopped.
    with _server_run(tmp_path, worker_type, subprocess.PIPE) as (driver, log, servers):
        os.killpg(driver.pid, signal.SIGTSTP)  # as a terminal's Ctrl-Z: to the whole job
        assert wait_until(lambda: _state(driver.pid) == "T", 10)
        assert wait_until(lambda: all(_state(p) == "T" for p in servers), 10), "the agent's server runs on"
        time.sleep(0.5)
        ticks = len(log.read_text())
        time.sleep(1.5)
        assert len(log.read_text()) == ticks, "the agent's server went on while its run was stopped"
        os.killpg(driver.pid, signal.SIGCONT)  # as `fg` does
        assert wait_until(lambda: len(log.read_text()) > ticks, 10), "the agent's server was not continued"
        out, err = driver.communicate(timeout=120)
    assert driver.returncode == 0, err
    summary = json.loads(out)
    assert summary["n_done"] == 6 and summary["errors"] == {}, summary["errors"]


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
def test_a_stopped_run_hung_up_continues_what_an_agent_started_in_a_session_of_its_own(tmp_path):
    # Ctrl-Z stops an agent's server (a session of its own) with the run. A terminal closed then hangs the job up
    # (SIGHUP, then SIGCONT): the run ended at the SIGHUP, before it continued the server, and nothing else ever
    # does (its group is no orphan of the run's session): the server stayed stopped for ever, holding its port.
    with _server_run(tmp_path, "threads", subprocess.DEVNULL) as (driver, log, servers):
        os.killpg(driver.pid, signal.SIGTSTP)  # as a terminal's Ctrl-Z
        assert wait_until(lambda: all(_state(p) == "T" for p in servers), 10), "the agent's server runs on"
        os.killpg(driver.pid, signal.SIGHUP)  # as the shell hangs up a stopped job when its terminal closes
        os.killpg(driver.pid, signal.SIGCONT)
        driver.wait(30)
        assert driver.returncode == -signal.SIGHUP  # it ends as a hang-up ends it
        ticks = len(log.read_text())
        assert wait_until(lambda: len(log.read_text()) > ticks, 10), \
            f"the agent's server was left stopped: {[_state(p) for p in servers]}"


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
@pytest.mark.parametrize("worker_type", ["threads", "processes"])
def test_a_stopped_run_killed_ends_what_an_agent_started_in_a_session_of_its_own(tmp_path, worker_type):
    # Ctrl-Z, then `kill -9 %1`: nothing of the run is left to continue the agent's server, stopped in a session of
    # its own, which the system neither hangs up nor continues: it stayed stopped for good, holding its port.
    with _server_run(tmp_path, worker_type, subprocess.DEVNULL) as (driver, _, servers):
        os.killpg(driver.pid, signal.SIGTSTP)  # as a terminal's Ctrl-Z
        assert wait_until(lambda: all(_state(p) == "T" for p in servers), 10), "the agent's server runs on"
        # (the run stops its groups, sets up its watch, then stops itself: `kill -9 %1` comes after the shell's
        # "Stopped", not between the two, which under load is a while)
        assert wait_until(lambda: _state(driver.pid) == "T", 10)
        os.killpg(driver.pid, signal.SIGKILL)  # as `kill -9 %1`
        driver.wait(30)
        assert wait_until(lambda: all(_state(p) in ("Z", "gone") for p in servers), 30), \
            f"the agent's server outlived its killed run: {[_state(p) for p in servers]}"


def test_a_thread_that_wakes_from_a_stop_before_it_is_counted_finds_its_clock_standing_still(monkeypatch):
    # SIGCONT wakes every thread of the stopped command at once: a thread worker's task could read the clock before
    # the handler, in the main thread, had counted the pause, and recorded the pause as its own time (a full test
    # run saw 8.2 s for a 2 s task stopped 8 s). The clock stands still from the stop's start until it is counted.
    import threading

    from omniact import job_control

    monkeypatch.setattr(job_control._STATE, "paused", job_control._Seconds())
    start = job_control.active_clock()
    began = time.monotonic()
    job_control._stop_begins(began)  # the handler's first step, before it stops the process
    read: list[float] = []
    reader = threading.Thread(target=lambda: [read.append(job_control.active_clock()), time.sleep(0.5),
                                              read.append(job_control.active_clock())])
    reader.start()
    reader.join()  # (woken "before the count": the stop's 0.5 s have passed, and nothing is counted yet)
    assert read[0] == read[1] and read[0] - start < 0.1  # standing still, from the stop's start
    job_control._stop_ends(began)  # the handler counts the pause once it goes on
    after = job_control.active_clock()
    assert read[1] <= after < read[1] + 0.1  # going on from where it stood: no jump back, no pause taken in
    assert job_control._STATE.stopped_at is None and job_control._STATE.seq % 2 == 0


TWICE = r"""
import os, signal, subprocess, sys, time
from omniact import job_control
kid = subprocess.Popen(["sleep", "60"], process_group=0)
start, pressed = job_control._Watch.start, []
def second_ctrl_z_as_the_watch_starts():
    if not pressed:
        pressed.append(1)
        os.kill(os.getpid(), signal.SIGTSTP)  # Ctrl-Z pressed again, while the first stop starts its watch
    return start()
job_control._Watch.start = second_ctrl_z_as_the_watch_starts
try:
    with job_control.stopped_together(lambda: [kid.pid]):
        before = job_control.active_clock()
        print("ready", flush=True)
        sys.stdin.readline()  # until the test has stopped and continued the job
        print(job_control.active_clock() - before, flush=True)
finally:
    kid.kill()
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
def test_ctrl_z_pressed_twice_stops_the_job_once(tmp_path):
    # A second Ctrl-Z while the first stop started its watch ran the handler again inside the first: the job stopped
    # again after `fg` (on its own, with its workers running), and the pause was counted twice (its clock went back).
    job = subprocess.Popen([sys.executable, "-c", TWICE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                           process_group=0, env={**os.environ, "PYTHONPATH": str(HERE.parents[1])})
    try:
        assert job.stdout.readline() == "ready\n"
        os.killpg(job.pid, signal.SIGTSTP)
        assert wait_until(lambda: _state(job.pid) == "T", 30), "the job did not stop"
        time.sleep(1)
        os.killpg(job.pid, signal.SIGCONT)  # fg
        time.sleep(1)
        stopped_again = _state(job.pid) == "T"
        if stopped_again:
            os.killpg(job.pid, signal.SIGCONT)
        out, _ = job.communicate("\n", timeout=60)
        assert not stopped_again, "the job stopped again after fg"
        assert float(out) >= 0.5, f"active time {out.strip()} s: the pause was counted twice"
    finally:
        end_job(job)


AT_THE_LIMIT = r"""
import os, resource, signal, subprocess, time
from omniact import job_control
kid = subprocess.Popen(["sleep", "60"], process_group=0)
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
used = []
try:
    while True:
        used.append(os.open(os.devnull, os.O_RDONLY))
except OSError:
    os.close(used.pop())  # one descriptor left: not enough for the watch's pipe
try:
    with job_control.stopped_together(lambda: [kid.pid]):
        if os.fork() == 0:  # the shell's fg, a moment later
            time.sleep(1)
            os.kill(os.getppid(), signal.SIGCONT)
            os._exit(0)
        os.kill(os.getpid(), signal.SIGTSTP)  # Ctrl-Z
        time.sleep(0.2)
    print("went on")
except OSError as e:
    print(f"raised {e}")
finally:
    kid.kill()
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP") or not Path("/proc/self/stat").exists(),
                    reason="job control and /proc (Linux)")
def test_ctrl_z_at_the_descriptor_limit_stops_the_job_unwatched_instead_of_raising():
    out = _job(AT_THE_LIMIT)
    assert out.stdout == "went on\n", out
