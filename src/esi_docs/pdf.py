"""Lays a Document out as PDF bytes. The only module that imports ReportLab.

Every style sets its font (DejaVu, embedded), so no text falls back to Helvetica. Document text
is already safe markup (see document.py); the plain strings of the page header are escaped here.
Output is deterministic (ReportLab's invariant mode): the same inputs give the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import escape
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

from esi_docs import document as doc
from esi_docs import fonts

PAPER = {"letter": LETTER, "a4": A4}
MARGIN = 0.6 * inch
_TIER_COLOURS = {  # border, background, title colour
    "summary": ("#1f4e79", "#eaf2fb", "#1f4e79"),
    "note": ("#555555", "#f4f4f4", "#222222"),
    "clinic": ("#b35c00", "#fff4e5", "#7a3e00"),
    "emergency": ("#c00000", "#fde9e9", "#a00000"),
}


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    bullet: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    header: ParagraphStyle
    footer_size: float
    callout_title: ParagraphStyle
    cell: ParagraphStyle
    space: float


@lru_cache(maxsize=2)
def styles(large_print: bool) -> Styles:
    """Body 12 pt (18 pt in large print); built once per process and never changed."""
    fonts.register_fonts()
    size = 18.0 if large_print else 12.0
    body = ParagraphStyle(
        "body",
        fontName=fonts.REGULAR,
        fontSize=size,
        leading=size * 1.25,
        alignment=TA_LEFT,
        spaceAfter=size * 0.3,
    )
    return Styles(
        body=body,
        bullet=ParagraphStyle(
            "bullet",
            parent=body,
            leftIndent=size * 1.3,
            bulletIndent=size * 0.3,
            bulletFontName=fonts.REGULAR,
            bulletFontSize=size,
            spaceAfter=size * 0.15,
        ),
        heading=ParagraphStyle(
            "heading",
            parent=body,
            fontName=fonts.BOLD,
            fontSize=size * 1.25,
            leading=size * 1.5,
            spaceBefore=size * 0.5,
            spaceAfter=size * 0.25,
            keepWithNext=1,
            textColor=colors.HexColor("#1f4e79"),
        ),
        title=ParagraphStyle(
            "title",
            parent=body,
            fontName=fonts.BOLD,
            fontSize=size * 1.55,
            leading=size * 1.85,
            spaceAfter=size * 0.3,
        ),
        header=ParagraphStyle(
            "header",
            parent=body,
            fontSize=size * 0.8,
            leading=size * 0.95,
            spaceAfter=0,
        ),
        footer_size=size * 0.7,
        callout_title=ParagraphStyle(
            "callout_title",
            parent=body,
            fontName=fonts.BOLD,
            spaceAfter=size * 0.2,
        ),
        cell=ParagraphStyle("cell", parent=body, spaceAfter=0),
        space=size * 0.5,
    )


@lru_cache(maxsize=1024)
def _parsed(text: str, style: ParagraphStyle) -> tuple[ParagraphStyle, list]:
    """Paragraph markup parsed once per process. Most of a sheet's text is the same for every
    patient, and parsing it was a sixth of the layout time. Bounded (LRU), so patient-specific
    strings in a long batch are dropped again; ReportLab only reads the fragments."""
    parser = ParaParser()
    parsed_style, frags, _ = parser.parse(cleanBlockQuotedText(text), style)
    if frags is None:
        raise ValueError(f"markup error in paragraph: {parser.errors[0]}")
    textTransformFrags(frags, parsed_style)
    return parsed_style, frags


def _para(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A Paragraph from cached fragments (same output as Paragraph(text, style))."""
    parsed_style, frags = _parsed(str(text), style)
    return Paragraph(str(text), parsed_style, bulletText=bullet, frags=frags)


