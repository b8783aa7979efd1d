"""The clinic profile: name, phone numbers and the protocol values the clinic has decided.

The packaged profile (data/clinic.yaml) is both the documented default and the example that
`esi-docs example clinic` prints. A clinic's own file is layered over it: a protocol value the
clinic leaves out keeps the packaged, conservative default.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from esi_docs import fields as parse
from esi_docs.errors import Problems
from esi_docs.yamlio import load_data_file, parse_yaml

DEFAULT_PROFILE = "clinic.yaml"


@dataclass(frozen=True)
class ProtocolRule:
    """What a protocol value may be; the ranges reject typos (a fever of 1000), not choices."""

    minimum: float
    maximum: float
    integer: bool = True


_HOURS = ProtocolRule(0, 336)
PROTOCOL_RULES: dict[str, ProtocolRule] = {
    "no_driving_hours": _HOURS,
    "sedation_no_driving_hours": _HOURS,
    "escort_hours": _HOURS,
    "sedation_escort_hours": _HOURS,
    "sedation_no_alcohol_hours": _HOURS,
    "bandage_hours": ProtocolRule(1, 168),
    "no_soaking_hours": _HOURS,
    "ice_minutes": ProtocolRule(5, 30),
    "ice_gap_hours": ProtocolRule(0, 12),
    "no_strenuous_hours": _HOURS,
    "no_heavy_lifting_hours": _HOURS,
    "lifting_limit_lb": ProtocolRule(1, 100),
    "fever_f": ProtocolRule(99.0, 104.0, integer=False),
    "glucose_check_days": ProtocolRule(1, 30),
    "glucose_call_mg_dl": ProtocolRule(150, 600),
    "blood_thinner_restart_hours": _HOURS,
}
_TEXT_FIELDS = ("name", "phone", "after_hours_phone")
_TEXT_LIMIT = 80


@dataclass(frozen=True)
class ClinicProfile:
    """A validated clinic profile; `protocol` is read-only so no render can change it."""

    name: str
    phone: str
    after_hours_phone: str
    protocol: Mapping[str, int | float]


def default_profile_text() -> str:
    """The packaged, commented profile: the defaults and the example in one file."""
    return (resources.files("esi_docs") / "data" / DEFAULT_PROFILE).read_text(encoding="utf-8")


def _default_data() -> dict[str, Any]:
    return copy.deepcopy(_parsed_default())


@lru_cache(maxsize=1)
def _parsed_default() -> dict[str, Any]:
    """Parsed once per process: the packaged file does not change while we run, and parsing
    it was a third of a warm render that used the default profile."""
    return parse_yaml(default_profile_text(), DEFAULT_PROFILE, strings_only=True)


def parse_clinic(data: Any, source: str) -> ClinicProfile:
    """Validate a clinic mapping layered over the packaged defaults; report every problem."""
    problems = Problems(source)
    if not isinstance(data, Mapping):
        problems.add("", "must be a mapping of field: value lines")
        problems.raise_if_any()
    defaults = _default_data()
    for key in data:
        if key not in (*_TEXT_FIELDS, "protocol"):
            problems.add(str(key), f"unknown field; allowed fields are {', '.join(defaults)}")
    text = {key: _text_field(data, defaults, key, problems) for key in _TEXT_FIELDS}
    protocol = _protocol(data.get("protocol", {}), defaults["protocol"], problems)
    problems.raise_if_any()
    return ClinicProfile(**text, protocol=MappingProxyType(protocol))


def _text_field(data: Mapping, defaults: Mapping, key: str, problems: Problems) -> str:
    try:
        return parse.as_required_text(data.get(key, defaults[key]), max_length=_TEXT_LIMIT)
    except parse.FieldError as exc:
        problems.add(key, str(exc))
        return ""


def _protocol(given: Any, defaults: Mapping, problems: Problems) -> dict[str, int | float]:
    if not isinstance(given, Mapping):
        problems.add("protocol", "must be a mapping of name: value lines")
        given = {}
    for key in given:
        if key not in PROTOCOL_RULES:
            allowed = ", ".join(PROTOCOL_RULES)
            problems.add(f"protocol.{key}", f"unknown protocol value; allowed are {allowed}")
    values: dict[str, int | float] = {}
    for key, rule in PROTOCOL_RULES.items():
        raw = given.get(key, defaults.get(key))
        if raw is None:
            problems.add(f"protocol.{key}", "required")
            continue
        try:
            values[key] = parse.as_number(
                raw, minimum=rule.minimum, maximum=rule.maximum, integer=rule.integer
            )
        except parse.FieldError as exc:
            problems.add(f"protocol.{key}", str(exc))
    return values


def load_clinic(path: str | Path | None) -> ClinicProfile:
    """The clinic profile from a file, or the packaged default profile when none is given."""
    if path is None:
        return parse_clinic(_default_data(), DEFAULT_PROFILE)
    path = Path(path)
    return parse_clinic(load_data_file(path), str(path))
