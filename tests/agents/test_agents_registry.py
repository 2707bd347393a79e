"""Finding agents by name, building them with arguments, checking them, and the prompt's pieces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omniact.agent import check_agent, list_agents, load_agent, to_pixels
from omniact.errors import ParseError, UserError
from omniact.task import Detection, Detections

RUNNER = Path(__file__).resolve().parent.parent / "runner"
DATA = RUNNER / "fixtures" / "data"
AGENTS = RUNNER / "runner_test_agents.py"


def test_builtin_names_module_class_and_file_class_all_load():
    assert type(load_agent("noop")).__name__ == "NoopAgent"
    assert type(load_agent("agents.random_agent:RandomAgent")).__name__ == "RandomAgent"
    assert type(load_agent(f"{AGENTS}:Slow")).__name__ == "Slow"
    names = {n for n, _, _ in list_agents()}
    assert {"oracle", "noop", "random", "llm", "vlm"} <= names


@pytest.mark.parametrize("spec,message", [
    ("nop", "did you mean noop"),
    ("orcale", "did you mean oracle"),
    ("agents.random_agent:RandomAgnet", "did you mean RandomAgent"),
    ("no_such_module_xyz:Agent", "cannot import module"),
    ("missing/file.py:Agent", "does not exist"),
])
def test_unknown_agents_get_one_clear_line_with_suggestions(spec, message):
    with pytest.raises(UserError, match=message):
        load_agent(spec)


def test_arguments_are_converted_and_checked(tmp_path):
    a = load_agent("random", {"seed": "42", "max_actions": "2"})
    assert a.seed == 42 and a.max_actions == 2
    with pytest.raises(UserError, match="did you mean seed"):
        load_agent("random", {"sede": "1"})
    with pytest.raises(UserError, match="expected int"):
        load_agent("random", {"seed": "many"})
    # the vlm's own arguments and the llm arguments it passes on are both known and typed
    v = load_agent("vlm", {"model": "m", "temperature": "0.7", "max_side": "512", "cache": "false"})
    assert (v.temperature, v.max_side, v.cache) == (0.7, 512, False)
    config = tmp_path / "agent.toml"
    config.write_text('[agent]\nseed = 5\nmax_actions = 1\n')
    a = load_agent("random", {"max_actions": "3"}, config)
    assert (a.seed, a.max_actions) == (5, 3)  # --agent-arg overrides the file
    config.write_text("seed = [")
    with pytest.raises(UserError, match="not valid TOML"):
        load_agent("random", None, config)
    # run-wide settings go only to agents that take them, and never over the user's value
    assert load_agent("random", {"seed": "9"}, defaults={"seed": 1, "cache": False}).seed == 9
    assert load_agent("random", defaults={"seed": 1, "data_root": "/x"}).seed == 1
    with pytest.raises(UserError, match="model=NAME"):
        load_agent("llm")


def test_check_agent_reports_what_a_run_would_hold_against_an_agent(tmp_path):
    good = check_agent("random", n=3, data=DATA)
    assert good.ok and len(good.lines) == 3
    bad = check_agent(f"{AGENTS}:Faulty", n=2, data=DATA, timeout=1)
    assert not bad.ok
    text = str(bad)
    assert "act raised ValueError: model exploded" in text and "did not return within 1 s" in text
    index = json.loads((DATA / "test.json").read_text())
    split = tmp_path / "two.json"
    split.write_text(json.dumps({k: index[k] for k in ("102", "103", "104")}))
    bad = check_agent(f"{AGENTS}:Faulty", n=3, data=DATA, split=str(split))
    assert [line.split(":", 1)[0] for line in bad.problems] == ["task 102", "task 103"]
    assert "does not parse" in bad.problems[0] and "returned int, not str" in bad.problems[1]
    assert check_agent("oracle", n=6, data=DATA).ok
    assert not check_agent("no_such_agent").ok


def test_coordinates_are_converted_to_pixels():
    assert to_pixels("pyautogui.click(0.5, 0.25)", "normalized", 200, 100) == "pyautogui.click(100.0, 25.0)"
    assert to_pixels('pyautogui.dragTo(500, 1000, button="left")\npyautogui.press("enter")', "normalized_1000",
                     300, 200) == 'pyautogui.dragTo(150.0, 200.0, button="left")\npyautogui.press("enter")'
    assert to_pixels("anything", "pixels", 1, 1) == "anything"
    with pytest.raises(ParseError):
        to_pixels("click(1, 2)", "normalized", 10, 10)


def test_script_extraction_keeps_only_accepted_calls():
    from agents.extract import extract_script

    answer = ("Sure, here you go.\n```python\nimport pyautogui\npyautogui.click(10, 20)\nos.remove('x')\n"
              "pyautogui.write('hi')  # type\n```\nThen pyautogui.press('enter') is not needed.")
    assert extract_script(answer) == "pyautogui.click(10, 20)\npyautogui.write('hi')"
    assert extract_script("1. pyautogui.hotkey('ctrl', 'c')\n2. Done: pyautogui.press(\"tab\").") == \
        "pyautogui.hotkey('ctrl', 'c')\npyautogui.press(\"tab\")"
    assert extract_script("pyautogui.click(x=foo)") == ""
    assert extract_script("") == ""


def test_elements_are_formatted_as_in_the_paper():
    from agents.prompt import build_messages, format_elements

    dets = Detections(ocr=(Detection("ocr", "See deals", 412.4, 826.0),),
                      icons=(Detection("icon", "Mail", 21, 654),), colors=(Detection("color", "blue", 412, 826),))
    assert format_elements(dets) == ['"See deals": <x: 412, y: 826>', "Icon: Mail: <x: 21, y: 654>",
                                     "Color: Blue: <x: 412, y: 826>"]
    assert format_elements(dets, scale=0.5)[1] == "Icon: Mail: <x: 10, y: 327>"
    msgs = build_messages("Open mail", [], format_elements(dets))
    assert msgs[1]["content"].endswith("Task: Open mail\nOutput Script:")
    assert "pyautogui.hotkey(*keys" in msgs[1]["content"]
