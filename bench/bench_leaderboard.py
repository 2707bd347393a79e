"""Leaderboard throughput: 100 submissions of 2,000 tasks each, against the floor.

The floor is a bare Python process that reads and JSON-parses the split, every task and box file once, and every
line of every submission. Ours is the whole `omniact leaderboard` process (no task pages, fresh cache, 1000
bootstrap resamples), with 1 and with 2 workers, and with the default (one per usable core, at most 8); wall and CPU
time (of every process) are both compared. The gold side must be loaded and parsed once per worker, not once per
submission, so ours should stay close to the floor. Beside the default build, the same build with the Python judge
alone (OMNIACT_PURE_PYTHON=1), to show what the compiled judge (scoring/_judge.c) gives. Each submission is drawn on
its own from the generator's model of an agent's answers, as a hundred agents would answer (the share of distinct
answers is printed). Where the time goes: judging alone (every submission judged in one process, as `scoring.judge`
does for a worker) against the same floor, and what it would be on two cores shared perfectly. For scale, the default
leaderboard (a page per task too) is timed once, with its size.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_data import generate, predict  # noqa: E402 - a sibling script, importable once bench/ is on sys.path

N_SUBMISSIONS = 100
N_TASKS = 2_000
#: Runs of ours and of the floor, interleaved, the best of each kept (BENCH_REPEATS, as for bench_scoring.py).
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))

FLOOR = r"""
import json, sys
from pathlib import Path
root = Path(sys.argv[1])
split = json.loads((root / "test.json").read_bytes())
seen = set()
for e in split.values():
    (root / e["task"]).read_text().split("\n")
    box = root / e["box"]
    if not box.is_file():  # the web file-name quirk
        box = box.with_name(box.name.replace("screen_", "screen").replace(".json", "_boxes.json"))
    if box not in seen:
        seen.add(box)
        json.loads(box.read_bytes())
for sub in sys.argv[2:]:
    with open(sub, "rb") as f:
        for line in f:
            if line.strip():
                json.loads(line)
"""

# What judging itself costs, in one process: the split loaded and its gold prepared, every submission read, then
# every submission judged against the one prepared gold, as a worker judges them (an answer the compiled judge
# answers, each time; any other, once). Prints the seconds of reading and of judging, and how many distinct answers
# there were.
JUDGING = r"""
import sys, time
from omniact.dataset import load_split, paused_gc
from omniact.predictions import read_scripts
import scoring
from scoring.scorer import judge
ds = load_split(sys.argv[1], "test")
gold = scoring.prepare(ds)
with paused_gc():
    t = time.perf_counter()
    scripts = [read_scripts(sub, known_ids=ds.ids, split="test") for sub in sys.argv[2:]]
    t1 = time.perf_counter()
    seen = {}
    for s in scripts:
        judge(gold, s, "reference", seen)
    t2 = time.perf_counter()
print(t1 - t, t2 - t1, len({(k, v) for s in scripts for k, v in s.items()}))
"""

_CLICK = re.compile(r"(click\(\s*)(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)")


def _jittered(rng: random.Random, script: str) -> str:
    """`script` with each click's point moved by up to 3 pixels either way."""
    def move(m: re.Match) -> str:
        return f"{m[1]}{float(m[2]) + rng.randint(-3, 3)}, {float(m[3]) + rng.randint(-3, 3)}"

    return _CLICK.sub(move, script)


def _submissions(data: Path, out: Path) -> tuple[list[Path], float]:
    """100 submissions as 100 agents would make them: each drawn on its own from the generator's model of answers
    (`gen_data.predict`: exact, near-miss clicks, wrong keys or text, prose around the code, ...) for every task's
    gold script, each click then moved by a few pixels (two agents that click the same element do not write the
    same numbers), so that what they share is what independent agents would share, not copies of one file (answers
    seen in an earlier submission are judged once). Returns the files and the share of answers that are distinct."""
    split = json.loads((data / "test.json").read_text())
    golds = []
    for task_id, entry in split.items():
        text = (data / entry["task"]).read_text()
        golds.append((task_id, [ln for ln in text.split("\n")[2:] if ln.strip()]))
    paths, seen, total = [], set(), 0
    for k in range(N_SUBMISSIONS):
        rng = random.Random(1000 + k)
        p = out / f"sub{k:03d}.jsonl"
        with open(p, "w") as f:
            for task_id, gold in golds:
                script = predict(rng, gold)
                if script is None:
                    continue
                script = _jittered(rng, script)
                total += 1
                seen.add((task_id, script))
                f.write(json.dumps({"id": task_id, "script": script, "agent": f"bench{k}", "model": "synthetic"}) + "\n")
        paths.append(p)
    return paths, len(seen) / max(total, 1)


def _default_workers() -> int:
    from omniact.cli import _DEFAULT_WORKERS
    from omniact.process_pool import default_workers

    return default_workers(_DEFAULT_WORKERS)


