"""The llm and vlm agents against an OpenAI-compatible server started by the test (no network)."""

from __future__ import annotations

import base64
import io
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from http_fixture import serving

from omniact.dataset import load_split
from omniact.predictions import read_predictions
from omniact.runner import run

RUNNER = Path(__file__).resolve().parent.parent / "runner"
DATA = RUNNER / "fixtures" / "data"
sys.path.insert(0, str(RUNNER))
from runner_test_agents import ANSWERS  # noqa: E402 - importable once tests/runner is on sys.path

GOALS = {t.goal: t.id for t in load_split(DATA, "test").tasks}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.plan: list[int] = []  # statuses to answer before the next 200s
        self.served: dict = {}  # reply fields naming what served the answer (by default the model asked for)
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


def _answer(body: dict) -> str:
    user = body["messages"][-1]["content"]
    scale = 1.0
    if isinstance(user, list):
        from PIL import Image

        url = next(p["image_url"]["url"] for p in user if p["type"] == "image_url")
        with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as im:
            width = im.width
        text = "\n".join(p["text"] for p in user if p["type"] == "text")
        task_id = GOALS[re.search(r"Task: (.*)\nOutput Script:$", text).group(1)]
        full = load_split(DATA, "test")[task_id].screen.width
        scale = width / full
    else:
        task_id = GOALS[re.search(r"Task: (.*)\nOutput Script:$", user).group(1)]
    lines = []
    for line in ANSWERS[task_id].splitlines():  # answer in the coordinates of the image the model saw
        m = re.match(r"pyautogui\.click\(([\d.]+),([\d.]+)\)", line)
        if m:
            line = f"pyautogui.click({float(m.group(1)) * scale:.1f}, {float(m.group(2)) * scale:.1f})"
        lines.append(line)
    return "Here is the script:\n```python\n" + "\n".join(lines) + "\n```\nThis should do it."


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with server.lock:
            server.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
            status = server.plan.pop(0) if server.plan else 200
        if status != 200:
            payload = json.dumps({"error": {"message": f"status {status}", "type": "x"}}).encode()
        else:
            payload = json.dumps({
                "id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": _answer(body)}}],
                "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
                **server.served}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture()
def server():
    with serving(_Server()) as s:
        yield s


def _args(server, tmp_path, **kw):
    args = {"base_url": server.url, "model": "tiny-test", "api_key": "sk-test", "backoff": "0.01",
            "cache_path": str(tmp_path / "cache.sqlite")}
    args.update(kw)
    return args


def test_llm_prompt_shape_retries_tokens_cost_and_cache(server, tmp_path):
    server.plan = [429, 500]  # the first call is rate-limited, then the server fails once
    args = _args(server, tmp_path, price_prompt="1.0", price_completion="2.0")
    s = run("llm", agent_args=args, out=tmp_path / "r", data=DATA, workers=2)
    assert not s.errors
    assert s.scores["strict"]["action_score"] == 1.0 and s.scores["reference"]["action_score"] == 1.0
    assert len(server.requests) == 6 + 2  # two retried calls
    assert s.prompt_tokens == 600 and s.completion_tokens == 60
    assert s.cost == pytest.approx((600 * 1.0 + 60 * 2.0) / 1e6)

    req = next(r for r in server.requests if "Task: Create a new note\n" in r["messages"][1]["content"])
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer sk-test"
    assert req["model"] == "tiny-test" and req["temperature"] == 0.0 and req["max_tokens"] == 512
    system, user = req["messages"]
    assert system["role"] == "system" and "PyAutoGUI" in system["content"]
    assert user["role"] == "user" and user["content"].endswith("Task: Create a new note\nOutput Script:")
    assert "pyautogui.click(x, y, clicks=1" in user["content"]  # stubs from the action table
    # five train examples, the most similar goal first (MiniLM cosine)
    examples = re.findall(r"^Task: (.*)$", user["content"], re.MULTILINE)[:-1]
    assert len(examples) == 5 and examples[0] == "Make a new note"
    assert "Task: Make a new note\nOutput Script:\npyautogui.click(40.0,20.0)" in user["content"]
    # the screen's elements, as the paper writes them
    for line in ('"New Note": <x: 40, y: 20>', "Icon: Share: <x: 280, y: 20>", "Color: Yellow: <x: 160, y: 115>"):
        assert line in user["content"].splitlines()

    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["agent_args"]["api_key"] == "***" and manifest["agent_args"]["model"] == "tiny-test"
    assert manifest["usage"]["prompt_tokens"] == 600 and manifest["uses_gold"] is False
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    assert preds["104"].extra["model"] == "tiny-test" and preds["104"].extra["usage"]["prompt_tokens"] == 100

    # a rerun is answered from the cache: no request, no cost, same predictions
    n = len(server.requests)
    s2 = run("llm", agent_args=args, out=tmp_path / "r2", data=DATA)
    assert len(server.requests) == n and s2.cost == 0 and s2.scores == s.scores
    assert read_predictions(tmp_path / "r2" / "predictions.jsonl")["104"].extra["usage"]["cached"] is True
    # --no-cache asks again
    run("llm", agent_args=args, out=tmp_path / "r3", data=DATA, cache=False)
    assert len(server.requests) == n + 6


