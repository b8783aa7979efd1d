"""The one place that knows SQLite from PostgreSQL: connect, one paramstyle, schema, retries.

The audit trail and the accounts write the same SQL for both backends: `?` placeholders (turned
into psycopg's `%s` here), `RETURNING id` for new rows, and `ON CONFLICT DO NOTHING` (both
dialects have it). A schema is written once with two type words that differ, `{id}` (the
auto-numbered key) and `{blob}` (bytes), filled in per dialect. A write that meets another
writer's lock (SQLite busy) or a serialisation failure (PostgreSQL) is retried from the start.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from esi_docs.delivery.atomic import make_private_folders
from esi_docs.errors import EsiDocsError

BUSY_TIMEOUT_S = 30.0
RETRIES = 8
URL_SCHEMES = ("postgresql://", "postgres://")
ENV_VAR = "ESI_DOCS_AUDIT_DB"
DB_NAME = "audit.sqlite3"
_T = TypeVar("_T")
_TYPES = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB"},
    "postgresql": {"id": "BIGSERIAL PRIMARY KEY", "blob": "BYTEA"},
}


# One lock per SQLite file for this process's writers (see Database.write).
_WRITERS: dict[str, threading.Lock] = {}
_WRITERS_LOCK = threading.Lock()


def _writer_lock(target: str) -> threading.Lock:
    key = os.path.realpath(target)
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(key, threading.Lock())


class DatabaseError(EsiDocsError):
    """The database cannot be opened or written."""


def default_target() -> str:
    """$ESI_DOCS_AUDIT_DB (a file or a URL), else the user's data folder's audit.sqlite3."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    from platformdirs import user_data_path

    return str(user_data_path("esi-docs", appauthor=False) / DB_NAME)


def is_url(target: str | Path) -> bool:
    """True for a PostgreSQL connection URL, False for a file path."""
    return str(target).startswith(URL_SCHEMES)


def describe(target: str | Path) -> str:
    """The target for messages: a URL without its password, or the path."""
    text = str(target)
    if not is_url(text) or "@" not in text:
        return text
    scheme, rest = text.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"


class Connection:
    """A DB-API connection that takes `?` placeholders on either backend."""

    def __init__(self, raw: Any, dialect: str):
        self.raw = raw
        self.dialect = dialect

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        cursor = self.raw.cursor()
        cursor.execute(self._sql(sql), tuple(args))
        return cursor

    def executemany(self, sql: str, rows: Any) -> None:
        cursor = self.raw.cursor()
        cursor.executemany(self._sql(sql), [tuple(row) for row in rows])

    def serialise(self, name: str) -> None:
        """Make this transaction the only writer of `name` until it ends: what a hash chain
        (read the last record, append the next) needs. SQLite's BEGIN IMMEDIATE already
        holds the one write lock; PostgreSQL takes an advisory lock for the transaction."""
        if self.dialect == "postgresql":
            key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
            self.execute("SELECT pg_advisory_xact_lock(?)", (key,))

    def insert(self, sql: str, args: Sequence[Any]) -> int:
        """Run an INSERT and return the new row's id (both backends know RETURNING)."""
        return int(self.execute(f"{sql} RETURNING id", args).fetchone()[0])

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql


@dataclass(frozen=True)
class Database:
    """A file path (SQLite) or a postgresql:// URL. Each transaction opens its own connection:
    safe across threads, processes and forks."""

    target: str

    @classmethod
    def of(cls, target: str | Path) -> Database:
        return cls(str(target))

    @property
    def dialect(self) -> str:
        return "postgresql" if is_url(self.target) else "sqlite"

    @property
    def label(self) -> str:
        return describe(self.target)

    def schema(self, template: str) -> list[str]:
        """The statements of a schema written with {id} and {blob}, for this dialect."""
        text = template
        for word, sql_type in _TYPES[self.dialect].items():
            text = text.replace("{" + word + "}", sql_type)  # not format(): comments hold braces
        return [s for s in text.split(";") if s.strip()]

    def create(self, template: str) -> None:
        """Create the file (0600) or connect to the server, and run the schema."""
        if self.dialect == "sqlite":
            _create_private(Path(self.target))

        def run(conn: Connection) -> None:
            if self.dialect == "postgresql":
                # Two processes creating the same tables at once would collide: serialise.
                conn.execute("SELECT pg_advisory_xact_lock(4242015)")
            for statement in self.schema(template):
                conn.execute(statement)

        self.write(run, create=True)

    def write(self, work: Callable[[Connection], _T], *, create: bool = False) -> _T:
        """Run `work` in one write transaction, retried while another writer is in the way.

        Writers to one SQLite file in this process (the server's threads) queue on a lock:
        SQLite lets one writer in at a time, and the others would wait in its busy handler,
        which sleeps up to 100 ms between tries, so 20 nurses saving at once spent most of
        their time asleep while the file was free (issue 18). Other processes still meet the
        busy timeout and the retries below. Durability is unchanged: every record commits."""
        if self.dialect == "sqlite":
            with _writer_lock(self.target):
                return self._write(work, create)
        return self._write(work, create)

    def _write(self, work: Callable[[Connection], _T], create: bool) -> _T:
        for attempt in range(RETRIES):
            try:
                with self._transaction(create=create) as conn:
                    return work(conn)
            except _Retry as retry:
                if attempt == RETRIES - 1:
                    raise DatabaseError(
                        f"{self.label}: cannot write the database ({retry.reason})"
                    ) from None
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")

    def read(self, work: Callable[[Connection], _T]) -> _T:
        with self._transaction() as conn:
            return work(conn)

    @contextmanager
    def _transaction(self, *, create: bool = False) -> Iterator[Connection]:
        if self.dialect == "postgresql":
            with _pg_transaction(self) as conn:
                yield conn
        else:
            with _sqlite_transaction(self, create) as conn:
                yield conn


class _Retry(Exception):
    def __init__(self, reason: str):
        self.reason = reason


@contextmanager
def _sqlite_transaction(db: Database, create: bool) -> Iterator[Connection]:
    path = Path(db.target)
    if not create and not path.is_file():
        raise DatabaseError(f"{path}: the database does not exist")
    try:
        raw = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path}: cannot open the database ({exc})") from None
    with closing(raw):
        try:
            if create:
                raw.execute("PRAGMA journal_mode=WAL")
            raw.execute("BEGIN IMMEDIATE")
            try:
                yield Connection(raw, "sqlite")
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise _Retry(str(exc)) from None
            raise DatabaseError(f"{path}: database error ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(f"{path}: database error ({exc})") from None


@contextmanager
def _pg_transaction(db: Database) -> Iterator[Connection]:
    import psycopg
    from psycopg import errors

    try:
        raw = psycopg.connect(db.target, connect_timeout=10)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseError(f"{db.label}: cannot connect to the database ({first})") from None
    with closing(raw):
        try:
            with raw.transaction():
                yield Connection(raw, "postgresql")
        except (errors.SerializationFailure, errors.DeadlockDetected) as exc:
            raise _Retry(type(exc).__name__) from None
        except psycopg.Error as exc:
            raise DatabaseError(f"{db.label}: database error ({type(exc).__name__})") from None


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _create_private(path: Path) -> None:
    """Create the database file 0600 (and its folder 0700) before SQLite opens it; SQLite's
    -wal and -shm files then take the same permissions."""
    try:
        make_private_folders(path.parent)
        handle = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot create the database ({exc.strerror})") from None
    os.close(handle)
