"""Hostile or careless template text, seeded into a --templates copy: every attempt ends in a
ContentError naming the file, never a traceback, a hang or an out-of-memory kill."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

import esi_docs.content.sandbox
from esi_docs.api import render_handout
from esi_docs.errors import ContentError
from tests.conftest import TYPICAL, write_yaml


def seed(tmp_path: Path, block: dict) -> Path:
    """A templates folder whose summary section holds one block of our choosing."""
    root = tmp_path / "content"
    (root / "en").mkdir(parents=True)
    section = {
        "version": "1",
        "reviewed_by": "test",
        "reviewed_on": "2026-11-21",
        "blocks": [{"id": "evil"} | block],
    }
    (root / "en" / "summary.yaml").write_text(yaml.safe_dump(section, sort_keys=False))
    return root


def refusal(tmp_path: Path, text: str, kind: str = "paragraph") -> str:
    block = {"type": kind, "text": text} if kind == "paragraph" else {"type": kind, **text}
    with pytest.raises(ContentError) as caught:
        render_handout("discharge", TYPICAL, templates=seed(tmp_path, block))
    message = str(caught.value)
    assert message.startswith("en/summary.yaml:"), message
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ ''.__class__ }}", "access to attribute '__class__' of 'str' object is unsafe"),
        (
            "{{ ().__class__.__base__.__subclasses__() }}",
            "access to attribute '__class__' of 'tuple' object is unsafe",
        ),
        ("{{ name.mro() }}", "'str object' has no attribute 'mro'"),
        ("{{ cycler.__init__.__globals__ }}", "access to attribute '__init__'"),
        ("{{ joiner() }}", "unknown name 'joiner'"),
        ("{{ lipsum() }}", "unknown name 'lipsum'"),
        ("{% set ns = namespace(s='x') %}{{ ns.s }}", "unknown name 'namespace'"),
        (
            "{{ name|attr('__class__') }}",
            "access to attribute '__class__' of 'str' object is unsafe",
        ),
        ("{{ clinic.__dict__ }}", "access to attribute '__dict__' of 'ClinicProfile' object"),
        ("{{ dates.until.__globals__ }}", "access to attribute '__globals__' of 'method' object"),
    ],
)
def test_attribute_walks_are_refused(tmp_path, text, expected):
    assert expected in refusal(tmp_path, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ name|safe }}", "template error: No filter named 'safe'"),
        ("{{ 'x'|center(1000000000) }}", "template error: No filter named 'center'"),
        ("{{ '%999999999s'|format(1) }}", "template error: No filter named 'format'"),
        ("{{ [1, 2]|random }}", "template error: No filter named 'random'"),
        ("{% include 'other.yaml' %}", "template error: {% include %} is not allowed"),
        ("{% import 'm' as m %}", "template error: {% import %} is not allowed"),
        ("{% from 'm' import x %}", "template error: {% from-import %} is not allowed"),
        ("{% extends 'base' %}", "template error: {% extends %} is not allowed"),
        ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "template error: nested too deeply"),
        ("{{ " + " ~ ".join(["name"] * 60) + " }}", "more than 50 pieces joined with ~"),
    ],
)
def test_dangerous_constructs_are_refused_when_the_file_loads(tmp_path, text, expected):
    assert expected in refusal(tmp_path, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ 'x' * 10**9 }}", "the number 1000000000 is too large (limit 10,000)"),
        ("{{ [0] * 10**9 }}", "the number 1000000000 is too large (limit 10,000)"),
        ("{{ ('x' * 5000) * 5000 }}", "a call on values this large could use too much memory"),
        ("{{ 10 ** (10 ** 10) }}", "a number in this expression would be too large to compute"),
        ("{{ range(10**9)|list }}", "the number 1000000000 is too large"),
        ("{{ '%999999999s' % 'a' }}", "formatting text with % is not allowed"),
        ("{{ '{:>999999999}'.format(1) }}", "str.format is not allowed in content"),
        ("{{ '{x:>999999999}'.format_map({'x': 1}) }}", "str.format is not allowed in content"),
        ("{{ 'x'.ljust(10**9) }}", "the number 1000000000 is too large"),
        (
            "{{ ('y' * 9000)|replace('y', 'x' * 9000) }}",
            "a call on values this large could use too much memory",
        ),
        ("{{ ('ab' * 4000) + ('cd' * 4000) }}", "a value grew past 10,000 characters or items"),
        (
            "{% for i in range(10000) %}0123456789{% endfor %}",
            "the text grew past 20,000 characters",
        ),
        (
            "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s }}"
            "{% endif %}{% endmacro %}{{ d('x', 60) }}",
            "a call on values this large could use too much memory",
        ),
    ],
)
def test_huge_repeats_are_stopped_before_memory_runs_out(tmp_path, text, expected):
    assert expected in refusal(tmp_path, text)


@pytest.mark.parametrize(
    "text",
    [
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        "{% for x in [[1]] recursive %}{{ loop([x]) }}{% endfor %}",
    ],
)
def test_deep_recursion_is_a_content_error(tmp_path, text):
    assert "maximum recursion depth exceeded" in refusal(tmp_path, text)


@pytest.mark.parametrize(
    "text",
    [
        "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}"
        "{% endfor %}{% endfor %}{% endfor %}",
        "{% for i in range(10000) %}{% for j in range(10000) %}{{ '' }}{% endfor %}{% endfor %}",
    ],
)
def test_endless_loops_are_stopped_by_the_time_limit(tmp_path, monkeypatch, text):
    monkeypatch.setattr(esi_docs.content.sandbox, "TIME_LIMIT_S", 0.5)
    started = time.monotonic()
    message = refusal(tmp_path, text)
    assert "stopped: the text took longer than 0.5 seconds to fill in" in message
    assert time.monotonic() - started < 5


def test_the_time_limit_leaves_later_renders_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(esi_docs.content.sandbox, "TIME_LIMIT_S", 0.3)
    refusal(
        tmp_path, "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    )
    monkeypatch.setattr(esi_docs.content.sandbox, "TIME_LIMIT_S", 5.0)
    time.sleep(0.5)  # a late watchdog from the stopped render would strike here
    assert render_handout("discharge", TYPICAL).pdf.startswith(b"%PDF")


@pytest.mark.parametrize(
    "text",
    [
        '<img src="http://evil.example/x.png"/>',
        '<a href="http://evil.example/">click</a>',
        "<font color=red>Call</font>",
        '<span backColor="red">x</span>',
        "<onDraw name=x/>",
        "Blood sugar < 70",
    ],
)
def test_content_may_only_use_bold_and_line_breaks(tmp_path, text):
    assert "is not allowed; only <b>, </b> and <br/> may be used" in refusal(tmp_path, text)


def test_bold_and_line_breaks_are_fine(tmp_path):
    root = seed(tmp_path, {"type": "paragraph", "text": "<b>Rest</b> today.<br/>Ice: yes."})
    from tests.conftest import pdf_text

    assert "Rest today. Ice: yes." in pdf_text(
        render_handout("discharge", TYPICAL, templates=root).pdf
    )


def test_a_table_with_thousands_of_rows_is_refused(tmp_path):
    message = refusal(tmp_path, {"columns": ["Day"], "rows": "range(5000)"}, kind="table")
    assert message == "en/summary.yaml:5: evil: rows: 5000 rows; the limit is 100"


def test_a_content_error_reaches_the_cli_as_one_line(tmp_path, run_cli):
    root = seed(tmp_path, {"type": "paragraph", "text": "{{ 'x' * 10**9 }}"})
    patient = write_yaml(tmp_path / "p.yaml", dict(TYPICAL))
    out = tmp_path / "out.pdf"
    result = run_cli(
        "render", "discharge", "--patient", str(patient), "--templates", str(root), "-o", str(out)
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "esi-docs: error: en/summary.yaml:5: evil: the number 1000000000 is too large "
        "(limit 10,000)\n"
    )
    assert not out.exists()


def test_a_broken_date_pattern_is_a_content_error(tmp_path):
    from esi_docs.content.search_path import ContentPaths

    packaged = ContentPaths().section("en", "_language")
    data = yaml.safe_load(packaged.read_text(encoding="utf-8"))
    data["date_format"] = "QQQQQQQ"
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "_language.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError) as caught:
        render_handout("discharge", TYPICAL, templates=tmp_path)
    assert str(caught.value) == (
        "en/_language.yaml: date_format, short_date_format or time_format: not a usable date "
        "pattern (ValueError)"
    )


def test_a_text_cannot_change_what_the_next_text_reads(tmp_path):
    """Every text of a sheet reads one shared context (issue 18: merged once per sheet, not
    copied for each text): a `set` in one text, or an attempt to change a list or mapping it
    reads, must leave the next text and every condition seeing the patient's own values."""
    from esi_docs.api import compose_handout
    from esi_docs.content.document import document_text

    block = {
        "type": "bullets",
        "items": [
            {"text": "{% set name = 'Someone Else' %}{% set clinic = None %}first {{ name }}"},
            {"text": "second {{ name }} at {{ clinic.name }}"},
            {"text": "shown", "when": "name == 'Maria Example'"},
        ],
    }
    text = document_text(compose_handout("discharge", TYPICAL, templates=seed(tmp_path, block)))
    assert "first Someone Else" in text
    assert "second Maria Example at Example Spine & Pain Clinic" in text
    assert "shown" in text
    attempts = ("{{ dates.glucose_days.append('x') }}", "{{ clinic.protocol.update({}) }}")
    for number, attempt in enumerate(attempts):
        message = refusal(tmp_path / str(number), attempt)
        assert "unsafe" in message or "unknown name 'clinic.protocol.update'" in message, message
