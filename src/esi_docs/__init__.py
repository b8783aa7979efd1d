"""esi-docs: printed handouts and discharge sheets for epidural steroid injection patients."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """`__version__`, looked up only when asked: importlib.metadata is slow to import, and
    every `esi-docs` start would pay for it."""
    if name != "__version__":
        raise AttributeError(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("esi-docs")
    except PackageNotFoundError:  # running from a checkout without an install
        return "0.0.0+unknown"
