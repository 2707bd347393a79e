"""A replay that cannot start a browser here stops in one line, before any task, saying what to install."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from omniact.cli import main

# Hides Playwright from a process and the workers it starts (PYTHONPATH's sitecustomize runs in each), as in an
# install without the sandbox extra.
_HIDE_PLAYWRIGHT = """
import sys
class _NoPlaywright:
    def find_spec(self, name, path=None, target=None):
        if name == "playwright" or name.startswith("playwright."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _NoPlaywright())
"""


def test_a_split_replay_without_playwright_names_the_extra_in_one_line(tmp_path):
    # Before: each task failed in its worker with a traceback, and the replay exited 0 with "0/2 succeeded".
    (tmp_path / "sitecustomize.py").write_text(_HIDE_PLAYWRIGHT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-m", "omniact.cli", "replay", "--split", "test", "--agent", "oracle",
                        "--limit", "2", "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env,
                       timeout=300, check=False)
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "pip install 'omniact[sandbox]'" in r.stderr
    assert not (tmp_path / "out" / "replay.json").exists()


@pytest.mark.parametrize("mode", [["--split", "test", "--agent", "oracle", "--limit", "2"], ["--task", "9"]])
def test_a_browser_named_that_is_not_there_is_one_line(tmp_path, monkeypatch, mode):
    # Before: a traceback of Playwright's launch (--task), or a failure per task and exit 0 (--split).
    monkeypatch.setenv("OMNIACT_CHROMIUM", str(tmp_path / "no-chromium"))
    script = tmp_path / "s.py"
    script.write_text("pyautogui.press('enter')\n")
    args = [*mode, *(["--script", str(script)] if "--task" in mode else [])]
    r = CliRunner().invoke(main, ["replay", *args, "--out", str(tmp_path / "out")])
    assert r.exit_code == 2, r.output
    assert "OMNIACT_CHROMIUM" in r.output and "no program here" in r.output and "Traceback" not in r.output


def test_no_browser_at_all_says_what_to_install(tmp_path, monkeypatch):
    from omniact.sandbox import browser

    monkeypatch.delenv("OMNIACT_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium on it
    monkeypatch.setattr(browser, "_playwright_browser", lambda: False)  # and none of Playwright's own
    r = CliRunner().invoke(main, ["replay", "--split", "test", "--agent", "oracle", "--limit", "2", "--out",
                                  str(tmp_path / "out")])
    assert r.exit_code == 2, r.output
    assert "apt-get install chromium" in r.output and "playwright install chromium" in r.output


def test_the_browser_is_found_on_path_under_its_other_names(tmp_path, monkeypatch):
    from omniact.sandbox.browser import chromium_path

    monkeypatch.delenv("OMNIACT_CHROMIUM", raising=False)
    chrome = tmp_path / "google-chrome"
    chrome.write_text("#!/bin/sh\n")
    chrome.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert chromium_path() == str(chrome)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert chromium_path() is None  # Playwright's own, if it has one


def test_a_snap_on_path_is_passed_over(tmp_path, monkeypatch):
    # (review) /snap/bin/chromium is a link to /usr/bin/snap, and Ubuntu's chromium-browser a script that starts
    # the snap: neither was told apart, and a snap's confinement keeps it out of the replay's folders.
    from omniact.sandbox.browser import chromium_path

    monkeypatch.delenv("OMNIACT_CHROMIUM", raising=False)
    snap_bin, script_bin, real_bin = (tmp_path / d for d in ("snapbin", "scriptbin", "realbin"))
    for d in (snap_bin, script_bin, real_bin):
        d.mkdir()
    (tmp_path / "snap").write_text("#!/bin/sh\n")
    (snap_bin / "chromium").symlink_to(tmp_path / "snap")
    (script_bin / "chromium-browser").write_text("#!/bin/sh\nexec /snap/bin/chromium \"$@\"\n")
    (real_bin / "google-chrome").write_text("#!/bin/sh\nexec /opt/google/chrome/chrome \"$@\"\n")
    for f in ((tmp_path / "snap"), script_bin / "chromium-browser", real_bin / "google-chrome"):
        f.chmod(0o755)
    monkeypatch.setenv("PATH", os.pathsep.join(map(str, (snap_bin, script_bin, real_bin))))
    assert chromium_path() == str(real_bin / "google-chrome")
