"""Rebuilds a recorded handout exactly, and proves it by the PDF's SHA-256.

The record holds the patient options, the clinic profile values and the render options; the
content files come back from the audit database (stored by hash), so a reprint made after a
content update still prints the words the patient was given.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from esi_docs.api import RenderedHandout, RenderRequest, render
from esi_docs.errors import ContentError, InputError, RenderError
from esi_docs.inputs.clinic import parse_clinic
from esi_docs.inputs.patient import parse_patient
from esi_docs.records.audit import AuditLog, StoredRender


def reprint(log: AuditLog, record_id: int) -> tuple[RenderedHandout, StoredRender]:
    """The recorded PDF rebuilt byte for byte; raises EsiDocsError when it cannot be."""
    record = log.get(record_id)
    if record is None:
        raise InputError(f"audit record {record_id} does not exist in {log.path}")
    with tempfile.TemporaryDirectory(prefix="esi-docs-reprint-") as folder:
        templates = _restore_content(log, record, Path(folder))
        rendered = _render(record, templates)
    actual = hashlib.sha256(rendered.pdf).hexdigest()
    if actual != record.pdf_sha256:
        raise RenderError(
            f"audit record {record_id}: the rebuilt PDF does not match the original "
            f"(SHA-256 {actual[:12]}... instead of {record.pdf_sha256[:12]}...); nothing was "
            "written. The fonts or the PDF library may have changed since it was printed."
        )
    return rendered, record


def _render(record: StoredRender, templates: Path) -> RenderedHandout:
    """The recorded request, rebuilt from the record's own values (nothing from disk but the
    content files it stored)."""
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
        templates=templates,
    )
    return render(request)


def _restore_content(log: AuditLog, record: StoredRender, folder: Path) -> Path:
    """Write the recorded content files into `folder` (a --templates layout) and return it."""
    stored = log.blobs(sorted(set(record.content_files.values())))
    if not record.content_files or not all(sha in stored for sha in record.content_files.values()):
        raise ContentError(
            f"audit record {record.id}: the content files it was printed from are not stored "
            "in the audit database, so it cannot be reprinted exactly"
        )
    for name, sha in record.content_files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stored[sha])
    return folder
