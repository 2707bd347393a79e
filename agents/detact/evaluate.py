"""Measurements of DetACT (used by bench/bench_detact.py and the README numbers, never asserted as timings).

- `detection_recall`: the share of gold boxes that a detected element's centre falls inside, overall and per
  platform, for every box of a screen and for the boxes the gold scripts act on;
- `icon_precision`: precision and recall of icon labels on Font Awesome icons rendered by Chromium from the
  web fonts (another renderer than the templates' resvg), on a page that also holds non-icon controls.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["detection_recall", "icon_precision", "render_icon_page"]


def _gold_points(task: Any) -> list[tuple[float, float]]:
    from omniact.actions import parse_script
    from omniact.errors import ParseError

    try:
        return [a.point for a in parse_script(task.gold_script) if a.point is not None]
    except ParseError:  # a gold script the parser rejects holds no point to count
        return []


def detection_recall(data: Any, split: str, det_root: Path | None = None,
                     ids: Collection[str] | None = None) -> dict[str, Any]:
    """Recall of the gold boxes by the detections of each screen.

    Detections come from the files under `det_root` (at the split entries' relative paths), or from the
    data set's own files when `det_root` is None. A box counts as found when the centre of any OCR, icon or
    colour detection lies inside it. ``all`` counts every valid box of each screen once; ``targets`` only
    the boxes holding a gold script's point (what an agent must find). With `ids`, only the screens of those
    tasks (and their gold scripts) count. Tallies are given overall, per platform, per OS (``web`` for web
    screens) and per app.
    """
    from agents.detact.detector import detection_paths
    from omniact.dataset import load_split
    from omniact.task import load_detections

    ds = load_split(data, split)
    root = ds.root.resolve()
    screens: dict[str, Any] = {}
    targets: dict[str, set] = {}
    wanted = set(ids) if ids is not None else None
    for task in ds.tasks:
        if wanted is not None and task.id not in wanted:
            continue
        key = str(task.image_path)
        if key not in screens:
            if det_root is None:
                dets = task.detections()
            else:
                rels = detection_paths(task, root)
                dets = load_detections(*(Path(det_root) / rels[k] for k in ("ocr", "icon", "color")))
            screens[key] = (task, [(d.x, d.y) for d in dets])
            targets[key] = set()
        for x, y in _gold_points(task):
            holding = [e for e in task.elements if e.box.contains(x, y)]
            if holding:
                targets[key].add(min(holding, key=lambda e: e.box.area).id)  # the smallest box holding it

    def tally() -> dict[str, int]:
        return {"boxes": 0, "found": 0, "targets": 0, "targets_found": 0}

    per: dict[str, dict[str, int]] = {}
    per_os: dict[str, dict[str, int]] = {}
    per_app: dict[str, dict[str, int]] = {}
    total = tally()
    for key, (task, points) in screens.items():
        row = per.setdefault(task.platform, tally())
        os_name = "web" if task.platform == "web" else (task.screen.os or "unknown")
        os_row = per_os.setdefault(os_name, tally())
        app_row = per_app.setdefault(task.app, tally())
        for e in task.elements:
            if e.valid is False or e.label == "NA":
                continue
            found = any(e.box.contains(x, y) for x, y in points)
            for t in (row, os_row, app_row, total):
                t["boxes"] += 1
                t["found"] += found
                if e.id in targets[key]:
                    t["targets"] += 1
                    t["targets_found"] += found

    def ratios(t: dict[str, int]) -> dict[str, Any]:
        return {**t, "recall": round(t["found"] / t["boxes"], 4) if t["boxes"] else None,
                "target_recall": round(t["targets_found"] / t["targets"], 4) if t["targets"] else None}

    return {"split": ds.split, "screens": len(screens), "overall": ratios(total),
            "per_platform": {k: ratios(v) for k, v in sorted(per.items())},
            "per_os": {k: ratios(v) for k, v in sorted(per_os.items())},
            "per_app": {k: ratios(v) for k, v in sorted(per_app.items())}}


def render_icon_page(path: Path, names: Sequence[tuple[str, str]], seed: int = 0, dpr: int = 1) -> list[dict]:
    """Render Font Awesome icons (``(style, name)`` pairs) with Chromium from the built-in suite's web fonts,
    at random sizes (14-40 CSS px) and colours, with a few buttons, fields and checkboxes between them.
    Returns each icon's box in screenshot pixels with its name."""
    from omniact.dataset import builtin_root

    rng = random.Random(seed)
    css = builtin_root() / "apps" / "_shared" / "fontawesome" / "css" / "all.min.css"
    colours = ["#222", "#555", "#1a73e8", "#d93025", "#188038", "#8430ce", "#e37400", "#fff"]
    cells = []
    for i, (style, name) in enumerate(names):
        colour = rng.choice(colours)
        bg = "#1a3d6d" if colour == "#fff" else rng.choice(["#fff", "#f4f5f7", "#eef3fb"])
        size = rng.choice([14, 16, 18, 20, 24, 28, 32, 40])
        cells.append(f'<div class="c" style="background:{bg}"><i id="i{i}" class="fa-{style} fa-{name}" '
                     f'style="font-size:{size}px;color:{colour}"></i></div>')
        if i % 6 == 5:  # non-icon controls: the matcher must leave them alone
            cells.append(rng.choice(['<div class="c"><button>OK</button></div>',
                                     '<div class="c"><input type="checkbox"></div>',
                                     '<div class="c"><input type="radio"></div>',
                                     '<div class="c"><input size="4"></div>',
                                     '<div class="c"><span class="sw"></span></div>']))
    html = f"""<!doctype html><html><head><link rel="stylesheet" href="{css.as_uri()}">
<style>body{{margin:0;padding:12px;font-family:sans-serif;background:#fff}}
.c{{display:inline-flex;align-items:center;justify-content:center;width:76px;height:64px;margin:4px}}
.sw{{display:inline-block;width:30px;height:16px;border-radius:8px;background:#1a73e8}}</style></head>
<body>{''.join(cells)}</body></html>"""
    page_file = path.with_suffix(".html")
    page_file.write_text(html, encoding="utf-8")
    from playwright.sync_api import sync_playwright

    from omniact.sandbox.browser import LAUNCH_ARGS, chromium_path

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=[*LAUNCH_ARGS, "--allow-file-access-from-files"],
                                     headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=dpr)
            page.goto(page_file.as_uri())
            page.evaluate("document.fonts.ready.then(() => true)")
            page.wait_for_timeout(200)
            boxes = page.evaluate("""() => [...document.querySelectorAll('i')].map(e => {
                const r = e.getBoundingClientRect(); return [e.id, r.left, r.top, r.right, r.bottom]; })""")
            height = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": 1280, "height": int(height) + 12})
            page.screenshot(path=str(path))
        finally:
            browser.close()
    out = []
    for id_, l, t, r, b in boxes:  # noqa: E741 - left, top, right, bottom
        style, name = names[int(id_[1:])]
        out.append({"style": style, "name": name, "box": (l * dpr, t * dpr, r * dpr, b * dpr)})
    return out


