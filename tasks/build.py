#!/usr/bin/env python3
"""Build the built-in suite from the apps under tasks/apps/ (run by `make tasks`).

For every app and screen: render the page in Chromium at the app's viewport and dpr, save the screenshot
(screenshots/<platform>/<app>/screen_<k>.png) and the box file of its visible [data-omni] elements
(tasks/data/metadata/<platform>/boxes/<app>/screen_<k>.json); turn each task's steps into a gold script at
element centres, one task file per phrasing (tasks/data/tasks/<platform>/<app>/task_<k>.<n>.txt); and write
the split files tasks/{train,val,test,test_unseen}.json.

    python tasks/build.py                      # everything
    python tasks/build.py --app shop --verify  # one app (others' outputs left alone), then replay its tasks
    python tasks/build.py --out /tmp/suite     # into another root (writes /tmp/suite/{tasks,screenshots})

--verify replays, per task, the gold script (must succeed), the empty script (must fail) and the gold script
with each click moved onto the nearest other element (must fail), and prints every task that breaks a rule.
Exit status: 0 all good; 1 build errors or verification failures; 2 bad command line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections import Counter
from pathlib import Path

SRC = Path(__file__).resolve().parent  # tasks/
REPO = SRC.parent
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(REPO))

from buildlib.gold import Element, GoldError, box_file, elements_from_box_file, gold_actions, task_file_text
from buildlib.spec import AppSpec, SpecError, list_apps, load_app
from buildlib.splits import ACTION_TYPES, SplitItem, assign

SPLIT_NAMES = ("train", "val", "test", "test_unseen")


def _write(path: Path, text: str) -> None:
    """Atomic: helpers building other apps at the same time never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _dump(obj) -> str:
    return json.dumps(obj, indent=1, ensure_ascii=False) + "\n"


class Paths:
    """Where outputs go under an output root (the repo by default)."""

    def __init__(self, out_root: Path):
        self.root = out_root
        self.data = out_root / "tasks"

    def png(self, app: AppSpec, k: int) -> Path:
        return self.root / "screenshots" / app.platform / app.name / f"screen_{k}.png"

    def boxes(self, app: AppSpec, k: int) -> Path:
        return self.data / self.rel_box(app, k)

    def task(self, app: AppSpec, k: int, n: int) -> Path:
        return self.data / self.rel_task(app, k, n)

    @staticmethod
    def rel_box(app: AppSpec, k: int) -> str:
        return f"data/metadata/{app.platform}/boxes/{app.name}/screen_{k}.json"

    @staticmethod
    def rel_task(app: AppSpec, k: int, n: int) -> str:
        return f"data/tasks/{app.platform}/{app.name}/task_{k}.{n}.txt"

    @staticmethod
    def entry_paths(app: AppSpec, k: int, n: int) -> dict:
        p, a = app.platform, app.name
        return {"task": Paths.rel_task(app, k, n), "image": f"../screenshots/{p}/{a}/screen_{k}.png",
                "box": Paths.rel_box(app, k), "ocr": f"ocr/{p}/{a}/screen_{k}.json",
                "icon": f"detact_icon/{p}/{a}/screen_{k}.json", "color": f"detact_color/{p}/{a}/screen_{k}.json"}


# ------------------------------------------------------------------------------------------------------------
# Rendering


def render_apps(apps: list[AppSpec], paths: Paths, log, png_level: int | None = None) -> tuple[dict, list[str]]:
    """Screenshots and box files of `apps`. Returns ({(app, k): (elements, why-missing)}, problems)."""
    from buildlib.render import ScreenPage, browser, serve

    out: dict = {}
    problems: list[str] = []
    with serve(SRC) as base, browser() as b:
        for app in apps:
            for d in (paths.png(app, 1).parent, paths.boxes(app, 1).parent):
                if d.exists():
                    shutil.rmtree(d)
            ctx = b.new_context(viewport={"width": app.viewport[0], "height": app.viewport[1]},
                                device_scale_factor=app.dpr, locale="en-US", timezone_id="UTC",
                                color_scheme="light", reduced_motion="reduce")
            screens = ScreenPage(ctx, app.viewport, app.dpr)
            try:
                for k, screen in enumerate(app.screens, 1):
                    try:
                        raw = screens.render(base + app.env(screen), paths.png(app, k), png_level)
                    except Exception as e:  # noqa: BLE001 - a page that fails to render is the app's problem
                        problems.append(f"{app.name} screen {screen!r}: failed to render: "
                                        f"{type(e).__name__}: {str(e).splitlines()[0][:300]}")
                        continue
                    elements, why = [], {}
                    for r in raw:
                        if r.covered is not None:
                            why.setdefault(r.label, f"its centre is covered by {r.covered}")
                            continue
                        elements.append(Element(str(len(elements)), r.label, r.valid, r.box))
                    dup = Counter(e.label for e in elements if e.valid)
                    for label, c in sorted(dup.items()):
                        if c > 1:
                            problems.append(f"{app.name} screen {screen!r}: label {label!r} is on {c} elements")
                    _write(paths.boxes(app, k), _dump(box_file(elements)))
                    out[(app.name, k)] = (elements, why)
                    log(f"  {app.name} screen_{k} ({screen}): {sum(e.valid for e in elements)} elements")
            finally:
                screens.close()
                ctx.close()
    return out, problems


