"""The fast viewport capture (step images, the suite's screenshots): Playwright's pixels at every device pixel ratio,
and a page that goes on as if nothing had been captured."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from omniact.sandbox.capture import ViewportCapture
from omniact.task import png_header_size

pytestmark = pytest.mark.browser

# Text, inputs and borders, taller than any viewport below: anti-aliased text is where a capture at another scale
# would differ.
PAGE = ("<body style='font-family:sans-serif;margin:0'>"
        + "".join(f"<div style='padding:4px;border:1px solid #999;margin:2px'>Message {i} <b>subject</b> "
                  f"<input value='x{i}'> <button id='b{i}' onclick='window.hit={i}'>Reply</button></div>"
                  for i in range(120))
        + "</body>")


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize(("viewport", "dpr", "device"), [
    ((1280, 720), 1.0, (1280, 720)),
    ((1440, 900), 2.0, (2880, 1800)),  # a Retina screen, the suite's macOS apps
    ((1283, 721), 1.25, (1604, 901)),  # Chromium rounds a fractional device size
])
def test_a_capture_is_playwrights_screenshot_pixel_for_pixel(browser, viewport, dpr, device):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, device_scale_factor=dpr)
    try:
        page = context.new_page()
        page.set_content(PAGE)
        capture = ViewportCapture(page, viewport, dpr)
        for scrolled in (False, True):
            if scrolled:  # the viewport where it is scrolled to, not the document's top
                page.mouse.move(viewport[0] / 2, viewport[1] / 2)
                page.mouse.wheel(0, 900)
                page.wait_for_function("() => window.scrollY >= 900")
            ours = capture.png()
            assert png_header_size(ours) == device
            assert np.array_equal(_pixels(ours), _pixels(page.screenshot())), f"scrolled={scrolled}"
    finally:
        context.close()


def test_the_page_keeps_its_device_pixel_ratio_and_its_clicks_land_after_a_capture(browser):
    """A capture of our own without the page's metrics left a dpr-2 page at ratio 1 for the steps after it."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.set_content(PAGE)
        capture = ViewportCapture(page, (1440, 900), 2)
        capture.png()
        assert page.evaluate("[devicePixelRatio, innerWidth, innerHeight]") == [2, 1440, 900]
        box = page.locator("#b3").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert page.evaluate("window.hit") == 3
        after = capture.png()
        assert np.array_equal(_pixels(after), _pixels(page.screenshot()))
    finally:
        context.close()
