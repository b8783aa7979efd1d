"""esi-docs: printed handouts and discharge sheets for epidural steroid injection patients.

The public API is what `__all__` names (docs/python-api.md says how to use it). `render` is not
among them: `esi_docs.render` is the render stage's package, so the request-taking call is
`esi_docs.api.render(RenderRequest(...))`. Every name is
imported on first use (PEP 562), so `import esi_docs.inputs` stays free of ReportLab and Jinja
(tests/test_import_contracts.py) and `esi-docs` starts without loading what it does not need.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # type checkers see the real names; at run time they load on first use
    from esi_docs.api import (
        RenderedHandout,
        RenderRequest,
        compose_handout,
        lay_out,
        render_handout,
    )
    from esi_docs.errors import ContentError, EsiDocsError, InputError, Problem, RenderError
    from esi_docs.inputs.clinic import ClinicProfile, load_clinic
    from esi_docs.inputs.patient import PatientOptions, parse_patient
    from esi_docs.records.audit import AuditLog

# name -> the module that defines it
_PUBLIC = {
    "RenderRequest": "esi_docs.api",
    "RenderedHandout": "esi_docs.api",
    "compose_handout": "esi_docs.api",
    "render_handout": "esi_docs.api",
    "lay_out": "esi_docs.api",
    "PatientOptions": "esi_docs.inputs.patient",
    "parse_patient": "esi_docs.inputs.patient",
    "ClinicProfile": "esi_docs.inputs.clinic",
    "load_clinic": "esi_docs.inputs.clinic",
    "AuditLog": "esi_docs.records.audit",
    "Problem": "esi_docs.errors",
    "EsiDocsError": "esi_docs.errors",
    "InputError": "esi_docs.errors",
    "ContentError": "esi_docs.errors",
    "RenderError": "esi_docs.errors",
}

__all__ = [  # written out so that type checkers and linters read it; a test keeps it = _PUBLIC
    "AuditLog",
    "ClinicProfile",
    "ContentError",
    "EsiDocsError",
    "InputError",
    "PatientOptions",
    "Problem",
    "RenderError",
    "RenderRequest",
    "RenderedHandout",
    "__version__",
    "compose_handout",
    "lay_out",
    "load_clinic",
    "parse_patient",
    "render_handout",
]


def __getattr__(name: str) -> Any:
    """A public name, imported when first asked for; `__version__` likewise, because
    importlib.metadata is slow to import and every `esi-docs` start would pay for it."""
    if name == "__version__":
        return _version()
    if name not in _PUBLIC:
        raise AttributeError(f"module 'esi_docs' has no attribute {name!r}")
    value = getattr(import_module(_PUBLIC[name]), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("esi-docs")
    except PackageNotFoundError:  # running from a checkout without an install
        return "0.0.0+unknown"
