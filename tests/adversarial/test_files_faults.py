"""Output faults for `render -o`: each ends in one clear line and exit 2 (130 when interrupted),
never a partial PDF or a left-over temporary file; what is written is mode 0600.

CI runs as root, for whom folder permissions do not apply, so "permission denied" is simulated
at the system call, exactly where a real one would surface.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import pytest

from esi_docs.delivery.atomic import write_atomic
from tests.conftest import TYPICAL, write_yaml


@pytest.fixture
def patient(tmp_path: Path) -> Path:
    return write_yaml(tmp_path / "patient.yaml", dict(TYPICAL))


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def render(run_cli, patient: Path, output: Path | str):
    return run_cli("render", "discharge", "--patient", str(patient), "-o", str(output))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_missing_folder(run_cli, patient, out_dir):
    target = out_dir / "nope" / "sheet.pdf"
    result = render(run_cli, patient, target)
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {target}: the folder {target.parent} does not exist\n"
    )
    assert leftovers(out_dir) == []


def test_a_folder_as_the_output(run_cli, patient, out_dir):
    result = render(run_cli, patient, out_dir)
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {out_dir}: is a folder; give a file name such as sheet.pdf\n"
    )
    assert leftovers(out_dir) == []


@pytest.mark.parametrize(
    ("call", "error"),
    [
        ("mkstemp", PermissionError(errno.EACCES, "Permission denied")),
        ("mkstemp", OSError(errno.EROFS, "Read-only file system")),
        ("replace", PermissionError(errno.EPERM, "Operation not permitted")),
        ("fsync", OSError(errno.EIO, "Input/output error")),
        ("fchmod", PermissionError(errno.EPERM, "Operation not permitted")),
    ],
)
def test_system_call_failures_leave_nothing_behind(
    run_cli, patient, out_dir, monkeypatch, call, error
):
    def fail(*args, **kwargs):
        raise error

    module = tempfile if call == "mkstemp" else os
    monkeypatch.setattr(module, call, fail)
    target = out_dir / "sheet.pdf"
    result = render(run_cli, patient, target)
    assert result.exit_code == 2
    assert result.stderr == f"esi-docs: error: {target}: cannot write the file ({error.strerror})\n"
    assert leftovers(out_dir) == []


def full_disk_after(monkeypatch: pytest.MonkeyPatch, allowed: int) -> list[int]:
    """os.write succeeds for `allowed` bytes, then fails with ENOSPC (a disk filling up)."""
    real = os.write
    written: list[int] = []

    def write(handle, data):
        room = allowed - sum(written)
        if room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        count = real(handle, bytes(data[:room]))
        written.append(count)
        return count

    monkeypatch.setattr(os, "write", write)
    return written


def test_a_disk_filling_up_mid_write_leaves_no_partial_file(run_cli, patient, out_dir, monkeypatch):
    written = full_disk_after(monkeypatch, 4096)
    target = out_dir / "sheet.pdf"
    result = render(run_cli, patient, target)
    assert written == [4096]  # part of the PDF really reached the temporary file
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {target}: cannot write the file (No space left on device)\n"
    )
    assert leftovers(out_dir) == []


def test_a_failed_write_keeps_the_previous_sheet_intact(run_cli, patient, out_dir, monkeypatch):
    target = out_dir / "sheet.pdf"
    target.write_bytes(b"the previous, complete sheet")
    full_disk_after(monkeypatch, 100)
    assert render(run_cli, patient, target).exit_code == 2
    assert target.read_bytes() == b"the previous, complete sheet"
    assert leftovers(out_dir) == ["sheet.pdf"]


@pytest.mark.parametrize("call", ["fsync", "replace"])
def test_ctrl_c_while_writing_exits_130_and_leaves_nothing(
    run_cli, patient, out_dir, monkeypatch, call
):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, call, interrupt)
    result = render(run_cli, patient, out_dir / "sheet.pdf")
    assert result.exit_code == 130
    assert result.stderr == "esi-docs: interrupted; no partial file was written\n"
    assert leftovers(out_dir) == []


def test_ctrl_c_while_laying_out_exits_130(run_cli, patient, out_dir, monkeypatch):
    import esi_docs.render.pdf

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(esi_docs.render.pdf, "_render", interrupt)
    result = render(run_cli, patient, out_dir / "sheet.pdf")
    assert result.exit_code == 130
    assert leftovers(out_dir) == []


def test_a_symlink_at_the_destination_is_replaced_never_written_through(
    run_cli, patient, tmp_path, out_dir
):
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch")
    target = out_dir / "sheet.pdf"
    target.symlink_to(victim)
    result = render(run_cli, patient, target)
    assert result.exit_code == 0
    assert victim.read_text() == "do not touch"
    assert not target.is_symlink()
    assert target.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_dangling_symlink_creates_nothing_at_its_target(run_cli, patient, tmp_path, out_dir):
    elsewhere = tmp_path / "elsewhere.pdf"
    target = out_dir / "sheet.pdf"
    target.symlink_to(elsewhere)
    assert render(run_cli, patient, target).exit_code == 0
    assert not elsewhere.exists()
    assert not target.is_symlink()


def test_a_file_name_too_long(run_cli, patient, out_dir):
    target = out_dir / ("x" * 300 + ".pdf")
    result = render(run_cli, patient, target)
    assert result.exit_code == 2
    assert (
        result.stderr == f"esi-docs: error: {target}: cannot write the file (File name too long)\n"
    )
    assert leftovers(out_dir) == []


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o002])
def test_outputs_are_0600_whatever_the_umask(out_dir, umask):
    previous = os.umask(umask)
    try:
        target = out_dir / "sheet.pdf"
        target.write_bytes(b"old")
        os.chmod(target, 0o666)  # noqa: S103 - the permissive mode the test replaces
        write_atomic(target, b"%PDF-new")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == b"%PDF-new"


def test_the_cli_output_is_0600_with_a_permissive_umask(run_cli, patient, out_dir):
    previous = os.umask(0)
    try:
        assert render(run_cli, patient, out_dir / "sheet.pdf").exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((out_dir / "sheet.pdf").stat().st_mode) == 0o600
    assert leftovers(out_dir) == ["sheet.pdf"]
