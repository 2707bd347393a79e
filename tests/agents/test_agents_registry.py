"""Finding agents by name, building them with arguments, checking them, and the prompt's pieces."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from omniact.agent import check_agent, list_agents, load_agent, to_pixels
from omniact.cli import main
from omniact.dataset import load_split
from omniact.errors import UserError
from omniact.task import Detection, Detections

RUNNER = Path(__file__).resolve().parent.parent / "runner"
DATA = RUNNER / "fixtures" / "data"
AGENTS = RUNNER / "runner_test_agents.py"


def test_builtin_names_module_class_and_file_class_all_load():
    assert type(load_agent("noop")).__name__ == "NoopAgent"
    assert type(load_agent("agents.random_agent:RandomAgent")).__name__ == "RandomAgent"
    assert type(load_agent(f"{AGENTS}:Slow")).__name__ == "Slow"
    names = {n for n, _, _ in list_agents()}
    assert {"oracle", "noop", "random", "llm", "vlm"} <= names


@pytest.mark.parametrize("spec,message", [
    ("nop", "did you mean noop"),
    ("orcale", "did you mean oracle"),
    ("agents.random_agent:RandomAgnet", "did you mean RandomAgent"),
    ("no_such_module_xyz:Agent", "cannot import module"),
    ("missing/file.py:Agent", "does not exist"),
    # (these were a garbled path hint, "needs self and view", and "ValueError: Empty module name")
    ("agents.random_agent:RandomAgent:extra", r"one colon, the class after it"),
    (":", r"one colon, the class after it"),
    ("agents.random_agent:RandomAgent.act",
     r"is a method of a class, not an agent: give the class \(agents.random_agent:RandomAgent\)"),
])
def test_unknown_agents_get_one_clear_line_with_suggestions(spec, message):
    with pytest.raises(UserError, match=message):
        load_agent(spec)


@pytest.mark.parametrize("future", [False, True])
def test_arguments_are_converted_by_optional_and_union_hints_and_lists_are_refused(tmp_path, future):
    """`Optional[int]` and `int | None` hints gave the agent the text "3" (and "none" as text); a list reached it as
    the text typed. With `from __future__ import annotations` the hints are strings, read the same way."""
    agent = tmp_path / f"typed{int(future)}.py"
    agent.write_text(("from __future__ import annotations\n" if future else "")
                     + "from typing import Optional\n"
                       "class Agent:\n"
                       "    def __init__(self, n: Optional[int] = None, k: int | None = None, r: float | None = None,\n"
                       "                 names: list = (), label: str = 'x'):\n"
                       "        self.n, self.k, self.r, self.names, self.label = n, k, r, names, label\n"
                       "    def act(self, view):\n        return ''\n")
    a = load_agent(f"{agent}:Agent", {"n": "3", "k": "none", "r": "0.5", "label": "none"})
    assert (a.n, a.k, a.r, a.label) == (3, None, 0.5, "none")
    with pytest.raises(UserError, match=r"agent argument n='three': expected int"):
        load_agent(f"{agent}:Agent", {"n": "three"})
    with pytest.raises(UserError, match=r"names='a,b': expected a list, which --agent-arg cannot give; set it in an"):
        load_agent(f"{agent}:Agent", {"names": "a,b"})
    config = tmp_path / "agent.toml"
    config.write_text('[agent]\nnames = ["a", "b"]\n')
    assert load_agent(f"{agent}:Agent", {}, config).names == ["a", "b"]


@pytest.mark.parametrize("future", [False, True])
def test_an_argument_hinted_with_several_types_takes_the_first_that_reads_the_text(tmp_path, future):
    """`int | str` with an int default refused any text that is not a number ("expected int")."""
    agent = tmp_path / f"union{int(future)}.py"
    agent.write_text(("from __future__ import annotations\n" if future else "")
                     + "from typing import Optional, Union\n"
                       "class Agent:\n"
                       "    def __init__(self, u: int | str = 5, v: Union[str, int] = 1, w: Optional[Union[int, float]] = 2,\n"
                       "                 z: list | str = ()):\n"
                       "        self.u, self.v, self.w, self.z = u, v, w, z\n"
                       "    def act(self, view):\n        return ''\n")
    a = load_agent(f"{agent}:Agent", {"u": "abc", "v": "7", "w": "none", "z": "a,b"})
    assert (a.u, a.v, a.w, a.z) == ("abc", "7", None, "a,b")
    a = load_agent(f"{agent}:Agent", {"u": "7", "w": "2.5"})
    assert (a.u, a.w) == (7, 2.5)
    with pytest.raises(UserError, match=r"agent argument w='x': expected int or float$"):
        load_agent(f"{agent}:Agent", {"w": "x"})


def test_a_package_module_with_relative_imports_loads_by_its_file_path(tmp_path, monkeypatch):
    """`pkg.mod:A` worked and `pkg/mod.py:A` failed with "attempted relative import with no known parent package",
    though the README gives the two spellings as one."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    pkg = tmp_path / "omniact_test_relpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "helpers.py").write_text("ANSWER = 'pyautogui.click(1, 2)'\n")
    (pkg / "policy.py").write_text("from .helpers import ANSWER\nclass Rel:\n    def act(self, view):\n"
                                   "        return ANSWER\n")
    agent = load_agent(f"{pkg / 'policy.py'}:Rel")
    assert agent.act(None) == "pyautogui.click(1, 2)"
    assert type(agent).__module__ == "omniact_test_relpkg.policy"
    # a plain file's failing import is still said as it was
    (tmp_path / "alone.py").write_text("from .nothing import x\n")
    with pytest.raises(UserError, match="relative import"):
        load_agent(f"{tmp_path / 'alone.py'}:A")


