"""The audit trail's tamper evidence on both backends (issues 14 and 15): the hash chain,
`esi-docs audit verify`, and reprint's refusals hold on the clinic's PostgreSQL as on SQLite."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import TYPICAL, write_yaml


def _execute(database: str, sql: str, params: tuple = ()) -> None:
    """Tamper with the database behind esi-docs' back (`?` placeholders on both)."""
    if database.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute(sql.replace("?", "%s"), params)
        return
    with sqlite3.connect(database) as conn:
        conn.execute(sql, params)


def _render(run_cli, tmp_path: Path, database: str) -> Path:
    source = write_yaml(tmp_path / "patient.yaml", TYPICAL)
    out = tmp_path / "sheet.pdf"
    result = run_cli("render", "discharge", "--patient", str(source), "-o", str(out),
                     "--audit-db", database)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize(
    ("sql", "text"),
    [
        (
            "UPDATE renders SET pdf_sha256 = ?, patient = replace(patient, 'Maria', 'Mario')",
            "was changed after it was written",
        ),
        ("DELETE FROM renders WHERE id = (SELECT MIN(id) FROM renders)", "does not follow"),
    ],
)
def test_an_edited_or_removed_record_is_found_and_not_reprinted(
    database, run_cli, tmp_path, sql, text
):
    out = _render(run_cli, tmp_path, database)
    _render(run_cli, tmp_path, database)
    assert run_cli("audit", "verify", "--audit-db", database).exit_code == 0
    digest = hashlib.sha256(out.read_bytes() + b"x").hexdigest()
    _execute(database, sql, (digest,) if "?" in sql else ())
    result = run_cli("audit", "verify", "--audit-db", database)
    assert result.exit_code == 2 and text in result.stderr
    [*_, last] = run_cli("history", "--mrn", "0012345", "--audit-db", database).stdout.splitlines()
    target = tmp_path / "again.pdf"
    result = run_cli("reprint", last.split("\t")[0], "-o", str(target), "--audit-db", database)
    assert result.exit_code == 2 and text in result.stderr
    assert not target.exists()


def test_a_stored_content_file_that_does_not_match_its_hash_is_refused(database, run_cli, tmp_path):
    _render(run_cli, tmp_path, database)
    _execute(database, "UPDATE content_blobs SET data = ?", (b"blocks: []",))
    [*_, last] = run_cli("history", "--mrn", "0012345", "--audit-db", database).stdout.splitlines()
    target = tmp_path / "again.pdf"
    result = run_cli("reprint", last.split("\t")[0], "-o", str(target), "--audit-db", database)
    assert result.exit_code == 2 and "does not match its SHA-256" in result.stderr
    assert not target.exists()
