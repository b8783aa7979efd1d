"""The discharge sheet: what it says for each patient, and how it is laid out."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from esi_docs.api import render_handout
from esi_docs.inputs.clinic import parse_clinic
from esi_docs.render.pdf import MARGIN
from tests.conftest import TYPICAL, pdf_pages, pdf_text


def sheet(**changes) -> str:
    return pdf_text(render_handout("discharge", TYPICAL | changes).pdf)


@pytest.mark.parametrize(
    ("approach", "present", "absent"),
    [
        ("interlaminar", "between two bones in the back of your spine", "tailbone"),
        ("transforaminal", "where one nerve leaves", "between two bones"),
        ("caudal", "near your tailbone", "between two bones"),
    ],
)
def test_what_was_done_matches_the_approach(approach, present, absent):
    text = sheet(approach=approach)
    assert present in text
    assert absent not in text


@pytest.mark.parametrize(
    ("region", "present", "absent"),
    [
        ("cervical", "in your neck", "low back"),
        ("thoracic", "middle of your back", "low back"),
        ("lumbar", "in your low back", "in your neck"),
    ],
)
def test_what_was_done_matches_the_region(region, present, absent):
    text = sheet(region=region)
    assert present in text
    assert absent not in text


def test_caudal_mentions_urine_and_saddle_numbness():
    text = sheet(approach="caudal")
    assert "hard to pass urine" in text
    assert "Trouble passing urine that lasts until bedtime" in text
    assert "pass urine" not in sheet(approach="interlaminar")


def test_diabetes_section_only_for_diabetic_patients_with_a_real_date():
    text = sheet(diabetic="true")
    # procedure 2026-11-20 + glucose_check_days (5) = Wednesday, November 25
    assert "Wednesday, November 25" in text
    assert "300 mg/dL" in text
    assert "blood sugar" not in sheet(diabetic="false").lower()


def test_blood_thinner_section_names_the_drug_and_restart_date():
    text = sheet(blood_thinner="Eliquis", procedure_time="09:30")
    # restart after blood_thinner_restart_hours (24): Saturday, November 21 at 9:30 AM
    assert "Eliquis" in text
    assert "Saturday, November 21 at 9:30 AM" in text
    assert "Eliquis" not in sheet(blood_thinner="none")


def test_sedation_lengthens_escort_and_adds_alcohol_warning():
    clinic = parse_clinic({"protocol": {"escort_hours": "6", "sedation_escort_hours": "24"}}, "c")
    sedated = pdf_text(render_handout("discharge", TYPICAL | {"sedation": "true"}, clinic).pdf)
    awake = pdf_text(render_handout("discharge", TYPICAL, clinic).pdf)
    assert "stay with you for 24 hours" in sedated
    assert "alcohol" in sedated
    assert "stay with you for 6 hours" in awake
    assert "alcohol" not in awake


def test_clinic_values_reach_the_wording():
    clinic = parse_clinic(
        {
            "name": "North Spine",
            "phone": "(555) 222-3333",
            "protocol": {"fever_f": "101.2", "no_soaking_hours": "72", "lifting_limit_lb": "15"},
        },
        "c",
    )
    text = pdf_text(render_handout("discharge", TYPICAL, clinic).pdf)
    assert "fever over 101.2°F" in text
    assert "100.4" not in text
    assert "more than 15 pounds" in text
    # 72 hours after a Friday, November 20 procedure with no time given: through Monday
    assert "Do not soak in water through Monday, November 23" in text
    assert "North Spine" in text and "(555) 222-3333" in text


def test_warning_signs_in_two_tiers_with_phone_numbers():
    text = sheet()
    clinic_tier = text.index("Call the clinic at (555) 010-0100 (after hours: (555) 010-0199)")
    emergency_tier = text.index("Call 911 or go to the emergency room right away")
    assert clinic_tier < emergency_tier
    for sign in (
        "fever over 100.4°F",
        "worse when you sit or stand",
        "Loss of control of your bladder or bowels",
        "stiff neck and fever",
        "swelling of your face, lips or throat",
    ):
        assert sign in text


def test_acknowledgement_block():
    text = sheet()
    for line in ("Patient signature", "Nurse signature", "Date and time"):
        assert line in text


def test_every_page_has_identifiers_page_numbers_and_version():
    result = render_handout("discharge", TYPICAL)
    pages = pdf_pages(result.pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "Example Spine & Pain Clinic" in page
        assert "Maria Example" in page and "0012345" in page and "April 12, 1961" in page
        assert "Procedure date: Friday, November 20" in page
        assert f"Page {number} of {len(pages)}" in page
        assert result.document.content_version in page


@pytest.mark.parametrize("large_print", [False, True])
def test_body_text_size(large_print):
    """Body text is at least 12 pt (18 pt in large print); header and footer may be smaller."""
    pdf = render_handout("discharge", TYPICAL, large_print=large_print).pdf
    sizes = body_font_sizes(pdf)
    assert min(sizes) >= (18 if large_print else 12)


def body_font_sizes(pdf: bytes) -> set[float]:
    """Font sizes of text between the page header (ends with the procedure date) and footer."""
    sizes: set[float] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fragments: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font, size, fragments=fragments):
            if text.strip():
                y = tm[5] * cm[3] + cm[5]
                fragments.append((y, round(size * tm[3] * cm[3], 1), text))

        page.extract_text(visitor_text=visit)
        header_bottom = min(y for y, _, text in fragments if "Friday, November 20" in text)
        footer_top = MARGIN + 1
        sizes |= {size for y, size, _ in fragments if footer_top < y < header_bottom}
    return sizes


def test_large_print_grows_the_page_count():
    normal = len(pdf_pages(render_handout("discharge", TYPICAL).pdf))
    large = len(pdf_pages(render_handout("discharge", TYPICAL, large_print=True).pdf))
    assert large > normal


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Ánh Tuyết",
        "Łukasz Żółć",
        "O'Brien-Müller",
        "AT&T <Jr>",
        '<font color="red">Bob</font>',
        "<b>Ann</b> & <i>Lee</i>",
        'Zoë "Zed" <br/> Smith',
    ],
)
def test_names_print_exactly_and_are_never_markup(name):
    pages = pdf_pages(render_handout("discharge", TYPICAL | {"name": name}).pdf)
    assert all(name in page for page in pages)


def test_typical_patient_fits_three_letter_pages():
    # Two pages before issue 13 added what the best sheets carry; three at most now.
    assert len(pdf_pages(render_handout("discharge", TYPICAL).pdf)) <= 3


def test_mrn_leading_zeros_survive_to_the_pdf():
    assert "MRN: 0012345" in sheet()
