"""The `omniact` command. Thin: each verb parses its options and calls one library function.

Exit codes: 0 done; 2 the user's input is wrong (one line, ``FILE:LINE: what is wrong``); 1 a bug of ours.
Heavy modules (scoring, agents, playwright) are imported inside the verbs that use them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from omniact.errors import UserError

__all__ = ["main"]


class _Group(click.Group):
    """Turns a UserError anywhere below into one line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as e:
            click.echo(f"omniact: {e}", err=True)
            sys.exit(2)
        except BrokenPipeError:  # `omniact tasks | head`
            sys.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="omniact")
def main() -> None:
    """Benchmark agents that operate desktop and web applications, OmniACT-style."""


def data_option(f):
    return click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Data root in OmniACT's layout (default: the built-in suite).")(f)


def split_option(f):
    return click.option("--split", default="test", show_default=True,
                        help="Split name (train, val, test, ...) or a split JSON file.")(f)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")(f)


def echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False))


def _load(data: Path | None, split: str):
    from omniact.dataset import load_split

    return load_split(data, split)


@main.command()
@data_option
@split_option
@click.option("--predictions", "predictions", required=True, type=click.Path(dir_okay=True, path_type=Path),
              help="JSON Lines of {\"id\", \"script\"} (or one JSON object {id: script}), or a run directory.")
@click.option("--mode", type=click.Choice(["reference", "strict"]), default="reference", show_default=True,
              help="reference reproduces the released OmniACT scorer; strict is the corrected metric.")
@json_option
def score(data: Path | None, split: str, predictions: Path, mode: str, as_json: bool) -> None:
    """Score predictions with the OmniACT metrics (sequence score, action score and penalties)."""
    import scoring
    from omniact.predictions import read_predictions

    ds = _load(data, split)
    preds = read_predictions(_predictions_file(predictions), known_ids=ds)
    result = scoring.score(ds, {k: p.script for k, p in preds.items()}, mode=mode)
    if as_json:
        echo_json(result.to_json())
    else:
        from omniact.tables import print_score

        print_score(result)


def _predictions_file(path: Path) -> Path:
    """A run directory stands for its predictions.jsonl."""
    if path.is_dir():
        path = path / "predictions.jsonl"
    if not path.is_file():
        raise UserError("predictions file does not exist", file=str(path))
    return path


@main.command()
@data_option
@split_option
@click.option("--predictions", type=click.Path(path_type=Path), default=None,
              help="Check a prediction file against the split instead of checking the data set.")
@click.option("--all-splits/--only-split", default=True,
              help="Without --predictions: check every split file in the data root (default) or only --split.")
def validate(data: Path | None, split: str, predictions: Path | None, all_splits: bool) -> None:
    """Check a data set (files, gold scripts, boxes, manifest) or a prediction file; exit 0 or 2."""
    from omniact.validate import validate_data, validate_predictions

    if predictions is not None:
        lines, ok = validate_predictions(data, split, _predictions_file(predictions))
    else:
        lines, ok = validate_data(data, None if all_splits else split)
    for line in lines:
        click.echo(line, err=not ok)
    sys.exit(0 if ok else 2)


@main.command()
@data_option
@split_option
@json_option
def tasks(data: Path | None, split: str, as_json: bool) -> None:
    """List a split's tasks: id, platform, app, goal, gold actions, screenshot and its size."""
    from omniact.tables import print_tasks, task_rows

    ds = _load(data, split)
    rows = task_rows(ds)
    if as_json:
        echo_json(rows)
    else:
        print_tasks(rows, root=str(ds.root))


@main.command()
@data_option
@click.option("--split", default=None, help="Split to look in (default: every split of the data root).")
@click.argument("task_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the PNG.")
@click.option("--script", "script_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Also draw this predicted script (PyAutoGUI text) in another colour.")
def show(data: Path | None, split: str | None, task_id: str, out: Path, script_file: Path | None) -> None:
    """Draw a task's screenshot with its boxes and gold actions (and optionally a predicted script)."""
    from omniact.dataset import find_task
    from omniact.draw import draw_task

    task = find_task(data, task_id, split)
    predicted = None
    if script_file is not None:
        from omniact.actions import parse_script
        from omniact.errors import ParseError

        try:
            predicted = parse_script(script_file.read_text(encoding="utf-8"))
        except ParseError as e:
            e.file = str(script_file)
            raise
    draw_task(task, out, predicted=predicted)
    click.echo(str(out))


@main.command()
@data_option
def manifest(data: Path | None) -> None:
    """Write MANIFEST.sha256 (sha256sum format) of every file of a data set; `validate` verifies it."""
    from omniact.dataset import resolve_data_root, write_manifest

    path, n = write_manifest(resolve_data_root(data))
    click.echo(f"{path}: {n} files")


# --- verbs added by area owners go above this line ---


if __name__ == "__main__":  # pragma: no cover
    main()
