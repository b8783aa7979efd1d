"""The README is the front door (issue 11): short, with the set-up commands CI runs, and every
link in it and in docs/ leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
_LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def test_the_readme_is_at_most_about_10_kb():
    assert README.stat().st_size <= 10_500


def test_the_readme_holds_the_set_up_commands_that_ci_runs():
    readme = README.read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv .venv && . .venv/bin/activate" in readme
    assert 'pip install -e ".[test]" && python -m pytest' in readme
    assert '-e ".[test]" && python -m pytest' in ci  # CI adds -q to pip
    assert (
        "pip install . && esi-docs example patient > patient.yaml && "
        "esi-docs render discharge --patient patient.yaml -o discharge.pdf"
    ) in readme


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    broken = []
    for target, anchor in _LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path = (page.parent / target).resolve()
        if not path.exists():
            broken.append(target)
        elif anchor and path.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), re.M)
            if anchor[1:] not in {_anchor(h) for h in headings}:
                broken.append(target + anchor)
    assert broken == []
