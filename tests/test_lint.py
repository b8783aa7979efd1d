"""`esi-docs lint`: each kind of defect, seeded into a copy of the packaged content, gives its
exact message and exit status."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from esi_docs.content.search_path import ContentPaths, packaged_folder
from esi_docs.content.traversable import Traversable
from esi_docs.lint.grid import patients
from tests.conftest import write_yaml

TODAY = "2026-11-21"


def _copy(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.is_dir():
            _copy(item, target / item.name)
        else:
            (target / item.name).write_bytes(item.read_bytes())


class Content:
    """A clinic's copy of the packaged content, to seed defects into."""

    def __init__(self, root: Path):
        self.root = root
        _copy(packaged_folder("templates"), root)
        _copy(packaged_folder("handouts"), root / "handouts")

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not in {name} exactly once"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def translate(self, language: str = "es") -> None:
        """A stand-in translation: the English files copied (the checks compare structure)."""
        _copy(self.root / "en", self.root / language)


@pytest.fixture
def content(tmp_path) -> Content:
    return Content(tmp_path / "content")


@pytest.fixture
def lint(run_cli, content, request):
    """`esi-docs lint` on the seeded copy, limited to the test's check family
    (`@pytest.mark.family(...)`, i.e. `--only`): a case about a name need not compose the grid."""
    marker = request.node.get_closest_marker("family")
    only = [arg for family in marker.args for arg in ("--only", family)] if marker else []

    def run(*args: str):
        return run_cli("lint", "--templates", str(content.root), "--today", TODAY, *only, *args)

    return run


def lines(result) -> list[str]:
    return result.stdout.splitlines()


def test_shipped_content_has_no_errors(run_cli):
    result = run_cli("lint", "--today", TODAY)
    assert result.exit_code == 0, result.stdout
    assert "lint: passed: 0 error(s)" in result.stdout
    assert re.search(r"^  discharge +en +Flesch-Kincaid grade", result.stdout, flags=re.M)


@pytest.mark.family("completeness", "reading", "style", "review")
def test_unchanged_copy_is_as_clean_as_the_shipped_content(lint, run_cli):
    """Everything but the grid (the shipped content's grid runs in the test above)."""
    only = ["--only", "completeness", "--only", "reading", "--only", "style", "--only", "review"]
    assert lint().stdout == run_cli("lint", "--today", TODAY, *only).stdout


# --- names -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "en/diabetes.yaml",
            'when: "diabetic"',
            'when: "diabetc"',
            "en/diabetes.yaml:5: error: when: unknown name 'diabetc'; did you mean 'diabetic'?",
        ),
        (
            "en/warning_signs.yaml",
            '"A fever over {{ clinic.protocol.fever_f }}°F (',
            '"A fever over {{ clinic.protocol.fever }}°F (',
            "en/warning_signs.yaml:12: error: item: unknown name 'clinic.protocol.fever'; "
            "did you mean 'clinic.protocol.fever_f'?",
        ),
        (
            "en/avoid.yaml",
            "dates.until(clinic.protocol.no_soaking_hours)",
            "dates.untl(clinic.protocol.no_soaking_hours)",
            "en/avoid.yaml:11: error: item: unknown name 'dates.untl'; did you mean 'dates.until'?",
        ),
        (
            "en/warning_signs.yaml",
            'title: "Call the clinic at {{ clinic.phone }}',
            'title: "Call the clinic at {{ clinic.fone }}',
            "en/warning_signs.yaml:9: error: title: unknown name 'clinic.fone'; "
            "did you mean 'clinic.phone'?",
        ),
        (
            "en/what_was_done.yaml",
            "when: 'side == \"both\"'",
            "when: 'sides == \"both\"'",
            "en/what_was_done.yaml:35: error: when: unknown name 'sides'; did you mean 'side'?",
        ),
        (
            "en/summary.yaml",
            "{{ clinic.phone }}",
            "{{ clinic.phone }",
            "en/summary.yaml:19: error: item: template error: unexpected '}'",
        ),
        (
            "en/diabetes.yaml",
            'when: "diabetic"',
            'when: "diabetic and"',
            "en/diabetes.yaml:5: error: when: template error: unexpected 'end of template'",
        ),
    ],
)
@pytest.mark.family("names")
def test_unknown_names_and_broken_templates(content, lint, file, old, new, message):
    content.edit(file, old, new)
    result = lint()
    assert message in lines(result)
    assert result.exit_code == 1


