"""A user's mistake is one line naming the file and what to do, exit code 2, never a traceback, and nothing the
user wrote is lost (the s10 audit: each test here failed before its fix)."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from omniact.cli import main


def cli(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def bounded(*args: object, memory: int = 1 << 30) -> subprocess.CompletedProcess:
    """The console script in a process that may not take more than `memory` bytes: a verb reading /dev/zero to
    its end fails fast (MemoryError) instead of filling the machine."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", *map(str, args)],
                          capture_output=True, text=True, timeout=120, preexec_fn=limit, check=False)


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    assert stderr.count("\n") == 1, stderr
    return stderr.strip()


def gold_file(ds_root: Path, path: Path) -> Path:
    from omniact.dataset import load_split

    ds = load_split(ds_root, "test")
    path.write_text("".join(json.dumps({"id": t.id, "script": t.gold_script}) + "\n" for t in ds.tasks))
    return path


# --- inputs that are not files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["score", "validate"])
def test_predictions_from_a_device_is_refused_not_read_until_memory_runs_out(omniact_data, verb):
    proc = bounded(verb, "--data", omniact_data, "--predictions", "/dev/zero")
    assert proc.returncode == 2
    assert one_line(proc.stderr) == "omniact: /dev/zero: predictions file is a device, not a file: give a file"


def test_a_huge_sparse_predictions_file_is_refused_at_its_first_nul_not_read_whole(omniact_data, tmp_path):
    sparse = tmp_path / "preds.jsonl"
    with open(sparse, "wb") as f:
        f.truncate(2 << 30)  # 2 GiB of NUL bytes, taking no disk
    proc = bounded("score", "--data", omniact_data, "--predictions", sparse)
    assert proc.returncode == 2
    assert one_line(proc.stderr) == f"omniact: {sparse}:1: predictions file contains a NUL byte: it is not a text file"


@pytest.mark.parametrize("lines_before", [3, 300_000])
def test_a_nul_byte_is_reported_at_its_line_in_any_part_of_a_big_file(tmp_path, lines_before):
    """A file is read in 4 MB pieces: a NUL byte in a later one is reported at its line all the same."""
    from omniact.errors import UserError
    from omniact.user_file import read_user_file

    p = tmp_path / "preds.jsonl"
    line = b'{"id": "1", "script": "pyautogui.press(\'enter\')"}\n'  # 50 bytes: 300,000 of them span four pieces
    p.write_bytes(line * lines_before + b'{"id": "2", "script": "a\x00"}\n' + line)
    with pytest.raises(UserError) as e:
        read_user_file(p, "predictions file", text=True)
    assert str(e.value) == f"{p}:{lines_before + 1}: predictions file contains a NUL byte: it is not a text file"


def test_show_script_from_a_device_is_refused(omniact_data, tmp_path):
    proc = bounded("show", "--data", omniact_data, "1", "--out", tmp_path / "t.png", "--script", "/dev/zero")
    assert proc.returncode == 2
    assert one_line(proc.stderr) == "omniact: /dev/zero: script file is a device, not a file: give a file"
    assert not (tmp_path / "t.png").exists()


def test_replay_script_from_a_device_is_refused_before_any_browser(omniact_data, tmp_path):
    proc = bounded("replay", "--data", omniact_data, "--task", "1", "--script", "/dev/zero", memory=2 << 30)
    assert proc.returncode == 2
    assert one_line(proc.stderr) == "omniact: /dev/zero: script file is a device, not a file: give a file"


def test_standard_input_that_is_a_device_or_closed_is_one_line_not_read_for_ever(omniact_data):
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", "score", "--data",
                               str(omniact_data), "--predictions", "-"], stdin=zero, capture_output=True, text=True,
                              timeout=120, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (1 << 30,) * 2),
                              check=False)
    assert proc.returncode == 2
    assert one_line(proc.stderr) == ("omniact: <stdin>: standard input is a device, not a predictions file: pipe one "
                                     "in, or give its path")
    proc = subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", "score", "--data",
                           str(omniact_data), "--predictions", "-"], preexec_fn=lambda: os.close(0),  # `<&-`
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert one_line(proc.stderr) == ("omniact: <stdin>: standard input is closed: pipe the predictions file in, or "
                                     "give its path")


@pytest.mark.parametrize("verb", [
    ["score", "--predictions"], ["validate", "--predictions"], ["show", "1", "--out", "{tmp}/t.png", "--script"],
    ["run", "--agent", "noop", "--out", "{tmp}/r", "--limit", "1", "--agent-config"],
])
def test_a_fifo_nothing_writes_into_reads_as_empty_never_waited_on(omniact_data, tmp_path, verb):
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    args = [a.replace("{tmp}", str(tmp_path)) for a in verb]
    proc = subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", args[0], "--data",
                           str(omniact_data), *args[1:], str(fifo)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    if args[0] != "validate":
        return
    # and a FIFO a program writes into is read as a pipe is
    line = json.dumps({"id": "1", "script": "pyautogui.click(1, 2)"})
    # The writer opens first (its open waits for a reader), as a program writing into a FIFO does.
    writer = subprocess.Popen(["sh", "-c", f"printf '%s\\n' '{line}' > {fifo}"])
    time.sleep(0.3)
    proc = subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", "validate", "--data",
                           str(omniact_data), "--predictions", str(fifo)], capture_output=True, text=True, timeout=60,
                          check=False)
    writer.wait(10)
    assert proc.returncode == 0 and "1 prediction for 12 tasks" in proc.stdout, proc.stdout + proc.stderr


# --- nothing the user wrote is lost ----------------------------------------------------------------------------


