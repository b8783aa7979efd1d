"""The patient's blood thinners as written, and which of them were stopped for the procedure.

A sheet tells a patient to restart a medicine only if it was stopped, and to keep taking one
that was not: both depend on two facts a nurse or the EHR gives (the names, and which were
held), never on a guess. "You take yes." came from taking any text as a drug name, so words
that answer a question instead of naming a medicine are refused.
"""

from __future__ import annotations

import re
from typing import Any

from esi_docs.inputs import values as parse

NONE = "none"
ALL = "all"
MAX_MEDICINES = 6
NAME_LIMIT = 40
# Answers to "does the patient take a blood thinner?", not names of one.
NOT_NAMES = frozenset(
    {
        "yes",
        "no",
        "y",
        "n",
        "true",
        "false",
        "unknown",
        "unk",
        "n/a",
        "na",
        "null",
        "nil",
        "-",
        "?",
        "x",
        "ok",
        "other",
        "some",
        "all",
        "none",
        "blood thinner",
        "anticoagulant",
    }
)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_WHAT = "write the medicine's name, or none"


def key(name: str) -> str:
    """A name compared without regard to capitals or spacing (Plavix = plavix)."""
    return " ".join(name.casefold().split())


def _entries(value: Any) -> list[Any]:
    """A YAML list, or text with names separated by ';' (a roster cell or the form)."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        return value.split(";")
    raise parse.FieldError(f"must be text or a list; {_WHAT}", "type")


def parse_names(value: Any) -> tuple[str, ...]:
    """blood_thinner: `none`, one name, or several; () for none."""
    if isinstance(value, str) and key(value) == NONE:
        return ()
    entries = _entries(value)
    if len(entries) > MAX_MEDICINES:
        raise parse.FieldError(f"names {len(entries)} medicines; the limit is {MAX_MEDICINES}")
    names: list[str] = []
    for entry in entries:
        name = parse.as_text(entry, max_length=NAME_LIMIT)
        if not name:
            code = "required" if len(entries) == 1 else "format"
            raise parse.FieldError(f"has a blank name; {_WHAT}", code)
        if key(name) in NOT_NAMES or not _HAS_LETTER.search(name):
            shown = name if len(name) <= 12 else name[:12] + "..."
            raise parse.FieldError(f"'{shown}' is not a medicine's name; {_WHAT}", "not_a_name")
        if key(name) in {key(n) for n in names}:
            raise parse.FieldError(f"names {name} twice", "format")
        names.append(name)
    return tuple(names)


def parse_held(value: Any) -> str | tuple[str, ...]:
    """blood_thinner_held as written: 'all', 'none', or names (checked by resolve_held)."""
    if isinstance(value, str) and key(value) in (ALL, NONE):
        return key(value)
    names = []
    for entry in _entries(value):
        name = parse.as_text(entry, max_length=NAME_LIMIT)
        if not name:
            raise parse.FieldError("has a blank name; write all, none, or the names stopped")
        names.append(name)
    return tuple(names)


def resolve_held(taken: tuple[str, ...], held: str | tuple[str, ...]) -> tuple[str, ...] | None:
    """The held names, spelt as in blood_thinner; None when the patient takes none."""
    if not taken:
        if held == ALL or (isinstance(held, tuple) and held):
            raise parse.FieldError(
                "names a stopped medicine, but blood_thinner is none", "contradiction"
            )
        return None
    if held == ALL:
        return taken
    if held == NONE:
        return ()
    by_key = {key(name): name for name in taken}
    resolved = []
    for name in held:
        if key(name) not in by_key:
            raise parse.FieldError(
                f"'{name}' is not in blood_thinner; write all, none, or names from "
                f"{'; '.join(taken)}",
                "contradiction",
            )
        if by_key[key(name)] not in resolved:
            resolved.append(by_key[key(name)])
    return tuple(name for name in taken if name in resolved)  # in blood_thinner's order


def held_as_written(taken: tuple[str, ...], held: tuple[str, ...]) -> str | list[str]:
    """The patient-file form of blood_thinner_held: 'all', 'none' or the list of names."""
    if not held:
        return NONE
    if set(held) == set(taken):
        return ALL
    return list(held)
