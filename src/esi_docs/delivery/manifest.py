"""The batch manifest: one CSV line per roster row saying what happened to it.

Clinic staff open it in a spreadsheet, so every cell goes through `csvsafe.safe_cell` (the one
CSV neutraliser): a roster value can then never run as a formula (CSV injection). It holds the
MRN and the file name, and error messages that quote no more than the field in question.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from esi_docs.delivery.atomic import write_atomic
from esi_docs.delivery.csvsafe import safe_cell, safe_row

MANIFEST_NAME = "manifest.csv"
COLUMNS = ("row", "mrn", "file", "status", "error")

OK = "ok"
INVALID = "invalid"
FAILED = "failed"
NOT_RENDERED = "not rendered"


@dataclass
class ManifestRow:
    row: str
    mrn: str
    file: str = ""
    status: str = NOT_RENDERED
    error: str = ""


def neutralise(cell: str) -> str:
    """Make a cell inert in Excel, LibreOffice and Google Sheets (kept for callers; see csvsafe)."""
    return safe_cell(cell)


def manifest_bytes(rows: Iterable[ManifestRow]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(safe_row((row.row, row.mrn, row.file, row.status, row.error)))
    # A BOM so Excel reads the UTF-8 correctly.
    return buffer.getvalue().encode("utf-8-sig")


def write_manifest(out_dir: Path, rows: Iterable[ManifestRow]) -> Path:
    path = out_dir / MANIFEST_NAME
    write_atomic(path, manifest_bytes(rows))
    return path
