"""Sign-in on the checkout server (issue 15): every page but /login, /health and static files
needs a session; one answer for any wrong sign-in; a lock; sign-out; idle sign-out; roles
checked on the server; the audit operator is the signed-in account."""

from __future__ import annotations

import hashlib
import time

import pytest

from esi_docs.cli.serve import audit_recorder
from esi_docs.inputs.clinic import load_clinic
from esi_docs.records.accounts import LOCK_AFTER, Accounts
from esi_docs.records.audit import AuditLog
from esi_docs.web import auth, create_app
from tests.web.conftest import CANARY_MRN, FILLED, page

PASSWORD = "correct horse battery"  # noqa: S105 - a test account


@pytest.fixture
def store(database) -> Accounts:
    store = Accounts(database)
    for name, role in (("joy", "nurse"), ("ed", "editor"), ("ada", "admin")):
        store.add(name, role, PASSWORD)
    return store


@pytest.fixture
def audit(database) -> AuditLog:
    return AuditLog(database) if not database.startswith("postgresql") else _pg_audit(database)


def _pg_audit(url: str) -> AuditLog:
    return AuditLog(url)


@pytest.fixture
def app(store, audit):
    clinic = load_clinic(None)
    app = create_app(
        clinic, on_render=audit_recorder(audit, clinic, None), accounts=store, audit=audit
    )
    app.config["TESTING"] = True
    return app


def _token(client, path: str = "/login") -> str:
    return page(client.get(path)).find("input", {"name": "csrf_token"})["value"]


def sign_in(client, name: str = "joy", password: str = PASSWORD):
    data = {"username": name, "password": password, "csrf_token": _token(client)}
    return client.post("/login", data=data)


def _post_sheet(client, **fields):
    data = {**FILLED, **fields, "csrf_token": _token(client, "/")}
    return client.post("/sheet", data=data)


@pytest.mark.parametrize("path", ["/", "/history", "/accounts", "/audit", "/content"])
def test_every_page_needs_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login")


def test_login_health_and_static_are_open(client):
    assert client.get("/login").status_code == 200
    assert client.get("/health").status_code == 200
    assert client.get("/static/form.css").status_code == 200


def test_a_post_to_sheet_without_a_session_never_gives_a_pdf(client, audit):
    client.get("/login")  # a CSRF token exists in the session, no account does
    token = page(client.get("/login")).find("input", {"name": "csrf_token"})["value"]
    response = client.post("/sheet", data={**FILLED, "csrf_token": token})
    assert response.status_code == 303
    assert response.mimetype != "application/pdf"
    assert audit.history(CANARY_MRN) == []


