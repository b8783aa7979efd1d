"""Lays a Document out as one self-contained HTML5 page: the accessible twin of the PDF.

A screen reader, a phone's zoom and a patient portal read this page; the PDF is for paper and
the archive. The page has no script, loads nothing from elsewhere (CSS inline, system fonts) and
prints like the sheet (@media print). Structure carries the meaning: one h1, a heading per
section, real lists, tables with header cells and a caption, and each call-out a labelled region
whose kind ("Emergency") is written out, never told by colour alone.

Document rich text is MarkupSafe Markup holding only <b>, <br/> and entities; those become
<strong> and <br>, and everything else is escaped again here, so no value typed by a patient
or clinic can become markup. Output depends only on the Document: reruns are byte-identical.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from markupsafe import Markup, escape

from esi_docs.content import document as doc

# The kind of each call-out, written out before its title. A language pack may word them
# (labels callout_<tier>); these English words are the fallback for packs that do not.
TIER_WORDS = {
    "summary": "Summary",
    "note": "Note",
    "clinic": "Call the clinic",
    "emergency": "Emergency",
}
_RICH = re.compile(r"(</?b>|<br\s*/?>)", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_ALLOWED = {"<b>": "<strong>", "</b>": "</strong>"}


def rich(markup: str) -> Markup:
    """Document rich text as HTML: <b> and <br/> kept, any other tag dropped, text re-escaped."""
    out = []
    for part in _RICH.split(str(markup)):
        lowered = part.lower()
        if lowered in _ALLOWED:
            out.append(_ALLOWED[lowered])
        elif _RICH.fullmatch(part):
            out.append("<br>")
        else:
            out.append(str(escape(html.unescape(_TAG.sub("", part)))))
    return Markup("".join(out))  # noqa: S704 - every text part escaped just above


def render_html(document: doc.Document) -> bytes:
    """The Document as UTF-8 HTML bytes."""
    return "\n".join(_page(document)).encode("utf-8") + b"\n"


def _page(document: doc.Document) -> Iterator[str]:
    yield "<!DOCTYPE html>"
    yield f'<html lang="{escape(document.language)}">'
    yield "<head>"
    yield '<meta charset="utf-8">'
    yield '<meta name="viewport" content="width=device-width, initial-scale=1">'
    yield f"<title>{escape(document.title)}</title>"
    yield f"<style>{_css(document.large_print)}</style>"
    yield "</head>"
    cls = "large-print" if document.large_print else "normal-print"
    yield f'<body class="{cls}">'
    yield from _header(document)
    if not document.approval.approved:  # a draft says so before anything else is read
        yield f'<p class="approval draft" role="note">{escape(document.approval.mark)}</p>'
    yield "<main>"
    yield f"<h1>{escape(document.title)}</h1>"
    ids = _Ids()
    for section in document.sections:
        yield from _section(section, ids, document.labels)
    yield "</main>"
    yield (
        f'<footer><p class="version">{escape(document.content_version)}</p>'
        f'<p class="approval">{escape(document.approval.mark)}</p></footer>'
    )
    yield "</body>"
    yield "</html>"


class _Ids:
    """Element ids numbered in document order, so the same Document gives the same page."""

    def __init__(self) -> None:
        self._count = 0

    def next(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}-{self._count}"


def _header(document: doc.Document) -> Iterator[str]:
    """Clinic contact and the patient's identifiers, once at the top (a page has no pages)."""
    head, labels = document.header, document.labels
    yield '<header class="sheet-header">'
    yield (
        f'<p class="clinic"><strong>{escape(head.clinic_name)}</strong>'
        f' · {escape(labels.get("clinic_phone", ""))} <span class="nowrap">'
        f"{escape(head.clinic_phone)}</span>"
        f' · {escape(labels.get("after_hours", ""))} <span class="nowrap">'
        f"{escape(head.after_hours_phone)}</span></p>"
    )
    if head.patient_fields:
        yield '<dl class="patient">'
        for label, value in head.patient_fields:
            yield f"<div><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>"
        yield "</dl>"
    yield "</header>"


def _section(section: doc.Section, ids: _Ids, labels: dict[str, str]) -> Iterator[str]:
    caption = doc.plain(section.title) if section.title else ""
    if section.title:
        heading = ids.next("section")
        yield f'<section aria-labelledby="{heading}">'
        yield f'<h2 id="{heading}">{rich(section.title)}</h2>'
    else:
        yield "<div>"
    level = 3 if section.title else 2  # a box's heading sits under its section's
    for block in section.blocks:
        if isinstance(block, doc.Paragraph) and not section.title:
            caption = _lead(block.text) or caption  # "Your pain diary." names the table after it
        yield from _block(block, ids, labels, caption, level)
    yield "</section>" if section.title else "</div>"


_LEAD = re.compile(r"^\s*<b>(.*?)</b>", re.IGNORECASE | re.DOTALL)


def _lead(markup: str) -> str:
    """A paragraph's bold opening words ("Your pain diary."), as plain text, or ''."""
    match = _LEAD.match(str(markup))
    return doc.plain(match.group(1)).rstrip(".:") if match else ""


def _block(
    block: doc.Block, ids: _Ids, labels: dict[str, str], caption: str, level: int
) -> Iterator[str]:
    if isinstance(block, doc.Paragraph):
        yield f"<p>{rich(block.text)}</p>"
    elif isinstance(block, doc.Bullets):
        yield from _list(block.items)
    elif isinstance(block, doc.Callout):
        yield from _callout(block, ids, labels, level)
    elif isinstance(block, doc.Signature):
        yield from _signature(block)
    else:
        yield from _table(block, caption)


