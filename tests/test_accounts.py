"""Accounts for the checkout server (issue 15): argon2id, one answer for every failed sign-in,
a lock after repeated failures. Each test runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import sqlite3

import pytest

from esi_docs.errors import InputError
from esi_docs.records import accounts as accounts_module
from esi_docs.records.accounts import LOCK_AFTER, Accounts

PASSWORD = "correct horse battery"  # noqa: S105 - a test account


def test_add_and_sign_in(database):
    store = Accounts(database)
    store.add("joy", "nurse", PASSWORD)
    account = store.authenticate("joy", PASSWORD)
    assert account is not None
    assert (account.name, account.role) == ("joy", "nurse")
    assert store.any()
    assert [(a.name, a.role, a.disabled) for a in store.list()] == [("joy", "nurse", False)]


def test_the_password_is_stored_as_argon2id_only(tmp_path):
    path = tmp_path / "audit.sqlite3"
    Accounts(path).add("joy", "nurse", PASSWORD)
    raw = path.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("audit.sqlite3-*"))
    assert PASSWORD.encode() not in raw
    [(stored,)] = sqlite3.connect(path).execute("SELECT password_hash FROM accounts").fetchall()
    assert stored.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("name", "password"),
    [("joy", "wrong password"), ("nobody", PASSWORD), ("JOY", PASSWORD), ("", PASSWORD)],
)
def test_wrong_name_or_password_gives_nothing(database, name, password):
    store = Accounts(database)
    store.add("joy", "nurse", PASSWORD)
    assert store.authenticate(name, password) is None


def test_repeated_failures_lock_the_account_for_a_while(database, monkeypatch):
    store = Accounts(database)
    store.add("joy", "nurse", PASSWORD)
    for _ in range(LOCK_AFTER):
        assert store.authenticate("joy", "guess guess guess") is None
    assert store.authenticate("joy", PASSWORD) is None  # locked: even the right password
    assert store.get("joy").locked_until is not None
    later = accounts_module._now() + accounts_module.timedelta(minutes=LOCK_MINUTES_PLUS)
    monkeypatch.setattr(accounts_module, "_now", lambda: later)
    assert store.authenticate("joy", PASSWORD) is not None  # the lock ran out


LOCK_MINUTES_PLUS = accounts_module.LOCK_MINUTES + 1


def test_fewer_failures_than_the_limit_do_not_lock(database):
    store = Accounts(database)
    store.add("joy", "nurse", PASSWORD)
    for _ in range(LOCK_AFTER - 1):
        store.authenticate("joy", "guess guess guess")
    assert store.authenticate("joy", PASSWORD) is not None


def test_disabled_accounts_cannot_sign_in_but_still_count(database):
    store = Accounts(database)
    store.add("joy", "nurse", PASSWORD)
    store.disable("joy")
    assert store.authenticate("joy", PASSWORD) is None
    assert store.active("joy") is None
    assert store.any()  # disabling the last account never reopens the server


def test_a_new_password_replaces_the_old_and_ends_a_lock(database):
    store = Accounts(database)
    store.add("joy", "nurse", PASSWORD)
    for _ in range(LOCK_AFTER):
        store.authenticate("joy", "guess guess guess")
    store.set_password("joy", "a brand new secret")
    assert store.authenticate("joy", PASSWORD) is None
    assert store.authenticate("joy", "a brand new secret") is not None


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("joy", "doctor", PASSWORD, "role 'doctor' is not one of: nurse, editor, admin"),
        ("joy nurse", "nurse", PASSWORD, "account name 'joy nurse': use 1 to 60 letters"),
        ("joy", "nurse", "short", "password: use 10 to 256 characters"),
    ],
)
def test_bad_accounts_are_refused_with_the_reason(database, name, role, password, message):
    store = Accounts(database)
    with pytest.raises(InputError) as caught:
        store.add(name, role, password)
    assert str(caught.value.problems[0]).startswith(message)
    assert not store.any()


def test_a_name_is_taken_once(database):
    store = Accounts(database)
    store.add("joy", "nurse", PASSWORD)
    with pytest.raises(InputError, match="already exists"):
        store.add("joy", "admin", PASSWORD)


def test_roles_include_the_ones_below(database):
    store = Accounts(database)
    store.add("ed", "editor", PASSWORD)
    editor = store.get("ed")
    assert editor.may("nurse") and editor.may("editor") and not editor.may("admin")
