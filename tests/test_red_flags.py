"""Red flags on the discharge sheet (issue 12): time limits a patient can act on, by region.

Every assertion is on the composed Document's text, in English and in Spanish: the PDF adds
nothing to what the sheet says.
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
# Every region with each approach it may have (caudal only enters the lumbar spine).
PROCEDURES = [
    ("interlaminar", "cervical"),
    ("transforaminal", "cervical"),
    ("interlaminar", "thoracic"),
    ("transforaminal", "thoracic"),
    ("interlaminar", "lumbar"),
    ("transforaminal", "lumbar"),
    ("caudal", "lumbar"),
]


def clinic(**protocol):
    return parse_clinic({"protocol": {k: str(v) for k, v in protocol.items()}}, "clinic.yaml")


def sheet(language: str = "en", profile=None, **changes) -> str:
    """The sheet's words, with the no-break spaces of dates and times read as spaces, and
    Spanish "noviembre, a las" read as "noviembre a las" (the comma is _language.yaml's
    business, not these rules')."""
    document = compose_handout("discharge", TYPICAL | changes, profile, language=language)
    text = re.sub(r"[\u00a0\u202f]", " ", document_text(document))
    return re.sub(r"(de [a-z]+), (a las? )", r"\1 \2", text)


def section(text: str, start: str, end: str | None = None) -> str:
    """The text from the line starting `start` up to the line starting `end` (or the end)."""
    lines = text.splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith(start))
    rest = lines[first + 1 :]
    last = next((n for n, line in enumerate(rest) if end and line.startswith(end)), len(rest))
    return "\n".join(lines[first : first + 1 + last])


# The words each rule prints, per language.
EVERY_SHEET = {
    "en": [
        "You have not been able to pass urine for 8 hours",
        "Loss of control of your bladder or bowels",
        "Severe new pain in your back or neck, most of all with a fever or new weakness",
        "A fever with a very bad headache and a stiff neck",
        "Tell them you had a spinal injection on Friday, November 20.",
        "A rash, hives or itching",
        "Bleeding from the shot site that does not stop after you press on it with a clean "
        "cloth for 10 minutes",
        "A fever over 100.4°F (38.0°C)",
    ],
    "es": [
        "No ha podido orinar en 8 horas",
        "No puede controlar la orina o el intestino",
        "Dolor fuerte y nuevo en la espalda o el cuello, sobre todo con fiebre o debilidad nueva",
        "Fiebre con un dolor de cabeza muy fuerte y el cuello rígido",
        "Dígales que le pusieron una inyección en la columna el viernes",
        "Sarpullido, ronchas o picazón",
        "Sangrado del sitio de la inyección que no para después de apretarlo con un paño "
        "limpio por 10 minutos",
        "Fiebre de más de 100.4°F (38.0°C)",
    ],
}
EMERGENCY_TITLE = {
    "en": "Call 911 or go to the emergency room right away",
    "es": "Llame al 911 o vaya a la sala de emergencias enseguida",
}
CLINIC_TITLE = {"en": "Call the clinic at", "es": "Llame a la clínica al"}
# Wording issue 12 removed because a patient could not tell when to act.
NEVER = {
    "en": ["bedtime", "does not wear off", "several hours", "after-hours line", "stay numb"],
    "es": ["hora de dormir", "no se quita", "varias horas", "línea fuera de horario"],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("approach", "region"), PROCEDURES)
def test_every_sheet_has_the_red_flags_and_no_vague_limits(language, approach, region):
    text = sheet(language, approach=approach, region=region)
    emergency = section(text, EMERGENCY_TITLE[language])
    for words in EVERY_SHEET[language][:5]:
        assert words in emergency, words
    clinic_box = section(text, CLINIC_TITLE[language], EMERGENCY_TITLE[language])
    for words in EVERY_SHEET[language][5:]:
        assert words in clinic_box, words
    for words in NEVER[language]:
        assert words not in text, words


