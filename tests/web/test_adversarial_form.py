"""The checkout form as an input path (issue 7 over issue 6): what a nurse or a scanner types
into the form is data, exactly like a patient file: markup prints literally, unprintable
characters are refused next to the field, and nothing active reaches the PDF."""

from __future__ import annotations

import pytest

from tests.adversarial.conftest import assert_no_canary, pdf_features
from tests.conftest import pdf_pages

MARKUP = [
    '<font color="red" size="40">Ann</font>',
    '<a href="https://example.org/x">Ann</a>',
    '<img src="/etc/passwd" width="9"/>Ann',
    '<onDraw name="boom" label="x"/>Ann',
    "<link href='javascript:1'>A</link>",  # fits the 40-character MRN
    "Ann &amp; &#x41; <![CDATA[x]]>",
]


@pytest.mark.parametrize("typed", MARKUP)
@pytest.mark.parametrize("field", ["name", "mrn"])
def test_markup_typed_into_the_form_prints_literally(post_form, field, typed):
    response = post_form(**{field: typed})
    assert response.status_code == 200, response.data[:300]
    assert all(typed in page for page in pdf_pages(response.data))
    assert pdf_features(response.data) == set()


@pytest.mark.parametrize(
    ("typed", "character"),
    [
        ("Ann\u202eE", "U+202E"),
        ("Ann\u200bLee", "U+200B"),
        ("Ann\x07Lee", "U+0007"),
        ("שלום", "U+05E9"),
        ("Ann 😀", "U+1F600"),
    ],
)
def test_unprintable_names_are_refused_next_to_the_field(post_form, typed, character):
    response = post_form(name=typed)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert character.encode() in response.data


@pytest.mark.parametrize("flag", ["diabetic", "sedation"])
def test_a_blank_yes_no_is_never_no(post_form, flag):
    response = post_form(**{flag: ""})
    assert response.status_code == 422
    assert response.mimetype == "text/html"


def test_error_pages_do_not_echo_the_patient(post_form):
    response = post_form(dob="1961-13-45")
    assert response.status_code == 422
    # the form is shown again with what was typed (the nurse's own screen), but the
    # response headers never carry patient data
    assert_no_canary(str(dict(response.headers)), "response headers")
