"""Where the content files are: a clinic's own folder first, then the packaged copies.

The packaged content ships in the wheel as esi_docs/templates and esi_docs/handouts. In an
editable install from a checkout the package has no such folders, so the checkout's top-level
folders are used instead; both are read through the same Traversable interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from esi_docs.content.traversable import Traversable
from esi_docs.errors import ContentError


@cache
def _packaged(folder: str) -> Traversable:
    """Found once per process: the installed package does not move while it runs (looking it
    up stat-ed several paths for every section of every sheet)."""
    inside = resources.files("esi_docs") / folder
    if inside.is_dir():
        return inside
    checkout = Path(__file__).resolve().parents[3] / folder
    if checkout.is_dir():
        return checkout
    raise ContentError(f"the packaged {folder}/ folder is missing; reinstall esi-docs")


def packaged_folder(folder: str) -> Traversable:
    """The packaged `templates` or `handouts` folder (tests copy it to seed defects)."""
    return _packaged(folder)


@dataclass(frozen=True)
class ContentPaths:
    """The search path for templates and recipes: override folder (if any), then packaged."""

    override: Path | Traversable | None = None
    packaged: bool = True  # False: the override alone (a reprint's recorded content)

    def __post_init__(self) -> None:
        if self.override is not None and not self.override.is_dir():
            raise ContentError(f"{self.override}: --templates must be an existing folder")

    def _roots(self, kind: str) -> list[Traversable]:
        roots: list[Traversable] = []
        if self.override is not None:
            roots.append(self.override / "handouts" if kind == "handouts" else self.override)
        if self.packaged:
            roots.append(_packaged(kind))
        return roots

    def section(self, language: str, name: str) -> Traversable | None:
        """The first `<lang>/<name>.yaml` on the search path; no fall-back to another language."""
        for root in self._roots("templates"):
            candidate = root / language / f"{name}.yaml"
            if candidate.is_file():
                return candidate
        return None

    def recipe(self, name: str) -> Traversable | None:
        for root in self._roots("handouts"):
            candidate = root / f"{name}.yaml"
            if candidate.is_file():
                return candidate
        return None

    def recipe_names(self) -> list[str]:
        names: set[str] = set()
        for root in self._roots("handouts"):
            if root.is_dir():
                names |= {p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml")}
        return sorted(names)

    def section_names(self, language: str) -> list[str]:
        """Every section file of a language on the search path (the lint checks them all)."""
        names: set[str] = set()
        for root in self._roots("templates"):
            folder = root / language
            if folder.is_dir():
                names |= {
                    p.name[:-5]
                    for p in folder.iterdir()
                    if p.name.endswith(".yaml") and not p.name.startswith("_")
                }
        return sorted(names)

    def languages(self) -> list[str]:
        found: set[str] = set()
        for root in self._roots("templates"):
            if root.is_dir():
                found |= {p.name for p in root.iterdir() if (p / "_language.yaml").is_file()}
        return sorted(found)


def display_name(path: Traversable) -> str:
    """A short, stable name for messages: `en/going_home.yaml` or `handouts/discharge.yaml`."""
    parts = str(path).replace("\\", "/").split("/")
    return "/".join(parts[-2:])
