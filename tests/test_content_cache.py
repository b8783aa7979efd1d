"""The content library parses each file once and again only when it changes (issue 18)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from esi_docs.content.compose import ContentLibrary
from esi_docs.content.search_path import ContentPaths

PACKAGED = Path(__file__).resolve().parents[1] / "templates" / "en" / "avoid.yaml"


def _override(tmp_path: Path) -> Path:
    (tmp_path / "en").mkdir()
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
