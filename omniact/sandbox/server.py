"""A loopback HTTP server for one directory: how every replayed page is served.

Pages are served over http://127.0.0.1:<port>/ rather than file:// so that the page has a real origin: the
browser's request filter allows exactly that origin and aborts everything else. The server binds to the
loopback interface on a free port, serves files under its root only (no path traversal, symlinks included,
no hidden files or folders, no directory listings), and answers from a thread so a slow request never blocks the replay.

A loopback port is open to every local user, and ``--html`` serves the page's whole folder. A private server
(``private=True``, every server the replay sandbox starts) therefore answers only the replay's own browser: each of
its contexts carries a per-server random key, as an HttpOnly cookie for the server's origin and as a request header,
and a request with neither (another user's ``curl``, a browser outside the replay) gets a bare 403. Both, because
neither alone reaches every request: the cookie is not sent by a ``fetch(..., {credentials: "omit"})``; the header
(set through DevTools) is not sent by a SharedWorker, a service worker's script, or a tab a ctrl/middle click opens.
"""

from __future__ import annotations

import hmac
import http.server
import os
import secrets
import threading
import urllib.parse
from pathlib import Path
from typing import ClassVar

__all__ = ["KEY_HEADER", "LoopbackServer"]

#: The request header that carries a private server's key (the cookie's name is per port: see LoopbackServer.cookie).
KEY_HEADER = "X-Omniact-Key"


class _Handler(http.server.SimpleHTTPRequestHandler):
    root: Path  # set on the per-server subclass
    key: bytes | None = None  # a private server's key (set on the per-server subclass)
    cookie_name: str = ""

    # Chromium asks for these; the right types keep fonts and modules working.
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ttf": "font/ttf",
        ".json": "application/json",
        ".wasm": "application/wasm",
    }

    def parse_request(self) -> bool:
        # Every method (GET, HEAD, POST, anything) passes here before it is handled: a private server answers a
        # request without its key with a bare 403, before any path is looked at.
        if not super().parse_request():
            return False
        if self.key is None or self._has_key():
            return True
        self.close_connection = True
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def _has_key(self) -> bool:
        """True when the request carries the key, as the header or as the cookie; compared in constant time
        (hmac.compare_digest), every candidate compared, so that the time taken tells nothing of the key."""
        assert self.key is not None  # noqa: S101 - only called for a private server
        found = False
        candidates = list(self.headers.get_all(KEY_HEADER) or [])
        for line in self.headers.get_all("Cookie") or []:
            for part in str(line).split(";"):
                name, _, value = part.strip().partition("=")
                if name == self.cookie_name:
                    candidates.append(value)
        for value in candidates:
            found |= hmac.compare_digest(str(value).encode("utf-8", "surrogateescape"), self.key)
        return found

    def translate_path(self, path: str) -> str:
        # Resolve, then refuse anything that ends up outside the root (``..`` segments, encoded or not,
        # and symlinks pointing out). An empty string makes the base class answer 404.
        rel = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
        if "\0" in rel:
            return ""
        target = (self.root / rel.lstrip("/")).resolve()
        if target != self.root and self.root not in target.parents:
            return ""
        # Nor hidden files and folders (.git, .ssh, .env): --html serves the page's whole folder, a home folder
        # maybe, to any local process that finds the port while the replay runs; no page needs them.
        if any(part.startswith(".") for part in target.relative_to(self.root).parts):
            return ""
        return str(target)

    def send_head(self):  # type: ignore[override]
        if not self.translate_path(self.path):
            self.send_error(404, "Not found")
            return None
        return super().send_head()

    def list_directory(self, path: str | os.PathLike):  # type: ignore[override]
        self.send_error(404, "No directory listings")

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - base class signature
        pass  # replays are logged by the sandbox, not by a stderr line per file


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def handle_error(self, request, client_address) -> None:  # type: ignore[override]
        import sys

        # A browser killed mid-response (the watchdog) leaves broken pipes: expected, not worth a traceback.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    """Serve `root` on 127.0.0.1 at a free port until `close()` (or the end of a ``with`` block).

    >>> import tempfile, urllib.request
    >>> d = Path(tempfile.mkdtemp()); _ = (d / "a.html").write_text("hi")
    >>> with LoopbackServer(d) as s:
    ...     urllib.request.urlopen(s.url("a.html")).read()
    b'hi'
    """

    def __init__(self, root: str | os.PathLike, *, private: bool = False) -> None:
        """`private`: answer only requests that carry this server's key (`cookie` or `headers`); the others get
        a bare 403. Off by default, for a server that stands for a user's own (``--url``) or a test's."""
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NotADirectoryError(str(self.root))
        #: the key a private server's requests must carry (None: a server open to every local caller)
        self.key: str | None = secrets.token_urlsafe(32) if private else None
        handler = type("Handler", (_Handler,), {"root": self.root})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self.port: int = self._httpd.server_address[1]
        if self.key is not None:
            handler.key = self.key.encode("ascii")
            handler.cookie_name = self.cookie_name
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"omniact-http-{self.port}", daemon=True
        )
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def cookie_name(self) -> str:
        # Cookies are not told apart by port: a name of the port's own keeps two servers' keys apart.
        return f"omniact_key_{self.port}"

    @property
    def cookie(self) -> dict[str, object] | None:
        """The key as a Playwright cookie for this origin (HttpOnly: the page's scripts cannot read it), or None
        for a server that is not private."""
        if self.key is None:
            return None
        return {"name": self.cookie_name, "value": self.key, "domain": "127.0.0.1", "path": "/", "expires": -1,
                "httpOnly": True, "secure": False, "sameSite": "Strict"}

    @property
    def headers(self) -> dict[str, str]:
        """The key as a request header (empty for a server that is not private)."""
        return {} if self.key is None else {KEY_HEADER: self.key}

    def url(self, rel: str = "") -> str:
        """The address of `rel` (a path relative to the root, query string allowed)."""
        return f"{self.origin}/{rel.lstrip('/')}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