@pytest.mark.family("names")
def test_loop_variables_and_jinja_globals_are_known(content, lint):
    content.edit(
        "en/diabetes.yaml",
        '"The steroid can raise your blood sugar for a few days."',
        '"{% for n in range(2) %}{{ n }}{% endfor %} {% set x = diabetic %}{{ x }}"',
    )
    result = lint()
    assert result.exit_code == 0, result.stdout
    assert "unknown name" not in result.stdout


# --- unsafe constructs -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            "{{ clinic.__class__ }}",
            "unsafe attribute '__class__': templates may not reach Python internals",
        ),
        (
            "{{ clinic['__dict__'] }}",
            "unsafe attribute '__dict__': templates may not reach Python internals",
        ),
        ("{{ name|safe }}", "filter '|safe' is refused: values must stay plain text"),
        ("{{ name|xmlattr }}", "filter '|xmlattr' is refused: values must stay plain text"),
        ("{{ clinic.protocol.mro }}", "attribute walk '.mro' is refused"),
        (
            "{{ dates.until.__globals__ }}",
            "unsafe attribute '__globals__': templates may not reach Python internals",
        ),
        (
            "{% include 'x.yaml' %}",
            "{% include %} is refused: a section may not pull in other files",
        ),
        ("{% import 'x' as y %}", "{% import %} is refused: a section may not pull in other files"),
        ("{% extends 'x' %}", "{% extends %} is refused: a section may not pull in other files"),
        (
            '<font color=\\"red\\">big</font>',
            "markup '<font color=\"red\">' is refused; only <b>, </b>, <br/> may be used",
        ),
        ("<a href=x>", "markup '<a href=x>' is refused; only <b>, </b>, <br/> may be used"),
    ],
)
@pytest.mark.family("names")
def test_unsafe_constructs_are_errors(content, lint, snippet, message):
    content.edit(
        "en/acknowledgement.yaml",
        "I got these instructions.",
        f"I got these instructions. {snippet}",
    )
    result = lint()
    assert f"en/acknowledgement.yaml:8: error: text: {message}" in lines(result)
    assert result.exit_code == 1


@pytest.mark.family("names")
def test_bold_and_line_breaks_are_allowed(content, lint):
    content.edit(
        "en/acknowledgement.yaml",
        "I got these instructions.",
        "I got <b>these</b><br/>instructions.",
    )
    result = lint()
    assert result.exit_code == 0, result.stdout
    assert "en/acknowledgement.yaml:8: error" not in result.stdout


# --- the grid --------------------------------------------------------------------------------
@pytest.mark.family("grid")
def test_grid_reports_the_first_failing_combination(content, lint):
    content.edit(
        "en/avoid.yaml",
        '"Heating pads or heat packs on the shot site today"',
        "text: \"Heat {{ 10 // (0 if approach == 'transforaminal' else 1) }}\"\n"
        "        when: \"region == 'thoracic'\"",
    )
    result = lint()
    assert (
        "en/avoid.yaml:6: error: discharge (en) fails for approach=transforaminal "
        "region=thoracic diabetic=false sedation=false blood_thinner=none "
        "blood_thinner_held=none large_print=false procedure_time=none discharge_time=none "
        "physician/level/side/follow_up=none: avoid-list: integer division or modulo by zero"
    ) in lines(result)
    assert result.exit_code == 1


@pytest.mark.family("grid")
def test_grid_covers_every_combination_and_says_how_long_it_took(lint):
    result = lint("--format", "json")
    grid = json.loads(result.stdout)["grid"]
    # 7 approach-region pairs that can happen x diabetic x sedation x 3 blood-thinner cases x
    # large print, each without and with the optional fields, for each handout and language.
    # Handouts that need no patient (the guide) compose once per language.
    per_handout = len(list(patients("en")))
    assert per_handout == 7 * 2 * 2 * 3 * 2 * 2
    assert grid["combinations"] >= per_handout
    assert grid["combinations"] % per_handout in (0, len(ContentPaths().languages()))
    assert grid["seconds"] > 0


