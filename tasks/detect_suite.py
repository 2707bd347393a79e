"""Regenerate the built-in suite's DetACT files from its screenshots (never from the DOM or the gold boxes).

    python tasks/detect_suite.py [--workers 2]

Runs `omniact detect` over every split of tasks/ (each screen once) with tasks/ as the output root, so the
files land at the split entries' own paths (tasks/ocr/..., tasks/detact_icon/..., tasks/detact_color/...),
then removes files there that no split refers to any more. Re-run it after the screenshots change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main(argv: list[str] | None = None) -> int:
    from agents.detact.detector import detect_split, detection_paths
    from omniact.dataset import load_split, split_names

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--data", type=Path, default=HERE)
    ap.add_argument("--skip-existing", action="store_true", help="Leave screens whose three files exist and are newer than the screenshot.")
    args = ap.parse_args(argv)
    root = args.data.resolve()
    splits = split_names(root)
    summary = detect_split(root, splits, root, args.workers, skip_existing=args.skip_existing,
                           progress=lambda d, t: print(f"\r{d}/{t} screens", end="\n" if d == t else "",
                                                       file=sys.stderr, flush=True))
    wanted = set()
    for s in splits:
        for task in load_split(root, s).tasks:
            wanted.update((root / rel).resolve() for rel in detection_paths(task, root).values())
    removed = 0
    for folder in ("ocr", "detact_icon", "detact_color"):
        for f in sorted((root / folder).rglob("*.json")) if (root / folder).is_dir() else []:
            if f.resolve() not in wanted:
                f.unlink()
                removed += 1
    print(f"{summary['screens']} screens of {', '.join(splits)} -> {root} ({summary['elements']} elements, "
          f"{summary['seconds']} s; {removed} stale files removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
