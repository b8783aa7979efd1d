"""records/database.py on both backends (issue 15): one paramstyle, RETURNING ids, a
serialised read-then-append that never hands out the same number twice, clear errors."""

from __future__ import annotations

import threading

import pytest

from esi_docs.records import database as database_module
from esi_docs.records.database import Database, DatabaseError, describe

SCHEMA = """
CREATE TABLE IF NOT EXISTS chain (id {id}, n INTEGER NOT NULL UNIQUE, data {blob});
"""


def test_insert_returns_ids_and_reads_back_bytes(database):
    db = Database.of(database)
    db.create(SCHEMA)
    first = db.write(lambda c: c.insert("INSERT INTO chain (n, data) VALUES (?, ?)", (1, b"\0x")))
    second = db.write(lambda c: c.insert("INSERT INTO chain (n, data) VALUES (?, ?)", (2, b"y")))
    assert second > first
    rows = db.read(lambda c: c.execute("SELECT n, data FROM chain ORDER BY n").fetchall())
    assert [(n, bytes(d)) for n, d in rows] == [(1, b"\0x"), (2, b"y")]


def test_serialised_read_then_append_from_many_threads(database):
    """Eight writers each read the last number and append the next, 15 times: with
    serialise() no number is handed out twice (the UNIQUE column would refuse it)."""
    db = Database.of(database)
    db.create(SCHEMA)
    errors: list[Exception] = []

    def append(conn) -> None:
        conn.serialise("chain")
        (last,) = conn.execute("SELECT COALESCE(MAX(n), 0) FROM chain").fetchone()
        conn.execute("INSERT INTO chain (n) VALUES (?)", (last + 1,))

    def writer() -> None:
        try:
            for _ in range(15):
                db.write(append)
        except Exception as exc:  # collected: an assertion in a thread would be lost
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = db.read(lambda c: [n for (n,) in c.execute("SELECT n FROM chain ORDER BY n")])
    assert numbers == list(range(1, 121))


def test_a_server_that_is_not_there_is_one_line_without_the_password():
    db = Database.of("postgresql://esi:s3cret-pw@127.0.0.1:1/none")
    with pytest.raises(DatabaseError) as caught:
        db.read(lambda c: None)
    [line] = caught.value.lines()
    assert line.startswith("postgresql://esi@127.0.0.1:1/none: cannot connect to the database")
    assert "s3cret-pw" not in line


def test_describe_hides_only_the_password():
    assert describe("postgresql://u:p@h:5432/d") == "postgresql://u@h:5432/d"
    assert describe("/var/lib/esi/audit.sqlite3") == "/var/lib/esi/audit.sqlite3"


def test_sqlite_writers_in_one_process_queue_on_a_lock_not_in_sqlites_busy_handler(tmp_path):
    """The server's threads take turns on a process lock before BEGIN IMMEDIATE (issue 18):
    SQLite's busy handler sleeps up to 100 ms between tries, which halved the pool's
    throughput with 20 nurses. Another thread waits on the lock, never inside SQLite."""
    db = Database.of(str(tmp_path / "audit.sqlite3"))
    db.create(SCHEMA)
    inside, release = threading.Event(), threading.Event()
    seen: list[bool] = []

    def slow(conn) -> None:
        inside.set()
        release.wait(5)
        conn.execute("INSERT INTO chain (n) VALUES (1)")

    first = threading.Thread(target=lambda: db.write(slow))
    first.start()
    assert inside.wait(5)
    lock = database_module._writer_lock(str(tmp_path / "audit.sqlite3"))
    seen.append(lock.locked())  # held by the first writer's whole transaction
    release.set()
    first.join(5)
    db.write(lambda conn: conn.execute("INSERT INTO chain (n) VALUES (2)"))
    assert seen == [True]
    assert not lock.locked()
    rows = db.read(lambda c: c.execute("SELECT n FROM chain ORDER BY n").fetchall())
    assert [n for (n,) in rows] == [1, 2]
