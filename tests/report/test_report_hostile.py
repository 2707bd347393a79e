"""Hostile submissions: whatever one says, it is left out or shown as text, never costing the board or another entry."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import re
from pathlib import Path

import hypothesis
import pytest
from click.testing import CliRunner
from hypothesis import strategies as st
from test_report_leaderboard import write_sub

from omniact.cli import main
from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_site, write_tables


def _site_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".csv", ".md")]


def _task_data(page: Path) -> dict:
    return json.loads(re.search(r"id=task-data>(.*?)</script>", page.read_text(), re.S)[1])


def _run(folder: Path, manifest: dict, mutate=None) -> Path:
    folder.mkdir(parents=True)
    write_sub(folder / "predictions.jsonl", mutate=mutate)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_a_lone_surrogate_or_an_undecodable_file_name_is_written_not_fatal(omniact_data, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    sur = write_sub(subs / "sur.jsonl")
    (subs / "sur.jsonl.meta.json").write_text('{"name": "ok", "team": "\\ud800"}')  # a valid JSON escape
    try:  # byte 0xff in a file name: Python names the file "\udcff.jsonl"
        odd = write_sub(subs / os.fsdecode(b"\xff.jsonl"))
        garbage = subs / os.fsdecode(b"\xfe.jsonl")
        garbage.write_text("garbage\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses file names that are not UTF-8")
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [sur, odd, garbage], samples=10)
    assert sorted(e.name for e in board.entries) == ["ok", "\udcff"] and len(board.rejected) == 1
    out = tmp_path / "site"
    write_tables(board, out)
    write_site(board, ds, out)
    for p in _site_files(out):
        p.read_bytes().decode("utf-8")  # every file valid UTF-8
    # The JSON reads back as it was (the surrogate escaped); text shows the replacement character.
    j = json.loads((out / "leaderboard.json").read_text(encoding="utf-8"))
    assert {e["name"]: e["team"] for e in j["entries"]} == {"ok": "\ud800", "\udcff": None}
    assert [r["source"] for r in j["rejected"]] == [str(garbage)]
    assert "\ufffd" in (out / "leaderboard.md").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "\ufffd.jsonl" in index  # the rejected file, listed
    assert len(list((out / "entries").iterdir())) == 2


def test_a_report_of_a_run_whose_agent_name_is_a_lone_surrogate(omniact_data, tmp_path):
    run = _run(tmp_path / "run", {"agent": {"name": "\ud800"}, "dataset": {"root": None, "split": "test"}})
    out = tmp_path / "rep"
    r = CliRunner().invoke(main, ["report", str(run), "--data", str(omniact_data), "--out", str(out)])
    assert r.exit_code == 0, r.output
    for p in _site_files(out):
        p.read_bytes().decode("utf-8")
    assert json.loads((out / "leaderboard.json").read_text())["entries"][0]["agent"] == "\ud800"
    assert "<th scope=row class=l>agent</th><td class=l>\ufffd</td>" in (out / "index.html").read_text()


def test_every_entry_has_its_own_name_page_and_scripts(omniact_data, tmp_path):
    # c1 and c2 are both "dup", c3 already "dup (2)": c2 must not become c3's name. "a b"/"a-b" would have one
    # file name, and so would "Case"/"case" on a case-insensitive disk.
    names = ["dup", "dup", "dup (2)", "a b", "a-b", "Case", "case"]
    sources = []
    for k, name in enumerate(names):
        # entry k leaves out its first k tasks (so that every entry's scores differ) and signs task 11
        sources.append(write_sub(tmp_path / f"c{k}.jsonl", meta={"name": name},
                                 mutate=lambda i, s, k=k: None if int(i) < k else
                                 s + f"\npyautogui.write('I AM {k}')" if i == "11" else s))
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, sources, samples=10)
    by_source = {Path(e.submission.source).stem: e for e in board.entries}
    assert [by_source[f"c{k}"].name for k in range(3)] == ["dup", "dup (3)", "dup (2)"]
    assert len({e.name for e in board.entries}) == len(names)
    out = tmp_path / "site"
    write_site(board, ds, out)
    links = re.findall(r"<a href='entries/([^']+)'>([^<]*)</a>", (out / "index.html").read_text())
    assert len({page for page, _ in links}) == len(names) == len(list((out / "entries").iterdir()))
    script = {d["name"]: d["script"] for d in _task_data(out / "tasks" / "11.html")["entries"]}
    for page, shown in links:
        e = next(x for x in board.entries if x.name == html.unescape(shown))
        text = (out / "entries" / page).read_text()
        assert f"<title>{html.escape(e.name)}</title>" in text
        scores = [float(v) for v in re.findall(r"<td data-v='([0-9.]+)'>", text)[:5]]  # SS, AS, M, K, W
        assert scores[:2] == pytest.approx([e.score["sequence_score"], e.score["action_score"]])
        k = Path(e.submission.source).stem[1:]
        assert script[e.name].endswith(f"pyautogui.write('I AM {k}')")


@pytest.mark.parametrize("field, value, words", [
    ("root", 5, "dataset.root must be a path string, not 5"),
    ("root", ["/x"], 'dataset.root must be a path string, not ["/x"]'),
    ("root", {"a": 1}, 'dataset.root must be a path string, not {"a": 1}'),
    ("split", 7, "dataset.split must be a split name (a string), not 7"),
    ("split", ["test"], 'dataset.split must be a split name (a string), not ["test"]'),
])
def test_a_report_refuses_a_manifest_whose_data_is_not_a_string(omniact_data, tmp_path, field, value, words):
    dataset = {"root": str(omniact_data), "split": "test", field: value}
    run = _run(tmp_path / "run", {"agent": {"name": "a"}, "dataset": dataset})
    r = CliRunner().invoke(main, ["report", str(run), "--out", str(tmp_path / "rep")])
    assert r.exit_code == 2, r.output
    assert r.output.strip() == f"omniact: {run / 'manifest.json'}: {words}"


def test_a_folders_meta_json_names_only_the_run_it_belongs_to(omniact_data, tmp_path):
    shared = tmp_path / "subs"
    shared.mkdir()
    own = write_sub(shared / "own.jsonl", meta={"name": "Own"})
    other = write_sub(shared / "other.jsonl")  # no metadata of its own
    (shared / "meta.json").write_text(json.dumps({"name": "Hijacked", "uses_gold": True, "link": "https://evil.example",
                                                  "dataset_sha256": "bogus"}))
    run = _run(tmp_path / "runs" / "r1", {"agent": {"name": "a"}})
    (run / "meta.json").write_text(json.dumps({"name": "My run", "link": "https://mine.example"}))
    board = build_leaderboard(load_split(omniact_data, "test"), [own, other, run], samples=10)
    got = {e.name: e for e in board.entries}
    assert set(got) == {"Own", "other", "My run"}
    plain = got["other"]
    assert not plain.submission.uses_gold and plain.dataset_match is None and "link" not in plain.submission.meta
    assert got["My run"].submission.meta["link"] == "https://mine.example"


def test_metadata_that_is_a_folder_a_device_or_has_a_byte_order_mark(omniact_data, tmp_path):
    bom = write_sub(tmp_path / "bom.jsonl")
    (tmp_path / "bom.jsonl.meta.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"name": "Saved on Windows"}).encode())
    folder = write_sub(tmp_path / "folder.jsonl")
    (tmp_path / "folder.jsonl.meta.json").mkdir()  # silently ignored, the entry lost its name and link
    device = write_sub(tmp_path / "device.jsonl")
    (tmp_path / "device.jsonl.meta.json").symlink_to("/dev/zero")  # was read until memory ran out
    board = build_leaderboard(load_split(omniact_data, "test"), [bom, folder, device, "/dev/zero"], samples=10)
    assert [e.name for e in board.entries] == ["Saved on Windows"]
    assert {r.source: r.error for r in board.rejected} == {
        str(folder): f"{tmp_path}/folder.jsonl.meta.json: metadata file is a folder: make it a JSON file, or move it away",
        str(device): f"{tmp_path}/device.jsonl.meta.json: metadata file is not a regular file: make it a JSON file, or move it away",
        "/dev/zero": "/dev/zero: predictions file is a pipe or device, not a file: save it to a file and give that",
    }


def test_tables_show_hostile_text_as_text(omniact_data, tmp_path):
    formula = '=HYPERLINK("https://evil.example","click")'
    a = write_sub(tmp_path / "a.jsonl", meta={"name": formula, "team": "+1", "agent": "@SUM(A1)", "model": "-2",
                                              "date": "\t=1"})
    b = write_sub(tmp_path / "b.jsonl", mutate=lambda i, s: "", meta={"name": "<img src=x onerror=alert(1)>"})
    c = write_sub(tmp_path / "c.jsonl", mutate=lambda i, s: s if int(i) % 2 else None,
                  meta={"name": "<script>alert(1)</script> | a\\|b & c\r\nd"})
    board = build_leaderboard(load_split(omniact_data, "test"), [a, b, c], samples=10)
    write_tables(board, tmp_path / "out")
    with open(tmp_path / "out/leaderboard.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    first = rows[0]
    assert (first["name"], first["team"], first["agent"], first["model"], first["date"]) == (
        "'" + formula, "'+1", "'@SUM(A1)", "'-2", "'\t=1")
    assert (first["rank"], first["AS"], first["n_missing"]) == ("1", "100.00", "0")  # numbers stay numbers
    assert rows[1]["name"] == "<script>alert(1)</script> | a\\|b & c\r\nd"  # harmless text is kept as it is
    md = (tmp_path / "out/leaderboard.md").read_text()
    assert "<script" not in md and "<img" not in md
    assert "| 3 | &lt;img src=x onerror=alert(1)&gt; |" in md
    row = next(line for line in md.splitlines() if "alert(1)&lt;/script&gt;" in line)
    # one row, its cells where they belong: the name's pipes and backslash escaped, its line break a space
    assert "| &lt;script&gt;alert(1)&lt;/script&gt; \\| a\\\\\\|b &amp; c d |" in row

    def cells(line: str) -> int:  # the pipes a Markdown table splits on: not escaped
        return len(re.findall(r"(?<!\\)\|", line.replace("\\\\", "")))

    assert cells(row) == cells(md.splitlines()[2]) == 10


def test_markdown_shows_a_link_or_image_in_a_name_as_text(omniact_data, tmp_path):
    a = write_sub(tmp_path / "a.jsonl", meta={"name": "![x](https://tracker.example/p.png) [win](https://e.example)"})
    write_tables(build_leaderboard(load_split(omniact_data, "test"), [a], samples=10), tmp_path / "out")
    md = (tmp_path / "out/leaderboard.md").read_text()
    assert "| !\\[x\\](https\\://tracker.example/p.png) \\[win\\](https\\://e.example) |" in md


def test_markdown_shows_a_bare_address_as_text(omniact_data, tmp_path):
    # GitHub's Markdown links "https://..." and "www...." by itself; a backslash escape stops it and shows nothing.
    a = write_sub(tmp_path / "a.jsonl", meta={"name": "see https://phish.example/login or WWW.evil.example (www.x.y) "
                                                      "awww.ok C:\\x"})
    write_tables(build_leaderboard(load_split(omniact_data, "test"), [a], samples=10), tmp_path / "out")
    md = (tmp_path / "out/leaderboard.md").read_text()
    assert "| see https\\://phish.example/login or WWW\\.evil.example (www\\.x.y) awww.ok C:\\\\x |" in md


def _published(omniact_data, tmp_path, meta: dict) -> tuple:
    """(the submission, the folder) of a board of one submission with `meta`, its tables and site written."""
    sub = write_sub(tmp_path / "evil.jsonl", meta=meta)
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [sub], samples=10)
    out = tmp_path / "out"
    write_tables(board, out)
    write_site(board, ds, out)
    return sub, out


def _shown(out) -> list:
    """(path, text) of each file of a written board that shows its text to people: the JSON keeps the data as it
    is (its readers are programs)."""
    return [(p, p.read_text(encoding="utf-8")) for p in _site_files(out) if p.suffix != ".json"]


def test_bidi_controls_in_a_name_are_shown_as_escapes_everywhere(omniact_data, tmp_path, capsys):
    # A right-to-left override at the end of a name shows the rest of its row backwards (AS 0.02 reads "20.0").
    evil, out = _published(omniact_data, tmp_path, {"name": "evil\u202e", "team": "ACME\u2067"})
    for p, text in _shown(out):
        assert "\u202e" not in text and "\u2067" not in text, p
    assert "evil\\u202e" in (out / "index.html").read_text() and "ACME\\u2067" in (out / "index.html").read_text()
    assert "| evil\\\\u202e |" in (out / "leaderboard.md").read_text()
    assert json.loads((out / "leaderboard.json").read_text())["entries"][0]["name"] == "evil\u202e"
    # and in the terminal, a rejected file's name
    bad = tmp_path / "x\u202e.jsonl"
    bad.write_text("garbage\n")
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", str(evil), str(bad),
                                  "--out", str(tmp_path / "out2"), "--no-task-pages", "--bootstrap", "10"])
    assert r.exit_code == 0, r.output
    assert "x\\u202e.jsonl" in r.output and "\u202e" not in r.output


def test_control_characters_in_metadata_are_escaped_in_pages_and_tables(omniact_data, tmp_path):
    # A NUL is a parse error in HTML and made grep call the page binary; an escape sequence acts on a terminal
    # that shows the Markdown or CSV file.
    _, out = _published(omniact_data, tmp_path, {"name": "nul\x00name", "notes": "x\x00y\x1b[31m"})
    for p, text in _shown(out):
        assert "\x00" not in text and "\x1b" not in text, p
    assert "nul\\x00name" in (out / "index.html").read_text()
    assert json.loads((out / "leaderboard.json").read_text())["entries"][0]["name"] == "nul\x00name"


def test_an_entry_is_named_after_its_whole_file_name_but_the_extension(omniact_data, tmp_path):
    subs = [write_sub(tmp_path / n) for n in ("gpt-4.1.jsonl", "gpt-4.5-preview.jsonl", "claude-3.5.JSONL", "plain")]
    board = build_leaderboard(load_split(omniact_data, "test"), subs, samples=10)
    assert sorted(e.name for e in board.entries) == ["claude-3.5", "gpt-4.1", "gpt-4.5-preview", "plain"]


def test_a_task_id_too_long_for_a_file_name_gets_a_short_page_name():
    from omniact.report.site import task_file

    assert task_file("abc-1.2") == "abc-1.2.html"
    long_id = "x" * 5000  # safe characters, but no file system takes a name that long
    assert task_file(long_id).startswith("t-") and len(task_file(long_id)) < 40
    assert task_file(long_id) != task_file(long_id + "y")


@pytest.mark.parametrize("ids", [
    ("日" * 90,),  # 90 characters, 270 bytes: over a file name's 255 (a report stopped at "File name too long")
    ("A", "a"),  # one file where a file system folds case (macOS, Windows)
    ("\u00e9", "e\u0301"),  # NFC and NFD "é": one file where a file system normalises names (macOS)
    ("\u0661", "1"),  # an Arabic-Indic digit is alphanumeric too
    ("t-" + hashlib.sha256("日".encode()).hexdigest()[:16], "日"),  # an id spelt like another's hashed name
])
def test_task_pages_of_different_ids_never_share_a_file_on_any_file_system(ids):
    from omniact.report.site import task_file

    names = [task_file(i) for i in ids]
    assert all(len(n.encode()) <= 40 and n.isascii() and n == n.lower() for n in names)
    assert len({n.lower() for n in names}) == len(ids)
    assert task_file("9") == "9.html" and task_file("abc-1.2") == "abc-1.2.html"  # plain ids keep their name


_NAMES = st.lists(st.sampled_from(["", "entry", "Agent", "agent", "a b", "a-b", "gpt-4.1", "x" * 200, "日本"])
                  | st.text(max_size=300), max_size=12)


@hypothesis.given(_NAMES)
def test_entry_page_names_are_distinct_short_lower_case_ascii_on_any_file_system(names):
    """An entry page's file name (without .html), for any names a board can have, repeated ones too: one file each
    where a file system folds case, and short enough for any (a 200-character name is no 200-character file)."""
    from omniact.report.site import _slugs

    slugs = _slugs(names)
    assert len({s.lower() for s in slugs}) == len(names)
    for name, slug in zip(names, slugs):
        assert slug and slug.isascii() and slug == slug.lower() and len(slug) <= 72, (name, slug)
        assert re.fullmatch(r"[a-z0-9_-]+", slug) and not slug.startswith("-"), (name, slug)
    for k, (name, slug) in enumerate(zip(names, slugs)):
        # A short plain name keeps it as its page's name, unless another name could read as it (that name with all
        # but lower-case letters, digits and "_" taken out: more names than can), or it is "entry" (the page name of
        # a name with none of those).
        others = [re.sub(r"[^a-z0-9_]", "", n.lower()) for j, n in enumerate(names) if j != k]
        if re.fullmatch(r"[a-z0-9_]{1,60}", name) and name not in others and name != "entry":
            assert slug == name, (names, slugs)


def test_a_prediction_file_that_cannot_be_read_is_left_out_not_fatal(omniact_data, tmp_path):
    good = write_sub(tmp_path / "good.jsonl")
    too_long = tmp_path / ("n" * 300 + ".jsonl")  # stat fails (ENAMETOOLONG), as for a folder one may not list
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", str(good),
                                  "/proc/self/mem", str(too_long), "--out", str(tmp_path / "out"), "--no-task-pages",
                                  "--bootstrap", "10"])
    assert r.exit_code == 0, r.output
    board = json.loads((tmp_path / "out/leaderboard.json").read_text())
    assert [e["name"] for e in board["entries"]] == ["good"]
    errors = {x["source"]: x["error"] for x in board["rejected"]}
    assert errors["/proc/self/mem"] == "/proc/self/mem: predictions file cannot be read (Input/output error)"
    assert errors[str(too_long)].endswith(": cannot be read (File name too long): check its permissions")


def test_a_sparse_prediction_file_larger_than_memory_is_refused_at_its_first_nul(tmp_path):
    import subprocess
    import sys

    huge = tmp_path / "huge.jsonl"
    with open(huge, "wb") as f:
        f.truncate(3 << 30)  # 3 GB of NUL bytes that take no disk; the process below may use 1.5 GB
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))\n"
            "from omniact.errors import UserError\nfrom omniact.report import find_submission\n"
            "try:\n    find_submission(sys.argv[1])\nexcept UserError as e:\n    print(e)\n")
    r = subprocess.run([sys.executable, "-c", code, str(huge)], capture_output=True, text=True, timeout=120, check=False)
    assert r.stdout.strip() == f"{huge}:1: predictions file contains a NUL byte: it is not a text file", r.stderr



def test_an_entry_page_keeps_its_address_when_ranks_change_between_names_alike(omniact_data, tmp_path):
    """"Agent" and "agent" share a slug: which gets the plain one must not follow the ranks, or a shared link to
    entries/agent.html shows the other entry after a rebuild."""
    ds = load_split(omniact_data, "test")

    def pages(better: str) -> dict[str, str]:
        subs = []
        for name in ("Agent", "agent"):
            worse = name != better
            subs.append(write_sub(tmp_path / f"{name}-{better}.jsonl", meta={"name": name},
                                  mutate=lambda i, s, worse=worse: None if worse and i == "0" else s))
        board = build_leaderboard(ds, subs, samples=10)
        assert board.entries[0].name == better
        out = tmp_path / f"site-{better}"
        write_site(board, ds, out, task_pages=False)
        links = re.findall(r"<a href='entries/([^']+)'>([^<]*)</a>", (out / "index.html").read_text())
        found = {name: page for page, name in links}
        # both entries linked, each to a page of its own (an empty dict, links not found, would compare equal)
        assert sorted(found) == ["Agent", "agent"] and len(set(found.values())) == 2, links
        assert all((out / "entries" / page).is_file() for page in found.values()), found
        return found

    assert pages("Agent") == pages("agent")


@pytest.mark.parametrize("name", ["   ", "\u200b", "\u2066\u2069", ""])
def test_a_blank_or_invisible_name_is_replaced_by_the_file_name(omniact_data, tmp_path, name):
    a = write_sub(tmp_path / "mine.jsonl", meta={"name": name})
    board = build_leaderboard(load_split(omniact_data, "test"), [a], samples=10)
    assert board.entries[0].name == "mine"


def test_a_predicted_script_or_agent_error_with_bidi_controls_is_shown_escaped_on_task_pages(omniact_data, tmp_path):
    sub = write_sub(tmp_path / "run.jsonl", mutate=lambda i, s: 'pyautogui.write("\u202eabc 123")' if i == "1" else s)
    lines = [json.loads(line) for line in sub.read_text().splitlines()]
    lines[3].update(script="", error="ValueError: bad \u202e thing (agent.py:4)", error_kind="exception")
    sub.write_text("".join(json.dumps(rec) + "\n" for rec in lines))
    ds = load_split(omniact_data, "test")
    board = build_leaderboard(ds, [sub], samples=10)
    out = tmp_path / "site"
    write_site(board, ds, out)
    for task_id in ("1", lines[3]["id"]):
        page = (out / "tasks" / f"{task_id}.html").read_text(encoding="utf-8")
        assert "\u202e" not in page and "\\u202e" in _task_data(out / "tasks" / f"{task_id}.html")["entries"][0][
            "script" if task_id == "1" else "error"]


def test_markdown_shows_emphasis_code_and_strike_through_marks_as_typed(omniact_data, tmp_path):
    a = write_sub(tmp_path / "a.jsonl", meta={"name": "*best* ~~old~~ `<b>` my_agent"})
    write_tables(build_leaderboard(load_split(omniact_data, "test"), [a], samples=10), tmp_path / "out")
    md = (tmp_path / "out/leaderboard.md").read_text()
    assert "| \\*best\\* \\~\\~old\\~\\~ \\`&lt;b&gt;\\` my\\_agent |" in md


@pytest.mark.parametrize("seed", range(20))
def test_names_made_unique_are_the_smallest_free_ones_and_all_distinct(seed):
    """Each repeat of a name takes the smallest " (k)" no submission is called, as given or renamed before it."""
    import random

    from omniact.report.leaderboard import _unique_names
    from omniact.report.submission import Submission

    rng = random.Random(seed)
    names = [rng.choice(["dup", "dup (2)", "dup (3)", "x", "x (2)", "dup (2) (2)"]) for _ in range(40)]
    out = [s.name for s in _unique_names([Submission(name=n, source=f"s{i}", predictions=Path(f"s{i}"))
                                          for i, n in enumerate(names)])]
    assert len(set(out)) == len(out)
    taken: set[str] = set()
    for given, got in zip(names, out):
        if given not in taken:
            assert got == given
        else:
            free = next(k for k in range(2, 100) if f"{given} ({k})" not in set(names) | taken)
            assert got == f"{given} ({free})"
        taken.add(got)


def test_a_long_result_wraps_and_a_short_one_stays_on_one_line():
    # An agent's long error kept on one line made an entry's task table twice the window's width.
    from omniact.report.site import _status_cell

    assert "nw" in _status_cell("match") and "nw" in _status_cell("no match: one action too few")
    assert "nw" not in _status_cell("no match: the agent failed (exception: ValueError: " + "x" * 150 + ")")


def test_the_change_column_sorts_what_broke_before_any_lower_score_and_fixed_after_any_higher():
    from omniact.report.site import _change_cell

    def key(kind, delta):
        return float(re.search(r"data-v='([-0-9.]+)'", _change_cell(kind, delta)).group(1))

    assert key("broken", -0.3) < key("worse", -0.9) < key("same", 0.0) < key("better", 0.9) < key("fixed", 0.2)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_cut_off_screenshot_stops_the_site_in_one_line_naming_it(omniact_data, tmp_path, workers):
    # Its header is whole, so the data loads and scores; its pixels end early, and converting it for the site raised
    # a traceback (exit 1) from a writer process.
    import shutil

    data = tmp_path / "data"
    shutil.copytree(omniact_data, data)
    ds = load_split(data, "test")
    shot = Path(ds.tasks[0].image_path)
    shot.write_bytes(shot.read_bytes()[: shot.stat().st_size // 3])
    sub = write_sub(tmp_path / "mine.jsonl")
    r = CliRunner().invoke(main, ["report", str(sub), "--data", str(data), "--split", "test", "--workers", workers,
                                  "--out", str(tmp_path / "rep")])
    assert r.exit_code == 2, r.output
    assert r.output == (f"omniact: {shot}: screenshot cannot be read (image file is truncated): replace it with a "
                        "good copy\n")