def icon_precision(workdir: Path, n: int = 120, seed: int = 0, dpr: int = 1,
                   thresholds: Iterable[float] = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95)) -> dict[str, Any]:
    """Precision and recall of icon labels on `n` random Font Awesome icons rendered by Chromium.

    Runs the detector's region proposals and icon matcher (no OCR: the page has no text to read) once at
    threshold 0 and reports, per threshold, precision (labelled regions whose label is the icon drawn there,
    or one whose glyph is identical) and recall (icons drawn that got their label)."""
    import cv2
    import numpy as np
    from PIL import Image

    from agents.detact.icons import _metadata, get_matcher
    from agents.detact.regions import propose_regions, screen_scale

    rng = random.Random(seed)
    meta = _metadata()
    pool = [(st, name) for name, m in sorted(meta.items()) for st in m.get("free", []) if st in ("solid", "regular")]
    names = rng.sample(pool, min(n, len(pool)))
    workdir.mkdir(parents=True, exist_ok=True)
    png = workdir / f"icons_{seed}_{dpr}x.png"
    truth = render_icon_page(png, names, seed, dpr)
    rgb = np.asarray(Image.open(png).convert("RGB"))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scale = screen_scale(rgb.shape[1], rgb.shape[0]) if dpr == 1 else float(dpr)
    regions = [r for r in propose_regions(grey, (), scale) if r.kind == "blob"]
    matcher = get_matcher()
    m = max(round(2 * scale), 1)
    patches = [grey[max(int(r.box.top) - m, 0):int(r.box.bottom) + m, max(int(r.box.left) - m, 0):int(r.box.right) + m]
               for r in regions]
    matches = matcher.match_many(patches, threshold=0.0)
    # Glyph twins: some icons are drawn identically under two names; either name is right.
    same: dict[str, set] = {}
    for t in truth:
        same[t["name"]] = {t["name"]}

    def truth_at(box: Any) -> dict | None:
        cx, cy = box.center
        for t in truth:
            l, tp, r, b = t["box"]  # noqa: E741 - left, top, right, bottom
            if l - 2 <= cx <= r + 2 and tp - 2 <= cy <= b + 2:
                return t
        return None

    scored = []
    for r, mt in zip(regions, matches):
        if mt is None:
            continue
        t = truth_at(r.box)
        scored.append((mt.score, t is not None and mt.name == t["name"], t["name"] if t else None))
    out: dict[str, Any] = {"icons": len(truth), "regions": len(regions), "dpr": dpr, "thresholds": {}}
    for th in thresholds:
        kept = [s for s in scored if s[0] >= th]
        correct = [s for s in kept if s[1]]
        found = {s[2] for s in correct}
        out["thresholds"][th] = {
            "labelled": len(kept), "correct": len(correct),
            "precision": round(len(correct) / len(kept), 4) if kept else None,
            "recall": round(len(found) / len(truth), 4) if truth else None}
    return out
