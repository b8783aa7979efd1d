"""Property-based: whatever a patient file holds, esi-docs either prints it exactly or raises
its own error type; never another exception. Bounded example counts keep CI fast."""

from __future__ import annotations

import io
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esi_docs.api import compose_handout, render_handout
from esi_docs.errors import EsiDocsError, InputError
from esi_docs.inputs.patient import parse_patient
from esi_docs.inputs.yamlio import load_data_file, parse_yaml
from tests.conftest import TYPICAL, pdf_text

BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Broad Unicode: letters and marks of every script, digits, punctuation, symbols, spaces, and
# the invisible categories (controls, format, private use, surrogates excluded by Python).
any_text = st.text(
    alphabet=st.characters(
        categories=["L", "M", "N", "P", "S", "Zs", "Zl", "Zp", "Cc", "Cf", "Co"]
    ),
    min_size=1,
    max_size=30,
)
# Mostly what a clinic meets, so that many examples get as far as a PDF.
latin_name = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Mn", "Zs", "Pd", "Po"], max_codepoint=0x052F),
    min_size=1,
    max_size=30,
)


def prints_exactly_or_refuses(name: str) -> None:
    try:
        parsed = parse_patient(TYPICAL | {"name": name}, "p.yaml")
    except InputError as exc:
        assert all(problem.startswith("p.yaml: name: ") for problem in exc.lines())
        return
    text = pdf_text(render_handout("discharge", parsed).pdf)
    assert f"Patient: {' '.join(parsed.name.split())} " in text


@BOUNDED
@given(any_text)
def test_any_name_prints_exactly_or_is_refused(name):
    prints_exactly_or_refuses(name)


@BOUNDED
@given(latin_name)
def test_latin_names_print_exactly_or_are_refused(name):
    prints_exactly_or_refuses(name)


dates_or_junk = st.one_of(
    st.dates(min_value=date(1850, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
    st.text(max_size=12),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
)
flags = st.one_of(
    st.sampled_from(["true", "false", "yes", "no", "True", "NO", "", "~", "on", "1", "y"]),
    st.text(max_size=6),
)
choices = st.one_of(st.sampled_from(["caudal", "lumbar", "Cervical", ""]), st.text(max_size=10))


@BOUNDED
@given(
    dob=dates_or_junk,
    procedure=dates_or_junk,
    follow_up=st.one_of(st.just(""), dates_or_junk),
    diabetic=flags,
    sedation=flags,
    approach=choices,
    region=choices,
    drug=st.one_of(st.just("none"), any_text),
)
def test_any_dates_flags_and_choices_compose_or_raise_our_error(
    dob, procedure, follow_up, diabetic, sedation, approach, region, drug
):
    patient = TYPICAL | {
        "dob": dob,
        "procedure_date": procedure,
        "follow_up": follow_up,
        "diabetic": diabetic,
        "sedation": sedation,
        "approach": approach,
        "region": region,
        "blood_thinner": drug,
    }
    try:
        document = compose_handout("discharge", patient)
    except EsiDocsError as exc:
        assert exc.lines() and all("\n" not in p for p in exc.lines())
        return
    assert document.sections


yaml_like = st.recursive(
    st.one_of(st.none(), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


@BOUNDED
@given(st.dictionaries(st.text(max_size=15), yaml_like, max_size=12))
def test_any_mapping_is_parsed_or_refused_with_input_error(data):
    try:
        parse_patient(data, "p.yaml")
    except InputError as exc:
        assert all(p.startswith("p.yaml: ") for p in exc.lines())


@BOUNDED
@given(st.text(max_size=300))
def test_any_yaml_text_loads_or_raises_input_error(text):
    try:
        parse_yaml(text, "p.yaml", strings_only=True)
    except InputError as exc:
        assert all(p.source == "p.yaml" for p in exc.problems)


@BOUNDED
@given(st.binary(max_size=300))
def test_any_bytes_in_a_file_load_or_raise_input_error(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fuzz") / "p.yaml"
    path.write_bytes(raw)
    try:
        load_data_file(path)
    except InputError as exc:
        assert all(p.source == str(path) for p in exc.problems)
    assert io.BytesIO(raw).read() == path.read_bytes()  # the loader never changes the file
