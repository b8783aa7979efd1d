"""`esi-docs batch`: per-patient PDFs, the merged print file, the manifest, errors, Ctrl-C."""

from __future__ import annotations

import csv
import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from esi_docs.api import render_handout
from esi_docs.records.audit import AuditLog
from tests.conftest import TYPICAL, pdf_pages, pdf_text

# Options of which at least one gives an odd page count (the merged test needs one).
ODD_CANDIDATES = (
    {"diabetic": "true"},
    {"sedation": "true"},
    {"approach": "caudal"},
    {"diabetic": "true", "sedation": "true"},
    {"blood_thinner": "Eliquis", "blood_thinner_held": "all"},
    {"region": "cervical"},
)


def sheet_pages(row: dict[str, str]) -> int:
    return len(pdf_pages(render_handout("discharge", TYPICAL | row).pdf))


def write_roster(path: Path, rows: list[dict[str, str]]) -> Path:
    keys = list(dict.fromkeys(k for row in rows for k in {**TYPICAL, **row}))
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, keys)
        writer.writeheader()
        for row in rows:
            writer.writerow({**TYPICAL, **row})
    return path


def read_manifest(folder: Path) -> list[dict[str, str]]:
    text = (folder / "manifest.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_one_pdf_per_patient_manifest_and_audit(run_cli, tmp_path, private_audit_db):
    roster = tmp_path / "r.csv"
    roster.write_text(run_cli("example", "roster").stdout, encoding="utf-8")
    out = tmp_path / "out"
    # The example roster is tomorrow's schedule: the pre-procedure letters.
    result = run_cli("batch", "pre-procedure", "--roster", str(roster), "--out-dir", str(out))
    assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        "2026-11-24_0012345_pre-procedure.pdf",
        "2026-11-24_0048210_pre-procedure.pdf",
        "2026-11-24_0099001_pre-procedure.pdf",
        "manifest.csv",
    ]
    assert all(stat.S_IMODE(os.stat(out / f).st_mode) == 0o600 for f in files)
    assert "O'Brien-Müller, Sean" in pdf_text((out / files[1]).read_bytes())
    assert [(r["row"], r["mrn"], r["status"]) for r in read_manifest(out)] == [
        ("2", "0012345", "ok"),
        ("3", "0048210", "ok"),
        ("4", "0099001", "ok"),
    ]
    assert [r.handout for r in AuditLog(private_audit_db).history("0048210")] == ["pre-procedure"]


def test_one_bad_row_stops_the_run_with_every_problem_and_writes_nothing(run_cli, tmp_path):
    roster = write_roster(
        tmp_path / "tomorrow.csv",
        [{}, {"mrn": "", "approach": "lateral"}, {"mrn": "7"}, {"diabetic": ""}],
    )
    out = tmp_path / "out"
    result = run_cli("batch", "discharge", "--roster", str(roster), "--out-dir", str(out))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"esi-docs: error: {roster} row 3: mrn: required",
        f"esi-docs: error: {roster} row 3: approach: 'lateral' is not one of interlaminar, "
        "transforaminal, caudal",
        f"esi-docs: error: {roster} row 5: diabetic: required",
    ]
    assert not out.exists()


def test_continue_on_error_prints_good_rows_and_exits_1(run_cli, tmp_path):
    roster = write_roster(tmp_path / "r.csv", [{"mrn": "1"}, {"mrn": "2", "dob": "1961-02-30"}])
    out = tmp_path / "out"
    result = run_cli(
        "batch", "discharge", "--roster", str(roster), "--out-dir", str(out), "--continue-on-error"
    )
    assert result.exit_code == 1
    assert f"{roster} row 3: dob: '1961-02-30' is not a real calendar date" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["2026-11-20_1_discharge.pdf", "manifest.csv"]
    bad = read_manifest(out)[1]
    assert (bad["row"], bad["mrn"], bad["file"], bad["status"]) == ("3", "2", "", "invalid")
    # The message names the field's own value, never the patient's name.
    assert bad["error"] == "dob: '1961-02-30' is not a real calendar date"
    assert "Maria" not in (out / "manifest.csv").read_text(encoding="utf-8-sig")


