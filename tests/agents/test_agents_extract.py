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
    # a comment right after a call, or after a space, ends the line however it goes on
    ("Then pyautogui.click(1, 2)#or:pyautogui.press('a')", "pyautogui.click(1, 2)"),
    ("Then pyautogui.click(1, 2) #or:pyautogui.press('a')", "pyautogui.click(1, 2)"),
    # an escaped quote does not end a call's string: the call after it is found too
    ("Type: pyautogui.write('it\\'s') then pyautogui.press('enter')",
     "pyautogui.write('it\\'s')\npyautogui.press('enter')"),
])
def test_calls_in_comments_or_strings_are_not_added_to_the_script(answer, script):
    from agents.extract import extract_script

    assert extract_script(answer) == script


def test_the_module_examples_hold():
    import doctest

    from agents import extract

    assert doctest.testmod(extract).failed == 0


# --------------------------------------------------------------------------------------------------------
# Answers with several fenced blocks: the script's blocks are read, a plan in prose or a shell command beside
# them is not (its calls are mentions, not actions)

F = "```"


@pytest.mark.parametrize(("answer", "script"), [
    # a plan in an unlabelled block, then the script: the plan's mention was the script's first action
    ((f"{F}\nFirst I click the search box, then type with pyautogui.write('x').\n{F}\n"
      f"{F}python\npyautogui.click(300, 400)\n{F}"), "pyautogui.click(300, 400)"),
    ((f"{F}\nPlan: click the box (like pyautogui.click(5, 5)), then press enter\n{F}\n"
      f"{F}\npyautogui.click(300, 400)\npyautogui.press('enter')\n{F}"),
     "pyautogui.click(300, 400)\npyautogui.press('enter')"),
    # a block in another language: a shell command is not an action of the script
    (f"{F}bash\npython -c \"import pyautogui; pyautogui.click(9, 9)\"\n{F}\n{F}python\npyautogui.click(300, 400)\n{F}",
     "pyautogui.click(300, 400)"),
    (f"{F}json\n{{\"action\": \"pyautogui.press('tab')\"}}\n{F}\n{F}Python\npyautogui.press('enter')\n{F}",
     "pyautogui.press('enter')"),
])
def test_a_block_of_prose_or_another_language_beside_the_script_adds_no_call(answer, script):
    from agents.extract import extract_script

    assert extract_script(answer) == script


@pytest.mark.parametrize(("answer", "script"), [
    # the script's steps in blocks of their own, labelled or not: all kept, in order
    (f"Step 1:\n{F}python\npyautogui.click(300, 400)\n{F}\nStep 2:\n{F}\npyautogui.write('hi')\n{F}",
     "pyautogui.click(300, 400)\npyautogui.write('hi')"),
    # the imports in one block, the actions in the next
    (f"{F}python\nimport pyautogui\nimport time\n{F}\n{F}python\npyautogui.click(300, 400)\n{F}", "pyautogui.click(300, 400)"),
    # a python block with prose among its calls is still read line by line
    (f"{F}\nnotes\n{F}\n{F}python\nStep 1: pyautogui.click(1, 2)\nStep 2: pyautogui.press('enter')\n{F}",
     "pyautogui.click(1, 2)\npyautogui.press('enter')"),
    # only blocks without a Python label: read as before (the model's script in ```text, or numbered)
    (f"{F}text\n1. pyautogui.click(1, 2)\n2. pyautogui.press('enter')\n{F}", "pyautogui.click(1, 2)\npyautogui.press('enter')"),
    # ... and preferred to calls in the prose around them
    (f"First pyautogui.click(5, 5)?\n{F}text\n1. pyautogui.click(1, 2)\n{F}", "pyautogui.click(1, 2)"),
    (f"{F}bash\npython -c \"import pyautogui; pyautogui.click(9, 9)\"\n{F}", "pyautogui.click(9, 9)"),
    # calls in the prose after the last block are commentary, as before
    (f"{F}python\npyautogui.click(300, 400)\n{F}\nThen press enter: pyautogui.press('enter')", "pyautogui.click(300, 400)"),
])
def test_the_script_blocks_of_an_answer_with_several_are_all_kept(answer, script):
    from agents.extract import extract_script

    assert extract_script(answer) == script


def test_everything_up_to_the_last_unopened_think_close_is_thinking():
    """A chat template that opens the thinking block in the prompt: the answer is what follows the last close."""
    from agents.extract import extract_script

    answer = "maybe </think> or pyautogui.click(1, 1)? </think>\npyautogui.click(2, 2)"
    assert extract_script(answer) == "pyautogui.click(2, 2)"
