"""The paper's text-only agent: the OmniACT prompt (API, examples, screen elements) sent to a language model.

Backends: any OpenAI-compatible chat server (``model`` and ``base_url``; the key from ``api_key`` or
``OPENAI_API_KEY``), or a local transformers causal LM (``model_path``, run on ``device`` in ``dtype``; see
agents.backends). Answers are cached (see agents.cache); tokens and cost are reported per task through
``last_usage``.

    omniact run --agent llm --agent-arg base_url=http://127.0.0.1:8000/v1 --agent-arg model=qwen2.5-7b ...
    omniact run --agent llm --agent-arg model_path=~/models/qwen2.5-0.5b-instruct ...
"""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path
from typing import Any

from omniact.agent import Usage
from omniact.errors import ParseError, UserError

__all__ = ["LLMAgent", "load_prices"]

_SELECTORS: dict[tuple[str, str, int], Any] = {}
_SELECTORS_LOCK = threading.Lock()


def load_prices(path: str | Path) -> dict[str, tuple[float, float]]:
    """A price table: TOML or JSON mapping a model name to ``{prompt = USD, completion = USD}`` per 1M tokens."""
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8")
    except OSError:
        raise UserError("price table does not exist", file=str(p)) from None
    try:
        if p.suffix == ".json":
            data = json.loads(text)
        else:
            import tomllib

            data = tomllib.loads(text)
    except ValueError as e:
        raise UserError(f"cannot read the price table: {e}", file=str(p)) from None
    if not isinstance(data, dict):
        raise UserError("a price table must map model names to {prompt, completion}", file=str(p))
    out = {}
    for model, v in data.items():
        # A missing price would cost 0 without a word; so would a TOML name with dots left unquoted
        # (qwen2.5-7b = {...} is the table "qwen2" holding "5-7b"), which lands here without prompt/completion.
        prices = [v.get(k) for k in ("prompt", "completion")] if isinstance(v, dict) else [None]
        if not all(_is_price(x) for x in prices):
            raise UserError(f"price of {model!r} must be a table of two numbers, prompt and completion (USD per 1M "
                            f"tokens), not {v!r}; {_QUOTE_DOTS}", file=str(p))
        out[model] = (float(v["prompt"]), float(v["completion"]))
    return out


#: said with each price table refusal: the mistake TOML makes easy
_QUOTE_DOTS = 'a model name with dots must be quoted in TOML: "qwen2.5-7b" = {prompt = 0.1, completion = 0.2}'


