"""The public API is pinned, `import omniact` stays light, and the examples in docstrings give what they show."""

from __future__ import annotations

import doctest
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import omniact


def test_public_names_are_pinned():
    assert sorted(omniact.__all__) == sorted([
        "ACTIONS", "Action", "ActionSpec", "Box", "DataError", "Dataset", "Detection", "Detections",
        "OmniactError", "ParseError", "Screen", "Task", "TaskView", "UIElement", "UserError", "builtin_root",
        "check_agent", "format_script", "load_agent", "load_split", "normalize_key", "parse_script",
        "read_predictions", "run", "run_tasks", "task_cancel_event", "to_pixels", "write_predictions",
    ])
    for name in omniact.__all__:
        assert getattr(omniact, name) is not None
    # what the README's Python examples call, from the package as the design says
    from omniact.predictions import read_predictions
    from omniact.runner import run

    assert omniact.run is run and omniact.read_predictions is read_predictions


def test_scoring_and_agents_import_only_names_omniact_exports():
    """The design's layering: `agents` and `scoring` use omniact as a third party would, through the names each
    module lists in `__all__` (scoring imported `shorten` and `terminal_json`, which errors.py did not list)."""
    import ast

    root = Path(__file__).resolve().parents[2]
    unlisted = []
    for package in ("scoring", "agents"):
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "omniact":
                    module = importlib.import_module(node.module)
                    listed = set(getattr(module, "__all__", ()))
                    unlisted += [f"{path.relative_to(root)}: {node.module}.{a.name}" for a in node.names
                                 if a.name not in listed and not hasattr(module, "__path__")]
    assert unlisted == []


def test_import_omniact_loads_nothing_heavy():
    code = "import sys, json, omniact, omniact.cli; print(json.dumps(sorted(sys.modules)))"
    mods = set(json.loads(subprocess.check_output([sys.executable, "-c", code], text=True)))
    heavy = {"playwright", "torch", "transformers", "numpy", "cv2", "rapidocr", "onnxruntime", "nltk", "openai",
             "PIL.Image", "rich", "ray", "skimage", "sentence_transformers", "scoring", "agents"}
    assert not (heavy & mods), f"imported on `import omniact`: {sorted(heavy & mods)}"


def test_a_folder_named_omniact_beside_the_user_does_not_hide_the_package(tmp_path):
    """A copy of the data set at ~/omniact and `python script.py` started in ~: the installed package is imported,
    not that folder as an empty namespace package (what setuptools' default editable install did: its import hook
    comes after the current folder)."""
    (tmp_path / "omniact" / "tasks").mkdir(parents=True)
    (tmp_path / "script.py").write_text("import omniact\nprint(omniact.load_split.__module__)\n")
    done = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "omniact.dataset"


_ROOT = Path(__file__).resolve().parents[2]


def _runs_examples(path: Path) -> bool:
    """Whether a module's docstrings hold an example doctest runs (not only ones marked +SKIP, which need a
    browser, a model or a server)."""
    return any(line.strip().startswith(">>> ") and "+SKIP" not in line and not line.strip()[4:].startswith("#")
               for line in path.read_text(encoding="utf-8").splitlines())


_DOCUMENTED = sorted(p.relative_to(_ROOT) for package in ("omniact", "scoring", "agents")
                     for p in (_ROOT / package).rglob("*.py") if _runs_examples(p))


@pytest.mark.parametrize("path", _DOCUMENTED, ids=str)
def test_the_examples_in_docstrings_run_as_written(path):
    module = importlib.import_module(".".join(path.with_suffix("").parts).removesuffix(".__init__"))
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
    assert attempted > 0 and failed == 0, f"{failed} of {attempted} examples in {path} do not give what they show"


# Ctrl-C landing while the console script imports the CLI: the interrupt is raised as the named module is looked
# up (a sitecustomize hook, so the real start-up runs), as a keypress would raise it anywhere in that 0.1 s.
_INTERRUPT_ON_IMPORT = """
import os, sys
class _Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == os.environ["OMNIACT_TEST_INTERRUPT_ON"]:
            raise KeyboardInterrupt
sys.meta_path.insert(0, _Interrupt())
"""


