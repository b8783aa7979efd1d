"""FHIR in: each resource's mapping to patient-file values, case by case (see README ## FHIR)."""

from __future__ import annotations

import pytest

from esi_docs.api import compose_handout
from esi_docs.errors import ContentError, InputError
from esi_docs.inputs.fhir import Origin, patients_from_bundle, provenance_record
from tests.fhir_helpers import (
    ATC,
    CPT,
    EXT,
    FHIR_DIR,
    ICD10CM,
    RXNORM,
    SCT,
    SINGLE_AS_YAML,
    SINGLE_OVERRIDES,
    add,
    condition,
    medication_statement,
    remove,
    resource,
    single,
    write,
)


def mapped(tmp_path, bundle, overrides=None):
    overrides = dict(SINGLE_OVERRIDES) if overrides is None else overrides
    (patient,) = patients_from_bundle(write(tmp_path / "bundle.json", bundle), overrides)
    return patient


def problems(tmp_path, bundle, overrides=None):
    overrides = dict(SINGLE_OVERRIDES) if overrides is None else overrides
    path = write(tmp_path / "bundle.json", bundle)
    with pytest.raises(InputError) as caught:
        patients_from_bundle(path, overrides)
    return [p.replace(str(path), "bundle.json") for p in caught.value.lines()]


def test_single_patient_maps_every_field_it_holds(tmp_path):
    patient = mapped(tmp_path, single())
    assert dict(patient.mapping) == {**SINGLE_AS_YAML, **SINGLE_OVERRIDES}
    assert patient.label == "Patient/p1"
    assert patient.reference == "Patient/p1"


# --- Patient -------------------------------------------------------------------------------


def test_name_prefers_usual_over_official_and_skips_old(tmp_path):
    bundle = single()
    resource(bundle, "Patient")["name"] = [
        {"use": "old", "given": ["Mary"], "family": "Oldname"},
        {"use": "official", "given": ["Maria", "Luisa"], "family": "Example"},
        {"use": "usual", "given": ["Malu"], "family": "Example"},
    ]
    assert mapped(tmp_path, bundle).mapping["name"] == "Malu Example"


def test_name_is_given_names_then_family(tmp_path):
    bundle = single()
    resource(bundle, "Patient")["name"] = [{"given": ["Nguyễn", "Thị"], "family": "Ánh Tuyết"}]
    assert mapped(tmp_path, bundle).mapping["name"] == "Nguyễn Thị Ánh Tuyết"


def test_a_partial_birth_date_is_not_a_dob(tmp_path):
    bundle = single()
    resource(bundle, "Patient")["birthDate"] = "1961-04"
    assert problems(tmp_path, bundle) == [
        "bundle.json: dob: Patient/p1.birthDate: gives no full date; give it in --patient "
        "overrides.yaml"
    ]


def test_mrn_is_the_mr_identifier_exactly(tmp_path):
    patient = mapped(tmp_path, single())
    assert patient.mapping["mrn"] == "0012345"  # not the INS- identifier listed first
    assert patient.provenance["mrn"].used.where == "Patient/p1.identifier[1]"


def test_no_mr_identifier_is_missing_not_guessed(tmp_path):
    bundle = single()
    resource(bundle, "Patient")["identifier"] = [{"system": "urn:x", "value": "123"}]
    assert problems(tmp_path, bundle) == [
        "bundle.json: mrn: not in the Bundle; give it in --patient overrides.yaml"
    ]


def test_two_different_mr_identifiers_are_refused(tmp_path):
    bundle = single()
    ids = resource(bundle, "Patient")["identifier"]
    ids.append({**ids[1], "value": "0099999"})
    assert problems(tmp_path, bundle) == [
        "bundle.json: mrn: Patient/p1.identifier[1]: the Patient has several different MR "
        "identifiers; give it in --patient overrides.yaml"
    ]


@pytest.mark.parametrize(("tag", "language"), [("es", "es"), ("es-MX", "es"), ("en-US", "en")])
def test_preferred_language(tmp_path, tag, language):
    bundle = single()
    comm = resource(bundle, "Patient")["communication"]
    comm[0]["language"]["coding"][0]["code"] = tag
    comm.insert(0, {"language": {"coding": [{"code": "fr"}]}})  # known, not preferred
    assert mapped(tmp_path, bundle).mapping["language"] == language