def _is_price(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x >= 0


def price_of(table: dict[str, tuple[float, float]], model: str, path: str | Path) -> tuple[float, float]:
    """`model`'s prices in `table` (read from `path`); a model the table does not list is refused, not free."""
    if model not in table:
        listed = ", ".join(map(repr, sorted(table))) or "none"
        raise UserError(f"the price table has no entry for model {model!r} (it lists: {listed}); "
                        f"{_QUOTE_DOTS}", file=str(Path(path).expanduser()))
    return table[model]


class LLMAgent:
    """The paper's text-only prompt (API stubs, 5 MiniLM-chosen examples, screen elements) to an LLM."""

    name = "llm"
    parallelism = "threads"
    coordinates = "pixels"
    #: set by VLMAgent
    _vision = False

    def __init__(self, model: str = "", base_url: str = "", api_key: str = "", model_path: str = "",
                 temperature: float = 0.0, max_tokens: int = 512, timeout: float = 60.0, retries: int = 4,
                 backoff: float = 1.0, n_examples: int = 5, examples_data: str = "", examples_split: str = "train",
                 max_elements: int = 200, price_prompt: float = 0.0, price_completion: float = 0.0,
                 prices: str = "", cache: bool = True, cache_path: str = "", data_root: str = "",
                 device: str = "cpu", dtype: str = "auto", run_split: str = "") -> None:
        if not model and not model_path:
            raise UserError(f"the {self.name} agent needs --agent-arg model=NAME (with base_url=URL for a "
                            "server) or --agent-arg model_path=DIR (a local transformers model)")
        # Checked when the agent is built, so that a wrong value stops the run before any task (not once per task).
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
            raise UserError(f"max_tokens must be a whole number of tokens, at least 1, not {max_tokens!r}")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
                or not math.isfinite(temperature) or temperature < 0:
            raise UserError(f"temperature must be a number, 0 or more (0: greedy), not {temperature!r}")
        for name, value in (("n_examples", n_examples), ("max_elements", max_elements)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise UserError(f"{name} must be a whole number, 0 or more, not {value!r}")
        from agents.backends import DTYPES

        if dtype not in DTYPES:
            raise UserError(f"dtype={dtype!r}: use one of {', '.join(DTYPES)} (auto: the checkpoint's own)")
        self.model = model
        self.base_url = base_url
        self.api_key = api_key
        self.model_path = model_path
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.n_examples = n_examples
        self.examples_data = examples_data or data_root
        self.examples_split = examples_split
        # The split the run scores (set by the runner, with data_root): never the examples' own.
        self._run_split = (data_root, run_split)
        self.max_elements = max_elements
        self.price = (price_prompt, price_completion)
        if prices:
            self.price = price_of(load_prices(prices), model or Path(model_path).name, prices)
        self.cache = cache
        self.cache_path = cache_path
        self.device = device
        self.dtype = dtype
        self.backend: Any = None
        self.selector: Any = None
        self.last_usage: Usage | None = None
        self.last_raw: str | None = None
        #: a remark on the last answer for the run's record (a script kept from an answer cut off at max_tokens)
        self.last_note: str | None = None
        #: what the server says served the last answer (``served_model``, ``system_fingerprint``), for the record
        self.last_served: dict[str, str] | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------------------------
    def _make_backend(self) -> Any:
        from agents import backends

        if self.model_path:
            cls = backends.TransformersVLMBackend if self._vision else backends.TransformersBackend
            return cls(self.model_path, device=self.device, dtype=self.dtype)
        return backends.OpenAIBackend(self.model, base_url=self.base_url or None, api_key=self.api_key or None,
                                      timeout=self.timeout, retries=self.retries, backoff=self.backoff)

    def setup(self) -> None:
        """Build the backend, the response cache and the example selector (once per worker)."""
        with self._lock:
            if self.backend is not None:
                return
            from agents.backends import CachedBackend
            from agents.cache import ResponseCache

            backend = self._make_backend()
            self.backend = CachedBackend(backend, ResponseCache(self.cache_path or None), read=self.cache)
            self._setup_examples()

    def _setup_examples(self) -> None:
        """The in-context example selector (its train split and their embeddings), once."""
        if self.selector is None and self.n_examples > 0:
            from agents.prompt import ExampleSelector
            from omniact.dataset import resolve_data_root

            root = resolve_data_root(self.examples_data or None)
            found = (root / f"{self.examples_split}.json").is_file() or self.examples_split.endswith(".json")
            if not found and self.examples_split != "train":
                # Named by the user (a typo, "trian"): not silently a prompt without examples. A data set
                # without the default train split is prompted without them, as its describe() records.
                raise UserError(f"examples_split={self.examples_split!r}: {root} has no such split (pass "
                                "examples_data=DIR for another data set's, or n_examples=0 for none)")
            if found:
                self._check_not_the_runs_split(root)
                key = (str(root), self.examples_split, self.n_examples)
                with _SELECTORS_LOCK:  # one per process: the worker threads share the train split
                    if key not in _SELECTORS:
                        _SELECTORS[key] = ExampleSelector(root, self.examples_split, self.n_examples)
                    self.selector = _SELECTORS[key]

    def _check_not_the_runs_split(self, root: Any) -> None:
        """Refuse in-context examples drawn from the split being run: each task's own answer would be among them,
        under another phrasing of its goal (only an identical goal is skipped), and the run would score it as the
        agent's own work."""
        from omniact.dataset import find_split_file

        run_root, run_split = self._run_split
        if not run_split:
            return
        try:
            same = find_split_file(root, self.examples_split).resolve() == \
                find_split_file(run_root or None, run_split).resolve()
        except (UserError, OSError):
            return
        if same:
            raise UserError(f"examples_split={self.examples_split!r} is the split of the tasks being run: its examples "
                            "would show the agent each task's own answer; take them from another split "
                            "(examples_split=val, or examples_data=DIR) or pass n_examples=0")

    def close(self) -> None:
        if self.backend is not None:
            self.backend.cache.close()

    def describe(self) -> dict[str, Any]:
        """What this agent runs, for the run's record (see omniact.agent): the backend (server URL and model,
        or the local model's folder, fingerprint, Hub revision, dtype and device), the generation settings sent
        with every request, and the prompt (a hash of its template, the in-context examples it draws from).
        Never the API key."""
        if self.backend is None:
            self.setup()
        return {"backend": self.backend.describe(), "generation": self._generation(), "prompt": self._prompt()}

    def _generation(self) -> dict[str, Any]:
        return {"temperature": self.temperature, "max_tokens": self.max_tokens, "greedy": not self.temperature > 0}

    def _prompt(self) -> dict[str, Any]:
        from agents.prompt import EMBEDDING_MODEL_NAME, template_sha256

        # Effective, not asked for: with no examples split to draw from, the prompt holds none.
        examples: dict[str, Any] = {"n_examples": 0}
        if self.selector is not None:
            examples = {"n_examples": self.selector.k, "examples_split": self.examples_split,
                        "examples_sha256": self.selector.sha256, "selected_by": EMBEDDING_MODEL_NAME}
        return {"template_sha256": template_sha256(image=self._vision), "max_elements": self.max_elements,
                **examples}

    # ------------------------------------------------------------------------------------------------
    def examples(self, goal: str) -> list[Any]:
        return self.selector.select(goal) if self.selector is not None else []

    def messages(self, view: Any) -> tuple[list[dict[str, Any]], float]:
        """The chat messages for a task, and the factor from screenshot pixels to the model's coordinates."""
        from agents.prompt import build_messages, format_elements

        elements = format_elements(view.detections, 1.0, self.max_elements)
        return build_messages(view.goal, self.examples(view.goal), elements), 1.0

    def prompt(self, view: Any) -> list[dict[str, Any]]:
        """The chat messages `act` would send for `view`, without a model: neither the server nor a local model is
        touched (`omniact agents --prompt` prints them)."""
        self._setup_examples()
        return self.messages(view)[0]

    def act(self, view: Any) -> str:
        if self.backend is None:
            self.setup()
        from agents.extract import extract_script

        messages, scale = self.messages(view)
        c = self.backend.complete(messages, temperature=self.temperature, max_tokens=self.max_tokens)
        cost = 0.0 if c.cached else (c.prompt_tokens * self.price[0] + c.completion_tokens * self.price[1]) / 1e6
        self.last_usage = Usage(c.prompt_tokens, c.completion_tokens, cost, 1, c.cached)
        self.last_raw = c.text
        self.last_note = None
        served = {"served_model": c.served_model, "system_fingerprint": c.system_fingerprint}
        self.last_served = {k: v for k, v in served.items() if v} or None
        script = extract_script(c.text)
        if not script:
            if c.finish_reason == "tool_calls":
                raise ParseError("the model answered with tool calls, not text")
            if c.finish_reason == "length":
                raise ParseError(f"the model's answer was cut off at max_tokens={self.max_tokens} before any "
                                 "script (raise --agent-arg max_tokens)")
            if not c.text.strip():
                raise ParseError("the model's answer is empty")
            return self._unextracted(c.text.strip(), scale)
        if c.finish_reason == "length":  # kept, but its last action may be cut short or missing
            self.last_note = (f"the answer was cut off at max_tokens={self.max_tokens}: its script may be incomplete "
                              "(raise --agent-arg max_tokens)")
        return self.to_screen(script, scale)

    def _unextracted(self, raw: str, scale: float) -> str:
        """An answer no script was read from. One that parses is still a script, in the model's coordinates like any
        other, so it is mapped back (else a vlm's would be scored in the resized image's pixels); any other is kept
        as written: the runner records it as a parse error and scoring sees what the model said."""
        from omniact.actions import script_is_valid

        return self.to_screen(raw, scale) if script_is_valid(raw) else raw

    def to_screen(self, script: str, scale: float) -> str:
        """Map the model's coordinates back to screenshot pixels (a no-op for text models)."""
        if scale == 1.0:
            return script
        from omniact.actions import Action, format_script, parse_script

        out = []
        for a in parse_script(script):
            args = dict(a.args)
            for k in ("x", "y"):
                if isinstance(args.get(k), (int, float)) and not isinstance(args.get(k), bool):
                    args[k] = round(float(args[k]) / scale, 1)
            out.append(Action(a.name, tuple(args.items()), a.line, a.col, a.alias))
        return format_script(out)
