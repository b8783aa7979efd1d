"""The content library parses each file once and again only when it changes (issue 18)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from esi_docs import disk_cache
from esi_docs.content import sandbox
from esi_docs.content.compose import ContentLibrary
from esi_docs.content.search_path import ContentPaths
from esi_docs.errors import ContentError
from esi_docs.inputs import yamlio

PACKAGED = Path(__file__).resolve().parents[1] / "templates" / "en" / "avoid.yaml"


def _override(tmp_path: Path) -> Path:
    (tmp_path / "en").mkdir(parents=True)
    target = tmp_path / "en" / "avoid.yaml"
    shutil.copyfile(PACKAGED, target)
    return target


def test_unchanged_file_is_not_parsed_again(tmp_path):
    _override(tmp_path)
    lib = ContentLibrary(ContentPaths(tmp_path))
    assert lib.section("en", "avoid") is lib.section("en", "avoid")


def test_edited_file_is_parsed_again(tmp_path):
    target = _override(tmp_path)
    lib = ContentLibrary(ContentPaths(tmp_path))
    first = lib.section("en", "avoid")
    text = target.read_text(encoding="utf-8").replace('"What to avoid"', '"Please avoid"')
    target.write_text(text, encoding="utf-8")
    stat = target.stat()  # same second on a coarse clock: move mtime on to be sure
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = lib.section("en", "avoid")
    assert second is not first
    assert "Please avoid" in repr(second.title)
    assert "Please avoid" not in repr(first.title)


def test_new_override_replaces_the_packaged_file(tmp_path):
    lib = ContentLibrary(ContentPaths(tmp_path))
    packaged = lib.section("en", "avoid")
    target = _override(tmp_path)
    target.write_text(
        target.read_text(encoding="utf-8").replace('"What to avoid"', '"Clinic avoid list"'),
        encoding="utf-8",
    )
    overridden = lib.section("en", "avoid")
    assert "Clinic avoid list" in repr(overridden.title)
    assert "Clinic avoid list" not in repr(packaged.title)


# -- the disk cache: a fresh process reuses what an earlier one parsed and compiled ----------


def _fresh_library(templates: Path | None = None) -> ContentLibrary:
    """A library with nothing in memory, as in a new `esi-docs render` process."""
    return ContentLibrary(ContentPaths(templates))


def _sheet_text(lib: ContentLibrary) -> str:
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.inputs.patient import parse_patient

    patient = parse_patient(
        {
            "name": "Cache Patient",
            "dob": "1961-04-12",
            "mrn": "0012345",
            "procedure_date": "2026-11-20",
            "approach": "transforaminal",
            "region": "lumbar",
            "diabetic": "true",
            "sedation": "false",
            "blood_thinner": "Eliquis",
            "blood_thinner_held": "all",
        },
        "patient",
    )
    document = lib.compose("discharge", patient, load_clinic(None), today=date(2026, 11, 20))
    return repr(document)


def test_second_process_neither_parses_nor_compiles(tmp_path, monkeypatch):
    monkeypatch.setenv("ESI_DOCS_CACHE_DIR", str(tmp_path / "cache"))
    first = _sheet_text(_fresh_library())
    assert list((tmp_path / "cache").glob("*.pickle"))

    def refused(*args, **kwargs):
        raise AssertionError("parsed or compiled again although the file did not change")

    monkeypatch.setattr(yamlio, "parse_yaml", refused)
    monkeypatch.setattr(sandbox, "_text_code", refused)
    monkeypatch.setattr(sandbox, "_condition_code", refused)
    assert _sheet_text(_fresh_library()) == first


def test_changed_file_misses_the_disk_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ESI_DOCS_CACHE_DIR", str(tmp_path / "cache"))
    target = _override(tmp_path / "content")
    _fresh_library(tmp_path / "content").section("en", "avoid")
    text = target.read_text(encoding="utf-8").replace('"What to avoid"', '"Please avoid"')
    target.write_text(text, encoding="utf-8")
    assert "Please avoid" in repr(_fresh_library(tmp_path / "content").section("en", "avoid"))


def test_a_file_with_a_problem_is_not_stored(tmp_path, monkeypatch):
    monkeypatch.setenv("ESI_DOCS_CACHE_DIR", str(tmp_path / "cache"))
    target = _override(tmp_path / "content")
    broken = target.read_text(encoding="utf-8").replace('"What to avoid"', '"{{ nope("')
    target.write_text(broken, encoding="utf-8")
    for _ in range(2):  # the second time reports it too: nothing stored skips the check
        with pytest.raises(ContentError, match="template error"):
            _fresh_library(tmp_path / "content").section("en", "avoid")


def test_a_folder_others_can_write_is_not_used(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("ESI_DOCS_CACHE_DIR", str(shared))
    assert disk_cache.folder() is None
    monkeypatch.setenv("ESI_DOCS_CACHE_DIR", "off")
    assert disk_cache.folder() is None


def test_a_damaged_entry_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setenv("ESI_DOCS_CACHE_DIR", str(tmp_path / "cache"))
    first = _sheet_text(_fresh_library())
    for entry in (tmp_path / "cache").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert _sheet_text(_fresh_library()) == first


def _render(tmp_path: Path, cache: Path, out: str, *options: str) -> bytes:
    """`esi-docs render` in a fresh process with this cache folder; the PDF's bytes."""
    env = {
        **os.environ,
        "ESI_DOCS_CACHE_DIR": str(cache),
        "ESI_DOCS_AUDIT_DB": str(tmp_path / "audit.db"),
        "ESI_DOCS_TODAY": "2026-11-20",
    }
    patient = tmp_path / "patient.yaml"
    if not patient.exists():
        example = [sys.executable, "-m", "esi_docs", "example", "patient"]
        text = subprocess.run(example, capture_output=True, text=True, check=True, env=env).stdout
        patient.write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "esi_docs", "render", "discharge", "--patient", str(patient)]
    subprocess.run([*command, *options, "-o", str(tmp_path / out)], check=True, env=env)
    return (tmp_path / out).read_bytes()


