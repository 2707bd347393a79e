"""Generate a large OmniACT-layout data set and a realistic predictions file, deterministically.

``python bench/gen_data.py OUT_DIR [N_TASKS]`` writes (default 20,000 tasks over 2,000 screens):
``test.json``, task files, box files, PNG screenshots (real PNGs of the published sizes, one shared blank
image per size), web entries with the published file-name quirk, all ten OmniACT gold action types in
roughly the published proportions, 1 to 6 steps per task; and ``predictions.jsonl`` with a realistic mix:
exact answers, near-miss clicks, wrong keys, wrong text, wrong lengths, prose around the code, syntax
errors, keyword-argument calls, and missing tasks.
"""

from __future__ import annotations

import json
import random
import struct
import sys
import zlib
from pathlib import Path

__all__ = ["generate"]

DESKTOP_APPS = [("finder", (2880, 1800)), ("safari", (3360, 2100)), ("notes", (2880, 1800)),
                ("notepad", (1920, 1080)), ("file_explorer", (1920, 1080)), ("outlook", (1920, 1080)),
                ("gedit", (1920, 1080)), ("libreoffice_calc", (1920, 1080)), ("vlc", (1920, 1080)),
                ("spotify", (1920, 1080)), ("zoom", (2880, 1800)), ("slack", (1920, 1080))]
WEB_SITES = ["amazon", "airbnb", "booking", "espn", "github", "reddit", "yelp", "zillow", "imdb", "target"]

ACTION_MIX = [("click", 63.73), ("press", 16.28), ("write", 11.65), ("hotkey", 3.00), ("moveTo", 1.85),
              ("scroll", 1.68), ("rightClick", 0.77), ("doubleClick", 0.58), ("dragTo", 0.29), ("hscroll", 0.17)]
KEYS = ["enter", "tab", "esc", "backspace", "delete", "down", "up", "space", "pagedown", "f5"]
HOTKEYS = [("ctrl", "c"), ("ctrl", "v"), ("command", "s"), ("ctrl", "shift", "n"), ("alt", "f4"), ("command", "q")]
WORDS = ["seattle", "running", "shoes", "hotel", "in", "paris", "weather", "tomorrow", "budget", "report", "quarterly", "meeting", "notes", "john@example.com", "dinner", "for", "two", "42", "invoice", "draft", "summer", "vacation", "project", "plan"]


def _png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of the given size (blank), small on disk and quick to make."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    raw = zlib.compress(row * height, 9)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _boxes(rng: random.Random, size: tuple[int, int]) -> dict[str, dict]:
    w, h = size
    out = {}
    for i in range(rng.randint(20, 60)):
        bw, bh = rng.randint(20, 400), rng.randint(16, 80)
        x0, y0 = rng.randint(0, w - bw - 1), rng.randint(0, h - bh - 1)
        if rng.random() < 0.3:  # half-pixel centres, as in the published files
            bw += 1
        el = {"top_left": [x0, y0], "bottom_right": [x0 + bw, y0 + bh],
              "label": rng.choice(["NA", f"button_{i}", f"{rng.choice(WORDS)} {rng.choice(WORDS)}"])}
        if rng.random() < 0.5:
            el["valid"] = 0 if rng.random() < 0.1 else 1
        out[str(i)] = el
    return out


def _num(v: float) -> str:
    return repr(float(v))


def _gold(rng: random.Random, boxes: dict[str, dict], names: list[str], weights: list[float]) -> list[str]:
    n = rng.choices([1, 2, 3, 4, 5, 6], [30, 30, 20, 10, 6, 4])[0]
    lines = []
    els = list(boxes.values())
    for _ in range(n):
        kind = rng.choices(names, weights)[0]
        el = rng.choice(els)
        cx = (el["top_left"][0] + el["bottom_right"][0]) / 2
        cy = (el["top_left"][1] + el["bottom_right"][1]) / 2
        sep = rng.choice([",", ", "])
        if kind in ("click", "rightClick", "doubleClick", "moveTo"):
            lines.append(f"pyautogui.{kind}({_num(cx)}{sep}{_num(cy)})")
        elif kind == "dragTo":
            lines.append(f'pyautogui.dragTo({_num(cx)}{sep}{_num(cy)}{sep}button="left")')
        elif kind in ("scroll", "hscroll"):
            lines.append(f"pyautogui.{kind}({rng.choice([-10, -5, 5, 10])})")
        elif kind == "press":
            lines.append(f'pyautogui.press("{rng.choice(KEYS)}")')
        elif kind == "hotkey":
            lines.append("pyautogui.hotkey(" + ", ".join(f'"{k}"' for k in rng.choice(HOTKEYS)) + ")")
        else:
            lines.append(f'pyautogui.write("{" ".join(rng.sample(WORDS, rng.randint(1, 4)))}")')
    return lines


