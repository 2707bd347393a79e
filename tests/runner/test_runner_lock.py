"""One run at a time in a run folder: a second `--resume` while the first still runs is refused in one line, and
scoring a run still going says so (it used to say the run was stopped)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from omniact.run_lock import FolderBusy, holder, run_lock

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"
AGENTS = HERE / "runner_test_agents.py"


def _done(store: Path) -> int:
    try:
        with sqlite3.connect(store) as db:
            return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0


def _omniact(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "omniact.cli", *args], capture_output=True, text=True, timeout=300,
                          check=False)


def test_a_second_run_in_a_folder_a_run_is_writing_is_refused_and_scoring_it_says_it_is_still_going(tmp_path):
    out, log, hold = tmp_path / "r", tmp_path / "log.txt", tmp_path / "hold"
    hold.write_text("")  # the first run waits on its second task until the checks below are done
    args = ["run", "--agent", f"{AGENTS}:Slow", "--agent-arg", f"log={log}", "--agent-arg", "delay=0.3",
            "--agent-arg", f"hold={hold}", "--data", str(DATA), "--out", str(out), "-q"]
    first = subprocess.Popen([sys.executable, "-m", "omniact.cli", *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while _done(out / "run.sqlite") < 1:
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        started = log.read_text().split()

        second = _omniact(*args, "--resume")
        assert second.returncode == 2, second.stderr
        line = second.stderr.strip()
        assert "\n" not in line and "Traceback" not in line
        assert f"another omniact run is writing this folder (pid {first.pid} on " in line and "--resume" in line
        assert log.read_text().split()[: len(started)] == started  # the second ran no task

        scored = _omniact("score", "--predictions", str(out))
        assert scored.returncode == 2
        assert f"this run is still going (pid {first.pid} on " in scored.stderr and "Traceback" not in scored.stderr

        os.killpg(first.pid, signal.SIGKILL)  # the kernel lets go of the lock: nothing stale is left
        first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    scored = _omniact("score", "--predictions", str(out))
    assert scored.returncode == 2 and "it was stopped before it ended" in scored.stderr
    hold.unlink()
    resumed = _omniact(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert not (out / "run.lock").exists()  # gone once the run ended
    assert _omniact("score", "--predictions", str(out)).returncode == 0


def test_scoring_a_resumed_run_still_going_or_killed_says_its_predictions_are_an_earlier_sessions(tmp_path):
    import json

    from click.testing import CliRunner

    from omniact.cli import main
    from omniact.run_lock import run_lock

    out = tmp_path / "r"
    run = ["run", "--agent", "noop", "--data", str(DATA), "--out", str(out), "-q"]
    assert CliRunner().invoke(main, [*run, "--limit", "2"]).exit_code == 0  # a first session, its predictions written
    with run_lock(out):  # a --resume going on: predictions.jsonl is the first session's until it ends
        r = CliRunner().invoke(main, ["score", "--predictions", str(out)])
    assert r.exit_code == 2 and "this run is still going (pid " in r.output
    assert r.output.rstrip().endswith("its predictions.jsonl is an earlier session's until it ends; score it then")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["status"] = "running"  # as a session killed with kill -9 leaves it
    (out / "manifest.json").write_text(json.dumps(manifest))
    r = CliRunner().invoke(main, ["score", "--predictions", str(out)])
    assert r.exit_code == 2 and "last session was stopped before it ended (killed?)" in r.output
    assert f"finish it with `omniact run ... --out {out} --limit 2 --resume`" in r.output
    assert CliRunner().invoke(main, [*run, "--resume"]).exit_code == 0
    r = CliRunner().invoke(main, ["score", "--predictions", str(out), "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["n_scored"] == 6


def test_a_run_lock_that_is_not_a_runs_is_left_as_it_is(tmp_path):
    from click.testing import CliRunner

    from omniact.cli import main

    diary = tmp_path / "diary.txt"
    diary.write_text("dear diary")
    linked, mine = tmp_path / "linked", tmp_path / "mine"
    linked.mkdir()
    mine.mkdir()
    (linked / "run.lock").symlink_to(diary)  # was emptied through the link, then filled with the run's pid
    (mine / "run.lock").write_text("my notes")  # was emptied, then removed
    for out, words in ((linked, "run.lock is a symbolic link, where a run keeps its lock: remove it"),
                       (mine, "this folder holds a run.lock that is not an omniact run's lock: move it")):
        r = CliRunner().invoke(main, ["run", "--agent", "noop", "--data", str(DATA), "--out", str(out), "--limit", "1"])
        assert r.exit_code == 2 and r.output.startswith(f"omniact: {out / 'run.lock'}: {words}"), r.output
        assert sorted(p.name for p in out.iterdir()) == ["run.lock"]
    assert diary.read_text() == "dear diary" and (mine / "run.lock").read_text() == "my notes"


def test_a_run_that_loses_the_lock_of_a_folder_both_created_leaves_the_winners_files(tmp_path, monkeypatch):
    """Two runs started at once on a new --out: both saw it absent (so both 'created' it); the one refused the lock
    must not tidy away the run files, which are the winner's."""
    import pytest

    import omniact.runner as runner_module
    from omniact.errors import UserError
    from omniact.run_lock import run_lock
    from omniact.runner import run
    from omniact.store import RunStore

    out = tmp_path / "new"
    out.mkdir()
    monkeypatch.setattr(runner_module, "_absent_dirs", lambda path: [out])  # as it was when this run looked
    with run_lock(out):  # the winner, going
        RunStore(out / "run.sqlite").close()
        (out / "manifest.json").write_text("{}")
        with pytest.raises(UserError, match="another omniact run is writing this folder"):
            run("noop", out=out, data=DATA)
        assert {"manifest.json", "run.lock", "run.sqlite"} <= {p.name for p in out.iterdir()}


