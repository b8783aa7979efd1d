"""Windows conditions, simulated on Linux (issue 15): no os.fchmod, a target held open by a
viewer or virus scanner (PermissionError on rename), no `lp`, batch workers under spawn."""

from __future__ import annotations

import csv
import os

import pytest

from esi_docs import clock
from esi_docs.delivery import atomic, printing
from esi_docs.delivery.atomic import write_atomic
from esi_docs.delivery.printing import PrintError, print_pdf
from esi_docs.errors import RenderError
from tests.conftest import TYPICAL, pdf_text


def test_writes_without_os_fchmod(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "fchmod")
    target = tmp_path / "sheet.pdf"
    write_atomic(target, b"%PDF-1.4 whole")
    assert target.read_bytes() == b"%PDF-1.4 whole"


def _held_for(monkeypatch, refusals: int) -> list[str]:
    """os.replace refuses `refusals` times with PermissionError, as Windows does while a
    viewer has the old file open, then works."""
    real = os.replace
    calls: list[str] = []

    def replace(source, target):
        calls.append(str(target))
        if len(calls) <= refusals:
            raise PermissionError(13, "Access is denied")
        real(source, target)

    monkeypatch.setattr(atomic.os, "replace", replace)
    monkeypatch.setattr(atomic.time, "sleep", lambda _: None)
    return calls


def test_the_rename_is_retried_while_a_viewer_holds_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"old")
    calls = _held_for(monkeypatch, 3)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert len(calls) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]  # no temp file left


def test_a_file_held_for_good_is_one_clear_line_and_the_old_file_stays(tmp_path, monkeypatch):
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"old")
    _held_for(monkeypatch, 1000)
    with pytest.raises(RenderError) as caught:
        write_atomic(target, b"new")
    assert caught.value.lines() == [
        f"{target}: the file is open in another program (a PDF viewer?); close it and try again"
    ]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]


def test_no_lp_on_windows_says_how_to_print(monkeypatch):
    monkeypatch.setattr(printing.shutil, "which", lambda _: None)
    monkeypatch.setattr(printing.os, "name", "nt")
    with pytest.raises(PrintError) as caught:
        print_pdf(b"%PDF-")
    assert caught.value.lines() == [
        "printing: Windows has no `lp` command: print the PDF from a PDF viewer (Ctrl+P) or "
        "with the checkout form's Print button"
    ]


def test_batch_workers_under_spawn(run_cli, tmp_path, monkeypatch):
    """Windows and macOS start workers with spawn: nothing may rely on fork's copied state."""
    import multiprocessing

    from esi_docs import batch

    monkeypatch.setattr(batch, "_worker_context", lambda: multiprocessing.get_context("spawn"))
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(TYPICAL))
        writer.writeheader()
        for n in range(3):
            day = clock.today().isoformat()
            writer.writerow({**TYPICAL, "mrn": f"S{n}", "procedure_date": day})
    out = tmp_path / "out"
    result = run_cli(
        "batch",
        "discharge",
        "--roster",
        str(roster),
        "--out-dir",
        str(out),
        "--jobs",
        "2",
        "--quiet",
    )
    assert result.exit_code == 0, result.stderr
    sheets = sorted(out.glob("*.pdf"))
    assert len(sheets) == 3
    assert all(TYPICAL["name"] in pdf_text(p.read_bytes()) for p in sheets)
