"""The checkout form: a Flask app over `esi_docs.api.render_handout`, nothing else renders.

One page with one form; POST /sheet validates with the same library as the CLI, then returns
the PDF inline (or the form again, values kept, each problem next to its field). Nothing is
written to disk; the only record of a sheet is whatever the `on_render` hook (the audit trail)
keeps.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from esi_docs import __version__
from esi_docs.api import RenderedHandout, render_handout
from esi_docs.content.compose import library
from esi_docs.errors import EsiDocsError, InputError
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.inputs.patient import PatientOptions, parse_patient
from esi_docs.web import forms, security

OnRender = Callable[[RenderedHandout, str, PatientOptions, str], None]
PDF_FILENAME = "discharge.pdf"  # the same for every sheet: no patient data in a file name
MAX_REQUEST_BYTES = 64 * 1024
CSRF_HOURS = 12  # a form left open for a whole shift still submits


class CheckoutApp(Flask):
    """Flask, except an unexpected error is logged by type only: its text may quote PHI."""

    def log_exception(self, exc_info: Any) -> None:
        security.log_internal_error(exc_info[0])


def create_app(
    clinic: ClinicProfile,
    templates: Path | None = None,
    on_render: OnRender | None = None,
    *,
    secret_key: str | bytes | None = None,
    render: Callable[..., RenderedHandout] | None = None,
) -> Flask:
    """The checkout app for one clinic profile and content folder.

    `on_render(rendered, handout, patient, operator)` is called after every successful render
    and before the PDF is sent; if it raises, the sheet is not handed out (an unrecorded sheet
    must not be printed). `render` takes `render_handout`'s arguments; `serve` passes a
    RenderPool's (web/pool.py) so sheets lay out in worker processes with a hard time limit.
    The secret key signs the session cookie and the CSRF token; a
    random one per process means a restart simply asks the nurse to reload the form.
    """
    app = CheckoutApp(__name__, template_folder="pages", static_folder="static")
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        SESSION_COOKIE_NAME="esi_docs_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        WTF_CSRF_TIME_LIMIT=CSRF_HOURS * 3600,
    )
    CSRFProtect(app)
    security.install(app)
    app.extensions["esi_docs"] = {
        "clinic": clinic,
        "templates": templates,
        "on_render": on_render,
        "render": render or render_handout,
        "choices": forms.form_choices(clinic, templates),
    }
    _routes(app)
    _error_pages(app)
    return app


def _state() -> dict[str, Any]:
    return current_app.extensions["esi_docs"]


def _form_page(submission: forms.Submission, status: int = 200) -> tuple[str, int]:
    first_error = next((n for n in forms.FIELD_ORDER if n in submission.errors), None)
    html = render_template(
        "form.html",
        values=submission.values,
        errors=submission.errors,
        general=submission.general,
        options=forms.page_options(_state()["choices"]),
        clinic_name=_state()["clinic"].name,
        operator=session.get("operator"),
        focus=first_error or "name",
        forms=forms,
    )
    return html, status


def _routes(app: Flask) -> None:
    @app.get("/")
    def form() -> tuple[str, int]:
        return _form_page(forms.Submission(forms.initial_values(date.today().isoformat())))

    @app.post("/sheet")
    def sheet() -> Response | tuple[str, int]:
        if request.args:
            abort(400)  # patient data belongs in the form body, never in a URL
        return _sheet()

    @app.post("/operator/clear")
    def clear_operator() -> Response:
        session.pop("operator", None)
        return redirect(url_for("form"), code=303)

    @app.get("/favicon.ico")
    def favicon() -> tuple[str, int]:
        return "", 204  # browsers ask for it; an empty answer keeps the log free of 404s

    @app.get("/health")
    def health() -> tuple[dict[str, Any], int]:
        return _health()


def _sheet() -> Response | tuple[str, int]:
    """Validate everything, render once, record, and answer with the PDF."""
    state = _state()
    submission = forms.read_submission(request.form)
    operator = forms.check_operator(submission, session.get("operator"))
    if operator:
        session["operator"] = operator
    forms.check_choices(submission, state["choices"])
    try:
        patient = parse_patient(forms.patient_mapping(submission.values), forms.SOURCE)
    except InputError as exc:
        forms.add_problems(submission, exc)
        patient = None
    if patient is None or not submission.ok or operator is None:
        return _form_page(submission, 422)
    handout = submission.values["handout"]
    try:
        rendered = state["render"](handout, patient, state["clinic"], templates=state["templates"])
    except EsiDocsError as exc:
        submission.general.extend(exc.problems)
        return _form_page(submission, 500)
    if state["on_render"] is not None:
        try:
            state["on_render"](rendered, handout, patient, operator)
        except Exception as exc:  # the print record failed: hand nothing out
            security.ERROR_LOG.error("on_render hook failed (%s)", type(exc).__name__)
            return _error_page(500, _NOT_RECORDED)
    if request.form.get("send_to") == "printer":
        return _send_to_printer(rendered.pdf, submission)
    return _pdf_response(rendered.pdf)


def _send_to_printer(pdf: bytes, submission: forms.Submission) -> tuple[str, int]:
    """The checkout printer (the clinic profile's, else the system default), through lp. The
    sheet is recorded before it is sent; a printer problem shows on the form, values kept."""
    from esi_docs.delivery.printing import PrintError, print_pdf

    try:
        job = print_pdf(pdf, _state()["clinic"].printer or None)
    except PrintError as exc:
        submission.general.extend(exc.problems)
        return _form_page(submission, 502)
    return render_template("sent.html", job=job), 200


def _pdf_response(pdf: bytes) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{PDF_FILENAME}"'
    return response


def _health() -> tuple[dict[str, Any], int]:
    """For clinic IT: is the content loadable, and which versions are served. No PHI."""
    state = _state()
    choices: forms.FormChoices = state["choices"]
    content = library(state["templates"])
    try:
        handouts = {name: content.recipe(name).version for name in choices.handouts}
        languages = {
            code: str(content.language(code).meta.get("version")) for code, _ in choices.languages
        }
    except EsiDocsError as exc:
        return {"status": "error", "version": __version__, "problems": exc.problems}, 503
    return {
        "status": "ok",
        "version": __version__,
        "clinic": state["clinic"].name,
        "handouts": handouts,
        "languages": languages,
    }, 200


_MESSAGES = {
    400: ("The request was not understood", "Go back to the form, reload it and try again."),
    404: ("There is no page here", "The checkout form is at the start page."),
    405: ("That is not how this page is used", "Open the checkout form from the start page."),
    413: ("The form was too large", "Go back to the form and check what was typed."),
    500: ("Something went wrong", "Nothing was printed. Try again; if it happens again, call IT."),
}
_EXPIRED = (
    "The form has expired",
    "Nothing was printed. Reload the form (it keeps nothing you typed) and fill it in again.",
)
_NOT_RECORDED = (
    "The sheet could not be recorded",
    "Nothing was printed, because every sheet must be in the print record. Call IT.",
)


def _error_page(status: int, text: tuple[str, str]) -> tuple[str, int]:
    return render_template("error.html", title=text[0], advice=text[1], status=status), status


def _error_pages(app: Flask) -> None:
    """Plain pages for every error: no traceback, no echo of what was sent."""

    @app.errorhandler(CSRFError)
    def csrf_refused(_: CSRFError) -> tuple[str, int]:
        return _error_page(400, _EXPIRED)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        return _error_page(code, _MESSAGES.get(code, _MESSAGES[400 if code < 500 else 500]))

    @app.errorhandler(Exception)
    def internal_error(exc: Exception) -> tuple[str, int]:
        security.log_internal_error(type(exc))
        return _error_page(500, _MESSAGES[500])
