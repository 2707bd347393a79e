"""Running an agent from Python, as the README shows: `omniact.runner.run` in a script of the user's."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from omniact.runner import run

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"

SCRIPT = """
import json
from omniact.runner import run

class Inline:
    def act(self, view):
        return "pyautogui.scroll(-5)"

{call}
"""


def _script(tmp_path: Path, call: str) -> subprocess.CompletedProcess:
    path = tmp_path / "experiment.py"
    path.write_text(SCRIPT.format(call=textwrap.dedent(call)))
    return subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          check=False)


def test_worker_processes_of_a_script_without_a_main_guard_say_what_to_do(tmp_path):
    # The class lives in the script, and the run is at its top level: each worker process imports the script again.
    p = _script(tmp_path, f"""
        s = run(Inline, out="r", data={str(DATA)!r}, limit=2, worker_type="processes")
        print(json.dumps(s.error_examples))
    """)
    # Every worker would die as it starts: the run stops as a failed start, at once and saying what to do (each
    # task was recorded as a crash before, a worker started again for each)
    assert p.returncode == 1 and p.stderr.rstrip().splitlines()[-1].startswith(
        "omniact.errors.UserError: agent could not be started: __main__:Inline: the worker died in starting the "
        "worker process"), p.stderr
    assert 'call run() under `if __name__ == "__main__":`' in p.stderr
    assert not (tmp_path / "r" / "predictions.jsonl").exists()  # nothing recorded


def test_the_same_script_with_a_main_guard_runs_in_worker_processes(tmp_path):
    p = _script(tmp_path, f"""
        if __name__ == "__main__":
            s = run(Inline, out="r", data={str(DATA)!r}, limit=2, workers=2, worker_type="processes")
            print(json.dumps(dict(s.errors)), s.n_done)
    """)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["{}", "2"]


def test_the_readme_example_of_a_run_from_python_works_as_written(tmp_path):
    readme = (HERE.parent.parent / "README.md").read_text()
    block = readme.split("Running an agent from Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.py"
    path.write_text(block)
    p = subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       check=False)
    assert p.returncode == 0, p.stderr
    *_, summary, again = p.stdout.strip().splitlines()
    assert ": OK" in p.stdout and summary.endswith("{} {}")
    manifest = json.loads((tmp_path / "runs" / "mine" / "manifest.json").read_text())
    assert manifest["n_done"] == 30 and manifest["agent_args"] == {"k": 5}
    # scored again from its folder: the numbers the run printed, not its 30 tasks diluted by the split's rest
    assert float(again) == float(summary.split()[0]) > 0


def test_an_empty_out_or_data_from_an_unset_variable_is_refused_not_read_as_the_working_folder(tmp_path, monkeypatch):
    import pytest

    import omniact
    from omniact.errors import UserError
    from omniact.runner import run

    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError, match="out is empty"):
        run("noop", out="", data=DATA, limit=1)
    with pytest.raises(UserError, match="data directory is empty"):
        omniact.load_split("", "test")
    with pytest.raises(UserError, match="data directory is empty"):
        run("noop", out="r", data="", limit=1)
    assert not list(tmp_path.iterdir())  # nothing written in the working folder


def test_an_agent_defined_on_standard_input_with_worker_processes_is_refused_saying_why(tmp_path):
    """Worker processes import the agent's module again; `python -` (or -c, a notebook) has no file to import."""
    code = SCRIPT.format(call=f"run(Inline, out='r', data={str(DATA)!r}, limit=2, worker_type='processes')")
    p = subprocess.run([sys.executable, "-"], input=code, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       check=False)
    assert "put it in a file of its own, or use worker threads" in p.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "r").exists()
    code = SCRIPT.format(call=f"print(run(Inline, out='r', data={str(DATA)!r}, limit=2).n_done)")  # threads: fine
    p = subprocess.run([sys.executable, "-"], input=code, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       check=False)
    assert p.returncode == 0 and p.stdout.strip() == "2", p.stderr


def test_a_config_with_arguments_inside_and_outside_its_agent_table_is_refused(tmp_path):
    """`k = 5` above an `[agent]` table was dropped without a word: the agent ran with k at its default."""
    from omniact.agent import read_agent_config
    from omniact.errors import UserError

    cfg = tmp_path / "cfg.toml"
    cfg.write_text("k = 5\n[agent]\nflag = true\n")
    with pytest.raises(UserError) as e:
        read_agent_config(cfg)
    assert str(e.value) == (f"{cfg}: has an [agent] table and also k outside it: put every agent argument in the "
                            "[agent] table (or none of them in one)")
    cfg.write_text("[agent]\nk = 5\nflag = true\n")
    assert read_agent_config(cfg) == {"k": 5, "flag": True}


def test_validate_checks_the_split_it_is_given_and_a_runs_own_tasks(tmp_path):
    """`validate --split val` checked every split; `validate --predictions RUN/predictions.jsonl` of a run on val
    refused its ids as not of the test split."""
    from click.testing import CliRunner

    from omniact.cli import main

    r = CliRunner().invoke(main, ["validate", "--split", "val"])
    assert r.exit_code == 0 and ": 1 split(s), " in r.output, r.output
    run("oracle", out=tmp_path / "r", split="val", limit=2)
    r = CliRunner().invoke(main, ["validate", "--predictions", str(tmp_path / "r" / "predictions.jsonl")])
    assert r.exit_code == 0, r.output
    assert r.output.endswith("2 predictions for 2 tasks of val; 0 missing, 0 refused by the parser\n"), r.output


def test_the_closing_hint_of_a_run_on_a_split_file_works_from_any_folder(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from omniact.cli import main
    from omniact.dataset import builtin_root

    monkeypatch.chdir(builtin_root())
    r = CliRunner().invoke(main, ["run", "--agent", "oracle", "--split", "val.json", "--limit", "2", "--out",
                                  str(tmp_path / "r"), "-q"])
    assert r.exit_code == 0, r.output
    hint = next(line for line in r.output.splitlines() if "breakdowns and misses" in line)
    assert hint == f"  breakdowns and misses: omniact score --predictions {tmp_path / 'r'}"
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, hint.split(": ", 1)[1].split()[1:])
    assert r.exit_code == 0, r.output


def test_a_class_without_act_or_an_instance_is_refused_before_any_folder_is_made(tmp_path):
    """`omniact.run(NoAct)` recorded every task as AttributeError (the command line refuses the class at once), and
    `omniact.run(MyAgent())` was refused as "an agent spec must be a name, ..."."""
    from omniact.errors import UserError

    class NoAct:
        pass

    class Fine:
        def act(self, view):
            return ""

    with pytest.raises(UserError, match=r"[:.]NoAct has no act\(view\) method, so it is not an agent$"):
        run(NoAct, out=tmp_path / "a", data=DATA, limit=2)
    with pytest.raises(UserError, match=r"^give the agent's class \(Fine\), not an instance of it"):
        run(Fine(), out=tmp_path / "b", data=DATA, limit=2)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
