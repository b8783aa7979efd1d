"""The pre-procedure letter, the patient guide, and the tools on the discharge sheet."""

from __future__ import annotations

from datetime import date

import pytest

from esi_docs.api import render_handout
from esi_docs.content.document import Table
from esi_docs.errors import EsiDocsError, InputError
from esi_docs.inputs.clinic import parse_clinic
from esi_docs.inputs.patient import parse_patient
from tests.conftest import LETTER_DAY, TYPICAL, pdf_pages, pdf_text, write_yaml


def letter(clinic=None, language=None, **changes) -> str:
    """The letter's text, printed two weeks before the typical procedure."""
    day = date.fromisoformat(LETTER_DAY)
    return pdf_text(
        render_handout("pre-procedure", TYPICAL | changes, clinic, language=language, today=day).pdf
    )


def clinic(**protocol) -> object:
    return parse_clinic({"protocol": {k: str(v) for k, v in protocol.items()}}, "clinic.yaml")


# --- the pre-procedure letter -------------------------------------------------------------


def test_letter_gives_the_date_and_arrival_time_in_words():
    text = letter(procedure_time="09:30", arrival_time="08:45")
    assert "Your injection is on Friday, November 20 at 9:30 AM." in text
    assert "Please arrive at 8:45 AM." in text


def test_arrival_time_comes_from_the_clinic_minutes_when_not_given():
    text = letter(clinic(arrive_minutes_early=45), procedure_time="09:30")
    assert "Please arrive at 8:45 AM." in text


def test_without_any_time_the_letter_states_the_minutes_early():
    text = letter(clinic(arrive_minutes_early=45))
    assert "Your injection is on Friday, November 20." in text
    assert "Please arrive 45 minutes before your appointment time." in text


def test_arrival_after_the_procedure_time_is_refused():
    with pytest.raises(InputError) as caught:
        parse_patient(TYPICAL | {"procedure_time": "09:00", "arrival_time": "10:00"}, "p.yaml")
    assert "p.yaml: arrival_time: is after the procedure_time" in caught.value.lines()


def test_fasting_hours_from_the_clinic_reach_the_letter():
    assert "Do not eat for 2 hours before your injection." in letter()
    changed = letter(clinic(fasting_hours=4))
    assert "Do not eat for 4 hours before your injection." in changed
    assert "Do not eat for 2 hours" not in changed
    assert "You may eat a light meal before you come." in letter(clinic(fasting_hours=0))


def test_sedation_fasts_longer_with_the_last_meal_as_a_date_and_time():
    text = letter(clinic(sedation_fasting_hours=6), sedation="true", procedure_time="09:30")
    assert "you must not eat for 6 hours before your injection" in text
    assert "Your last meal must be before Friday, November 20 at 3:30 AM." in text
    assert "An adult must stay with you for 24 hours" in text
    # 24 hours from when the patient leaves: 9:30 plus the clinic's 30 + 40 minutes
    assert "Do not drink alcohol until Saturday, November 21 at 10:40 AM." in text


def test_clear_liquids_only_when_the_fast_is_longer():
    assert "clear liquids" in letter(sedation="true")
    assert "clear liquids" not in letter(clinic(fasting_hours=2, clear_liquids_hours=2))


@pytest.mark.parametrize(
    ("required", "sedation", "wording"),
    [
        ("true", "false", "You must bring an adult to drive you home."),
        ("false", "true", "You must bring an adult to drive you home."),
        ("false", "false", "Please bring an adult to drive you home."),
    ],
)
def test_driver_rule_is_the_clinics_and_always_firm_with_sedation(required, sedation, wording):
    assert wording in letter(clinic(driver_required=required), sedation=sedation)


def test_blood_thinner_in_the_hold_table_gets_days_real_dates_and_the_prescriber_rule():
    text = letter(blood_thinner="ELIQUIS")  # matched without regard to capitals
    # procedure Friday, November 20; 3 days: no dose on the 17th, 18th and 19th
    assert "ELIQUIS: take your last dose on Monday, November 16." in text
    assert "Do not take it from Tuesday, November 17 until after your injection." in text
    assert "The doctor who prescribes it must agree first." in text


def test_the_clinics_own_hold_days_are_used():
    own = parse_clinic(
        {"blood_thinner_hold": [{"drug": "apixaban", "names": ["Eliquis"], "days": "2"}]}, "c"
    )
    text = letter(own, blood_thinner="apixaban")
    assert "apixaban: take your last dose on Tuesday, November 17." in text
    assert "Do not take it from Wednesday, November 18" in text


def test_a_drug_not_in_the_hold_table_never_gets_a_number_of_days():
    text = letter(blood_thinner="Zontivity")
    assert "Keep taking Zontivity for now. We will call you to tell you what to do" in text
    # the clinic's unlisted_blood_thinner_call_days (7) before Friday, November 20
    assert "If we have not called you by Friday, November 13, call us at (555) 010-0100." in text
    assert "last dose" not in text
    assert "Do not take it" not in text
    assert "The doctor who prescribes it must agree first." not in text  # nothing says stop


