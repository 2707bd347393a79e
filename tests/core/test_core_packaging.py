"""A wheel (`pip install .`, or from an index) is a working omniact on its own: the built-in suite comes with it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "omniact", "scoring", "agents", "tasks",
            "screenshots")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The packages as a wheel built from a copy of the checkout installs them (unpacked, as pip does)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in _SOURCES:  # a copy: the build writes build/ and *.egg-info beside its sources
        p = REPO / name
        if p.is_dir():
            shutil.copytree(p, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "_suite", "*.so", "*.pyd"))
        else:
            shutil.copy2(p, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                    "-w", str(tmp / "dist"), str(src)], check=True, capture_output=True, timeout=600)
    wheel, = (tmp / "dist").glob("omniact-*.whl")
    with zipfile.ZipFile(wheel) as z:
        assert not [n for n in z.namelist() if "/_suite/" in n and n.endswith(".py")]  # the generator stays behind
        z.extractall(tmp / "site")
    return tmp / "site"


def _omniact(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    # The installed copy ahead of the checkout's editable install; run away from the checkout.
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-m", "omniact.cli", *args], capture_output=True, text=True, env=env, check=False,
                          cwd=cwd, timeout=300)


def test_the_wheel_carries_the_compiled_judge_built_from_its_sources(installed, tmp_path):
    """The wheel's build compiles scoring/_judge.c (the checkout's own build is left behind by the copy above), and
    the installed scorer uses it."""
    out = subprocess.run([sys.executable, "-c", "from scoring import scorer; print(scorer._compiled.__file__)"],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(installed)},
                         cwd=tmp_path, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).parent == installed / "scoring"


@pytest.mark.slow
def test_an_installed_wheel_runs_the_built_in_suite_with_no_checkout_beside_it(installed, tmp_path):
    # Before, a wheel held the packages only: `omniact run --agent detact` (the README's main job) stopped with
    # "the built-in suite is not here (tasks/ is missing)".
    where = _omniact(installed, "tasks", "--split", "test", "--json", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    tasks = json.loads(where.stdout)
    ours = json.loads(subprocess.run([sys.executable, "-m", "omniact.cli", "tasks", "--split", "test", "--json"],
                                     capture_output=True, text=True, check=True, cwd=REPO).stdout)
    assert len(tasks) == len(ours) > 400
    assert [t["id"] for t in tasks] == [t["id"] for t in ours]
    assert all(str(installed) in t["screenshot"] for t in tasks)  # its own copy, not the checkout's

    run = _omniact(installed, "run", "--agent", "oracle", "--split", "test", "--limit", "5", "--out",
                   str(tmp_path / "run"), "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["n_done"] == 5 and summary["scores"]["reference"]["sequence_score"] == 1.0
    # the same data, byte for byte: a run made from a wheel and one from a checkout name the same data hash
    from omniact import load_split

    assert summary["scores"]["reference"]["dataset"]["sha256"] == load_split(None, "test").describe()["sha256"]


@pytest.mark.slow
def test_every_page_the_installed_suite_replays_on_is_in_the_wheel(installed):
    # Replay opens each task's web app (its `env`, under tasks/apps) from the suite's folder.
    root = installed / "omniact" / "_suite" / "tasks"
    for split in ("test", "test_unseen", "train", "val"):
        entries = json.loads((root / f"{split}.json").read_text())
        for entry in entries.values():
            assert (root / entry["env"].split("?")[0]).is_file(), entry["env"]
            assert (root / entry["image"]).resolve().is_file(), entry["image"]


@pytest.mark.slow
def test_a_run_from_an_install_inside_another_repository_records_no_commit_of_it(installed, tmp_path):
    # A project's .venv sits in the project's repository: runs recorded the project's commit as omniact's.
    project = tmp_path / "project"
    site = project / ".venv" / "site-packages"
    shutil.copytree(installed, site, ignore=shutil.ignore_patterns("_suite"))
    git = ["git", "-C", str(project), "-c", "user.email=a@b", "-c", "user.name=a"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "the project's"], check=True)
    data = REPO / "tests" / "runner" / "fixtures" / "data"
    run = _omniact(site, "run", "--agent", "noop", "--data", str(data), "--out", str(tmp_path / "run"), "-q",
                   cwd=project)
    assert run.returncode == 0, run.stderr
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["git_commit"] is None


@pytest.mark.slow
def test_a_manifest_is_not_written_into_the_installed_suite(installed, tmp_path):
    # (pip audit) It went into site-packages, and `pip uninstall` left it there.
    r = _omniact(installed, "manifest", "--data", str(installed / "omniact" / "_suite" / "tasks"), cwd=tmp_path)
    assert r.returncode == 2 and "part of the package" in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert not list(installed.rglob("MANIFEST.sha256"))