def test_merged_pdf_starts_each_patient_on_a_front_side_and_numbers_per_patient(run_cli, tmp_path):
    odd = next(c for c in ODD_CANDIDATES if sheet_pages({"mrn": "B2", **c}) % 2)
    rows = [{"mrn": "A1"}, {"mrn": "B2", **odd}, {"mrn": "C3"}]
    roster = write_roster(tmp_path / "r.csv", rows)
    out = tmp_path / "out"
    merged = out / "print-me.pdf"
    out.mkdir()
    args = ["--out-dir", str(out), "--merged", str(merged), "--jobs", "2"]
    result = run_cli("batch", "discharge", "--roster", str(roster), *args)
    assert result.exit_code == 0, result.stderr
    pages = pdf_pages(merged.read_bytes())
    expected: list[tuple[str | None, str | None]] = []
    for row in rows:  # each patient's own sheet, then a blank back side after an odd count
        count = sheet_pages(row)
        expected += [(row["mrn"], f"Page {n} of {count}") for n in range(1, count + 1)]
        expected += [(None, None)] * (count % 2)
    assert (None, None) in expected[:-1], f"no odd-length packet: {expected}"
    assert len(pages) == len(expected)
    for text, (mrn, label) in zip(pages, expected, strict=True):
        if mrn is None:
            assert text == ""
        else:
            assert f"MRN: {mrn}" in text and label in text
    assert "print-me.pdf" not in {r["file"] for r in read_manifest(out)}


def test_manifest_cells_cannot_run_as_formulas(run_cli, tmp_path):
    mrns = ["=1+1", "+1", "-1", "@SUM(A1)"]
    roster = write_roster(tmp_path / "r.csv", [{"mrn": m} for m in mrns])
    out = tmp_path / "out"
    result = run_cli("batch", "discharge", "--roster", str(roster), "--out-dir", str(out))
    assert result.exit_code == 0, result.stderr
    assert [r["mrn"] for r in read_manifest(out)] == [f"'{m}" for m in mrns]
    assert all(not r["file"].startswith(("=", "+", "-", "@")) for r in read_manifest(out))


def test_same_bytes_with_one_or_two_jobs_and_unique_names(run_cli, tmp_path):
    roster = write_roster(tmp_path / "r.csv", [{"mrn": "9"}, {"mrn": "9"}, {"mrn": "8"}])
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        args = ["--roster", str(roster), "--out-dir", str(out), "--jobs", jobs]
        assert run_cli("batch", "discharge", *args).exit_code == 0
        outputs.append({p.name: p.read_bytes() for p in out.glob("*.pdf")})
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0]) == [
        "2026-11-20_8_discharge.pdf",
        "2026-11-20_9_discharge-2.pdf",
        "2026-11-20_9_discharge.pdf",
    ]


