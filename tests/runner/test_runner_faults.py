"""An agent that raises, hangs, answers garbage or kills its worker costs only its own tasks."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from omniact.cli import main
from omniact.errors import UserError
from omniact.predictions import read_predictions
from omniact.runner import run
from omniact.store import RunStore

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"
AGENTS = HERE / "runner_test_agents.py"


@pytest.mark.parametrize("worker_type,crash,died", [("threads", "raise", "worker crashed: SystemExit: 3"),
                                                     ("processes", "exit", "exit code 13"),
                                                     ("processes", "raise", "worker crashed: SystemExit: 3")])
def test_raising_hanging_garbage_and_crashing_tasks_are_recorded_and_the_run_completes(
        tmp_path, capfd, worker_type, crash, died):
    s = run(f"{AGENTS}:Faulty", agent_args={"crash": crash}, out=tmp_path / "r", data=DATA, workers=2,
            worker_type=worker_type, task_timeout=3)
    assert "Traceback" not in capfd.readouterr().err  # a worker process printed one for an agent's SystemExit
    assert s.n_done == 6
    assert s.errors == {"exception": 1, "timeout": 1, "parse": 1, "bad_output": 1, "crash": 1}
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    assert "model exploded" in preds["100"].extra["error"] and preds["100"].script == ""
    assert preds["101"].extra["error_kind"] == "timeout" and "3 s" in preds["101"].extra["error"]
    with sqlite3.connect(tmp_path / "r" / "run.sqlite") as db:  # named as the worker's other tasks are
        workers = dict(db.execute("SELECT task_id, worker FROM results"))
    assert workers["101"][:-1] == ("thread" if worker_type == "threads" else "proc"), workers
    # garbage is kept as written, so re-scoring counts the same parse error
    assert preds["102"].script.startswith("I would click") and preds["102"].extra["error_kind"] == "parse"
    assert "not str" in preds["103"].extra["error"]
    assert died in preds["105"].extra["error"]
    assert "error" not in preds["104"].extra
    ref = s.scores["reference"]
    assert ref["n_parse_errors"] == 1 and ref["n_scored"] == 6
    assert 0 < ref["sequence_score"] < 1  # the one good task scored
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["errors"] == s.errors and manifest["status"] == "finished"


def test_retry_errors_reruns_only_the_failed_tasks(tmp_path):
    marker = tmp_path / "down"
    marker.write_text("")
    out = tmp_path / "r"
    s = run(f"{AGENTS}:Flaky", agent_args={"marker": str(marker)}, out=out, data=DATA, limit=3)
    assert s.errors == {"exception": 3}
    marker.unlink()
    s = run(f"{AGENTS}:Flaky", agent_args={"marker": str(marker)}, out=out, data=DATA, resume=True)
    assert s.n_run == 3 and s.errors == {"exception": 3}  # resume alone runs only the new tasks
    s = run(f"{AGENTS}:Flaky", agent_args={"marker": str(marker)}, out=out, data=DATA, resume=True,
            retry_errors=True)
    assert s.n_run == 3 and s.retried_tasks == 3 and not s.errors
    assert s.scores["reference"]["action_score"] == 1.0
    with RunStore(out / "run.sqlite") as store:
        per_task = {}
        for tid, _, outcome in store.attempts():
            per_task.setdefault(tid, []).append(outcome)
    assert per_task == {"100": ["exception", "ok"], "101": ["exception", "ok"], "102": ["exception", "ok"],
                        "103": ["ok"], "104": ["ok"], "105": ["ok"]}


def _rows(db: Path) -> list[str]:
    if not db.exists():
        return []
    con = sqlite3.connect(str(db), timeout=30)
    try:
        return [r[0] for r in con.execute("SELECT task_id FROM results")]
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()




def test_the_run_store_gives_back_a_task_id_with_a_lone_surrogate_as_it_was_given(tmp_path):
    """Task ids are a split file's keys, and JSON can spell a lone surrogate ("\\udc80"): every reader of the store
    gets the id back as the str it was recorded with."""
    from omniact.store import TaskResult

    with RunStore(tmp_path / "run.sqlite") as store:
        store.record(TaskResult("t\udc80", "pyautogui.press(\"\ud83d\")", error="x \ud83d", error_kind="exception"))
        store.record(TaskResult("t\udc80", "pyautogui.press('a')"))  # a retry replaces it: the same row
        assert store.finished_ids() == {"t\udc80"}
        assert [r.task_id for r in store.results()] == ["t\udc80"]
        assert [(t, o) for t, _, o in store.attempts()] == [("t\udc80", "exception"), ("t\udc80", "ok")]
        # by id, as a run's export and re-score ask (the id stored as a BLOB was not found: the task was dropped)
        assert [r.script for r in store.results(["t\udc80"])] == ["pyautogui.press('a')"]


def test_a_task_id_with_a_lone_surrogate_runs_and_is_exported(tmp_path):
    """The worker seeds each task from its id: an id UTF-8 cannot encode crashed every task it was given."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    split = json.loads((data / "test.json").read_text())
    split = {("\udc80" + k if k == "100" else k): v for k, v in split.items()}
    (data / "test.json").write_text(json.dumps(split))
    s = run("oracle", out=tmp_path / "r", data=data, limit=3)
    assert s.n_done == 3 and not s.errors
    assert set(read_predictions(tmp_path / "r" / "predictions.jsonl")) == {"\udc80100", "101", "102"}

