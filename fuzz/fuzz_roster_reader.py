"""Coverage-guided fuzzing of the roster reader (CSV and YAML rosters) and row validation.

    pip install atheris && python fuzz/fuzz_roster_reader.py -max_total_time=60

Any exception other than EsiDocsError is a bug (atheris saves the input as crash-<hash>).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from esi_docs.errors import EsiDocsError
    from esi_docs.inputs.roster import check_rows, read_roster

_FOLDER = Path(tempfile.mkdtemp(prefix="esi-fuzz-"))


def test_one_input(data: bytes) -> None:
    """The same bytes as a CSV roster and as a YAML roster, read and validated."""
    for suffix in (".csv", ".yaml"):
        path = _FOLDER / f"roster{suffix}"
        path.write_bytes(data)
        with contextlib.suppress(EsiDocsError):  # our own, clear refusal: not a bug
            check_rows(read_roster(path))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
