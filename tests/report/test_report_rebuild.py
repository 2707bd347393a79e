"""A site built again over a published one shows only what the new build has."""

from __future__ import annotations

from click.testing import CliRunner
from test_report_leaderboard import write_sub

from omniact.cli import main
from omniact.report.leaderboard import SITE_MARKER


def test_a_withdrawn_entry_leaves_no_page_behind_when_task_pages_are_turned_off(omniact_data, tmp_path):
    keep = write_sub(tmp_path / "keep.jsonl")
    gone = write_sub(tmp_path / "gone.jsonl", mutate=lambda i, s: s + "\npyautogui.write('private prompt')",
                     meta={"name": "Withdrawn agent"})
    site = tmp_path / "site"
    args = ["leaderboard", "--data", str(omniact_data), "--split", "test", "--out", str(site), "--bootstrap", "10"]
    assert CliRunner().invoke(main, [*args, str(keep), str(gone)]).exit_code == 0
    assert "Withdrawn agent" in (site / "tasks" / "10.html").read_text()
    # the submitter withdraws; the maintainer rebuilds, without task pages this time
    r = CliRunner().invoke(main, [*args, "--no-task-pages", str(keep)])
    assert r.exit_code == 0, r.output
    left = [p for p in site.rglob("*") if p.is_file() and "Withdrawn" in p.read_text(errors="replace")]
    assert left == [] and not (site / "tasks").exists() and not (site / "img").exists()
    assert (site / "entries" / "keep.html").is_file()


def test_a_report_is_not_written_over_a_published_leaderboard(omniact_data, tmp_path):
    a, b = write_sub(tmp_path / "a.jsonl"), write_sub(tmp_path / "b.jsonl", mutate=lambda i, s: "")
    site = tmp_path / "site"
    args = ["--data", str(omniact_data), "--split", "test", "--out", str(site)]
    assert CliRunner().invoke(main, ["leaderboard", *args, "--bootstrap", "10", str(a), str(b)]).exit_code == 0
    published = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    r = CliRunner().invoke(main, ["report", str(a), *args])
    assert r.exit_code == 2
    assert r.output.strip() == (f"omniact: {site}: this folder holds a leaderboard, which the report would "
                                f"replace: give the report another --out, or remove {site} first")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == published  # pages, tables and cache
    # a report's own folder takes the next report (another baseline) as before
    rep = tmp_path / "rep"
    for baseline in (b, None):
        more = [] if baseline is None else ["--baseline", str(baseline)]
        r = CliRunner().invoke(main, ["report", str(a), "--data", str(omniact_data), "--out", str(rep), *more])
        assert r.exit_code == 0, r.output


def test_a_disk_that_fills_while_pages_are_written_leaves_no_index_linking_to_missing_pages(omniact_data, tmp_path,
                                                                                          monkeypatch):
    import errno

    import omniact.report.site as site_module

    real = site_module.write_text
    written: list[str] = []

    def filling(path, text):
        if "tasks" in path.parts and len(written) > 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, text)
        if path.name != SITE_MARKER:  # (claimed before the pages, rewritten after them)
            written.append(path.name)

    monkeypatch.setattr(site_module, "write_text", filling)
    monkeypatch.setattr(site_module, "write_text_parts", lambda path, parts: filling(path, "".join(parts)))
    site = tmp_path / "site"
    r = CliRunner().invoke(main, ["leaderboard", "--data", str(omniact_data), "--split", "test", "--out", str(site),
                                  "--bootstrap", "10", "--workers", "1", str(write_sub(tmp_path / "a.jsonl"))])
    assert r.exit_code == 1, r.output
    assert r.output == f"omniact: cannot write {site / 'tasks' / '3.html'}: No space left on device\n"
    assert "index.html" not in written and not (site / "index.html").exists()


def _files(folder):
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_folder_of_the_users_own_files_takes_no_site(omniact_data, tmp_path):
    # Its index.html was replaced by the first build, and its own pages and photos under entries/, tasks/ and img/
    # removed by the second, as stale pages of the site.
    a = write_sub(tmp_path / "a.jsonl")
    mine = tmp_path / "mysite"
    (mine / "img").mkdir(parents=True)
    (mine / "index.html").write_text("<h1>my page</h1>")
    (mine / "img" / "vacation.jpg").write_bytes(b"a photo")
    kept = _files(mine)
    for verb in (["leaderboard", "--bootstrap", "10"], ["report"]):
        r = CliRunner().invoke(main, [*verb, str(a), "--data", str(omniact_data), "--split", "test", "--out", str(mine)])
        assert r.exit_code == 2
        assert r.output == (f"omniact: {mine}: this folder holds files that are not an omniact site's (index.html): "
                            f"the {verb[0]} would replace or remove them; give it a new or empty folder with --out\n")
    assert _files(mine) == kept


