"""Human-readable tables for the CLI (rich). Scores are shown x100 with two decimals, as in the paper."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from omniact.actions import parse_script
from omniact.dataset import Dataset
from omniact.errors import ParseError, escape_controls

__all__ = ["gold_action_names", "plural", "print_score", "print_tasks", "task_rows", "why_no_match"]

_METRICS = (("SS", "sequence_score"), ("AS", "action_score"), ("M", "click_penalty"), ("K", "key_penalty"),
            ("W", "write_penalty"))
_NAME = re.compile(r"pyautogui\.(\w+)\s*\(")


def plural(n: int, word: str) -> str:
    """``1 task``, ``2 tasks``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def gold_action_names(script: str) -> list[str]:
    """Action names of a gold script; names as written where the shared parser refuses the script."""
    try:
        return [a.name for a in parse_script(script)]
    except ParseError:
        return _NAME.findall(script)


def task_rows(ds: Dataset) -> list[dict[str, Any]]:
    rows = []
    for t in ds.tasks:
        rows.append({
            "id": t.id, "platform": t.platform, "os": t.screen.os, "app": t.app, "goal": t.goal,
            "actions": gold_action_names(t.gold_script),
            # normpath: a split may name screenshots through ".." (the built-in suite's tasks/../screenshots)
            "screenshot": os.path.normpath(t.image_path),
            "width": t.screen.width, "height": t.screen.height, "dpr": t.screen.dpr,
        })
    return rows


def _console():
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich exits with 1 when the reader has gone (`omniact score ... | head -1`), the code of a bug of ours;
            # a BrokenPipeError lets the command end as every verb does then (exit 0, nothing more written).
            self.quiet = True
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise BrokenPipeError

    return _Console()


def print_tasks(rows: Iterable[Mapping[str, Any]], root: str | None = None) -> None:
    """One line per task, in aligned columns, the goal last and whole: readable on a terminal, and `grep`-,
    `cut`- and `head`-friendly in a pipe. (A rich table folded every cell into an 80-column grid and took a
    millisecond a row: 26 s for a 20,000-task split.)"""
    import click

    head = ("id", "platform", "app", "size", "actions", "screenshot", "goal")
    table = []
    for r in rows:
        size = f"{r['width']}x{r['height']}" + (f"@{r['dpr']:g}x" if r["dpr"] != 1 else "")
        shot = os.path.relpath(r["screenshot"], root) if root else r["screenshot"]
        # Each cell's control characters as escapes, before the columns are laid out: a newline inside an id, an
        # app or a path (a split key from a hostile data set) would otherwise start a row that looks like a task,
        # and an ANSI sequence retitle or recolour the terminal (click strips ANSI only in a pipe).
        table.append(tuple(map(_shown, (
            str(r["id"]), r["platform"] + (f"/{r['os']}" if r["os"] else ""), r["app"], size,
            " ".join(r["actions"]), shot, " ".join(str(r["goal"]).split())))))
    widths = [max([len(h)] + [_cells(t[k]) for t in table]) for k, h in enumerate(head[:-1])]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c + " " * (w - _cells(c)) for c, w in zip(cells, widths)) + "  " + cells[-1]

    click.echo(click.style(line(head), bold=True))
    for start in range(0, len(table), 2000):  # in chunks: one write per 2,000 lines
        click.echo("\n".join(line(t) for t in table[start:start + 2000]))
    click.echo(plural(len(table), "task"))


def _shown(text: str) -> str:
    """`text` as a terminal shows it: control characters as escapes, and a lone surrogate (a split key's "\\ud800") as
    the escape the output's encoder writes for it, so that a column is measured as it is shown."""
    text = escape_controls(text)
    return text if text.isascii() else text.encode("utf-8", "backslashreplace").decode("utf-8")


