"""Issue 12: what a nurse educator would refuse to sign, each checked on the sheet or the refusal.

Blood thinners (several, which were held, restart only for a held one, stop dates that have
passed), impossible procedures, options that change "what was done", and timed rules that
count from when the patient left.
"""

from __future__ import annotations

from datetime import date

import pytest

from esi_docs.api import compose_handout
from esi_docs.content.document import plain
from esi_docs.errors import InputError
from esi_docs.inputs.patient import parse_patient
from esi_docs.records.audit import AuditLog
from tests.conftest import LETTER_DAY, TYPICAL, pdf_text, write_yaml

LETTER = date.fromisoformat(LETTER_DAY)


def text_of(handout: str, today: date | None = None, language: str | None = None, **changes) -> str:
    """The composed sheet's words, as a patient reads them (no PDF needed for wording)."""
    document = compose_handout(handout, TYPICAL | changes, language=language, today=today)
    parts = []
    for section in document.sections:
        parts.append(plain(section.title or ""))
        for block in section.blocks:
            for piece in (getattr(block, "title", ""), getattr(block, "text", "")):
                parts.append(plain(piece or ""))
            parts += [plain(item) for item in getattr(block, "items", ())]
    return " ".join(" ".join(parts).split())


def refusal(**changes) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_patient(TYPICAL | changes, "p.yaml")
    return caught.value


# --- blood thinners: names --------------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "No", "true", "unknown", "n/a", "12345", "none; Plavix"])
def test_a_value_that_is_not_a_medicines_name_is_refused(value):
    [problem] = refusal(blood_thinner=value).problems
    assert problem.field == "blood_thinner"
    assert "write the medicine's name, or none" in problem.text


def test_several_blood_thinners_from_a_list_or_a_roster_cell():
    listed = parse_patient(TYPICAL | {"blood_thinner": ["aspirin", "Plavix"]}, "p")
    cell = parse_patient(TYPICAL | {"blood_thinner": "aspirin; Plavix"}, "p")
    assert listed.blood_thinner == cell.blood_thinner == ("aspirin", "Plavix")
    assert listed.to_mapping()["blood_thinner"] == ["aspirin", "Plavix"]


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        ("all", ("aspirin", "Plavix")),
        ("none", ()),
        ("plavix", ("Plavix",)),
        (["PLAVIX"], ("Plavix",)),
    ],
)
def test_held_names_all_none_or_which_ones_spelt_as_written(held, expected):
    patient = TYPICAL | {"blood_thinner": "aspirin; Plavix", "blood_thinner_held": held}
    assert parse_patient(patient, "p").blood_thinner_held == expected


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"blood_thinner": "Plavix", "blood_thinner_held": "Eliquis"}, "is not in blood_thinner"),
        ({"blood_thinner": "none", "blood_thinner_held": "all"}, "blood_thinner is none"),
    ],
)
def test_held_must_name_the_patients_own_blood_thinners(changes, words):
    [problem] = refusal(**changes).problems
    assert problem.field == "blood_thinner_held" and words in problem.text


def test_discharge_refuses_a_blood_thinner_without_saying_whether_it_was_held(
    run_cli, tmp_path, private_audit_db
):
    patient = write_yaml(tmp_path / "p.yaml", TYPICAL | {"blood_thinner": "Plavix"})
    out = tmp_path / "s.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {tmp_path / 'p.yaml'}: blood_thinner_held: required when "
        "blood_thinner names a medicine: write all, none, or the names of those stopped for "
        "this procedure\n"
    )
    assert not out.exists()
    assert AuditLog(private_audit_db)._select("", ()) == []


