"""The plain ReportLab script esi-docs is measured against (issue 18): what a developer would
write by hand to print the same sheet. It imports ReportLab and the standard library only.

`python benchmarks/plain_sheet.py SHEET.json OUT.pdf` lays out one sheet's words (as bench.py
writes them from a composed Document: title, header, sections of blocks) with the same DejaVu
faces, ReportLab's own TTFont, platypus, the same page size and margins, a header and a
"Page N of M" footer on every page. bench.py times it as a fresh process (start-up) and, in
one process, against esi-docs sheet by sheet (warm).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONTS = Path(__file__).resolve().parents[1] / "src" / "esi_docs" / "fonts"
REGULAR, BOLD = "PlainSans", "PlainSans-Bold"


def register_fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


def layout(sheet: dict[str, Any]) -> bytes:
    """One sheet as PDF bytes: styles and story built here, two-pass page numbering."""
    register_fonts()
    body = ParagraphStyle("b", fontName=REGULAR, fontSize=12, leading=15, spaceAfter=3.6)
    bullet = ParagraphStyle("u", parent=body, leftIndent=15.6, bulletIndent=3.6)
    heading = ParagraphStyle("h", parent=body, fontName=BOLD, fontSize=15, leading=18)
    box = TableStyle([("BOX", (0, 0), (-1, -1), 1.5, colors.red)])

    class Numbered(Canvas):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                self.setFont(REGULAR, 9)
                self.drawString(0.6 * inch, 10.4 * inch, sheet["header"])
                self.drawString(0.6 * inch, 0.6 * inch, sheet["version"])
                self.drawRightString(7.9 * inch, 0.6 * inch, f"Page {number} of {len(self._saved)}")
                super().showPage()
            super().save()

    def blocks(block: dict[str, Any]) -> list[Any]:
        kind = block["kind"]
        if kind == "paragraph":
            return [Paragraph(block["text"], body)]
        if kind == "callout":
            inner = [Paragraph(block["title"], heading)]
            inner += [Paragraph(block["text"], body)] if block.get("text") else []
            inner += [Paragraph(i, bullet, bulletText="•") for i in block["items"]]
            table = Table([[inner]])
            table.setStyle(box)
            return [table]
        if kind == "table":
            rows = [block["columns"], *block["rows"]]
            return [Table([[Paragraph(c, body) for c in row] for row in rows])]
        return [Paragraph(i, bullet, bulletText="•") for i in block["items"]]

    story = [Paragraph(sheet["title"], heading)]
    for section in sheet["sections"]:
        if section["title"]:
            story.append(Paragraph(section["title"], heading))
        for block in section["blocks"]:
            story += blocks(block)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(  # the sheet's page area: same margins, header, footer
        buffer,
        pagesize=LETTER,
        invariant=1,
        pageCompression=1,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=1.1 * inch,
        bottomMargin=1.0 * inch,
    )
    template.build(story, canvasmaker=Numbered)
    return buffer.getvalue()


if __name__ == "__main__":
    words = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    Path(sys.argv[2]).write_bytes(layout(words))
