"""A desk without `lp` (every Windows PC, issue 15): Send to printer says to use Print."""

from __future__ import annotations

from esi_docs.delivery import printing


def test_the_form_without_lp_keeps_the_values_and_says_use_print(post_form, monkeypatch):
    monkeypatch.setattr(printing.shutil, "which", lambda _: None)
    response = post_form(send_to="printer")
    assert response.status_code == 502
    text = response.get_data(as_text=True)
    assert "Print button" in text
    assert 'id="print-sheet"' in text  # the browser's own printing is on the page
