"""ReportLab markup typed into patient fields prints literally and does nothing; ReportLab's own
safety settings cannot be weakened; CSV cells we write never become spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
from reportlab import rl_config

import esi_docs.render.pdf
from esi_docs.api import render_handout
from esi_docs.delivery.csvsafe import safe_cell, safe_row
from esi_docs.errors import RenderError
from tests.adversarial.conftest import pdf_features
from tests.conftest import TYPICAL, pdf_text, write_yaml

# Every ReportLab Paragraph construct a registrar (or an attacker) could type; each fits the
# 40-character limit of the short fields.
PAYLOADS = [
    "<font color=red size=40>Big</font>",
    '<a href="http://evil.example/">x</a>',
    '<link href="file:///etc/passwd">x</link>',
    '<img src="http://evil.example/p.png"/>',
    '<img src="/etc/passwd" width="500"/>',
    "<onDraw name=drawSomething label=x/>",
    '<span backColor="red">x</span>',
    '<font color="[].__class__">x</font>',
    '<font color="().__class__.__base__">x',
    "<seq id=x/><seq/><seqreset id=x/>",
    "<br/>line<br/>break",
    "&amp; &#x41; &#65; &lt;b&gt; &nbsp;",
    "<![CDATA[ x ]]>",
    "<b>bold</b> <i>it</i> <u>u</u>",
    "<para leftIndent=300>x</para>",
    "<greek>a</greek> <sup>2</sup> <strike>s",
    "<unichar name='LATIN CAPITAL LETTER A'/>",
    "</para></font></b>",
    "AT&T <Jr>",
]


def where_each_field_prints(payload: str) -> dict[str, str]:
    """The sentence each patient free-text field appears in on the discharge sheet (level is
    checked against the region, so it never takes free text; a ';' separates drug names)."""
    found = {
        "name": f"Patient: {payload}",
        "mrn": f"MRN: {payload}",
        "physician": f"Your doctor was {payload}.",
    }
    if ";" not in payload:
        found["blood_thinner"] = f"You stopped {payload} for your injection."
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_every_text_field_prints_literally(payload):
    fields = where_each_field_prints(payload)
    patient = TYPICAL | dict.fromkeys(fields, payload)
    held = {"blood_thinner_held": "all"} if "blood_thinner" in fields else {}
    pdf = render_handout("discharge", patient | held).pdf
    text = pdf_text(pdf)
    folded = " ".join(payload.split())
    for field, sentence in where_each_field_prints(folded).items():
        assert sentence in text, f"{field}: {sentence!r} not printed literally"
    assert pdf_features(pdf) == set()


def test_a_link_in_a_name_makes_no_annotation_and_no_uri():
    payload = '<a href="https://evil.example/x">click</a>'
    plain = render_handout("discharge", TYPICAL | {"name": "Click Here"}).pdf
    attacked = render_handout("discharge", TYPICAL | {"name": payload}).pdf
    assert b"evil.example" not in attacked
    assert pdf_features(attacked) == pdf_features(plain) == set()


def test_markup_does_not_change_layout_size():
    """A huge font or an image would add pages; the literal text (as long) does not."""
    payload = "<font size=200>Hi</font>"
    big = render_handout("discharge", TYPICAL | {"name": payload}).pdf
    small = render_handout("discharge", TYPICAL | {"name": "x" * len(payload)}).pdf
    from tests.conftest import pdf_pages

    assert len(pdf_pages(big)) == len(pdf_pages(small))


# ReportLab's own safety settings: pinned release, and a refusal when weakened.


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RL_toColorCanUse", "rl_safe_eval"),
        ("RL_toColorCanUse", "rl_extended_literal_eval"),  # even the default: not ours to set
        ("RL_trustedHosts", "*"),
        ("RL_trustedSchemes", "http,https,ftp,file,javascript"),
    ],
)
def test_cli_refuses_to_run_when_the_environment_weakens_reportlab(tmp_path, variable, value):
    patient = write_yaml(tmp_path / "p.yaml", dict(TYPICAL))
    out = tmp_path / "out.pdf"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RL_")} | {variable: value}
    result = subprocess.run(
        [sys.executable, "-m", "esi_docs", "render", "discharge", "--patient", str(patient),
         "-o", str(out)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        f"esi-docs: error: refusing to print: the environment variable {variable} changes "
        "ReportLab's security settings; unset it\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        (
            "toColorCanUse",
            "rl_safe_eval",
            "refusing to print: ReportLab's toColorCanUse is 'rl_safe_eval'; it must be "
            "'rl_extended_literal_eval'",
        ),
        (
            "toColorCanUse",
            None,
            "refusing to print: ReportLab's toColorCanUse is None; it must be "
            "'rl_extended_literal_eval'",
        ),
        (
            "trustedSchemes",
            ["https", "javascript"],
            "refusing to print: ReportLab's trustedSchemes were widened; restore the default",
        ),
    ],
)
def test_render_refuses_when_rl_config_is_weakened_in_process(monkeypatch, setting, value, message):
    monkeypatch.setattr(rl_config, setting, value)
    with pytest.raises(RenderError) as caught:
        render_handout("discharge", TYPICAL)
    assert str(caught.value) == message


def test_render_refuses_an_old_reportlab(monkeypatch):
    monkeypatch.setattr(esi_docs.render.pdf.reportlab, "Version", "4.4.9")
    with pytest.raises(RenderError) as caught:
        render_handout("discharge", TYPICAL)
    assert str(caught.value) == (
        "refusing to print: ReportLab 4.4.9 is too old; install 4.4.10 or later"
    )


def test_the_installed_reportlab_is_safe_as_configured():
    assert esi_docs.render.pdf.security_problem() is None


# CSV cells (for the batch manifest and any other CSV we write).


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("Zyxwv Canaryson", "Zyxwv Canaryson"),
        ("O'Brien-Müller", "O'Brien-Müller"),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_cells_never_start_a_formula(value, written):
    assert safe_cell(value) == written


def test_csv_rows_round_trip_through_the_csv_module():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(safe_row(["=1+1", "a,b", 'say "hi"']))
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=1+1", "a,b", 'say "hi"']
