"""Lays a Document out as PDF bytes (with fonts.py and reuse.py, the only modules that import
ReportLab).

Every style sets its font (DejaVu, embedded), so no text falls back to Helvetica. Document text
is already safe markup (see document.py); the plain strings of the page header are escaped here.
Output is deterministic (ReportLab's invariant mode): the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import os
import re
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import reportlab
from markupsafe import Markup, escape
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from esi_docs.content import document as doc
from esi_docs.content.labels import fill
from esi_docs.errors import RenderError
from esi_docs.render import fonts, pdfa, reuse
from esi_docs.render.nobreak import NBSP, keep_whole, weekday_breakable

# The language being laid out, for keep_whole's day and month names (set per render).
_LANGUAGE: ContextVar[str] = ContextVar("esi_docs_layout_language", default="en")

PAPER = {"letter": LETTER, "a4": A4}
MARGIN = 0.6 * inch
_TIER_COLOURS = {  # border, background, title colour
    "summary": ("#1f4e79", "#eaf2fb", "#1f4e79"),
    "note": ("#555555", "#f4f4f4", "#222222"),
    "clinic": ("#b35c00", "#fff4e5", "#7a3e00"),
    "emergency": ("#c00000", "#fde9e9", "#a00000"),
}


# ReportLab's Paragraph security fixes (colour expressions, trusted hosts) are in 4.4.10+.
MIN_REPORTLAB = (4, 4, 10)
# Environment variables that would loosen them: ReportLab reads RL_<setting> at import.
_WEAKENING_ENV = ("RL_trustedHosts", "RL_trustedSchemes", "RL_toColorCanUse")
_SAFE_COLOUR_EVAL = "rl_extended_literal_eval"  # literals only; "rl_safe_eval" runs code
_DEFAULT_SCHEMES = frozenset({"file", "rml", "data", "https", "http", "ftp"})


def security_problem() -> str | None:
    """Why ReportLab's safety settings cannot be trusted in this process, or None.

    Checked on every render, not once, so a long-running server that changes rl_config after
    start-up is caught too.
    """
    version = tuple(int(part) for part in reportlab.Version.split(".")[:3] if part.isdigit())
    if version < MIN_REPORTLAB:
        wanted = ".".join(map(str, MIN_REPORTLAB))
        return f"ReportLab {reportlab.Version} is too old; install {wanted} or later"
    for name in _WEAKENING_ENV:
        if name in os.environ:
            return (
                f"the environment variable {name} changes ReportLab's security settings; unset it"
            )
    if rl_config.toColorCanUse != _SAFE_COLOUR_EVAL:
        return (
            f"ReportLab's toColorCanUse is {rl_config.toColorCanUse!r}; it must be "
            f"{_SAFE_COLOUR_EVAL!r}"
        )
    if not set(rl_config.trustedSchemes or ()) <= _DEFAULT_SCHEMES:
        return "ReportLab's trustedSchemes were widened; restore the default"
    return None


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
            # large print: every character at least 18 pt, the page header's too
            fontSize=size if large_print else size * 0.8,
            leading=size * 1.15 if large_print else size * 0.95,
            spaceAfter=0,
        ),
        footer_size=size if large_print else size * 0.7,
        callout_title=ParagraphStyle(
            "callout_title",
            parent=body,
            fontName=fonts.BOLD,
            spaceAfter=size * 0.2,
        ),
        cell=ParagraphStyle("cell", parent=body, spaceAfter=0),
        space=size * 0.5,
    )


def _para(
    text: str, style: ParagraphStyle, bullet: str | None = None, *, kept: bool = False
) -> Paragraph:
    """A Paragraph whose parsing and line breaking are reused from sheet to sheet (same
    output as Paragraph(text, style), see reuse.py); `kept`:
    the text has been through keep_whole already (a table cell, see _table)."""
    text = str(text) if kept else keep_whole(str(text), _LANGUAGE.get())
    return reuse.paragraph(text, style, bullet)


def render_pdf(document: doc.Document, *, paper: str = "letter") -> bytes:
    """Lay out the Document and return the PDF bytes.

    Refuses to run when ReportLab's safety settings are weakened. A ReportLab exception may
    quote the paragraph it failed on (patient data), so only its type reaches the message.
    """
    problem = security_problem()
    if problem:
        raise RenderError(f"refusing to print: {problem}")
    try:
        return _render(document, paper)
    except Exception as exc:
        raise RenderError(f"the handout could not be laid out ({type(exc).__name__})") from None


def _render(document: doc.Document, paper: str) -> bytes:
    token = _LANGUAGE.set(document.language)
    try:
        return _layout(document, paper)
    finally:
        _LANGUAGE.reset(token)


def _layout(document: doc.Document, paper: str) -> bytes:
    style = styles(document.large_print)
    pagesize = PAPER[paper]
    header = _header_flowables(document, style)
    header_height = _height(header, pagesize[0] - 2 * MARGIN) + style.space
    mark = _mark_flowable(document.approval, style)
    mark_height = _height([mark], pagesize[0] - 2 * MARGIN)
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
        initialFontName=fonts.REGULAR,  # PDF/A: no Helvetica (not embedded) in any resource
        lang=document.language,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        bottomMargin=MARGIN + style.footer_size * 1.4 + mark_height + 2,
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
    story = _story(document, style, template.width, template.height)
    template.build(story, canvasmaker=_canvas_class(document, style, header, mark))
    return buffer.getvalue()


def _height(flowables: list[Flowable], width: float) -> float:
    return sum(f.wrap(width, 10_000)[1] for f in flowables)


def _pair(label: str, value: str, *, bold: bool = True, wraps: bool = False) -> str:
    """'Label: value' that never splits: no-break spaces inside, so a line can only break
    between pairs ("MRN:" / "0012345" cannot happen). A name may wrap between its words."""
    value = escape(value)
    value = str(value) if wraps else str(value).replace(" ", NBSP)
    value = f"<b>{value}</b>" if bold else value
    label = str(escape(label)).replace(" ", NBSP)
    return f"{label}:{NBSP}{value}" if label else value


def _header_flowables(document: doc.Document, style: Styles) -> list[Flowable]:
    """The clinic's name and phones, then the patient's identifiers. Every value is
    escaped (they are data) and kept whole, so a long clinic or patient name pushes whole
    fields to the next line instead of leaving a dangling word."""
    head = document.header
    labels = document.labels
    clinic = " · ".join(
        (
            f"<b>{escape(head.clinic_name)}</b>",
            _pair(labels.get("clinic_phone", ""), head.clinic_phone, bold=False),
            _pair(labels.get("after_hours", ""), head.after_hours_phone, bold=False),
        )
    )
    lines = [_para(clinic, style.header, kept=True)]
    if head.patient_fields:
        fields = [
            _pair(label, value, wraps=index == 0)
            for index, (label, value) in enumerate(head.patient_fields)
        ]
        lines.append(_para("   ".join(fields), style.header, kept=True))
    return lines


def _canvas_class(
    document: doc.Document, style: Styles, header: list[Flowable], mark: Flowable
) -> type:
    """A canvas that holds pages back until the end, so each can say 'Page N of M'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            pdfa.make_archival(self, language=document.language)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _decorate(self, document, style, header, number, total)
                _draw_mark(self, mark, style)
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
    for flowable in header:  # wrapped once, to this width, when _layout measured the header
        flowable.drawOn(canvas, MARGIN, y - flowable.height)
        y -= flowable.height
    canvas.setStrokeColor(colors.HexColor("#1f4e79"))
    canvas.setLineWidth(1)
    canvas.line(MARGIN, y - 3, width - MARGIN, y - 3)
    canvas.setFont(fonts.REGULAR, style.footer_size)
    canvas.setFillColor(colors.black)
    footer_y = MARGIN
    canvas.drawString(MARGIN, footer_y, document.content_version)
    page = fill(document.page_label, page=number, pages=total)
    canvas.drawRightString(width - MARGIN, footer_y, page)


