"""The committed built-in suite: it loads like the published data set and meets the bars of the suite."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from omniact.actions import parse_script
from omniact.dataset import builtin_root, load_split

ROOT = builtin_root()
SPLITS = ("train", "val", "test", "test_unseen")
TYPES = ("click", "doubleClick", "rightClick", "moveTo", "dragTo", "scroll", "hscroll", "write", "press", "hotkey")

pytestmark = pytest.mark.skipif(not (ROOT / "test.json").is_file(), reason="the built-in suite is not built")


@pytest.fixture(scope="module")
def splits():
    return {s: load_split(None, s) for s in SPLITS}


@pytest.fixture(scope="module")
def groups(splits):
    """Distinct tasks: phrasings of one task share the split entry's "group"."""
    out: dict[str, list] = defaultdict(list)
    for name, ds in splits.items():
        for t in ds:
            out[t.extra["group"]].append((name, t))
    return out


def test_every_split_loads_with_the_published_loader(splits):
    for name, ds in splits.items():
        assert len(ds) > 0, name
        for t in ds:
            assert t.image_path.is_file() and t.box_path is not None and t.box_path.is_file()
            assert t.check and t.env and t.env.startswith("apps/")
            assert t.gold_script.strip()


def test_split_entries_have_the_six_omniact_paths_and_replay_fields():
    for s in SPLITS:
        data = json.loads((ROOT / f"{s}.json").read_text())
        for tid, e in data.items():
            assert tid.isdigit()
            assert {"task", "image", "ocr", "icon", "color", "box", "os", "dpr", "env", "check"} <= set(e)
            assert e["image"].startswith("../screenshots/")


def test_ids_are_unique_across_splits(splits):
    seen: set[str] = set()
    for ds in splits.values():
        ids = {t.id for t in ds}
        assert not ids & seen
        seen |= ids


def test_coverage_bars(splits, groups):
    apps = {t.app for ds in splits.values() for t in ds}
    assert len(apps) >= 12, sorted(apps)
    assert len(groups) >= 500
    for g, members in groups.items():
        assert 3 <= len(members) <= 4, g
        assert len({name for name, _ in members}) == 1, f"phrasings of {g} are in several splits"
        assert len({t.gold_script for _, t in members}) == 1
    long = sum(len(parse_script(m[0][1].gold_script)) >= 3 for m in groups.values())
    assert long / len(groups) >= 0.25


def test_every_action_type_is_in_at_least_five_test_tasks(groups):
    count = dict.fromkeys(TYPES, 0)
    for members in groups.values():
        name, t = members[0]
        if name == "test":
            for kind in {a.name for a in parse_script(t.gold_script)}:
                if kind in count:
                    count[kind] += 1
    assert all(v >= 5 for v in count.values()), count


def test_split_sizes_are_about_7_1_2(groups):
    n = defaultdict(int)
    for members in groups.values():
        n[members[0][0]] += 1
    main = n["train"] + n["val"] + n["test"]
    assert 0.6 <= n["train"] / main <= 0.78
    assert 0.05 <= n["val"] / main <= 0.15
    assert 0.15 <= n["test"] / main <= 0.3
    assert n["test_unseen"] > 0


def test_test_unseen_is_screen_disjoint(splits):
    unseen = {t.screen_id for t in splits["test_unseen"]}
    for s in ("train", "val", "test"):
        assert not unseen & {t.screen_id for t in splits[s]}, s


def test_every_gold_point_is_a_box_centre_of_its_screen(splits):
    for ds in splits.values():
        for t in ds:
            centres = {e.box.center for e in t.elements if e.valid}
            for a in parse_script(t.gold_script):
                if a.point is not None:
                    assert a.point in centres, f"task {t.id}: {a.name} at {a.point} is no box centre"


def test_box_files_are_in_screenshot_pixels(splits):
    seen = set()
    for ds in splits.values():
        for t in ds:
            if t.box_path in seen:
                continue
            seen.add(t.box_path)
            for e in t.elements:
                b = e.box
                assert 0 <= b.left < b.right <= t.screen.width and 0 <= b.top < b.bottom <= t.screen.height
                assert e.valid is not None and e.label
            labels = [e.label for e in t.elements if e.valid]
            assert len(labels) == len(set(labels)), t.box_path


def test_screenshot_sizes_follow_the_platforms(splits):
    for ds in splits.values():
        for t in ds:
            size = (t.screen.width, t.screen.height)
            if t.platform == "web":
                assert size == (1440, 900) and t.screen.dpr == 1
            elif t.screen.os == "macos":
                assert size == (2880, 1800) and t.screen.dpr == 2
            else:
                assert size == (1920, 1080) and t.screen.dpr == 1


def test_screenshots_stay_under_40_mb():
    total = sum(p.stat().st_size for p in (ROOT.parent / "screenshots").rglob("*.png"))
    assert total < 40 * 1024 * 1024, total
