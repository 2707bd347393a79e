"""Model backends: an OpenAI-compatible chat server, or a local transformers model from a path.

Every backend takes OpenAI-style chat messages (``content`` a string, or a list of ``{"type": "text"}`` and
``{"type": "image_url"}`` parts with a ``data:`` URL) and returns a `Completion` with the answer text and
token counts. `CachedBackend` wraps any of them with the SQLite response cache.
"""

from __future__ import annotations

import base64
import io
import os
import random
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from omniact.errors import UserError

__all__ = [
    "Backend",
    "BackendError",
    "CachedBackend",
    "Completion",
    "OpenAIBackend",
    "TransformersBackend",
    "TransformersVLMBackend",
    "decode_data_url",
    "image_data_url",
]


class BackendError(RuntimeError):
    """The model could not answer (after retries): recorded as the task's error, and the run goes on."""


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False


class Backend(Protocol):
    #: what the cache key and the manifest call the model
    model: str
    #: where it runs: the server URL or the model's path
    endpoint: str

    def complete(self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0,
                 max_tokens: int = 512) -> Completion:
        ...


def image_data_url(image: Any, fmt: str = "PNG") -> str:
    """A PIL image as a ``data:image/png;base64,...`` URL (the form OpenAI-compatible servers accept)."""
    buf = io.BytesIO()
    image.save(buf, format=fmt)
    return f"data:image/{fmt.lower()};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"


def decode_data_url(url: str) -> Any:
    """The PIL image in a ``data:`` URL."""
    from PIL import Image

    if not url.startswith("data:") or "," not in url:
        raise BackendError("local models only take images as data: URLs")
    data = base64.b64decode(url.split(",", 1)[1])
    with Image.open(io.BytesIO(data)) as im:
        return im.convert("RGB")


# --------------------------------------------------------------------------------------------------------
# OpenAI-compatible servers

#: seconds before the one more try of a connection that could not be made (at most; `backoff` if smaller)
_CONNECT_RETRY_DELAY = 0.5
# The transport's exceptions for a connection never made, by name: openai wraps httpx or httpx2 (httpcore
# beneath), depending on its version, and naming the classes keeps us off their import paths.
_CONNECT_ERRORS = ("ConnectError", "ConnectTimeout")


def _connect_failure(e: BaseException) -> str | None:
    """Why no connection could be made, when that is what `e` (an openai error) comes down to; else None.

    The innermost cause's text: ``[Errno 111] Connection refused``, ``[Errno -2] Name or service not known``.
    """
    reason = None
    seen: set[int] = set()
    x: BaseException | None = e
    while x is not None and id(x) not in seen:
        seen.add(id(x))
        if type(x).__name__ in _CONNECT_ERRORS or isinstance(x, (ConnectionRefusedError, socket.gaierror)):
            reason = str(x) or type(x).__name__
        x = x.__cause__ or x.__context__
    return reason


