"""``python -m scoring DATA SPLIT PREDICTIONS [--mode strict] [--tasks]``: print the score contract's JSON.

The same code path as ``omniact score --json``, without the CLI's imports (the benchmark times it).
Exit code 2 with one ``FILE:LINE: problem`` line when the input is wrong.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    mode = "reference"
    include_tasks = False
    if "--tasks" in args:
        args.remove("--tasks")
        include_tasks = True
    if "--mode" in args:
        i = args.index("--mode")
        if i + 1 >= len(args):
            print("usage: python -m scoring DATA SPLIT PREDICTIONS [--mode reference|strict]", file=sys.stderr)
            return 2
        mode = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3:
        print("usage: python -m scoring DATA SPLIT PREDICTIONS [--mode reference|strict] [--tasks]",
              file=sys.stderr)
        return 2
    from omniact.dataset import load_split
    from omniact.errors import UserError, terminal_json
    from omniact.predictions import read_predictions
    from scoring import score

    try:
        ds = load_split(args[0], args[1])
        preds = read_predictions(args[2], known_ids=ds)
        result = score(ds, preds, mode)
    except UserError as e:
        print(f"scoring: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(terminal_json(result.to_json(include_tasks=include_tasks)))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
