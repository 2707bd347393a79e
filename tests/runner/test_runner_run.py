"""Runs end to end on the fixture data set: oracle scores, exports, manifest, resume rules, determinism."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from omniact.actions import parse_script
from omniact.cli import main
from omniact.dataset import builtin_root, load_split
from omniact.errors import UserError
from omniact.predictions import read_predictions
from omniact.runner import run
from omniact.store import RunStore

HERE = Path(__file__).resolve().parent
DATA = HERE / "fixtures" / "data"
AGENTS = HERE / "runner_test_agents.py"


def _rescore(out: Path, data: Path, split: str = "test") -> dict:
    import scoring

    ds = load_split(data, split)
    preds = read_predictions(out / "predictions.jsonl", known_ids={t.id for t in ds.tasks})
    return {m: scoring.score(ds, {k: p.script for k, p in preds.items()}, m).to_json() for m in ("reference", "strict")}


def test_oracle_scores_one_and_rescoring_the_export_gives_the_same_scores(tmp_path):
    s = run("oracle", out=tmp_path / "r", data=DATA)
    assert s.n_done == s.n_tasks == 6 and not s.errors and s.uses_gold
    for mode in ("reference", "strict"):
        assert s.scores[mode]["sequence_score"] == 1.0
        assert s.scores[mode]["action_score"] == 1.0
    assert _rescore(tmp_path / "r", DATA) == json.loads((tmp_path / "r" / "scores.json").read_text())
    ids = [json.loads(line)["id"] for line in (tmp_path / "r" / "predictions.jsonl").read_text().splitlines()]
    assert ids == [t.id for t in load_split(DATA, "test").tasks]  # split order
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["uses_gold"] is True and manifest["status"] == "finished"
    assert manifest["dataset"]["sha256"] == load_split(DATA, "test").sha256
    assert manifest["seed"] == 0 and manifest["versions"]["omniact"] and manifest["ended"]


def test_oracle_on_the_builtin_suite_scores_one(tmp_path):
    if not (builtin_root() / "test.json").is_file() or not len(load_split(None, "test")):
        pytest.skip("the built-in suite has no test tasks yet")
    import scoring

    s = run("oracle", out=tmp_path / "r", workers=2)
    assert not s.errors
    assert _rescore(tmp_path / "r", builtin_root()) == s.scores
    ds = load_split(None, "test")
    for mode in ("reference", "strict"):
        assert s.scores[mode]["sequence_score"] == 1.0
        # what the gold scripts score against themselves: the runner must not lose any of it
        gold = scoring.score(ds, {t.id: t.gold_script for t in ds.tasks}, mode).action_score
        assert s.scores[mode]["action_score"] == gold
    assert s.scores["strict"]["action_score"] == 1.0
    # The reference scorer's character BLEU-2 penalises a one-character write even when it is exact (as the
    # released scorer does), so a suite with such a task cannot reach 1.0 in that mode.
    one_char = [t.id for t in ds.tasks for a in parse_script(t.gold_script) if a.name == "write"
                and len(a.text or "") < 2]
    if not one_char:
        assert s.scores["reference"]["action_score"] == 1.0


def test_noop_scores_zero(tmp_path):
    s = run("noop", out=tmp_path / "r", data=DATA)
    assert s.scores["reference"]["sequence_score"] == 0.0 and not s.uses_gold


def test_an_existing_run_needs_resume_and_the_same_settings(tmp_path):
    out = tmp_path / "r"
    s = run("noop", out=out, data=DATA, limit=2)
    assert s.n_done == 2 and s.scores["reference"]["n_scored"] == 2
    with pytest.raises(UserError, match=r"pass --resume \(resume=True\) to continue it"):  # (Python's word too)
        run("noop", out=out, data=DATA)
    with pytest.raises(UserError, match="other settings"):
        run("random", out=out, data=DATA, resume=True)
    with pytest.raises(UserError, match="other settings"):
        run("noop", out=out, data=DATA, resume=True, seed=5)
    s = run("noop", out=out, data=DATA, resume=True)  # the rest of the split, nothing twice
    assert s.n_done == 6 and s.n_run == 4
    with RunStore(out / "run.sqlite") as store:
        assert sorted(t for t, _, _ in store.attempts()) == sorted(t.id for t in load_split(DATA, "test").tasks)
        assert sorted({session for _, session, _ in store.attempts()}) == [1, 2]
    # two sessions (the first, the resume; the refused attempts started none), counted as two
    assert json.loads((out / "manifest.json").read_text())["sessions"] == 2


def test_a_resume_compares_the_values_the_agent_gets_not_how_they_were_typed(tmp_path):
    """`verbose=true` resumed as `verbose=True`, `k=5` as a config file's `k = 5`, and a run made from Python with
    {"k": 5} resumed from the command line's "5" were refused as other settings."""
    agent = tmp_path / "typed.py"
    agent.write_text("class Typed:\n"
                     "    def __init__(self, k: int = 3, verbose: bool = False, secs: float = 0.0):\n"
                     "        pass\n"
                     "    def act(self, view):\n"
                     "        return ''\n")
    config = tmp_path / "k.toml"
    config.write_text("k = 5\nsecs = 0.05\n")
    spec, out = f"{agent}:Typed", tmp_path / "r"
    run(spec, out=out, data=DATA, agent_args={"k": 5, "verbose": "true", "secs": "0.05"}, limit=1)
    for n, (args, cfg) in enumerate([({"k": "5", "verbose": "True", "secs": "0.050"}, None),
                                     ({"verbose": True}, config), ({"k": "+5", "verbose": "1"}, config)], start=2):
        assert run(spec, out=out, data=DATA, agent_args=args, agent_config=cfg, resume=True, limit=n).n_run == 1
    with pytest.raises(UserError, match=r"other settings \(agent arguments \(--agent-arg\): .*'k': 5.* now .*'k': 6"):
        run(spec, out=out, data=DATA, agent_args={"k": "6", "verbose": "true", "secs": "0.05"}, resume=True)