class OpenAIBackend:
    """Any OpenAI-compatible chat-completions server through the `openai` package.

    The API key comes from `api_key` or the ``OPENAI_API_KEY`` environment variable (local servers accept
    any). Rate limits (429), server errors (5xx), timeouts and dropped connections are retried `retries`
    times with exponential backoff (``backoff * 2**attempt`` seconds, at most `max_backoff`, honouring a
    server's ``Retry-After``); other errors (bad request, wrong model, bad key) fail at once. A connection
    that cannot be made at all (refused, unknown host) is tried once more, soon, and one that timed out
    not again: a server that is not there will not be there after a minute of backoff either, and every
    task would pay for it.
    """

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 60.0, retries: int = 4, backoff: float = 1.0, max_backoff: float = 30.0) -> None:
        import openai

        if not model:
            raise UserError("the llm/vlm agent needs a model name: --agent-arg model=NAME "
                            "(or model_path=DIR for a local transformers model)")
        self.model = model
        self.endpoint = base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        key = api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY"
        # Our own retry loop (max_retries=0): its backoff is the user's to set, and every attempt is counted.
        self.client = openai.OpenAI(base_url=self.endpoint, api_key=key, timeout=timeout, max_retries=0)
        self.attempts = 0

    def _retryable(self, e: Exception) -> bool:
        import openai

        if isinstance(e, (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError,
                          openai.InternalServerError)):
            return True
        return isinstance(e, openai.APIStatusError) and (e.status_code == 429 or e.status_code >= 500)

    def complete(self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0,
                 max_tokens: int = 512) -> Completion:
        import openai

        last: Exception | None = None
        unreachable: str | None = None
        for attempt in range(self.retries + 1):
            self.attempts += 1
            try:
                resp = self.client.chat.completions.create(model=self.model, messages=list(messages),
                                                           temperature=temperature, max_tokens=max_tokens)
            except openai.APIError as e:
                last = e
                unreachable = _connect_failure(e)
                if unreachable is not None:
                    # a connect timeout has already waited its `timeout`: no second wait
                    if attempt >= min(1, self.retries) or isinstance(e, openai.APITimeoutError):
                        break
                    time.sleep(min(self.backoff, _CONNECT_RETRY_DELAY))
                    continue
                if not self._retryable(e) or attempt == self.retries:
                    break
                time.sleep(self._delay(e, attempt))
                continue
            text = ""
            if resp.choices:
                text = resp.choices[0].message.content or ""
            usage = resp.usage
            return Completion(text, int(getattr(usage, "prompt_tokens", 0) or 0),
                              int(getattr(usage, "completion_tokens", 0) or 0))
        if unreachable is not None:
            # The same text for every task (no attempt count, request id or timing), so that the runner's
            # fail-fast sees one error repeated and stops the run instead of failing the whole split.
            raise BackendError(f"cannot connect to {self.endpoint}: {unreachable} (is the server running, "
                               "and is base_url right?)")
        status = getattr(last, "status_code", None)
        what = f"HTTP {status}" if status else type(last).__name__
        raise BackendError(f"{self.endpoint} failed after {attempt + 1} attempt(s): {what}: "
                           f"{getattr(last, 'message', last)}")

    def _delay(self, e: Exception, attempt: int) -> float:
        delay = self.backoff * (2 ** attempt)
        response = getattr(e, "response", None)
        retry_after = None if response is None else response.headers.get("retry-after")
        if retry_after:
            try:
                delay = max(delay, float(retry_after))
            except ValueError:
                pass
        # A little jitter so that N workers hitting one rate limit do not retry in lockstep.
        return min(self.max_backoff, delay) * (1 + 0.1 * random.random())


# --------------------------------------------------------------------------------------------------------
# Local transformers models

_MODELS: dict[tuple[str, str, str], Any] = {}
_MODELS_LOCK = threading.Lock()


def _load_once(kind: str, path: str, device: str, loader: Any) -> tuple[Any, threading.Lock]:
    """One copy of a model per process, shared by the worker threads in it, with the one lock that takes its
    generate() calls one at a time (every backend built on the model shares both)."""
    with _MODELS_LOCK:
        key = (kind, path, device)
        if key not in _MODELS:
            _MODELS[key] = (loader(), threading.Lock())
        return _MODELS[key]


def _check_path(path: str) -> str:
    p = os.path.expanduser(path)
    if not os.path.isdir(p):
        raise UserError("model_path is not a directory holding a transformers model", file=p)
    return p


def _generate(model: Any, inputs: Mapping[str, Any], pad_id: Any, temperature: float, max_tokens: int) -> Any:
    import torch

    kwargs: dict[str, Any] = {"max_new_tokens": int(max_tokens), "pad_token_id": pad_id}
    if temperature and temperature > 0:
        kwargs.update(do_sample=True, temperature=float(temperature))
    else:
        kwargs.update(do_sample=False)
    with torch.inference_mode():
        return model.generate(**inputs, **kwargs)


