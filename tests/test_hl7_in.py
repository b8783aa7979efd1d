"""HL7 v2 in (issue 17): `render --hl7`, `batch` with an .hl7 roster, the mapping field by
field, and malformed messages refused with one line naming the segment and field."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esi_docs.errors import InputError
from esi_docs.inputs.clinic import parse_clinic
from esi_docs.inputs.hl7 import patients_from_hl7
from esi_docs.inputs.hl7.reader import MAX_MESSAGE_BYTES
from tests.conftest import pdf_text, write_yaml
from tests.hl7_helpers import HL7_DAY, SIU_AS_YAML, SIU_OVERRIDES, message, segments, write


@pytest.fixture
def overrides(tmp_path):
    return write_yaml(tmp_path / "overrides.yaml", SIU_OVERRIDES)


def mapped(tmp_path, text, extra=None, **kwargs):
    path = write(tmp_path / "visit.hl7", text)
    (patient,) = patients_from_hl7(path, {**SIU_OVERRIDES, **(extra or {})}, **kwargs)
    return patient


def problems(tmp_path, text, extra=None):
    path = write(tmp_path / "visit.hl7", text)
    with pytest.raises(InputError) as caught:
        patients_from_hl7(path, {**SIU_OVERRIDES, **(extra or {})})
    return [line.replace(str(path), "visit.hl7") for line in caught.value.lines()]


# --- the sheet -----------------------------------------------------------------------------


def test_sheet_from_message_equals_sheet_from_patient_file(run_cli, tmp_path, overrides):
    patient = write_yaml(tmp_path / "patient.yaml", {**SIU_AS_YAML, **SIU_OVERRIDES})
    hl7 = write(tmp_path / "visit.hl7", message())
    from_yaml = run_cli("render", "discharge", "--patient", str(patient), "-o", "-")
    from_hl7 = run_cli(
        "render", "discharge", "--hl7", str(hl7), "--patient", str(overrides), "-o", "-"
    )
    assert from_hl7.exit_code == 0, from_hl7.stderr
    assert from_hl7.stdout_bytes == from_yaml.stdout_bytes
    assert "Maria Example" in pdf_text(from_hl7.stdout_bytes)


def test_every_field_and_where_it_came_from(tmp_path):
    patient = mapped(tmp_path, message())
    assert dict(patient.mapping) == {**SIU_AS_YAML, **SIU_OVERRIDES}
    assert {k: p.used.where for k, p in patient.provenance.items()} == {
        "name": "PID-5",
        "dob": "PID-7",
        "mrn": "PID-3",
        "procedure_date": "AIS-4",
        "procedure_time": "AIS-4",
        "approach": "AIS-3",
        "region": "AIS-3",
        "diabetic": "DG1-3",
        "physician": "AIP-3",
        "language": "PID-15",
        "sedation": "",
        "blood_thinner": "",
    }
    assert patient.label == "Message/MSG0001"


def test_audit_record_keeps_the_message_control_id(run_cli, tmp_path, overrides):
    db = tmp_path / "audit.sqlite3"
    hl7 = write(tmp_path / "visit.hl7", message())
    args = ("--hl7", str(hl7), "--patient", str(overrides), "-o", str(tmp_path / "s.pdf"))
    result = run_cli("render", "discharge", *args, "--audit-db", str(db))
    assert result.exit_code == 0, result.stderr
    (options,) = sqlite3.connect(db).execute("SELECT options FROM renders").fetchone()
    stored = json.loads(options)
    assert stored["source"] == "hl7"
    assert stored["hl7_message"] == {"control_id": "MSG0001", "type": "SIU^S12"}
    assert stored["hl7_provenance"]["mrn"]["used"]["where"] == "PID-3"


def test_adt_a04_gives_the_patient_alone(run_cli, tmp_path):
    adt = segments(
        MSH=f"MSH|^~\\&|EHR|CLINIC|ESIDOCS|CLINIC|{HL7_DAY}0800||ADT^A04^ADT_A01|A1|P|2.5",
        SCH=None,
        AIS=None,
        AIP=None,
        RGS=None,
        PV1="PV1|1|O|||||5678^Okafor^Chidi^^^Dr.",
    )
    text = "\r".join(adt.values())
    assert problems(tmp_path, text) == [
        "visit.hl7: procedure_date: not in the message; give it in --patient overrides.yaml",
        "visit.hl7: approach: not in the message; give it in --patient overrides.yaml",
        "visit.hl7: region: not in the message; give it in --patient overrides.yaml",
    ]
    rest = {"procedure_date": SIU_AS_YAML["procedure_date"], "approach": "caudal"}
    patient = mapped(tmp_path, text, {**rest, "region": "lumbar"})
    assert patient.mapping["physician"] == "Dr. Chidi Okafor"  # PV1-7 without an AIP
    assert patient.provenance["physician"].used.where == "PV1-7"


def test_each_missing_field_is_one_line_naming_where_it_could_come_from(run_cli, tmp_path):
    hl7 = write(tmp_path / "visit.hl7", message(DG1=None))
    out = tmp_path / "sheet.pdf"
    result = run_cli("render", "discharge", "--hl7", str(hl7), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"esi-docs: error: {hl7}: {field}: not in the message; give it in --patient overrides.yaml"
        for field in ("diabetic", "sedation", "blood_thinner")
    ]
    assert not out.exists()


# --- mapping cases -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpt", "approach", "region"),
    [
        ("64483", "transforaminal", "lumbar"),
        ("64484", "transforaminal", "lumbar"),
        ("0230T", "transforaminal", "lumbar"),
        ("0231T", "transforaminal", "lumbar"),
    ],
)
def test_cpt_in_ais_3_settles_approach_and_region(tmp_path, cpt, approach, region):
    ais = f"AIS|1||{cpt}^ESI^C4|{HL7_DAY}0930"
    patient = mapped(tmp_path, message(AIS=ais))
    assert (patient.mapping["approach"], patient.mapping["region"]) == (approach, region)


def test_what_a_code_leaves_open_comes_from_the_overrides(tmp_path):
    ais = f"AIS|1||62321^Interlaminar ESI^CPT|{HL7_DAY}0930"
    assert problems(tmp_path, message(AIS=ais)) == [
        "visit.hl7: region: AIS-3: CPT 62321 covers cervical and thoracic; give it in "
        "--patient overrides.yaml"
    ]
    ais = f"AIS|1||62323^Interlaminar or caudal ESI^C4|{HL7_DAY}0930"
    assert problems(tmp_path, message(AIS=ais)) == [
        "visit.hl7: approach: AIS-3: CPT 62323 covers interlaminar and caudal; give it in "
        "--patient overrides.yaml"
    ]
    assert mapped(tmp_path, message(AIS=ais), {"approach": "caudal"}).mapping["approach"] == (
        "caudal"
    )


def test_a_catheter_infusion_is_refused_whatever_the_overrides_say(tmp_path):
    ais = f"AIS|1||62326^Epidural catheter infusion^C4|{HL7_DAY}0930"
    assert problems(tmp_path, message(AIS=ais), {"approach": "interlaminar"}) == [
        "visit.hl7: approach: AIS-3: CPT 62326 is an epidural catheter infusion, not a "
        "single-shot injection; esi-docs prints sheets for single-shot ESIs only"
    ]


def test_a_service_that_is_not_an_esi_is_named(tmp_path):
    ais = f"AIS|1||20610^Joint injection^C4|{HL7_DAY}0930"
    lines = problems(tmp_path, message(AIS=ais))
    assert lines[0] == (
        "visit.hl7: approach: AIS-3: no ESI code: AIS-3 (CPT 20610: not an ESI code); give it "
        "in --patient overrides.yaml"
    )


def test_a_clinic_code_map_settles_a_local_code(tmp_path):
    clinic = parse_clinic(
        {
            "procedure_codes": [
                {
                    "system": "99ESI",
                    "code": "TFESI-L",
                    "approach": "transforaminal",
                    "region": "lumbar",
                }
            ]
        },
        "clinic.yaml",
    )
    ais = f"AIS|1||TFESI-L^Lumbar TFESI^99ESI|{HL7_DAY}0930"
    patient = mapped(tmp_path, message(AIS=ais), procedure_codes=clinic.procedure_codes)
    assert (patient.mapping["approach"], patient.mapping["region"]) == ("transforaminal", "lumbar")


def test_sch_11_gives_the_start_without_an_ais_time(tmp_path):
    ais = "AIS|1||64483^ESI^C4"
    patient = mapped(tmp_path, message(AIS=ais))
    assert patient.provenance["procedure_date"].used.where == "SCH-11.4"
    assert patient.mapping["procedure_time"] == "09:30"


def test_a_utc_start_is_not_the_clinic_time(tmp_path):
    ais = f"AIS|1||64483^ESI^C4|{HL7_DAY}0930+0000"
    assert problems(tmp_path, message(AIS=ais))[0] == (
        "visit.hl7: procedure_date: AIS-4: is written in UTC, not the clinic's local time; "
        "give it in --patient overrides.yaml"
    )


def test_names_escapes_and_name_types(tmp_path):
    pid = (
        "PID|1||0012345^^^CLINIC^MR||Oldname^Mary^^^^^M~O\\T\\Brien^Siobhán^Áine^^^^L"
        "||19610412|F|||||||es"
    )
    patient = mapped(tmp_path, message(PID=pid))
    assert patient.mapping["name"] == "Siobhán Áine O&Brien"  # \T\ is the & character
    assert patient.provenance["name"].used.where == "PID-5[2]"
    assert patient.mapping["language"] == "es"


@pytest.mark.parametrize(("sent", "language"), [("spa", "es"), ("en-US", "en"), ("ES", "es")])
def test_language_codes(tmp_path, sent, language):
    pid = f"PID|1||0012345^^^CLINIC^MR||Example^Maria||19610412|F|||||||{sent}^Spanish^ISO6392"
    assert mapped(tmp_path, message(PID=pid)).mapping["language"] == language


def test_mrn_is_sent_exactly_and_a_partial_birth_date_is_not_a_dob(tmp_path):
    pid = "PID|1||00A-12 345^^^CLINIC^MR||Example^Maria||1961|F"
    assert problems(tmp_path, message(PID=pid)) == [
        "visit.hl7: dob: PID-7: gives no full date; give it in --patient overrides.yaml"
    ]
    patient = mapped(tmp_path, message(PID=pid), {"dob": "1961-04-12"})
    assert patient.mapping["mrn"] == "00A-12 345"


def test_several_people_on_the_appointment_are_not_a_physician(tmp_path):
    text = message() + ""
    text = text.replace("AIP|1||1234^Rivera^A.^^^Dr.|ATND\r",
                        "AIP|1||1234^Rivera^A.^^^Dr.|ATND\rAIP|2||77^Lee^Kim|RN\r")  # fmt: skip
    assert problems(tmp_path, text) == [
        "visit.hl7: physician: AIP[1]-3, AIP[2]-3: the appointment names several people; "
        "give it in --patient overrides.yaml"
    ]


# --- malformed messages --------------------------------------------------------------------

BIG = "PID|1||0012345^^^CLINIC^MR||" + "A" * (2 * 1024 * 1024) + "^Maria||19610412"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PID|1||0012345^^^CLINIC^MR||Example^Maria\r",
         "MSH: missing; a message starts with MSH, not PID"),
        ("hello world\r", "MSH: missing; a message starts with MSH, not something else"),
        ("", "MSH: missing; the file holds no HL7 v2 message"),
        (message().replace("MSH|^~\\&|", "MSHA^~\\&A"),
         "MSH-1: the field separator must be one symbol such as |"),
        (message().replace("MSH|^~\\&|", "MSH|^^\\&|"),
         "MSH-2: the encoding characters must be 4 different symbols: ^~\\&"),
        (message().replace("MSH|^~\\&|", "MSH|^~|"),
         "MSH-2: the encoding characters must be 4 different symbols: ^~\\&"),
        (message().replace("PID|1||", "PID#1##"),
         "segment 3: does not start with a segment ID and the field separator '|' (wrong "
         "separators, or a line break inside a field)"),
        (message(MSH="MSH|^~\\&|EHR|CLINIC|ESIDOCS"),
         "MSH-9: missing: the segment ends after MSH-5 (truncated?)"),
        (message(PID="PID|1||0012345^^^CLINIC^MR"),
         "PID-5: missing: the segment ends after PID-3 (truncated?)"),
        (message(AIS="AIS|1|"), "AIS-3: missing: the segment ends after AIS-2 (truncated?)"),
        (message(PID="PID|1||0012345^^^A^MR~0012346^^^B^MR||Example^Maria||19610412"),
         "PID-3: holds two different MR identifiers; send the patient's one MRN"),
        (message(AIS="AIS|1||64483^ESI^C4|0930"),
         "AIS-4: a time without a date; HL7 writes YYYYMMDDHHMM"),
        (message(AIS="AIS|1||64483^ESI^C4|09:30"),
         "AIS-4: a time without a date; HL7 writes YYYYMMDDHHMM"),
        (message(AIS="AIS|1||64483^ESI^C4", SCH="SCH|A1|F1||||||||30^min|^^30^T0930"),
         "SCH-11.4: a time without a date; HL7 writes YYYYMMDDHHMM"),
        (message(PID="PID|1||0012345^^^A^MR||Example^Maria||12 April 1961"),
         "PID-7: is not an HL7 date and time (YYYYMMDD[HHMM[SS]][+ZZZZ])"),
        (message(MSH="MSH|^~\\&|EHR|CLINIC|ESIDOCS|CLINIC|20261119||ORU^R01|M1|P|2.5"),
         "MSH-9: ORU^R01 is not one of SIU^S12, ADT^A04"),
        (message(MSH="MSH|^~\\&|EHR|CLINIC|ESIDOCS|CLINIC|20261119||SIU^S12||P|2.5"),
         "MSH-10: the message control ID must be 1 to 199 printable characters"),
        (message(SCH=None), "SCH: missing; SIU^S12 carries it"),
        (message(PID=None), "PID: missing; SIU^S12 carries it"),
        (message(PID=BIG),
         f"PID-5: the message is {len(BIG) + len(message(PID='')):,} bytes; the limit is "
         f"{MAX_MESSAGE_BYTES:,}"),
    ],
)  # fmt: skip
def test_malformed_messages_are_refused_naming_segment_and_field(run_cli, tmp_path, text, expected):
    hl7 = write(tmp_path / "visit.hl7", text)
    out = tmp_path / "sheet.pdf"
    result = run_cli("render", "discharge", "--hl7", str(hl7), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"esi-docs: error: {hl7}: {expected}\n"
    assert "Maria" not in result.stderr and "0012345" not in result.stderr
    assert not out.exists()


def test_two_messages_with_one_control_id_are_refused(tmp_path):
    assert problems(tmp_path, message("M1") + message("M1")) == [
        "visit.hl7: message 2: MSH-10: the same control ID as message 1"
    ]


def test_segments_may_end_with_line_feeds_and_carry_mllp_bytes(tmp_path):
    text = "\x0b" + message().replace("\r", "\r\n") + "\x1c\r"
    assert mapped(tmp_path, text).mapping["name"] == "Maria Example"


# --- several messages: render picks one, batch takes all -----------------------------------


def test_render_picks_one_message_by_control_id(run_cli, tmp_path, overrides):
    pid2 = "PID|1||0099999^^^CLINIC^MR||Nguyễn^Ánh||19700101|F"
    hl7 = write(tmp_path / "day.hl7", message("M1"), message("M2", PID=pid2))
    base = ("render", "discharge", "--hl7", str(hl7), "--patient", str(overrides), "-o", "-")
    result = run_cli(*base)
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {hl7}: holds 2 messages (Message/M1, Message/M2); choose one with "
        "--hl7-patient CONTROL-ID, or use esi-docs batch\n"
    )
    chosen = run_cli(*base, "--hl7-patient", "M2")
    assert chosen.exit_code == 0, chosen.stderr
    assert "Ánh Nguyễn" in pdf_text(chosen.stdout_bytes)
    missing = run_cli(*base, "--hl7-patient", "M9")
    assert "Message/M9: not in the file; it holds Message/M1, Message/M2" in missing.stderr


def test_hl7_options_need_each_other(run_cli, tmp_path, overrides):
    hl7 = write(tmp_path / "visit.hl7", message())
    result = run_cli("render", "discharge", "--patient", str(overrides), "--hl7-patient", "M1",
                     "-o", "-")  # fmt: skip
    assert result.stderr == "esi-docs: error: --hl7-patient: only with --hl7\n"
    result = run_cli("render", "discharge", "--hl7", str(hl7), "--fhir", str(hl7), "-o", "-")
    assert result.stderr == "esi-docs: error: --fhir and --hl7: give one EHR input, not both\n"


def test_batch_reads_one_patient_per_message(run_cli, tmp_path):
    pid2 = "PID|1||0099999^^^CLINIC^MR||Okafor^Ngozi||19700101|F"
    hl7 = write(tmp_path / "day.hl7", message("M1"), message("M2", PID=pid2))
    overrides = write_yaml(
        tmp_path / "o.yaml",
        {**SIU_OVERRIDES, "Message/M2": {"sedation": "true", "diabetic": "false"}},
    )
    out = tmp_path / "out"
    result = run_cli("batch", "discharge", "--roster", str(hl7), "--patient", str(overrides),
                     "--out-dir", str(out), "--no-audit", "-q")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    texts = sorted(pdf_text(p.read_bytes()) for p in out.glob("*.pdf"))
    assert len(texts) == 2
    assert any("Ngozi Okafor" in t for t in texts) and any("Maria Example" in t for t in texts)


def test_batch_names_the_message_a_problem_is_in(run_cli, tmp_path):
    pid2 = "PID|1||0099999^^^CLINIC^MR||Okafor^Ngozi||1970|F"
    hl7 = write(tmp_path / "day.hl7", message("M1"), message("M2", PID=pid2))
    overrides = write_yaml(tmp_path / "o.yaml", SIU_OVERRIDES)
    result = run_cli("batch", "discharge", "--roster", str(hl7), "--patient", str(overrides),
                     "--out-dir", str(tmp_path / "out"), "--no-audit", "-q")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {hl7}: Message/M2: dob: PID-7: gives no full date; give it in "
        f"--patient {overrides} (for this patient only: under Message/M2:)\n"
    )


def test_an_overrides_section_for_a_message_not_in_the_file_is_refused(tmp_path):
    path = write(tmp_path / "visit.hl7", message())
    with pytest.raises(InputError) as caught:
        patients_from_hl7(path, {**SIU_OVERRIDES, "Message/M7": {"sedation": "true"}})
    assert caught.value.lines() == [f"overrides.yaml: Message/M7: no such message in {path}"]


def test_reading_a_message_imports_no_rendering_code(tmp_path):
    import subprocess
    import sys

    path = write(tmp_path / "visit.hl7", message())
    code = (
        "import sys; from pathlib import Path; from esi_docs.inputs.hl7 import patients_from_hl7; "
        f"patients_from_hl7(Path({str(path)!r}), {SIU_OVERRIDES!r}); "
        "bad = [m for m in sys.modules if m.startswith(('reportlab', 'esi_docs.render'))]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


_HL7_CHARS = "|^~\\&\r\nMSHPIDAISCHG0123456789-+.: Tá"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_HL7_CHARS, max_size=300), st.integers(0, 2000))
def test_any_bytes_are_read_or_refused_never_a_traceback(noise, cut):
    """Mutations of a real message: an EsiDocsError (one clear line each) or a patient."""
    from esi_docs.errors import EsiDocsError
    from esi_docs.inputs.hl7.patients import patient_from_message
    from esi_docs.inputs.hl7.reader import parse_message_bytes
    from esi_docs.inputs.merging import check_overrides

    text = message()
    data = (text[:cut] + noise + text[cut:]).encode("utf-8")
    try:
        found = parse_message_bytes(data, "frame")
        patient_from_message(found, check_overrides(SIU_OVERRIDES, "o.yaml"), "frame")
    except EsiDocsError as exc:
        assert all(line and "\n" not in line for line in exc.lines())


def test_ais_segments_with_different_starts_settle_no_time(tmp_path):
    text = message().replace(
        f"AIS|1||64483^Transforaminal epidural injection, lumbar^C4|{HL7_DAY}0930|||30|min\r",
        f"AIS|1||64483^ESI^C4|{HL7_DAY}0930\rAIS|2||64484^ESI^C4|{HL7_DAY}1100\r",
    )
    assert problems(tmp_path, text)[0] == (
        "visit.hl7: procedure_date: AIS[1]-4, AIS[2]-4: the AIS segments give different start "
        "times; give it in --patient overrides.yaml"
    )


def test_the_display_name_wins_and_other_code_systems_are_not_icd10(tmp_path):
    pid = "PID|1||0012345^^^CLINIC^MR||Example^Maria^^^^^L~Example^Malu^^^^^D||19610412|F"
    dg1 = "DG1|1||E11.9^Looks like diabetes^LOCAL"
    patient = mapped(tmp_path, message(PID=pid, DG1=dg1), {"diabetic": "false"})
    assert patient.mapping["name"] == "Malu Example"
    assert patient.provenance["diabetic"].used.source == "overrides.yaml"
    assert patient.provenance["diabetic"].overridden is None  # a LOCAL E11.9 settles nothing
