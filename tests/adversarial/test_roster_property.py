"""Property-based tests over rosters (issue 7 over issue 5's roster reader): whatever a
spreadsheet or another system exports, reading and validating it either gives rows whose
values are exactly the cells written, or our own error; never another exception."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esi_docs.errors import EsiDocsError
from esi_docs.inputs.patient import FIELD_PARSERS
from esi_docs.inputs.roster import check_rows, read_roster
from tests.conftest import TYPICAL

BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
cells = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
headers = st.lists(st.sampled_from([*FIELD_PARSERS, "Name", " MRN ", "junk"]), max_size=8)


def assert_read_or_refused(path: Path) -> None:
    """Either every row is valid or carries its one-line problems, or the whole file is refused
    with one-line problems naming it; any other exception fails the test."""
    try:
        checked = check_rows(read_roster(path))
    except EsiDocsError as exc:
        assert exc.lines()
        assert all(problem.startswith(str(path)) and "\n" not in problem for problem in exc.lines())
        return
    for row in checked:
        assert (row.patient is None) == bool(row.problems)
        assert all("\n" not in problem for problem in map(str, row.problems))


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@BOUNDED
@given(data=st.binary(max_size=400))
def test_any_bytes_read_or_refused(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("r")
    for name in ("r.csv", "r.yaml"):
        assert_read_or_refused(_write(folder, name, data))


@BOUNDED
@given(header=headers, rows=st.lists(st.lists(cells, max_size=8), max_size=5))
def test_any_csv_table_read_or_refused(tmp_path_factory, header, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    assert_read_or_refused(
        _write(tmp_path_factory.mktemp("r"), "r.csv", buffer.getvalue().encode())
    )


@BOUNDED
@given(mrn=st.from_regex(r"[0-9A-Za-z-]{1,20}", fullmatch=True), name=cells)
def test_valid_cells_are_kept_exactly(tmp_path_factory, mrn, name):
    row = TYPICAL | {"mrn": mrn, "name": name}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(row))
    writer.writeheader()
    writer.writerow(row)
    path = _write(tmp_path_factory.mktemp("r"), "r.csv", buffer.getvalue().encode("utf-8-sig"))
    try:
        [checked] = check_rows(read_roster(path))
    except EsiDocsError:
        return
    if checked.patient is not None:
        assert checked.patient.mrn == mrn
        assert checked.patient.name == name.strip()
