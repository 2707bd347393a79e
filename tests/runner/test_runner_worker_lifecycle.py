"""A worker's life: one that dies starting ends the run as a start failure; a task past its limit does not slow the
tasks after it; the agent's close() runs to its end; what an agent started in a session of its own ends with it."""

from __future__ import annotations

import os
from pathlib import Path

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
