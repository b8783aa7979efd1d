"""The canary patient must never show up in messages, logs, PDF metadata or temporary file
names, and library exceptions that quote input are wrapped before they reach anyone.

Decided: an error message may quote the value of the field it is about when that value is a
date, a choice or a flag (`dob: '1961-13-45' is not a real calendar date`), because the user
needs it to find the typo; it never quotes free text (name, MRN, physician, drug), nor any
other field.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from reportlab.platypus.doctemplate import LayoutError

import esi_docs.content.compose
import esi_docs.render.pdf
from esi_docs.api import compose_handout, render_handout
from esi_docs.errors import ContentError, EsiDocsError, InputError, RenderError
from esi_docs.inputs.patient import parse_patient
from tests.adversarial.conftest import (
    CANARY_NAME,
    CANARY_PATIENT,
    all_log_text,
    assert_no_canary,
    pdf_metadata,
)
from tests.conftest import write_yaml


def seed(tmp_path: Path, block: dict) -> Path:
    root = tmp_path / "content"
    (root / "en").mkdir(parents=True)
    section = {"version": "1", "reviewed_by": "t", "reviewed_on": "2026-11-21",
               "blocks": [{"id": "b"} | block]}  # fmt: skip
    (root / "en" / "summary.yaml").write_text(yaml.safe_dump(section))
    return root


@pytest.mark.parametrize(
    "changes",
    [
        {"approach": "lateral"},
        {"diabetic": ""},
        {"dob": "2030-01-01"},
        {"name": CANARY_NAME + "\u202e"},
        {"mrn": "CANARY-0042\x00"},
        {"physician": "Dr Qwertz Canaryphys " * 6},
        {"blood_thinner": "Canarydrugol \U0001f48a"},
        {"unknown_field": "x"},
        {"name": ["Zyxwv", "Canaryson"]},
    ],
)
def test_validation_messages_carry_no_free_text(run_cli, tmp_path, debug_logs, changes):
    patient = write_yaml(tmp_path / "p.yaml", CANARY_PATIENT | changes)
    result = run_cli(
        "render", "discharge", "--patient", str(patient), "-o", str(tmp_path / "o.pdf")
    )
    assert result.exit_code == 2
    assert_no_canary(result.stderr, "stderr")
    assert_no_canary(result.stdout, "stdout")
    assert_no_canary(all_log_text(debug_logs), "log")


@pytest.mark.parametrize(
    "text",
    [
        'name: "Zyxwv Canaryson\nmrn: 1\n',
        "name: Zyxwv Canaryson\nname: Zyxwv Canaryson\n",
        "name: &Zyxwv Canaryson\n",
        "name: !Zyxwv Canaryson\n",
        "name: [Zyxwv Canaryson\n",
        "name: Zyxwv\tCanaryson: x\n  bad: indent\n",
        "name: 'Zyxwv Canaryson' extra'\n",
    ],
)
def test_yaml_errors_never_quote_the_file(run_cli, tmp_path, text):
    patient = tmp_path / "p.yaml"
    patient.write_text(text)
    result = run_cli(
        "render", "discharge", "--patient", str(patient), "-o", str(tmp_path / "o.pdf")
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"esi-docs: error: {patient}:")
    assert_no_canary(result.stderr, "stderr")


def test_a_successful_render_leaks_nothing(run_cli, canary_file, tmp_path, debug_logs, temp_names):
    out = tmp_path / "sheet.pdf"
    result = run_cli("render", "discharge", "--patient", str(canary_file), "-o", str(out))
    assert result.exit_code == 0
    assert result.stderr == f"wrote {out}\n"
    assert_no_canary(all_log_text(debug_logs), "log")
    assert len(temp_names) == 1
    assert_no_canary(temp_names[0], "temporary file name")


def test_temp_names_carry_nothing_even_when_the_output_is_named_after_the_patient(
    run_cli, canary_file, tmp_path, temp_names
):
    out = tmp_path / f"{CANARY_NAME}.pdf"
    assert (
        run_cli("render", "discharge", "--patient", str(canary_file), "-o", str(out)).exit_code == 0
    )
    assert [Path(name).name.startswith(".esi-docs-") for name in temp_names] == [True]
    assert_no_canary(Path(temp_names[0]).name, "temporary file name")


@pytest.mark.parametrize("large_print", [False, True])
def test_pdf_metadata_and_raw_bytes_carry_no_patient_data(large_print):
    pdf = render_handout("discharge", CANARY_PATIENT, large_print=large_print).pdf
    assert_no_canary(pdf_metadata(pdf), "PDF metadata")
    assert_no_canary(pdf, "raw PDF bytes (metadata, outlines, object names)")


def test_a_real_reportlab_layout_error_is_wrapped(tmp_path):
    text = "{% for i in range(600) %}{{ name }} {% endfor %}"
    root = seed(tmp_path, {"type": "callout", "tier": "note", "title": "T", "text": text})
    document = compose_handout("discharge", CANARY_PATIENT, templates=root)
    with pytest.raises(LayoutError):  # what ReportLab itself raises: a description of the cell
        esi_docs.render.pdf._render(document, "letter")
    with pytest.raises(RenderError) as caught:
        render_handout("discharge", CANARY_PATIENT, templates=root)
    assert str(caught.value) == "the handout could not be laid out (LayoutError)"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("error", [LayoutError, ValueError, KeyError, IndexError])
def test_any_reportlab_error_quoting_the_name_is_wrapped(monkeypatch, error):
    def explode(*args, **kwargs):
        raise error(f"Flowable <Paragraph>{CANARY_NAME} CANARY-0042 too large")

    monkeypatch.setattr(esi_docs.render.pdf, "_story", explode)
    with pytest.raises(RenderError) as caught:
        render_handout("discharge", CANARY_PATIENT)
    assert str(caught.value) == f"the handout could not be laid out ({error.__name__})"


@pytest.mark.parametrize(
    "text",
    [
        "{{ clinic.protocol[name] }}",
        "{{ clinic.protocol[mrn] }}",
        "{{ dates[physician] }}",
        "{{ {}[blood_thinner] }}",
        "{% if name == 'x' %}{% else %}{{ name.missing_attribute_of[name] }}{% endif %}",
    ],
)
def test_jinja_errors_quoting_patient_values_are_redacted(tmp_path, text):
    root = seed(tmp_path, {"type": "paragraph", "text": text})
    with pytest.raises(ContentError) as caught:
        render_handout("discharge", CANARY_PATIENT, templates=root)
    assert str(caught.value).startswith("en/summary.yaml:")
    assert_no_canary(str(caught.value), "content error")


def test_a_babel_error_is_wrapped(monkeypatch):
    def broken(self, day):
        raise ValueError(f"cannot format {CANARY_NAME}")

    monkeypatch.setattr(esi_docs.content.compose.DateWords, "day", broken)
    with pytest.raises(ContentError) as caught:
        render_handout("discharge", CANARY_PATIENT)
    assert str(caught.value) == (
        "en/_language.yaml: date_format, short_date_format or time_format: not a usable date "
        "pattern (ValueError)"
    )


def test_an_unexpected_exception_shows_only_its_type(run_cli, canary_file, tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError(f"boom {CANARY_NAME} CANARY-0042")

    monkeypatch.setattr(esi_docs.content.compose.ContentLibrary, "build", explode)
    monkeypatch.delenv("ESI_DOCS_DEBUG", raising=False)
    result = run_cli(
        "render", "discharge", "--patient", str(canary_file), "-o", str(tmp_path / "o")
    )
    assert result.exit_code == 3
    assert result.stderr == (
        "esi-docs: internal error (RuntimeError); set ESI_DOCS_DEBUG=1 for details, and report it\n"
    )


def test_the_python_api_raises_our_errors_without_free_text():
    with pytest.raises(InputError) as caught:
        parse_patient(CANARY_PATIENT | {"approach": "x", "sedation": "", "level": "L5\x07"}, "p")
    assert len(caught.value.lines()) == 3
    assert_no_canary(str(caught.value), "InputError")
    assert isinstance(caught.value, EsiDocsError)
