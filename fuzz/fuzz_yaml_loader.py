"""Coverage-guided fuzzing of our strict YAML loader (data files and template files).

    pip install atheris && python fuzz/fuzz_yaml_loader.py -max_total_time=60

Any exception other than EsiDocsError is a bug (a crash atheris reports with the input that
caused it, saved as crash-<hash>). The patient/clinic path also validates the loaded mapping,
so option parsing is fuzzed too.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from esi_docs.errors import EsiDocsError
    from esi_docs.inputs.patient import parse_patient
    from esi_docs.inputs.yamlio import parse_yaml


def test_one_input(data: bytes) -> None:
    """Decode like read_text does, then load as a data file and as a template file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # read_text refuses these before YAML is involved (tested in the suite)
    for strings_only in (True, False):
        try:
            loaded = parse_yaml(text, "fuzz.yaml", strings_only=strings_only)
            if strings_only and isinstance(loaded, dict):
                parse_patient(loaded, "fuzz.yaml")
        except EsiDocsError:
            pass


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
