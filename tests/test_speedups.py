"""The speed-ups change nothing a reader or a reprint can see: same text, same bytes."""

from __future__ import annotations

import pytest

from esi_docs.api import render_handout
from esi_docs.content.sandbox import LiteralText, sandbox
from esi_docs.inputs.patient import parse_patient
from esi_docs.render import reuse
from tests.conftest import TYPICAL, pdf_text


@pytest.mark.parametrize("source", ["plain", "a\r\nb\rc\n", "two\n\n", "AT&T <b>x</b>\n", ""])
def test_plain_text_renders_exactly_as_jinja_would(source):
    assert LiteralText(source).render({}) == sandbox().from_string(source).render({})


def test_parse_cache_gives_the_same_bytes_whatever_came_before():
    first = parse_patient(TYPICAL, "p")
    other = parse_patient(
        {**TYPICAL, "name": "AT&T <Jr>", "diabetic": "true", "large_print": "true"}, "p"
    )
    reuse.clear()
    cold = render_handout("discharge", first).pdf
    render_handout("discharge", other, paper="a4")
    warm = render_handout("discharge", first).pdf
    assert warm == cold
    assert "AT&T <Jr>" in pdf_text(render_handout("discharge", other).pdf)