def test_arguments_are_converted_and_checked(tmp_path):
    a = load_agent("random", {"seed": "42", "max_actions": "2"})
    assert a.seed == 42 and a.max_actions == 2
    with pytest.raises(UserError, match="did you mean seed"):
        load_agent("random", {"sede": "1"})
    with pytest.raises(UserError, match="expected int"):
        load_agent("random", {"seed": "many"})
    with pytest.raises(UserError, match=r"^max_actions must be a whole number of at least 1, not -5$"):
        load_agent("random", {"max_actions": "-5"})  # was taken as 1 without a word
    # the vlm's own arguments and the llm arguments it passes on are both known and typed
    v = load_agent("vlm", {"model": "m", "temperature": "0.7", "max_side": "512", "cache": "false"})
    assert (v.temperature, v.max_side, v.cache) == (0.7, 512, False)
    config = tmp_path / "agent.toml"
    config.write_text('[agent]\nseed = 5\nmax_actions = 1\n')
    a = load_agent("random", {"max_actions": "3"}, config)
    assert (a.seed, a.max_actions) == (5, 3)  # --agent-arg overrides the file
    config.write_text("seed = 1\nmax_actions = ]\n")
    with pytest.raises(UserError) as e:
        load_agent("random", None, config)
    assert (e.value.line, str(e.value)) == (2, f"{config}:2: not valid TOML: Invalid value (column 15)")
    # run-wide settings go only to agents that take them, and never over the user's value
    assert load_agent("random", {"seed": "9"}, defaults={"seed": 1, "cache": False}).seed == 9
    assert load_agent("random", defaults={"seed": 1, "data_root": "/x"}).seed == 1
    with pytest.raises(UserError, match="model=NAME"):
        load_agent("llm")


def test_check_and_prompt_take_an_agent_config_as_a_run_does(tmp_path):
    config = tmp_path / "agent.toml"
    config.write_text('[agent]\nmax_actions = "many"\n')
    for extra in ([], ["--agent-arg", "seed=2"]):  # the file's values, and --agent-arg over them
        r = CliRunner().invoke(main, ["agents", "--check", "random", "--agent-config", str(config), "-n", "1",
                                      "--data", str(DATA), *extra])
        assert r.exit_code == 2 and "max_actions" in r.output and "many" in r.output, r.output
    config.write_text("max_actions = 2\n")
    r = CliRunner().invoke(main, ["agents", "--check", "random", "--agent-config", str(config), "--agent-arg",
                                  "max_actions=0", "-n", "1", "--data", str(DATA)])
    assert r.exit_code == 2 and "max_actions must be a whole number of at least 1, not 0" in r.output
    r = CliRunner().invoke(main, ["agents", "--agent-config", str(config)])  # nothing to give it to
    assert r.exit_code == 2 and "go with --check AGENT or --prompt AGENT" in r.output


