"""Print that never breaks what a patient must read whole (issue 13), checked on the PDF.

The page geometry comes from pypdf's text visitor: every piece of text with its baseline, font
and size, grouped into printed lines. Checked for the typical patient, a patient with every
option, large print, Spanish and A4 paper: phone numbers, dates with their weekday, clock
times and "Call 911" on one line; the page header in whole label-value pairs, the same on every
page; no heading at the foot of a page; tables of up to 10 rows on one page; the signature
never alone; in large print every character at least 18 pt and the 911 advice on page 1.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache

import pytest
from pypdf import PdfReader

from esi_docs.api import render_handout
from esi_docs.inputs.clinic import parse_clinic
from tests.conftest import TYPICAL

EVERY_OPTION = TYPICAL | {
    "approach": "transforaminal",
    "region": "cervical",
    "level": "C6-C7",
    "side": "left",
    "diabetic": "true",
    "sedation": "true",
    "blood_thinner": "Plavix",
    "blood_thinner_held": "all",
    "procedure_time": "13:15",
    "follow_up": "2026-12-04",
    "physician": "Dr. A. Rivera",
}
LETTER = {"procedure_date": "2026-12-20", "follow_up": "2027-01-04"}
LONG_CLINIC = "Northwest Regional Spine, Pain and Rehabilitation Center LLC"  # 60 characters
# 100 characters, hyphenated like many real names
LONG_NAME = (
    "Maria Guadalupe Fernanda Example-Rodriguez de la Cruz y Montenegro Villanueva Santamaria "
    "Ortega Pino"
)

# (id, handout, patient, language, large print, paper)
VARIANTS = [
    ("typical", "discharge", TYPICAL, "en", False, "letter"),
    ("every-option", "discharge", EVERY_OPTION, "en", False, "letter"),
    # Large print without diabetes: the blood-sugar log's five columns cannot hold a whole
    # date at 18 pt (see test_a_table_too_narrow_for_whole_dates_breaks_after_the_weekday).
    ("large-print", "discharge", EVERY_OPTION | {"diabetic": "false"}, "en", True, "letter"),
    ("spanish", "discharge", EVERY_OPTION, "es", False, "letter"),
    ("spanish-large-a4", "discharge", EVERY_OPTION | {"diabetic": "false"}, "es", True, "a4"),
    ("a4", "discharge", TYPICAL, "en", False, "a4"),
    ("letter-every-option", "pre-procedure", EVERY_OPTION | LETTER, "en", False, "letter"),
    ("letter-spanish-large", "pre-procedure", EVERY_OPTION | LETTER, "es", True, "a4"),
    ("guide-large", "guide", None, "es", True, "letter"),
]


@dataclass(frozen=True)
class Line:
    """One printed line: its baseline, the sizes and fonts on it, and its text (no-break
    spaces read as spaces: where a line may break is what is being checked)."""

    y: float
    sizes: frozenset[float]
    bold_only: bool
    text: str


def page_lines(pdf: bytes) -> list[list[Line]]:
    """Every page's printed lines, top to bottom."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        pieces: dict[float, list[tuple[float, str, str]]] = {}

        def visit(text, cm, tm, font, size, pieces=pieces):
            if not text.strip() or font is None:  # line feeds pypdf reports, not glyphs
                return
            y = round(tm[5] * cm[3] + cm[5], 1)
            name = str((font or {}).get("/BaseFont", ""))
            pieces.setdefault(y, []).append((round(size * tm[3] * cm[3], 1), name, text))

        page.extract_text(visitor_text=visit)
        lines = []
        for y in sorted(pieces, reverse=True):
            parts = pieces[y]
            text = "".join(t for _, _, t in parts).replace("\n", "")
            if not text.strip():
                continue
            bold = all("Bold" in name for _, name, t in parts if t.strip())
            plain = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
            lines.append(Line(y, frozenset(s for s, _, _ in parts), bold, plain))
        pages.append(lines)
    return pages


