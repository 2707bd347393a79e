"""The replay sandbox's former limits: its loopback server answers only the replay's own browser, a task folder
under --out that is a symbolic link is never written through, and the folders it makes for itself are private."""

from __future__ import annotations

import http.client
import io
import os
import re
import stat
from pathlib import Path

import pytest

from omniact.dataset import load_split
from omniact.errors import UserError
from omniact.sandbox import server as server_module
from omniact.sandbox.server import LoopbackServer

HERE = Path(__file__).parent
SUITE = HERE / "fixtures" / "suite"


def _request(port: int, path: str = "/index.html", method: str = "GET", headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    (root / "index.html").write_text("<p>private page</p>")
    return root


# -- 1. the loopback server answers only requests that carry its key ----------------------------------------


def test_a_private_server_refuses_every_request_without_its_key(folder):
    with LoopbackServer(folder, private=True) as s:
        wrong = {"Cookie": f"{s.cookie_name}=not-the-key", server_module.KEY_HEADER: "not-the-key"}
        for method, headers in [("GET", None), ("HEAD", None), ("POST", None), ("GET", wrong),
                                ("GET", {"Cookie": f"other={s.key}"})]:
            status, body = _request(s.port, method=method, headers=headers)
            assert (status, body) == (403, b""), (method, headers)
        assert _request(s.port, "/missing.html") == (403, b"")  # nothing is told about which files exist
        # The replay's browser sends the key both ways; either one is enough.
        assert _request(s.port, headers=s.headers) == (200, b"<p>private page</p>")
        cookie = {"Cookie": f"theme=dark; {s.cookie_name}={s.key}"}
        assert _request(s.port, headers=cookie) == (200, b"<p>private page</p>")
        assert s.cookie["httpOnly"] is True and s.cookie["value"] == s.key  # the page's scripts cannot read it


def test_each_private_server_has_a_key_of_its_own_and_an_open_one_has_none(folder):
    with LoopbackServer(folder, private=True) as a, LoopbackServer(folder, private=True) as b:
        assert a.key and b.key and a.key != b.key and len(a.key) >= 32
        assert _request(b.port, headers=a.headers)[0] == 403
    with LoopbackServer(folder) as s:  # a test's or a --url stand-in: open, as before
        assert s.key is None and s.cookie is None and s.headers == {}
        assert _request(s.port)[0] == 200


def test_the_servers_a_replay_starts_are_private(folder):
    from omniact.sandbox.browser import BrowserHost

    host = BrowserHost()
    try:
        server = host.server_for(folder)
        assert server.key is not None
        # Another local user who finds the port while the replay runs gets nothing.
        assert _request(server.port) == (403, b"")
    finally:
        host.close()


PAGE = """<!doctype html><body><img id="img" src="data.txt?img"><iframe id="frame" src="frame.html"></iframe>
<a id="link" href="data.txt?tab" style="display:block;width:200px;height:40px">link</a>
<script>
window.omni = {ready: false, results: {}};
const put = (k, v) => { omni.results[k] = v; };
fetch('data.txt?fetch').then(r => r.text()).then(t => put('fetch', t), () => put('fetch', 'failed'));
fetch('data.txt?omit', {credentials: 'omit'}).then(r => r.text()).then(t => put('omit', t), () => put('omit', 'failed'));
const x = new XMLHttpRequest(); x.open('GET', 'data.txt?xhr');
x.onload = () => put('xhr', x.responseText); x.onerror = () => put('xhr', 'failed'); x.send();
new Worker('worker.js').onmessage = (e) => put('worker', e.data);
const sw = new SharedWorker('shared.js'); sw.port.onmessage = (e) => put('shared', e.data); sw.port.start();
document.getElementById('img').onerror = () => put('img', 'failed');
document.getElementById('img').onload = () => put('img', 'failed');  // data.txt is no image: onerror either way
window.addEventListener('message', (e) => put('frame', e.data));
</script>"""


@pytest.mark.browser
def test_every_request_kind_of_the_replays_own_page_gets_through(tmp_path):
    from omniact.sandbox.browser import BrowserHost
    from omniact.sandbox.server import _Handler

    root = tmp_path / "page"
    root.mkdir()
    (root / "index.html").write_text(PAGE)
    (root / "data.txt").write_text("private data")
    (root / "frame.html").write_text("<script>fetch('data.txt?frame').then(r => r.text())"
                                     ".then(t => parent.postMessage(t, '*'))</script>")
    (root / "worker.js").write_text("fetch('data.txt?worker').then(r => r.text()).then(t => postMessage(t))")
    (root / "shared.js").write_text("onconnect = (e) => { const p = e.ports[0]; "
                                    "fetch('data.txt?shared').then(r => r.text()).then(t => p.postMessage(t)); }")
    seen: list[tuple[str, bool]] = []
    parse = _Handler.parse_request

    def spy(self):
        ok = parse(self)
        seen.append((self.path, ok))
        return ok

    host = BrowserHost()
    _Handler.parse_request = spy
    try:
        server = host.server_for(root)
        s = host.open(viewport=(400, 300), dpr=1.0, origin=server.origin)
        page = s.page
        page.goto(server.url("index.html"))
        page.wait_for_function("Object.keys(window.omni.results).length >= 7")
        results = page.evaluate("window.omni.results")
        # A link a script ctrl+clicks opens a tab whose load no DevTools header reaches: the cookie does.
        box = page.locator("#link").bounding_box()
        page.keyboard.down("Control")
        page.mouse.click(box["x"] + 10, box["y"] + 10)
        page.keyboard.up("Control")
        page.wait_for_timeout(50)
        for _ in range(100):
            if any(p == "/data.txt?tab" for p, _ in seen):
                break
            page.wait_for_timeout(50)
        s.close()
        browser_requests = list(seen)
        outsider = _request(server.port, "/data.txt")
    finally:
        _Handler.parse_request = parse
        host.close()
    assert {k: results[k] for k in ("fetch", "omit", "xhr", "worker", "shared", "frame")} == dict.fromkeys(
        ("fetch", "omit", "xhr", "worker", "shared", "frame"), "private data"
    )
    refused = [p for p, ok in browser_requests if not ok]
    assert refused == [], refused
    assert ("/data.txt?tab", True) in browser_requests and ("/data.txt?img", True) in browser_requests
    assert outsider == (403, b"")


# -- 2. a symbolic link under --out is never written through --------------------------------------------------


@pytest.fixture
def linked_out(tmp_path):
    """--out with task 101's folder a link to a folder of the user's that holds a step image of its own."""
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "step_01.png").write_bytes(b"the user's own file")
    os.symlink(elsewhere, out / "101")
    return out, elsewhere


