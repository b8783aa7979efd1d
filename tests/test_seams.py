"""The seams every adapter shares: one patient form, one render request, one language list."""

from __future__ import annotations

import shutil
from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esi_docs import clock
from esi_docs.api import RenderRequest, render
from esi_docs.content.compose import content_hash
from esi_docs.content.search_path import packaged_folder
from esi_docs.inputs.medicines import NOT_NAMES
from esi_docs.inputs.patient import APPROACHES, REGIONS, SIDES, PatientOptions, parse_patient
from esi_docs.inputs.spine import LEVELS
from esi_docs.records.audit import AuditLog
from esi_docs.records.reprint import reprint
from tests.conftest import TYPICAL, write_yaml

_TEXT = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0x24F),
    min_size=1,
    max_size=30,
)
_TIMES = st.times().map(lambda t: time(t.hour, t.minute))
_DRUG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=12).filter(
    lambda name: name not in NOT_NAMES
)


@st.composite
def medicines(draw: st.DrawFn) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """Several blood thinners (distinct names), and which were held: all, none, some or unsaid."""
    names = tuple(draw(st.lists(_DRUG, max_size=3, unique=True)))
    if not names:
        return (), None
    held = draw(st.none() | st.lists(st.sampled_from(names), unique=True))
    return names, None if held is None else tuple(n for n in names if n in held)


@st.composite
def procedures(draw: st.DrawFn) -> dict:
    """Approach, region and levels that can happen together (caudal only in the low back)."""
    approach = draw(st.sampled_from(APPROACHES))
    region = "lumbar" if approach == "caudal" else draw(st.sampled_from(REGIONS))
    levels = draw(st.lists(st.sampled_from(LEVELS[region]), max_size=3, unique=True))
    return {"approach": approach, "region": region, "level": ", ".join(levels)}


@st.composite
def patients(draw: st.DrawFn) -> PatientOptions:
    """Any valid patient, optional fields set or not."""
    today = clock.today()
    procedure = draw(st.dates(today - timedelta(days=3650), today + timedelta(days=365)))
    oldest = max(procedure - timedelta(days=365 * 110), date(1900, 1, 1))
    dob = draw(st.dates(oldest, min(procedure, today)))
    maybe = lambda strategy: draw(st.none() | strategy)  # noqa: E731
    start = maybe(_TIMES)
    arrival = maybe(st.times(max_value=start) if start else _TIMES)
    left = maybe(st.times(min_value=start) if start else _TIMES)
    drugs, held = draw(medicines())
    return PatientOptions(
        name=draw(_TEXT),
        dob=dob,
        mrn=draw(_TEXT),
        procedure_date=procedure,
        **draw(procedures()),
        diabetic=draw(st.booleans()),
        sedation=draw(st.booleans()),
        blood_thinner=drugs,
        blood_thinner_held=held,
        physician=draw(st.just("") | _TEXT),
        side=draw(st.just("") | st.sampled_from(SIDES)),
        contrast=draw(st.booleans()),
        local_anesthetic=draw(st.booleans()),
        discharge_time=left.replace(second=0, microsecond=0) if left else None,
        follow_up=maybe(st.dates(procedure, procedure + timedelta(days=120))),
        procedure_time=start,
        arrival_time=arrival.replace(second=0, microsecond=0) if arrival else None,
        language=draw(st.sampled_from(("en", "es"))),
        large_print=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_every_patient_field_round_trips_through_the_patient_file_mapping(patient):
    mapping = patient.to_mapping()
    assert all(isinstance(value, str | list) for value in mapping.values())
    assert parse_patient(mapping, "round-trip") == patient


EVERY_OPTION = TYPICAL | {
    "physician": "Dr. A. Rivera",
    "level": "L4-L5",
    "side": "left",
    "procedure_time": "09:30",
    "arrival_time": "09:00",
    "diabetic": "true",
    "sedation": "true",
    "blood_thinner": ["Eliquis", "aspirin"],
    "blood_thinner_held": ["Eliquis"],
    "contrast": "false",
    "local_anesthetic": "false",
    "discharge_time": "10:45",
    "large_print": "true",
}


@pytest.mark.parametrize("handout", ["discharge", "pre-procedure", "guide"])
def test_reprint_of_every_handout_with_every_option_gives_the_same_bytes(
    run_cli, tmp_path, private_audit_db, handout
):
    """arrival_time was once lost on the way into the audit record (reprint exited 2)."""
    day = clock.today() + timedelta(days=10 if handout == "pre-procedure" else -1)
    patient = EVERY_OPTION | {
        "procedure_date": day.isoformat(),
        "follow_up": str(day + timedelta(14)),
    }
    args = (
        ["--patient", str(write_yaml(tmp_path / "p.yaml", patient))] if handout != "guide" else []
    )
    first = tmp_path / "first.pdf"
    result = run_cli("render", handout, *args, "--paper", "a4", "-o", str(first))
    assert result.exit_code == 0, result.stderr
    [record] = AuditLog(private_audit_db)._select("WHERE handout = ?", (handout,))
    again = tmp_path / "again.pdf"
    result = run_cli("reprint", str(record.id), "-o", str(again))
    assert result.exit_code == 0, result.stderr
    assert again.read_bytes() == first.read_bytes()


def test_the_record_holds_exactly_the_content_compose_used(tmp_path):
    """Stored names and hashes come from the render itself: nothing is re-read from disk."""
    log = AuditLog(tmp_path / "a.db")
    rendered = render(RenderRequest("discharge", parse_patient(TYPICAL, "p"), paper="a4"))
    record = log.get(log.record(rendered))
    assert record.content_files == {s.name: s.sha256 for s in rendered.sources}
    assert content_hash(rendered.sources) == rendered.document.content_hash == record.content_hash
    assert record.options["paper"] == "a4"  # from the request, not guessed from the PDF
    stored = log.blobs(sorted(record.content_files.values()))
    assert {s.sha256: s.data for s in rendered.sources} == stored
    assert reprint(log, record.id)[0].data == rendered.data


def _with_vietnamese(tmp_path):
    """A clinic's templates folder adding a language (copied from Spanish for the test)."""
    templates = tmp_path / "templates"
    shutil.copytree(packaged_folder("templates") / "es", templates / "vi")
    return templates


def test_a_language_the_content_holds_is_accepted_everywhere(run_cli, tmp_path):
    templates = _with_vietnamese(tmp_path)
    patient = write_yaml(tmp_path / "p.yaml", TYPICAL | {"language": "vi"})
    out = tmp_path / "vi.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "--templates",
                     str(templates), "-o", str(out))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    result = run_cli("render", "guide", "--language", "vi", "--templates", str(templates),
                     "-o", str(tmp_path / "g.pdf"))  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_the_form_offers_and_accepts_the_content_languages(tmp_path):
    """With --templates holding vi/, the form once offered "vi" and then refused it."""
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.web import create_app
    from tests.web.conftest import FILLED, csrf_token, page

    app = create_app(load_clinic(None), templates=_with_vietnamese(tmp_path))
    app.config["TESTING"] = True
    client = app.test_client()
    offered = [o["value"] for o in page(client.get("/")).find(id="language").find_all("option")]
    assert "vi" in offered
    response = client.post(
        "/sheet", data=FILLED | {"language": "vi", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_a_language_without_content_names_the_field(run_cli, tmp_path):
    patient = write_yaml(tmp_path / "p.yaml", TYPICAL | {"language": "vi"})
    out = tmp_path / "vi.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == "esi-docs: error: language: 'vi' has no content; available: en, es\n"
    assert not out.exists()