def test_a_language_without_content_is_refused(tmp_path):
    """The Bundle's language is taken as sent; the content search path decides whether the
    clinic has it (one source of truth), and the refusal names the field."""
    bundle = single()
    resource(bundle, "Patient")["communication"][0]["language"]["coding"][0]["code"] = "fr"
    mapping = mapped(tmp_path, bundle).mapping
    assert mapping["language"] == "fr"
    with pytest.raises(ContentError) as caught:
        compose_handout("discharge", {**mapping, "blood_thinner": "none"})
    [problem] = caught.value.problems
    assert (problem.field, problem.text) == ("language", "'fr' has no content; available: en, es")


def test_no_communication_leaves_the_default_language(tmp_path):
    bundle = single()
    del resource(bundle, "Patient")["communication"]
    assert "language" not in mapped(tmp_path, bundle).mapping


# --- Procedure -----------------------------------------------------------------------------


def test_performed_period_start_and_date_only(tmp_path):
    bundle = single()
    proc = resource(bundle, "Procedure")
    del proc["performedDateTime"]
    proc["performedPeriod"] = {"start": "2026-11-19T15:05:00-06:00"}
    patient = mapped(tmp_path, bundle)
    assert (patient.mapping["procedure_date"], patient.mapping["procedure_time"]) == (
        "2026-11-19",
        "15:05",
    )
    proc["performedPeriod"] = {"start": "2026-11-18"}
    patient = mapped(tmp_path, bundle)
    assert patient.mapping["procedure_date"] == "2026-11-18"
    assert "procedure_time" not in patient.mapping


def test_a_utc_time_is_not_taken_for_the_clinic_time(tmp_path):
    bundle = single()
    resource(bundle, "Procedure")["performedDateTime"] = "2026-11-20T14:30:00Z"
    reason = "Procedure/esi1.performedDateTime: is written in UTC, not the clinic's local time"
    assert problems(tmp_path, bundle) == [
        f"bundle.json: procedure_date: {reason}; give it in --patient overrides.yaml",
        f"bundle.json: procedure_time: {reason}; give it in --patient overrides.yaml",
    ]
    patient = mapped(
        tmp_path,
        bundle,
        {**SINGLE_OVERRIDES, "procedure_date": "2026-11-20", "procedure_time": "09:30"},
    )
    assert patient.provenance["procedure_time"].overridden.note.startswith("is written in UTC")


@pytest.mark.parametrize(
    ("code", "region"),
    [("122494005", "cervical"), ("122495006", "thoracic"), ("122496007", "lumbar")],
)
def test_body_site_gives_the_region(tmp_path, code, region):
    bundle = single()
    proc = resource(bundle, "Procedure")
    proc["bodySite"][0]["coding"][0]["code"] = code
    # 62321 is cervical or thoracic, 62323 lumbar or sacral: the code must allow the site.
    proc["code"]["coding"][0]["code"] = "62323" if region == "lumbar" else "62321"
    assert mapped(tmp_path, bundle).mapping["region"] == region


def test_an_unlisted_body_site_leaves_the_code_to_say(tmp_path):
    bundle = single()
    proc = resource(bundle, "Procedure")
    proc["bodySite"][0]["coding"][0]["code"] = "39607008"
    assert mapped(tmp_path, bundle).mapping["region"] == "lumbar"  # CPT 62323: lumbar/sacral
    proc["code"]["coding"][0]["code"] = "62321"
    assert problems(tmp_path, bundle) == [
        "bundle.json: region: Procedure/esi1.code: CPT 62321 covers cervical and thoracic; "
        "give it in --patient overrides.yaml"
    ]


@pytest.mark.parametrize(
    ("cpt", "approach"),
    [
        ("62320", "interlaminar"),
        ("62321", "interlaminar"),
        ("64479", "transforaminal"),
        ("64480", "transforaminal"),
        ("64483", "transforaminal"),
        ("64484", "transforaminal"),
    ],
)
def test_cpt_code_gives_the_approach(tmp_path, cpt, approach):
    bundle = single()
    proc = resource(bundle, "Procedure")
    del proc["extension"]
    proc["code"]["coding"][0]["code"] = cpt
    if cpt in ("62320", "62321", "64479", "64480"):  # cervical or thoracic codes
        proc["bodySite"][0]["coding"][0]["code"] = "122494005"
    assert mapped(tmp_path, bundle).mapping["approach"] == approach


