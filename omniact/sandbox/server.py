"""A loopback HTTP server for one directory: how every replayed page is served.

Pages are served over http://127.0.0.1:<port>/ rather than file:// so that the page has a real origin: the
browser's request filter allows exactly that origin and aborts everything else. The server binds to the
loopback interface on a free port, serves files under its root only (no path traversal, symlinks included,
no hidden files or folders, no directory listings), and answers from a thread so a slow request never blocks the replay.
"""

from __future__ import annotations

import http.server
import os
import threading
import urllib.parse
from pathlib import Path
from typing import ClassVar

__all__ = ["LoopbackServer"]


class _Handler(http.server.SimpleHTTPRequestHandler):
    root: Path  # set on the per-server subclass

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

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NotADirectoryError(str(self.root))
        handler = type("Handler", (_Handler,), {"root": self.root})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"omniact-http-{self.port}", daemon=True
        )
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

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
