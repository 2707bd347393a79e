"""`omniact replay`: every mode from the command line, JSON output, and user errors as one line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from omniact.cli import main
from omniact.sandbox.server import LoopbackServer

HERE = Path(__file__).parent
SUITE = HERE / "fixtures" / "suite"
PLAYGROUND = SUITE / "apps" / "playground" / "index.html"
PAGES = HERE / "fixtures" / "pages"
T = ["--task-timeout", "90"]


def invoke(*args: str):
    return CliRunner().invoke(main, ["replay", *args], catch_exceptions=False)


@pytest.mark.parametrize(("os_name", "value"), [("macos", "hello big world"), (None, "hello worldbig ")])
@pytest.mark.browser
def test_a_page_replayed_as_a_macos_app_takes_a_macs_option_keys(tmp_path, os_name, value):
    """--os macos: the page is a Mac desktop app (Option+Left moves a word left in its field); without, a web page in
    Linux Chromium, whose fields do nothing for Alt+Left, and where a browser's back is not the page's to take."""
    page = tmp_path / "field.html"
    page.write_text('<!doctype html><textarea id="t" style="position:absolute;left:0;top:0;width:400px;height:100px">'
                    "</textarea>")
    script = tmp_path / "s.py"
    script.write_text('pyautogui.click(100, 50)\npyautogui.write("hello world")\npyautogui.hotkey("option", "left")\n'
                      'pyautogui.write("big ")\n')
    args = ["--html", str(page), "--script", str(script), "--check", "document.getElementById('t').value", "--json",
            *T, *(["--os", os_name] if os_name else [])]
    r = invoke(*args)
    assert r.exit_code == 0, r.output
    result = json.loads(r.output)
    assert result["info"]["check_value"] == value and result["success"] is True
    said = [step["outcome"] for step in result["steps"]]
    # (on a web page Alt+Left is the browser's back: not the page's, said so, and not performed)
    assert said[2] == ("ok" if os_name else "unsupported: alt+left is a browser shortcut the page never receives")
    r = invoke("--task", "9", "--os", "macos")
    assert r.exit_code == 2 and r.output == "omniact: --os goes with --html or --url (a task's screen says its OS)\n"


@pytest.mark.parametrize(("os_name", "value"), [("macos", ""), ("linux", "paste-me")])
@pytest.mark.browser
def test_control_v_pastes_nothing_in_a_macos_app_even_on_a_page_it_navigated_to(tmp_path, os_name, value):
    """A Mac's text fields ignore Control+V (Command+V pastes): --os macos replays it so, on the page the first one
    sends the browser to as well; --os linux pastes."""
    (tmp_path / "start.html").write_text("<!doctype html><script>location.replace('field.html')</script>")
    (tmp_path / "field.html").write_text(
        '<!doctype html><input id="a" style="position:absolute;left:0;top:0;width:300px;height:40px">'
        '<input id="b" style="position:absolute;left:0;top:100px;width:300px;height:40px">')
    script = tmp_path / "s.py"
    script.write_text('pyautogui.sleep(1)\npyautogui.click(100, 20)\npyautogui.write("paste-me")\n'
                      'pyautogui.hotkey("command", "a")\npyautogui.hotkey("command", "c")\npyautogui.click(100, 120)\n'
                      'pyautogui.hotkey("ctrl", "v")\n')
    r = invoke("--html", str(tmp_path / "start.html"), "--script", str(script), "--check",
               "location.pathname.endsWith('field.html') && document.getElementById('b').value", "--json", *T,
               "--os", os_name)
    assert r.exit_code == 0, r.output
    result = json.loads(r.output)
    assert result["info"]["check_value"] == value
    assert [step["outcome"] for step in result["steps"]] == ["ok"] * 7


def test_user_errors_are_one_line_with_exit_2(tmp_path):
    bad = tmp_path / "s.py"
    bad.write_text("pyautogui.click(1, 2)\nimport os; os.remove('x')\n")
    r = invoke("--html", str(PLAYGROUND), "--script", str(bad))
    assert r.exit_code == 2 and f"{bad}:2:1:" in r.output
    r = invoke("--html", str(PLAYGROUND), "--url", "http://127.0.0.1:1/", "--script", str(bad))
    assert r.exit_code == 2 and "choose one of" in r.output
    ok = tmp_path / "ok.py"
    ok.write_text("pyautogui.click(1, 2)\n")
    r = invoke("--url", "http://example.com/", "--script", str(ok))
    assert r.exit_code == 2 and "127.0.0.1" in r.output
    r = invoke("--html", str(PLAYGROUND), "--script", str(ok), "--viewport", "huge")
    assert r.exit_code == 2 and "--viewport" in r.output
    r = invoke("--data", str(SUITE))
    assert r.exit_code == 2 and "--predictions" in r.output
    # a page takes a script only: the line must not suggest the agent it then refuses
    r = invoke("--html", str(PLAYGROUND))
    assert r.exit_code == 2 and r.output == "omniact: --html needs --script FILE\n"
    # URLs Python and Chromium read differently, or cannot read at all; timeouts that are not durations
    for url in ("http://[::1", "http://127.0.0.1:99999/", "http://127.0.0.1:abc/", "http://evil.com\\@127.0.0.1:1/",
                "http://me@127.0.0.1:1/"):
        r = CliRunner().invoke(main, ["replay", "--url", url, "--script", str(ok)])
        assert r.exit_code == 2 and r.output.startswith("omniact: --url must be http://127.0.0.1"), (url, r.output)
    for seconds in ("nan", "inf", "0", "-1"):
        r = CliRunner().invoke(main, ["replay", "--html", str(PLAYGROUND), "--script", str(ok), "--task-timeout", seconds])
        assert r.exit_code == 2 and "is not a number of seconds" in r.output, (seconds, r.output)


@pytest.mark.browser
def test_html_with_check_viewport_and_dpr_as_json(tmp_path):
    s = tmp_path / "s.py"
    s.write_text("pyautogui.click(200, 80)\npyautogui.click(340, 190)\npyautogui.write('hi')\n")
    r = invoke(
        "--html",
        str(PLAYGROUND),
        "--script",
        str(s),
        "--viewport",
        "1280x800",
        "--dpr",
        "2",
        "--check",
        "window.omni.state.count === 1 && window.omni.state.text === 'hi'",
        "--settle-ms",
        "50",
        "--json",
        *T,
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["success"] is True and [st["outcome"] for st in out["steps"]] == ["ok", "ok", "ok"]
    assert out["steps"][0]["point"] == [100.0, 40.0]


@pytest.mark.browser
def test_url_mode_waits_for_an_element_and_keeps_requests_on_the_origin(tmp_path):
    s = tmp_path / "s.py"
    s.write_text("")
    with LoopbackServer(PAGES) as server:
        r = invoke(
            "--url",
            server.url("external.html"),
            "--wait-for",
            "img",
            "--script",
            str(s),
            "--check",
            "window.omni.state.local === 'local content'",
            "--json",
            *T,
        )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["success"] is True
    assert any("example.org" in b for b in out["blocked_requests"])


@pytest.mark.browser
def test_split_with_predictions_reports_success_per_task(tmp_path):
    preds = tmp_path / "run.jsonl"
    preds.write_text(
        "\n".join(
            json.dumps(x)
            for x in [
                {"id": "101", "script": "pyautogui.click(100.0, 40.0)\npyautogui.click(100.0, 40.0)"},
                {"id": "102", "script": 'pyautogui.click(170.0, 95.0)\npyautogui.write("Ada")'},
                {"id": "103", "script": "this is not a script"},
            ]
        )
        + "\n"
    )
    out_dir = tmp_path / "out"
    r = invoke(
        "--data",
        str(SUITE),
        "--split",
        "test",
        "--predictions",
        str(preds),
        "--out",
        str(out_dir),
        "--workers",
        "1",
        "--json",
        *T,
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert (out["n_tasks"], out["n_success"], out["n_missing"], out["n_parse_errors"]) == (4, 2, 1, 1)
    assert out["success_rate"] == 0.5
    assert [t["task_id"] for t in out["tasks"]] == ["101", "102", "103", "104"]
    assert [t["success"] for t in out["tasks"]] == [True, True, False, False]
    assert json.loads((out_dir / "replay.json").read_text())["n_success"] == 2
    assert not list(out_dir.rglob("*.png"))  # step images of a split only on request
    # as text: a line per replayed task, and the tasks without a prediction counted once (a file that answers 3 of
    # 500 tasks must not print 497 lines of "no prediction")
    r = invoke("--data", str(SUITE), "--split", "test", "--predictions", str(preds), "--workers", "1", *T)
    assert r.exit_code == 0, r.output
    assert [line.split()[:2] for line in r.output.splitlines()[:3]] == [["PASS", "101"], ["PASS", "102"],
                                                                        ["FAIL", "103"]]
    assert "104" not in r.output and "2/4 tasks succeeded (50.0%), 1 without prediction" in r.output


@pytest.mark.browser
def test_a_split_writes_step_images_on_request(tmp_path):
    out_dir = tmp_path / "out"
    args = (
        "--data",
        str(SUITE),
        "--split",
        "test",
        "--agent",
        "oracle",
        "--limit",
        "1",
        "--workers",
        "1",
        *T,
    )
    r = invoke(*args, "--out", str(out_dir), "--step-images")
    assert r.exit_code == 0, r.output
    with Image.open(out_dir / "101" / "step_01.webp") as im:
        assert im.size == (1440, 900)  # the task's screenshot size (dpr 1)
    # where to look is printed, and one page links every task's steps
    assert f"step images: {out_dir / 'index.html'}" in r.output
    assert 'href="101/index.html"' in (out_dir / "index.html").read_text()
    assert "pyautogui.click(100.0, 40.0)" in (out_dir / "101" / "index.html").read_text()
    # readable on a phone (laid out at its width, not at 980 px and shrunk), with images described
    for page in (out_dir / "index.html", out_dir / "101" / "index.html"):
        text = page.read_text()
        assert 'name="viewport" content="width=device-width' in text and '<html lang="en">' in text, page
    assert 'alt="the screen after step 1"' in (out_dir / "101" / "index.html").read_text()
    r = invoke(*args, "--step-images")
    assert r.exit_code == 2 and "--out" in r.output
    # with --json the same files are written, and only the JSON is printed
    r = invoke(*args, "--out", str(tmp_path / "json"), "--step-images", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["tasks"][0]["task_id"] == "101"
    assert 'href="101/index.html"' in (tmp_path / "json" / "index.html").read_text()


@pytest.mark.browser
def test_a_second_split_replay_links_no_steps_of_the_first(tmp_path):
    out_dir = tmp_path / "out"
    args = ("--data", str(SUITE), "--split", "test", "--limit", "1", "--workers", "1", "--step-images",
            "--out", str(out_dir), *T)
    r = invoke(*args, "--agent", "oracle")
    assert r.exit_code == 0 and 'href="101/index.html"' in (out_dir / "index.html").read_text()
    # The same folder again, with an answer that does not parse: task 101 is not replayed this time, so the page
    # must not link the first replay's steps (which show the gold script succeeding), nor keep them.
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "101", "script": "pyautogui.click(("}) + "\n")
    r = invoke(*args, "--predictions", str(bad))
    assert r.exit_code == 0, r.output
    index = (out_dir / "index.html").read_text()
    assert "parse error" in index and "href=" not in index
    assert not list((out_dir / "101").glob("step_*")) and not (out_dir / "101" / "index.html").exists()


@pytest.mark.browser
def test_one_task_with_a_script_writes_step_images_and_a_table(tmp_path):
    s = tmp_path / "s.py"
    s.write_text("pyautogui.moveTo(120, 360)\npyautogui.dragTo(720, 400)\n")  # task 103 is dpr 2
    r = invoke("--data", str(SUITE), "--task", "103", "--script", str(s), "--out", str(tmp_path / "o"), *T)
    assert r.exit_code == 0, r.output
    assert r.output.startswith("PASS 103")
    assert (tmp_path / "o" / "103" / "step_02.webp").is_file()
    assert f"step images: {tmp_path / 'o' / '103' / 'index.html'}" in r.output


@pytest.mark.browser
def test_one_task_replays_where_tmpdir_names_no_usable_folder(tmp_path):
    """Python skips a TMPDIR it cannot write; the Playwright driver, given it as it was, could not start Chromium."""
    s = tmp_path / "s.py"
    s.write_text("pyautogui.moveTo(120, 360)\npyautogui.dragTo(720, 400)\n")  # task 103's answer (dpr 2)
    env = {**os.environ, "TMPDIR": str(tmp_path / "gone")}
    proc = subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", "replay", "--data", str(SUITE),
                           "--task", "103", "--script", str(s), *T], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    # the task passes: the browser started, each step was done and the page's check held (a FAIL of any kind, a
    # browser that did not start among them, was taken for a replay here)
    lines = proc.stdout.splitlines()
    assert re.fullmatch(r"PASS 103 \([0-9.]+s\)", lines[0]), proc.stdout
    assert [line.split()[:2] for line in lines[1:3]] == [["1", "ok"], ["2", "ok"]], proc.stdout


@pytest.mark.browser
def test_agent_oracle_replays_gold_scripts(tmp_path):
    pytest.importorskip("agents.oracle")
    r = invoke("--data", str(SUITE), "--agent", "oracle", "--workers", "1", "--json", *T)
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["n_success"] == out["n_tasks"] == 4 and out["source"] == "agent:oracle"


@pytest.mark.browser
def test_miniwob_script_reports_reward(tmp_path):
    s = tmp_path / "s.py"
    s.write_text("pyautogui.click(5, 5)\n")  # the query banner: no button, the episode goes on
    r = invoke("--miniwob", "click-button", "--seed", "3", "--script", str(s), "--json", *T)
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["reward"] == 0.0 and out["success"] is False and out["task_id"] == "miniwob/click-button/3"
    r = invoke("--miniwob", "click-buton", "--script", str(s))
    assert r.exit_code == 2 and "click-button" in r.output


AGENT = '''
class ClickCentre:
    """Clicks the middle of whatever screen it is shown."""

    def act(self, view):
        return f"pyautogui.click({view.width / 2}, {view.height / 2})"
'''


@pytest.mark.browser
def test_miniwob_suite_evaluates_an_agent_by_mean_reward(tmp_path):
    agent = tmp_path / "centre_agent.py"
    agent.write_text(AGENT)
    r = invoke(
        "--miniwob-suite",
        "--agent",
        f"{agent}:ClickCentre",
        "--miniwob-envs",
        "click-test,click-button",
        "--seeds",
        "0",
        "--workers",
        "1",
        "--json",
        *T,
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["n_episodes"] == 2 and set(out["per_env"]) == {"click-test", "click-button"}
    assert -1.0 <= out["mean_reward"] <= 1.0
    assert all(e["info"].get("utterance") for e in out["episodes"])
    assert out["episodes"][0]["steps"][0]["point"] == [80.0, 105.0]



NORMALIZED_AGENT = '''
import sys


class Centre:
    coordinates = "normalized"

    def act(self, view):
        return "pyautogui.click(0.5, 0.5)"


class Exits:
    def act(self, view):
        sys.exit(4)


class SetupBoom:
    def setup(self):
        raise RuntimeError("setup boom")

    def act(self, view):
        return ""
'''


@pytest.mark.browser
def test_miniwob_suite_asks_an_agent_as_a_single_episode_does(tmp_path):
    """The suite clicked a normalized agent's (0.5, 0.5) as pixels, and an agent's sys.exit ended the command
    silently; a setup() that raises was a traceback."""
    agent = tmp_path / "agent.py"
    agent.write_text(NORMALIZED_AGENT)
    suite = ("--miniwob-suite", "--miniwob-envs", "click-test", "--seeds", "0", "--workers", "1", "--json", *T)
    r = invoke(*suite, "--agent", f"{agent}:Centre")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["episodes"][0]["steps"][0]["point"] == [80.0, 105.0]  # (0.5, 0.5) of 160x210
    r = invoke(*suite, "--agent", f"{agent}:Exits")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["episodes"][0]["reason"].startswith("agent error: SystemExit: 4")
    r = invoke(*suite, "--agent", f"{agent}:SetupBoom")
    assert r.exit_code == 2 and r.output.count("\n") == 1
    assert "agent could not be started: setup() raised RuntimeError: setup boom" in r.output


@pytest.mark.parametrize("seeds, says", [("\u00b2", "--seeds must look like 0-4"),
                                         ("0-100000", "--seeds 0-100000 is more than 10,000 seeds")])
def test_seeds_that_are_not_ascii_or_too_many_are_one_line(seeds, says):
    r = invoke("--miniwob-suite", "--agent", "noop", "--miniwob-envs", "click-button", "--seeds", seeds, *T)
    assert r.exit_code == 2 and says in r.output and "Traceback" not in r.output

@pytest.mark.browser
def test_workers_redirects_and_webrtc_reach_nothing_beyond_the_origin(tmp_path):
    """What the request filter does not see (a SharedWorker's fetch and socket, a worker's socket, a redirect from
    the page's own server, WebRTC's STUN and TURN) must not leave the page's origin either. A second local server
    stands for the outside, and counts every connection it gets."""
    import http.server
    import socket
    import threading

    hits: list[str] = []

    class Outside(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(b"secret")

        def log_message(self, *args):
            pass

    outside = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Outside)
    threading.Thread(target=outside.serve_forever, daemon=True).start()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.1)
    out_url, udp_port = f"127.0.0.1:{outside.server_address[1]}", udp.getsockname()[1]

    class Inside(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/away"):
                self.send_response(302)
                self.send_header("Location", f"http://{out_url}/redirected")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(PAGE.replace("OUT", out_url).replace("UDP", str(udp_port)).encode())

        def log_message(self, *args):
            pass

    inside = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Inside)
    threading.Thread(target=inside.serve_forever, daemon=True).start()
    s = tmp_path / "s.py"
    s.write_text("pyautogui.sleep(2)\n")
    try:
        r = invoke("--url", f"http://127.0.0.1:{inside.server_address[1]}/", "--script", str(s), "--check",
                   "window.R", "--json", *T)
    finally:
        inside.shutdown()
        outside.shutdown()
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)["info"]["check_value"]
    assert got["shared"].startswith("ERR") and got["redirect"].startswith("ERR"), got
    assert "RTCPeerConnection" in got["rtc"], got
    with pytest.raises(TimeoutError):
        udp.recvfrom(2048)  # no STUN packet came
    assert hits == []


PAGE = """<!doctype html><script>
window.R = {};
const shared = "onconnect = e => { const p = e.ports[0]; new WebSocket('ws://OUT/shared-ws'); "
  + "fetch('http://OUT/shared').then(r => r.text()).then(t => p.postMessage('OK ' + t), x => p.postMessage('ERR ' + x)); }";
