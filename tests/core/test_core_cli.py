"""The `omniact` command as a user runs it: outputs, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from omniact_fixture import TASKS
from PIL import Image

from omniact.cli import main


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def gold_predictions(path: Path, ids=None, mutate=None) -> Path:
    with open(path, "w") as f:
        for task_id, _, _, _, lines in TASKS[:12]:
            if ids is not None and task_id not in ids:
                continue
            script = "\n".join(lines)
            if mutate:
                script = mutate(task_id, script)
            f.write(json.dumps({"id": task_id, "script": script}) + "\n")
    return path


CONTRACT_KEYS = {"mode", "scorer_version", "dataset", "sequence_score", "action_score", "click_penalty",
                 "key_penalty", "write_penalty", "ideal_score", "n_scored", "n_missing", "n_parse_errors",
                 "breakdown"}


@pytest.mark.parametrize("mode", ["reference", "strict"])
def test_score_json_is_the_contract_and_gold_scores_one(omniact_data, tmp_path, mode):
    preds = gold_predictions(tmp_path / "p.jsonl")
    r = run("score", "--data", omniact_data, "--split", "test", "--predictions", preds, "--mode", mode, "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert set(d) == CONTRACT_KEYS
    assert d["mode"] == mode
    assert d["dataset"]["split"] == "test" and d["dataset"]["n_tasks"] == 12 and len(d["dataset"]["sha256"]) == 64
    assert d["sequence_score"] == d["action_score"] == 1.0
    assert d["click_penalty"] == d["key_penalty"] == d["write_penalty"] == 0.0
    assert d["n_scored"] == 12 and d["n_missing"] == 0 and d["n_parse_errors"] == 0
    # weights n - 0.9 summed: 1-action tasks 0.1 each (7), 2-action 1.1 (2), 3-action 2.1 (3)
    assert d["ideal_score"] == pytest.approx(7 * 0.1 + 2 * 1.1 + 3 * 2.1)
    assert set(d["breakdown"]["platform"]) == {"desktop", "web"}
    assert set(d["breakdown"]["app"]) == {"finder", "notepad", "amazon"}
    assert {"click", "doubleClick", "rightClick", "moveTo", "dragTo", "scroll", "hscroll", "write", "press",
            "hotkey"} <= set(d["breakdown"]["action"])


def test_missing_and_unreadable_predictions_score_zero_and_are_counted(omniact_data, tmp_path):
    preds = gold_predictions(tmp_path / "p.jsonl", ids={"0", "1", "10"},
                             mutate=lambda i, s: "__import__('os').system('true')" if i == "0" else s)
    d = json.loads(run("score", "--data", omniact_data, "--predictions", preds, "--split", "test", "--json").output)
    assert d["n_missing"] == 9 and d["n_scored"] == 3 and d["n_parse_errors"] == 1
    ideal = 7 * 0.1 + 2 * 1.1 + 3 * 2.1
    assert d["sequence_score"] == pytest.approx((2.1 + 2.1) / ideal)  # tasks 1 and 10 (3 actions each)


def test_an_empty_predictions_file_scores_zero_and_says_why(omniact_data, tmp_path):
    """An empty file (a run stopped before its first answer, a redirect gone wrong) scored 0 without a word."""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    note = f"{empty} holds no predictions: every task is scored as missing"
    r = run("score", "--data", omniact_data, "--split", "test", "--predictions", empty)
    assert r.exit_code == 0 and "holds no predictions: every task is scored as missing" in " ".join(r.output.split())
    r = run("score", "--data", omniact_data, "--split", "test", "--predictions", empty, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["n_missing"] == 12 and f"omniact: note: {note}" in r.stderr


def test_score_table_shows_x100_and_breakdowns(omniact_data, tmp_path):
    preds = gold_predictions(tmp_path / "p.jsonl", mutate=lambda i, s: s.replace("running shoes", "running shoe"))
    r = run("score", "--data", omniact_data, "--split", "test", "--predictions", preds)
    assert r.exit_code == 0
    assert "100.00" in r.output and "by platform" in r.output and "by app" in r.output
    assert "by gold action" in r.output and "amazon" in r.output


def test_score_table_says_why_unmatched_tasks_did_not_match(omniact_data, tmp_path):
    # task 1 loses its last line, task 10 double-clicks where the gold clicks; the rest is gold
    def mutate(i, s):
        if i == "1":
            return s.rsplit("\n", 1)[0]
        return s.replace("pyautogui.click(412.5", "pyautogui.doubleClick(412.5") if i == "10" else s

    preds = gold_predictions(tmp_path / "p.jsonl", mutate=mutate)
    r = run("score", "--data", omniact_data, "--split", "test", "--predictions", preds)
    assert r.exit_code == 0
    why = r.output[r.output.index("why no match"):]
    assert "one action too few" in why and "doubleclick for click" in why
    gold = run("score", "--data", omniact_data, "--split", "test", "--predictions", gold_predictions(tmp_path / "g.jsonl"))
    assert "why no match" not in gold.output  # nothing unmatched, nothing to explain


def test_strict_modes_why_no_match_counts_a_refused_prediction_as_refused(omniact_data, tmp_path):
    """Strict mode left a prose answer out of the table, whose rows then did not add up to the unmatched tasks."""
    preds = gold_predictions(tmp_path / "p.jsonl", mutate=lambda i, s: "I cannot do that." if i == "1" else s)
    r = run("score", "--data", omniact_data, "--split", "test", "--predictions", preds, "--mode", "strict")
    assert r.exit_code == 0
    why = r.output[r.output.index("why no match"):]
    assert re.search(r"refused by the parser\s*\S*\s*1\b", why), why


@pytest.mark.parametrize("content, line, words", [
    ('{"id": "0", "script": "pyautogui.click(1,2)"}\n{"id": "1", "script": \n', 2, ""),
    ('{"id": "0", "script": "x"}\n{"id": "0", "script": "y"}\n', 2, "duplicate"),
    ('{"id": "0", "script": "x"}\n\n{"id": "4242", "script": "y"}\n', 3, "4242"),
])
def test_broken_prediction_files_exit_2_with_file_and_line(omniact_data, tmp_path, content, line, words):
    p = tmp_path / "bad.jsonl"
    p.write_text(content)
    for verb in ("score", "validate"):
        r = CliRunner().invoke(main, [verb, "--data", str(omniact_data), "--split", "test", "--predictions", str(p)])
        assert r.exit_code == 2, r.output
        msg = r.output.strip().splitlines()[-1]
        assert f"{p}:{line}:" in msg and words in msg
        assert "Traceback" not in r.output


def test_score_table_prints_prediction_text_literally(omniact_data, tmp_path):
    # Reasons quote the predicted action names: rich markup in them must print as it is, not raise, and escape
    # sequences must not reach the terminal (they can retitle or recolour it).
    p = tmp_path / "p.jsonl"
    p.write_text(json.dumps({"id": "1", "script": 'pyautogui.click(1, 2)\npyautogui.write("""\npyautogui.[/x](\n""")'})
                 + "\n" + json.dumps({"id": "10", "script": 'pyautogui.click(1, 2)\npyautogui.write("""\n'
                                                            'pyautogui.\x1b]0;owned\x07\x1b[31m(\n""")'}) + "\n")
    r = CliRunner().invoke(main, ["score", "--data", str(omniact_data), "--split", "test", "--predictions", str(p)])
    assert r.exit_code == 0, r.output
    assert "[/x] for press" in r.output and "\x1b" not in r.output
    assert "\\x1b]0;owned\\x07\\x1b[31m for press" in r.output


