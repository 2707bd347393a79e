"""`omniact replay --split --agent NAME --out O`: the agent's answers are kept in the run folder O/run as they come,
so that a stopped replay loses none and the same command run again asks only for the tasks not answered yet."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from omniact.cli import main

SUITE = Path(__file__).parent / "fixtures" / "suite"
T = ["--task-timeout", "90", "--workers", "1"]

AGENT = '''
import time
from pathlib import Path

HERE = Path(__file__).parent
SCRIPTS = {"101": "pyautogui.click(100.0, 40.0)\\npyautogui.click(100.0, 40.0)",
           "102": 'pyautogui.click(170.0, 95.0)\\npyautogui.write("Ada")'}


class Counting:
    """Logs each task it is asked for in asked.txt; answers 101 and 102 right; has no idea on 103. While a file
    `hang` is beside it, it says so (`hanging`) on 103 and then takes its time."""

    def act(self, view):
        with open(HERE / "asked.txt", "a") as f:
            f.write(view.id + "\\n")
        if view.id == "103" and (HERE / "hang").exists():
            (HERE / "hanging").write_text("")
            time.sleep(120)
        if view.id == "103":
            raise RuntimeError("no idea")
        return SCRIPTS.get(view.id, "")


class Other(Counting):
    pass
'''


def invoke(*args: str):
    return CliRunner().invoke(main, ["replay", "--data", str(SUITE), *args], catch_exceptions=False)


def _agent(tmp_path: Path) -> Path:
    agent = tmp_path / "agent.py"
    agent.write_text(AGENT)
    return agent


def _asked(tmp_path: Path) -> list[str]:
    log = tmp_path / "asked.txt"
    return log.read_text().split() if log.exists() else []


def _answered(run: Path) -> list[str]:
    return [json.loads(line)["id"] for line in (run / "predictions.jsonl").read_text().splitlines()]


def _verdicts(output: str) -> list[tuple[str, bool, str | None]]:
    return [(t["task_id"], t["success"], t["reason"]) for t in json.loads(output)["tasks"]]


@pytest.mark.browser
def test_answers_are_kept_in_the_out_folder_and_not_asked_again(tmp_path):
    agent, out = _agent(tmp_path), tmp_path / "o"
    args = ("--agent", f"{agent}:Counting", "--out", str(out), "--limit", "2", "--json", *T)
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    assert _answered(out / "run") == ["101", "102"] and _asked(tmp_path) == ["101", "102"]
    saved = json.loads((out / "replay.json").read_text())
    assert saved["run"] == str(out / "run") and saved["source"] == f"agent:{agent}:Counting"
    again = invoke(*args)
    assert again.exit_code == 0, again.output
    assert _asked(tmp_path) == ["101", "102"]  # the kept answers were replayed, the agent not asked again
    assert _verdicts(again.output) == _verdicts(first.output) == [("101", True, None), ("102", True, None)]


@pytest.mark.browser
def test_a_replay_stopped_while_the_agent_answers_keeps_its_answers_and_the_rerun_asks_only_the_rest(tmp_path):
    agent, out = _agent(tmp_path), tmp_path / "o"
    (tmp_path / "hang").write_text("")
    args = ["--agent", f"{agent}:Counting", "--out", str(out), *T]
    proc = subprocess.Popen([sys.executable, "-m", "omniact.cli", "replay", "--data", str(SUITE), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "hanging").exists():  # 101 and 102 answered, 103 under way
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert f"the 2 answers given so far are kept in {out / 'run'}: run the same command again to continue" in err
    assert "Traceback" not in err
    assert _answered(out / "run") == ["101", "102"]
    (tmp_path / "hang").unlink()
    r = invoke(*args, "--json")
    assert r.exit_code == 0, r.output
    assert _asked(tmp_path) == ["101", "102", "103", "103", "104"]  # only the tasks not answered were asked again
    assert [(i, ok) for i, ok, _ in _verdicts(r.output)] == [("101", True), ("102", True), ("103", False),
                                                             ("104", False)]


@pytest.mark.browser
def test_another_agent_into_the_same_out_folder_is_one_line_saying_what_differs_and_what_to_do(tmp_path):
    agent, out = _agent(tmp_path), tmp_path / "o"
    r = invoke("--agent", f"{agent}:Counting", "--out", str(out), "--limit", "1", *T)
    assert r.exit_code == 0, r.output
    replayed = (out / "replay.json").read_text()
    r = invoke("--agent", f"{agent}:Other", "--out", str(out), "--limit", "1", *T)
    assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
    assert r.output.startswith(f"omniact: {out / 'run'}: cannot continue the agent's answers kept here: ")
    assert f"now '{agent}:Other'" in r.output and "give the replay a fresh --out, or remove this folder" in r.output
    assert "--resume" not in r.output  # replay has no such option
    assert _asked(tmp_path) == ["101"] and (out / "replay.json").read_text() == replayed  # left as they were


@pytest.mark.browser
def test_a_task_the_agent_failed_on_is_reported_with_the_agents_error(tmp_path):
    """A run folder records an agent's failure as an empty script with an "error": `replay --predictions RUN`
    replayed the empty script and reported the page's verdict on it, not why there was no script."""
    from omniact.runner import run

    agent = _agent(tmp_path)
    run(f"{agent}:Counting", out=tmp_path / "r", data=SUITE, limit=3)
    r = invoke("--predictions", str(tmp_path / "r"), "--json", *T)
    assert r.exit_code == 0, r.output
    why = {i: reason for i, _, reason in _verdicts(r.output)}
    assert why["103"].startswith("agent error: RuntimeError: no idea (agent.py:"), why
    r = invoke("--agent", f"{agent}:Counting", "--out", str(tmp_path / "o"), "--limit", "3", *T)
    assert r.exit_code == 0, r.output
    assert "FAIL 103" in r.output and "agent error: RuntimeError: no idea (agent.py:" in r.output
    assert "2/3 tasks succeeded (66.7%)" in r.output


