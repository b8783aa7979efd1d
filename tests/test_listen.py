"""`esi-docs listen` (issue 17): a real MLLP socket on 127.0.0.1, messages in, ACKs out.

The listener runs in a thread (or, for the command line and SIGTERM, in a subprocess); the
tests speak MLLP over TCP to it like an interface engine. Nothing is mocked."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, timedelta

import hl7
import pytest

from esi_docs.inputs.clinic import load_clinic
from esi_docs.listener.handler import ListenSettings
from esi_docs.listener.server import Listener, ServerLimits
from esi_docs.records.audit import AuditLog
from tests.conftest import DISCHARGE_DAY, pdf_text, write_yaml
from tests.hl7_helpers import SIU_OVERRIDES, message

# Booked ten days after the tests' fixed day: a letter whose stop dates are all still ahead.
DAY = (date.fromisoformat(DISCHARGE_DAY) + timedelta(days=10)).strftime("%Y%m%d")


def future(control_id: str = "L1", **replace: str | None) -> bytes:
    """The sample SIU^S12, booked ten days ahead (a pre-procedure letter)."""
    replace.setdefault("AIS", f"AIS|1||64483^Transforaminal ESI^C4|{DAY}0930")
    replace.setdefault("SCH", f"SCH|A1|F1||||||||30^min|^^30^{DAY}0930")
    return message(control_id, **replace).encode("utf-8")


def mllp(data: bytes) -> bytes:
    return b"\x0b" + data + b"\x1c\r"


def read_ack(sock: socket.socket) -> hl7.Message:
    data = b""
    sock.settimeout(30)
    while not data.endswith(b"\x1c\r"):
        chunk = sock.recv(4096)
        assert chunk, f"connection closed before the ACK ({data!r})"
        data += chunk
    assert data.startswith(b"\x0b")
    return hl7.parse(data[1:-2].decode("utf-8"))


def closed_by_server(sock: socket.socket, within: float = 5.0) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1024) == b""
    except (ConnectionResetError, TimeoutError):
        return False


@pytest.fixture
def overrides(tmp_path):
    return write_yaml(tmp_path / "overrides.yaml", SIU_OVERRIDES)


@pytest.fixture
def serve(tmp_path, overrides):
    """Start a Listener in a thread on a free loopback port; yields (listener, out_dir, log)."""
    started: list[Listener] = []
    log: list[str] = []

    def start(limits=None, allowed_peers=(), overrides_file=overrides, audit=True, printer=None):
        out_dir = tmp_path / "letters"
        out_dir.mkdir(exist_ok=True)
        settings = ListenSettings(
            clinic=load_clinic(None),
            out_dir=out_dir,
            overrides=overrides_file,
            printer=printer,
            audit=AuditLog(tmp_path / "audit.sqlite3") if audit else None,
        )
        listener = Listener("127.0.0.1", 0, settings, allowed_peers=allowed_peers,
                            limits=limits, log=log.append)  # fmt: skip
        threading.Thread(target=listener.serve, daemon=True).start()
        started.append(listener)
        return listener, out_dir, log

    yield start
    for listener in started:
        listener.stop()


def connect(listener: Listener, source: str | None = None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if source:
        sock.bind((source, 0))
    sock.connect(("127.0.0.1", listener.port))
    return sock


def test_an_siu_becomes_a_letter_a_record_and_an_aa(serve, tmp_path):
    listener, out_dir, log = serve()
    with connect(listener) as sock:
        sock.sendall(mllp(future("L1")))
        ack = read_ack(sock)
    assert str(ack.segment("MSA")) == "MSA|AA|L1"
    assert str(ack.segment("MSH")[9]) == "ACK^S12^ACK"
    assert ack.extract_field("MSH", 1, 5) == "EHR"  # answered to the sender (MSH-3/4)
    (letter,) = out_dir.glob("*.pdf")
    assert letter.name == f"{DAY[:4]}-{DAY[4:6]}-{DAY[6:]}_0012345_pre-procedure_L1.pdf"
    assert "Maria Example" in pdf_text(letter.read_bytes())
    db = sqlite3.connect(tmp_path / "audit.sqlite3")
    ((handout, options),) = db.execute("SELECT handout, options FROM renders").fetchall()
    assert handout == "pre-procedure"
    stored = json.loads(options)
    assert stored["source"] == "listen"
    assert stored["hl7_message"] == {"control_id": "L1", "type": "SIU^S12"}
    assert stored["hl7_provenance"]["procedure_date"]["used"]["where"] == "AIS-4"
    assert log == ["127.0.0.1 L1: AA"]


def test_several_messages_on_one_connection(serve):
    listener, out_dir, _ = serve()
    with connect(listener) as sock:
        for n in range(3):
            sock.sendall(mllp(future(f"M{n}")))
            assert read_ack(sock).extract_field("MSA", 1, 1) == "AA"
    assert len(list(out_dir.glob("*.pdf"))) == 3


def test_problems_are_ae_with_err_segments_and_no_patient_data(serve, tmp_path, overrides):
    listener, out_dir, log = serve()
    pid = "PID|1||0012345^^^CLINIC^MR||Example^Maria||19611345|F"
    with connect(listener) as sock:
        sock.sendall(mllp(future("L2", DG1=None)))
        missing = read_ack(sock)
        sock.sendall(mllp(future("L3", PID=pid)))
        wrong = read_ack(sock)
    assert [missing.extract_field("MSA", 1, c) for c in (1, 2)] == ["AE", "L2"]
    assert [str(s) for s in missing if str(s[0]) == "ERR"] == [
        "ERR|||101^Required field missing^HL70357|E||||diabetic: not in the message; give it "
        f"in --patient {overrides}",
    ]
    assert [str(s) for s in wrong if str(s[0]) == "ERR"] == [
        "ERR|||102^Data type error^HL70357|E||||dob: the value is not a real calendar date",
    ]
    for value in ("Maria", "Example^", "0012345", "19611345", "1961-13-45"):
        assert value not in str(missing) + str(wrong)  # "Example Spine" is the clinic
    assert list(out_dir.glob("*")) == []
    count = sqlite3.connect(tmp_path / "audit.sqlite3").execute("SELECT COUNT(*) FROM renders")
    assert count.fetchone()[0] == 0
    assert log == ["127.0.0.1 L2: AE (diabetic)", "127.0.0.1 L3: AE (dob)"]


def test_err_names_the_segment_and_field_a_value_came_from(serve):
    listener, _, _ = serve()
    with connect(listener) as sock:
        sock.sendall(mllp(future("L6", PID="PID|1||0012345^^^CLINIC^MR||Example^Maria||1961")))
        ack = read_ack(sock)
    assert ack.extract_field("ERR", 1, 2, 1, 1) == "PID"
    assert ack.extract_field("ERR", 1, 2, 1, 3) == "7"
    assert ack.extract_field("ERR", 1, 8).startswith("dob: PID-7: gives no full date")


def test_a_letter_that_cannot_be_printed_is_not_kept_or_recorded(serve, tmp_path):
    listener, out_dir, _ = serve(printer="no-such-printer-i17")
    with connect(listener) as sock:
        sock.sendall(mllp(future("L7")))
        ack = read_ack(sock)
    assert ack.extract_field("MSA", 1, 1) == "AE"
    assert ack.extract_field("ERR", 1, 8).startswith("printing:")
    assert list(out_dir.glob("*")) == []
    count = sqlite3.connect(tmp_path / "audit.sqlite3").execute("SELECT COUNT(*) FROM renders")
    assert count.fetchone()[0] == 0


def test_a_malformed_message_is_answered_ae_naming_the_field(serve):
    listener, _, _ = serve()
    bad = future("L3").replace(b"PID|1||", b"PID^1^^")
    with connect(listener) as sock:
        sock.sendall(mllp(bad))
        ack = read_ack(sock)
    assert ack.extract_field("MSA", 1, 2) == "L3"  # the control ID, read from MSH alone
    (err,) = [s for s in ack if str(s[0]) == "ERR"]
    assert str(err[8]).startswith("segment 3: does not start with a segment ID")


def test_a_message_type_without_a_handout_is_refused(serve):
    listener, _, _ = serve()
    adt = future("L4", MSH=f"MSH|^~\\&|EHR|CLINIC|ESIDOCS|CLINIC|{DAY}||ADT^A04|L4|P|2.5")
    with connect(listener) as sock:
        sock.sendall(mllp(adt))
        ack = read_ack(sock)
    assert len([s for s in ack if str(s[0]) == "ERR"]) == 1
    assert ack.extract_field("ERR", 1, 2) == "MSH"
    assert ack.extract_field("ERR", 1, 3) == "200"
    assert ack.extract_field("ERR", 1, 8).startswith("MSH-9: no handout is set for ADT^A04")


def test_a_message_over_the_bound_is_refused_and_the_connection_closed(serve):
    listener, _, _ = serve(limits=ServerLimits(max_bytes=2_000))
    big = future("L5", PID="PID|1||0012345^^^CLINIC^MR||" + "A" * 5_000 + "^Maria||19610412")
    with connect(listener) as sock:
        sock.sendall(b"\x0b" + big)  # no end of frame: the bound, not the end, stops the read
        ack = read_ack(sock)
        assert ack.extract_field("MSA", 1, 1) == "AE"
        assert ack.extract_field("MSA", 1, 2) == "L5"
        assert "over the limit of 2,000 bytes" in ack.extract_field("ERR", 1, 8)
        assert closed_by_server(sock)


def test_a_silent_connection_is_closed_after_the_read_timeout(serve):
    listener, _, _ = serve(limits=ServerLimits(timeout=0.5))
    with connect(listener) as sock:
        sock.sendall(b"\x0bMSH|^~\\&|EHR")  # half a message, then nothing
        began = time.monotonic()
        assert closed_by_server(sock)
        assert time.monotonic() - began < 4


def test_connections_beyond_the_bound_are_closed_at_once(serve):
    listener, _, log = serve(limits=ServerLimits(max_connections=1))
    with connect(listener) as first:
        first.sendall(mllp(future("C1")))
        read_ack(first)  # the first connection holds the one slot
        with connect(listener) as second:
            assert closed_by_server(second)
        first.sendall(mllp(future("C2")))
        assert read_ack(first).extract_field("MSA", 1, 1) == "AA"
    assert "refused 127.0.0.1: 1 connections already open" in log


def test_only_allowed_peers_may_send(serve):
    listener, _, log = serve(allowed_peers=("127.0.0.2",))
    with connect(listener) as stranger:  # from 127.0.0.1, not on the list
        assert closed_by_server(stranger)
    with connect(listener, source="127.0.0.2") as sender:
        sender.sendall(mllp(future("P1")))
        assert read_ack(sender).extract_field("MSA", 1, 1) == "AA"
    assert "refused 127.0.0.1: not an --allowed-peer" in log


def _start_cli(tmp_path, overrides, *extra):
    env = {**os.environ, "ESI_DOCS_AUDIT_DB": str(tmp_path / "audit.sqlite3")}
    letters = str(tmp_path / "letters")
    args = [sys.executable, "-m", "esi_docs", "listen", "--port", "0", "--out-dir", letters,
            "--patient", str(overrides), *extra]  # fmt: skip
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stderr.readline()
    assert "listening on 127.0.0.1:" in line, line
    return proc, int(line.rsplit(":", 1)[1])


def test_sigterm_stops_cleanly_after_the_message_in_hand(tmp_path, overrides):
    proc, port = _start_cli(tmp_path, overrides)
    try:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(mllp(future("T1")))
            assert read_ack(sock).extract_field("MSA", 1, 1) == "AA"
            sock.sendall(mllp(future("T2")))
            proc.send_signal(signal.SIGTERM)  # the message is on its way: it is still answered
            assert read_ack(sock).extract_field("MSA", 1, 2) == "T2"
            assert closed_by_server(sock)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    rest = proc.stderr.read()
    assert rest.endswith("esi-docs listen: stopped\n"), rest
    assert "Traceback" not in rest
    assert len(list((tmp_path / "letters").glob("*.pdf"))) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--host", "192.0.2.10", "--out-dir", "x"),
         "--host 192.0.2.10: listening beyond this machine needs --allowed-peer ADDRESS"),
        (("--port", "2575"), "give --out-dir DIR, --print [PRINTER], or both"),
        (("--out-dir", "x", "--handout", "ORU^R01=discharge"), "write TYPE=HANDOUT"),
    ],
)  # fmt: skip
def test_listen_refuses_unsafe_or_incomplete_starts(run_cli, args, message):
    result = run_cli("listen", *args)
    assert result.exit_code == 2
    assert message in result.stderr