def test_validate_predictions_lists_unreadable_scripts_but_passes(omniact_data, tmp_path):
    preds = gold_predictions(tmp_path / "p.jsonl", mutate=lambda i, s: "rm -rf /" if i == "3" else s)
    r = run("validate", "--data", omniact_data, "--split", "test", "--predictions", preds)
    assert r.exit_code == 0
    assert "task 3: the parser refuses the script" in r.output and "1 refused by the parser" in r.output
    assert "they score 0 in strict mode" in r.output
    r = run("validate", "--data", omniact_data, "--split", "test", "--predictions", gold_predictions(preds))
    assert "0 refused by the parser" in r.output and "strict mode" not in r.output  # no note about nothing


def test_validate_data_and_manifest(omniact_data, tmp_path):
    root = shutil.copytree(omniact_data, tmp_path / "d")
    assert run("validate", "--data", root).exit_code == 0
    r = run("manifest", "--data", root)
    assert r.exit_code == 0 and "MANIFEST.sha256" in r.output
    r = run("validate", "--data", root)
    assert r.exit_code == 0 and "verified" in r.output
    (root / "data/metadata/desktop/boxes/finder/screen_1.json").write_text("{}")
    r = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert r.exit_code == 2 and "screen_1.json has changed" in r.output
    (root / "data/tasks/desktop/finder/task_1.0.txt").write_text("Task: x\nOutput Script:\nos.system('x')\n")
    r = CliRunner().invoke(main, ["validate", "--data", str(root)])
    assert r.exit_code == 2 and "task_1.0.txt:3:1: gold script" in r.output
    assert "task_1.0.txt: task" not in r.output  # the broken gold is one problem, not also a warning