class _LocalModel:
    """What both local backends share: the model folder checked up front, the model loaded once per process,
    generate() calls on it taken one at a time by every backend sharing it (it is not thread-safe), and
    only the new tokens decoded.

    A subclass names its `kind` (the process-wide cache key, so an LM and a VLM from one folder never share
    an entry), the two transformers auto classes it loads (`processor` then `net`), and turns chat messages
    into model inputs in `_inputs`.
    """

    kind = ""
    auto_classes: tuple[str, str] = ("", "")

    def __init__(self, model_path: str, device: str = "cpu") -> None:
        self.endpoint = _check_path(model_path)
        self.model = os.path.basename(os.path.normpath(self.endpoint))
        self.device = device
        #: the tokenizer (text models) or processor (vision-language models), and the model itself
        (self.processor, self.net), self._lock = _load_once(self.kind, self.endpoint, device, self._load)

    def _load(self) -> tuple[Any, Any]:
        import transformers

        processor_cls, model_cls = (getattr(transformers, name) for name in self.auto_classes)
        processor = processor_cls.from_pretrained(self.endpoint)
        model = model_cls.from_pretrained(self.endpoint).to(self.device)
        model.eval()
        return processor, model

    def _inputs(self, messages: Sequence[Mapping[str, Any]]) -> tuple[Any, Any]:
        """(model inputs on this device, the tokenizer that decodes the answer)."""
        raise NotImplementedError

    def complete(self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0,
                 max_tokens: int = 512) -> Completion:
        inputs, tok = self._inputs(messages)
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        with self._lock:
            out = _generate(self.net, inputs, pad, temperature, max_tokens)
        n_in = inputs["input_ids"].shape[1]
        new = out[0, n_in:]
        return Completion(tok.decode(new, skip_special_tokens=True), int(n_in), int(new.shape[0]))


class TransformersBackend(_LocalModel):
    """A causal language model from a local path, prompted through its chat template."""

    kind = "lm"
    auto_classes = ("AutoTokenizer", "AutoModelForCausalLM")

    def _inputs(self, messages: Sequence[Mapping[str, Any]]) -> tuple[Any, Any]:
        tok = self.processor
        flat = [{"role": m["role"], "content": _text_of(m["content"])} for m in messages]
        text = tok.apply_chat_template(flat, tokenize=False, add_generation_prompt=True)
        return tok(text, return_tensors="pt", add_special_tokens=False).to(self.device), tok


class TransformersVLMBackend(_LocalModel):
    """A vision-language model from a local path (AutoProcessor + AutoModelForImageTextToText)."""

    kind = "vlm"
    auto_classes = ("AutoProcessor", "AutoModelForImageTextToText")

    def _inputs(self, messages: Sequence[Mapping[str, Any]]) -> tuple[Any, Any]:
        images = []
        chat = []
        for m in messages:
            content = m["content"]
            if isinstance(content, str):
                chat.append({"role": m["role"], "content": [{"type": "text", "text": content}]})
                continue
            parts = []
            for part in content:
                if part.get("type") == "image_url":
                    images.append(decode_data_url(part["image_url"]["url"]))
                    parts.append({"type": "image"})
                else:
                    parts.append({"type": "text", "text": part.get("text", "")})
            chat.append({"role": m["role"], "content": parts})
        text = self.processor.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        inputs = self.processor(text=[text], images=images or None, return_tensors="pt").to(self.device)
        return inputs, getattr(self.processor, "tokenizer", self.processor)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(p.get("text", "") for p in content if p.get("type") == "text")


# --------------------------------------------------------------------------------------------------------
# Caching


class CachedBackend:
    """A backend whose answers are cached by (model, endpoint, messages, decoding parameters).

    With ``read=False`` (``--no-cache``) the cache is not consulted, but fresh answers still replace the
    stored ones, so the next cached run reproduces the latest.
    """

    def __init__(self, backend: Backend, cache: Any, read: bool = True) -> None:
        self.backend = backend
        self.cache = cache
        self.read = read
        self.model = backend.model
        self.endpoint = backend.endpoint

    def complete(self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0,
                 max_tokens: int = 512) -> Completion:
        from agents.cache import cache_key

        key = cache_key(self.model, self.endpoint, messages, {"temperature": temperature, "max_tokens": max_tokens})
        if self.read:
            hit = self.cache.get(key)
            if hit is not None:
                return Completion(hit["text"], int(hit.get("prompt_tokens", 0)),
                                  int(hit.get("completion_tokens", 0)), cached=True)
        c = self.backend.complete(messages, temperature=temperature, max_tokens=max_tokens)
        self.cache.put(key, {"text": c.text, "prompt_tokens": c.prompt_tokens,
                             "completion_tokens": c.completion_tokens})
        return replace(c, cached=False)