@pytest.mark.parametrize(
    ("language", "going_home", "emergency", "summary"),
    [
        (
            "en",
            "This numbness should wear off by Friday, November 20 at 4:30 PM.",
            "Numbness or weakness that gets worse, spreads, or is still there after Friday, "
            "November 20 at 4:30 PM",
            "Numbness or weakness that gets worse, spreads, or lasts past Friday, November 20 "
            "at 4:30 PM? Go to the emergency room or call 911. Go also if you cannot pass urine "
            "for 10 hours",
        ),
        (
            "es",
            "Este adormecimiento debe quitarse antes del viernes, 20 de noviembre a las 4:30 p. m.",
            "Adormecimiento o debilidad que empeora, se extiende o sigue después del viernes, "
            "20 de noviembre a las 4:30 p. m.",
            "¿Adormecimiento o debilidad que empeora, se extiende o sigue después del viernes, "
            "20 de noviembre a las 4:30 p. m.? Vaya a la sala de emergencias o llame al 911. "
            "Vaya también si no puede orinar en 10 horas",
        ),
    ],
)
def test_the_clinics_numbness_limit_is_one_clock_time_everywhere(
    language, going_home, emergency, summary
):
    """Expected numbness, the summary and the emergency box name the same moment: the
    procedure time plus the clinic's hours (09:30 + 7 h)."""
    profile = clinic(numbness_limit_hours=7, urine_limit_hours=10)
    text = sheet(language, profile, procedure_time="09:30", approach="transforaminal")
    assert going_home in text
    assert emergency in text
    assert summary in text
    assert text.count("4:30 p. m." if language == "es" else "4:30 PM") == 4  # + groin numbness
    assert "5:30" not in text  # the packaged 8 hours is not printed beside the clinic's 6


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        (
            "en",
            [
                "This numbness should wear off within 6 hours of your injection.",
                "Does it get worse or spread, or is it still there after that? Go to the "
                "emergency room.",
                "Numbness or weakness that gets worse, spreads, or lasts more than 6 hours after "
                "your injection",
                "Numbness or weakness that gets worse, spreads, or lasts more than 6 hours? Go to "
                "the emergency room or call 911.",
            ],
        ),
        (
            "es",
            [
                "Este adormecimiento debe quitarse dentro de las 6 horas después de la inyección.",
                "¿Empeora o se extiende, o sigue después de ese tiempo? Vaya a la sala de "
                "emergencias.",
                "Adormecimiento o debilidad que empeora, se extiende o dura más de 6 horas "
                "después de la inyección",
                "¿Adormecimiento o debilidad que empeora, se extiende o dura más de 6 horas? "
                "Vaya a la sala de emergencias o llame al 911.",
            ],
        ),
    ],
)
def test_without_a_procedure_time_the_limit_is_in_hours(language, phrases):
    text = sheet(language, clinic(numbness_limit_hours=6))
    for words in phrases:
        assert words in text, words


@pytest.mark.parametrize(
    ("language", "stroke", "chest"),
    [
        (
            "en",
            "Stroke signs: trouble seeing or speaking, a drooping face, sudden severe dizziness, "
            "or new trouble with balance or walking. Call 911.",
            "Chest pain, or sudden shortness of breath. Call 911.",
        ),
        (
            "es",
            "Señales de derrame cerebral: le cuesta ver o hablar, o tiene un lado de la cara "
            "caído. También un mareo fuerte y repentino, o problemas nuevos de equilibrio o para "
            "caminar. Llame al 911.",
            "Dolor en el pecho, o le falta el aire de repente. Llame al 911.",
        ),
    ],
)
@pytest.mark.parametrize("approach", ["interlaminar", "transforaminal"])
def test_stroke_signs_after_cervical_and_chest_pain_after_thoracic(
    language, stroke, chest, approach
):
    cervical = sheet(language, approach=approach, region="cervical")
    thoracic = sheet(language, approach=approach, region="thoracic")
    lumbar = sheet(language, approach=approach, region="lumbar")
    assert stroke in cervical and chest not in cervical
    assert chest in thoracic and stroke not in thoracic
    assert stroke not in lumbar and chest not in lumbar