def _stop_mid_run(cmd: list[str], out: Path, sig: int, *, group: bool = False) -> tuple[int, str]:
    """Start the run `cmd`, wait until it has finished two tasks, then send it `sig` (with `group`, to its whole
    process group, as a terminal does); (exit code, standard error) once it has ended."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=group)
    try:
        deadline = time.monotonic() + 120
        while len(_rows(out / "run.sqlite")) < 2:  # some tasks done, others under way
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    return proc.returncode, err

def test_kill_9_mid_run_then_resume_loses_nothing_and_redoes_nothing(tmp_path):
    out, log = tmp_path / "r", tmp_path / "log.txt"
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{AGENTS}:Slow", "--agent-arg", f"log={log}",
           "--agent-arg", "delay=0.4", "--data", str(DATA), "--out", str(out), "-q"]
    _stop_mid_run(cmd, out, signal.SIGKILL, group=True)
    done_before = set(_rows(out / "run.sqlite"))
    assert 2 <= len(done_before) < 6
    started_before = log.read_text().split()
    log.write_text("")
    r = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    redone = log.read_text().split()
    assert not set(redone) & done_before  # nothing finished is run again
    assert done_before | set(redone) == {"100", "101", "102", "103", "104", "105"}
    assert set(done_before) <= set(started_before)
    with RunStore(out / "run.sqlite") as store:
        attempts = [t for t, _, _ in store.attempts()]
    assert sorted(attempts) == ["100", "101", "102", "103", "104", "105"]  # each task recorded exactly once
    assert json.loads((out / "scores.json").read_text())["reference"]["action_score"] == 1.0


def test_sigterm_ends_a_run_as_ctrl_c_does(tmp_path):
    # `timeout`, systemd and Slurm stop jobs with SIGTERM: the run must still say it was interrupted and export
    # what it finished, not leave a manifest that says "running" and no predictions.
    out = tmp_path / "r"
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{AGENTS}:Slow", "--agent-arg", "delay=0.4",
           "--data", str(DATA), "--out", str(out), "-q"]
    returncode, err = _stop_mid_run(cmd, out, signal.SIGTERM)
    assert returncode == 128 + signal.SIGTERM, err
    assert err.strip().startswith("omniact: stopped; finished tasks are saved")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    exported = [json.loads(x)["id"] for x in (out / "predictions.jsonl").read_text().splitlines()]
    assert sorted(exported) == sorted(_rows(out / "run.sqlite")) and 2 <= len(exported) < 6



@pytest.mark.parametrize("made_before", [False, True, "with an empty run"])
def test_sigterm_before_any_task_finished_says_nothing_was_kept_not_how_to_resume(tmp_path, made_before):
    # A run that recorded nothing takes away the folder it made: "continue with --resume" named a folder that was gone.
    # In a folder made beforehand (`mkdir runs/x`, with a user's notes in it), it takes away its own files only: it
    # said "finished tasks are saved" and left an empty run that a leaderboard then ranked.
    out, hang, pidfile = tmp_path / "r", tmp_path / "hang", tmp_path / "pid"
    hang.write_text("")
    if made_before:
        out.mkdir()
        (out / "notes.txt").write_text("mine")
    if made_before == "with an empty run":  # a session killed while it started: its store holds no task
        with RunStore(out / "run.sqlite"):
            pass
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{HERE / 'runner_hang_agents.py'}:SlowStart",
           "--agent-arg", f"hang={hang}", "--agent-arg", f"pidfile={pidfile}", "--data", str(DATA), "--out", str(out),
           "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not pidfile.exists():  # the agent is starting: no task can have finished
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert err == "omniact: stopped before any task finished; nothing was kept: run the command again\n"
    if made_before == "with an empty run":
        assert {p.name for p in out.iterdir()} >= {"notes.txt", "run.sqlite"}  # found there: not this run's to take
    elif made_before:
        assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    else:
        assert not out.exists()


def test_ctrl_c_in_a_terminal_stops_a_process_run_with_one_line(tmp_path):
    """Ctrl-C signals the terminal's whole process group, worker processes included: the driver answers it alone
    (one line, exit 130, what finished kept), with no KeyboardInterrupt traceback from each worker."""
    out = tmp_path / "r"
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{AGENTS}:Slow", "--agent-arg", "delay=0.6",
           "--data", str(DATA), "--out", str(out), "-q", "--worker-type", "processes", "--workers", "2", "--limit", "5"]
    returncode, err = _stop_mid_run(cmd, out, signal.SIGINT, group=True)
    assert returncode == 130, err
    # (with the run's --limit: a resume without it goes on to the whole split)
    line = (f"omniact: interrupted; finished tasks are saved. Continue with: omniact run ... --out {out} --limit 5 "
            "--resume")
    assert err.strip().splitlines() == [line]
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"

def _stopped_early(tmp_path: Path, monkeypatch, n: int, says: str) -> tuple[Path, Path]:
    """A run of an agent failing alike on every task (while its `marker` file exists), stopped after `n` tasks."""
    from omniact import runner

    monkeypatch.setattr(runner, "FAIL_FAST", n)
    marker = tmp_path / "down"
    marker.write_text("")
    out = tmp_path / "r"
    with pytest.raises(runner.UserError, match=says):
        run(f"{AGENTS}:Flaky", agent_args={"marker": str(marker)}, out=out, data=DATA)
    return marker, out


def test_a_run_whose_first_tasks_all_fail_alike_stops_early_and_resumes(tmp_path, monkeypatch):
    marker, out = _stopped_early(tmp_path, monkeypatch, 3, "first 3 tasks all failed with: RuntimeError: flaky backend")
    with RunStore(out / "run.sqlite") as store:
        assert len(store) == 3
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    marker.unlink()
    s = run(f"{AGENTS}:Flaky", agent_args={"marker": str(marker)}, out=out, data=DATA, retry_errors=True)
    assert s.n_done == 6 and not s.errors


def test_a_resume_that_leaves_the_first_failures_as_they_are_goes_on_past_them(tmp_path, monkeypatch):
    """An agent that fails on one app fails a whole run's first tasks (a split is ordered by app): the early stop
    said to resume, and every resume stopped on the next tasks alike."""
    marker, out = _stopped_early(tmp_path, monkeypatch, 2, "or go on with the other tasks as it is with --resume")
    s = run(f"{AGENTS}:Flaky", agent_args={"marker": str(marker)}, out=out, data=DATA, resume=True)
    assert s.n_done == 6 and s.errors == {"exception": 6}
    with pytest.raises(UserError, match="first 2 tasks all failed"):  # retried, and failing alike again
        run(f"{AGENTS}:Flaky", agent_args={"marker": str(marker)}, out=out, data=DATA, resume=True, retry_errors=True)


def test_a_run_stopped_in_one_line_exits_2_while_a_native_thread_pool_is_busy(tmp_path):
    """A model agent's torch threads still computing when the run stopped made the interpreter's shutdown abort
    ("terminate called without an active exception", exit 134) after the one line had been printed."""
    pytest.importorskip("torch")
    agent = tmp_path / "busy.py"
    agent.write_text("import threading\n"
                     "import torch\n"
                     "from omniact.errors import UserError\n"
                     "def spin():\n"
                     "    a = torch.randn(1000, 1000)\n"
                     "    while True:\n"
                     "        a @ a\n"
                     "class Agent:\n"
                     "    def setup(self):\n"
                     "        for _ in range(2):\n"
                     "            threading.Thread(target=spin, daemon=True).start()\n"
                     "    def act(self, view):\n"
                     "        raise UserError('the server refused the key')\n")
    proc = subprocess.run([sys.executable, "-m", "omniact.cli", "run", "--agent", f"{agent}:Agent", "--data",
                           str(DATA), "--out", str(tmp_path / "r"), "-q"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.stderr.strip().splitlines() == [
        "omniact: the run stopped before any task finished, and nothing was kept: the server refused the key"]
    assert proc.returncode == 2


def test_a_runaway_answer_costs_its_task_not_the_disk(tmp_path):
    agent = tmp_path / "runaway.py"
    agent.write_text("class Agent:\n    def act(self, view):\n        self.last_raw = 'x' * 3_000_000\n"
                     "        return 'pyautogui.click(1, 1)\\n' * 150_000\n")
    out = tmp_path / "r"
    s = run(f"{agent}:Agent", out=out, data=DATA, limit=2)
    assert s.errors == {"parse": 2}
    assert "script is 3,300,000 characters long" in s.error_examples["parse"]
    assert s.scores["reference"]["n_parse_errors"] == s.scores["strict"]["n_parse_errors"] == 2
    # what a run stores of it: a little over the parser's limit per task, not 3.3 MB (plus 3 MB of raw answer)
    assert (out / "predictions.jsonl").stat().st_size < 2 * 250_000
    assert sum(p.stat().st_size for p in out.glob("run.sqlite*")) < 4_000_000
    r = CliRunner().invoke(main, ["score", "--predictions", str(out), "--json"])
    assert json.loads(r.output) == json.loads((out / "scores.json").read_text())["reference"]


def test_a_lone_surrogate_in_an_answer_or_an_error_is_kept_exactly_and_costs_nothing_else(tmp_path):
    """A model's JSON reply can carry half an emoji's escape ("\\ud83d"), which SQLite's UTF-8 cannot take: the run
    goes on, the exported script and error are what the agent gave, and a resume sees the tasks as done."""
    agent = tmp_path / "half.py"
    agent.write_text("class Agent:\n    def act(self, view):\n"
                     "        if view.id == '100':\n            raise ValueError('bad \\ud83d')\n"
                     "        self.last_raw = 'raw \\ud83d'\n        return 'pyautogui.write(\"a\\ud83db\")'\n")
    out = tmp_path / "r"
    s = run(f"{agent}:Agent", out=out, data=DATA, limit=3)
    assert s.n_done == 3 and s.errors == {"exception": 1}
    preds = read_predictions(out / "predictions.jsonl")
    assert preds["101"].script == 'pyautogui.write("a\ud83db")'
    assert "bad \ud83d" in preds["100"].extra["error"]
    with RunStore(out / "run.sqlite") as store:
        assert [r.raw for r in store.results(["101"])] == ["raw \ud83d"]
    again = run(f"{agent}:Agent", out=out, data=DATA, limit=3, resume=True)
    assert again.n_run == 0 and again.n_done == 3


@pytest.mark.parametrize("when", ["at its creation", "after a few tasks"])
def test_a_disk_that_fills_up_under_the_run_store_ends_the_run_in_one_line(tmp_path, monkeypatch, when):
    # SQLite's page limit fills the store as a full disk would: before its tables are made, or 16 pages in (the
    # agent's 10 kB answers take a few pages each).
    from omniact import store

    limit = "PRAGMA max_page_count = {};"
    schema = limit.format(1) + store._SCHEMA if when == "at its creation" else store._SCHEMA + limit.format(16)
    monkeypatch.setattr(store, "_SCHEMA", schema)
    agent = tmp_path / "long.py"
    agent.write_text("class Long:\n    def act(self, view):\n        return 'pyautogui.click(1, 2)\\n' * 500\n")
    out = tmp_path / "run"
    command = ["run", "--agent", f"{agent}:Long", "--data", str(DATA), "--out", str(out), "-q"]
    r = CliRunner().invoke(main, command)
    assert r.exit_code == 1, r.output
    where = f"omniact: cannot write {out / 'run.sqlite'}: No space left on device; "
    if when == "at its creation":
        assert r.output == where + "no task had finished and nothing was kept: free some space and run the command again\n"
        assert not out.exists()
        return
    assert r.output == where + (f"finished tasks are saved: free some space and continue with: omniact run ... "
                                f"--out {out} --resume\n")
    monkeypatch.undo()  # space freed: the run goes on from where it stopped
    kept = RunStore(out / "run.sqlite", new_session=False).finished_ids()
    assert 0 < len(kept) < 6
    r = CliRunner().invoke(main, [*command, "--resume"])
    assert r.exit_code == 0, r.output
    assert f"6/6 tasks ({6 - len(kept)} run now)" in r.output


def _sqlite_error(code: int) -> sqlite3.OperationalError:
    e = sqlite3.OperationalError("disk I/O error")
    e.sqlite_errorcode = code  # (as SQLite sets it: the extended result code)
    return e


@pytest.mark.parametrize("code, free, said", [(4874, 10 << 30, "No space left on device"),  # IOERR_SHMSIZE
                                              (778, 0, "No space left on device"),  # IOERR_WRITE, a full disk
                                              (1034, 4096, "No space left on device"),  # IOERR_FSYNC, a full disk
                                              (778, 10 << 30, "Input/output error"),  # a write failing with room left
                                              (13, 10 << 30, "No space left on device")])  # SQLITE_FULL
def test_a_sqlite_write_that_found_no_room_is_said_as_a_full_disk(tmp_path, monkeypatch, code, free, said):
    """SQLite says "disk I/O error" (SQLITE_IOERR) for a write the OS refused with ENOSPC: a full disk was said as
    "Input/output error", a failing one."""
    from omniact import store

    monkeypatch.setattr(store.os, "statvfs", lambda p: os.statvfs_result((4096, 4096, 1 << 20, free // 4096,
                                                                          free // 4096, 0, 0, 0, 0, 255)))
    e = store._disk_error(tmp_path / "run.sqlite", _sqlite_error(code))
    assert (e.strerror, e.filename) == (said, str(tmp_path / "run.sqlite"))


class _FullDiskConnection:
    """A connection to a store on a disk with no room for the -shm file a WAL store's reader makes (SQLite's
    SQLITE_IOERR_SHMSIZE on every statement); only a read of the file alone (immutable=1) makes nothing."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> object:
        if name in ("execute", "executescript", "executemany", "cursor"):
            def fails(*args: object, **kwargs: object) -> None:
                raise _sqlite_error(4874)
            return fails
        return getattr(self._connection, name)


