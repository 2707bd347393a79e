"""DetACT's detector: OCR + region proposals + icon matching + colour, one call per screenshot.

>>> from agents.detact.detector import detect         # doctest: +SKIP
>>> result = detect("screen_1.png")                   # doctest: +SKIP
>>> result.to_ocr_json()["Compose"]                   # doctest: +SKIP
[692.0, 24.0]

`DetectionResult` writes the published DetACT file formats (OCR ``{"text": [x, y]}``, icons and colours
``{"label": [[x, y], ...]}``), so files we compute and the published ones are interchangeable, and converts
to `omniact.task.Detections`, what agents see in a `TaskView`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.detact.element import Element, overlap
from omniact.atomic import atomic_file
from omniact.errors import UserError
from omniact.screenshot import has_alpha, open_screenshot, to_rgb
from omniact.task import Box, Detection, Detections

__all__ = ["DetectionPlan", "DetectionResult", "Detector", "UnreadableScreenshot", "detect", "detect_split",
           "detection_paths", "load_image", "plan_detection", "run_detection", "write_json"]


@dataclass(frozen=True)
class DetectionResult:
    """Every element found on one screenshot, in screenshot pixels, plus timings (seconds) per stage."""

    width: int
    height: int
    elements: tuple[Element, ...]
    timings: Mapping[str, float] = field(default_factory=dict, compare=False)

    @property
    def texts(self) -> tuple[Element, ...]:
        return tuple(e for e in self.elements if e.kind == "text")

    @property
    def icons(self) -> tuple[Element, ...]:
        return tuple(e for e in self.elements if e.kind == "icon")

    @property
    def regions(self) -> tuple[Element, ...]:
        return tuple(e for e in self.elements if e.kind == "region")

    def to_ocr_json(self) -> dict[str, list[float]]:
        """``{"text": [x, y]}``; a repeated string keeps its first (top-most, then left-most) location."""
        out: dict[str, list[float]] = {}
        for e in sorted(self.texts, key=lambda e: (e.box.top, e.box.left)):
            out.setdefault(e.label, _pt(e.center))
        return out

    def to_icon_json(self) -> dict[str, list[list[float]]]:
        """``{"label": [[x, y], ...]}``: the centre of every match of each icon."""
        out: dict[str, list[list[float]]] = {}
        for e in self.icons:
            out.setdefault(e.label, []).append(_pt(e.center))
        return out

    def to_color_json(self) -> dict[str, list[list[float]]]:
        """``{"colour": [[x, y], ...]}``: the centre of every non-text element (icons and regions) by colour."""
        out: dict[str, list[list[float]]] = {}
        for e in self.elements:
            if e.kind != "text" and e.color:
                out.setdefault(e.color, []).append(_pt(e.center))
        return out

    def to_detections(self) -> Detections:
        """The same content as the three files, as `omniact.task.Detections` (what a `TaskView` carries)."""
        def dets(kind: str, data: Mapping[str, Any]) -> tuple[Detection, ...]:
            out = []
            for label, v in data.items():
                pts = [v] if kind == "ocr" else v
                out.extend(Detection(kind, label, float(p[0]), float(p[1])) for p in pts)
            return tuple(out)

        return Detections(dets("ocr", self.to_ocr_json()), dets("icon", self.to_icon_json()),
                          dets("color", self.to_color_json()))

    def write(self, ocr: Path | None = None, icon: Path | None = None, color: Path | None = None) -> None:
        """Write the published-format files (any subset) atomically."""
        for path, data in ((ocr, self.to_ocr_json()), (icon, self.to_icon_json()), (color, self.to_color_json())):
            if path is not None:
                write_json(Path(path), data)

    def to_json(self) -> dict[str, Any]:
        """The richer element list: kind, label, box, score, colour of every element."""
        return {"width": self.width, "height": self.height, "elements": [
            {"kind": e.kind, "label": e.label, "box": [e.box.left, e.box.top, e.box.right, e.box.bottom],
             "score": e.score, "color": e.color} for e in self.elements]}


def _pt(p: tuple[float, float]) -> list[float]:
    return [round(p[0], 1), round(p[1], 1)]


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (a temporary file renamed over the target)."""
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    with atomic_file(path, "w", encoding="utf-8") as f:
        f.write(text)


#: Pixels converted at a time by `_rgb_array`.
_BAND_PIXELS = 1 << 18


