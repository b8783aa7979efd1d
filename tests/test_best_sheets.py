"""What the best sheets carry (issue 13): each item, from the clinic's values, in en and es.

Assertions on the Document text (the PDF adds nothing to wording); every clinic value is
changed once to show the sheet prints the clinic's number, not one written into the wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from esi_docs.api import compose_handout
from esi_docs.content.document import document_text
from esi_docs.errors import InputError
from esi_docs.inputs.clinic import load_clinic, parse_clinic
from tests.conftest import TYPICAL

LETTER = TYPICAL | {"procedure_date": "2026-12-20"}  # a letter is for a procedure to come


def clinic(**protocol: object) -> object:
    return parse_clinic({"protocol": {k: str(v) for k, v in protocol.items()}}, "clinic.yaml")


def text(handout: str = "discharge", patient=TYPICAL, clinic_profile=None, **kw) -> str:
    found = document_text(compose_handout(handout, patient, clinic_profile, **kw))
    return " ".join(found.split())


# --- the discharge sheet --------------------------------------------------------------------


def test_eating_and_drinking_with_light_food_first_after_sedation():
    assert "Eating and drinking: eat and drink as usual." in text()
    assert "Start with something light" not in text()
    assert "Start with something light, like soup or toast." in text(
        patient=TYPICAL | {"sedation": "true"}
    )
    assert "Comer y beber: coma y beba como siempre." in text(language="es")


def test_pain_medicine_follows_the_clinic_rule():
    default = text()
    assert "for soreness, you may take acetaminophen (Tylenol), as the label says." in default
    assert (
        "Do not take ibuprofen (Advil, Motrin) or naproxen (Aleve) for it until "
        "Saturday, November 21, at the time of day you left the clinic." in default
    )
    allowed = text(clinic_profile=clinic(nsaid_wait_hours=0, acetaminophen_ok="false"))
    assert "ask us what you may take for soreness." in allowed
    assert "You may take ibuprofen (Advil, Motrin) or naproxen (Aleve) for it" in allowed
    assert "Tylenol" not in allowed and "Do not take ibuprofen" not in allowed
    spanish = text(language="es")
    assert "puede tomar acetaminofén (Tylenol)" in spanish
    assert "No tome ibuprofeno (Advil, Motrin) ni naproxeno (Aleve)" in spanish


def test_a_blood_thinner_patient_is_never_told_about_ibuprofen_beside_their_drug():
    found = text(patient=TYPICAL | {"blood_thinner": "Eliquis", "blood_thinner_held": "all"})
    assert "ibuprofen" not in found
    assert "You take a blood thinner, so ask us before you take any other medicine" in found


def test_blood_pressure_lotion_and_kilograms_in_both_languages():
    assert "If you have high blood pressure, the steroid may raise it" in text()
    assert "Si tiene la presión alta, el esteroide puede subirla" in text(language="es")
    assert (
        "Lotion, cream or powder on the shot site until Sunday, November 22, at the time of "
        "day you left the clinic" in text()
    )
    assert "Lifting more than 10 pounds (4.5 kg)" in text()
    assert "Levantar más de 10 libras (4.5 kg)" in text(language="es")
    # kg follows the clinic's pounds, rounded down (never a looser limit than the clinic's).
    assert "Lifting more than 25 pounds (11.3 kg)" in text(
        clinic_profile=clinic(lifting_limit_lb=25)
    )
    assert "Lotion" not in text(clinic_profile=clinic(no_lotion_hours=0))


def test_watch_days_no_relief_days_and_work_are_clinic_values():
    found = text(
        clinic_profile=clinic(watch_days=10, no_relief_call_days=7, return_to_work_hours=48)
    )
    assert (
        "Watch for the warning signs on this sheet through Monday, November 30 (10 days)." in found
    )
    assert "Call us if your pain is no better by Friday, November 27 (7 days)." in found
    assert "Work: you may go back to work on Sunday, November 22" in found
    spanish = text(language="es")
    assert "hasta el viernes, 4 de diciembre, inclusive (14 días)." in spanish
    assert "Llámenos si el dolor no está mejor el viernes, 4 de diciembre (14 días)." in spanish


def test_the_follow_up_visit_is_its_own_item():
    assert "Your follow-up visit: Friday, December 4." in text(
        patient=TYPICAL | {"follow_up": "2026-12-04"}
    )
    assert "Your follow-up visit: we will call you to set it up." in text()
    assert "Su cita de control: el viernes, 4 de diciembre." in text(
        patient=TYPICAL | {"follow_up": "2026-12-04"}, language="es"
    )


def test_opening_hours_print_in_the_sheets_language_and_only_when_given():
    assert "We are open Monday to Friday, 8:00 AM to 4:30 PM." in text()
    assert "Abrimos de lunes a viernes, de 8:00 a. m. a 4:30 p. m." in text(language="es")
    own = parse_clinic(
        {"name": "Own Clinic", "opening_hours": {"en": "every day, 7 AM to 7 PM"}}, "c"
    )
    assert "We are open every day, 7 AM to 7 PM." in text(clinic_profile=own)
    assert "Abrimos" not in text(clinic_profile=own, language="es")
    # Not layered over the packaged example: another clinic's hours are never printed.
    assert "We are open" not in text(clinic_profile=parse_clinic({"name": "Own Clinic"}, "c"))


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (
            "Mon-Fri",
            "c: opening_hours: must be a mapping of language: hours lines (en: ..., es: ...)",
        ),
        ({"english": "9-5"}, "c: opening_hours: 'english' is not a language code such as en or es"),
        ({"en": ""}, "c: opening_hours.en: required, and it is blank"),
    ],
)
def test_bad_opening_hours_are_refused_naming_the_field(hours, message):
    with pytest.raises(InputError) as caught:
        parse_clinic({"opening_hours": hours}, "c")
    assert message in caught.value.lines()


def test_every_non_english_sheet_has_an_interpreter_line_and_english_does_not():
    spanish = compose_handout("discharge", TYPICAL, language="es")
    (signature,) = [
        b for s in spanish.sections for b in s.blocks if type(b).__name__ == "Signature"
    ]
    assert "Intérprete: nombre o número" in [str(item) for item in signature.items]
    assert "Firma de enfermería" in document_text(spanish)
    assert "Interpreter" not in text()


# --- the pre-procedure letter ---------------------------------------------------------------


def test_pain_medicine_on_the_day_follows_the_clinic_rule():
    assert "on the day of your shot, you may take your usual pain medicine." in text(
        "pre-procedure", LETTER
    )
    held = text(
        "pre-procedure",
        LETTER | {"procedure_time": "09:30"},
        clinic(pre_pain_medicine_hold_hours=6),
    )
    assert "do not take pain medicine for 6 hours before your shot." in held
    assert "Take your last dose of pain medicine before Sunday, December 20 at 3:30 AM." in held
    assert "But do not take any medicine this letter tells you to stop." in text(
        "pre-procedure", LETTER | {"blood_thinner": "Eliquis"}
    )


def test_clear_liquids_are_explained_with_the_clock_time_to_stop():
    found = text("pre-procedure", LETTER | {"procedure_time": "09:30", "sedation": "true"})
    assert "You may drink clear liquids until Sunday, December 20 at 7:30 AM. Then stop." in found
    assert "Clear liquids are drinks you can see through." in found
    assert "Milk, cream, orange juice and smoothies are not." in found
    spanish = text(
        "pre-procedure", LETTER | {"procedure_time": "09:30", "sedation": "true"}, language="es"
    )
    assert (
        "Puede tomar líquidos claros hasta el domingo, 20 de diciembre, a las 7:30 a. m." in spanish
    )
    assert "Deje de comer el domingo, 20 de diciembre, a la 1:30 a. m." in spanish
    assert "antes del domingo" not in spanish


def test_visit_length_is_the_clinic_value():
    assert "Plan to be with us for about 2 hours in all." in text("pre-procedure", LETTER)
    assert "about 90 minutes in all" in text("pre-procedure", LETTER, clinic(visit_minutes=90))
    assert "about 1 hour in all" in text("pre-procedure", LETTER, clinic(visit_minutes=60))
    assert "unas 2 horas en total" in text("pre-procedure", LETTER, language="es")


def test_taxi_or_ride_share_alone_follows_the_clinic_rule():
    refused = text("pre-procedure", LETTER)
    assert (
        "A taxi or ride-share driver (such as Uber or Lyft) cannot be your only ride home."
        in refused
    )
    allowed = text("pre-procedure", LETTER, clinic(taxi_alone_ok="true"))
    assert "you may take a taxi or a ride-share car (such as Uber or Lyft)" in allowed
    assert "You must bring an adult to drive you home" not in allowed
    easy = text("pre-procedure", LETTER, clinic(taxi_alone_ok="true", driver_required="false"))
    assert "You may also go home in a taxi or a ride-share car" in easy


def test_the_letter_says_a_consent_form_will_be_signed():
    assert "we will ask you to sign a consent form." in text("pre-procedure", LETTER)
    assert "firme un formulario de consentimiento" in text("pre-procedure", LETTER, language="es")


def test_spanish_times_at_one_oclock_and_the_physician_without_a_gendered_article():
    found = text(
        "pre-procedure",
        LETTER | {"procedure_time": "13:30", "physician": "Dr. A. Rivera"},
        language="es",
    )
    assert "Su inyección es el domingo, 20 de diciembre, a la 1:30 p. m." in found
    assert "Su médico: Dr. A. Rivera." in found


# --- the guide ----------------------------------------------------------------------------


def test_the_guide_carries_results_risks_other_treatments_bed_rest_driver_and_who_not():
    found = text("guide", None)
    for phrase in (
        "About 5 to 7 of them get good relief for a while.",
        "The blood can press on the nerves and cause weakness or numbness.",
        "Infection of the spine or of the lining around it.",
        "a “blood patch” can seal the leak.",
        "Physical therapy and exercise",
        "Chiropractic care",
        "Acupuncture",
        "Talking therapy",
        "Yoga or tai chi",
        "Surgery, for some people",
        "You do not need bed rest.",
        "You need an adult to drive you home. Do not drive for 24 hours after the shot.",
        "The shot may not be safe for you. Tell your doctor if you:",
        "Are pregnant, or might be",
        "Have a bleeding problem",
    ):
        assert phrase in found, phrase
    spanish = text("guide", None, language="es")
    for phrase in (
        "Unas 5 a 7 de ellas",
        "terapia física",
        "No necesita reposo en cama",
        "Quiropráctica",
    ):
        assert phrase in spanish, phrase


def test_spanish_words_a_us_reader_expects():
    every = " ".join(
        text(handout, LETTER if handout == "pre-procedure" else TYPICAL, language="es")
        for handout in ("discharge", "pre-procedure")
    ) + text("guide", None, language="es")
    for word in ("fisioterapia", "IEE", "la venda", "Es alérgico", "sentirse nervioso"):
        assert word not in every, word
    assert "la curita" in every


def test_the_packaged_profile_documents_every_new_value():
    packaged = load_clinic(None).protocol
    docs = (Path(__file__).resolve().parents[1] / "docs" / "protocol-values.md").read_text()
    section = docs.split("## What the best sheets carry", 1)[1]
    for key in (
        "acetaminophen_ok",
        "nsaid_wait_hours",
        "no_lotion_hours",
        "watch_days",
        "no_relief_call_days",
        "return_to_work_hours",
        "pre_pain_medicine_hold_hours",
        "visit_minutes",
        "taxi_alone_ok",
    ):
        assert key in packaged
        assert f"| `{key}` | `{str(packaged[key]).lower()}` |" in section, key


def test_the_content_elements_page_names_only_blocks_that_exist():
    """docs/content-elements.md tells a content owner where each element is: every
    `file.yaml`: `block` it names must exist, in every language."""
    import re

    import yaml

    root = Path(__file__).resolve().parents[1]
    page = (root / "docs" / "content-elements.md").read_text(encoding="utf-8")
    named = 0
    for row in page.splitlines():
        match = re.search(r"`(\w+\.yaml)`: (.*?) \|", row)
        if not match or "_language" in match.group(1):
            continue
        blocks = [b for b in re.findall(r"`([a-z0-9*-]+)`", match.group(2)) if "*" not in b]
        for language in ("en", "es"):
            data = yaml.safe_load((root / "templates" / language / match.group(1)).read_text())
            ids = {block["id"] for block in data["blocks"]}
            assert set(blocks) <= ids, (language, match.group(1), set(blocks) - ids)
        named += len(blocks)
    assert named > 50
