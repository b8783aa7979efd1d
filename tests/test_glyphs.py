"""Glyph coverage is shipped as data so input checks need no ReportLab (issue 18)."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

from esi_docs.inputs import glyphs
from esi_docs.render import fonts


def test_shipped_coverage_matches_the_ttf_files():
    shipped = (resources.files("esi_docs") / "fonts" / glyphs.COVERAGE_FILE).read_text("ascii")
    assert shipped == glyphs.format_ranges(fonts.compute_coverage()), (
        "fonts/coverage.txt is stale: run python -m esi_docs.render.fonts"
    )


def test_can_draw_agrees_with_the_fonts_for_every_mapped_code_point():
    drawable = fonts.compute_coverage()
    for cp in range(0x21, glyphs.LAST_MAPPED + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        assert glyphs.can_draw(chr(cp)) == (cp in drawable), hex(cp)


def test_space_passes_and_astral_characters_are_refused():
    assert glyphs.can_draw(" ")
    assert glyphs.can_draw("ệ")
    assert not glyphs.can_draw("\U0001f600")
    assert not glyphs.can_draw("\u4e2d")


def test_ranges_round_trip():
    points = frozenset({1, 2, 3, 7, 9, 10})
    starts, ends = glyphs.parse_ranges(glyphs.format_ranges(points))
    assert {cp for s, e in zip(starts, ends, strict=True) for cp in range(s, e + 1)} == points


def test_input_checks_do_not_import_reportlab():
    code = (
        "import sys; from esi_docs.inputs import values; "
        "values.check_text if hasattr(values, 'check_text') else None; "
        "from esi_docs.inputs import glyphs; glyphs.can_draw('a'); "
        "bad = [m for m in sys.modules if m.startswith(('reportlab', 'esi_docs.render'))]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
