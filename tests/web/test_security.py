"""What protects the checkout form: CSRF, headers, POST only, plain error pages, clean logs."""

from __future__ import annotations

import logging

import pytest

from esi_docs import __version__
from esi_docs.inputs.clinic import load_clinic
from esi_docs.web import app as web_app
from esi_docs.web import create_app
from tests.web.conftest import CANARY_MRN, CANARY_NAME, FILLED, csrf_token, page


def test_post_without_csrf_token_is_refused(client, post_form, recorder):
    client.get("/")
    response = post_form(token=False)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "The form has expired" in page(response).get_text()
    assert recorder.calls == []


def test_csrf_token_from_another_session_is_refused(app, recorder):
    attacker, victim = app.test_client(), app.test_client()
    stolen = csrf_token(attacker)
    victim.get("/")
    response = victim.post("/sheet", data={**FILLED, "csrf_token": stolen})
    assert response.status_code == 400
    assert recorder.calls == []


def test_csrf_token_signed_by_another_process_is_refused(recorder):
    """A restart makes a new secret key: an old page asks to reload instead of printing."""
    old = create_app(load_clinic(None)).test_client()
    token = csrf_token(old)
    new = create_app(load_clinic(None), on_render=recorder).test_client()
    new.set_cookie("esi_docs_session", old.get_cookie("esi_docs_session").value)
    assert new.post("/sheet", data={**FILLED, "csrf_token": token}).status_code == 400
    assert recorder.calls == []


def _assert_security_headers(response, *, pdf: bool = False) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    if pdf:
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in csp
    else:
        assert csp.startswith("default-src 'self';")
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/", 200),
        ("get", "/health", 200),
        ("get", "/static/form.css", 200),
        ("get", "/static/form.js", 200),
        ("get", "/nowhere", 404),
        ("get", "/sheet", 405),
        ("put", "/", 405),
        ("post", "/sheet", 400),  # no CSRF token
    ],
)
def test_security_headers_on_every_response(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    _assert_security_headers(response)


def test_security_headers_on_the_pdf_and_the_validation_page(post_form):
    _assert_security_headers(post_form(), pdf=True)
    _assert_security_headers(post_form(dob="nope"))


def test_sheet_is_post_only_and_refuses_data_in_the_url(client, post_form, recorder):
    response = client.get("/sheet", query_string={k: v for k, v in FILLED.items()})
    assert response.status_code == 405
    assert CANARY_NAME not in response.get_data(as_text=True)
    token = csrf_token(client)
    response = client.post(
        "/sheet", query_string={"name": CANARY_NAME}, data={**FILLED, "csrf_token": token}
    )
    assert response.status_code == 400
    assert recorder.calls == []


def test_the_form_posts_to_a_url_without_data(client):
    form = page(client.get("/")).find("form", id="checkout")
    assert form["method"] == "post" and form["action"] == "/sheet"
    assert form["autocomplete"] == "off"


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [("/nowhere", 404, "There is no page here"), ("/sheet", 405, "That is not how")],
)
def test_error_pages_are_plain(client, path, status, title):
    response = client.get(path)
    assert response.status_code == status
    text = page(response).get_text()
    assert title in text and "Traceback" not in text


def test_an_unexpected_error_is_a_plain_page_and_a_one_line_log(post_form, monkeypatch, caplog):
    def explode(*_, **__):
        raise RuntimeError(f"bug while laying out {CANARY_NAME}")

    monkeypatch.setattr(web_app, "render_request", explode)
    with caplog.at_level(logging.DEBUG):
        response = post_form()
    assert response.status_code == 500
    text = page(response).get_text()
    assert "Something went wrong" in text
    assert "Traceback" not in text and CANARY_NAME not in text
    assert "internal error (RuntimeError) on /sheet" in caplog.text
    assert CANARY_NAME not in caplog.text and "Traceback" not in caplog.text


