"""Reading the script out of a model's answer (agents.extract), and what the llm/vlm agents record from it."""

from __future__ import annotations

from types import SimpleNamespace

from PIL import Image

from agents.backends import Completion
from agents.vlm import VLMAgent


class _Answers:
    """A backend that gives one fixed answer."""

    def __init__(self, text: str) -> None:
        self.text = text

    def complete(self, messages, *, temperature=0.0, max_tokens=512) -> Completion:
        return Completion(self.text, 10, 5)


def _vlm_act(answer: str, size: tuple[int, int] = (1920, 1080), max_side: int = 1024) -> str:
    agent = VLMAgent(model="m", base_url="http://127.0.0.1:1/v1", n_examples=0, max_side=max_side)
    agent.backend = _Answers(answer)
    view = SimpleNamespace(goal="open it", image=Image.new("RGB", size), width=size[0], height=size[1],
                           detections=[])
    return agent.act(view)


def test_a_vlm_answer_that_is_a_bare_call_over_several_lines_is_mapped_back_to_screenshot_pixels():
    # 1920x1080 shown at 1024x576: the model's (500, 300) is (937.5, 562.5) on the screen
    assert _vlm_act("pyautogui.click(\n    500, 300\n)\n") == "pyautogui.click(937.5, 562.5)"


def test_a_vlm_answer_with_no_script_is_kept_as_written():
    assert _vlm_act("I cannot see a button.") == "I cannot see a button."