# ------------------------------------------------------------------------------------------------------------
# Gold scripts, task files and splits


def build(selected: list[str], paths: Paths, render: bool, log, png_level: int | None = None) -> tuple[dict, list[str]]:
    """Render the selected apps, write their task files and rewrite the split files from every app that has
    box files. Returns ({"splits": entries by split name, "info": per-task build facts}, problems of the
    selected apps)."""
    names = list_apps(SRC / "apps")
    specs: dict[str, AppSpec] = {}
    problems: list[str] = []
    for name in names:
        try:
            spec, task_problems = load_app(SRC / "apps", name)
        except SpecError as e:
            if name in selected:
                problems.append(str(e))
            continue
        specs[name] = spec
        if name in selected:
            problems.extend(task_problems)

    rendered: dict = {}
    if render:
        r, p = render_apps([specs[n] for n in selected if n in specs], paths, log, png_level)
        rendered.update(r)
        problems.extend(p)

    # Every app with box files takes part in the splits (so `--app X` keeps other apps' entries).
    screens: dict = dict(rendered)
    for name, spec in specs.items():
        for k in range(1, len(spec.screens) + 1):
            if (name, k) in screens:
                continue
            bp = paths.boxes(spec, k)
            if bp.is_file() and paths.png(spec, k).is_file():
                screens[(name, k)] = (elements_from_box_file(json.loads(bp.read_text(encoding="utf-8"))), {})

    items: list[SplitItem] = []
    info: dict[tuple, dict] = {}
    for name in sorted(specs):
        spec = specs[name]
        if name in selected:
            d = paths.data / "data" / "tasks" / spec.platform / spec.name
            if d.exists():
                shutil.rmtree(d)
        counters: Counter = Counter()
        for t in spec.tasks:
            k = spec.screen_number(t.screen)
            if (name, k) not in screens:
                if name in selected:
                    problems.append(f"{name} task {t.index}: screen {t.screen!r} was not rendered")
                continue
            elements, why = screens[(name, k)]
            try:
                actions = gold_actions(t, elements, why)
            except GoldError as e:
                if name in selected:
                    problems.append(str(e))
                continue
            for j, s in enumerate(t.steps):
                if name in selected and "dragTo" in s and (
                        j == 0 or not any(x in t.steps[j - 1] for x in ("moveTo", "click", "dragTo"))):
                    problems.append(f"{name} task {t.index}: dragTo at step {j + 1} needs a moveTo before it")
            files = []
            for goal in t.goals:
                counters[k] += 1
                n = counters[k]
                if name in selected:
                    _write(paths.task(spec, k, n), task_file_text(goal, actions))
                files.append(n)
            key = (spec.platform, name, k, t.index)
            held_out = k == len(spec.screens) and len(spec.screens) > 1
            items.append(SplitItem(key, name, held_out, frozenset(a.name for a in actions)))
            info[key] = {"spec": spec, "task": t, "k": k, "files": files, "actions": actions,
                         "elements": elements}

    where = assign(items)
    splits: dict[str, dict] = {s: {} for s in SPLIT_NAMES}
    next_id = 1
    for key in sorted(info):
        d = info[key]
        spec, t, k = d["spec"], d["task"], d["k"]
        for n in d["files"]:
            entry = Paths.entry_paths(spec, k, n)
            entry.update({"os": spec.os, "dpr": spec.dpr, "env": spec.env(t.screen), "check": t.check,
                          "group": f"{spec.name}:{t.index}"})
            splits[where[key]][str(next_id)] = entry
            next_id += 1
        d["id"] = str(next_id - len(d["files"]))
        d["split"] = where[key]
    for s in SPLIT_NAMES:
        _write(paths.data / f"{s}.json", _dump(splits[s]))
    return {"splits": splits, "info": info}, problems


