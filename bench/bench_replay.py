"""Replay throughput: omniact's sandbox (2 warm worker processes, isolation, settle, check) against a bare
Playwright loop doing the same clicks on the same pages (one browser, one page, no isolation, no settle).

Pages: click-only gold scripts of the built-in suite (the test split), else the sandbox test fixture.
Prints ``replay throughput: N.NNx bare playwright (ours X act/s, bare Y act/s)``; target >= 0.5.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_TASKS = 24
WORKERS = 2


def _tasks():
    """(tasks, root): suite tasks whose gold scripts are clicks only, repeated up to N_TASKS."""
    from omniact.actions import parse_script
    from omniact.dataset import load_split

    for root in (None, ROOT / "tests" / "sandbox" / "fixtures" / "suite"):
        try:
            ds = load_split(root, "test")
        except Exception:
            continue
        picked = [
            t
            for t in ds.tasks
            if t.env and t.check and all(a.name == "click" for a in parse_script(t.gold_script))
        ]
        if picked:
            reps = -(-N_TASKS // len(picked))
            return (picked * reps)[:N_TASKS], ds.root
    raise SystemExit("bench_replay: no replayable click-only task found")


def _ours(tasks, root) -> tuple[float, int, int]:
    from omniact.sandbox import replay_tasks
    from omniact.sandbox.workers import LocalPool

    with LocalPool(workers=WORKERS) as pool:  # started and warmed (browsers launched) before the clock
        # Distinct ids so every repetition is its own task.
        import dataclasses

        batch = [dataclasses.replace(t, id=f"{t.id}#{i}") for i, t in enumerate(tasks)]
        scripts = {t.id: t.gold_script for t in batch}
        replay_tasks(batch[:WORKERS], scripts, executor=pool, root=root, task_timeout=120)  # warm the pages
        t0 = time.perf_counter()
        results = replay_tasks(batch, scripts, executor=pool, root=root, task_timeout=120)
        dt = time.perf_counter() - t0
    n_actions = sum(len(r.steps) for r in results)
    phases: dict[str, float] = {}
    for r in results:
        for k, v in r.info.get("timings", {}).items():
            phases[k] = phases.get(k, 0.0) + v / len(results)
    elapsed = sum(r.elapsed for r in results) / len(results)
    print(
        "  ours per task: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in phases.items())
        + f", total {elapsed * 1000:.0f} ms",
        file=sys.stderr,
        flush=True,
    )
    return dt, n_actions, sum(r.success for r in results)


def _bare(tasks, root) -> tuple[float, int, int]:
    from playwright.sync_api import sync_playwright

    from omniact.actions import parse_script
    from omniact.sandbox.browser import LAUNCH_ARGS, chromium_path
    from omniact.sandbox.server import LoopbackServer

    with sync_playwright() as p, LoopbackServer(root) as server:
        browser = p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        t = tasks[0]
        page = browser.new_page(
            viewport={
                "width": int(t.screen.width / t.screen.dpr),
                "height": int(t.screen.height / t.screen.dpr),
            },
            device_scale_factor=t.screen.dpr,
        )
        page.goto(server.url(t.env))  # warm
        n, ok = 0, 0
        t0 = time.perf_counter()
        for t in tasks:
            if page.viewport_size != {
                "width": int(t.screen.width / t.screen.dpr),
                "height": int(t.screen.height / t.screen.dpr),
            }:
                page.close()
                page = browser.new_page(
                    viewport={
                        "width": int(t.screen.width / t.screen.dpr),
                        "height": int(t.screen.height / t.screen.dpr),
                    },
                    device_scale_factor=t.screen.dpr,
                )
            page.goto(server.url(t.env))
            page.wait_for_function("window.omni && window.omni.ready")
            for a in parse_script(t.gold_script):
                x, y = a.point
                page.mouse.click(x / t.screen.dpr, y / t.screen.dpr)
                n += 1
            ok += bool(page.evaluate("() => !!(" + t.check + ")"))
        dt = time.perf_counter() - t0
        browser.close()
    return dt, n, ok


def main() -> None:
    tasks, root = _tasks()
    bare_dt, bare_n, bare_ok = _bare(tasks, root)
    ours_dt, ours_n, ours_ok = _ours(tasks, root)
    ours, bare = ours_n / ours_dt, bare_n / bare_dt
    print(
        f"replay throughput: {ours / bare:.2f}x bare playwright "
        f"(ours {ours:.1f} act/s, bare {bare:.1f} act/s; "
        f"{len(tasks)} tasks, {ours_n} clicks, {WORKERS} workers; checks passed ours {ours_ok}, "
        f"bare {bare_ok})"
    )


if __name__ == "__main__":
    main()
