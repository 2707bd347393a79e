"""A small data set laid out exactly like the published OmniACT one, built from the format document.

Desktop (a macOS Retina app and a Windows app) and web entries; the web entries carry the published file-name
quirk (the split file says ``screen_1.png`` and ``boxes/amazon/screen_1.json``, the files on disk are
``screen1.png`` and ``screen1_boxes.json``); all ten OmniACT gold action types; multi-step tasks; an invalid
("NA") box; optional OCR/icon/colour files for some screens only.
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

# screen key -> (platform, app, screen number, size, boxes {id: (tl, br, label, valid)})
SCREENS = {
    "finder": ("desktop", "finder", 1, (2880, 1800), {
        "0": ([40, 300], [300, 360], "sidebar_documents", 1),
        "1": ([2200, 100], [2700, 160], "search_field", 1),
        "2": ([400, 400], [1000, 460], "file_report_pdf", 1),
        "3": ([0, 0], [100, 100], "NA", 0),
        "4": ([350, 100], [410, 160], "toolbar_back", 1),
        "5": ([400, 500], [1000, 560], "folder_archive", 1),
        # Shares its centre with box 6: the reference scorer takes the first one in file order.
        "6": ([600, 400], [800, 460], "file_report_name", 1),
    }),
    "notepad": ("desktop", "notepad", 2, (1920, 1080), {
        "0": ([0, 0], [60, 30], "file_menu", 1),
        "1": ([0, 60], [1920, 1020], "text_area", 1),
        "2": ([60, 0], [120, 30], "edit_menu", 1),
    }),
    "amazon": ("web", "amazon", 1, (1440, 900), {
        "0": ([300, 70], [525, 106], "search_bar", 1),
        "1": ([362, 806], [462, 846], "See deals", 1),
        "2": ([1280, 70], [1320, 106], "cart_button", 1),
    }),
}

# (id, screen key, task number, goal, gold lines)
TASKS = [
    ("0", "finder", 0, "Open the Documents folder", ["pyautogui.click(170.0,330.0)"]),
    ("1", "finder", 1, "Search for report",
     ["pyautogui.click(2450.0,130.0)", 'pyautogui.write("report")', 'pyautogui.press("enter")']),
    ("2", "finder", 2, "Open the report", ["pyautogui.doubleClick(700.0,430.0)"]),
    ("3", "finder", 3, "Show the options for the report", ["pyautogui.rightClick(700.0,430.0)"]),
    ("4", "finder", 4, "Move the report into the Archive folder",
     ["pyautogui.moveTo(700.0,430.0)", 'pyautogui.dragTo(700.0,530.0,button="left")']),
    ("5", "finder", 5, "Copy the report", ["pyautogui.click(700.0,430.0)", 'pyautogui.hotkey("command", "c")']),
    ("6", "notepad", 0, "Write Hello, World! and save it",
     ["pyautogui.click(960.0,540.0)", 'pyautogui.write("Hello, World!")', 'pyautogui.hotkey("ctrl", "s")']),
    ("7", "notepad", 1, "Scroll down the document", ["pyautogui.scroll(-10)"]),
    ("8", "notepad", 2, "Scroll the document to the right", ["pyautogui.hscroll(10)"]),
    ("9", "notepad", 3, "Hover over the Edit menu", ["pyautogui.moveTo(90.0,15.0)"]),
    ("10", "amazon", 0, "Search for running shoes",
     ["pyautogui.click(412.5,88.0)", 'pyautogui.write("running shoes")', 'pyautogui.press("enter")']),
    ("11", "amazon", 1, "See today's deals", ["pyautogui.click(412.0,826.0)"]),
    # train/val only
    ("12", "amazon", 2, "Open the cart", ["pyautogui.click(1300.0,88.0)"]),
    ("13", "finder", 6, "Go back", ["pyautogui.click(380.0,130.0)"]),
    ("14", "notepad", 4, "Open the File menu", ["pyautogui.click(30.0,15.0)"]),
]
SPLITS = {
    "test": [t[0] for t in TASKS[:12]],
    "train": ["12", "13"],
    "val": ["14"],
}


def screen_paths(key: str) -> dict[str, str]:
    """The six split-file paths of a screen, as the published split files write them."""
    platform, app, k, _, _ = SCREENS[key]
    return {
        "image": f"data/data/{platform}/{app}/screen_{k}.png",
        "box": f"data/metadata/{platform}/boxes/{app}/screen_{k}.json",
        "ocr": f"ocr/{platform}/{app}/screen_{k}.json",
        "icon": f"detact_icon/{platform}/{app}/screen_{k}.json",
        "color": f"detact_color/{platform}/{app}/screen_{k}.json",
    }


def make_dataset(root: Path) -> Path:
    """Write the fixture data set under `root` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for key, (platform, _app, k, size, boxes) in SCREENS.items():
        paths = screen_paths(key)
        image = root / paths["image"]
        box = root / paths["box"]
        if platform == "web":  # the published files' real names
            image = image.with_name(f"screen{k}.png")
            box = box.with_name(f"screen{k}_boxes.json")
        image.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, (236, 239, 244)).save(image)
        box.parent.mkdir(parents=True, exist_ok=True)
        box.write_text(json.dumps({i: {"top_left": tl, "bottom_right": br, "label": label, "valid": valid}
                                   for i, (tl, br, label, valid) in boxes.items()}, indent=1))
    # Detections exist for the web screen only; the desktop screens have none (optional files).
    amazon = screen_paths("amazon")
    for rel, data in ((amazon["ocr"], {"See deals": [412, 826], "Search Amazon": [412, 88]}),
                      (amazon["icon"], {"cart": [[1300, 88]], "search": [[510, 88]]}),
                      (amazon["color"], {"yellow": [[412, 826]], "white": [[412, 88], [800, 400]]})):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(data))
    entries = {}
    for task_id, key, n, goal, lines in TASKS:
        platform, app, k, _, _ = SCREENS[key]
        rel = f"data/tasks/{platform}/{app}/task_{k}.{n}.txt"
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"Task: {goal}\nOutput Script:\n" + "\n".join(lines) + "\n")
        entries[task_id] = {"task": rel, **screen_paths(key)}
    for split, ids in SPLITS.items():
        (root / f"{split}.json").write_text(json.dumps({i: entries[i] for i in ids}, indent=2))
    return root
