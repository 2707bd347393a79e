"""Where a first run of `omniact score` spends its time, process by process: a timeline for work on its speed.

Runs the `score` verb in this process with the steps of `scoring.split_parts` and `scoring.gold_cache` wrapped, and
prints one line per step start and end to stderr: process id, seconds since start, step. The child process's lines
come from it (it is forked with the wrappers in place), so both halves show side by side.

    python bench/score_timeline.py --data DATA --split test --predictions PREDS --json >/dev/null

The gold cache goes to a fresh temporary folder, so each run is a first run. Not part of `make bench`: it changes
nothing and measures nothing by itself (the wrappers cost a few microseconds a call).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

T0 = time.perf_counter()


def log(what: str) -> None:
    sys.stderr.write(f"{os.getpid()} {time.perf_counter() - T0:7.3f} {what}\n")


def _wrap(owner: object, name: str) -> None:
    f = getattr(owner, name)

    def wrapped(*a: object, **k: object) -> object:
        log(f"> {name}")
        try:
            return f(*a, **k)
        finally:
            log(f"< {name}")

    setattr(owner, name, wrapped)


def main() -> None:
    import omniact.cli  # noqa: F401 - the verb's imports, timed as the command has them
    import omniact.predictions as predictions
    import scoring.gold_cache as gold_cache
    import scoring.split_parts as split_parts

    log("imported")
    for name in ("_part", "_collect", "_finish", "update", "_hashed"):
        _wrap(split_parts.SplitParts, name)
    for name in ("total", "judge", "prepare", "freeze", "joined_sums", "_frozen"):
        _wrap(split_parts, name)
    _wrap(gold_cache, "write_parts")
    _wrap(gold_cache, "begin")
    _wrap(predictions, "read_scripts")
    exit_now = os._exit

    def exit_logged(code: int) -> None:  # the child's end, and the command's
        log("exit")
        exit_now(code)

    os._exit = exit_logged  # type: ignore[assignment]
    os.environ["OMNIACT_CACHE_DIR"] = tempfile.mkdtemp(prefix="omniact-timeline-")
    sys.argv = ["omniact", "score", *sys.argv[1:]]
    from omniact.console import run

    run()


if __name__ == "__main__":
    main()
