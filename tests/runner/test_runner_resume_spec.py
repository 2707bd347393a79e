"""`--resume` compares the agent a file-path spec names, not the spec as typed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from omniact.cli import main

DATA = Path(__file__).resolve().parent / "fixtures" / "data"
AGENT = 'class MyAgent:\n    def act(self, view):\n        return {answer!r}\n\n\nclass Other(MyAgent):\n    pass\n'


def _run(out: Path, agent: str, *more: str):
    return CliRunner().invoke(main, ["run", "--agent", agent, "--data", str(DATA), "--out", str(out), "-q", *more])


def test_resume_from_another_folder_with_a_file_path_agent_continues_the_run(tmp_path, monkeypatch):
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "my_agent.py").write_text(AGENT.format(answer='pyautogui.press("enter")'))
    out = tmp_path / "runs" / "mine"
    monkeypatch.chdir(tmp_path / "proj")
    r = _run(out, "my_agent.py:MyAgent", "--limit", "2")
    assert r.exit_code == 0, r.output
    # the same file, typed from the parent folder, and through a link to its folder: the same agent
    (tmp_path / "link").symlink_to(tmp_path / "proj")
    monkeypatch.chdir(tmp_path)
    r = _run(out, "proj/my_agent.py:MyAgent", "--limit", "4", "--resume")
    assert r.exit_code == 0, r.output
    r = _run(out, "link/my_agent.py:MyAgent", "--resume")
    assert r.exit_code == 0, r.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["n_done"] == 6 and manifest["sessions"] == 3


def test_resume_with_another_file_typed_alike_is_refused(tmp_path, monkeypatch):
    for folder, answer in (("a", 'pyautogui.press("enter")'), ("b", 'pyautogui.press("tab")')):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "my_agent.py").write_text(AGENT.format(answer=answer))
    out = tmp_path / "run"
    monkeypatch.chdir(tmp_path / "a")
    assert _run(out, "my_agent.py:MyAgent", "--limit", "2").exit_code == 0
    monkeypatch.chdir(tmp_path / "b")
    r = _run(out, "my_agent.py:MyAgent", "--resume")
    assert r.exit_code == 2
    assert r.output.startswith("omniact: ") and r.output.count("\n") == 1
    assert "cannot resume" in r.output
    assert f"{tmp_path.resolve() / 'a' / 'my_agent.py'}:MyAgent" in r.output
    assert f"{tmp_path.resolve() / 'b' / 'my_agent.py'}:MyAgent" in r.output
    # and another class of the same file is another agent
    monkeypatch.chdir(tmp_path / "a")
    r = _run(out, "my_agent.py:Other", "--resume")
    assert r.exit_code == 2 and "cannot resume" in r.output
    assert len((out / "predictions.jsonl").read_text().splitlines()) == 2
