"""A template mistake met at render time (issue 14): said the way lint says it, and never with a
patient value in it, even one the template upper-cased or split."""

from __future__ import annotations

import pytest

from esi_docs.api import render_handout
from esi_docs.content.compose import _redacted
from esi_docs.errors import ContentError
from tests.adversarial.conftest import CANARY_PATIENT, assert_no_canary
from tests.adversarial.test_templates import seed
from tests.conftest import write_yaml


def _render_error(tmp_path, text: str, patient: dict = CANARY_PATIENT) -> str:
    root = seed(tmp_path, {"type": "paragraph", "text": text})
    with pytest.raises(ContentError) as caught:
        render_handout("discharge", patient, templates=root)
    return str(caught.value)


def test_a_typo_is_named_with_lint_s_suggestion(tmp_path):
    """Once: "'mappingproxy object' has no attribute 'fevr_f'"."""
    message = _render_error(tmp_path, "Over {{ clinic.protocol.fevr_f }} F")
    assert message == (
        "en/summary.yaml:5: evil: unknown name 'clinic.protocol.fevr_f'; "
        "did you mean 'clinic.protocol.fever_f'?"
    )


def test_a_typo_in_a_condition_is_named_too(tmp_path):
    root = seed(tmp_path, {"type": "paragraph", "text": "Hi", "when": "diabetc"})
    with pytest.raises(ContentError) as caught:
        render_handout("discharge", CANARY_PATIENT, templates=root)
    assert str(caught.value).endswith("unknown name 'diabetc'; did you mean 'diabetic'?")


@pytest.mark.parametrize(
    "text",
    [
        "{{ clinic.protocol[name|upper] }}",
        "{{ clinic.protocol[name|lower] }}",
        "{{ clinic.protocol[(name.split())[1]] }}",
        "{{ clinic.protocol[mrn|replace('-', '')] }}",
        "{{ dates[physician|title] }}",
    ],
)
def test_a_key_built_from_a_patient_value_is_never_quoted(tmp_path, text):
    message = _render_error(tmp_path, text)
    assert_no_canary(message, "the content error")
    assert message == (
        "en/summary.yaml:5: evil: uses a name or key the sheet does not provide "
        "(esi-docs lint lists the names)"
    )


def test_the_cli_line_carries_no_patient_value(tmp_path, run_cli):
    root = seed(tmp_path, {"type": "paragraph", "text": "{{ clinic.protocol[name|upper] }}"})
    patient = write_yaml(tmp_path / "p.yaml", dict(CANARY_PATIENT))
    out = tmp_path / "out.pdf"
    result = run_cli("render", "discharge", "--patient", str(patient), "--templates", str(root),
                     "-o", str(out))  # fmt: skip
    assert result.exit_code == 2
    assert_no_canary(result.stderr, "stderr")
    assert not out.exists()


def test_other_library_messages_hide_values_in_any_case_and_in_pieces():
    context = {"name": "Zyxwv Canaryson", "mrn": "CANARY-0042"}
    message = "'ZYXWV CANARYSON' / 'canaryson' / 'Zyxwv' / 'canary0042' / 'canary-0042'"
    hidden = _redacted(message, context)
    assert_no_canary(hidden, "the redacted message")
    assert hidden.count("[patient data]") == 6