@lru_cache(maxsize=8)
def _mark_style(style: Styles, approved: bool) -> ParagraphStyle:
    size = style.body.fontSize if not approved else max(style.footer_size, style.header.fontSize)
    return ParagraphStyle(
        "approval_mark",
        parent=style.body,
        fontName=fonts.REGULAR if approved else fonts.BOLD,
        fontSize=size,
        leading=size * 1.1,
        alignment=1,
        spaceAfter=0,
        textColor=colors.black if approved else colors.white,
        backColor=None if approved else colors.HexColor("#b00020"),
        borderPadding=1,
    )


def _mark_flowable(approval: doc.Approval, style: Styles) -> Flowable:
    """Whether the clinic approved this content, for every page: a draft in bold white on a
    red band (cannot be missed, and wraps rather than runs off the page for a long clinic
    name), an approval in plain type. Its last two words stay together: a wrapped mark never
    ends on one dangling word ("... Example Spine & Pain" / "Clinic")."""
    head, _, last = approval.mark.rpartition(" ")
    mark = f"{head}{NBSP}{last}" if head else last
    return _para(escape(mark), _mark_style(style, approval.approved), kept=True)


def _draw_mark(canvas: Canvas, mark: Flowable, style: Styles) -> None:
    # wrapped once, to the page's width, when _layout measured the mark
    mark.drawOn(canvas, MARGIN, MARGIN + style.footer_size * 1.4)


