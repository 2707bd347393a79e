"""`make tasks` is reproducible: a rebuild into a temporary root matches the committed suite."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

from omniact.dataset import builtin_root

ROOT = builtin_root()
REPO = ROOT.parent

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not (ROOT / "test.json").is_file(), reason="the built-in suite is not built")]


def _files(base: Path, pattern: str) -> dict[str, Path]:
    return {p.relative_to(base).as_posix(): p for p in base.glob(pattern) if p.is_file()}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("suite")
    # --png-level 1: the screenshots are compared pixel by pixel, so the smallest encoding (most of the build's time)
    # is not needed here.
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out), "--quiet", "--png-level", "1"],
                          check=False, capture_output=True, text=True, timeout=3000)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_box_task_and_split_files_are_byte_identical(rebuilt):
    for pattern in ("data/metadata/**/*.json", "data/tasks/**/*.txt", "*.json"):
        ours, theirs = _files(rebuilt / "tasks", pattern), _files(ROOT, pattern)
        assert sorted(ours) == sorted(theirs), pattern
        differ = [k for k in ours if not filecmp.cmp(ours[k], theirs[k], shallow=False)]
        assert not differ, differ[:10]


def test_screenshots_match_within_a_small_tolerance(rebuilt):
    import numpy as np
    from PIL import Image

    ours, theirs = _files(rebuilt / "screenshots", "**/*.png"), _files(REPO / "screenshots", "**/*.png")
    assert sorted(ours) == sorted(theirs)
    for k in ours:
        a = np.asarray(Image.open(ours[k]).convert("RGB"), dtype=np.int16)
        b = np.asarray(Image.open(theirs[k]).convert("RGB"), dtype=np.int16)
        assert a.shape == b.shape, k
        # Anti-aliasing may differ by a level here and there between machines; layout changes move whole edges.
        changed = (np.abs(a - b).max(axis=2) > 24).mean()
        assert changed < 0.005, f"{k}: {changed:.2%} of pixels differ"
