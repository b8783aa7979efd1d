"""Coverage-guided fuzzing of the FHIR Bundle reader (JSON with bounds, duplicate keys refused,
fhir.resources validation) and the mapping of every patient in it.

    pip install atheris && python fuzz/fuzz_fhir_reader.py tests/fhir -max_total_time=60

`tests/fhir` is the seed corpus (libFuzzer reads a folder given before the options): valid
Bundles to mutate from. Any exception other than EsiDocsError is a bug (atheris saves the input
as crash-<hash>).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from esi_docs.errors import EsiDocsError
    from esi_docs.inputs.fhir import patients_from_bundle

_FOLDER = Path(tempfile.mkdtemp(prefix="esi-fuzz-"))


def test_one_input(data: bytes) -> None:
    """The bytes as a Bundle file: read, validated, grouped by patient and mapped."""
    path = _FOLDER / "bundle.json"
    path.write_bytes(data)
    with contextlib.suppress(EsiDocsError):  # our own, clear refusal: not a bug
        for patient in patients_from_bundle(path, None):
            patient.options()


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