def test_resuming_a_run_on_a_full_disk_says_no_space_and_that_the_finished_tasks_are_kept(tmp_path, monkeypatch):
    """The resume's first look at the store (its count of tasks) failed making the -shm file: "cannot write
    run.sqlite: Input/output error", and the advice to --resume once there is room was lost to a second error."""
    out = tmp_path / "run"
    command = ["run", "--agent", "oracle", "--data", str(DATA), "--out", str(out), "-q", "--resume"]
    assert CliRunner().invoke(main, command).exit_code == 0
    connect = sqlite3.connect

    def full_disk(where: str, *args: object, **kwargs: object) -> object:
        db = connect(where, *args, **kwargs)
        return db if "immutable=1" in str(where) else _FullDiskConnection(db)

    monkeypatch.setattr(sqlite3, "connect", full_disk)
    r = CliRunner().invoke(main, command)
    assert r.exit_code == 1, r.output
    assert r.output == (f"omniact: cannot write {out / 'run.sqlite'}: No space left on device; finished tasks are "
                        f"saved: free some space and continue with: omniact run ... --out {out} --resume\n")
    assert not (out / "run.lock").exists()
    monkeypatch.undo()  # space freed: the resume finds every task done
    r = CliRunner().invoke(main, command)
    assert r.exit_code == 0 and "6/6 tasks (0 run now)" in r.output, r.output


