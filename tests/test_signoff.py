"""Sign-off (issue 13): no unapproved content reaches a patient unmarked, wherever it is made.

The same rule for render, batch, reprint, the web page, the checkout form and /health, and
`esi-docs lint --clinic` lists what a content owner must do before the sheets stop saying DRAFT.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from bs4 import BeautifulSoup
from pypdf import PdfReader

from esi_docs.api import compose_handout, lay_out, render_handout
from esi_docs.content.compose import library
from esi_docs.inputs.clinic import load_clinic, parse_clinic
from esi_docs.web import create_app
from tests.conftest import TYPICAL, pdf_pages, write_yaml

CLINIC = {"name": "Test Spine Clinic", "phone": "(555) 010-0100"}
VERSION = str(library(None).language("en").meta["version"])


def approving(*languages: str, version: str = VERSION) -> dict:
    """A clinic file approving these languages' content at `version`."""
    approval = {"version": version, "approved_by": "Dr. Jane Roe", "approved_on": "2026-11-16"}
    return CLINIC | {"content_approval": {lang: dict(approval) for lang in languages}}


def pages(clinic_data: dict | None, language: str = "en", handout: str = "discharge", **kw):
    clinic = parse_clinic(clinic_data, "clinic.yaml") if clinic_data is not None else None
    patient = TYPICAL if handout != "guide" else None
    return pdf_pages(render_handout(handout, patient, clinic, language=language, **kw).pdf)


# --- the sheet itself -------------------------------------------------------------------------


def test_the_packaged_clinic_approves_nothing_so_every_page_says_draft():
    found = pages(None, large_print=True)
    assert len(found) > 1
    clinic = load_clinic(None).name
    assert all(f"DRAFT - not approved by {clinic}" in page for page in found)


def test_a_spanish_draft_says_so_in_spanish_and_keeps_the_word_draft():
    found = pages(CLINIC, language="es")
    assert all("BORRADOR (DRAFT) - no aprobado por Test Spine Clinic" in p for p in found)


def test_an_approval_of_exactly_this_version_names_who_and_when_on_every_page():
    for handout in ("discharge", "pre-procedure", "guide"):
        found = pages(approving("en"), handout=handout)
        assert not any("DRAFT" in page for page in found), handout
        approved = f"Approved by Dr. Jane Roe on November 16, 2026 (content {VERSION})"
        assert all(approved in page for page in found), handout


def test_an_approval_of_another_version_or_language_leaves_a_draft():
    assert all("DRAFT" in p for p in pages(approving("en", version="2025.01.0")))
    assert all("DRAFT" in p for p in pages(approving("en"), language="es"))
    spanish = pages(approving("es"), language="es")
    assert all("Aprobado por Dr. Jane Roe el 16 de noviembre de 2026" in p for p in spanish)


def test_the_web_page_says_draft_before_the_content_and_in_its_footer():
    clinic = parse_clinic(CLINIC, "clinic.yaml")
    page = lay_out(compose_handout("discharge", TYPICAL, clinic), "html")
    soup = BeautifulSoup(page, "html.parser")
    banner = soup.find("p", class_="draft")
    assert banner.get_text() == "DRAFT - not approved by Test Spine Clinic"
    assert banner.find_next("main") is not None  # before the first heading a patient reads
    assert "DRAFT" in soup.find("footer").get_text()
    approved = parse_clinic(approving("en"), "clinic.yaml")
    page = lay_out(compose_handout("discharge", TYPICAL, approved), "html").decode()
    assert "DRAFT" not in page and "Approved by Dr. Jane Roe" in page


# --- batch and reprint ----------------------------------------------------------------------


def test_batch_sheets_carry_the_same_mark(run_cli, tmp_path):
    roster = tmp_path / "r.yaml"
    roster.write_text(json.dumps([dict(TYPICAL)]), encoding="utf-8")
    clinic = write_yaml(tmp_path / "clinic.yaml", approving("es"))
    out = tmp_path / "out"
    args = ("--roster", str(roster), "--clinic", str(clinic), "--out-dir", str(out))
    result = run_cli("batch", "discharge", *args)
    assert result.exit_code == 0, result.stderr
    (sheet,) = out.glob("*.pdf")
    found = [" ".join(p.extract_text().split()) for p in PdfReader(sheet).pages]
    assert all("DRAFT - not approved by Test Spine Clinic" in page for page in found)


def test_a_reprint_shows_the_mark_that_was_printed_not_todays(run_cli, tmp_path, private_audit_db):
    patient = write_yaml(tmp_path / "p.yaml", TYPICAL)
    draft_clinic = write_yaml(tmp_path / "draft.yaml", CLINIC)
    first = tmp_path / "first.pdf"
    args = ("--patient", str(patient), "--clinic", str(draft_clinic), "-o", str(first))
    assert run_cli("render", "discharge", *args).exit_code == 0
    # The clinic approves the content afterwards: the record still holds the draft profile.
    write_yaml(draft_clinic, approving("en"))
    again = tmp_path / "again.pdf"
    result = run_cli("reprint", "1", "-o", str(again))
    assert result.exit_code == 0, result.stderr
    text = [" ".join(p.extract_text().split()) for p in PdfReader(again).pages]
    assert all("DRAFT - not approved by Test Spine Clinic" in page for page in text)
    with sqlite3.connect(private_audit_db) as conn:
        stored = json.loads(conn.execute("SELECT clinic FROM renders WHERE id = 1").fetchone()[0])
    assert stored["content_approval"] == {}