# --- completeness ----------------------------------------------------------------------------
@pytest.mark.family("completeness")
def test_every_block_id_in_every_language(content, lint):
    content.translate("es")
    content.edit(
        "es/diabetes.yaml",
        '  - id: why\n    type: paragraph\n    text: "The steroid can raise your blood sugar for '
        'a few days."\n',
        "",
    )
    content.edit("es/going_home.yaml", "  - id: activity\n", "  - id: actividad\n")
    result = lint()
    assert "es/diabetes.yaml: error: block 'why' of en/diabetes.yaml is missing here" in lines(
        result
    )
    assert "es/going_home.yaml: error: block 'activity' of en/going_home.yaml is missing here" in (
        lines(result)
    )
    assert "es/going_home.yaml:20: error: block 'actividad' is not in en/going_home.yaml" in (
        lines(result)
    )
    assert result.exit_code == 1


@pytest.mark.family("completeness")
def test_every_section_in_every_language(content, lint):
    content.translate("es")
    (content.root / "en" / "new_section.yaml").write_bytes(
        (content.root / "en" / "acknowledgement.yaml").read_bytes()
    )
    (content.root / "handouts" / "letter.yaml").write_text(
        "version: '1'\nrequires_patient: true\ntitle: discharge_title\n"
        "sections: [new_section, nowhere]\n"
    )
    (content.root / "es" / "only_spanish.yaml").write_bytes(
        (content.root / "en" / "acknowledgement.yaml").read_bytes()
    )
    result = lint()
    found = lines(result)
    assert "es/new_section.yaml: error: missing: en/new_section.yaml has no translation in es" in (
        found
    )
    assert (
        "handouts/letter.yaml:1: error: section 'new_section' has no file in es "
        "(es/new_section.yaml)"
    ) in found
    assert (
        "handouts/letter.yaml:1: error: section 'nowhere' has no file in en (en/nowhere.yaml)"
    ) in found
    assert (
        "es/only_spanish.yaml: error: en/only_spanish.yaml does not exist: a section must be "
        "written in en first"
    ) in found
    assert result.exit_code == 1


@pytest.mark.family("completeness")
def test_every_label_in_every_language(content, lint):
    content.translate("es")
    content.edit(
        "en/_language.yaml",
        '  physician: "Physician"\n',
        '  physician: "Physician"\n  nurse: "Nurse"\n',
    )
    result = lint()
    assert "es/_language.yaml: error: labels: 'nurse' is missing (en/_language.yaml has it)" in (
        lines(result)
    )
    assert result.exit_code == 1


@pytest.mark.family("names")
def test_a_file_that_is_not_valid_yaml(content, lint):
    content.edit("en/avoid.yaml", "    type: bullets\n", "    type: bullets\n    type: bullets\n")
    result = lint()
    assert "en/avoid.yaml:8: error: duplicate key 'type'" in lines(result)
    assert result.exit_code == 1


@pytest.mark.family("names")
def test_a_block_without_its_fields(content, lint):
    content.edit(
        "en/acknowledgement.yaml",
        '    text: "I got these instructions. My questions were answered."\n',
        "",
    )
    result = lint()
    assert "en/acknowledgement.yaml:6: error: statement: a paragraph block needs text" in lines(
        result
    )
    assert result.exit_code == 1


# --- reading level ---------------------------------------------------------------------------
ORIGINAL = "I got these instructions. My questions were answered."
HARD = (
    "I acknowledge receipt of comprehensive postprocedural instructions regarding "
    "corticosteroid administration. Physiological responses necessitate evaluation. I "
    "understand the circumstances necessitating immediate medical evaluation and the "
    "anticipated duration of temporary neurological symptoms."
)
MIDDLE = (
    "I received these instructions about my procedure. The nurse answered every question I "
    "had about my recovery. I understand which symptoms require a telephone call to the "
    "clinic. I know when to return for my appointment."
)


