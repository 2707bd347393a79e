"""--verify: replay each task's gold script (must succeed), the empty script (must fail) and the gold script
with one click moved onto a neighbouring element (must fail), and report every task that breaks a rule."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from omniact.actions import Action, format_script, parse_script

CLICK_LIKE = ("click", "doubleClick", "rightClick")


@dataclass(frozen=True)
class Probe:
    """One replay to make: which task, what script, and whether the check must pass."""

    task_id: str
    kind: str  # "gold" | "empty" | "moved"
    script: str
    expect: bool
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    probe: Probe
    success: bool
    reason: str


def moved_variants(actions: list[Action], elements) -> list[tuple[int, object, str]]:
    """For each click-like action, the script with that one action moved onto the centre of the nearest other
    valid element with a different label: (action index, element moved to, script). `elements` are the
    screen's `omniact.task.UIElement`s; ties go to the element listed first in the box file."""
    out = []
    for i, a in enumerate(actions):
        if a.name not in CLICK_LIKE or a.point is None:
            continue
        px, py = a.point
        labels = {e.label for e in elements if e.valid is not False and e.box.center == (px, py)}
        best = None
        for e in elements:
            if e.valid is False or e.label in labels or e.box.center == (px, py):
                continue
            cx, cy = e.box.center
            d = math.hypot(cx - px, cy - py)
            if best is None or d < best[0]:
                best = (d, e)
        if best is None:
            continue
        target = best[1]
        args = dict(a.args)
        args["x"], args["y"] = target.box.center
        moved = list(actions)
        moved[i] = Action(a.name, tuple(args.items()))
        out.append((i, target, format_script(moved)))
    return out


def probes_for(task) -> list[Probe]:
    """The replays that check one task (an `omniact.task.Task`): gold succeeds, empty fails, moved clicks fail."""
    actions = parse_script(task.gold_script)
    probes = [Probe(task.id, "gold", task.gold_script, True), Probe(task.id, "empty", "", False)]
    for i, target, script in moved_variants(actions, task.elements):
        probes.append(Probe(task.id, "moved", script, False,
                            f"step {i + 1} ({actions[i].name}) moved onto {target.label!r}"))
    return probes


def run_probes(tasks: dict, probes: list[Probe], root: Path, workers: int = 2, progress=None) -> list[Outcome]:
    """Replay every probe through the sandbox in one batch (one pool of warm browsers).

    `tasks` maps task id -> omniact Task (with env and check); `root` is the directory the pages are served
    from (it holds apps/). Each probe replays as a copy of its task under a probe-unique id."""
    import dataclasses

    from omniact.sandbox import replay_tasks

    copies, scripts = [], {}
    for n, p in enumerate(probes):
        pid = f"{p.task_id}~{n}"
        copies.append(dataclasses.replace(tasks[p.task_id], id=pid))
        scripts[pid] = p.script
    by_pid = {f"{p.task_id}~{n}": p for n, p in enumerate(probes)}

    def report(r) -> None:  # outcomes as they arrive, so a long run shows its failures early
        p = by_pid.get(r.task_id)
        if progress is not None and p is not None:
            progress(Outcome(p, bool(r.success), str(r.reason or "")))

    results = {r.task_id: r for r in replay_tasks(copies, scripts, workers=workers, root=root, progress=report)}
    out = []
    for n, p in enumerate(probes):
        r = results.get(f"{p.task_id}~{n}")
        ok = bool(r is not None and r.success)
        reason = "no result" if r is None else str(r.reason or ("" if ok else "check is false"))
        out.append(Outcome(p, ok, reason))
    return out


def failures(outcomes: list[Outcome]) -> list[Outcome]:
    """Outcomes that break a rule: gold not succeeding, empty or moved scripts succeeding."""
    return [o for o in outcomes if o.success != o.probe.expect]


def describe(o: Outcome) -> str:
    p = o.probe
    if p.kind == "gold":
        return f"gold script fails ({o.reason or 'check is false'})"
    if p.kind == "empty":
        return "the empty script already passes the check"
    return f"still passes with {p.note}"

