"""Patient and clinic files: values are kept exactly as written, and every mistake is named."""

from __future__ import annotations

import pytest

from esi_docs.errors import EsiDocsError, InputError
from esi_docs.inputs.clinic import load_clinic, parse_clinic
from esi_docs.inputs.patient import parse_patient
from esi_docs.inputs.yamlio import parse_yaml


def test_yaml_keeps_every_scalar_as_written():
    data = parse_yaml(
        "mrn: 0012345\nflag: No\nnum: 1e3\noct: 0o17\nwhen: 2026-01-02\n",
        "p.yaml",
        strings_only=True,
    )
    assert data == {
        "mrn": "0012345",
        "flag": "No",
        "num": "1e3",
        "oct": "0o17",
        "when": "2026-01-02",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2\n", "p.yaml:2: duplicate key 'a'"),
        ("a: &x 1\nb: *x\n", "p.yaml:1: anchors and aliases (& and *) are not allowed"),
        ("a: [1\n", "p.yaml:2: not valid YAML (expected ',' or ']', but got '<stream end>')"),
    ],
)
def test_yaml_refusals_name_the_line(text, message):
    with pytest.raises(InputError) as caught:
        parse_yaml(text, "p.yaml", strings_only=True)
    assert str(caught.value) == message


def test_yaml_error_never_quotes_the_content():
    with pytest.raises(InputError) as caught:
        parse_yaml('name: "Secret Person\n', "p.yaml", strings_only=True)
    assert "Secret" not in str(caught.value)


def test_patient_values_exact(typical):
    patient = parse_patient(typical | {"blood_thinner": "Eliquis", "level": "L5-S1"}, "p")
    assert patient.mrn == "0012345"
    assert patient.blood_thinner == ("Eliquis",)
    assert patient.level == "L5-S1"


def test_blood_thinner_none_means_no_drug(typical):
    assert parse_patient(typical | {"blood_thinner": "None"}, "p").blood_thinner == ()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("approach", "lateral", "'lateral' is not one of interlaminar, transforaminal, caudal"),
        ("region", "sacral", "'sacral' is not one of cervical, thoracic, lumbar"),
        ("diabetic", "", "required, and it is blank; write true or false"),
        ("sedation", "maybe", "'maybe' is not one of true, false"),
        ("dob", "04/12/1961", "'04/12/1961' is not a date written as YYYY-MM-DD"),
        ("procedure_date", "2026-02-30", "'2026-02-30' is not a real calendar date"),
        ("blood_thinner", "", "has a blank name; write the medicine's name, or none"),
        ("side", "up", "'up' is not one of left, right, both"),
        (
            "procedure_time",
            "25:00",
            "is not a time written as HH:MM (24-hour, e.g. 09:30 or 14:00)",
        ),
        ("name", "x" * 101, "is 101 characters long; the limit is 100"),
        (
            "name",
            "Ann\u202eE",
            "contains an invisible formatting character U+202E (RIGHT-TO-LEFT OVERRIDE)",
        ),
        (
            "name",
            "李雷",
            "contains U+674E (CJK UNIFIED IDEOGRAPH-674E), which the handout font cannot print",
        ),
        ("dob", "2026-12-01", "is after the procedure date"),
    ],
)
def test_bad_patient_field(typical, field, value, message):
    with pytest.raises(InputError) as caught:
        parse_patient(typical | {field: value}, "patient.yaml")
    assert f"patient.yaml: {field}: {message}" in caught.value.lines()


def test_unknown_field_is_reported_with_the_allowed_ones(typical):
    with pytest.raises(InputError) as caught:
        parse_patient(typical | {"diabetc": "true"}, "patient.yaml")
    assert caught.value.lines()[0].startswith(
        "patient.yaml: diabetc: unknown field; allowed fields are name, dob, mrn,"
    )


def test_all_problems_reported_together(typical):
    with pytest.raises(InputError) as caught:
        parse_patient(typical | {"approach": "x", "region": "y", "sedation": "z"}, "p.yaml")
    assert len(caught.value.lines()) == 3


def test_packaged_clinic_defaults_are_the_documented_ones():
    clinic = load_clinic(None)
    assert clinic.protocol["fever_f"] == 100.4
    assert clinic.protocol["no_driving_hours"] == 24
    assert clinic.protocol["glucose_check_days"] == 5


def test_clinic_file_layers_over_defaults():
    clinic = parse_clinic({"name": "North Spine", "protocol": {"fever_f": "101"}}, "c.yaml")
    assert clinic.name == "North Spine"
    assert clinic.protocol["fever_f"] == 101.0
    assert clinic.protocol["no_soaking_hours"] == 48
    with pytest.raises(TypeError):
        clinic.protocol["fever_f"] = 200  # type: ignore[index]


@pytest.mark.parametrize(
    ("protocol", "message"),
    [
        (
            {"fever_f": "1000"},
            "c.yaml: protocol.fever_f: 1000 is outside the plausible range 99 to 104",
        ),
        (
            {"no_driving_hours": "a day"},
            "c.yaml: protocol.no_driving_hours: 'a day' is not a whole number",
        ),
        ({"fever": "100"}, "c.yaml: protocol.fever: unknown protocol value; allowed are "),
    ],
)
def test_bad_clinic_protocol(protocol, message):
    with pytest.raises(EsiDocsError) as caught:
        parse_clinic({"protocol": protocol}, "c.yaml")
    assert caught.value.lines()[0].startswith(message)


def test_clinic_profile_round_trips_through_its_data_form():
    """Batch workers and reprints rebuild the profile from as_data(): nothing may fall back to
    the packaged defaults (a clinic's own hold table, flags, printer and review interval)."""
    clinic = parse_clinic(
        {
            "name": "North Spine",
            "printer": "checkout-2",
            "content_review_months": "6",
            "protocol": {"driver_required": "false", "fever_f": "100.9"},
            "blood_thinner_hold": [{"drug": "warfarin", "names": ["Coumadin"], "days": "6"}],
        },
        "c.yaml",
    )
    assert parse_clinic(clinic.as_data(), "again") == clinic
    assert parse_clinic(load_clinic(None).as_data(), "again") == load_clinic(None)