def test_no_blood_thinner_no_section():
    text = letter()
    assert "blood thinner" not in text.lower().replace("thins the blood", "")


@pytest.mark.parametrize(
    ("hold", "message"),
    [
        ([{"drug": "warfarin", "days": "forty"}], "c: blood_thinner_hold[0].days: 'forty' is"),
        ([{"drug": "", "days": "5"}], "c: blood_thinner_hold[0].drug: required, and it is blank"),
        (
            [{"drug": "warfarin", "days": "5", "hours": "1"}],
            "c: blood_thinner_hold[0].hours: unknown key; allowed are drug, names, days",
        ),
        (
            [{"drug": "a", "days": "1"}, {"drug": "b", "names": ["A"], "days": "2"}],
            "c: blood_thinner_hold[1]: 'A' is listed under two drugs",
        ),
        ("warfarin", "c: blood_thinner_hold: must be a list of entries"),
    ],
)
def test_bad_hold_table(hold, message):
    with pytest.raises(EsiDocsError) as caught:
        parse_clinic({"blood_thinner_hold": hold}, "c")
    assert any(p.startswith(message) for p in caught.value.lines()), caught.value.lines()


def test_bad_flag_in_the_protocol_is_refused():
    with pytest.raises(EsiDocsError) as caught:
        parse_clinic({"protocol": {"driver_required": "sometimes"}}, "c")
    assert caught.value.lines() == [
        "c: protocol.driver_required: 'sometimes' is not one of true, false"
    ]


@pytest.mark.parametrize(
    ("dose", "wording"),
    [
        ("half", "On the morning of your injection, take half of your usual dose."),
        ("three_quarters", "On the morning of your injection, take three quarters of your"),
        ("usual", "On the morning of your injection, take your usual dose."),
        ("none", "in the morning? Do not take it on the morning of your injection."),
    ],
)
def test_insulin_advice_is_the_clinics(dose, wording):
    """In words, never a percent (issue 12); more in tests/test_diabetes_rules.py."""
    text = letter(clinic(diabetes_morning_long_acting_insulin=dose), diabetic="true")
    assert wording in text
    assert "%" not in text
    assert "Bring your meter, and a snack to eat after the injection." in text


def test_diabetes_pill_rule_follows_the_clinic_flag():
    held = letter(diabetic="true")
    taken = letter(clinic(diabetes_hold_morning_pills="false"), diabetic="true")
    assert "Do not take your diabetes pills on the morning of your injection." in held
    assert "Take your diabetes pills as usual on the morning of your injection" in taken
    assert "diabetes pills" not in letter()


def test_letter_covers_how_it_goes_and_what_to_tell_us():
    text = letter()
    for phrase in (
        "live X-ray",
        "A little dye",
        "The shot takes about 30 minutes.",  # the clinic's procedure_minutes
        "we watch you for about 40 minutes",  # and observation_minutes
        "You are pregnant, or you might be.",
        "allergic to X-ray dye, iodine",
        "antibiotics",
        "small sip of water",
        "What to bring",
    ):
        assert phrase in text


def test_letter_in_spanish():
    text = letter(language="es", procedure_time="09:30", blood_thinner="Xarelto")
    assert "Cómo prepararse para su inyección epidural de esteroides" in text
    assert "Su inyección es el viernes, 20 de noviembre, a las 9:30 a. m. " in text
    assert "Xarelto: tome la última dosis el lunes, 16 de noviembre." in text
    assert "Página 1 de" in text


# --- the guide ---------------------------------------------------------------------------


