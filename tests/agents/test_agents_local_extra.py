"""A partial install of the local-models extra (torch without transformers, or transformers without torch): a run of
a local model stops once, before any task, with one line naming the missing package and the install command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "runner" / "fixtures" / "data"
ROOT = Path(__file__).resolve().parents[2]

# Loaded at interpreter start (a sitecustomize on PYTHONPATH), so every process of the run, process workers too,
# sees the package as not installed, with the error a missing one gives.
_BLOCKER = """
import importlib.abc, os, sys
_BLOCKED = set(os.environ["OMNIACT_TEST_BLOCK"].split(","))
class _Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] in _BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, _Block())
"""


@pytest.mark.parametrize("missing", ["torch", "transformers"])
@pytest.mark.parametrize("workers", ["threads", "processes"])
def test_a_missing_local_models_package_stops_the_run_once_naming_it(tmp_path, missing, workers):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(_BLOCKER)
    model = tmp_path / "model"
    model.mkdir()  # a config is all the checks before the weights read; they stop first
    (model / "config.json").write_text(json.dumps({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}))
    out = tmp_path / "run"
    env = {**os.environ, "OMNIACT_TEST_BLOCK": missing,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    p = subprocess.run(
        [sys.executable, "-c", "from omniact.console import run; run()", "run", "--agent", "llm",
         "--agent-arg", f"model_path={model}", "--agent-arg", "n_examples=0",
         "--agent-arg", f"cache_path={tmp_path / 'c.sqlite'}", "--data", str(DATA), "--split", "test",
         "--out", str(out), "--limit", "3", "--worker-type", workers, "--workers", "2"],
        check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 2, p.stderr
    said = [line for line in p.stderr.splitlines() if line.startswith("omniact:")]
    assert len(said) == 1 and "Traceback" not in p.stderr, p.stderr
    assert f"No module named '{missing}'" in said[0] and "pip install 'omniact[local-models]'" in said[0], said
    assert not (out / "predictions.jsonl").exists()
