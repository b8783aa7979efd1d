"""A batch stopped by SIGTERM, a worker that dies, an audit database that fails: files,
records and the manifest still agree one for one, and no process outlives the command."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from esi_docs.records.audit import AuditError, AuditLog
from tests.conftest import TYPICAL


def _roster(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "day.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(TYPICAL))
        writer.writeheader()
        for n in range(rows):
            writer.writerow(TYPICAL | {"mrn": f"M{n:05d}"})
    return path


def _manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _agree(out: Path, db: Path) -> int:
    """The PDFs on disk, the manifest's printed rows and the audit records are the same set."""
    files = {p.name for p in out.glob("*.pdf")}
    printed = {row["file"] for row in _manifest(out) if row["status"] == "ok"}
    recorded = {r.mrn for r in AuditLog(db).all()} if db.exists() else set()
    assert files == printed
    assert {name.split("_")[1] for name in files} == recorded
    assert not list(out.glob(".esi-docs-*"))  # no temp file left
    return len(files)


def _descendants(pid: int) -> set[int]:
    found, frontier = set(), {pid}
    while frontier:
        parent = frontier.pop()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(stat[1]) == parent and int(entry.name) not in found:
                    found.add(int(entry.name))
                    frontier.add(int(entry.name))
    return found


def _start(tmp_path: Path, roster: Path, db: Path, jobs: str) -> subprocess.Popen:
    env = {**os.environ, "ESI_DOCS_AUDIT_DB": str(db)}
    out = tmp_path / "out"
    command = [sys.executable, "-m", "esi_docs", "batch", "discharge", "--roster", str(roster),
               "--out-dir", str(out), "--jobs", jobs]  # fmt: skip
    return subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)


def _wait_for_files(out: Path, count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while len(list(out.glob("*.pdf"))) < count and time.monotonic() < deadline:
        assert process.poll() is None, "the batch ended before the test could stop it"
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_sigterm_stops_a_batch_like_ctrl_c(tmp_path):
    db = tmp_path / "audit.sqlite3"
    batch = _start(tmp_path, _roster(tmp_path, 400), db, "2")
    _wait_for_files(tmp_path / "out", 5, batch)
    family = _descendants(batch.pid)
    batch.send_signal(signal.SIGTERM)
    _, stderr = batch.communicate(timeout=120)
    assert batch.returncode == 143, stderr
    assert "stopped by SIGTERM" in stderr and "Traceback" not in stderr
    written = _agree(tmp_path / "out", db)
    assert 5 <= written < 400
    deadline = time.monotonic() + 10
    while _alive(family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(family), "orphan processes"


def _alive(pids: set[int]) -> list[str]:
    """Processes still running (a zombie waiting for init to reap it is not running)."""
    alive = []
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if stat[0] != "Z":
            alive.append(cmdline.replace(b"\0", b" ").decode(errors="replace")[:120])
    return alive


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_a_worker_that_dies_costs_no_row_and_no_truth(tmp_path):
    db = tmp_path / "audit.sqlite3"
    batch = _start(tmp_path, _roster(tmp_path, 120), db, "2")
    _wait_for_files(tmp_path / "out", 3, batch)
    workers = [
        pid
        for pid in _descendants(batch.pid)
        if "forkserver" not in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    ]
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = batch.communicate(timeout=180)
    assert batch.returncode == 0, stderr
    assert "BrokenProcessPool" not in stderr and "internal error" not in stderr
    assert _agree(tmp_path / "out", db) == 120


def test_an_audit_database_that_fails_mid_batch_leaves_files_and_records_agreeing(
    run_cli, tmp_path, private_audit_db, monkeypatch
):
    real = AuditLog.add
    calls = {"n": 0}

    def filling_up(self, entries):
        calls["n"] += 1
        if calls["n"] > 4:
            raise AuditError(f"{self.path}: database error (database or disk is full)")
        return real(self, entries)

    monkeypatch.setattr(AuditLog, "add", filling_up)
    out = tmp_path / "out"
    result = run_cli("batch", "discharge", "--roster", str(_roster(tmp_path, 12)),
                     "--out-dir", str(out), "--jobs", "1")  # fmt: skip
    assert result.exit_code == 2 and "database or disk is full" in result.stderr
    assert _agree(out, private_audit_db) == 4
    rows = _manifest(out)
    assert sum(row["status"] == "ok" for row in rows) == 4