def test_the_login_form_is_csrf_protected(client):
    response = client.post("/login", data={"username": "joy", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 303  # no session was made


@pytest.mark.parametrize(("name", "password"), [("joy", "not the password"), ("nobody", PASSWORD)])
def test_wrong_name_or_password_same_message_no_session(client, name, password):
    response = sign_in(client, name, password)
    assert response.status_code == 401
    assert page(response).find(id="login-message").get_text() == auth.WRONG
    assert client.get("/").status_code == 303


def test_repeated_failures_lock_the_account(client):
    for _ in range(LOCK_AFTER):
        sign_in(client, "joy", "not the password")
    response = sign_in(client, "joy", PASSWORD)
    assert response.status_code == 401
    assert page(response).find(id="login-message").get_text() == auth.WRONG
    assert client.get("/").status_code == 303


def test_sign_in_then_the_form_then_sign_out(client):
    response = sign_in(client)
    assert response.status_code == 303
    soup = page(client.get("/"))
    assert soup.find(id="signed-in-as").get_text() == "joy"
    assert soup.find("input", {"name": "operator"}) is None  # no typed name with accounts
    token = soup.find("input", {"name": "csrf_token"})["value"]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303


def test_idle_sessions_are_signed_out(client, monkeypatch):
    sign_in(client)
    assert client.get("/").status_code == 200
    later = time.time() + 16 * 60
    monkeypatch.setattr(auth.time, "time", lambda: later)
    response = client.get("/")
    assert response.status_code == 303
    login = page(client.get("/login"))
    assert "signed out after 15 minutes" in login.find(id="login-message").get_text()
    monkeypatch.undo()
    assert client.get("/").status_code == 303  # the session is gone, not just paused


def test_activity_keeps_the_session(client, monkeypatch):
    sign_in(client)
    start = time.time()
    for minutes in (10, 20, 30):  # each click within 15 minutes of the last
        monkeypatch.setattr(auth.time, "time", lambda m=minutes: start + m * 60)
        assert client.get("/").status_code == 200


def test_a_disabled_account_is_signed_out_at_the_next_click(client, store):
    sign_in(client)
    store.disable("joy")
    assert client.get("/").status_code == 303


def test_the_operator_is_the_signed_in_account(client, audit):
    sign_in(client)
    response = _post_sheet(client, operator="Somebody Else")
    assert response.mimetype == "application/pdf"
    [record] = audit.history(CANARY_MRN)
    assert record.operator == "joy"
    assert record.pdf_sha256 == hashlib.sha256(response.data).hexdigest()


ROLE_PAGES = [
    ("/", {"nurse": 200, "editor": 200, "admin": 200}),
    ("/history", {"nurse": 200, "editor": 200, "admin": 200}),
    ("/content", {"nurse": 403, "editor": 200, "admin": 200}),
    ("/accounts", {"nurse": 403, "editor": 403, "admin": 200}),
    ("/audit", {"nurse": 403, "editor": 403, "admin": 200}),
]


@pytest.mark.parametrize(("path", "expected"), ROLE_PAGES)
@pytest.mark.parametrize(("name", "role"), [("joy", "nurse"), ("ed", "editor"), ("ada", "admin")])
def test_each_page_checks_the_role_on_the_server(client, path, expected, name, role):
    sign_in(client, name)
    assert client.get(path).status_code == expected[role]


def test_a_nurse_cannot_add_accounts_by_posting(client, store):
    sign_in(client, "joy")
    token = _token(client, "/")
    data = {"name": "mallory", "role": "admin", "password": PASSWORD, "csrf_token": token}
    assert client.post("/accounts", data=data).status_code == 403
    assert store.get("mallory") is None


def test_history_by_mrn_and_reprint(client, audit):
    sign_in(client)
    first = _post_sheet(client)
    token = _token(client, "/history")
    soup = page(client.post("/history", data={"mrn": CANARY_MRN, "csrf_token": token}))
    [row] = soup.find(id="records").find("tbody").find_all("tr")
    record_id = int(row.find("td").get_text())
    again = client.post(f"/reprint/{record_id}", data={"csrf_token": token})
    assert again.mimetype == "application/pdf"
    assert again.data == first.data
    original, reprinted = audit.history(CANARY_MRN)
    assert reprinted.options["reprint_of"] == original.id
    assert reprinted.operator == "joy"


def test_the_mrn_never_goes_in_a_url(client):
    sign_in(client)
    soup = page(client.get("/history"))
    form = soup.find("form", id="history")
    assert form["method"] == "post"
    assert (
        client.get("/history", query_string={"mrn": CANARY_MRN})
        .get_data(as_text=True)
        .count(CANARY_MRN)
        == 0
    )


def test_admin_adds_and_disables_accounts_and_reads_the_audit_log(client, store):
    sign_in(client, "joy")
    _post_sheet(client)
    client.post("/logout", data={"csrf_token": _token(client, "/")})
    sign_in(client, "ada")
    token = _token(client, "/accounts")
    data = {"name": "kim", "role": "nurse", "password": PASSWORD, "csrf_token": token}
    assert client.post("/accounts", data=data).status_code == 303
    assert store.get("kim").role == "nurse"
    assert client.post("/accounts/kim/disable", data={"csrf_token": token}).status_code == 303
    assert store.active("kim") is None
    rows = page(client.get("/audit")).find(id="audit").find("tbody").find_all("tr")
    assert [r.find_all("td")[2].get_text() for r in rows] == ["joy"]


def test_editor_previews_content_without_patient_data(client):
    sign_in(client, "ed")
    token = _token(client, "/content")
    response = client.post("/content/preview", data={"handout": "discharge", "csrf_token": token})
    assert response.mimetype == "application/pdf"
    from tests.conftest import pdf_text

    assert "Maria Example" in pdf_text(response.data)


def test_without_accounts_the_page_says_single_desk(tmp_path):
    app = create_app(load_clinic(None))
    soup = page(app.test_client().get("/"))
    assert "Single desk" in soup.find(id="single-desk").get_text()


def test_editor_sees_the_lint_results_and_a_nurse_cannot_run_them(tmp_path):
    store = Accounts(tmp_path / "audit.sqlite3")
    store.add("ed", "editor", PASSWORD)
    store.add("joy", "nurse", PASSWORD)
    app = create_app(load_clinic(None), accounts=store)
    app.config["TESTING"] = True
    nurse, editor = app.test_client(), app.test_client()
    sign_in(nurse, "joy")
    assert nurse.post("/content", data={"csrf_token": _token(nurse, "/")}).status_code == 403
    sign_in(editor, "ed")
    response = editor.post("/content", data={"csrf_token": _token(editor, "/content")})
    assert response.status_code == 200
    report = page(response).find(id="lint-report").get_text()
    assert "en/" in report and ".yaml:" in report  # file:line findings, as the CLI prints


def test_single_desk_reprint_records_the_typed_name(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3")
    clinic = load_clinic(None)
    app = create_app(clinic, on_render=audit_recorder(log, clinic, None), audit=log)
    app.config["TESTING"] = True
    client = app.test_client()
    _post_sheet(client, operator="Nurse Joy")
    [record] = log.history(CANARY_MRN)
    again = client.post(f"/reprint/{record.id}", data={"csrf_token": _token(client, "/")})
    assert again.mimetype == "application/pdf"
    assert log.history(CANARY_MRN)[1].operator == "Nurse Joy"


def test_sign_ins_are_logged_by_account_and_refusals_without_the_typed_name(client, caplog):
    caplog.set_level("INFO", logger="esi_docs.web.auth")
    sign_in(client, "joy-typed-password-here", PASSWORD)
    sign_in(client, "joy")
    assert [r.getMessage() for r in caplog.records] == [
        "sign-in refused",
        "signed in: joy (nurse)",
    ]
