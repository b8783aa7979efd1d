"""Every combination of the per-patient options, for the discharge sheet and the letter.

Each combination is rendered once to a real PDF; the extracted text is then checked for every
part an option adds or removes. 7 approach-region pairs that can happen (caudal is lumbar only)
x diabetic x blood thinner (held, on the discharge sheet) x sedation x 2 languages x large print
= 224 combinations per handout. Letters are printed two weeks before the procedure.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from datetime import date

import pytest

from esi_docs.api import render_handout
from esi_docs.inputs.spine import approach_problem
from tests.conftest import LETTER_DAY, TYPICAL, pdf_text

APPROACHES = ("interlaminar", "transforaminal", "caudal")
REGIONS = ("cervical", "thoracic", "lumbar")
GRID = [
    combo
    for combo in itertools.product(
        APPROACHES,
        REGIONS,
        (False, True),
        (False, True),
        (False, True),
        ("en", "es"),
        (False, True),
    )
    if approach_problem(combo[0], combo[1]) is None
]
DRUG = "Eliquis"  # in the packaged hold table: 3 days

# What each option prints, per language (searched in the PDF text, whitespace folded).
WORDS = {
    "en": {
        "approach": {
            "interlaminar": "between two bones",
            "transforaminal": "where one nerve leaves",
            "caudal": "near your tailbone",
        },
        "region": {
            "cervical": "in your neck",
            "thoracic": "middle of your back",
            "lumbar": "low back",
        },
        "glucose_log": "Bedtime",
        "diabetes": "If you have diabetes",
        "alcohol": "Do not drink alcohol",
        "saddle": "area you sit on",
        "diary_down": "30 minutes after",
        "diary": "Day 14",
        "discharge_title": "After your epidural steroid injection",
        "letter_title": "Getting ready for your epidural steroid injection",
        "page": "Page 1 of",
        "stop_days": "Eliquis: take your last dose on Monday, November 16",
        "prescriber": "The doctor who prescribes it must agree first",
        "restart": "You stopped Eliquis for your injection. Start taking it again",
        "sedation_fasting": "must not eat for 8 hours",
        "bend": "Do not bend at the waist",
        "bandage_overnight": "Keep the bandage on overnight",
    },
    "es": {
        "approach": {
            "interlaminar": "entre dos huesos",
            "transforaminal": "donde un nervio sale",
            "caudal": "cerca del coxis",
        },
        "region": {
            "cervical": "en el cuello",
            "thoracic": "mitad de la espalda",
            "lumbar": "parte baja de la espalda",
        },
        "glucose_log": "Al acostarse",
        "diabetes": "Si tiene diabetes",
        "alcohol": "No tome alcohol",
        "saddle": "zona donde se sienta",
        "diary_down": "30 minutos después",
        "diary": "Día 14",
        "discharge_title": "Después de su inyección epidural de esteroides",
        "letter_title": "Cómo prepararse para su inyección epidural de esteroides",
        "page": "Página 1 de",
        "stop_days": "Eliquis: tome la última dosis el lunes, 16 de noviembre",
        "prescriber": "El médico que se la receta debe estar de acuerdo",
        "restart": "Usted dejó de tomar Eliquis para su inyección. Vuelva a tomarlo",
        "sedation_fasting": "no debe comer nada durante las 8 horas",
        "bend": "no se doble por la cintura",
        "bandage_overnight": "curita puesta toda la noche",
    },
}


def extract(pdf: bytes) -> str:
    """pdftotext is about three times faster than pypdf over 576 PDFs; same folded text."""
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-q", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout
        return " ".join(out.decode("utf-8").split())
    return pdf_text(pdf)


def render_text(job: tuple) -> str:
    """One combination to PDF to text (runs in a worker process)."""
    handout, approach, region, diabetic, thinner, sedation, language, large = job
    options = patient(approach, region, diabetic, thinner, sedation)
    day = date.fromisoformat(LETTER_DAY) if handout == "pre-procedure" else None
    rendered = render_handout(handout, options, language=language, large_print=large, today=day)
    return extract(rendered.pdf)


@pytest.fixture(scope="module")
def texts() -> dict[tuple, str]:
    """All 448 PDFs, rendered once on every core (forked workers): each test then only reads
    its text. On 2 cores this halves the grid's wall time."""
    jobs = [(handout, *combo) for handout in ("discharge", "pre-procedure") for combo in GRID]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context) as pool:
        return dict(zip(jobs, pool.map(render_text, jobs, chunksize=8), strict=True))


def patient(approach, region, diabetic, thinner, sedation) -> dict:
    return TYPICAL | {
        "approach": approach,
        "region": region,
        "diabetic": str(diabetic).lower(),
        "blood_thinner": DRUG if thinner else "none",
        "blood_thinner_held": "all" if thinner else "",
        "sedation": str(sedation).lower(),
        "follow_up": "2026-12-04",
    }


def assert_common(text, words, approach, region, thinner, sedation):
    """Parts both handouts share: approach and region wording, the drug, sedation."""
    assert words["approach"][approach] in text
    for other in set(APPROACHES) - {approach}:
        assert words["approach"][other] not in text
    assert words["region"][region] in text
    assert (DRUG in text) is thinner
    assert (words["alcohol"] in text) is sedation
    assert "Maria Example" in text and words["page"] in text


@pytest.mark.parametrize(
    ("approach", "region", "diabetic", "thinner", "sedation", "language", "large"), GRID
)
def test_discharge_grid(texts, approach, region, diabetic, thinner, sedation, language, large):
    text = texts[("discharge", approach, region, diabetic, thinner, sedation, language, large)]
    words = WORDS[language]
    assert text.count(words["discharge_title"]) == 1
    assert_common(text, words, approach, region, thinner, sedation)
    assert (words["diabetes"] in text) is diabetic
    assert (words["glucose_log"] in text) is diabetic
    assert (words["diary_down"] in text) is large
    assert words["diary"] in text
    assert (words["bend"] in text) is (region == "lumbar")
    # groin and buttock numbness, with its time limit: low back (caudal is low back too)
    assert (words["saddle"] in text) is (region == "lumbar")
    assert (words["bandage_overnight"] in text) is (region == "cervical")
    assert (words["restart"] in text) is thinner
    other = WORDS["es" if language == "en" else "en"]
    assert other["discharge_title"] not in text


@pytest.mark.parametrize(
    ("approach", "region", "diabetic", "thinner", "sedation", "language", "large"), GRID
)
def test_pre_procedure_grid(texts, approach, region, diabetic, thinner, sedation, language, large):
    text = texts[("pre-procedure", approach, region, diabetic, thinner, sedation, language, large)]
    words = WORDS[language]
    assert text.count(words["letter_title"]) == 1
    assert_common(text, words, approach, region, thinner, sedation)
    assert (words["diabetes"] in text) is diabetic
    assert (words["stop_days"] in text) is thinner
    assert (words["prescriber"] in text) is thinner
    assert (words["sedation_fasting"] in text) is sedation
    assert (words["saddle"] in text) is (approach == "caudal")
    assert words["discharge_title"] not in text