def test_an_agent_that_changes_the_working_folder_does_not_move_the_run(tmp_path, monkeypatch):
    # The run was given a relative --out; the agent's os.chdir sent its files into another run's folder of that name.
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "r").mkdir(parents=True)
    (elsewhere / "r" / "notes.txt").write_text("someone else's")
    (tmp_path / "wander.py").write_text(
        "import os\nclass Wander:\n    def act(self, view):\n"
        f"        os.chdir({str(elsewhere)!r})\n        return 'pyautogui.click(1, 2)'\n")
    r = CliRunner().invoke(main, ["run", "--agent", "wander.py:Wander", "--data", str(DATA), "--out", "r", "-q",
                                  "--limit", "3"])
    assert r.exit_code == 0, r.output
    assert len((tmp_path / "r" / "predictions.jsonl").read_text().splitlines()) == 3
    assert sorted(p.name for p in (elsewhere / "r").iterdir()) == ["notes.txt"]


def test_a_worker_started_after_an_agent_changed_the_working_folder_still_finds_the_agent(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "away").mkdir()
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "stray.py").write_text(
        "import os, time\nclass Stray:\n    def act(self, view):\n"
        f"        if os.getcwd() != {str(tmp_path / 'away')!r}:\n"
        f"            os.chdir({str(tmp_path / 'away')!r})\n            time.sleep(3)  # past the task's time\n"
        "        return 'pyautogui.click(1, 2)'\n")
    r = CliRunner().invoke(main, ["run", "--agent", "agents/stray.py:Stray", "--data", str(DATA), "--out", "r", "-q",
                                  "--limit", "3", "--task-timeout", "1"])
    # (was: "agent could not be started: agents/stray.py: agent file does not exist", from the worker that replaced
    # the one whose task timed out)
    assert r.exit_code == 0, r.output
    # (whether a busy machine times out a quick task too is not the point: no worker failed to find the agent)
    assert "3/3 tasks" in r.output and "timeout" in r.output and "setup" not in r.output