def test_oversized_request_is_refused(client):
    token = csrf_token(client)
    response = client.post("/sheet", data={**FILLED, "csrf_token": token, "name": "x" * 100_000})
    assert response.status_code == 413
    assert "too large" in page(response).get_text()


def test_logs_hold_method_route_and_status_but_no_patient_data(client, post_form, caplog):
    with caplog.at_level(logging.DEBUG):
        client.get("/", query_string={"name": CANARY_NAME})
        post_form()
        post_form(dob="1961-02-30")
        post_form(token=False)
        client.get(f"/patients/{CANARY_NAME}/{CANARY_MRN}")
        client.get("/sheet", query_string={"mrn": CANARY_MRN})
    assert CANARY_NAME not in caplog.text and CANARY_MRN not in caplog.text
    access = [r.getMessage() for r in caplog.records if r.name == "esi_docs.web.access"]
    assert "GET / 200" in access
    assert "POST /sheet 200" in access
    assert "POST /sheet 422" in access
    assert "POST /sheet 400" in access
    assert "GET (no route) 404" in access
    assert "GET /sheet 405" in access


def test_session_cookie_is_httponly_samesite_and_holds_no_patient_data(client, post_form):
    post_form()
    cookie = client.get_cookie("esi_docs_session")
    assert cookie.http_only and cookie.same_site == "Strict"
    from itsdangerous import URLSafeTimedSerializer  # noqa: F401 - the cookie is only signed

    decoded = client.application.session_interface.get_signing_serializer(client.application).loads(
        cookie.value
    )
    assert set(decoded) == {"csrf_token", "operator"}


def test_health_reports_versions_and_no_patient_data(client, post_form):
    post_form()
    response = client.get("/health")
    assert response.status_code == 200
    data = response.get_json()
    assert data["status"] == "ok"
    assert data["version"] == __version__
    assert data["handouts"]["discharge"] == "2026.12.1"
    assert "en" in data["languages"] and data["languages"]["en"]
    assert CANARY_NAME not in response.get_data(as_text=True)


def test_health_says_when_the_content_is_broken(tmp_path):
    (tmp_path / "handouts").mkdir()
    (tmp_path / "handouts" / "discharge.yaml").write_text("sections: [oops\n", encoding="utf-8")
    response = create_app(load_clinic(None), templates=tmp_path).test_client().get("/health")
    assert response.status_code == 503
    data = response.get_json()
    assert data["status"] == "error"
    assert any("handouts/discharge.yaml" in p for p in data["problems"])


@pytest.mark.parametrize("host", ["evil.example", "rebind.attacker.test:8000", "10.0.0.5"])
def test_a_foreign_host_header_gets_nothing(client, recorder, host):
    """DNS rebinding: a page elsewhere resolving its own name to 127.0.0.1 sends its Host."""
    from tests.web.conftest import FILLED, csrf_token

    token = csrf_token(client)
    response = client.post("/sheet", data=FILLED | {"csrf_token": token}, headers={"Host": host})
    assert response.status_code == 400 and response.mimetype != "application/pdf"
    assert client.get("/", headers={"Host": host}).status_code == 400
    assert recorder.calls == []


def test_a_post_from_another_origin_is_refused(client, recorder):
    from tests.web.conftest import FILLED, csrf_token

    token = csrf_token(client)
    headers = {"Origin": "https://evil.example"}
    response = client.post("/sheet", data=FILLED | {"csrf_token": token}, headers=headers)
    assert response.status_code == 403 and recorder.calls == []
    ours = {"Origin": "http://localhost"}
    assert (
        client.post("/sheet", data=FILLED | {"csrf_token": token}, headers=ours).status_code == 200
    )


def test_an_allowed_host_is_served(recorder):
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.web import create_app

    app = create_app(load_clinic(None), on_render=recorder, allowed_hosts=("esi.clinic.local",))
    client = app.test_client()
    assert client.get("/", headers={"Host": "esi.clinic.local"}).status_code == 200
    assert client.get("/", headers={"Host": "esi.clinic.local.evil"}).status_code == 400
