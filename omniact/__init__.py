"""omniact: an OmniACT-style benchmark environment for agents that operate desktop and web applications.

>>> import omniact
>>> [a.name for a in omniact.parse_script('pyautogui.click(412.5, 88.0)')]
['click']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The public names, imported from their modules on first use (PEP 562). The console script's first line, `from
# omniact.console import run`, then runs nothing here: the CLI's own imports are inside its Ctrl-C handling, so an
# interrupt while the command starts is one line and exit 130, not a traceback from this file's imports.
_EXPORTS = {
    "omniact.actions": ("ACTIONS", "Action", "ActionSpec", "format_script", "normalize_key", "parse_script"),
    "omniact.agent": ("check_agent", "load_agent", "task_cancel_event", "to_pixels"),
    "omniact.dataset": ("Dataset", "builtin_root", "load_split"),
    "omniact.errors": ("DataError", "OmniactError", "ParseError", "UserError"),
    "omniact.predictions": ("read_predictions", "run_tasks", "write_predictions"),
    "omniact.runner": ("run",),
    "omniact.task": ("Box", "Detection", "Detections", "Screen", "Task", "TaskView", "UIElement"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [  # the names of _EXPORTS (a literal, as tools that read `__all__` without running this file expect)
    "ACTIONS", "Action", "ActionSpec", "Box", "DataError", "Dataset", "Detection", "Detections",
    "OmniactError", "ParseError", "Screen", "Task", "TaskView", "UIElement", "UserError", "builtin_root",
    "check_agent", "format_script", "load_agent", "load_split", "normalize_key", "parse_script", "read_predictions",
    "run", "run_tasks", "task_cancel_event", "to_pixels", "write_predictions",
]

if TYPE_CHECKING:  # what type checkers and editors see; at run time `__getattr__` imports these
    from omniact.actions import ACTIONS, Action, ActionSpec, format_script, normalize_key, parse_script
    from omniact.agent import check_agent, load_agent, task_cancel_event, to_pixels
    from omniact.dataset import Dataset, builtin_root, load_split
    from omniact.errors import DataError, OmniactError, ParseError, UserError
    from omniact.predictions import read_predictions, run_tasks, write_predictions
    from omniact.runner import run
    from omniact.task import Box, Detection, Detections, Screen, Task, TaskView, UIElement


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'omniact' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups find it here, without this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))
