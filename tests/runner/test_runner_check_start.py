"""`omniact agents --check` bounds the agent's start (--setup-timeout) as a run does, and cancels an answer it gave
up on."""

from __future__ import annotations

from pathlib import Path

import test_runner_setup_timeout
from click.testing import CliRunner

from omniact.agent import check_agent
from omniact.cli import main

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"
AGENTS = HERE / "runner_hang_agents.py"
# the run's fixture: a file that holds SlowStart in its start while it exists
hang = test_runner_setup_timeout.hang


def _check(*more: str):
    return CliRunner().invoke(main, ["agents", "--check", f"{AGENTS}:SlowStart", "--data", str(DATA), "-n", "1", *more])


def test_a_hanging_setup_is_reported_after_the_setup_timeout_with_exit_2(hang):
    r = _check("--agent-arg", f"hang={hang}", "--setup-timeout", "2")
    assert r.exit_code == 2, r.output
    assert r.output == (f"{AGENTS}:SlowStart: 1 problem(s)\n"
                        "  setup() did not finish within 2 s (give it longer with --setup-timeout SECONDS, or none)\n")


def test_a_hanging_describe_is_named(hang):
    report = check_agent(f"{AGENTS}:SlowStart", n=1, data=DATA, args={"hang": str(hang), "where": "describe"},
                         setup_timeout=1)
    assert not report.ok
    assert report.problems == (
        "describe() did not finish within 1 s (give it longer with --setup-timeout SECONDS, or none)",)


def test_setup_timeout_of_check_takes_seconds_or_none():
    r = _check("--setup-timeout", "soon")
    assert r.exit_code == 2
    assert r.output == ("omniact: --setup-timeout must be a number of seconds above 0 and at most 31,536,000 (a "
                        "year), or none (no limit), not 'soon'\n")
    r = _check("--setup-timeout", "none")
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"{AGENTS}:SlowStart: OK\n")


def test_an_answer_check_gave_up_on_has_its_cancel_event_set_and_one_that_heeds_it_is_asked_on(tmp_path):
    seen = tmp_path / "seen"
    report = check_agent(f"{AGENTS}:HeedsCancel", n=2, data=DATA, args={"seen": str(seen)}, timeout=0.5)
    assert seen.read_text() == "cancelled"  # (written as act returned, before the check went on)
    # it returned once the event was set, so the check asked it the next task, as a run would (it stopped there)
    assert len(report.problems) == 2 and all(p.endswith(": act did not return within 0.5 s") for p in report.problems)
    assert report.lines == report.problems


def test_a_check_stops_at_an_answer_that_does_not_return_once_cancelled(monkeypatch):
    from omniact import executor

    monkeypatch.setattr(executor, "CANCEL_GRACE", 0.1)
    report = check_agent(f"{HERE / 'runner_test_agents.py'}:Slow", n=2, data=DATA, args={"delay": 3.0}, timeout=0.5)
    assert len(report.problems) == 1 and report.problems[0].endswith(": act did not return within 0.5 s")
    # the check stops at the agent that hung, and says so
    assert report.lines == (*report.problems, "(the other 1 task not tried: the agent is still busy with this one)")
