"""`render --print`: real jobs through CUPS into a cups-pdf queue, and the clear errors.

CI (.ci/cups-setup.sh) installs CUPS and cups-pdf, starts cupsd and adds the queue `esi-pdf`,
whose jobs land as PDF files in $ESI_DOCS_PRINT_OUT. With CI=true a missing CUPS fails these
tests; elsewhere they skip with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from esi_docs.delivery.printing import JOB_TITLE, PrintError, _explain, print_pdf
from tests.conftest import pdf_text, write_yaml
from tests.fhir_helpers import FHIR_DIR, SINGLE_OVERRIDES

PRINTER = os.environ.get("ESI_DOCS_TEST_PRINTER", "esi-pdf")
OUT_DIR = Path(os.environ.get("ESI_DOCS_PRINT_OUT", "/var/spool/cups-pdf/esi-docs"))
SINGLE = str(FHIR_DIR / "single_patient.json")


def _lpstat(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["lpstat", *args], capture_output=True, text=True, check=False)


def _cups_problem() -> str | None:
    if not shutil.which("lp") or not shutil.which("lpstat"):
        return "the CUPS client (lp, lpstat) is not installed"
    if "is running" not in _lpstat("-r").stdout or "not running" in _lpstat("-r").stdout:
        return "cupsd is not running (run .ci/cups-setup.sh as root)"
    if _lpstat("-p", PRINTER).returncode != 0:
        return f"the cups-pdf queue {PRINTER} is missing (run .ci/cups-setup.sh as root)"
    if not OUT_DIR.is_dir():
        return f"cups-pdf's output folder {OUT_DIR} is missing"
    return None


def _need(problem: str | None) -> None:
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must print for real: {problem}")
    pytest.skip(problem)


@pytest.fixture
def cups_printer() -> str:
    _need(_cups_problem())
    return PRINTER


@pytest.fixture
def lp_client() -> None:
    _need(None if shutil.which("lp") and shutil.which("lpstat") else "lp/lpstat not installed")


class PrintedJob:
    """A job cups-pdf wrote: its file name and bytes (the file is removed once read)."""

    def __init__(self, path: Path):
        self.name = path.name
        self.data = path.read_bytes()
        path.unlink()

    def read_bytes(self) -> bytes:
        return self.data


def wait_for_job(job: str, timeout: float = 60) -> PrintedJob:
    """cups-pdf names its file ...-job_<number>.pdf; wait until it is complete."""
    number = job.rsplit("-", 1)[1]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(OUT_DIR.glob(f"*job_{number}.pdf"))
        if found and found[0].stat().st_size and _lpstat("-o", PRINTER).stdout.count(job) == 0:
            return PrintedJob(found[0])
        time.sleep(0.25)
    raise AssertionError(f"job {job} did not arrive in {OUT_DIR} within {timeout} s")


def _job_id(stderr: str) -> str:
    match = re.search(r"\(job (\S+)\)", stderr)
    assert match, stderr
    return match[1]


def render(run_cli, *args):
    return run_cli("render", "discharge", *args)


def test_a_sheet_from_a_bundle_prints_as_a_pdf_with_the_patients_name(
    run_cli, tmp_path, cups_printer
):
    overrides = write_yaml(tmp_path / "overrides.yaml", SINGLE_OVERRIDES)
    out = tmp_path / "sheet.pdf"
    result = render(
        run_cli,
        "--fhir",
        SINGLE,
        "--patient",
        str(overrides),
        "-o",
        str(out),
        "--print",
        cups_printer,
    )
    assert result.exit_code == 0, result.stderr
    assert f"sent to printer {cups_printer} (job {cups_printer}-" in result.stderr
    printed = wait_for_job(_job_id(result.stderr))
    data = printed.read_bytes()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Maria Example" in text
    assert "Page 1 of" in text
    assert "Maria" not in printed.name  # the job title carries no patient data
    assert "esi-docs_handout" in printed.name
    assert "Maria Example" in pdf_text(out.read_bytes())  # and -o still wrote the file


def test_print_alone_uses_the_default_printer_and_needs_no_output(run_cli, tmp_path, cups_printer):
    default = _lpstat("-d").stdout
    if cups_printer not in default:
        _need(f"{cups_printer} is not the default printer ({default.strip()})")
    overrides = write_yaml(tmp_path / "overrides.yaml", SINGLE_OVERRIDES)
    result = render(run_cli, "--fhir", SINGLE, "--patient", str(overrides), "--print")
    assert result.exit_code == 0, result.stderr
    assert "sent to the default printer" in result.stderr
    assert "Maria Example" in pdf_text(wait_for_job(_job_id(result.stderr)).read_bytes())
    assert list(tmp_path.iterdir()) == [overrides]


def test_the_api_prints_pdf_bytes(cups_printer):
    from esi_docs.api import render_handout
    from tests.conftest import TYPICAL

    # cups-pdf redistils the job through PostScript, and its text layer keeps only ASCII
    # letters (the page itself draws every name right), so this check uses an ASCII name.
    pdf = render_handout("discharge", {**TYPICAL, "name": "Jordan Baker"}).pdf
    job = print_pdf(pdf, cups_printer)
    assert job.startswith(f"{cups_printer}-")
    assert "Jordan Baker" in pdf_text(wait_for_job(job).read_bytes())


def test_an_unknown_printer_is_one_clear_line_and_the_pdf_is_saved(run_cli, tmp_path, cups_printer):
    overrides = write_yaml(tmp_path / "overrides.yaml", SINGLE_OVERRIDES)
    out = tmp_path / "sheet.pdf"
    args = ("--fhir", SINGLE, "--patient", str(overrides), "-o", str(out))
    result = render(run_cli, *args, "--print", "no-such-printer")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "esi-docs: error: printing: printer 'no-such-printer' does not exist; `lpstat -p` "
        f"lists the printers; the PDF was saved to {out}"
    )
    assert "Maria Example" in pdf_text(out.read_bytes())


def test_the_clinic_profile_names_the_printer_and_the_flag_wins(run_cli, tmp_path, cups_printer):
    clinic = write_yaml(tmp_path / "clinic.yaml", {"printer": "front-desk-missing"})
    overrides = write_yaml(tmp_path / "overrides.yaml", SINGLE_OVERRIDES)
    args = ("--fhir", SINGLE, "--patient", str(overrides), "--clinic", str(clinic))
    result = render(run_cli, *args, "--print")
    assert result.exit_code == 2
    assert "printer 'front-desk-missing' does not exist" in result.stderr
    result = render(run_cli, *args, "--print", cups_printer)
    assert result.exit_code == 0, result.stderr
    wait_for_job(_job_id(result.stderr))


def test_stopped_cups_is_one_clear_line(run_cli, tmp_path, monkeypatch, lp_client):
    # A client whose server socket has nobody listening sees exactly a stopped cupsd.
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "cups.sock"))
    overrides = write_yaml(tmp_path / "overrides.yaml", SINGLE_OVERRIDES)
    out = tmp_path / "sheet.pdf"
    result = render(
        run_cli, "--fhir", SINGLE, "--patient", str(overrides), "-o", str(out), "--print"
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "esi-docs: error: printing: the print system (CUPS) is not running; start it (or ask "
        f"IT) and print again; the PDF was saved to {out}"
    )
    assert out.read_bytes().startswith(b"%PDF-")


def test_missing_lp_is_one_clear_line(run_cli, tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    overrides = write_yaml(tmp_path / "overrides.yaml", SINGLE_OVERRIDES)
    out = tmp_path / "sheet.pdf"
    result = render(
        run_cli, "--fhir", SINGLE, "--patient", str(overrides), "-o", str(out), "--print"
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "esi-docs: error: printing: the `lp` command is not installed (CUPS client; Debian: "
        "cups-client): print the PDF from a PDF viewer or with the checkout form's Print "
        f"button; the PDF was saved to {out}"
    )
    assert out.exists()


@pytest.mark.parametrize("name", ["-oraw", "two words", "a/b", "x#1"])
def test_a_printer_name_is_never_an_option_or_a_path(name):
    with pytest.raises(PrintError) as caught:
        print_pdf(b"%PDF-", name)
    assert caught.value.lines() == [f"printing: '{name}' is not a printer name"]


def test_no_default_printer_explains_how_to_name_one(lp_client, monkeypatch, tmp_path):
    if _cups_problem():
        _need(_cups_problem())
    text = _explain("lp: Error - No default destination.", None)
    assert text.startswith("no default printer is set; name one with --print PRINTER")


def test_output_or_print_is_required(run_cli, tmp_path):
    overrides = write_yaml(tmp_path / "overrides.yaml", SINGLE_OVERRIDES)
    result = render(run_cli, "--fhir", SINGLE, "--patient", str(overrides))
    assert result.exit_code == 2
    assert "give -o FILE (or -o -), --print [PRINTER], or both" in result.stderr


def test_job_title_is_neutral():
    assert JOB_TITLE == "esi-docs handout"


def test_clinic_printer_is_optional_text():
    from esi_docs.errors import InputError
    from esi_docs.inputs.clinic import load_clinic, parse_clinic

    assert load_clinic(None).printer == ""
    assert parse_clinic({"printer": "checkout-1"}, "clinic.yaml").printer == "checkout-1"
    with pytest.raises(InputError) as caught:
        parse_clinic({"printer": ["a", "b"]}, "clinic.yaml")
    assert caught.value.lines() == ["clinic.yaml: printer: must be text, not a list or a mapping"]