def test_symlinked_out_dir_and_planted_links_are_not_followed(run_cli, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    os.symlink(real, link)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    os.symlink(victim, real / "2026-11-20_1_discharge.pdf")
    roster = write_roster(tmp_path / "r.csv", [{"mrn": "1"}])
    result = run_cli("batch", "discharge", "--roster", str(roster), "--out-dir", str(link))
    assert result.exit_code == 0, result.stderr
    written = real / "2026-11-20_1_discharge.pdf"
    assert not written.is_symlink() and written.read_bytes().startswith(b"%PDF-")
    assert victim.read_text() == "keep me"


def test_name_pattern_with_patient_name_is_refused(run_cli, tmp_path):
    roster = write_roster(tmp_path / "r.csv", [{}])
    out = tmp_path / "out"
    args = ["--roster", str(roster), "--out-dir", str(out), "--name", "{name}.pdf"]
    result = run_cli("batch", "discharge", *args)
    assert result.exit_code == 2
    assert "{name} is patient data and is not allowed in file names" in result.stderr
    assert not out.exists()


def test_unknown_handout_stops_before_anything_is_written(run_cli, tmp_path):
    roster = write_roster(tmp_path / "r.csv", [{}])
    out = tmp_path / "out"
    result = run_cli("batch", "nope", "--roster", str(roster), "--out-dir", str(out))
    assert result.exit_code == 2
    assert "handout 'nope' does not exist" in result.stderr
    assert not out.exists()


def test_ctrl_c_leaves_only_whole_files_and_no_merged_pdf(tmp_path):
    roster = write_roster(tmp_path / "r.csv", [{"mrn": str(n)} for n in range(400)])
    out = tmp_path / "out"
    out.mkdir()
    merged = tmp_path / "merged.pdf"
    env = {**os.environ, "ESI_DOCS_AUDIT_DB": str(tmp_path / "a.db")}
    command = [sys.executable, "-m", "esi_docs", "batch", "discharge", "--roster", str(roster)]
    command += ["--out-dir", str(out), "--merged", str(merged), "--jobs", "2"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.pdf"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert b"interrupted" in stderr
    assert not merged.exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    pdfs = list(out.glob("*.pdf"))
    assert 4 <= len(pdfs) < 400
    for pdf in pdfs:  # every file left behind is whole: its last page is "Page N of N"
        pages = pdf_pages(pdf.read_bytes())
        assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    statuses = [r["status"] for r in read_manifest(out)]
    assert statuses.count("ok") == len(pdfs) and "not rendered" in statuses


def test_spawned_workers_get_everything_they_need(run_cli, tmp_path, monkeypatch):
    """Outside Linux the workers are spawned, so what they get is pickled."""
    monkeypatch.setattr("esi_docs.batch.sys.platform", "darwin")
    roster = write_roster(tmp_path / "r.csv", [{"mrn": "1"}, {"mrn": "2"}])
    out = tmp_path / "out"
    args = ["--roster", str(roster), "--out-dir", str(out), "--jobs", "2"]
    result = run_cli("batch", "discharge", *args)
    assert result.exit_code == 0, result.stderr
    assert "MRN: 2" in pdf_text((out / "2026-11-20_2_discharge.pdf").read_bytes())


def test_quiet_when_not_a_terminal_and_silent_with_quiet(run_cli, tmp_path):
    roster = write_roster(tmp_path / "r.csv", [{"mrn": "1"}])
    args = ["--roster", str(roster), "--jobs", "1"]
    result = run_cli("batch", "discharge", *args, "--out-dir", str(tmp_path / "a"))
    assert result.stderr.splitlines() == [
        f"wrote 1 of 1 to {tmp_path / 'a'}; manifest: {tmp_path / 'a' / 'manifest.csv'}"
    ]  # no progress bar: CliRunner's stderr is not a terminal
    result = run_cli("batch", "discharge", *args, "--out-dir", str(tmp_path / "b"), "--quiet")
    assert result.exit_code == 0 and result.stderr == ""


def test_progress_counts_every_row_once(tmp_path):
    from esi_docs.batch import BatchSettings, render_batch
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.inputs.roster import read_roster

    roster = write_roster(tmp_path / "r.csv", [{"mrn": "1"}, {"mrn": ""}, {"mrn": "3"}])
    steps: list[int] = []
    settings = BatchSettings(
        "discharge", load_clinic(None), tmp_path / "out", continue_on_error=True
    )
    result = render_batch(read_roster(roster), settings, progress=steps.append)
    assert sum(steps) == 3 and result.written == 2


def test_the_parent_lets_go_of_each_chunk_once_it_is_recorded(tmp_path, monkeypatch):
    """Issue 18, memory flat: the parent used to keep every finished chunk's records (a dict
    of futures never emptied), so it grew with the roster (63 MB at 1,000 rows, 176 MB at
    10,000). Once a chunk is recorded, only the chunks still in flight (the window) may be
    held: the count of live records stays under the window however long the roster."""
    import gc
    import weakref

    import esi_docs.batch as batch
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.inputs.roster import read_roster

    rows = [{"mrn": f"{n:07d}"} for n in range(96)]
    roster = write_roster(tmp_path / "r.csv", rows)
    recorded: list[weakref.ref] = []
    still_held: list[int] = []
    apply = batch._apply

    def watching(outcomes, *args):  # type: ignore[no-untyped-def]
        gc.collect()
        still_held.append(sum(ref() is not None for ref in recorded))
        recorded.extend(weakref.ref(o.entry) for o in outcomes if o.entry is not None)
        apply(outcomes, *args)

    monkeypatch.setattr(batch, "_apply", watching)
    settings = batch.BatchSettings("discharge", load_clinic(None), tmp_path / "out", jobs=2)
    result = batch.render_batch(read_roster(roster), settings, audit=AuditLog(tmp_path / "a.db"))
    assert result.written == 96 and len(still_held) > 6  # several chunks, from a real pool
    window = 2 * batch.WINDOW_PER_JOB * batch.CHUNK_MAX  # jobs x chunks in flight x rows
    assert max(still_held) <= window < 96 - batch.CHUNK_MAX