@pytest.mark.parametrize("worker_type", ["threads", "processes"])
def test_an_agent_config_read_from_a_pipe_reaches_every_worker(tmp_path, worker_type):
    """`--agent-config <(printf 'offset = 3')`: each worker read the pipe again, found it empty and built its agent
    with the defaults, while the run recorded the pipe's values (and a resume was then refused as another agent)."""
    agent = tmp_path / "offset.py"
    agent.write_text("class Offset:\n"
                     "    def __init__(self, offset: int = 0, keys: list | None = None):\n"
                     "        self.offset, self.keys = offset, keys\n"
                     "    def act(self, view):\n"
                     "        return f'pyautogui.click({self.offset}, {len(self.keys or ())})'\n")
    r, w = os.pipe()
    os.write(w, b'offset = 3\nkeys = ["q", "r"]\n')
    os.close(w)
    try:
        s = run(f"{agent}:Offset", out=tmp_path / "r", data=DATA, agent_config=f"/dev/fd/{r}", workers=2,
                worker_type=worker_type)
    finally:
        os.close(r)
    assert s.n_done == 6 and not s.errors
    scripts = {p.script for p in read_predictions(tmp_path / "r" / "predictions.jsonl").values()}
    assert scripts == {"pyautogui.click(3, 2)"}


def test_a_resume_where_no_run_is_says_it_starts_a_new_one(tmp_path, capsys):
    # A mistyped --out with --resume starts afresh; said once, so that the user notices before the run is long.
    s = run("noop", out=tmp_path / "typo", data=DATA, resume=True, limit=2)
    assert s.n_done == s.n_run == 2
    assert f"no run to resume in {tmp_path / 'typo'}: starting a new one" in capsys.readouterr().err
    s = run("noop", out=tmp_path / "typo", data=DATA, resume=True)
    assert s.n_run == 4 and "no run to resume" not in capsys.readouterr().err