@pytest.mark.browser
def test_retry_errors_asks_the_agent_again_for_the_tasks_it_failed_and_only_those(tmp_path):
    # The runner's words name --retry-errors (a changed agent file's note, a run stopped after failing alike):
    # replay has it, as `omniact run` does.
    agent, out = _agent(tmp_path), tmp_path / "o"
    args = ("--agent", f"{agent}:Counting", "--out", str(out), "--limit", "3", "--json", *T)
    r = invoke(*args)
    assert r.exit_code == 0, r.output
    assert [(i, ok) for i, ok, _ in _verdicts(r.stdout)] == [("101", True), ("102", True), ("103", False)]
    r = invoke(*args)  # as it is: the failure stays, and the agent is not asked
    assert r.exit_code == 0 and _asked(tmp_path) == ["101", "102", "103"], r.output
    agent.write_text(AGENT.replace('raise RuntimeError("no idea")', 'return "pyautogui.click(1.0, 1.0)"'))  # a fix
    # (a process of its own, as a user's next command: this one has imported the agent's file before the fix)
    r = subprocess.run([sys.executable, "-m", "omniact.cli", "replay", "--data", str(SUITE), *args, "--retry-errors"],
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    assert _asked(tmp_path) == ["101", "102", "103", "103"]  # only the failed task, once more
    why = {i: reason for i, _, reason in _verdicts(r.stdout)}
    assert why["101"] is None and not (why["103"] or "").startswith("agent error"), why  # the fixed answer replayed
    assert "the agent's file has changed since this run's last session" in r.stderr
    assert "--retry-errors runs failed ones again" in r.stderr


@pytest.mark.parametrize("given", [("--retry-errors",), ("--setup-timeout", "5"), ("--setup-timeout", "1800")])
def test_agent_start_options_without_an_agent_are_refused_in_one_line(tmp_path, given):
    r = invoke("--predictions", str(tmp_path / "none.jsonl"), *given)
    assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
    assert f"{given[0]} goes with" in r.output and "--agent NAME" in r.output


@pytest.mark.browser
def test_an_agent_that_does_not_start_within_setup_timeout_ends_the_replay_in_one_line(tmp_path):
    agent = tmp_path / "slow.py"
    agent.write_text("import time\n\nclass SlowStart:\n    def setup(self):\n        time.sleep(60)\n\n"
                     "    def act(self, view):\n        return ''\n")
    started = time.monotonic()
    r = invoke("--agent", f"{agent}:SlowStart", "--task", "101", "--setup-timeout", "1", *T)
    assert time.monotonic() - started < 30
    assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
    assert r.output == (f"omniact: agent could not be started: {agent}:SlowStart: importing and building the agent, "
                        "or setup() did not finish within 1 s (give it longer with --setup-timeout SECONDS, or none)\n")


STOPPING = '''
from omniact.errors import UserError


class RefusedKey:
    """Answers 101, then the server refuses its key: every task would fail alike."""

    def act(self, view):
        if view.id != "101":
            raise UserError("the server refused the key")
        return "pyautogui.click(100.0, 40.0)"


class Broken:
    def act(self, view):
        raise RuntimeError("backend down")
'''


@pytest.mark.browser
def test_a_run_the_agent_stops_is_said_in_replays_terms_not_runs(tmp_path, monkeypatch):
    """The runner's stops advise `--resume`, an option replay does not have: replay says what it does instead."""
    import omniact.runner

    agent = tmp_path / "stopping.py"
    agent.write_text(STOPPING)
    out = tmp_path / "o"
    r = invoke("--agent", f"{agent}:RefusedKey", "--out", str(out), *T)
    assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
    assert r.output == (f"omniact: the agent stopped: the server refused the key (the answers given so far are kept "
                        f"in {out / 'run'}: after the fix, run the same command again; if the fix is an agent "
                        "argument, give a fresh --out)\n")
    assert _answered(out / "run") == ["101"] and not (out / "replay.json").exists()
    monkeypatch.setattr(omniact.runner, "FAIL_FAST", 2)
    r = invoke("--agent", f"{agent}:Broken", "--out", str(tmp_path / "b"), *T)
    assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
    assert r.output.startswith("omniact: the agent's first 2 answers all failed with: RuntimeError: backend down ")
    assert ("fix the cause, then run the command again with --retry-errors (if the fix is an agent argument, give a "
            f"fresh --out, or remove {tmp_path / 'b' / 'run'}); or run it again as it is") in r.output
    assert "--resume" not in r.output


@pytest.mark.browser
def test_answers_are_asked_one_at_a_time_unless_agent_workers_says_otherwise(tmp_path):
    # Each worker builds its own agent (a model agent its own copy of the model): replay's two browsers by
    # default must not also mean two agents, as `omniact run` asks one unless told.
    agent = _agent(tmp_path)
    for given, expected in (((), 1), (("--agent-workers", "2"), 2)):
        out = tmp_path / f"o{expected}"
        r = invoke("--agent", f"{agent}:Counting", "--out", str(out), "--limit", "2", "--json", *given,
                   "--task-timeout", "90")
        assert r.exit_code == 0, r.output
        assert json.loads((out / "run" / "manifest.json").read_text())["workers"] == expected


def test_agent_workers_where_no_run_asks_the_agent_is_refused(tmp_path):
    agent = _agent(tmp_path)
    for where in (("--predictions", str(tmp_path / "p.jsonl")), ("--agent", f"{agent}:Counting")):
        r = invoke(*where, "--agent-workers", "2")
        assert r.exit_code == 2
        assert r.output == "omniact: --agent-workers goes with --split --agent NAME --out DIR (the answers kept in DIR/run)\n"


PRINTING = '''
import os


class Printer:
    """Prints as it answers, and moves to another folder, as an agent may."""

    def act(self, view):
        print("AGENT SAYS HELLO", view.id, flush=True)
        os.chdir("/")
        return ""
'''


@pytest.mark.browser
@pytest.mark.parametrize("kept", [True, False])
def test_under_json_an_agents_prints_go_to_stderr_and_a_relative_out_survives_its_chdir(tmp_path, kept):
    # `replay --json` promises one JSON object on stdout: an agent's print() made it unreadable. And with a relative
    # --out, an agent that changed folder left its answers where the replay did not look for them.
    (tmp_path / "agent.py").write_text(PRINTING)
    out = ["--out", "o"] if kept else []
    r = subprocess.run([sys.executable, "-m", "omniact.cli", "replay", "--data", str(SUITE), "--agent",
                        f"{tmp_path / 'agent.py'}:Printer", *out, "--limit", "1", "--json", *T],
                       capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["n_tasks"] == 1
    assert "AGENT SAYS HELLO" in r.stderr
    if kept:
        assert (tmp_path / "o" / "run" / "predictions.jsonl").is_file() and (tmp_path / "o" / "replay.json").is_file()


def test_a_folder_another_command_is_answering_into_is_refused_in_replays_terms(tmp_path):
    from omniact.run_lock import run_lock

    agent, out = _agent(tmp_path), tmp_path / "o"
    (out / "run").mkdir(parents=True)
    with run_lock(out / "run"):  # another replay (or run) asking an agent into the same folder
        result = invoke("--agent", f"{agent}:Counting", "--out", str(out), "--limit", "1", *T)
    assert result.exit_code == 2
    line = result.output.strip()
    assert "\n" not in line and "another omniact command is writing the agent's answers here (pid" in line
    assert "run this command again" in line and "--resume" not in line
    assert _asked(tmp_path) == []
