"""Prints how long reading, validating and mapping a clinic-day FHIR Bundle takes.

Usage: python benchmarks/fhir_bundle.py [PATIENTS]. The Bundle is the test sample
tests/fhir/clinic_day.json copied until it holds PATIENTS patients (default 300).
"""

from __future__ import annotations

import copy
import json
import sys
import tempfile
import time
from pathlib import Path

from esi_docs.inputs.fhir import patients_from_bundle

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "fhir" / "clinic_day.json"


def big_bundle(patients: int) -> dict:
    """The sample's three patients, repeated with fresh ids and references."""
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    entries = []
    for copy_number in range(-(-patients // 3)):
        for entry in copy.deepcopy(sample["entry"]):
            resource = entry["resource"]
            resource["id"] = f"c{copy_number}{resource['id']}"
            if "subject" in resource:
                old = resource["subject"]["reference"]
                resource["subject"]["reference"] = old.replace("/", f"/c{copy_number}")
            if "medicationReference" in resource:
                old = resource["medicationReference"]["reference"]
                resource["medicationReference"]["reference"] = old.replace("/", f"/c{copy_number}")
            entry["fullUrl"] = f"urn:uuid:00000000-0000-4000-8000-{len(entries):012d}"
            entries.append(entry)
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def main() -> None:
    patients = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bundle.json"
        path.write_text(json.dumps(big_bundle(patients)), encoding="utf-8")
        overrides = {"sedation": "false", "blood_thinner": "none"}
        start = time.perf_counter()
        found = patients_from_bundle(path, overrides)
        seconds = time.perf_counter() - start
    print(f"patients: {len(found)}  bundle entries: {len(big_bundle(patients)['entry'])}")
    print(f"read + validate + map: {seconds:.2f} s ({seconds / len(found) * 1000:.1f} ms/patient)")


if __name__ == "__main__":
    main()
