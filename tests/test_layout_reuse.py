"""What the layout reuses from sheet to sheet (issue 18, esi_docs/render/reuse.py) changes no
byte: a sheet laid out after other patients' sheets, with parsed paragraphs, broken lines and
font subsets reused, is the same PDF as one laid out by stock ReportLab in a fresh process."""

from __future__ import annotations

import io
import json
import multiprocessing
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.platypus import Paragraph, SimpleDocTemplate

import esi_docs.content.sandbox
from esi_docs.api import render_handout
from esi_docs.inputs.patient import parse_patient
from esi_docs.render import fonts, reuse
from tests.conftest import TYPICAL, pdf_text

OTHERS = [
    {**TYPICAL, "name": "Ana López-García", "mrn": "0000002", "diabetic": "true"},
    {
        **TYPICAL,
        "name": "Sam O'Neil",
        "mrn": "0000003",
        "approach": "transforaminal",
        "blood_thinner": "Eliquis",
        "blood_thinner_held": "all",
    },
    {**TYPICAL, "name": "Li Wei", "mrn": "0000004", "region": "cervical", "sedation": "true"},
]
SHEETS = [
    pytest.param({}, id="english"),
    pytest.param({"language": "es"}, id="spanish"),
    pytest.param({"large_print": True}, id="large-print"),
    pytest.param({"paper": "a4", "language": "es", "large_print": True}, id="a4-spanish-large"),
]


def _stock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lay out with ReportLab's own methods: no line, drawing, subset or ASCII reuse."""
    monkeypatch.setattr(reuse.ReusedParagraph, "breakLines", Paragraph.breakLines)
    monkeypatch.setattr(reuse.ReusedParagraph, "draw", Paragraph.draw)
    monkeypatch.setattr(reuse.ReusingTTFont, "splitString", TTFont.splitString)
    monkeypatch.setattr(reuse.ReusingTTFont, "addObjects", TTFont.addObjects)
    monkeypatch.setattr(reuse.ReusingFace, "makeSubset", TTFontFace.makeSubset)
    monkeypatch.setattr(reuse.ReusingFace, "addSubsetObjects", TTFontFace.addSubsetObjects)


def _render(patient: dict, **options: object) -> bytes:
    return render_handout("discharge", parse_patient(patient, "p"), **options).pdf


@pytest.mark.parametrize("options", SHEETS)
def test_a_sheet_after_other_patients_is_the_stock_reportlab_pdf(monkeypatch, options):
    with monkeypatch.context() as stock:
        _stock(stock)
        reuse.clear()
        expected = _render(TYPICAL, **options)
    reuse.clear()
    for other in OTHERS:  # fills every store with other patients' lines and subsets
        _render(other, **options)
    assert _render(TYPICAL, **options) == expected


def test_the_next_patient_reuses_lines_and_subsets():
    reuse.clear()
    _render(TYPICAL)
    cold = reuse.LINE_BREAKS.misses + reuse.ONE_SHEET_BREAKS.misses
    _render(OTHERS[0] | {"diabetic": "false"})  # texts seen twice are kept from here on
    reuse.LINE_BREAKS.hits = reuse.LINE_BREAKS.misses = reuse.ONE_SHEET_BREAKS.misses = 0
    _render(OTHERS[0] | {"diabetic": "false", "name": "Pat Third", "mrn": "0000033"})
    misses = reuse.LINE_BREAKS.misses + reuse.ONE_SHEET_BREAKS.misses
    assert reuse.LINE_BREAKS.hits > 10 * misses
    assert misses < cold / 5
    assert reuse._subset.cache_info().hits >= 1
    assert reuse._compressed.cache_info().hits >= 1
    assert reuse._formatted_widths.cache_info().hits >= 1


