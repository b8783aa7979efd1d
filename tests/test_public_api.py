"""The declared public API (issue 11): `esi_docs.__all__`, typed (`py.typed`), cheap to import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import esi_docs


def test_every_public_name_resolves_to_where_it_is_defined():
    assert set(esi_docs.__all__) == {"__version__", *esi_docs._PUBLIC}
    for name in esi_docs._PUBLIC:
        value = getattr(esi_docs, name)
        assert value.__module__ == esi_docs._PUBLIC[name], name


def test_an_unknown_name_is_an_attribute_error():
    try:
        esi_docs.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("esi_docs.no_such_name did not raise")


def test_the_package_says_it_is_typed():
    assert (Path(esi_docs.__file__).parent / "py.typed").is_file()


def test_importing_the_package_loads_nothing_heavy():
    """Public names load on first use: `import esi_docs` must not pull in ReportLab or Jinja."""
    code = "import esi_docs, sys; print(sorted({'reportlab', 'jinja2'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_api_renders_through_the_public_names():
    from tests.conftest import TYPICAL

    patient = esi_docs.parse_patient(TYPICAL, "p")
    rendered = esi_docs.render_handout("discharge", patient, esi_docs.load_clinic(None))
    assert isinstance(rendered, esi_docs.RenderedHandout)
    assert rendered.data.startswith(b"%PDF")


def test_no_public_name_is_shadowed_by_a_subpackage():
    """Importing `esi_docs.render` (the stage) sets that attribute on the package: a public
    function of the same name would then be a module (it was, for `render`)."""
    import pkgutil

    subpackages = {info.name for info in pkgutil.iter_modules(esi_docs.__path__)}
    assert subpackages & set(esi_docs.__all__) == set()
