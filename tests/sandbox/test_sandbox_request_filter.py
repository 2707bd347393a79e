"""The replay's request filter and proxy fence, without a browser: which addresses count as the task's own origin.

Everything else a replayed page asks for is aborted (the filter) or refused (the fence); a mistake here is a page
reaching the network, or a task's own files refused. The browser tests (test_sandbox_escape.py) show both at work.
"""

from __future__ import annotations

import socket
import urllib.parse

import pytest

from omniact.sandbox.browser import _fence, _others, same_origin

ORIGIN = "http://127.0.0.1:8888"


@pytest.mark.parametrize(
    ("url", "blocked"),
    [
        ("http://127.0.0.1:8888/", False),
        ("http://127.0.0.1:8888", False),
        ("http://127.0.0.1:8888/a/b.js?x=1#y", False),
        ("http://127.0.0.1:8888?x", False),
        ("HTTP://127.0.0.1:8888/upper", False),  # schemes are case-insensitive
        ("data:text/html,hi", False),  # inline content is no request to anyone
        ("blob:http://127.0.0.1:8888/uuid", False),
        ("about:blank", False),
        ("http://127.0.0.1:8889/", True),  # another local port: another user's server, maybe
        ("http://127.0.0.1:88880/", True),
        ("http://127.0.0.1/", True),  # port 80
        ("http://127.0.0.1:8888.evil.example/", True),
        ("http://127.0.0.1:8888@evil.example/", True),
        ("http://127.0.0.10:8888/", True),
        ("http://127x0x0x1:8888/", True),  # the dots are literal, not any character
        ("https://127.0.0.1:8888/", True),  # another scheme is another origin
        ("http://localhost:8888/", True),
        ("https://example.com/", True),
        ("file:///etc/passwd", True),
        ("ftp://127.0.0.1:8888/", True),
    ],
)
def test_the_filter_passes_the_task_origin_only(url, blocked):
    assert bool(_others(ORIGIN, ("http",)).match(url)) is blocked


def test_the_filter_of_a_default_port_and_of_an_ipv6_origin():
    https = _others("https://[::1]", ("https",))
    assert not https.match("https://[::1]/x") and not https.match("https://[::1]:443/x")
    assert https.match("https://[::1]:444/x") and https.match("https://::1/x") and https.match("http://[::1]/x")
    http = _others("http://example.com", ("http",))
    assert not http.match("http://example.com/x") and not http.match("http://example.com:80/x")
    assert http.match("http://example.com:81/x")
    ws = _others("http://127.0.0.1:8888", ("ws",))  # the WebSocket filter: the same origin over ws://
    assert not ws.match("ws://127.0.0.1:8888/socket") and ws.match("ws://127.0.0.1:9999/socket")


def test_with_no_origin_every_request_is_blocked_but_inline_content():
    nothing = _others(None, ("http",))
    assert nothing.match("http://127.0.0.1:8888/") and nothing.match("https://example.com/")
    assert not nothing.match("data:,x") and not nothing.match("about:blank") and not nothing.match("blob:x")


@pytest.mark.parametrize(
    ("url", "origin", "same"),
    [
        ("ws://127.0.0.1:8888/api/kernels", "http://127.0.0.1:8888", True),
        ("wss://example.com/x", "https://example.com", True),  # the default ports: 443 both
        ("https://example.com:443/x", "https://example.com", True),
        ("http://example.com:80/x", "http://example.com", True),
        ("http://example.com/x", "http://example.com:80", True),
        ("https://example.com/x", "https://example.com:443", True),
        ("http://127.0.0.1:9999/x", "http://127.0.0.1:8888", False),
        ("https://127.0.0.1:8888/x", "http://127.0.0.1:8888", False),  # secure and not are two origins
        ("ws://127.0.0.1:8888/x", "https://127.0.0.1:8888", False),
        ("http://example.com:443/x", "https://example.com", False),
        ("file:///x", "http://127.0.0.1:8888", False),
        ("http://127.0.0.1:8888/x", "file:///x", False),
        ("http://127.0.0.1:99999999/x", "http://127.0.0.1:8888", False),  # a malformed port
    ],
)
def test_same_origin(url, origin, same):
    assert same_origin(url, origin) is same


def test_the_fence_lets_through_only_the_task_origin():
    fence = _fence("http://127.0.0.1:8888")
    assert fence["bypass"] == "127.0.0.1:8888"
    # The proxy everything else goes to is a loopback port held by no server: every connection to it is refused.
    proxy = urllib.parse.urlsplit(fence["server"])
    assert (proxy.scheme, proxy.hostname) == ("http", "127.0.0.1") and proxy.port
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    assert _fence("https://example.com")["bypass"] == "example.com:443"
    assert _fence("http://example.com")["bypass"] == "example.com:80"
    assert _fence("http://[::1]:9000")["bypass"] == "[::1]:9000"
    assert "bypass" not in _fence(None)  # no origin: every connection goes to the dead end
    assert _fence(None)["server"] == fence["server"]  # one reserved port for the life of the process