def test_a_run_resumes_on_its_data_moved_to_another_folder_and_records_where_it_is_now(tmp_path):
    import shutil

    shutil.copytree(DATA, tmp_path / "d1")
    out = tmp_path / "r"
    run("noop", out=out, data=tmp_path / "d1", limit=2)
    (tmp_path / "d1").rename(tmp_path / "d2")  # every byte the same: the same run's data
    s = run("noop", out=out, data=tmp_path / "d2", resume=True)
    assert s.n_done == 6 and s.n_run == 4
    assert json.loads((out / "manifest.json").read_text())["dataset"]["root"] == str(tmp_path / "d2")
    # the next resume and `score --predictions RUN` read the data where it is now
    assert run("noop", out=out, data=tmp_path / "d2", resume=True).n_run == 0
    result = CliRunner().invoke(main, ["score", "--predictions", str(out), "--json"])
    assert result.exit_code == 0, result.output
    # other data in the new folder is still another run
    task = load_split(tmp_path / "d2", "test").tasks[0].task_path
    task.write_text(task.read_text() + "\n")
    with pytest.raises(UserError, match=r"the data.s sha256 \(its files changed\): .[0-9a-f]{64}. now .[0-9a-f]{64}."):
        run("noop", out=out, data=tmp_path / "d2", resume=True)


def test_a_resume_typed_without_the_runs_data_or_seed_says_which_options_continue_it(tmp_path):
    from shlex import quote

    out = tmp_path / "r"
    run("noop", out=out, data=DATA, limit=2, seed=4)
    with pytest.raises(UserError, match=f"continue it with --data {quote(str(DATA.resolve()))} --seed 4, or run"):
        run("noop", out=out, resume=True)  # the built-in suite and seed 0: the defaults
    with pytest.raises(UserError, match="continue it with --seed 4, or run"):
        run("noop", out=out, data=DATA, resume=True, seed=0)
    with pytest.raises(UserError, match="keeps the settings it started with: run the new ones"):
        run("random", out=out, data=DATA, resume=True, seed=0)  # another agent: nothing to continue with


