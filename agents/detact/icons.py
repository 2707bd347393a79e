"""Icon matching: candidate regions compared by SSIM with templates rasterised from Font Awesome's free SVGs.

Templates: every free *solid* and *regular* Font Awesome icon (about 1,400 glyphs from the ``fontawesomefree``
package; the brand logos are left out by default because they are company marks, not UI controls; pass
``styles=("solid", "regular", "brands")`` to add them). Each SVG is rasterised with resvg at several sizes
(`SIZES`), so that a 16-pixel icon is compared with a template that has the same anti-aliasing as a
16-pixel rendering, not with a shrunk 64-pixel one. The templates are cached on disk
(``$OMNIACT_CACHE_DIR`` or ``~/.cache/omniact/icons``) after the first use.

Both sides are normalised the same way before comparison: grey, polarity fixed to dark ink on light (a
white icon on a blue button reads like a black one on white), cropped to the ink, centred on a square
canvas, resized to the template size. A vectorised correlation over all templates picks a short list
(with an aspect-ratio check), and scikit-image's SSIM decides among it. The best label is kept when its
SSIM reaches `THRESHOLD`.

Threshold: the paper used SSIM > 0.95 with its own templates. Our templates and the screenshots come from
different renderers (resvg vs. a browser's font engine), which costs a few points of SSIM on a correct
match. Measured on 120 random free icons rendered by Chromium from Font Awesome's web fonts at 14-40 CSS px
in 8 colours among buttons, fields and checkboxes (`agents.detact.evaluate.icon_precision`, seed 0, 1x):
threshold 0.80 gives precision 0.93 / recall 0.76, 0.85 gives 0.98 / 0.70, 0.90 gives 1.00 / 0.59 and
0.95 gives 1.00 / 0.43. We keep 0.85: a wrong icon name misleads a planner more than a missing one.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "SIZES",
    "THRESHOLD",
    "IconMatch",
    "IconMatcher",
    "cache_dir",
    "get_matcher",
    "icon_terms",
    "normalise_patch",
]

#: SSIM a match must reach (see the module docstring for how it was chosen).
THRESHOLD = 0.85
#: Template edge lengths in pixels; a candidate is compared at the size nearest its own.
SIZES = (16, 24, 32, 48)
#: How many templates the correlation prefilter passes on to SSIM.
SHORTLIST = 12
_CACHE_VERSION = 2


@dataclass(frozen=True)
class IconMatch:
    """The best template for a region: its label (Font Awesome's name for it), style and SSIM."""

    label: str
    name: str
    style: str
    score: float


def cache_dir() -> Path:
    """Where rasterised templates are kept: ``$OMNIACT_CACHE_DIR/icons`` or ``~/.cache/omniact/icons``."""
    from omniact.cache_home import cache_home

    return cache_home() / "icons"


def _fa_root() -> Path:
    import fontawesomefree

    return Path(fontawesomefree.__file__).resolve().parent / "static" / "fontawesomefree"


@lru_cache(maxsize=1)
def _metadata() -> dict[str, Any]:
    return json.loads((_fa_root() / "metadata" / "icons.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def icon_terms() -> dict[str, tuple[str, ...]]:
    """Each icon label (lower-case) -> words people use for it (its name, aliases and search terms).

    Lets the filter know that a "Magnifying Glass" icon is what a goal calls "search"."""
    out: dict[str, tuple[str, ...]] = {}
    for name, meta in _metadata().items():
        label = str(meta.get("label") or name).lower()
        terms = [name.replace("-", " ")]
        terms += [a.replace("-", " ") for a in (meta.get("aliases") or {}).get("names", [])]
        terms += [str(t) for t in (meta.get("search") or {}).get("terms", [])]
        out[label] = tuple(dict.fromkeys(t.lower() for t in terms if t))
    return out


def normalise_patch(grey: Any, size: int, ink_threshold: float = 0.18) -> Any | None:
    """An ``(H, W)`` grey patch (uint8 or float) as a ``(size, size)`` float32 ink map in [0, 1]: polarity
    fixed from the border (the background), cropped to the ink, centred on a square, resized. None when
    the patch holds no ink."""
    import cv2
    import numpy as np

    g = grey.astype(np.float32)
    if g.max() > 1.0:
        g = g / 255.0
    border = np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]])
    background = float(np.median(border))
    ink = np.abs(g - background)
    peak = float(ink.max())
    if peak < 0.15:
        return None
    ink = ink / peak
    ys, xs = np.nonzero(ink > ink_threshold)
    if ys.size == 0:
        return None
    ink = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = ink.shape
    side = max(h, w)
    canvas = np.zeros((side, side), np.float32)
    y0, x0 = (side - h) // 2, (side - w) // 2
    canvas[y0:y0 + h, x0:x0 + w] = ink
    interp = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
    return cv2.resize(canvas, (size, size), interpolation=interp)


