"""The README's commands against the CLI: every option a README command line names is one its verb accepts,
and the verbs' --help says what the README says of an option."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.testing import CliRunner

from omniact.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def _help(verb: str) -> str:
    result = CliRunner().invoke(main, [verb, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())  # wrapped help lines joined


def _option_help(verb: str, option: str) -> str:
    command = main.commands[verb]
    param = next(p for p in command.params if option in getattr(p, "opts", ()))
    assert isinstance(param, click.Option)
    return " ".join((param.help or "").split())


def _readme_commands() -> list[tuple[str, set[str]]]:
    """(verb, options) of each `omniact VERB ...` line of the README's shell blocks (a `\\` continues one) and
    of each inline `omniact VERB ...` in its prose."""
    lines: list[str] = []
    prose: list[str] = []
    fence = None  # the language of the code block we are in ("" for a shell block), None in prose
    for line in README.read_text(encoding="utf-8").replace("\\\n", " ").splitlines():
        if line.startswith("```"):
            fence = line[3:].strip() if fence is None else None
        elif fence == "":
            lines.append(line.split("#", 1)[0])
        elif fence is None:
            prose.append(line)
    lines += [" ".join(span.split()) for span in re.findall(r"`(omniact\s+[a-z].*?)`", "\n".join(prose), re.DOTALL)]
    commands = []
    for line in lines:
        m = re.match(r"\s*omniact (\w+)(.*)", line)
        if m:
            commands.append((m.group(1), set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", m.group(2)))))
    return commands


def test_every_option_a_readme_command_names_is_accepted_by_its_verb():
    commands = _readme_commands()
    assert {verb for verb, _ in commands} >= {"run", "score", "validate", "agents", "tasks", "show", "manifest",
                                              "leaderboard", "report", "replay", "detect"}
    for verb, options in commands:
        assert verb in main.commands, verb
        accepted = {opt for p in main.commands[verb].params for opt in getattr(p, "opts", ()) + getattr(
            p, "secondary_opts", ())}
        assert options <= accepted, (verb, options - accepted)


def test_replay_limit_help_says_it_also_limits_the_miniwob_suite():
    # README: `omniact replay --miniwob-suite --agent NAME [--limit N]`; --help spoke only of a split's tasks.
    text = _option_help("replay", "--limit")
    assert "--miniwob-suite" in text and "episodes" in text
    assert "--limit" in _help("replay")


def test_run_task_timeout_help_says_there_is_no_limit_by_default():
    # README: "hangs (with `--task-timeout`; there is no limit by default)".
    assert "no limit" in _option_help("run", "--task-timeout")