def test_pdf_is_byte_identical_with_everything_stored(tmp_path):
    """Parsed content, compiled code and the parsed fonts from the disk cache print exactly
    the bytes a process without the cache prints (Spanish, large print: more glyphs)."""
    options = ("--language", "es", "--large-print")
    uncached = _render(tmp_path, Path("off"), "off.pdf", *options)
    cache = tmp_path / "cache"
    filling = _render(tmp_path, cache, "first.pdf", *options)
    assert {p.name.split("-")[0] for p in cache.glob("*.pickle")} == {"yaml", "code", "font"}
    assert _render(tmp_path, cache, "second.pdf", *options) == filling == uncached


@pytest.mark.parametrize(
    "source",
    [
        "Rest today, then walk a little.",
        "  Your visit is at 9:30 a. m..  ",  # the doubled stop after "a. m." goes
        "Call us. <b>Do not wait.</b><br/>We answer at night.",
    ],
)
def test_plain_text_is_filled_as_a_template_fills_it(source):
    """Text without template syntax skips Jinja and is finished once per process; it must
    come out as the same text run through a template would."""
    from esi_docs.content.compose import _fill
    from esi_docs.content.files import Place, Text

    context = sandbox.document_context({})
    literal = Text(source, sandbox.compile_text(source))
    templated = Text(source + "{{ '' }}", sandbox.compile_text(source + "{{ '' }}"))
    assert isinstance(literal.template, sandbox.LiteralText)
    for _ in range(2):  # the second time from what the first one kept
        assert _fill(literal, context, Place("x.yaml")) == _fill(
            templated, context, Place("x.yaml")
        )


def test_plain_text_with_a_forbidden_tag_is_refused_every_time():
    from esi_docs.content.compose import _fill
    from esi_docs.content.files import Place, Text

    source = "Read this <i>now</i>."
    text = Text(source, sandbox.compile_text(source))
    for _ in range(2):
        with pytest.raises(ContentError, match="<i>"):
            _fill(text, sandbox.document_context({}), Place("x.yaml"))