@pytest.mark.parametrize("worker_type", ["threads", "processes"])
def test_run_json_is_one_json_object_on_stdout_whatever_the_agent_prints(tmp_path, worker_type):
    (tmp_path / "talky.py").write_text(
        "class Talky:\n    def act(self, view):\n        print('thinking about', view.id)\n"
        "        return 'pyautogui.click(1, 2)'\n")
    proc = subprocess.run([sys.executable, "-m", "omniact.cli", "run", "--agent", f"{tmp_path / 'talky.py'}:Talky",
                           "--data", str(DATA), "--out", str(tmp_path / "r"), "--limit", "2", "--json",
                           "--worker-type", worker_type], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["n_done"] == 2  # the agent's lines went to stderr
    assert proc.stderr.count("thinking about") == 2


@pytest.mark.slow
def test_process_workers_end_when_their_driver_is_killed(tmp_path):
    # A worker inside a long act() outlived a kill -9 of the run, its --task-timeout with nobody to apply it.
    pids = tmp_path / "pids"
    pids.mkdir()
    (tmp_path / "stuck.py").write_text(
        "import os, time\nclass Stuck:\n    def act(self, view):\n"
        f"        open(os.path.join({str(pids)!r}, str(os.getpid())), 'w').close()\n        time.sleep(600)\n")
    driver = subprocess.Popen([sys.executable, "-m", "omniact.cli", "run", "--agent", f"{tmp_path / 'stuck.py'}:Stuck",
                               "--data", str(DATA), "--out", str(tmp_path / "r"), "-q", "--worker-type", "processes",
                               "--workers", "2", "--task-timeout", "300"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def alive(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
        except (OSError, IndexError):
            return False

    try:
        deadline = time.monotonic() + 120
        while len(list(pids.iterdir())) < 2:
            assert driver.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        workers = [int(p.name) for p in pids.iterdir()]
        driver.kill()
        driver.wait(30)
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in workers if alive(pid)]
    finally:
        try:
            os.killpg(driver.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_database_of_someone_elses_named_run_sqlite_is_left_as_it_is(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    with sqlite3.connect(out / "run.sqlite") as db:
        db.execute("CREATE TABLE notes (x)")
        db.execute("INSERT INTO notes VALUES (1)")
    db.close()
    before = (out / "run.sqlite").read_bytes()
    r = CliRunner().invoke(main, ["run", "--agent", "noop", "--data", str(DATA), "--out", str(out), "--limit", "1"])
    assert r.exit_code == 2
    assert r.output == (f"omniact: {out / 'run.sqlite'}: is a SQLite database, but not a run store (its tables: "
                        "notes): move it, or choose another --out\n")
    assert (out / "run.sqlite").read_bytes() == before  # no run tables added, no WAL mode set


@pytest.mark.parametrize("worker_type", ["threads", "processes"])
def test_a_malformed_detection_file_fails_its_own_tasks_as_data_errors_not_worker_crashes(tmp_path, worker_type):
    """The view is built before the agent is asked: a broken OCR file was recorded as a worker crash (the worker
    replaced once per task), and a screen's worth of such tasks stopped the run as a failing agent."""
    data = shutil.copytree(DATA, tmp_path / "data")
    split = json.loads((data / "test.json").read_text())
    broken = data / split["100"]["ocr"]
    broken.write_text("{not json")
    on_screen = {k for k, v in split.items() if v["ocr"] == split["100"]["ocr"]}
    s = run("noop", out=tmp_path / "r", data=data, workers=2, worker_type=worker_type)
    assert s.n_done == len(split)
    assert s.errors == {"data": len(on_screen)}
    assert not s.executor_stats.get("replaced_workers")
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    for task_id in on_screen:
        assert preds[task_id].extra["error_kind"] == "data"
        assert preds[task_id].extra["error"].startswith(f"{broken}:1: ocr detection file is not valid JSON")
    assert all("error" not in preds[k].extra for k in set(split) - on_screen)


def test_a_process_worker_whose_driver_is_gone_ends_without_a_traceback(tmp_path):
    """After `kill -9` of the driver, a worker's next message meets a closed pipe: it ends, printing nothing."""
    code = f"""
from omniact.executor import WorkerSpec, _process_main

class GonePipe:  # the driver's end, closed: a task arrives, no answer can be sent
    def __init__(self): self.ids = ["0"]
    def recv(self): return self.ids.pop() if self.ids else None
    def send(self, message): raise BrokenPipeError(32, "Broken pipe")

_process_main(GonePipe(), WorkerSpec(agent="noop", data_root={str(DATA)!r}, split="test"), "proc1")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1 and proc.stderr == "", proc.stderr


def test_temporaries_of_a_session_killed_while_writing_the_run_files_go_at_the_next_resume(tmp_path):
    out = tmp_path / "r"
    run("noop", out=out, data=DATA, limit=2)
    left = [out / ".scores.json.1381_pup.tmp", out / ".manifest.json.77_x1.tmp", out / ".predictions.jsonl.5_a.tmp"]
    for p in left:
        p.write_text("")  # what kill -9 during the final export leaves
    (out / ".notes.tmp").write_text("mine")
    run("noop", out=out, data=DATA, resume=True)
    assert not any(p.exists() for p in left) and (out / ".notes.tmp").read_text() == "mine"


def test_a_signal_while_the_run_files_are_written_acts_once_they_are(tmp_path):
    """SIGTERM (the CLI turns it into KeyboardInterrupt) in the middle of the final export left a manifest saying
    "running" beside 492 finished tasks; it now waits for the export and ends the run as it would have."""
    from omniact.runner import _signals_held

    steps = []

    def on_term(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        with pytest.raises(KeyboardInterrupt), _signals_held():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.1)  # the handler would have run here
            steps.append("manifest written")
        assert steps == ["manifest written"]
        assert signal.getsignal(signal.SIGTERM) is on_term
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_worker_process_ignores_ctrl_c_from_its_first_instruction(tmp_path):
    # Ctrl-C reaches the terminal's whole process group, and the driver alone answers it. A spawned worker still
    # importing (the agent's module, imported to unpickle the class it is given, before the worker's own code runs
    # and could ignore SIGINT) took it too, and printed "Process omniact-worker-1: Traceback ... KeyboardInterrupt"
    # above the run's own words whenever the driver's stop came a moment late. It must start with SIGINT ignored.
    marker = tmp_path / "importing"
    (tmp_path / "slow_import.py").write_text(
        "import multiprocessing, os, pathlib, time\n"
        "if multiprocessing.current_process().name.startswith('omniact-worker'):\n"
        f"    pathlib.Path({str(marker)!r}).write_text(str(os.getpid()))\n"
        "    time.sleep(5)\n"
        "class Agent:\n    def act(self, view):\n        return 'pyautogui.click(1, 1)'\n")
    script = tmp_path / "run_it.py"
    script.write_text(
        "import sys\nimport omniact\nfrom slow_import import Agent\n\nif __name__ == '__main__':\n"
        "    try:\n"
        f"        omniact.run(Agent, out={str(tmp_path / 'r')!r}, data={str(DATA)!r}, worker_type='processes')\n"
        "    except KeyboardInterrupt:\n        sys.exit(130)\n")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() or not marker.read_text():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        status = Path(f"/proc/{marker.read_text()}/status").read_text()
        ignored = int(re.search(r"SigIgn:\s*([0-9a-f]+)", status)[1], 16)
        assert ignored & (1 << (signal.SIGINT - 1)), status  # SIGINT ignored while the worker imports
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


def test_a_run_whose_workers_were_replaced_says_so_under_its_errors(tmp_path):
    """The executor's count of workers replaced (a crashed process, one killed at its task's time limit) was only
    in the manifest."""
    from click.testing import CliRunner

    from omniact.cli import main

    r = CliRunner().invoke(main, ["run", "--agent", f"{AGENTS}:Faulty", "--agent-arg", "crash=exit", "--data",
                                  str(DATA), "--out", str(tmp_path / "r"), "--workers", "2", "--worker-type",
                                  "processes", "--task-timeout", "3", "-q"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert "  workers lost: 2 replaced (every task recorded once)" in lines, r.stdout
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["executor_stats"] == {"replaced_workers": 2}


@pytest.mark.parametrize("hang", [False, True])
def test_what_an_agent_starts_in_a_worker_process_ends_with_the_worker(tmp_path, hang):
    # A worker killed at its task's time limit (or ended with the run) left the agent's children running on.
    pidfile = tmp_path / "pids"
    s = run(f"{HERE / 'runner_hang_agents.py'}:Spawns", agent_args={"pidfile": str(pidfile), "hang": hang},
            out=tmp_path / "r", data=DATA, limit=2, worker_type="processes", task_timeout=3 if hang else None)
    assert s.n_done == 2 and s.errors == ({"timeout": 2} if hang else {})
    pids = [int(p) for p in pidfile.read_text().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"  # a zombie has ended (its parent, init, reaps it)
    except FileNotFoundError:
        return False


def test_a_run_says_once_when_threads_given_up_on_pile_up(tmp_path, monkeypatch, capsys):
    # Each timed-out thread keeps running, holding its agent's memory: a run of hanging tasks grew without a word.
    from omniact import executor

    monkeypatch.setattr(executor, "ABANDONED_NOTE", 3)
    monkeypatch.setattr(executor, "CANCEL_GRACE", 0.2)  # (Slow's act does not heed the cancel event)
    s = run(f"{AGENTS}:Slow", agent_args={"delay": 2.0}, out=tmp_path / "r", data=DATA, workers=2, task_timeout=0.5)
    assert s.errors == {"timeout": 6}
    err = capsys.readouterr().err
    assert err.count("threads of tasks that ran out of time are still running") == 1
    assert "--worker-type processes" in err


@pytest.mark.parametrize("worker_type", ["threads", "processes"])
def test_a_worker_whose_agent_heeds_the_cancel_event_goes_on_with_the_same_agent(tmp_path, worker_type):
    # An agent that returns once its task is given up on was treated as one that hangs: its thread abandoned, the
    # agent built and started again for the next task, and the run's summary said "workers lost". A process
    # worker's agent had no cancel event at all (None): its process was killed at the limit, the model loaded again.
    built = tmp_path / "built"
    r = CliRunner().invoke(main, ["run", "--agent", f"{HERE / 'runner_hang_agents.py'}:ReturnsOnCancel", "--agent-arg",
                                  f"built={built}", "--data", str(DATA), "--out", str(tmp_path / "r"), "--limit", "3",
                                  "--task-timeout", "0.5", "--worker-type", worker_type])
    assert r.exit_code == 0, r.output
    assert built.read_text() == "built\n"
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["n_done"] == 3 and not manifest["executor_stats"].get("replaced_workers"), manifest
    assert "workers lost" not in r.output and r.output.count("timeout") >= 1
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    assert {p.extra["error_kind"] for p in preds.values()} == {"timeout"}


def test_a_worker_group_is_killed_only_while_its_pid_is_still_the_workers(tmp_path, monkeypatch):
    # (review) The group was killed after the worker had been reaped: its pid, free again, could be another
    # process's, leading a group of its own.
    from omniact import executor

    real, calls = os.killpg, []

    def spy(pgid, sig):
        calls.append(os.path.exists(f"/proc/{pgid}"))  # a reaped child's pid is gone from /proc
        real(pgid, sig)

    monkeypatch.setattr(executor.os, "killpg", spy)
    s = run("noop", out=tmp_path / "r", data=DATA, limit=2, worker_type="processes")
    assert s.n_done == 2 and calls and all(calls)


def test_what_an_agent_started_ends_when_the_driver_is_killed(tmp_path):
    # kill -9 (or a terminal's hangup) ends the driver with no chance to kill its workers' groups: each worker
    # ends itself within a second, and now takes its group with it.
    pidfile = tmp_path / "pids"
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{HERE / 'runner_hang_agents.py'}:Spawns",
           "--agent-arg", f"pidfile={pidfile}", "--agent-arg", "hang=true", "--data", str(DATA), "--out",
           str(tmp_path / "r"), "-q", "--worker-type", "processes", "--limit", "1"]
    driver = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (pidfile.exists() and pidfile.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        child = int(pidfile.read_text().split()[0])
        assert _alive(child)
    finally:
        driver.kill()
        driver.wait()
    deadline = time.monotonic() + 15
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child)
