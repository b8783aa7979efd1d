"""`esi-docs audit copy` (issue 15): a desk's SQLite history into the shared database, with the
stored content (reprints still exact there), reprint links renumbered, and nothing twice."""

from __future__ import annotations

from esi_docs.api import render_handout
from esi_docs.inputs.patient import parse_patient
from esi_docs.records.audit import AuditLog
from tests.conftest import TYPICAL


def test_copy_moves_the_history_and_reprints_still_work(database, run_cli, tmp_path):
    desk = AuditLog(tmp_path / "desk.sqlite3")
    shared = AuditLog(database)
    shared.record(render_handout("guide"), operator="other-desk")  # ids in the target differ
    rendered = render_handout("discharge", parse_patient(TYPICAL, "p"))
    first = desk.record(rendered, operator="amy")
    desk.add_reprint(desk.get(first), "bo")
    result = run_cli("audit", "copy", "--from", str(tmp_path / "desk.sqlite3"), "--to", database)
    assert result.exit_code == 0, result.stderr
    assert "copied 2 records" in result.stderr
    original, reprinted = shared.history(TYPICAL["mrn"])
    assert (original.operator, reprinted.operator) == ("amy", "bo")
    assert original.created_at == desk.get(first).created_at
    assert reprinted.options["reprint_of"] == original.id != first
    out = tmp_path / "again.pdf"
    result = run_cli("reprint", str(original.id), "-o", str(out), "--audit-db", database)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == rendered.pdf
    again = run_cli("audit", "copy", "--from", str(tmp_path / "desk.sqlite3"), "--to", database)
    assert "copied 0 records" in again.stderr and "(2 already there)" in again.stderr
    assert len(shared.history(TYPICAL["mrn"])) == 3  # the two copied plus the reprint above


def test_copy_from_a_missing_file_is_one_line_exit_2(run_cli, tmp_path):
    result = run_cli("audit", "copy", "--from", str(tmp_path / "nope.sqlite3"), "--to", "x.db")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
