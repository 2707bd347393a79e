"""The apps' source files (app.json, tasks.json), read and checked at the edge."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

PLATFORMS = ("web", "desktop")
STEP_KINDS = ("click", "doubleClick", "rightClick", "moveTo", "dragTo", "scroll", "hscroll", "write", "press",
              "hotkey")


class SpecError(Exception):
    """An app's source files are wrong; the message names the app (and task) and what is wrong."""


@dataclass(frozen=True)
class TaskSpec:
    """One task of tasks.json: the screen it starts on, its phrasings, steps and success check."""

    app: str
    index: int  # 1-based position in tasks.json
    screen: str
    goals: tuple[str, ...]
    steps: tuple[dict, ...]
    check: str


@dataclass(frozen=True)
class AppSpec:
    """One app folder: app.json plus its tasks."""

    name: str
    folder: Path
    platform: str
    os: str | None
    viewport: tuple[int, int]
    dpr: int
    screens: tuple[str, ...]
    tasks: tuple[TaskSpec, ...]

    def screen_number(self, screen: str) -> int:
        return self.screens.index(screen) + 1

    def env(self, screen: str) -> str:
        """The page of a screen, relative to the data root."""
        return f"apps/{self.name}/index.html?screen={quote(screen, safe='')}"

    @property
    def size(self) -> tuple[int, int]:
        """Screenshot size in device pixels."""
        return (self.viewport[0] * self.dpr, self.viewport[1] * self.dpr)


def list_apps(apps_dir: Path) -> list[str]:
    """Every folder of tasks/apps with an app.json, sorted."""
    return sorted(p.parent.name for p in apps_dir.glob("*/app.json") if not p.parent.name.startswith("_"))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path}: missing") from None
    except ValueError as e:
        raise SpecError(f"{path}: not valid JSON: {e}") from None


def load_app(apps_dir: Path, name: str) -> tuple[AppSpec, list[str]]:
    """Read one app. Raises SpecError when app.json is unusable; task-level problems come back as
    messages (those tasks are left out) so one bad task does not hide the rest of the app."""
    folder = apps_dir / name
    meta = _read_json(folder / "app.json")
    where = f"{folder / 'app.json'}"
    if not isinstance(meta, dict):
        raise SpecError(f"{where}: must hold a JSON object")
    platform = meta.get("platform")
    if platform not in PLATFORMS:
        raise SpecError(f"{where}: platform must be web or desktop, not {platform!r}")
    vp = meta.get("viewport")
    if not (isinstance(vp, list) and len(vp) == 2 and all(isinstance(v, int) and v > 0 for v in vp)):
        raise SpecError(f"{where}: viewport must be [css_width, css_height]")
    dpr = meta.get("dpr", 1)
    if dpr not in (1, 2):
        raise SpecError(f"{where}: dpr must be 1 or 2")
    screens = meta.get("screens")
    if not (isinstance(screens, list) and screens and all(isinstance(s, str) and s for s in screens)) \
            or len(set(screens)) != len(screens):
        raise SpecError(f"{where}: screens must be a non-empty list of distinct names")
    os_name = meta.get("os")
    if os_name not in (None, "macos", "windows", "linux"):
        raise SpecError(f"{where}: os must be null, macos, windows or linux")

    problems: list[str] = []
    raw_tasks = _read_json(folder / "tasks.json") if (folder / "tasks.json").exists() else []
    if not isinstance(raw_tasks, list):
        raise SpecError(f"{folder / 'tasks.json'}: must hold a list of tasks")
    tasks = []
    for i, t in enumerate(raw_tasks, 1):
        msg = _task_problem(t, screens)
        if msg:
            problems.append(f"{name} task {i}: {msg}")
            continue
        tasks.append(TaskSpec(name, i, t["screen"], tuple(t["goals"]), tuple(t["steps"]), t["check"]))
    spec = AppSpec(name, folder, platform, os_name, (vp[0], vp[1]), dpr, tuple(screens), tuple(tasks))
    return spec, problems


def _task_problem(t: Any, screens: list[str]) -> str | None:
    if not isinstance(t, dict):
        return "must be an object"
    if t.get("screen") not in screens:
        return f"screen {t.get('screen')!r} is not listed in app.json"
    goals = t.get("goals")
    if not (isinstance(goals, list) and all(isinstance(g, str) and g.strip() for g in goals)):
        return "goals must be a list of strings"
    if not 3 <= len(goals) <= 4:
        return f"needs 3 or 4 phrasings, has {len(goals)}"
    if len(set(goals)) != len(goals):
        return "phrasings repeat"
    if any("\n" in g for g in goals):
        return "a goal contains a newline"
    if not (isinstance(t.get("check"), str) and t["check"].strip()):
        return "check must be a JavaScript expression"
    steps = t.get("steps")
    if not (isinstance(steps, list) and steps):
        return "steps must be a non-empty list"
    for j, s in enumerate(steps, 1):
        msg = _step_problem(s)
        if msg:
            return f"step {j}: {msg}"
    return None


def _step_problem(s: Any) -> str | None:
    if not isinstance(s, dict):
        return "must be an object"
    kinds = [k for k in s if k in STEP_KINDS]
    if len(kinds) != 1:
        return f"must have exactly one of {', '.join(STEP_KINDS)}: {json.dumps(s)}"
    kind = kinds[0]
    extra = set(s) - {kind, "at"}
    if extra or ("at" in s and kind not in ("scroll", "hscroll")):
        return f"unexpected keys {sorted(extra | ({'at'} if 'at' in s and kind not in ('scroll', 'hscroll') else set()))}"
    v = s[kind]
    if kind in ("click", "doubleClick", "rightClick", "moveTo", "dragTo"):
        return None if isinstance(v, str) and v else "needs a label"
    if kind in ("scroll", "hscroll"):
        if not (isinstance(v, int) and not isinstance(v, bool) and v != 0):
            return "scroll needs a non-zero whole number of clicks"
        if kind == "hscroll" and "at" not in s:
            return "hscroll needs 'at'"
        if "at" in s and not (isinstance(s["at"], str) and s["at"]):
            return "'at' needs a label"
        return None
    if kind == "write":
        return None if isinstance(v, str) and v else "write needs text"
    if kind == "press":
        return None if isinstance(v, str) and v else "press needs a key name"
    if kind == "hotkey":
        ok = isinstance(v, list) and len(v) >= 2 and all(isinstance(k, str) and k for k in v)
        return None if ok else "hotkey needs a list of 2 or more key names"
    return None
