"""The Document: what a handout says, as plain data. The seam between content and layout.

Content builds it without knowing ReportLab; the PDF renderer lays it out without knowing YAML;
tests, the reading-level lint and previews read it as plain text. Rich text is a MarkupSafe
`Markup` string holding only <b>, <br/> and escaped entities, so values typed by a patient or
clinic can never become markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from markupsafe import Markup

CALLOUT_TIERS = ("summary", "note", "clinic", "emergency")


@dataclass(frozen=True)
class Paragraph:
    text: Markup


@dataclass(frozen=True)
class Bullets:
    items: tuple[Markup, ...]


@dataclass(frozen=True)
class Callout:
    """A bordered box; the tier decides its look (emergency stands out the most)."""

    tier: str
    title: Markup
    items: tuple[Markup, ...] = ()
    text: Markup | None = None


@dataclass(frozen=True)
class Signature:
    items: tuple[Markup, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[Markup, ...]
    rows: tuple[tuple[Markup, ...], ...]


Block = Paragraph | Bullets | Callout | Signature | Table


@dataclass(frozen=True)
class Section:
    title: Markup | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class PageHeader:
    """Printed at the top of every page: clinic contact, and the patient when there is one."""

    clinic_name: str
    clinic_phone: str
    after_hours_phone: str
    patient_fields: tuple[tuple[str, str], ...] = ()  # (label, value) pairs, plain strings


@dataclass(frozen=True)
class Approval:
    """Whether the clinic approved exactly the content version this sheet prints.

    `mark` is the sentence every page carries: the draft warning (always with the word DRAFT)
    or who approved this version and when. Any renderer (PDF, HTML) prints it as given.
    """

    approved: bool
    version: str  # the language's content version (`version` in its _language.yaml)
    mark: str
    approved_by: str = ""
    approved_on: str = ""  # ISO date, for the audit trail


@dataclass(frozen=True)
class Document:
    title: str
    language: str
    header: PageHeader
    sections: tuple[Section, ...]
    page_label: str  # e.g. "Page {page} of {pages}"
    content_version: str  # recipe version, language and a hash of every content file used
    content_hash: str  # SHA-256 over those files, for the audit trail
    large_print: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    approval: Approval = field(default_factory=lambda: Approval(False, "", "DRAFT - not approved"))


_TAG = re.compile(r"<[^>]+>")


def plain(markup: str) -> str:
    """Markup to the text a reader sees: tags dropped, <br/> as a space, entities decoded."""
    spaced = _TAG.sub(lambda tag: " " if tag.group(0).startswith("<br") else "", markup)
    return html.unescape(spaced.replace("  ", " ")).strip()


def _block_lines(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [plain(block.text)]
    if isinstance(block, Callout):
        lines = [plain(block.title)]
        lines += [plain(block.text)] if block.text else []
        return lines + [f"- {plain(item)}" for item in block.items]
    if isinstance(block, Table):
        rows = [block.columns, *block.rows]
        return [" | ".join(plain(cell) for cell in row) for row in rows]
    return [f"- {plain(item)}" for item in block.items]


def document_text(document: Document, *, with_header: bool = False) -> str:
    """The handout's words, section by section, for tests, lint and previews."""
    lines = [document.title]
    if with_header:
        head = document.header
        lines.append(f"{head.clinic_name} {head.clinic_phone}")
        lines += [f"{label}: {value}" for label, value in head.patient_fields]
        lines.append(document.approval.mark)
    for section in document.sections:
        if section.title:
            lines.append(plain(section.title))
        for block in section.blocks:
            lines += _block_lines(block)
    return "\n".join(lines)
