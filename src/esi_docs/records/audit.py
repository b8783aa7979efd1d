"""The audit trail: what each patient was given, when, by whom, from which content.

One SQLite file (created 0600 because it holds patient data), or the clinic's PostgreSQL server
(a postgresql:// URL) shared by every desk; records/database.py holds the difference, so the
logic here is written once. Transactions with retries let several writers (batch runs, the
web form at several desks) append at the same time without losing a record. Each record
keeps everything needed to rebuild the exact PDF later: the patient options, the clinic
profile values, the render options, and the content files by SHA-256. The files' bytes are
stored once per version in `content_blobs` (a few kB, shared by every record that used them),
so a reprint still works after the clinic updates its templates or esi-docs ships new wording.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from esi_docs.errors import Problem
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.records.database import (
    DB_NAME,
    ENV_VAR,
    Connection,
    Database,
    DatabaseError,
    default_target,
)

if TYPE_CHECKING:
    from esi_docs.api import RenderedHandout

__all__ = ["DB_NAME", "ENV_VAR", "AuditError", "AuditLog", "default_path"]
_T = TypeVar("_T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS renders (
    id {id},
    created_at TEXT NOT NULL,          -- UTC, ISO 8601
    operator TEXT NOT NULL,
    handout TEXT NOT NULL,
    language TEXT NOT NULL,
    content_version TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    mrn TEXT,                          -- NULL for handouts without a patient
    patient TEXT,                      -- JSON: the patient options as given (strings)
    clinic TEXT NOT NULL,              -- JSON: the clinic profile values used
    options TEXT NOT NULL,             -- JSON: paper, language/large-print overrides, source
    content_files TEXT NOT NULL,       -- JSON: {path under the templates folder: sha256}
    pdf_sha256 TEXT NOT NULL,
    prev_hash TEXT,                    -- the record_hash of the record before (hash chain)
    record_hash TEXT                   -- SHA-256 over prev_hash and every field above
);
CREATE INDEX IF NOT EXISTS renders_mrn ON renders (mrn);
CREATE TABLE IF NOT EXISTS content_blobs (sha256 TEXT PRIMARY KEY, data {blob} NOT NULL);
"""


AuditError = DatabaseError  # the audit database cannot be opened or written


@dataclass(frozen=True)
class AuditEntry:
    """One render, ready to store. Small and picklable: batch workers build these."""

    handout: str
    language: str
    content_version: str
    content_hash: str
    patient: dict[str, Any] | None
    clinic: dict[str, Any]
    options: dict[str, Any]
    pdf_sha256: str
    operator: str
    content_files: dict[str, str] = field(default_factory=dict)  # {name: sha256}
    blobs: dict[str, bytes] = field(default_factory=dict, repr=False)  # {sha256: bytes}
    created_at: str = ""


@dataclass(frozen=True)
class StoredRender:
    """A record read back from the database."""

    id: int
    created_at: str
    operator: str
    handout: str
    language: str
    content_version: str
    content_hash: str
    mrn: str | None
    patient: dict[str, Any] | None
    clinic: dict[str, Any]
    options: dict[str, Any]
    content_files: dict[str, str]
    pdf_sha256: str
    prev_hash: str | None = None
    record_hash: str | None = None
    damaged: bool = False  # its stored JSON could not be read (see `esi-docs audit verify`)


def default_path() -> Path:
    """$ESI_DOCS_AUDIT_DB, else the user's data folder (a file path; see default_target for
    a URL)."""
    return Path(default_target())


def current_operator() -> str:
    """The OS user name; a render is never refused for want of one."""
    try:
        return getpass.getuser()
    except Exception:  # getpass raises OSError/KeyError without a login name
        return "unknown"


def clinic_values(clinic: ClinicProfile) -> dict[str, Any]:
    """The profile as a clinic file would hold it; parse_clinic reads it back."""
    return clinic.as_data()


def make_entry(
    rendered: RenderedHandout,
    *,
    operator: str | None = None,
    source: str = "render",
    provenance: Mapping[str, Any] | None = None,
    message: Mapping[str, str] | None = None,
) -> AuditEntry:
    """Describe one RenderedHandout for the audit trail: exactly the request it answered and
    the content files it was made from (nothing guessed from the PDF, nothing re-read)."""
    request, document = rendered.request, rendered.document
    options = request.options() | {"source": source}
    if provenance is not None:
        key = "hl7_provenance" if message is not None else "fhir_provenance"
        options[key] = dict(provenance)
    if message is not None:  # HL7 v2 (issue 17): the message control ID, to find it again
        options["hl7_message"] = dict(message)
    patient = request.patient
    return AuditEntry(
        handout=request.handout,
        language=document.language,
        content_version=document.content_version,
        content_hash=document.content_hash,
        patient=patient.to_mapping() if patient is not None else None,
        clinic=clinic_values(request.clinic),
        options=options,
        pdf_sha256=hashlib.sha256(rendered.data).hexdigest(),
        operator=operator or current_operator(),
        content_files={s.name: s.sha256 for s in rendered.sources},
        blobs={s.sha256: s.data for s in rendered.sources},
    )