def test_check_agent_reports_what_a_run_would_hold_against_an_agent(tmp_path):
    good = check_agent("random", n=3, data=DATA)
    assert good.ok and len(good.lines) == 3
    bad = check_agent(f"{AGENTS}:Faulty", n=2, data=DATA, timeout=1)
    assert not bad.ok
    text = str(bad)
    assert "act raised ValueError: model exploded" in text and "did not return within 1 s" in text
    index = json.loads((DATA / "test.json").read_text())
    split = tmp_path / "two.json"
    split.write_text(json.dumps({k: index[k] for k in ("102", "103", "104")}))
    bad = check_agent(f"{AGENTS}:Faulty", n=3, data=DATA, split=str(split))
    assert [line.split(":", 1)[0] for line in bad.problems] == ["task 102", "task 103"]
    assert "does not parse" in bad.problems[0] and "returned int, not str" in bad.problems[1]
    assert check_agent("oracle", n=6, data=DATA).ok
    # omniact.run's name for the arguments works too (a TypeError before)
    assert check_agent("random", n=1, data=DATA, agent_args={"max_actions": 2}).ok
    with pytest.raises(UserError, match="max_actions must be a whole number of at least 1, not 0"):
        check_agent("random", n=1, data=DATA, agent_args={"max_actions": 0})
    # an agent whose constructor fails is the check's finding, as is one whose setup() fails: with the line to fix
    source = AGENTS.read_text().splitlines()
    line = {text: next(i for i, x in enumerate(source, 1) if text in x) for text in ("weights not", "GPU on")}
    broken = check_agent(f"{AGENTS}:BrokenInit", data=DATA)
    assert not broken.ok and broken.problems == (
        f"cannot build: RuntimeError: weights not found (runner_test_agents.py:{line['weights not']})",)
    broken = check_agent(f"{AGENTS}:BrokenSetup", data=DATA)
    assert not broken.ok and broken.problems == (
        f"setup() raised OSError: GPU on fire (runner_test_agents.py:{line['GPU on']})",)
    assert "act raised ValueError: model exploded (runner_test_agents.py:" in text


def test_check_says_when_an_agents_points_are_not_in_the_space_it_declares(tmp_path):
    agent = tmp_path / "coords.py"
    agent.write_text(
        "class PixelsAsNormalized:\n    coordinates = 'normalized'\n    def act(self, view):\n"
        "        return f'pyautogui.click({view.width / 2}, {view.height / 2})'\n"
        "class NormalizedUndeclared:\n    def act(self, view):\n        return 'pyautogui.click(0.5, 0.5)'\n"
        "class OffScreen:\n    def act(self, view):\n        return 'pyautogui.click(50000, 10)'\n"
        "class Right:\n    coordinates = 'normalized'\n    def act(self, view):\n"
        "        return 'pyautogui.click(0.5, 0.5)'\n"
        "class Corner:\n    def act(self, view):\n        return 'pyautogui.click(1, 1)'\n")
    for name, problem in (("PixelsAsNormalized", "is outside 0-1, the agent's coordinates='normalized'"),
                          ("NormalizedUndeclared", 'declare coordinates = "normalized"'),
                          ("OffScreen", "a point at (50000, 10) is outside the")):
        report = check_agent(f"{agent}:{name}", n=1, data=DATA)
        assert not report.ok and problem in report.problems[0], report
    # a pixel point near the corner is an answer a screen can have, not a 0-1 one (--check failed it)
    assert check_agent(f"{agent}:Corner", n=1, data=DATA).ok
    report = check_agent(f"{agent}:Right", n=1, data=DATA)
    task = load_split(DATA, "test").tasks[0]
    assert report.ok and report.lines[0].endswith(f"pyautogui.click({task.screen.width / 2}, "
                                                  f"{task.screen.height / 2})")  # in pixels, as a run records it



HOSTILE = """
class Weird(Exception):
    def __str__(self):
        raise RuntimeError("str boom")
class ActRaisesWeird:
    def act(self, view):
        raise Weird()
class CloseRaises:
    def act(self, view):
        return "pyautogui.press('enter')"
    def close(self):
        raise RuntimeError("close boom")
class ActMultiline:
    def act(self, view):
        raise ValueError("line1\\nline2\\x1b[31mRED")
class ParBad:
    parallelism = "gpu"
    def act(self, view):
        return "pyautogui.press('enter')"
class NoViewParameter:
    def act(self):
        return ""
"""