def _time(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU (user + sys, of the process and every process it waited for) seconds of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="omniact-bench-lb-"))
    try:
        data, _ = generate(tmp / "data", N_TASKS, 200, seed=1)
        subs, distinct = _submissions(data, tmp)
        floor_cmd = [sys.executable, "-c", FLOOR, str(data), *map(str, subs)]
        board = [sys.executable, "-m", "omniact.cli", "leaderboard", "--data", str(data), "--split", "test",
                 *map(str, subs)]
        results = {}
        # `omniact leaderboard` without --workers: one process per usable core (at most 8)
        default = _default_workers()
        for workers in sorted({1, 2, default}):
            out = tmp / f"site{workers}"
            cmd = [*board, "--out", str(out), "--no-task-pages", "--workers", str(workers)]
            floors, ours = [], []
            for _ in range(REPEATS):  # interleaved, the best of each: the machine is shared
                floors.append(_time(floor_cmd))
                shutil.rmtree(out, ignore_errors=True)
                ours.append(_time(cmd))
            fw, fc = min(w for w, _ in floors), min(c for _, c in floors)
            ow, oc = min(w for w, _ in ours), min(c for _, c in ours)
            results[workers] = (ow, fw)
            # CPU beside wall: with more than one worker the wall ratio counts the other cores as free.
            print(f"leaderboard ({N_SUBMISSIONS} submissions x {N_TASKS:,} tasks, {workers} worker"
                  f"{'s' if workers > 1 else ''}{', the default here' if workers == default else ''}): "
                  f"{ow / fw:.2f}x floor (ours {ow:.2f}s, floor {fw:.2f}s; CPU {oc / fc:.2f}x: ours {oc:.2f}s, floor "
                  f"{fc:.2f}s; best of {REPEATS}; {distinct:.0%} of the answers distinct)", flush=True)
        # The same default build with the Python judge alone (OMNIACT_PURE_PYTHON=1: scoring/_judge.c not used),
        # interleaved with the compiled one's and a floor: what the compiled judge gives.
        out = tmp / "site-python"
        timed_py: dict[str, list[float]] = {"python": [], "compiled": [], "floor": []}
        cmd = [*board, "--out", str(out), "--no-task-pages", "--workers", str(default)]
        for _ in range(REPEATS):
            timed_py["floor"].append(_time(floor_cmd)[0])
            for kind in ("python", "compiled"):
                shutil.rmtree(out, ignore_errors=True)
                env = {**os.environ, "OMNIACT_PURE_PYTHON": "1" if kind == "python" else "0"}
                timed_py[kind].append(_time(cmd, env)[0])
        fw, py, cj = (min(timed_py[k]) for k in ("floor", "python", "compiled"))
        print(f"leaderboard with the Python judge alone ({default} worker{'s' if default > 1 else ''}): {py / fw:.2f}x "
              f"floor (ours {py:.2f}s, floor {fw:.2f}s), against {cj / fw:.2f}x ({cj:.2f}s) with the compiled judge, "
              f"timed beside it; best of {REPEATS}", flush=True)
        # Where the time goes: judging alone, in one process, against the same floor (what two cores shared perfectly
        # would halve; the rest of a build is reading, the bootstrap, the pages and starting up).
        judging = [subprocess.run([sys.executable, "-c", JUDGING, str(data), *map(str, subs)], check=True,
                                  capture_output=True, text=True).stdout.split() for _ in range(REPEATS)]
        read, judged = min(float(r) for r, _, _ in judging), min(float(j) for _, j, _ in judging)
        n_judged = int(judging[0][2])
        fw = results[1][1]
        print(f"leaderboard, judging alone ({n_judged:,} distinct answers, one process): {judged / fw:.2f}x floor "
              f"({judged:.2f}s, {judged / n_judged * 1e6:.1f} us a distinct answer; {judged / 2 / fw:.2f}x on two cores "
              f"shared perfectly; reading the submissions {read:.2f}s; best of {REPEATS})", flush=True)
        # The lines below are single runs, each against the best floor of the one-worker runs above.
        cached_out = tmp / "site1"
        t, _ = _time([*board, "--out", str(cached_out), "--no-task-pages"])
        print(f"leaderboard, all {N_SUBMISSIONS} cached: {t / results[1][1]:.2f}x floor (ours {t:.2f}s; one run)")
        # `omniact leaderboard` as run by default: a page per task too, with the screenshots converted.
        full = tmp / "site-full"
        t, _ = _time([*board, "--out", str(full)])
        size = sum(p.stat().st_size for p in full.rglob("*") if p.is_file() and ".cache" not in p.parts)
        print(f"leaderboard with its task pages (scored afresh, {default} worker{'s' if default > 1 else ''}): "
              f"{t:.2f}s, {size / 1e6:.0f} MB "
              f"({N_TASKS:,} task pages, {N_SUBMISSIONS} entry pages; one run)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    from bytecode import compile_packages

    compile_packages()  # (run alone; `make bench` compiles once before every benchmark)
    main()
