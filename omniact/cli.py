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


# --- verbs added by area owners go above this line ---


if __name__ == "__main__":  # pragma: no cover
    main()
