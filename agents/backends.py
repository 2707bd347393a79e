"""Model backends: an OpenAI-compatible chat server, or a local transformers model from a path.

Every backend takes OpenAI-style chat messages (``content`` a string, or a list of ``{"type": "text"}`` and
``{"type": "image_url"}`` parts with a ``data:`` URL) and returns a `Completion` with the answer text and
token counts. `CachedBackend` wraps any of them with the SQLite response cache.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import hashlib
import io
import json
import math
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
    "DTYPES",
    "Backend",
    "BackendError",
    "CachedBackend",
    "Completion",
    "OpenAIBackend",
    "TransformersBackend",
    "TransformersVLMBackend",
    "decode_data_url",
    "hub_snapshot",
    "image_data_url",
    "model_fingerprint",
    "retry_after_seconds",
]


class BackendError(RuntimeError):
    """The model could not answer (after retries): recorded as the task's error, and the run goes on."""


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False
    #: why the model stopped, as the server says: "stop", "length" (cut off at max_tokens), "tool_calls"
    #: (it answered with tool calls, not text); "" when unknown
    finish_reason: str = ""
    #: what the server says answered (the reply's ``model``: often a dated version of the name asked for, or
    #: whatever a proxy routed to) and its ``system_fingerprint`` (the serving configuration); "" when the reply
    #: has none (local models: their description names the weights)
    served_model: str = ""
    system_fingerprint: str = ""


class Backend(Protocol):
    #: what the cache key and the manifest call the model
    model: str
    #: where it runs: the server URL or the model's path
    endpoint: str

    def complete(self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0,
                 max_tokens: int = 512) -> Completion:
        ...

    # Optional: ``describe() -> dict``, what the run's record says of the model (never the API key).


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
#: a reply body larger than this is not a chat completion we asked for (max_tokens bounds a real one)
_MAX_REPLY_BYTES = 32 * 1024 * 1024
#: how much of a bad reply an error message quotes
_PREVIEW_CHARS = 100
#: Characters of a server's error body kept in a task's error (enough for an OpenAI-style error object's message).
_ERROR_CHARS = 300
#: keys this short are placeholders ("EMPTY", "sk-test"): replacing them would garble messages for nothing
_MIN_SECRET_CHARS = 8


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


class _Transient(Exception):
    """An attempt that failed in a way worth one more try, as a 5xx is: a reply that holds no answer or is
    not a chat completion (a proxy's error page), a connection that broke mid-reply, or the deadline."""

    def __init__(self, message: str, *, timeout: bool = False) -> None:
        super().__init__(message)
        self.timeout = timeout


def _escaped(text: str) -> str:
    """`text` with control characters written as escapes, so a quoted reply cannot drive a terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


#: More tokens than any one request holds: a usage count above it is not one (10**30 once made the run store fail).
_MAX_TOKENS = 10**9


def _tokens(value: Any) -> int:
    """A usage count as a server wrote it; 0 when it is not a count ("n/a", -3, null, 10**30): accounting never
    fails a task, and a valid answer is worth more than its token count."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return 0
    if isinstance(value, float):
        if not math.isfinite(value):
            return 0
        value = round(value)
    return value if isinstance(value, int) and 0 < value <= _MAX_TOKENS else 0


#: a served model name or fingerprint is kept up to this many characters (a record field, not a payload)
_SERVED_CHARS = 200


def _served(value: Any) -> str:
    """A reply's ``model`` or ``system_fingerprint`` fit for the run's record: text, one short line; "" otherwise."""
    if not isinstance(value, str):
        return ""
    return _escaped(" ".join(value.split()))[:_SERVED_CHARS]


def _text_content(content: Any) -> str | None:
    """The text of a message's ``content``: a string, null, or a list of ``{"type": "text"}`` parts (some
    servers answer in parts); None when it is none of those."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p["text"] for p in content
                       if isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str))
    return None


def _pause(seconds: float, cancel: threading.Event | None) -> None:
    """Wait between attempts; a task given up on (`cancel` set) waits no longer."""
    if cancel is None:
        time.sleep(seconds)
    else:
        cancel.wait(seconds)


def retry_after_seconds(value: str, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for: seconds (``"3"``) or an HTTP date (``"Wed, 21 Oct 2015
    07:28:00 GMT"``, counted from `now`, a Unix time); None when it is neither. Never negative.

    >>> retry_after_seconds("2.5"), retry_after_seconds("Thu, 01 Jan 1970 00:01:00 GMT", now=50.0)
    (2.5, 10.0)
    """
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT; a zone-less one is read the same way
            when = when.replace(tzinfo=datetime.UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds) if math.isfinite(seconds) else None