def test_show_refuses_to_draw_over_any_file_of_the_data_set(omniact_data, tmp_path):
    from omniact.dataset import load_split

    root = shutil.copytree(omniact_data, tmp_path / "d")
    ds = load_split(root, "test")
    own, other = ds["1"].image_path, ds["6"].image_path  # task 1's screenshot; notepad's, another task's
    for target, what in ((own, f"the task's own file ({own.name})"),
                         (other, f"a file of the data set in {root} ({other.name})"),
                         (root / "train.json", f"a file of the data set in {root} (train.json)")):
        before = target.read_bytes()
        r = cli("show", "--data", root, "1", "--out", target)
        assert r.exit_code == 2
        assert r.output == (f"omniact: {target}: --out is {what}, which the drawing would replace: give another "
                            "path, e.g. task.png\n")
        assert target.read_bytes() == before
    r = cli("show", "--data", root, "1", "--out", tmp_path / "task.png")  # a drawing of its own: drawn again
    assert r.exit_code == 0 and cli("show", "--data", root, "1", "--out", tmp_path / "task.png").exit_code == 0


def test_show_draws_a_task_whose_id_holds_a_newline(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    index = json.loads((root / "test.json").read_text())
    index["line\nbreak"] = index.pop("1")  # a valid JSON key
    (root / "test.json").write_text(json.dumps(index))
    r = cli("show", "--data", root, "--split", "test", "line\nbreak", "--out", tmp_path / "t.png")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "t.png").read_bytes().startswith(b"\x89PNG")


