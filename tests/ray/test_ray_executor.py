"""Runs on a real local Ray cluster: a head and a second node on this machine."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "bench"))

from gen_data import generate  # noqa: E402 - after the skip without ray, and bench/ on sys.path

from omniact.ray_executor import connect  # noqa: E402 - after the skip without ray
from omniact.runner import run  # noqa: E402 - after the skip without ray
from omniact.store import STORE_NAME  # noqa: E402 - after the skip without ray

AGENT = f"{HERE / 'ray_test_agents.py'}:SlowSeeded"
HANG_AGENTS = HERE.parent / "runner" / "runner_hang_agents.py"
TEST_AGENTS = HERE.parent / "runner" / "runner_test_agents.py"
RUNNER_DATA = HERE.parent / "runner" / "fixtures" / "data"


@pytest.fixture(scope="module")
def cluster():
    from ray.cluster_utils import Cluster

    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    second = c.add_node(num_cpus=1)
    connect(c.address)  # as `omniact run --executor ray` joins it (SIGTERM stays the process's own)
    yield c, second
    ray.shutdown()
    c.shutdown()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root, _ = generate(tmp_path_factory.mktemp("raydata"), 40, 8, seed=3)
    return root


def predictions(out: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines() if line.strip()]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "a task was recorded twice"
    return {r["id"]: r["script"] for r in rows}


def test_ray_run_gives_the_same_predictions_as_a_local_run(cluster, data, tmp_path):
    local = run(AGENT, out=tmp_path / "local", data=data, agent_args={"delay": "0"}, workers=2, seed=5)
    far = run(AGENT, out=tmp_path / "ray", data=data, agent_args={"delay": "0"}, workers=2, seed=5,
              executor="ray", executor_options={"address": cluster[0].address, "batch_size": 3})
    assert predictions(tmp_path / "local") == predictions(tmp_path / "ray")
    assert len(predictions(tmp_path / "ray")) == 40
    assert json.loads((tmp_path / "ray/scores.json").read_text()) == json.loads(
        (tmp_path / "local/scores.json").read_text())
    assert local.n_done == far.n_done == 40
    # the actors' start() brings each worker's description to the driver, as the local workers do
    describe = [json.loads((tmp_path / r / "manifest.json").read_text())["agent_description"] for r in ("local", "ray")]
    assert describe[0] == describe[1] == {"delay": 0.0, "seed": 5}
    # each actor its own worker name (node and process), as proc1 and proc2 are locally: they all read ray-<node>
    with sqlite3.connect(tmp_path / "ray" / STORE_NAME) as db:
        workers = {w for (w,) in db.execute("SELECT worker FROM results")}
    assert all(re.fullmatch(r"ray-[0-9a-f]{8}-\d+", w) for w in workers), workers


@pytest.mark.parametrize("num_cpus", [1, 0.5])
def test_a_pool_told_no_number_of_workers_works_on_as_many_as_the_clusters_cpus_hold(cluster, tmp_path, num_cpus):
    """`leaderboard --executor ray` without --workers took this machine's cores (at most 8) for the number of Ray
    workers: a cluster of many nodes was left mostly idle, a small one sent actors to wait for room."""
    import os

    from omniact.ray_executor import RayPool

    # Two CPUs (before the node test below takes the second node away): two workers at 1 CPU each, four at half a
    # CPU, more than the old default on a machine of two or three cores. (Asked, should the cluster ever change.)
    expected = int(ray.cluster_resources()["CPU"] / num_cpus)
    arrived = tmp_path / "arrived"
    arrived.mkdir()
    deadline = time.time() + 60  # (one for all: the workers' clock is this machine's)

    def work(item: int) -> int:
        # Each item waits until `expected` workers have one (or the minute is up): the first worker to start
        # cannot take every item before the last is placed, and a pool of fewer workers is seen to be one.
        (arrived / str(os.getpid())).touch()
        while len(os.listdir(arrived)) < expected and time.time() < deadline:
            time.sleep(0.05)
        return os.getpid()

    pool = RayPool(None, address=cluster[0].address, num_cpus=num_cpus)
    pids = list(pool.map_unordered(work, range(3 * expected)))
    assert len(pids) == 3 * expected
    assert len(set(pids)) == expected


def test_the_workers_a_cluster_holds_are_counted_as_ray_counts_cpus_at_least_one_and_at_most_64():
    from omniact.ray_executor import workers_the_cluster_holds

    assert workers_the_cluster_holds(2, 1) == 2
    assert workers_the_cluster_holds(2, 0.2) == 10  # (2 // 0.2 is 9.0)
    assert workers_the_cluster_holds(3, 1.5) == 2
    assert workers_the_cluster_holds(0.5, 1) == 1  # less room than a worker asks for: one, which waits for room
    assert workers_the_cluster_holds(0, 1) == 1  # no CPU yet (a head started with --num-cpus=0, an autoscaler's)
    assert workers_the_cluster_holds(1000, 1) == workers_the_cluster_holds(64, 0.5) == 64  # as --workers allows


def test_an_actor_whose_setup_hangs_stops_the_run_in_one_line_and_leaves_a_resumed_run_as_it_was(cluster, tmp_path):
    # Before the node test below takes the second node away: two actors, one per node, both hang in setup().
    from click.testing import CliRunner

    from omniact.cli import main

    hang, pidfile, out = tmp_path / "hang", tmp_path / "pid", tmp_path / "r"
    agent = f"{HANG_AGENTS}:SlowStart"

    def omniact_run(*more: str):
        return CliRunner().invoke(main, ["run", "--agent", agent, "--data", str(RUNNER_DATA), "--out", str(out), "-q",
                                         "--executor", "ray", "--ray-address", cluster[0].address, "--workers", "2",
                                         "--agent-arg", f"hang={hang}", "--agent-arg", f"pidfile={pidfile}",
                                         "--setup-timeout", "3", *more])

    r = omniact_run("--limit", "2")
    assert r.exit_code == 0, r.output
    assert json.loads((out / "manifest.json").read_text())["setup_timeout"] == 3  # the limit that applied
    before = {name: (out / name).read_bytes() for name in ("manifest.json", "predictions.jsonl", "scores.json")}
    hang.write_text("")
    try:
        r = omniact_run("--resume")
        assert r.exit_code == 2, r.output
        assert r.output == (f"omniact: agent could not be started: {agent}: setup() did not finish within 3 s (give it "
                            "longer with --setup-timeout SECONDS, or none)\n")
        assert {name: (out / name).read_bytes() for name in before} == before
        pid = int(pidfile.read_text())
        deadline = time.monotonic() + 60  # ray.kill ends the actor's process a moment later
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.1)
        assert not Path(f"/proc/{pid}").exists(), "the hung actor's process was left running"
    finally:
        hang.unlink(missing_ok=True)


def _run_or_interrupt(args: list[str], bound: float = 180.0):
    """The CLI's result for `args`, and whether it had to be interrupted (Ctrl-C, as a user would) for not
    stopping within `bound` seconds: a guard, so that a run that would never stop fails the test instead of
    hanging the suite (it stops within seconds when all is well)."""
    import _thread

    from click.testing import CliRunner

    from omniact.cli import main

    finished, late = threading.Event(), []

    def watch() -> None:
        if not finished.wait(bound):
            late.append(True)
            _thread.interrupt_main()

    threading.Thread(target=watch, daemon=True).start()
    try:
        r = CliRunner().invoke(main, args)
    finally:
        finished.set()
    return r, bool(late)


def _end(pidfile: Path) -> bool:
    """Whether the process in `pidfile` had ended (waiting a minute for a kill to land); killed here if not."""
    import os
    import signal

    if not pidfile.exists():
        return True
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.1)
    if not Path(f"/proc/{pid}").exists():
        return True
    os.kill(pid, signal.SIGKILL)  # a CPU-bound loop must not outlive the test
    return False


def test_an_actor_that_holds_the_gil_while_it_starts_is_killed_and_the_run_stops_in_one_line(cluster, tmp_path):
    # The actor's own timer is a thread, stopped too while the agent's setup() runs one long C call: the driver
    # bounds the start as well (from the actor's first step: Ray may take a while to place it) and kills it.
    agent = f"{HERE / 'ray_test_agents.py'}:HoldsTheGil"
    out, pidfile = tmp_path / "runs" / "r", tmp_path / "pid"
    try:
        r, interrupted = _run_or_interrupt(["run", "--agent", agent, "--data", str(RUNNER_DATA), "--out", str(out), "-q",
                                            "--executor", "ray", "--ray-address", cluster[0].address,
                                            "--workers", "1", "--agent-arg", f"pidfile={pidfile}",
                                            "--setup-timeout", "2"])
        assert not interrupted, "the run did not stop"
        assert r.exit_code == 2, r.output
        assert r.output == (f"omniact: agent could not be started: {agent}: setup() did not finish within 2 s (give "
                            "it longer with --setup-timeout SECONDS, or none)\n")
        assert not (tmp_path / "runs").exists()
    finally:
        assert _end(pidfile), "the actor holding the GIL was left running"


def test_a_task_that_holds_the_gil_is_a_timeout_its_actor_killed_and_the_run_goes_on(cluster, tmp_path):
    # The actor's own timer is a thread, stopped too while act() runs one long C call: the driver bounds each task as
    # well (from the actor's word that it began it), kills the actor and starts another for the tasks left.
    agent = f"{HERE / 'ray_test_agents.py'}:HoldsTheGilInAct"
    out, pidfile, pids = tmp_path / "r", tmp_path / "pid", tmp_path / "pids"
    pids.mkdir()
    try:
        # One worker: tasks go out two at a time, so 103 waits behind the hung 102 in its batch and is sent again.
        r, interrupted = _run_or_interrupt(["run", "--agent", agent, "--data", str(RUNNER_DATA), "--out", str(out), "-q",
                                            "--executor", "ray", "--ray-address", cluster[0].address,
                                            "--workers", "1", "--agent-arg", "task=102", "--agent-arg",
                                            f"pids={pids}", "--agent-arg", f"pidfile={pidfile}",
                                            "--task-timeout", "2"])
        assert not interrupted, "the run did not stop"
        assert r.exit_code == 0, r.output
        rows = {row["id"]: row for row in map(json.loads, (out / "predictions.jsonl").read_text().splitlines())}
        assert sorted(rows) == ["100", "101", "102", "103", "104", "105"]
        assert rows["102"]["error_kind"] == "timeout"
        assert rows["102"]["error"] == "timed out after 2 s"  # as an actor's own timer, or a local worker, says it
        assert all(rows[t].get("error_kind") is None and rows[t]["script"] == 'pyautogui.press("enter")'
                   for t in rows if t != "102")
        with sqlite3.connect(out / STORE_NAME) as db:
            failed = db.execute("SELECT task_id, error, error_kind, worker FROM results WHERE error_kind IS NOT NULL"
                                ).fetchall()
        assert [row[:3] for row in failed] == [("102", "timed out after 2 s", "timeout")]
        assert failed[0][3].startswith("ray-")  # the actor's worker, as its own timer names it
        assert json.loads((out / "scores.json").read_text())  # every task scored
        assert json.loads((out / "manifest.json").read_text())["executor_stats"]["replaced_workers"] == 1
    finally:
        assert _end(pidfile), "the actor holding the GIL was left running"
    import os

    assert len(list(pids.iterdir())) == 2 and str(os.getpid()) not in {p.name for p in pids.iterdir()}
    assert all(_end(pid) for pid in pids.iterdir()), "an actor's process was left running"


def test_sigterm_ends_a_ray_run_as_it_ends_a_local_one(cluster, tmp_path):
    # `ray.init` makes SIGTERM `sys.exit` and puts a C++ crash reporter in front of it: `timeout` or Slurm ended a
    # Ray run with a stack dump and SIGABRT, without the line that says how to resume.
    sys.path.insert(0, str(RUNNER_DATA.parent.parent))
    from test_runner_faults import _stop_mid_run

    out = tmp_path / "r"
    cmd = [sys.executable, "-m", "omniact.cli", "run", "--agent", f"{TEST_AGENTS}:Slow",
           "--agent-arg", "delay=0.4", "--data", str(RUNNER_DATA), "--out", str(out), "-q", "--workers", "1",
           "--executor", "ray", "--ray-address", cluster[0].address]
    returncode, err = _stop_mid_run(cmd, out, signal.SIGTERM)
    assert returncode == 128 + signal.SIGTERM, err
    # (the last line: a loaded machine can have Ray warn of a slow node before it)
    assert err.splitlines()[-1] == f"omniact: stopped; finished tasks are saved. Continue with: omniact run ... --out {out} --resume"
    assert "SIGTERM received" not in err and "Traceback" not in err, err
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"


def test_losing_a_node_mid_run_records_every_task_once(cluster, data, tmp_path):
    c, second = cluster
    out = tmp_path / "r"
    killed_at: list[int] = []

    marks = tmp_path / "marks"
    marks.mkdir()

    def kill_while_the_second_node_works() -> None:
        # Not on a timer: on a loaded machine the second node's actor may start late, and a node killed with no
        # task in hand loses nothing. The agent marks the node it runs on as it starts a task (each takes 0.3 s,
        # a batch of 8 2.4 s: time enough for a loaded machine to take the node down before the batch is done).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (marks / second.node_id).exists():
            time.sleep(0.02)
        try:
            with sqlite3.connect(f"file:{out / STORE_NAME}?mode=ro", uri=True, timeout=5) as db:
                killed_at.append(db.execute("SELECT COUNT(*) FROM results").fetchone()[0])
        except sqlite3.Error:
            killed_at.append(0)  # nothing recorded yet
        c.remove_node(second, allow_graceful=False)

    killer = threading.Thread(target=kill_while_the_second_node_works)
    killer.start()
    summary = run(AGENT, out=out, data=data, agent_args={"delay": "0.3", "mark_dir": str(marks)}, workers=2, seed=5,
                  executor="ray", executor_options={"address": c.address, "batch_size": 8})
    killer.join()
    assert killed_at and killed_at[0] < 40  # the node really died during the run
    print("executor stats:", summary.executor_stats)
    got = predictions(tmp_path / "r")
    assert sorted(got) == sorted(json.loads((data / "test.json").read_text()))
    assert all(s.startswith("pyautogui.click(") for s in got.values())
    manifest = json.loads((tmp_path / "r/manifest.json").read_text())
    assert manifest["executor_stats"]["retried_tasks"] > 0
    assert summary.executor_stats["retried_tasks"] == manifest["executor_stats"]["retried_tasks"]
    assert summary.n_done == 40


@pytest.mark.parametrize("agent", ["EndsItsProcess", "NamesItsActor"])
def test_a_batch_whose_stream_ray_never_ends_is_found_and_sent_again(cluster, data, tmp_path, monkeypatch, agent):
    # Ray can lose the end of an actor's result stream: of a dead actor after a node is lost (a run waited for
    # ever, seen once in six full test runs), or of a live one after a lost message. Simulated here: once an
    # actor has written its id (EndsItsProcess then ends its process; NamesItsActor answers its batch), ray.wait
    # never reports its stream. The driver must find out by asking the actor, and send the batch again.
    c, _ = cluster
    once = tmp_path / "actor"
    first = next(iter(json.loads((data / "test.json").read_text())))  # in the first batch
    real_wait = ray.wait

    def lost_actor() -> str | None:
        text = once.read_text() if once.exists() else ""
        return text if len(text) == 32 else None  # its whole id is written

    def wait(refs, *args, **kwargs):
        ready, rest = real_wait(refs, *args, **kwargs)
        lost = lost_actor()
        hidden = [r for r in ready if lost and isinstance(r, ray.ObjectRefGenerator)
                  and r._generator_ref.task_id().actor_id().hex() == lost]
        return [r for r in ready if all(r is not h for h in hidden)], [*rest, *hidden]

    monkeypatch.setattr(ray, "wait", wait)
    out = tmp_path / "r"
    args = {"on": first, "once": str(once)} if agent == "EndsItsProcess" else {"once": str(once)}
    summary: list = []
    runner = threading.Thread(target=lambda: summary.append(run(
        f"{HERE / 'ray_test_agents.py'}:{agent}", out=out, data=data, agent_args=args, workers=2, executor="ray",
        executor_options={"address": c.address, "batch_size": 8})), daemon=True)
    runner.start()
    runner.join(timeout=180)
    assert not runner.is_alive(), "the run waited for the lost stream"
    assert lost_actor() is not None  # the stream really was hidden
    got = predictions(out)
    assert sorted(got) == sorted(json.loads((data / "test.json").read_text()))
    assert set(got.values()) == {'pyautogui.press("enter")'}  # the lost batch's tasks answered again
    assert summary[0].n_done == 40
    # the task it died in is charged an attempt; a lost stream of a live actor charges none
    assert summary[0].executor_stats["retried_tasks"] == (1 if agent == "EndsItsProcess" else 0)
    assert summary[0].executor_stats["replaced_workers"] >= 1


def test_leaderboard_on_ray_equals_local(cluster, data, tmp_path):
    from omniact.dataset import load_split
    from omniact.ray_executor import RayPool
    from omniact.report import build_leaderboard

    ds = load_split(data, "test")
    subs = []
    for k in range(3):  # three runs of the seeded agent with different seeds
        run(AGENT, out=tmp_path / f"s{k}", data=data, agent_args={"delay": "0"}, seed=k)
        subs.append(tmp_path / f"s{k}")
    local = build_leaderboard(ds, subs, samples=100)
    far = build_leaderboard(ds, subs, samples=100, pool=RayPool(2, address=cluster[0].address))
    assert [e.to_json() for e in far.entries] == [e.to_json() for e in local.entries]


def _ready_actor(agent: str, task_timeout: float | None, **agent_args: str):
    """A task actor (made here, not on a cluster) of `agent` on the runner's test split, started: it said it is
    ready."""
    from omniact.executor import WorkerSpec
    from omniact.ray_executor import _TaskActor

    spec = WorkerSpec(agent=agent, data_root=str(RUNNER_DATA), split="test", agent_args=agent_args)
    actor = _TaskActor(spec, task_timeout=task_timeout)
    assert [*actor.start()][-1] == {"ready": True, "description": None}
    return actor


def test_an_actor_ends_its_batch_at_a_timeout_for_the_driver_to_replace_it(monkeypatch):
    # The timed-out task's thread cannot be stopped: the actor runs nothing more beside it (a spinning task slowed
    # the next ones into timeouts of their own); the driver kills it and gives the rest to a new actor.
    from omniact import ray_executor
    from omniact.ray_executor import _PHASE, _STARTED

    monkeypatch.setattr(ray_executor, "CANCEL_GRACE", 0.1)  # (Slow's act does not heed the cancel event)

    actor = _ready_actor(f"{TEST_AGENTS}:Slow", 0.2, delay="0.5")
    out = [o for o in actor.run_batch(["100", "101"]) if _PHASE not in o and _STARTED not in o]
    assert [(o.get("task_id"), o.get("error_kind")) for o in out] == [("100", "timeout")]


def test_a_task_timed_out_in_an_actor_has_its_cancel_event_set(tmp_path):
    # A local model there stops at its next token instead of holding the CPU for an answer nobody reads.
    from omniact.ray_executor import _STARTED

    seen = tmp_path / "seen"
    actor = _ready_actor(f"{HANG_AGENTS}:HeedsCancel", 0.5, seen=str(seen))
    out = list(actor.run_batch(["100"]))
    assert out[0][_STARTED] == "100" and out[0]["worker"] == out[1]["worker"]  # the driver's clock starts here
    assert [o.get("error_kind") for o in out[1:]] == ["timeout"]
    deadline = time.monotonic() + 60  # the abandoned thread writes what it saw once the event is set
    while not seen.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen.read_text() == "cancelled"


def test_an_actor_whose_agent_heeds_the_cancel_event_goes_on_with_its_batch(tmp_path):
    # It returned once its task was given up on, yet the actor ended its batch and was killed: the agent (a local
    # model, say) loaded again for the next task.
    from omniact.ray_executor import _KEPT, _PHASE, _STARTED

    built = tmp_path / "built"
    actor = _ready_actor(f"{HANG_AGENTS}:ReturnsOnCancel", 0.3, built=str(built))
    out = [o for o in actor.run_batch(["100", "101"]) if _PHASE not in o and _STARTED not in o]
    assert [(o["task_id"], o["error_kind"], o[_KEPT]) for o in out] == [("100", "timeout", True),
                                                                         ("101", "timeout", True)]
    assert built.read_text() == "built\n"


def test_a_ray_run_keeps_an_actor_whose_agent_heeds_the_cancel_event(cluster, tmp_path):
    built = tmp_path / "built"
    s = run(f"{HANG_AGENTS}:ReturnsOnCancel", out=tmp_path / "r", data=RUNNER_DATA, limit=3, task_timeout=0.5,
            agent_args={"built": str(built)}, executor="ray", executor_options={"address": cluster[0].address}, workers=1)
    assert s.n_done == 3 and s.errors == {"timeout": 3}
    assert not s.executor_stats.get("replaced_workers"), s.executor_stats
    assert built.read_text() == "built\n"


def test_an_actor_tells_each_step_of_its_start_as_it_begins_and_the_step_that_hung(tmp_path):
    # What the driver hears while an actor starts: it names the last step if the actor falls silent.
    from omniact.executor import WorkerSpec
    from omniact.ray_executor import _PHASE, _TaskActor

    hang = tmp_path / "hang"
    spec = WorkerSpec(agent=f"{HANG_AGENTS}:SlowStart", data_root=str(RUNNER_DATA), split="test",
                      agent_args={"hang": str(hang)})
    steps = ["starting the worker", "loading the split", "importing and building the agent", "setup()"]
    assert list(_TaskActor(spec, None).start()) == [{_PHASE: s} for s in [*steps, "describe()"]] + [
        {"ready": True, "description": {"kind": "slow-start"}}]
    hang.write_text("")
    try:
        assert list(_TaskActor(spec, None, setup_timeout=1).start()) == [{_PHASE: s} for s in steps] + [
            {"ready": False, "error": f"{HANG_AGENTS}:SlowStart: setup() did not finish within 1 s (give it longer "
                                      "with --setup-timeout SECONDS, or none)"}]
    finally:
        hang.unlink()


def test_without_a_task_time_limit_an_actor_sends_only_its_results():
    # No limit, no clock: the driver hears nothing more than before.
    actor = _ready_actor(f"{TEST_AGENTS}:Slow", None, delay="0")
    assert [o["task_id"] for o in actor.run_batch(["100", "101"])] == ["100", "101"]


_SIGTERM_WHILE_RAY_STARTS = """
import os, signal, sys, time
import ray
from omniact.ray_executor import connect

