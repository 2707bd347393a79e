"""`omniact replay`'s option parsers on their own: --viewport, --seed/--seeds and --agent-arg, each limit at its edge.

(test_sandbox_cli.py shows a few of them through the command line: one line, exit 2.)
"""

from __future__ import annotations

import pytest

from omniact.errors import UserError
from omniact.sandbox.command import MAX_SEED, check_seed, parse_agent_args, parse_seeds, parse_viewport


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1440x900", (1440, 900)),
        (" 1280 X 720 ", (1280, 720)),
        ("800×600", (800, 600)),  # noqa: RUF001 - the multiplication sign, as people write sizes
        ("1024,768", (1024, 768)),
        ("16x16", (16, 16)),  # the smallest
        ("8192x16", (8192, 16)),  # the largest side
        ("16x8192", (16, 8192)),
    ],
)
def test_a_viewport_is_width_by_height_in_css_pixels(text, size):
    assert parse_viewport(text) == size


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1440", "must be WIDTHxHEIGHT"),
        ("", "must be WIDTHxHEIGHT"),
        ("-5x10", "must be WIDTHxHEIGHT"),
        ("1e3x900", "must be WIDTHxHEIGHT"),
        ("15x900", "sides must be 16 to 8192"),
        ("900x15", "sides must be 16 to 8192"),
        ("8193x900", "sides must be 16 to 8192"),
        ("900x8193", "sides must be 16 to 8192"),
        ("9999999x9", "must be WIDTHxHEIGHT"),  # seven digits: not a size anyone means
    ],
)
def test_a_viewport_off_its_limits_is_refused_with_what_was_given(text, words):
    with pytest.raises(UserError, match=words) as e:
        parse_viewport(text)
    assert repr(text) in str(e.value)


def test_a_viewport_chromium_could_not_capture_at_its_device_pixel_ratio_is_refused():
    assert parse_viewport("8192x100", dpr=2.0) == (8192, 100)  # 16384 device pixels: the most Chromium captures
    with pytest.raises(UserError) as e:
        parse_viewport("4200x100", dpr=4.0)
    assert str(e.value) == ("--viewport 4200x100 at --dpr 4 is 16800x400 device pixels; Chromium captures at most "
                            "16384 a side")
    with pytest.raises(UserError, match="100x4200 at --dpr 4 is 400x16800"):
        parse_viewport("100x4200", dpr=4.0)


def test_a_seed_is_at_most_2_53_minus_1_either_way():
    assert check_seed(MAX_SEED) == MAX_SEED and check_seed(-MAX_SEED) == -MAX_SEED and check_seed(0) == 0
    for seed in (MAX_SEED + 1, -MAX_SEED - 1):
        with pytest.raises(UserError, match=f"--seed {seed} is out of range"):
            check_seed(seed)
    with pytest.raises(UserError, match="--seeds 9007199254740992 is out of range"):
        parse_seeds(f"{MAX_SEED - 1}-{MAX_SEED + 1}")  # a range ending past it


@pytest.mark.parametrize(
    ("text", "seeds"),
    [
        ("7", [7]),
        ("0-4", [0, 1, 2, 3, 4]),
        ("3-3", [3]),
        (" 1 , 3,7 ", [1, 3, 7]),
        ("0 - 2,9", [0, 1, 2, 9]),
        ("0-9999", list(range(10_000))),  # 10,000 seeds: the most one range gives
    ],
)
def test_seeds_are_numbers_and_ranges(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0-10000", "is more than 10,000 seeds"),
        ("4-2", "must look like 0-4 or 1,3,7"),  # backwards
        ("", "must look like"),
        ("1,,2", "must look like"),
        ("²", "must look like"),  # a digit to str.isdigit, not to int
        ("-3", "must look like"),
        ("a-b", "must look like"),
    ],
)
def test_seeds_that_are_no_list_or_too_many_are_refused(text, words):
    with pytest.raises(UserError, match=words):
        parse_seeds(text)


def test_agent_args_are_key_value_text():
    assert parse_agent_args(["model=gpt-4o", " temperature =0", "prompt=a=b", "empty="]) == {
        "model": "gpt-4o", "temperature": "0", "prompt": "a=b", "empty": ""}
    assert parse_agent_args([]) == {}


@pytest.mark.parametrize(
    ("items", "words"),
    [
        (["model"], "must be KEY=VALUE, not 'model'"),
        (["=x"], "must be KEY=VALUE"),
        ([" =x"], "must be KEY=VALUE"),
        (["key=sk-1", "key =sk-2"], "--agent-arg key is given twice: give it once"),
    ],
)
def test_an_agent_arg_without_a_key_or_given_twice_is_refused(items, words):
    with pytest.raises(UserError, match=words) as e:
        parse_agent_args(items)
    assert "sk-" not in str(e.value)  # a value may be an API key: never repeated in an error
