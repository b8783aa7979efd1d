"""The accounts page (admin only): list, add, disable. Passwords are set here or with
`esi-docs users`, hashed at once and never shown again."""

from __future__ import annotations

from flask import Flask, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse  # what redirect() returns

from esi_docs.errors import EsiDocsError
from esi_docs.records.accounts import ROLES
from esi_docs.web import auth


def _store():  # type: ignore[no-untyped-def]
    store = auth.accounts()
    if store is None:
        abort(404)
    return store


def _page(message: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "accounts.html", accounts=_store().list(), roles=ROLES, message=message
    ), status


def install(app: Flask) -> None:
    """Register the accounts routes."""

    @app.get("/accounts")
    def accounts_page() -> tuple[str, int]:
        return _page()

    @app.post("/accounts")
    def accounts_add() -> tuple[str, int] | BaseResponse:
        form = request.form
        try:
            _store().add(
                form.get("name", "").strip(), form.get("role", ""), form.get("password", "")
            )
        except EsiDocsError as exc:
            return _page(str(exc.problems[0]).split(": ", 1)[-1], 422)
        return redirect(url_for("accounts_page"), code=303)

    @app.post("/accounts/<name>/disable")
    def accounts_disable(name: str) -> tuple[str, int] | BaseResponse:
        try:
            _store().disable(name)
        except EsiDocsError:
            abort(404)
        return redirect(url_for("accounts_page"), code=303)
