"""Run the checkout app on a free loopback port in a background thread (tests, screenshots).

The same waitress server `esi-docs serve` uses, so browser tests exercise what nurses get.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask


@contextmanager
def serving(app: Flask, *, threads: int = 8) -> Iterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT) while the app is served; stop it after."""
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads, ident="esi-docs")
    thread = threading.Thread(target=server.run, name="esi-docs-serve", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.task_dispatcher.shutdown()
        # Closing every channel (listener, trigger, connections) empties waitress's socket map,
        # which ends its loop: waitress has no public stop for a server run in a thread.
        for channel in list(server._map.values()):
            channel.close()
        thread.join(timeout=5)


def free_port() -> int:
    """A loopback port that was free a moment ago (for a server started in another process)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(port: int, timeout: float = 30.0) -> None:
    """Wait until a server on this loopback port answers /health."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"the server did not answer on port {port}")
