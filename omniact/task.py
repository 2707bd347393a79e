"""The data model: a Task (goal, gold script, screen), its UI elements, and the agent's gold-free view."""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from omniact import json_text
from omniact.errors import DataError, shorten

if TYPE_CHECKING:  # PIL loads only when an image is asked for
    from PIL.Image import Image

__all__ = ["Box", "Detection", "Detections", "LazyElements", "Screen", "Task", "TaskView", "UIElement", "load_detections",
           "png_header_size", "read_png_size"]


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in screenshot pixels; `left, top` is the top-left corner."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def center(self) -> tuple[float, float]:
        # The same float operations as the gold scripts' centres ((tl + br) / 2), so equality tests hold.
        return ((self.left + self.right) / 2, (self.top + self.bottom) / 2)

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def area(self) -> float:
        return max(self.width, 0.0) * max(self.height, 0.0)

    @property
    def diagonal(self) -> float:
        return math.sqrt(self.width ** 2 + self.height ** 2)

    def contains(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.top <= y <= self.bottom

    def distance(self, x: float, y: float) -> float:
        """Euclidean distance from (x, y) to the box; 0 inside it."""
        dx = max(self.left - x, 0.0, x - self.right)
        dy = max(self.top - y, 0.0, y - self.bottom)
        return math.hypot(dx, dy)


@dataclass(frozen=True)
class UIElement:
    """One element of a box file: its box, its free-text label and, when the file says, whether it is valid."""

    id: str
    box: Box
    label: str
    valid: bool | None = None


class LazyElements(Sequence[UIElement]):
    """A box file's elements, built on first use from its parsed JSON.

    A split shares one box file between the tasks of a screen and most uses need few screens' elements, so
    building the ~40 objects a screen only when asked keeps loading a 20,000-task split cheap. Compares equal to
    the tuple of the same elements.
    """

    __slots__ = ("_built", "_path", "_raw", "_rects")

    def __init__(self, path: Path | str, raw: Mapping[str, Any]) -> None:
        self._path = path  # a Path is made when asked for: loading a split makes thousands of these
        self._raw: Mapping[str, Any] | None = raw  # None: let go by `keep_rects_only`
        self._built: tuple[UIElement, ...] | None = None
        self._rects: tuple[tuple[float, float, float, float], ...] | None = None

    @property
    def path(self) -> Path:
        """The box file these elements were read from."""
        if not isinstance(self._path, Path):
            self._path = Path(self._path)
        return self._path

    @property
    def path_as_given(self) -> Path | str:
        """`path` as the loader gave it (a str until `path` is asked for)."""
        return self._path

    def _rect(self, key: str, v: Any) -> tuple[float, float, float, float]:
        try:
            (x0, y0), (x1, y1) = v["top_left"], v["bottom_right"]
            return float(x0), float(y0), float(x1), float(y1)
        except (KeyError, TypeError, ValueError, OverflowError):  # OverflowError: an integer past float range
            raise DataError(f"element {key!r} needs top_left and bottom_right as [x, y]",
                            file=str(self.path)) from None

    def rects(self) -> tuple[tuple[float, float, float, float], ...]:
        """Every element's (left, top, right, bottom), in file order, without building the elements."""
        if self._rects is not None:
            return self._rects
        if self._built is not None:
            return tuple((e.box.left, e.box.top, e.box.right, e.box.bottom) for e in self._built)
        raw = self._parsed()
        try:  # one comprehension for the whole file (a 20,000-task split has about 80,000 boxes)
            return tuple([(float(x0), float(y0), float(x1), float(y1)) for v in raw.values()
                          for (x0, y0), (x1, y1) in [(v["top_left"], v["bottom_right"])]])
        except (KeyError, TypeError, ValueError, OverflowError):  # OverflowError: an integer past float range
            for key, v in raw.items():
                self._rect(key, v)  # raises the error that names the element
            raise

    def keep_rects_only(self) -> None:
        """Work the boxes out now and let the parsed file go: scoring needs only the boxes, and a split's box files
        parsed whole were most of the memory its load takes (each page of it new to the process). The elements,
        if asked for after all, are read from the file again. A file whose boxes cannot be read keeps what was
        parsed, to say so where its boxes are asked for, as before."""
        if self._rects is None and self._built is None:
            try:
                self._rects = self.rects()
            except DataError:
                return
            self._raw = None

    def _parsed(self) -> Mapping[str, Any]:
        if self._raw is None:  # (let go by keep_rects_only: read again)
            from omniact.dataset import read_box_file

            self._raw = read_box_file(self.path)._parsed()
        return self._raw

    def _elements(self) -> tuple[UIElement, ...]:
        if self._built is None:
            out = []
            for key, v in self._parsed().items():
                box = Box(*self._rect(key, v))
                label = v.get("label")
                out.append(UIElement(str(key), box, "" if label is None else str(label), _validity(v.get("valid"))))
            self._built = tuple(out)
            self._raw = {}
        return self._built

    def __len__(self) -> int:
        return len(self._elements())

    def __getitem__(self, i):  # type: ignore[override]
        return self._elements()[i]

    def __iter__(self) -> Iterator[UIElement]:
        return iter(self._elements())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LazyElements, tuple)):
            return self._elements() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._elements())

    def __repr__(self) -> str:
        return f"LazyElements({self.path}, {len(self)} elements)"


