"""Reading the script out of a model's answer (agents.extract), and what the llm/vlm agents record from it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
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


def test_a_call_written_over_several_lines_in_a_fenced_block_is_kept():
    """`pyautogui.hotkey(` / `'ctrl', 'a'` / `)` was dropped without a word: the script lost an action."""
    from agents.extract import extract_script

    answer = "```python\npyautogui.click(100, 200)\npyautogui.hotkey(\n    'ctrl', 'a'\n)\npyautogui.write('hello')\n```\n"
    assert extract_script(answer) == "pyautogui.click(100, 200)\npyautogui.hotkey(\"ctrl\", \"a\")\npyautogui.write('hello')"


@pytest.mark.parametrize(("answer", "script"), [
    ("```python\nimport pyautogui\n# pyautogui.click(10, 10)  # (old position, not used)\npyautogui.click(500, 300)\n```",
     "pyautogui.click(500, 300)"),
    ("```python\npyautogui.click(500, 300)  # or pyautogui.doubleClick(500, 300) if it does not open\n```",
     "pyautogui.click(500, 300)"),
    ("```python\npyautogui.write('pyautogui.click(1, 1)')\n```", "pyautogui.write('pyautogui.click(1, 1)')"),
    # the same where the line scan reads them (prose around the calls, or a block Python cannot parse)
    ("First:\n# pyautogui.click(10, 10) was wrong\nSo: pyautogui.click(5, 3)  # or pyautogui.doubleClick(5, 3)",
     "pyautogui.click(5, 3)"),
    ("Type it: pyautogui.write('pyautogui.click(1, 1)') and done.", "pyautogui.write('pyautogui.click(1, 1)')"),
    ("```python\nimport pyautogui as pg\n# pg.click(1, 1)\npg.click(2, 2)  # pg.press('a')\n```",
     "pyautogui.click(2, 2)"),
    ("Step #2: pyautogui.press('enter')", "pyautogui.press('enter')"),  # a # in prose is not a comment
])
def test_calls_in_comments_or_strings_are_not_added_to_the_script(answer, script):
    from agents.extract import extract_script

    assert extract_script(answer) == script


def test_the_module_examples_hold():
    import doctest

    from agents import extract

    assert doctest.testmod(extract).failed == 0
