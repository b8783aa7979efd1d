"""Slow clients cannot hold every slot of `esi-docs serve` (issue 14): 110 connections that
trickle a request and never finish it once took all of waitress's default 100 slots, and the
form (and /health) stopped answering."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys

from esi_docs.web.local import free_port, wait_ready


def test_110_slow_connections_leave_the_server_answering(tmp_path):
    port = free_port()
    env = {**os.environ, "ESI_DOCS_AUDIT_DB": str(tmp_path / "a.db")}
    command = [sys.executable, "-m", "esi_docs", "serve", "--port", str(port)]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=env)
    slow: list[socket.socket] = []
    try:
        wait_ready(port)
        for number in range(110):
            conn = socket.create_connection(("127.0.0.1", port), timeout=10)
            # half a request: headers never finished, or a body promised and never sent
            conn.sendall(
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                if number % 2
                else b"POST /sheet HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\nname="
            )
            slow.append(conn)
        health = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        health.request("GET", "/health")
        answer = health.getresponse()
        assert answer.status == 200 and b'"status": "ok"' in answer.read().replace(b'":"', b'": "')
    finally:
        for conn in slow:
            conn.close()
        server.terminate()
        server.wait(timeout=10)
