"""`omniact replay --miniwob-suite` options a browser is not needed to refuse: one line, exit 2."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from omniact.cli import main
from omniact.errors import UserError
from omniact.sandbox.command import parse_seeds

pytest.importorskip("miniwob")


def _suite(*args: str):
    return CliRunner().invoke(main, ["replay", "--miniwob-suite", "--agent", "noop", *args])


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--seeds", "0,0,0"), "omniact: --seeds gives seed 0 twice: give each seed once\n"),
        (("--seeds", "0-4,3"), "omniact: --seeds gives seed 3 twice: give each seed once\n"),
        (("--miniwob-envs", ","), "omniact: --miniwob-envs names no env: give one or more, e.g. click-button,enter-text\n"),
        (("--seeds", "9007199254740992"),
         ("omniact: --seeds 9007199254740992 is out of range: a MiniWoB++ seed is at most 2**53 - 1 "
          "(9007199254740991) either way\n")),
    ],
)
def test_a_seed_given_twice_an_empty_env_list_and_a_seed_the_page_would_round_are_refused(args, line):
    """Seed 0 three times was three episodes of one (weighted 3x, one folder written at once); no env "passed"."""
    r = _suite(*args)
    assert (r.exit_code, r.output) == (2, line)


def test_one_episodes_seed_beyond_2_53_is_refused():
    r = CliRunner().invoke(main, ["replay", "--miniwob", "click-button", "--seed", "-9007199254740993", "--agent", "noop"])
    assert r.exit_code == 2 and r.output.startswith("omniact: --seed -9007199254740993 is out of range")


def test_parse_seeds_keeps_distinct_seeds_in_order():
    assert parse_seeds("3,0-2,9007199254740991") == [3, 0, 1, 2, 9007199254740991]
    with pytest.raises(UserError, match="seed 1 twice"):
        parse_seeds("0-2,1")


@pytest.mark.parametrize(("envs", "seeds", "words"), [
    (["click-button", "click-button"], [0], "env click-button is given twice"),
    (["click-button"], [0, 1, 0], "seed 0 is given twice"),
    (["click-button"], [], "no MiniWoB\\+\\+ seed to evaluate on"),
])
def test_the_python_suite_refuses_an_env_or_seed_twice_or_none_before_any_episode(envs, seeds, words):
    from omniact.sandbox.miniwob import replay_miniwob_suite

    with pytest.raises(UserError, match=words):
        replay_miniwob_suite(object(), envs, seeds)