def test_a_site_never_writes_or_removes_through_a_linked_folder(omniact_data, tmp_path):
    a = write_sub(tmp_path / "a.jsonl")
    site = tmp_path / "site"
    args = ["leaderboard", str(a), "--data", str(omniact_data), "--split", "test", "--out", str(site), "--bootstrap",
            "10"]
    assert CliRunner().invoke(main, args).exit_code == 0
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "holiday.jpg").write_bytes(b"a photo")
    for p in (site / "img").iterdir():
        p.unlink()
    (site / "img").rmdir()
    (site / "img").symlink_to(photos)  # the site's img/ now points at someone's photos
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and r.output.startswith(f"omniact: {site / 'img'}: img is a symbolic link: the "
                                                    "leaderboard would write (and remove stale files) where it points")
    assert [p.name for p in photos.iterdir()] == ["holiday.jpg"]


def test_a_leaderboard_is_not_written_over_a_report_nor_a_replay_over_either(omniact_data, tmp_path):
    a = write_sub(tmp_path / "a.jsonl")
    rep = tmp_path / "rep"
    assert CliRunner().invoke(main, ["report", str(a), "--data", str(omniact_data), "--split", "test", "--out",
                                     str(rep)]).exit_code == 0
    kept = _files(rep)
    r = CliRunner().invoke(main, ["leaderboard", str(a), "--data", str(omniact_data), "--split", "test", "--out",
                                  str(rep), "--bootstrap", "10"])
    assert r.exit_code == 2
    assert r.output == (f"omniact: {rep}: this folder holds a report, which the leaderboard would replace: give the "
                        f"leaderboard another --out, or remove {rep} first\n")
    page, script = tmp_path / "p.html", tmp_path / "s.py"
    page.write_text("<p>hi</p>")
    script.write_text("pyautogui.click(1, 2)\n")
    r = CliRunner().invoke(main, ["replay", "--html", str(page), "--script", str(script), "--out", str(rep)])
    assert r.exit_code == 2 and "this folder holds a leaderboard or report (leaderboard.json): give the replay" in r.output
    assert _files(rep) == kept


def test_a_build_stopped_on_the_way_leaves_no_page_the_next_build_keeps_for_good(omniact_data, tmp_path, monkeypatch):
    # A rebuild with a new submission stopped after its entry page was written, then the submission withdrawn:
    # its page (scores and all) stayed in the site, listed by no marker, removed by no later build.
    import os
    import time

    import omniact.report.site as site_module

    site = tmp_path / "site"
    kept, withdrawn = write_sub(tmp_path / "kept.jsonl"), write_sub(tmp_path / "withdrawn.jsonl")
    args = ["leaderboard", "--data", str(omniact_data), "--split", "test", "--out", str(site), "--bootstrap", "10",
            "--workers", "1"]
    assert CliRunner().invoke(main, [*args, str(kept)]).exit_code == 0
    real = site_module.write_text

    def stopped(path, text):
        if "tasks" in path.parts:
            raise KeyboardInterrupt
        real(path, text)

    real_parts = site_module.write_text_parts
    monkeypatch.setattr(site_module, "write_text", stopped)
    monkeypatch.setattr(site_module, "write_text_parts", lambda path, parts: stopped(path, "".join(parts)))
    assert CliRunner().invoke(main, [*args, str(kept), str(withdrawn)]).exit_code == 130
    # Stopped while staging: its entry page, written before the stop, never reached the site.
    assert not (site / "entries" / "withdrawn.html").exists()
    assert not list(site.glob(".omniact-next-*"))
    # Killed (as by kill -9) among the final moves, after the entry pages: the page is in the site now.
    monkeypatch.setattr(site_module, "write_text", real)
    monkeypatch.setattr(site_module, "write_text_parts", real_parts)
    real_move = site_module._move_in

    def killed(stage, out, staged):
        real_move(stage, out, [rel for rel in staged if rel.parts[0] == "entries"])
        raise KeyboardInterrupt

    monkeypatch.setattr(site_module, "_move_in", killed)
    assert CliRunner().invoke(main, [*args, str(kept), str(withdrawn)]).exit_code == 130
    monkeypatch.undo()
    assert (site / "entries" / "withdrawn.html").exists()
    assert "withdrawn" not in (site / "leaderboard.json").read_text()  # the tables stay the published board's
    # a temporary left by a build stopped twice (a minute old), and one a build under way is writing now
    old, new = site / "tasks" / ".3.html.0a1b2c3d4e5f.tmp", site / "tasks" / ".4.html.9a8b7c6d5e4f.tmp"
    old.write_text("")
    new.write_text("")
    os.utime(old, (time.time() - 120, time.time() - 120))
    assert CliRunner().invoke(main, [*args, str(kept)]).exit_code == 0
    assert not (site / "entries" / "withdrawn.html").exists() and "withdrawn" not in (site / "index.html").read_text()
    assert not old.exists() and new.exists()
    assert not list(site.glob(".omniact-next-*"))  # the killed build's staging folder too
