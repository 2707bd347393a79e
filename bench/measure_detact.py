"""DetACT on the built-in suite, measured from one command (issue 5's bar; the README's DetACT paragraph).

    python bench/measure_detact.py [--splits test,test_unseen] [--workers 2] [--json out.json]

For each split it prints:

- detection recall of the gold boxes by the committed detection files (a box is found when a detected
  element's centre lies inside it), over every valid box of every screen of the split, overall, per platform
  and per OS, and for the boxes the gold scripts act on ("targets");
- the offline `detact` agent (omniact.runner, into a temporary folder): sequence and action scores (x100) in
  both scoring modes, overall and per platform;
- that agent's replay success in the sandbox (omniact.sandbox.replay_tasks on the same predictions), overall,
  per platform and per app;

and once, the icon matcher's label precision/recall on Font Awesome icons rendered by Chromium.

It is a measurement, not a benchmark (``make bench`` runs bench_*.py only) and not a test: it takes minutes,
mostly the replays. ``--limit N`` keeps the first N tasks of each split (and the screens they use) for a quick
look; ``--no-replay`` / ``--no-icons`` / ``--no-agent`` skip the parts that need a browser or take time.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["agent_scores", "format_report", "icon_scores", "main", "measure", "recall", "replay_rates"]


def _pct(x: float | None) -> float | None:
    return None if x is None else round(100.0 * x, 2)


def _os_of(task: Any) -> str:
    return "web" if task.platform == "web" else (task.screen.os or "unknown")


def _id_key(task_id: str) -> tuple[int, str]:
    return (int(task_id), "") if task_id.isdigit() else (1 << 62, task_id)


def _task_ids(data: str | Path | None, split: str, limit: int | None) -> list[str]:
    from omniact.dataset import load_split

    ids = [t.id for t in load_split(data, split).tasks]
    return ids if limit is None else ids[:limit]


def recall(data: str | Path | None, split: str, limit: int | None = None) -> dict[str, Any]:
    """Detection recall (percent) of the split's gold boxes by its committed detection files.

    With `limit`, only the screens of the split's first `limit` tasks count. Keys: ``screens``, ``overall``,
    ``per_platform``, ``per_os``, ``per_app``; each group holds ``boxes``, ``found``, ``recall``,
    ``targets``, ``targets_found``, ``target_recall`` (recalls in percent).
    """
    from agents.detact.evaluate import detection_recall

    ids = None if limit is None else _task_ids(data, split, limit)
    r = detection_recall(data, split, ids=ids)

    def pct(g: Mapping[str, Any]) -> dict[str, Any]:
        return {**g, "recall": _pct(g["recall"]), "target_recall": _pct(g["target_recall"])}

    return {"screens": r["screens"], "overall": pct(r["overall"]),
            **{k: {name: pct(g) for name, g in r[k].items()} for k in ("per_platform", "per_os", "per_app")}}


def _mode_scores(s: Mapping[str, Any]) -> dict[str, Any]:
    out = {"SS": _pct(s["sequence_score"]), "AS": _pct(s["action_score"]), "n_scored": s.get("n_scored"),
           "n_parse_errors": s.get("n_parse_errors")}
    plat = s.get("breakdown", {}).get("platform", {})
    out["per_platform"] = {k: {"SS": _pct(g["sequence_score"]), "AS": _pct(g["action_score"])}
                           for k, g in sorted(plat.items())}
    return out


def agent_scores(data: str | Path | None, split: str, out: Path, *, workers: int = 2, limit: int | None = None,
                 agent_args: Mapping[str, Any] | None = None,
                 worker_type: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Run the offline `detact` agent over the split into `out` and score it in both modes (x100).

    Returns the scores (``{"reference": {...}, "strict": {...}, "tasks", "errors", "seconds"}``) and the
    predicted scripts by task id (for the replays).
    """
    from omniact.runner import PREDICTIONS_FILE, run

    summary = run("detact", out=out, data=data, split=split, workers=workers, limit=limit,
                  agent_args=dict(agent_args or {}), worker_type=worker_type)
    scripts: dict[str, str] = {}
    with open(out / PREDICTIONS_FILE, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                scripts[str(rec["id"])] = rec.get("script") or ""
    scores = {mode: _mode_scores(summary.scores[mode]) for mode in ("reference", "strict") if mode in summary.scores}
    scores.update(tasks=summary.n_tasks, errors=dict(summary.errors), seconds=round(summary.seconds, 1))
    return scores, scripts


def replay_rates(data: str | Path | None, split: str, scripts: Mapping[str, str], *, workers: int = 2,
                 progress: Callable[[Any], None] | None = None) -> dict[str, Any]:
    """Replay `scripts` on their tasks in the sandbox and count successes, overall, per platform and per app.

    Each group holds ``tasks``, ``success`` and ``rate`` (percent); ``reasons`` counts the failures' reasons
    by their first words (a browser or sandbox failure shows there, not as a low agent score); ``succeeded``
    lists the ids of the tasks whose check passed.
    """
    from omniact.dataset import load_split
    from omniact.sandbox import replay_tasks

    tasks = [t for t in load_split(data, split).tasks if t.id in scripts]
    t0 = time.monotonic()
    results = replay_tasks(tasks, dict(scripts), workers=workers, progress=progress)
    by_id = {t.id: t for t in tasks}

    def tally() -> dict[str, Any]:
        return {"tasks": 0, "success": 0}

    total, per_platform, per_app, reasons = tally(), {}, {}, {}
    for r in results:
        t = by_id[r.task_id]
        for g in (total, per_platform.setdefault(t.platform, tally()), per_app.setdefault(t.app, tally())):
            g["tasks"] += 1
            g["success"] += bool(r.success)
        if not r.success:
            why = (r.reason or r.parse_error or "failed").split(":")[0][:60]
            reasons[why] = reasons.get(why, 0) + 1

    def rate(g: dict[str, Any]) -> dict[str, Any]:
        return {**g, "rate": _pct(g["success"] / g["tasks"]) if g["tasks"] else None}

    return {"overall": rate(total), "per_platform": {k: rate(v) for k, v in sorted(per_platform.items())},
            "per_app": {k: rate(v) for k, v in sorted(per_app.items())},
            "reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
            "succeeded": sorted((r.task_id for r in results if r.success), key=_id_key),
            "seconds": round(time.monotonic() - t0, 1)}


def icon_scores(workdir: Path, n: int = 120) -> dict[str, Any]:
    """Icon label precision/recall (percent) at the matcher's threshold on `n` Chromium-rendered icons, 1x and 2x."""
    from agents.detact.evaluate import icon_precision
    from agents.detact.icons import THRESHOLD

    out: dict[str, Any] = {"threshold": THRESHOLD, "icons": n}
    for dpr in (1, 2):
        r = icon_precision(workdir, n=n, seed=0, dpr=dpr)
        row = r["thresholds"].get(THRESHOLD) or {}
        out[f"{dpr}x"] = {"precision": _pct(row.get("precision")), "recall": _pct(row.get("recall")),
                          "labelled": row.get("labelled"), "correct": row.get("correct"), "icons": r["icons"]}
    return out


def measure(splits: Sequence[str] = ("test", "test_unseen"), *, data: str | Path | None = None, workers: int = 2,
            limit: int | None = None, agent: bool = True, replay: bool = True, icons: bool = True,
            agent_args: Mapping[str, Any] | None = None, worker_type: str | None = None,
            log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Every figure of the report, as JSON-ready data (see the module docstring)."""
    say = log or (lambda _msg: None)
    result: dict[str, Any] = {"splits": {}, "workers": workers, "limit": limit,
                              "data": str(data) if data is not None else "built-in suite"}
    with tempfile.TemporaryDirectory(prefix="measure_detact_") as tmp:
        for split in splits:
            row: dict[str, Any] = {"recall": recall(data, split, limit)}
            say(f"{split}: recall measured on {row['recall']['screens']} screens")
            if agent:
                say(f"{split}: running the detact agent ({workers} workers)")
                row["agent"], scripts = agent_scores(data, split, Path(tmp) / f"run_{split}", workers=workers,
                                                     limit=limit, agent_args=agent_args, worker_type=worker_type)
                say(f"{split}: {row['agent']['tasks']} tasks in {row['agent']['seconds']} s")
                if replay:
                    say(f"{split}: replaying {len(scripts)} predictions ({workers} workers)")
                    row["replay"] = replay_rates(data, split, scripts, workers=workers)
                    say(f"{split}: replays done in {row['replay']['seconds']} s")
            result["splits"][split] = row
        if icons:
            say("icons: rendering and matching 120 icons at 1x and 2x")
            result["icons"] = icon_scores(Path(tmp) / "icons")
    return result


def _fmt(x: Any) -> str:
    return "-" if x is None else (f"{x:.1f}" if isinstance(x, float) else str(x))


def format_report(result: Mapping[str, Any]) -> str:
    """A compact plain-text table of `measure`'s result."""
    lines: list[str] = []
    for split, row in result["splits"].items():
        rc = row["recall"]
        ov = rc["overall"]
        lines.append(f"== {split} ==")
        lines.append(f"detection recall ({rc['screens']} screens): all boxes {_fmt(ov['recall'])}% of {ov['boxes']}, "
                     f"targets {_fmt(ov['target_recall'])}% of {ov['targets']}")
        lines.append(f"  {'group':<16} {'boxes':>6} {'recall%':>8} {'targets':>8} {'target%':>8}")
        for kind, tag in (("per_platform", "platform"), ("per_os", "os")):
            for name, g in rc[kind].items():
                lines.append(f"  {tag + ' ' + name:<16} {g['boxes']:>6} {_fmt(g['recall']):>8} {g['targets']:>8} "
                             f"{_fmt(g['target_recall']):>8}")
        ag = row.get("agent")
        if ag:
            lines.append(f"detact agent ({ag['tasks']} tasks, errors {ag['errors'] or 0}, {ag['seconds']} s):")
            lines.append(f"  {'mode':<10} {'SS':>6} {'AS':>6}   per platform (SS/AS)")
            for mode in ("reference", "strict"):
                s = ag.get(mode)
                if s:
                    per = ", ".join(f"{k} {_fmt(v['SS'])}/{_fmt(v['AS'])}" for k, v in s["per_platform"].items())
                    lines.append(f"  {mode:<10} {_fmt(s['SS']):>6} {_fmt(s['AS']):>6}   {per}")
        rp = row.get("replay")
        if rp:
            o = rp["overall"]
            per = ", ".join(f"{k} {v['success']}/{v['tasks']}" for k, v in rp["per_platform"].items())
            lines.append(f"replay success: {o['success']}/{o['tasks']} = {_fmt(o['rate'])}% ({per}; {rp['seconds']} s)")
            lines.append("  per app: " + ", ".join(f"{k} {v['success']}/{v['tasks']}" for k, v in rp["per_app"].items()))
            top = list(rp["reasons"].items())[:4]
            if top:
                lines.append("  failures: " + "; ".join(f"{n} x {why}" for why, n in top))
    ic = result.get("icons")
    if ic:
        per = ", ".join(f"{d}: P {_fmt(ic[d]['precision'])}% R {_fmt(ic[d]['recall'])}% ({ic[d]['icons']} icons)"
                        for d in ("1x", "2x") if d in ic)
        lines.append(f"== icons == labels at SSIM >= {ic['threshold']}: {per}")
    return "\n".join(lines)


def _agent_arg(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"--agent-arg takes KEY=VALUE, not {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--splits", default="test,test_unseen", help="comma-separated splits (default test,test_unseen)")
    p.add_argument("--data", default=None, help="data root (default: the built-in suite)")
    p.add_argument("--workers", type=int, default=2, help="agent and replay workers (default 2)")
    p.add_argument("--limit", type=int, default=None, help="first N tasks of each split only (and their screens)")
    p.add_argument("--json", default=None, help="also write the figures to this JSON file")
    p.add_argument("--no-agent", action="store_true", help="recall only (no agent run, no replay)")
    p.add_argument("--no-replay", action="store_true", help="skip the sandbox replays (no browser)")
    p.add_argument("--no-icons", action="store_true", help="skip the icon precision (no browser)")
    p.add_argument("--agent-arg", action="append", type=_agent_arg, default=[], metavar="KEY=VALUE",
                   help="extra argument for the detact agent (e.g. embeddings=false)")
    p.add_argument("--worker-type", choices=("threads", "processes"), default=None,
                   help="agent worker type (default: the agent's own, threads for detact)")
    a = p.parse_args(argv)
    splits = [s.strip() for s in a.splits.split(",") if s.strip()]
    t0 = time.monotonic()
    result = measure(splits, data=a.data, workers=a.workers, limit=a.limit, agent=not a.no_agent,
                     replay=not (a.no_replay or a.no_agent), icons=not a.no_icons, agent_args=dict(a.agent_arg),
                     worker_type=a.worker_type, log=lambda m: print(f"[{time.monotonic() - t0:6.0f} s] {m}",
                                                                     file=sys.stderr, flush=True))
    result["seconds"] = round(time.monotonic() - t0, 1)
    result["command"] = "python bench/measure_detact.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print(format_report(result), flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(result, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
