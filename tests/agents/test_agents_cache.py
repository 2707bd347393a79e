"""The response cache: what shares an entry, and a cache file that cannot be read."""

from __future__ import annotations

from pathlib import Path

from agents.backends import CachedBackend, Completion
from agents.cache import ResponseCache

HI = [{"role": "user", "content": "hi"}]


class _Counting:
    """A backend that answers the same each time and counts how often it was asked."""

    model = "m"
    endpoint = "http://127.0.0.1:1/v1"

    def __init__(self) -> None:
        self.calls = 0

    def complete(self, messages, *, temperature=0.0, max_tokens=512) -> Completion:
        self.calls += 1
        return Completion("pyautogui.click(1, 2)", 10, 2)


def test_temperature_0_from_a_toml_config_reuses_the_answer_cached_with_the_default_0_0(tmp_path: Path):
    inner = _Counting()
    cached = CachedBackend(inner, ResponseCache(tmp_path / "c.sqlite"))
    assert not cached.complete(HI, temperature=0.0, max_tokens=512).cached
    again = cached.complete(HI, temperature=0, max_tokens=512)  # `temperature = 0` in TOML is an int
    assert again.cached and inner.calls == 1


def test_a_damaged_cache_file_stops_the_run_in_one_line_naming_it_and_the_way_past(tmp_path: Path):
    import pytest

    from omniact.errors import UserError

    bad = tmp_path / "responses.sqlite"
    bad.write_bytes(bytes(range(256)) * 20)  # not SQLite
    with pytest.raises(UserError) as e:
        ResponseCache(bad)
    assert str(e.value).startswith(f"{bad}: ") and "move this file away" in str(e.value)
    assert "cache_path=" in str(e.value) and "\n" not in str(e.value)
