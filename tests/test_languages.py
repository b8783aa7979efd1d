"""Spanish next to English: parallel files, no silent fall-back, and large print layout."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from esi_docs.api import compose_handout, render_handout
from esi_docs.content import document as doc
from esi_docs.errors import ContentError, RenderError
from esi_docs.render import fonts
from esi_docs.render.pdf import column_widths
from tests.conftest import LETTER_DAY, TYPICAL, pdf_pages, pdf_text

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SECTION_FILES = sorted(p.name for p in (TEMPLATES / "en").glob("*.yaml"))


def load(language: str, name: str) -> dict:
    return yaml.safe_load((TEMPLATES / language / name).read_text(encoding="utf-8"))


def shape(section: dict) -> list:
    """What must match between languages: ids, types and every condition, in order."""
    return [
        (
            block["id"],
            block["type"],
            block.get("when"),
            [
                item.get("when") if isinstance(item, dict) else None
                for item in block.get("items", [])
            ],
            len(block.get("columns", [])),
        )
        for block in section.get("blocks", [])
    ]


def test_every_english_file_has_a_spanish_twin():
    assert sorted(p.name for p in (TEMPLATES / "es").glob("*.yaml")) == SECTION_FILES


@pytest.mark.parametrize("name", [n for n in SECTION_FILES if n != "_language.yaml"])
def test_spanish_sections_are_parallel_and_marked_for_review(name):
    english, spanish = load("en", name), load("es", name)
    assert shape(spanish) == shape(english)
    assert spanish.get("when") == english.get("when")
    assert bool(spanish.get("title")) == bool(english.get("title"))
    assert spanish["needs_clinical_review"] is True


def test_spanish_language_pack_has_every_label_and_phrase():
    english, spanish = load("en", "_language.yaml"), load("es", "_language.yaml")
    assert set(spanish["labels"]) == set(english["labels"])
    assert set(spanish["date_phrases"]) >= set(english["date_phrases"])
    assert spanish["needs_clinical_review"] is True
    assert spanish["date_format"] == "EEEE, d 'de' MMMM"


def test_spanish_sheet_dates_labels_and_headings():
    pages = pdf_pages(
        render_handout("discharge", TYPICAL | {"procedure_time": "09:30"}, language="es").pdf
    )
    text = " ".join(pages)
    for phrase in (
        "Después de su inyección epidural de esteroides",
        "Las 3 cosas más importantes",
        "Qué se hizo hoy",
        "Cuándo pedir ayuda",
        "No maneje hasta el sábado, 21 de noviembre, a las 10:40",  # 9:30 + 30 + 40 minutes
        "Procedimiento: viernes, 20 de noviembre",
        "Fecha de nacimiento: 12 de abril de 1961",
        "Su firma",
        "Intérprete: nombre o número",
        "Su diario del dolor",
    ):
        assert phrase in text
    assert all(f"Página {n} de {len(pages)}" in page for n, page in enumerate(pages, 1))
    for english in ("What was done today", "Page 1", "Patient signature", "Saturday"):
        assert english not in text


def test_whole_day_phrase_in_spanish_counts_from_when_the_patient_left():
    text = pdf_text(render_handout("discharge", TYPICAL, language="es").pdf)
    assert (
        "No maneje hasta el sábado, 21 de noviembre, a la hora del día en que salió de la clínica."
        in text
    )
    assert "No maneje hasta el sábado, 21 de noviembre inclusive" not in text


def override(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


SECTION = """version: "1"
reviewed_by: "x"
reviewed_on: 2026-11-21
blocks:
  - id: one
    type: paragraph
    text: "Only in English."
