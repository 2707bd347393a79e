"""Every built-in task replays as promised: the gold script succeeds, the empty script fails, and the gold
script with any one click moved onto the nearest other element fails."""

from __future__ import annotations

import sys

import pytest

from omniact.dataset import builtin_root, load_split

ROOT = builtin_root()
sys.path.insert(0, str(ROOT))

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not (ROOT / "test.json").is_file(), reason="the built-in suite is not built")]


def test_gold_succeeds_empty_fails_moved_clicks_fail():
    from buildlib.verify import describe, failures, probes_for, run_probes

    tasks, firsts = {}, {}
    for split in ("train", "val", "test", "test_unseen"):
        for t in load_split(None, split):
            tasks[t.id] = t
            firsts.setdefault(t.extra["group"], t)  # phrasings share one gold script: replay one of them
    probes = [p for t in firsts.values() for p in probes_for(t)]
    assert {p.kind for p in probes} == {"gold", "empty", "moved"}
    bad = failures(run_probes(tasks, probes, root=ROOT, workers=2))
    assert not bad, "\n".join(f"task {o.probe.task_id} ({tasks[o.probe.task_id].extra['group']}): {describe(o)}"
                              for o in bad[:50])