def test_score_reads_stdin_and_explains_paths_that_are_not_predictions(omniact_data, tmp_path):
    preds = gold_predictions(tmp_path / "p.jsonl")
    r = CliRunner().invoke(main, ["score", "--data", str(omniact_data), "--predictions", "-", "--json"],
                           input=preds.read_text())
    assert r.exit_code == 0 and json.loads(r.output)["action_score"] == 1.0
    stopped = tmp_path / "stopped"
    stopped.mkdir()
    (stopped / "run.sqlite").write_bytes(b"")
    cases = [(tmp_path, "not a run folder (no predictions.jsonl in it)"),
             (stopped, f"it was stopped before it ended; finish it with `omniact run ... --out {stopped} --resume`"),
             (tmp_path / "nope.jsonl", "predictions file does not exist")]
    for path, words in cases:
        for verb in ("score", "validate"):
            r = CliRunner().invoke(main, [verb, "--data", str(omniact_data), "--predictions", str(path)])
            assert r.exit_code == 2 and r.output.count("\n") == 1 and words in r.output, r.output


def test_a_pretty_printed_predictions_file_is_told_apart_from_broken_json(omniact_data, tmp_path):
    p = tmp_path / "p.json"
    p.write_text(json.dumps([{"id": "1", "script": "pyautogui.press('enter')"}], indent=2))
    r = CliRunner().invoke(main, ["score", "--data", str(omniact_data), "--predictions", str(p)])
    assert r.exit_code == 2 and "one JSON array over several lines" in r.output and "JSON Lines" in r.output


