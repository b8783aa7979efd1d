"""The checkout form records every sheet it hands out in the audit trail (issues 5 and 6)."""

from __future__ import annotations

import hashlib

from esi_docs.cli.serve import audit_recorder
from esi_docs.inputs.clinic import load_clinic
from esi_docs.records.audit import AuditLog
from esi_docs.web import create_app
from tests.web.conftest import FILLED, csrf_token


def _post(client, **fields):
    data = {**FILLED, **fields, "csrf_token": csrf_token(client)}
    return client.post("/sheet", data=data)


def test_each_sheet_is_one_record_with_operator_and_sha256(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3")
    clinic = load_clinic(None)
    app = create_app(clinic, on_render=audit_recorder(log, clinic, None))
    app.config["TESTING"] = True
    client = app.test_client()
    response = _post(client)
    assert response.status_code == 200, response.data[:300]
    [record] = log.history(FILLED["mrn"])
    assert record.handout == "discharge"
    assert record.operator == FILLED["operator"]
    assert record.options["source"] == "web"
    assert record.pdf_sha256 == hashlib.sha256(response.data).hexdigest()


def test_a_broken_audit_database_hands_out_no_sheet(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3")
    clinic = load_clinic(None)
    app = create_app(clinic, on_render=audit_recorder(log, clinic, None))
    app.config["TESTING"] = True
    (tmp_path / "audit.sqlite3").unlink()
    (tmp_path / "audit.sqlite3").mkdir()  # the database is now a folder: recording fails
    response = _post(app.test_client())
    assert response.status_code != 200
    assert response.headers["Content-Type"] != "application/pdf"