@lru_cache(maxsize=32)
def rendered(handout: str, patient_items, language: str, large: bool, paper: str, clinic=None):
    patient = dict(patient_items) if patient_items is not None else None
    profile = parse_clinic(dict(clinic), "clinic.yaml") if clinic else None
    pdf = render_handout(
        handout, patient, profile, language=language, large_print=large, paper=paper
    ).pdf
    return page_lines(pdf)


def lines_of(variant, clinic=None) -> list[list[Line]]:
    _, handout, patient, language, large, paper = variant
    items = tuple(sorted(patient.items())) if patient is not None else None
    return rendered(handout, items, language, large, paper, clinic)


IDS = [v[0] for v in VARIANTS]
_SPACE = "[ \u00a0\u202f]"
_MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAYS_EN = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS_ES = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
_DAYS_ES = "lunes|martes|miércoles|jueves|viernes|sábado|domingo"
WHOLE = {
    "phone number": rf"\(\d{{3}}\){_SPACE}\d{{3}}-\d{{4}}",
    "Call 911": rf"(?i:call|llame al){_SPACE}911",  # "Call 911 ..." or "... or call 911"
    "clock time": rf"\b\d{{1,2}}:\d{{2}}{_SPACE}(AM|PM|a\.{_SPACE}m\.|p\.{_SPACE}m\.)",
    "date with weekday (en)": rf"({_DAYS_EN}),{_SPACE}({_MONTHS_EN}){_SPACE}\d{{1,2}}",
    "date with weekday (es)": rf"({_DAYS_ES}),{_SPACE}\d{{1,2}}{_SPACE}de{_SPACE}({_MONTHS_ES})",
}


@pytest.mark.parametrize("variant", VARIANTS, ids=IDS)
def test_phone_numbers_dates_times_and_call_911_are_never_broken(variant):
    for number, page in enumerate(lines_of(variant), 1):
        as_lines = "\n".join(line.text for line in page)
        as_text = " ".join(line.text for line in page)
        for what, pattern in WHOLE.items():
            whole = len(re.findall(pattern, as_lines))
            anywhere = len(re.findall(pattern, as_text))
            assert whole == anywhere, f"page {number}: a {what} is broken across two lines"


def _header(page: list[Line], language: str) -> list[Line]:
    """The page header: the lines from the top down to the procedure date's."""
    label = {"en": "Procedure date:", "es": "Procedimiento:"}[language]
    last = next(i for i, line in enumerate(page) if label in line.text)
    return page[: last + 1]


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_header_never_wraps_into_a_dangling_word(language, large, paper):
    """A 60-character clinic name and a 100-character patient name: every header line is
    whole label-value pairs (or the clinic's name and phones), the same on every page."""
    patient = TYPICAL | {"name": LONG_NAME}
    clinic = (("name", LONG_CLINIC), ("phone", "(555) 010-0100"))
    variant = ("long", "discharge", patient, language, large, paper)
    pages = lines_of(variant, clinic)
    labels = {
        "en": ("Patient:", "Date of birth:", "MRN:", "Procedure date:"),
        "es": ("Paciente:", "Fecha de nacimiento:", "Expediente:", "Procedimiento:"),
    }[language]
    first = [line.text for line in _header(pages[0], language)]
    for page in pages:
        header = [line.text for line in _header(page, language)]
        assert header == first  # the same fixed lines on every page
    joined = "\n".join(first)
    mrn, dob, when = ("MRN: 0012345", "April 12, 1961", "Friday, November 20")
    if language == "es":
        mrn, dob, when = ("Expediente: 0012345", "12 de abril de 1961", "viernes, 20 de noviembre")
    for whole in (mrn, dob, when, "(555) 010-0100"):
        assert whole in joined, whole
    name_at = next(i for i, line in enumerate(first) if line.startswith(labels[0]))
    for index, line in enumerate(first):
        assert len(line.split()) > 1, f"a dangling word in the header: {line!r}"
        assert not line.endswith(":"), f"a label without its value: {line!r}"
        if index > name_at and not line.startswith(labels):
            # only the patient's name may go on to the next line, between its words
            piece = line.split(labels[1])[0].strip()
            assert f" {piece}" in f" {LONG_NAME}", line


