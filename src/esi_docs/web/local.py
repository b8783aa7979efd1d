"""Run the checkout app on a free loopback port in a background thread (tests, screenshots).

The same waitress server `esi-docs serve` uses, so browser tests exercise what nurses get.
"""

from __future__ import annotations

import threading
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