# --- blood thinners: the discharge sheet --------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_only_a_held_blood_thinner_gets_a_restart_day(language):
    text = text_of(
        "discharge",
        language=language,
        blood_thinner="Plavix; aspirin",
        blood_thinner_held="Plavix",
        procedure_time="09:30",
    )
    restart, keep = {
        "en": (
            "You stopped Plavix for your injection. Start taking it again on Saturday, "
            "November 21 at 10:40 AM.",
            "You did not stop aspirin. Keep taking it as usual.",
        ),
        "es": (
            "Usted dejó de tomar Plavix para su inyección. Vuelva a tomarlo el sábado, "
            "21 de noviembre, a las 10:40 a. m.",
            "Usted no dejó de tomar aspirin. Siga tomándolo como siempre.",
        ),
    }[language]
    assert restart in text and keep in text


def test_a_blood_thinner_that_was_not_stopped_is_never_told_to_restart():
    text = text_of("discharge", blood_thinner="aspirin", blood_thinner_held="none")
    assert "You did not stop aspirin. Keep taking it as usual." in text
    for word in ("restart", "start taking it again", "Start taking it again", "You stopped"):
        assert word not in text


def test_a_held_blood_thinner_uses_the_clinics_own_restart_hours():
    from esi_docs.inputs.clinic import parse_clinic

    clinic = parse_clinic(
        {"blood_thinner_hold": [{"drug": "clopidogrel", "names": ["Plavix"], "days": "7",
                                 "restart_hours": "48"}]},
        "clinic.yaml",
    )  # fmt: skip
    patient = TYPICAL | {"blood_thinner": "Plavix", "blood_thinner_held": "all"}
    document = compose_handout("discharge", patient | {"discharge_time": "11:00"}, clinic)
    words = " ".join(
        plain(b.text) for s in document.sections for b in s.blocks if getattr(b, "text", None)
    )
    assert "Start taking it again on Sunday, November 22 at 11:00 AM." in words


# --- blood thinners: the letter -------------------------------------------------------------


def test_letter_whose_last_dose_day_has_passed_is_refused_with_no_file_and_no_record(
    run_cli, tmp_path, monkeypatch, private_audit_db
):
    """Printed December 1 for a December 3 injection: Plavix's last dose was November 25."""
    monkeypatch.setenv("ESI_DOCS_TODAY", "2026-12-01")
    patient = TYPICAL | {"procedure_date": "2026-12-03", "blood_thinner": "Plavix"}
    out = tmp_path / "letter.pdf"
    result = run_cli("render", "pre-procedure", "--patient",
                     str(write_yaml(tmp_path / "p.yaml", patient)), "-o", str(out))  # fmt: skip
    assert result.exit_code == 2
    assert (
        "blood_thinner: Plavix must be stopped 7 days before: the last dose is Wednesday, "
        "November 25, which has passed; call the patient instead"
    ) in result.stderr
    assert not out.exists()
    assert AuditLog(private_audit_db)._select("", ()) == []


def test_letter_for_a_procedure_in_the_past_is_refused(run_cli, tmp_path):
    patient = write_yaml(tmp_path / "p.yaml", TYPICAL | {"procedure_date": "2026-11-19"})
    result = run_cli(
        "render", "pre-procedure", "--patient", str(patient), "-o", str(tmp_path / "l.pdf")
    )
    assert result.exit_code == 2
    assert "procedure_date: 2026-11-19 is in the past" in result.stderr


def test_reprint_of_an_old_letter_is_never_refused_for_dates_that_have_passed_since(
    run_cli, tmp_path, monkeypatch, private_audit_db
):
    monkeypatch.setenv("ESI_DOCS_TODAY", LETTER_DAY)
    patient = write_yaml(tmp_path / "p.yaml", TYPICAL | {"blood_thinner": "Plavix"})
    first = tmp_path / "first.pdf"
    assert (
        run_cli("render", "pre-procedure", "--patient", str(patient), "-o", str(first)).exit_code
        == 0
    )
    [record] = AuditLog(private_audit_db)._select("", ())
    monkeypatch.setenv("ESI_DOCS_TODAY", "2026-12-24")  # every date on it has passed
    again = tmp_path / "again.pdf"
    result = run_cli("reprint", str(record.id), "-o", str(again))
    assert result.exit_code == 0, result.stderr
    assert again.read_bytes() == first.read_bytes()