@pytest.mark.parametrize(
    "variant", [v for v in VARIANTS if v[4]], ids=[v[0] for v in VARIANTS if v[4]]
)
def test_large_print_every_character_is_18_pt_or_more_header_and_footer_included(variant):
    pages = lines_of(variant)
    sizes = {size for page in pages for line in page for size in line.sizes}
    assert min(sizes) >= 18
    if variant[1] == "discharge":  # the 911 advice on the first page, whatever the size
        assert re.search(WHOLE["Call 911"], " ".join(line.text for line in pages[0]))


def _heading_size(variant) -> float:
    return 22.5 if variant[4] else 15.0  # heading style: 1.25 x the body size


@pytest.mark.parametrize("variant", VARIANTS, ids=IDS)
def test_a_heading_never_ends_a_page(variant):
    """A section heading has at least two lines of its section under it on the same page."""
    heading = _heading_size(variant)
    for number, page in enumerate(lines_of(variant), 1):
        for index, line in enumerate(page):
            if line.bold_only and line.sizes == {heading}:
                below = [x for x in page[index + 1 :] if not _is_footer(x, variant)]
                assert len(below) >= 2, f"page {number}: heading {line.text!r} at the foot"


def _is_footer(line: Line, variant) -> bool:
    """The footer and the approval / DRAFT mark sit in the bottom margin."""
    return line.y < (110 if variant[4] else 70)


def _page_of(pages: list[list[Line]], text: str) -> set[int]:
    return {n for n, page in enumerate(pages) for line in page if text in line.text}


@pytest.mark.parametrize(
    ("language", "large", "paper", "days"),
    [
        ("en", False, "letter", 5),
        ("en", False, "letter", 9),  # 10 rows: the most a table may have
        ("es", False, "letter", 9),
        ("en", False, "a4", 9),
        ("es", False, "a4", 9),
        ("en", True, "letter", 5),  # the clinic's default log in large print
        ("es", True, "letter", 5),  # whole dates took three lines a row: it split (issue 13)
        ("es", True, "a4", 9),
        ("en", True, "letter", 9),
    ],
)
def test_a_blood_sugar_log_of_up_to_10_rows_is_on_one_page(language, large, paper, days):
    profile = parse_clinic({"protocol": {"glucose_check_days": str(days)}}, "clinic.yaml")
    patient = TYPICAL | {"diabetic": "true"}
    pdf = render_handout(
        "discharge", patient, profile, language=language, large_print=large, paper=paper
    ).pdf
    pages = page_lines(pdf)
    first, second = ("Date", "Morning") if language == "en" else ("Fecha", "Mañana")
    (where,) = [
        (n, i)
        for n, page in enumerate(pages)
        for i, x in enumerate(page)
        if x.text.startswith(first) and second in x.text  # not "Fecha de nacimiento: ..."
    ]  # one header: a table split over two pages repeats it
    below = " ".join(x.text for x in pages[where[0]][where[1] + 1 :])
    for day in _log_days(language, days, large):
        assert day in below, f"{day} is not under the log's header on its page"


def _log_days(language: str, days: int, large: bool) -> list[str]:
    """Each row's day and month ("November 21", "21 de noviembre"; in large print the short
    form, "Nov 21", "21 nov")."""
    from datetime import date, timedelta

    from babel.dates import format_date

    if large:
        pattern = "MMM d" if language == "en" else "d MMM"
    else:
        pattern = "MMMM d" if language == "en" else "d 'de' MMMM"
    start = date(2026, 11, 20)
    return [
        format_date(start + timedelta(days=n), pattern, locale=language) for n in range(days + 1)
    ]


