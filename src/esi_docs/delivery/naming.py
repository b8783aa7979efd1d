"""File names for batch output: built from safe fields only, and always inside the out folder.

A name pattern is the user's, and roster values are whatever an EHR exported, so every
character that could leave the folder or trip a file system is replaced: path separators,
`..`, control characters, characters Windows refuses, reserved device names (CON, NUL, ...),
trailing dots and spaces, and names too long for common file systems. Patient names and dates
of birth never go into a file name: file names show up in folder listings, print queues, and
backups.
"""

from __future__ import annotations

import os
import re
import string
from pathlib import Path

from esi_docs.errors import InputError, RenderError
from esi_docs.inputs.patient import PatientOptions

DEFAULT_PATTERN = "{procedure_date}_{mrn}_{handout}.pdf"
SAFE_FIELDS = ("procedure_date", "mrn", "handout", "row", "language", "approach", "region")
REFUSED_FIELDS = ("name", "dob", "physician")  # identify a person beyond the MRN
MAX_NAME_BYTES = 180  # below the 255-byte limit, leaving room for a suffix and the temp name
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_DOTS = re.compile(r"\.{2,}")
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.IGNORECASE)
SUFFIX = ".pdf"
SUFFIXES = {"pdf": ".pdf", "html": ".html"}  # by output format


def check_pattern(pattern: str) -> str:
    """Validate a --name pattern: plain {field} names from SAFE_FIELDS, nothing else."""
    where = "--name"
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise InputError(f"{where}: '{pattern}' is not a valid pattern ({exc})") from None
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field in REFUSED_FIELDS:
            raise InputError(
                f"{where}: {{{field}}} is patient data and is not allowed in file names; "
                f"use {', '.join(SAFE_FIELDS)}"
            )
        if field not in SAFE_FIELDS or spec or conversion:
            raise InputError(
                f"{where}: {{{field}}} is not allowed; use {', '.join(SAFE_FIELDS)} "
                "(plain names in braces)"
            )
    if not any(field for _, field, _, _ in parts):
        raise InputError(f"{where}: use at least one field, e.g. {{mrn}}, so names differ")
    return pattern


def file_name(
    pattern: str, patient: PatientOptions, handout: str, row: str, suffix: str = SUFFIX
) -> str:
    """The sanitised file name for one patient (not yet made unique)."""
    values = {
        "procedure_date": patient.procedure_date.isoformat(),
        "mrn": patient.mrn,
        "handout": handout,
        "row": row,
        "language": patient.language,
        "approach": patient.approach,
        "region": patient.region,
    }
    return sanitize(pattern.format_map(values), suffix)


def sanitize(name: str, suffix: str = SUFFIX) -> str:
    """One safe file name component ending in `suffix` (.pdf), whatever `name` held. A
    pattern's own .pdf or .html ending is replaced, so one pattern serves both formats."""
    for known in SUFFIXES.values():
        if name.lower().endswith(known):
            name = name[: -len(known)]
            break
    stem = _DOTS.sub(".", _UNSAFE.sub("_", name)).strip("._")
    if not stem:
        stem = "_"
    if _RESERVED.fullmatch(stem):
        stem = "_" + stem
    return stem[: MAX_NAME_BYTES - len(suffix)] + suffix  # ASCII only now: chars == bytes


class NameAllocator:
    """Hands out unique names inside one folder; a repeated name gets -2, -3, ..."""

    def __init__(self, out_dir: Path):
        self.folder = Path(os.path.realpath(out_dir))
        self._taken: set[str] = set()

    def allocate(self, name: str) -> Path:
        stem, suffix = os.path.splitext(name)
        candidate, count = name, 1
        # Compare case-insensitively: macOS and Windows folders are.
        while candidate.lower() in self._taken:
            count += 1
            tail = f"-{count}"
            candidate = stem[: MAX_NAME_BYTES - len(suffix) - len(tail)] + tail + suffix
        self._taken.add(candidate.lower())
        return self.inside(candidate)

    def inside(self, name: str) -> Path:
        """The path for `name`, refusing anything that would not land directly in the folder."""
        path = self.folder / name
        if os.path.dirname(name) or os.path.realpath(path.parent) != str(self.folder):
            raise RenderError(f"{name}: would be written outside {self.folder}")
        return path
