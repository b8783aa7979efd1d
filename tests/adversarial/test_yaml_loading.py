"""Our own YAML loading: every scalar kept as typed, tricks refused with the line, size first."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from esi_docs.errors import EsiDocsError, InputError
from esi_docs.inputs.clinic import load_clinic
from esi_docs.inputs.patient import load_patient
from esi_docs.inputs.yamlio import load_data_file, parse_yaml


def data(text: str):
    return parse_yaml(text, "p.yaml", strings_only=True)


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("No", "No"),
        ("yes", "yes"),
        ("off", "off"),
        ("0012345", "0012345"),
        ("1e3", "1e3"),
        ("0o17", "0o17"),
        ("0x1F", "0x1F"),
        (".inf", ".inf"),
        (".NaN", ".NaN"),
        ("~", "~"),
        ("null", "null"),
        ("2026-11-20", "2026-11-20"),
        ("12:30:00", "12:30:00"),
        ("1_000", "1_000"),
        ("'0012345'", "0012345"),
        ("!!str 0012345", "0012345"),
        ("", ""),
    ],
)
def test_every_scalar_is_kept_as_typed(written, kept):
    assert data(f"name: {written}\n") == {"name": kept}


def test_a_date_in_a_name_field_prints_as_typed(tmp_path, typical):
    text = "".join(f"{k}: {v}\n" for k, v in (typical | {"name": "2026-11-20"}).items())
    (tmp_path / "p.yaml").write_text(text)
    assert load_patient(tmp_path / "p.yaml").name == "2026-11-20"


@pytest.mark.parametrize(
    "text",
    [
        "name: !!binary aGVsbG8=\n",
        "name: !!int 12\n",
        "name: !!float 1e3\n",
        "name: !!bool yes\n",
        "name: !!timestamp 2026-11-20\n",
        "name: !Zyxwv Canaryson\n",
        "name: !!python/object:os.system ls\n",
        "name: !!set {a, b}\n",
    ],
)
def test_explicit_tags_are_refused_with_the_line_and_no_content(text):
    with pytest.raises(InputError) as caught:
        data("mrn: '1'\n" + text)
    message = str(caught.value)
    assert message == (
        "p.yaml:2: YAML tags such as !!binary or !!int are not allowed; "
        "write the value as plain text"
    )
    assert "Zyxwv" not in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "p.yaml:3: duplicate key 'a'"),
        ("a:\n  b: 1\n  c: 2\n  b: 3\n", "p.yaml:4: duplicate key 'b'"),
        ("a:\n  - x: 1\n    x: 2\n", "p.yaml:3: duplicate key 'x'"),
        ("a: 1\n'a': 2\n", "p.yaml:2: duplicate key 'a'"),
        ("a: &n 1\n", "p.yaml:1: anchors and aliases (& and *) are not allowed"),
        (
            "a: 1\nb:\n  c: &n [1]\n",
            "p.yaml:3: anchors and aliases (& and *) are not allowed",
        ),
        ("a:\n  - 1\n  - &n 2\n", "p.yaml:3: anchors and aliases (& and *) are not allowed"),
        ("a: 1\nb: *n\n", "p.yaml:2: anchors and aliases (& and *) are not allowed"),
        ("a: 1\n<<: *n\n", "p.yaml:2: anchors and aliases (& and *) are not allowed"),
    ],
)
def test_duplicates_and_aliases_are_refused_with_the_line(text, message):
    with pytest.raises(InputError) as caught:
        data(text)
    assert str(caught.value) == message


def test_billion_laughs_is_refused_at_the_first_anchor():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    with pytest.raises(InputError) as caught:
        data("\n".join(lines))
    assert str(caught.value) == "p.yaml:1: anchors and aliases (& and *) are not allowed"


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 5000 + "]" * 5000,
        "a: " + "{b: " * 3000 + "c" + "}" * 3000,
        "".join("  " * i + f"k{i}:\n" for i in range(200)),
        "- " * 3000 + "x",
    ],
)
def test_deep_nesting_is_a_clean_input_error(text):
    with pytest.raises(InputError) as caught:
        data(text)
    assert "nested more than 20 levels deep" in str(caught.value)


def test_size_is_checked_before_yaml_sees_the_file(tmp_path, monkeypatch):
    def must_not_parse(*args, **kwargs):
        raise AssertionError("yaml.load was called on an oversized file")

    monkeypatch.setattr(yaml, "load", must_not_parse)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"name: " + b"x" * 2_000_000 + b"\n")
    with pytest.raises(InputError) as caught:
        load_data_file(big)
    assert str(caught.value) == f"{big}: file is 2,000,007 bytes; the limit is 1,000,000"


def test_size_is_checked_for_text_that_is_not_a_file(monkeypatch):
    monkeypatch.setattr(yaml, "load", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(InputError) as caught:
        data("a: " + "x" * 1_000_001)
    assert "the limit is 1,000,000" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name: Zyxwv \xff Canaryson\n", "not UTF-8 text (byte 12)"),
        (b"name: \xc3\x28\n", "not UTF-8 text (byte 6)"),
        (b"", "the file is empty"),
        (b"# only a comment\n", "the file is empty"),
        (b"name: a\x00b\n", "character 8: U+0000 is not allowed in a YAML file"),
        (b"name: a\x1bb\n", "character 8: U+001B is not allowed in a YAML file"),
    ],
)
def test_unreadable_files_name_the_problem_not_the_content(tmp_path, content, message):
    path = tmp_path / "p.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load_data_file(path)
    assert str(caught.value) == f"{path}: {message}"
    assert "Canaryson" not in str(caught.value)


def test_a_byte_order_mark_is_fine(tmp_path, typical):
    path = tmp_path / "p.yaml"
    text = "".join(f"{k}: '{v}'\n" for k, v in typical.items())
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_patient(path).mrn == "0012345"


@pytest.mark.parametrize(
    "content",
    ["- name: Maria\n- mrn: '1'\n", "just a sentence\n", "[1, 2, 3]\n", "42\n"],
)
def test_a_list_or_a_scalar_instead_of_a_mapping(tmp_path, content):
    path = tmp_path / "p.yaml"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        load_patient(path)
    assert str(caught.value) == f"{path}: must be a mapping of field: value lines"
    clinic = tmp_path / "c.yaml"
    clinic.write_text(content)
    with pytest.raises(InputError) as caught:
        load_clinic(clinic)
    assert str(caught.value) == f"{clinic}: must be a mapping of field: value lines"


def test_a_list_key_is_refused():
    with pytest.raises(InputError) as caught:
        data("? [a, b]\n: 1\n")
    assert str(caught.value) == "p.yaml:1: a key must be a plain word"


# Template files: normal YAML types, but the same alias, duplicate and depth rules.


def content(text: str):
    return parse_yaml(text, "en/x.yaml", strings_only=False)


def test_template_files_keep_normal_types():
    loaded = content("version: 1\nreviewed_on: 2026-11-21\nflag: true\n")
    assert loaded["version"] == 1
    assert loaded["flag"] is True
    assert str(loaded["reviewed_on"]) == "2026-11-21"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2\n", "en/x.yaml:2: duplicate key 'a'"),
        ("blocks:\n  - id: a\n    id: b\n", "en/x.yaml:3: duplicate key 'id'"),
        ("a: &x 1\nb: *x\n", "en/x.yaml:1: anchors and aliases (& and *) are not allowed"),
        ("a: " + "[" * 100 + "]" * 100, "en/x.yaml:1: nested more than 20 levels deep"),
        ("a: !!python/name:os.system x\n", "en/x.yaml:1: not valid YAML "),
    ],
)
def test_template_files_follow_the_same_rules(text, message):
    with pytest.raises(EsiDocsError) as caught:
        content(text)
    assert str(caught.value).startswith(message)


def test_a_seeded_template_with_an_alias_fails_the_cli(tmp_path: Path, run_cli, typical):
    from tests.conftest import write_yaml

    seeded = tmp_path / "content" / "en"
    seeded.mkdir(parents=True)
    (seeded / "summary.yaml").write_text("version: &v '1'\nreviewed_by: *v\n")
    patient = write_yaml(tmp_path / "p.yaml", typical)
    result = run_cli(
        "render", "discharge", "--patient", str(patient), "--templates",
        str(tmp_path / "content"), "-o", str(tmp_path / "out.pdf"),
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "esi-docs: error: en/summary.yaml:1: anchors and aliases (& and *) are not allowed\n"
    )
    assert not (tmp_path / "out.pdf").exists()
