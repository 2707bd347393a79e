"""Box files and gold scripts: labels become element centres, steps become PyAutoGUI calls."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo, when run from a checkout

from buildlib.spec import TaskSpec
from omniact.actions import Action, format_script

CLICK_LIKE = ("click", "doubleClick", "rightClick")


@dataclass(frozen=True)
class Element:
    id: str
    label: str
    valid: int
    box: tuple[int, int, int, int]

    @property
    def center(self) -> tuple[float, float]:
        # The same arithmetic as omniact.task.Box.center, so gold points equal box centres exactly.
        x0, y0, x1, y1 = self.box
        return ((float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2)


def box_file(elements: list[Element]) -> dict:
    """The OmniACT box-file object, keyed by string ids in document order."""
    return {e.id: {"top_left": [e.box[0], e.box[1]], "bottom_right": [e.box[2], e.box[3]], "label": e.label,
                   "valid": e.valid} for e in elements}


def elements_from_box_file(data: dict) -> list[Element]:
    return [Element(k, v["label"], int(v.get("valid", 1)), (*v["top_left"], *v["bottom_right"]))
            for k, v in data.items()]


class GoldError(Exception):
    pass


def gold_actions(task: TaskSpec, elements: list[Element], missing_why: dict[str, str] | None = None) -> list[Action]:
    """The task's steps as actions at element centres. Raises GoldError naming the app, task and label
    when a step names a label that is not an interactive element visible on the task's initial screen."""
    by_label: dict[str, list[Element]] = {}
    for e in elements:
        if e.valid:
            by_label.setdefault(e.label, []).append(e)

    def at(label: str) -> tuple[float, float]:
        found = by_label.get(label, [])
        if len(found) == 1:
            return found[0].center
        where = f"{task.app} task {task.index} (screen {task.screen!r})"
        if len(found) > 1:
            raise GoldError(f"{where}: label {label!r} is on {len(found)} elements of the screen; labels must be unique")
        why = (missing_why or {}).get(label)
        if why:
            raise GoldError(f"{where}: label {label!r} is not clickable on the initial screen ({why})")
        raise GoldError(f"{where}: label {label!r} is not a visible [data-omni] element of the initial screen")

    out: list[Action] = []
    for s in task.steps:
        if "click" in s:
            x, y = at(s["click"]); out.append(Action.make("click", x=x, y=y))
        elif "doubleClick" in s:
            x, y = at(s["doubleClick"]); out.append(Action.make("doubleClick", x=x, y=y))
        elif "rightClick" in s:
            x, y = at(s["rightClick"]); out.append(Action.make("rightClick", x=x, y=y))
        elif "moveTo" in s:
            x, y = at(s["moveTo"]); out.append(Action.make("moveTo", x=x, y=y))
        elif "dragTo" in s:
            x, y = at(s["dragTo"]); out.append(Action.make("dragTo", x=x, y=y, button="left"))
        elif "scroll" in s or "hscroll" in s:
            name = "scroll" if "scroll" in s else "hscroll"
            if "at" in s:
                x, y = at(s["at"]); out.append(Action.make(name, clicks=s[name], x=x, y=y))
            else:
                out.append(Action.make(name, clicks=s[name]))
        elif "write" in s:
            out.append(Action.make("write", message=s["write"]))
        elif "press" in s:
            out.append(Action.make("press", keys=s["press"]))
        elif "hotkey" in s:
            out.append(Action.make("hotkey", keys=tuple(s["hotkey"])))
    return out


def script(actions: list[Action]) -> str:
    return format_script(actions)


def task_file_text(goal: str, actions: list[Action]) -> str:
    """OmniACT's task file: ``Task: <goal>``, ``Output Script:``, one call a line."""
    return f"Task: {goal}\nOutput Script:\n{format_script(actions)}\n"
