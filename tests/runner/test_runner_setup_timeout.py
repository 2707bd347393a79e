"""An agent whose setup() or describe() hangs stops the run after --setup-timeout, in one line, leaving no trace."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from omniact.cli import main

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"
AGENT = f"{HERE / 'runner_hang_agents.py'}:SlowStart"


@pytest.fixture()
def hang(tmp_path):
    """A file that holds the agent in its start while it exists; removed at the end, so abandoned threads end."""
    marker = tmp_path / "hang"
    marker.write_text("")
    yield marker
    marker.unlink(missing_ok=True)


def _run(out: Path, *more: str):
    return CliRunner().invoke(main, ["run", "--agent", AGENT, "--data", str(DATA), "--out", str(out), "-q", *more])


def test_a_hanging_setup_stops_the_run_in_one_line_and_leaves_no_run_folder(tmp_path, hang):
    out = tmp_path / "runs" / "r"
    r = _run(out, "--agent-arg", f"hang={hang}", "--setup-timeout", "2", "--workers", "2")
    assert r.exit_code == 2, r.output
    assert r.output == (f"omniact: agent could not be started: {AGENT}: setup() did not finish within 2 s (give it "
                        "longer with --setup-timeout SECONDS, or none)\n")
    assert not (tmp_path / "runs").exists()


def test_a_hanging_describe_in_a_worker_process_is_named_and_the_process_is_gone(tmp_path, hang):
    pidfile = tmp_path / "pid"
    r = _run(tmp_path / "r", "--agent-arg", f"hang={hang}", "--agent-arg", "where=describe", "--agent-arg",
             f"pidfile={pidfile}", "--worker-type", "processes", "--setup-timeout", "10")
    assert r.exit_code == 2, r.output
    assert r.output.startswith("omniact: agent could not be started: ") and r.output.count("\n") == 1
    assert f"{AGENT}: describe() did not finish within 10 s" in r.output
    pid = int(pidfile.read_text())
    assert pid != os.getpid()
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left running (or a zombie)
        os.kill(pid, 0)


def test_a_resume_whose_agent_hangs_starting_leaves_the_run_as_it_was(tmp_path, hang):
    out = tmp_path / "r"
    hang.unlink()
    args = ("--agent-arg", f"hang={hang}", "--setup-timeout", "3")
    assert _run(out, *args, "--limit", "2").exit_code == 0
    before = {name: (out / name).read_bytes() for name in ("manifest.json", "predictions.jsonl", "scores.json")}
    hang.write_text("")
    r = _run(out, *args, "--resume")
    assert r.exit_code == 2 and "setup() did not finish within 3 s" in r.output
    assert {name: (out / name).read_bytes() for name in before} == before
    hang.unlink()
    r = _run(out, *args, "--resume")
    assert r.exit_code == 0, r.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["n_done"] == 6 and manifest["sessions"] == 2 and manifest["setup_timeout"] == 3


def test_setup_timeout_takes_seconds_or_none(tmp_path):
    # a limit past the clocks' range was a traceback (OverflowError: timestamp out of range for platform time_t)
    r = _run(tmp_path / "bad", "--setup-timeout", "1e10")
    assert r.exit_code == 2 and r.output.startswith("omniact: --setup-timeout must be a number of seconds above 0 "
                                                    "and at most 31,536,000 (a year)"), r.output
    r = _run(tmp_path / "bad", "--setup-timeout", "soon")
    assert r.exit_code == 2
    assert r.output == ("omniact: --setup-timeout must be a number of seconds above 0 and at most 31,536,000 (a "
                        "year), or none (no limit), not 'soon'\n")
    assert not (tmp_path / "bad").exists()
    r = _run(tmp_path / "r", "--setup-timeout", "none", "--limit", "1")
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["setup_timeout"] is None


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "soon"])
def test_the_local_and_the_ray_executor_refuse_a_bad_setup_timeout_alike(bad):
    # One check (omniact.executor.setup_timeout_or_none) for both, in the runner's words for --setup-timeout.
    from omniact.errors import UserError
    from omniact.executor import LocalExecutor, setup_timeout_or_none
    from omniact.ray_executor import RayExecutor

    said = []
    for make in (setup_timeout_or_none, lambda v: LocalExecutor(setup_timeout=v),
                 lambda v: RayExecutor(setup_timeout=v)):
        with pytest.raises(UserError) as e:
            make(bad)
        said.append(str(e.value))
    expected = (f"--setup-timeout must be a number of seconds above 0 and at most 31,536,000 (a year), or none "
                f"(no limit), not {bad!r}")
    assert said == [expected] * 3
    assert LocalExecutor(setup_timeout="none").setup_timeout is None
    assert RayExecutor(setup_timeout=2).setup_timeout == 2


def test_ray_options_with_the_local_executor_are_one_line_not_ignored(tmp_path):
    """`--ray-address` (or a Ray reservation) given without `--executor ray` ran locally without a word."""
    from click.testing import CliRunner

    from omniact.cli import main

    for option, value in (("--ray-address", "10.0.0.1:6379"), ("--worker-memory", "512"), ("--worker-cpus", "2")):
        r = CliRunner().invoke(main, ["run", "--agent", "noop", "--out", str(tmp_path / "r"), option, value])
        assert r.exit_code == 2, r.output
        assert r.output == (f"omniact: {option} is for --executor ray; add --executor ray, or leave {option} out (this "
                            "command runs on the local executor)\n")
        assert not (tmp_path / "r").exists()


def test_what_an_agent_declares_a_worker_needs_is_what_a_ray_worker_reserves():
    from omniact.errors import UserError
    from omniact.executor import make_executor

    declared = {"cpus": 2, "memory_mb": 1500}
    ex = make_executor("ray", agent_resources=declared)
    assert (ex.num_cpus, ex.memory_mb) == (2, 1500)
    ex = make_executor("ray", agent_resources=declared, num_cpus=0.5, memory_mb=300)  # --worker-cpus/--worker-memory
    assert (ex.num_cpus, ex.memory_mb) == (0.5, 300)
    assert (make_executor("ray").num_cpus, make_executor("ray").memory_mb) == (1.0, None)
    with pytest.raises(UserError, match=r"resources\['memory_mb'\] must be a positive number, not '1G'"):
        make_executor("ray", agent_resources={"memory_mb": "1G"})
    with pytest.raises(UserError, match="keys cpus and memory_mb"):
        make_executor("ray", agent_resources={"gpus": 1})
