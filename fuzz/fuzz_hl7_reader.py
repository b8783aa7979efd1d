"""Coverage-guided fuzzing of the HL7 v2 reader: structure checks, mapping, override merge.

    pip install atheris && python fuzz/fuzz_hl7_reader.py -max_total_time=60

Seed it with a real message for speed: `python fuzz/fuzz_hl7_reader.py corpus/` where
corpus/ holds an .hl7 file. Any exception other than EsiDocsError is a bug (atheris saves
the input as crash-<hash>).
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    from esi_docs.errors import EsiDocsError
    from esi_docs.inputs.hl7.patients import patient_from_message
    from esi_docs.inputs.hl7.reader import parse_message_bytes
    from esi_docs.inputs.merging import check_overrides

_OVERRIDES = check_overrides({"sedation": "false", "blood_thinner": "none"}, "overrides.yaml")


def test_one_input(data: bytes) -> None:
    """The bytes as one MLLP frame: read, checked, mapped and merged as the listener does."""
    with contextlib.suppress(EsiDocsError):  # our own, clear refusal: not a bug
        message = parse_message_bytes(data, "frame")
        patient_from_message(message, _OVERRIDES, "frame")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
