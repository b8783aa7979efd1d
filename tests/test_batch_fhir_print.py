"""Batch from a FHIR Bundle roster, and batch --print (issue 8 wired into issue 5's batch)."""

from __future__ import annotations

import csv
import io

import pytest

from esi_docs.delivery.printing import PrintError
from esi_docs.inputs.fhir import patients_from_bundle
from tests.conftest import pdf_text, write_yaml
from tests.fhir_helpers import FHIR_DIR

CLINIC_DAY = FHIR_DIR / "clinic_day.json"


def manifest_rows(folder):
    text = (folder / "manifest.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def overrides(tmp_path):
    return write_yaml(tmp_path / "o.yaml", {"blood_thinner": "none", "sedation": "true"})


def test_bundle_roster_prints_one_sheet_per_patient(run_cli, tmp_path, overrides):
    out = tmp_path / "out"
    result = run_cli(
        "batch",
        "discharge",
        "--roster",
        str(CLINIC_DAY),
        "--patient",
        str(overrides),
        "--out-dir",
        str(out),
        "--jobs",
        "1",
        "--no-audit",
    )
    assert result.exit_code == 0, result.stderr
    patients = patients_from_bundle(CLINIC_DAY, overrides)
    rows = manifest_rows(out)
    assert [r["row"] for r in rows] == [p.label for p in patients]
    assert [r["status"] for r in rows] == ["ok"] * len(patients)
    for row, patient in zip(rows, patients, strict=True):
        assert patient.mapping["name"] in pdf_text((out / row["file"]).read_bytes())


def test_bundle_roster_without_overrides_names_what_is_missing(run_cli, tmp_path):
    out = tmp_path / "out"
    result = run_cli(
        "batch", "discharge", "--roster", str(CLINIC_DAY), "--out-dir", str(out), "--no-audit"
    )
    assert result.exit_code == 2
    assert "sedation: not in the Bundle" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_overrides_are_refused_for_a_csv_roster(run_cli, tmp_path, overrides):
    roster = tmp_path / "r.csv"
    roster.write_text(run_cli("example", "roster").stdout, encoding="utf-8")
    result = run_cli(
        "batch",
        "pre-procedure",
        "--roster",
        str(roster),
        "--patient",
        str(overrides),
        "--out-dir",
        str(tmp_path / "out"),
        "--no-audit",
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {overrides}: --patient overrides apply only to a FHIR Bundle or "
        "HL7 v2 roster\n"
    )


@pytest.fixture
def printed(monkeypatch):
    jobs: list[tuple[bytes, str | None]] = []

    def fake_print(pdf: bytes, printer: str | None = None, **_: object) -> str:
        jobs.append((pdf, printer))
        return f"esi-pdf-{len(jobs)}"

    monkeypatch.setattr("esi_docs.delivery.printing.print_pdf", fake_print)
    return jobs


def _roster(run_cli, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text(run_cli("example", "roster").stdout, encoding="utf-8")
    return roster


def test_print_sends_the_merged_file_once(run_cli, tmp_path, printed):
    out, merged = tmp_path / "out", tmp_path / "all.pdf"
    result = run_cli(
        "batch",
        "pre-procedure",
        "--roster",
        str(_roster(run_cli, tmp_path)),
        "--out-dir",
        str(out),
        "--merged",
        str(merged),
        "--print",
        "esi-pdf",
        "--no-audit",
    )
    assert result.exit_code == 0, result.stderr
    assert printed == [(merged.read_bytes(), "esi-pdf")]
    assert "sent all.pdf to the printer (job esi-pdf-1)" in result.stderr


def test_print_without_merged_sends_each_sheet_in_roster_order(run_cli, tmp_path, printed):
    out = tmp_path / "out"
    result = run_cli(
        "batch",
        "pre-procedure",
        "--roster",
        str(_roster(run_cli, tmp_path)),
        "--out-dir",
        str(out),
        "--print",
        "--no-audit",
    )
    assert result.exit_code == 0, result.stderr
    files = [out / row["file"] for row in manifest_rows(out)]
    assert [pdf for pdf, _ in printed] == [f.read_bytes() for f in files]
    assert {printer for _, printer in printed} == {None}  # no name: the system default


def test_printer_error_keeps_the_files_and_exits_1(run_cli, tmp_path, monkeypatch):
    def broken(pdf: bytes, printer: str | None = None, **_: object) -> str:
        raise PrintError("printing: the printer 'nope' does not exist")

    monkeypatch.setattr("esi_docs.delivery.printing.print_pdf", broken)
    out = tmp_path / "out"
    result = run_cli(
        "batch",
        "pre-procedure",
        "--roster",
        str(_roster(run_cli, tmp_path)),
        "--out-dir",
        str(out),
        "--print",
        "nope",
        "--no-audit",
    )
    assert result.exit_code == 1
    assert "printing: the printer 'nope' does not exist" in result.stderr
    assert len([p for p in out.iterdir() if p.suffix == ".pdf"]) == 3
