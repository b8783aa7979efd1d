"""Manifest cells are inert in a spreadsheet."""

from __future__ import annotations

import pytest

from esi_docs.delivery.manifest import ManifestRow, manifest_bytes, neutralise


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("0012345", "0012345"),
        ("", ""),
    ],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def test_every_column_is_neutralised():
    row = ManifestRow("=2", "=3", "=4.pdf", "=ok", "=err")
    text = manifest_bytes([row]).decode("utf-8-sig")
    assert text.splitlines()[1] == "'=2,'=3,'=4.pdf,'=ok,'=err"
