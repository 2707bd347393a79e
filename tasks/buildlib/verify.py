"""--verify: replay each task's gold script (must succeed), the empty script (must fail) and the gold script
with one click moved onto a neighbouring element (must fail), and report every task that breaks a rule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Probe:
    """One replay to make: which task, what script, and whether the check must pass."""

    task_id: str
    kind: str  # "gold" | "empty" | "moved"
    script: str
    expect: bool
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    probe: Probe
    success: bool
    reason: str


def run_probes(tasks: dict, probes: list[Probe], workers: int = 2) -> list[Outcome]:
    """Replay every probe through the sandbox. `tasks` maps task id -> omniact Task (with env and check)."""
    # The sandbox replays one script per task id; probes of one task go in rounds.
    outcomes: list[Outcome] = []
    rounds: list[list[Probe]] = []
    seen: dict[str, int] = {}
    for p in probes:
        k = seen.get(p.task_id, 0)
        seen[p.task_id] = k + 1
        if k == len(rounds):
            rounds.append([])
        rounds[k].append(p)
    for batch in rounds:
        results = _replay([tasks[p.task_id] for p in batch], {p.task_id: p.script for p in batch}, workers)
        for p in batch:
            ok, reason = results[p.task_id]
            outcomes.append(Outcome(p, ok, reason))
    return outcomes


def _replay(tasks: list, scripts: dict[str, str], workers: int) -> dict[str, tuple[bool, str]]:
    try:
        from omniact.sandbox import replay_tasks
    except ImportError:  # TEMPORARY until omniact.sandbox lands
        return _replay_inline(tasks, scripts)

    results = replay_tasks(tasks, scripts, workers=workers)
    return {r.task_id: (bool(r.success), str(r.reason or "")) for r in results}


def failures(outcomes: list[Outcome]) -> list[Outcome]:
    """Outcomes that break a rule: gold not succeeding, empty or moved scripts succeeding."""
    return [o for o in outcomes if o.success != o.probe.expect]


def describe(o: Outcome) -> str:
    p = o.probe
    if p.kind == "gold":
        return f"gold script fails ({o.reason or 'check is false'})"
    if p.kind == "empty":
        return "the empty script already passes the check"
    return f"still passes with {p.note}"


_KEYS = {"enter": "Enter", "esc": "Escape", "tab": "Tab", "backspace": "Backspace", "delete": "Delete",
         "up": "ArrowUp", "down": "ArrowDown", "left": "ArrowLeft", "right": "ArrowRight", "space": "Space",
         "ctrl": "Control", "command": "Meta", "alt": "Alt", "shift": "Shift", "home": "Home", "end": "End",
         "pageup": "PageUp", "pagedown": "PageDown", "win": "Meta"}


def _key(k: str) -> str:
    from omniact.actions import normalize_key
    k = normalize_key(k)
    if k in _KEYS:
        return _KEYS[k]
    if len(k) >= 2 and k[0] == "f" and k[1:].isdigit():
        return k.upper()
    return k


def _replay_inline(tasks: list, scripts: dict[str, str]) -> dict[str, tuple[bool, str]]:
    """TEMPORARY: a bare Playwright loop, used only until omniact.sandbox exists."""
    from omniact.actions import parse_script
    from buildlib.render import browser, serve

    root = Path(__file__).resolve().parents[1]
    out = {}
    with serve(root) as base, browser() as b:
        for t in tasks:
            dpr = t.screen.dpr
            w, h = int(t.screen.width / dpr), int(t.screen.height / dpr)
            ctx = b.new_context(viewport={"width": w, "height": h}, device_scale_factor=dpr)
            page = ctx.new_page()
            try:
                page.goto(base + t.env)
                page.wait_for_function("() => window.omni && window.omni.ready === true", timeout=10000)
                page.mouse.move(w / 2, h / 2)
                for a in parse_script(scripts[t.id]):
                    pt = a.point
                    x, y = (pt[0] / dpr, pt[1] / dpr) if pt else (None, None)
                    if a.name == "click":
                        page.mouse.click(x, y)
                    elif a.name == "doubleClick":
                        page.mouse.dblclick(x, y)
                    elif a.name == "rightClick":
                        page.mouse.click(x, y, button="right")
                    elif a.name == "moveTo":
                        page.mouse.move(x, y, steps=5)
                    elif a.name == "dragTo":
                        page.mouse.down(); page.mouse.move(x, y, steps=10); page.mouse.up()
                    elif a.name in ("scroll", "hscroll"):
                        if pt:
                            page.mouse.move(x, y)
                        n = a.get("clicks")
                        page.mouse.wheel(*((0, -100 * n) if a.name == "scroll" else (100 * n, 0)))
                        page.wait_for_timeout(50)
                    elif a.name == "write":
                        page.keyboard.type(a.text)
                    elif a.name == "press":
                        for k in a.keys:
                            page.keyboard.press(_key(k))
                    elif a.name == "hotkey":
                        page.keyboard.press("+".join(_key(k) for k in a.keys))
                page.wait_for_timeout(150)
                ok = bool(page.evaluate("(c) => !!(0, eval)(c)", t.check))
                out[t.id] = (ok, "" if ok else "check is false")
            except Exception as e:  # noqa: BLE001 - a broken page is a failed replay
                out[t.id] = (False, f"{type(e).__name__}: {str(e).splitlines()[0][:200]}")
            finally:
                ctx.close()
    return out
