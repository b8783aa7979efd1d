"""The audit trail, history and reprint on both backends (issue 15): a SQLite file and the
clinic's PostgreSQL server. Batch workers and the web form writing at once lose no record."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import threading
from pathlib import Path

from esi_docs import clock
from esi_docs.api import render_handout
from esi_docs.cli.serve import audit_recorder
from esi_docs.inputs.clinic import load_clinic
from esi_docs.inputs.patient import parse_patient
from esi_docs.records.audit import AuditLog
from esi_docs.web import create_app
from tests.conftest import TYPICAL, write_yaml
from tests.test_audit import WRITER
from tests.web.conftest import FILLED, csrf_token

ROOT = Path(__file__).resolve().parents[1]


def test_render_history_and_exact_reprint(database, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ESI_DOCS_AUDIT_DB", database)
    source = write_yaml(tmp_path / "patient.yaml", TYPICAL)
    out, again = tmp_path / "sheet.pdf", tmp_path / "again.pdf"
    result = run_cli("render", "discharge", "--patient", str(source), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    [line] = run_cli("history", "--mrn", "0012345").stdout.splitlines()[1:]
    record_id = line.split("\t")[0]
    result = run_cli(
        "reprint", record_id, "-o", str(again), "--operator", "dee", "--audit-db", database
    )
    assert result.exit_code == 0, result.stderr
    assert again.read_bytes() == out.read_bytes()
    first, second = AuditLog(database).history("0012345")
    assert second.options["reprint_of"] == first.id and second.operator == "dee"
    assert AuditLog(database).recent(1)[0].id == second.id


def test_the_record_api_on_both_backends(database):
    patient = parse_patient(TYPICAL, "p")
    log = AuditLog(database)
    first, second = (log.record(render_handout("discharge", patient), operator=o) for o in "ab")
    assert second > first
    assert [r.operator for r in log.history("0012345")] == ["a", "b"]
    assert log.get(first).content_files  # stored by hash, with the bytes
    hashes = sorted(set(log.get(first).content_files.values()))
    assert set(log.blobs(hashes)) == set(hashes)


def test_two_processes_writing_at_once_lose_no_record(database):
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, database, mrn, "60"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            text=True,
        )
        for mrn in ("A", "B", "C")
    ]
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready"
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        writer.communicate(timeout=180)
        assert writer.returncode == 0
    log = AuditLog(database)
    records = log.history("A") + log.history("B") + log.history("C")
    assert len(records) == 180
    assert len({r.id for r in records}) == 180


def _roster(path: Path, count: int) -> Path:
    today = clock.today().isoformat()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(TYPICAL))
        writer.writeheader()
        for n in range(count):
            writer.writerow({**TYPICAL, "mrn": f"B{n:04d}", "procedure_date": today})
    return path


def test_batch_workers_and_the_form_write_at_once(database, tmp_path):
    """A batch run (its own process, worker pool) and four desks posting the form at the
    same time: every sheet is one record."""
    roster = _roster(tmp_path / "roster.csv", 24)
    env = {**os.environ, "ESI_DOCS_AUDIT_DB": database, "PYTHONPATH": str(ROOT / "src")}
    batch = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "esi_docs",
            "batch",
            "discharge",
            "--roster",
            str(roster),
            "--out-dir",
            str(tmp_path / "out"),
            "--jobs",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = AuditLog(database)
    clinic = load_clinic(None)
    app = create_app(clinic, on_render=audit_recorder(log, clinic, None))
    app.config["TESTING"] = True
    failures: list[int] = []

    def desk(n: int) -> None:
        client = app.test_client()
        for k in range(5):
            data = {**FILLED, "mrn": f"F{n}-{k}", "csrf_token": csrf_token(client)}
            response = client.post("/sheet", data=data)
            if response.mimetype != "application/pdf":
                failures.append(response.status_code)

    desks = [threading.Thread(target=desk, args=(n,)) for n in range(4)]
    for thread in desks:
        thread.start()
    for thread in desks:
        thread.join()
    _, err = batch.communicate(timeout=300)
    assert batch.returncode == 0, err
    assert failures == []
    batch_records = [log.history(f"B{n:04d}") for n in range(24)]
    assert all(len(found) == 1 for found in batch_records)
    form_records = [log.history(f"F{n}-{k}") for n in range(4) for k in range(5)]
    assert all(len(found) == 1 for found in form_records)
    assert len(log.recent(1000)) == 44