@pytest.mark.parametrize("module", ["omniact.errors", "click", "omniact.cli", "omniact.actions"])
def test_ctrl_c_while_the_command_starts_is_one_line_and_130(tmp_path, module):
    (tmp_path / "sitecustomize.py").write_text(_INTERRUPT_ON_IMPORT)
    env = {**__import__("os").environ, "PYTHONPATH": str(tmp_path), "OMNIACT_TEST_INTERRUPT_ON": module}
    # What the installed `omniact` script runs (pyproject's [project.scripts], checked below).
    script = "import sys; from omniact.console import run; sys.exit(run())"
    proc = subprocess.run([sys.executable, "-c", script, "tasks"], capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == "omniact: interrupted (Ctrl-C)\n"
    assert proc.stdout == ""


# Ctrl-C landing once the CLI is imported, before the verb runs: as click parses the command line (it said
# "Aborted!" and exited 1), or in the console script's own start before click is called (a traceback).
_INTERRUPT_AT = r"""
import os, signal, sys
import click
import omniact.cli as cli
if sys.argv.pop(1) == "parsing":
    parse = click.Group.parse_args
    def parse_args(*a, **k):
        os.kill(os.getpid(), signal.SIGINT)
        return parse(*a, **k)
    click.Group.parse_args = parse_args
else:
    handler = cli._stop_on_sigterm
    def then_ctrl_c():
        handler()
        os.kill(os.getpid(), signal.SIGINT)
    cli._stop_on_sigterm = then_ctrl_c
sys.argv = ["omniact", "tasks"]
from omniact.console import run
run()
"""


@pytest.mark.parametrize("where", ["parsing", "starting"])
def test_ctrl_c_before_the_verb_runs_is_one_line_and_130(where):
    proc = subprocess.run([sys.executable, "-c", _INTERRUPT_AT, where], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == "omniact: interrupted (Ctrl-C)\n"
    assert proc.stdout == ""


def test_the_console_script_is_the_interrupt_safe_entry_point():
    import tomllib

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert project["project"]["scripts"] == {"omniact": "omniact.console:run"}


def test_scores_and_data_sets_do_not_share_state_a_caller_can_change(omniact_data):
    """Prepare once, score many (the README's pattern): one result changed by its caller leaves the others as
    they were; a data set's index is read-only; a Dataset made by hand from its tasks finds them by id."""
    import scoring

    ds = omniact.load_split(omniact_data, "test")
    gold = scoring.prepare(ds)
    first = scoring.score(gold, {})
    first.dataset["n_tasks"] = 1
    assert scoring.score(gold, {}).to_json()["dataset"]["n_tasks"] == len(ds) == 12
    with pytest.raises((TypeError, AttributeError)):
        ds.ids.pop("0")
    assert "0" in ds
    mine = omniact.Dataset(ds.root, ds.split, ds.split_path, tuple(ds.tasks[:3]), ds.sha256)
    assert "0" in mine and mine["2"].id == "2" and "5" not in mine and dict(mine.ids) == {"0": 0, "1": 1, "2": 2}


def test_plain_mistakes_in_library_calls_say_what_to_pass(omniact_data, tmp_path):
    import scoring
    from omniact.errors import UserError
    from omniact.predictions import read_predictions, write_predictions
    from omniact.report.leaderboard import build_leaderboard, write_tables
    from omniact.runner import run

    ds = omniact.load_split(omniact_data, "test")
    with pytest.raises(TypeError, match="scoring takes the tasks"):
        scoring.score("test", {})
    with pytest.raises(TypeError, match="predictions must be a mapping"):
        scoring.score(ds, [("0", "pyautogui.click(1,2)")])
    # a split file given as a Path, as the README allows a path; its Dataset is named by the file
    assert omniact.load_split(omniact_data, omniact_data / "test.json").split == "test"
    # Tasks, not ids: their ids are the split's
    p = tmp_path / "p.jsonl"
    write_predictions(p, {"0": "pyautogui.click(170.0,330.0)"})
    assert list(read_predictions(p, ds.tasks)) == ["0"]
    # one submission as a str is one submission, and the board is written under a str folder
    board = build_leaderboard(ds, str(p), samples=10)
    assert [e.name for e in board.entries] == ["p"] and not board.rejected
    written = write_tables(board, str(tmp_path / "site"))
    assert tmp_path / "site" / "leaderboard.json" in written and all(f.is_file() for f in written)
    with pytest.raises(UserError, match="samples must be"):
        build_leaderboard(ds, [p], samples=0)
    with pytest.raises(UserError, match="confidence must be a fraction"):
        build_leaderboard(ds, [p], confidence=95)
    with pytest.raises(UserError, match="takes no option 'foo'"):
        run("noop", out=tmp_path / "r", data=omniact_data, executor_options={"foo": 1})
    with pytest.raises(UserError, match="agent_args must be a mapping"):
        run("noop", out=tmp_path / "r", data=omniact_data, agent_args=["k=5"])
    assert not (tmp_path / "r").exists()


def test_an_int_id_scores_as_in_a_predictions_file_and_penalties_are_floats_in_both_modes(omniact_data, tmp_path):
    import scoring
    from omniact.predictions import read_predictions

    ds = omniact.load_split(omniact_data, "test")
    p = tmp_path / "p.jsonl"
    p.write_text('{"id": 0, "script": "pyautogui.click(170.0,330.0)"}\n')
    from_file = {k: v.script for k, v in read_predictions(p).items()}
    for mode in ("reference", "strict"):
        a = scoring.score(ds, {0: "pyautogui.click(170.0,330.0)"}, mode).to_json(include_tasks=True)
        assert a == scoring.score(ds, from_file, mode).to_json(include_tasks=True)
        assert a["n_missing"] == len(ds) - 1
        row = next(t for t in a["tasks"] if t["id"] == "0")
        assert row["matched"] and all(type(row[k]) is float for k in ("click", "key", "write", "score"))