"""


def test_a_missing_translation_is_an_error_never_english(tmp_path):
    templates = override(
        tmp_path,
        {
            "handouts/extra.yaml": 'version: "1"\ntitle: guide_title\nrequires_patient: false\n'
            "sections: [only_english]\n",
            "en/only_english.yaml": SECTION,
        },
    )
    assert "Only in English." in doc.document_text(compose_handout("extra", templates=templates))
    with pytest.raises(ContentError) as caught:
        compose_handout("extra", templates=templates, language="es")
    assert caught.value.lines() == [
        "es/only_english.yaml: missing (no translation for this section)"
    ]


def test_a_missing_label_is_an_error_never_english(tmp_path):
    pack = (TEMPLATES / "es" / "_language.yaml").read_text(encoding="utf-8")
    pack = "\n".join(line for line in pack.splitlines() if "guide_title" not in line)
    templates = override(tmp_path, {"es/_language.yaml": pack})
    with pytest.raises(ContentError) as caught:
        render_handout("guide", None, templates=templates, language="es")
    assert caught.value.lines() == ["es/_language.yaml: labels: 'guide_title' is missing"]


# --- large print ------------------------------------------------------------------------------


def body_sizes(pdf: bytes) -> set[float]:
    """Font sizes of the body text. The page header and footer are drawn after the body (once
    the page count is known), starting with the clinic name in its own bold run."""
    sizes: set[float] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size, found=found):
            if text.strip():
                found.append((round(size * tm[3] * cm[3], 1), text.strip()))

        page.extract_text(visitor_text=visit)
        header = max(
            i for i, (_, text) in enumerate(found) if text == "Example Spine & Pain Clinic"
        )
        assert header > 0
        sizes |= {size for size, _ in found[:header]}
    return sizes


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    ("handout", "patient"),
    [
        ("pre-procedure", TYPICAL | {"diabetic": "true", "blood_thinner": "Eliquis"}),
        ("guide", None),
        ("discharge", TYPICAL | {"diabetic": "true"}),
    ],
)
def test_large_print_is_18_pt_or_more_and_grows_the_page_count(handout, patient, language):
    # a letter is printed before its stop dates; the other handouts on the procedure day
    day = date.fromisoformat(LETTER_DAY) if handout == "pre-procedure" else None
    large = render_handout(handout, patient, language=language, large_print=True, today=day).pdf
    normal = render_handout(handout, patient, language=language, large_print=False, today=day).pdf
    assert min(body_sizes(large)) >= 18
    assert min(body_sizes(normal)) >= 12
    assert len(pdf_pages(large)) > len(pdf_pages(normal))
    assert pdf_text(large).count("Maria Example") >= (1 if patient else 0)


def test_table_columns_never_cut_a_word():
    fonts.register_fonts()
    table = doc.Table(
        (doc.Markup("When"), doc.Markup("Day 14<br/>12/4"), doc.Markup("Mediodía")),
        ((doc.Markup("miércoles, 25 de noviembre"), doc.Markup(""), doc.Markup("")),),
    )
    for size in (12, 18):
        widths = column_widths(table, size, 300)
        assert sum(widths) == pytest.approx(300)
        longest = [
            max(fonts_width(w, size) for w in ("When", "miércoles,")),
            max(fonts_width(w, size) for w in ("Day", "14", "12/4")),
            fonts_width("Mediodía", size),
        ]
        assert all(w >= need + 12 for w, need in zip(widths, longest, strict=True))


def fonts_width(word: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(word, fonts.BOLD, size)


def test_a_table_too_wide_for_the_page_is_an_error_not_an_overflow():
    fonts.register_fonts()
    table = doc.Table(tuple(doc.Markup("Supercalifragilistic") for _ in range(6)), ())
    with pytest.raises(RenderError) as caught:
        column_widths(table, 18, 525)
    assert "too wide for the page at this text size" in caught.value.lines()[0]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("diabetic", ["true", "false"])
def test_a_heading_stays_on_the_page_of_the_box_under_it(language, diabetic):
    """'When to get help' once sat alone at the foot of a large-print page, its boxes on the
    next one (ReportLab cannot keep a heading with a box that is itself kept together)."""
    heading, box = {
        "en": ("When to get help", "Call the clinic at"),
        "es": ("Cuándo pedir ayuda", "Llame a la clínica al"),
    }[language]
    patient = TYPICAL | {"diabetic": diabetic}
    for large in (False, True):
        pdf = render_handout("discharge", patient, language=language, large_print=large).pdf
        pages = [p for p in pdf_pages(pdf) if heading in p]
        assert len(pages) == 1 and box in pages[0]


def test_spanish_one_oclock_takes_the_singular_article():
    patient = TYPICAL | {"sedation": "true", "procedure_time": "09:30"}
    text = pdf_text(render_handout("pre-procedure", patient, language="es").pdf)
    # 8 hours of fasting before 9:30: "a la 1:30", never "a las 1:30"
    assert "Deje de comer el viernes, 20 de noviembre, a la 1:30 a. m." in text
    assert "hasta el sábado, 21 de noviembre, a las 10:40" in text  # 24 h after leaving