def _story(document: doc.Document, style: Styles, width: float, height: float) -> list[Flowable]:
    story: list[Flowable] = [_para(escape(document.title), style.title)]
    for section in document.sections:
        flowables = _section(section, style, width)
        if any(isinstance(b, doc.Signature) for b in section.blocks) and len(story) > 1:
            together = _flat(story[-1]) + _flat_all(flowables)
            # Only when both fit on one page: a KeepTogether taller than the page is split
            # anywhere by ReportLab, which put the signature lines alone on the last page of a
            # large-print sheet whose emergency box is long (issue 12 red flags).
            if _height(together, width) <= height:
                story.pop()
                flowables = [KeepTogether(together)]
        story += flowables
    return story


def _flat(flowable: Flowable) -> list[Flowable]:
    """A KeepTogether's content (ReportLab cannot size one nested in another)."""
    return list(flowable._content) if isinstance(flowable, KeepTogether) else [flowable]


def _flat_all(flowables: list[Flowable]) -> list[Flowable]:
    return [part for flowable in flowables for part in _flat(flowable)]


def _section(section: doc.Section, style: Styles, width: float) -> list[Flowable]:
    """A section's flowables (a signature's section also takes the block before it along, in
    _story, so the signature never stands alone on a page). Boxes and signature lines are
    kept on one page, together with a heading right above them and, for signatures, the
    statement being signed. Each is one flat
    KeepTogether: ReportLab cannot size one nested in another (nor a heading's keepWithNext
    followed by one), which left headings alone at the foot of a page."""
    units: list[tuple[list[Flowable], bool]] = []  # (flowables, keep them on one page)
    heading = _para(section.title, style.heading) if section.title else None
    if heading is not None:
        units.append(([heading], False))
    for block in section.blocks:
        parts, kept = _parts(block, style, width)
        if isinstance(block, doc.Signature) and units:
            parts = units.pop()[0] + parts
        if kept and units and units[-1][0] == [heading]:
            parts = units.pop()[0] + parts
        units.append((parts, kept))
    units = _heading_with_two(units, heading)
    flowables: list[Flowable] = []
    for parts, kept in units:
        flowables += [KeepTogether(parts)] if kept else parts
    return flowables


def _heading_with_two(
    units: list[tuple[list[Flowable], bool]], heading: Flowable | None
) -> list[tuple[list[Flowable], bool]]:
    """A heading still alone in its unit (the next block is not kept whole) goes to the next
    page with the first two paragraphs or bullets under it: keepWithNext takes only one, which
    left a heading and one bullet at the foot of a page."""
    if heading is None or not units or units[0][0] != [heading]:
        return units
    taken: list[Flowable] = [heading]
    rest = list(units[1:])
    while rest and not rest[0][1] and len(taken) < 3:
        parts = rest.pop(0)[0]
        need = 3 - len(taken)
        taken += parts[:need]
        if parts[need:]:
            rest.insert(0, (parts[need:], False))
    return [(taken, True), *rest]


