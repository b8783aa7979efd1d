"""The command line as a nurse or clinic IT would use it."""

from __future__ import annotations

import os
import stat

import yaml

from esi_docs import __version__
from tests.conftest import pdf_pages, pdf_text, write_yaml


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_example_files_parse_and_render(run_cli, tmp_path):
    patient = run_cli("example", "patient")
    clinic = run_cli("example", "clinic")
    assert yaml.safe_load(patient.stdout)["approach"] == "interlaminar"
    assert "fever_f" in yaml.safe_load(clinic.stdout)["protocol"]
    (tmp_path / "patient.yaml").write_text(patient.stdout)
    (tmp_path / "clinic.yaml").write_text(clinic.stdout)
    out = tmp_path / "sheet.pdf"
    result = run_cli(
        "render",
        "discharge",
        "--patient",
        str(tmp_path / "patient.yaml"),
        "--clinic",
        str(tmp_path / "clinic.yaml"),
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    text = pdf_text(out.read_bytes())
    assert "Maria Example" in text
    assert "Example Spine & Pain Clinic" in text


def test_render_writes_0600_and_leaves_no_temp_file(run_cli, tmp_path, typical):
    patient = write_yaml(tmp_path / "patient.yaml", typical)
    out = tmp_path / "sheet.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(out))
    assert result.exit_code == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["patient.yaml", "sheet.pdf"]


def test_render_to_stdout(run_cli, tmp_path, typical):
    patient = write_yaml(tmp_path / "patient.yaml", typical)
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", "-")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF-")
    assert "Maria Example" in pdf_text(result.stdout_bytes)


def test_same_inputs_give_identical_bytes(run_cli, tmp_path, typical):
    patient = write_yaml(tmp_path / "patient.yaml", typical)
    first = run_cli("render", "discharge", "--patient", str(patient), "-o", "-").stdout_bytes
    second = run_cli("render", "discharge", "--patient", str(patient), "-o", "-").stdout_bytes
    assert first == second


def test_a4_paper(run_cli, tmp_path, typical):
    from pypdf import PdfReader

    patient = write_yaml(tmp_path / "patient.yaml", typical)
    out = tmp_path / "a4.pdf"
    assert (
        run_cli(
            "render", "discharge", "--patient", str(patient), "--paper", "a4", "-o", str(out)
        ).exit_code
        == 0
    )
    box = PdfReader(out).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert pdf_pages(out.read_bytes())


def test_bad_patient_lists_every_problem_and_writes_nothing(run_cli, tmp_path, typical):
    typical |= {"approach": "lateral", "diabetic": "", "mrn": ""}
    del typical["region"]
    patient = write_yaml(tmp_path / "patient.yaml", typical)
    out = tmp_path / "sheet.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(out))
    assert result.exit_code == 2
    src = str(patient)
    assert result.stderr.splitlines() == [
        f"esi-docs: error: {src}: mrn: required, and it is blank",
        f"esi-docs: error: {src}: approach: 'lateral' is not one of interlaminar, "
        "transforaminal, caudal",
        f"esi-docs: error: {src}: region: required",
        f"esi-docs: error: {src}: diabetic: required, and it is blank; write true or false",
    ]
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["patient.yaml"]


def test_missing_patient_file_is_a_clear_error(run_cli, tmp_path):
    result = run_cli(
        "render",
        "discharge",
        "--patient",
        str(tmp_path / "nope.yaml"),
        "-o",
        str(tmp_path / "x.pdf"),
    )
    assert result.exit_code == 2
    assert result.stderr == f"esi-docs: error: {tmp_path / 'nope.yaml'}: file not found\n"


def test_unknown_handout_names_the_choices(run_cli, tmp_path, typical):
    patient = write_yaml(tmp_path / "patient.yaml", typical)
    result = run_cli("render", "dischrage", "--patient", str(patient), "-o", "-")
    assert result.exit_code == 2
    assert "handout 'dischrage' does not exist; choose one of" in result.stderr
    assert "discharge" in result.stderr.split("choose one of")[1]


def test_discharge_needs_a_patient(run_cli, tmp_path):
    result = run_cli("render", "discharge", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "handout 'discharge' is for one patient: give --patient" in result.stderr


def test_unwritable_output_folder(run_cli, tmp_path, typical):
    patient = write_yaml(tmp_path / "patient.yaml", typical)
    out = tmp_path / "missing" / "sheet.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(out))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not out.parent.exists()


def test_bad_clinic_profile(run_cli, tmp_path, typical):
    patient = write_yaml(tmp_path / "patient.yaml", typical)
    clinic = write_yaml(tmp_path / "clinic.yaml", {"name": "X", "protocol": {"fever_f": 1000}})
    result = run_cli(
        "render",
        "discharge",
        "--patient",
        str(patient),
        "--clinic",
        str(clinic),
        "-o",
        str(tmp_path / "x.pdf"),
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {clinic}: protocol.fever_f: 1000 is outside the plausible range "
        "99 to 104\n"
    )


def test_cli_paper_choices_are_the_api_ones():
    from esi_docs.api import PAPERS as API_PAPERS
    from esi_docs.cli.options import PAPERS

    assert PAPERS == API_PAPERS
