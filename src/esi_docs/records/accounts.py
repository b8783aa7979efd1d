"""Who may use the checkout server: named accounts with a role, kept in the audit database.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second recommended
profile) and never stored, logged or echoed in clear. Sign-in answers the same way for an
unknown name, a wrong password, a disabled or a locked account, so a stranger learns nothing
from trying; an unknown name still costs one hash, so timing tells nothing either. After
LOCK_AFTER failures in a row an account is locked for LOCK_MINUTES (a guessing defence that
does not lock a nurse out for a whole shift).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from esi_docs.errors import InputError
from esi_docs.records.database import Connection, Database

ROLES = ("nurse", "editor", "admin")  # each role may do everything the ones before it may
MIN_PASSWORD = 10
MAX_PASSWORD = 256
LOCK_AFTER = 5
LOCK_MINUTES = 15
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,59}$")
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not a password anyone has")

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,       -- argon2id, with its own salt and parameters
    disabled INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,                 -- UTC, ISO 8601
    created_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Account:
    """One account as the server sees it (never the hash)."""

    name: str
    role: str
    disabled: bool
    locked_until: str | None = None

    def may(self, role: str) -> bool:
        """True if this account's role includes `role`."""
        return ROLES.index(self.role) >= ROLES.index(role)


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise InputError(
            f"account name {name!r}: use 1 to 60 letters, digits, '.', '_', '-' or '@', "
            "starting with a letter or digit"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"role {role!r} is not one of: {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(
            f"password: use {MIN_PASSWORD} to {MAX_PASSWORD} characters (a short sentence "
            "is easy to remember)"
        )
    return password


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Accounts:
    """The accounts table in the audit database (a SQLite file or a postgresql:// URL)."""

    def __init__(self, target: str | Path):
        self.db = Database.of(target)
        self.db.create(SCHEMA)

    def add(self, name: str, role: str, password: str) -> Account:
        check_name(name)
        check_role(role)
        hashed = _HASHER.hash(check_password(password))

        def insert(conn: Connection) -> None:
            if _row(conn, name) is not None:
                raise InputError(f"account {name!r} already exists")
            conn.execute(
                "INSERT INTO accounts (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, role, hashed, _stamp(_now())),
            )

        self.db.write(insert)
        return Account(name, role, False)

    def set_password(self, name: str, password: str) -> None:
        """A new password; also ends a lock (the admin who resets it has checked who asks)."""
        hashed = _HASHER.hash(check_password(password))
        self._update(
            name,
            "UPDATE accounts SET password_hash = ?, failures = 0, locked_until = NULL"
            " WHERE name = ?",
            (hashed, name),
        )

    def disable(self, name: str) -> None:
        self._update(name, "UPDATE accounts SET disabled = 1 WHERE name = ?", (name,))

    def list(self) -> list[Account]:
        return self.db.read(
            lambda conn: [
                _account(row)
                for row in conn.execute(
                    "SELECT name, role, disabled, locked_until FROM accounts ORDER BY name"
                ).fetchall()
            ]
        )

    def any(self) -> bool:
        """True once an account exists (disabled ones count: disabling the last account
        must not reopen the server to everyone)."""
        return bool(self.db.read(lambda c: c.execute("SELECT 1 FROM accounts LIMIT 1").fetchone()))

    def get(self, name: str) -> Account | None:
        row = self.db.read(lambda conn: _row(conn, name))
        return _account(row[:4]) if row else None

    def active(self, name: str) -> Account | None:
        """The account if it may use the server now (exists, not disabled)."""
        account = self.get(name)
        return account if account is not None and not account.disabled else None

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account when name and password are right and it is usable; else None, the
        same None for every reason. A failure counts towards the lock."""
        row = self.db.read(lambda conn: _row(conn, name))
        hashed = row[4] if row else _DUMMY_HASH
        good: bool
        try:
            good = _HASHER.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            good = False
        if row is None:
            return None
        account = _account(row[:4])
        now = _now()
        locked = account.locked_until is not None and account.locked_until > _stamp(now)
        if good and not locked and not account.disabled:
            self.db.write(lambda conn: _succeeded(conn, name, hashed, password))
            return account
        if not locked:
            self.db.write(lambda conn: _failed(conn, name, now))
        return None

    def _update(self, name: str, sql: str, args: tuple[str, ...]) -> None:
        def run(conn: Connection) -> None:
            if _row(conn, name) is None:
                raise InputError(f"account {name!r} does not exist")
            conn.execute(sql, args)

        self.db.write(run)


def _row(conn: Connection, name: str) -> tuple | None:
    return conn.execute(
        "SELECT name, role, disabled, locked_until, password_hash FROM accounts WHERE name = ?",
        (name,),
    ).fetchone()


def _account(row: tuple) -> Account:
    return Account(name=row[0], role=row[1], disabled=bool(row[2]), locked_until=row[3])


def _succeeded(conn: Connection, name: str, hashed: str, password: str) -> None:
    """Reset the failure count; re-hash if the hash's parameters are older than ours."""
    if _HASHER.check_needs_rehash(hashed):
        conn.execute(
            "UPDATE accounts SET password_hash = ? WHERE name = ?", (_HASHER.hash(password), name)
        )
    conn.execute("UPDATE accounts SET failures = 0, locked_until = NULL WHERE name = ?", (name,))


def _failed(conn: Connection, name: str, now: datetime) -> None:
    """One more failure; the LOCK_AFTER-th locks the account for LOCK_MINUTES."""
    row = conn.execute("SELECT failures FROM accounts WHERE name = ?", (name,)).fetchone()
    failures = int(row[0]) + 1 if row else 1
    until = _stamp(now + timedelta(minutes=LOCK_MINUTES)) if failures >= LOCK_AFTER else None
    conn.execute(
        "UPDATE accounts SET failures = ?, locked_until = ? WHERE name = ?",
        (0 if until else failures, until, name),
    )
