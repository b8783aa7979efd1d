"""Values that print identical to others, and Bundles that say a thing twice, are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from esi_docs.errors import InputError
from esi_docs.inputs.fhir.reader import load_bundle
from esi_docs.inputs.patient import parse_patient
from tests.conftest import TYPICAL


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("0012345\ufe0f", "U+FE0F"),
        ("00123\u034f45", "U+034F"),
        ("0012345\u2800", "U+2800"),
        ("0012345\U000e0100", "U+E0100"),
        ("\u0301\u0308", "only combining marks"),
    ],
)
def test_invisible_and_combining_only_text_is_refused(value, named):
    """An MRN with an invisible character prints identical to another one and splits the
    patient's history."""
    with pytest.raises(InputError) as caught:
        parse_patient(TYPICAL | {"mrn": value}, "p.yaml")
    [problem] = caught.value.problems
    assert problem.field == "mrn" and named in problem.text


def test_accented_names_still_pass():
    assert parse_patient(TYPICAL | {"name": "Nguyễn Thị Ánh Tuyết"}, "p").name.startswith("Ng")


def _bundle(tmp_path, text: str):
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bundle_with_a_key_written_twice_is_refused(tmp_path):
    text = '{"resourceType": "Bundle", "birthDate": "1961-04-12", "birthDate": "1971-04-12"}'
    with pytest.raises(InputError) as caught:
        load_bundle(_bundle(tmp_path, text))
    assert "the key 'birthDate' is written twice" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"resourceType": "Bundle", "total": ' + "9" * 5000 + "}", "digits is not a FHIR value"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_monster_json_is_one_line(tmp_path, run_cli, text, expected):
    path = _bundle(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_bundle(path)
    assert expected in str(caught.value)
    result = run_cli("render", "discharge", "--fhir", str(path), "-o", str(tmp_path / "o.pdf"))
    assert result.exit_code == 2 and expected in result.stderr


def test_an_endless_patient_file_is_read_only_up_to_its_limit(run_cli, tmp_path):
    """/dev/zero says it is 0 bytes long and never ends: read limit + 1 bytes, then stop."""
    result = run_cli("render", "discharge", "--patient", "/dev/zero", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert result.stderr == (
        "esi-docs: error: /dev/zero: is longer than the limit of 1,000,000 bytes\n"
    )


def test_a_huge_section_file_is_refused_without_reading_it_all(tmp_path):
    from esi_docs.api import render_handout
    from esi_docs.errors import ContentError

    section = tmp_path / "content" / "en" / "summary.yaml"
    section.parent.mkdir(parents=True)
    with section.open("wb") as handle:  # sparse: 1.5 GB that take no disk
        handle.truncate(1_500_000_000)
    with pytest.raises(ContentError) as caught:
        render_handout("discharge", TYPICAL, templates=tmp_path / "content")
    assert "file is 200,001 bytes; limit 200,000" in str(caught.value)


def test_a_yaml_roster_of_non_mappings_is_one_line_per_row(run_cli, tmp_path):
    roster = tmp_path / "r.yaml"
    roster.write_text("- just a name\n- [a, list]\n", encoding="utf-8")
    result = run_cli(
        "batch", "discharge", "--roster", str(roster), "--out-dir", str(tmp_path / "o")
    )
    assert result.exit_code == 2
    assert f"{roster} row 1: must be a mapping of field: value lines" in result.stderr
    assert "internal error" not in result.stderr


def test_a_yaml_roster_up_to_the_documented_20_mb_is_read(tmp_path):
    from esi_docs.inputs.roster import read_roster

    row = "- " + ", ".join(f"{k}: '{v}'" for k, v in TYPICAL.items()).replace(", ", "\n  ") + "\n"
    roster = tmp_path / "big.yaml"
    roster.write_text(row * (1_500_000 // len(row) + 1), encoding="utf-8")
    assert roster.stat().st_size > 1_000_000
    assert len(read_roster(roster)) > 1000


def _with_contained(tmp_path, kind: str):
    """The sample Bundle, its Patient holding a contained resource of type `kind`."""
    import json

    data = json.loads((Path(__file__).parents[1] / "fhir" / "single_patient.json").read_text())
    patient = next(
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    patient["contained"] = [{"resourceType": kind, "id": "x"}]
    return _bundle(tmp_path, json.dumps(data))


def test_an_unknown_contained_resource_type_is_one_line(tmp_path, run_cli):
    """Once exit 3 "internal error (KeyError)": fhir.resources' bare KeyError on 'R4.FooType'."""
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("blood_thinner: none\nsedation: false\ndiabetic: false\n")
    bundle = _with_contained(tmp_path, "Foo")
    out = tmp_path / "o.pdf"
    result = run_cli("render", "discharge", "--fhir", str(bundle), "--patient", str(overrides),
                     "-o", str(out))  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        f"esi-docs: error: {bundle}: Bundle.entry[0].resource.contained[0].resourceType: "
        "'Foo' is not a FHIR R4 resource type\n"
    )
    assert not out.exists()


def test_any_other_keyerror_of_the_fhir_library_is_one_line(tmp_path, monkeypatch):
    from fhir.resources.R4B.bundle import Bundle

    from esi_docs.inputs.fhir.reader import validate_bundle

    def broken(_data):
        raise KeyError("R4.SomethingType")

    monkeypatch.setattr(Bundle, "model_validate", broken)
    with pytest.raises(InputError) as caught:
        validate_bundle({"resourceType": "Bundle", "type": "collection"}, "b.json")
    assert str(caught.value) == "b.json: Bundle: holds a resource that fhir.resources cannot read"
