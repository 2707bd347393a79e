"""A Ray actor's life, on a real local Ray cluster: one that dies starting is not replaced for ever; a task past its
limit does not slow the tasks after it; the agent's close() runs before the actors are killed."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

ray = pytest.importorskip("ray")

pytestmark = pytest.mark.slow

from omniact.cli import main  # noqa: E402 - after the skip without ray
from omniact.ray_executor import connect  # noqa: E402 - after the skip without ray
from omniact.store import STORE_NAME  # noqa: E402 - after the skip without ray

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"
AGENTS = HERE / "lifecycle_agents.py"


@pytest.fixture(scope="module")
def cluster():
    from ray.cluster_utils import Cluster

    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "include_dashboard": False})
    connect(c.address)  # as `omniact run --executor ray` joins it
    yield c
    ray.shutdown()
    c.shutdown()


def _run(cluster, agent: str, out: Path, *more: str):
    return CliRunner().invoke(main, ["run", "--agent", f"{AGENTS}:{agent}", "--data", str(DATA), "--out", str(out),
                                     "-q", "--executor", "ray", "--ray-address", cluster.address, *more])


def _results(out: Path) -> dict[str, tuple[str | None, str]]:
    with sqlite3.connect(out / STORE_NAME) as db:
        return {t: (k, w) for t, k, w in db.execute("SELECT task_id, error_kind, worker FROM results")}


def test_an_actor_that_dies_in_setup_ends_the_run_as_a_start_failure(cluster, tmp_path):
    # It was replaced for ever, each new actor loading the model again: the run never ended.
    setups = tmp_path / "setups"
    setups.mkdir()
    r = _run(cluster, "DiesInSetup", tmp_path / "r", "--agent-arg", f"setups={setups}", "--workers", "1")
    assert r.exit_code == 2, r.output
    # (Ray's own notice of each dead worker goes to stderr, which the test's runner mixes in: the run's line is last)
    said = [line for line in r.output.splitlines() if line.startswith("omniact:")]
    # (the step named is the last one the driver heard of: Ray streams "setup()" on its way while setup() runs, and
    # an actor killed at once can take the message with it on a loaded machine, leaving a step before it, even the
    # first)
    assert len(said) == 1 and re.match(rf"omniact: agent could not be started: {re.escape(str(AGENTS))}:DiesInSetup: the "
                                       r"worker died in (setup\(\)|importing and building the agent|starting the "
                                       r"worker) 3 times \(", said[0]), said
    assert len(list(setups.iterdir())) == 3
    assert not (tmp_path / "r" / STORE_NAME).exists() or not _results(tmp_path / "r")


def _scripts(out: Path) -> dict[str, str]:
    with sqlite3.connect(out / STORE_NAME) as db:
        return dict(db.execute("SELECT task_id, script FROM results WHERE error_kind IS NULL"))


def test_a_task_that_spins_past_its_limit_does_not_run_on_beside_the_next_ones(cluster, tmp_path):
    # Its thread was left spinning in the actor, which built a new agent beside it: each later task had a share of
    # the CPU only, and with a few such threads good tasks timed out too.
    out = tmp_path / "r"
    r = _run(cluster, "SpinsOn", out, "--agent-arg", "task=100", "--agent-arg", f"spinner={tmp_path / 'spinner'}",
             "--workers", "1", "--limit", "3", "--task-timeout", "2")
    assert r.exit_code == 0, r.output
    assert _results(out)["100"][0] == "timeout"
    assert _scripts(out) == {"101": 'pyautogui.press("enter")', "102": 'pyautogui.press("enter")'}


def test_the_agents_close_runs_before_the_actors_are_killed(cluster, tmp_path):
    closed = tmp_path / "closed"
    closed.mkdir()
    out = tmp_path / "r"
    r = _run(cluster, "ClosesSlowly", out, "--agent-arg", f"closed={closed}", "--workers", "2", "--limit", "4")
    assert r.exit_code == 0, r.output
    workers = {w for _, w in _results(out).values()}
    assert len(list(closed.iterdir())) >= len(workers) >= 1
