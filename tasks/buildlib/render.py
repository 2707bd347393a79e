"""Rendering: a loopback HTTP server rooted at tasks/, Chromium through Playwright, and the box extractor."""

from __future__ import annotations

import contextlib
import functools
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from omniact.sandbox.capture import ViewportCapture

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--font-render-hinting=none", "--hide-scrollbars"]
# Enough for any local page; a page that is not ready by then is broken, not slow.
READY_TIMEOUT_MS = 10_000


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def end_headers(self):
        # No caching: an app edited between two builds must be re-read.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 (a free port) for the duration; yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def browser() -> Iterator[object]:
    """One headless Chromium for the whole build."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


# Every visible [data-omni] / [data-omni-static] element, its box clipped to the viewport and to clipping
# ancestors, in device pixels rounded to integers (so centres are exact halves), and whether something else
# covers its centre (then a click there would not reach it).
_BOXES_JS = r"""
() => {
  const W = window.innerWidth, H = window.innerHeight, dpr = window.devicePixelRatio || 1;
  const describe = (n) => n ? (n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') +
      (n.getAttribute('data-omni') ? '[data-omni=' + n.getAttribute('data-omni') + ']' :
       (n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\s+/).join('.') : ''))) : 'nothing';
  const out = [];
  for (const el of document.querySelectorAll('[data-omni],[data-omni-static]')) {
    const interactive = el.hasAttribute('data-omni');
    const label = interactive ? el.getAttribute('data-omni') : el.getAttribute('data-omni-static');
    if (el.checkVisibility && !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    if (!el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    let x0 = r.left, y0 = r.top, x1 = r.right, y1 = r.bottom;
    let node = el;
    while (node.parentElement) {
      if (getComputedStyle(node).position === 'fixed') break;
      const p = node.parentElement;
      const cs = getComputedStyle(p);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        const pr = p.getBoundingClientRect();
        if (cs.overflowX !== 'visible') { x0 = Math.max(x0, pr.left); x1 = Math.min(x1, pr.right); }
        if (cs.overflowY !== 'visible') { y0 = Math.max(y0, pr.top); y1 = Math.min(y1, pr.bottom); }
      }
      node = p;
    }
    x0 = Math.max(x0, 0); y0 = Math.max(y0, 0); x1 = Math.min(x1, W); y1 = Math.min(y1, H);
    const bx0 = Math.round(x0 * dpr), by0 = Math.round(y0 * dpr), bx1 = Math.round(x1 * dpr), by1 = Math.round(y1 * dpr);
    if (bx1 - bx0 < 2 || by1 - by0 < 2) continue;
    const cx = (bx0 + bx1) / 2 / dpr, cy = (by0 + by1) / 2 / dpr;
    const hit = document.elementFromPoint(cx, cy);
    const reached = !!hit && (hit === el || el.contains(hit));
    out.push({label, valid: interactive ? 1 : 0, box: [bx0, by0, bx1, by1], covered: reached ? null : describe(hit)});
  }
  return out;
}
"""


@dataclass(frozen=True)
class RawBox:
    """An element as the page reports it; `covered` names what lies over its centre, if anything."""

    label: str
    valid: int
    box: tuple[int, int, int, int]
    covered: str | None


# What Playwright's page.screenshot(animations="disabled", caret="hide") does before it captures: finite
# animations jump to their end, endless ones stop, and no text caret is drawn.
_STILL_JS = r"""
() => {
  const style = document.createElement('style');
  style.textContent = '*, *::before, *::after { caret-color: transparent !important; }';
  document.documentElement.appendChild(style);
  for (const a of document.getAnimations()) {
    const end = a.effect ? a.effect.getComputedTiming().endTime : Infinity;
    if (Number.isFinite(end)) a.finish(); else a.cancel();
  }
  return true;
}
"""


class ScreenPage:
    """One page of a browser context that renders an app's screens one after another.

    One page for all of an app's screens, each loaded by navigation: a new page costs a fifth of a second
    (most of a screen's time besides loading it), and the apps keep no state a new document would not reset
    (no web storage). A page that fails to render a screen is replaced, so the next screen starts clean."""

    def __init__(self, context, viewport: tuple[int, int], dpr: int) -> None:
        self._context = context
        self._viewport, self._dpr = viewport, dpr
        self._page = None
        self._capture = None
        self._errors: list[str] = []

    def _open(self) -> None:
        page = self._context.new_page()
        page.on("pageerror", lambda e: self._errors.append(f"page error: {e}"))
        page.on("console", lambda m: self._errors.append(f"console error: {m.text}") if m.type == "error" else None)
        # Captured through Chromium's own call (see ViewportCapture: optimizeForSpeed, Playwright's pixels).
        self._page, self._capture = page, ViewportCapture(page, self._viewport, self._dpr)

    def close(self) -> None:
        if self._page is not None:
            page, self._page, self._capture = self._page, None, None
            page.close()

    def render(self, url: str, png_path: Path | None, png_level: int | None = None) -> list[RawBox]:
        """Load `url`, wait until the app is ready, save the screenshot (re-encoded with Pillow, see `save_png`)
        and return the element boxes."""
        if self._page is None:
            self._open()
        self._errors.clear()
        try:
            raw = self._render(url, png_path, png_level)
        except BaseException:
            with contextlib.suppress(Exception):  # a crashed page may not close; the error to report is above
                self.close()
            raise
        return [RawBox(str(r["label"]), int(r["valid"]), tuple(int(v) for v in r["box"]), r["covered"]) for r in raw]

    def _render(self, url: str, png_path: Path | None, png_level: int | None) -> list:
        page = self._page
        page.goto(url, wait_until="load")
        try:
            page.wait_for_function("() => window.omni && window.omni.ready === true", timeout=READY_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - any failure to get ready is reported the same way
            raise RuntimeError("window.omni.ready never became true"
                               + (f"; {self._errors[0][:300]}" if self._errors else "")) from None
        page.evaluate("() => document.fonts.ready.then(() => true)")
        # Two frames so that layout caused by late fonts or ready-time DOM changes is painted.
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
        raw = page.evaluate(_BOXES_JS)
        if png_path is not None:
            page.evaluate(_STILL_JS)
            # Chromium's own capture call rather than page.screenshot, for optimizeForSpeed (which Playwright does
            # not pass): its fast PNG encoding takes a third of the time, and save_png re-encodes the same pixels.
            # The capture draws a new frame, so the style added above is in it.
            shot = self._capture.png()
            save_png(shot, png_path, png_level)
        return raw


def save_png(data: bytes, path: Path, level: int | None = None) -> None:
    """Re-encode as RGB, without metadata that could differ between runs: as small as Pillow makes it
    (optimize=True), or with zlib `level` (1: six times faster and a quarter larger, for a rebuild that is only
    compared with the committed screenshots, pixel by pixel)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        rgb = im.convert("RGB")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    rgb.save(tmp, format="PNG", **({"optimize": True} if level is None else {"compress_level": level}))
    tmp.replace(path)
