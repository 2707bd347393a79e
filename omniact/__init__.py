"""omniact: an OmniACT-style benchmark environment for agents that operate desktop and web applications.

>>> import omniact
>>> [a.name for a in omniact.parse_script('pyautogui.click(412.5, 88.0)')]
['click']
"""

from omniact.actions import ACTIONS, Action, ActionSpec, format_script, normalize_key, parse_script
from omniact.dataset import Dataset, builtin_root, load_split
from omniact.errors import DataError, OmniactError, ParseError, UserError
from omniact.task import Box, Detection, Detections, Screen, Task, TaskView, UIElement

__version__ = "0.1.0"

__all__ = [
    "ACTIONS", "Action", "ActionSpec", "Box", "DataError", "Dataset", "Detection", "Detections",
    "OmniactError", "ParseError", "Screen", "Task", "TaskView", "UIElement", "UserError", "builtin_root",
    "format_script", "load_split", "normalize_key", "parse_script",
]
