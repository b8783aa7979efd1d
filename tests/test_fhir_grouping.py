"""Resources find their Patient by lookup, not by scanning every Patient (issue 14: reading one
patient from a 9,500-patient Bundle took two minutes, growing with the square of its size)."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from esi_docs.inputs.fhir.reader import _index_by_key, _subjects, group_by_patient


def _old_matches(reference: str | None, keys: set[str]) -> bool:
    """The scan it replaces, kept here as the definition of which references match."""
    if not reference:
        return False
    return reference in keys or any(
        key.startswith("Patient/") and reference.endswith("/" + key) for key in keys
    )


_IDS = st.text(alphabet="abp12-.", min_size=1, max_size=4)
_KEYS = st.sets(
    st.one_of(
        _IDS.map(lambda i: f"Patient/{i}"),
        _IDS.map(lambda i: f"urn:uuid:{i}"),
        _IDS.map(lambda i: f"http://ehr/fhir/Patient/{i}"),
    ),
    min_size=1,
    max_size=3,
)
_REFERENCES = st.one_of(
    st.none(),
    st.just(""),
    _IDS.map(lambda i: f"Patient/{i}"),
    _IDS.map(lambda i: f"urn:uuid:{i}"),
    _IDS.map(lambda i: f"http://other/Patient/{i}"),
    _IDS.map(lambda i: f"/Patient/{i}"),
    st.text(max_size=12),
)


@given(st.lists(_KEYS, min_size=1, max_size=4), _REFERENCES)
def test_the_lookup_finds_exactly_the_patients_the_scan_found(patients, reference):
    records = [(None, keys) for keys in patients]
    expected = [i for i, keys in enumerate(patients) if _old_matches(reference, keys)]
    assert _subjects(reference, _index_by_key(records)) == expected  # type: ignore[arg-type]


def _entry(resource: SimpleNamespace, full_url: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(resource=resource, fullUrl=full_url)


def _patient(pid: str) -> SimpleNamespace:
    return SimpleNamespace(id=pid, get_resource_type=lambda: "Patient")


def _procedure(pid: str, reference: str) -> SimpleNamespace:
    return SimpleNamespace(
        id=f"proc-{pid}",
        subject=SimpleNamespace(reference=reference),
        get_resource_type=lambda: "Procedure",
    )


def test_a_large_bundle_gives_each_patient_its_own_resources():
    """5,000 patients, each referenced by id or by full URL: a scan would need 25 million
    comparisons here; the lookup one per resource."""
    count = 5000
    entries = [_entry(_patient(f"p{i}")) for i in range(count)]
    entries += [
        _entry(_procedure(f"p{i}", f"Patient/p{i}" if i % 2 else f"https://ehr/fhir/Patient/p{i}"))
        for i in range(count)
    ]
    records = group_by_patient(SimpleNamespace(entry=entries), "day.json")
    assert len(records) == count
    for i, record in enumerate(records):
        [(label, _)] = record.resources["Procedure"]
        assert (record.label, label) == (f"Patient/p{i}", f"Procedure/proc-p{i}")
