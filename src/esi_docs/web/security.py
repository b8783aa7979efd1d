"""What every response carries, and the only request log the checkout form writes.

The log names the route (not the requested URL), the method and the status: a query string or
a mistyped path can never carry a patient's name into a log file. Responses are never cached
and pages may not be framed by other sites; the PDF may be framed by our own page only, so the
Print button can print it from a hidden frame.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

ACCESS_LOG = logging.getLogger("esi_docs.web.access")
ERROR_LOG = logging.getLogger("esi_docs.web")

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The PDF is shown by the browser's own viewer, in our hidden frame or as the whole tab.
PDF_POLICY = "default-src 'none'; frame-ancestors 'self'"
# The sheet as a web page: no script at all, and only its own inline style sheet.
SHEET_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
SHEET_MARK = "X-Esi-Docs-Sheet"  # set by the app on that response, removed here
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def set_headers(response: Response) -> Response:
    """Security headers on every response, errors and static files included."""
    is_pdf = response.mimetype == "application/pdf"
    is_sheet = response.headers.pop(SHEET_MARK, None) is not None
    policy = PDF_POLICY if is_pdf else SHEET_POLICY if is_sheet else PAGE_POLICY
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Frame-Options"] = "SAMEORIGIN" if is_pdf else "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    return response


def log_request(response: Response) -> Response:
    """Method, route and status only: never the URL as sent, a form value or a header."""
    method = request.method if request.method in _METHODS else "OTHER"
    ACCESS_LOG.info("%s %s %s", method, route_name(), response.status_code)
    return response


def log_internal_error(kind: type[BaseException]) -> None:
    """An unexpected error, by type and route only: its text may quote patient data."""
    ERROR_LOG.error("internal error (%s) on %s", kind.__name__, route_name())


def route_name() -> str:
    """The matched route, or a path that is one of ours (a 405); never an arbitrary URL."""
    if request.url_rule is not None:
        return request.url_rule.rule
    known = {rule.rule for rule in current_app.url_map.iter_rules()}
    return request.path if request.path in known else "(no route)"


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def check_origin() -> Response | None:
    """A POST whose Origin names another site is refused before any work (Flask's
    TRUSTED_HOSTS has already refused a foreign Host header)."""
    from werkzeug.sansio.utils import host_is_trusted

    origin = request.headers.get("Origin")
    # "null": our no-referrer policy makes browsers send an opaque origin for the form's own
    # POSTs; the Host check, the CSRF token and the SameSite cookie still stand.
    if request.method != "POST" or not origin or origin == "null":
        return None
    if host_is_trusted(urlsplit(origin).netloc, current_app.config["TRUSTED_HOSTS"]):
        return None
    return Response("This page may only be used from the clinic's own address.\n", 403)


def install(app: Flask) -> None:
    """Register the hooks; logging runs last so it sees the final status."""
    app.before_request(check_origin)
    app.after_request(set_headers)
    app.after_request(log_request)
