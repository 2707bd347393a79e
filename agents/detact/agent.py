"""The `detact` agent: DetACT's screen reading, the goal filter, and a planner (heuristic offline, or an LLM).

    omniact run --agent detact --split test --out runs/detact                      # offline, no model
    omniact run --agent detact --agent-arg llm=openai --agent-arg model=gpt-4o ... # the paper's pipeline

Elements come from the task view's detections (the data set's OCR/icon/colour files) when it has them, and
from running the detector on the screenshot otherwise (``detect=always`` forces that). The filter keeps the
`top_k` elements most relevant to the goal, which the `llm` (or ``llm=vlm``: `vlm`) agent gets as its screen
element list with ``llm=...``. The heuristic planner instead ranks the elements for each step's own target (the
goal's top k would drop a later step's target) and takes the best, so `top_k` rarely changes its answers.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from typing import Any, ClassVar

from omniact.errors import UserError
from omniact.task import Detections

__all__ = ["DetactAgent"]

#: The llm= values the planner takes: the names it is documented with, and others it accepts as well (all but vlm
#: hand the plan to the llm agent, whose own arguments say which model and server).
_LLM_NAMES = ("openai", "local", "vlm")
_LLM_ALIASES = ("llm", "transformers")
_LLM_KINDS = _LLM_NAMES + _LLM_ALIASES


#: stderr lines already printed by this process: every thread worker sets up an agent of its own, and a run with
#: eight of them must not say the same thing eight times
_SAID: set[str] = set()
_SAID_LOCK = threading.Lock()


def _say_once(line: str) -> None:
    """Print `line` on stderr unless this process printed it already."""
    import sys

    with _SAID_LOCK:
        if line in _SAID:
            return
        _SAID.add(line)
    print(line, file=sys.stderr)


def _unknown_arguments(names: list[str]) -> str:
    """Arguments the offline planner does not take: a misspelling of its own (topk) is named as one; the rest go
    to a model planner (llm=openai|local|vlm: model, base_url, ...), which checks them itself."""
    import difflib
    import inspect

    # Its own arguments, as its constructor names them (all but **llm_args).
    own = [p.name for p in inspect.signature(DetactAgent).parameters.values() if p.kind is not p.VAR_KEYWORD]
    said = []
    for name in names:
        close = difflib.get_close_matches(name, own, n=1)
        said.append(f"{name} (did you mean {close[0]}?)" if close else name)
    return (f"detact: unknown argument {', '.join(said)}; detact takes {', '.join(own)}, and a model "
            "planner's arguments (model, base_url, ...) with llm=openai|local|vlm")


class DetactAgent:
    """DetACT (OCR, icons, colour, goal filter) + heuristic planner; llm=openai|local|vlm hands it to a model."""

    name = "detact"
    coordinates = "pixels"
    # Thread workers (the runner's default): RapidOCR's onnxruntime and the embedding model work outside the GIL,
    # and threads share one copy of the OCR, icon and (with llm=local|vlm) language models.
    parallelism = "threads"
    # Reserved per worker on a Ray cluster: the embedding model and a run's process take about 500 MiB, the OCR
    # model (for screens without detection files) another 500.
    resources: ClassVar[dict[str, float]] = {"cpus": 1, "memory_mb": 1024}

    def __init__(self, llm: str = "", top_k: int = 20, ocr: str = "rapidocr", detect: str = "auto",
                 embeddings: bool = True, icons: bool = True, cache: bool = True, data_root: str = "",
                 run_split: str = "", **llm_args: Any) -> None:
        if llm and llm not in _LLM_KINDS:
            raise UserError(f"detact: llm={llm!r} is not one of {', '.join(_LLM_NAMES[:-1])} or {_LLM_NAMES[-1]} "
                            f"(also accepted: {', '.join(_LLM_ALIASES)}; or leave it out for the offline planner)")
        if detect not in ("auto", "always", "never"):
            raise UserError("detact: detect must be auto (use the data set's files when present), always or never")
        if llm_args and not llm:
            raise UserError(_unknown_arguments(sorted(llm_args)))
        if top_k < 1:
            raise UserError("detact: top_k must be at least 1")
        from agents.detact.ocr import ENGINES

        if ocr not in ENGINES:  # else every task of a screen without detection files failed on it, one by one
            raise UserError(f"detact: ocr={ocr!r} is not one of {', '.join(ENGINES)}")
        self.llm = llm
        self.top_k = top_k
        self.ocr = ocr
        self.detect = detect
        self.embeddings = embeddings
        self.icons = icons
        self.llm_args = dict(llm_args)
        # The run's own settings, which the runner gives to an agent that names them, passed on to the planner
        # model: its in-context examples come from the run's data set (not the built-in suite's), and --no-cache
        # reaches its answer cache.
        self.run_settings = {"cache": cache, "data_root": data_root, "run_split": run_split}
        self._planner_llm: Any = None
        self._detected: OrderedDict[str, Detections] = OrderedDict()
        self._lock = threading.Lock()
        self._warned: set[str] = set()  # screens whose detections were reported as off the screen
        self._detecting: dict[str, threading.Lock] = {}  # screens being detected now -> held while at it
        #: why embeddings were asked for but are off (a package not installed), or None
        self.embeddings_off: str | None = None
        #: why icons are matched on their labels alone, without Font Awesome's names for them, or None
        self.icon_names_off: str | None = None
        self.last_usage: Any = None
        self.last_raw: str | None = None
        self.last_served: dict[str, str] | None = None  # the planner model server's word on what answered

    def setup(self) -> None:
        if self.embeddings:
            from agents.detact.filter import embeddings_unavailable

            why = embeddings_unavailable()
            if why is not None:
                # Ranking without them gives other answers: say so, and record it in the run's description,
                # instead of a run that reads "embeddings": true and never used them.
                _say_once(f"detact: embeddings=true, but {why}; elements are ranked by lexical and fuzzy "
                          "similarity only (pip install 'omniact[local-models]', or pass embeddings=false)")
                self.embeddings = False
                self.embeddings_off = why
        from agents.detact.filter import icon_names_unavailable

        why = icon_names_unavailable()
        if why is not None:
            # The goal filter knows a "Magnifying Glass" icon as what a goal calls "search" from Font Awesome's
            # names: without them, other elements win on some tasks (23 of the 492 test answers). Said and recorded,
            # so that a run made without them is not taken for one made with them.
            _say_once(f"detact: {why}; icons are matched on their labels only (pip install 'omniact[detact]')")
            self.icon_names_off = why
        if self.llm and (self._planner_llm is None or self._planner_llm.backend is None):
            self._planner().setup()

    def describe(self) -> dict[str, Any]:
        """Its pipeline for the run's record: the detector's OCR engine and icon matching (used on screens the
        data set has no detection files for), the goal filter, and the planner (with the LLM's own description
        when a model plans)."""
        from agents.detact.icons import THRESHOLD
        from omniact.agent import describe_agent

        if self.llm and self._planner_llm is None:
            self.setup()
        return {"detect": self.detect, "ocr": self.ocr, "icons": self.icons,
                "icon_threshold": THRESHOLD if self.icons else None, "top_k": self.top_k,
                "embeddings": self.embeddings, **({"embeddings_off": self.embeddings_off} if self.embeddings_off else {}),
                **({"icon_names_off": self.icon_names_off} if self.icon_names_off else {}),
                "planner": self.llm or "heuristic",
                "llm": describe_agent(self._planner_llm) if self._planner_llm is not None else None}

    def close(self) -> None:
        if self._planner_llm is not None and callable(getattr(self._planner_llm, "close", None)):
            self._planner_llm.close()

    # ------------------------------------------------------------------------------------------------
    def elements(self, view: Any) -> Detections:
        """The screen's detections: the view's own (from the data set's files), or detected now.

        A data set's detection outside the screenshot is left out (with one line on stderr per screen): acting on it
        would click off the screen, and it means the files are in another coordinate space than the screenshot
        (CSS pixels for a dpr-2 capture, or the other way round)."""
        # (files that hold nothing are the data set's answer too: a blank screen is not detected again)
        if self.detect != "always" and (view.detections or getattr(view.detections, "from_files", False)):
            return self._on_screen(view)
        if self.detect == "never":
            return Detections()
        key = str(view.image_path)
        with self._lock:
            cached = self._detected.get(key)
            gate = self._detecting.setdefault(key, threading.Lock()) if cached is None else None
        if cached is not None:
            return cached
        # One thread detects a screen; the others working on its tasks wait for that result. Each used to run the
        # whole detection itself, one after another behind the OCR engine's lock: N workers, N times the work.
        with gate:
            with self._lock:
                cached = self._detected.get(key)
            if cached is not None:
                return cached
            try:
                result = self._detect_now(view)
            except BaseException:
                with self._lock:
                    self._detecting.pop(key, None)
                raise
            with self._lock:  # stored and the gate dropped at once: a thread arriving now finds the result
                self._detected[key] = result
                self._detecting.pop(key, None)
                while len(self._detected) > 64:  # tasks of one screen come together; a few screens suffice
                    self._detected.popitem(last=False)
        return result

    def _detect_now(self, view: Any) -> Detections:
        from agents.detact.detector import Detector

        # A dpr above 1 was given by the data set (or follows from a Retina-sized macOS screen): icons and
        # controls are that many times larger in pixels. 1 is also the default of a data set that says nothing,
        # so then the detector guesses from the size.
        scale = float(view.dpr) if view.dpr and view.dpr > 1 else None
        return Detector(ocr=self.ocr, icons=self.icons).detect(view.image_path, scale=scale).to_detections()

    def _on_screen(self, view: Any) -> Detections:
        dets = view.detections
        w, h = float(view.width), float(view.height)

        def inside(d: Any) -> bool:
            return 0.0 <= d.x <= w and 0.0 <= d.y <= h

        if all(inside(d) for d in dets):
            return dets
        outside = [d for d in dets if not inside(d)]
        key = str(view.image_path)
        with self._lock:
            first = key not in self._warned
            self._warned.add(key)
        if first:
            import sys

            d = outside[0]
            print(f"detact: {len(outside)} of {len(list(dets))} detections of {key} lie outside its {view.width}x"
                  f"{view.height} pixels (e.g. {d.label!r} at ({d.x:g}, {d.y:g})) and are left out; are its "
                  "OCR/icon/colour files in another coordinate space (dpr)?", file=sys.stderr)
        return Detections(tuple(d for d in dets.ocr if inside(d)), tuple(d for d in dets.icons if inside(d)),
                          tuple(d for d in dets.colors if inside(d)))

    def filtered(self, view: Any) -> list[Any]:
        """The `top_k` detections most relevant to the goal, best first."""
        from agents.detact.filter import rank_elements

        return [r.detection for r in rank_elements(view.goal, self.elements(view), k=self.top_k,
                                                   embeddings=self.embeddings)]

    def _narrowed(self, view: Any) -> Any:
        """`view` with only the goal's top-k elements (the filter's), as the planner model sees it."""
        kept = self.filtered(view)
        narrowed = Detections(tuple(d for d in kept if d.kind == "ocr"), tuple(d for d in kept if d.kind == "icon"),
                              tuple(d for d in kept if d.kind == "color"))
        return dataclasses.replace(view, detections=narrowed)

    def prompt(self, view: Any) -> list[dict[str, Any]]:
        """The messages the planner model would be sent for `view` (llm=openai|local|vlm), without a model."""
        if not self.llm:
            raise UserError("detact plans offline, with no prompt: pass --agent-arg llm=openai (or local, vlm) to "
                            "see the one a model would be sent")
        return self._planner().prompt(self._narrowed(view))

    def _planner(self) -> Any:
        """The planner model's agent (`llm` or `vlm`), built once with the run's settings; set up by `setup`."""
        if self._planner_llm is None:
            if self.llm == "vlm":
                from agents.vlm import VLMAgent as cls
            else:
                from agents.llm import LLMAgent as cls
            from omniact.agent import load_agent

            self._planner_llm = load_agent(cls, self.llm_args, defaults=self.run_settings)
        return self._planner_llm

    def act(self, view: Any) -> str:
        if self.llm:
            if self._planner_llm is None or self._planner_llm.backend is None:
                self.setup()
            script = self._planner_llm.act(self._narrowed(view))
            self.last_usage = getattr(self._planner_llm, "last_usage", None)
            self.last_raw = getattr(self._planner_llm, "last_raw", None)
            self.last_served = getattr(self._planner_llm, "last_served", None)
            return script
        from agents.detact.planner import plan

        # The planner ranks all elements per target phrase itself; the goal-level top-k would drop the
        # target of a later step ("... and then click Send") in favour of words of an earlier one.
        return plan(view.goal, list(self.elements(view)), os=view.os, platform=view.platform, width=view.width,
                    height=view.height, k=self.top_k, embeddings=self.embeddings)
