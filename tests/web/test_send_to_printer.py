"""The form's "Send to printer" button (issue 8): same render, recorded, then lp."""

from __future__ import annotations

from esi_docs.delivery.printing import PrintError
from tests.conftest import pdf_text
from tests.web.conftest import FILLED


def test_send_to_printer_prints_the_recorded_sheet(post_form, recorder, monkeypatch):
    jobs = []
    monkeypatch.setattr(
        "esi_docs.delivery.printing.print_pdf",
        lambda pdf, printer=None, **_: jobs.append((pdf, printer)) or "esi-pdf-7",
    )
    response = post_form(send_to="printer")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b"Sent to the printer" in response.data and b"print job esi-pdf-7" in response.data
    [(pdf, printer)] = jobs
    assert printer is None  # the packaged profile names no printer: the system default
    assert FILLED["name"] in pdf_text(pdf)
    assert recorder.calls[-1][0].pdf == pdf  # recorded before it was sent
    assert FILLED["name"].encode() not in response.data  # the answer carries no PHI


def test_printer_problem_shows_on_the_form_with_values_kept(post_form, monkeypatch):
    def broken(pdf, printer=None, **_):
        raise PrintError("printing: CUPS is not running (no scheduler)")

    monkeypatch.setattr("esi_docs.delivery.printing.print_pdf", broken)
    response = post_form(send_to="printer")
    assert response.status_code == 502
    assert b"printing: CUPS is not running (no scheduler)" in response.data
    assert FILLED["mrn"].encode() in response.data  # the form is shown again, filled in


def test_show_sheet_still_answers_with_the_pdf(post_form, monkeypatch):
    monkeypatch.setattr("esi_docs.delivery.printing.print_pdf", lambda *a, **k: 1 / 0)
    response = post_form()
    assert response.mimetype == "application/pdf"
