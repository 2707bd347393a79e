"""A run records what agent actually ran (its ``describe()``), and a resume refuses another one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from omniact.cli import main
from omniact.errors import UserError
from omniact.runner import run
from omniact.store import RunStore

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"
AGENTS = HERE / "runner_test_agents.py"
DESCRIBED = f"{AGENTS}:Described"


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def _weights(tmp_path: Path, content: bytes = b"v1") -> Path:
    w = tmp_path / "weights.bin"
    w.write_bytes(content)
    return w


@pytest.mark.parametrize("worker_type", ["threads", "processes"])
def test_the_manifest_records_the_agents_description_without_its_secrets(tmp_path, worker_type):
    w = _weights(tmp_path)
    run(DESCRIBED, out=tmp_path / "r", data=DATA, agent_args={"weights": str(w), "api_key": "sk-live-0123456789"},
        limit=3, workers=2, worker_type=worker_type)
    m = _manifest(tmp_path / "r")
    backend = m["agent_description"]["backend"]
    assert backend["model_fingerprint"] == "3bfc269594ef649228e9a74bab00f042efc91d5acc6fbee31a382e80d42388fe"
    assert backend["api_key"] == "***" and m["agent_description"]["max_tokens"] == 512
    assert "sk-live-0123456789" not in (tmp_path / "r" / "manifest.json").read_text()
    assert "sk-live-0123456789" not in (tmp_path / "r" / "run.sqlite").read_bytes().decode("latin-1")
    assert "agent_description_variants" not in m  # both workers ran the same agent


def test_an_agent_without_describe_is_described_as_null(tmp_path):
    run("noop", out=tmp_path / "r", data=DATA, limit=1)
    assert _manifest(tmp_path / "r")["agent_description"] is None
    run("random", out=tmp_path / "random", data=DATA, limit=1)
    assert _manifest(tmp_path / "random")["agent_description"] == {"max_actions": 3}


def test_a_resume_with_new_weights_is_refused_in_one_line_and_records_nothing(tmp_path):
    w = _weights(tmp_path)
    out = tmp_path / "r"
    args = {"weights": str(w)}
    run(DESCRIBED, out=out, data=DATA, agent_args=args, limit=2)
    before = (out / "manifest.json").read_bytes(), (out / "predictions.jsonl").read_bytes()
    w.write_bytes(b"v2")  # fine-tuned further and saved over the old weights
    r = CliRunner().invoke(main, ["run", "--agent", DESCRIBED, "--agent-arg", f"weights={w}", "--data", str(DATA),
                                  "--out", str(out), "--resume"])
    assert r.exit_code == 2, r.output
    line = r.output.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "backend.model_fingerprint 3bfc269594ef… -> " in line and "another --out" in line
    assert ((out / "manifest.json").read_bytes(), (out / "predictions.jsonl").read_bytes()) == before
    with RunStore(out / "run.sqlite", new_session=False) as store:
        assert store.session == 1 and len(store) == 2
    w.write_bytes(b"v1")  # the run's own weights back: it goes on
    s = run(DESCRIBED, out=out, data=DATA, agent_args=args, resume=True)
    assert s.n_done == 6 and s.n_run == 4 and _manifest(out)["sessions"] == 2


def test_a_run_made_before_descriptions_resumes_as_before(tmp_path):
    w = _weights(tmp_path)
    out = tmp_path / "r"
    run(DESCRIBED, out=out, data=DATA, agent_args={"weights": str(w)}, limit=2)
    with sqlite3.connect(out / "run.sqlite") as db:  # what an older omniact left: no description
        db.execute("DELETE FROM meta WHERE key LIKE 'agent_description%'")
    w.write_bytes(b"v2")
    s = run(DESCRIBED, out=out, data=DATA, agent_args={"weights": str(w)}, resume=True)
    assert s.n_done == 6
    m = _manifest(out)
    # described from this session on, and saying so
    assert m["agent_description"]["backend"]["model_fingerprint"].startswith("fb04dcb6970e")
    assert m["agent_description_since_session"] == 2


def test_workers_that_describe_different_agents_are_flagged_in_the_manifest(tmp_path):
    w = _weights(tmp_path)
    # the first worker to start loads v1 and saves v2 over it; the second loads v2
    run(DESCRIBED, out=tmp_path / "r", data=DATA, agent_args={"weights": str(w), "bump": "true"}, limit=4,
        workers=2)
    m = _manifest(tmp_path / "r")
    seen = {m["agent_description"]["backend"]["model_fingerprint"],
            *(v["backend"]["model_fingerprint"] for v in m["agent_description_variants"])}
    assert len(seen) == 2 and "3bfc269594ef649228e9a74bab00f042efc91d5acc6fbee31a382e80d42388fe" in seen
    assert "2 different agents" in m["agent_description_warning"]


def test_an_agent_whose_description_is_not_json_cannot_start(tmp_path):
    # (said as it is: nothing raised in the agent, as "describe() raised TypeError: describe() returned ..." had it)
    with pytest.raises(UserError, match=r"agent could not be started: describe\(\) returned a dict that is not JSON"):
        run(f"{AGENTS}:BadDescribe", out=tmp_path / "r", data=DATA, limit=1)


@pytest.mark.parametrize("shape, why", [
    ("deep", "describe() returned a dict nested 601 levels deep; a description is at most 32"),
    ("huge", "describe() returned 2,097,164 characters of JSON; a description is at most 1,048,576"),
])
def test_a_description_too_deep_or_too_big_to_record_stops_the_run_in_one_line(tmp_path, shape, why):
    # 600 levels overflowed the driver's stack (RecursionError, exit 1) when it redacted the description.
    out = tmp_path / "r"
    result = CliRunner().invoke(main, ["run", "--agent", f"{AGENTS}:OddDescribe", "--agent-arg", f"shape={shape}",
                                       "--data", str(DATA), "--out", str(out), "--limit", "1"])
    assert result.exit_code == 2, result.output
    assert why in result.output
    assert "Traceback" not in result.output
    # `agents --check` says so before a run is tried
    check = CliRunner().invoke(main, ["agents", "--check", f"{AGENTS}:OddDescribe", "--agent-arg", f"shape={shape}",
                                      "--data", str(DATA), "-n", "1"])
    assert check.exit_code == 2 and why in check.output, check.output


def test_secrets_a_key_name_does_not_give_away_are_redacted_too(tmp_path):
    run(f"{AGENTS}:OddDescribe", out=tmp_path / "r", data=DATA, agent_args={"shape": "secrets"}, limit=1)
    text = (tmp_path / "r" / "manifest.json").read_text()
    assert "sk-live" not in text
    assert _manifest(tmp_path / "r")["agent_description"] == {
        "backend": {"url": "https://***@example.com/v1", "headers": {"X-Api-Key": "***"}}, "api-key": "***"}


def test_a_resume_after_the_agents_file_was_edited_says_so_and_the_manifest_keeps_both_versions(tmp_path, capsys):
    """The edit is what a failing run asks for, so the resume goes on; but the run's results now mix two versions,
    which the manifest says (it recorded neither)."""
    agent = tmp_path / "mine.py"
    agent.write_text("class A:\n    def act(self, view):\n        return 'pyautogui.click(1, 1)'\n")
    out = tmp_path / "r"
    run(f"{agent}:A", out=out, data=DATA, limit=2)
    first = _manifest(out)
    assert first["agent_source_sha256"] and "agent_source_warning" not in first
    agent.write_text("class A:\n    def act(self, view):\n        return 'pyautogui.press(\"enter\")'\n")
    capsys.readouterr()
    run(f"{agent}:A", out=out, data=DATA, limit=4, resume=True)
    assert capsys.readouterr().err == (
        "omniact: note: the agent's file has changed since this run's last session; the 2 tasks finished before "
        "keep that version's answers (--retry-errors runs failed ones again; another --out starts afresh)\n")
    m = _manifest(out)
    assert m["agent_source_versions"] == [first["agent_source_sha256"], m["agent_source_sha256"]]
    assert m["agent_source_warning"] == "the agent's file changed between sessions (2 versions): the run's results mix them"
    run(f"{agent}:A", out=out, data=DATA, resume=True)  # the same version again: nothing more to say
    assert "note" not in capsys.readouterr().err
    assert _manifest(out)["agent_source_versions"] == m["agent_source_versions"]
