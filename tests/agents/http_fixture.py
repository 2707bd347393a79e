"""A local HTTP server in a thread, for the tests that stand in for an OpenAI-compatible endpoint."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import HTTPServer
from typing import TypeVar

S = TypeVar("S", bound=HTTPServer)


@contextmanager
def serving(server: S) -> Iterator[S]:
    """Serve `server` in a daemon thread until the block ends. A server with a `stopping` event has it set first,
    so that handlers waiting on it (a reply that drips or hangs) return and shutdown does not wait for them."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        stopping = getattr(server, "stopping", None)
        if stopping is not None:
            stopping.set()
        server.shutdown()
        server.server_close()