def _parts(block: doc.Block, style: Styles, width: float) -> tuple[list[Flowable], bool]:
    """A block's flowables, and whether they must stay on one page."""
    if isinstance(block, doc.Callout):
        return _callout(block, style), True
    if isinstance(block, doc.Signature):
        return _signature(block, style, width), True
    if isinstance(block, doc.Paragraph):
        return [_para(block.text, style.body)], False
    if isinstance(block, doc.Bullets):
        return [_para(item, style.bullet, "•") for item in block.items], False
    # a table of up to MAX_TABLE_ROWS (10) rows, a diary or a log, is read whole: one page
    return [_table(block, style, width)], True


@lru_cache(maxsize=16)
def _callout_title_style(parent: ParagraphStyle, tier: str) -> ParagraphStyle:
    """One title style per tier and print size, so parsed titles can be cached by style."""
    return ParagraphStyle(
        f"callout_{tier}", parent=parent, textColor=colors.HexColor(_TIER_COLOURS[tier][2])
    )


def _callout(block: doc.Callout, style: Styles) -> list[Flowable]:
    """A bordered, shaded box; the emergency tier has the heaviest, red border.

    One row per line (title, text, each item), so a box taller than a page (the emergency box
    in large print) continues on the next page with its title repeated, instead of making the
    sheet impossible to lay out; a box that fits stays whole (it is kept together)."""
    border, background, _ = _TIER_COLOURS[block.tier]
    title_style = _callout_title_style(style.callout_title, block.tier)
    rows: list[Flowable] = [_para(block.title, title_style)] if block.title else []
    if block.text:
        rows.append(_para(block.text, style.body))
    rows += [_para(item, style.bullet, "•") for item in block.items]
    box = Table(
        [[[row]] for row in rows],
        colWidths=["100%"],
        repeatRows=1 if block.title and len(rows) > 1 else 0,
        splitByRow=1,
    )
    box.setStyle(
        TableStyle(
            [
                (
                    "BOX",
                    (0, 0),
                    (-1, -1),
                    2.5 if block.tier == "emergency" else 1.5,
                    colors.HexColor(border),
                ),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(background)),
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 4),
            ]
        )
    )
    return [Spacer(1, style.space * 0.5), box, Spacer(1, style.space * 0.5)]


def _signature(block: doc.Signature, style: Styles, width: float) -> list[Flowable]:
    """Lines to sign on, side by side with a gap between them, each labelled underneath:
    one row of lines takes a third of the height of stacked lines. When a label would not
    fit on one line under its line (four lines, or large print), two go on each row, so a
    label such as "Interpreter name or ID" is never broken into pieces."""
    items = list(block.items)
    per_row = len(items)
    if any(_label_width(item, style) > _line_width(width, per_row, style) for item in items):
        per_row = min(2, per_row)
    flowables: list[Flowable] = [Spacer(1, style.space)]
    for start in range(0, len(items), per_row):
        flowables.append(_signature_row(items[start : start + per_row], per_row, style, width))
    return flowables


def _line_width(width: float, count: int, style: Styles) -> float:
    gap = style.space * 2
    return (width - gap * (count - 1)) / count


def _label_width(item: str, style: Styles) -> float:
    return stringWidth(
        doc.plain(keep_whole(str(item), _LANGUAGE.get())), fonts.REGULAR, style.cell.fontSize
    )


def _signature_row(items: list, per_row: int, style: Styles, width: float) -> Flowable:
    gap = style.space * 2
    line = _line_width(width, per_row, style)
    lines: list[Flowable | str] = []
    labels: list[Flowable | str] = []
    widths: list[float] = []
    for index, item in enumerate(items):
        if index:
            lines.append("")
            labels.append("")
            widths.append(gap)
        lines.append(_para(Markup(""), style.cell))
        labels.append(_para(item, style.cell))
        widths.append(line)
    table = Table([lines, labels], colWidths=widths)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, 0), style.space * 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]
    for index in range(0, 2 * len(items) - 1, 2):
        commands.append(("LINEBELOW", (index, 0), (index, 0), 0.8, colors.black))
    table.setStyle(TableStyle(commands))
    return table


