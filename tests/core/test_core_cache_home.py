"""Where every cache goes: one place, chosen the same way for the gold cache, responses, embeddings and icons."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.cache import ResponseCache
from agents.detact import icons
from omniact.cache_home import cache_home
from scoring import gold_cache


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OMNIACT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    return tmp_path / "home"


def _all_caches() -> set[Path]:
    """The folder each cache is kept under (the response cache's, as a run with no cache_path opens it)."""
    return {gold_cache.cache_dir().parent, icons.cache_dir().parent, ResponseCache().path.parent}


def test_the_default_is_under_the_home_folder(home: Path) -> None:
    assert _all_caches() == {home / ".cache" / "omniact"}


def test_xdg_cache_home_is_followed_by_every_cache(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _all_caches() == {tmp_path / "xdg" / "omniact"}


@pytest.mark.parametrize("value", ["", "relative/cache"])
def test_an_empty_or_relative_xdg_cache_home_is_ignored(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        value: str) -> None:
    # Taken as it was, an empty one put the gold and icon caches in the folder the command ran from.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", value)
    assert _all_caches() == {home / ".cache" / "omniact"}


def test_omniact_cache_dir_wins(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("OMNIACT_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_home() == tmp_path / "mine"
    assert _all_caches() == {tmp_path / "mine"}
