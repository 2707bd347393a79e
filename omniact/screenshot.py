"""A screenshot's pixels in RGB as a person sees them, whatever its PNG mode: what agents are shown
(`TaskView.image`) and what the DetACT detector reads are the same picture."""

from __future__ import annotations

from typing import Any

__all__ = ["has_alpha", "open_screenshot", "to_rgb"]

_SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I")


def to_rgb(im: Any, hidden: bool | None = None) -> Any:
    """A PIL image in RGB. 16-bit greyscale (mode I;16 or I) is scaled to 8 bits first: Pillow's own conversion
    clips every value above 255, which turns a 16-bit screenshot into a white screen.

    `hidden` says whether the whole picture's alpha hides every pixel, when `im` is only a band of it (None:
    find out from `im`)."""
    if im.mode in _SIXTEEN_BIT:
        import numpy as np
        from PIL import Image

        wide = np.asarray(im, dtype=np.uint32)
        top = 65535 if im.mode.startswith("I;16") or wide.max(initial=0) > 255 else 255
        im = Image.fromarray((wide * 255 // max(top, 1)).astype(np.uint8), mode="L")
    if has_alpha(im):
        # Transparent pixels are shown on white, as an image viewer shows them: dropping the alpha channel gives
        # their stored colour, black in most files, and dark text on a transparent background read as nothing.
        from PIL import Image

        # An alpha channel that hides every pixel is a capture tool's mistake (some write 0 for "unused"); the
        # colours are the picture then.
        rgba = im.convert("RGBA")
        if hidden is None:
            hidden = rgba.getchannel("A").getextrema()[1] == 0
        if hidden:
            return rgba.convert("RGB")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im.convert("RGB")


def has_alpha(im: Any) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info


def open_screenshot(path: Any) -> Any:
    """`PIL.Image.open(path)`, without Pillow's decompression-bomb warning: a screenshot between Pillow's warning
    and error sizes (89 and 179 megapixels) is one the loader accepted (`omniact.task` refuses larger ones), and
    the warning printed Pillow's own file and line on stderr. The filter is set once, for the process: a
    `catch_warnings` block is not thread-safe, and worker threads open screenshots at once."""
    import warnings

    from PIL import Image

    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
    return Image.open(path)
