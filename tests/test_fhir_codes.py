"""FHIR completed (issue 17): every ESI procedure code, the bodySite cross-check, the clinic's
own code map, the 'why none is an ESI' message, and the US Core DocumentReference."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fhir.resources.R4B.documentreference import DocumentReference

from esi_docs.errors import InputError
from esi_docs.inputs import esi_codes
from esi_docs.inputs.clinic import load_clinic, parse_clinic
from esi_docs.inputs.fhir import patients_from_bundle
from tests.conftest import write_yaml
from tests.fhir_helpers import CPT, SINGLE_OVERRIDES, add, resource, single, write

DOCS = Path(__file__).parent.parent / "docs" / "fhir.md"
SITE = {"cervical": "122494005", "thoracic": "122495006", "lumbar": "122496007"}


def with_code(code, *, site=None, system=CPT, extension=False):
    bundle = single()
    proc = resource(bundle, "Procedure")
    proc["code"]["coding"] = [{"system": system, "code": code}]
    if site is None:
        del proc["bodySite"]
    else:
        proc["bodySite"][0]["coding"][0]["code"] = SITE[site]
    if not extension:
        del proc["extension"]
    return bundle


def mapped(tmp_path, bundle, overrides=None, codes=()):
    path = write(tmp_path / "bundle.json", bundle)
    given = {**SINGLE_OVERRIDES, **(overrides or {})}
    (patient,) = patients_from_bundle(path, given, procedure_codes=codes)
    return patient


def problems(tmp_path, bundle, overrides=None, codes=()):
    path = write(tmp_path / "bundle.json", bundle)
    with pytest.raises(InputError) as caught:
        patients_from_bundle(path, {**SINGLE_OVERRIDES, **(overrides or {})},
                             procedure_codes=codes)  # fmt: skip
    return [line.replace(str(path), "bundle.json") for line in caught.value.lines()]


@pytest.mark.parametrize("code", sorted(esi_codes.CPT_ESI))
def test_every_esi_code_settles_what_it_says(tmp_path, code):
    row = esi_codes.CPT_ESI[code]
    region = row.regions[-1]  # thoracic or lumbar
    overrides = {} if row.approach else {"approach": "caudal"}
    patient = mapped(tmp_path, with_code(code, site=region), overrides)
    assert patient.mapping["region"] == region
    assert patient.mapping["approach"] == (row.approach or "caudal")
    if row.approach:
        assert patient.provenance["approach"].used.where == "Procedure/esi1.code"


@pytest.mark.parametrize("code", ["62322", "62323", "62311"])
def test_lumbar_or_sacral_codes_leave_the_approach_open(tmp_path, code):
    assert problems(tmp_path, with_code(code, site="lumbar")) == [
        f"bundle.json: approach: Procedure/esi1.code: CPT {code} covers interlaminar and "
        "caudal; give it in --patient overrides.yaml"
    ]


@pytest.mark.parametrize("code", ["64483", "0230T", "62323"])
def test_a_lumbar_code_alone_gives_the_region(tmp_path, code):
    patient = mapped(tmp_path, with_code(code), {"approach": "transforaminal"})
    assert patient.mapping["region"] == "lumbar"
    assert patient.provenance["region"].used.where == "Procedure/esi1.code"


@pytest.mark.parametrize("code", ["62320", "64479", "0228T", "62310"])
def test_a_cervical_or_thoracic_code_alone_does_not_say_which(tmp_path, code):
    assert problems(tmp_path, with_code(code)) == [
        f"bundle.json: region: Procedure/esi1.code: CPT {code} covers cervical and thoracic; "
        "give it in --patient overrides.yaml"
    ]


@pytest.mark.parametrize(("code", "site", "allowed"), [
    ("64479", "lumbar", "cervical or thoracic"),
    ("64483", "cervical", "lumbar"),
    ("0229T", "lumbar", "cervical or thoracic"),
])  # fmt: skip
def test_a_body_site_the_code_does_not_allow_is_refused(tmp_path, code, site, allowed):
    assert problems(tmp_path, with_code(code, site=site)) == [
        f"bundle.json: region: Procedure/esi1.bodySite: says {site}, but CPT {code} is "
        f"{allowed}; give it in --patient overrides.yaml"
    ]


@pytest.mark.parametrize("code", esi_codes.CPT_CATHETER)
def test_catheter_infusions_are_refused_whatever_the_overrides_say(tmp_path, code):
    overrides = {"procedure_date": "2026-11-20", "approach": "interlaminar", "region": "lumbar"}
    assert problems(tmp_path, with_code(code, site="lumbar"), overrides) == [
        f"bundle.json: approach: Procedure/esi1.code: CPT {code} is an epidural catheter "
        "infusion, not a single-shot injection; esi-docs prints sheets for single-shot ESIs only"
    ]


def test_the_message_names_the_procedures_and_why_none_is_an_esi(tmp_path):
    bundle = with_code("62323", site="lumbar")
    resource(bundle, "Procedure")["status"] = "preparation"
    add(bundle, {
        "resourceType": "Procedure", "id": "x1", "status": "completed",
        "code": {"coding": [{"system": CPT, "code": "20610"}]},
        "subject": {"reference": "Patient/p1"},
    })  # fmt: skip
    add(bundle, {"resourceType": "Procedure", "id": "x2", "status": "completed",
                 "subject": {"reference": "Patient/p1"}})  # fmt: skip
    lines = problems(tmp_path, bundle)
    assert lines[0] == (
        "bundle.json: procedure_date: Patient/p1: Procedures: none is a completed ESI: "
        "Procedure/esi1 (CPT 62323 with status 'preparation', not completed); Procedure/x1 "
        "(CPT 20610: not an ESI code); Procedure/x2 (no code); give it in --patient "
        "overrides.yaml"
    )
    assert [line.split(": ")[1] for line in lines] == ["procedure_date", "approach", "region"]


# --- the clinic's own codes ----------------------------------------------------------------

LOCAL = "http://clinic.example.org/procedure-codes"


def clinic_with(rows):
    return parse_clinic({"procedure_codes": rows}, "clinic.yaml")


def test_a_clinic_code_makes_a_procedure_the_esi(tmp_path):
    clinic = clinic_with([{"system": LOCAL, "code": "ESI-C", "approach": "interlaminar",
                           "region": "cervical"}])  # fmt: skip
    patient = mapped(tmp_path, with_code("ESI-C", system=LOCAL), codes=clinic.procedure_codes)
    assert (patient.mapping["approach"], patient.mapping["region"]) == ("interlaminar", "cervical")
    assert patient.provenance["region"].used.where == "Procedure/esi1.code"


def test_a_clinic_code_without_an_approach_asks_for_one(tmp_path):
    clinic = clinic_with([{"system": LOCAL, "code": "ESI-L", "region": "lumbar"}])
    lines = problems(tmp_path, with_code("ESI-L", system=LOCAL), codes=clinic.procedure_codes)
    assert lines == [
        f"bundle.json: approach: Procedure/esi1.code: {LOCAL} ESI-L gives no approach; "
        "give it in --patient overrides.yaml"
    ]


def test_without_the_map_a_local_code_is_not_an_esi(tmp_path):
    lines = problems(tmp_path, with_code("ESI-C", system=LOCAL))
    assert lines[0].startswith(
        f"bundle.json: procedure_date: Patient/p1: Procedures: none is a completed ESI: "
        f"Procedure/esi1 ({LOCAL} ESI-C: not an ESI code)"
    )


@pytest.mark.parametrize(("rows", "expected"), [
    ("x", "procedure_codes: must be a list (at most 500) of system, code, approach, region"),
    ([{"system": LOCAL, "code": "A"}], "procedure_codes[0]: give an approach, a region, or both"),
    ([{"system": CPT, "code": "62323", "approach": "caudal"}],
     "procedure_codes[0].system: CPT codes are built in (docs/fhir.md); map others only"),
    ([{"system": LOCAL, "code": "A", "region": "sacral"}],
     "procedure_codes[0].region: 'sacral' is not one of cervical, thoracic, lumbar"),
    ([{"system": LOCAL, "code": "A", "approach": "caudal", "side": "left"}],
     "procedure_codes[0].side: unknown key; allowed are system, code, approach, region"),
    ([{"system": LOCAL, "code": "A", "region": "lumbar"},
      {"system": LOCAL, "code": "A", "region": "lumbar"}],
     f"procedure_codes[1]: the code A of {LOCAL} is listed twice"),
    ([{"code": "A", "region": "lumbar"}], "procedure_codes[0].system: required, and it is blank"),
])  # fmt: skip
def test_the_clinic_code_map_is_checked(rows, expected):
    with pytest.raises(InputError) as caught:
        clinic_with(rows)
    assert caught.value.lines() == [f"clinic.yaml: {expected}"]


def test_the_code_map_round_trips_through_the_audit_form():
    clinic = clinic_with([{"system": LOCAL, "code": "A", "approach": "caudal"},
                          {"system": "99ESI", "code": "B", "region": "lumbar"}])  # fmt: skip
    again = parse_clinic(clinic.as_data(), "audit")
    assert again.procedure_codes == clinic.procedure_codes
    assert load_clinic(None).procedure_codes == ()


def test_no_snomed_code_is_shipped():
    assert all(re.fullmatch(r"[0-9]{4}[0-9T]", code) for code in esi_codes.CPT_ESI)
    assert all(re.fullmatch(r"[0-9]{5}", code) for code in esi_codes.CPT_CATHETER)
    assert "snomed" not in json.dumps(load_clinic(None).as_data()["procedure_codes"])


def test_docs_table_is_the_code_table():
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- esi-codes: begin")[1].split("<!-- esi-codes: end")[0]
    rows = [line.split("|")[1:-1] for line in block.splitlines() if line.startswith("| ")]
    documented = {
        cells[0].strip(): (cells[1].strip(), cells[2].strip(), cells[3].strip())
        for cells in rows[1:]
    }
    actual = {
        code: (row.approach or "from the overrides", ", ".join(row.regions), row.text)
        for code, row in esi_codes.CPT_ESI.items()
    }
    assert documented == actual


# --- US Core DocumentReference -------------------------------------------------------------


def docref(run_cli, tmp_path, bundle, *extra):
    path = write(tmp_path / "bundle.json", bundle)
    overrides = write_yaml(tmp_path / "o.yaml", SINGLE_OVERRIDES)
    out = tmp_path / "docref.json"
    result = run_cli("render", "discharge", "--fhir", str(path), "--patient", str(overrides),
                     "-o", str(tmp_path / "s.pdf"), "--fhir-out", str(out), *extra)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    DocumentReference.model_validate(data)  # fhir.resources refuses what FHIR R4 does
    return data


def test_the_document_reference_meets_us_core(run_cli, tmp_path):
    bundle = single()
    resource(bundle, "Procedure")["encounter"] = {"reference": "Encounter/e1"}
    data = docref(run_cli, tmp_path, bundle, "--operator", "Nurse Kim")
    assert data["meta"]["profile"] == [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference"
    ]
    assert data["category"] == [{"coding": [{
        "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
        "code": "clinical-note", "display": "Clinical Note"}]}]  # fmt: skip
    assert data["type"]["coding"][0]["code"] == "69730-0"
    assert data["identifier"][0]["value"].startswith("urn:uuid:")
    (org,) = data["contained"]
    assert org == {
        "resourceType": "Organization", "id": "clinic", "active": True,
        "name": "Example Spine & Pain Clinic",
        "telecom": [{"system": "phone", "value": "(555) 010-0100", "use": "work"}],
    }  # fmt: skip
    clinic_ref = {"reference": "#clinic", "display": "Example Spine & Pain Clinic"}
    assert data["custodian"] == clinic_ref
    assert data["author"] == [clinic_ref, {"display": "Nurse Kim"}]
    assert data["context"] == {"encounter": [{"reference": "Encounter/e1"}]}
    assert data["subject"] == {"reference": "Patient/p1"}
    for content in data["content"]:
        assert content["format"]["code"] == "urn:ihe:iti:xds:2017:mimeTypeSufficient"


def test_no_encounter_no_context(run_cli, tmp_path):
    data = docref(run_cli, tmp_path, single())
    assert "context" not in data
    assert data["author"][0] == {"reference": "#clinic", "display": "Example Spine & Pain Clinic"}
    assert len(data["author"]) == 2  # the logged-in user as operator
