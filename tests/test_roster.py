"""Rosters as Excel and EHR schedule reports write them, and their row-numbered errors."""

from __future__ import annotations

import pytest

from esi_docs.errors import InputError
from esi_docs.inputs.roster import MAX_ROSTER_BYTES, check_rows, read_roster
from tests.conftest import TYPICAL

HEADER = ",".join(TYPICAL)


def _line(**changes: str) -> str:
    values = {**TYPICAL, **changes}
    return ",".join(values[key] for key in TYPICAL)


def _write(path, text: str, *, bom: bool = False, crlf: bool = False):
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("crlf", [False, True])
def test_excel_csv_variants_read_the_same(tmp_path, bom, crlf):
    path = _write(tmp_path / "r.csv", f"{HEADER}\n{_line()}\n", bom=bom, crlf=crlf)
    [row] = read_roster(path)
    assert row.label == f"{path} row 2"
    assert dict(row.data) == TYPICAL  # no BOM in the first key, no \r in the last value


def test_header_names_are_case_insensitive_and_trimmed(tmp_path):
    header = ",".join(f"  {key.upper()} " for key in TYPICAL)
    path = _write(tmp_path / "r.csv", f"{header}\n{_line()}\n")
    [checked] = check_rows(read_roster(path))
    assert checked.patient is not None and checked.patient.mrn == "0012345"


def test_mrn_leading_zeros_and_quoted_fields_with_commas_are_kept(tmp_path):
    line = _line(mrn="0000042", name='"Smith, Jane ""JJ"""')
    path = _write(tmp_path / "r.csv", f"{HEADER}\n{line}\n")
    [checked] = check_rows(read_roster(path))
    assert checked.patient.mrn == "0000042"
    assert checked.patient.name == 'Smith, Jane "JJ"'


def test_blank_rows_are_skipped_and_row_numbers_match_the_spreadsheet(tmp_path):
    text = f"{HEADER}\n{_line()}\n,,,,,,,,\n{_line(mrn='')}\n"
    rows = read_roster(_write(tmp_path / "r.csv", text))
    assert [r.label.rsplit(" ", 2)[-2:] for r in rows] == [["row", "2"], ["row", "4"]]


def test_every_problem_of_every_row_is_listed_by_row_and_field(tmp_path):
    path = tmp_path / "tomorrow.csv"
    text = f"{HEADER}\n{_line()}\n{_line(mrn='', approach='lateral')}\n{_line(dob='1961-13-01')}\n"
    checked = check_rows(read_roster(_write(path, text)))
    assert tuple(map(str, checked[0].problems)) == ()
    assert tuple(map(str, checked[1].problems)) == (
        f"{path} row 3: mrn: required",
        f"{path} row 3: approach: 'lateral' is not one of interlaminar, transforaminal, caudal",
    )
    assert tuple(map(str, checked[2].problems)) == (
        f"{path} row 4: dob: '1961-13-01' is not a real calendar date",
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (HEADER + ",colour", "row 1: unknown column 'colour'; allowed are name, dob"),
        (HEADER + ",MRN", "row 1: column 'mrn' appears more than once"),
    ],
)
def test_bad_header_stops_before_any_row(tmp_path, header, message):
    path = _write(tmp_path / "r.csv", f"{header}\n{_line()},x\n")
    with pytest.raises(InputError) as caught:
        read_roster(path)
    assert message in caught.value.lines()[0]


def test_yaml_roster_keeps_every_value_a_string(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(
        "- {name: Ann Lee, dob: 1950-01-02, mrn: 0012345, procedure_date: 2026-11-24,\n"
        "   approach: caudal, region: lumbar, diabetic: no, sedation: no, blood_thinner: none}\n"
        "- {name: Bo Ray}\n",
        encoding="utf-8",
    )
    rows = read_roster(path)
    assert rows[0].data["mrn"] == "0012345" and rows[0].data["diabetic"] == "no"
    checked = check_rows(rows)
    assert checked[0].patient is not None and checked[0].patient.diabetic is False
    assert f"{path} row 2: dob: required" in tuple(map(str, checked[1].problems))


def test_roster_size_is_checked_before_parsing(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.truncate(MAX_ROSTER_BYTES + 1)
    with pytest.raises(InputError) as caught:
        read_roster(path)
    assert caught.value.lines() == [
        f"{path}: file is {MAX_ROSTER_BYTES + 1:,} bytes; the limit is {MAX_ROSTER_BYTES:,}"
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "r.txt",
            "x",
            "a roster must be a .csv, .yaml, .yml, FHIR Bundle .json or HL7 v2 .hl7 file",
        ),
        ("r.csv", HEADER + "\n", "the roster has no patients"),
        ("r.yaml", "name: x\n", "a YAML roster is a list of patients"),
    ],
)
def test_unusable_roster_files(tmp_path, name, text, message):
    path = _write(tmp_path / name, text)
    with pytest.raises(InputError) as caught:
        read_roster(path)
    assert message in caught.value.lines()[0]