def _untouched(out: Path, elsewhere: Path) -> None:
    assert sorted(p.name for p in elsewhere.iterdir()) == ["step_01.png"]
    assert (elsewhere / "step_01.png").read_bytes() == b"the user's own file"
    assert (out / "101").is_symlink()  # the link is left as it was, too


def test_one_task_replay_refuses_a_symlinked_task_folder(linked_out):
    from omniact.sandbox.replay import replay_task

    out, elsewhere = linked_out
    task = load_split(SUITE, "test")["101"]
    with pytest.raises(UserError, match="symbolic link"):
        replay_task(task, task.gold_script, out_dir=out, step_images=True, root=SUITE, task_timeout=60)
    _untouched(out, elsewhere)


def test_a_split_replay_refuses_a_symlinked_task_folder_before_replaying_anything(linked_out):
    from omniact.sandbox.replay import replay_tasks

    out, elsewhere = linked_out
    tasks = load_split(SUITE, "test").tasks
    scripts = {t.id: t.gold_script for t in tasks}
    with pytest.raises(UserError, match=r"101 is a symbolic link"):
        replay_tasks(tasks, scripts, out_dir=out, step_images=True, root=SUITE, workers=1, task_timeout=60)
    _untouched(out, elsewhere)
    assert sorted(p.name for p in out.iterdir()) == ["101"]


def test_the_miniwob_suite_refuses_a_symlinked_episode_folder(tmp_path):
    from omniact.sandbox.miniwob import replay_miniwob_suite

    out = tmp_path / "out"
    (out / "observations").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "observations" / "click-button")

    class Agent:
        def act(self, view):
            return ""

    with pytest.raises(UserError, match="symbolic link"):
        replay_miniwob_suite(Agent(), ["click-button"], [0], out_dir=out, workers=1)
    assert list(elsewhere.iterdir()) == []