def test_score_of_a_run_folder_uses_the_run_s_split(omniact_data, tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    gold_predictions(run_dir / "predictions.jsonl", ids={"1", "3"})
    other = tmp_path / "d"
    shutil.copytree(omniact_data, other)
    (other / "dev.json").write_text(json.dumps({k: v for k, v in json.loads((other / "test.json").read_text()).items()
                                                if k in ("1", "3")}))
    (run_dir / "manifest.json").write_text(json.dumps({"dataset": {"root": str(other), "split": "dev"}}))
    out = json.loads(run("score", "--predictions", run_dir, "--json").output)
    assert (out["dataset"]["split"], out["dataset"]["n_tasks"], out["n_missing"]) == ("dev", 2, 0)
    # --split still wins, and an id outside it names the split and what to do
    r = CliRunner().invoke(main, ["score", "--predictions", str(run_dir), "--split", "dev", "--data", str(omniact_data)])
    assert r.exit_code == 2 and "no split file dev.json" in r.output
    (other / "dev.json").write_text(json.dumps({k: v for k, v in json.loads((other / "test.json").read_text()).items()
                                                if k == "1"}))
    r = CliRunner().invoke(main, ["score", "--predictions", str(run_dir)])
    assert r.exit_code == 2 and "id '3' is not a task of split 'dev'" in r.output and "--split" in r.output


def test_score_of_a_run_whose_manifest_names_no_string_split_refuses_it(omniact_data, tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    gold_predictions(run_dir / "predictions.jsonl")
    (run_dir / "manifest.json").write_text(json.dumps({"dataset": {"root": str(omniact_data), "split": ["test"]}}))
    r = CliRunner().invoke(main, ["score", "--predictions", str(run_dir)])
    assert r.exit_code == 2
    assert r.output.strip() == (f"omniact: {run_dir / 'manifest.json'}: dataset.split must be a split name (a string), "
                                'not ["test"]')


def test_split_given_a_predictions_file_says_where_it_goes(omniact_data):
    r = CliRunner().invoke(main, ["tasks", "--data", str(omniact_data), "--split", "my_run.jsonl"])
    assert r.exit_code == 2 and "--split takes a split name" in r.output and "--predictions" in r.output


@pytest.mark.parametrize("args, words", [
    (["run", "--agent", "oracle", "--out", "{f}/sub"], "file.jsonl: is a file, not a folder: choose another path"),
    (["detect", "--out", "{f}/sub"], "file.jsonl: is a file, not a folder: choose another path"),
    (["manifest", "--data", "{d}"], "Is a directory"),
])
def test_a_path_that_cannot_be_written_is_one_line_and_exit_2(omniact_data, tmp_path, args, words):
    f = tmp_path / "file.jsonl"
    f.write_text("")
    d = shutil.copytree(omniact_data, tmp_path / "d")
    (d / "MANIFEST.sha256").mkdir()
    proc = subprocess.run([sys.executable, "-m", "omniact.cli", *(a.format(f=f, d=d) for a in args)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and words in proc.stderr, proc.stderr
    assert not [p for p in d.iterdir() if p.name.endswith(".tmp")]


def test_validate_says_when_the_folder_holds_no_split_at_all(tmp_path):
    r = CliRunner().invoke(main, ["validate", "--data", str(tmp_path)])
    assert r.exit_code == 2
    assert r.output.strip() == (f"omniact: {tmp_path}: no split file here (train.json, val.json, test.json): "
                                "is this the data root?")


def test_tasks_json_lists_every_task(omniact_data):
    rows = json.loads(run("tasks", "--data", omniact_data, "--split", "test", "--json").output)
    assert len(rows) == 12
    r = rows[1]
    assert (r["id"], r["platform"], r["app"], r["actions"]) == ("1", "desktop", "finder", ["click", "write", "press"])
    assert (r["width"], r["height"], r["dpr"]) == (2880, 1800, 2.0)


def test_tasks_table_is_one_aligned_line_per_task_with_the_whole_goal(omniact_data):
    out = run("tasks", "--data", omniact_data, "--split", "test").output.splitlines()
    assert out[0].split() == ["id", "platform", "app", "size", "actions", "screenshot", "goal"]
    assert out[-1] == "12 tasks" and len(out) == 14
    rows = {line.split()[0]: line for line in out[1:-1]}
    one = rows["1"].split()
    assert one[:5] == ["1", "desktop/macos", "finder", "2880x1800@2x", "click"]
    assert rows["1"].endswith("Search for report")  # the goal, last and whole
    starts = {line.index(col) for line, col in ((out[0], "goal"), (rows["1"], "Search for report"))}
    assert len(starts) == 1  # the goal column lines up under its header


def test_show_draws_the_task(omniact_data, tmp_path):
    out = tmp_path / "t.png"
    script = tmp_path / "pred.py"
    script.write_text("pyautogui.click(6, 6)\n")
    r = run("show", "--data", omniact_data, "10", "--out", out, "--script", script)
    assert r.exit_code == 0
    from omniact.dataset import load_split

    with Image.open(out) as im, Image.open(load_split(omniact_data, "test")["10"].image_path) as shot:
        assert im.format == "PNG" and im.width == 1440 and im.height > 900  # the legend is a panel under it
        rgb = im.convert("RGB")
        # the gold target box is filled green around the click at (412.5, 88)
        r_, g, b = rgb.getpixel((320, 95))
        assert g > r_ and g > b
        # a predicted point in the top-left corner is drawn, not hidden under the legend
        r_, g, b = rgb.getpixel((12, 6))  # in its disc, beside the white number
        assert r_ > 150 and g < 100, (r_, g, b)
        assert rgb.getpixel((700, 899)) == shot.convert("RGB").getpixel((700, 899))


@pytest.mark.parametrize("name, fmt", [("t.jpg", "JPEG"), ("t.webp", "WEBP")])
def test_show_writes_the_format_its_name_says(omniact_data, tmp_path, name, fmt):
    assert run("show", "--data", omniact_data, "10", "--out", tmp_path / name).exit_code == 0
    with Image.open(tmp_path / name) as im:
        assert im.format == fmt


def test_show_draws_accented_letters_not_boxes():
    # Pillow's own default font has no "ö": a legend's hotkey("ctrl", "ö") showed a box. (CJK text takes a CJK
    # font when the machine has one; `make setup` installs none.)
    from omniact.draw import font_for

    def glyph(font, ch):
        mask = font.getmask(ch)
        return mask.size, bytes(mask)

    font = font_for('pyautogui.hotkey("ctrl", "ö")', 13)
    missing = glyph(font, "\U0010fffd")  # a code point no font has: the box
    assert all(glyph(font, ch) != missing for ch in "öäßéñçøЖΩ")


def test_show_refuses_a_name_with_no_image_format_and_a_binary_script(omniact_data, tmp_path):
    r = CliRunner().invoke(main, ["show", "--data", str(omniact_data), "10", "--out", str(tmp_path / "t.txt")])
    assert r.exit_code == 2 and "cannot tell the image format" in r.output and not (tmp_path / "t.txt").exists()
    script = tmp_path / "bin.py"
    script.write_bytes(b"\xff\xfe\x00binary")
    r = CliRunner().invoke(main, ["show", "--data", str(omniact_data), "10", "--out", str(tmp_path / "t.png"),
                                  "--script", str(script)])
    assert r.exit_code == 2 and r.output.strip() == f"omniact: {script}:1: script file is UTF-16 text: save it as UTF-8"


def test_python_m_omniact_cli_beside_a_users_agents_and_scoring_folders_uses_omniacts_own(omniact_data, tmp_path):
    # `python -m` puts the current folder first on sys.path: a folder of the user's called scoring/ or agents/ there
    # was imported instead of omniact's packages of those names, and `score` ran (here: exited in) the user's code.
    for name in ("agents", "scoring"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"raise SystemExit('the user\\'s {name} was imported')\n")
    (tmp_path / "mine.py").write_text("class Mine:\n    def act(self, view):\n        return ''\n")
    p = tmp_path / "run.jsonl"
    p.write_text('{"id": "10", "script": "pyautogui.click(1, 2)"}\n')
    env = {**os.environ, "OMNIACT_CACHE_DIR": str(tmp_path / "cache")}
    for args in (["score", "--predictions", str(p), "--json"], ["agents", "--check", "oracle"],
                 ["agents", "--check", "mine:Mine"]):  # the user's own module is still found
        proc = subprocess.run([sys.executable, "-m", "omniact.cli", *args, "--data", str(omniact_data)], cwd=tmp_path,
                              capture_output=True, text=True, check=False, env=env)
        assert proc.returncode == 0 and "was imported" not in proc.stderr + proc.stdout, (args, proc.stderr)
        assert args[0] != "score" or "sequence_score" in json.loads(proc.stdout)


def test_user_errors_are_one_line_and_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "omniact.cli", "score", "--data", str(tmp_path / "nope"),
                           "--predictions", str(tmp_path / "p.jsonl")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "does not exist" in proc.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("verb", ["score", "tasks"])
def test_a_full_disk_is_one_line_and_exit_1(omniact_data, tmp_path, verb):
    p = tmp_path / "run.jsonl"
    p.write_text('{"id": "10", "script": "pyautogui.click(1, 2)"}\n')
    args = [sys.executable, "-m", "omniact.cli", verb, "--data", str(omniact_data)]
    if verb == "score":
        args += ["--predictions", str(p)]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, text=True, check=False,
                              env={**os.environ, "OMNIACT_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode == 1 and proc.stderr == "omniact: cannot write: No space left on device\n"


@pytest.mark.parametrize("args", [["score"], ["score", "--json"], ["tasks"]])
def test_output_to_a_reader_that_has_gone_ends_with_exit_0_and_no_word(omniact_data, tmp_path, args):
    # `omniact score ... | head -1`: the table's printer (rich) exited with 1, the code of a bug of ours.
    p = tmp_path / "run.jsonl"
    p.write_text('{"id": "10", "script": "pyautogui.click(1, 2)"}\n')
    cmd = [sys.executable, "-m", "omniact.cli", *args, "--data", str(omniact_data)]
    if args[0] == "score":
        cmd += ["--predictions", str(p)]
    # The gold cache takes no file changed in the last 2 s (see scoring/gold_cache.py): wait until the data is older.
    newest = max(max(f.stat().st_mtime, f.stat().st_ctime) for f in omniact_data.rglob("*") if f.is_file())
    time.sleep(max(0.0, newest + 2.1 - time.time()))
    env = {**os.environ, "OMNIACT_CACHE_DIR": str(tmp_path / "cache")}
    if args[0] == "score":  # scored once before: this run is the one that writes the split's gold cache entry
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line
    try:
        proc = subprocess.run(cmd, stdout=write, stderr=subprocess.PIPE, text=True, check=False, env=env)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (0, "")
    if args[0] == "score":  # the gold side worked out is kept for the next run all the same
        assert len(list((tmp_path / "cache" / "gold").glob("*.marshal"))) == 1


def test_a_verb_whose_extra_is_not_installed_says_which_in_one_line(monkeypatch, tmp_path):
    import sys

    # As if the detact extra were not installed: its modules cannot be imported (and none is imported yet).
    for name in [n for n in sys.modules if n == "agents.detact" or n.startswith("agents.detact.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "cv2", None)
    r = CliRunner().invoke(main, ["detect", "--split", "test", "--out", str(tmp_path / "det")])
    assert r.exit_code == 2
    assert r.output.strip() == "omniact: this needs cv2, which is not installed: pip install 'omniact[detact]'"


def test_an_agent_that_needs_an_extra_not_installed_says_which(monkeypatch, tmp_path):
    # Before: "setup() raised ModuleNotFoundError: No module named 'openai' (backends.py:242)", and nothing said
    # that the agents extra installs it.
    import sys

    monkeypatch.setitem(sys.modules, "openai", None)  # as if the agents extra were not installed
    r = CliRunner().invoke(main, ["run", "--agent", "llm", "--agent-arg", "model=m", "--agent-arg",
                                  "base_url=http://127.0.0.1:9/v1", "--agent-arg", "n_examples=0", "--split", "test",
                                  "--limit", "2", "--out", str(tmp_path / "r")])
    assert r.exit_code == 2, r.output
    last = r.output.rstrip().splitlines()[-1]  # (above it, the progress line)
    assert last.startswith("omniact: agent could not be started: setup() raised ModuleNotFoundError")
    assert last.endswith(": pip install 'omniact[agents]'")