const sw = new SharedWorker(URL.createObjectURL(new Blob([shared], {type: 'text/javascript'})));
sw.port.onmessage = e => { R.shared = e.data; }; sw.port.start();
new Worker(URL.createObjectURL(new Blob(["new WebSocket('ws://OUT/worker-ws')"], {type: 'text/javascript'})));
fetch('/away').then(r => r.text()).then(t => { R.redirect = 'OK ' + t; }, x => { R.redirect = 'ERR ' + x; });
try {
  const pc = new RTCPeerConnection({iceServers: [{urls: 'stun:127.0.0.1:UDP'},
                                                 {urls: 'turn:OUT?transport=tcp', username: 'u', credential: 'p'}]});
  pc.createDataChannel('x'); pc.createOffer().then(o => pc.setLocalDescription(o));
  R.rtc = 'made';
} catch (e) { R.rtc = 'refused: ' + e; }
</script>"""


def test_ctrl_c_on_a_split_keeps_the_finished_tasks_and_says_so(tmp_path, monkeypatch):
    """A Ctrl-C halfway through a split writes replay.json with the tasks replayed so far (the rest listed as not
    replayed), prints the summary, and exits 130 instead of 'Aborted!' with nothing written."""
    import omniact.sandbox.replay as replay_module
    from omniact.sandbox.replay import ReplayResult

    def interrupted_after_one(tasks, scripts, *, progress=None, **kw):
        progress(ReplayResult(tasks[0].id, True, elapsed=0.5))
        raise KeyboardInterrupt

    monkeypatch.setattr(replay_module, "replay_tasks", interrupted_after_one)
    preds = tmp_path / "run.jsonl"
    preds.write_text("".join(json.dumps({"id": i, "script": ""}) + "\n" for i in ("101", "102", "103", "104")))
    out_dir = tmp_path / "out"
    r = CliRunner().invoke(main, ["replay", "--data", str(SUITE), "--predictions", str(preds), "--out", str(out_dir)])
    assert r.exit_code == 130, r.output
    assert "PASS 101" in r.output and "1/4 tasks succeeded" in r.output and "3 not replayed" in r.output
    assert "interrupted after 1 of 4 tasks" in r.output and "Traceback" not in r.output
    saved = json.loads((out_dir / "replay.json").read_text())
    assert saved["interrupted"] is True and saved["n_not_replayed"] == 3
    assert [t["reason"] for t in saved["tasks"]] == [None] + ["not replayed (interrupted)"] * 3


def test_the_text_table_keeps_status_action_and_reason_apart():
    """Each step line reads: index, status, the script's call, then why it was not done (or the browser calls);
    an unsupported step's reason no longer runs into its action."""
    from omniact.sandbox.command import _echo_result
    from omniact.sandbox.replay import ReplayResult, StepRecord

    steps = (
        StepRecord(1, 1, "pyautogui.click(10, 20)", 'mouse.click(10, 20, button="left")', "ok", (10.0, 20.0)),
        StepRecord(2, 2, 'pyautogui.hotkey("win", "r")', "", "unsupported: the Windows key belongs to the OS"),
    )
    lines: list[str] = []
    _echo_result(lines.append, ReplayResult("7", False, reason="check was false after the script", steps=steps,
                                           info={"check_value": {"n": 1}}))
    assert lines[1] == '   1 ok          pyautogui.click(10, 20)  ->  mouse.click(10, 20, button="left")'
    assert lines[2] == '   2 UNSUPPORTED pyautogui.hotkey("win", "r")  (the Windows key belongs to the OS)'
    assert 'the check gave {"n": 1}, not true or false' in lines[3]


