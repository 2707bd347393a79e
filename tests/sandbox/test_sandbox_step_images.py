"""Step images of a built-in task's real page: a fraction of Chromium's PNG, and still the page a person saw."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from omniact.dataset import builtin_root, load_split
from omniact.sandbox import replay_task

ROOT = builtin_root()

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not (ROOT / "test.json").is_file(), reason="the built-in suite is not built")]

#: A music player at dpr 2 (2880x1800): Chromium's PNG of its screen is 0.6-1.8 MB.
TASK = "1214"


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    task = load_split(None, "test")[TASK]
    out = tmp_path_factory.mktemp("steps")
    r = replay_task(task, task.gold_script, out_dir=out, step_images=True, task_timeout=90)
    assert r.success, r.reason
    return task, r, out / TASK


def _one(folder, stem):
    (path,) = folder.glob(f"{stem}.*")  # whatever the format, exactly one image of that name
    return path


def test_every_step_image_of_a_suite_page_is_a_fraction_of_chromiums_png(replayed):
    _, r, folder = replayed
    paths = [_one(folder, "step_00_initial"), *(folder / st.image for st in r.steps), _one(folder, "final")]
    sizes = {p.name: p.stat().st_size for p in paths}
    # Chromium's PNGs of this page: 1.77 MB before the click, 0.86 MB after, 0.64 MB final.
    assert all(size < 400_000 for size in sizes.values()), sizes


def test_step_images_show_the_page_at_its_screenshot_size(replayed):
    """The image before the first step is the task's own screenshot (the suite renders both the same way), as
    near as a person can tell; the step after the click has the point drawn in red."""
    task, r, folder = replayed
    shot = np.asarray(Image.open(task.image_path).convert("RGB"), dtype=np.int16)
    with Image.open(_one(folder, "step_00_initial")) as im:
        assert (im.format, _one(folder, "step_00_initial").suffix) == ("WEBP", ".webp")  # named as it is
        assert im.size == (task.screen.width, task.screen.height) == (2880, 1800)
        seen = np.asarray(im.convert("RGB"), dtype=np.int16)
    diff = np.abs(seen - shot).max(axis=2)
    assert diff.mean() < 1.5 and (diff > 24).mean() < 0.005, (diff.mean(), (diff > 24).mean())
    x, y = (round(v * task.screen.dpr) for v in r.steps[0].point)
    with Image.open(r.steps[0].image) as im:
        assert im.size == (2880, 1800)
        red, green, blue = im.convert("RGB").getpixel((x + 30, y))  # on the cross's arm, right of the ring
    # pure red (255, 0, 0) drawn, against the selected row's own red (250, 45, 72) behind it
    assert red > 200 and green < 30 and blue < 40, (red, green, blue)
