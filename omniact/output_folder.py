"""Whose a folder is: the checks that keep a run, a leaderboard, a report and a replay out of each other's folders
and out of the data root. A module of its own: the commands that only check their folder (a leaderboard, a report)
do not import the runner, its executor and the run store (a hundredth of a second of every leaderboard's start)."""

from __future__ import annotations

import os
from pathlib import Path

from omniact.errors import UserError, shell_quote

__all__ = ["MANIFEST_FILE", "PREDICTIONS_FILE", "SCORES_FILE", "STORE_NAME", "check_output_folder"]

#: A run folder's store of task results (`omniact.store.RunStore`): what makes a folder a run's.
STORE_NAME = "run.sqlite"
MANIFEST_FILE = "manifest.json"
PREDICTIONS_FILE = "predictions.jsonl"
SCORES_FILE = "scores.json"


def check_output_folder(out: str | Path, data_root: str | Path, kind: str) -> None:
    """Refuse `out` for a `kind` ("run", "leaderboard", "report", "replay") when its files would mix with others
    there: the data root (a run's manifest.json and scores.json, a board's leaderboard.json, a replay.json, would
    then be read as splits of the data set), a leaderboard or report given to a run, or a run folder given to
    anything else."""
    out = Path(out).expanduser()
    if not out.is_dir():
        return
    try:
        is_root = os.path.samefile(out, data_root)
    except OSError:
        is_root = False
    split = next((name for name in ("test", "train", "val") if (out / f"{name}.json").is_file()), None)
    if is_root or split is not None:
        marker = f" (it holds {split}.json)" if split else ""
        raise UserError(f"this is a data root{marker}: the {kind}'s JSON files would be read as splits of it; give "
                        f"the {kind} a folder of its own with --out", file=str(out))
    if kind == "replay":  # (imported here: the report package would add 90 ms to every run's start)
        from omniact.report.leaderboard import SITE_MARKER

        if (out / SITE_MARKER).exists() or (out / "leaderboard.json").is_file():
            # (its index.html, a line per task, would replace the site's)
            raise UserError("this folder holds a leaderboard or report (leaderboard.json): give the replay a folder "
                            "of its own with --out", file=str(out))
        if (out / "index.html").exists() and not (out / "replay.json").exists():
            raise UserError("this folder holds an index.html that is not a replay's, which the replay would replace: "
                            "give the replay a folder of its own with --out", file=str(out))
    if kind == "run" and (out / "leaderboard.json").is_file() and not (out / STORE_NAME).exists():
        # (a run folder a report was once written into, as earlier versions let it, still resumes)
        raise UserError("this folder holds a leaderboard or report (leaderboard.json): give the run a folder of its "
                        "own with --out", file=str(out))
    if kind != "run" and (out / STORE_NAME).is_file():
        raise UserError(f"this folder holds a run ({STORE_NAME}): give the {kind} a folder of its own, e.g. "
                        f"--out {shell_quote(str(out / kind))}", file=str(out))
    if kind == "run" and not os.path.lexists(out / STORE_NAME):
        # A folder of the user's may take a run (their own files stay as they are), but not one whose files a
        # run would replace: someone's predictions.jsonl is not a run's to overwrite.
        theirs = [name for name in _RUN_OUTPUTS if os.path.lexists(out / name)]
        if theirs:
            raise UserError(f"this folder holds {' and '.join(theirs)} but no run ({STORE_NAME}): a run would replace "
                            "them; give the run a folder of its own with --out", file=str(out))


#: The files a run writes that a folder may already hold: with no run store beside them, they are someone else's.
_RUN_OUTPUTS = (PREDICTIONS_FILE, MANIFEST_FILE, SCORES_FILE)
