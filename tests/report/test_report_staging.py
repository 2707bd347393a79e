"""A site rebuilt into the same --out: a build that stops or fails on the way leaves the published site as it was,
and one that finishes replaces it whole (its pages are staged in a folder of their own, then moved into place)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_report_leaderboard import write_sub

import omniact.report.site as site_module
from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_site
from omniact.report.leaderboard import SITE_MARKER, site_marker


@pytest.fixture(scope="module")
def subs(tmp_path_factory):
    """Two builds of one entry (same name, so the same entry page) whose task pages all differ."""
    d = tmp_path_factory.mktemp("staging")
    old = write_sub(d / "old.jsonl", meta={"name": "Agent"})
    new = write_sub(d / "new.jsonl", mutate=lambda i, s: s + "\npyautogui.press('f5')", meta={"name": "Agent"})
    return old, new


@pytest.fixture(scope="module")
def boards(omniact_data, subs):
    ds = load_split(omniact_data, "test")
    return build_leaderboard(ds, [subs[0]], samples=10), build_leaderboard(ds, [subs[1]], samples=10), ds


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _site_pages(site: Path) -> dict[str, bytes]:
    """What a reader of the site sees: every file but the marker (the build's bookkeeping, rewritten as it claims
    the pages it may write) and a staging folder's (see `_staging`)."""
    return {p: b for p, b in _files(site).items() if p != SITE_MARKER and not p.startswith(".omniact-next-")}


def _staging(site: Path) -> list[Path]:
    return list(site.glob(".omniact-next-*"))


def _unchanged_but_for_new_content_named_files(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    assert {p: after.get(p) for p in before} == before  # every earlier page byte for byte
    # (screenshots and shared CSS/JS are named by their content: an earlier page names none of a new build's)
    assert all(p.split(os.sep)[0] in ("img", "assets") for p in set(after) - set(before))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rebuild_that_fills_the_disk_part_way_leaves_the_earlier_site_byte_identical(boards, tmp_path,
                                                                                       monkeypatch, workers):
    # Was: the task pages written before the disk filled were the new build's, under the earlier index.
    old, new, ds = boards
    site = tmp_path / "site"
    write_site(old, ds, site, tables=True)
    before = _site_pages(site)
    real, written = site_module.write_text, []

    def filling(path, text):
        if "tasks" in path.parts and len(written) >= 2:  # (counted in each page worker: each fills its disk)
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, text)
        if "tasks" in path.parts:
            written.append(path)

    monkeypatch.setattr(site_module, "write_text", filling)
    monkeypatch.setattr(site_module, "write_text_parts", lambda path, parts: filling(path, "".join(parts)))
    with pytest.raises(OSError) as e:
        write_site(new, ds, site, tables=True, workers=workers)
    assert e.value.errno == errno.ENOSPC
    assert Path(e.value.filename).parent == site / "tasks"  # the page's place in the site, not its staged name
    _unchanged_but_for_new_content_named_files(before, _site_pages(site))
    assert _staging(site) == []


def test_a_finished_rebuild_replaces_the_site_whole_and_leaves_no_staging_folder(boards, tmp_path):
    old, new, ds = boards
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    write_site(old, ds, site, tables=True)
    write_site(new, ds, site, tables=True, workers=2)
    write_site(new, ds, fresh, tables=True)
    assert _files(site) == _files(fresh)  # every page the new build's, the marker listing only those
    assert _staging(site) == [] and "staging" not in site_marker(site)


def test_a_rebuild_keeps_the_permissions_a_page_was_given(boards, tmp_path):
    # A page written in place kept its permissions; a staged one replaces it, and takes them on.
    old, new, ds = boards
    site = tmp_path / "site"
    write_site(old, ds, site)
    page = site / "tasks" / "3.html"
    os.chmod(page, 0o640)
    write_site(new, ds, site)
    assert page.stat().st_mode & 0o777 == 0o640


_KILLED_BUILD = """
import os, signal, sys
import omniact.report.site as site_module
from omniact.dataset import load_split
from omniact.report import build_leaderboard, write_site

data, sub, site = sys.argv[1:]
ds = load_split(data, "test")
board = build_leaderboard(ds, [sub], samples=10)
real, written = site_module.write_text, []

def killed(path, text):
    if "tasks" in path.parts and len(written) == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as `kill -9`: no handler, nothing unwound
    real(path, text)
    written.append(path)

site_module.write_text = killed
write_site(board, ds, site, tables=True)
"""


def test_a_build_killed_while_staging_leaves_the_site_and_its_folder_goes_with_the_next_build(omniact_data, subs,
                                                                                              boards, tmp_path):
    old, new, ds = boards
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    write_site(old, ds, site, tables=True)
    before = _site_pages(site)
    r = subprocess.run([sys.executable, "-c", _KILLED_BUILD, str(omniact_data), str(subs[1]), str(site)],
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == -9, r.stderr
    (left,) = _staging(site)  # the killed build's pages, staged
    assert left.name in site_marker(site)["staging"]
    assert any((left / "tasks").iterdir())
    _unchanged_but_for_new_content_named_files(before, _site_pages(site))
    # the next build removes it, and replaces the site whole
    write_site(new, ds, site, tables=True)
    write_site(new, ds, fresh, tables=True)
    assert _staging(site) == [] and _files(site) == _files(fresh)


def test_the_users_own_files_in_the_site_folder_are_never_touched(boards, tmp_path, monkeypatch):
    old, new, ds = boards
    site = tmp_path / "site"
    write_site(old, ds, site)
    mine = {"notes.txt": b"my notes", "entries/draft.html": b"<p>a draft</p>", "tasks/todo.txt": b"todo",
            # hidden folders of the user's, one spelt as a staging folder: no marker lists either
            ".omniact-next-mine/keep.txt": b"kept", ".omniact-next-0123456789ab/keep.txt": b"kept too"}
    for name, data in mine.items():
        (site / name).parent.mkdir(exist_ok=True)
        (site / name).write_bytes(data)

    def stopped(stage, out, staged):  # killed as the moves begin: the staging folder is left behind
        raise KeyboardInterrupt

    monkeypatch.setattr(site_module, "_move_in", stopped)
    with pytest.raises(KeyboardInterrupt):
        write_site(new, ds, site)
    monkeypatch.undo()
    assert len(_staging(site)) == 3  # the user's two and the build's
    real, count = site_module.write_text, []

    def full(path, text):
        if path.suffix == ".html" and len(count) > 4:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        count.append(path)
        real(path, text)

    monkeypatch.setattr(site_module, "write_text", full)
    monkeypatch.setattr(site_module, "write_text_parts", lambda path, parts: full(path, "".join(parts)))
    with pytest.raises(OSError):
        write_site(new, ds, site)
    monkeypatch.undo()
    write_site(new, ds, site)
    assert {name: (site / name).read_bytes() for name in mine} == mine
    assert sorted(p.name for p in _staging(site)) == [".omniact-next-0123456789ab", ".omniact-next-mine"]
