"""Shared fixtures of the adversarial suite: canary patient data and the checks that it leaks
nowhere. New input paths (batch roster, web form) reuse these: render with `CANARY_PATIENT`,
then `assert_no_canary(...)` on every message, log, manifest and file name they produce.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import TYPICAL, write_yaml
from tests.system import need_program

CANARY_NAME = "Zyxwv Canaryson"
CANARY_MRN = "CANARY-0042"
CANARY_PHYSICIAN = "Dr Qwertz Canaryphys"
CANARY_DRUG = "Canarydrugol"
# Each piece on its own too: a message must not carry half a name either.
CANARIES = (CANARY_NAME, "Zyxwv", "Canaryson", CANARY_MRN, "Canaryphys", CANARY_DRUG)
CANARY_PATIENT = TYPICAL | {
    "name": CANARY_NAME,
    "mrn": CANARY_MRN,
    "physician": CANARY_PHYSICIAN,
    "blood_thinner": CANARY_DRUG,
    "blood_thinner_held": "all",
    "level": "L5-S1",
}


def assert_no_canary(text: str | bytes, where: str) -> None:
    """Fail naming the place (`stderr`, `log`, `PDF metadata` ...) where patient data leaked."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    for canary in CANARIES:
        assert canary.lower() not in text.lower(), f"{canary!r} leaked into {where}: {text!r}"


@pytest.fixture
def canary_patient() -> dict:
    return dict(CANARY_PATIENT)


@pytest.fixture
def canary_file(tmp_path: Path) -> Path:
    return write_yaml(tmp_path / "patient.yaml", dict(CANARY_PATIENT))


@pytest.fixture
def temp_names(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every temporary file name esi-docs asks for during the test."""
    names: list[str] = []
    real = tempfile.mkstemp

    def recording(*args, **kwargs):
        handle, name = real(*args, **kwargs)
        names.append(name)
        return handle, name

    monkeypatch.setattr(tempfile, "mkstemp", recording)
    return names


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every log record of every library at DEBUG level."""
    caplog.set_level(logging.DEBUG)
    return caplog


def all_log_text(caplog: pytest.LogCaptureFixture) -> str:
    """Formatted messages plus raw arguments: a leak in either counts."""
    return "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)


def pdf_metadata(data: bytes) -> str:
    """Every document-information value of a PDF, as text."""
    info = PdfReader(io.BytesIO(data)).metadata or {}
    return " ".join(f"{k}={v}" for k, v in info.items())


def pdf_features(data: bytes) -> set[str]:
    """Which active features a PDF has: annotations (links), URIs, images, actions."""
    reader = PdfReader(io.BytesIO(data))
    found: set[str] = set()
    for page in reader.pages:
        if "/Annots" in page:
            found.add("/Annots")
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        if xobjects:
            found.add("/XObject")
    raw = data.decode("latin-1")
    for marker in ("/URI", "/Link", "/JavaScript", "/Launch", "/OpenAction", "/Subtype /Image"):
        if marker in raw:
            found.add(marker)
    return found


def word_boxes(data: bytes, tmp_path: Path) -> tuple[list[tuple[str, float, float]], float]:
    """(word, xMin, xMax) for every word poppler finds, and the page width."""
    pdftotext = need_program("pdftotext", "poppler-utils")
    pdf = tmp_path / "boxes.pdf"
    pdf.write_bytes(data)
    html = subprocess.run(
        [pdftotext, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout

    width = float(re.search(r'<page width="([0-9.]+)"', html)[1])
    words = [
        (m[3], float(m[1]), float(m[2]))
        for m in re.finditer(
            r'<word xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)"[^>]*>([^<]*)<', html
        )
    ]
    return words, width