def _add_text_column(conn: Any, column: str) -> Any:
    """Migration of an older database: one more TEXT column in the renders table."""
    return conn.execute(f"ALTER TABLE renders ADD COLUMN {column} TEXT")


class AuditLog:
    """The audit database at `path`. Each call opens its own connection: safe across threads,
    processes and forks."""

    def __init__(self, path: Path | str | None = None):
        target = str(path) if path is not None else default_target()
        self.db = Database.of(target)
        # For messages: the file, or the URL without its password.
        self.path: Path | str = Path(target) if self.db.dialect == "sqlite" else self.db.label
        self._write(lambda _: None, schema=True)
        self._add_chain_columns()

    def _add_chain_columns(self) -> None:
        """Databases made before the hash chain get its two columns (their old records stay
        unchained, and `audit verify` says so)."""
        try:
            self._read(lambda conn: conn.execute("SELECT record_hash FROM renders LIMIT 1"))
        except DatabaseError:
            for column in ("prev_hash", "record_hash"):
                self._write(partial(_add_text_column, column=column))

    # -- writing -------------------------------------------------------------------------

    def record(
        self,
        rendered: RenderedHandout,
        *,
        operator: str | None = None,
        source: str = "render",
        provenance: Mapping[str, Any] | None = None,
        message: Mapping[str, str] | None = None,
    ) -> int:
        """Record one delivered RenderedHandout; returns the record id."""
        entry = make_entry(
            rendered, operator=operator, source=source, provenance=provenance, message=message
        )
        return self.add([entry])[0]

    def add(self, entries: list[AuditEntry]) -> list[int]:
        """Store entries in one transaction (a batch adds many at once); returns their ids."""
        blobs = {sha: data for entry in entries for sha, data in entry.blobs.items()}

        def insert(conn: Connection) -> list[int]:
            conn.executemany(
                "INSERT INTO content_blobs (sha256, data) VALUES (?, ?)"
                " ON CONFLICT (sha256) DO NOTHING",
                blobs.items(),
            )
            return [_insert(conn, entry, entry.content_files) for entry in entries]

        return self._write(insert)

    def add_reprint(self, record: StoredRender, operator: str) -> int:
        """Record that `record` was printed again (same document, same content files)."""
        entry = AuditEntry(
            handout=record.handout,
            language=record.language,
            content_version=record.content_version,
            content_hash=record.content_hash,
            patient=record.patient,
            clinic=record.clinic,
            options={**record.options, "reprint_of": record.id},
            pdf_sha256=record.pdf_sha256,
            operator=operator,
        )
        return self._write(lambda conn: _insert(conn, entry, record.content_files))

    def _write(self, work: Callable[[Connection], _T], *, schema: bool = False) -> _T:
        """Run `work` in one write transaction; database.py retries it while another writer
        holds the lock (SQLite) or the transaction must be serialised again (PostgreSQL)."""
        if schema:
            self.db.create(SCHEMA)
            return None  # type: ignore[return-value]
        return self.db.write(work)

    def _read(self, work: Callable[[Connection], _T]) -> _T:
        return self.db.read(work)

    # -- reading -------------------------------------------------------------------------

    def history(self, mrn: str) -> list[StoredRender]:
        """Every record for one MRN (exact match), oldest first."""
        return self._select("WHERE mrn = ? ORDER BY id", (mrn,))

    def all(self) -> list[StoredRender]:
        """Every record, oldest first (`esi-docs audit copy`)."""
        return self._select("ORDER BY id", ())

    def recent(self, limit: int) -> list[StoredRender]:
        """The newest `limit` records, newest first (the admin's audit log page)."""
        return self._select("ORDER BY id DESC LIMIT ?", (int(limit),))

    def get(self, record_id: int) -> StoredRender | None:
        found = self._select("WHERE id = ?", (record_id,))
        return found[0] if found else None

    def blobs(self, hashes: list[str]) -> dict[str, bytes]:
        """Stored content bytes by SHA-256 (missing ones are simply absent)."""
        if not hashes:
            return {}
        marks = ",".join("?" * len(hashes))
        rows = self._read(
            lambda conn: conn.execute(
                f"SELECT sha256, data FROM content_blobs WHERE sha256 IN ({marks})",  # noqa: S608
                hashes,
            ).fetchall()
        )
        return {sha: bytes(data) for sha, data in rows}

    def verify(self, upto: int | None = None) -> Problem | None:
        """Walk the hash chain (up to record `upto`); the first record that does not fit."""
        columns = ", ".join(("id", "prev_hash", "record_hash", *_CHAINED))
        where = "WHERE id <= ? " if upto is not None else ""
        sql = f"SELECT {columns} FROM renders {where}ORDER BY id"  # noqa: S608
        args = (upto,) if upto is not None else ()
        return verify_rows(self._read(lambda conn: conn.execute(sql, args).fetchall()))

    def _select(self, where: str, args: tuple[Any, ...]) -> list[StoredRender]:
        columns = ", ".join(f.name for f in _STORED_FIELDS)
        sql = f"SELECT {columns} FROM renders {where}"  # noqa: S608
        rows = self._read(lambda conn: conn.execute(sql, args).fetchall())
        return [_stored(row) for row in rows]


