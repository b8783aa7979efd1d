"""Every PDF is a PDF/A-2b document: read back with pikepdf, on every handout variant.

These are the checks an archive's validator (veraPDF) makes that matter for what ReportLab
writes: embedded fonts only, XMP identification equal to the Info dictionary, the language,
an sRGB output intent, no encryption, a file ID. See docs/accessibility.md.
"""

from __future__ import annotations

import io

import pikepdf
import pytest

from tests.handout_variants import IDS, VARIANTS, rendered

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
DC = "{http://purl.org/dc/elements/1.1/}"
XMP = "{http://ns.adobe.com/xap/1.0/}"


@pytest.fixture(scope="module", params=VARIANTS, ids=IDS)
def sheet(request):
    handout, language, large = request.param
    result = rendered(handout, language, large, "pdf")
    return result, pikepdf.open(io.BytesIO(result.data))


def _fonts(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        yield from page.Resources.get("/Font", {}).items()


def test_every_font_is_embedded_and_none_is_helvetica(sheet):
    result, pdf = sheet
    fonts = list(_fonts(pdf))
    assert fonts
    for name, font in fonts:
        assert "DejaVuSans" in str(font.BaseFont), name
        assert "/FontFile2" in font.FontDescriptor, f"{name} is not embedded"
    assert b"Helvetica" not in result.data


def test_xmp_names_pdfa_2b_title_and_language(sheet):
    result, pdf = sheet
    assert "/Filter" not in pdf.Root.Metadata  # PDF/A: metadata stream unfiltered
    with pdf.open_metadata() as meta:
        assert meta[f"{PDFAID}part"] == "2"
        assert meta[f"{PDFAID}conformance"] == "B"
        assert meta[f"{DC}title"] == result.document.title == str(pdf.docinfo.Title)
        assert meta[f"{DC}language"] == {result.document.language}
        assert meta[f"{DC}creator"] == [str(pdf.docinfo.Author)]
        # The XMP dates equal the Info dictionary's (D:20000101000000+00'00' in invariant mode)
        info_date = str(pdf.docinfo.CreationDate)
        assert (
            meta[f"{XMP}CreateDate"].replace("-", "").replace("T", "").replace(":", "")[:14]
            == info_date[2:16]
        )


def test_catalogue_language_and_srgb_output_intent(sheet):
    result, pdf = sheet
    assert str(pdf.Root.Lang) == result.document.language
    (intent,) = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1"
    profile = intent.DestOutputProfile
    assert profile.N == 3
    icc = profile.read_bytes()
    assert icc[36:40] == b"acsp" and icc[16:20] == b"RGB " and icc[8] == 2  # ICC v2 RGB
    assert "sRGB" in str(intent.OutputConditionIdentifier)


def test_no_encryption_and_a_file_id(sheet):
    _, pdf = sheet
    assert not pdf.is_encrypted
    assert "/Encrypt" not in pdf.trailer
    first, second = pdf.trailer.ID
    assert len(bytes(first)) == 16 and bytes(first) == bytes(second)


def test_no_transparency_or_javascript(sheet):
    _, pdf = sheet
    assert "/Names" not in pdf.Root and "/OpenAction" not in pdf.Root
    for page in pdf.pages:
        assert "/Group" not in page.obj  # no transparency group
        assert "/Annots" not in page.obj
        for state in page.Resources.get("/ExtGState", {}).values():
            assert float(state.get("/CA", 1)) == 1 and float(state.get("/ca", 1)) == 1
            assert str(state.get("/SMask", "/None")) == "/None"


def test_reruns_are_byte_identical():
    first = rendered("discharge", "es", True, "pdf").data
    assert rendered("discharge", "es", True, "pdf").data == first


@pytest.mark.parametrize("text", ["Clínica Sur & Norte", "<b>x</b>", "a \"quoted\" 'word'", ""])
def test_xmp_text_is_escaped_as_xml_sax_would(text):
    from xml.sax.saxutils import escape

    from esi_docs.render.pdfa import escape as ours

    assert ours(text) == escape(text)