def test_server_errors_after_retries_and_bad_requests_are_recorded_not_raised(server, tmp_path):
    server.plan = [500, 500, 400]
    args = _args(server, tmp_path, retries="1", n_examples="0")
    s = run("llm", agent_args=args, out=tmp_path / "r", data=DATA, limit=2)
    assert s.errors == {"exception": 2}
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    assert "HTTP 500" in preds["100"].extra["error"] and "2 attempt" in preds["100"].extra["error"]
    assert "HTTP 400" in preds["101"].extra["error"] and "1 attempt" in preds["101"].extra["error"]
    assert len(server.requests) == 3


def test_vlm_sends_the_resized_screenshot_and_maps_coordinates_back(server, tmp_path):
    from PIL import Image

    args = _args(server, tmp_path, max_side="160", n_examples="0")
    s = run("vlm", agent_args=args, out=tmp_path / "r", data=DATA)
    assert not s.errors
    assert s.scores["strict"]["action_score"] == 1.0
    req = next(r for r in server.requests if "Task: Create a new note\n" in r["messages"][1]["content"][-1]["text"])
    parts = req["messages"][1]["content"]
    image = next(p for p in parts if p["type"] == "image_url")["image_url"]["url"]
    assert image.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1]))) as im:
        assert im.size == (160, 100)  # 320x200 screenshot, longer side 160
    text = parts[-1]["text"]
    assert '"New Note": <x: 20, y: 10>' in text.splitlines()  # elements in the resized image's pixels
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    assert preds["104"].script == "pyautogui.click(70.0, 200.0)"  # mapped back to screenshot pixels


def test_an_answer_without_a_script_is_a_parse_error(server, tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "_answer", lambda body: "I am sorry, I cannot see the screen.")
    s = run("llm", agent_args=_args(server, tmp_path, n_examples="0"), out=tmp_path / "r", data=DATA, limit=1)
    assert s.errors == {"parse": 1}
    for mode in ("reference", "strict"):  # the answer is kept as given, scored, and counted as a parse error
        got = s.scores[mode]
        assert (got["n_scored"], got["n_parse_errors"], got["sequence_score"], got["action_score"]) == (1, 1, 0, 0)
    rec = read_predictions(tmp_path / "r" / "predictions.jsonl")["100"]
    assert rec.extra["error_kind"] == "parse"
    assert rec.script == "I am sorry, I cannot see the screen."
    assert rec.extra["error"].startswith("script does not parse: line 1, ")