def test_a_glance_at_the_lock_does_not_refuse_a_starting_run_and_a_run_going_is_named_without_resume(tmp_path):
    import fcntl
    import threading

    import pytest

    from omniact.errors import UserError
    from omniact.run_lock import LOCK_NAME, holder, run_lock
    from omniact.runner import run

    out = tmp_path / "r"
    run("noop", out=out, data=DATA, limit=1)
    # `holder` (what `score` asks of a run folder) holds a shared lock for an instant: a run starting then goes on
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_SH)
    threading.Timer(0.1, os.close, (fd,)).start()
    with run_lock(out):
        assert holder(out) is not None
        # a second run typed without --resume while this one goes: told that one is going, not to --resume
        with pytest.raises(UserError, match=r"another omniact run is writing this folder \(pid \d+"):
            run("noop", out=out, data=DATA)


def test_a_lock_file_removed_while_a_run_waited_on_it_is_not_taken_for_the_folders_lock(tmp_path, monkeypatch):
    """The run it waited for ends and removes run.lock; a third run makes and locks a new one. Locking the removed
    file let two runs write one folder at once (each pending task run twice)."""
    import fcntl

    import omniact.run_lock as rl

    opened = rl._open
    third: list[int] = []

    def open_then_replace(path, name, kind):
        fd = opened(path, name, kind)
        if not third:  # between this run's open and its lock: the holder ends, and another run starts
            path.unlink()
            third.append(os.open(path, os.O_RDWR | os.O_CREAT))
            fcntl.flock(third[0], fcntl.LOCK_EX)
            os.write(third[0], b'{"pid": 4242, "host": "h", "since": "now"}')
        return fd

    monkeypatch.setattr(rl, "_open", open_then_replace)
    monkeypatch.setattr(rl.time, "sleep", lambda s: None)
    try:
        with pytest.raises(FolderBusy, match="pid 4242"), run_lock(tmp_path):
            pass
    finally:
        os.close(third[0])
    with run_lock(tmp_path):  # the third run gone: the folder is free again
        assert holder(tmp_path) is not None


@pytest.mark.parametrize("call", ["ftruncate", "pwrite"])
def test_a_full_disk_as_the_lock_is_taken_names_the_lock_file_and_leaves_nothing_behind(tmp_path, monkeypatch, call):
    """The lock's write is a command's first: a full disk there said "cannot write: No space left on device" (no
    file), and left run.lock (and the run's new folder, a replay's run folder, a site's .omniact-site.lock)."""
    import errno

    from click.testing import CliRunner

    import omniact.run_lock as rl
    from omniact.cli import main
    from omniact.runner import run

    done = tmp_path / "done"
    run("oracle", out=done, data=DATA, limit=2)  # (written before the disk fills: the report's run)

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as the kernel's: no file named

    monkeypatch.setattr(rl.os, call, full)
    nothing_kept = "; no task had finished and nothing was kept: free some space and run the command again\n"
    out = tmp_path / "new" / "R"
    r = CliRunner().invoke(main, ["run", "--agent", "oracle", "--data", str(DATA), "--out", str(out), "-q"])
    assert r.exit_code == 1 and r.output == f"omniact: cannot write {out / 'run.lock'}: No space left on device" + \
        nothing_kept, r.output
    assert not (tmp_path / "new").exists()  # the folders the run made, gone with it

    site = tmp_path / "site"
    r = CliRunner().invoke(main, ["report", str(done), "--out", str(site)])
    lock = site / ".omniact-site.lock"
    assert r.exit_code == 1 and r.output == f"omniact: cannot write {lock}: No space left on device\n", r.output
    assert not (site / ".omniact-site.lock").exists()

    rp = tmp_path / "rp"
    # (the built-in suite: the fixtures' tasks have no page to replay)
    r = CliRunner().invoke(main, ["replay", "--split", "test", "--agent", "oracle", "--limit", "1", "--out", str(rp)])
    assert r.exit_code == 1 and r.output.startswith(f"omniact: cannot write {rp / 'run' / 'run.lock'}: No space left "
                                                     "on device"), r.output
    assert r.output.count("\n") == 1 and not (rp / "run").exists()