def test_a_step_image_is_never_written_through_a_link(tmp_path):
    from PIL import Image

    from omniact.sandbox.replay import _save_image

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buf, format="PNG")
    for name in ("step_01.png", "step_01.webp"):
        step = tmp_path / name
        os.symlink(victim, step)
        for point in (None, (5.0, 5.0)):
            _save_image(buf.getvalue(), step, point, 1.0)
            assert victim.read_bytes() == b"keep me"
            assert not step.is_symlink() and Image.open(step).size == (20, 10)
            step.unlink()
            os.symlink(victim, step)


@pytest.mark.browser
def test_a_job_writes_nothing_through_a_task_folder_linked_after_the_check(linked_out):
    """The worker looks again: a link made between the caller's check and the replay is not written through."""
    from omniact.sandbox.replay import job_for_task, run_job

    out, elsewhere = linked_out
    task = load_split(SUITE, "test")["101"]
    job = job_for_task(task, task.gold_script, root=SUITE, out_dir=out / "101", step_images=True, trace=True,
                       task_timeout=60, out_root=out)
    r = run_job(job)
    assert r.success is True  # the replay itself is unaffected
    assert "symbolic link" in r.info["out_refused"]
    assert all(st.image is None for st in r.steps)
    _untouched(out, elsewhere)


@pytest.mark.browser
def test_a_real_task_folder_inside_a_linked_out_is_written_as_before(tmp_path):
    """--out itself may be a link (the user named it): only the folders below it are refused."""
    from omniact.sandbox.replay import replay_task

    real = tmp_path / "real"
    real.mkdir()
    os.symlink(real, tmp_path / "out")
    task = load_split(SUITE, "test")["101"]
    r = replay_task(task, task.gold_script, out_dir=tmp_path / "out", step_images=True, root=SUITE, task_timeout=60)
    assert r.success is True and "out_refused" not in r.info
    assert (real / "101" / "index.html").is_file() and (real / "101" / "step_01.webp").is_file()


# -- the folders the sandbox makes for itself are its user's alone ----------------------------------------------


def _tmpdir_mode(item):
    return stat.S_IMODE(os.stat(os.environ["TMPDIR"]).st_mode)


def test_a_replay_workers_temporary_folder_is_private():
    from omniact.sandbox.workers import LocalPool

    with LocalPool(workers=1, warmup=None) as pool:
        assert list(pool.map_unordered(_tmpdir_mode, [0])) == [0o700]


@pytest.mark.browser
def test_a_miniwob_observations_temporary_folder_is_private():
    from omniact.sandbox.miniwob import miniwob_task

    with miniwob_task("click-button", 0, task_timeout=60) as t:
        assert stat.S_IMODE(os.stat(t.view.image_path.parent).st_mode) == 0o700


@pytest.mark.browser
def test_a_one_page_replay_killed_at_its_time_limit_leaves_nothing_in_tmpdir_or_home(tmp_path):
    # The watchdog's kill left Chromium's socket folders (and now and then a whole profile) in the user's TMPDIR,
    # and every replay wrote Chromium's crash-report settings under ~/.config.
    import subprocess
    import sys

    page, script = tmp_path / "spin.html", tmp_path / "s.py"
    page.write_text("<p>busy</p><script>setTimeout(() => { while (true) {} }, 50)</script>")
    script.write_text("pyautogui.click(10, 10)\npyautogui.sleep(2)\npyautogui.click(20, 20)\n")
    tmp, home = tmp_path / "tmp", tmp_path / "home"
    tmp.mkdir()
    home.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "HOME": str(home)}
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_CACHE_HOME", None)
    r = subprocess.run([sys.executable, "-m", "omniact.cli", "replay", "--html", str(page), "--script", str(script),
                        "--task-timeout", "3"], capture_output=True, text=True, env=env, timeout=120, check=False)
    # it did hit its limit ("time" anywhere in the output, a usage error's "--task-timeout" too, was taken for that);
    # on a loaded machine the spinning page can use up the 3 s before the first step starts
    assert r.returncode == 0 and re.match(r"FAIL page \([0-9.]+s\): timed out after 3s( at step [1-3])?\n",
                                          r.stdout), r.stdout + r.stderr
    assert list(tmp.iterdir()) == [] and list(home.iterdir()) == []