def test_a_patients_own_words_are_not_kept_from_sheet_to_sheet():
    """The header's record number is on one sheet only: kept, it would make the stores
    (and a batch worker's memory) grow with the roster until their bounds."""
    reuse.clear()
    sizes = []
    for n in range(6):
        _render(TYPICAL | {"mrn": f"77000{n:02d}"})
        sizes.append((len(reuse.PARSED._entries), len(reuse.LINE_BREAKS._entries)))
    kept_texts = " ".join(text for text, _ in reuse.PARSED._entries)
    assert "77000" not in kept_texts
    assert sizes[2] == sizes[-1]  # nothing more is kept after the second sheet


def test_the_line_store_stays_within_its_bound(monkeypatch):
    monkeypatch.setattr(reuse.LINE_BREAKS, "size", 40)
    reuse.clear()
    for other in OTHERS:
        _render(other)
    assert len(reuse.LINE_BREAKS._entries) <= 40


@pytest.mark.parametrize(
    "text",
    [
        "Call us at (555) 010-0000",
        "Saturday,\u00a0November\u00a021",  # kept whole: no-break spaces
        "Sábado, 21 de noviembre",
        "~tilde` {braces} |pipe|",
        "tab\there",
        "delete\x7f",
        "",
        "•",
        "Temperature 100.4 °F (38 °C)",
        "x\u00a0y é z",
    ],
)
def test_the_ascii_shortcut_encodes_as_reportlab_does(text):
    fonts.register_fonts()
    font = pdfmetrics.getFont(fonts.REGULAR)
    assert isinstance(font, reuse.ReusingTTFont)
    stock_doc, our_doc = _Doc(), _Doc()  # ReportLab keeps a subset state per document
    warm_up = "Rest today é"  # both documents already have a state, as while laying out
    assert font.splitString(warm_up, our_doc) == TTFont.splitString(font, warm_up, stock_doc)
    assert font.splitString(text, our_doc) == TTFont.splitString(font, text, stock_doc)


class _Doc:
    """Stands in for a PDF document as the key of a font's per-document state."""


