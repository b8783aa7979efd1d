"""`render --fhir` and `--fhir-out`: the Bundle's sheet, its errors, the DocumentReference."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat

import pytest
from fhir.resources.R4B.documentreference import DocumentReference

from tests.conftest import pdf_text, write_yaml
from tests.fhir_helpers import (
    FHIR_DIR,
    SINGLE_AS_YAML,
    SINGLE_OVERRIDES,
    resource,
    sample,
    single,
    write,
)

SINGLE = str(FHIR_DIR / "single_patient.json")


@pytest.fixture
def overrides(tmp_path):
    return str(write_yaml(tmp_path / "overrides.yaml", SINGLE_OVERRIDES))


def render(run_cli, *args):
    return run_cli("render", "discharge", *args)


def test_sheet_from_bundle_equals_sheet_from_patient_file(run_cli, tmp_path, overrides):
    patient = write_yaml(tmp_path / "patient.yaml", {**SINGLE_AS_YAML, **SINGLE_OVERRIDES})
    from_yaml = render(run_cli, "--patient", str(patient), "-o", "-")
    from_fhir = render(run_cli, "--fhir", SINGLE, "--patient", overrides, "-o", "-")
    assert from_fhir.exit_code == 0, from_fhir.stderr
    assert from_fhir.stdout_bytes == from_yaml.stdout_bytes
    assert "Maria Example" in pdf_text(from_fhir.stdout_bytes)


def test_every_patient_of_a_clinic_day_renders_like_its_patient_file(run_cli, tmp_path):
    from esi_docs.inputs.fhir import patients_from_bundle

    bundle = FHIR_DIR / "clinic_day.json"
    overrides = write_yaml(tmp_path / "o.yaml", {"blood_thinner": "none", "sedation": "true"})
    for patient in patients_from_bundle(bundle, overrides):
        as_file = write_yaml(tmp_path / "p.yaml", dict(patient.mapping))
        from_yaml = render(run_cli, "--patient", str(as_file), "-o", "-").stdout_bytes
        from_fhir = render(
            run_cli,
            "--fhir",
            str(bundle),
            "--fhir-patient",
            patient.label.removeprefix("Patient/"),
            "--patient",
            str(overrides),
            "-o",
            "-",
        ).stdout_bytes
        assert from_fhir == from_yaml
        assert patient.mapping["name"] in pdf_text(from_fhir)


def test_a_bundle_of_several_patients_needs_a_choice(run_cli, tmp_path, overrides):
    bundle = str(FHIR_DIR / "clinic_day.json")
    result = render(run_cli, "--fhir", bundle, "--patient", overrides, "-o", "-")
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {bundle}: holds 3 patients (Patient/p1, Patient/p2, Patient/p3); "
        "choose one with --fhir-patient ID, or use esi-docs batch\n"
    )
    result = render(
        run_cli, "--fhir", bundle, "--fhir-patient", "p9", "--patient", overrides, "-o", "-"
    )
    assert "Patient/p9: not in the Bundle; it holds Patient/p1" in result.stderr


def test_missing_fields_name_what_and_where(run_cli, tmp_path):
    out = tmp_path / "sheet.pdf"
    bundle = str(FHIR_DIR / "patient_only.json")
    result = render(run_cli, "--fhir", bundle, "-o", str(out))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"esi-docs: error: {bundle}: procedure_date: not in the Bundle; give it in "
        "--patient overrides.yaml"
    )
    assert [line.split(": ")[3] for line in lines] == [
        "procedure_date",
        "approach",
        "region",
        "diabetic",
        "sedation",
        "blood_thinner",
    ]
    assert not out.exists()


def test_missing_fields_name_the_given_overrides_file(run_cli, tmp_path):
    partial = write_yaml(tmp_path / "checkout.yaml", {"blood_thinner": "none"})
    result = render(run_cli, "--fhir", SINGLE, "--patient", str(partial), "-o", "-")
    assert result.stderr == (
        f"esi-docs: error: {SINGLE}: sedation: not in the Bundle; give it in --patient {partial}\n"
    )


def test_invalid_resources_are_refused_with_the_library_path(run_cli):
    bundle = str(FHIR_DIR / "invalid_elements.json")
    result = render(run_cli, "--fhir", bundle, "-o", "-")
    assert result.exit_code == 2
    assert result.stdout_bytes == b""
    assert result.stderr.splitlines() == [
        f"esi-docs: error: {bundle}: Bundle.entry[0].resource.birthDate: Date value string does "
        "not match spec regex.",
        f"esi-docs: error: {bundle}: Bundle.entry[1].resource.performedDateTime: DateTime value "
        "string does not match spec regex.",
        f"esi-docs: error: {bundle}: Bundle.entry[2].resource.onsetDateTime: Input should be a "
        "valid datetime or date, day value is outside expected range",
    ]
    assert "1961-13-45" not in result.stderr  # the values stay out of messages
    assert "Maria" not in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"resourceType": "Patient"}', "resourceType: the file must hold one FHIR Bundle"),
        ('{"resourceType": "Bundle",', "line 1: not valid JSON"),
        (
            '{"resourceType": "Bundle", "type": "collection"}',
            "the Bundle holds no Patient resource",
        ),
        (
            '{"resourceType": "Bundle", "type": "collection", "entry": '
            '[{"resource": {"resourceType": "Paitent"}}]}',
            "Bundle.entry[0].resource.resourceType: 'Paitent' is not a FHIR R4 resource type",
        ),
        (
            '{"resourceType": "Bundle", "entry": []}',
            "Bundle.type: Value for the field 'type' is required.",
        ),
    ],
)
def test_broken_bundles(run_cli, tmp_path, text, message):
    path = tmp_path / "bundle.json"
    path.write_text(text)
    result = render(run_cli, "--fhir", str(path), "-o", "-")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"esi-docs: error: {path}: {message}")


def test_unknown_element_is_refused(run_cli, tmp_path, overrides):
    bundle = single()
    resource(bundle, "Patient")["birthdate"] = "1961-04-12"
    path = write(tmp_path / "bundle.json", bundle)
    result = render(run_cli, "--fhir", str(path), "--patient", overrides, "-o", "-")
    assert result.stderr == (
        f"esi-docs: error: {path}: Bundle.entry[0].resource.birthdate: Extra inputs are not "
        "permitted\n"
    )


def test_bundle_values_go_through_patient_validation(run_cli, tmp_path, overrides):
    bundle = single()
    resource(bundle, "Patient")["birthDate"] = "2099-01-01"
    path = write(tmp_path / "bundle.json", bundle)
    result = render(run_cli, "--fhir", str(path), "--patient", overrides, "-o", "-")
    assert result.stderr.splitlines()[0] == f"esi-docs: error: {path}: dob: is in the future"


def read_docref(path):
    data = json.loads(path.read_text())
    DocumentReference.model_validate(data)  # raises if the library refuses it
    return data


def test_document_reference_from_a_bundle(run_cli, tmp_path, overrides):
    out, docref = tmp_path / "sheet.pdf", tmp_path / "docref.json"
    result = render(
        run_cli, "--fhir", SINGLE, "--patient", overrides, "-o", str(out), "--fhir-out", str(docref)
    )
    assert result.exit_code == 0, result.stderr
    data = read_docref(docref)
    pdf = out.read_bytes()
    attachment = data["content"][0]["attachment"]
    assert base64.b64decode(attachment["data"]) == pdf
    assert attachment["size"] == len(pdf)
    sha1 = hashlib.sha1(pdf).digest()  # noqa: S324 - FHIR R4 defines Attachment.hash as SHA-1
    assert attachment["hash"] == base64.b64encode(sha1).decode()
    assert attachment["contentType"] == "application/pdf"
    assert data["status"] == "current"
    assert data["type"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "69730-0",
        "display": "Instructions",
    }
    assert data["subject"] == {"reference": "Patient/p1"}
    assert data["date"].endswith("+00:00")
    assert "Maria" not in data["description"]
    assert stat.S_IMODE(os.stat(docref).st_mode) == 0o600


def test_document_reference_from_a_patient_file_names_the_mrn(run_cli, tmp_path):
    patient = write_yaml(tmp_path / "patient.yaml", {**SINGLE_AS_YAML, **SINGLE_OVERRIDES})
    docref = tmp_path / "docref.json"
    result = render(run_cli, "--patient", str(patient), "-o", "-", "--fhir-out", str(docref))
    data = read_docref(docref)
    assert data["subject"] == {
        "identifier": {
            "type": {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                ]
            },
            "value": "0012345",
        }
    }
    assert base64.b64decode(data["content"][0]["attachment"]["data"]) == result.stdout_bytes


def test_sample_bundles_are_valid_fhir():
    from esi_docs.inputs.fhir.reader import validate_bundle

    for name in ("single_patient.json", "clinic_day.json", "patient_only.json"):
        validate_bundle(sample(name), name)


def test_fhir_patient_needs_a_bundle(run_cli, tmp_path):
    patient = write_yaml(tmp_path / "patient.yaml", {**SINGLE_AS_YAML, **SINGLE_OVERRIDES})
    result = render(run_cli, "--patient", str(patient), "--fhir-patient", "p1", "-o", "-")
    assert result.exit_code == 2
    assert result.stderr == "esi-docs: error: --fhir-patient: only with --fhir\n"


def test_a_patient_without_an_id_is_named_by_its_full_url(tmp_path):
    from esi_docs.inputs.fhir import patients_from_bundle

    bundle = single()
    del resource(bundle, "Patient")["id"]
    for entry in bundle["entry"][1:]:
        entry["resource"]["subject"] = {"reference": bundle["entry"][0]["fullUrl"]}
    (patient,) = patients_from_bundle(write(tmp_path / "b.json", bundle), SINGLE_OVERRIDES)
    assert patient.reference == bundle["entry"][0]["fullUrl"]
    assert patient.mapping["approach"] == "interlaminar"


def test_a_flood_of_problems_is_cut_to_the_first_fifty(tmp_path):
    from esi_docs.errors import InputError
    from esi_docs.inputs.fhir import patients_from_bundle

    bundle = single()
    for number in range(60):
        resource(bundle, "Patient")[f"wrong{number}"] = "x"
    path = write(tmp_path / "bundle.json", bundle)
    with pytest.raises(InputError) as caught:
        patients_from_bundle(path)
    assert len(caught.value.lines()) == 51
    assert caught.value.lines()[-1] == f"{path}: ... and 10 more problems"
