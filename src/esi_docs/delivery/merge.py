"""Joins per-patient PDFs into one print-ready file for a double-sided printer.

Each patient was rendered on their own, so "Page N of M" already counts within the patient.
After a packet with an odd number of pages a blank page is added, so the next patient starts on
a front side and no sheet of paper carries two patients.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from esi_docs.errors import RenderError


def merge_pdfs(files: Iterable[Path]) -> bytes:
    """The PDFs in order, each padded to an even page count; raises RenderError if none."""
    from pypdf import PdfReader, PdfWriter  # only the batch needs it

    writer = PdfWriter()
    count = 0
    for path in files:
        reader = PdfReader(path)
        writer.append(reader)
        if len(reader.pages) % 2:
            last = reader.pages[-1].mediabox
            writer.add_blank_page(width=last.width, height=last.height)
        count += 1
    if not count:
        raise RenderError("--merged: no patient was rendered, so there is nothing to merge")
    # Document info would otherwise be copied from the first patient's PDF.
    writer.add_metadata({"/Title": "esi-docs batch", "/Producer": "esi-docs"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
