"""The checkout form: a Flask app over `esi_docs.api.render`, nothing else renders.

One page with one form; POST /sheet validates with the same library as the CLI, then returns
the PDF inline or, from "Show as web page", the sheet as accessible HTML (or the form again,
values kept, each problem next to its field). Nothing is written to disk; the only record of
a sheet is whatever the `on_render` hook (the audit trail) keeps.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response as BaseResponse  # what redirect() returns

from esi_docs import __version__, clock
from esi_docs.api import RenderedHandout, RenderRequest
from esi_docs.api import render as render_request
from esi_docs.content.compose import library
from esi_docs.content.signoff import signoff_by_language
from esi_docs.errors import EsiDocsError, InputError
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.inputs.patient import PatientOptions, parse_patient
from esi_docs.web import auth, forms, security

if TYPE_CHECKING:
    from esi_docs.records.accounts import Accounts
    from esi_docs.records.audit import AuditLog

OnRender = Callable[[RenderedHandout, str, PatientOptions, str], None]
PDF_FILENAME = "discharge.pdf"  # the same for every sheet: no patient data in a file name
MAX_REQUEST_BYTES = 64 * 1024
CSRF_HOURS = 12  # a form left open for a whole shift still submits


class SessionCookies(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (directly, or via a
    trusted proxy's X-Forwarded-Proto), so a browser never sends it back over plain HTTP."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


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
    accounts: Accounts | None = None,
    audit: AuditLog | None = None,
    idle_minutes: int = 15,
    secure_cookies: bool = False,
    allowed_hosts: tuple[str, ...] = (),
    render: Callable[[RenderRequest], RenderedHandout] | None = None,
) -> Flask:
    """The checkout app for one clinic profile and content folder.

    `on_render(rendered, handout, patient, operator)` is called after every successful render
    and before the PDF is sent; if it raises, the sheet is not handed out (an unrecorded sheet
    must not be printed). `render` takes a RenderRequest (as api.render does); `serve` passes a
    RenderPool's (web/pool.py) so sheets lay out in worker processes with a hard time limit.
    The secret key signs the session cookie and the CSRF token; a
    random one per process means a restart simply asks the nurse to reload the form.

    With `accounts`, every page needs sign-in and the audit operator is the signed-in
    account (see web/auth.py); without, the nurse types a name once per session. `audit`
    gives the history, reprint and audit-log pages their records.
    """
    app = CheckoutApp(__name__, template_folder="pages", static_folder="static")
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        SESSION_COOKIE_NAME="esi_docs_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=secure_cookies,
        WTF_CSRF_TIME_LIMIT=CSRF_HOURS * 3600,
        # Flask-WTF's HTTPS check wants a Referer, which our no-referrer policy never sends;
        # the SameSite=Strict session cookie and the token still protect every form.
        WTF_CSRF_SSL_STRICT=False,
        # Answer only to this PC's loopback names and the clinic's own server names: a page a
        # nurse opens elsewhere cannot reach the form through DNS rebinding.
        TRUSTED_HOSTS=[*security.LOOPBACK_NAMES, *allowed_hosts],
    )
    app.session_interface = SessionCookies()
    CSRFProtect(app)
    security.install(app)
    auth.install(app, accounts, idle_minutes)
    app.context_processor(auth.page_context)
    app.extensions["esi_docs"] = {
        "audit": audit,
        "clinic": clinic,
        "templates": templates,
        "on_render": on_render,
        "render": render,  # None: render here (api.render), looked up at each sheet
        "choices": forms.form_choices(clinic, templates),
    }
    _routes(app)
    _error_pages(app)
    from esi_docs.web import admin, desks, records

    records.install(app)
    admin.install(app)
    desks.install(app)
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
        signed_in=auth.signed_in() is not None,
        desk=_desk_context(),
        signoff=_signoff_lines(),
        focus=first_error or "name",
        forms=forms,
    )
    return html, status


def _signoff_lines() -> list[tuple[str, bool, str]]:
    """(language, approved, the nurse's line) per language the form offers: the status each
    sheet will print, shown beside the Show sheet button before anything is printed."""
    state = _state()
    choices: forms.FormChoices = state["choices"]
    try:
        found = signoff_by_language(
            library(state["templates"]), state["clinic"], [code for code, _ in choices.languages]
        )
    except EsiDocsError:  # the content cannot be read: the sheet itself will say so
        return []
    names = dict(choices.languages)
    return [(code, s.approved, s.nurse_words(names[code])) for code, s in found.items()]


def _desk_context() -> dict[str, Any] | None:
    from esi_docs.web import desks

    names = _state()["clinic"].desk_printers
    return {"current": desks.current()} if names else None


def _routes(app: Flask) -> None:
    @app.get("/")
    def form() -> tuple[str, int]:
        return _form_page(forms.Submission(forms.initial_values(clock.today().isoformat())))

    @app.post("/sheet")
    def sheet() -> Response | tuple[str, int]:
        if request.args:
            abort(400)  # patient data belongs in the form body, never in a URL
        return _sheet()

    @app.post("/operator/clear")
    def clear_operator() -> BaseResponse:
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
    operator = _operator(submission)
    forms.check_choices(submission, state["choices"])
    try:
        patient = parse_patient(forms.patient_mapping(submission.values), forms.SOURCE)
    except InputError as exc:
        forms.add_problems(submission, exc)
        patient = None
    if patient is None or not submission.ok or operator is None:
        return _form_page(submission, 422)
    handout = submission.values["handout"]
    as_web_page = request.form.get("send_to") == "web"
    try:
        rendered = (state["render"] or render_request)(
            RenderRequest(
                handout,
                patient,
                state["clinic"],
                format="html" if as_web_page else "pdf",
                templates=state["templates"],
            )
        )
    except InputError as exc:  # what this handout needs of the patient (held, passed dates)
        forms.add_problems(submission, exc)
        return _form_page(submission, 422)
    except EsiDocsError as exc:
        submission.general.extend(str(p) for p in exc.problems)
        return _form_page(submission, 500)
    if state["on_render"] is not None:
        try:
            state["on_render"](rendered, handout, patient, operator)
        except Exception as exc:  # the print record failed: hand nothing out
            security.ERROR_LOG.error("on_render hook failed (%s)", type(exc).__name__)
            return _error_page(500, _NOT_RECORDED)
    if as_web_page:
        return _web_page_response(rendered.data)
    if request.form.get("send_to") == "printer":
        return _send_to_printer(rendered.pdf, submission)
    return _pdf_response(rendered.pdf)


def _operator(submission: forms.Submission) -> str | None:
    """The signed-in account; without accounts, the name typed once per session."""
    account = auth.signed_in()
    if account is not None:
        submission.values.pop("operator", None)
        return account.name
    operator = forms.check_operator(submission, session.get("operator"))
    if operator:
        session["operator"] = operator
    return operator


def _send_to_printer(pdf: bytes, submission: forms.Submission) -> tuple[str, int]:
    """The checkout printer (the clinic profile's, else the system default), through lp. The
    sheet is recorded before it is sent; a printer problem shows on the form, values kept."""
    from esi_docs.delivery.printing import PrintError, print_pdf
    from esi_docs.web import desks

    printer, problem = desks.printer()
    if problem:
        submission.general.append(problem)
        return _form_page(submission, 409)
    try:
        job = print_pdf(pdf, printer)
    except PrintError as exc:
        submission.general.extend(str(p) for p in exc.problems)
        return _form_page(submission, 502)
    return render_template("sent.html", job=job), 200


def _pdf_response(pdf: bytes) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{PDF_FILENAME}"'
    return response


def _web_page_response(page: bytes) -> Response:
    """The sheet as its accessible web page (no script; its own inline style sheet)."""
    response = Response(page, mimetype="text/html")
    response.headers[security.SHEET_MARK] = "1"
    return response


def _health() -> tuple[dict[str, Any], int]:
    """For clinic IT: is the content loadable, and which versions are served. No PHI."""
    state = _state()
    choices: forms.FormChoices = state["choices"]
    content = library(state["templates"])
    try:
        handouts = {name: content.recipe(name).version for name in choices.handouts}
        codes = [code for code, _ in choices.languages]
        signoff = signoff_by_language(content, state["clinic"], codes)
    except EsiDocsError as exc:
        return {"status": "error", "version": __version__, "problems": exc.lines()}, 503
    return {
        "status": "ok",
        "version": __version__,
        "clinic": state["clinic"].name,
        "handouts": handouts,
        "languages": {code: s.version for code, s in signoff.items()},
        # issue 13: is each language's current content approved by the clinic (else DRAFT)?
        "approval": {code: s.as_json() for code, s in signoff.items()},
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

    @app.errorhandler(SecurityError)
    def foreign_host(_: SecurityError) -> Response:
        # No page (it would link to this server under a name it does not answer to).
        return Response("Unknown server name.\n", 400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        return _error_page(code, _MESSAGES.get(code, _MESSAGES[400 if code < 500 else 500]))

    @app.errorhandler(Exception)
    def internal_error(exc: Exception) -> tuple[str, int]:
        security.log_internal_error(type(exc))
        return _error_page(500, _MESSAGES[500])