@pytest.mark.parametrize("name, problem", [
    ("ActRaisesWeird", "act raised Weird: <its message cannot be shown: RuntimeError in __str__> (hostile.py:7)"),
    ("CloseRaises", "close() raised RuntimeError: close boom (hostile.py:12)"),
    ("ActMultiline", "act raised ValueError: line1 line2\\x1b[31mRED (hostile.py:15)"),
    ("ParBad", "parallelism='gpu' is not one of threads, processes"),
    # raised in omniact's call to it: no line of omniact's is named as the place ("(agent.py:706)")
    ("NoViewParameter", "act raised TypeError: NoViewParameter.act() takes 1 positional argument but 2 were given"),
])
def test_check_reports_hostile_agents_in_one_line_each_never_a_traceback(tmp_path, name, problem):
    (tmp_path / "hostile.py").write_text(HOSTILE)
    r = CliRunner().invoke(main, ["agents", "--check", f"{tmp_path / 'hostile.py'}:{name}", "-n", "1", "--data",
                                  str(DATA)])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and "\x1b" not in r.output
    assert any(line.endswith(problem) for line in r.output.splitlines()), r.output


def test_check_takes_a_factory_function_as_a_run_does(tmp_path):
    (tmp_path / "fac.py").write_text("from agents.noop import NoopAgent\ndef make_agent():\n    return NoopAgent()\n")
    assert check_agent(f"{tmp_path / 'fac.py'}:make_agent", n=1, data=DATA).ok


def test_a_run_names_the_agents_parallelism_when_it_is_wrong(tmp_path):
    from omniact.runner import run

    (tmp_path / "hostile.py").write_text(HOSTILE)
    with pytest.raises(UserError, match=r"agent \S*ParBad declares parallelism='gpu'; it must be one of threads, "
                                        r"processes \(`omniact run --worker-type` overrides it\)"):
        run(f"{tmp_path / 'hostile.py'}:ParBad", out=tmp_path / "r", data=DATA)

def test_check_of_a_hanging_agent_waits_as_long_as_asked(tmp_path):
    r = CliRunner().invoke(main, ["agents", "--check", f"{AGENTS}:Faulty", "--data", str(DATA), "--task-timeout",
                                  "1", "-n", "4"])
    assert r.exit_code == 2 and "task 101: act did not return within 1 s" in r.output
    # the check stops there (the agent is still in that call), and says the tasks after it were not tried
    assert "(the other 2 tasks not tried: the agent is still busy with this one)" in r.output