def test_more_user_mistakes_are_one_line_with_exit_2_before_any_browser(tmp_path):
    ok = tmp_path / "ok.py"
    ok.write_text("pyautogui.click(1, 2)\n")
    import socket

    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    cases = {
        ("--url", f"http://127.0.0.1:{port}/", "--script", str(ok)): f"nothing listens on 127.0.0.1:{port}",
        ("--data", str(SUITE), "--task", "1011", "--script", str(ok)): "no task '1011' in any split (did you mean 101",
        ("--html", str(PLAYGROUND), "--script", str(ok), "--viewport", "99999x99999"): "--viewport sides must be",
        ("--html", str(PLAYGROUND), "--script", str(ok), "--viewport", "8000x8000", "--dpr", "4"): "32000x32000",
        ("--html", str(PLAYGROUND), "--script", str(ok), "--limit", "2"): "--limit goes with --split",
        ("--html", str(PLAYGROUND), "--script", str(ok), "--dpr", "0"): "--dpr must be",
        ("--miniwob", "click-button", "--seeds", "0-2", "--script", str(ok)): "--seeds go with --miniwob-suite",
    }
    for args, message in cases.items():
        r = CliRunner().invoke(main, ["replay", *args])
        assert r.exit_code == 2 and message in r.output, (args, r.output)
        assert r.output.count("\n") == 1 and "Traceback" not in r.output, r.output


