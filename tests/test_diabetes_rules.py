"""Diabetes before the injection (issue 12): the letter's rules follow whether this patient
fasts, print the clinic's choices in words, and give GLP-1 / SGLT2 stop days before sedation.

Assertions are on the composed Document's text, in English and in Spanish. The letters are for
a procedure on Friday, January 18, 2030, so no stop date here is ever in the past.
"""

from __future__ import annotations

import re

import pytest

from esi_docs.api import compose_handout
from esi_docs.content.document import document_text
from esi_docs.errors import EsiDocsError
from esi_docs.inputs.clinic import parse_clinic
from tests.conftest import TYPICAL

LANGUAGES = ("en", "es")
FUTURE = {"procedure_date": "2030-01-18"}  # a Friday
DIABETIC = FUTURE | {"diabetic": "true"}
SECTION_TITLE = {"en": "If you have diabetes", "es": "Si tiene diabetes"}
STOP_TITLE = {
    "en": "Some shots and pills to stop first",
    "es": "Algunas inyecciones y pastillas que debe dejar antes",
}


def clinic(**protocol):
    return parse_clinic({"protocol": {k: str(v) for k, v in protocol.items()}}, "clinic.yaml")


def letter(language: str = "en", profile=None, **changes) -> str:
    document = compose_handout("pre-procedure", TYPICAL | changes, profile, language=language)
    return re.sub(r"[\u00a0\u202f]", " ", document_text(document))


def diabetes_part(text: str, language: str) -> str:
    """The diabetes section: its title and the bullet lines right after it."""
    lines = text.splitlines()
    first = lines.index(SECTION_TITLE[language])
    part = [lines[first]]
    for line in lines[first + 1 :]:
        if not line.startswith("- "):
            break
        part.append(line)
    return "\n".join(part)


FASTING = {
    "en": [
        "The evening before your injection, eat your evening meal and take your diabetes pills "
        "as usual.",
        "The evening before your injection, take three quarters of your usual dose. For "
        "example, take 15 units if you usually take 20.",
        "Do not take your diabetes pills on the morning of your injection. Take them again with "
        "your next meal.",
        "Do not take mealtime (fast-acting) insulin while you are not eating.",
        "On the morning of your injection, take half of your usual dose. For example, take 10 "
        "units if you usually take 20.",
        "Is your blood sugar under 70 mg/dL, or do you feel shaky, sweaty or confused? Your "
        "sugar is low. Treat it right away with apple juice, regular (not diet) soda or sugar "
        "tablets, even if you are not eating. Then call us at (555) 010-0100.",
        "Is your blood sugar over 250 mg/dL that morning? Call us at (555) 010-0100 before you "
        "leave home.",
    ],
    "es": [
        "La noche antes de su inyección, cene y tome sus pastillas para la diabetes como siempre.",
        "La noche antes de su inyección, póngase tres cuartas partes de su dosis de siempre. "
        "Por ejemplo, 15 unidades si siempre se pone 20.",
        "No tome sus pastillas para la diabetes la mañana de su inyección. Vuelva a tomarlas "
        "con su próxima comida.",
        "No se ponga insulina de las comidas (de acción rápida) mientras no esté comiendo.",
        "La mañana de su inyección, póngase la mitad de su dosis de siempre. Por ejemplo, 10 "
        "unidades si siempre se pone 20.",
        "¿Tiene el azúcar en menos de 70 mg/dL, o tiene temblores, sudor o confusión? Tiene el "
        "azúcar bajo. Trátelo enseguida con jugo de manzana, refresco normal (no de dieta) o "
        "tabletas de azúcar, aunque no esté comiendo. Luego llámenos al (555) 010-0100.",
        "¿Tiene el azúcar en más de 250 mg/dL esa mañana? Llámenos al (555) 010-0100 antes de "
        "salir de casa.",
    ],
}
AS_USUAL = {
    "en": "You may eat before this injection. So take your diabetes pills and insulin as usual, "
    "at the usual times.",
    "es": "Puede comer antes de esta inyección. Así que tome sus pastillas para la diabetes y su "
    "insulina como siempre, a la hora de siempre.",
}
# What a fasting patient is told that a patient who may eat must never read.
FASTING_ONLY = {
    "en": ["Do not take your diabetes pills", "mealtime", "of your usual dose", "not eating"],
    "es": ["No tome sus pastillas", "insulina de las comidas", "de su dosis", "no esté comiendo"],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("sedation", ["false", "true"])
def test_a_fasting_patient_gets_evening_and_morning_rules_in_words(language, sedation):
    """The packaged clinic: 2 hours without food (8 with sedation), so this patient fasts."""
    text = letter(language, **DIABETIC, sedation=sedation)
    part = diabetes_part(text, language)
    for words in FASTING[language][1:]:
        assert words in part, words
    assert AS_USUAL[language] not in part
    assert "%" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_evening_pills_line_points_to_the_stop_list_only_with_sedation(language):
    awake = diabetes_part(letter(language, **DIABETIC), language)
    sedated = diabetes_part(letter(language, **DIABETIC, sedation="true"), language)
    also = {
        "en": "But do not take any pill that the list above tells you to stop.",
        "es": "Pero no tome ninguna pastilla que la lista de arriba le pide dejar.",
    }[language]
    assert FASTING[language][0] in awake and also not in awake
    assert also in sedated


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("sedation", "protocol"),
    [
        ("false", {"fasting_hours": 0}),
        ("true", {"sedation_fasting_hours": 0}),
    ],
)
def test_a_patient_who_may_eat_takes_pills_and_insulin_as_usual(language, sedation, protocol):
    text = letter(language, clinic(**protocol), **DIABETIC, sedation=sedation)
    part = diabetes_part(text, language)
    assert AS_USUAL[language] in part
    for words in FASTING_ONLY[language]:
        assert words not in part, words
    # The low and high sugar rules still apply on the morning of the injection.
    assert "70 mg/dL" in part and "250 mg/dL" in part