def test_an_agent_whose_constructor_needs_arguments_names_them_before_anything_runs(tmp_path):
    agent = tmp_path / "needs.py"
    agent.write_text("class Agent:\n    def __init__(self, model_path, k: int, seed=0):\n        self.k = k\n"
                     "    def act(self, view):\n        return ''\n")
    out = tmp_path / "r"
    r = CliRunner().invoke(main, ["run", "--agent", f"{agent}:Agent", "--data", str(DATA), "--out", str(out)])
    assert r.exit_code == 2
    assert r.output == (f"omniact: agent {agent}:Agent needs model_path and k: give --agent-arg model_path=VALUE "
                        "--agent-arg k=VALUE\n")
    assert not out.exists()
    r = CliRunner().invoke(main, ["run", "--agent", f"{agent}:Agent", "--agent-arg", "k=2", "--agent-arg",
                                  "model_path=m", "--data", str(DATA), "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture()
def in_tmp_cwd(tmp_path, monkeypatch):
    """The current directory is `tmp_path`, and whatever the test imports from there is forgotten after it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith(("cwdpkg", "brokenpkg")):
            del sys.modules[name]


def test_naming_a_wrong_agent_in_a_check_is_a_user_error(in_tmp_cwd):
    """A check of an agent that does not exist or cannot be imported: one line (exit 2), not a report."""
    _write(in_tmp_cwd / "brokenpkg_check" / "broken.py", "import nonexistent_mod_for_check\n\nclass A:\n    pass\n")
    for spec, message in [("no_such_agent", "unknown agent 'no_such_agent'"),
                          ("missing/file.py:Agent", "missing/file.py: agent file does not exist"),
                          ("brokenpkg_check/broken.py:A", "No module named 'nonexistent_mod_for_check'")]:
        with pytest.raises(UserError, match=re.escape(message)):
            check_agent(spec, data=DATA)
        r = CliRunner().invoke(main, ["agents", "--check", spec, "--data", str(DATA)])
        assert r.exit_code == 2, r.output
        assert r.output.startswith("omniact: ") and message in r.output and r.output.count("\n") == 1
        assert "UserError" not in r.output and "cannot build" not in r.output
    # an agent that runs and fails is still a report, exit 1
    r = CliRunner().invoke(main, ["agents", "--check", f"{AGENTS}:Faulty", "-n", "1", "--data", str(DATA)])
    assert r.exit_code == 2 and "act raised ValueError: model exploded" in r.output


def test_a_registered_agent_whose_package_fails_to_import_is_one_line(in_tmp_cwd, monkeypatch):
    # A third-party package's entry point (group omniact.agents) naming a module or class that is not there.
    from importlib.metadata import EntryPoint

    import omniact.agent

    eps = {name: EntryPoint(name=name, value=value, group="omniact.agents")
           for name, value in (("gone", "nonexistent_mod_ep:X"), ("noclass", "json:NoSuchAgent"))}
    monkeypatch.setattr(omniact.agent, "_EP_CACHE", eps)
    gone = "agent 'gone' (registered as nonexistent_mod_ep:X): cannot import the agent: No module named"
    noclass = "agent 'noclass' (registered as json:NoSuchAgent): cannot import the agent: AttributeError"
    for name, words in (("gone", gone), ("noclass", noclass)):
        for args in (["run", "--agent", name, "--data", str(DATA), "--out", "r", "-q"],
                     ["agents", "--check", name, "--data", str(DATA)]):
            r = CliRunner().invoke(main, args)
            assert r.exit_code == 2 and r.output.startswith(f"omniact: {words}"), (args, r.output)
            assert r.output.count("\n") == 1 and not (in_tmp_cwd / "r").exists()


def test_a_name_two_packages_register_is_refused_naming_both(tmp_path, monkeypatch):
    # A package installed beside omniact that registers "oracle" too (and a name of its own): which registration an
    # entry-point scan met first depended on install order, and the other was ignored without a word.
    import omniact.agent

    (tmp_path / "clashpkg.py").write_text('class Mine:\n    """Theirs."""\n    def act(self, view):\n'
                                          '        return ""\n')
    info = tmp_path / "clashpkg-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: clashpkg\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[omniact.agents]\noracle = clashpkg:Mine\nclashfree = clashpkg:Mine\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(omniact.agent, "_EP_CACHE", None)
    monkeypatch.setattr(omniact.agent, "_EP_CLASHES", {})
    with pytest.raises(UserError) as e:
        load_agent("oracle")
    # (both named, in the order the scan met them)
    said = re.fullmatch(r"agent 'oracle' is registered by more than one package \((.*)\): give the one you mean as "
                        r"module:Class", str(e.value))
    assert said and sorted(said[1].split("; ")) == ["clashpkg: clashpkg:Mine", "omniact: agents.oracle:OracleAgent"]
    assert type(load_agent("clashfree")).__name__ == "Mine"  # (its own name: found as before)
    assert type(load_agent("agents.oracle:OracleAgent")).__name__ == "OracleAgent"
    listed = {name: (target, desc) for name, target, desc in list_agents()}
    assert "clashpkg: clashpkg:Mine" in listed["oracle"][0] and "more than one package" in listed["oracle"][1]
    assert listed["clashfree"] == ("clashpkg:Mine", "Theirs.")
    r = CliRunner().invoke(main, ["run", "--agent", "oracle", "--data", str(DATA), "--out", str(tmp_path / "r"), "-q"])
    assert r.exit_code == 2 and r.output.startswith("omniact: agent 'oracle' is registered by more than one package")
    assert r.output.count("\n") == 1 and not (tmp_path / "r").exists()


@pytest.mark.parametrize("spec", ["brokenpkg/broken.py:A", "brokenpkg.broken:A"])
def test_an_agent_module_that_fails_to_import_is_one_line_naming_it_and_why(in_tmp_cwd, spec):
    broken = _write(in_tmp_cwd / "brokenpkg" / "broken.py", '"""An agent."""\nimport nonexistent_mod_xyz\n')
    _write(in_tmp_cwd / "brokenpkg" / "__init__.py", "")
    with pytest.raises(UserError) as e:
        load_agent(spec)
    assert str(e.value) == ("brokenpkg/broken.py:2: cannot import the agent: No module named 'nonexistent_mod_xyz' "
                            "(install it, or fix the import)")
    for name in [n for n in sys.modules if n.startswith("brokenpkg")]:
        del sys.modules[name]
    broken.write_text("class A:\n    def act(self, view):\n        return ''\n\nLIMIT = 1 / 0\n")
    with pytest.raises(UserError) as e:
        load_agent(spec)
    assert str(e.value) == "brokenpkg/broken.py:5: cannot import the agent: ZeroDivisionError: division by zero"
    broken.write_text("class A:\n    def act(self, view)\n        return ''\n")
    with pytest.raises(UserError) as e:
        load_agent(spec)
    assert str(e.value).startswith("brokenpkg/broken.py:2: syntax error: ")
    r = CliRunner().invoke(main, ["run", "--agent", spec, "--data", str(DATA), "--out", "r", "-q"])
    assert r.exit_code == 2 and r.output.startswith("omniact: brokenpkg/broken.py:2: syntax error")
    assert "Traceback" not in r.output and not (in_tmp_cwd / "r").exists()


@pytest.mark.parametrize("spec", ["exitpkg/script.py:A", "exitpkg.script:A"])
def test_an_agent_module_that_exits_when_imported_is_one_line_not_the_end_of_omniact(in_tmp_cwd, spec):
    # A training script's sys.exit() (or its argparse, which exits on omniact's own arguments) at its top level.
    _write(in_tmp_cwd / "exitpkg" / "__init__.py", "")
    _write(in_tmp_cwd / "exitpkg" / "script.py", "import sys\n\nclass A:\n    pass\n\nsys.exit(3)\n")
    r = CliRunner().invoke(main, ["run", "--agent", spec, "--data", str(DATA), "--out", "r", "-q"])
    assert r.exit_code == 2
    assert r.output == ("omniact: exitpkg/script.py:6: cannot import the agent: importing it exits (SystemExit: 3); "
                        'put the code that runs it as a script under `if __name__ == "__main__":`\n')
    assert not (in_tmp_cwd / "r").exists()


def test_a_module_class_agent_is_found_from_the_current_directory(in_tmp_cwd):
    _write(in_tmp_cwd / "cwdpkg" / "__init__.py", "")
    _write(in_tmp_cwd / "cwdpkg" / "policy.py", "class MyAgent:\n    def act(self, view):\n        return ''\n")
    assert type(load_agent("cwdpkg.policy:MyAgent")).__name__ == "MyAgent"
    with pytest.raises(UserError) as e:
        load_agent("cwdpkg.nosuch:MyAgent")
    assert str(e.value) == ("cannot import module 'cwdpkg.nosuch' (not found from the current directory or the "
                            "installed packages; give a file path like cwdpkg/nosuch.py:MyAgent)")
    with pytest.raises(UserError, match=re.escape("cannot import module 'nosuchpkg_xyz.policy'")):
        load_agent("nosuchpkg_xyz.policy:MyAgent")


def test_a_folder_named_like_omniacts_own_agents_package_is_told_to_be_renamed(in_tmp_cwd):
    # Agent developers often keep their agents in a folder called agents/: that name is omniact's package.
    _write(in_tmp_cwd / "agents" / "mine.py", "class MyAgent:\n    def act(self, view):\n        return ''\n")
    _write(in_tmp_cwd / "agents" / "uses_its_package.py", "from agents.helpers import x\n")
    with pytest.raises(UserError) as e:
        load_agent("agents.mine:MyAgent")
    assert str(e.value) == ("cannot import module 'agents.mine': 'agents' is the name of omniact's own package, "
                            "which Python finds before your folder agents/; rename your folder, or give the file "
                            "path, like agents/mine.py:MyAgent")
    assert type(load_agent("agents/mine.py:MyAgent")).__name__ == "MyAgent"  # as the message says
    with pytest.raises(UserError) as e:
        load_agent("agents/uses_its_package.py:A")
    assert str(e.value) == ("agents/uses_its_package.py:1: cannot import the agent: No module named 'agents.helpers': "
                            "'agents' is the name of omniact's own package, which Python finds before your folder "
                            "agents/; rename your folder")
    with pytest.raises(UserError) as e:  # a module of ours that does not exist, with no folder of the user's
        load_agent("scoring.nosuch:A")
    assert "(not found from the current directory" in str(e.value)


def test_coordinates_are_converted_to_pixels():
    assert to_pixels("pyautogui.click(0.5, 0.25)", "normalized", 200, 100) == "pyautogui.click(100.0, 25.0)"
    assert to_pixels('pyautogui.dragTo(500, 1000, button="left")\npyautogui.press("enter")', "normalized_1000",
                     300, 200) == 'pyautogui.dragTo(150.0, 200.0, button="left")\npyautogui.press("enter")'
    assert to_pixels("anything", "pixels", 1, 1) == "anything"
    assert to_pixels("click(1, 2)", "normalized", 10, 10) == "click(1, 2)"  # refused: kept as written


@pytest.mark.parametrize(("answer", "pixels"), [
    # the released scorer reads a hotkey's spacing and a string's quotes: only the points may change
    ('pyautogui.hotkey("command","c")\npyautogui.write(\'don\\\'t\')\npyautogui.click(0.5,0.25)',
     'pyautogui.hotkey("command","c")\npyautogui.write(\'don\\\'t\')\npyautogui.click(100.0,25.0)'),
    # prose around the calls (which reference mode skips): each call's line is still converted
    ("Sure, here is the script:\npyautogui.click(0.85, 0.07)\nDone.",
     "Sure, here is the script:\npyautogui.click(170.0, 7.0)\nDone."),
    # every way of giving the point, and a call that spans lines
    ("pyautogui.moveTo(x=0.1, y=0.2, duration=1); pyautogui.click((0.5, 0.5))\npyautogui.scroll(3, 0.5,\n 1)",
     "pyautogui.moveTo(x=20.0, y=20.0, duration=1); pyautogui.click((100.0, 50.0))\npyautogui.scroll(3, 100.0,\n 100.0)"),
    ('pyautogui.write("日本\ud83d"); pyautogui.click(0.25, y=0.5)  # ü',
     'pyautogui.write("日本\ud83d"); pyautogui.click(50.0, y=50.0)  # ü'),
])
def test_only_the_points_of_a_normalized_answer_change(answer, pixels):
    assert to_pixels(answer, "normalized", 200, 100) == pixels


def test_script_extraction_keeps_only_accepted_calls():
    from agents.extract import extract_script

    answer = ("Sure, here you go.\n```python\nimport pyautogui\npyautogui.click(10, 20)\nos.remove('x')\n"
              "pyautogui.write('hi')  # type\n```\nThen pyautogui.press('enter') is not needed.")
    assert extract_script(answer) == "pyautogui.click(10, 20)\npyautogui.write('hi')"
    assert extract_script("1. pyautogui.hotkey('ctrl', 'c')\n2. Done: pyautogui.press(\"tab\").") == \
        "pyautogui.hotkey('ctrl', 'c')\npyautogui.press(\"tab\")"
    assert extract_script("pyautogui.click(x=foo)") == ""
    assert extract_script("") == ""


@pytest.mark.parametrize(("answer", "script"), [
    ("```python\nimport pyautogui as pg\npg.click(10, 20)\npg.write('hi')\n```",
     "pyautogui.click(10, 20)\npyautogui.write('hi')"),
    ("from pyautogui import click, press\nclick(10, 20)\npress('enter')\nprint('done')",
     "pyautogui.click(10, 20)\npyautogui.press('enter')"),
    ("from pyautogui import *\nhotkey('ctrl', 'c')", "pyautogui.hotkey('ctrl', 'c')"),
    # only what the import named, and only as a call of its own
    ("from pyautogui import click\nmyclick(1, 2)\nobj.click(3, 4)\nclick(5, 6)\npress('a')", "pyautogui.click(5, 6)"),
    ("click(10, 20)", ""),  # no import says it is PyAutoGUI's
])
def test_calls_named_through_an_import_are_read_as_pyautogui_calls(answer, script):
    """A model that writes `import pyautogui as pg` and `pg.click(...)` answered with valid PyAutoGUI code, which
    was read as no script at all (a parse error for the task)."""
    from agents.extract import extract_script

    assert extract_script(answer) == script


def test_elements_are_formatted_as_in_the_paper():
    from agents.prompt import build_messages, format_elements

    dets = Detections(ocr=(Detection("ocr", "See deals", 412.4, 826.0),),
                      icons=(Detection("icon", "Mail", 21, 654),), colors=(Detection("color", "blue", 412, 826),))
    assert format_elements(dets) == ['"See deals": <x: 412, y: 826>', "Icon: Mail: <x: 21, y: 654>",
                                     "Color: Blue: <x: 412, y: 826>"]
    assert format_elements(dets, scale=0.5)[1] == "Icon: Mail: <x: 10, y: 327>"
    # icon names as the detector and data sets write them (lower case) are shown as the paper shows them
    lower = Detections(icons=(Detection("icon", "mail", 21, 654), Detection("icon", "iPhone", 1, 2)))
    assert format_elements(lower) == ["Icon: Mail: <x: 21, y: 654>", "Icon: IPhone: <x: 1, y: 2>"]
    msgs = build_messages("Open mail", [], format_elements(dets))
    assert msgs[1]["content"].endswith("Task: Open mail\nOutput Script:")
    assert "pyautogui.hotkey(*keys" in msgs[1]["content"]


def test_extracting_from_a_degenerate_answer_takes_steps_in_proportion_to_its_length():
    """Thousands of unclosed calls on one line each scanned to the line's end (20 s for 4,000 of them, in a worker
    thread a task timeout cannot stop); the work is now bounded by the line's length, counted here in steps."""
    from agents import extract

    class Counted(str):
        steps = 0

        def __getitem__(self, i):
            Counted.steps += 1
            return str.__getitem__(self, i)

    line = Counted(" ".join(["pyautogui.click("] * 4000))
    assert extract._calls_in(line) == []
    assert Counted.steps <= extract._SCAN_STEPS_PER_CHAR * len(line) + extract._SCAN_STEPS_MIN + 4000
    # a real answer's calls on one line are all read
    assert extract.extract_script("Do: " + "pyautogui.click(1, 2) " * 500).count("\n") == 499


def test_check_options_without_check_are_refused_not_ignored():
    """`omniact agents -n 5` listed the agents, as if the check had been asked for and found nothing."""
    from click.testing import CliRunner

    from omniact.cli import main

    for args, line in ((["-n", "5"], "-n goes with --check AGENT"),
                       (["--split", "val"], "--split goes with --check AGENT (or --prompt AGENT)"),
                       (["--prompt", "llm", "--task-timeout", "5"], "--task-timeout goes with --check AGENT")):
        r = CliRunner().invoke(main, ["agents", *args])
        assert (r.exit_code, r.output) == (2, f"omniact: {line}\n"), args
    assert CliRunner().invoke(main, ["agents"]).exit_code == 0


def test_an_agent_file_imports_a_module_beside_it(tmp_path):
    """`path/agent.py:A` whose file does `from helpers import centre` (helpers.py beside it) failed with "No module
    named 'helpers'", though `python agent.py` finds it; a module of the process is not hidden by one there."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "helpers.py").write_text("def centre(view):\n    return view.width / 2, view.height / 2\n")
    (folder / "json.py").write_text("raise RuntimeError('the json beside the agent was imported')\n")
    (folder / "agent.py").write_text("import json\nfrom helpers import centre\n"
                                     "class A:\n    def act(self, view):\n"
                                     "        return 'pyautogui.click(%s, %s)' % centre(view)\n")
    report = check_agent(f"{folder / 'agent.py'}:A", n=1, data=DATA)
    task = load_split(DATA, "test").tasks[0]
    assert report.ok and report.lines[0].endswith(f"pyautogui.click({task.screen.width / 2}, {task.screen.height / 2})")
