"""Expressions and labels that could hold the interpreter inside C code are refused quickly."""

from __future__ import annotations

import shutil
import time

import pytest

from esi_docs.content.search_path import packaged_folder
from esi_docs.errors import ContentError
from tests.adversarial.test_templates import refusal
from tests.conftest import TYPICAL


@pytest.mark.parametrize(
    "text",
    [
        "{{ ((9**64)**64)**64 }}",
        "{{ (((9**64)**64)**64)**64 }}",
        "{{ (10**1000) * (10**1000) * (10**1000) }}",
        "{{ 2 ** 100000 }}",
    ],
)
def test_huge_arithmetic_is_refused_before_it_is_computed(tmp_path, text):
    started = time.monotonic()
    assert "would be too large to compute" in refusal(tmp_path, text)
    assert time.monotonic() - started < 2  # not the 5 s watchdog: the size guard


def test_ordinary_arithmetic_still_works(tmp_path):
    from esi_docs.api import render_handout
    from tests.adversarial.test_templates import seed

    root = seed(tmp_path, {"type": "paragraph", "text": "{{ 2 ** 10 }} {{ 7 * 24 }}"})
    assert b"%PDF" in render_handout("discharge", TYPICAL, templates=root).pdf


def _with_label(tmp_path, label: str):
    root = tmp_path / "content"
    shutil.copytree(packaged_folder("templates") / "en", root / "en")
    path = root / "en" / "_language.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'page: "Page {page} of {pages}"' in text
    path.write_text(text.replace('"Page {page} of {pages}"', f'"{label}"'), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Page {page:>150000000}", "'{page}' may not carry a format"),
        ("Page {page.__class__.__mro__}", "is not a gap a label may have"),
        ("Page {page!r}", "may not carry a format"),
        ("Page {0}", "is not a gap a label may have"),
    ],
)
def test_label_gaps_are_plain_names_only(tmp_path, run_cli, label, expected):
    from esi_docs.api import render_handout

    root = _with_label(tmp_path, label)
    with pytest.raises(ContentError) as caught:
        render_handout("discharge", TYPICAL, templates=root)
    assert expected in str(caught.value)
    assert str(caught.value).startswith("en/_language.yaml")
    result = run_cli("lint", "--templates", str(root))
    assert result.exit_code != 0 and expected in result.stdout