def render_pdf(document: doc.Document, *, paper: str = "letter") -> bytes:
    """Lay out the Document and return the PDF bytes."""
    style = styles(document.large_print)
    pagesize = PAPER[paper]
    header = _header_flowables(document, style)
    header_height = _height(header, pagesize[0] - 2 * MARGIN) + style.space
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        invariant=1,
        pageCompression=1,
        title=document.title,
        author=document.header.clinic_name,
        subject="",
        creator="esi-docs",
        producer="esi-docs",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        bottomMargin=MARGIN + style.footer_size * 2,
        topMargin=MARGIN + header_height,
    )
    frame = Frame(
        template.leftMargin,
        template.bottomMargin,
        template.width,
        template.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template.addPageTemplates(PageTemplate(id="page", frames=[frame]))
    template.build(_story(document, style), canvasmaker=_canvas_class(document, style, header))
    return buffer.getvalue()


def _height(flowables: list[Flowable], width: float) -> float:
    return sum(f.wrap(width, 10_000)[1] for f in flowables)


def _header_flowables(document: doc.Document, style: Styles) -> list[Flowable]:
    """Clinic name and phones, then the patient's identifiers (escaped: they are data)."""
    head = document.header
    labels = document.labels
    clinic = (
        f"<b>{escape(head.clinic_name)}</b> · {escape(labels.get('clinic_phone', ''))} "
        f"{escape(head.clinic_phone)} · {escape(labels.get('after_hours', ''))} "
        f"{escape(head.after_hours_phone)}"
    )
    # Plain Paragraphs: patient-specific text would only churn the parse cache.
    lines = [Paragraph(clinic, style.header)]
    if head.patient_fields:
        patient = "   ".join(
            f"{escape(label)}: <b>{escape(value)}</b>" for label, value in head.patient_fields
        )
        lines.append(Paragraph(patient, style.header))
    return lines


def _canvas_class(document: doc.Document, style: Styles, header: list[Flowable]) -> type:
    """A canvas that holds pages back until the end, so each can say 'Page N of M'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _decorate(self, document, style, header, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _decorate(
    canvas: Canvas,
    document: doc.Document,
    style: Styles,
    header: list[Flowable],
    number: int,
    total: int,
) -> None:
    """Header (clinic, patient) and footer (content version, page N of M) on one page."""
    width, height = canvas._pagesize
    y = height - MARGIN
    for flowable in header:  # wrapped once, by _height(), at the same width
        h = flowable.height
        flowable.drawOn(canvas, MARGIN, y - h)
        y -= h
    canvas.setStrokeColor(colors.HexColor("#1f4e79"))
    canvas.setLineWidth(1)
    canvas.line(MARGIN, y - 3, width - MARGIN, y - 3)
    canvas.setFont(fonts.REGULAR, style.footer_size)
    canvas.setFillColor(colors.black)
    footer_y = MARGIN
    canvas.drawString(MARGIN, footer_y, document.content_version)
    page = document.page_label.format(page=number, pages=total)
    canvas.drawRightString(width - MARGIN, footer_y, page)


def _story(document: doc.Document, style: Styles) -> list[Flowable]:
    story: list[Flowable] = [_para(escape(document.title), style.title)]
    for section in document.sections:
        flowables: list[Flowable] = []
        if section.title:
            flowables.append(_para(section.title, style.heading))
        for block in section.blocks:
            flowables += _block(block, style)
        story += flowables
    return story


def _block(block: doc.Block, style: Styles) -> list[Flowable]:
    if isinstance(block, doc.Paragraph):
        return [_para(block.text, style.body)]
    if isinstance(block, doc.Bullets):
        return [_para(item, style.bullet, "•") for item in block.items]
    if isinstance(block, doc.Callout):
        return [_callout(block, style)]
    if isinstance(block, doc.Signature):
        return [_signature(block, style)]
    return [_table(block, style)]


def _callout(block: doc.Callout, style: Styles) -> Flowable:
    """A bordered, shaded box; the emergency tier has the heaviest, red border."""
    border, background, title_colour = _TIER_COLOURS[block.tier]
    title_style = _title_style(style.callout_title, block.tier, title_colour)
    inner: list[Flowable] = [_para(block.title, title_style)] if block.title else []
    if block.text:
        inner.append(_para(block.text, style.body))
    inner += [_para(item, style.bullet, "•") for item in block.items]
    width = 2.5 if block.tier == "emergency" else 1.5
    return _Box(inner, colors.HexColor(border), colors.HexColor(background), width, style.space)


class _Box(Flowable):
    """A bordered, shaded box around a few paragraphs, kept on one page.

    It draws what a one-cell Table with KeepTogether drew (same paddings, colours, spacing),
    without the table machinery, which cost a fifth of the layout time."""

    _PAD = (8.0, 6.0, 8.0, 4.0)  # left, top, right, bottom

    def __init__(self, content: list[Flowable], border, background, line_width, space):  # type: ignore[no-untyped-def]
        super().__init__()
        self.content = content
        self.border, self.background, self.line_width = border, background, line_width
        self.spaceBefore = self.spaceAfter = space * 0.5
        self._heights: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        left, top, right, bottom = self._PAD
        inner = availWidth - left - right
        self._heights = [f.wrap(inner, 10_000)[1] for f in self.content]
        gaps = sum(f.getSpaceBefore() for f in self.content[1:])
        gaps += sum(f.getSpaceAfter() for f in self.content[:-1])
        self.width, self.height = availWidth, top + sum(self._heights) + gaps + bottom
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        left, top, _, _ = self._PAD
        canvas.saveState()
        canvas.setFillColor(self.background)
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        y = self.height - top
        for index, (flowable, height) in enumerate(zip(self.content, self._heights, strict=True)):
            if index:
                y -= flowable.getSpaceBefore()
            y -= height
            flowable.drawOn(canvas, left, y)
            y -= flowable.getSpaceAfter()
        canvas.setStrokeColor(self.border)
        canvas.setLineWidth(self.line_width)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        canvas.restoreState()


@lru_cache(maxsize=16)
def _title_style(parent: ParagraphStyle, tier: str, colour: str) -> ParagraphStyle:
    """One style per tier, made once: a new style per box would also defeat the parse cache."""
    return ParagraphStyle(f"callout_{tier}", parent=parent, textColor=colors.HexColor(colour))


def _signature(block: doc.Signature, style: Styles) -> Flowable:
    """Lines to sign on, each labelled underneath, kept on one page."""
    labels = [_para(item, style.cell) for item in block.items]
    return _SignatureLines(labels, gap=style.space * 2, space_before=style.space)


class _SignatureLines(Flowable):
    """A line to sign on above each label, all on one page (what a two-row-per-line Table in
    KeepTogether drew, without the table machinery)."""

    _PAD = 3.0  # a table cell's default top/bottom padding
    _INDENT = 6.0  # ... and left padding

    def __init__(self, labels: list[Flowable], *, gap: float, space_before: float):
        super().__init__()
        self.labels, self.gap = labels, gap
        self.spaceBefore = space_before
        self._heights: list[float] = []

    def _line_height(self) -> float:
        return self.gap + 2 * self._PAD

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        inner = availWidth - 2 * self._INDENT
        self._heights = [label.wrap(inner, 10_000)[1] for label in self.labels]
        self.width = availWidth
        self.height = sum(self._line_height() + h + 2 * self._PAD for h in self._heights)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(0.8)
        y = self.height
        for label, height in zip(self.labels, self._heights, strict=True):
            y -= self._line_height()
            canvas.line(0, y, self.width, y)
            y -= self._PAD + height
            label.drawOn(canvas, self._INDENT, y)
            y -= self._PAD
        canvas.restoreState()


def _table(block: doc.Table, style: Styles) -> Flowable:
    head = [_para(f"<b>{c}</b>", style.cell) for c in block.columns]
    body = [[_para(cell, style.cell) for cell in row] for row in block.rows]
    width = 1.0 / max(len(block.columns), 1)
    table = Table(
        [head, *body], colWidths=[f"{width * 100:.3f}%"] * len(block.columns), repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#555555")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaf2fb")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 1), (-1, -1), style.space),
                ("BOTTOMPADDING", (0, 1), (-1, -1), style.space),
            ]
        )
    )
    return table