GROIN = {
    "en": (
        "Your groin and buttocks (the area you sit on) may feel numb too.",
        "Numbness in your groin or buttocks (the area you sit on) that is still there after "
        "Friday, November 20 at 5:30 PM",
    ),
    "es": (
        "La ingle y las nalgas (la zona donde se sienta) también pueden estar adormecidas.",
        "Adormecimiento en la ingle o las nalgas que sigue después del viernes, 20 de noviembre "
        "a las 5:30 p. m.",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("approach", "region"), PROCEDURES)
def test_groin_numbness_has_the_same_limit_after_lumbar_and_caudal_only(language, approach, region):
    text = sheet(language, approach=approach, region=region, procedure_time="09:30")
    expected, emergency = GROIN[language]
    lower_back = region == "lumbar"
    assert (expected in text) is lower_back
    assert (emergency in section(text, EMERGENCY_TITLE[language])) is lower_back


@pytest.mark.parametrize(
    ("language", "hard", "emergency"),
    [
        (
            "en",
            "It may be hard to pass urine for a few hours. This is common.",
            "Not able to pass urine for 8 hours? Go to the emergency room.",
        ),
        (
            "es",
            "Puede costarle orinar por unas horas. Esto es común.",
            "¿No ha podido orinar en 8 horas? Vaya a la sala de emergencias.",
        ),
    ],
)
def test_caudal_urine_trouble_goes_to_the_emergency_room_not_the_after_hours_line(
    language, hard, emergency
):
    caudal = sheet(language, approach="caudal")
    assert hard in caudal and emergency in caudal
    assert hard not in sheet(language, approach="interlaminar")
    changed = sheet(language, clinic(urine_limit_hours=6), approach="caudal")
    assert emergency.replace("8", "6") in changed
    assert "urine for 8 hours" not in changed and "orinar en 8 horas" not in changed


@pytest.mark.parametrize(
    ("language", "side", "expected"),
    [
        ("en", "both", "Both legs may feel numb."),
        ("en", "left", "Your left leg may feel the most numb."),
        ("en", "right", "Your right leg may feel the most numb."),
        ("en", "", "The leg on the side of the shot may feel the most numb."),
        ("es", "both", "Las dos piernas pueden estar adormecidas."),
        ("es", "left", "La pierna izquierda puede estar más adormecida."),
        ("es", "right", "La pierna derecha puede estar más adormecida."),
        ("es", "", "La pierna del lado de la inyección puede estar más adormecida."),
    ],
)
def test_side_reads_right_in_the_numbness_lines(language, side, expected):
    changes = {"approach": "transforaminal", "region": "lumbar"} | ({"side": side} if side else {})
    text = sheet(language, **changes)
    assert expected in text
    numbness = [line for line in text.splitlines() if "leg" in line or "pierna" in line]
    assert not any("both leg" in line or "lado both" in line for line in numbness), numbness


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Both arms may feel numb."), ("es", "Los dos brazos pueden estar adormecidos.")],
)
def test_both_sides_after_a_cervical_injection(language, expected):
    assert expected in sheet(language, approach="transforaminal", region="cervical", side="both")


@pytest.mark.parametrize(
    ("language", "call", "confusion"),
    [
        (
            "en",
            "Blood sugar over 250 mg/dL two times in a row",
            "Confusion, or being very sleepy and hard to wake up. Someone must call 911 for you.",
        ),
        (
            "es",
            "Azúcar en la sangre de más de 250 mg/dL dos veces seguidas",
            "Confusión, o mucho sueño y le cuesta despertar. Otra persona debe llamar al 911 por "
            "usted.",
        ),
    ],
)
def test_diabetes_after_the_injection_call_over_the_clinics_level_911_for_confusion(
    language, call, confusion
):
    profile = clinic(glucose_call_mg_dl=250)
    text = sheet(language, profile, diabetic="true")
    assert call in section(text, CLINIC_TITLE[language], EMERGENCY_TITLE[language])
    assert confusion in section(text, EMERGENCY_TITLE[language])
    # The diabetes section itself says 911 for confusion, not "call" the clinic.
    diabetes = section(text, "If you have diabetes" if language == "en" else "Si tiene diabetes")
    assert "911" in diabetes
    assert "confused." not in diabetes and "confundido" not in diabetes
    plain = sheet(language, profile)
    assert call not in plain and confusion not in plain


@pytest.mark.parametrize(
    ("fever_f", "shown"),
    [("100.4", "100.4°F (38.0°C)"), ("101.2", "101.2°F (38.4°C)"), ("100", "100.0°F (37.8°C)")],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_fever_prints_celsius_worked_out_from_the_clinics_fahrenheit(language, fever_f, shown):
    text = sheet(language, clinic(fever_f=fever_f))
    assert text.count(shown) == 2  # the summary box and the clinic box
    assert text.count("°C") == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_bleeding_minutes_are_the_clinics(language):
    text = sheet(language, clinic(bleeding_press_minutes=15))
    assert ("for 15 minutes" if language == "en" else "por 15 minutos") in text
    assert "10 minut" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_summary_box_agrees_with_the_emergency_box(language):
    """The 3 most important things name no limit that the warning signs do not."""
    text = sheet(language, procedure_time="09:30")
    title = "The 3 most important things" if language == "en" else "Las 3 cosas más importantes"
    summary = section(text, title, "What was done" if language == "en" else "Lo que se hizo")
    emergency = section(text, EMERGENCY_TITLE[language])
    assert "5:30" in summary and "5:30" in emergency
    assert "911" in summary
    for words in (("8 hours", "8 horas"), ("38.0°C", "38.0°C")):
        assert words[language == "es"] in summary
    assert "bedtime" not in summary and "wear off" not in summary


def test_a_protocol_value_out_of_range_is_refused():
    with pytest.raises(EsiDocsError) as caught:
        clinic(numbness_limit_hours=0)
    assert caught.value.lines() == [
        "clinic.yaml: protocol.numbness_limit_hours: 0 is outside the plausible range 1 to 24"
    ]