def _refused_url() -> str:
    """A local URL where nothing listens: the port was just free, so a connection there is refused at once."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_a_server_that_refuses_connections_is_tried_twice_not_five_times():
    from agents.backends import BackendError, OpenAIBackend

    url = _refused_url()
    backend = OpenAIBackend("m", base_url=url, api_key="k", backoff=0.01)  # retries=4, as by default
    with pytest.raises(BackendError) as e:
        backend.complete([{"role": "user", "content": "hi"}])
    assert backend.attempts == 2
    assert str(e.value).startswith(f"cannot connect to {url}: ") and "Connection refused" in str(e.value)


def test_an_unreachable_server_ends_the_run_with_one_line_naming_it(tmp_path, monkeypatch):
    from omniact import runner

    url = _refused_url()
    args = {"base_url": url, "model": "m", "n_examples": "0", "cache_path": str(tmp_path / "cache.sqlite")}
    # too few tasks to fail fast: the run completes, and its summary says what the errors were
    s = run("llm", agent_args=args, out=tmp_path / "few", data=DATA, limit=2, workers=2)
    assert s.errors == {"exception": 2}
    example = s.error_examples["exception"]
    assert example.startswith(f"BackendError: cannot connect to {url}: ") and len(example) <= 120
    manifest = json.loads((tmp_path / "few" / "manifest.json").read_text())
    assert manifest["error_examples"] == dict(s.error_examples)
    # the same error on every one of the first tasks: the run stops, in one line that names the cause
    monkeypatch.setattr(runner, "FAIL_FAST", 3)
    with pytest.raises(runner.UserError) as e:
        run("llm", agent_args=args, out=tmp_path / "r", data=DATA, workers=2)
    message = str(e.value)
    assert message.startswith(f"the first 3 tasks all failed with: BackendError: cannot connect to {url}: ")
    assert "Connection refused" in message and "\n" not in message


def test_the_manifest_names_the_server_model_its_settings_and_examples_never_the_key(server, tmp_path):
    from agents.prompt import template_sha256

    args = _args(server, tmp_path, api_key="sk-live-0123456789abcdef", max_tokens="300", temperature="0.2")
    args["base_url"] = server.url.replace("http://", "http://user:pw@") + "?key=sk-live-0123456789abcdef"
    run("llm", agent_args=args, out=tmp_path / "r", data=DATA, limit=1)
    d = json.loads((tmp_path / "r" / "manifest.json").read_text())["agent_description"]
    assert "sk-live-0123456789abcdef" not in json.dumps(d) and "pw@" not in json.dumps(d)
    assert d["backend"] == {"kind": "openai", "base_url": server.url, "model": "tiny-test", "timeout": 60.0,
                            "retries": 4}
    assert d["generation"] == {"temperature": 0.2, "max_tokens": 300, "greedy": False}
    assert d["prompt"] == {"template_sha256": template_sha256(), "max_elements": 200, "n_examples": 5,
                           "examples_split": "train", "examples_sha256": load_split(DATA, "train").sha256,
                           "selected_by": "all-MiniLM-L6-v2"}


def test_detact_describes_its_pipeline_and_the_llm_that_plans(server, tmp_path):
    run("detact", agent_args={"embeddings": "false"}, out=tmp_path / "h", data=DATA, limit=1)
    d = json.loads((tmp_path / "h" / "manifest.json").read_text())["agent_description"]
    assert d == {"detect": "auto", "ocr": "rapidocr", "icons": True, "icon_threshold": 0.85, "top_k": 20,
                 "embeddings": False, "planner": "heuristic", "llm": None}
    args = {"llm": "openai", "embeddings": "false", "top_k": "5", "n_examples": "0",
            **{k: v for k, v in _args(server, tmp_path).items() if k != "backoff"}}
    run("detact", agent_args=args, out=tmp_path / "l", data=DATA, limit=1)
    d = json.loads((tmp_path / "l" / "manifest.json").read_text())["agent_description"]
    assert d["planner"] == "openai" and d["top_k"] == 5
    assert d["llm"]["backend"]["model"] == "tiny-test" and d["llm"]["prompt"]["n_examples"] == 0


def test_detact_records_what_the_server_says_served_its_planner(server, tmp_path):
    server.served = {"model": "tiny-test-2026-01-01", "system_fingerprint": "fp_0123abcd"}
    args = {"llm": "openai", "embeddings": "false", "n_examples": "0",
            **{k: v for k, v in _args(server, tmp_path).items() if k != "backoff"}}
    run("detact", agent_args=args, out=tmp_path / "l", data=DATA, limit=1)
    extra = read_predictions(tmp_path / "l" / "predictions.jsonl")["100"].extra
    assert (extra["served_model"], extra["system_fingerprint"]) == ("tiny-test-2026-01-01", "fp_0123abcd")


def test_the_record_names_what_the_server_says_served_each_answer_cached_or_not(server, tmp_path):
    # asked for an alias, the server answers from a dated model; a proxy may route elsewhere altogether
    server.served = {"model": "tiny-test-2026-01-01", "system_fingerprint": "fp_0123abcd"}
    args = _args(server, tmp_path, n_examples="0")
    run("llm", agent_args=args, out=tmp_path / "r", data=DATA, limit=2)
    server.served = {"model": "tiny-test-2026-02-02", "system_fingerprint": "fp_4567\u001b[2J"}
    run("llm", agent_args=args, out=tmp_path / "r", data=DATA, resume=True)  # the description is the same
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    assert preds["100"].extra["model"] == "tiny-test"  # what was asked for
    assert preds["100"].extra["served_model"] == "tiny-test-2026-01-01"
    assert preds["100"].extra["system_fingerprint"] == "fp_0123abcd"
    assert preds["105"].extra["served_model"] == "tiny-test-2026-02-02"
    assert preds["105"].extra["system_fingerprint"] == "fp_4567\\x1b[2J"  # no terminal control from a reply
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["served"] == {"served_model": {"tiny-test-2026-02-02": 4, "tiny-test-2026-01-01": 2},
                                  "system_fingerprint": {"fp_4567\\x1b[2J": 4, "fp_0123abcd": 2}}
    assert manifest["sessions"] == 2
    # a cached answer names what served it when it was asked; a server that names nothing, nothing
    server.served = {"model": None}
    n = len(server.requests)
    run("llm", agent_args=args, out=tmp_path / "again", data=DATA, limit=1)
    run("llm", agent_args={**args, "max_tokens": "100"}, out=tmp_path / "fresh", data=DATA, limit=1)
    assert len(server.requests) == n + 1
    cached = read_predictions(tmp_path / "again" / "predictions.jsonl")["100"].extra
    assert cached["usage"]["cached"] and cached["served_model"] == "tiny-test-2026-01-01"
    fresh = read_predictions(tmp_path / "fresh" / "predictions.jsonl")["100"].extra
    assert "served_model" not in fresh and "system_fingerprint" not in fresh
    assert "served" not in json.loads((tmp_path / "fresh" / "manifest.json").read_text())


@pytest.mark.parametrize("arg, value, says", [
    ("examples_split", "trian", "examples_split='trian': "),
    ("n_examples", "-3", "n_examples must be a whole number, 0 or more, not -3"),
    ("max_elements", "-1", "max_elements must be a whole number, 0 or more, not -1"),
])
def test_a_mistyped_examples_split_or_a_negative_count_stops_the_run_in_one_line(server, tmp_path, arg, value, says):
    """A split name typed wrong ran every task with no in-context examples, and n_examples=-3 ran as 0."""
    from omniact.errors import UserError

    with pytest.raises(UserError, match=re.escape(says)):
        run("llm", agent_args={**_args(server, tmp_path), arg: value}, out=tmp_path / "r", data=DATA)
    assert server.requests == []


@pytest.mark.parametrize("agent", ["llm", "detact"])
def test_in_context_examples_from_the_split_being_run_are_refused_before_any_task(server, tmp_path, agent,
                                                                                  monkeypatch):
    """Drawn from the split the run scores, the examples held each task's own answer under another phrasing of its
    goal, and the run scored it as the agent's own work (uses_gold: false)."""
    import numpy as np

    import agents.llm
    import agents.prompt
    from omniact.errors import UserError

    # (any sentence encoder will do here, and MiniLM takes seconds to load; the examples' embeddings are its own)
    monkeypatch.setattr(agents.prompt, "_encode", lambda texts: np.ones((len(texts), 4), np.float32))
    monkeypatch.setattr(agents.llm, "_SELECTORS", {})
    monkeypatch.setenv("OMNIACT_CACHE_DIR", str(tmp_path / "cache"))

    args = {**_args(server, tmp_path), "examples_split": "test"}
    if agent == "detact":
        args = {**args, "llm": "openai", "embeddings": "false", "detect": "never"}
    with pytest.raises(UserError, match="examples_split='test' is the split of the tasks being run"):
        run(agent, agent_args=args, out=tmp_path / "r", data=DATA, split="test")
    assert server.requests == [] and not (tmp_path / "r").exists()
    # the same examples for a run of another split are the agent's to use
    s = run(agent, agent_args=args, out=tmp_path / "r", data=DATA, split="train", limit=1)
    assert s.n_done == 1, s.error_examples
    assert server.requests, s.error_examples  # the model was asked