def summary(result: dict, log) -> None:
    info = result["info"]
    by_split = Counter(d["split"] for d in info.values())
    phr = Counter()
    for d in info.values():
        phr[d["split"]] += len(d["files"])
    apps = Counter(d["spec"].name for d in info.values())
    n = len(info)
    log(f"tasks: {n} distinct, {sum(phr.values())} phrasings, {len(apps)} apps")
    for s in SPLIT_NAMES:
        log(f"  {s:<12} {by_split[s]:>4} tasks {phr[s]:>5} phrasings")
    test_types = Counter(a for d in info.values() if d["split"] == "test" for a in {x.name for x in d["actions"]})
    log("  test tasks per action type: " + ", ".join(f"{t} {test_types[t]}" for t in ACTION_TYPES))
    long = sum(len(d["actions"]) >= 3 for d in info.values())
    log(f"  tasks with >= 3 actions: {long} ({100 * long / max(n, 1):.1f}%)")
    log("  per app: " + ", ".join(f"{a} {c}" for a, c in sorted(apps.items())))


# ------------------------------------------------------------------------------------------------------------
# Verification


def verify(result: dict, selected: list[str], paths: Paths, workers: int, only: set[int] | None, log) -> list[str]:
    from buildlib.verify import describe, failures, probes_for, run_probes

    from omniact.dataset import load_split

    by_id = {}
    for s in SPLIT_NAMES:
        by_id.update({t.id: t for t in load_split(paths.data, s)})
    probes = []
    names = {}
    for key, d in sorted(result["info"].items()):
        t = d["task"]
        if t.app not in selected or (only and t.index not in only):
            continue
        tid = d["id"]
        names[tid] = f"{t.app} task {t.index} (screen {t.screen!r}, id {tid}, {d['split']})"
        probes.extend(probes_for(by_id[tid]))
    log(f"verify: {len(probes)} replays of {len(names)} tasks ({workers} workers)")
    done = [0]

    def progress(o) -> None:
        done[0] += 1
        if o.success != o.probe.expect:
            print(f"FAIL {names[o.probe.task_id]}: {describe(o)}", flush=True)
        if done[0] % 100 == 0:
            log(f"verify: {done[0]}/{len(probes)} replays done")

    # Pages come from the apps' sources, whatever --out says.
    outcomes = run_probes(by_id, probes, root=SRC, workers=workers, progress=progress)
    bad = [f"{names[o.probe.task_id]}: {describe(o)}" for o in failures(outcomes)]
    return sorted(set(bad), key=bad.index)


def _parse_only(text: str | None) -> set[int] | None:
    if not text:
        return None
    out: set[int] = set()
    for part in text.split(","):
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", action="append", default=[], help="build only this app (repeatable)")
    ap.add_argument("--out", type=Path, default=None, help="output root (default: the repository)")
    ap.add_argument("--verify", action="store_true", help="replay the built tasks and check success/failure")
    ap.add_argument("--tasks", default=None, help="with --verify: only these task numbers of tasks.json, e.g. 1,4-6")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-render", action="store_true", help="reuse existing box files (no Chromium)")
    ap.add_argument("--png-level", type=int, choices=range(10), default=None, metavar="0-9",
                    help="zlib level of the screenshots (default: the smallest files, about 1 s a screenshot; "
                         "1 is six times faster)")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, flush=True)

    all_apps = list_apps(SRC / "apps")
    for a in args.app:
        if a not in all_apps:
            print(f"build.py: no app {a!r} (apps: {', '.join(all_apps)})", file=sys.stderr)
            return 2
    selected = args.app or all_apps
    paths = Paths((args.out or REPO).resolve())
    result, problems = build(selected, paths, render=not args.no_render, log=log, png_level=args.png_level)
    summary(result, log)
    for p in problems:
        print(f"ERROR {p}")
    bad: list[str] = []
    if args.verify:
        bad = verify(result, selected, paths, args.workers, _parse_only(args.tasks), log)
        log(f"verify: {len(bad)} failing checks (listed above)" if bad else "verify: all tasks pass")
    return 1 if problems or bad else 0


if __name__ == "__main__":
    sys.exit(main())