def _validity(value: Any) -> bool | None:
    """A box's `valid` flag: 0/1 in the published files; a box file written by other tools may say "0",
    "false" or null, which Python's bool() would read as valid (or invalid)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "n", "f")
    return bool(value)


@dataclass(frozen=True)
class Detection:
    """One detected element: OCR text, an icon name or a colour name, with its centre."""

    kind: str  # "ocr" | "icon" | "color"
    label: str
    x: float
    y: float

    def __iter__(self) -> Iterator[Any]:
        """``kind, label, x, y = detection``, as the README's ``Detection(kind, label, x, y)`` reads."""
        return iter((self.kind, self.label, self.x, self.y))


@dataclass(frozen=True)
class Detections:
    """What a DetACT-style detector saw on a screen. Empty when the data set has no detection files."""

    ocr: tuple[Detection, ...] = ()
    icons: tuple[Detection, ...] = ()
    colors: tuple[Detection, ...] = ()
    #: whether the data set has a detection file for the screen: then no detections is its answer (a blank screen,
    #: as `omniact detect` writes it), not a sign that the screen was never detected
    from_files: bool = field(default=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.ocr or self.icons or self.colors)

    def __iter__(self):
        return iter(self.ocr + self.icons + self.colors)

    def __len__(self) -> int:
        return len(self.ocr) + len(self.icons) + len(self.colors)


@dataclass(frozen=True)
class Screen:
    """A screenshot's geometry and provenance.

    `width`/`height` are device pixels as stored in the PNG; `dpr` is device pixels per CSS/point pixel
    (2 for a Retina screenshot); `platform` is ``desktop`` or ``web``; `os` is ``macos``, ``windows`` or
    ``linux`` when known.
    """

    width: int
    height: int
    dpr: float
    platform: str
    app: str
    os: str | None = None


@dataclass(frozen=True)
class Task:
    """One benchmark task, gold answer included. Agents never see this: they get `view()`.

    Paths are absolute. `elements` holds the screen's box file (shared between the tasks of a screen);
    `check` and `env` are set by data sets that can be replayed (the built-in suite).
    """

    id: str
    goal: str
    gold_script: str
    screen: Screen
    image_path: Path
    task_path: Path
    box_path: Path | None
    #: the screen's box file: a tuple, or a `LazyElements` built on first use
    elements: Sequence[UIElement] = ()
    ocr_path: Path | None = None
    icon_path: Path | None = None
    color_path: Path | None = None
    #: a JavaScript expression that is truthy once the task is done (built-in suite only)
    check: str | None = None
    #: the page to replay on, relative to the data root (built-in suite only)
    env: str | None = None
    #: identifies the screen the task is on, e.g. ``web/amazon/screen_3``
    screen_id: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def platform(self) -> str:
        return self.screen.platform

    @property
    def app(self) -> str:
        return self.screen.app

    def detections(self) -> Detections:
        """The OCR/icon/colour detections from the data set's files (empty where a file is missing)."""
        return load_detections(self.ocr_path, self.icon_path, self.color_path)

    def view(self) -> TaskView:
        """What an agent may see: no gold script, no boxes."""
        return TaskView(id=self.id, goal=self.goal, image_path=self.image_path, width=self.screen.width,
                        height=self.screen.height, dpr=self.screen.dpr, platform=self.screen.platform,
                        app=self.screen.app, os=self.screen.os, detections=self.detections())


