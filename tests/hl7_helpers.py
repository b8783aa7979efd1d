"""Helpers for the HL7 v2 tests: one SIU^S12 built from parts, changed per case.

The procedure is the day before the tests' fixed day (ESI_DOCS_TODAY, tests/conftest.py) for
a discharge sheet, unless a test says otherwise, so the sample never ages into a refused date.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tests.conftest import DISCHARGE_DAY

YESTERDAY = date.fromisoformat(DISCHARGE_DAY) - timedelta(days=1)
HL7_DAY = YESTERDAY.strftime("%Y%m%d")

# What the sample message says, as a patient file would say it ...
SIU_AS_YAML = {
    "name": "Maria Example",
    "dob": "1961-04-12",
    "mrn": "0012345",
    "procedure_date": YESTERDAY.isoformat(),
    "procedure_time": "09:30",
    "approach": "transforaminal",
    "region": "lumbar",
    "diabetic": "true",
    "physician": "Dr. A. Rivera",
    "language": "en",
}
# ... and what it does not say, given in the overrides file.
SIU_OVERRIDES = {"sedation": "false", "blood_thinner": "none"}


def segments(control_id: str = "MSG0001", **replace: str | None) -> dict[str, str]:
    """The sample SIU^S12 as {segment id: segment}; `replace` swaps (or with None drops) one."""
    parts = {
        "MSH": f"MSH|^~\\&|EHR|CLINIC|ESIDOCS|CLINIC|{HL7_DAY}080000||SIU^S12^SIU_S12|"
        f"{control_id}|P|2.5",
        "SCH": f"SCH|A1|F1||||||||30^min|^^30^{HL7_DAY}0930",
        "PID": "PID|1||0012345^^^CLINIC^MR~998877^^^STATE^PI||Example^Maria^^^^^L||19610412|F"
        "|||||||en",
        "PV1": "PV1|1|O",
        "DG1": "DG1|1||E11.9^Type 2 diabetes mellitus without complications^I10",
        "RGS": "RGS|1",
        "AIS": f"AIS|1||64483^Transforaminal epidural injection, lumbar^C4|{HL7_DAY}0930|||30|min",
        "AIP": "AIP|1||1234^Rivera^A.^^^Dr.|ATND",
    }
    for key, value in replace.items():
        parts[key] = value  # type: ignore[assignment]
    return {k: v for k, v in parts.items() if v is not None}


def message(control_id: str = "MSG0001", **replace: str | None) -> str:
    """The message text, segments ended with CR as HL7 v2 writes them."""
    return "\r".join(segments(control_id, **replace).values()) + "\r"


def write(path: Path, *messages: str) -> Path:
    path.write_bytes("".join(messages).encode("utf-8"))
    return path