def test_a_reprint_of_an_approved_sheet_keeps_its_approval(run_cli, tmp_path):
    patient = write_yaml(tmp_path / "p.yaml", TYPICAL)
    clinic = write_yaml(tmp_path / "c.yaml", approving("en"))
    first = tmp_path / "first.pdf"
    args = ("--patient", str(patient), "--clinic", str(clinic), "-o", str(first))
    assert run_cli("render", "discharge", *args).exit_code == 0
    again = tmp_path / "again.pdf"
    assert run_cli("reprint", "1", "-o", str(again)).exit_code == 0
    reader = PdfReader(io.BytesIO(again.read_bytes()))
    assert all("Approved by Dr. Jane Roe" in p.extract_text() for p in reader.pages)


# --- the checkout form and /health ---------------------------------------------------------


def _client(clinic_data: dict):
    app = create_app(parse_clinic(clinic_data, "clinic.yaml"))
    app.config["TESTING"] = True
    return app.test_client()


def test_the_form_says_each_languages_status_beside_show_sheet():
    soup = BeautifulSoup(_client(approving("en")).get("/").get_data(as_text=True), "html.parser")
    button = soup.find(id="show-sheet")
    status = soup.find(id=button["aria-describedby"])
    assert status is button.find_next_sibling()  # right beside the button, and its description
    lines = {p["data-language"]: (p["class"], p.get_text()) for p in status.find_all("p")}
    assert lines["en"] == (
        ["approved"],
        f"English: approved by Dr. Jane Roe on 2026-11-16 (content {VERSION}).",
    )
    assert lines["es"][0] == ["draft"]
    assert lines["es"][1].startswith(f"Español: DRAFT, content {VERSION} is not approved.")
    assert "Every page of the sheet will say DRAFT." in lines["es"][1]


def test_the_form_names_an_approval_of_an_older_version():
    page = _client(approving("en", version="2025.01.0")).get("/").get_data(as_text=True)
    assert "the approval on file is for 2025.01.0" in page


def test_health_gives_the_approval_status_per_language():
    answer = _client(approving("en")).get("/health").get_json()
    assert answer["approval"]["en"] == {
        "version": VERSION,
        "approved": True,
        "approved_by": "Dr. Jane Roe",
        "approved_on": "2026-11-16",
        "approved_version": VERSION,
    }
    assert answer["approval"]["es"]["approved"] is False
    assert answer["approval"]["es"]["approved_version"] == ""
    assert answer["languages"] == {"en": VERSION, "es": VERSION}


# --- lint --clinic -------------------------------------------------------------------------


def _lint_lines(run_cli, clinic: Path) -> list[str]:
    result = run_cli("lint", "--clinic", str(clinic), "--format", "json")
    return [
        f"{f['level']}: {f['message']}"
        for f in json.loads(result.stdout)["findings"]
        if f["check"] == "signoff"
    ]


def test_lint_lists_unapproved_languages_and_approvals_of_content_under_review(run_cli, tmp_path):
    data = approving("es")
    data["content_approval"]["fr"] = dict(data["content_approval"]["es"])  # no YAML anchors
    data["content_approval"]["en"] = dict(data["content_approval"]["es"], version="2025.01.0")
    lines = _lint_lines(run_cli, write_yaml(tmp_path / "clinic.yaml", data))
    assert (
        f"warning: content_approval.en: approves content 2025.01.0, but the content is now "
        f"{VERSION}; its sheets print with a DRAFT mark until the clinic approves {VERSION}"
    ) in lines
    review = [line for line in lines if line.startswith("error: content_approval.es")]
    assert len(review) == 1 and "still say needs_clinical_review: true" in review[0]
    assert "es/_language.yaml" in review[0]
    assert "warning: content_approval.fr: approves a language that has no content" in lines
    assert len(lines) == 3


def test_lint_warns_about_a_language_with_no_approval(run_cli, tmp_path):
    lines = _lint_lines(run_cli, write_yaml(tmp_path / "clinic.yaml", CLINIC))
    assert lines == [
        f"warning: content_approval: no approval for '{lang}' (content {VERSION}); its sheets "
        f"print with a DRAFT mark until the clinic approves {VERSION}"
        for lang in ("en", "es")
    ]


def test_lint_notes_a_language_without_opening_hours(run_cli, tmp_path):
    data = CLINIC | {"opening_hours": {"en": "Monday to Friday, 9 AM to 5 PM"}}
    result = run_cli(
        "lint", "--clinic", str(write_yaml(tmp_path / "c.yaml", data)), "--format", "json"
    )
    hours = [f for f in json.loads(result.stdout)["findings"] if "opening_hours" in f["message"]]
    assert [(f["level"], f["message"]) for f in hours] == [
        ("note", "opening_hours: none for 'es'; its discharge sheets print no opening hours")
    ]