def test_a_table_too_narrow_for_whole_dates_breaks_after_the_weekday():
    """A five-column log of whole dates in large print cannot hold "Wednesday, November 25"
    on one line at 18 pt: the weekday takes its own line and no word is ever cut. (The
    packaged blood-sugar log uses short dates in large print; content may still write whole
    ones, so the layout is checked on such a table.)"""
    from dataclasses import replace

    from markupsafe import escape

    from esi_docs.api import compose_handout
    from esi_docs.content import document as doc
    from esi_docs.render.pdf import render_pdf

    columns = tuple(escape(c) for c in ("Date", "Morning", "Midday", "Evening", "Bedtime"))
    days = ("Friday, November 20", "Monday, November 23", "Wednesday, November 25")
    log = doc.Table(columns, tuple((escape(day),) + (escape(""),) * 4 for day in days))
    sheet = compose_handout("discharge", TYPICAL, language="en", large_print=True)
    sheet = replace(sheet, sections=(doc.Section(escape("Your log"), (log,)),))
    lines = [x.text for page in page_lines(render_pdf(sheet)) for x in page]
    at = lines.index("Wednesday,")
    assert lines[at + 1] == "November 25"
    words = {w.strip(".,:") for line in lines for w in line.split()}
    assert not {"Wednes", "Novem", "ber", "nesday", "vember"} & words


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_large_print_pain_diary_is_on_one_page(language):
    variant = ("diary", "discharge", EVERY_OPTION, language, True, "letter")
    pages = lines_of(variant)
    rows = {
        "en": ("Before the shot", "30 minutes after", "6 hours after", "Day 7", "Day 14"),
        "es": ("Antes de la inyección", "30 minutos después", "6 horas después", "Día 7", "Día 14"),
    }[language]
    where = set().union(*(_page_of(pages, row) for row in rows))
    assert len(where) == 1


@pytest.mark.parametrize(
    "variant",
    [v for v in VARIANTS if v[1] == "discharge"],
    ids=[v[0] for v in VARIANTS if v[1] == "discharge"],
)
def test_the_signature_never_stands_alone_on_a_page(variant):
    """With the statement being signed and the block before it; four lines (an interpreter)
    go two to a row, each label on one line in normal print."""
    language = variant[3]
    sign, statement, before = {
        "en": (
            "Patient signature",
            "I got these instructions.",
            "Call 911 or go to the emergency room",
        ),
        "es": (
            "Su firma",
            "Recibí estas instrucciones.",
            "Llame al 911 o vaya a la sala de emergencias",
        ),
    }[language]
    pages = lines_of(variant)
    (page,) = _page_of(pages, sign)
    assert page in _page_of(pages, statement)
    if not variant[4]:  # normal print: the block before it comes along too (in large print
        # the emergency box alone fills most of a page; the statement always comes along)
        assert page in _page_of(pages, before)
    if language != "en":
        assert page in _page_of(pages, "Intérprete:")


def test_four_signature_lines_go_two_to_a_row_with_whole_labels():
    pages = lines_of(VARIANTS[3])  # Spanish, every option, normal print
    lines = [x.text for page in pages for x in page]
    assert "Su firmaFirma de enfermería" in lines  # one table row: cells run together
    assert "Intérprete: nombre o númeroFecha y hora" in lines


@pytest.mark.parametrize(
    "variant", [v for v in VARIANTS if v[4]], ids=[v[0] for v in VARIANTS if v[4]]
)
def test_a_wrapped_draft_mark_never_ends_on_one_word(variant):
    for page in lines_of(variant):
        marks = [x.text for x in page if _is_footer(x, variant) and "DRAFT" not in x.text]
        for text in marks:
            if not text.startswith(("Content", "Contenido")):
                assert len(text.split()) > 1, text