@pytest.mark.parametrize("name", ["two\nlines", os.fsdecode(b"latin-1 caf\xe9"), "tab\there's"])
def test_the_commands_a_run_prints_to_go_on_name_its_folder_when_pasted_into_a_shell(tmp_path, name):
    import subprocess

    out = tmp_path / name
    # the console script, which prints a byte that is not UTF-8 as its escape on any terminal
    result = subprocess.run([sys.executable, "-m", "omniact.cli", "run", "--agent", "noop", "--data", str(DATA),
                             "--limit", "2", "--out", out, "--quiet"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(str(tmp_path)) and " tasks (2 run now)" in lines[0]  # one line, however named
    hint = next(line for line in lines if "omniact report " in line)
    words = hint.split("omniact report ", 1)[1]
    # what bash makes of the printed words: the run folder and its report folder, byte for byte
    shown = subprocess.run(["bash", "-c", f"printf '%s\\0' {words}"], capture_output=True, check=True).stdout
    assert shown.split(b"\0")[:3] == [os.fsencode(out), b"--out", os.fsencode(out / "report")]


def test_normalized_coordinates_are_converted_to_pixels(tmp_path):
    s = run(f"{AGENTS}:Normalized", out=tmp_path / "r", data=DATA)
    assert not s.errors
    assert s.scores["strict"]["action_score"] == 1.0
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    assert preds["104"].script == "pyautogui.click(70.0, 200.0)"


def test_an_answer_in_normalized_coordinates_is_recorded_and_scored_as_the_same_answer_in_pixels(tmp_path):
    agent = tmp_path / "spaces.py"
    agent.write_text(
        "ANSWER = 'Sure, here is the script:\\npyautogui.click({x}, {y})\\npyautogui.hotkey(\"ctrl\",\"c\")'\n"
        "class Pixels:\n"
        "    def act(self, view):\n"
        "        return ANSWER.format(x=view.width * 0.5, y=view.height * 0.25)\n"
        "class Normalized:\n"
        "    coordinates = 'normalized'\n"
        "    def act(self, view):\n"
        "        return ANSWER.format(x=0.5, y=0.25)\n")
    runs = {name: run(f"{agent}:{name}", out=tmp_path / name, data=DATA) for name in ("Pixels", "Normalized")}
    scripts = {name: {k: p.script for k, p in read_predictions(tmp_path / name / "predictions.jsonl").items()}
               for name in runs}
    assert scripts["Normalized"] == scripts["Pixels"]
    assert "pyautogui.click(0.5" not in "".join(scripts["Normalized"].values())
    assert runs["Normalized"].scores == runs["Pixels"].scores


def test_seeded_results_do_not_depend_on_workers_or_their_kind(tmp_path):
    def scripts(out):
        return {k: p.script for k, p in read_predictions(out / "predictions.jsonl").items()}

    run("random", out=tmp_path / "a", data=DATA, seed=7)
    run("random", out=tmp_path / "b", data=DATA, seed=7, workers=3, worker_type="processes")
    run("random", out=tmp_path / "c", data=DATA, seed=8, workers=2)
    assert scripts(tmp_path / "a") == scripts(tmp_path / "b") != scripts(tmp_path / "c")
    # an agent drawing from the global `random`: seeded per task, so worker processes cannot change it
    run(f"{AGENTS}:SeedEcho", out=tmp_path / "d", data=DATA, seed=1, workers=1)
    run(f"{AGENTS}:SeedEcho", out=tmp_path / "e", data=DATA, seed=1, workers=3, worker_type="processes")
    assert scripts(tmp_path / "d") == scripts(tmp_path / "e")


def test_cli_run_and_agents(tmp_path):
    r = CliRunner().invoke(main, ["run", "--agent", "oracle", "--data", str(DATA), "--out", str(tmp_path / "r"),
                                  "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["scores"]["reference"]["action_score"] == 1.0 and out["uses_gold"] is True
    r = CliRunner().invoke(main, ["run", "--agent", "oracel", "--data", str(DATA), "--out", str(tmp_path / "x")])
    assert r.exit_code == 2 and "did you mean oracle" in r.output
    # the table output ends with the two commands that show more, and they run as printed
    r = CliRunner().invoke(main, ["run", "--agent", "random", "--data", str(DATA), "--out", str(tmp_path / "t")])
    assert r.exit_code == 0, r.output
    hints = [line.split(": ", 1)[1].split() for line in r.output.splitlines() if line.startswith("  ") and ": omniact" in line]
    assert [h[1] for h in hints] == ["score", "report"]
    for h in hints:
        assert CliRunner().invoke(main, h[1:]).exit_code == 0
    r = CliRunner().invoke(main, ["run", "--agent", "random", "--agent-arg", "sed=3", "--data", str(DATA),
                                  "--out", str(tmp_path / "y")])
    assert r.exit_code == 2 and "did you mean seed" in r.output
    r = CliRunner().invoke(main, ["agents"])
    assert r.exit_code == 0
    names = [line.split()[0] for line in r.output.splitlines()]
    assert {"oracle", "noop", "random", "llm", "vlm"} <= set(names)


def test_an_agent_that_cannot_start_stops_the_run_with_one_line(tmp_path):
    r = CliRunner().invoke(main, ["run", "--agent", f"{AGENTS}:BrokenSetup", "--data", str(DATA), "--out",
                                  str(tmp_path / "r"), "-q"])
    assert r.exit_code == 2
    line = next(i for i, x in enumerate(AGENTS.read_text().splitlines(), 1) if "GPU on fire" in x)
    assert r.output == (f"omniact: agent could not be started: setup() raised OSError: GPU on fire "
                        f"(runner_test_agents.py:{line})\n")
    assert not (tmp_path / "r").exists()  # it recorded nothing: no empty run folder is left behind
    # an agent whose constructor refuses its arguments: its own message, once, with no class names
    r = CliRunner().invoke(main, ["run", "--agent", "llm", "--data", str(DATA), "--out", str(tmp_path / "x"),
                                  "--limit", "2", "-q"])
    assert r.exit_code == 2
    assert r.output.startswith("omniact: agent could not be started: the llm agent needs --agent-arg model=NAME")
    assert r.output.count("\n") == 1 and "UserError" not in r.output and "worker" not in r.output
    # the corrected command then runs there, as if nothing had happened
    r = CliRunner().invoke(main, ["run", "--agent", "random", "--data", str(DATA), "--out", str(tmp_path / "x"),
                                  "--limit", "2", "-q"])
    assert r.exit_code == 0, r.output


def test_a_folder_whose_run_recorded_nothing_takes_a_new_run_but_one_recorded_task_is_protected(tmp_path):
    out = tmp_path / "x"
    out.mkdir()
    (out / "notes.txt").write_text("mine")  # the user's folder: it and their files stay
    for resume in (False, True):
        with pytest.raises(UserError, match="GPU on fire"):
            run(f"{AGENTS}:BrokenSetup", out=out, data=DATA, limit=2)
        # a run that recorded nothing leaves the user's folder as it found it (its own files taken away)
        assert sorted(p.name for p in out.iterdir()) == ["notes.txt"] and (out / "notes.txt").read_text() == "mine"
        # other settings, with or without --resume: the store held no task, so this is a new run
        s = run("noop", out=out, data=DATA, limit=1, resume=resume, seed=3)
        assert s.n_done == s.n_run == 1
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["agent"] == "noop" and manifest["seed"] == 3 and manifest["sessions"] == 1
        if not resume:
            for name in ("run.sqlite", "manifest.json", "predictions.jsonl", "scores.json"):
                (out / name).unlink()
    # one recorded task makes it a run: a new run needs --resume, and --resume needs the same settings
    with pytest.raises(UserError, match="already holds a run; pass --resume"):
        run("noop", out=out, data=DATA, limit=1, seed=3)
    with pytest.raises(UserError, match="other settings"):
        run("random", out=out, data=DATA, limit=1, seed=3, resume=True)
    with pytest.raises(UserError, match="other settings"):
        run(f"{AGENTS}:BrokenSetup", out=out, data=DATA, resume=True)
    s = run("noop", out=out, data=DATA, seed=3, resume=True)
    assert s.n_done == 6 and s.n_run == 5


def test_a_folder_holding_a_runs_file_names_but_no_run_is_refused_not_overwritten(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "predictions.jsonl").write_text('{"id": "9", "script": "MY PRECIOUS WORK"}\n')
    (out / "scores.json").write_text("my scores")
    r = CliRunner().invoke(main, ["run", "--agent", "noop", "--data", str(DATA), "--out", str(out), "--limit", "1"])
    assert r.exit_code == 2
    assert r.output == (f"omniact: {out}: this folder holds predictions.jsonl and scores.json but no run (run.sqlite): "
                        "a run would replace them; give the run a folder of its own with --out\n")
    assert (out / "predictions.jsonl").read_text() == '{"id": "9", "script": "MY PRECIOUS WORK"}\n'
    assert sorted(p.name for p in out.iterdir()) == ["predictions.jsonl", "scores.json"]


def test_an_interrupted_run_exports_only_finished_tasks_so_the_rest_score_as_missing(tmp_path, monkeypatch):
    import scoring
    from omniact import runner

    record = RunStore.record
    calls = []

    def record_then_ctrl_c(self, result):
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C in the driver, after two tasks were recorded
        calls.append(result.task_id)
        record(self, result)

    monkeypatch.setattr(runner.RunStore, "record", record_then_ctrl_c)
    out = tmp_path / "r"
    with pytest.raises(KeyboardInterrupt):
        run("oracle", out=out, data=DATA)
    monkeypatch.undo()
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert not (out / "scores.json").exists()
    ds = load_split(DATA, "test")
    preds = read_predictions(out / "predictions.jsonl", known_ids={t.id for t in ds.tasks})
    assert sorted(preds) == sorted(calls)  # no placeholder record for a task never run
    ref = scoring.score(ds, {k: p.script for k, p in preds.items()}, "reference").to_json()
    assert ref["n_missing"] == 4 and ref["n_scored"] == 2
    r = CliRunner().invoke(main, ["score", "--data", str(DATA), "--predictions", str(out), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["n_missing"] == 4
    assert "the run was stopped before it ended after 2 of 6 tasks" in r.stderr  # (not passed off as misses)
    s = run("oracle", out=out, data=DATA, resume=True)  # the rest, then scored in full
    assert s.n_run == 4 and s.scores["reference"]["n_missing"] == 0
    assert s.scores["reference"]["action_score"] == 1.0


def test_limit_must_be_at_least_one(tmp_path):
    for limit in (0, -1):
        with pytest.raises(UserError, match=f"--limit \\(limit=\\) must be at least 1, not {limit}"):
            run("noop", out=tmp_path / "r", data=DATA, limit=limit)
    assert not (tmp_path / "r").exists()


def test_a_module_class_agent_in_the_current_directory_runs_in_worker_processes(tmp_path, monkeypatch):
    pkg = tmp_path / "cwdpkg_run"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "policy.py").write_text("import os\n\nclass MyAgent:\n    def act(self, view):\n"
                                   "        return f'pyautogui.write(\"{os.getpid()}\")'\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delitem(sys.modules, "cwdpkg_run", raising=False)
    try:
        s = run("cwdpkg_run.policy:MyAgent", out=tmp_path / "r", data=DATA, workers=2, worker_type="processes")
    finally:
        for name in [n for n in sys.modules if n.startswith("cwdpkg_run")]:
            del sys.modules[name]
    assert s.n_done == 6 and not s.errors
    pids = {p.script for p in read_predictions(tmp_path / "r" / "predictions.jsonl").values()}
    assert str(os.getpid()) not in "".join(pids)  # the tasks ran in the worker processes


def test_secrets_given_on_the_command_line_never_reach_the_manifest(tmp_path, monkeypatch):
    argv = ["omniact", "run", "--agent", f"{AGENTS}:Keyed", "--agent-arg", "api_key=sk-SECRET-123456",
            "--agent-arg=token=tok-XYZ-987654", "--out", str(tmp_path / "r")]
    monkeypatch.setattr(sys, "argv", argv)
    run(f"{AGENTS}:Keyed", out=tmp_path / "r", data=DATA,
        agent_args={"api_key": "sk-SECRET-123456", "token": "tok-XYZ-987654"})
    text = "".join(p.read_text(errors="replace") for p in (tmp_path / "r").iterdir() if p.suffix in (".json", ".jsonl"))
    assert "sk-SECRET-123456" not in text and "tok-XYZ-987654" not in text
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["command"][4:7] == ["--agent-arg", "api_key=***", "--agent-arg=token=***"]



def test_an_error_that_quotes_the_agents_key_is_written_without_it(tmp_path, monkeypatch):
    # The key was kept out of the arguments and the command line, but an agent's error ("401 for key sk-...") went
    # whole into every task's error in predictions.jsonl and the manifest's error examples.
    agent = tmp_path / "leaky.py"
    agent.write_text("class Leaky:\n"
                     "    def __init__(self, api_key='', base_url=''):\n"
                     "        self.api_key, self.base_url = api_key, base_url\n"
                     "    def act(self, view):\n"
                     "        raise RuntimeError(f'401 for key {self.api_key} at {self.base_url}')\n")
    monkeypatch.setattr(sys, "argv", ["omniact", "run"])
    s = run(f"{agent}:Leaky", out=tmp_path / "r", data=DATA,
            agent_args={"api_key": "sk-SECRET-123456", "base_url": "https://bob:pw-98765@host/v1"})
    assert s.errors
    text = "".join(p.read_text(errors="replace") for p in (tmp_path / "r").iterdir() if p.suffix in (".json", ".jsonl"))
    assert "sk-SECRET-123456" not in text and "pw-98765" not in text
    assert "401 for key *** at https://***@host/v1" in text


def test_keys_and_tokens_that_are_no_secrets_are_recorded_and_a_resume_must_keep_them(tmp_path, monkeypatch):
    # sort_key and eos_token were blanked as secrets: a resume with another value passed for the same run, and the
    # value "test" blanked `--split test` in the recorded command line.
    agent = tmp_path / "keyed.py"
    agent.write_text("class Keyed:\n"
                     "    def __init__(self, sort_key='x', eos_token='', use_auth=False):\n"
                     "        pass\n"
                     "    def act(self, view):\n"
                     "        return 'pyautogui.press(\"enter\")'\n")
    argv = ["omniact", "run", "--agent", f"{agent}:Keyed", "--agent-arg", "sort_key=x", "--agent-arg", "eos_token=test",
            "--agent-arg", "use_auth=true", "--split", "test", "--out", str(tmp_path / "r")]
    monkeypatch.setattr(sys, "argv", argv)
    args = {"sort_key": "x", "eos_token": "test", "use_auth": True}
    run(f"{agent}:Keyed", out=tmp_path / "r", data=DATA, agent_args=args, limit=2)
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["agent_args"] == args
    assert manifest["command"] == argv
    with pytest.raises(UserError, match="other settings"):
        run(f"{agent}:Keyed", out=tmp_path / "r", data=DATA, agent_args={**args, "sort_key": "y"}, resume=True)

def test_a_resume_into_a_read_only_store_is_one_line_and_leaves_the_run_as_it_was(tmp_path, monkeypatch):
    """As SQLite opens a run.sqlite its user may not write (chmod 444, a read-only mount): read-only."""
    import sqlite3

    import omniact.store

    out = tmp_path / "r"
    run("noop", out=out, data=DATA, limit=2)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "run.sqlite"}
    connect = sqlite3.connect
    def read_only(path, **kw):  # (a path given as a URI already is opened as given)
        return connect(path, **kw) if kw.get("uri") else connect(f"file:{path}?mode=ro", **{**kw, "uri": True})

    monkeypatch.setattr(omniact.store.sqlite3, "connect", read_only)
    with pytest.raises(UserError, match=r"run\.sqlite: is read-only, so the run cannot go on in it"):
        run("noop", out=out, data=DATA, resume=True)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name in before} == before  # scores.json, manifest
    assert run("noop", out=out, data=DATA, resume=True).n_done == 6


@pytest.mark.parametrize("usage", [
    {"prompt_tokens": "lots", "completion_tokens": 3, "cost": 0.5},  # a ValueError lost the answer as a crash
    {"prompt_tokens": 10, "completion_tokens": 3, "cost": float("inf")},  # written as Infinity: not JSON
    {"prompt_tokens": float("nan"), "completion_tokens": -4, "cost": 1e308},  # summed, infinity again
])
def test_usage_an_agent_reports_badly_counts_0_and_never_costs_its_answer(tmp_path, usage):
    agent = tmp_path / "counting.py"
    agent.write_text("class Counting:\n"
                     "    def act(self, view):\n"
                     + f"        self.last_usage = {usage!r}\n".replace("inf", "float('inf')").replace("nan", "float('nan')")
                     + "        return 'pyautogui.press(\"enter\")'\n")
    s = run(f"{agent}:Counting", out=tmp_path / "r", data=DATA)
    assert s.n_done == 6 and not s.errors
    for name in ("manifest.json", "predictions.jsonl", "scores.json"):
        text = (tmp_path / "r" / name).read_text()
        assert "Infinity" not in text and "NaN" not in text, name
    records = list(read_predictions(tmp_path / "r" / "predictions.jsonl").values())
    assert all(p.script == 'pyautogui.press("enter")' for p in records)


def test_a_resume_with_a_smaller_limit_is_refused_and_keeps_every_finished_task(tmp_path):
    # It rewrote predictions.jsonl and scores.json with the first 2 tasks only, and said the run had finished.
    out = tmp_path / "r"
    run("noop", out=out, data=DATA, limit=4)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".json", ".jsonl")}
    with pytest.raises(UserError, match=r"finished tasks past --limit 2 \(2 of them\).*give --limit 4 or more"):
        run("noop", out=out, data=DATA, resume=True, limit=2)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".json", ".jsonl")} == before
    s = run("noop", out=out, data=DATA, resume=True, limit=5)  # a larger one goes on
    assert s.n_done == 5 and s.n_run == 1


def test_the_progress_bar_of_a_retry_counts_each_retried_task_once(tmp_path, capsys):
    """After `--resume --retry-errors` fixed every failed task the bar read "SS 50.0 AS 50.0 errors 6": the old
    failures were counted beside the new answers."""
    marker = tmp_path / "broken"
    marker.write_text("")
    spec, out = f"{AGENTS}:Flaky", tmp_path / "r"
    run(spec, out=out, data=DATA, agent_args={"marker": str(marker)}, progress=True)
    assert "SS 0.0 AS 0.0  errors 6" in capsys.readouterr().err
    marker.unlink()
    s = run(spec, out=out, data=DATA, agent_args={"marker": str(marker)}, progress=True, resume=True,
            retry_errors=True)
    assert s.n_run == 6 and not s.errors
    bar = [line for line in capsys.readouterr().err.splitlines() if line.startswith("run ")][-1]
    assert bar.endswith("SS 100.0 AS 100.0  errors 0"), bar
