"""`esi-docs serve`: loopback by default, a loud warning otherwise, bad inputs exit 2."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
import urllib.parse
from typing import ClassVar

import pytest

from esi_docs.cli.serve import is_loopback
from esi_docs.web.local import free_port, wait_ready
from tests.web.conftest import CANARY_MRN, CANARY_NAME, FILLED


class FakeServer:
    """Records how waitress would have been started, and returns at once."""

    started: ClassVar[dict] = {}

    def __init__(self, app, **kwargs):
        FakeServer.started = {"app": app, **kwargs}

    def run(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def fake_waitress(monkeypatch):
    import waitress

    monkeypatch.setattr(waitress, "create_server", FakeServer)
    return FakeServer


def test_serves_on_loopback_by_default_without_warning(run_cli, fake_waitress):
    result = run_cli("serve")
    assert result.exit_code == 0
    assert fake_waitress.started["host"] == "127.0.0.1"
    assert fake_waitress.started["port"] == 8000
    assert "WARNING" not in result.stderr
    assert "http://127.0.0.1:8000/" in result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])  # noqa: S104
def test_warns_loudly_when_reachable_from_the_network(run_cli, fake_waitress, host):
    run_cli("users", "add", "ada", "--role", "admin", "--password-stdin", input="a long secret\n")
    result = run_cli("serve", "--host", host, "--port", "8080")
    assert result.exit_code == 0
    assert fake_waitress.started["host"] == host
    assert f"WARNING: esi-docs serve is listening on {host}" in result.stderr
    assert result.stderr.count("WARNING") >= 3


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),  # noqa: S104
        ("10.0.0.5", False),
        ("clinic-pc", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_bad_clinic_profile_exits_2_before_serving(run_cli, fake_waitress, tmp_path):
    fake_waitress.started = {}
    clinic = tmp_path / "clinic.yaml"
    clinic.write_text("protocol:\n  fever_f: 1000\n", encoding="utf-8")
    result = run_cli("serve", "--clinic", str(clinic))
    assert result.exit_code == 2
    assert "fever_f" in result.stderr
    assert fake_waitress.started == {}


def test_missing_templates_folder_exits_2(run_cli, fake_waitress, tmp_path):
    result = run_cli("serve", "--templates", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "--templates must be an existing folder" in result.stderr


def test_secret_key_can_be_configured(run_cli, fake_waitress, monkeypatch):
    monkeypatch.setenv("ESI_DOCS_SECRET_KEY", "a-configured-secret-for-several-workers")
    assert run_cli("serve").exit_code == 0
    app = fake_waitress.started["app"]
    assert app.config["SECRET_KEY"] == "a-configured-secret-for-several-workers"  # noqa: S105


def test_the_real_server_logs_requests_without_patient_data(tmp_path):
    """`esi-docs serve` as nurses run it: waitress, our log on stderr, a canary patient."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "esi_docs", "serve", "--port", str(port)], stderr=stderr
        )
        try:
            wait_ready(port)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", f"/?name={urllib.parse.quote(CANARY_NAME)}")
            form = connection.getresponse()
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.read().decode())[1]
            cookie = form.getheader("Set-Cookie").split(";", 1)[0]
            body = urllib.parse.urlencode({**FILLED, "csrf_token": token})
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
            connection.request("POST", "/sheet", body=body, headers=headers)
            assert connection.getresponse().read().startswith(b"%PDF")
            connection.request("GET", f"/{CANARY_MRN}")
            assert connection.getresponse().read()
            time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=10)
    text = log.read_text(encoding="utf-8")
    assert "esi_docs.web.access POST /sheet 200" in text
    assert "esi_docs.web.access GET (no route) 404" in text
    assert CANARY_NAME not in text and CANARY_MRN not in text
    assert urllib.parse.quote(CANARY_NAME) not in text


def test_trusted_proxy_lets_waitress_read_only_that_proxys_headers(run_cli, fake_waitress):
    assert run_cli("serve", "--trusted-proxy").exit_code == 0
    started = fake_waitress.started
    assert started["trusted_proxy"] == "127.0.0.1"
    assert started["trusted_proxy_headers"] == {
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
    }
    assert started["clear_untrusted_proxy_headers"] is True
    assert run_cli("serve", "--trusted-proxy", "10.0.0.5").exit_code == 0
    assert fake_waitress.started["trusted_proxy"] == "10.0.0.5"
    assert run_cli("serve").exit_code == 0
    assert "trusted_proxy" not in fake_waitress.started


def test_an_empty_host_and_a_port_in_use_are_one_line_errors(run_cli):
    import socket

    result = run_cli("serve", "--host", "")
    assert result.exit_code == 2 and result.stderr.startswith("esi-docs: error: --host: give")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--no-audit")
    assert result.exit_code == 2
    assert f"--port {port}: cannot listen there (Address already in use)" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_real_server_refuses_a_huge_body_before_reading_it(tmp_path):
    """Waitress's own limit: the 64 KB rule holds before a 900 MB body is taken in."""
    import socket

    port = free_port()
    env = {**__import__("os").environ, "ESI_DOCS_AUDIT_DB": str(tmp_path / "a.db")}
    command = [sys.executable, "-m", "esi_docs", "serve", "--port", str(port)]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=env)
    try:
        wait_ready(port)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(
                b"POST /sheet HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 900000000\r\n\r\n"
            )
            started = time.monotonic()
            answer = conn.recv(200)
        assert answer.startswith(b"HTTP/1.1 413") and time.monotonic() - started < 5
    finally:
        server.terminate()
        server.wait(timeout=10)
