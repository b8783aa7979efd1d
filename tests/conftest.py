"""Shared test helpers: a typical patient, and the text a reader would see in a PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from esi_docs.cli import cli
from tests.databases import database  # noqa: F401 - the SQLite + PostgreSQL fixture

TYPICAL = {
    "name": "Maria Example",
    "dob": "1961-04-12",
    "mrn": "0012345",
    "procedure_date": "2026-11-20",
    "approach": "interlaminar",
    "region": "lumbar",
    "diabetic": "false",
    "sedation": "false",
    "blood_thinner": "none",
}


# The day the tests run "on" (ESI_DOCS_TODAY), so no test depends on the calendar: discharge
# sheets are given on the typical procedure day; letters two weeks before it, when every
# packaged stop date (at most 8 days before) is still ahead.
DISCHARGE_DAY = "2026-11-20"
LETTER_DAY = "2026-11-06"


def pdf_pages(data: bytes) -> list[str]:
    """The extracted text of each page, whitespace folded, as a reader would copy it."""
    reader = PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def private_audit_db(tmp_path_factory, monkeypatch) -> Path:
    """Every test records into its own audit database, never the user's real one."""
    path = tmp_path_factory.mktemp("audit") / "audit.sqlite3"
    monkeypatch.setenv("ESI_DOCS_AUDIT_DB", str(path))
    return path


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("esi-docs-cache")


@pytest.fixture(autouse=True)
def private_disk_cache(_session_cache, monkeypatch) -> Path:
    """The parse cache lives in the test session's own folder, never the user's ~/.cache."""
    monkeypatch.setenv("ESI_DOCS_CACHE_DIR", str(_session_cache))
    return _session_cache


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch) -> str:
    """Every test runs on the typical procedure day unless it says otherwise."""
    monkeypatch.setenv("ESI_DOCS_TODAY", DISCHARGE_DAY)
    return DISCHARGE_DAY


@pytest.fixture
def letter_day(monkeypatch) -> str:
    """For tests of the pre-procedure letter: two weeks before the typical procedure."""
    monkeypatch.setenv("ESI_DOCS_TODAY", LETTER_DAY)
    return LETTER_DAY


@pytest.fixture
def typical() -> dict:
    return dict(TYPICAL)


@pytest.fixture
def run_cli():
    """Invoke the CLI in-process; returns click's Result (stdout and stderr kept apart)."""
    runner = CliRunner()

    def invoke(*args: str, **kwargs):
        return runner.invoke(cli, list(args), catch_exceptions=False, **kwargs)

    return invoke