def test_batch_reports_the_row_whose_stop_date_has_passed(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ESI_DOCS_TODAY", "2026-11-15")
    roster = tmp_path / "day.csv"
    header = "mrn,name,dob,procedure_date,approach,region,diabetic,sedation,blood_thinner"
    roster.write_text(
        f"{header}\n"
        "0000001,Ann One,1960-01-01,2026-11-20,interlaminar,lumbar,false,false,none\n"
        "0000002,Bob Two,1960-01-01,2026-11-20,interlaminar,lumbar,false,false,Plavix\n",
        encoding="utf-8",
    )
    result = run_cli("batch", "pre-procedure", "--roster", str(roster), "--out-dir",
                     str(tmp_path / "out"), "--continue-on-error")  # fmt: skip
    assert result.exit_code == 1
    assert "row 3" in result.stderr and "call the patient instead" in result.stderr
    assert "Bob Two" not in result.stderr  # the row is named by its number, not the patient
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 1


def test_letter_prints_the_clinics_rule_for_each_kind_of_medicine():
    text = text_of(
        "pre-procedure", LETTER, blood_thinner="Coumadin; aspirin; Advil; Zontivity; fish oil"
    )
    # warfarin: 5 days, INR on the day (the packaged table)
    assert "Coumadin: take your last dose on Saturday, November 14." in text
    assert "We will check your blood with a test called INR on the day of your injection" in text
    # days 0: keep taking it
    assert "Keep taking aspirin as usual. You do not need to stop it for this injection." in text
    assert "Keep taking fish oil as usual." in text
    # over the counter: ask us, not a prescriber
    assert "Advil: take your last dose on Wednesday, November 18." in text
    assert "Not sure if you should stop Advil? Call us at (555) 010-0100." in text
    # not in the table: one coherent message, a call-by day, nothing that says stop
    assert "Keep taking Zontivity for now. We will call you" in text
    assert "If we have not called you by Friday, November 13" in text
    assert "Zontivity: take your last dose" not in text
    # the prescriber box is there for the prescription drug to stop (Coumadin)
    assert "The doctor who prescribes it must agree first." in text


def test_no_prescriber_box_when_nothing_prescribed_is_stopped():
    text = text_of("pre-procedure", LETTER, blood_thinner="aspirin; Advil")
    assert "The doctor who prescribes it must agree first." not in text
    assert "Before you stop" not in text


def test_letter_in_spanish_keeps_the_rules_and_calls_it_a_medicine_that_thins_the_blood():
    text = text_of("pre-procedure", LETTER, language="es", blood_thinner="Plavix; aspirin")
    assert "Su medicina para diluir la sangre" in text
    assert "Plavix: tome la última dosis el jueves, 12 de noviembre." in text
    assert "Siga tomando aspirin como siempre." in text
    assert "anticoagulante" not in text  # it names antiplatelets too


# --- impossible procedures ----------------------------------------------------------------


def test_caudal_outside_the_low_back_is_refused_naming_approach_and_region():
    problems = refusal(approach="caudal", region="cervical").problems
    assert {p.field for p in problems} == {"approach", "region"}
    assert all(p.code == "contradiction" for p in problems)


@pytest.mark.parametrize(
    ("region", "level"), [("cervical", "L4-L5"), ("lumbar", "C5-C6"), ("thoracic", "L5-S1")]
)
def test_a_level_outside_its_region_is_refused_naming_level(region, level):
    [problem] = refusal(region=region, level=level).problems
    assert problem.field == "level"
    assert f"'{level}' is not a {region} level; allowed are" in problem.text


def test_the_cli_refuses_an_impossible_procedure_with_one_line_per_field(run_cli, tmp_path):
    patient = write_yaml(
        tmp_path / "p.yaml", TYPICAL | {"approach": "caudal", "region": "cervical"}
    )
    out = tmp_path / "s.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(out))
    assert result.exit_code == 2 and not out.exists()
    lines = result.stderr.splitlines()
    assert any(": approach: caudal is only used in the low back" in line for line in lines)
    assert any(": region: cervical does not go with approach caudal" in line for line in lines)


@pytest.mark.parametrize("language", ["en", "es"])
def test_several_levels_read_as_levels(language):
    text = text_of("discharge", language=language, level="l4-l5, L5–S1")
    expected = {"en": "It was done at these levels: L4-L5, L5-S1.",
                "es": "Se hizo en estos niveles: L4-L5, L5-S1."}[language]  # fmt: skip
    assert expected in text


def test_both_sides_read_right():
    assert "It was done on both sides." in text_of("discharge", side="both")
    assert "Se hizo en los dos lados." in text_of("discharge", language="es", side="both")


# --- what was done --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_dye_and_steroid_only_change_what_was_done(language):
    usual = text_of("discharge", language=language)
    changed = text_of("discharge", language=language, contrast="false", local_anesthetic="false")
    dye, numbing, no_dye = {
        "en": ("X-ray pictures and a dye", "a steroid and a numbing medicine", "No dye was used."),
        "es": (
            "rayos X y un tinte",
            "un esteroide y una medicina para adormecer",
            "No se usó tinte.",
        ),
    }[language]
    assert dye in usual and numbing in usual and no_dye not in usual
    assert dye not in changed and numbing not in changed and no_dye in changed


def test_cervical_transforaminal_letter_says_lie_on_your_back():
    text = text_of("pre-procedure", approach="transforaminal", region="cervical")
    assert "You will lie on your back" in text
    assert "face down" not in text
    assert "face down" in text_of("pre-procedure", approach="interlaminar", region="cervical")


# --- the time basis -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        (
            {"procedure_time": "09:30", "discharge_time": "13:05"},
            "Do not drive until Saturday, November 21 at 1:05 PM.",
        ),
        ({"procedure_time": "09:30"}, "Do not drive until Saturday, November 21 at 10:40 AM."),
        ({}, "Do not drive until Saturday, November 21, at the time of day you left the clinic."),
    ],
    ids=["discharge-time", "procedure-time", "whole-days"],
)
def test_timed_rules_count_from_when_the_patient_left(times, expected):
    text = text_of("discharge", **times)
    assert expected in text
    assert "drive through" not in text and "drive until" not in text.replace(expected, "")


