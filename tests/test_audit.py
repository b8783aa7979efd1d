"""The audit trail: what is recorded, history, exact reprint, and concurrent writers."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import esi_docs.records.audit
import esi_docs.records.reprint
from esi_docs.api import render_handout
from esi_docs.content.search_path import ContentPaths
from esi_docs.inputs.clinic import load_clinic
from esi_docs.inputs.patient import parse_patient
from esi_docs.records.audit import AuditLog
from tests.conftest import TYPICAL, pdf_text, write_yaml


def _render(run_cli, tmp_path, *extra: str, patient: dict | None = None) -> Path:
    source = write_yaml(tmp_path / "patient.yaml", patient or TYPICAL)
    out = tmp_path / "sheet.pdf"
    result = run_cli("render", "discharge", "--patient", str(source), "-o", str(out), *extra)
    assert result.exit_code == 0, result.stderr
    return out


def test_render_records_everything_needed_and_the_db_is_0600(run_cli, tmp_path, private_audit_db):
    out = _render(run_cli, tmp_path, "--operator", "nurse.kim", "--paper", "a4")
    record = AuditLog(private_audit_db).get(1)
    assert record is not None
    assert record.operator == "nurse.kim"
    assert (record.handout, record.language, record.mrn) == ("discharge", "en", "0012345")
    assert record.pdf_sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert record.content_version in pdf_text(out.read_bytes())  # the footer's version
    assert len(record.content_hash) == 64
    assert record.patient["mrn"] == "0012345" and record.patient["dob"] == "1961-04-12"
    assert record.clinic["protocol"]["fever_f"] == "100.4"  # as a clinic file writes it
    assert record.options["paper"] == "a4"
    assert "handouts/discharge.yaml" in record.content_files
    for path in private_audit_db.parent.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path.name


def test_operator_defaults_to_the_os_user(run_cli, tmp_path, private_audit_db, monkeypatch):
    monkeypatch.setenv("LOGNAME", "os-user-7")
    monkeypatch.setenv("USER", "os-user-7")
    _render(run_cli, tmp_path)
    assert AuditLog(private_audit_db).get(1).operator == "os-user-7"


def test_audit_db_option_and_no_audit(run_cli, tmp_path, private_audit_db):
    chosen = tmp_path / "elsewhere" / "log.db"
    _render(run_cli, tmp_path, "--audit-db", str(chosen))
    assert AuditLog(chosen).history("0012345")[0].id == 1
    assert not private_audit_db.exists()
    _render(run_cli, tmp_path, "--no-audit")
    assert not private_audit_db.exists()
    assert len(AuditLog(chosen).history("0012345")) == 1


def test_history_lists_what_the_patient_was_given(run_cli, tmp_path):
    _render(run_cli, tmp_path, "--operator", "amy")
    _render(run_cli, tmp_path, "--operator", "bo", patient={**TYPICAL, "mrn": "999"})
    result = run_cli("history", "--mrn", "0012345")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "id\ttime (UTC)\thandout\tlanguage\tversion\toperator\tnote"
    assert len(lines) == 2
    fields = lines[1].split("\t")
    assert (fields[0], fields[2], fields[3], fields[5]) == ("1", "discharge", "en", "amy")
    assert fields[4].startswith("Content ")
    assert run_cli("history", "--mrn", "nobody").stderr.startswith("no handouts recorded")


def test_reprint_is_byte_identical_and_is_itself_recorded(run_cli, tmp_path, private_audit_db):
    out = _render(run_cli, tmp_path, "--large-print")
    again = tmp_path / "again.pdf"
    result = run_cli("reprint", "1", "-o", str(again), "--operator", "dee")
    assert result.exit_code == 0, result.stderr
    assert again.read_bytes() == out.read_bytes()
    second = AuditLog(private_audit_db).get(2)
    assert second.options["reprint_of"] == 1 and second.operator == "dee"
    assert "reprint of 1" in run_cli("history", "--mrn", "0012345").stdout


def _own_templates(tmp_path: Path) -> Path:
    """A --templates folder holding a copy of the packaged discharge content."""
    paths = ContentPaths(None)
    folder = tmp_path / "content"
    for kind, sub in (("handouts", "handouts"), ("templates", "en")):
        shutil.copytree(str(paths._roots(kind)[0] / ("en" if sub == "en" else "")), folder / sub)
    return folder


def _edit(folder: Path) -> None:
    """Change the wording of both the discharge sheet and the pre-procedure letter."""
    for name, old, new in [
        ("going_home.yaml", "Rest today", "Rest all day today"),
        ("pre_bring.yaml", "Your photo ID", "Your photo ID card"),
    ]:
        path = folder / "en" / name
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))


def test_reprint_after_a_content_update_uses_the_stored_old_content(run_cli, tmp_path):
    content = _own_templates(tmp_path)
    out = _render(run_cli, tmp_path, "--templates", str(content))
    _edit(content)
    again = tmp_path / "again.pdf"
    assert run_cli("reprint", "1", "-o", str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_reprint_fails_clearly_when_the_old_content_is_gone(run_cli, tmp_path, private_audit_db):
    content = _own_templates(tmp_path)
    _render(run_cli, tmp_path, "--templates", str(content))
    with sqlite3.connect(private_audit_db) as conn:
        conn.execute("DELETE FROM content_blobs")
    # Reprint never falls back to what is on disk now: only the stored bytes are the sheet.
    target = tmp_path / "again.pdf"
    result = run_cli("reprint", "1", "-o", str(target))
    assert result.exit_code == 2
    assert "audit record 1: the content files it was printed from are not stored" in result.stderr
    assert not target.exists()


def test_reprint_refuses_a_pdf_whose_sha256_differs(run_cli, tmp_path, monkeypatch):
    _render(run_cli, tmp_path)
    real = esi_docs.records.reprint.render

    def different(request, **kwargs):  # the fonts or ReportLab changed since it was printed
        rendered = real(request, **kwargs)
        return dataclasses.replace(rendered, data=rendered.data + b"%")

    monkeypatch.setattr(esi_docs.records.reprint, "render", different)
    target = tmp_path / "again.pdf"
    result = run_cli("reprint", "1", "-o", str(target))
    assert result.exit_code == 2
    assert "audit record 1: the rebuilt PDF does not match the original" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize(
    ("sql", "text"),
    [
        (
            "UPDATE renders SET pdf_sha256 = ?, patient = replace(patient, 'Maria', 'Mario')",
            "audit record 1: was changed after it was written",
        ),
        ("DELETE FROM renders WHERE id = 1", "audit record 2: does not follow the record before"),
    ],
)
def test_the_hash_chain_shows_an_edited_or_removed_record(
    run_cli, tmp_path, private_audit_db, sql, text
):
    """A patient field edited together with the stored PDF hash once reprinted as verified."""
    out = _render(run_cli, tmp_path)
    _render(run_cli, tmp_path)
    assert run_cli("audit", "verify").exit_code == 0
    with sqlite3.connect(private_audit_db) as conn:
        digest = hashlib.sha256(out.read_bytes() + b"x").hexdigest()
        conn.execute(sql, (digest,) if "?" in sql else ())
    result = run_cli("audit", "verify")
    assert result.exit_code == 2 and text in result.stderr
    target = tmp_path / "again.pdf"
    result = run_cli("reprint", "2", "-o", str(target))
    assert result.exit_code == 2 and text in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("name", ["/etc/esi-evil.yaml", "../../esi-evil.yaml", "en/../../x.yaml"])
def test_reprint_writes_nothing_for_hostile_stored_names(
    run_cli, tmp_path, private_audit_db, name, monkeypatch
):
    """A tampered record naming paths outside any folder is refused, and reprint never
    writes content files anywhere (it composes from memory)."""
    _render(run_cli, tmp_path)
    with sqlite3.connect(private_audit_db) as conn:
        [(files,)] = conn.execute("SELECT content_files FROM renders").fetchall()
        files = json.loads(files)
        files[name] = next(iter(files.values()))
        conn.execute("UPDATE renders SET content_files = ?", (json.dumps(files, sort_keys=True),))
    monkeypatch.setattr(esi_docs.records.audit.AuditLog, "verify", lambda self, upto=None: None)
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.rglob("*"))
    result = run_cli("reprint", "1", "-o", str(tmp_path / "again.pdf"))
    assert result.exit_code == 2 and "is not a plain folder/file.yaml name" in result.stderr
    assert set(tmp_path.rglob("*")) == before
    assert not Path("/etc/esi-evil.yaml").exists()


def test_reprint_refuses_a_stored_file_that_does_not_match_its_hash(
    run_cli, tmp_path, private_audit_db
):
    _render(run_cli, tmp_path)
    with sqlite3.connect(private_audit_db) as conn:
        conn.execute("UPDATE content_blobs SET data = CAST('blocks: []' AS BLOB)")
    result = run_cli("reprint", "1", "-o", str(tmp_path / "again.pdf"))
    assert result.exit_code == 2 and "does not match its SHA-256" in result.stderr


def test_reprint_of_a_missing_record(run_cli, tmp_path):
    _render(run_cli, tmp_path)
    result = run_cli("reprint", "7", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2 and "audit record 7 does not exist" in result.stderr


def test_record_api_returns_ids_and_patient_values_round_trip(tmp_path):
    patient = parse_patient({**TYPICAL, "procedure_time": "09:05", "side": "left"}, "p")
    assert parse_patient(patient.to_mapping(), "again") == patient
    rendered = render_handout("discharge", patient)
    log = AuditLog(tmp_path / "a.db")
    ids = [log.record(rendered) for _ in "ab"]
    assert ids == [1, 2]
    assert log.get(2).clinic["name"] == load_clinic(None).name


WRITER = textwrap.dedent(
    """
    import sys
    from esi_docs.api import render_handout
    from esi_docs.records.audit import AuditLog
    from esi_docs.inputs.patient import parse_patient
    from tests.conftest import TYPICAL

    patient = parse_patient({**TYPICAL, "mrn": sys.argv[2]}, "p")
    rendered = render_handout("discharge", patient)
    log = AuditLog(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for _ in range(int(sys.argv[3])):
        log.record(rendered, operator="w")
    """
)


def test_two_processes_writing_at_once_lose_no_record(tmp_path):
    db = tmp_path / "shared.db"
    root = Path(__file__).resolve().parents[1]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), mrn, "150"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=root,
            text=True,
        )
        for mrn in ("A", "B")
    ]
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready"
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        writer.communicate(timeout=120)
        assert writer.returncode == 0
    log = AuditLog(db)
    assert len(log.history("A")) == 150 and len(log.history("B")) == 150
    ids = [r.id for r in log.history("A") + log.history("B")]
    assert sorted(ids) == list(range(1, 301))


def test_batch_records_its_own_templates_so_reprint_survives_an_update(run_cli, tmp_path):
    content = _own_templates(tmp_path)
    roster = tmp_path / "r.csv"
    roster.write_text(run_cli("example", "roster").stdout, encoding="utf-8")
    out = tmp_path / "out"
    args = ["--roster", str(roster), "--out-dir", str(out), "--templates", str(content)]
    # The example roster is tomorrow's schedule: the pre-procedure letters.
    assert run_cli("batch", "pre-procedure", *args, "--operator", "eve").exit_code == 0
    [record] = AuditLog(Path(os.environ["ESI_DOCS_AUDIT_DB"])).history("0099001")
    assert record.operator == "eve" and record.options["source"] == "batch"
    assert record.patient["large_print"] == "true"  # the row's large_print, as rendered
    _edit(content)
    again = tmp_path / "again.pdf"
    assert run_cli("reprint", str(record.id), "-o", str(again)).exit_code == 0
    assert again.read_bytes() == (out / "2026-11-24_0099001_pre-procedure.pdf").read_bytes()


def test_record_without_options_keeps_paper_and_print_size_for_reprint(tmp_path):
    patient = parse_patient(TYPICAL, "p")
    rendered = render_handout("discharge", patient, paper="a4", large_print=True)
    log = AuditLog(tmp_path / "a.db")
    record_id = log.record(rendered)
    stored = log.get(record_id).options
    assert (stored["paper"], stored["large_print"], stored["format"]) == ("a4", True, "pdf")
    from esi_docs.records.reprint import reprint

    assert reprint(log, record_id)[0].pdf == rendered.pdf


def test_one_damaged_record_does_not_break_history_or_reprint_for_the_others(
    run_cli, tmp_path, private_audit_db
):
    first = _render(run_cli, tmp_path)
    _render(run_cli, tmp_path)
    with sqlite3.connect(private_audit_db) as conn:
        conn.execute("UPDATE renders SET patient = '{not json' WHERE id = 2")
    result = run_cli("history", "--mrn", "0012345")
    assert result.exit_code == 0 and "damaged record" in result.stdout
    result = run_cli("reprint", "2", "-o", str(tmp_path / "two.pdf"))
    assert result.exit_code == 2 and "its stored values cannot be read" in result.stderr
    again = tmp_path / "one.pdf"
    assert run_cli("reprint", "1", "-o", str(again)).exit_code == 0
    assert again.read_bytes() == first.read_bytes()
