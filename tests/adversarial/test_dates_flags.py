"""Dates must be real, ISO-written and consistent; yes/no flags are never guessed from a blank.

Decided and documented in the README: flags accept `true`/`false` and `yes`/`no` in any case;
`on`, `off`, `1`, `0`, `y`, `n` and blanks are refused, because a blank or a guess must never
print a sheet as "not diabetic".
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from esi_docs import clock
from esi_docs.api import compose_handout, render_handout
from esi_docs.errors import ContentError, InputError
from esi_docs.inputs.clinic import parse_clinic
from esi_docs.inputs.patient import parse_patient
from tests.conftest import TYPICAL, pdf_text, write_yaml


def problems(**changes) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_patient({**TYPICAL, **changes}, "p.yaml")
    return caught.value.lines()


@pytest.mark.parametrize(
    "value", ["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "0000-01-01"]
)
def test_impossible_dates_are_refused(value):
    assert problems(procedure_date=value) == [
        f"p.yaml: procedure_date: '{value}' is not a real calendar date"
    ]


@pytest.mark.parametrize(
    "value",
    [
        "11/20/2026",
        "20.11.2026",
        "2026-11-20T10:00",
        "20261120",
        "2026/11/20",
        "Nov 20 2026",
        "2026-1-5",
        "２０２６-１１-２０",  # fullwidth digits match Python's \d
        "٢٠٢٦-١١-٢٠",  # Arabic-Indic digits too
        "",
        "~",
    ],
)
def test_other_date_formats_are_refused_not_guessed(value):
    assert problems(dob=value) == [f"p.yaml: dob: '{value}' is not a date written as YYYY-MM-DD"]


def test_dob_after_the_procedure_or_in_the_future(monkeypatch):
    monkeypatch.setenv("ESI_DOCS_TODAY", "2026-12-01")  # a dob of November 21 is past
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    assert problems(dob="2026-11-21") == ["p.yaml: dob: is after the procedure date"]
    assert problems(dob=tomorrow, procedure_date=tomorrow) == ["p.yaml: dob: is in the future"]


@pytest.mark.parametrize("dob", ["1900-01-01", "1905-11-19", "1066-10-14"])
def test_an_age_over_120_is_a_typing_mistake(dob):
    assert problems(dob=dob) == ["p.yaml: dob: gives an age over 120 years"]


def test_follow_up_before_the_procedure():
    assert problems(follow_up="2026-11-19") == ["p.yaml: follow_up: is before the procedure date"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "required, and it is blank; write true or false"),
        ("   ", "required, and it is blank; write true or false"),
        ("~", "'~' is not one of true, false"),
        ("null", "'null' is not one of true, false"),
        ("on", "'on' is not one of true, false"),
        ("off", "'off' is not one of true, false"),
        ("1", "'1' is not one of true, false"),
        ("0", "'0' is not one of true, false"),
        ("y", "'y' is not one of true, false"),
        ("n", "'n' is not one of true, false"),
        ("nope", "'nope' is not one of true, false"),
    ],
)
@pytest.mark.parametrize("flag", ["diabetic", "sedation"])
def test_a_blank_or_a_guess_is_never_no(flag, value, message):
    assert problems(**{flag: value}) == [f"p.yaml: {flag}: {message}"]


@pytest.mark.parametrize("flag", ["diabetic", "sedation"])
def test_a_missing_flag_is_required(flag):
    patient = {k: v for k, v in TYPICAL.items() if k != flag}
    with pytest.raises(InputError) as caught:
        parse_patient(patient, "p.yaml")
    assert caught.value.lines() == [f"p.yaml: {flag}: required"]


def test_a_blank_flag_in_a_real_file_is_refused(tmp_path, run_cli):
    text = "".join(f"{k}: {v}\n" for k, v in TYPICAL.items() if k != "diabetic") + "diabetic:\n"
    patient = tmp_path / "p.yaml"
    patient.write_text(text)
    result = run_cli(
        "render", "discharge", "--patient", str(patient), "-o", str(tmp_path / "o.pdf")
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {patient}: diabetic: required, and it is blank; write true or false\n"
    )


@pytest.mark.parametrize(
    ("value", "meaning"),
    [("true", True), ("True", True), ("TRUE", True), ("yes", True), ("Yes", True),
     ("YES", True), ("false", False), ("False", False), ("no", False), ("No", False)],
)  # fmt: skip
def test_accepted_flag_spellings(value, meaning):
    assert parse_patient(TYPICAL | {"diabetic": value}, "p").diabetic is meaning


@pytest.mark.parametrize("value", ["25:00", "9:5", "noon", "12:60", "１２:００", "12:00:00"])
def test_bad_procedure_times(value):
    assert problems(procedure_time=value) == [
        "p.yaml: procedure_time: is not a time written as HH:MM (24-hour, e.g. 09:30 or 14:00)"
    ]


@pytest.mark.parametrize("value", ["1_000", "nan", "inf", "１２", "0x10", "1e2", "24h", ""])
def test_clinic_numbers_are_plain_decimals(value):
    with pytest.raises(InputError) as caught:
        parse_clinic({"protocol": {"no_driving_hours": value}}, "c.yaml")
    assert caught.value.lines() == [
        f"c.yaml: protocol.no_driving_hours: '{value}' is not a whole number"
    ]


# A discharge sheet is for a procedure that has been done (handouts/discharge.yaml says so).


@pytest.mark.parametrize("days_ahead", [1, 30, 400])
def test_no_discharge_sheet_for_a_future_procedure(days_ahead):
    future = (clock.today() + timedelta(days=days_ahead)).isoformat()
    with pytest.raises(InputError) as caught:
        render_handout("discharge", TYPICAL | {"procedure_date": future})
    assert str(caught.value) == (
        f"procedure_date: {future} is in the future; the discharge handout is for a procedure "
        "that has been done"
    )


def test_a_discharge_sheet_for_today_is_fine():
    today = clock.today()
    pdf = render_handout("discharge", TYPICAL | {"procedure_date": today.isoformat()}).pdf
    assert "After your epidural steroid injection" in pdf_text(pdf)


def test_the_future_date_refusal_reaches_the_cli(tmp_path, run_cli):
    future = (clock.today() + timedelta(days=2)).isoformat()
    patient = write_yaml(tmp_path / "p.yaml", TYPICAL | {"procedure_date": future})
    out = tmp_path / "o.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"esi-docs: error: {patient}: procedure_date: {future} is in")
    assert not out.exists()


def recipe(tmp_path: Path, rule: str) -> Path:
    """A templates folder with a one-section handout whose procedure_date rule we choose."""
    (tmp_path / "handouts").mkdir(exist_ok=True)
    (tmp_path / "handouts" / "letter.yaml").write_text(
        yaml.safe_dump(
            {"version": "1", "title": "discharge_title", "sections": ["summary"],
             "procedure_date": rule}
        )
    )  # fmt: skip
    return tmp_path


def test_a_recipe_for_before_the_procedure_refuses_a_past_date(tmp_path):
    root = recipe(tmp_path, "today_or_future")
    past = (clock.today() - timedelta(days=3)).isoformat()
    with pytest.raises(InputError) as caught:
        compose_handout("letter", TYPICAL | {"procedure_date": past}, templates=root)
    assert str(caught.value) == (
        f"procedure_date: {past} is in the past; the letter handout is for a procedure still "
        "to come"
    )
    future = (clock.today() + timedelta(days=7)).isoformat()
    assert compose_handout("letter", TYPICAL | {"procedure_date": future}, templates=root).sections


def test_a_recipe_without_the_rule_takes_any_date(tmp_path):
    future = (clock.today() + timedelta(days=7)).isoformat()
    root = recipe(tmp_path, "any")
    assert compose_handout("letter", TYPICAL | {"procedure_date": future}, templates=root).sections


def test_an_unknown_rule_is_a_content_error(tmp_path):
    with pytest.raises(ContentError) as caught:
        compose_handout("letter", TYPICAL, templates=recipe(tmp_path, "tomorrow"))
    assert str(caught.value) == (
        "handouts/letter.yaml: procedure_date: 'tomorrow' is not one of any, past_or_today, "
        "today_or_future"
    )