def test_max_elements_0_puts_no_element_in_the_prompt():
    from agents.prompt import format_elements
    from omniact.task import Detection

    assert format_elements([Detection("ocr", "Send", 1.0, 2.0)], limit=0) == []
    assert format_elements([Detection("ocr", "Send", 1.0, 2.0)] * 3, limit=2) == ['"Send": <x: 1, y: 2>'] * 2


def test_agents_prompt_prints_what_a_model_would_be_sent_without_calling_one(tmp_path, monkeypatch):
    """Seeing the prompt took a server (or reading the code): `agents --prompt` prints it, for llm and for detact's
    planner model alike, with the run's data set's examples."""
    import numpy as np
    from click.testing import CliRunner

    import agents.llm
    import agents.prompt
    from omniact.cli import main

    monkeypatch.setattr(agents.prompt, "_encode", lambda texts: np.ones((len(texts), 4), np.float32))
    monkeypatch.setattr(agents.llm, "_SELECTORS", {})
    monkeypatch.setenv("OMNIACT_CACHE_DIR", str(tmp_path / "cache"))
    unused = ["--agent-arg", "model=m", "--agent-arg", "base_url=http://127.0.0.1:9/v1"]  # never reached

    def prompt(*args):
        return CliRunner().invoke(main, ["agents", "--data", str(DATA), "--split", "test", *args])

    r = prompt("--prompt", "llm", *unused, "--task", "101", "--agent-arg", "n_examples=1")
    assert r.exit_code == 0, r.output
    head, system, user = r.output.split("\n## ")
    task = load_split(DATA, "test")["101"]
    assert head.startswith(f"# task 101: {task.goal}") and system.startswith("system\nYou are")
    train = {t.goal for t in load_split(DATA, "train").tasks}
    assert any(f"Task: {goal}\nOutput Script:" in user for goal in train)  # an example from the run's data
    assert user.endswith(f"Task: {task.goal}\nOutput Script:\n")
    r = prompt("--prompt", "detact", *unused, "--agent-arg", "llm=openai", "--agent-arg", "top_k=1",
               "--agent-arg", "embeddings=false", "--agent-arg", "detect=never", "--agent-arg", "n_examples=0")
    assert r.exit_code == 0, r.output
    assert r.output.split("The UI elements on the screen:\n")[1].count("<x: ") == 1  # the filter's top 1
    r = prompt("--prompt", "noop")
    assert r.exit_code == 2 and "has no prompt to show" in r.output
    r = prompt("--prompt", "llm", *unused, "--task", "1O1")
    assert r.exit_code == 2 and "no task '1O1' in split test (did you mean 101" in r.output
    # a prompt that cannot be built is one line, not the task's header on stdout and then the line
    r = CliRunner().invoke(main, ["agents", "--data", str(DATA), "--split", "train", "--prompt", "llm", *unused])
    assert r.exit_code == 2 and r.stdout == "", r.stdout
    assert r.stderr.startswith("omniact: examples_split='train' is the split of the tasks being run"), r.stderr


def test_openais_api_without_a_key_stops_the_run_at_once_with_one_line(monkeypatch, tmp_path):
    """Without OPENAI_API_KEY the llm agent sent every task to api.openai.com with the key "EMPTY" (refused, or
    unreachable offline) and stopped after ten failures with a generic line; a local server needs no key."""
    from click.testing import CliRunner

    from agents.backends import OpenAIBackend
    from omniact.cli import main

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    r = CliRunner().invoke(main, ["run", "--agent", "llm", "--agent-arg", "model=gpt-4o", "--agent-arg", "n_examples=0",
                                  "--split", "test", "--limit", "2", "--out", str(tmp_path / "r")])
    assert r.exit_code == 2, r.output
    last = r.output.rstrip().splitlines()[-1]
    assert "calls OpenAI's API, which needs a key: set OPENAI_API_KEY or give --agent-arg api_key=..." in last
    assert OpenAIBackend("m", base_url="http://127.0.0.1:9/v1").endpoint == "http://127.0.0.1:9/v1"  # no key needed
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key-123")
    assert OpenAIBackend("m").model == "m"
