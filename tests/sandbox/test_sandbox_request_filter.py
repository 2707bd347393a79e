"""The replay's isolation layer without a browser: which addresses count as the task's own origin (the request
filter, the proxy fence), and, on a fake context, what its handlers do and list (requests and sockets off the origin,
popups, tabs the fence refused, dialogs, downloads, redirects off the origin).

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


# -- the isolation layer's handlers, on a fake context ------------------------------------------------------------


class _Request:
    def __init__(self, url: str, method: str = "GET") -> None:
        self.url, self.method = url, method


class _Route:
    def __init__(self, url: str) -> None:
        self.request, self.aborted = _Request(url), None

    def abort(self, reason: str) -> None:
        self.aborted = reason


class _Socket:
    def __init__(self, url: str) -> None:
        self.url, self.closed = url, None

    def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


class _Page:
    def __init__(self, url: str, history: list[dict] | None = None, fails: int = 0) -> None:
        self.url, self.history, self.fails, self.closed, self.asked = url, history or [], fails, False, 0

    def close(self) -> None:
        self.closed = True


class _CDP:
    def __init__(self, page: _Page) -> None:
        self.page = page

    def send(self, method: str) -> dict:
        assert method == "Page.getNavigationHistory"
        self.page.asked += 1
        if self.page.asked <= self.page.fails:  # a busy machine: the tab's DevTools session not ready yet
            raise RuntimeError("Target closed")
        return {"entries": self.page.history}

    def detach(self) -> None:
        pass


class _Context:
    def __init__(self) -> None:
        self.routes, self.socket_routes, self.handlers, self.scripts = [], [], {}, []

    def route(self, pattern, handler) -> None:
        self.routes.append((pattern, handler))

    def route_web_socket(self, pattern, handler) -> None:
        self.socket_routes.append((pattern, handler))

    def on(self, event: str, handler) -> None:
        self.handlers[event] = handler

    def add_init_script(self, script: str) -> None:
        self.scripts.append(script)

    def new_cdp_session(self, page: _Page) -> _CDP:
        return _CDP(page)


def _isolated(origin: str | None = ORIGIN, untrusted: bool = True):
    from omniact.sandbox.browser import Session, _isolate

    ctx, page = _Context(), _Page(f"{origin}/index.html")
    s = Session(context=ctx, page=page, origin=origin)  # type: ignore[arg-type]
    _isolate(s, untrusted=untrusted)
    return s, ctx


def test_a_request_off_the_origin_is_aborted_and_listed():
    s, ctx = _isolated()
    (pattern, on_route), = ctx.routes
    assert pattern.match("https://example.com/") and not pattern.match(f"{ORIGIN}/app.js")
    route = _Route("https://example.com/track.gif")
    on_route(route)
    assert route.aborted == "blockedbyclient" and s.blocked == ["GET https://example.com/track.gif"]


def test_an_https_task_passes_its_own_https_requests_and_sockets():
    _, ctx = _isolated("https://example.com")
    (pattern, _handler), = ctx.routes
    assert not pattern.match("https://example.com/app.js") and pattern.match("http://example.com/app.js")
    (sockets, _), = ctx.socket_routes
    assert not sockets.match("wss://example.com/live") and sockets.match("ws://example.com/live")


def test_a_websocket_off_the_origin_is_closed_as_a_policy_violation_and_listed():
    s, ctx = _isolated()
    (pattern, on_ws), = ctx.socket_routes
    assert pattern.match("ws://example.com/") and not pattern.match("ws://127.0.0.1:8888/live")
    ws = _Socket("ws://example.com/live")
    on_ws(ws)
    assert ws.closed == (1008, "blocked by the omniact sandbox") and s.blocked == ["WEBSOCKET ws://example.com/live"]


def test_a_trusted_page_keeps_its_sockets_and_its_own_scripts():
    # A built-in task's page (trusted): its requests are still filtered, its sockets and scripts left alone.
    _, ctx = _isolated(untrusted=False)
    assert len(ctx.routes) == 1 and ctx.socket_routes == [] and ctx.scripts == []
    _, ctx = _isolated()
    assert len(ctx.scripts) == 1 and "__omniPending" in ctx.scripts[0]


def test_a_popup_is_closed_and_counted_and_the_task_page_left_alone():
    s, ctx = _isolated()
    on_page = ctx.handlers["page"]
    on_page(s.page)
    assert not s.page.closed and s.popups == 0 and s.events == []
    popup = _Page(f"{ORIGIN}/other.html")
    on_page(popup)
    assert popup.closed and s.popups == 1 and s.events == [f"popup closed: {ORIGIN}/other.html"] and s.blocked == []


def test_a_tab_the_fence_refused_is_listed_by_the_address_it_was_sent_to():
    s, ctx = _isolated()
    on_page = ctx.handlers["page"]
    history = [{"url": "chrome-error://chromewebdata/", "userTypedURL": "https://evil.example/x"}]
    tab = _Page("chrome-error://chromewebdata/", history, fails=2)  # found on the third asking
    on_page(tab)
    assert tab.closed and s.blocked == ["GET https://evil.example/x"] and s.popups == 1
    assert s.events == ["popup closed: https://evil.example/x"]
    on_page(_Page("chrome-error://chromewebdata/", history))  # the same address again: listed once
    assert s.blocked == ["GET https://evil.example/x"] and s.popups == 2
    # a tab of the task's own origin that failed is no blocked request; one never named is listed as it shows
    on_page(_Page("chrome-error://chromewebdata/", [{"url": f"{ORIGIN}/gone.html"}]))
    never = _Page("chrome-error://chromewebdata/", history, fails=99)
    on_page(never)
    assert s.blocked == ["GET https://evil.example/x"] and never.asked == 3
    assert s.events[-2:] == [f"popup closed: {ORIGIN}/gone.html", "popup closed: chrome-error://chromewebdata/"]


def test_a_failed_tab_is_named_by_its_latest_real_address():
    from omniact.sandbox.browser import _failed_url

    history = [{"url": "https://first.example/"}, {"url": "about:blank", "userTypedURL": "https://typed.example/"},
               {"url": "chrome-error://chromewebdata/", "userTypedURL": ""}]
    assert _failed_url(_Context(), _Page("chrome-error://chromewebdata/", history)) == "https://typed.example/"
    assert _failed_url(_Context(), _Page("chrome-error://chromewebdata/", [{"url": "about:blank"}])) is None


class _Dialog:
    type, dismissed = "alert", False

    def __init__(self, message: str) -> None:
        self.message = message

    def dismiss(self) -> None:
        self.dismissed = True


class _Download:
    url = "http://127.0.0.1:8888/report.pdf"


def test_a_dialog_is_dismissed_and_a_download_refused_each_noted():
    from omniact.sandbox.browser import _guard_page

    s, _ = _isolated()
    handlers: dict = {}
    page = type("P", (), {"on": lambda self, event, handler: handlers.__setitem__(event, handler)})()
    _guard_page(s, page)  # type: ignore[arg-type]
    dialog = _Dialog("x" * 300)
    handlers["dialog"](dialog)
    handlers["download"](_Download())
    assert dialog.dismissed
    assert s.events == [f"dialog dismissed: alert {'x' * 200!r}", "download refused: http://127.0.0.1:8888/report.pdf"]


class _Redirected:
    """A failed request as Playwright reports it: where it went, whether a redirect led there, of which frame."""

    def __init__(self, url: str, *, redirected: bool = True, navigation: bool = True, frame: str = "main") -> None:
        self.url, self.frame, self._navigation = url, frame, navigation
        self.redirected_from = object() if redirected else None

    def is_navigation_request(self) -> bool:
        if self.frame == "gone":
            raise RuntimeError("Frame was detached")
        return self._navigation


def test_a_redirect_off_the_origin_is_listed_as_refused():
    from omniact.sandbox.replay import _note_redirect_off

    page = type("P", (), {"main_frame": "main"})()
    refused: list[str] = []
    for request in (_Redirected("https://evil.example/landing"),
                    _Redirected(f"{ORIGIN}/moved.html"),  # a redirect within the task's own server
                    _Redirected("https://evil.example/a", redirected=False),  # a plain failed load, not a redirect
                    _Redirected("https://evil.example/b", navigation=False),  # a script or image
                    _Redirected("https://evil.example/c", frame="iframe"),  # a frame's, not the page's
                    _Redirected("https://evil.example/d", frame="gone")):
        _note_redirect_off(request, page, ORIGIN, refused)  # type: ignore[arg-type]
    assert refused == ["https://evil.example/landing"]
    _note_redirect_off(_Redirected(f"{ORIGIN}/x"), page, None, refused)  # type: ignore[arg-type]
    assert refused[-1] == f"{ORIGIN}/x"  # with no origin every redirect leads off it
