"""Shared fixtures. Every test runs offline on data it builds itself or on the committed built-in suite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# tests/ first, for the shared fixture module; the repository root before it, so that the packages `scoring`
# and `agents` are never shadowed by the test folders of the same names when pytest is run as `pytest`.
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from omniact_fixture import make_dataset

# The embedding model and any transformers code must never try the network in tests.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def omniact_data(tmp_path_factory) -> Path:
    """A small data set in the published OmniACT layout (read-only: copy it before changing files)."""
    return make_dataset(tmp_path_factory.mktemp("omniact"))


@pytest.fixture(scope="module")
def browser():
    """Chromium under Playwright of the test's own, launched as the sandbox launches it (tests marked `browser`)."""
    from playwright.sync_api import sync_playwright

    from omniact.sandbox.browser import LAUNCH_ARGS, chromium_path

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True, scope="module")
def _close_shared_browser():
    """A test module that replays in-process leaves the sandbox's warm browser (and its Playwright event loop)
    behind; close it, so that the next module in the same worker can start Playwright of its own."""
    yield
    browser = sys.modules.get("omniact.sandbox.browser")
    if browser is not None and getattr(browser, "_SHARED", None) is not None:
        browser._SHARED.close()
        browser._SHARED = None


@pytest.fixture(autouse=True)
def _pools_start_beside_leftover_threads(monkeypatch):
    """A command forks its workers only where no other thread runs (`process_pool.fork_is_safe`). In this test
    process a thread an earlier test left finishing (a pool's, a server's) would keep the next test's pools from
    starting, which no command would see: the count is one here, unless a test sets it (`process_pool._threads`)."""
    from omniact import process_pool

    monkeypatch.setattr(process_pool, "_threads", lambda: 1)
