"""prices=FILE: a model's cost comes from the table, and a table that would make it 0 without a word is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.llm import LLMAgent
from omniact.errors import UserError


def _agent(tmp_path: Path, table: str, name: str = "prices.toml", model: str = "qwen2.5-7b") -> LLMAgent:
    path = tmp_path / name
    path.write_text(table, encoding="utf-8")
    return LLMAgent(model=model, base_url="http://127.0.0.1:1/v1", prices=str(path))


def test_a_listed_model_costs_its_prices(tmp_path):
    agent = _agent(tmp_path, '"qwen2.5-7b" = {prompt = 0.5, completion = 2}\n')
    assert agent.price == (0.5, 2.0)


def test_a_model_name_with_dots_left_unquoted_is_refused_saying_to_quote_it(tmp_path):
    # TOML reads this as the table "qwen2" holding "5-7b": the model was not found and cost 0 without a word
    with pytest.raises(UserError) as e:
        _agent(tmp_path, "qwen2.5-7b = {prompt = 100000.0, completion = 200000.0}\n")
    msg = str(e.value)
    assert msg.startswith(f"{tmp_path / 'prices.toml'}: ") and "\n" not in msg
    assert "with dots must be quoted" in msg


def test_a_table_not_listing_the_model_is_refused_not_free(tmp_path):
    with pytest.raises(UserError) as e:
        _agent(tmp_path, '"gpt-4o" = {prompt = 2.5, completion = 10}\n')
    assert str(e.value).startswith(f"{tmp_path / 'prices.toml'}: ")
    assert "no entry for model 'qwen2.5-7b'" in str(e.value) and "'gpt-4o'" in str(e.value)


@pytest.mark.parametrize("entry", ['{prompt = 1.0}', '{prompt = "1.0", completion = 2.0}', '{input = 1, output = 2}'])
def test_an_entry_without_numeric_prompt_and_completion_is_refused(tmp_path, entry):
    with pytest.raises(UserError, match=r"must be a table of two numbers, prompt and completion") as e:
        _agent(tmp_path, f'"qwen2.5-7b" = {entry}\n')
    assert e.value.file == str(tmp_path / "prices.toml")


def test_a_json_table_is_checked_the_same(tmp_path):
    with pytest.raises(UserError, match="no entry for model"):
        _agent(tmp_path, '{"other": {"prompt": 1, "completion": 2}}', name="prices.json")
