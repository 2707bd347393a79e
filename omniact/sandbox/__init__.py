"""The replay sandbox: PyAutoGUI scripts replayed in Chromium under Playwright, with success checks.

Playwright loads only when a replay runs; importing this package is cheap.

- `replay_task` / `replay_tasks`: built-in-suite tasks (their page and JavaScript check), one or a batch
  in worker processes.
- `replay_page`: any local HTML file or loopback URL, with an optional check.
- `miniwob_task` / `replay_miniwob`: MiniWoB++ episodes (seeded), scored by the page's reward.
"""

from omniact.sandbox.miniwob import (
    MiniwobTask,
    miniwob_envs,
    miniwob_task,
    replay_miniwob,
    replay_miniwob_suite,
)
from omniact.sandbox.replay import (
    ReplayJob,
    ReplayResult,
    StepRecord,
    replay_page,
    replay_task,
    replay_tasks,
    run_job,
)

__all__ = [
    "MiniwobTask",
    "ReplayJob",
    "ReplayResult",
    "StepRecord",
    "miniwob_envs",
    "miniwob_task",
    "replay_miniwob",
    "replay_miniwob_suite",
    "replay_page",
    "replay_task",
    "replay_tasks",
    "run_job",
]
