"""Sign-in for the checkout server: who is at the desk, and what their role lets them open.

With accounts, every request except /login, /health and static files needs a session; each
route names the least role it needs (ROUTE_ROLES), and a route that names none is refused to
everyone but an admin, so a page added later is closed until someone opens it on purpose.
The session is Flask's signed cookie holding the account name and the time of the last
request; it is cleared at sign-in (no fixation), at sign-out, after the idle limit, and when
the account has been disabled meanwhile (checked in the database on every request).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from flask import (
    Flask,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse  # what redirect() returns

if TYPE_CHECKING:
    from esi_docs.records.accounts import Account, Accounts

AUTH_LOG = logging.getLogger("esi_docs.web.auth")
OPEN_ROUTES = {"login", "login_post", "health", "static", "favicon"}
ROUTE_ROLES = {
    "form": "nurse",
    "sheet": "nurse",
    "logout": "nurse",
    "desk": "nurse",
    "desk_post": "nurse",
    "history": "nurse",
    "history_post": "nurse",
    "reprint": "nurse",
    "content": "editor",
    "content_lint": "editor",
    "preview": "editor",
    "accounts_page": "admin",
    "accounts_add": "admin",
    "accounts_disable": "admin",
    "audit_log": "admin",
}
WRONG = "The name or the password is not right."
IDLE = "You were signed out after {minutes} minutes without activity."
SIGNED_OUT = "You are signed out."


def install(app: Flask, accounts: Accounts | None, idle_minutes: int) -> None:
    """Register sign-in, sign-out and the guard that runs before every request."""
    app.extensions["esi_docs_auth"] = {"accounts": accounts, "idle": idle_minutes * 60}
    app.before_request(_guard)
    _routes(app)


def accounts() -> Accounts | None:
    return current_app.extensions["esi_docs_auth"]["accounts"]


def signed_in() -> Account | None:
    """The signed-in account for this request, or None (also when there are no accounts)."""
    return g.get("account")


def _guard() -> BaseResponse | tuple[str, int] | None:
    store = accounts()
    endpoint = request.endpoint or ""
    if store is None or endpoint in OPEN_ROUTES:
        return None
    account, why = _session_account(store)
    if account is None:
        return _to_login(why)
    g.account = account
    session["seen"] = time.time()
    if not account.may(ROUTE_ROLES.get(endpoint, "admin")):
        return _forbidden()
    return None


def _session_account(store: Accounts) -> tuple[Account | None, str | None]:
    name = session.get("user")
    if not name:
        return None, None
    idle = current_app.extensions["esi_docs_auth"]["idle"]
    if time.time() - float(session.get("seen", 0)) > idle:
        session.clear()
        return None, IDLE.format(minutes=idle // 60)
    account = store.active(name)
    if account is None:
        session.clear()
    return account, None


def _to_login(why: str | None) -> BaseResponse:
    """To the sign-in page; a form POST is never carried out (no PDF without a session)."""
    if why:
        session["notice"] = why
    return redirect(url_for("login"), code=303)


def _forbidden() -> tuple[str, int]:
    title = "This page is not for your role"
    advice = "Ask an administrator if you need it. The checkout form is at the start page."
    return render_template("error.html", title=title, advice=advice, status=403), 403


def _login_page(message: str | None, status: int, name: str = "") -> tuple[str, int]:
    return render_template("login.html", message=message, name=name), status


def _routes(app: Flask) -> None:
    @app.get("/login")
    def login() -> tuple[str, int] | BaseResponse:
        if accounts() is None:
            return redirect(url_for("form"), code=303)
        return _login_page(session.pop("notice", None), 200)

    @app.post("/login")
    def login_post() -> tuple[str, int] | BaseResponse:
        store = accounts()
        if store is None:
            return redirect(url_for("form"), code=303)
        name = request.form.get("username", "").strip()[:60]
        password = request.form.get("password", "")[:1024]
        account = store.authenticate(name, password) if name and password else None
        if account is None:
            # Never the typed name: people type their password into the name field.
            AUTH_LOG.warning("sign-in refused")
            return _login_page(WRONG, 401, name)
        AUTH_LOG.info("signed in: %s (%s)", account.name, account.role)
        session.clear()  # a new session for a new sign-in
        session.update(user=account.name, seen=time.time())
        session.permanent = False
        return redirect(url_for("form"), code=303)

    @app.post("/logout")
    def logout() -> BaseResponse:
        account = signed_in()
        if account is not None:
            AUTH_LOG.info("signed out: %s", account.name)
        session.clear()
        session["notice"] = SIGNED_OUT
        return redirect(url_for("login"), code=303)


def page_context() -> dict[str, Any]:
    """What every page shows about the session: who is signed in and what they may open."""
    account = signed_in()
    return {"account": account, "accounts_on": accounts() is not None}