def test_a_gold_script_agent_on_miniwob_is_refused_up_front():
    pytest.importorskip("agents.oracle")
    r = CliRunner().invoke(main, ["replay", "--miniwob-suite", "--agent", "oracle", "--miniwob-envs", "click-button",
                                  "--seeds", "0"])
    assert r.exit_code == 2 and "answers from gold scripts, and MiniWoB++ episodes have none" in r.output, r.output


@pytest.mark.browser
def test_a_lone_surrogate_in_a_script_costs_a_character_never_the_replay(tmp_path):
    """`write("\\ud800")` is a script the parser reads (a JSON escape in an agent's answer makes such text); the
    step line, the JSON on stdout, replay.json and the step page all come out, in the console script's process."""
    import subprocess
    import sys

    s = tmp_path / "s.py"
    s.write_text('pyautogui.click(200, 80)\npyautogui.write("a\\ud800b")\n')
    base = [sys.executable, "-m", "omniact.cli", "replay", "--html", str(PLAYGROUND), "--script", str(s), *T]
    text = subprocess.run([*base, "--out", str(tmp_path / "o")], capture_output=True, text=True, check=False,
                          errors="strict")
    assert text.returncode == 0, text.stderr
    assert 'pyautogui.write("a\\ud800b")' in text.stdout
    page = (tmp_path / "o" / "index.html").read_text(encoding="utf-8")
    assert 'a\ufffdb' in page
    saved = json.loads((tmp_path / "o" / "replay.json").read_text(encoding="utf-8"))
    assert saved["steps"][1]["action"] == 'pyautogui.write("a\ud800b")'
    out = subprocess.run([*base, "--json"], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["steps"][1]["action"] == 'pyautogui.write("a\ud800b")'


@pytest.mark.parametrize("task_id", ["..", ".", "...", "../..", "a/../../b"])
def test_a_task_folder_stays_inside_the_output_folder_whatever_the_task_id(tmp_path, task_id):
    """Task ids are a split file's keys: '..' named the output folder's parent, where step images and index.html
    were written and earlier step images removed."""
    from omniact.sandbox.replay import task_folder

    out = tmp_path / "out"
    folder = task_folder(out, task_id)
    assert folder.parent == out and folder.name not in (".", "..")
    assert folder.resolve().parent == out.resolve()



def test_the_miniwob_suite_refuses_the_ray_executor_it_would_not_use():
    r = invoke("--miniwob-suite", "--agent", "noop", "--miniwob-envs", "click-button", "--executor", "ray", *T)
    assert r.exit_code == 2 and "the MiniWoB suite runs on local workers" in r.output and r.output.count("\n") == 1


THREADED_AGENTS = '''
import threading
import time


class Hang:
    def act(self, view):
        time.sleep(60)
        return ""


class ThreadBound:
    """Says whether act() runs on the thread setup() ran on (a sync browser, an event loop are bound to it)."""

    def setup(self):
        self.thread = threading.get_ident()

    def act(self, view):
        raise RuntimeError(f"same thread: {threading.get_ident() == self.thread}")
'''


def test_replay_gives_up_on_an_agent_that_does_not_answer_within_the_task_timeout(tmp_path):
    """--task-timeout bounded the browser only: an act() that never returned held the command for ever."""
    import time

    agent = tmp_path / "agents.py"
    agent.write_text(THREADED_AGENTS)
    t0 = time.monotonic()
    r = invoke("--task", "9", "--agent", f"{agent}:Hang", "--task-timeout", "2", "--json")
    assert time.monotonic() - t0 < 30
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["reason"] == "agent error: act() did not return within 2 s"
    # setup() and act() run on one thread, as in a run's thread worker
    r = invoke("--task", "9", "--agent", f"{agent}:ThreadBound", "--json", *T)
    assert json.loads(r.output)["reason"].startswith("agent error: RuntimeError: same thread: True")


def test_replay_asks_the_next_task_of_an_agent_that_heeds_its_cancel_event(tmp_path):
    # act() ran without a cancel event, and the first timeout left every later task "not asked", as for an agent
    # that never returns; a run's workers and `agents --check` ask such an agent on.
    from omniact.dataset import load_split
    from omniact.sandbox.command import _load_agent, agent_scripts

    hang_agents = Path(__file__).resolve().parents[1] / "runner" / "runner_hang_agents.py"
    built = tmp_path / "built"
    agent = _load_agent(f"{hang_agents}:ReturnsOnCancel", [f"built={built}"], timeout=0.5)
    ds = load_split(Path(__file__).resolve().parents[1] / "runner" / "fixtures" / "data", "test")
    scripts, errors = agent_scripts(agent, [(t.view(), None) for t in ds.tasks[:2]])
    assert scripts == {} and built.read_text() == "built\n"
    assert errors == {t.id: "agent error: act() did not return within 0.5 s" for t in ds.tasks[:2]}


def test_a_run_folder_is_replayed_on_the_split_and_tasks_it_ran(tmp_path):
    """`replay --predictions RUN` replayed the built-in test split whatever the run was made on: a run on val was
    refused (its ids "not a task of this split"), a --limit run replayed as 3 of 492 with 489 without prediction."""
    from omniact.runner import run

    run("oracle", out=tmp_path / "r", split="val", limit=2)
    for source in (tmp_path / "r", tmp_path / "r" / "predictions.jsonl"):
        r = invoke("--predictions", str(source), "--workers", "1", *T)
        assert r.exit_code == 0, r.output
        assert r.output.splitlines()[-1] == "2/2 tasks succeeded (100.0%)", r.output


def test_a_run_whose_last_session_was_killed_is_refused_as_score_refuses_it(tmp_path):
    # Its predictions.jsonl is an earlier session's: replayed without a word, the tasks finished since counted as
    # having no prediction.
    from omniact.runner import run

    run("oracle", out=tmp_path / "r", split="val", limit=2)
    manifest = tmp_path / "r" / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "status": "running"}))  # as kill -9 leaves it
    for source in (tmp_path / "r", tmp_path / "r" / "predictions.jsonl"):
        r = invoke("--predictions", str(source), "--workers", "1", *T)
        assert r.exit_code == 2 and "last session was stopped before it ended (killed?)" in r.output, r.output
        assert r.output.count("\n") == 1


