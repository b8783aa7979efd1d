"""The web page format (issue 16): structure, escaping, and every path render takes for a PDF."""

from __future__ import annotations

import base64
import json
import os
import re
import stat

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from esi_docs.content.document import Bullets, Callout, document_text
from esi_docs.records.audit import AuditLog
from esi_docs.render.html import render_html, rich
from tests.conftest import TYPICAL, pdf_text, write_yaml
from tests.handout_variants import IDS, VARIANTS, rendered


@pytest.fixture(scope="module", params=VARIANTS, ids=IDS)
def variant(request):
    handout, language, large = request.param
    result = rendered(handout, language, large, "html")
    return result, BeautifulSoup(result.data, "html.parser")


def test_page_structure_follows_the_document(variant):
    result, page = variant
    document = result.document
    assert page.html["lang"] == document.language
    assert [h.get_text() for h in page.find_all("h1")] == [document.title]
    titled = [s for s in document.sections if s.title]
    assert len(page.select("main > section > h2")) == len(titled)
    footer = [p.get_text(strip=True) for p in page.find("footer").find_all("p")]
    assert footer == [document.content_version, document.approval.mark]  # issue 13: sign-off
    assert page.title.get_text() == document.title
    # Every word of the Document is on the page (the same text a PDF prints).
    words = " ".join(page.get_text(" ").split())
    for line in document_text(document).splitlines():
        for part in line.removeprefix("- ").split(" | "):  # a table row: cell by cell
            assert " ".join(part.split()) in words


def test_no_script_no_external_request_and_css_inline(variant):
    result, page = variant
    assert not page.find_all("script") and not page.find_all("link")
    assert not page.find_all(src=True) and not page.find_all(href=True)
    css = page.style.get_text()
    assert "url(" not in css and "@import" not in css
    assert "@media print" in css
    base = re.search(r"html\{font-size:(\d+)pt", css).group(1)
    assert int(base) >= (18 if result.document.large_print else 12)
    # issue 13: in large print the header and footer are not made smaller than the body
    smaller = re.findall(r"font-size:\.\d+rem", css)
    assert not smaller if result.document.large_print else smaller


def test_tables_have_header_cells_and_captions(variant):
    _, page = variant
    for table in page.find_all("table"):
        assert table.caption and table.caption.get_text(strip=True)
        headers = table.thead.find_all("th")
        assert headers and all(th["scope"] == "col" for th in headers)


def test_lists_are_real_lists(variant):
    result, page = variant
    items = sum(
        len(block.items)
        for section in result.document.sections
        for block in section.blocks
        if isinstance(block, Bullets | Callout)
    )
    assert len(page.select("main ul > li")) >= items


def test_callouts_are_labelled_regions_that_name_their_kind(variant):
    result, page = variant
    callouts = [b for s in result.document.sections for b in s.blocks if isinstance(b, Callout)]
    regions = page.select("section.callout")
    assert len(regions) == len(callouts)
    words = {"en": "Emergency", "es": "Emergencia"}[result.document.language]
    for region, callout in zip(regions, callouts, strict=True):
        assert region["role"] == "region"
        label = page.find(id=region["aria-labelledby"])
        assert label is not None and label in region.descendants
        kind = label.find(class_="kind").get_text()
        assert kind.endswith(":") and len(kind) > 2  # a written label, not only a colour
        if callout.tier == "emergency":
            assert kind == f"{words}:"


def test_patient_identifiers_at_the_top(variant):
    result, page = variant
    header = page.body.find(recursive=False)
    assert header.name == "header"
    text = header.get_text(" ")
    assert result.document.header.clinic_phone in text
    for label, value in result.document.header.patient_fields:
        assert label in text and value in text


def test_rich_text_keeps_bold_and_breaks_and_escapes_everything_else():
    assert rich(Markup("<b>Call</b> now<br/>today &amp; tomorrow")) == (
        "<strong>Call</strong> now<br>today &amp; tomorrow"
    )
    assert rich(Markup("&lt;script&gt;x")) == "&lt;script&gt;x"
    assert rich("<img src=x onerror=alert(1)>hi") == "hi"  # a stray tag never survives