def _rgb_array(im: Any) -> Any:
    """A PIL image as an ``(H, W, 3)`` uint8 RGB array (as `to_rgb` converts it), a band of rows at a time.

    Converting the whole image held the decoded picture (4 bytes a pixel), its RGB copy (4 more) and two copies
    of the array's bytes at once: 14 bytes a pixel, half a gigabyte for an 8K screenshot. Bands keep it to the
    decoded picture and the array. Every conversion is pixel by pixel (whether the alpha channel hides the whole
    picture is found first), so the pixels are those of converting it whole."""
    import numpy as np

    im.load()
    width, height = im.size
    if im.mode in ("I;16", "I;16B", "I;16L", "I") or width * height <= _BAND_PIXELS:
        return np.asarray(to_rgb(im))  # 16-bit: the scale depends on the whole picture's largest value
    rows = max(1, _BAND_PIXELS // width)
    bands = [(y, min(y + rows, height)) for y in range(0, height, rows)]
    hidden = None
    if has_alpha(im):
        hidden = all((im.crop((0, a, width, b)).convert("RGBA").getextrema()[3][1] == 0) for a, b in bands)
    out = np.empty((height, width, 3), np.uint8)
    for a, b in bands:
        out[a:b] = np.asarray(to_rgb(im.crop((0, a, width, b)), hidden))
    return out


class UnreadableScreenshot(OSError):
    """A screenshot file that cannot be decoded (truncated, not an image, empty); the message names the file."""


def load_image(image: Any) -> Any:
    """A path, a PIL image or an RGB array as an ``(H, W, 3)`` uint8 RGB array.

    A file that cannot be decoded raises `UnreadableScreenshot` naming it (Pillow's own message, "image file is
    truncated", names neither the file nor what to do)."""
    import numpy as np

    if isinstance(image, (str, os.PathLike)):
        try:
            with open_screenshot(image) as im:
                return _rgb_array(im)
        except (OSError, ValueError, SyntaxError, EOFError) as e:  # what Pillow raises on a file it cannot decode
            detail = f"{type(e).__name__}: {str(e)[:160]}"
            # The cause first: a run's summary shortens a long message, and the path is long.
            raise UnreadableScreenshot(f"cannot read the screenshot ({detail}): {os.fspath(image)}; "
                                       "the file is damaged or unreadable: copy it again") from e
    if hasattr(image, "convert"):  # PIL
        return _rgb_array(image)
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 2:
        arr = np.stack([arr] * 3, axis=-1)
    arr = arr[:, :, :3]
    # Arrays come in other ranges than 0-255: a plain cast made a float image in [0, 1] (scikit-image's) or a
    # boolean mask all black, and kept only the low byte of a 16-bit one.
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8) * 255
    elif np.issubdtype(arr.dtype, np.floating):
        top = 1.0 if float(np.nanmax(arr, initial=0.0)) <= 1.0 else 255.0
        arr = np.clip(np.nan_to_num(arr) * (255.0 / top), 0, 255).round()
    elif arr.dtype != np.uint8:
        wide = arr.astype(np.int64)
        top = 65535 if arr.dtype == np.uint16 or int(wide.max(initial=0)) > 255 else 255
        arr = (np.clip(wide, 0, top) * 255 + top // 2) // top
    return np.ascontiguousarray(arr).astype(np.uint8)


class Detector:
    """The DetACT pipeline with its settings; one instance can detect on many screenshots.

    `ocr` is ``rapidocr`` (default) or ``tesseract``; `icons`/`colors` switch those stages off;
    `icon_threshold` is the SSIM a template match must reach; `icon_styles` the Font Awesome styles used
    as templates.
    """

    def __init__(self, ocr: str = "rapidocr", icons: bool = True, colors: bool = True,
                 icon_threshold: float | None = None, icon_styles: Iterable[str] = ("solid", "regular")) -> None:
        from agents.detact.icons import THRESHOLD

        self.ocr = ocr
        self.icons = icons
        self.colors = colors
        self.icon_threshold = THRESHOLD if icon_threshold is None else icon_threshold
        self.icon_styles = tuple(icon_styles)

    def detect(self, image: Any, scale: float | None = None) -> DetectionResult:
        """Detect the elements of one screenshot (a path, a PIL image or an RGB array).

        `scale` is its device pixels per CSS pixel (a task's ``dpr``): it sets the sizes an icon or a control may
        have and how large text is. None guesses it from the size (2 for a Retina-sized screenshot, else 1)."""
        import time

        import cv2

        from agents.detact.colour import region_colour
        from agents.detact.ocr import read_text
        from agents.detact.regions import propose_regions, screen_scale

        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        rgb = load_image(image)
        h, w = rgb.shape[:2]
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        t1 = time.perf_counter()
        if scale is None or not scale > 0:
            scale = screen_scale(w, h)
        # The OCR engine takes BGR: a view with the channels reversed, copied only a tile at a time (or whole, for
        # a screen read in one piece). A converted copy of the whole screen was held through detection.
        texts, _ = read_text(rgb[:, :, ::-1], self.ocr, scale=scale, grey=grey)
        t2 = time.perf_counter()
        timings["load"], timings["ocr"] = t1 - t0, t2 - t1

        # One or two characters are as often an icon read as a letter ("Q" for a magnifier) as a real
        # label; they go to the icon matcher too, and a confident icon match replaces them.
        short = [t for t in texts if len(t.text.strip()) <= 2]
        regions = propose_regions(grey, [t.box for t in texts if len(t.text.strip()) > 2], scale)
        t3 = time.perf_counter()
        timings["regions"] = t3 - t2

        candidates: list[Box] = [r.box for r in regions if r.kind == "blob"] + [t.box for t in short]
        matches: list[Any] = [None] * len(candidates)
        if self.icons and candidates:
            from agents.detact.icons import get_matcher

            matcher = get_matcher(self.icon_styles, self.icon_threshold)
            margin = max(round(2 * scale), 1)
            patches = [_crop(grey, b, margin) for b in candidates]
            matches = matcher.match_many(patches)
        t4 = time.perf_counter()
        timings["icons"] = t4 - t3

        elements: list[Element] = []
        icon_boxes: list[Box] = []
        n_blobs = sum(1 for r in regions if r.kind == "blob")
        for b, m in zip(candidates, matches):
            if m is not None and all(overlap(b, o) < 0.5 for o in icon_boxes):
                icon_boxes.append(b)
                elements.append(Element("icon", m.label, b, m.score,
                                        region_colour(rgb, b) if self.colors else None))
        for t in texts:
            if len(t.text.strip()) <= 2 and any(overlap(t.box, o) > 0.3 for o in icon_boxes):  # one of `short`
                continue  # the letters were an icon
            elements.append(Element("text", t.text, t.box, t.score))
        inside_of = _TextsByCentre(texts)
        for i, r in enumerate(regions):
            if r.kind == "blob" and (matches[i] if i < n_blobs else None) is not None:
                continue
            if any(overlap(r.box, o) > 0.5 for o in icon_boxes):
                continue
            # A container's label is the text inside it (a button's caption, a field's placeholder).
            inside = inside_of(r.box)
            tight = inside and sum(t.box.area for t in inside) * 12 >= r.box.area
            label = " ".join(t.text for t in sorted(inside, key=lambda t: (t.box.top, t.box.left))) if tight else ""
            elements.append(Element("region", label, r.box, r.score,
                                    region_colour(rgb, r.box) if self.colors else None))
        timings["colour"] = time.perf_counter() - t4
        timings["total"] = time.perf_counter() - t0
        return DetectionResult(w, h, tuple(elements), timings)


class _TextsByCentre:
    """The texts whose centre lies in a box, found through the centres sorted by x: a spreadsheet has thousands
    of cells and texts, and testing every text against every cell took longer than the detection itself."""

    def __init__(self, texts: Sequence[Any]) -> None:
        self._texts = texts
        centres = sorted((t.box.center[0], i) for i, t in enumerate(texts))
        self._xs = [x for x, _ in centres]
        self._order = [i for _, i in centres]

    def __call__(self, box: Box) -> list[Any]:
        import bisect

        lo, hi = bisect.bisect_left(self._xs, box.left), bisect.bisect_right(self._xs, box.right)
        # In the texts' own order, as the scan over all of them gave: the label's word order and ties depend on it.
        hits = sorted(i for i in self._order[lo:hi] if box.contains(*self._texts[i].box.center))
        return [self._texts[i] for i in hits]


def _crop(grey: Any, box: Box, margin: int) -> Any:
    h, w = grey.shape[:2]
    x0, y0 = max(int(box.left) - margin, 0), max(int(box.top) - margin, 0)
    x1, y1 = min(round(box.right) + margin, w), min(round(box.bottom) + margin, h)
    return grey[y0:y1, x0:x1]


_DEFAULT: Detector | None = None


def _default() -> Detector:
    global _DEFAULT  # noqa: PLW0603 - built lazily, once per process
    if _DEFAULT is None:
        _DEFAULT = Detector()
    return _DEFAULT


def detect(image: Any, scale: float | None = None, **options: Any) -> DetectionResult:
    """Detect the elements of a screenshot with the default settings (or `options` for `Detector`); `scale` is
    its device pixels per CSS pixel, guessed from the size when None (see `Detector.detect`)."""
    if options:
        return Detector(**options).detect(image, scale=scale)
    return _default().detect(image, scale=scale)


# --------------------------------------------------------------------------------------------------------
# A whole split


#: where `omniact detect --elements` writes each screen's full element list (no published counterpart)
ELEMENTS_FOLDER = "detact_elements"


def detection_paths(task: Any, root: Path, *, elements: bool = False) -> dict[str, str]:
    """The split entry's ocr/icon/color paths relative to the data root; where an entry has none, OmniACT's
    default (``ocr/<platform>/<app>/screen_<k>.json``, beside the image's name). With `elements`, also where the
    screen's full element list goes (``detact_elements/<platform>/<app>/screen_<k>.json``)."""
    from omniact.dataset import default_detection_path  # (the place the loader looks for them too)

    out: dict[str, str] = {}
    for kind, attr in (("ocr", "ocr_path"), ("icon", "icon_path"), ("color", "color_path")):
        p = getattr(task, attr)
        if p is not None:
            out[kind] = _inside_root(task, kind, p, root)
        else:
            out[kind] = default_detection_path(kind, task.platform, task.app, task.image_path)
    if elements:
        stem = Path(default_detection_path("ocr", task.platform, task.app, task.image_path)).name
        out["elements"] = f"{ELEMENTS_FOLDER}/{task.platform}/{task.app}/{stem}"
    return out


def _inside_root(task: Any, kind: str, path: str | os.PathLike, root: Path) -> str:
    """`path` relative to the data root, judged by its spelling: a symbolic link inside the root (``ocr/`` kept on
    another disk) is still inside, which `Path.resolve` would deny by following it."""
    rel = os.path.normpath(os.path.relpath(os.path.abspath(path), root))
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        # Written under --out at this path, it would land outside --out (an absolute or "../" path), over
        # whatever is there: a data set's published files, say.
        raise UserError(f"task {task.id}: its {kind} path {path} is outside the data root, so its file "
                        f"would be written outside --out; give it a path inside {root}")
    return Path(rel).as_posix()


_Job = tuple[str, tuple[dict[str, str], ...], str, dict[str, Any], float]


def _detect_one(job: _Job) -> tuple[str, int, dict[str, float], str | None]:
    """(image, elements found, stage timings, None), or with the last item saying why this screenshot could not
    be read: one broken file (truncated, too large to decode) fails its own screen, not the split.

    The job names every set of files the screen's split entries ask for (entries sharing a screenshot may each
    name their own): the one detection is written to all of them."""
    image, rel_sets, out, options, dpr = job
    try:
        # A dpr above 1 is the data set's word (1 is also what it says when it says nothing: then guess).
        scale = dpr if dpr > 1 else None
        result = (Detector(**options) if options else _default()).detect(image, scale=scale)
    except (OSError, ValueError, SyntaxError, MemoryError) as e:  # what PIL raises on a file it cannot decode
        if isinstance(e, UnreadableScreenshot):  # `load_image`'s line: the cause, the file, and what to do
            return image, 0, {}, str(e)
        return image, 0, {}, f"{image}: cannot read the screenshot ({type(e).__name__}: {str(e)[:120]})"
    base = Path(out)
    written: set[str] = set()
    for rels in rel_sets:
        for kind, rel in rels.items():
            if rel not in written:
                _write_kind(result, kind, base / rel)
                written.add(rel)
    return image, len(result.elements), dict(result.timings), None


def _write_kind(result: DetectionResult, kind: str, path: Path) -> None:
    if kind == "elements":
        write_json(path, result.to_json())
    else:
        result.write(**{kind: path})


def _up_to_date(image: Path, files: list[Path]) -> bool:
    """True when every file exists and is newer than the screenshot (a re-rendered screen is detected again)."""
    try:
        t = image.stat().st_mtime
        return all(f.is_file() and f.stat().st_mtime >= t for f in files)
    except OSError:
        return False


def _worker_init(threads: int) -> None:
    os.environ["OMNIACT_OCR_THREADS"] = str(threads)


def _check_inside(out: Path, rel: str) -> None:
    """Refuse a detection file that a symbolic link on its way would put outside `out` (``ocr`` linked to a data
    set's own folder elsewhere would have its published files replaced): files land only under --out."""
    target = out / rel
    if not Path(os.path.realpath(target)).is_relative_to(os.path.realpath(out)):
        link = next((p for p in [target, *target.parents] if p.is_symlink()), target)
        raise UserError("a symbolic link out of --out: detection files would be written where it points; make it "
                        "a folder, or choose another --out", file=str(link))


@dataclass(frozen=True)
class DetectionPlan:
    """What `detect_split` is to do, settled before any screen is read: the screens to detect (`jobs`), the ones
    `skip_existing` left (up to date), and when the output folder was found writable, by its own disk's clock
    (`started`): a file written since is this run's."""

    split: str
    tasks: int
    out: Path
    jobs: tuple[_Job, ...]
    skipped: int
    started: float

    def written(self) -> int:
        """How many of `jobs` have all their files written by this run: a stopped run's count of what it kept (each
        file is renamed into place whole, so one that is there is complete; a screen missing one is not counted)."""
        done = 0
        for _image, rel_sets, out, _options, _dpr in self.jobs:
            try:
                if all((Path(out) / rel).stat().st_mtime >= self.started for rels in rel_sets for rel in rels.values()):
                    done += 1
            except OSError:  # not written (yet)
                pass
        return done


def _writable_folder(out: Path) -> float:
    """Make `out` and check a file can be made in it, before any detection (a screen takes seconds, and a bad
    --out was found only when the first was written). Returns the new file's modification time: the folder's
    disk's clock now, against which `DetectionPlan.written` tells this run's files."""
    import tempfile

    out.mkdir(parents=True, exist_ok=True)  # a file in the way, a read-only disk: the OSError names the path
    try:
        fd, probe = tempfile.mkstemp(prefix=".omniact-detect-", suffix=".tmp", dir=out)
    except OSError as e:
        # mkstemp names the random file it tried; the user knows only --out.
        raise OSError(e.errno, e.strerror, str(out)) from None
    try:
        return os.fstat(fd).st_mtime
    finally:
        os.close(fd)
        os.unlink(probe)


def plan_detection(data: Any, split: str | Sequence[str], out: Path, *, ocr: str = "rapidocr",
                   skip_existing: bool = False, elements: bool = False) -> DetectionPlan:
    """The first half of `detect_split`: load the split(s), refuse detection paths that would land outside `out`,
    on a file the data set is read from, or two screens on one file; make `out` and check it is writable; and list
    the screens to detect. Nothing is detected, so a mistake is said in a moment."""
    from omniact.dataset import load_split, source_files
    from omniact.output_folder import STORE_NAME

    given, out = Path(out), Path(out).absolute()  # absolute in the summary and the resume line, as `run` says it
    if (out / STORE_NAME).is_file():  # (a data root is a usual --out; a run's folder is no data set's)
        raise UserError(f"this folder holds a run ({STORE_NAME}): detections go in a data root or a folder of their "
                        "own; choose another --out", file=str(given))
    splits = [split] if isinstance(split, str) else list(split)
    datasets = [load_split(data, s) for s in splits]
    root = datasets[0].root.resolve()
    # What the data set is read from (split, task, screenshot and box files): a detection path naming one of them
    # (`--out` is the data root, as usual) would replace it with detections.
    inputs = {os.path.realpath(f) for ds in datasets for f in source_files(ds)[0]}
    options = {} if ocr == "rapidocr" else {"ocr": ocr}
    writers: dict[str, str] = {}  # each output file -> the screenshot that writes it
    screens: dict[str, list[dict[str, str]]] = {}  # each screenshot -> the file sets its entries name
    dprs: dict[str, float] = {}
    for task in (t for ds in datasets for t in ds.tasks):
        key = str(Path(task.image_path).resolve())
        rels = detection_paths(task, root, elements=elements)
        if rels in screens.get(key, ()):
            continue
        for rel in rels.values():
            other = writers.setdefault(rel, key)
            if other != key:  # the last one written would win, and one task would get the other screen's
                raise UserError(f"task {task.id}: its screenshot {key} and {other} both have their detections at "
                                f"{rel}; give each screen its own ocr/icon/color paths")
        if len(set(rels.values())) < len(rels):  # one file for two kinds: the last written would hold both
            raise UserError(f"task {task.id}: its ocr, icon and color detections share one path "
                            f"({', '.join(f'{k}={v}' for k, v in rels.items())}); give each kind its own file")
        for kind, rel in rels.items():
            _check_inside(out, rel)
            if os.path.realpath(out / rel) in inputs:
                raise UserError(f"task {task.id}: its {kind} detections would be written over {rel}, a file the "
                                "data set is read from; give the split entry's "
                                f"{kind} another path (or choose another --out)", file=str(out / rel))
        screens.setdefault(key, []).append(rels)
        dprs.setdefault(key, float(task.screen.dpr or 1.0))
    started = _writable_folder(given)  # (a refusal names --out as the user spelt it)
    jobs: list[_Job] = []
    for key, rel_sets in screens.items():
        if skip_existing and _up_to_date(Path(key), [out / r for rels in rel_sets for r in rels.values()]):
            continue
        jobs.append((key, tuple(rel_sets), str(out), options, dprs[key]))
    return DetectionPlan(split=",".join(ds.split for ds in datasets), tasks=sum(len(ds.tasks) for ds in datasets),
                         out=out, jobs=tuple(jobs), skipped=len(screens) - len(jobs), started=started)


def run_detection(plan: DetectionPlan, workers: int = 1, progress: Any = None) -> dict[str, Any]:
    """The second half of `detect_split`: detect the plan's screens and write their files. Returns the summary
    (see `detect_split`)."""
    import time

    todo = plan.jobs
    t0 = time.perf_counter()
    n_elements = 0
    done = 0
    timings: dict[str, float] = {}

    failures: list[str] = []

    def record(r: tuple[str, int, dict[str, float], str | None]) -> None:
        nonlocal n_elements, done
        if r[3] is not None:
            failures.append(r[3])
        n_elements += r[1]
        for k, v in r[2].items():
            timings[k] = timings.get(k, 0.0) + v
        done += 1
        if progress is not None:
            progress(done, len(todo))

    if workers <= 1 or len(todo) <= 1:
        for job in todo:
            record(_detect_one(job))
    else:
        import multiprocessing

        from omniact.process_pool import process_pool, stopping

        # spawn: onnxruntime's thread pools do not survive fork.
        ctx = multiprocessing.get_context("spawn")
        with stopping(process_pool(workers, mp_context=ctx, initializer=_worker_init,
                                   initargs=(max(1, (os.cpu_count() or 1) // workers),))) as pool:
            for r in pool.map(_detect_one, todo):
                record(r)
    # "screens" counts the screens whose files were written: a failed one is not done (its old files, if any,
    # are as they were), and a skipped one was done before.
    return {"split": plan.split, "tasks": plan.tasks, "screens": len(todo) - len(failures),
            "failed": len(failures), "skipped": plan.skipped, "elements": n_elements,
            "seconds": round(time.perf_counter() - t0, 2), "stage_seconds": {k: round(v, 2) for k, v in timings.items()},
            "out": str(plan.out), "failures": failures}


def detect_split(data: Any, split: str | Sequence[str], out: Path, workers: int = 1, *, ocr: str = "rapidocr",
                 skip_existing: bool = False, elements: bool = False, progress: Any = None) -> dict[str, Any]:
    """Run the detector on every screenshot of a split (each screen once) and write OCR/icon/colour files
    under `out` at the split entries' own relative paths (with `elements`, each screen's full element list
    too: `DetectionResult.to_json`). Returns a summary: screens (detected and written), failed (screenshots that
    could not be read; `failures` says why, one line each), skipped (up to date), tasks, elements, seconds, and
    `out` (absolute).

    `split` may be a list of splits: screens they share are detected once.

    `workers` > 1 runs screenshots in that many processes; `progress` is called with (done, total) after
    each screenshot. With `skip_existing`, screens whose files exist and are newer than the screenshot are left
    alone (judged by the files' dates only: files another OCR engine wrote count as up to date).
    """
    from agents.detact.ocr import check_engine

    plan = plan_detection(data, split, out, ocr=ocr, skip_existing=skip_existing, elements=elements)
    if plan.jobs:
        check_engine(ocr)  # a missing program is said once, before the first screen
    return run_detection(plan, workers, progress)