@pytest.mark.family("reading")
def test_hard_section_is_an_error_with_what_to_fix(content, lint):
    content.edit("en/acknowledgement.yaml", ORIGINAL, HARD)
    result = lint()
    found = lines(result)
    at = found.index(
        "en/acknowledgement.yaml: error: reading level Flesch-Kincaid grade 24.1 (SMOG 16.2) "
        "misses the target <= 6"
    )
    assert found[at + 1] == (
        '    longest sentences: 16 words: "I understand the circumstances necessitating '
        'immediate medical eval..."; 10 words: "I acknowledge receipt of comprehensive '
        'postprocedural instructions..."; 4 words: "Physiological responses necessitate '
        'evaluation."'
    )
    assert found[at + 2] == (
        "    hardest words (syllables): physiological (6), administration (5), "
        "anticipated (5), corticosteroid (5), evaluation (5)"
    )
    assert result.exit_code == 1


@pytest.mark.family("reading")
def test_grade_between_6_and_8_is_a_warning_that_fails_only_with_strict(content, lint):
    content.edit("en/acknowledgement.yaml", ORIGINAL, MIDDLE)
    result = lint()
    assert (
        "en/acknowledgement.yaml: warning: reading level Flesch-Kincaid grade 6.8 (SMOG 10.4) "
        "misses the target <= 6"
    ) in lines(result)
    assert result.exit_code == 0
    assert lint("--strict").exit_code == 1


@pytest.mark.family("reading")
def test_a_short_section_shows_its_figure_but_raises_nothing(content, lint):
    content.edit("en/acknowledgement.yaml", ORIGINAL, "I received these instructions.")
    result = lint()
    row = next(line for line in lines(result) if line.startswith("  en/acknowledgement.yaml"))
    assert row.split()[-3:] == ["short", "(7", "words)"]
    assert "en/acknowledgement.yaml: warning" not in result.stdout


@pytest.mark.family("reading")
def test_summary_table_per_handout_and_language(lint):
    result = lint()
    found = lines(result)
    at = found.index("Reading level per handout (typical patient):")
    assert found[at + 1].split() == [
        "handout",
        "lang",
        "measure",
        "score",
        "also",
        "target",
        "status",
    ]
    row = found[at + 2].split()
    assert row[:4] == ["discharge", "en", "Flesch-Kincaid", "grade"]
    assert 1.0 <= float(row[4]) <= 6.0 and row[-1] == "ok"  # grade 6 or below: the goal


@pytest.mark.family("reading")
def test_spanish_uses_fernandez_huerta(content, lint):
    content.translate("es")
    content.edit(
        "es/acknowledgement.yaml",
        "I got these instructions. My questions were answered.",
        "La administración de corticosteroides necesita consideraciones farmacológicas "
        "individualizadas. Comprendo las circunstancias que requieren evaluación médica "
        "inmediata. Entiendo la duración anticipada de los síntomas neurológicos temporales "
        "después del procedimiento.",
    )
    result = lint()
    assert (
        "es/acknowledgement.yaml: error: reading level Fernandez-Huerta 9.3 "
        "(Szigriszt-Pazos 2.1) misses the target >= 70"
    ) in lines(result)
    # Spanish text never gets the English passive-voice hint or English glossary.
    assert "es/acknowledgement.yaml:8: note" not in result.stdout
    assert result.exit_code == 1


