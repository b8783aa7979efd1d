"""The pages over the print record: a patient's history by MRN with reprint (nurse), the
content preview and lint results (editor), and the whole audit log (admin).

The MRN travels in a POST body, never in a URL (URLs end up in logs and browser history). A
reprint is rebuilt from the record byte for byte and is itself recorded, with the signed-in
account as operator.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from flask import Flask, Response, abort, current_app, render_template, request, session

from esi_docs import clock
from esi_docs.errors import EsiDocsError
from esi_docs.inputs.yamlio import parse_yaml
from esi_docs.web import auth

AUDIT_PAGE = 200  # the audit log page shows the newest records, this many


def _audit() -> Any:
    log = current_app.extensions["esi_docs"]["audit"]
    if log is None:
        abort(404)
    return log


def _operator() -> str:
    """The signed-in account; on a single desk without accounts, the name typed this session."""
    from esi_docs.records.audit import current_operator

    account = auth.signed_in()
    if account is not None:
        return account.name
    return session.get("operator") or current_operator()


def install(app: Flask) -> None:
    """Register the history, reprint, content and audit-log routes."""

    @app.get("/history")
    def history() -> tuple[str, int]:
        return render_template("history.html", mrn="", records=None), 200

    @app.post("/history")
    def history_post() -> tuple[str, int]:
        mrn = request.form.get("mrn", "").strip()[:40]
        records = _audit().history(mrn) if mrn else []
        return render_template("history.html", mrn=mrn, records=records), 200

    @app.post("/reprint/<int:record_id>")
    def reprint(record_id: int) -> Response | tuple[str, int]:
        from esi_docs.records.reprint import reprint as rebuild
        from esi_docs.web.app import _pdf_response

        log = _audit()
        try:
            rendered, record = rebuild(log, record_id)
        except EsiDocsError as exc:
            text = "; ".join(p.split(": ", 1)[-1] for p in map(str, exc.problems))
            return render_template(
                "error.html", title="The sheet cannot be reprinted", advice=text, status=422
            ), 422
        log.add_reprint(record, _operator())
        return _pdf_response(rendered.pdf)

    @app.get("/audit")
    def audit_log() -> tuple[str, int]:
        return render_template("audit.html", records=_audit().recent(AUDIT_PAGE)), 200

    @app.get("/content")
    def content() -> tuple[str, int]:
        choices = current_app.extensions["esi_docs"]["choices"]
        return render_template("content.html", handouts=choices.handouts, report=None), 200

    @app.post("/content")
    def content_lint() -> tuple[str, int]:
        from esi_docs.lint import run_lint
        from esi_docs.lint.report import as_text

        state = current_app.extensions["esi_docs"]
        report = run_lint(state["templates"], None)
        text = as_text(report, strict=False)
        return render_template("content.html", handouts=state["choices"].handouts, report=text), 200

    @app.post("/content/preview")
    def preview() -> Response:
        """A handout for the packaged example patient: what the content prints, no PHI."""
        from esi_docs.api import render_handout
        from esi_docs.inputs.patient import parse_patient
        from esi_docs.web.app import _pdf_response

        state = current_app.extensions["esi_docs"]
        handout = request.form.get("handout", "")
        if handout not in state["choices"].handouts:
            abort(400)
        patient = parse_patient(_example_patient(), "example patient")
        rendered = render_handout(handout, patient, state["clinic"], templates=state["templates"])
        return _pdf_response(rendered.pdf)


def _example_patient() -> dict[str, str]:
    """The packaged example patient, treated today (so every handout's dates are current)."""
    text = (resources.files("esi_docs") / "data" / "patient.yaml").read_text(encoding="utf-8")
    values = dict(parse_yaml(text, "example patient", strings_only=True))
    values["procedure_date"] = clock.today().isoformat()
    values.pop("follow_up", None)
    return values
