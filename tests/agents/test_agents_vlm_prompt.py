"""The vlm's prompt: everything in it in the pixels of the (resized) image the model is shown."""

from __future__ import annotations

from types import SimpleNamespace

from PIL import Image

from agents.prompt import Example
from agents.vlm import VLMAgent
from omniact.task import Detection, Detections


def _user_text(max_side: int) -> str:
    agent = VLMAgent(model="m", base_url="http://127.0.0.1:1/v1", n_examples=1, max_side=max_side)
    agent.selector = SimpleNamespace(select=lambda goal: [Example("Open mail", "pyautogui.click(1000, 500)")])
    view = SimpleNamespace(goal="Open notes", image=Image.new("RGB", (2000, 1000)), width=2000, height=1000,
                           detections=Detections(ocr=(Detection("ocr", "Notes", 1000, 500),)))
    messages, _ = agent.messages(view)
    return messages[1]["content"][-1]["text"]


def test_in_context_examples_are_scaled_to_the_image_shown_like_the_screens_elements():
    text = _user_text(max_side=1000)  # 2000x1000 shown at 1000x500
    assert '"Notes": <x: 500, y: 250>' in text
    assert "Task: Open mail\nOutput Script:\npyautogui.click(500, 250)\n" in text  # was (1000, 500): full size
    assert "(coordinates are pixels of the image shown)" in text


def test_a_screenshot_shown_at_full_size_keeps_the_examples_as_written():
    assert "pyautogui.click(1000, 500)\n" in _user_text(max_side=0)
