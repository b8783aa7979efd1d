"""Batch file names: safe fields only, sanitised, unique, and always inside the out folder."""

from __future__ import annotations

import os

import pytest

from esi_docs.delivery.naming import (
    DEFAULT_PATTERN,
    MAX_NAME_BYTES,
    NameAllocator,
    check_pattern,
    file_name,
    sanitize,
)
from esi_docs.errors import InputError
from esi_docs.inputs.patient import parse_patient
from tests.conftest import TYPICAL


def _patient(**changes: str):
    return parse_patient({**TYPICAL, **changes}, "p")


def test_default_pattern():
    assert file_name(DEFAULT_PATTERN, _patient(), "discharge", "2") == (
        "2026-11-20_0012345_discharge.pdf"
    )


@pytest.mark.parametrize("field", ["name", "dob", "physician"])
def test_patterns_with_patient_identity_are_refused(field):
    with pytest.raises(InputError) as caught:
        check_pattern(f"{{{field}}}_{{mrn}}.pdf")
    assert "is patient data and is not allowed in file names" in caught.value.lines()[0]


@pytest.mark.parametrize(
    "pattern", ["{mrn.__class__}.pdf", "{mrn!r}.pdf", "{mrn:>99}.pdf", "{nope}.pdf", "{mrn"]
)
def test_only_plain_safe_fields_are_allowed(pattern):
    with pytest.raises(InputError):
        check_pattern(pattern)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "etc_passwd.pdf"),
        ("/abs/path/x.pdf", "abs_path_x.pdf"),
        ("..\\..\\win", "win.pdf"),
        ("..", "_.pdf"),
        ("a\x00b\nc\x1fd.pdf", "a_b_c_d.pdf"),
        ('a<b>c:d"e|f?g*h', "a_b_c_d_e_f_g_h.pdf"),
        ("CON", "_CON.pdf"),
        ("nul.pdf", "_nul.pdf"),
        ("com1.txt", "_com1.txt.pdf"),
        ("name. . ", "name.pdf"),
        ("Łukasz", "ukasz.pdf"),
    ],
)
def test_sanitize(raw, expected):
    assert sanitize(raw) == expected


def test_hostile_mrn_cannot_leave_the_folder(tmp_path):
    name = file_name("{mrn}.pdf", _patient(mrn="../../x"), "discharge", "2")
    path = NameAllocator(tmp_path).allocate(name)
    assert path.parent == tmp_path.resolve()
    assert path.name == "x.pdf"


def test_very_long_names_are_cut_and_stay_unique(tmp_path):
    names = NameAllocator(tmp_path)
    long = sanitize("a" * 1000)
    first, second = names.allocate(long), names.allocate(long)
    assert len(first.name.encode()) <= MAX_NAME_BYTES
    assert len(second.name.encode()) <= MAX_NAME_BYTES
    assert first != second and second.name.endswith("-2.pdf")


def test_duplicates_get_a_suffix_case_insensitively(tmp_path):
    names = NameAllocator(tmp_path)
    got = [names.allocate(n).name for n in ("a.pdf", "A.pdf", "a.pdf")]
    assert got == ["a.pdf", "A-2.pdf", "a-3.pdf"]


def test_symlinked_out_dir_resolves_to_its_target(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    os.symlink(real, link)
    path = NameAllocator(link).allocate("x.pdf")
    assert path == real.resolve() / "x.pdf"


def test_a_name_with_a_separator_is_refused_even_if_it_got_through(tmp_path):
    names = NameAllocator(tmp_path)
    with pytest.raises(Exception, match="outside"):
        names.inside("../x.pdf")