def init(**kwargs):  # what ray.init does first, then a SIGTERM while it starts a cluster (seconds, for a local one)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(signum))
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)

ray.init, ray.is_initialized, ray.shutdown = init, lambda: False, lambda: print("ray.shutdown")

def ours(signum, frame):
    raise KeyboardInterrupt
signal.signal(signal.SIGTERM, ours)
try:
    connect("local")
except KeyboardInterrupt:
    print("the run's handler", signal.getsignal(signal.SIGTERM) is ours)
"""


def test_a_sigterm_while_ray_starts_stops_what_it_started_and_reaches_the_runs_handler():
    import subprocess

    done = subprocess.run([sys.executable, "-c", _SIGTERM_WHILE_RAY_STARTS], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["ray.shutdown", "the run's handler True"]


_SIGTERM_WHILE_RAY_SHUTS_DOWN = """
import os, signal, sys, time
import ray
from omniact.ray_executor import connect

def shutdown():  # a SIGTERM in the second Ray takes to shut down as the command exits
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.2)
    print("shut down", flush=True)

ray.init, ray.is_initialized, ray.shutdown = lambda **kwargs: None, lambda: False, shutdown

def ours(signum, frame):
    raise KeyboardInterrupt
signal.signal(signal.SIGTERM, ours)
connect("local")
print("done", flush=True)
"""


def test_a_sigterm_while_ray_shuts_down_at_exit_lets_the_shutdown_finish_quietly():
    import subprocess

    done = subprocess.run([sys.executable, "-c", _SIGTERM_WHILE_RAY_SHUTS_DOWN], capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout.splitlines()) == (0, ["done", "shut down"]), done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_an_address_where_no_cluster_listens_is_one_line_at_once(tmp_path):
    """Ray's client retried such an address for over ten minutes, printing a warning line each time."""
    import socket
    import subprocess

    with socket.socket() as s:  # a port nothing listens on once this is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # In a process of its own: this one is connected to the module's cluster already.
    r = subprocess.run([sys.executable, "-c", "from omniact.console import run; run()", "run", "--agent", "noop",
                        "--data", str(RUNNER_DATA), "--out", str(tmp_path / "r"), "-q", "--executor", "ray",
                        "--ray-address", f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"omniact: cannot reach a Ray cluster at '127.0.0.1:{port}' (nothing answers there")
    assert r.stderr.count("\n") == 1 and not (tmp_path / "r").exists()


def test_a_task_that_ends_its_worker_costs_only_itself_and_the_summary_counts_the_retries(cluster, data, tmp_path):
    """Two tasks of one batch end their actor's process. Every task of the batch not back yet was charged an
    attempt each time, so the tasks between the two (never at fault) ran out of attempts too and were recorded as
    crashes, unlike a local run; and the run's summary never said that tasks were run again."""
    ids = list(json.loads((data / "test.json").read_text()))
    bad = [ids[1], ids[4]]  # one worker, 40 tasks: batches of 10, so both are in the first
    out = tmp_path / "r"
    r, interrupted = _run_or_interrupt(
        ["run", "--agent", f"{HERE / 'ray_test_agents.py'}:EndsItsProcess", "--agent-arg", f"on={','.join(bad)}",
         "--data", str(data), "--out", str(out), "-q", "--workers", "1", "--executor", "ray",
         "--ray-address", cluster[0].address], bound=300)
    assert not interrupted and r.exit_code == 0, r.output
    with sqlite3.connect(out / STORE_NAME) as db:
        kinds = dict(db.execute("SELECT task_id, error_kind FROM results"))
    assert sorted(kinds) == sorted(ids)  # every task recorded once
    assert {t for t, kind in kinds.items() if kind} == set(bad)
    assert {kinds[t] for t in bad} == {"crash"}
    # each of the two is tried three times (Ray cannot tell its own exit from a lost node): two runs again each
    assert "  workers lost: 6 replaced, 4 tasks run again on another worker (every task recorded once)" in \
        r.output.splitlines(), r.output
    stats = json.loads((out / "manifest.json").read_text())["executor_stats"]
    assert stats == {"retried_tasks": 4, "replaced_workers": 6}


def test_a_worker_the_cluster_has_no_room_for_is_said_while_the_run_waits(cluster, tmp_path):
    """Ray waits silently for room: the run sat at 0 tasks without a word."""
    import subprocess

    proc = subprocess.Popen([sys.executable, "-c", "from omniact.console import run; run()", "run", "--agent", "noop",
                             "--data", str(RUNNER_DATA), "--out", str(tmp_path / "r"), "-q", "--executor", "ray",
                             "--ray-address", cluster[0].address, "--worker-memory", str(2**24)],
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()  # the run prints nothing else on stderr with -q
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=120)
    assert line.startswith("omniact: no Ray worker is ready after 10 s: each needs 1 CPU and "
                           "16,777,216 MiB of memory, and the cluster has "), line
    assert "still waiting, for room or for a worker slow to start, Ctrl-C to stop" in line


@pytest.mark.parametrize("address", ["nonsense", "localhost", ":6379"])
def test_an_address_that_is_not_one_is_one_line(address, tmp_path):
    """Ray's own reading of it ended in a traceback and exit 1 (`ValueError: Invalid address format`)."""
    import subprocess

    r = subprocess.run([sys.executable, "-c", "from omniact.console import run; run()", "run", "--agent", "noop",
                        "--data", str(RUNNER_DATA), "--out", str(tmp_path / "r"), "--executor", "ray",
                        "--ray-address", address], capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 2, r.stderr
    assert r.stderr == (f"omniact: --ray-address {address!r} is not a cluster address: give HOST:PORT (the head's, "
                        "as `ray start --head` prints it, e.g. 127.0.0.1:6379), auto (the cluster started on this "
                        "machine) or ray://HOST:PORT\n")
    assert not (tmp_path / "r").exists()


def test_a_ray_replay_keeps_each_workers_browser_warm_as_a_local_one_does(cluster, tmp_path):
    """Each task's browser context was made inside its own clock (0.6-2 s of the task's time limit), where a local
    worker has the next one ready."""
    pytest.importorskip("playwright")
    from click.testing import CliRunner

    from omniact.cli import main

    r = CliRunner().invoke(main, ["replay", "--split", "test", "--agent", "oracle", "--limit", "3", "--workers", "1",
                                  "--executor", "ray", "--ray-address", cluster[0].address, "--out",
                                  str(tmp_path / "rep"), "--json"])
    assert r.exit_code == 0, r.output
    tasks = json.loads((tmp_path / "rep" / "replay.json").read_text())["tasks"]
    assert [t["success"] for t in tasks] == [True] * 3
    # one worker: after the first task, each found its context made while the one before settled (not its time to
    # open, which a loaded machine stretches: a timer thread's start took 0.14 s once in CI)
    assert [t["info"]["warm_context"] for t in tasks] == [False, True, True], [t["info"] for t in tasks]


def test_a_users_error_before_any_item_is_done_stops_a_ray_pool_in_its_own_line(cluster):
    """A replay whose browsers cannot launch raised BrowserUnavailable in every actor: as a RayTaskError (the remote
    traceback as its text), or every task failed alike, where local workers stop in the error's one line."""
    from omniact.dataset import resolve_data_root
    from omniact.errors import UserError
    from omniact.ray_executor import RayPool

    pool = RayPool(1, address=cluster[0].address, num_cpus=0.5)
    with pytest.raises(UserError) as e:
        list(pool.map_unordered(resolve_data_root, [Path("/nonexistent-omniact-data")] * 2))
    assert "Traceback" not in str(e.value) and "ray::" not in str(e.value), str(e.value)
    assert type(e.value) is UserError and "data directory" in str(e.value)
