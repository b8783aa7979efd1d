"""The reading grade of the printed English discharge sheet, measured on the PDF's own text."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from esi_docs.api import render_handout
from esi_docs.lint.reading import ENGLISH_WARNING_GRADE, measure
from tests.conftest import TYPICAL

# Page furniture repeated on every page (clinic line, patient line, content version, page
# number): identification, not instructions to read.
_FURNITURE = re.compile(r"^(Example Spine & Pain Clinic ·|Patient: |Content \d|Page \d+ of \d+)")


def pdf_sentences(data: bytes) -> list[str]:
    """The PDF's text as a reader takes it in: wrapped lines joined, each bullet, heading and
    paragraph its own unit (a heading or bullet without a full stop gets one)."""
    units: list[str] = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for raw in page.extract_text().splitlines():
            line = raw.strip()
            if not line or _FURNITURE.match(line):
                continue
            for part in line.split("•"):
                part = part.strip()
                if not part:
                    units.append("")  # a bullet starts a new unit
                elif units and units[-1] and part[0].islower():
                    units[-1] += f" {part}"  # a wrapped line continues the sentence
                else:
                    units.append(part)
    return [u if u[-1] in ".!?:" else f"{u}." for u in units if u]


def test_pdf_text_is_split_the_way_a_reader_sees_it():
    units = pdf_sentences(render_handout("discharge", TYPICAL).pdf)
    assert (
        "Numbness or weakness that gets worse, spreads, or lasts more than 8 hours? Go to the "
        "emergency room or call 911. Go also if you cannot pass urine for 8 hours, or lose "
        "control of your bladder or bowels."
    ) in units
    assert "What to avoid." in units
    assert not any(u.startswith("Page ") for u in units)


def test_english_discharge_sheet_reads_at_grade_6_or_below():
    units = pdf_sentences(render_handout("discharge", TYPICAL).pdf)
    result = measure(units, "en")
    assert result is not None
    assert result.measure == "Flesch-Kincaid grade"
    assert result.score <= ENGLISH_WARNING_GRADE, result
    assert result.level is None