def test_run_into_the_data_root_is_refused_and_adds_nothing_to_it(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    before = sorted(p.name for p in root.iterdir())
    r = cli("run", "--agent", "noop", "--data", root, "--out", root)
    assert r.exit_code == 2
    assert r.output == (f"omniact: {root}: this is a data root (it holds test.json): the run's JSON files would be "
                        "read as splits of it; give the run a folder of its own with --out\n")
    assert sorted(p.name for p in root.iterdir()) == before


def test_leaderboard_and_report_into_the_data_root_or_a_run_folder_are_refused(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    preds = gold_file(root, tmp_path / "p.jsonl")
    r = cli("leaderboard", "--data", root, preds, "--out", root, "--bootstrap", "10")
    assert r.exit_code == 2 and "this is a data root (it holds test.json)" in r.output
    assert not (root / "leaderboard.json").exists()

    run_dir = tmp_path / "run"
    assert cli("run", "--agent", "oracle", "--data", root, "--out", run_dir).exit_code == 0
    r = cli("report", run_dir, "--out", run_dir)
    assert r.exit_code == 2
    assert r.output == (f"omniact: {run_dir}: this folder holds a run (run.sqlite): give the report a folder of its "
                        f"own, e.g. --out {run_dir / 'report'}\n")
    assert not (run_dir / "index.html").exists()
    assert cli("report", run_dir, "--out", run_dir / "report").exit_code == 0  # as the run itself suggests


def test_replay_into_the_data_root_or_a_run_folder_is_refused_before_any_browser(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    before = sorted(p.name for p in root.iterdir())
    r = cli("replay", "--data", root, "--task", "1", "--agent", "oracle", "--out", root)
    assert r.exit_code == 2  # its replay.json would fail `omniact validate` as a split that is not one
    assert r.output == (f"omniact: {root}: this is a data root (it holds test.json): the replay's JSON files would "
                        "be read as splits of it; give the replay a folder of its own with --out\n")
    assert sorted(p.name for p in root.iterdir()) == before
    run_dir = tmp_path / "run"
    assert cli("run", "--agent", "oracle", "--data", root, "--out", run_dir).exit_code == 0
    r = cli("replay", "--data", root, "--predictions", run_dir, "--out", run_dir)
    assert r.output == (f"omniact: {run_dir}: this folder holds a run (run.sqlite): give the replay a folder of its "
                        f"own, e.g. --out {run_dir / 'replay'}\n")


def test_run_into_a_leaderboard_folder_is_refused(omniact_data, tmp_path):
    site = tmp_path / "site"
    preds = gold_file(omniact_data, tmp_path / "p.jsonl")
    assert cli("leaderboard", "--data", omniact_data, preds, "--out", site, "--bootstrap", "10").exit_code == 0
    r = cli("run", "--agent", "noop", "--data", omniact_data, "--out", site)
    assert r.exit_code == 2 and "this folder holds a leaderboard or report (leaderboard.json)" in r.output
    assert not (site / "run.sqlite").exists()


@pytest.mark.parametrize("other_json", [None, "package.json"])
def test_manifest_refuses_a_folder_that_is_not_a_data_root(tmp_path, other_json):
    (tmp_path / "notes.txt").write_text("mine")
    if other_json:  # a project folder: any *.json made it a data root, and its whole tree was hashed
        (tmp_path / other_json).write_text('{"name": "site", "version": "1.0.0", "dependencies": {}}')
    r = cli("manifest", "--data", tmp_path)
    assert r.exit_code == 2
    assert r.output == (f"omniact: {tmp_path}: no split file here (train.json, val.json, test.json): is this the "
                        "data root?\n")
    assert not (tmp_path / "MANIFEST.sha256").exists()


# --- options -----------------------------------------------------------------------------------------------------


def test_leaderboard_negative_seed_is_an_option_error_not_a_traceback(omniact_data, tmp_path):
    preds = gold_file(omniact_data, tmp_path / "p.jsonl")
    r = cli("leaderboard", "--data", omniact_data, preds, "--out", tmp_path / "site", "--seed", "-1")
    assert r.exit_code == 2 and r.exception is not None and isinstance(r.exception, SystemExit)
    assert "Invalid value for '--seed'" in r.output


@pytest.mark.parametrize(("args", "line"), [
    (["score", "--mode", "foo"],
     "omniact score: Invalid value for '--mode': 'foo' is not one of 'reference', 'strict' (see omniact score --help)"),
    (["replay", "--task-timeout", "nan"], ("omniact replay: Invalid value for '--task-timeout': nan is not a number "
                                           "of seconds above 0 and at most 86400 (see omniact replay --help)")),
    (["leaderboard", "--split", "test"],
     "omniact leaderboard: Missing argument 'SOURCES...' (see omniact leaderboard --help)"),
    (["nosuchverb"], "omniact: No such command 'nosuchverb' (see omniact --help)"),
])
def test_a_mistyped_command_line_is_one_line_naming_the_option(args, line):
    # (click's own report was four lines: usage, a hint, a blank line and the error)
    r = CliRunner().invoke(main, args, prog_name="omniact")
    assert r.exit_code == 2 and r.output == line + "\n"


def test_agents_check_of_no_task_is_refused_not_ok(omniact_data):
    r = cli("agents", "--check", "noop", "--data", omniact_data, "-n", "0")
    assert r.exit_code == 2 and "Invalid value for '-n'" in r.output and "OK" not in r.output


def test_an_agent_argument_given_twice_is_refused_without_its_values(omniact_data, tmp_path):
    r = cli("run", "--agent", "random", "--data", omniact_data, "--out", tmp_path / "r",
            "--agent-arg", "max_actions=2", "--agent-arg", "max_actions=3")
    assert r.exit_code == 2
    assert r.output == "omniact: --agent-arg max_actions is given twice: give it once\n"
    assert not (tmp_path / "r").exists()


def test_agent_config_from_a_device_is_refused_not_read_until_memory_runs_out(omniact_data, tmp_path):
    proc = bounded("run", "--agent", "random", "--data", omniact_data, "--out", tmp_path / "r",
                   "--agent-config", "/dev/zero")
    assert proc.returncode == 2
    assert one_line(proc.stderr) == "omniact: /dev/zero: agent config file is a device, not a file: give a file"
    assert not (tmp_path / "r").exists()


def test_agent_config_that_is_not_utf8_names_its_file_and_line(omniact_data, tmp_path):
    config = tmp_path / "agent.toml"
    config.write_bytes(b"max_actions = 2\n\xff\xfe = 1\n")
    r = cli("run", "--agent", "random", "--data", omniact_data, "--out", tmp_path / "r", "--agent-config", config)
    assert r.exit_code == 2
    assert r.output == (f"omniact: {config}:2: agent config file is not UTF-8 text (byte 0xff at column 1): "
                        "save it as UTF-8 TOML\n")


def test_agent_config_saved_with_a_byte_order_mark_is_read(omniact_data, tmp_path):
    config = tmp_path / "agent.toml"
    config.write_bytes("\ufeffmax_actions = 1\n".encode())
    out = tmp_path / "r"
    r = cli("run", "--agent", "random", "--data", omniact_data, "--out", out, "--agent-config", config, "--quiet")
    assert r.exit_code == 0, r.output
    assert json.loads((out / "manifest.json").read_text())["agent_description"] == {"max_actions": 1}  # default 3


def test_the_manifest_names_the_agent_config_where_it_is_not_as_typed(omniact_data, tmp_path, monkeypatch):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "agent.toml").write_text("max_actions = 1\n")
    monkeypatch.chdir(tmp_path / "cfg")
    out = tmp_path / "r"
    r = cli("run", "--agent", "random", "--data", omniact_data, "--out", out, "--agent-config", "agent.toml", "--quiet")
    assert r.exit_code == 0, r.output
    assert json.loads((out / "manifest.json").read_text())["agent_config"] == str(tmp_path / "cfg" / "agent.toml")


def test_agent_file_that_is_a_device_or_folder_is_named_so_not_missing(omniact_data, tmp_path):
    r = cli("agents", "--check", "/dev/zero:A", "--data", omniact_data)
    assert r.exit_code == 2
    assert r.output == ("omniact: /dev/zero: agent file is not a regular file: give a Python file "
                        "(path/to/agent.py:ClassName)\n")
    (tmp_path / "pkg").mkdir()
    r = cli("agents", "--check", f"{tmp_path / 'pkg'}/:A", "--data", omniact_data)
    assert r.exit_code == 2 and "agent file is a folder" in r.output


def test_agent_file_whose_name_is_not_utf8_is_checked(omniact_data, tmp_path):
    name = os.fsdecode(b"my\xffagent.py")  # a name from an old Latin-1 system: its byte kept as a surrogate
    (tmp_path / name).write_text("class A:\n    def act(self, view):\n        return ''\n")
    proc = bounded("agents", "--check", f"{tmp_path / name}:A", "--data", omniact_data, "-n", "1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == f"{tmp_path}/my\\udcffagent.py:A: OK"  # the byte shown as its escape


@pytest.mark.parametrize("make, words", [
    (lambda p: None, "split file does not exist (here or in"),
    (lambda p: p.mkdir(), "is a folder, not a split file"),
    (os.mkfifo, "is not a regular file (a FIFO or a device)"),
])
def test_a_split_json_file_that_is_not_one_says_what_it_is(omniact_data, tmp_path, make, words):
    split = tmp_path / "mine.json"
    make(split)
    r = cli("tasks", "--data", omniact_data, "--split", split)
    assert r.exit_code == 2
    assert r.output.startswith(f"omniact: {split}: ") and words in r.output and ".json.json" not in r.output


def test_a_split_given_as_the_roots_own_file_name_is_that_split(omniact_data):
    r = cli("tasks", "--data", omniact_data, "--split", "test.json", "--json")
    assert r.exit_code == 0 and len(json.loads(r.output)) == 12
    assert isinstance(json.loads(r.output), list)  # a list, as its help says (not "one JSON object")
    assert "Print a JSON array, an object per task," in " ".join(cli("tasks", "--help").output.split())



def test_the_roots_own_split_file_name_wins_over_a_file_of_that_name_in_the_working_folder(omniact_data, tmp_path,
                                                                                            monkeypatch):
    """README: `test.json` is the data root's own, a path is that file. Another data set's test.json in the working
    folder must not be read for this --data (its tasks, scored under this root's name)."""
    split = json.loads((omniact_data / "test.json").read_text())
    (tmp_path / "test.json").write_text(json.dumps(dict(list(split.items())[:2])))
    monkeypatch.chdir(tmp_path)
    r = cli("tasks", "--data", omniact_data, "--split", "test.json", "--json")
    assert r.exit_code == 0 and len(json.loads(r.output)) == 12
    r = cli("tasks", "--data", omniact_data, "--split", "./test.json", "--json")  # a path: that file
    assert r.exit_code == 0 and len(json.loads(r.output)) == 2

# --- text that is not UTF-8: one line naming the file, the line, the byte and its column ---------------------------

# "café" saved as Latin-1 on the second line: byte 0xe9, the 21st byte of that line.
LATIN1_SCRIPT = b'pyautogui.click(1, 2)\npyautogui.write("caf\xe9")\n'
LATIN1_SCRIPT_ERROR = "2: script file is not UTF-8 text (byte 0xe9 at column 21): save it as UTF-8"


def one_cli_line(r) -> str:
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and r.output.count("\n") == 1, r.output
    return r.output.strip()


@pytest.mark.parametrize("verb", ["score", "validate"])
def test_predictions_that_are_not_utf8_name_the_line_byte_and_column(omniact_data, tmp_path, verb):
    preds = tmp_path / "p.jsonl"
    preds.write_bytes(b'{"id": "1", "script": "x"}\n{"id": "2", "script": "caf\xe9"}\n')
    r = cli(verb, "--data", omniact_data, "--predictions", preds)
    assert one_cli_line(r) == (f"omniact: {preds}:2: predictions file is not UTF-8 text (byte 0xe9 at column 27): "
                               "save it as UTF-8 (JSON Lines)")


def test_show_script_that_is_not_utf8_names_the_line_byte_and_column(omniact_data, tmp_path):
    script = tmp_path / "s.py"
    script.write_bytes(LATIN1_SCRIPT)
    r = cli("show", "--data", omniact_data, "1", "--out", tmp_path / "t.png", "--script", script)
    assert one_cli_line(r) == f"omniact: {script}:{LATIN1_SCRIPT_ERROR}"
    assert not (tmp_path / "t.png").exists()


def test_replay_script_that_is_not_utf8_names_the_line_byte_and_column_before_any_browser(omniact_data, tmp_path):
    script = tmp_path / "s.py"
    script.write_bytes(LATIN1_SCRIPT)
    r = cli("replay", "--data", omniact_data, "--task", "1", "--script", script)
    assert one_cli_line(r) == f"omniact: {script}:{LATIN1_SCRIPT_ERROR}"


def test_leaderboard_metadata_that_is_not_utf8_names_the_line_byte_and_column(omniact_data, tmp_path):
    preds = gold_file(omniact_data, tmp_path / "p.jsonl")
    meta = tmp_path / "p.jsonl.meta.json"
    meta.write_bytes(b'{\n  "name": "Caf\xe9 agent"\n}\n')
    r = cli("leaderboard", "--data", omniact_data, preds, "--out", tmp_path / "board", "--bootstrap", "10")
    assert r.exit_code == 2 and "Traceback" not in r.output
    # The rejection is one line; the next says that no source was left to rank.
    assert r.output.splitlines() == [
        f"omniact: rejected {meta}:2: metadata file is not UTF-8 text (byte 0xe9 at column 15): save it as UTF-8",
        f"omniact: no entry to rank: the 1 source rejected; nothing written to {tmp_path / 'board'}",
    ]


def test_a_script_saved_with_a_byte_order_mark_is_read(omniact_data, tmp_path):
    from omniact.sandbox.command import _read_script

    script = tmp_path / "s.py"
    script.write_bytes(b"\xef\xbb\xbfpyautogui.click(1, 2)\n")
    r = cli("show", "--data", omniact_data, "1", "--out", tmp_path / "t.png", "--script", script)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "t.png").exists()
    assert _read_script(script) == "pyautogui.click(1, 2)\n"  # what replay --script replays


# --- content ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e309"])
def test_a_split_entrys_non_finite_dpr_is_not_taken(omniact_data, tmp_path, value):
    from omniact.dataset import load_split

    root = shutil.copytree(omniact_data, tmp_path / "d")
    text = (root / "test.json").read_text()
    index = json.loads(text)
    index["1"]["dpr"] = 1.0
    (root / "test.json").write_text(json.dumps(index).replace('"dpr": 1.0', f'"dpr": {value}'))
    dpr = load_split(root, "test")["1"].screen.dpr
    assert 0 < dpr < float("inf")


def _denied(monkeypatch, owner: object, name: str, path: Path) -> object:
    """`owner.name` (Path.read_bytes, os.scandir...) made to refuse `path` as a file or folder without permission
    refuses it: root reads any file, so chmod 000 proves nothing here. Returns the real one."""
    real = getattr(owner, name)

    def refusing(first=".", *args, **kwargs):  # (a method's self, a function's path)
        if Path(os.fsdecode(first)) == path:
            raise PermissionError(13, "Permission denied", os.fsdecode(first))
        return real(first, *args, **kwargs)

    monkeypatch.setattr(owner, name, refusing)
    return real


def test_an_unreadable_split_file_says_check_its_permissions(omniact_data, monkeypatch):
    split = (omniact_data / "test.json").resolve()
    _denied(monkeypatch, Path, "read_bytes", split)
    r = cli("tasks", "--data", omniact_data)
    assert r.exit_code == 2
    assert r.output == f"omniact: {split}: split file cannot be read (Permission denied): check its permissions\n"


def test_a_runs_unreadable_manifest_is_not_passed_over(omniact_data, tmp_path, monkeypatch):
    run_dir = tmp_path / "run"
    assert cli("run", "--agent", "oracle", "--data", omniact_data, "--out", run_dir).exit_code == 0
    manifest = run_dir / "manifest.json"
    _denied(monkeypatch, Path, "read_bytes", manifest)
    r = cli("score", "--predictions", run_dir)
    assert r.exit_code == 2
    assert r.output == (f"omniact: {manifest}: cannot be read (Permission denied); it records the run's data and "
                        "split: check its permissions\n")



def test_validate_with_a_manifest_lists_an_unreadable_file_beside_every_other_problem(omniact_data, tmp_path,
                                                                                     monkeypatch):
    # The manifest check stopped at the first file it could not read, and that one line hid the rest.
    from omniact import dataset

    root = shutil.copytree(omniact_data, tmp_path / "d")
    assert cli("manifest", "--data", root).exit_code == 0
    (root / "data/tasks/desktop/finder/task_1.0.txt").unlink()
    _denied(monkeypatch, dataset, "_sha256_file", root / "data/data/desktop/notepad/screen_2.png")
    r = cli("validate", "--data", root)
    assert r.exit_code == 2
    lines = r.output.splitlines()
    assert any(line.endswith("data/data/desktop/notepad/screen_2.png cannot be read (Permission denied): check its "
                             "permissions") for line in lines), r.output
    assert any("task_1.0.txt" in line and "missing" in line for line in lines), r.output


def test_a_folder_the_manifest_cannot_list_is_named_not_left_out(omniact_data, tmp_path, monkeypatch):
    # os.walk passed over a folder it could not list: the manifest left its files out and said "26 files", exit 0.
    root = shutil.copytree(omniact_data, tmp_path / "d")
    folder = root / "data/data/desktop/notepad"
    real = _denied(monkeypatch, os, "scandir", folder)
    r = cli("manifest", "--data", root)
    assert r.exit_code == 2
    assert r.output == (f"omniact: {folder}: folder cannot be read (Permission denied): check its permissions; its "
                        "files would be left out\n")
    assert not (root / "MANIFEST.sha256").exists()
    monkeypatch.setattr(os, "scandir", real)
    assert cli("manifest", "--data", root).exit_code == 0
    _denied(monkeypatch, os, "scandir", folder)
    r = cli("validate", "--data", root)
    assert r.exit_code == 2
    assert f"{folder}: folder cannot be read (Permission denied): its files are not checked" in r.output

# --- interruptions and refused writes --------------------------------------------------------------------------


def test_ctrl_c_is_one_line_and_exit_130(omniact_data, monkeypatch):
    import omniact.tables

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(omniact.tables, "print_tasks", interrupted)
    r = cli("tasks", "--data", omniact_data)
    assert r.exit_code == 130
    assert r.output == "omniact: interrupted (Ctrl-C)\n"


_CTRL_C_TWICE = r"""
import os, signal, sys
from scoring import split_parts
split_parts._MIN_PART = 1  # the small split in two processes, as a big one is read
collect, close = split_parts.SplitParts._collect, split_parts.SplitParts.close
def collect_then_ctrl_c(self, *args):
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, as the other process's results are read
    return collect(self, *args)
def ctrl_c_again_then_close(self):
    os.kill(os.getpid(), signal.SIGINT)  # pressed again as the command cleans up
    close(self)
    open(os.environ["CLOSED"], "w").close()
split_parts.SplitParts._collect = collect_then_ctrl_c
split_parts.SplitParts.close = ctrl_c_again_then_close
sys.argv = ["omniact", *sys.argv[1:]]
from omniact.console import run
run()
"""


def test_ctrl_c_pressed_again_while_score_cleans_up_lets_it_finish_and_is_one_line(omniact_data, tmp_path):
    """The first Ctrl-C stops `omniact score`; another while it ends the process that reads half the split (and
    removes what it was writing) is ignored, instead of stopping that clean-up half-way."""
    preds = tmp_path / "predictions.jsonl"
    preds.write_text("")
    env = {**os.environ, "CLOSED": str(tmp_path / "closed"), "OMNIACT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", _CTRL_C_TWICE, "score", "--data", str(omniact_data), "--split", "test",
                           "--predictions", str(preds), "--workers", "2"], capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert (proc.returncode, proc.stderr) == (130, "omniact: interrupted (Ctrl-C)\n")
    assert (tmp_path / "closed").exists()  # the clean-up ran to its end


_CTRL_C_IN_A_WEAKREF_CALLBACK = r"""
import signal, sys, weakref
import omniact.cli as cli
stop_once = cli._stop_once
def then_ctrl_c_as_a_callback_runs():
    stop_once()
    class Held:
        pass
    held = Held()
    def callback(ref):  # Ctrl-C as a weakref callback runs (importlib's module locks, threading's): its handler
        signal.getsignal(signal.SIGINT)(signal.SIGINT, None)  # raises there, and Python drops what it raises
    ref = weakref.ref(held, callback)
    del held
cli._stop_once = then_ctrl_c_as_a_callback_runs
sys.argv = ["omniact", *sys.argv[1:]]
from omniact.console import run
run()
"""


def test_ctrl_c_that_python_drops_in_a_weakref_callback_still_stops_score(omniact_data, tmp_path):
    """A Ctrl-C raised while a weakref callback runs is printed by Python as "Exception ignored" and dropped: `score`
    went on to the end (exit 0), later Ctrl-Cs ignored. It is raised again outside the callback: one line, 130."""
    preds = tmp_path / "predictions.jsonl"
    preds.write_text("")
    proc = subprocess.run([sys.executable, "-c", _CTRL_C_IN_A_WEAKREF_CALLBACK, "score", "--data", str(omniact_data),
                           "--split", "test", "--predictions", str(preds)], capture_output=True, text=True,
                          env={**os.environ, "OMNIACT_CACHE_DIR": str(tmp_path / "cache")}, timeout=60, check=False)
    assert (proc.returncode, proc.stderr, proc.stdout) == (130, "omniact: interrupted (Ctrl-C)\n", "")


def test_a_refused_write_names_the_users_file_not_our_temporary_one(tmp_path, monkeypatch):
    import omniact.atomic
    from omniact.atomic import atomic_file

    def refused(path: str, *args: object):
        raise PermissionError(13, "Permission denied", path)  # as a folder one may not write in refuses it

    monkeypatch.setattr(omniact.atomic.os, "open", refused)
    with pytest.raises(PermissionError) as e, atomic_file(tmp_path / "x.png"):
        pass
    monkeypatch.undo()
    assert e.value.filename == str(tmp_path / "x.png")
    # nothing of this call left listed to remove (another test's thread, still in this process, may list its own)
    assert not [t for t in omniact.atomic._OPEN if os.path.dirname(t) == str(tmp_path)]


# --- a quoted "~" ------------------------------------------------------------------------------------------------


def test_a_quoted_tilde_is_the_home_folder_not_a_folder_named_tilde(omniact_data, tmp_path, monkeypatch):
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.chdir(work)
    preds = gold_file(omniact_data, home / "p.jsonl")
    runner = CliRunner(env={"HOME": str(home)})
    r = runner.invoke(main, ["show", "--data", str(omniact_data), "1", "--out", "~/task.png"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["score", "--data", str(omniact_data), "--predictions", "~/p.jsonl", "--json"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["leaderboard", "--data", str(omniact_data), "~/p.jsonl", "--out", "~/site",
                             "--bootstrap", "10"])
    assert r.exit_code == 0, r.output
    assert (home / "task.png").is_file() and (home / "site" / "leaderboard.json").is_file() and preds.is_file()
    assert list(work.iterdir()) == []  # no folder named "~" here


# --- validate lists every problem --------------------------------------------------------------------------------


def test_validate_lists_a_broken_split_file_and_goes_on_to_the_others(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    (root / "val.json").write_text("")
    (root / "scores.json").write_text(json.dumps({"reference": {"sequence_score": 1}, "strict": {}}))
    r = cli("validate", "--data", root)
    assert r.exit_code == 2
    lines = r.output.splitlines()
    assert f"omniact: {root}" not in r.output  # not one error for the whole command
    assert f"{root / 'val.json'}: split file is empty; it must hold a JSON object" in lines
    assert lines.count(f"{root / 'scores.json'}: no entry has 'task' and 'image' paths: this is not a split file; "
                       "move it out of the data root") == 1
    assert lines[-1].startswith(f"FAILED: {root}: 4 split(s), ") and "; 2 problem(s)" in lines[-1]


def test_an_out_path_with_a_newline_that_cannot_be_made_is_named_on_one_line(omniact_data, tmp_path):
    (tmp_path / "fi\nle").write_text("")  # (the file in the way is the path named)
    preds = gold_file(omniact_data, tmp_path / "p.jsonl")
    for verb in (["run", "--agent", "noop", "--limit", "1"], ["report", str(preds)]):
        proc = subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", *verb, "--data",
                               str(omniact_data), "--out", str(tmp_path / "fi\nle" / "x")], capture_output=True,
                              text=True, check=False)
        assert proc.returncode == 2
        assert one_line(proc.stderr).startswith(f"omniact: {tmp_path}/fi\\nle: ")


def test_a_file_where_an_out_folder_must_be_is_named_as_a_file_not_as_file_exists(omniact_data, tmp_path):
    """mkdir's "File exists" (a file where a folder of --out must be) and "Not a directory" (one below it) were
    printed as they came, naming the path being made; `run --out FILE` and `leaderboard --out FILE` name the file."""
    afile = tmp_path / "afile"
    afile.write_text("")
    run_dir = tmp_path / "run"
    assert cli("run", "--agent", "oracle", "--data", omniact_data, "--out", run_dir, "--limit", "2").exit_code == 0
    site = tmp_path / "site"
    assert cli("report", run_dir, "--out", site).exit_code == 0
    shutil.rmtree(site / "tasks")
    (site / "tasks").write_text("")  # where the report writes its task pages, again
    said = "is a file, not a folder: choose another path"
    for args, file in ((["show", "10", "--data", omniact_data, "--out", afile / "t.png"], afile),  # File exists
                       (["show", "10", "--data", omniact_data, "--out", afile / "a" / "t.png"], afile),  # Not a dir.
                       (["run", "--agent", "noop", "--data", omniact_data, "--out", afile / "r"], afile),
                       (["report", run_dir, "--out", site], site / "tasks")):
        r = cli(*args)
        assert r.exit_code == 2 and r.output == f"omniact: {file}: {said}\n", r.output
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".omniact-site.lock")) == []


def test_an_out_folder_that_is_a_dangling_link_says_so_not_file_exists(omniact_data, tmp_path):
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "gone" / "away")
    proc = subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", "run", "--agent", "noop",
                           "--data", str(omniact_data), "--out", str(link)], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 2
    assert one_line(proc.stderr) == f"omniact: {link}: is a symbolic link to nothing (or a loop): choose another path"
    assert link.is_symlink() and not (tmp_path / "gone").exists()


