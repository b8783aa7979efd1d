"""A roster whose columns slipped puts a patient's name or MRN where a date or a choice belongs
(issue 14): messages and the manifest say what is wrong without quoting it. A value is quoted
only when it cannot be free text: a date-like one (digits, separators, a month's name) or a
single lower-case word typed as a choice."""

from __future__ import annotations

import pytest

from esi_docs.errors import InputError
from esi_docs.inputs.patient import parse_patient
from tests.adversarial.conftest import CANARY_MRN, CANARY_NAME, assert_no_canary
from tests.conftest import TYPICAL

HEADER = "name,dob,mrn,procedure_date,approach,region,diabetic,sedation,blood_thinner\n"


def test_a_shifted_roster_quotes_no_name_or_mrn(run_cli, tmp_path):
    roster = tmp_path / "shifted.csv"
    roster.write_text(
        HEADER
        + f"Maria Example,{CANARY_NAME},0012345,2026-11-20,interlaminar,lumbar,false,false,none\n"
        + f"Jo Doe,{CANARY_MRN},7,2026-11-20,{CANARY_NAME},lumbar,Canaryson,false,none\n"
        + "Al Roe,1961-04-12,8,2026-11-20,interlaminar,lumbar,false,false,none\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_cli("batch", "discharge", "--roster", str(roster), "--out-dir", str(out),
                     "--continue-on-error", "--no-audit", "--quiet")  # fmt: skip
    assert result.exit_code == 1, result.stderr
    assert_no_canary(result.stderr, "stderr")
    assert_no_canary((out / "manifest.csv").read_text(encoding="utf-8"), "the manifest")
    assert "row 2: dob: is not a date written as YYYY-MM-DD" in result.stderr
    assert "row 3: approach: is not one of interlaminar, transforaminal, caudal" in result.stderr
    assert "row 3: diabetic: is not one of true, false" in result.stderr


@pytest.mark.parametrize(
    ("field", "value", "quoted"),
    [
        ("dob", "11/20/2026", True),
        ("dob", "Nov 20 2026", True),
        ("dob", "20 de nov. 2026", False),  # "de" could be a name's particle: not quoted
        ("dob", "Maria Example", False),
        ("dob", "CANARY-0042", False),
        ("approach", "lateral", True),
        ("approach", "Canaryson", False),
        ("approach", "two words", False),
        ("diabetic", "nope", True),
        ("diabetic", "Zyxwv", False),
    ],
)
def test_a_value_is_quoted_only_when_it_cannot_be_free_text(field, value, quoted):
    with pytest.raises(InputError) as caught:
        parse_patient(TYPICAL | {field: value}, "p.yaml")
    [line] = caught.value.lines()
    assert (f"'{value}'" in line) is quoted, line
