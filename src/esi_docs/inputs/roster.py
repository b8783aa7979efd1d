"""Reads a roster (tomorrow's schedule) into labelled rows of strings, and validates them.

Rosters come from Excel and EHR schedule reports: UTF-8 with or without a BOM, CRLF line ends,
quoted fields, header names in any case. Every cell stays the exact string written (an MRN
`0012345` keeps its zeros): the csv module never converts types, and a YAML roster is read with
`load_data_file`. Row labels (`tomorrow.csv row 57`) are what error messages and the manifest
show; for a CSV they are the spreadsheet's row numbers (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from esi_docs.errors import InputError, Problem
from esi_docs.inputs.patient import FIELD_PARSERS, PatientOptions, parse_patient
from esi_docs.inputs.yamlio import parse_yaml, read_text

MAX_ROSTER_BYTES = 20_000_000  # ~100,000 rows; a day's schedule is a few hundred bytes a row
MAX_ROWS = 100_000


class RosterRow(NamedTuple):
    """One patient's row: its label for messages and its fields as strings."""

    label: str
    data: Mapping[str, Any]


def row_label(source: str, number: int) -> str:
    return f"{source} row {number}"


def read_roster(
    path: Path, overrides: Path | None = None, procedure_codes: tuple = ()
) -> list[RosterRow]:
    """Read a CSV, YAML, FHIR Bundle (.json) or HL7 v2 (.hl7) roster; raises InputError for a
    file that cannot be read at all. `overrides` (a patient-file subset) fills what a Bundle
    or a message does not say; `procedure_codes` is the clinic profile's own code map."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        rows = _read_bundle(path, overrides, procedure_codes)
    elif suffix == ".hl7":
        rows = _read_hl7(path, overrides, procedure_codes)
    elif suffix not in READERS:
        raise InputError(
            f"{path}: a roster must be a .csv, .yaml, .yml, FHIR Bundle .json or HL7 v2 .hl7 file"
        )
    elif overrides is not None:
        raise InputError(
            f"{overrides}: --patient overrides apply only to a FHIR Bundle or HL7 v2 roster"
        )
    else:
        rows = READERS[suffix](path)
    if not rows:
        raise InputError(f"{path}: the roster has no patients")
    if len(rows) > MAX_ROWS:
        raise InputError(f"{path}: {len(rows):,} rows; the limit is {MAX_ROWS:,} per run")
    return rows


def _read_csv(path: Path) -> list[RosterRow]:
    source = str(path)
    text = read_text(path, limit=MAX_ROSTER_BYTES)  # size checked first; a BOM is dropped
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _header(next(records, []), source)
        rows = []
        for number, cells in enumerate(records, start=2):
            row = _csv_row(header, cells, row_label(source, number))
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        raise InputError(f"{source}: not valid CSV near line {records.line_num} ({exc})") from None
    return rows


def _header(cells: list[str], source: str) -> list[str]:
    """Column names, trimmed and lower-cased; unknown or repeated names stop the run."""
    names = [cell.strip().lower() for cell in cells]
    if not any(names):
        raise InputError(f"{source}: row 1 must name the columns (mrn, name, dob, ...)")
    problems = []
    for name in sorted({n for n in names if n and n not in FIELD_PARSERS}):
        problems.append(
            f"{source}: row 1: unknown column '{name}'; allowed are {', '.join(FIELD_PARSERS)}"
        )
    for name in sorted({n for n in names if n and names.count(n) > 1}):
        problems.append(f"{source}: row 1: column '{name}' appears more than once")
    if problems:
        raise InputError(problems)
    return names


def _csv_row(header: list[str], cells: list[str], label: str) -> RosterRow | None:
    """A blank cell means 'not given' (so a blank required field reads 'required')."""
    if not any(cell.strip() for cell in cells):
        return None  # spreadsheets export trailing empty rows
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        raise InputError(f"{label}: has more cells than the header has columns")
    data = {name: cell for name, cell in zip(header, cells, strict=False) if name and cell.strip()}
    return RosterRow(label, data)


def _read_yaml(path: Path) -> list[RosterRow]:
    source = str(path)
    text = read_text(path, limit=MAX_ROSTER_BYTES)
    data = parse_yaml(text, source, strings_only=True, limit=MAX_ROSTER_BYTES)
    if not isinstance(data, list):
        raise InputError(f"{source}: a YAML roster is a list of patients (lines starting '- ')")
    rows = [RosterRow(row_label(source, n), item) for n, item in enumerate(data, start=1)]
    problems = [
        Problem(row.label, text="must be a mapping of field: value lines for one patient")
        for row in rows
        if not isinstance(row.data, dict)
    ]
    if problems:
        raise InputError(problems)
    return rows


def _read_bundle(path: Path, overrides: Path | None, procedure_codes: tuple) -> list[RosterRow]:
    """Every patient of a FHIR Bundle, labelled `bundle.json Patient/<id>` (no PHI). The Bundle
    never guesses: a field it does not settle must come from the overrides, or the run stops
    with one line per patient and field."""
    from esi_docs.inputs.fhir import patients_from_bundle  # pydantic models: load only when needed

    patients = patients_from_bundle(path, overrides, procedure_codes=procedure_codes)
    return [RosterRow(f"{path} {patient.label}", dict(patient.mapping)) for patient in patients]


def _read_hl7(path: Path, overrides: Path | None, procedure_codes: tuple) -> list[RosterRow]:
    """One patient per HL7 v2 message, labelled `file.hl7 Message/<control id>` (no PHI);
    like a Bundle, a field no message settles must come from the overrides file."""
    from esi_docs.inputs.hl7 import patients_from_hl7

    patients = patients_from_hl7(path, overrides, procedure_codes=procedure_codes)
    return [RosterRow(f"{path} {patient.label}", dict(patient.mapping)) for patient in patients]


# Suffix -> reader for rosters that need nothing but the file.
READERS: dict[str, Callable[[Path], list[RosterRow]]] = {
    ".csv": _read_csv,
    ".yaml": _read_yaml,
    ".yml": _read_yaml,
}


class CheckedRow(NamedTuple):
    """A row after validation: the options, or every problem found in it."""

    label: str
    data: Mapping[str, Any]
    patient: PatientOptions | None
    problems: tuple[Problem, ...]


def check_rows(rows: list[RosterRow]) -> list[CheckedRow]:
    """Validate every row (all problems of all rows), before anything is rendered."""
    checked = []
    for label, data in rows:
        try:
            checked.append(CheckedRow(label, data, parse_patient(data, label), ()))
        except InputError as exc:
            checked.append(CheckedRow(label, data, None, tuple(exc.problems)))
    return checked