def test_a_discharge_time_before_the_procedure_time_is_refused():
    [problem] = refusal(procedure_time="09:30", discharge_time="09:00").problems
    assert problem.field == "discharge_time" and problem.code == "contradiction"


def test_pdf_carries_the_held_and_kept_wording(typical):
    """The wording reaches the printed page, not only the Document."""
    from esi_docs.api import render_handout

    patient = typical | {"blood_thinner": "Eliquis; aspirin", "blood_thinner_held": "Eliquis"}
    text = pdf_text(render_handout("discharge", patient).pdf)
    assert "You stopped Eliquis for your injection." in text
    assert "You did not stop aspirin. Keep taking it as usual." in text


def test_nothing_else_on_the_sheet_contradicts_a_restart_or_a_stop():
    held = text_of("discharge", blood_thinner="Plavix", blood_thinner_held="all")
    assert "Keep taking your usual medicines" not in held
    assert "Keep taking your other usual medicines" in held
    kept = text_of("discharge", blood_thinner="aspirin", blood_thinner_held="none")
    assert "Keep taking your usual medicines, unless your doctor tells you not to." in kept
    letter = text_of("pre-procedure", LETTER, blood_thinner="Plavix")
    assert "Take your usual medicines with a small sip of water" not in letter
    assert "Do not take the ones this letter tells you to stop." in letter


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_steroid_only_injection_never_blames_the_numbing_medicine(language):
    words = {"en": "The numbing medicine may make", "es": "La medicina para adormecer puede"}
    assert words[language] in text_of("discharge", language=language)
    assert words[language] not in text_of("discharge", language=language, local_anesthetic="false")
