"""Agents the Ray tests load by path, as a user would."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import ClassVar

from omniact.agent import task_seed


class SlowSeeded:
    """Answers after a pause with a click drawn from a generator seeded by (run seed, task id), so its answer
    never depends on which worker ran the task."""

    def __init__(self, delay: float = 0.4, seed: int = 0, mark_dir: str = "") -> None:
        self.delay = float(delay)
        self.seed = seed
        self.mark_dir = mark_dir

    def describe(self):
        return {"delay": self.delay, "seed": self.seed}

    def act(self, view):
        if self.mark_dir:  # say which Ray node is working on a task right now (a test waits for it)
            import ray

            (Path(self.mark_dir) / ray.get_runtime_context().get_node_id()).touch()
        time.sleep(self.delay)
        rng = random.Random(task_seed(self.seed, view.id))
        x, y = rng.uniform(0, view.width), rng.uniform(0, view.height)
        return f"pyautogui.click({x:.1f}, {y:.1f})"


class HoldsTheGil:
    """`setup()` is one long call into C that never lets go of the GIL (a sum over a huge range), as a C extension's
    loop can be: no other thread of its process runs Python meanwhile, a timer thread there included. With `after`,
    only once this process has set up that many agents (so that one built again after a task timeout holds it);
    `act()` sleeps `act_seconds` first. Writes its process id to `pidfile` before it holds the GIL (the test ends
    the process itself if nothing else did)."""

    setups = 0  # agents this process has set up

    def __init__(self, pidfile: str = "", n: int = 10**12, after: int = 0, act_seconds: float = 0.0) -> None:
        self.pidfile = pidfile
        self.n = int(n)
        self.after = int(after)
        self.act_seconds = float(act_seconds)

    def setup(self) -> None:
        import os

        HoldsTheGil.setups += 1
        if HoldsTheGil.setups <= self.after:
            return
        if self.pidfile:
            Path(self.pidfile).write_text(str(os.getpid()))
        sum(range(self.n))

    def act(self, view):
        time.sleep(self.act_seconds)
        return 'pyautogui.press("enter")'


class HoldsTheGilInAct:
    """`act()` on the task `task` is one long call into C that never lets go of the GIL (a sum over a huge range):
    the actor's own timer thread cannot run meanwhile. Every other task is answered at once. Each agent writes its
    process id into the folder `pids` as it is built (the test checks that no actor process is left), and the one
    that holds the GIL writes its own to `pidfile` first."""

    def __init__(self, task: str = "", pids: str = "", pidfile: str = "", n: int = 10**12) -> None:
        import os

        self.task = task
        self.pidfile = pidfile
        self.n = int(n)
        if pids:
            (Path(pids) / str(os.getpid())).write_text(str(os.getpid()))

    def act(self, view):
        import os

        if view.id == self.task:
            if self.pidfile:
                Path(self.pidfile).write_text(str(os.getpid()))
            sum(range(self.n))
        return 'pyautogui.press("enter")'


class EndsItsProcess:
    """Ends its own process (`os._exit`, as a crashing native library would) on the tasks listed in `on`
    (comma-separated ids); answers every other task at once. With `once` (a file's path), only the agent that
    creates that file ends its process, after writing its Ray actor's id into it; the task sent again is answered."""

    resources: ClassVar[dict[str, float]] = {"cpus": 1, "memory_mb": 64}

    def __init__(self, on: str = "", once: str = "") -> None:
        self.on = set(on.split(","))
        self.once = once

    def act(self, view):
        import os

        if view.id in self.on and (not self.once or _named_first(self.once)):
            os._exit(3)
        return 'pyautogui.press("enter")'


class NamesItsActor:
    """Answers every task at once. The first agent to create the file `once` writes its Ray actor's id into it
    (a test hides that actor's result stream from the driver, as Ray sometimes loses one)."""

    def __init__(self, once: str = "") -> None:
        self.once = once

    def act(self, view):
        _named_first(self.once)
        return 'pyautogui.press("enter")'


def _named_first(path: str) -> bool:
    """Whether this call created the file `path` (the first of all agents to try), writing its Ray actor's id there."""
    import os

    import ray

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        return False
    os.write(fd, ray.get_runtime_context().get_actor_id().encode())
    os.close(fd)
    return True
