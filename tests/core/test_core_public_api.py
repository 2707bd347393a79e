"""The public API is pinned, and `import omniact` stays light."""

from __future__ import annotations

import json
import subprocess
import sys

import omniact


def test_public_names_are_pinned():
    assert sorted(omniact.__all__) == sorted([
        "ACTIONS", "Action", "ActionSpec", "Box", "DataError", "Dataset", "Detection", "Detections",
        "OmniactError", "ParseError", "Screen", "Task", "TaskView", "UIElement", "UserError", "builtin_root",
        "format_script", "load_split", "normalize_key", "parse_script",
    ])
    for name in omniact.__all__:
        assert getattr(omniact, name) is not None


def test_import_omniact_loads_nothing_heavy():
    code = "import sys, json, omniact, omniact.cli; print(json.dumps(sorted(sys.modules)))"
    mods = set(json.loads(subprocess.check_output([sys.executable, "-c", code], text=True)))
    heavy = {"playwright", "torch", "transformers", "numpy", "cv2", "rapidocr", "onnxruntime", "nltk", "openai",
             "PIL.Image", "rich", "ray", "skimage", "sentence_transformers", "scoring", "agents"}
    assert not (heavy & mods), f"imported on `import omniact`: {sorted(heavy & mods)}"
