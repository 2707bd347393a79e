"""Shared paths for the sandbox tests."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SUITE = FIXTURES / "suite"
PLAYGROUND = SUITE / "apps" / "playground" / "index.html"
PAGES = FIXTURES / "pages"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
