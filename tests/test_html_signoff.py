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


def _marks(page: bytes) -> list[tuple[str, str]]:
    soup = BeautifulSoup(page, "html.parser")
    return [(m.find_parent(["header", "footer"]).name, " ".join(m["class"]))
            for m in soup.select("p.approval")]  # fmt: skip


def test_an_unapproved_page_says_draft_at_the_top_and_the_end_like_the_pdf():
    page = _page()
    text = BeautifulSoup(page, "html.parser").get_text(" ")
    mark = compose_handout("discharge", TYPICAL).approval.mark
    assert "DRAFT" in mark and text.count(mark) == 2
    assert _marks(page) == [("header", "approval draft"), ("footer", "approval draft")]
    assert mark in pdf_text(_page(fmt="pdf"))


def test_an_approved_page_names_who_approved_which_version(tmp_path):
    version = compose_handout("discharge", TYPICAL).approval.version
    approval = {"version": version, "approved_by": "Dr. Lee", "approved_on": "2026-11-01"}
    clinic = load_clinic(
        write_yaml(tmp_path / "clinic.yaml", {"content_approval": {"en": approval}})
    )
    page = _page(clinic)
    text = BeautifulSoup(page, "html.parser").get_text(" ")
    assert "DRAFT" not in text
    assert "Dr. Lee" in text and version in text
    assert _marks(page) == [("header", "approval approved"), ("footer", "approval approved")]
