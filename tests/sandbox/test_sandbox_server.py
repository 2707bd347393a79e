"""The loopback server: serves its folder, nothing outside it, no listings."""

from __future__ import annotations

import http.client
import os
import socket
import struct
import threading

import pytest

from omniact.sandbox.server import LoopbackServer


def _get(server: LoopbackServer, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.read()


@pytest.fixture()
def served(tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "index.html").write_text("<p>hello</p>")
    (root / "sub" / "a.js").write_text("var a = 1;")
    (tmp_path / "secret.txt").write_text("top secret")
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    (root / ".ssh").mkdir()
    (root / ".ssh" / "id_rsa").write_text("top secret key")
    (root / ".env").write_text("TOKEN=top secret")
    os.symlink(root / ".env", root / "env.txt")
    with LoopbackServer(root) as s:
        yield s


def test_serves_files_on_loopback(served):
    assert served.origin.startswith("http://127.0.0.1:")
    assert _get(served, "/index.html") == (200, b"<p>hello</p>")
    assert _get(served, "/sub/a.js?x=1") == (200, b"var a = 1;")


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/sub/%2E%2E/%2E%2E/secret.txt",
        "/link.txt",
        "/..%2fsecret.txt",
        "/.ssh/id_rsa",  # hidden files and folders are not served either
        "/%2essh/id_rsa",
        "/sub/../.env",
        "/env.txt",
    ],
)
def test_nothing_outside_the_root_is_reachable(served, path):
    status, body = _get(served, path)
    assert status == 404 and b"top secret" not in body


def test_no_directory_listing(served):
    status, body = _get(served, "/sub/")
    assert status == 404 and b"a.js" not in body


def test_a_reader_gone_mid_file_prints_nothing(tmp_path, capsys):
    # The watchdog kills a hung browser mid-response: the server's write then fails (broken pipe, reset). That is
    # expected, and must not print a traceback into the user's terminal beside the replay's own output.
    # Far beyond the socket buffers: the server's writes must fail.
    (tmp_path / "big.bin").write_bytes(b"x" * (32 << 20))
    with LoopbackServer(tmp_path) as s:
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        sock.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.0 200")  # the file is being sent
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        sock.close()
        for t in threading.enumerate():  # the request's thread ends once its write has failed
            if "process_request" in t.name:
                t.join(30)
                assert not t.is_alive()
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Exception occurred" not in err, err