def _aspect(grey: Any, ink_threshold: float = 0.18) -> float:
    """Width / height of the ink inside a patch (polarity-free)."""
    import numpy as np

    g = grey.astype(np.float32)
    border = np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]])
    ink = np.abs(g - np.median(border))
    if ink.max() <= 0:
        return 1.0
    ys, xs = np.nonzero(ink > ink_threshold * ink.max())
    if ys.size == 0:
        return 1.0
    return (xs.max() - xs.min() + 1) / (ys.max() - ys.min() + 1)


class IconMatcher:
    """Font Awesome templates at several sizes and the SSIM matcher over them.

    >>> m = IconMatcher()                                # doctest: +SKIP
    >>> m.match(grey_patch)                              # doctest: +SKIP
    IconMatch(label='Magnifying Glass', name='magnifying-glass', style='solid', score=0.93)
    """

    def __init__(self, styles: Sequence[str] = ("solid", "regular"), sizes: Sequence[int] = SIZES,
                 threshold: float = THRESHOLD, cache: Path | None = None) -> None:
        self.styles = tuple(styles)
        self.sizes = tuple(sorted(sizes))
        self.threshold = threshold
        self._cache = cache or cache_dir()
        self._names: list[str] = []
        self._styles: list[str] = []
        self._labels: list[str] = []
        self._aspects: Any = None
        self._maps: dict[int, Any] = {}   # size -> (N, size, size) float32 ink maps
        self._zvecs: dict[int, Any] = {}  # size -> (N, size*size) z-normalised, for the prefilter
        self._load()

    # -- templates -------------------------------------------------------------------------------------

    def _cache_file(self) -> Path:
        version = _metadata_version()
        key = hashlib.sha1(f"{_CACHE_VERSION}|{version}|{self.styles}|{self.sizes}".encode()).hexdigest()[:12]  # noqa: S324 - a cache key
        return self._cache / f"fa-templates-{key}.npz"

    def _load(self) -> None:
        import numpy as np

        path = self._cache_file()
        data = None
        if path.is_file():
            try:
                data = dict(np.load(path, allow_pickle=False))
            except Exception:  # noqa: BLE001 - torn or foreign (BadZipFile, zlib.error, EOFError...): rebuilt
                data = None
            needed = ("names", "styles", "labels", "aspects", *(f"size{s}" for s in self.sizes))
            if data is not None and (any(k not in data for k in needed)
                                     or len({len(data[k]) for k in needed}) != 1):
                data = None  # a file of another layout, or arrays of different lengths: rebuilt too
        if data is None:
            data = self._build()
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                np.savez_compressed(tmp, **data)
                os.replace(tmp, path)  # atomic: concurrent workers never read half a file
            except OSError as e:
                # A read-only home or cache folder: the templates serve from memory, built again by the next
                # process. Detection failed outright before, after rebuilding them for every screen.
                import contextlib
                import sys

                with contextlib.suppress(OSError):
                    tmp.unlink()  # a half-written file
                print(f"detact: cannot keep the icon templates in {path.parent} ({e.strerror or e}); they are built "
                      "again in each process (set OMNIACT_CACHE_DIR to a writable folder)", file=sys.stderr)
        self._names = [str(x) for x in data["names"]]
        self._styles = [str(x) for x in data["styles"]]
        self._labels = [str(x) for x in data["labels"]]
        self._aspects = data["aspects"].astype(np.float32)
        for s in self.sizes:
            maps = data[f"size{s}"].astype(np.float32)
            self._maps[s] = maps
            flat = maps.reshape(len(maps), -1)
            flat = flat - flat.mean(axis=1, keepdims=True)
            flat /= np.linalg.norm(flat, axis=1, keepdims=True) + 1e-6
            self._zvecs[s] = flat

    def _build(self) -> dict[str, Any]:
        import io

        import numpy as np
        import resvg_py
        from PIL import Image

        meta = _metadata()
        root = _fa_root() / "svgs"
        names, styles, labels, aspects = [], [], [], []
        maps: dict[int, list[Any]] = {s: [] for s in self.sizes}
        for name in sorted(meta):
            for style in self.styles:
                svg_path = root / style / f"{name}.svg"
                if not svg_path.is_file():
                    continue
                svg = svg_path.read_text(encoding="utf-8")
                rendered = []
                for s in self.sizes:
                    # Icons are drawn as glyphs of a font: the height is the font size, the width follows.
                    png = resvg_py.svg_to_bytes(svg_string=svg, height=s)
                    rgba = np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGBA"))
                    # Black ink on white, like the screenshots' grey after polarity fixing.
                    grey = 255.0 - rgba[:, :, 3].astype(np.float32)
                    grey = np.pad(grey, 2, constant_values=255.0)
                    m = normalise_patch(grey, s)
                    if m is None:
                        break
                    rendered.append(m)
                    if s == self.sizes[-1]:
                        aspects.append(_aspect(grey))
                if len(rendered) != len(self.sizes):
                    continue
                for s, m in zip(self.sizes, rendered):
                    maps[s].append(m)
                names.append(name)
                styles.append(style)
                labels.append(str(meta[name].get("label") or name))
        out = {"names": np.array(names), "styles": np.array(styles), "labels": np.array(labels),
               "aspects": np.array(aspects, np.float32)}
        for s in self.sizes:
            out[f"size{s}"] = np.stack(maps[s]).astype(np.float16)
        return out

    def __len__(self) -> int:
        return len(self._names)

    # -- matching --------------------------------------------------------------------------------------

    def size_for(self, side: float) -> int:
        """The template size nearest a candidate's side (in pixels)."""
        return min(self.sizes, key=lambda s: abs(s - side))

    def match(self, patch: Any, threshold: float | None = None) -> IconMatch | None:
        """The best template for one grey patch, or None when nothing reaches the threshold."""
        found = self.match_many([patch], threshold)
        return found[0]

    def match_many(self, patches: Sequence[Any], threshold: float | None = None) -> list[IconMatch | None]:
        """Match grey patches (each a region cut from the screenshot with a small margin)."""
        import numpy as np
        from skimage.metrics import structural_similarity

        limit = self.threshold if threshold is None else threshold
        out: list[IconMatch | None] = [None] * len(patches)
        # Group candidates by template size, so one matrix product scores a group against every template.
        groups: dict[int, list[tuple[int, Any, float]]] = {}
        for i, p in enumerate(patches):
            if p is None or min(p.shape[:2]) < 6:
                continue
            size = self.size_for(max(p.shape[:2]) * 0.8)
            m = normalise_patch(p, size)
            if m is None or float(m.std()) < 0.08:  # flat patches are not icons
                continue
            groups.setdefault(size, []).append((i, m, _aspect(p)))
        for size, items in groups.items():
            cand = np.stack([m.reshape(-1) for _, m, _ in items])
            cand = cand - cand.mean(axis=1, keepdims=True)
            cand /= np.linalg.norm(cand, axis=1, keepdims=True) + 1e-6
            corr = cand @ self._zvecs[size].T  # (candidates, templates)
            for row, (i, m, aspect) in enumerate(items):
                # Templates whose ink has a very different shape cannot be the same icon.
                ok = np.abs(np.log(self._aspects / max(aspect, 1e-3))) < 0.35
                scores = np.where(ok, corr[row], -1.0)
                short = np.argsort(-scores)[:SHORTLIST]
                best, best_j = -1.0, -1
                for j in short:
                    if scores[j] <= 0.3:
                        break
                    s = structural_similarity(m, self._maps[size][j], data_range=1.0,
                                              win_size=7 if size >= 7 else 3)
                    if s > best:
                        best, best_j = float(s), int(j)
                if best_j >= 0 and best >= limit:
                    out[i] = IconMatch(self._labels[best_j], self._names[best_j], self._styles[best_j],
                                       round(best, 4))
        return out


def _metadata_version() -> str:
    try:
        from importlib.metadata import version

        return version("fontawesomefree")
    except Exception:  # noqa: BLE001 - the version only keys the template cache; any failure reads "unknown"
        return "unknown"


_MATCHERS: dict[tuple, IconMatcher] = {}
_LOCK = threading.Lock()


def get_matcher(styles: Sequence[str] = ("solid", "regular"), threshold: float = THRESHOLD) -> IconMatcher:
    """The process-wide matcher for these styles (templates load once)."""
    key = (tuple(styles), threshold)
    with _LOCK:
        m = _MATCHERS.get(key)
        if m is None:
            m = _MATCHERS[key] = IconMatcher(styles=styles, threshold=threshold)
    return m
