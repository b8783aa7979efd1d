"""Real Caddy (`tls internal`) in front of `esi-docs serve --trusted-proxy`, and a nurse signing
in over HTTPS in Chromium (issue 15). The Caddyfile is docs/Caddyfile.example with only the
site name, ports and storage changed, so the documented configuration is the tested one.

Outside CI this skips when caddy or Chromium is missing; in CI (CI=true) it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from esi_docs.records.accounts import Accounts
from esi_docs.web.local import free_port, wait_ready
from tests.web.test_browser import ARGS, CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"  # noqa: S105 - a test account


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the HTTPS test (.ci/run installs caddy)")
    pytest.skip(reason)


def caddyfile(app_port: int, http_port: int, https_port: int, storage: Path) -> str:
    """The documented Caddyfile, on test ports, with its state in a temp folder."""
    text = (ROOT / "docs" / "Caddyfile.example").read_text(encoding="utf-8")
    text = text.replace(
        "admin off",
        f"admin off\n\thttp_port {http_port}\n\thttps_port "
        f"{https_port}\n\tstorage file_system {storage}\n\tskip_install_trust",
    )
    text = text.replace("checkout.clinic.lan {", f"localhost:{https_port} {{")
    return text.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")


@pytest.fixture
def https_server(tmp_path):
    caddy = shutil.which("caddy")
    if caddy is None:
        _unavailable("caddy is missing (apt-get install caddy)")
    db = tmp_path / "audit.sqlite3"
    Accounts(db).add("joy", "nurse", PASSWORD)
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
    }
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "esi_docs",
            "serve",
            "--port",
            str(app_port),
            "--trusted-proxy",
            "--audit-db",
            str(db),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    config = tmp_path / "Caddyfile"
    config.write_text(caddyfile(app_port, http_port, https_port, tmp_path / "caddy"))
    proxy = subprocess.Popen(
        [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_ready(app_port)
        _wait_tls(https_port, proxy)
        yield f"https://localhost:{https_port}", db
    finally:
        for process in (proxy, app):
            process.terminate()
            process.wait(timeout=10)


def _wait_tls(port: int, proxy: subprocess.Popen, timeout: float = 30.0) -> None:
    import ssl
    import urllib.request

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proxy.poll() is not None:
            raise RuntimeError(f"caddy stopped: {proxy.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(f"https://localhost:{port}/health", context=context, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("caddy did not answer over HTTPS")


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def test_a_nurse_signs_in_over_https_through_caddy(https_server, chromium):
    url, _db = https_server
    context = chromium.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.goto(url + "/")
    assert page.url == url + "/login"  # the app built its redirect from Caddy's scheme and host
    page.fill("#username", "joy")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(url + "/")
    assert page.text_content("#signed-in-as") == "joy"
    [cookie] = [c for c in context.cookies() if c["name"] == "esi_docs_session"]
    assert cookie["secure"] is True and cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    page.click("#sign-out")
    page.wait_for_url(re.compile(r".*/login$"))
    assert "signed out" in page.text_content("#login-message")
    context.close()


def test_the_caddy_example_is_valid_configuration(tmp_path):
    caddy = shutil.which("caddy")
    if caddy is None:
        _unavailable("caddy is missing (apt-get install caddy)")
    result = subprocess.run(
        [
            caddy,
            "adapt",
            "--config",
            str(ROOT / "docs" / "Caddyfile.example"),
            "--adapter",
            "caddyfile",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"tls"' in result.stdout or "internal" in result.stdout