_CELL_PADDING = 6  # ReportLab's default left and right cell padding, each side


def _table(block: doc.Table, style: Styles, width: float) -> Flowable:
    widths, breaks = _fitting_widths(block, style.cell.fontSize, width)

    def cell(text: str) -> Paragraph:
        return _para(_cell_text(text, breaks), style.cell, kept=True)

    head = [cell(f"<b>{c}</b>") for c in block.columns]
    body = [[cell(text) for text in row] for row in block.rows]
    # A row with nothing printed in it is for writing in: give it room for a handwritten number.
    write_in = style.cell.leading + 2 * style.space
    heights = [None] + [None if any(c.strip() for c in row) else write_in for row in block.rows]
    table = Table(
        [head, *body],
        colWidths=widths,
        rowHeights=heights,
        repeatRows=1,
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


# How much of a cell's text is kept on one line, from the most to the least: a table that is
# too narrow for whole dates at the print size (a five-column log in large print) lets the
# weekday take its own line, then breaks between any two words; it never cuts a word.
WHOLE, WEEKDAY_BREAKS, WORD_BREAKS = 0, 1, 2


def _fitting_widths(block: doc.Table, size: float, width: float) -> tuple[list[float], int]:
    for breaks in (WHOLE, WEEKDAY_BREAKS):
        try:
            return column_widths(block, size, width, breaks=breaks), breaks
        except RenderError:
            continue
    return column_widths(block, size, width, breaks=WORD_BREAKS), WORD_BREAKS


def _cell_text(text: str, breaks: int) -> str:
    """A cell as it is laid out (see WHOLE, WEEKDAY_BREAKS, WORD_BREAKS)."""
    if breaks == WORD_BREAKS:
        return str(text)
    kept = keep_whole(str(text), _LANGUAGE.get())
    return weekday_breakable(kept, _LANGUAGE.get()) if breaks == WEEKDAY_BREAKS else kept


def column_widths(
    block: doc.Table, size: float, width: float, *, breaks: int = WHOLE
) -> list[float]:
    """Column widths that never cut a word: each column gets at least its longest word, and
    the rest of the line goes to the columns with the most text (like a browser's auto
    layout). A word is what the layout cannot break: a date or a time kept whole is one word
    (no-break spaces), so it is measured whole. A word that cannot fit even so is a
    RenderError, never text over a border."""
    cells = [[(_cell_text(c, breaks), fonts.BOLD) for c in block.columns]] + [
        [(_cell_text(c, breaks), fonts.REGULAR) for c in row] for row in block.rows
    ]
    least, most = [], []
    for column in zip(*cells, strict=True):
        words = [(w, font) for text, font in column for w in _BREAKS.split(doc.plain(text)) if w]
        least.append(max((_text_width(w, f, size) for w, f in words), default=0))
        most.append(max(_text_width(line, f, size) for t, f in column for line in _lines(t)))
    pad = 2 * _CELL_PADDING + 2  # 2 pt slack: ReportLab wraps a line that fits to the hair
    least = [w + pad for w in least]
    most = [max(w + pad, low) for w, low in zip(most, least, strict=True)]
    if sum(least) > width:
        raise RenderError(
            f"a table with the columns {', '.join(doc.plain(c) for c in block.columns)} "
            "is too wide for the page at this text size; shorten its words"
        )
    if sum(most) <= width:
        return [w * width / sum(most) for w in most]
    spare, stretch = width - sum(least), sum(most) - sum(least)
    return [low + spare * (high - low) / stretch for low, high in zip(least, most, strict=True)]


_BREAKS = re.compile(r"[ \t\n]+")  # where a line may break (never at a no-break space)


def _lines(markup: str) -> list[str]:
    """The lines of a cell as written (split at <br/>), each as plain text."""
    return [doc.plain(part) for part in re.split(r"<br\s*/?>", markup)]


def _text_width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)