# --- style -----------------------------------------------------------------------------------
# A plain sentence in en/self_care.yaml (line 24) that the style tests rewrite.
STYLE_ANCHOR = "Keep taking your usual medicines, unless your doctor tells you not to."


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            "Do NOT take a hot bath.",
            "en/self_care.yaml:24: warning: item: ALL-CAPS word 'NOT': capitals are harder to "
            "read; use <b> for emphasis",
        ),
        (
            "Call the ER or your PT. Bring your MRN.",
            None,
        ),
        (
            "Do not take a <i>hot</i> bath.",
            "en/self_care.yaml:24: warning: item: italics (<i>) are hard to read; use <b> for "
            "emphasis",
        ),
        (
            "The transforaminal shot helps.",
            "en/self_care.yaml:24: warning: item: 'transforaminal' is a medical term; explain it "
            'nearby in plain words, such as "through the opening where a nerve leaves your spine"',
        ),
        (
            "The transforaminal shot (through the side of the spine) helps.",
            None,
        ),
        ("<b>Transforaminal:</b> the needle goes in from the side.", None),
        ("A narrow spinal canal (spinal stenosis) can pinch a nerve.", None),
        ("The stenosis is a narrow space around the nerves.", None),
        ("Bring your photo ID.", None),
        (
            "Your notes were taken by the nurse.",
            "en/self_care.yaml:24: note: item: passive voice? 'were taken': active voice says "
            "who does what",
        ),
        (
            "Each day, when you wake up and before you go to bed at night, write down how bad "
            "your pain is on a scale.",
            'en/self_care.yaml:24: warning: item: sentence of 24 words (over 20): "Each day, '
            'when you wake up and before you go to bed at night, write..."',
        ),
    ],
)
@pytest.mark.family("style")
def test_style(content, lint, new, message):
    content.edit(
        "en/self_care.yaml",
        STYLE_ANCHOR,
        new,
    )
    result = lint()
    style = [line for line in lines(result) if line.startswith("en/self_care.yaml:24:")]
    assert style == ([message] if message else [])


@pytest.mark.family("style")
def test_notes_never_fail_a_strict_run(content, lint):
    content.edit(
        "en/self_care.yaml",
        STYLE_ANCHOR,
        "Your notes were taken by the nurse.",
    )
    result = lint("--strict")
    assert "note: item: passive voice? 'were taken'" in result.stdout
    assert "en/self_care.yaml:24: warning" not in result.stdout


# --- review metadata -------------------------------------------------------------------------
@pytest.mark.family("review")
def test_stale_review_is_a_warning(content, lint):
    content.edit("en/self_care.yaml", "reviewed_on: 2026-11-21", "reviewed_on: 2025-11-20")
    result = lint()
    assert (
        "en/self_care.yaml:1: warning: reviewed_on: 2025-11-20 is more than 12 months ago "
        "(review was due 2026-11-20); review the wording, then update reviewed_on"
    ) in lines(result)
    assert result.exit_code == 0
    assert lint("--strict").exit_code == 1


@pytest.mark.family("review")
def test_review_interval_comes_from_the_clinic(content, lint, tmp_path):
    content.edit("en/self_care.yaml", "reviewed_on: 2026-11-21", "reviewed_on: 2026-05-01")
    assert "en/self_care.yaml:1: warning" not in lint().stdout
    clinic = write_yaml(tmp_path / "clinic.yaml", {"content_review_months": "6"})
    result = lint("--clinic", str(clinic))
    assert (
        "en/self_care.yaml:1: warning: reviewed_on: 2026-05-01 is more than 6 months ago "
        "(review was due 2026-11-01); review the wording, then update reviewed_on"
    ) in lines(result)


@pytest.mark.family("review")
def test_review_keys_are_required(content, lint):
    content.edit(
        "en/summary.yaml",
        'reviewed_by: "esi-docs content team (draft, needs clinical sign-off)"\n',
        "",
    )
    content.edit("en/avoid.yaml", "reviewed_on: 2026-11-21", "reviewed_on: last spring")
    result = lint()
    assert lines(result).count("en/summary.yaml:1: error: reviewed_by: required") == 1
    assert (
        "en/avoid.yaml:1: error: reviewed_on: 'last spring' is not a date written as YYYY-MM-DD"
    ) in lines(result)
    assert result.exit_code == 1


# --- clinic profile --------------------------------------------------------------------------
@pytest.mark.family("clinic")
def test_clinic_profile_values_are_checked(lint, tmp_path):
    clinic = write_yaml(
        tmp_path / "clinic.yaml",
        {"protocol": {"fever_f": "1000", "ice_minutes": "often"}, "content_review_months": "0"},
    )
    result = lint("--clinic", str(clinic))
    found = lines(result)
    assert (
        "clinic.yaml: error: protocol.fever_f: 1000 is outside the plausible range 99 to 104"
        in (found)
    )
    assert "clinic.yaml: error: protocol.ice_minutes: 'often' is not a whole number" in found
    assert (
        "clinic.yaml: error: content_review_months: 0 is outside the plausible range 1 to 60"
    ) in found
    assert result.exit_code == 1


