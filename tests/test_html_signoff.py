"""The web page carries the sign-off mark the PDF prints on every page (issue 16: everything
`render` does for a PDF holds for the web page): DRAFT until the clinic approved exactly this
content version, then who approved it and when."""

from __future__ import annotations

from bs4 import BeautifulSoup

from esi_docs.api import RenderRequest, compose_handout, render
from esi_docs.inputs.clinic import load_clinic
from esi_docs.inputs.patient import parse_patient
from tests.conftest import TYPICAL, pdf_text, write_yaml


def _page(clinic=None, fmt="html") -> bytes:
    request = RenderRequest("discharge", parse_patient(TYPICAL, "p"), format=fmt)
    if clinic is not None:
        request = RenderRequest("discharge", request.patient, clinic, format=fmt)
    return render(request).data


def _text(page: bytes) -> str:
    return BeautifulSoup(page, "html.parser").get_text(" ")


def test_an_unapproved_page_says_draft_before_anything_else_and_at_the_end_like_the_pdf():
    page = _page()
    soup = BeautifulSoup(page, "html.parser")
    mark = compose_handout("discharge", TYPICAL).approval.mark
    assert "DRAFT" in mark and _text(page).count(mark) == 2
    first = soup.find(string=lambda s: s and mark in s)
    assert first.find_parent("main") is None and first.find_next("main") is not None
    assert mark in soup.find("footer").get_text(" ")
    assert mark in pdf_text(_page(fmt="pdf"))


def test_an_approved_page_names_who_approved_which_version(tmp_path):
    version = compose_handout("discharge", TYPICAL).approval.version
    approval = {"version": version, "approved_by": "Dr. Lee", "approved_on": "2026-11-01"}
    clinic = load_clinic(
        write_yaml(tmp_path / "clinic.yaml", {"content_approval": {"en": approval}})
    )
    page = _page(clinic)
    footer = BeautifulSoup(page, "html.parser").find("footer").get_text(" ")
    assert "DRAFT" not in _text(page)
    assert "Dr. Lee" in footer and version in footer
