"""Moves one desk's audit trail (a SQLite file) into the clinic's shared database.

Each record keeps its time, operator, patient, clinic, options and content files (with the
content bytes, so reprints keep working); it gets a new id in the target, and a reprint's
`reprint_of` is renumbered to match. A record already in the target (same time, operator, MRN
and PDF hash) is skipped, so running the copy twice adds nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from esi_docs.records.audit import AuditEntry, AuditLog, StoredRender


@dataclass(frozen=True)
class CopyResult:
    copied: int
    skipped: int


def _key(record: StoredRender) -> tuple[str, str, str | None, str]:
    return (record.created_at, record.operator, record.mrn, record.pdf_sha256)


def copy_trail(source: AuditLog, target: AuditLog) -> CopyResult:
    """Copy every record of `source` that `target` lacks, oldest first."""
    present = {_key(r): r.id for r in target.all()}
    records = source.all()
    blobs = source.blobs(sorted({s for r in records for s in r.content_files.values()}))
    new_ids = {r.id: present[_key(r)] for r in records if _key(r) in present}
    missing = [r for r in records if _key(r) not in present]
    entries = [_entry(record, blobs) for record in missing]
    ids = _add_in_order(target, missing, entries, new_ids)
    return CopyResult(copied=len(ids), skipped=len(records) - len(ids))


def _entry(record: StoredRender, blobs: dict[str, bytes]) -> AuditEntry:
    return AuditEntry(
        handout=record.handout,
        language=record.language,
        content_version=record.content_version,
        content_hash=record.content_hash,
        patient=record.patient,
        clinic=record.clinic,
        options=dict(record.options),
        pdf_sha256=record.pdf_sha256,
        operator=record.operator,
        content_files=record.content_files,
        blobs={sha: blobs[sha] for sha in record.content_files.values() if sha in blobs},
        created_at=record.created_at,
    )


def _add_in_order(
    target: AuditLog,
    records: list[StoredRender],
    entries: list[AuditEntry],
    new_ids: dict[int, int],
) -> list[int]:
    """Add the entries one at a time so a reprint can point at its original's new id."""
    ids = []
    for record, entry in zip(records, entries, strict=True):
        original = entry.options.get("reprint_of")
        if original is not None and original in new_ids:
            entry.options["reprint_of"] = new_ids[original]
        [new_id] = target.add([entry])
        new_ids[record.id] = new_id
        ids.append(new_id)
    return ids