def predict(rng: random.Random, gold: list[str]) -> str | None:
    r = rng.random()
    lines = list(gold)
    if r < 0.05:
        return None  # missing
    if r < 0.35:
        pass  # exact
    elif r < 0.55:  # near-miss clicks
        out = []
        for ln in lines:
            if ln.startswith("pyautogui.click("):
                x, y = (float(v) for v in ln[len("pyautogui.click("):-1].split(","))
                ln = f"pyautogui.click({x + rng.randint(-60, 60)}, {y + rng.randint(-30, 30)})"
            out.append(ln)
        lines = out
    elif r < 0.63:  # wrong keys
        lines = [f'pyautogui.press("{rng.choice(KEYS)}")' if ln.startswith("pyautogui.press") else
                 ln.replace('", "', '","') if ln.startswith("pyautogui.hotkey") else ln for ln in lines]
    elif r < 0.71:  # wrong text
        lines = [f'pyautogui.write("{rng.choice(WORDS)}")' if ln.startswith("pyautogui.write") else ln
                 for ln in lines]
    elif r < 0.80:  # wrong length
        lines = lines[:-1] if len(lines) > 1 and rng.random() < 0.5 else lines + ['pyautogui.press("enter")']
    elif r < 0.90:  # prose and markdown around the code
        return "Here is the script:\n```python\nimport pyautogui\n" + "\n".join(lines) + "\n```\nDone."
    elif r < 0.94:  # keyword arguments
        lines = [ln.replace("pyautogui.click(", "pyautogui.click(x=").replace(", ", ", y=", 1)
                 if ln.startswith("pyautogui.click(") and ", " in ln else ln for ln in lines]
    elif r < 0.97:  # syntax error
        return "\n".join(lines) + "\npyautogui.click(10, "
    else:  # a different action
        lines = ["pyautogui.doubleClick" + ln[len("pyautogui.click"):] if ln.startswith("pyautogui.click(")
                 else ln for ln in lines]
    return "\n".join(lines)


def generate(out: str | Path, n_tasks: int = 20_000, n_screens: int = 2_000, seed: int = 0) -> tuple[Path, Path]:
    """Write the data set under `out`; returns (data root, predictions file)."""
    rng = random.Random(seed)
    root = Path(out)
    names = [a for a, _ in ACTION_MIX]
    weights = [w for _, w in ACTION_MIX]
    pngs: dict[tuple[int, int], bytes] = {}
    screens = []
    for s in range(n_screens):
        web = s % 4 == 0
        # Each platform's apps in turn (by the screen's rank among its platform's screens: indexing both lists by
        # `s` left three desktop apps and half the sites out)
        if web:
            app, size, platform = WEB_SITES[(s // 4) % len(WEB_SITES)], (1440, 900), "web"
        else:
            (app, size), platform = DESKTOP_APPS[(s - s // 4 - 1) % len(DESKTOP_APPS)], "desktop"
        k = s
        img_rel = f"data/data/{platform}/{app}/screen_{k}.png"
        box_rel = f"data/metadata/{platform}/boxes/{app}/screen_{k}.json"
        img_disk = f"data/data/{platform}/{app}/screen{k}.png" if web else img_rel
        box_disk = f"data/metadata/{platform}/boxes/{app}/screen{k}_boxes.json" if web else box_rel
        boxes = _boxes(rng, size)
        for rel, data in ((img_disk, pngs.get(size)), (box_disk, None)):
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if data is None and rel == img_disk:
                data = pngs[size] = _png(*size)
            p.write_bytes(data if rel == img_disk else json.dumps(boxes).encode())
        screens.append((platform, app, k, img_rel, box_rel, boxes))

    split = {}
    preds = []
    for i in range(n_tasks):
        platform, app, k, img_rel, box_rel, boxes = screens[i % n_screens]
        n = i // n_screens
        task_rel = f"data/tasks/{platform}/{app}/task_{k}.{n}.txt"
        gold = _gold(rng, boxes, names, weights)
        tp = root / task_rel
        tp.parent.mkdir(parents=True, exist_ok=True)
        tp.write_text(f"Task: do step {n} on screen {k} of {app}\nOutput Script:\n" + "\n".join(gold) + "\n")
        split[str(i)] = {"task": task_rel, "image": img_rel, "box": box_rel,
                         "ocr": f"ocr/{platform}/{app}/screen_{k}.json",
                         "color": f"detact_color/{platform}/{app}/screen_{k}.json",
                         "icon": f"detact_icon/{platform}/{app}/screen_{k}.json"}
        script = predict(rng, gold)
        if script is not None:
            preds.append({"id": str(i), "script": script, "agent": "bench", "model": "synthetic"})
    (root / "test.json").write_text(json.dumps(split, indent=1))
    pred_path = root / "predictions.jsonl"
    with open(pred_path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(rec) + "\n" for rec in preds)
    return root, pred_path


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "/tmp/omniact-bench"  # noqa: S108 - scratch data, regenerated
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    r, p = generate(target, count)
    print(f"data: {r}\npredictions: {p}")