def test_a_data_root_that_is_a_link_loop_says_so(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    r = cli("tasks", "--data", tmp_path / "a")
    assert r.exit_code == 2
    assert r.output == f"omniact: {tmp_path / 'a'}: data directory is a symbolic link to nothing (or a loop)\n"


# --- a full disk -------------------------------------------------------------------------------------------------


def test_a_full_disk_names_the_file_being_written(tmp_path):
    import errno

    from omniact.atomic import atomic_file

    target = tmp_path / "predictions.jsonl"
    with pytest.raises(OSError) as e, atomic_file(target, "w") as f:
        f.write("x")
        raise OSError(errno.ENOSPC, "No space left on device")  # what a write or the close raises
    assert e.value.errno == errno.ENOSPC and e.value.filename == str(target)
    assert list(tmp_path.iterdir()) == []  # and no temporary file is left


def test_a_run_stopped_by_a_full_disk_says_how_to_go_on(omniact_data, tmp_path, monkeypatch):
    import errno

    import omniact.predictions

    out = tmp_path / "run"

    def full(path: object, records: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(omniact.predictions, "write_predictions", full)
    r = cli("run", "--agent", "oracle", "--data", omniact_data, "--out", out, "--quiet")
    assert r.exit_code == 1
    assert r.output == (f"omniact: cannot write {out / 'predictions.jsonl'}: No space left on device; finished tasks "
                        f"are saved: free some space and continue with: omniact run ... --out {out} --resume\n")
    monkeypatch.undo()
    assert cli("run", "--agent", "oracle", "--data", omniact_data, "--out", out, "--resume").exit_code == 0


@pytest.mark.parametrize("args", [
    ["run", "--agent", "noop", "--out", ""],
    ["score", "--predictions", ""],
    ["tasks", "--data", ""],
])
def test_an_empty_path_is_refused_not_taken_for_the_working_folder(omniact_data, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    r = cli(*args)
    assert r.exit_code == 2 and "is empty: give a path" in r.output
    assert list(tmp_path.iterdir()) == []


# --- FIFOs and devices inside a data set -------------------------------------------------------------------------


def _entry_pointing_at(root: Path, key: str, target: str) -> None:
    index = json.loads((root / "test.json").read_text())
    index["1"][key] = target
    (root / "test.json").write_text(json.dumps(index))


@pytest.mark.parametrize("key, what", [("box", "box file"), ("image", "screenshot")])
def test_a_box_file_or_screenshot_that_is_a_fifo_is_named_as_such_not_missing(omniact_data, tmp_path, key, what):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    os.mkfifo(root / "pipe")
    _entry_pointing_at(root, key, "pipe")
    r = cli("tasks", "--data", root)
    assert r.exit_code == 2
    assert r.output.startswith(f"omniact: {root / 'pipe'}: {what} is not a regular file (a FIFO, socket or device)")


@pytest.mark.parametrize("key, what", [("box", "box file"), ("image", "screenshot")])
def test_a_web_entrys_renamed_file_that_is_not_a_file_is_named_not_the_missing_spelling(omniact_data, tmp_path, key,
                                                                                         what):
    """The web quirk: the split says screen_1.png, the disk holds screen1.png; a folder or loop there is the cause."""
    from omniact.dataset import load_split

    root = shutil.copytree(omniact_data, tmp_path / "d")
    task = load_split(root, "test")["10"]
    real = task.image_path if key == "image" else task.box_path
    real.unlink()
    real.mkdir()
    r = cli("tasks", "--data", root)
    assert r.exit_code == 2
    assert r.output.startswith(f"omniact: {real}: {what} is a folder, not a file"), r.output
    real.rmdir()
    real.symlink_to(real.name)  # a link to itself
    r = cli("tasks", "--data", root)
    assert r.output.startswith(f"omniact: {real}: {what} is a symbolic link loop (to {real.name})"), r.output


def test_manifest_and_validate_with_a_fifo_or_device_under_the_root_say_so_instead_of_hanging(omniact_data,
                                                                                               tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    assert cli("manifest", "--data", root).exit_code == 0
    os.mkfifo(root / "pipe.json")  # a *.json name: the manifest also looks into split files for paths outside
    (root / "zero").symlink_to("/dev/zero")

    def omniact(*args: object) -> subprocess.CompletedProcess:
        try:
            return subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", *map(str, args)],
                                  capture_output=True, text=True, timeout=60, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail(f"omniact {' '.join(map(str, args))} hung on a FIFO or /dev/zero under the data root")

    proc = omniact("validate", "--data", root)
    assert proc.returncode == 2
    assert f"{root / 'pipe.json'}: file is not a regular file (a FIFO, socket or device)" in proc.stderr
    assert f"{root / 'zero'}: file is not a regular file (a FIFO, socket or device)" in proc.stderr
    proc = omniact("manifest", "--data", root)
    assert proc.returncode == 2
    assert one_line(proc.stderr).endswith("file is unreadable: not a regular file (a FIFO, socket or device); the "
                                          "manifest lists every file under the root: restore or remove it")



@pytest.mark.parametrize("make", [Path.mkdir, os.mkfifo])
def test_validate_fails_where_the_test_split_is_a_folder_or_a_fifo(omniact_data, tmp_path, make):
    """Every verb refuses --split test there; validate passed it by, checking the other splits."""
    root = shutil.copytree(omniact_data, tmp_path / "d")
    (root / "test.json").unlink()
    make(root / "test.json")
    r = cli("validate", "--data", root)
    assert r.exit_code == 2
    assert f"{root / 'test.json'}: " in r.output and "not a split file (--split test refuses it)" in r.output

@pytest.mark.parametrize("make, why", [
    (os.mkfifo, "is not a regular file (a FIFO, socket or device) or a folder"),
    (lambda p: p.symlink_to("/nonexistent/ocr.json"), "is a symbolic link to /nonexistent/ocr.json, which does not exist"),
])
def test_validate_names_a_detection_file_that_is_a_fifo_or_a_dangling_link(omniact_data, tmp_path, make, why):
    """Loading reads neither (no detections, as for a missing file); `manifest` refuses the dangling link."""
    root = shutil.copytree(omniact_data, tmp_path / "d")
    make(root / "ocr.json")
    _entry_pointing_at(root, "ocr", "ocr.json")
    r = cli("validate", "--data", root, "--split", "test", "--only-split")
    assert r.exit_code == 2
    assert (f"{root / 'ocr.json'}: detection file {why}: an agent would see no detections from it"
            in r.output.splitlines()), r.output


def test_score_with_standard_output_closed_by_the_shell_is_no_traceback(omniact_data, tmp_path):
    preds = gold_file(omniact_data, tmp_path / "p.jsonl")
    proc = subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", "score", "--data",
                           str(omniact_data), "--predictions", str(preds), "--json"],
                          stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1), check=False)  # `>&-`
    assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr


def test_sigterm_is_one_line_and_exit_143_and_leaves_no_temporary_file(omniact_data, tmp_path):
    # The verb is stopped while it writes a file atomically, as `timeout` or systemd would stop it.
    code = f"""
import os, signal, sys
import omniact.tables
from omniact.atomic import atomic_file

def print_tasks(*args, **kwargs):
    with atomic_file({str(tmp_path / 'out.txt')!r}, "w") as f:
        f.write("half")
        os.kill(os.getpid(), signal.SIGTERM)  # its handler runs before the next line
        f.write(" and the rest")

omniact.tables.print_tasks = print_tasks
sys.argv = ["omniact", "tasks", "--data", {str(omniact_data)!r}]
from omniact.cli import run
run()
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 143
    assert one_line(proc.stderr) == "omniact: stopped (SIGTERM)"
    assert list(tmp_path.iterdir()) == []  # neither out.txt nor .out.txt.*.tmp


# --- a run folder's store that cannot be used ----------------------------------------------------------------------


@pytest.mark.parametrize("damage, words", [
    (lambda p: p.write_bytes(b"garbage garbage garbage"), "not a run store, or a damaged one (file is not a database)"),
    (lambda p: p.write_bytes(p.read_bytes()[:4096]), "not a run store, or a damaged one (database disk image"),
    (lambda p: (p.unlink(), p.mkdir()), "is a folder, not a run store: check it, or choose another --out"),
])
def test_resuming_a_run_whose_store_is_damaged_is_one_line(omniact_data, tmp_path, damage, words):
    out = tmp_path / "run"
    assert cli("run", "--agent", "oracle", "--data", omniact_data, "--out", out, "--quiet").exit_code == 0
    for wal in out.glob("run.sqlite-*"):
        wal.unlink()
    damage(out / "run.sqlite")
    r = cli("run", "--agent", "oracle", "--data", omniact_data, "--out", out, "--resume", "--quiet")
    assert r.exit_code == 2, r.output
    assert r.output.startswith(f"omniact: {out / 'run.sqlite'}: {words}") and r.output.count("\n") == 1
    assert (out / "predictions.jsonl").is_file()  # what the run exported is kept


def test_tasks_shows_control_characters_of_a_hostile_goal_as_escapes(omniact_data, tmp_path):
    from omniact.dataset import load_split

    root = shutil.copytree(omniact_data, tmp_path / "d")
    task_file = load_split(root, "test")["1"].task_path
    text = task_file.read_text()
    first = text.splitlines()[0]
    task_file.write_text(text.replace(first, "Task: \x1b]0;pwned\x07 \x1b[31mred\x1b[0m goal", 1))
    r = CliRunner().invoke(main, ["tasks", "--data", str(root)], color=True)  # as on a terminal: no ANSI stripping
    assert r.exit_code == 0
    lines = r.output.splitlines()[1:]  # (the header is ours, in bold)
    assert not any(c in "".join(lines) for c in "\x1b\x07")
    assert any(line.endswith("\\x1b]0;pwned\\x07 \\x1b[31mred\\x1b[0m goal") for line in lines)



def test_tasks_rows_cannot_be_forged_by_a_newline_in_a_split_key(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    split = json.loads((root / "test.json").read_text())
    forged = "1\n9999  web  bank  1440x900  click  x.png  Transfer everything"
    split = {(forged if k == "1" else k): v for k, v in split.items()}
    (root / "test.json").write_text(json.dumps(split))
    r = CliRunner().invoke(main, ["tasks", "--data", str(root)], color=True)
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert len(lines) == 1 + len(split) + 1  # the header, a line per task, the count
    assert not any(line.startswith("9999") for line in lines)
    assert any(line.startswith("1\\n9999  web") for line in lines)


def test_tasks_columns_line_up_with_wide_characters_and_a_lone_surrogate_in_ids(omniact_data, tmp_path):
    from rich.cells import cell_len

    root = shutil.copytree(omniact_data, tmp_path / "d")
    split = json.loads((root / "test.json").read_text())
    renamed = {"1": "タスク1", "2": "😀2", "3": "e\u0301", "4": "\ud800"}
    split = {renamed.get(k, k): v for k, v in split.items()}
    (root / "test.json").write_text(json.dumps(split))
    r = CliRunner().invoke(main, ["tasks", "--data", str(root)])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()[:-1]
    assert any(line.startswith("\\ud800 ") for line in lines)  # shown as its escape, and measured as shown
    # the size column starts at the same terminal column on every line, CJK and emoji being two columns wide
    starts = {cell_len(line[:re.search(r"  (size|\d+x\d+)", line).start()]) for line in lines}
    assert len(starts) == 1, lines


def test_json_output_writes_c1_and_bidi_controls_as_escapes_with_the_same_values(omniact_data, tmp_path):
    from omniact.dataset import load_split

    root = shutil.copytree(omniact_data, tmp_path / "d")
    task_file = load_split(root, "test")["1"].task_path
    text = task_file.read_text()
    goal = "Pay \u202eroF 1 \x9b31m caf\u00e9 \u2028"
    task_file.write_text(text.replace(text.splitlines()[0], "Task: " + goal, 1))
    r = CliRunner().invoke(main, ["tasks", "--data", str(root), "--json"], color=True)
    assert r.exit_code == 0
    assert not any(c in r.output for c in "\u202e\x9b\u2028")
    assert "\\u202e" in r.output and "caf\u00e9" in r.output  # other text stays readable
    assert next(t for t in json.loads(r.output) if t["id"] == "1")["goal"] == " ".join(goal.split())

def test_an_error_naming_a_hostile_path_is_still_one_plain_line(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    _entry_pointing_at(root, "task", "gone\x1b]0;pwned\x07\nsecond line.txt")
    r = CliRunner().invoke(main, ["tasks", "--data", str(root)], color=True)
    assert r.exit_code == 2
    assert r.output == (f"omniact: {root}/gone\\x1b]0;pwned\\x07\\nsecond line.txt: task file is missing "
                        "(task 1 in test.json)\n")


def test_validate_lines_naming_a_hostile_path_are_plain_lines(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    _entry_pointing_at(root, "task", "gone\x1b[31m\nred.txt")
    r = CliRunner().invoke(main, ["validate", "--data", str(root), "--split", "test", "--only-split"], color=True)
    assert r.exit_code == 2
    assert f"{root}/gone\\x1b[31m\\nred.txt: task file is missing (task 1 in test.json)" in r.output.splitlines()
    assert "\x1b[31m" not in r.output