def _cells(text: str) -> int:
    """How many terminal columns `text` takes: CJK and emoji take two, combining marks none."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _plain(text: object) -> str:
    """Text from data or predictions as rich prints it literally: markup escaped ("[/x]" would raise), control
    characters shown as escapes."""
    from rich.markup import escape

    return escape(escape_controls(str(text)))


def _x100(v: float) -> str:
    return f"{100 * v:.2f}"


def _group_table(title: str, groups: Mapping[str, Mapping[str, Any]]):
    from rich.table import Table

    table = Table(title=title, title_justify="left", title_style="bold", header_style="bold")
    table.add_column(title.split()[-1])
    table.add_column("tasks", justify="right")
    for short, _ in _METRICS:
        table.add_column(short, justify="right")
    for name, g in sorted(groups.items(), key=lambda kv: (-kv[1]["n_tasks"], kv[0])):
        table.add_row(_plain(name), str(g["n_tasks"]), *(_x100(g[key]) for _, key in _METRICS))
    return table


def why_no_match(gold: Any, scripts: Mapping[str, object], result: Any, mode: str,
                 failures: Mapping[str, tuple[str, str]] | None = None) -> dict[str, int]:
    """Reason -> number of unmatched tasks: the first difference from the gold actions (`scoring.mismatch`), or,
    for a task the agent gave no script for because it failed (`failures`, from a run's records), that failure."""
    from collections import Counter

    from omniact.predictions import failure_reason
    from scoring.mismatch import unmatched_reasons

    t = result.tasks
    weight, matched, missing, refused = (t.column(c) for c in ("weight", "matched", "missing", "parse_failed"))
    per_task = unmatched_reasons(gold.texts, [scripts.get(i) for i in gold.ids], weight, matched, missing, refused,
                                 mode)
    if mode != "reference":  # strict mode reads no call of a refused prediction: the refusal is its reason
        per_task.update({i: "refused by the parser" for i in range(len(gold.ids))
                         if weight[i] > 0 and not matched[i] and not missing[i] and refused[i]})
    for i in per_task:
        failed = (failures or {}).get(gold.ids[i])
        if failed is not None:
            per_task[i] = failure_reason(failed[0])
    return dict(Counter(per_task.values()))


def print_score(result: Any, why: Mapping[str, int] | None = None, notes: Sequence[str] = ()) -> None:
    """The score as tables: totals, then the breakdowns by platform, app and gold action type, then (given `why`,
    reason -> count) why the unmatched tasks did not match. `notes` are lines under the data set's (which tasks)."""
    from rich.table import Table

    d = result.to_json()
    console = _console()
    ds = d.get("dataset") or {}
    head = f"[bold]omniact score[/bold]  mode [bold]{d['mode']}[/bold]  scorer {d['scorer_version']}"
    if ds:
        head += (f"\ndata {_plain(ds['root'])}  split {_plain(ds['split'])}  {plural(ds['n_tasks'], 'task')}  "
                 f"sha256 {ds['sha256'][:12]}")
    for note in notes:
        head += f"\n{_plain(note)}"
    console.print(head)
    table = Table(header_style="bold")
    for short, _ in _METRICS:
        table.add_column(short, justify="right")
    for col in ("scored", "missing", "parse errors"):
        table.add_column(col, justify="right")
    table.add_row(*(_x100(d[key]) for _, key in _METRICS), str(d["n_scored"]), str(d["n_missing"]),
                  str(d["n_parse_errors"]))
    console.print(table)
    # Two short lines: rich folds a longer one at 80 columns (any pipe), mid-formula.
    console.print("SS sequence score, AS action score, M/K/W click/key/write penalties")
    console.print("(all x100; AS = SS - M - K - W)")
    for key, title in (("platform", "by platform"), ("app", "by app"), ("action", "by gold action")):
        groups = d["breakdown"].get(key) or {}
        if groups:
            console.print(_group_table(title, groups))
    if why:
        table = Table(title="why no match", title_justify="left", title_style="bold", header_style="bold")
        table.add_column("reason")
        table.add_column("tasks", justify="right")
        ranked = sorted(why.items(), key=lambda kv: (-kv[1], kv[0]))
        for reason, n in ranked[:10]:
            table.add_row(_plain(reason), str(n))
        if len(ranked) > 10:
            table.add_row(f"({len(ranked) - 10} more reasons)", str(sum(n for _, n in ranked[10:])))
        console.print(table)
        console.print("per unmatched task: its first difference from the gold, or the agent's failure")
