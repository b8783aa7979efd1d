"""The pipeline's layers stay layers (issue 11): input code never imports rendering code.

Reading and checking a patient file, a clinic profile, a roster or a FHIR Bundle must work
without ReportLab, Jinja or the renderers, so a value check can never start to depend on the
layout (it once did: validating a name imported ReportLab to ask the font). Two checks: the
import statements of every module under `esi_docs/inputs/` (static, catches an import inside a
function too), and a fresh process that really loads every input module and reads a patient.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import esi_docs

PACKAGE = Path(esi_docs.__file__).parent

# What input code may import from esi_docs: itself and the error types, nothing downstream.
# esi_docs.clock: which day it is, for the checks against passed dates (it imports only errors).
# esi_docs.disk_cache: parsed YAML kept for the next process (standard library only).
INPUTS_MAY_USE = ("esi_docs.inputs", "esi_docs.errors", "esi_docs.clock", "esi_docs.disk_cache")
# Never on an input path (rendering, templating, and the stages after compose).
NEVER_IN_INPUTS = ("reportlab", "jinja2", "markupsafe", "pypdf", "pikepdf", "flask")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in a file, relative ones made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x / from ..y import z
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if module == "esi_docs":  # from esi_docs import clock: the module esi_docs.clock
                found += [(node.lineno, f"esi_docs.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return found


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _sources(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _sources("inputs"), ids=lambda p: p.name)
def test_input_modules_import_no_rendering_or_later_stage(path):
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line}: imports {module}"
        for line, module in _imports(path)
        if (module.startswith("esi_docs") and not _within(module, INPUTS_MAY_USE))
        or _within(module, NEVER_IN_INPUTS)
    ]
    assert wrong == []


def test_only_the_render_stage_imports_reportlab():
    """`render/` (fonts, layout, PDF/A) is the one place that knows ReportLab."""
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "render" not in path.relative_to(PACKAGE).parts
        for line, module in _imports(path)
        if _within(module, ("reportlab",))
    ]
    assert wrong == []


def test_the_static_check_sees_a_forbidden_import(tmp_path, monkeypatch):
    """The checker itself: an input module that imported the renderer would be reported."""
    fake = tmp_path / "esi_docs" / "inputs" / "bad.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("def f():\n    from ..render import pdf\n    import reportlab\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "esi_docs")
    assert _imports(fake) == [(2, "esi_docs.render"), (3, "reportlab")]


_CHILD = textwrap.dedent(
    """
    import pkgutil, sys
    import esi_docs.inputs
    for info in pkgutil.walk_packages(esi_docs.inputs.__path__, "esi_docs.inputs."):
        __import__(info.name)
    from esi_docs.inputs.patient import parse_patient
    from esi_docs.inputs.clinic import load_clinic
    load_clinic(None)
    parse_patient(dict(arg.split("=", 1) for arg in sys.argv[2:]), "patient.yaml")
    heavy = tuple(sys.argv[1].split(","))
    print(",".join(sorted(n for n in sys.modules if n.split(".")[0] in heavy
                          or n.startswith(("esi_docs.render", "esi_docs.content")))))
    """
)


def test_reading_a_patient_loads_no_rendering_code():
    from tests.conftest import TYPICAL

    heavy = ",".join(NEVER_IN_INPUTS)
    pairs = [f"{key}={value}" for key, value in TYPICAL.items()]
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, heavy, *pairs],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