def test_a_patient_value_is_never_markup(tmp_path):
    result = rendered("discharge", "en", False, "html")
    document = result.document
    head = document.header
    evil = type(head)(
        head.clinic_name,
        head.clinic_phone,
        head.after_hours_phone,
        (("Patient", '<script>alert("x")</script> & <b>Co</b>'),),
    )
    page = render_html(type(document)(**{**document.__dict__, "header": evil}))
    assert b"<script>" not in page
    assert b"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in page


def test_reruns_are_byte_identical():
    first = rendered("pre-procedure", "es", True, "html").data
    assert rendered("pre-procedure", "es", True, "html").data == first


# -- the CLI ------------------------------------------------------------------------------


@pytest.fixture
def patient_file(tmp_path):
    return write_yaml(tmp_path / "patient.yaml", TYPICAL)


def test_render_html_by_extension_is_0600_recorded_and_reprints(
    run_cli, tmp_path, patient_file, private_audit_db
):
    out = tmp_path / "sheet.html"
    result = run_cli("render", "discharge", "--patient", str(patient_file), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"<!DOCTYPE html>")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    record = AuditLog(private_audit_db).get(1)
    assert record.options["format"] == "html"
    again = tmp_path / "again.html"
    result = run_cli("reprint", "1", "-o", str(again))
    assert result.exit_code == 0, result.stderr
    assert again.read_bytes() == out.read_bytes()


def test_format_option_wins_over_the_extension(run_cli, tmp_path, patient_file):
    out = tmp_path / "sheet.pdf"
    args = ("render", "discharge", "--patient", str(patient_file), "--no-audit", "-o", str(out))
    assert run_cli(*args, "--format", "html").exit_code == 0
    assert out.read_bytes().startswith(b"<!DOCTYPE html>")
    assert run_cli(*args).exit_code == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_html_cannot_go_to_a_printer(run_cli, tmp_path, patient_file):
    out = tmp_path / "sheet.html"
    result = run_cli(
        "render", "discharge", "--patient", str(patient_file), "-o", str(out), "--print"
    )
    assert result.exit_code == 2
    assert "--print: prints PDFs only" in result.stderr
    assert not out.exists()


def test_fhir_out_carries_the_pdf_and_the_web_page(run_cli, tmp_path, patient_file):
    out, ref = tmp_path / "sheet.pdf", tmp_path / "ref.json"
    result = run_cli(
        "render", "discharge", "--patient", str(patient_file), "--no-audit",
        "-o", str(out), "--fhir-out", str(ref),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    pdf_part, html_part = (c["attachment"] for c in json.loads(ref.read_text())["content"])
    assert pdf_part["contentType"] == "application/pdf"
    assert base64.b64decode(pdf_part["data"]) == out.read_bytes()
    assert html_part["contentType"] == "text/html; charset=utf-8"
    assert html_part["language"] == "en"
    page = base64.b64decode(html_part["data"])
    assert page.startswith(b"<!DOCTYPE html>") and html_part["size"] == len(page)
    assert TYPICAL["name"] in page.decode() and TYPICAL["name"] in pdf_text(out.read_bytes())


def test_batch_writes_one_web_page_per_patient(run_cli, tmp_path):
    roster = tmp_path / "roster.csv"
    fields = ",".join(TYPICAL)
    rows = [",".join(TYPICAL.values()), ",".join({**TYPICAL, "mrn": "777"}.values())]
    roster.write_text("\n".join([fields, *rows]) + "\n")
    out = tmp_path / "out"
    result = run_cli(
        "batch", "discharge", "--roster", str(roster), "--out-dir", str(out),
        "--format", "html", "--jobs", "1", "--no-audit",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    pages = sorted(p.name for p in out.iterdir() if p.suffix == ".html")
    assert pages == ["2026-11-20_0012345_discharge.html", "2026-11-20_777_discharge.html"]
    assert "777" in (out / pages[1]).read_text()
    result = run_cli(
        "batch", "discharge", "--roster", str(roster), "--out-dir", str(tmp_path / "o2"),
        "--format", "html", "--merged", str(tmp_path / "all.pdf"), "--no-audit",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--merged: joins PDFs only" in result.stderr
