"""A record exists exactly when a sheet was delivered; outputs never replace system nodes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from esi_docs.records.audit import AuditLog
from tests.conftest import TYPICAL, write_yaml


def _records(db) -> int:
    return len(AuditLog(db).all()) if db.exists() else 0


@pytest.fixture
def patient(tmp_path):
    return write_yaml(tmp_path / "p.yaml", TYPICAL)


@pytest.mark.parametrize("target", ["missing-folder/x.pdf", "a-folder"])
def test_a_failed_write_leaves_no_record(run_cli, tmp_path, patient, private_audit_db, target):
    (tmp_path / "a-folder").mkdir()
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(tmp_path / target))
    assert result.exit_code == 2 and result.stderr.startswith("esi-docs: error: ")
    assert _records(private_audit_db) == 0
    assert run_cli("reprint", "1", "-o", str(tmp_path / "r.pdf")).exit_code == 2


def test_a_full_disk_leaves_no_record(run_cli, tmp_path, patient, private_audit_db, monkeypatch):
    import errno

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("esi_docs.delivery.atomic._write_all", full)
    result = run_cli(
        "render", "discharge", "--patient", str(patient), "-o", str(tmp_path / "x.pdf")
    )
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert _records(private_audit_db) == 0 and not (tmp_path / "x.pdf").exists()


def test_a_failed_record_takes_the_file_back(run_cli, tmp_path, patient, monkeypatch):
    from esi_docs.records.audit import AuditError

    def broken(self, *args, **kwargs):
        raise AuditError("audit.sqlite3: database error (disk I/O error)")

    monkeypatch.setattr(AuditLog, "record", broken)
    out = tmp_path / "x.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(out))
    assert result.exit_code == 2 and "disk I/O error" in result.stderr
    assert not out.exists()


def _cli(*args, **kwargs):
    command = [sys.executable, "-m", "esi_docs", *args]
    return subprocess.run(command, stderr=subprocess.PIPE, check=False, **kwargs)


def test_stdout_into_a_closed_pipe_or_a_full_device(tmp_path, patient, private_audit_db):
    with open("/dev/full", "wb") as full:
        result = _cli("render", "discharge", "--patient", str(patient), "-o", "-", stdout=full)
    assert result.returncode == 2
    assert result.stderr.decode().strip().endswith("cannot write the PDF (No space left on device)")
    assert "Traceback" not in result.stderr.decode()
    reader, writer = os.pipe()
    os.close(reader)
    with os.fdopen(writer, "wb") as closed:
        result = _cli("render", "discharge", "--patient", str(patient), "-o", "-", stdout=closed)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert b"cannot write the PDF" in result.stderr
    assert _records(private_audit_db) == 0


def test_output_onto_a_fifo_socket_or_device_is_refused(run_cli, tmp_path, patient):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for target in (fifo, sock_path, "/dev/null"):
            result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(target))
            assert result.exit_code == 2
            assert "is a device, pipe or socket, not a file" in result.stderr
        assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
        assert not fifo.is_file() and sock_path.is_socket()
    finally:
        server.close()


@pytest.mark.parametrize("operator", ["eve\x1b[2J", "a\tb", "nurse\nroot"])
def test_operator_names_that_would_print_badly_are_refused(run_cli, tmp_path, patient, operator):
    result = run_cli("render", "discharge", "--patient", str(patient), "-o",
                     str(tmp_path / "x.pdf"), "--operator", operator)  # fmt: skip
    assert result.exit_code == 2 and "--operator: must be a name" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