@dataclass(frozen=True)
class TaskView:
    """The agent's view of a task. It has no gold field, so an agent cannot read the answer by mistake.

    `image` opens the screenshot on first use (PIL); coordinates an agent writes are in `width` x `height`
    screenshot pixels.
    """

    id: str
    goal: str
    image_path: Path
    width: int
    height: int
    dpr: float = 1.0
    platform: str = "desktop"
    app: str = ""
    os: str | None = None
    detections: Detections = field(default_factory=Detections)

    @property
    def image(self) -> Image:
        cached = self.__dict__.get("_image")
        if cached is None:
            from omniact.screenshot import open_screenshot, to_rgb

            with open_screenshot(self.image_path) as im:
                cached = to_rgb(im)  # 16-bit and transparent screenshots as seen, as the DetACT detector reads them
            object.__setattr__(self, "_image", cached)  # frozen: cache outside the fields
        return cached


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_header_size(head: bytes) -> tuple[int, int]:
    """(width, height) from the IHDR chunk at the start of a PNG's bytes (at least its first 24)."""
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def read_png_size(path: Path | str, states: dict[str, os.stat_result] | None = None) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk: 24 bytes read, no pixels decoded. With `states`, the file's state
    as it was opened is kept there under `path` (a str).

    A screenshot in another format under a ``.png`` name (copies of the data set re-encoded to JPEG or WebP to
    save space) is measured from its own header by Pillow instead; Pillow is imported only then.
    """
    try:  # os.read on a descriptor: a third of what a buffered open().read() costs, once per screen of a split
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            if states is not None:
                states[str(path)] = os.fstat(fd)
            head = os.read(fd, 24)
        finally:
            os.close(fd)
    except OSError as e:
        raise DataError(f"cannot read screenshot: {e.strerror or e}", file=str(path)) from None
    if len(head) == 24 and head[:8] == _PNG_SIGNATURE and head[12:16] == b"IHDR":
        return _checked_size(path, *png_header_size(head))
    return _other_image_size(path, head)


#: Pillow's decompression-bomb error threshold (2 x Image.MAX_IMAGE_PIXELS), written out so that measuring a PNG
#: does not import Pillow: a header claiming more is refused by every format alike, before an agent, `show` or
#: replay would try to decode it.
MAX_SCREEN_PIXELS = 2 * 89_478_485


def _checked_size(path: Path | str, width: int, height: int) -> tuple[int, int]:
    if width <= 0 or height <= 0:
        raise DataError(f"screenshot has no pixels ({width}x{height})", file=str(path))
    if width * height > MAX_SCREEN_PIXELS:
        raise DataError(f"screenshot is too large to be one: its header says {width}x{height} pixels "
                        f"(at most {MAX_SCREEN_PIXELS:,} in all)", file=str(path))
    return width, height


def _other_image_size(path: Path | str, head: bytes) -> tuple[int, int]:
    """The size of a screenshot that is not a whole PNG header: Pillow reads the header of another format (its
    `open` decodes no pixels); an empty, cut-off or foreign file is one line saying so."""
    if not head:
        raise DataError("screenshot is empty (0 bytes): copy it again", file=str(path))
    if head[:8] == _PNG_SIGNATURE or _PNG_SIGNATURE.startswith(head):
        raise DataError("screenshot is a PNG cut off before its size (IHDR chunk): copy it again", file=str(path))
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                width, height = im.size
    except Image.DecompressionBombError as e:
        raise DataError(f"screenshot is too large to be one: {e}", file=str(path)) from None
    except Exception:  # noqa: BLE001 - a hostile header can make a format plugin raise anything (DDS: NotImplementedError)
        raise DataError(f"screenshot is not an image (PNG, JPEG, WebP, ...): its first bytes are {head[:8]!r}; "
                        "copy the file again", file=str(path)) from None
    return _checked_size(path, width, height)


def _points(path: Path, label: str, value: Any) -> list[tuple[float, float]]:
    """Detection values are one [x, y] (OCR) or a list of them (icon, colour)."""
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        try:
            return [(float(value[0]), float(value[1]))]
        except OverflowError:  # an integer past float range
            pass
    elif isinstance(value, (list, tuple)) and all(isinstance(v, (list, tuple)) for v in value):  # [] is no point
        return [p for v in value for p in _points(path, label, v)]
    # The value of the wrong shape in the message ([1, 2, 3]), not a number inside it (1).
    raise DataError(f"{label!r}: expected [x, y] or a list of them, got {_shown(value)}", file=str(path))


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value)
    except ValueError:  # an integer of more digits than Python converts
        text = f"a {type(value).__name__} too large to show"
    return shorten(text, 60)


def _read_detections(path: Path | None, kind: str) -> tuple[Detection, ...] | None:
    """A detection file's detections; None when it is missing (or not a file). Read once while it is unchanged:
    a screen's tasks share one file, and a file written again (`omniact detect` run anew, in one notebook
    session) is read again."""
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    if not S_ISREG(st.st_mode):
        return None
    return _read_detection_file(path, kind, (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev))


@lru_cache(maxsize=4096)
def _read_detection_file(path: Path, kind: str, _version: tuple[int, ...]) -> tuple[Detection, ...]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DataError(f"{kind} detection file is unreadable: {e.strerror}", file=str(path)) from None
    try:
        data = json_text.loads(raw)
    except (ValueError, RecursionError) as e:
        from omniact.dataset import _json_error

        raise _json_error(f"{kind} detection file", path, raw, e) from None
    if not isinstance(data, dict):
        raise DataError(f"{kind} file must hold a JSON object", file=str(path))
    return tuple(Detection(kind, str(label), x, y) for label, v in data.items() for x, y in _points(path, label, v))


def load_detections(ocr: Path | None, icon: Path | None, color: Path | None) -> Detections:
    found = (_read_detections(ocr, "ocr"), _read_detections(icon, "icon"), _read_detections(color, "color"))
    return Detections(*(f or () for f in found), from_files=any(f is not None for f in found))
