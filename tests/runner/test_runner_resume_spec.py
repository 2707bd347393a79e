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


def _package(root: Path, name: str, answer: str) -> None:
    """A package `name` with the agent module `name.mod` (two classes, as AGENT) in the folder `root`."""
    (root / name).mkdir(parents=True)
    (root / name / "__init__.py").write_text("")
    (root / name / "mod.py").write_text(AGENT.format(answer=answer))


def _forget(name: str) -> None:
    """Unimport package `name`, so that the next run imports it afresh from the folder it then finds (as a new
    `omniact` process would)."""
    import sys

    for mod in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        del sys.modules[mod]


def test_resume_with_the_same_class_spelled_another_way_continues_the_run(tmp_path, monkeypatch):
    name = "s9pkg_same"
    _package(tmp_path / "proj", name, 'pyautogui.press("enter")')
    out = tmp_path / "run"
    monkeypatch.chdir(tmp_path / "proj")
    monkeypatch.syspath_prepend(str(tmp_path / "proj"))
    try:
        r = _run(out, f"{name}.mod:MyAgent", "--limit", "2")
        assert r.exit_code == 0, r.output
        # the module's file, typed as a path: the same class
        r = _run(out, f"{name}/mod.py:MyAgent", "--limit", "4", "--resume")
        assert r.exit_code == 0, r.output
        # and back to the module, typed from elsewhere (found on sys.path): still the same class
        monkeypatch.chdir(tmp_path)
        r = _run(out, f"{name}.mod:MyAgent", "--resume")
        assert r.exit_code == 0, r.output
    finally:
        _forget(name)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["n_done"] == 6 and manifest["sessions"] == 3
    assert len((out / "predictions.jsonl").read_text().splitlines()) == 6


def test_resume_of_a_registered_agent_by_its_module_and_class_continues_the_run(tmp_path):
    out = tmp_path / "run"
    assert _run(out, "noop", "--limit", "2").exit_code == 0
    r = _run(out, "agents.noop:NoopAgent", "--resume")
    assert r.exit_code == 0, r.output
    r = _run(out, "random", "--resume")  # another registered agent is another agent
    assert r.exit_code == 2 and "cannot resume" in r.output
    assert json.loads((out / "manifest.json").read_text())["n_done"] == 6


def test_resume_with_another_class_typed_alike_as_module_and_class_is_refused(tmp_path, monkeypatch):
    name = "s9pkg_other"
    for folder, answer in (("a", 'pyautogui.press("enter")'), ("b", 'pyautogui.press("tab")')):
        _package(tmp_path / folder, name, answer)
    out = tmp_path / "run"
    try:
        with monkeypatch.context() as m:
            m.syspath_prepend(str(tmp_path / "a"))
            assert _run(out, f"{name}.mod:MyAgent", "--limit", "2").exit_code == 0
        _forget(name)
        with monkeypatch.context() as m:
            m.syspath_prepend(str(tmp_path / "b"))
            r = _run(out, f"{name}.mod:MyAgent", "--resume")
    finally:
        _forget(name)
    assert r.exit_code == 2, r.output
    assert r.output.startswith("omniact: ") and r.output.count("\n") == 1
    assert "cannot resume" in r.output
    assert f"{tmp_path.resolve() / 'a' / name / 'mod.py'}:MyAgent" in r.output
    assert f"{tmp_path.resolve() / 'b' / name / 'mod.py'}:MyAgent" in r.output
    assert len((out / "predictions.jsonl").read_text().splitlines()) == 2


def test_a_run_recorded_before_classes_were_compared_resumes_as_before(tmp_path, monkeypatch):
    from omniact.runner import _AGENT_CLASS
    from omniact.store import STORE_NAME, RunStore

    (tmp_path / "my_agent.py").write_text(AGENT.format(answer='pyautogui.press("enter")'))
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "run"
    assert _run(out, "my_agent.py:MyAgent", "--limit", "2").exit_code == 0
    store = RunStore(out / STORE_NAME, new_session=False)
    try:  # as an older omniact recorded it: no class key
        config = store.get_meta("config")
        assert config.pop(_AGENT_CLASS) == f"{(tmp_path / 'my_agent.py').resolve()}:MyAgent"
        store.set_meta("config", config)
    finally:
        store.close()
    # compared by the file, as then: another class of that file is refused, the same one typed elsewhere resumes
    r = _run(out, "my_agent.py:Other", "--resume")
    assert r.exit_code == 2 and "cannot resume" in r.output
    monkeypatch.chdir(tmp_path.parent)
    r = _run(out, f"{tmp_path.name}/my_agent.py:MyAgent", "--resume")
    assert r.exit_code == 0, r.output
    assert json.loads((out / "manifest.json").read_text())["n_done"] == 6


def test_the_manifest_names_a_file_agents_class_by_its_file(tmp_path, monkeypatch):
    # Not by the module name omniact imports the file under (omniact_agentfile_<hash>), which names nothing.
    (tmp_path / "my_agent.py").write_text(AGENT.format(answer='pyautogui.press("enter")'))
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "run"
    assert _run(out, "my_agent.py:Other", "--limit", "1").exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["agent_class"] == f"{tmp_path.resolve() / 'my_agent.py'}:Other"
    assert manifest["agent"] == "my_agent.py:Other"


def test_the_manifest_names_a_packaged_agents_class_by_its_module(tmp_path):
    out = tmp_path / "run"
    assert _run(out, "noop", "--limit", "1").exit_code == 0
    assert json.loads((out / "manifest.json").read_text())["agent_class"] == "agents.noop:NoopAgent"