def _list(items: tuple[Markup, ...]) -> Iterator[str]:
    yield "<ul>"
    for item in items:
        yield f"<li>{rich(item)}</li>"
    yield "</ul>"


def _callout(block: doc.Callout, ids: _Ids, labels: dict[str, str], level: int) -> Iterator[str]:
    """A region named by its title, with its kind written out (meaning never by colour only)."""
    title = ids.next("callout")
    kind = labels.get(f"callout_{block.tier}", TIER_WORDS[block.tier])
    yield (
        f'<section class="callout callout-{escape(block.tier)}" role="region" '
        f'aria-labelledby="{title}">'
    )
    yield (
        f'<h{level} class="callout-title" id="{title}"><span class="kind">{escape(kind)}:</span> '
        f"{rich(block.title) if block.title else ''}</h{level}>"
    )
    if block.text:
        yield f"<p>{rich(block.text)}</p>"
    if block.items:
        yield from _list(block.items)
    yield "</section>"


def _signature(block: doc.Signature) -> Iterator[str]:
    """Lines to sign on when the page is printed; each labelled with what goes on it."""
    yield '<div class="signature">'
    for item in block.items:
        yield f'<div class="sign"><div class="line"></div><p>{rich(item)}</p></div>'
    yield "</div>"


def _table(block: doc.Table, caption: str) -> Iterator[str]:
    """A real table: column header cells and a caption (the section's title, else the
    columns). An empty row is a row to write in on paper."""
    name = caption or ", ".join(doc.plain(c) for c in block.columns)
    yield '<div class="table-wrap"><table>'
    yield f"<caption>{escape(name)}</caption>"
    yield "<thead><tr>"
    for column in block.columns:
        yield f'<th scope="col">{rich(column)}</th>'
    yield "</tr></thead>"
    yield "<tbody>"
    for row in block.rows:
        empty = not any(doc.plain(cell) for cell in row)
        yield '<tr class="write-in">' if empty else "<tr>"
        for cell in row:
            yield f"<td>{rich(cell)}</td>"
        yield "</tr>"
    yield "</tbody></table></div>"


_CSS = """
html{font-size:BASEpt;-webkit-text-size-adjust:100%}
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;line-height:1.4;color:#000;
background:#fff;margin:0 auto;padding:1rem;max-width:48rem;overflow-wrap:break-word}
.sheet-header{border-bottom:2px solid #1f4e79;padding-bottom:.4rem;font-size:SMALL}
.sheet-header p{margin:0 0 .3rem}
.nowrap{white-space:nowrap}
.patient{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;margin:0}
.patient div{display:flex;gap:.3rem}
.patient dt::after{content:":"}
.patient dd{margin:0;font-weight:bold}
h1{font-size:1.55rem;line-height:1.2;margin:.8rem 0 .4rem}
h2{font-size:1.25rem;color:#1f4e79;margin:1rem 0 .3rem}
.callout-title,h3{font-size:1rem;margin:0 0 .3rem;color:inherit}
p{margin:0 0 .4rem}
ul{margin:0 0 .5rem;padding-left:1.4rem}
li{margin-bottom:.2rem}
.callout{border:2px solid;padding:.4rem .6rem;margin:.6rem 0;break-inside:avoid}
.callout-summary{border-color:#1f4e79;background:#eaf2fb}
.callout-summary .callout-title{color:#1f4e79}
.callout-note{border-color:#555;background:#f4f4f4}
.callout-clinic{border-color:#b35c00;background:#fff4e5}
.callout-clinic .callout-title{color:#7a3e00}
.callout-emergency{border:4px double #c00000;background:#fde9e9}
.callout-emergency .callout-title{color:#a00000}
.kind{text-transform:uppercase;letter-spacing:.03em}
.table-wrap{max-width:100%}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem;table-layout:fixed}
caption{text-align:left;font-weight:bold;padding-bottom:.2rem}
th,td{border:1px solid #555;padding:.3rem;text-align:left;vertical-align:top;
overflow-wrap:anywhere;hyphens:auto}
th{background:#eaf2fb}
tr.write-in td{height:2.2rem}
.signature{display:flex;flex-wrap:wrap;gap:1rem 2rem;margin-top:1rem;break-inside:avoid}
.sign{flex:1 1 12rem}
.sign .line{border-bottom:1px solid #000;height:2.5rem}
footer{border-top:1px solid #555;margin-top:1rem;padding-top:.3rem;font-size:SMALL}
.approval.draft{background:#b00020;color:#fff;font-weight:bold;padding:.3rem .6rem;
text-align:center}
@media print{
@page{margin:.6in}
body{max-width:none;padding:0;-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:#000}
h2,h3,.callout-title{break-after:avoid}
tr{break-inside:avoid}
}
"""


def _css(large_print: bool) -> str:
    """The inline style sheet: base text 12 pt, or 18 pt in large print (as on the PDF)."""
    # Large print: every character 18 pt or more, the header and footer included (issue 13).
    small = "1rem" if large_print else ".85rem"
    css = _CSS.replace("BASE", "18" if large_print else "12").replace("SMALL", small)
    return css.strip().replace("\n", "")