def test_guide_needs_no_patient_and_shows_the_clinic_only(run_cli, tmp_path):
    out = tmp_path / "g.pdf"
    result = run_cli("render", "guide", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    pages = pdf_pages(out.read_bytes())
    for number, page in enumerate(pages, start=1):
        assert "Example Spine & Pain Clinic" in page
        assert f"Page {number} of {len(pages)}" in page
        assert "Patient:" not in page and "MRN" not in page
    text = " ".join(pages)
    for phrase in (
        "What is an epidural steroid injection?",
        "Interlaminar:",
        "Transforaminal:",
        "Caudal:",
        "Sciatica",
        "2 to 7 days",
        "a few weeks to a few months",
        "physical therapy",
        "no more than 4 shots a year",
        "Rare but serious risks",
        "Questions to ask your doctor",
    ):
        assert phrase in text


def test_guide_uses_the_clinic_limit_and_prints_in_spanish():
    text = pdf_text(render_handout("guide", None, clinic(injections_per_year=3)).pdf)
    assert "no more than 3 shots a year" in text
    spanish = pdf_text(render_handout("guide", None, language="es").pdf)
    assert "Inyecciones epidurales de esteroides: guía para pacientes" in spanish
    assert "no recibe más de 4 inyecciones al año" in spanish


def test_guide_ignores_a_patient_file_it_does_not_need(run_cli, tmp_path, typical):
    patient = write_yaml(tmp_path / "p.yaml", typical)
    out = tmp_path / "g.pdf"
    result = run_cli("render", "guide", "--patient", str(patient), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Epidural steroid injections: a guide for patients" in pdf_text(out.read_bytes())


def test_patient_handouts_still_need_a_patient(run_cli, tmp_path):
    result = run_cli("render", "pre-procedure", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "handout 'pre-procedure' is for one patient: give --patient" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


# --- tools on the discharge sheet ---------------------------------------------------------


def test_glucose_log_has_one_row_per_real_date_and_the_call_level():
    doc = render_handout(
        "discharge", TYPICAL | {"diabetic": "true"}, clinic(glucose_call_mg_dl=250)
    )
    tables = [b for s in doc.document.sections for b in s.blocks if isinstance(b, Table)]
    table = next(t for t in tables if str(t.columns[0]) == "Date")
    assert [str(c) for c in table.columns] == ["Date", "Morning", "Midday", "Evening", "Bedtime"]
    # procedure Friday, November 20, glucose_check_days 5: the 20th through the 25th
    assert [str(row[0]) for row in table.rows] == [
        "Friday, November 20",
        "Saturday, November 21",
        "Sunday, November 22",
        "Monday, November 23",
        "Tuesday, November 24",
        "Wednesday, November 25",
    ]
    text = pdf_text(doc.pdf)
    assert "Call if it is over 250 mg/dL two times in a row." in text
    assert text.index("250 mg/dL two times") < text.index("Wednesday, November 25 ")


def test_pain_diary_has_timed_points_real_dates_and_the_follow_up():
    text = pdf_text(
        render_handout(
            "discharge", TYPICAL | {"procedure_time": "09:30", "follow_up": "2026-12-04"}
        ).pdf
    )
    assert "Bring this page to your follow-up visit on Friday, December 4." in text
    for point in ("Before Nov 20", "30 min 10:00 AM", "2 hours 11:30 AM", "6 hours 3:30 PM"):
        assert point in text
    for point in ("Day 1 Nov 21", "Day 3 Nov 23", "Day 7 Nov 27", "Day 14 Dec 4"):
        assert point in text
    assert "Write your pain in each box: 0 is no pain, 10 is the worst." in text


def test_pain_diary_runs_down_the_page_in_large_print():
    text = pdf_text(render_handout("discharge", TYPICAL, large_print=True).pdf)
    assert "When Date or time Pain (0-10)" in text
    assert "Before the shot Nov 20" in text and "Day 14 Dec 4" in text


def test_pain_diary_without_a_follow_up_or_time_stays_true():
    text = pdf_text(render_handout("discharge", TYPICAL).pdf)
    assert "Bring this page to your next visit." in text
    assert "10:00 AM" not in text


def test_summary_box_stays_at_the_top():
    text = pdf_text(render_handout("discharge", TYPICAL).pdf)
    assert text.index("The 3 most important things") < text.index("What was done today")


EXAMPLE_EXTRAS = {
    "procedure_time": "09:30",
    "follow_up": "2026-12-04",
    "physician": "Dr. A. Rivera",
    "level": "L5-S1",
}


@pytest.mark.parametrize("extras", [{}, EXAMPLE_EXTRAS])
@pytest.mark.parametrize("region", ["thoracic", "lumbar"])
@pytest.mark.parametrize("approach", ["interlaminar", "transforaminal"])
def test_typical_sheet_with_the_new_tools_still_fits_three_letter_pages(approach, region, extras):
    """At most three pages (the red flags by region, the dated rules and the DRAFT band take
    room); the signature takes the block before it along and never stands alone on a page."""
    level = {"level": "T7-T8"} if region == "thoracic" and extras else {}
    patient = TYPICAL | {"approach": approach, "region": region} | extras | level
    pages = pdf_pages(render_handout("discharge", patient).pdf)
    assert 2 <= len(pages) <= 3
    assert "Call 911 or go to the emergency room" in pages[-1]
    assert "Patient signature" in pages[-1]


def test_statement_and_signature_lines_share_a_page_in_large_print():
    pages = pdf_pages(render_handout("discharge", TYPICAL, large_print=True, language="es").pdf)
    signed = [p for p in pages if "Su firma" in p]
    assert len(signed) == 1
    assert "Recibí estas instrucciones." in signed[0]


def test_every_protocol_value_is_documented_in_the_readme():
    """The clinic profile's reference page (docs/clinic-profile.md, moved from the README), or
    docs/protocol-values.md where new values are documented with their source."""
    from pathlib import Path

    from esi_docs.inputs.clinic import PROTOCOL_RULES

    docs = Path(__file__).resolve().parents[1] / "docs"
    pages = [docs / n for n in ("clinic-profile.md", "patient-file.md", "protocol-values.md")]
    readme = "\n".join(p.read_text(encoding="utf-8") for p in pages if p.exists())
    assert [key for key in PROTOCOL_RULES if key not in readme] == []
    assert "blood_thinner_hold" in readme and "arrival_time" in readme
