"""Faults in the middle of a batch (issue 7 over issue 5's batch): the disk fills up or a
write is refused after some sheets are done. Nothing partial is left, the manifest and the
audit trail say exactly what was printed, and the canary patient's name leaks nowhere."""

from __future__ import annotations

import csv
import errno
import io
import os

import pytest

from esi_docs.records.audit import AuditLog
from tests.adversarial.conftest import CANARY_PATIENT, assert_no_canary
from tests.conftest import TYPICAL

ROWS = 4


def write_roster(path, rows):
    keys = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, keys)
        writer.writeheader()
        writer.writerows(rows)
    return path


def fail_pdf_write(monkeypatch, number: int, code: int) -> None:
    """Let the first number-1 PDF writes through, then fail every later PDF with `code` (the
    manifest and the audit database still write: the fault is where the sheets go)."""
    real_write = os.write
    seen = {"pdfs": 0}

    def write(handle, data):
        if bytes(data[:5]) == b"%PDF-":
            seen["pdfs"] += 1
            if seen["pdfs"] >= number:
                raise OSError(code, os.strerror(code))
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EIO])
@pytest.mark.parametrize("failing", [1, 3])
def test_write_fault_mid_batch(run_cli, tmp_path, monkeypatch, code, failing):
    rows = [CANARY_PATIENT | {"mrn": f"M{n}"} for n in range(ROWS)]
    roster = write_roster(tmp_path / "r.csv", rows)
    out, db = tmp_path / "out", tmp_path / "audit.sqlite3"
    fail_pdf_write(monkeypatch, failing, code)
    result = run_cli(
        "batch",
        "discharge",
        "--roster",
        str(roster),
        "--out-dir",
        str(out),
        "--jobs",
        "1",
        "--continue-on-error",
        "--audit-db",
        str(db),
    )
    assert result.exit_code == 1
    pdfs = sorted(p.name for p in out.iterdir() if p.suffix == ".pdf")
    assert len(pdfs) == failing - 1  # only the whole files before the fault
    assert not [p for p in out.iterdir() if p.name.startswith(".esi-docs-")]  # no temp file
    manifest = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_text("utf-8-sig"))))
    assert [r["status"] == "ok" for r in manifest] == [n < failing - 1 for n in range(ROWS)]
    recorded = {r.mrn for n in range(ROWS) for r in AuditLog(db).history(f"M{n}")}
    assert recorded == {f"M{n}" for n in range(failing - 1)}
    assert_no_canary(result.stderr, "stderr")
    assert_no_canary((out / "manifest.csv").read_text("utf-8-sig"), "manifest")


def test_typical_rows_are_unaffected_by_a_fault_free_run(run_cli, tmp_path):
    roster = write_roster(tmp_path / "r.csv", [TYPICAL | {"mrn": f"T{n}"} for n in range(2)])
    out = tmp_path / "out"
    result = run_cli(
        "batch", "discharge", "--roster", str(roster), "--out-dir", str(out), "--no-audit"
    )
    assert result.exit_code == 0
    assert len([p for p in out.iterdir() if p.suffix == ".pdf"]) == 2


def test_merged_may_not_overwrite_the_manifest(run_cli, tmp_path):
    roster = write_roster(tmp_path / "r.csv", [TYPICAL | {"mrn": f"T{n}"} for n in range(2)])
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.csv").write_text("earlier manifest\n")
    result = run_cli(
        "batch",
        "discharge",
        "--roster",
        str(roster),
        "--out-dir",
        str(out),
        "--no-audit",
        "--merged",
        str(out / "manifest.csv"),
    )
    assert result.exit_code == 2, result.output
    assert "--merged" in result.stderr and "manifest" in result.stderr
    assert (out / "manifest.csv").read_text() == "earlier manifest\n"
