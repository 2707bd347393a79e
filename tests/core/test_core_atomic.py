"""Files written atomically (run records, site pages, tables, caches) get the permissions a plain write gives."""

from __future__ import annotations

import os
import stat

import pytest

from omniact.atomic import atomic_file


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_file_gets_what_the_umask_allows_not_private_permissions(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        with atomic_file(tmp_path / "index.html", "w") as f:
            f.write("<p>leaderboard</p>")
        with open(tmp_path / "plain.html", "w") as f:
            f.write("x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "index.html") == expected == _mode(tmp_path / "plain.html")


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old")
    os.chmod(target, 0o640)
    with atomic_file(target, "w") as f:
        f.write("new")
    assert target.read_text() == "new" and _mode(target) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "t.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(target, "w") as f:
        f.write("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["t.json"]


def test_a_folder_where_the_file_goes_is_named_not_the_temporary_file(tmp_path):
    (tmp_path / "out.json").mkdir()
    with pytest.raises(IsADirectoryError) as caught, atomic_file(tmp_path / "out.json") as f:
        f.write(b"{}")
    assert caught.value.filename == str(tmp_path / "out.json")
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # and no temporary file is left beside it


def test_a_signal_just_after_the_temporary_file_is_made_leaves_nothing_behind(tmp_path, monkeypatch):
    # A leaderboard's page worker stopped by SIGTERM removes the temporaries of the writes under way; one made a
    # moment before (inside mkstemp, not yet listed) stayed in the site for good.
    import omniact.atomic
    from omniact.atomic import remove_unfinished

    real_open = os.open

    def open_then_signal(path, *args):
        fd = real_open(path, *args)
        os.close(fd)
        raise KeyboardInterrupt  # as the signal handler raises it, right after the file exists

    monkeypatch.setattr(omniact.atomic.os, "open", open_then_signal)
    with pytest.raises(KeyboardInterrupt), atomic_file(tmp_path / "page.html", "w") as f:
        f.write("x")
    monkeypatch.undo()
    remove_unfinished()  # what the worker's SIGTERM handler does
    assert list(tmp_path.iterdir()) == []



@pytest.mark.parametrize(("stop", "code", "said"), [("ctrl-c", 130, "interrupted (Ctrl-C)"),
                                                     ("sigterm", 143, "stopped (SIGTERM)")])
def test_a_command_stopped_just_after_a_temporary_file_is_made_leaves_nothing_behind(omniact_data, tmp_path,
                                                                                    monkeypatch, capsys, stop, code,
                                                                                    said):
    """The command's own process (not a page worker): a Ctrl-C or SIGTERM that arrives as the temporary file's open
    returns, before the write knows of the file, is caught where the command says it stopped, and the file removed
    there (a report stopped so left one in its tasks/ folder)."""
    import shutil

    import omniact.atomic
    import omniact.cli as cli

    data = tmp_path / "data"
    shutil.copytree(omniact_data, data)
    real_open = os.open
    made: list[str] = []

    def open_then_stop(path, *args):
        fd = real_open(path, *args)  # (the temporary file's descriptor is lost with the stop, as it would be)
        if not str(path).endswith(".tmp"):  # (the data's files, read for the manifest)
            return fd
        made.append(path)
        raise cli._Terminated() if stop == "sigterm" else KeyboardInterrupt()  # the handler's, as the open returns

    def exit_now(c: int) -> None:
        raise SystemExit(c)

    monkeypatch.setattr(omniact.atomic.os, "open", open_then_stop)
    monkeypatch.setattr(cli, "_exit", exit_now)
    with pytest.raises(SystemExit) as e:
        cli.main.main(["manifest", "--data", str(data)], standalone_mode=False)
    monkeypatch.undo()
    assert e.value.code == code and said in capsys.readouterr().err and len(made) == 1
    assert not os.path.exists(made[0])  # the temporary file, removed


def test_a_second_stop_before_the_clean_up_removes_the_temporary_file_leaves_it_to_the_command(tmp_path, monkeypatch):
    """Ctrl-C during a write, then Ctrl-C again as the write's clean-up is about to remove its temporary file: the
    file stays known, and the command's own clean-up (`remove_unfinished`, where it says it stopped) removes it (it
    was forgotten, and left in the folder)."""
    import omniact.atomic
    from omniact.atomic import remove_unfinished

    real_unlink = os.unlink

    def second_ctrl_c(path, *args, **kwargs):
        monkeypatch.setattr(omniact.atomic.os, "unlink", real_unlink)
        raise KeyboardInterrupt  # before the file is removed

    monkeypatch.setattr(omniact.atomic.os, "unlink", second_ctrl_c)
    with pytest.raises(KeyboardInterrupt), atomic_file(tmp_path / "entry.marshal") as f:
        f.write(b"x")
        raise KeyboardInterrupt  # the first, as the file is written
    monkeypatch.undo()
    assert len(list(tmp_path.iterdir())) == 1  # (the temporary file, not removed yet)
    remove_unfinished()
    assert list(tmp_path.iterdir()) == []
