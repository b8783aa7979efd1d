"""Rebuilds a recorded handout exactly, and proves it by the PDF's SHA-256.

The record holds the patient options, the clinic profile values and the render options; the
content files come back from the audit database (stored by hash), so a reprint made after a
content update still prints the words the patient was given. Nothing is written to disk on the
way: the record must fit the hash chain, every stored file must match its SHA-256, and the
files are composed from memory.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from esi_docs.api import RenderedHandout, RenderRequest, render
from esi_docs.content.compose import ContentLibrary
from esi_docs.content.memory import MemoryFolder, checked_names
from esi_docs.content.search_path import ContentPaths
from esi_docs.errors import ContentError, InputError, RenderError
from esi_docs.inputs.clinic import parse_clinic
from esi_docs.inputs.patient import parse_patient
from esi_docs.records.audit import AuditLog, StoredRender


def reprint(log: AuditLog, record_id: int) -> tuple[RenderedHandout, StoredRender]:
    """The recorded PDF rebuilt byte for byte; raises EsiDocsError when it cannot be."""
    record = log.get(record_id)
    if record is None:
        raise InputError(f"audit record {record_id} does not exist in {log.path}")
    if record.damaged:
        raise RenderError(f"audit record {record_id}: its stored values cannot be read")
    broken = log.verify(upto=record_id)
    if broken is not None:
        raise RenderError(broken)
    rendered = _render(record, _recorded_content(log, record))
    actual = hashlib.sha256(rendered.data).hexdigest()
    if actual != record.pdf_sha256:
        raise RenderError(
            f"audit record {record_id}: the rebuilt PDF does not match the original "
            f"(SHA-256 {actual[:12]}... instead of {record.pdf_sha256[:12]}...); nothing was "
            "written. The fonts or the PDF library may have changed since it was printed."
        )
    return rendered, record


def _render(record: StoredRender, content: ContentLibrary) -> RenderedHandout:
    """The recorded request, rebuilt from the record's own values."""
    where = f"audit record {record.id}"
    patient = parse_patient(record.patient, where) if record.patient is not None else None
    clinic = parse_clinic(record.clinic, f"{where}: clinic")
    options = record.options
    request = RenderRequest(
        record.handout,
        patient,
        clinic,
        language=options.get("language"),
        large_print=options.get("large_print"),
        paper=options.get("paper", "letter"),
        format=options.get("format", "pdf"),
        today=_printed_on(record, options.get("today")),
    )
    return render(request, content=content)


def _printed_on(record: StoredRender, recorded: str | None) -> date | None:
    """The day the sheet was given (recorded with the request; older records: the day it was
    recorded): its checks against passed dates are those of that day, so a letter reprinted
    after its procedure is what the patient was given, not an error."""
    try:
        if recorded:
            return date.fromisoformat(recorded)
        return datetime.fromisoformat(record.created_at).astimezone().date()
    except ValueError:
        return None


def _recorded_content(log: AuditLog, record: StoredRender) -> ContentLibrary:
    """The recorded content files, each checked against its SHA-256, as a content library
    that reads them from memory and nothing else."""
    where = f"audit record {record.id}"
    files = checked_names(record.content_files, where)
    stored = log.blobs(sorted(set(files.values())))
    if not files or not all(sha in stored for sha in files.values()):
        raise ContentError(
            f"{where}: the content files it was printed from are not stored "
            "in the audit database, so it cannot be reprinted exactly"
        )
    data = {}
    for name, sha in files.items():
        if hashlib.sha256(stored[sha]).hexdigest() != sha:
            raise ContentError(f"{where}: stored content {name} does not match its SHA-256")
        data[name] = stored[sha]
    return ContentLibrary(ContentPaths(MemoryFolder(data), packaged=False))
