"""The llm agent and its OpenAI backend against a local server that misbehaves (no network).

Each reply the server gives is planned by the test; once the plan is used up it answers well.
"""

from __future__ import annotations

import email.utils
import json
import sqlite3
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from http_fixture import serving

from agents.backends import BackendError, CachedBackend, Completion, OpenAIBackend, retry_after_seconds
from agents.extract import extract_script
from omniact.errors import UserError
from omniact.predictions import read_predictions
from omniact.runner import run

DATA = Path(__file__).resolve().parent.parent / "runner" / "fixtures" / "data"
GOOD = "pyautogui.click(100, 200)"
KEY = "sk-SECRETtestkey0123456789"
HI = [{"role": "user", "content": "hi"}]


def completion(content: str | None = GOOD, *, usage: object = None, finish: str = "stop",
               **message: object) -> dict:
    body: dict = {"id": "c1", "object": "chat.completion", "created": 0, "model": "m",
                  "choices": [{"index": 0, "finish_reason": finish,
                               "message": {"role": "assistant", "content": content, **message}}]}
    body["usage"] = usage if usage is not None else {"prompt_tokens": 100, "completion_tokens": 10}
    return body


Reply = Callable[[BaseHTTPRequestHandler], None]


def send(body: bytes | dict | list, status: int = 200, ctype: str = "application/json",
         headers: dict[str, str] | None = None) -> Reply:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()

    def reply(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    return reply


def echo_key(status: int = 401) -> Reply:
    """A server (or proxy) that quotes the Authorization header back in its error."""
    def reply(h: BaseHTTPRequestHandler) -> None:
        send({"error": {"message": f"Invalid key: {h.headers.get('Authorization')}"}}, status)(h)

    return reply


def drip(h: BaseHTTPRequestHandler) -> None:
    """Headers, then a byte now and then, for ever: no single read ever times out."""
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    while not h.server.stopping.wait(0.1):  # type: ignore[attr-defined]
        try:
            h.wfile.write(b" ")
            h.wfile.flush()
        except OSError:  # the client gave up
            return


def hang(h: BaseHTTPRequestHandler) -> None:
    h.server.stopping.wait(30)  # type: ignore[attr-defined]


def late(content: str, after: float) -> Reply:
    """A good answer, too late."""
    def reply(h: BaseHTTPRequestHandler) -> None:
        if not h.server.stopping.wait(after):  # type: ignore[attr-defined]
            send(completion(content))(h)

    return reply


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.plan: list[Reply] = []
        self.requests = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        self.rfile.read(int(self.headers["Content-Length"]))
        with server.lock:
            server.requests += 1
            reply = server.plan.pop(0) if server.plan else send(completion())
        reply(self)


@pytest.fixture()
def server():
    with serving(_Server()) as s:
        yield s


def backend(server: _Server, **kw: object) -> OpenAIBackend:
    args: dict = {"base_url": server.url, "api_key": KEY, "backoff": 0.01, "max_backoff": 0.05}
    args.update(kw)
    return OpenAIBackend("m", **args)


def run_llm(server: _Server, tmp_path: Path, out: str = "r", **kw: object):
    args = {"base_url": server.url, "model": "m", "api_key": KEY, "backoff": "0.01", "n_examples": "0",
            "cache_path": str(tmp_path / "cache.sqlite")}
    args.update({k: str(v) for k, v in kw.pop("agent_args", {}).items()})  # type: ignore[attr-defined]
    return run("llm", agent_args=args, out=tmp_path / out, data=DATA, **kw)


def error_of(tmp_path: Path, task_id: str = "100", out: str = "r") -> str:
    return read_predictions(tmp_path / out / "predictions.jsonl")[task_id].extra.get("error") or ""


# --------------------------------------------------------------------------------------------------------
# A: a 200 reply that holds no answer

NO_ANSWER = {
    "error in a 200": {"error": {"message": "overloaded", "code": 503}},
    "no choices": {"id": "x", "object": "chat.completion", "usage": {"prompt_tokens": 5}},
    "null choices": {"id": "x", "object": "chat.completion", "choices": None},
    "empty choices": {"id": "x", "object": "chat.completion", "choices": []},
}


@pytest.mark.parametrize("body", NO_ANSWER.values(), ids=NO_ANSWER.keys())
def test_a_reply_with_no_answer_is_retried_and_a_later_answer_is_used(server, body):
    server.plan = [send(body)]
    b = backend(server)
    assert b.complete(HI).text == GOOD
    assert b.attempts == 2


@pytest.mark.parametrize("body", NO_ANSWER.values(), ids=NO_ANSWER.keys())
def test_a_reply_with_no_answer_fails_the_task_is_not_cached_and_retry_errors_asks_again(server, tmp_path, body):
    server.plan = [send(body)] * 2
    s = run_llm(server, tmp_path, limit=1, agent_args={"retries": 1})
    assert s.errors == {"exception": 1}  # the server's fault, not a parse error of the model's answer
    error = error_of(tmp_path)
    assert "BackendError" in error and "2 attempt" in error
    assert ("holds an error, not an answer" in error and "overloaded" in error) if "error" in body \
        else "holds no answer" in error
    # the server is well again: the retried task asks it (nothing bad was cached) and gets the answer
    s = run_llm(server, tmp_path, limit=1, resume=True, retry_errors=True, agent_args={"retries": 1})
    assert not s.errors and server.requests == 3
    rec = read_predictions(tmp_path / "r" / "predictions.jsonl")["100"]
    assert rec.script == GOOD and rec.extra["usage"]["cached"] is False


def test_an_empty_answer_in_the_cache_is_asked_again(tmp_path):
    """Older versions cached a server's empty 200 replies as the model's answer: those are not replayed."""
    from agents.cache import ResponseCache

    class Model:
        model, endpoint, calls = "m", "e", 0

        def complete(self, messages, *, temperature=0.0, max_tokens=512):
            self.calls += 1
            return Completion(GOOD, 1, 1)

    cache = ResponseCache(tmp_path / "c.sqlite")
    model = Model()
    from agents.cache import cache_key

    cache.put(cache_key("m", "e", HI, {"temperature": 0.0, "max_tokens": 512}), {"text": ""})
    cached = CachedBackend(model, cache)
    assert cached.complete(HI).text == GOOD and model.calls == 1
    assert cached.complete(HI).cached and model.calls == 1  # a real answer is served from the cache


def test_an_answer_with_half_an_emoji_is_cached_and_served_exactly(tmp_path):
    """A server's JSON can carry a lone surrogate escape ("\\ud83d", half an emoji cut by a token limit): the answer
    is cached and served back as it came, and the prompt that asked it (say, OCR text) keys the cache as any other."""
    from agents.cache import ResponseCache, cache_key

    class Model:
        model, endpoint, calls = "m", "e", 0

        def complete(self, messages, *, temperature=0.0, max_tokens=512):
            self.calls += 1
            return Completion('pyautogui.write("a\ud83d")', 1, 1)

    asked = [{"role": "user", "content": "type \ud83d"}]
    cached = CachedBackend(Model(), ResponseCache(tmp_path / "c.sqlite"))
    assert cached.complete(asked).text == 'pyautogui.write("a\ud83d")'
    again = cached.complete(asked)
    assert again.cached and again.text == 'pyautogui.write("a\ud83d")'
    # keys of valid text are the bytes they always were: caches written by earlier versions still answer
    import hashlib

    blob = json.dumps({"model": "m", "endpoint": "e", "messages": HI, "params": {}}, sort_keys=True, ensure_ascii=False)
    assert cache_key("m", "e", HI, {}) == hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------------------
# B: a 200 reply that is not a chat completion

NOT_COMPLETIONS = {
    "html page": send(b"<html><body>Bad Gateway from proxy</body></html>", ctype="text/html"),
    "json list": send([1, 2, 3]),
    "not utf-8": send(json.dumps(completion("XXX")).encode().replace(b"XXX", b"caf\xe9 \xff")),
    "no message": send({"choices": [{"index": 0}]}),
}


@pytest.mark.parametrize("reply", NOT_COMPLETIONS.values(), ids=NOT_COMPLETIONS.keys())
def test_a_reply_that_is_not_a_chat_completion_is_retried_then_named(server, reply):
    server.plan = [reply]
    b = backend(server)
    assert b.complete(HI).text == GOOD and b.attempts == 2  # a transient proxy page, retried like a 5xx

    server.plan = [reply] * 2
    with pytest.raises(BackendError) as e:
        backend(server, retries=1).complete(HI)
    message = str(e.value)
    assert "failed after 2 attempt(s): the server's reply was not a valid chat completion: " in message
    assert "AttributeError" not in message and "UnicodeDecodeError" not in message


def test_the_bad_reply_is_quoted_short_with_control_characters_escaped(server):
    page = b"<html>\x1b[31mBad Gateway\x1b[0m\r\n" + b"x" * 500 + b"</html>"
    server.plan = [send(page, ctype="text/html")]
    with pytest.raises(BackendError) as e:
        backend(server, retries=0).complete(HI)
    message = str(e.value)
    assert "<html>\\x1b[31mBad Gateway\\x1b[0m\\r\\nxxx" in message and "\x1b" not in message
    assert "x" * 120 not in message and message.endswith("...")


def test_an_http_error_body_is_quoted_short_with_control_characters_escaped(server, tmp_path):
    # A 400 whose error message is 5 MB of terminal escapes: it was stored whole with every task, and printed.
    body = {"error": {"message": "\x1b[2J\x1b[31mBOOM\x1b]0;pwned\x07" + "x" * 5_000_000, "type": "invalid"}}
    server.plan = [send(body, status=400)]
    with pytest.raises(BackendError) as e:
        backend(server, retries=0).complete(HI)
    message = str(e.value)
    assert "HTTP 400: Error code: 400 - " in message and "\\x1b[2J\\x1b[31mBOOM\\x1b]0;pwned\\x07xx" in message
    assert "\x1b" not in message and "\x07" not in message and message.endswith("...") and len(message) < 500


# --------------------------------------------------------------------------------------------------------
# C: usage the server wrote oddly


def test_usage_that_is_not_a_count_costs_the_count_not_the_answer(server, tmp_path):
    usage = {"prompt_tokens": "n/a", "completion_tokens": 5.5, "total_tokens": -3}
    server.plan = [send(completion(usage=usage))]
    s = run_llm(server, tmp_path, limit=1)
    assert not s.errors
    rec = read_predictions(tmp_path / "r" / "predictions.jsonl")["100"]
    assert rec.script == GOOD
    assert rec.extra["usage"]["prompt_tokens"] == 0 and rec.extra["usage"]["completion_tokens"] == 6

    server.plan = [send(completion(usage={"prompt_tokens": "1000", "completion_tokens": -4})),
                   send(completion(usage=[1, 2]))]
    b = backend(server)
    c = b.complete(HI)
    assert (c.text, c.prompt_tokens, c.completion_tokens) == (GOOD, 1000, 0)
    c = b.complete(HI)
    assert (c.text, c.prompt_tokens, c.completion_tokens) == (GOOD, 0, 0)


def test_a_usage_count_beyond_belief_is_no_count_and_the_run_records_the_answer(server, tmp_path):
    # 10**30 tokens: the run store could not keep the count, and the run stopped (and stopped again on --resume).
    server.plan = [send(completion(usage={"prompt_tokens": 10**30, "completion_tokens": 2**63}))] * 6
    s = run_llm(server, tmp_path)
    assert not s.errors and s.n_done == 6
    rec = read_predictions(tmp_path / "r" / "predictions.jsonl")["100"]
    assert rec.script == GOOD
    assert (rec.extra["usage"]["prompt_tokens"], rec.extra["usage"]["completion_tokens"]) == (0, 0)


def test_the_run_store_keeps_a_count_it_cannot_hold_as_0(tmp_path):
    from omniact.store import RunStore, TaskResult

    with RunStore(tmp_path / "run.sqlite") as store:  # an agent's own accounting, past a 64-bit integer
        store.record(TaskResult(task_id="1", script="pyautogui.press('a')", prompt_tokens=10**30, completion_tokens=7))
        (got,) = store.results()
    assert (got.script, got.prompt_tokens, got.completion_tokens) == ("pyautogui.press('a')", 0, 7)


# --------------------------------------------------------------------------------------------------------
# D: one deadline per attempt


@pytest.mark.parametrize("reply", [drip, hang], ids=["a byte at a time", "no answer"])
def test_a_slow_server_is_given_up_on_at_the_deadline_and_tried_once_more(server, reply):
    server.plan = [reply] * 5
    b = backend(server, timeout=0.5)  # retries=4, as by default
    with pytest.raises(BackendError) as e:
        b.complete(HI)
    assert b.attempts == 2 and server.requests == 2
    assert "failed after 2 attempt(s): " in str(e.value)
    if reply is drip:
        assert "no complete reply within timeout=0.5 s" in str(e.value)



def test_the_deadline_reads_the_same_whichever_side_sees_it_first(server):
    """The reading thread checks the deadline between chunks; when it gets there before the waiting side wakes up
    (a loaded machine), the task's error still says what the timeout was, not an internal 'deadline passed'."""
    import time

    from agents.backends import _Transient

    server.plan = [drip]
    b = backend(server, timeout=2)
    with pytest.raises(_Transient) as e:
        b._fetch(HI, 0.0, 16, time.monotonic() - 1)  # the reading side, past its deadline at the first chunk
    assert str(e.value) == "no complete reply within timeout=2 s"

def test_an_abandoned_request_answering_late_never_becomes_an_answer(server):
    server.plan = [late("pyautogui.click(1, 1)", after=3.0)]
    b = backend(server, timeout=1.5)  # room for the second attempt's answer on a loaded machine
    assert b.complete(HI).text == GOOD  # the second attempt's answer
    assert b.complete(HI).text == GOOD  # and the first one's late answer does not turn up later either


def test_a_slow_server_fails_the_task_not_the_run(server, tmp_path):
    server.plan = [drip] * 2
    # 2 s: long enough for the good reply on a loaded machine (0.5 s timed it out in a full parallel suite)
    s = run_llm(server, tmp_path, limit=2, workers=1, agent_args={"timeout": 2})
    assert s.errors == {"exception": 1}
    assert "no complete reply within timeout=2 s" in error_of(tmp_path, "100")
    assert read_predictions(tmp_path / "r" / "predictions.jsonl")["101"].script == GOOD


def test_a_task_given_up_on_makes_no_more_attempts(server):
    from omniact.agent import _cancel_scope

    cancel = threading.Event()

    def give_up_then_fail(h: BaseHTTPRequestHandler) -> None:
        cancel.set()  # the task's --task-timeout passes during its first attempt
        send({"error": {"message": "busy"}}, 503)(h)

    server.plan = [give_up_then_fail]
    with _cancel_scope(cancel), pytest.raises(BackendError, match=r"given up on \(timed out\) after 1 attempt"):
        backend(server).complete(HI)  # retries=4: a 503 is retried, but nobody would read the answer
    assert server.requests == 1


# --------------------------------------------------------------------------------------------------------
# E: Retry-After


def test_retry_after_is_read_in_seconds_and_as_a_date():
    now = 1_700_000_000.0
    assert retry_after_seconds("3") == 3.0 and retry_after_seconds(" 2.5 ") == 2.5
    assert retry_after_seconds(email.utils.formatdate(now + 4, usegmt=True), now=now) == 4.0
    assert retry_after_seconds(email.utils.formatdate(now - 60, usegmt=True), now=now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds("nan") is None


def test_a_retry_after_date_is_waited_for_up_to_max_backoff(server):
    b = backend(server, backoff=0.01, max_backoff=2.0)

    def delay(value: str) -> float:
        e = SimpleNamespace(response=SimpleNamespace(headers={"retry-after": value}))
        return b._delay(e, 0)  # type: ignore[arg-type]

    import time

    assert 0.5 < delay(email.utils.formatdate(time.time() + 60, usegmt=True)) <= 2.0 * 1.1
    assert delay(email.utils.formatdate(time.time() + 3600, usegmt=True)) >= 2.0  # capped, not ignored
    assert delay("Someday") < 0.5  # unreadable: the plain backoff


# --------------------------------------------------------------------------------------------------------
# F: a key echoed back


def test_a_key_the_server_echoes_is_not_recorded_or_printed(server, tmp_path, capsys):
    server.plan = [echo_key(401)]
    with pytest.raises(UserError) as e:  # a refused key: every task would fail alike, so the run stops
        backend(server).complete(HI)
    assert KEY not in str(e.value) and "Invalid key: Bearer ***" in str(e.value)
    assert "refused the API key (HTTP 401" in str(e.value) and "--agent-arg api_key" in str(e.value)

    def page(h: BaseHTTPRequestHandler) -> None:  # a 200 error page that quotes it
        send(f"<html>denied for {h.headers.get('Authorization')}</html>".encode(), ctype="text/html")(h)

    server.plan = [page]
    with pytest.raises(BackendError) as e:
        backend(server, retries=0).complete(HI)
    assert KEY not in str(e.value) and "denied for Bearer ***" in str(e.value)

    server.plan = [send(completion(GOOD)), echo_key(401)]  # the key is revoked after the first task
    with pytest.raises(UserError) as e:
        run_llm(server, tmp_path, limit=2, workers=1, progress=False)
    assert str(e.value).startswith("the run stopped: ") and "Bearer ***" in str(e.value)
    out = tmp_path / "r"
    for f in out.iterdir():
        assert KEY.encode() not in f.read_bytes(), f.name
    with sqlite3.connect(out / "run.sqlite") as db:
        assert not any(KEY in str(row) for row in db.execute("SELECT * FROM results"))
    captured = capsys.readouterr()
    assert KEY not in captured.out + captured.err + str(e.value)


def test_a_password_in_base_url_is_not_recorded_or_printed(server, tmp_path, capsys):
    """base_url=http://user:PASSWORD@host/v1 (a proxy's credentials): the manifest's arguments and command line,
    each failed task's error, the one line a run stops with and the terminal show the URL without them."""
    import base64
    import sys

    password = "pw-Secret-4711"
    url = server.url.replace("http://", f"http://alice:{password}@")

    def refuse(h: BaseHTTPRequestHandler) -> None:
        send(b'{"error": {"message": "no"}}', status=500)(h)

    server.plan = [refuse] * 40
    argv = sys.argv
    sys.argv = ["omniact", "run", "--agent", "llm", "--agent-arg", f"base_url={url}"]
    try:
        run_llm(server, tmp_path, workers=1, progress=False, agent_args={"base_url": url, "retries": "0"})
        server.plan = [echo_key(401)]  # a refused key stops the run in one line
        with pytest.raises(UserError) as e:
            run_llm(server, tmp_path, out="r2", workers=1, progress=False, agent_args={"base_url": url})
    finally:
        sys.argv = argv
    basic = base64.b64encode(f"alice:{password}".encode()).decode()  # the Authorization the server echoes
    assert password not in str(e.value) and "alice" not in str(e.value) and basic not in str(e.value)
    assert server.url in str(e.value)  # the server is still named, so the user knows which one it was
    out = tmp_path / "r"
    for f in out.iterdir():
        assert password.encode() not in f.read_bytes(), f.name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["agent_args"]["base_url"].startswith("http://***@127.0.0.1:")
    assert any("base_url=http://***@127.0.0.1:" in a for a in manifest["command"])
    assert "HTTP 500" in error_of(tmp_path) and password not in error_of(tmp_path)
    captured = capsys.readouterr()
    assert password not in captured.out + captured.err

def test_a_model_the_server_does_not_have_stops_the_run_at_once(server, tmp_path):
    def not_found(h: BaseHTTPRequestHandler) -> None:
        send(b'{"error": {"message": "The model m does not exist"}}', status=404)(h)

    server.plan = [not_found] * 3
    with pytest.raises(UserError, match=r"answered HTTP 404 .*does not exist.*check --agent-arg model"):
        run_llm(server, tmp_path, limit=3, workers=1, progress=False)
    assert server.requests == 1  # neither retried nor tried on the other tasks


# --------------------------------------------------------------------------------------------------------
# G: reasoning models' thinking


def test_calls_tried_out_while_thinking_are_not_the_answer():
    assert extract_script(f"<think>maybe pyautogui.click(1, 1)</think>\n{GOOD}") == GOOD
    fenced = "```python\npyautogui.click(1, 1)\n```"
    assert extract_script(f"<think>I could do\n{fenced}\nbut no.</think>\n```python\n{GOOD}\n```") == GOOD
    # the template opened the block in the prompt: only its end is in the answer
    assert extract_script(f"so pyautogui.click(1, 1)? No.\n</think>\n\n{GOOD}") == GOOD
    # cut off while thinking: no answer came
    assert extract_script("<think>first pyautogui.click(1, 1), then") == ""
    assert extract_script(f"<THINKING>pyautogui.click(1, 1)</THINKING>{GOOD}") == GOOD


# --------------------------------------------------------------------------------------------------------
# H: tool calls and answers cut off


def test_tool_calls_and_cut_off_answers_are_named_as_such(server, tmp_path):
    calls = [{"id": "c1", "type": "function", "function": {"name": "run", "arguments": "{}"}}]
    server.plan = [send(completion(None, tool_calls=calls, finish="tool_calls")),
                   send(completion("<think>Let me look at the screen. The button", finish="length")),
                   send(completion(GOOD, finish="length"))]
    s = run_llm(server, tmp_path, limit=3, workers=1, agent_args={"max_tokens": 64})
    assert s.errors == {"parse": 2}
    assert error_of(tmp_path, "100") == "no script in the answer: the model answered with tool calls, not text"
    assert "cut off at max_tokens=64 before any script" in error_of(tmp_path, "101")
    # a script in an answer cut off is kept, with a note that it may be incomplete
    kept = read_predictions(tmp_path / "r" / "predictions.jsonl")["102"]
    assert kept.script == GOOD and "error" not in kept.extra
    assert kept.extra["note"].startswith("the answer was cut off at max_tokens=64")


def test_workers_opening_a_new_response_cache_together_all_get_it(tmp_path):
    # Two connections switching a new file to WAL at once: SQLite told one "database is locked" without waiting, and
    # a --workers 2 run failed to start its agent (about one new cache in 15).
    from agents.cache import ResponseCache

    def open_and_write(path: Path, k: int, start: threading.Barrier, errors: list[BaseException]) -> None:
        start.wait()
        try:
            ResponseCache(path).put(f"k{k}", {"text": "pyautogui.click(1, 2)"})
        except Exception as e:  # noqa: BLE001 - collected: the assertion below names it
            errors.append(e)

    for rep in range(100):
        path = tmp_path / f"c{rep}.sqlite"
        errors: list[BaseException] = []
        start = threading.Barrier(8)
        threads = [threading.Thread(target=open_and_write, args=(path, k, start, errors)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[0]
        assert len(ResponseCache(path)) == 8


def test_a_key_refused_on_the_first_task_says_nothing_was_kept_not_how_to_resume(server, tmp_path):
    """The folder of a run that recorded nothing is removed: "finished tasks are saved ... --resume" sent the user
    to resume a run that was not there."""
    server.plan = [echo_key(401)]
    with pytest.raises(UserError) as e:
        run_llm(server, tmp_path, limit=2, workers=1, progress=False)
    assert str(e.value).startswith("the run stopped before any task finished, and nothing was kept: ")
    assert "--resume" not in str(e.value) and not (tmp_path / "r").exists()


def test_a_key_of_exactly_8_characters_from_the_environment_is_not_recorded(server, monkeypatch):
    """The README promises a key of 8 characters or more is redacted wherever it appears: one of exactly 8 was not."""
    monkeypatch.setenv("OPENAI_API_KEY", "k8chars1")
    server.plan = [echo_key(400)]
    with pytest.raises((UserError, BackendError)) as e:
        backend(server, api_key="", retries=0).complete(HI)
    assert "k8chars1" not in str(e.value) and "Bearer ***" in str(e.value)
