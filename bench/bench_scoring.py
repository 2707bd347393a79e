"""How fast the scorer is, as a ratio to the floor: a bare Python process that only reads the same files.

The floor reads and JSON-parses the split file, every task file, every box file (once each, trying the
web file-name quirk's renamed path like every consumer) and the predictions file. Ours is the whole
``omniact score ... --json`` process (``python -m scoring`` when the CLI verb is not there), imports
included, measured five ways: on a first run (no gold cache yet: every file read, parsed and prepared; the split
only marked as seen), the same with ``--no-cache`` (nothing written), on a second run (the prepared gold also
written to the cache: `scoring.gold_cache.SIGHTINGS_BEFORE_WRITE`), on a repeat run over unchanged data (the
prepared gold side read from its cache, only the predictions parsed), and on a first run in one process
(``--workers 1``: by default a split this big is read by a process per core, up to 2, see `scoring.split_parts`;
the CPU time printed beside the wall time shows what the second core adds).
Both run several times, interleaved, on a generated 20,000-task data set; the best of each is compared (the
machine is shared, so the minimum is the least noisy estimate), and CPU time (user + sys) is reported beside
the wall time.

For scale, the released scorer is timed the same way: `tests/scoring/released_scorer.py`, its line-by-line
transcription, run as a script that reads the data as the release does (NLTK imported, every task's box file
parsed again; a task it would crash on scores 0 so that the run completes).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
RELEASED = HERE.parent / "tests" / "scoring" / "released_scorer.py"
sys.path.insert(0, str(HERE))

FLOOR = r"""
import json, sys, os
root = sys.argv[1]
split = json.load(open(os.path.join(root, 'test.json'), 'rb'))
seen = set()
for e in split.values():
    with open(os.path.join(root, e['task']), encoding='utf-8') as f:
        f.read()
    b = e['box']
    if b in seen:
        continue
    seen.add(b)
    p = os.path.join(root, b)
    if not os.path.exists(p):
        d, name = os.path.split(p)
        p = os.path.join(d, name.replace('screen_', 'screen').replace('.json', '_boxes.json'))
    json.loads(open(p, 'rb').read())
with open(sys.argv[2], encoding='utf-8') as f:
    for line in f:
        if line.strip():
            json.loads(line)
"""


def _command(root: Path, preds: Path, mode: str) -> list[str]:
    exe = _console_script()
    if exe is not None:
        return [exe, "score", "--data", str(root), "--split", "test", "--predictions", str(preds), "--mode", mode,
                "--json"]
    return [sys.executable, "-m", "scoring", str(root), "test", str(preds), "--mode", mode]


@cache
def _console_script() -> str | None:
    """The `omniact` console script, when it runs (asked once a bench run); else None, and why said on stderr: the
    figures are then `python -m scoring`'s (one process, no cache), not only noted on each line."""
    # The console script next to this interpreter (a pyenv shim in PATH would add its own start-up to ours).
    local = Path(sys.executable).parent / "omniact"
    exe = str(local) if local.is_file() else shutil.which("omniact")
    if exe is None:
        return None
    probe = subprocess.run([exe, "score", "--help"], capture_output=True, text=True, check=False)
    if probe.returncode == 0:
        return exe
    last = (probe.stderr.strip().splitlines() or ["no message"])[-1]
    print(f"bench: {exe} score --help fails ({last}): the install is broken (run make setup); measuring "
          "python -m scoring instead", file=sys.stderr, flush=True)
    return None


def _run(cmd: list[str], cache: Path | None = None, template: Path | None = None) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one child process (with `cache`: a gold cache of its own, empty, or a
    copy of `template`)."""
    env = None
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
        if template is not None:
            shutil.copytree(template, cache)
        env = {**os.environ, "OMNIACT_CACHE_DIR": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed: {proc.stderr.strip()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(repeats: int | None = None) -> None:
    from gen_data import generate

    if repeats is None:  # (`make bench` calls main() with no argument: BENCH_REPEATS counts there too)
        repeats = int(os.environ.get("BENCH_REPEATS", "3"))

    tmp = Path(tempfile.mkdtemp(prefix="omniact-bench-"))
    os.environ["OMNIACT_CACHE_DIR"] = str(tmp / "cache")  # the gold cache of this run only
    try:
        root, preds = generate(tmp / "data", 20_000)
        time.sleep(2.1)  # files younger than two seconds are never cached (see scoring/gold_cache.py)
        floor_cmd = [sys.executable, "-c", FLOOR, str(root), str(preds)]
        env_note = "" if _command(root, preds, "reference")[1] == "score" else " via python -m scoring"
        for mode in ("reference", "strict"):
            warm_cmd = _command(root, preds, mode)
            cold = tmp / "cold-cache"  # emptied before each first run
            seen = tmp / "seen"  # what a first run leaves: the split marked as seen, no entry
            cli = warm_cmd[1] == "score"
            runs = {"first run": (warm_cmd, cold, None),
                    "first run, --no-cache": (warm_cmd + (["--no-cache"] if cli else []), None, None)}
            if cli:
                runs["second run, cache written"] = (warm_cmd, cold, seen)
            runs["repeat run"] = (warm_cmd, None, None)
            if cli:  # the first run in one process (the default uses a process per core, up to 2)
                runs["first run, --workers 1"] = (warm_cmd + ["--workers", "1"], cold, None)
            _run(floor_cmd)  # warm the page cache so neither side pays for the first read
            shutil.rmtree(seen, ignore_errors=True)
            _run(warm_cmd, seen)  # (the mark only)
            _run(warm_cmd)  # and write the gold cache the repeat runs read (the second time the split is seen)
            _run(warm_cmd)
            for label, (cmd, cache, template) in runs.items():
                floors, ours = [], []
                for _ in range(repeats):
                    floors.append(_run(floor_cmd))
                    ours.append(_run(cmd, cache, template))
                fw, fc = min(w for w, _ in floors), min(c for _, c in floors)
                ow, oc = min(w for w, _ in ours), min(c for _, c in ours)
                print(f"scoring ({mode}, 20k tasks, {label}): {ow / fw:.2f}x floor (ours {ow:.2f}s, floor {fw:.2f}s;"
                      f" CPU {oc / fc:.2f}x: ours {oc:.2f}s, floor {fc:.2f}s; best of {repeats}{env_note})",
                      flush=True)
        # Both sides pay the interpreter's start-up (site-packages' .pth files included), which pulls every ratio
        # towards 1: said, so that ratios from machines that start Python faster or slower can be compared.
        start = min(_run([sys.executable, "-c", "pass"])[0] for _ in range(repeats))
        print(f"python start-up here: {start:.3f}s (in both sides' times above)", flush=True)
        released_cmd = [sys.executable, str(RELEASED), str(root), "test", str(preds)]
        floors, theirs = [], []
        for _ in range(repeats):
            floors.append(_run(floor_cmd))
            theirs.append(_run(released_cmd))
        fw, tw = min(w for w, _ in floors), min(w for w, _ in theirs)
        print(f"released scorer (transcribed, 20k tasks): {tw / fw:.2f}x floor (theirs {tw:.2f}s, floor {fw:.2f}s;"
              f" best of {repeats})", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    from bytecode import compile_packages

    compile_packages()  # (run alone; `make bench` compiles once before every benchmark)
    main()