def test_cpt_62323_alone_does_not_tell_interlaminar_from_caudal(tmp_path):
    bundle = single()
    del resource(bundle, "Procedure")["extension"]
    assert problems(tmp_path, bundle) == [
        "bundle.json: approach: Procedure/esi1.code: CPT 62323 covers interlaminar and caudal; "
        "give it in --patient overrides.yaml"
    ]


def test_approach_extension_says_caudal(tmp_path):
    bundle = single()
    resource(bundle, "Procedure")["extension"][0]["valueCode"] = "caudal"
    patient = mapped(tmp_path, bundle)
    assert patient.mapping["approach"] == "caudal"
    assert patient.provenance["approach"].used.where == (
        f"Procedure/esi1.extension[{EXT}esi-approach]"
    )


def test_extension_disagreeing_with_the_code_is_refused(tmp_path):
    bundle = single()
    proc = resource(bundle, "Procedure")
    proc["code"]["coding"][0]["code"] = "64483"
    proc["extension"][0]["valueCode"] = "caudal"
    (problem,) = problems(tmp_path, bundle)
    assert problem.endswith(
        "disagrees with the procedure code; give it in --patient overrides.yaml"
    )


def test_sedation_extension(tmp_path):
    bundle = single()
    resource(bundle, "Procedure")["extension"].append(
        {"url": EXT + "esi-sedation", "valueBoolean": True}
    )
    patient = mapped(tmp_path, bundle, {"blood_thinner": "none"})
    assert patient.mapping["sedation"] == "true"


def test_procedure_not_done_is_not_used(tmp_path):
    bundle = single()
    resource(bundle, "Procedure")["status"] = "not-done"
    assert [p.split(": ")[1] for p in problems(tmp_path, bundle)] == [
        "procedure_date",
        "approach",
        "region",
    ]


def test_non_esi_procedures_are_ignored_and_two_esis_refused(tmp_path):
    bundle = single()
    other = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": {"coding": [{"system": CPT, "code": "99152"}]},
        "subject": {"reference": "Patient/p1"},
        "performedDateTime": "2026-11-20",
    }
    add(bundle, other)
    assert mapped(tmp_path, bundle).mapping["procedure_time"] == "09:30"
    second = dict(resource(bundle, "Procedure"), id="esi1b")
    add(bundle, second)
    assert "several ESI Procedures" in problems(tmp_path, bundle)[0]


# --- Condition -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code", "clinical", "verification", "diabetic"),
    [
        (SCT, "73211009", "active", None, "true"),
        (SCT, "46635009", "relapse", "confirmed", "true"),
        (ICD10CM, "E11.9", "active", None, "true"),
        (ICD10CM, "E08.65", "recurrence", None, "true"),
        (SCT, "44054006", "resolved", None, "false"),
        (ICD10CM, "E10.9", "inactive", None, "false"),
        (SCT, "44054006", "active", "refuted", "false"),
    ],
)
def test_diabetes_condition(tmp_path, system, code, clinical, verification, diabetic):
    bundle = single()
    remove(bundle, "Condition")
    add(bundle, condition(system, code, clinical, verification))
    assert mapped(tmp_path, bundle).mapping["diabetic"] == diabetic


def test_one_active_diabetes_condition_wins_over_a_resolved_one(tmp_path):
    bundle = single()  # holds a resolved type 2 diabetes
    add(bundle, condition(ICD10CM, "E11.9", "active"))
    assert mapped(tmp_path, bundle).mapping["diabetic"] == "true"


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (None, "not in the Bundle"),
        (condition(SCT, "38341003", "active"), "not in the Bundle"),  # hypertension
        (condition(SCT, "73211009", "active", "entered-in-error"), "not in the Bundle"),
        (condition(SCT, "73211009", "active", "provisional"), "unconfirmed or has no clinical"),
        (condition(SCT, "73211009", None), "unconfirmed or has no clinical"),
    ],
)
def test_diabetes_not_settled(tmp_path, new, expected):
    bundle = single()
    remove(bundle, "Condition")
    if new:
        add(bundle, new)
    (problem,) = problems(tmp_path, bundle)
    assert problem.startswith("bundle.json: diabetic: ")
    assert expected in problem
    assert problem.endswith("give it in --patient overrides.yaml")