_STORED_FIELDS = tuple(f for f in StoredRender.__dataclass_fields__.values() if f.name != "damaged")
_JSON_FIELDS = {"patient", "clinic", "options", "content_files"}


def _stored(row: tuple[Any, ...]) -> StoredRender:
    """One row as a record. A row whose JSON cannot be read comes back marked damaged (with
    empty values) instead of breaking history and reprint for every other record."""
    values = dict(zip((f.name for f in _STORED_FIELDS), row, strict=False))
    damaged = False
    for name in _JSON_FIELDS:
        try:
            values[name] = json.loads(values[name]) if values[name] is not None else None
        except (TypeError, ValueError):
            values[name], damaged = ({} if name != "patient" else None), True
        if name in ("clinic", "options", "content_files") and not isinstance(values[name], dict):
            values[name], damaged = {}, True
    values["damaged"] = damaged
    return StoredRender(**values)


_CHAINED = (
    "created_at",
    "operator",
    "handout",
    "language",
    "content_version",
    "content_hash",
    "mrn",
    "patient",
    "clinic",
    "options",
    "content_files",
    "pdf_sha256",
)


def chain_hash(prev_hash: str | None, values: Mapping[str, Any]) -> str:
    """The record's link in the chain: SHA-256 over the previous link and every stored field
    (as stored: the JSON text), so editing any field, or the PDF hash with it, shows."""
    body = json.dumps([prev_hash or "", [values[name] for name in _CHAINED]], sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def _insert(conn: Connection, entry: AuditEntry, files: dict[str, str]) -> int:
    created = entry.created_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    values: dict[str, Any] = {
        "created_at": created,
        "operator": entry.operator,
        "handout": entry.handout,
        "language": entry.language,
        "content_version": entry.content_version,
        "content_hash": entry.content_hash,
        "mrn": entry.patient.get("mrn") if entry.patient else None,
        "patient": json.dumps(entry.patient, sort_keys=True) if entry.patient is not None else None,
        "clinic": json.dumps(entry.clinic, sort_keys=True),
        "options": json.dumps(entry.options, sort_keys=True),
        "content_files": json.dumps(files, sort_keys=True),
        "pdf_sha256": entry.pdf_sha256,
    }
    conn.serialise("renders")  # read the last link and append the next as one writer
    last = conn.execute("SELECT record_hash FROM renders ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[0] if last else None
    values["prev_hash"] = prev
    values["record_hash"] = chain_hash(prev, values)
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    sql = f"INSERT INTO renders ({columns}) VALUES ({marks})"  # noqa: S608 - fixed names
    return conn.insert(sql, tuple(values.values()))


def verify_rows(rows: list[tuple[Any, ...]]) -> Problem | None:
    """The first record (id, prev_hash, record_hash, *_CHAINED as stored) that does not fit
    the chain, as a Problem; None when every link holds."""
    prev: str | None = None
    for row in rows:
        record_id, stored_prev, stored_hash, *fields = row
        values = dict(zip(_CHAINED, fields, strict=True))
        if stored_hash is None:
            text = "has no chain hash (it predates the hash chain, or was altered)"
        elif stored_prev != prev:
            text = "does not follow the record before it (a record was removed or reordered)"
        elif chain_hash(prev, values) != stored_hash:
            text = "was changed after it was written (its chain hash does not match)"
        else:
            prev = stored_hash
            continue
        return Problem(f"audit record {record_id}", text=text, code="tampered")
    return None
