"""HL7 v2 out (issue 17): `--hl7-out` writes the printed sheet as an MDM^T02 with the PDF."""

from __future__ import annotations

import base64
import os
import stat

import hl7

from tests.conftest import write_yaml
from tests.hl7_helpers import SIU_AS_YAML, SIU_OVERRIDES, message, write


def render_with_mdm(run_cli, tmp_path, *source):
    out, doc = tmp_path / "sheet.pdf", tmp_path / "doc.hl7"
    result = run_cli("render", "discharge", *source, "-o", str(out), "--hl7-out", str(doc))
    assert result.exit_code == 0, result.stderr
    return out.read_bytes(), doc.read_bytes()


def test_mdm_t02_carries_the_pdf_the_physician_and_the_time(run_cli, tmp_path):
    overrides = write_yaml(tmp_path / "o.yaml", SIU_OVERRIDES)
    visit = write(tmp_path / "visit.hl7", message())
    pdf, data = render_with_mdm(run_cli, tmp_path, "--hl7", str(visit), "--patient", str(overrides))
    assert data.endswith(b"\r") and b"\n" not in data
    msg = hl7.parse(data.decode("utf-8"))
    assert [str(s[0]) for s in msg] == ["MSH", "EVN", "PID", "PV1", "TXA", "OBX"]
    assert str(msg.segment("MSH")[9]) == "MDM^T02^MDM_T02"
    assert str(msg.segment("MSH")[12]) == "2.6"
    assert msg.extract_field("PID", 1, 3, 1, 1) == "0012345"
    assert msg.extract_field("PID", 1, 3, 1, 5) == "MR"
    txa = msg.segment("TXA")
    assert str(txa[2]) == "69730-0^Instructions^LN"
    assert msg.extract_field("TXA", 1, 5, 1, 2) == "Dr. A. Rivera"
    assert len(str(txa[4])) == len("20261120093000+0000")
    assert str(txa[4]) == str(txa[6])
    assert len(str(txa[12])) == 32  # a unique document number
    assert str(txa[17]) == "DO"
    obx = msg.segment("OBX")
    assert str(obx[2]) == "ED"
    assert [msg.extract_field("OBX", 1, 5, 1, c) for c in (2, 3, 4)] == ["AP", "PDF", "Base64"]
    assert base64.b64decode(msg.extract_field("OBX", 1, 5, 1, 5)) == pdf
    assert str(obx[11]) == "F"
    assert stat.S_IMODE(os.stat(tmp_path / "doc.hl7").st_mode) == 0o600


def test_separators_in_a_name_cannot_break_the_message(run_cli, tmp_path):
    patient = {**SIU_AS_YAML, **SIU_OVERRIDES, "name": "Ana|Lucía^Pérez & Co~x"}
    path = write_yaml(tmp_path / "p.yaml", patient)
    _, data = render_with_mdm(run_cli, tmp_path, "--patient", str(path))
    msg = hl7.parse(data.decode("utf-8"))
    assert len(msg.segment("PID")) == 6  # the name's | and ^ did not add fields
    assert msg.extract_field("PID", 1, 5) == "Ana|Lucía^Pérez & Co~x"
    assert msg.extract_field("MSH", 1, 4) == "Example Spine & Pain Clinic"


def test_no_patient_no_mdm(run_cli, tmp_path):
    doc = tmp_path / "doc.hl7"
    result = run_cli("render", "guide", "-o", str(tmp_path / "g.pdf"), "--hl7-out", str(doc))
    assert result.exit_code == 2
    assert result.stderr == (
        "esi-docs: error: --hl7-out: needs a patient (--patient, --fhir or --hl7)\n"
    )
    assert not doc.exists()
