"""The planner reads how a goal says to act ("by dragging it onto Y", "by hovering", "sideways") - found by
bench/measure_detact.py: such goals were planned as plain clicks or vertical scrolls."""

from __future__ import annotations

from agents.detact.planner import parse_goal


def _intents(goal: str) -> list[tuple[str, str, str, str]]:
    return [(i.kind, i.target, i.dest, i.text) for i in parse_goal(goal)]


def test_drag_named_as_the_manner():
    assert _intents("Throw notes.txt away by dragging it onto Trash") == [("drag", "notes.txt", "Trash", "")]
    assert _intents("Put the lease PDF on the Desktop by dragging it there") == [("drag", "lease PDF", "Desktop", "")]
    assert _intents("File the invoice under Receipts by dragging it") == [("drag", "invoice", "Receipts", "")]


def test_hover_double_and_right_click_named_as_the_manner():
    assert _intents("Show the Kids menu by pointing at it") == [("hover", "Kids menu", "", "")]
    assert _intents("Show the histogram by hovering on the stars") == [("hover", "stars", "", "")]
    assert _intents("Maximize the window by double-clicking its title bar") == [("double_click", "title bar", "", "")]
    assert _intents("Check seat 13E with a right-click") == [("right_click", "seat 13E", "", "")]


def test_sideways_scrolling_is_horizontal():
    assert _intents("Scroll sideways two weeks into the past") == [("scroll", "", "", "left")]
    assert _intents("Scroll horizontally to the next day") == [("scroll", "", "", "right")]
    assert _intents("Go back a week by scrolling left") == [("scroll", "", "", "left")]
    assert _intents("Scroll down the page") == [("scroll", "", "", "down")]  # unchanged
    assert _intents("Sort the list by date")[0][0] == "click"  # "by" without a manner verb: unchanged