def test_one_page_options_that_would_go_unused_are_refused(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("pyautogui.click(1, 2)\n")
    r = invoke("--task", "9", "--script", str(script), "--trace")  # the trace was recorded, then written nowhere
    assert (r.exit_code, r.output) == (2, "omniact: --trace writes trace.zip into --out DIR: add --out\n")
    r = invoke("--task", "9", "--script", str(script), "--executor", "ray", "--ray-address", "127.0.0.1:1")
    assert r.exit_code == 2
    assert r.output == "omniact: --executor ray replays --split runs; --task replays on this machine (leave --executor out)\n"


def test_seed_and_agent_arguments_where_they_would_be_ignored_are_refused(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("pyautogui.click(1, 2)\n")
    r = invoke("--task", "9", "--script", str(script), "--seed", "5")
    assert r.exit_code == 2
    assert r.output == "omniact: --seed goes with --miniwob ENV (one episode; --miniwob-suite takes --seeds)\n"
    r = invoke("--task", "9", "--script", str(script), "--agent-arg", "x=1")
    assert (r.exit_code, r.output) == (2, "omniact: --agent-arg goes with --agent NAME\n")
    # a task's screen sets its own size and ratio: a dpr-2 task replayed at dpr 2 whatever --dpr 1 said
    r = invoke("--task", "9", "--script", str(script), "--dpr", "1")
    assert r.exit_code == 2
    assert r.output == "omniact: --dpr goes with --html, --url or --miniwob (a task's screen has its own)\n"
    r = invoke("--task", "9", "--script", str(script), "--viewport", "800x600")
    assert r.exit_code == 2
    assert r.output == ("omniact: --viewport goes with --html or --url (a task's screen and a MiniWoB++ page have "
                        "their own)\n")


def test_a_replays_lines_show_bidi_and_escape_characters_of_the_script_and_page_as_escapes():
    from types import SimpleNamespace

    from omniact.sandbox.command import _echo_result

    step = SimpleNamespace(index=1, outcome="ok", action='pyautogui.write("abc\u202eX")', call="keyboard.type('abc')")
    r = SimpleNamespace(success=False, reward=None, task_id="t\u202e1", elapsed=1.0, reason="check was false",
                        info={"utterance": "goal \x1b]0;x\x07"}, steps=[step], blocked_requests=["http://x/\u2066"],
                        events=["console: \x1b[31mred"])
    lines: list[str] = []
    _echo_result(lines.append, r)
    text = "\n".join(lines)
    assert not any(c in text for c in "\u202e\u2066\x1b\x07")  # a terminal would reorder or act on them
    assert 'write("abc\\u202eX")' in text and "console: \\x1b[31mred" in text


def test_stopped_while_the_agent_answers_it_says_no_answer_was_kept_and_how_to_keep_them(tmp_path, monkeypatch):
    import omniact.sandbox.command as command

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "agent_scripts", stopped)
    r = CliRunner().invoke(main, ["replay", "--agent", "noop", "--workers", "1", *T, "--limit", "2"])
    assert r.exit_code == 130
    # (with --out the answers are kept as they come: test_sandbox_agent_run.py)
    assert "stopped while the agent answered; without --out no answer is kept: with --out DIR" in r.output
    assert "the same command run again asks only for the tasks not answered yet" in r.output


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from omniact.cli import run; run()", "replay", *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.browser
def test_a_long_tmpdir_does_not_stop_the_browser_from_launching(tmp_path):
    """Chromium's singleton socket sits below the browser's folder in TMPDIR: past 107 bytes every launch failed."""
    long = Path("/tmp") / ("omniact-test-long-" + "y" * 40)
    long.mkdir(exist_ok=True)
    try:
        s = tmp_path / "s.py"
        s.write_text("pyautogui.click(100, 100)\n")
        proc = _cli("--html", str(PLAYGROUND), "--script", str(s), *T, env={**os.environ, "TMPDIR": str(long)})
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stdout.startswith("PASS"), proc.stdout
        assert not list(long.iterdir())  # its folder, made in /tmp instead, is gone too
    finally:
        import shutil

        shutil.rmtree(long, ignore_errors=True)


@pytest.mark.browser
def test_a_browser_that_cannot_launch_stops_a_split_in_one_line_not_as_every_task_failing(tmp_path):
    bogus = tmp_path / "chromium"
    bogus.write_text("#!/bin/sh\nexit 1\n")
    bogus.chmod(0o755)
    proc = _cli("--data", str(SUITE), "--agent", "oracle", "--workers", "1", *T,
                env={**os.environ, "OMNIACT_CHROMIUM": str(bogus)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "FAIL" not in proc.stdout and "tasks succeeded" not in proc.stdout, proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("omniact: the browser could not be launched"), proc.stderr


@pytest.mark.browser
@pytest.mark.parametrize("sig, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_single_replay_stopped_by_a_signal_leaves_nothing_in_tmpdir(tmp_path, sig, code):
    """The command ends with os._exit, which skips atexit, where the browser's folder was removed."""
    import signal
    import tempfile
    import time

    tmp = Path(tempfile.mkdtemp(prefix="sig-", dir="/tmp"))  # short: the browser's folder is made in it
    s = tmp_path / "s.py"
    s.write_text("pyautogui.sleep(2)\n" * 20)
    proc = _replay_waiting(tmp, s)
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    time.sleep(1)
    left = list(tmp.iterdir())
    tmp.rmdir() if not left else None
    assert left == []


def _failing_browser(folder: Path) -> Path:
    """A "browser" that exits at once, as one missing a library or built for another machine does."""
    bogus = folder / "chromium"
    bogus.write_text("#!/bin/sh\nexit 1\n")
    bogus.chmod(0o755)
    return bogus


@pytest.mark.browser
@pytest.mark.parametrize("target", [["--html", str(PLAYGROUND)], ["--data", str(SUITE), "--task", "103"]])
def test_a_browser_that_cannot_launch_stops_a_single_replay_in_one_line(tmp_path, target):
    """It printed Playwright's traceback, with the browser's whole log, and exited 1 (the split said one line)."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="nolaunch-", dir="/tmp"))  # short: the browser's folder is made in it
    s = tmp_path / "s.py"
    s.write_text("pyautogui.click(100, 100)\n")
    bogus = _failing_browser(tmp_path)
    try:
        proc = _cli(*target, "--script", str(s), *T,
                    env={**os.environ, "OMNIACT_CHROMIUM": str(bogus), "TMPDIR": str(tmp)})
        left = list(tmp.iterdir())
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == "", proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("omniact: the browser could not be launched, so nothing was replayed"), proc.stderr
    assert str(bogus) in lines[0] and "OMNIACT_CHROMIUM" in lines[0], lines[0]  # which one, and what to do
    assert left == []  # its temporary folder too: the one line ends the process without atexit


def _replay_waiting(tmp: Path, script: Path, *, ignore_hangup: bool = False) -> subprocess.Popen:
    """`replay --html` of a script that waits, in a process of its own, returned once its browser has launched."""
    import time

    # With hang-ups ignored before omniact starts, as `nohup` leaves them (not by a preexec_fn: unsafe beside threads)
    ignore = "import signal; signal.signal(signal.SIGHUP, signal.SIG_IGN); " if ignore_hangup else ""
    proc = subprocess.Popen([sys.executable, "-c", f"{ignore}from omniact.cli import run; run()", "replay", "--html",
                             str(PLAYGROUND), "--script", str(script), *T], env={**os.environ, "TMPDIR": str(tmp)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180  # (a loaded machine: a signal sent before the launch would test nothing)
    while not any(tmp.glob("*/.config")) and time.monotonic() < deadline:  # the browser has launched
        time.sleep(0.2)
    time.sleep(1)
    return proc


@pytest.mark.browser
def test_a_single_replay_hung_up_leaves_nothing_in_tmpdir(tmp_path):
    """The terminal closed (SIGHUP at its default) ended the process at once: the browser's folder stayed."""
    import signal
    import tempfile
    import time

    tmp = Path(tempfile.mkdtemp(prefix="hup-", dir="/tmp"))  # short: the browser's folder is made in it
    s = tmp_path / "s.py"
    s.write_text("pyautogui.sleep(2)\n" * 20)
    proc = _replay_waiting(tmp, s)
    proc.send_signal(signal.SIGHUP)
    out, err = proc.communicate(timeout=60)
    time.sleep(1)
    left = list(tmp.iterdir())
    tmp.rmdir() if not left else None
    assert proc.returncode == -signal.SIGHUP, (proc.returncode, err)  # ended as a hang-up ends it, not a success
    assert err.strip() == "omniact: stopped (SIGHUP)" and "PASS" not in out, out + err
    assert left == []


@pytest.mark.browser
def test_a_single_replay_goes_on_when_hang_ups_are_ignored(tmp_path):
    """Under `nohup` (SIGHUP ignored) the replay must not end when the terminal closes: its handler is not set."""
    import signal
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="nohup-", dir="/tmp"))
    s = tmp_path / "s.py"
    s.write_text("pyautogui.sleep(2)\n" * 3 + "pyautogui.click(100, 100)\n")
    try:
        proc = _replay_waiting(tmp, s, ignore_hangup=True)
        proc.send_signal(signal.SIGHUP)
        out, err = proc.communicate(timeout=120)
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    assert proc.returncode == 0 and "Traceback" not in err, (proc.returncode, err)
    assert out.startswith("PASS"), out