# --- MedicationStatement / MedicationRequest -----------------------------------------------


def test_active_anticoagulant_by_rxnorm_prints_its_name(tmp_path):
    bundle = single()
    add(bundle, medication_statement(RXNORM, "1364430", "Eliquis", display="apixaban"))
    patient = mapped(tmp_path, bundle, {"sedation": "false"})
    assert patient.mapping["blood_thinner"] == "Eliquis"


def test_antiplatelet_by_atc_uses_the_display(tmp_path):
    bundle = single()
    add(bundle, medication_statement(ATC, "B01AC04", display="clopidogrel"))
    patient = mapped(tmp_path, bundle, {"sedation": "false"})
    assert patient.mapping["blood_thinner"] == "clopidogrel"


def test_held_request_through_a_medication_resource(tmp_path):
    bundle = single()
    add(
        bundle,
        {
            "resourceType": "Medication",
            "id": "med1",
            "code": {"text": "Xarelto 20 mg tablet"},
            "ingredient": [
                {"itemCodeableConcept": {"coding": [{"system": RXNORM, "code": "1114195"}]}}
            ],
        },
    )
    add(
        bundle,
        {
            "resourceType": "MedicationRequest",
            "status": "on-hold",
            "intent": "order",
            "medicationReference": {"reference": "Medication/med1"},
            "subject": {"reference": "Patient/p1"},
        },
    )
    patient = mapped(tmp_path, bundle, {"sedation": "false"})
    assert patient.mapping["blood_thinner"] == "Xarelto 20 mg tablet"


def test_two_blood_thinners_are_both_named(tmp_path):
    bundle = single()
    add(bundle, medication_statement(RXNORM, "1364430", "Eliquis"))
    add(bundle, medication_statement(RXNORM, "32968", "Plavix"))
    add(bundle, medication_statement(RXNORM, "32968", "plavix"))  # same drug twice
    patient = mapped(tmp_path, bundle, {"sedation": "false"})
    assert patient.mapping["blood_thinner"] == "Eliquis; Plavix"


@pytest.mark.parametrize(
    "statement",
    [
        medication_statement(RXNORM, "6809", "metformin"),  # active, not a blood thinner
        medication_statement(RXNORM, "11289", "Coumadin", status="stopped"),
        medication_statement(RXNORM, "1191", "Aspirin"),  # ingredient code: use not known
    ],
)
def test_no_active_blood_thinner_does_not_settle_none(tmp_path, statement):
    bundle = single()
    add(bundle, statement)
    assert problems(tmp_path, bundle, {"sedation": "false"}) == [
        "bundle.json: blood_thinner: not in the Bundle; give it in --patient overrides.yaml"
    ]


# --- Overrides and provenance --------------------------------------------------------------


def test_overrides_win_and_provenance_keeps_both(tmp_path):
    bundle = single()
    overrides = {**SINGLE_OVERRIDES, "region": "thoracic"}
    patient = mapped(tmp_path, bundle, overrides)
    assert patient.mapping["region"] == "thoracic"
    record = provenance_record(patient)
    assert record["region"]["used"] == {
        "source": "overrides.yaml",
        "where": "",
        "value": "thoracic",
        "note": "",
    }
    assert record["region"]["overridden"]["value"] == "lumbar"
    assert record["region"]["overridden"]["where"] == "Procedure/esi1.bodySite"
    assert record["dob"]["used"]["where"] == "Patient/p1.birthDate"
    assert record["dob"]["overridden"] is None
    assert record["sedation"]["used"]["source"] == "overrides.yaml"