@pytest.mark.parametrize("language", LANGUAGES)
def test_fasting_depends_on_sedation_hours_for_a_sedation_patient(language):
    """No fasting without sedation, but 8 hours with it: the sedation patient fasts."""
    profile = clinic(fasting_hours=0, sedation_fasting_hours=8)
    awake = diabetes_part(letter(language, profile, **DIABETIC), language)
    sedated = diabetes_part(letter(language, profile, **DIABETIC, sedation="true"), language)
    assert AS_USUAL[language] in awake
    assert AS_USUAL[language] not in sedated
    assert FASTING[language][2] in sedated


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_clinic_may_ask_patients_who_eat_to_call(language):
    profile = clinic(fasting_hours=0, diabetes_eating_as_usual="false")
    part = diabetes_part(letter(language, profile, **DIABETIC), language)
    expected = {
        "en": "Please call us at (555) 010-0100 before the day of your injection. We will tell "
        "you how to take your diabetes pills and insulin.",
        "es": "Llámenos al (555) 010-0100 antes del día de su inyección. Le diremos cómo tomar "
        "sus pastillas para la diabetes y su insulina.",
    }[language]
    assert expected in part
    assert AS_USUAL[language] not in part
    for words in FASTING_ONLY[language]:
        assert words not in part, words