class OpenAIBackend:
    """Any OpenAI-compatible chat-completions server through the `openai` package.

    The API key comes from `api_key` or the ``OPENAI_API_KEY`` environment variable (local servers accept
    any); it is replaced by ``***`` in every error this backend raises (some servers echo it back).

    Each attempt has a deadline of `timeout` seconds, start to end: a server that answers a byte at a time
    is given up on then, as is one that never answers. Rate limits (429), server errors (5xx), dropped
    connections and 200 replies that hold no answer or are not a chat completion (a proxy's error page) are
    retried `retries` times with exponential backoff (``backoff * 2**attempt`` seconds, at most
    `max_backoff`, or what the server's ``Retry-After`` asks for, in seconds or as a date, up to the same
    bound); other errors (bad request, wrong model, bad key) fail at once. A timed-out attempt is tried once
    more, not `retries` times: a server too slow once is often too slow again. A connection that cannot be
    made at all (refused, unknown host) is tried once more, soon, and one that timed out not again: a
    server that is not there will not be there after a minute of backoff either, and every task would pay
    for it.

    Worst case for one request: ``(retries + 1) * timeout`` plus ``retries`` backoffs of at most
    `max_backoff` (a server that fails slowly with 5xx): 5 x 60 s + 4 x 30 s = 7 minutes with the
    defaults. A server that never answers costs ``2 * timeout`` and one backoff (about 2 minutes).
    """

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 60.0, retries: int = 4, backoff: float = 1.0, max_backoff: float = 30.0) -> None:
        import openai

        if not model:
            raise UserError("the llm/vlm agent needs a model name: --agent-arg model=NAME "
                            "(or model_path=DIR for a local transformers model)")
        self.model = model
        self.endpoint = base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        self.timeout = float(timeout)
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise UserError(f"timeout must be a positive number of seconds, not {timeout!r}")
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key and _is_openai(self.endpoint):
            # (else every task would be sent, refused or unreachable, before the run stopped with a generic line)
            raise UserError("the llm/vlm agent calls OpenAI's API, which needs a key: set OPENAI_API_KEY or give "
                            "--agent-arg api_key=...; for a local OpenAI-compatible server give --agent-arg "
                            "base_url=http://HOST:PORT/v1")
        key = key or "EMPTY"  # (local servers accept any key)
        self._secret = key if len(key) >= _MIN_SECRET_CHARS else None
        # What messages name: the URL without a user:password (or a query) that a key can hide in, which a
        # message would otherwise carry into predictions records and the one line a run stops with.
        self.shown_endpoint = _public_url(self.endpoint)
        self._url_secrets = _url_secrets(self.endpoint)
        # Our own retry loop (max_retries=0): its backoff is the user's to set, and every attempt is counted.
        # The client's timeout bounds each connect and each read; `_attempt` bounds the whole attempt.
        self.client = openai.OpenAI(base_url=self.endpoint, api_key=key, timeout=self.timeout, max_retries=0)
        self.attempts = 0

    def _redact(self, text: str) -> str:
        for secret in (self._secret, *self._url_secrets):  # a server's reply may echo them
            if secret:
                text = text.replace(secret, "***")
        return text

    def describe(self) -> dict[str, Any]:
        """The server and model as the run's record names them (the URL without any user, password or query:
        a key can hide there too)."""
        return {"kind": "openai", "base_url": self.shown_endpoint, "model": self.model,
                "timeout": self.timeout, "retries": self.retries}

    def _retryable(self, e: Exception) -> bool:
        import openai

        if isinstance(e, (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError,
                          openai.InternalServerError)):
            return True
        return isinstance(e, openai.APIStatusError) and (e.status_code == 429 or e.status_code >= 500)

    def complete(self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0,
                 max_tokens: int = 512) -> Completion:
        import openai

        from omniact.agent import task_cancel_event

        last: Exception | None = None
        unreachable: str | None = None
        timeouts = 0
        cancel = task_cancel_event()
        for attempt in range(self.retries + 1):
            if attempt and cancel is not None and cancel.is_set():
                # The runner gave up on the task (--task-timeout): another attempt would be paid for and never read.
                raise BackendError(f"the task was given up on (timed out) after {attempt} attempt(s): no more")
            self.attempts += 1
            try:
                body = self._attempt(messages, temperature, max_tokens)
                return self._completion(body)
            except openai.APIError as e:
                last = e
                unreachable = _connect_failure(e)
                if unreachable is not None:
                    # a connect timeout has already waited its `timeout`: no second wait
                    if attempt >= min(1, self.retries) or isinstance(e, openai.APITimeoutError):
                        break
                    _pause(min(self.backoff, _CONNECT_RETRY_DELAY), cancel)
                    continue
                timeouts += isinstance(e, openai.APITimeoutError)
                if not self._retryable(e) or attempt == self.retries or timeouts > 1:
                    break
                _pause(self._delay(e, attempt), cancel)
            except _Transient as e:
                last = e
                unreachable = None
                timeouts += e.timeout
                if attempt == self.retries or timeouts > 1:
                    break
                _pause(self._delay(e, attempt), cancel)
        if unreachable is not None:
            # The same text for every task (no attempt count, request id or timing), so that the runner's
            # fail-fast sees one error repeated and stops the run instead of failing the whole split.
            raise BackendError(self._redact(f"cannot connect to {self.shown_endpoint}: {unreachable} (is the server "
                                            "running, and is base_url right?)"))
        status = getattr(last, "status_code", None)
        message = getattr(last, "message", last)
        if not isinstance(last, _Transient):
            # The client's message quotes the server's whole error body: cut, redacted and escaped as any reply we
            # quote (a 5 MB body with terminal escapes was stored whole with every task, and printed).
            message = self._preview(str(message), _ERROR_CHARS)
        if status in (401, 403):  # every task would be refused alike: the runner stops the run on a UserError
            raise UserError(self._redact(f"{self.shown_endpoint} refused the API key (HTTP {status}: {message}); give "
                                         "the right one with --agent-arg api_key=... or OPENAI_API_KEY"))
        if status == 404:
            raise UserError(self._redact(f"{self.shown_endpoint} answered HTTP 404 ({message}): check --agent-arg model "
                                         "(does the server serve it?) and base_url"))
        if status:
            what = f"HTTP {status}: "
        else:  # our own messages say what went wrong; the openai client's need their class ("APITimeoutError")
            what = "" if isinstance(last, _Transient) else f"{type(last).__name__}: "
        raise BackendError(self._redact(f"{self.shown_endpoint} failed after {attempt + 1} attempt(s): {what}{message}"))

    def _attempt(self, messages: Sequence[Mapping[str, Any]], temperature: float, max_tokens: int) -> bytes:
        """The reply body of one request, or the request's exception; `_Transient` at the deadline.

        The request runs in a thread of its own because neither httpx nor openai bounds a whole request (their
        timeouts are per connect and per read, so a byte every few seconds holds a request for ever). At the
        deadline the thread is left behind: it holds the only reference to its result, so nothing it reads
        later can reach anyone, and it stops reading at its next chunk (within one read timeout).
        """
        deadline = time.monotonic() + self.timeout
        box: dict[str, Any] = {}
        done = threading.Event()

        def call() -> None:
            try:
                box["body"] = self._fetch(messages, temperature, max_tokens, deadline)
            except BaseException as e:  # noqa: BLE001 - handed to the caller, who decides
                box["error"] = e
            finally:
                done.set()

        threading.Thread(target=call, daemon=True, name="omniact-openai-request").start()
        if not done.wait(self.timeout):
            raise _Transient(f"no complete reply within timeout={self.timeout:g} s", timeout=True)
        if "error" in box:
            raise box["error"]
        return box["body"]

    def _fetch(self, messages: Sequence[Mapping[str, Any]], temperature: float, max_tokens: int,
               deadline: float) -> bytes:
        # A streamed body, so that the deadline is checked between chunks and an abandoned request ends.
        with self.client.chat.completions.with_streaming_response.create(
                model=self.model, messages=list(messages), temperature=temperature,
                max_tokens=max_tokens) as r:
            chunks: list[bytes] = []
            size = 0
            try:
                for chunk in r.iter_bytes():
                    if time.monotonic() > deadline:
                        # Usually nobody waits for this any more; when the waiting side wakes up just after it
                        # (a loaded machine), this is what it reports: the same words as its own timeout.
                        raise _Transient(f"no complete reply within timeout={self.timeout:g} s", timeout=True)
                    size += len(chunk)
                    if size > _MAX_REPLY_BYTES:
                        raise _Transient(f"the server's reply is larger than {_MAX_REPLY_BYTES >> 20} MB")
                    chunks.append(chunk)
            except _Transient:
                raise
            except Exception as e:  # the transport's own errors (httpx or httpx2), mid-body
                name = type(e).__name__
                raise _Transient(f"the connection broke while reading the reply: {name}: {e}",
                                 timeout="Timeout" in name) from e
        return b"".join(chunks)

    def _completion(self, body: bytes) -> Completion:
        """The answer in a 200 reply; `_Transient` when the reply holds none."""
        try:
            data = json.loads(body.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError is one
            data = None
        choices = data.get("choices") if isinstance(data, dict) else None
        if isinstance(data, dict) and not choices:
            # {"error": ...} with status 200 (an overloaded server), or no choices: there is no answer, and
            # recording an empty one would cache it for good.
            if data.get("error"):
                raise _Transient(f"the server's reply holds an error, not an answer: "
                                 f"{self._preview(json.dumps(data['error'], ensure_ascii=False))}")
            raise _Transient(f"the server's reply holds no answer (no choices): {self._preview(body)}")
        choice = choices[0] if isinstance(choices, list) and choices else None
        message = choice.get("message") if isinstance(choice, dict) else None
        text = _text_content(message.get("content")) if isinstance(message, dict) else None
        if text is None:
            raise _Transient(f"the server's reply was not a valid chat completion: {self._preview(body)}")
        finish = choice.get("finish_reason")
        finish = finish if isinstance(finish, str) else ""
        if not text.strip() and message.get("tool_calls"):
            finish = "tool_calls"  # whatever the server said: the answer is in the calls, not the text
        usage = data.get("usage")
        usage = usage if isinstance(usage, dict) else {}
        return Completion(text, _tokens(usage.get("prompt_tokens")), _tokens(usage.get("completion_tokens")),
                          finish_reason=finish, served_model=_served(data.get("model")),
                          system_fingerprint=_served(data.get("system_fingerprint")))

    def _preview(self, body: bytes | str, limit: int = _PREVIEW_CHARS) -> str:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        # the key goes before the cut, which could otherwise leave half of it
        text = self._redact(text)
        return _escaped(text[:limit]) + ("..." if len(text) > limit else "")

    def _delay(self, e: Exception, attempt: int) -> float:
        delay = self.backoff * (2 ** attempt)
        response = getattr(e, "response", None)
        retry_after = None if response is None else response.headers.get("retry-after")
        if retry_after:
            asked = retry_after_seconds(retry_after)
            if asked is not None:
                delay = max(delay, asked)
        # A little jitter so that N workers hitting one rate limit do not retry in lockstep.
        return min(self.max_backoff, delay) * (1 + 0.1 * random.random())


# --------------------------------------------------------------------------------------------------------
# Local transformers models

_MODELS: dict[tuple[str, ...], Any] = {}
# Held while a backend checks and loads its model: worker threads set up at once, and two threads importing
# transformers at the same time can see it half-made ("module 'transformers' has no attribute 'AutoConfig'").
_MODELS_LOCK = threading.RLock()
#: the torch dtypes a local model can be loaded in; "auto" keeps the checkpoint's own
DTYPES = ("auto", "float32", "bfloat16", "float16")
#: files up to this size are hashed whole for the model's fingerprint; larger ones (weights) by size and time
_HASH_WHOLE_BYTES = 64 << 20
_PATH_HINT = ("give the folder a transformers model was saved in (by save_pretrained, or a downloaded Hub "
              "snapshot): the one holding config.json")

# Generations in flight, so that the process can end them when it exits (Ctrl-C): a thread left inside
# generate() while the interpreter shuts down makes torch abort the process ("terminate called without an
# active exception", exit code 134) instead of exiting with the runner's code.
_STOP = threading.Event()
_ACTIVE = threading.Condition()
_n_active = 0
_atexit_registered = False


def _stop_generations(wait: float = 10.0) -> None:
    """Ask every generate() in this process to stop at its next token, and wait (up to `wait` s) until they have."""
    _STOP.set()
    with _ACTIVE:
        _ACTIVE.wait_for(lambda: _n_active == 0, timeout=wait)


def _load_once(key: tuple[str, ...], loader: Any) -> tuple[Any, threading.Lock]:
    """One copy of a model per process, shared by the worker threads in it, with the one lock that takes its
    generate() calls one at a time (every backend built on the model shares both)."""
    with _MODELS_LOCK:
        if key not in _MODELS:
            _MODELS[key] = (loader(), threading.Lock())
        return _MODELS[key]


def _url_secrets(url: str) -> tuple[str, ...]:
    """The user info of a URL and its password, as written, percent-decoded and as the HTTP Basic credentials the
    client sends for them (a server that quotes the Authorization header it got echoes those), at least
    _MIN_SECRET_CHARS long: a shorter one would blank common words in a message."""
    import base64
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    found = {parts.netloc.rpartition("@")[0]} if "@" in parts.netloc else set()
    if parts.password:
        found |= {parts.password, unquote(parts.password)}
        basic = f"{unquote(parts.username or '')}:{unquote(parts.password)}".encode()
        found.add(base64.b64encode(basic).decode("ascii"))
    return tuple(sorted((f for f in found if len(f) >= _MIN_SECRET_CHARS), key=len, reverse=True))


def _is_openai(url: str) -> bool:
    """Whether `url` is OpenAI's own API (which refuses a request without a key), not a server of another."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host == "openai.com" or host.endswith(".openai.com")


def _public_url(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def hub_snapshot(path: str) -> dict[str, str]:
    """The Hub repository and revision of a model folder in a Hub cache (``.../models--org--name/snapshots/<sha>``,
    as given or once links are followed); empty for any other folder.

    >>> hub_snapshot("/cache/hub/models--Qwen--Qwen2.5-0.5B-Instruct/snapshots/7ae557604adf67be50417f59c2c2f167def9a775")
    {'hub_repo': 'Qwen/Qwen2.5-0.5B-Instruct', 'hub_revision': '7ae557604adf67be50417f59c2c2f167def9a775'}
    """
    for p in (os.path.normpath(path), os.path.realpath(path)):
        snapshots, revision = os.path.split(p)
        repo_dir, name = os.path.split(snapshots)
        repo = os.path.basename(repo_dir)
        if name == "snapshots" and repo.startswith("models--") and revision:
            return {"hub_repo": repo[len("models--"):].replace("--", "/"), "hub_revision": revision}
    return {}


def _check_path(path: str) -> str:
    """The model folder as an absolute path (``~`` expanded); a `UserError` when it cannot be one."""
    p = os.path.abspath(os.path.expanduser(path))
    if not os.path.exists(p):
        raise UserError(f"model_path does not exist: {_PATH_HINT}", file=p)
    if not os.path.isdir(p):
        raise UserError(f"model_path is a file, not a folder: {_PATH_HINT}", file=p)
    if not os.path.isfile(os.path.join(p, "config.json")):
        raise UserError(f"model_path holds no config.json, so it is not a transformers model: {_PATH_HINT}", file=p)
    return p


def _check_device(device: str) -> None:
    import torch

    try:
        d = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise UserError(f"device={device!r} is not a torch device: use cpu, cuda, cuda:1 or mps") from None
    if d.type == "cuda" and not torch.cuda.is_available():
        raise UserError(f"device={device!r}, but this torch ({torch.__version__}) sees no CUDA GPU: use device=cpu "
                        "(or install a CUDA build of torch)")
    if d.type == "cuda" and d.index is not None and d.index >= torch.cuda.device_count():
        raise UserError(f"device={device!r}, but there are only {torch.cuda.device_count()} CUDA GPU(s) "
                        f"(cuda:0 to cuda:{torch.cuda.device_count() - 1})")
    if d.type == "mps" and not torch.backends.mps.is_available():
        raise UserError(f"device={device!r}, but MPS is not available here: use device=cpu")
    if d.type not in ("cpu", "cuda", "mps"):
        # meta (no data: every answer fails), xpu, hpu...: torch names them, but a model cannot answer there
        # (meta), or this build was not made for them; each task would fail on it.
        raise UserError(f"device={device!r} cannot run a model here: use cpu, cuda, cuda:1 or mps")


def model_fingerprint(path: str) -> str:
    """A hash of what is in a model folder (its top level, which is what transformers loads): small files
    (config, generation config, tokenizer, chat template) by content, large ones (weights) by name, size and
    modification time, or by their content hash when they link into a Hub cache's blobs. New weights saved
    in the same folder give a new fingerprint, so the response cache does not serve the old model's answers.
    """
    h = hashlib.sha256()
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        if name.startswith(".") or not os.path.isfile(full):
            continue
        st = os.stat(full)
        h.update(f"{name}\0{st.st_size}\0".encode("utf-8", "surrogateescape"))
        if st.st_size <= _HASH_WHOLE_BYTES:
            with open(full, "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
        else:
            blob = os.path.basename(os.path.realpath(full))
            h.update((blob if os.path.islink(full) and len(blob) == 64 else str(st.st_mtime_ns)).encode())
    return h.hexdigest()


def _short(e: BaseException) -> str:
    """An exception's message on one line, cut to 300 characters."""
    text = " ".join(str(e).split())
    return text if len(text) <= 300 else text[:297] + "..."


def _check_kind(path: str, kind: str) -> None:
    """That transformers can read the folder's config, and that the model is of the kind the agent needs."""
    import transformers

    try:
        with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
            raw = json.load(f)
    except (OSError, ValueError) as e:
        raise UserError(f"cannot read config.json: {_short(e)}", file=os.path.join(path, "config.json")) from None
    model_type = raw.get("model_type") if isinstance(raw, dict) else None
    if not isinstance(model_type, str) or not model_type:
        raise UserError("config.json has no model_type: is this a transformers model's config?",
                        file=os.path.join(path, "config.json"))
    try:
        config = transformers.AutoConfig.from_pretrained(path)
    except Exception as e:  # noqa: BLE001 - the folder's config, whatever transformers raises on it (a field of the
        # wrong type is a StrictDataclassFieldValidationError), is the user's to fix: one line, not "setup() raised"
        if model_type not in transformers.CONFIG_MAPPING:
            raise UserError(f"transformers {transformers.__version__} does not know model type {model_type!r}: "
                            "upgrade transformers (pip install -U transformers); omniact does not run a model's own "
                            "code (trust_remote_code)", file=path) from None
        raise UserError(f"transformers cannot read this model's config: {_short(e)}", file=path) from None
    text = type(config) in transformers.MODEL_FOR_CAUSAL_LM_MAPPING
    vision = type(config) in transformers.MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING
    if kind == "vlm" and not vision:
        what = "a text-only model: run it with --agent llm" if text else "not a vision-language model"
        raise UserError(f"model_path holds a {model_type} model, {what} (the vlm agent needs a model that "
                        "AutoModelForImageTextToText loads)", file=path)
    if kind == "lm" and not text:
        what = "a vision-language model: run it with --agent vlm" if vision else "not a causal language model"
        raise UserError(f"model_path holds a {model_type} model, {what} (the llm agent needs a model that "
                        "AutoModelForCausalLM loads)", file=path)


def _stop_criteria(cancel: threading.Event | None) -> Any:
    """Stop at the next token when the process is ending or the task is given up on (`cancel`)."""
    from transformers import StoppingCriteria, StoppingCriteriaList

    class _Stop(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            import torch

            stop = _STOP.is_set() or (cancel is not None and cancel.is_set())
            return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)

    return StoppingCriteriaList([_Stop()])


def _generate(model: Any, inputs: Mapping[str, Any], pad_id: Any, temperature: float, max_tokens: int) -> Any:
    """``model.generate()``, stopped at the next token when the process ends (see `_stop_generations`) or when the
    runner gives up on the task this thread runs (its ``--task-timeout`` passed: `omniact.agent.task_cancel_event`),
    so that a timed-out task frees its worker thread and the model's lock at once instead of generating on to
    max_tokens while the next task waits. A generation cut short raises `BackendError` (never an answer, never
    cached)."""
    import atexit

    import torch

    from omniact.agent import task_cancel_event

    global _n_active, _atexit_registered  # noqa: PLW0603 - the process's generations in flight
    cancel = task_cancel_event()
    if cancel is not None and cancel.is_set():  # given up on while it waited for the model
        raise BackendError("the task was given up on (timed out): generation not started")
    kwargs: dict[str, Any] = {"max_new_tokens": int(max_tokens), "pad_token_id": pad_id,
                              "stopping_criteria": _stop_criteria(cancel)}
    if temperature and temperature > 0:
        kwargs.update(do_sample=True, temperature=float(temperature))
    else:
        kwargs.update(do_sample=False)
    with _ACTIVE:
        if _STOP.is_set():
            raise BackendError("the run is ending: generation not started")
        if not _atexit_registered:
            atexit.register(_stop_generations)
            _atexit_registered = True
        _n_active += 1
    try:
        with torch.inference_mode():
            out = model.generate(**inputs, **kwargs)
    finally:
        with _ACTIVE:
            _n_active -= 1
            _ACTIVE.notify_all()
    if _STOP.is_set():  # cut short: not an answer, and never cached as one
        raise BackendError("the run is ending: generation stopped")
    if cancel is not None and cancel.is_set():
        raise BackendError("the task was given up on (timed out): generation stopped")
    return out


class _LocalModel:
    """What both local backends share: the model folder, its config, its chat template and the device checked
    before the weights load (each mistake is one line, found by ``setup()`` before any task runs), the model
    loaded once per process, generate() calls on it taken one at a time by every backend sharing it (it is
    not thread-safe), and only the new tokens decoded.

    A subclass names its `kind` (the process-wide cache key, so an LM and a VLM from one folder never share
    an entry), the two transformers auto classes it loads (`processor` then `net`), and turns chat messages
    into model inputs in `_inputs`.
    """

    kind = ""
    auto_classes: tuple[str, str] = ("", "")

    def __init__(self, model_path: str, device: str = "cpu", dtype: str = "auto") -> None:
        self.endpoint = _check_path(model_path)
        self.model = os.path.basename(os.path.normpath(self.endpoint))
        self.device = device
        self.dtype = dtype
        if dtype not in DTYPES:
            raise UserError(f"dtype={dtype!r}: use one of {', '.join(DTYPES)}")
        with _MODELS_LOCK:
            _check_device(device)
            _check_kind(self.endpoint, self.kind)
            #: what the response cache keys on besides the path: the folder's content and how it is loaded
            self.fingerprint = model_fingerprint(self.endpoint)
            self.cache_params = {"model_fingerprint": self.fingerprint, "dtype": dtype}
            #: the tokenizer (text models) or processor (vision-language models), the model itself, and whether
            #: the chat template takes no system message (Gemma's): then the system text goes before the user's
            loaded, self._lock = _load_once((self.kind, self.endpoint, device, dtype, self.fingerprint), self._load)
        self.processor, self.net, self.merge_system = loaded

    def describe(self) -> dict[str, Any]:
        """The model as the run's record names it: its folder, the fingerprint of the folder's content (the
        response cache's key), its Hub revision when it is a Hub snapshot, the dtype asked for and the one
        loaded, the device, the checkpoint's own generation settings, and whether the system text goes into the
        user message (a chat template that refuses a system role)."""
        own = {k: v for k, v in self.net.generation_config.to_diff_dict().items() if k != "transformers_version"}
        return {"kind": f"transformers-{self.kind}", "model_path": self.endpoint, "model_fingerprint": self.fingerprint,
                **hub_snapshot(self.endpoint), "dtype": self.dtype,
                "loaded_dtype": str(self.net.dtype).removeprefix("torch."), "device": str(self.net.device),
                "model_generation_config": json.loads(json.dumps(own, default=str)),
                "system_in_user_message": self.merge_system}

    def _load(self) -> tuple[Any, Any, bool]:
        import torch
        import transformers
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a loading bar per worker would garble the run's progress bar
        processor_cls, model_cls = (getattr(transformers, name) for name in self.auto_classes)
        try:
            processor = processor_cls.from_pretrained(self.endpoint)
        except (OSError, ValueError, KeyError, TypeError) as e:
            what = "processor" if self.kind == "vlm" else "tokenizer"
            raise UserError(f"cannot load the model's {what}: {_short(e)}", file=self.endpoint) from None
        merge_system = self._check_template(processor)
        kwargs = {} if self.dtype == "auto" else {"dtype": getattr(torch, self.dtype)}
        verbosity = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()  # a weights/config mismatch printed a 19-line load report before failing
        try:
            model = model_cls.from_pretrained(self.endpoint, **kwargs)
        except Exception as e:  # noqa: BLE001 - no weights file, a truncated shard (safetensors' SafetensorError is
            # no OSError), weights of other shapes than the config's (RuntimeError): the folder is the user's to fix
            raise UserError(f"cannot load the model's weights ({type(e).__name__}): {_short(e)}",
                            file=self.endpoint) from None
        finally:
            hf_logging.set_verbosity(verbosity)
        model = model.to(self.device)
        model.eval()
        return processor, model, merge_system

    def _check_template(self, processor: Any) -> bool:
        """Whether the system message must go into the user's (the template refuses a system role); a
        `UserError` when there is no chat template at all or it renders no prompt."""
        if not getattr(processor, "chat_template", None):
            raise UserError("the model has no chat template (a base model, not an instruct/chat one?): use its "
                            "instruct version, or put the template in the folder as chat_template.jinja",
                            file=self.endpoint)
        trial = [{"role": "system", "content": "Write scripts."}, {"role": "user", "content": "Task: open the menu"}]
        try:
            self._render(processor, trial, merge_system=False)
            return False
        except Exception as first:  # noqa: BLE001 - jinja's TemplateError and anything a template raises
            try:
                self._render(processor, trial, merge_system=True)
                return True
            except Exception:  # noqa: BLE001
                raise UserError(f"the model's chat template fails on a prompt: {_short(first)}",
                                file=self.endpoint) from None

    @staticmethod
    def _merged(messages: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """The messages with the system message's text put before the first user message's."""
        system = "\n\n".join(_text_of(m["content"]) for m in messages if m["role"] == "system")
        rest = [dict(m) for m in messages if m["role"] != "system"]
        if system and rest:
            c = rest[0]["content"]
            rest[0]["content"] = (f"{system}\n\n{c}" if isinstance(c, str)
                                  else [{"type": "text", "text": system}, *c])
        return rest

    def _render(self, processor: Any, messages: Sequence[Mapping[str, Any]], merge_system: bool) -> str:
        """The prompt text the chat template makes of `messages`."""
        raise NotImplementedError

    def _inputs(self, messages: Sequence[Mapping[str, Any]]) -> tuple[Any, Any]:
        """(model inputs on this device, the tokenizer that decodes the answer)."""
        raise NotImplementedError

    def complete(self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0,
                 max_tokens: int = 512) -> Completion:
        inputs, tok = self._inputs(messages)
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        n_in = inputs["input_ids"].shape[1]
        context = self._context()
        if context is not None:
            # Past its context a model with learned positions (GPT-2, OPT) fails with "index out of range in
            # self"; say what is too long instead, and never generate past the end.
            if n_in >= context:
                raise BackendError(f"the prompt is {n_in} tokens, and the model's context is {context}: shorten it "
                                   "with n_examples (in-context examples) or max_elements (screen elements)")
            max_tokens = min(max_tokens, context - n_in)
        with self._lock:
            out = _generate(self.net, inputs, pad, temperature, max_tokens)
        new = out[0, n_in:]
        n_new = int(new.shape[0])
        return Completion(tok.decode(new, skip_special_tokens=True), int(n_in), n_new,
                          finish_reason="length" if n_new >= max_tokens else "stop")

    def _context(self) -> int | None:
        """The longest sequence the model takes (its text model's, for a vision-language model), where its config
        says."""
        config = self.net.config
        config = getattr(config, "text_config", None) or config
        for name in ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"):
            value = getattr(config, name, None)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
        return None


class TransformersBackend(_LocalModel):
    """A causal language model from a local path, prompted through its chat template."""

    kind = "lm"
    auto_classes = ("AutoTokenizer", "AutoModelForCausalLM")

    def _render(self, processor: Any, messages: Sequence[Mapping[str, Any]], merge_system: bool) -> str:
        flat = [{"role": m["role"], "content": _text_of(m["content"])} for m in messages]
        if merge_system:
            flat = self._merged(flat)
        return processor.apply_chat_template(flat, tokenize=False, add_generation_prompt=True)

    def _inputs(self, messages: Sequence[Mapping[str, Any]]) -> tuple[Any, Any]:
        tok = self.processor
        text = self._render(tok, messages, self.merge_system)
        return tok(text, return_tensors="pt", add_special_tokens=False).to(self.device), tok


class TransformersVLMBackend(_LocalModel):
    """A vision-language model from a local path (AutoProcessor + AutoModelForImageTextToText)."""

    kind = "vlm"
    auto_classes = ("AutoProcessor", "AutoModelForImageTextToText")

    def _chat(self, messages: Sequence[Mapping[str, Any]], merge_system: bool) -> tuple[list[Any], list[Any]]:
        """The messages in the processor's form (image parts as ``{"type": "image"}``) and their images."""
        images = []
        chat = []
        if merge_system:
            messages = self._merged(messages)
        for m in messages:
            content = m["content"]
            if isinstance(content, str):
                chat.append({"role": m["role"], "content": [{"type": "text", "text": content}]})
                continue
            parts = []
            for part in content:
                if part.get("type") == "image_url":
                    images.append(part["image_url"]["url"])
                    parts.append({"type": "image"})
                else:
                    parts.append({"type": "text", "text": part.get("text", "")})
            chat.append({"role": m["role"], "content": parts})
        return chat, images

    def _render(self, processor: Any, messages: Sequence[Mapping[str, Any]], merge_system: bool) -> str:
        chat, _ = self._chat(messages, merge_system)
        return processor.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)

    def _inputs(self, messages: Sequence[Mapping[str, Any]]) -> tuple[Any, Any]:
        chat, urls = self._chat(messages, self.merge_system)
        images = [decode_data_url(u) for u in urls]
        text = self.processor.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        tok = getattr(self.processor, "tokenizer", self.processor)
        # A template that writes the BOS itself ({{ bos_token }}: Gemma 3, Llama 3.2 Vision) would get a second one
        # from the tokenizer, as transformers' own apply_chat_template(tokenize=True) avoids.
        bos = getattr(tok, "bos_token", None)
        extra = {"add_special_tokens": False} if isinstance(bos, str) and bos and text.startswith(bos) else {}
        inputs = self.processor(text=[text], images=images or None, return_tensors="pt", **extra).to(self.device)
        return inputs, tok


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(p.get("text", "") for p in content if p.get("type") == "text")


# --------------------------------------------------------------------------------------------------------
# Caching


class CachedBackend:
    """A backend whose answers are cached by (model, endpoint, messages, decoding parameters; for a local
    model also the fingerprint of its folder's content, and its dtype).

    With ``read=False`` (``--no-cache``) the cache is not consulted, but fresh answers still replace the
    stored ones, so the next cached run reproduces the latest.
    """

    def __init__(self, backend: Backend, cache: Any, read: bool = True) -> None:
        self.backend = backend
        self.cache = cache
        self.read = read
        self.model = backend.model
        self.endpoint = backend.endpoint

    def describe(self) -> dict[str, Any]:
        """The wrapped backend's description (the cache changes no answer: it is keyed on all that does)."""
        describe = getattr(self.backend, "describe", None)
        return describe() if callable(describe) else {"model": self.model, "endpoint": self.endpoint}

    def complete(self, messages: Sequence[Mapping[str, Any]], *, temperature: float = 0.0,
                 max_tokens: int = 512) -> Completion:
        from agents.cache import cache_key

        # A local model adds its folder's fingerprint and dtype: new weights at the same path are a new model.
        # Normalised: `temperature = 0` from a TOML --agent-config is an int, and must find what 0.0 cached.
        params = {"temperature": float(temperature), "max_tokens": int(max_tokens),
                  **getattr(self.backend, "cache_params", {})}
        key = cache_key(self.model, self.endpoint, messages, params)
        if self.read:
            hit = self.cache.get(key)
            # An empty answer is asked again: older versions cached a server's empty 200 replies as answers,
            # and a real empty answer costs little to ask for twice.
            if hit is not None and hit.get("text"):
                # what served the answer when it was asked (entries from before this was kept have none)
                return Completion(hit["text"], int(hit.get("prompt_tokens", 0)),
                                  int(hit.get("completion_tokens", 0)), cached=True,
                                  finish_reason=str(hit.get("finish_reason", "")),
                                  served_model=_served(hit.get("served_model")),
                                  system_fingerprint=_served(hit.get("system_fingerprint")))
        c = self.backend.complete(messages, temperature=temperature, max_tokens=max_tokens)
        entry = {"text": c.text, "prompt_tokens": c.prompt_tokens, "completion_tokens": c.completion_tokens,
                 "finish_reason": c.finish_reason}
        entry.update((k, v) for k, v in (("served_model", c.served_model),
                                         ("system_fingerprint", c.system_fingerprint)) if v)
        self.cache.put(key, entry)
        return replace(c, cached=False)
