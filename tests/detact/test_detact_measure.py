"""bench/measure_detact.py keeps working: recall and scoring on one screen of the built-in suite (no browser)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("measure_detact", ROOT / "bench" / "measure_detact.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_recall_and_scores_on_one_screen(tmp_path, capsys):
    out = tmp_path / "m.json"
    # The first 3 test_unseen tasks share one screen; threads and no embeddings keep it offline and quick.
    _script().main(["--splits", "test_unseen", "--limit", "3", "--workers", "1", "--worker-type", "threads",
                    "--no-replay", "--no-icons", "--agent-arg", "embeddings=false", "--json", str(out)])
    printed = capsys.readouterr().out
    assert "detection recall" in printed and "reference" in printed and "strict" in printed

    row = json.loads(out.read_text())["splits"]["test_unseen"]
    rc = row["recall"]
    assert rc["screens"] == 1
    assert rc["overall"]["boxes"] > 0
    assert set(rc["per_platform"]) <= {"desktop", "web"} and rc["per_platform"]
    assert set(rc["per_os"]) <= {"macos", "windows", "linux", "web"} and rc["per_os"]
    # Every box belongs to exactly one platform and one OS.
    for kind in ("per_platform", "per_os"):
        assert sum(g["boxes"] for g in rc[kind].values()) == rc["overall"]["boxes"]
    for g in [rc["overall"], *rc["per_platform"].values(), *rc["per_os"].values()]:
        assert 0 <= g["recall"] <= 100
        assert g["target_recall"] is None or 0 <= g["target_recall"] <= 100

    agent = row["agent"]
    assert agent["tasks"] == 3 and not agent["errors"]
    for mode in ("reference", "strict"):
        s = agent[mode]
        assert 0 <= s["SS"] <= 100 and s["AS"] <= s["SS"] and s["AS"] >= -100
        assert set(s["per_platform"]) <= {"desktop", "web"}
    assert "replay" not in row and "icons" not in json.loads(out.read_text())