DOSES = {
    "en": {
        "usual": "take your usual dose.",
        "three_quarters": "take three quarters of your usual dose.",
        "half": "take half of your usual dose.",
        "none": "Do not take it",
    },
    "es": {
        "usual": "póngase su dosis de siempre.",
        "three_quarters": "póngase tres cuartas partes de su dosis de siempre.",
        "half": "póngase la mitad de su dosis de siempre.",
        "none": "No se la ponga",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("evening", ["usual", "three_quarters", "half", "none"])
@pytest.mark.parametrize("morning", ["usual", "three_quarters", "half", "none"])
def test_each_insulin_choice_prints_in_words(language, evening, morning):
    profile = clinic(
        diabetes_evening_long_acting_insulin=evening,
        diabetes_morning_long_acting_insulin=morning,
    )
    part = diabetes_part(letter(language, profile, **DIABETIC), language)
    lines = part.splitlines()
    night = next(
        line
        for line in lines
        if "long-acting insulin in the evening" in line or "prolongada en la noche" in line
    )
    day = next(
        line
        for line in lines
        if "long-acting insulin in the morning" in line or "prolongada en la mañana" in line
    )
    assert DOSES[language][evening] in night
    assert DOSES[language][morning] in day
    assert "%" not in part


def test_the_clinics_low_and_high_numbers_reach_both_languages():
    profile = clinic(diabetes_low_mg_dl=80, diabetes_high_morning_mg_dl=300)
    for language in LANGUAGES:
        part = diabetes_part(letter(language, profile, **DIABETIC), language)
        assert "80 mg/dL" in part and "300 mg/dL" in part
        assert "70 mg/dL" not in part and "250 mg/dL" not in part


def test_no_diabetes_rules_for_a_patient_without_diabetes():
    for language in LANGUAGES:
        text = letter(language, **FUTURE)
        assert SECTION_TITLE[language] not in text
        assert "insulin" not in text


@pytest.mark.parametrize(
    ("percent", "dose"), [("50", "half"), ("75", "three_quarters"), ("100", "usual"), ("0", "none")]
)
def test_the_old_percent_key_is_read_when_it_has_words(percent, dose):
    profile = clinic(diabetes_long_acting_insulin_percent=percent)
    assert profile.protocol["diabetes_morning_long_acting_insulin"] == dose
    text = letter("en", profile, **DIABETIC)
    assert DOSES["en"][dose] in text
    assert "%" not in text


@pytest.mark.parametrize(
    ("protocol", "message"),
    [
        (
            {"diabetes_long_acting_insulin_percent": "80"},
            "clinic.yaml: protocol.diabetes_long_acting_insulin_percent: 80% has no plain words "
            "for a patient; write diabetes_morning_long_acting_insulin: one of usual, "
            "three_quarters, half, none",
        ),
        (
            {
                "diabetes_long_acting_insulin_percent": "50",
                "diabetes_morning_long_acting_insulin": "half",
            },
            "clinic.yaml: protocol.diabetes_long_acting_insulin_percent: is replaced by "
            "diabetes_morning_long_acting_insulin; give only that one",
        ),
        (
            {"diabetes_morning_long_acting_insulin": "50%"},
            "clinic.yaml: protocol.diabetes_morning_long_acting_insulin: '50%' is not one of "
            "usual, three_quarters, half, none",
        ),
        (
            {"diabetes_evening_long_acting_insulin": ""},
            "clinic.yaml: protocol.diabetes_evening_long_acting_insulin: '' is not one of "
            "usual, three_quarters, half, none",
        ),
    ],
)
def test_an_insulin_dose_without_plain_words_is_refused(protocol, message):
    with pytest.raises(EsiDocsError) as caught:
        clinic(**protocol)
    assert caught.value.lines() == [message]


def test_the_choice_survives_the_audit_round_trip():
    profile = clinic(diabetes_evening_long_acting_insulin="none")
    assert parse_clinic(profile.as_data(), "again") == profile


# --- GLP-1 and SGLT2 before sedation ---------------------------------------------------------

STOPS = {
    "en": [
        "If you take a weekly shot such as Ozempic, Wegovy, Mounjaro, Zepbound or Trulicity, "
        "stop it before your injection. Take no shot on or after Friday, January 11.",
        "If you take Jardiance, Farxiga, Invokana or a pill with one of them in it, stop it "
        "before your injection. Take no pill on or after Tuesday, January 15.",
    ],
    "es": [
        "Si usa una inyección semanal como Ozempic, Wegovy, Mounjaro, Zepbound o Trulicity, "
        "déjela antes de su inyección. No se la ponga desde el viernes, 11 de enero.",
        "Si toma Jardiance, Farxiga o Invokana, o una pastilla que tenga una de ellas, déjela "
        "antes de su inyección. No la tome desde el martes, 15 de enero.",
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("diabetic", ["true", "false"])
def test_sedation_patients_get_the_clinics_stop_days_as_dates(language, diabetic):
    """7 and 3 days before a Friday, January 18 injection; also without diabetes (Wegovy and
    Zepbound are taken for weight loss, Farxiga and Jardiance for the heart or kidneys)."""
    text = letter(language, **FUTURE, diabetic=diabetic, sedation="true")
    assert STOP_TITLE[language] in text
    for words in STOPS[language]:
        assert words in text, words


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_stop_days_without_sedation(language):
    text = letter(language, **DIABETIC)
    assert STOP_TITLE[language] not in text
    assert "Ozempic" not in text and "Jardiance" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_clinics_hold_days_and_zero_means_keep_taking(language):
    profile = clinic(glp1_weekly_hold_days=10, sglt2_hold_days=0)
    text = letter(language, profile, **FUTURE, sedation="true")
    stop = {
        "en": "Take no shot on or after Tuesday, January 8.",
        "es": "desde el martes, 8 de enero",
    }
    keep = {
        "en": "If you take Jardiance, Farxiga, Invokana or a pill with one of them in it, keep "
        "taking it as usual.",
        "es": "Si toma Jardiance, Farxiga o Invokana, o una pastilla que tenga una de ellas, siga "
        "tomándola como siempre.",
    }
    assert stop[language] in text
    assert keep[language] in text
    assert "January 15" not in text and "15 de enero" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_stop_section_when_the_clinic_holds_neither(language):
    profile = clinic(
        glp1_weekly_hold_days=0, sglt2_hold_days=0, glp1_daily_skip_injection_day="false"
    )
    text = letter(language, profile, **DIABETIC, sedation="true")
    assert STOP_TITLE[language] not in text
    assert "Ozempic" not in text
    # Nothing then points to a stop list that is not printed.
    assert "list above" not in text and "lista de arriba" not in text


# --- a stop day that has already passed when the letter is given -----------------------------

CALL_INSTEAD = {
    "en": [
        "If you take a weekly shot such as Ozempic, Wegovy, Mounjaro, Zepbound or Trulicity, "
        "take no shot before your injection. Call us at (555) 010-0100 today. It should be "
        "stopped 7 days before, so your injection may need a new date.",
        "If you take Jardiance, Farxiga, Invokana or a pill with one of them in it, take none "
        "before your injection. Call us at (555) 010-0100 today. It should be stopped 3 days "
        "before, so your injection may need a new date.",
    ],
    "es": [
        "Si usa una inyección semanal como Ozempic, Wegovy, Mounjaro, Zepbound o Trulicity, no "
        "se la ponga antes de su inyección. Llámenos hoy al (555) 010-0100. Debía dejarla 7 días "
        "antes, así que puede que su inyección necesite otra fecha.",
        "Si toma Jardiance, Farxiga o Invokana, o una pastilla con una de ellas, no la tome antes "
        "de su inyección. Llámenos hoy al (555) 010-0100. Debía dejarla 3 días antes, así que "
        "puede que su inyección necesite otra fecha.",
    ],
}
ASKED_ABOUT_DOSES = {
    "en": "Did you take one of them on or after its stop day?",
    "es": "¿Usó alguna de ellas desde la fecha en que debía dejarla?",
}
PASSED_DAYS = {"en": ("January 11", "January 15"), "es": ("11 de enero", "15 de enero")}


def letter_given_on(day: str, language: str) -> str:
    """The sedation letter for the Friday, January 18 injection, given on `day`."""
    from datetime import date

    patient = TYPICAL | FUTURE | {"sedation": "true"}
    document = compose_handout(
        "pre-procedure", patient, language=language, today=date.fromisoformat(day)
    )
    return re.sub(r"[\u00a0\u202f]", " ", document_text(document))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stop_day_that_is_today_is_still_printed(language):
    text = letter_given_on("2030-01-11", language)  # the GLP-1 stop day itself
    for words in STOPS[language]:
        assert words in text, words
    assert ASKED_ABOUT_DOSES[language] in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_passed_stop_day_becomes_call_us_today(language):
    """Given on January 12, the GLP-1 stop day (January 11) has passed: the letter never prints
    it as an instruction, it says to take no more and call today. The SGLT2 day is ahead."""
    text = letter_given_on("2030-01-12", language)
    glp1_call, _ = CALL_INSTEAD[language]
    _, sglt2_stop = STOPS[language]
    assert glp1_call in text and sglt2_stop in text
    assert PASSED_DAYS[language][0] not in text
    assert ASKED_ABOUT_DOSES[language] in text  # about the SGLT2 day, still printed


@pytest.mark.parametrize("language", LANGUAGES)
def test_both_stop_days_passed_prints_no_stop_date_at_all(language):
    text = letter_given_on("2030-01-16", language)
    for words in CALL_INSTEAD[language]:
        assert words in text, words
    for day in PASSED_DAYS[language]:
        assert day not in text
    assert ASKED_ABOUT_DOSES[language] not in text  # no stop day is printed to ask about


DAILY = {
    "en": (
        "Do you take Victoza, Saxenda or Byetta shots, or Rybelsus pills? Take none on Friday, "
        "January 18, the day of your injection. Start again the day after.",
        "Do you take Victoza, Saxenda or Byetta shots, or Rybelsus pills? Keep taking them as "
        "usual.",
    ),
    "es": (
        "¿Usa inyecciones Victoza, Saxenda o Byetta, o pastillas Rybelsus? No las use el "
        "viernes, 18 de enero, el día de su inyección. Vuelva a usarlas al día siguiente.",
        "¿Usa inyecciones Victoza, Saxenda o Byetta, o pastillas Rybelsus? Siga usándolas como "
        "siempre.",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_daily_glp1_medicine_is_skipped_on_the_injection_day(language):
    """The clinic's default (ASA 2023 for daily dosing): none on the day of the injection,
    printed as that day; a clinic may set the flag off, and then the letter says keep taking."""
    skip, keep = DAILY[language]
    text = letter(language, **FUTURE, sedation="true")
    assert skip in text and keep not in text
    profile = clinic(glp1_daily_skip_injection_day="false")
    text = letter(language, profile, **FUTURE, sedation="true")
    assert keep in text and skip not in text
    assert "Victoza" not in letter(language, **FUTURE)  # only before sedation
