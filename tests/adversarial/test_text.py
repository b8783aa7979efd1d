"""Text that cannot print exactly is refused naming the field and the character; text that can
prints exactly (read back from the PDF) and stays inside the page margins."""

from __future__ import annotations

import pytest

from esi_docs.api import render_handout
from esi_docs.errors import InputError
from esi_docs.inputs.patient import NAME_LIMIT, parse_patient
from esi_docs.render.pdf import MARGIN
from tests.adversarial.conftest import word_boxes
from tests.conftest import TYPICAL, pdf_text, write_yaml

TEXT_FIELDS = ("name", "mrn", "physician", "level", "blood_thinner")

REFUSED = [
    ("\x07", "contains a control character U+0007 (unnamed)"),
    ("\x1b[31m", "contains a control character U+001B (unnamed)"),
    ("\x85", "contains a control character U+0085 (unnamed)"),
    ("\u202e", "contains an invisible formatting character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\u2066", "contains an invisible formatting character U+2066 (LEFT-TO-RIGHT ISOLATE)"),
    ("\u200b", "contains an invisible formatting character U+200B (ZERO WIDTH SPACE)"),
    ("\u200d", "contains an invisible formatting character U+200D (ZERO WIDTH JOINER)"),
    ("\ufeff", "contains an invisible formatting character U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ("\u00ad", "contains an invisible formatting character U+00AD (SOFT HYPHEN)"),
    ("\u2028", "contains a line separator U+2028 (LINE SEPARATOR)"),
    ("\u2029", "contains a paragraph separator U+2029 (PARAGRAPH SEPARATOR)"),
    ("\ue000", "contains a private-use character U+E000 (unnamed)"),
    ("\U0001f600", "contains U+1F600 (GRINNING FACE), which the handout font cannot print"),
    (
        "\U0001f44d\U0001f3fd",
        "contains U+1F44D (THUMBS UP SIGN), which the handout font cannot print",
    ),
    (
        "\U0001d400",
        "contains U+1D400 (MATHEMATICAL BOLD CAPITAL A), which the handout font cannot print",
    ),
    ("山田", "contains U+5C71 (CJK UNIFIED IDEOGRAPH-5C71), which the handout font cannot print"),
    ("देव", "contains U+0926 (DEVANAGARI LETTER DA), which the handout font cannot print"),
    ("สมชาย", "contains U+0E2A (THAI CHARACTER SO SUA), which the handout font cannot print"),
    (
        "שלום",
        "contains right-to-left text U+05E9 (HEBREW LETTER SHIN), which the handouts cannot "
        "print yet",
    ),
    (
        "محمد",
        "contains right-to-left text U+0645 (ARABIC LETTER MEEM), which the handouts cannot "
        "print yet",
    ),
]


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(("inserted", "message"), REFUSED)
def test_unprintable_text_is_refused_naming_field_and_character(field, inserted, message):
    with pytest.raises(InputError) as caught:
        parse_patient(TYPICAL | {field: f"Ab{inserted}cd"}, "patient.yaml")
    assert str(caught.value) == f"patient.yaml: {field}: {message}"


def test_every_problem_of_the_file_is_listed_with_its_own_field():
    patient = TYPICAL | {"name": "A\u202eB", "mrn": "12\u200b3", "physician": "Dr 山"}
    with pytest.raises(InputError) as caught:
        parse_patient(patient, "patient.yaml")
    assert [p.split(": ")[1] for p in caught.value.lines()] == ["name", "mrn", "physician"]


def test_the_cli_names_the_file_the_field_and_the_character(tmp_path, run_cli):
    patient = write_yaml(tmp_path / "p.yaml", TYPICAL | {"name": "Zyxwv \U0001f600"})
    out = tmp_path / "o.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {patient}: name: contains U+1F600 (GRINNING FACE), which the handout "
        "font cannot print\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Nguye\u0302\u0303n Thi\u0323 A\u0301nh Tuye\u0302\u0301t", "Nguyễn Thị Ánh Tuyết"),
        ("Łukasz Żółć", "Łukasz Żółć"),
        ("Zoe\u0308 Mu\u0308ller", "Zoë Müller"),
        ("Ἀλέξανδρος Ивановъ", "Ἀλέξανδρος Ивановъ"),
        ("ნინო Աննա", "ნინო Աննա"),
        ("Smile ☺ ♥", "Smile ☺ ♥"),
        ("Dvořák-Šťastný", "Dvořák-Šťastný"),
    ],
)
def test_latin_greek_cyrillic_and_decomposed_text_print_exactly(typed, printed):
    pdf = render_handout("discharge", TYPICAL | {"name": typed, "physician": typed}).pdf
    text = pdf_text(pdf)
    assert f"Patient: {printed}" in text
    assert f"Your doctor was {printed}." in text


@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_longest_name_without_spaces_wraps_inside_the_margins(tmp_path, paper, large_print):
    name = "Zyxwv" + "W" * (NAME_LIMIT - 5)
    patient = TYPICAL | {"name": name, "physician": name}
    pdf = render_handout("discharge", patient, paper=paper, large_print=large_print).pdf
    words, width = word_boxes(pdf, tmp_path)
    assert any(word.startswith("Zyxwv") for word, _, _ in words)
    outside = [(w, x0, x1) for w, x0, x1 in words if x0 < MARGIN - 1 or x1 > width - MARGIN + 1]
    assert outside == []
    # Wrapped, the name still reads back whole once line breaks are removed.
    assert name in pdf_text(pdf).replace(" ", "")


@pytest.mark.parametrize(("field", "limit"), [("name", 100), ("physician", 100), ("mrn", 40)])
def test_one_character_over_the_documented_length_is_refused(field, limit):
    with pytest.raises(InputError) as caught:
        parse_patient(TYPICAL | {field: "W" * (limit + 1)}, "patient.yaml")
    assert str(caught.value) == (
        f"patient.yaml: {field}: is {limit + 1} characters long; the limit is {limit}"
    )
