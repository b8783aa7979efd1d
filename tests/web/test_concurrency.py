"""Under the real threaded server, concurrent nurses each get their own patient's sheet."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from esi_docs.inputs.clinic import load_clinic
from esi_docs.web import create_app
from esi_docs.web.local import serving
from tests.conftest import pdf_text
from tests.web.conftest import FILLED, Recorder

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _sheet_for(base: str, index: int) -> tuple[str, str, str]:
    """One nurse session: load the form, post patient number `index`, return names and text."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    connection.request("GET", "/")
    form = connection.getresponse()
    token = _TOKEN.search(form.read().decode())[1]
    cookie = form.getheader("Set-Cookie").split(";", 1)[0]
    name, operator = f"Patient Number{index}", f"Nurse {index}"
    body = urllib.parse.urlencode(
        {**FILLED, "name": name, "operator": operator, "csrf_token": token}
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection.request("POST", "/sheet", body=body, headers=headers)
    response = connection.getresponse()
    assert response.status == 200
    return name, operator, pdf_text(response.read())


def test_concurrent_sheets_never_mix_patients_or_operators():
    recorder = Recorder()
    app = create_app(load_clinic(None), on_render=recorder)
    with serving(app, threads=8) as base, ThreadPoolExecutor(12) as pool:
        results = list(pool.map(lambda i: _sheet_for(base, i), range(24)))
    for name, _, text in results:
        assert name in text
        others = {n for n, _, _ in results if n != name}
        assert not any(f"{other} " in f"{text} " for other in others)
    recorded = {(call[2].name, call[3]) for call in recorder.calls}
    assert recorded == {(name, operator) for name, operator, _ in results}
