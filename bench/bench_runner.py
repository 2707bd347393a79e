"""The runner's overhead per task, as a ratio to scoring the same predictions.

Ours: ``omniact.runner.run("oracle", ...)`` over the whole test split of the built-in suite (the fixture set
when the suite has no test tasks), one thread worker, no progress bar: data set loading, the worker, the
SQLite store (one transaction per task), the exports (predictions.jsonl, manifest.json) and the scores in
both modes. Baseline: re-scoring that run from its files in-process, as ``omniact score`` does (load the
split, read predictions.jsonl, ``scoring.score`` in both modes).
Both run several times, interleaved, in one process (imports warm); the best of each is compared, since the
machine is shared and the minimum is the least noisy estimate.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "runner" / "fixtures" / "data"
REPEATS = 5


def _data() -> Path:
    from omniact.dataset import builtin_root, load_split

    try:
        if (builtin_root() / "test.json").is_file() and len(load_split(None, "test")) > 0:
            return builtin_root()
    except Exception:  # noqa: BLE001, S110 - no usable built-in suite: benchmark on the fixture
        pass
    return FIXTURE


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import scoring
    from omniact.dataset import load_split
    from omniact.predictions import read_predictions
    from omniact.runner import run

    data = _data()
    ds = load_split(data, "test")
    n = len(ds)
    tmp = Path(tempfile.mkdtemp(prefix="bench-runner-"))
    try:
        run_times, score_times = [], []
        for i in range(REPEATS):
            out = tmp / f"r{i}"
            t0 = time.perf_counter()
            summary = run("oracle", out=out, data=data, split="test", workers=1, progress=False)
            run_times.append(time.perf_counter() - t0)
            assert not summary.errors and summary.scores["strict"]["action_score"] == 1.0, summary.scores  # noqa: S101 - a bench sanity check
            # Re-scoring the run from its files, as `omniact score` does: load, read, score both modes.
            t0 = time.perf_counter()
            fresh = load_split(data, "test")
            preds = {k: p.script for k, p in read_predictions(out / "predictions.jsonl").items()}
            for mode in ("reference", "strict"):
                scoring.score(fresh, preds, mode)
            score_times.append(time.perf_counter() - t0)
        best_run, best_score = min(run_times), min(score_times)
        print(f"runner overhead: {best_run / best_score:.2f}x scoring "
              f"(oracle run {1000 * best_run / n:.2f} ms/task incl. store, exports and both score modes; "
              f"re-scoring {1000 * best_score / n:.2f} ms/task; {n} tasks of {data.name}/test; best of {REPEATS})",
              flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