def test_overrides_file_is_checked_on_its_own(tmp_path):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("sedation: maybe\nfavourite_colour: blue\n")
    with pytest.raises(InputError) as caught:
        patients_from_bundle(FHIR_DIR / "single_patient.json", overrides)
    assert [p.split(": ", 2)[1:] for p in caught.value.lines()] == [
        ["sedation", "'maybe' is not one of true, false"],
        ["favourite_colour", caught.value.lines()[1].split(": ", 2)[2]],
    ]
    assert caught.value.lines()[1].startswith(f"{overrides}: favourite_colour: unknown field")


# --- Several patients ----------------------------------------------------------------------


def test_a_bundle_of_several_patients_gives_one_mapping_each(tmp_path):
    with pytest.raises(InputError) as caught:
        patients_from_bundle(FHIR_DIR / "clinic_day.json")
    source = f"{FHIR_DIR / 'clinic_day.json'}: Patient/p1"
    hint = "give it in --patient overrides.yaml (for this patient only: under Patient/p1:)"
    assert caught.value.lines() == [
        f"{source}: sedation: not in the Bundle; {hint}",
        f"{source}: blood_thinner: not in the Bundle; {hint}",
    ]
    p1, p2, p3 = patients_from_bundle(
        FHIR_DIR / "clinic_day.json", {"sedation": "false", "blood_thinner": "none"}
    )
    assert [p.label for p in (p1, p2, p3)] == ["Patient/p1", "Patient/p2", "Patient/p3"]
    assert dict(p2.mapping) == {
        "name": "José Luis Núñez",
        "dob": "1958-02-03",
        "mrn": "0099876",
        "procedure_date": "2026-11-20",
        "procedure_time": "13:15",
        "approach": "transforaminal",
        "region": "lumbar",
        "diabetic": "true",
        "sedation": "false",  # the overrides file wins over the Bundle's extension (true)
        "blood_thinner": "none",  # ... and over the Bundle's Eliquis
        "language": "en",
    }
    assert p2.provenance["sedation"].overridden.value == "true"
    assert p2.provenance["blood_thinner"].overridden.value == "Eliquis"
    assert p3.mapping["region"] == "cervical"
    assert p3.mapping["procedure_time"] == "10:45"  # from performedPeriod.start


def test_each_patient_gets_only_its_own_resources():
    overrides = {"blood_thinner": "none", "sedation": "false"}
    patients = patients_from_bundle(FHIR_DIR / "clinic_day.json", overrides)
    assert [p.mapping["diabetic"] for p in patients] == ["false", "true", "true"]
    assert [p.provenance["diabetic"].used.where for p in patients] == [
        "Condition/dm1",
        "Condition/dm2.clinicalStatus",
        "Condition/dm3.clinicalStatus",
    ]


def test_without_overrides_the_bundle_values_are_used():
    bundle_path = FHIR_DIR / "clinic_day.json"
    with pytest.raises(InputError):
        patients_from_bundle(bundle_path)
    overrides = {"sedation": "false", "blood_thinner": "none"}
    p2 = patients_from_bundle(bundle_path, overrides)[1]
    assert p2.mapping["approach"] == "transforaminal"


def test_a_patient_section_of_the_overrides_file_wins_for_that_patient(tmp_path):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        "sedation: false\nblood_thinner: none\nPatient/p2:\n  sedation: true\n"
        "  blood_thinner: Eliquis 5 mg\n"
    )
    p1, p2, _ = patients_from_bundle(FHIR_DIR / "clinic_day.json", overrides)
    assert (p1.mapping["sedation"], p2.mapping["sedation"]) == ("false", "true")
    assert p2.mapping["blood_thinner"] == "Eliquis 5 mg"
    assert p2.provenance["sedation"].used == Origin(str(overrides), "Patient/p2", "true")
    assert p1.provenance["sedation"].used == Origin(str(overrides), "", "false")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Patient/p9:\n  sedation: true\n", "Patient/p9: no such Patient in"),
        ("Patient/p2: true\n", "Patient/p2: must be a mapping of field: value lines"),
        ("Patient/p2:\n  sedation: maybe\n", "Patient/p2.sedation: 'maybe' is not one of"),
    ],
)
def test_bad_patient_sections(tmp_path, text, problem):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(text)
    with pytest.raises(InputError) as caught:
        patients_from_bundle(FHIR_DIR / "clinic_day.json", overrides)
    assert caught.value.lines()[0].startswith(f"{overrides}: {problem}")