# --- output and exit status ------------------------------------------------------------------
@pytest.mark.family("names")
def test_json_output(content, lint):
    content.edit("en/diabetes.yaml", 'when: "diabetic"', 'when: "diabetc"')
    result = lint("--format", "json")
    data = json.loads(result.stdout)
    assert data["passed"] is False
    assert data["counts"]["error"] == 1
    assert {
        "file": "en/diabetes.yaml",
        "line": 5,
        "level": "error",
        "check": "names",
        "message": "when: unknown name 'diabetc'; did you mean 'diabetic'?",
        "details": [],
    } in data["findings"]
    assert result.exit_code == 1


def test_could_not_run_is_exit_2(run_cli, tmp_path):
    missing = run_cli("lint", "--templates", str(tmp_path / "nope"))
    assert missing.exit_code == 2
    assert f"{tmp_path / 'nope'}: --templates must be an existing folder" in missing.stderr
    clinic = run_cli("lint", "--clinic", str(tmp_path / "clinic.yaml"))
    assert clinic.exit_code == 2
    assert f"esi-docs: error: {tmp_path / 'clinic.yaml'}: file not found" in clinic.stderr


@pytest.mark.family("names")
def test_every_name_the_renderer_provides_is_known(content, lint):
    """The known names come from the code: every protocol value, clinic field and dates
    attribute is accepted without a hand-kept list."""
    from esi_docs.inputs.clinic import PROTOCOL_RULES

    names = [f"clinic.protocol.{key}" for key in PROTOCOL_RULES]
    names += ["clinic.name", "clinic.phone", "clinic.after_hours_phone", "dates.procedure"]
    names += ["dates.glucose_check_until", "dates.follow_up", "dates.glucose_days"]
    names += ["dates.until", "dates.starting", "dates.after_days", "dates.before_days"]
    names += ["approach", "region", "diabetic", "sedation", "blood_thinner", "large_print"]
    names += ["name", "mrn", "physician", "level", "side", "language", "procedure_time"]
    text = " ".join(f"{{{{ {name} is defined }}}}" for name in names)
    content.edit(
        "en/diabetes.yaml", '"The steroid can raise your blood sugar for a few days."', f'"{text}"'
    )
    result = lint()
    assert "unknown name" not in result.stdout
    assert "en/diabetes.yaml:7: error" not in result.stdout


@pytest.mark.family("grid")
def test_a_handout_without_a_patient_may_not_use_patient_names(content, lint):
    (content.root / "handouts" / "leaflet.yaml").write_text(
        "version: '1'\nrequires_patient: false\ntitle: discharge_title\nsections: [warning_signs]\n"
    )
    result = lint()
    assert (
        "en/warning_signs.yaml:6: error: leaflet (en) fails for a sheet without a patient: "
        "call-clinic: when: diabetic: 'diabetic' is undefined"
    ) in lines(result)
    assert result.exit_code == 1


# --- --only ----------------------------------------------------------------------------------
@pytest.mark.family("style")
def test_only_runs_the_chosen_families_and_says_so(content, lint):
    """A names error is always found; a style warning only when style runs; no grid."""
    content.edit("en/diabetes.yaml", 'when: "diabetic"', 'when: "diabetc"')
    result = lint()
    assert "when: unknown name 'diabetc'" in result.stdout
    assert "grid: composed" not in result.stdout
    assert result.stdout.rstrip().endswith("checked only: names, style")
    assert "Reading level" not in result.stdout
    assert json.loads(lint("--format", "json").stdout)["families"] == ["names", "style"]


def test_the_command_offers_every_family():
    from esi_docs.cli.lint import lint as command
    from esi_docs.lint.runner import FAMILIES

    [only] = [p for p in command.params if p.name == "only"]
    assert tuple(only.type.choices) == FAMILIES
