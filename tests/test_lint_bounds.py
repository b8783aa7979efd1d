"""lint meets the hostile content render refuses (issue 14): label gaps that are not plain
names, and arithmetic too large to compute, are findings, and the lint finishes."""

from __future__ import annotations

import re

import pytest

from tests.test_lint import TODAY, Content


@pytest.fixture
def content(tmp_path) -> Content:
    return Content(tmp_path / "content")


def _replace_line(content: Content, name: str, pattern: str, line: str) -> None:
    path = content.root / name
    text, count = re.subn(pattern, line, path.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert count == 1, f"{pattern!r} is not in {name}"
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("label", "says"),
    [
        ("Page {page.__class__.__mro__}", "is not a gap a label may have; allowed: "),
        ("Page {page:>150000000}", "may not carry a format (:...) or conversion (!...)"),
    ],
)
def test_a_label_gap_with_an_attribute_or_a_format_is_an_error(content, run_cli, label, says):
    _replace_line(content, "en/_language.yaml", r'^  page: ".*"', f'  page: "{label}"')
    result = run_cli("lint", "--templates", str(content.root), "--today", TODAY, "--only", "names")
    assert result.exit_code == 1
    [line] = [x for x in result.stdout.splitlines() if x.startswith("en/_language.yaml:")]
    assert ": error: labels: page: " in line and says in line


def test_huge_arithmetic_is_a_grid_error_not_a_hang(content, run_cli):
    _replace_line(
        content, "en/summary.yaml", r'^    title: ".*"', '    title: "{{ ((9**64)**64)**64 }}"'
    )
    result = run_cli("lint", "--templates", str(content.root), "--today", TODAY, "--only", "grid")
    assert result.exit_code == 1
    assert "a number in this expression would be too large to compute" in result.stdout
