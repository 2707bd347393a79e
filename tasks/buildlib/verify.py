"""--verify: replay each task's gold script (must succeed), the empty script (must fail) and the gold script
with one click moved onto a neighbouring element (must fail), and report every task that breaks a rule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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


def run_probes(tasks: dict, probes: list[Probe], root: Path, workers: int = 2) -> list[Outcome]:
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
    results = {r.task_id: r for r in replay_tasks(copies, scripts, workers=workers, root=root)}
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

