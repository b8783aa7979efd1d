"""The form's "Show as web page" button (issue 16): the same sheet as accessible HTML."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.web.conftest import FILLED


def test_show_as_web_page_answers_with_the_recorded_html_sheet(post_form, recorder, client):
    response = post_form(send_to="web")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = BeautifulSoup(response.data, "html.parser")
    assert page.html["lang"] == "en"
    assert FILLED["mrn"] in page.find("header").get_text()
    assert len(page.find_all("h1")) == 1
    assert not page.find_all("script")
    assert recorder.calls[-1][0].data == response.data  # recorded exactly as handed out
    assert recorder.calls[-1][0].request.format == "html"
    # The sheet page may use its own inline style sheet and nothing else: no script at all.
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "X-Esi-Docs-Sheet" not in response.headers


def test_the_form_offers_the_web_page_button(client):
    page = BeautifulSoup(client.get("/").data, "html.parser")
    button = page.find("button", id="show-web")
    assert button.get_text() == "Show as web page"
    assert button["name"] == "send_to" and button["value"] == "web"


def test_the_pdf_is_still_the_default(post_form):
    response = post_form()
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