def test_sheets_laid_out_on_threads_are_the_same_as_one_by_one():
    patients = [TYPICAL, *OTHERS]
    alone = [_render(p) for p in patients]
    results: dict[int, bytes] = {}

    def lay_out(index: int) -> None:
        for _ in range(3):
            results[index] = _render(patients[index])

    threads = [threading.Thread(target=lay_out, args=(i,)) for i in range(len(patients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(len(patients))] == alone


def test_composing_sheets_uses_one_watchdog_thread():
    for other in OTHERS:
        _render(other)
    before = threading.active_count()
    for other in OTHERS:
        _render(other)
    watchdogs = [t for t in threading.enumerate() if t.name == "esi-docs-deadline"]
    assert threading.active_count() == before
    assert len(watchdogs) == 1


def _endless_in_child(queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from esi_docs.content.sandbox import TemplateTimeout, deadline

    esi_docs.content.sandbox.TIME_LIMIT_S = 0.3
    try:
        with deadline():
            while True:
                pass
    except TemplateTimeout:
        queue.put("stopped")


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="fork is POSIX-only"
)
def test_a_forked_worker_gets_a_watchdog_of_its_own():
    """A forked child inherits no thread, and the watchdog's lock may be held by the parent's
    watchdog at the moment of the fork: the child must start afresh, not wait for ever."""
    from esi_docs.content.sandbox import _WATCHDOG

    _render(TYPICAL)  # this process's watchdog runs
    held, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:  # as the watchdog thread does while it checks deadlines
        with _WATCHDOG._changed:
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    held.wait(5)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_endless_in_child, args=(queue,))
    try:
        child.start()
    finally:
        release.set()
        holder.join()
    child.join(timeout=20)
    if child.is_alive():
        child.kill()
    assert queue.get(timeout=1) == "stopped"


_SHEET_CHILD = """
import json, sys
from pathlib import Path
if sys.argv[1] == "python":
    sys.modules["_rl_accel"] = None  # ReportLab falls back to its Python code
from reportlab.lib import rl_accel
from esi_docs.api import render_handout
patient = json.loads(sys.argv[2])
pdf = render_handout("discharge", patient, language="es", large_print=True).pdf
Path(sys.argv[3]).write_bytes(pdf)
print(rl_accel.fp_str.__module__)
"""


def _drawn(path: Path) -> list[bytes]:
    """Each page's drawing operators, numbers to 4 decimals: ReportLab's C and Python number
    formatting differ in the last digit of a few (3.417187 / 3.417188 pt)."""
    pages = PdfReader(path).pages
    number = re.compile(rb"-?\d+\.\d+")
    return [
        number.sub(lambda m: b"%.4f" % float(m.group()), page.get_contents().get_data())
        for page in pages
    ]


def test_reportlabs_c_speedups_draw_the_same_sheet(tmp_path):
    """rl_accel is a dependency (issue 18) because it changes only the time a sheet takes."""
    patient = json.dumps({**OTHERS[1], "name": "Ana López-García"})
    modules = {}
    for mode in ("c", "python"):
        modules[mode] = subprocess.run(
            [sys.executable, "-c", _SHEET_CHILD, mode, patient, str(tmp_path / f"{mode}.pdf")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    assert modules == {"c": "_rl_accel", "python": "reportlab.lib.rl_accel"}
    c, python = tmp_path / "c.pdf", tmp_path / "python.pdf"
    assert pdf_text(c.read_bytes()) == pdf_text(python.read_bytes())
    assert _drawn(c) == _drawn(python)


def test_the_next_patient_reuses_drawn_paragraphs():
    reuse.clear()
    # Kept from the second sheet, lines reused from the third, drawings recorded there.
    for patient in (TYPICAL, OTHERS[0], OTHERS[0] | {"name": "Pat Third", "mrn": "0000008"}):
        _render(patient)
    reuse.DRAWN.hits = reuse.DRAWN.misses = 0
    _render(OTHERS[0] | {"name": "Pat Other", "mrn": "0000009"})
    assert reuse.DRAWN.hits > 4 * reuse.DRAWN.misses  # 123 and 25 (page headers, pieces)


_BODY = ParagraphStyle("reuse-test", fontName=fonts.REGULAR, fontSize=12, leading=15)
_BOLD = ParagraphStyle("reuse-test-bold", parent=_BODY, fontName=fonts.BOLD)


def _pdf(paragraphs: list[tuple[str, ParagraphStyle]]) -> bytes:
    fonts.register_fonts()
    story = []
    for text, style in paragraphs:
        story.append(reuse.paragraph(text, style))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, invariant=1).build(story)
    return buffer.getvalue()


def _stock_pdf(monkeypatch: pytest.MonkeyPatch, paragraphs: list) -> bytes:
    with monkeypatch.context() as stock:
        _stock(stock)
        return _pdf(paragraphs)


CAFE = ("Café, crème brûlée", _BODY)


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(("Año, niño", _BODY), id="other-accents-take-the-codes-first"),
        pytest.param(("Bold first", _BOLD), id="another-font-takes-the-first-name"),
    ],
)
def test_a_drawing_is_reused_only_where_the_document_gives_the_same_codes(monkeypatch, first):
    """Recorded where é was the first accent and the regular face the first font; in a
    document where ñ or the bold face came first, the same words have other codes or another
    font name, and ReportLab draws them again."""
    expected = _stock_pdf(monkeypatch, [first, CAFE])
    reuse.clear()
    for _ in range(3):  # kept from the second document, its drawing recorded in the third
        _pdf([CAFE])
    assert len(reuse.DRAWN._entries) == 1
    reuse.DRAWN.hits = 0
    assert _pdf([first, CAFE]) == expected
    assert reuse.DRAWN.hits == 0
    assert _pdf([CAFE]) == _stock_pdf(monkeypatch, [CAFE])
    assert reuse.DRAWN.hits == 1


def test_a_drawing_that_leaves_more_than_operators_is_never_reused(monkeypatch):
    link = ('Read <a href="https://example.org/esi">our page</a> é', _BODY)
    expected = _stock_pdf(monkeypatch, [link])
    reuse.clear()
    for _ in range(4):
        assert _pdf([link]) == expected
    assert reuse.DRAWN.hits == 0
    assert not any(reuse.DRAWN._entries.values())
