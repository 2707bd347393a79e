"""DetACT: the paper's text-only screen reader (OCR, icon matching, colour) and the offline `detact` agent.

Everything heavy (RapidOCR, OpenCV, scikit-image, torch) loads inside the functions that use it, so importing
this package is cheap:

>>> from agents.detact import detect          # doctest: +SKIP
>>> result = detect("screen.png")             # doctest: +SKIP
>>> result.to_ocr_json()                      # doctest: +SKIP
{'File': [21.0, 20.5], ...}
"""

from __future__ import annotations

from typing import Any

__all__ = ["DetactAgent", "DetectionResult", "Detector", "Element", "detect", "plan", "rank_elements"]


def __getattr__(name: str) -> Any:
    # Lazy re-exports: `import agents.detact` must not pull in numpy or OpenCV.
    if name in ("detect", "Detector", "DetectionResult"):
        from agents.detact import detector

        return getattr(detector, name)
    if name == "Element":
        from agents.detact.element import Element

        return Element
    if name == "DetactAgent":
        from agents.detact.agent import DetactAgent

        return DetactAgent
    if name == "rank_elements":
        from agents.detact.filter import rank_elements

        return rank_elements
    if name == "plan":
        from agents.detact.planner import plan

        return plan
    raise AttributeError(name)
