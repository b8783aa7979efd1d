"""Which desk this browser is at: picked once per session, so "Send to printer" prints on that
desk's printer (the clinic profile's `desk_printers`). A clinic without desks keeps its one
`printer` (or the system default)."""

from __future__ import annotations

from flask import (
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse  # what redirect() returns


def _desks() -> dict[str, str]:
    return dict(current_app.extensions["esi_docs"]["clinic"].desk_printers)


def current() -> str | None:
    """The desk picked in this session, if the clinic still has it."""
    desk = session.get("desk")
    return desk if desk in _desks() else None


def printer() -> tuple[str | None, str | None]:
    """(printer, problem): the desk's printer; without desks, the clinic's one printer."""
    desks = _desks()
    if not desks:
        return current_app.extensions["esi_docs"]["clinic"].printer or None, None
    desk = current()
    if desk is None:
        return None, "Choose your desk first (Desk, at the top of the page): nothing was sent."
    return desks[desk], None


def install(app: Flask) -> None:
    """Register the desk routes."""

    @app.get("/desk")
    def desk() -> tuple[str, int]:
        return render_template("desk.html", desks=_desks(), current=current()), 200

    @app.post("/desk")
    def desk_post() -> BaseResponse:
        chosen = request.form.get("desk", "")
        if chosen not in _desks():
            abort(400)
        session["desk"] = chosen
        return redirect(url_for("form"), code=303)
