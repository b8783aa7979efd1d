"""A content folder held in memory: what a reprint reads its recorded content files from.

Reprint never writes content to disk (a tampered audit database could otherwise name any path
to write to); the stored bytes are served through the same Traversable interface the content
search path reads, so the very same loaders and compose run on them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from esi_docs.content.traversable import Traversable
from esi_docs.errors import ContentError, Problem

ROOT = "recorded"
_V = TypeVar("_V")


def checked_names(files: Mapping[str, _V], where: str) -> dict[str, _V]:
    """Only plain `folder/name.yaml` names may be served: no absolute path, no `..`, no
    backslash, exactly two parts (a language or `handouts`, and a file)."""
    for name in files:
        parts = name.split("/")
        plain = len(parts) == 2 and all(p and p not in (".", "..") for p in parts)
        if not plain or "\\" in name or ":" in name or not name.endswith(".yaml"):
            text = f"stored content name '{name[:60]}' is not a plain folder/file.yaml name"
            raise ContentError(Problem(where, text=text, code="tampered"))
    return dict(files)


class MemoryFolder(Traversable):
    """A read-only folder tree over {"en/going_home.yaml": bytes, ...}."""

    def __init__(self, files: Mapping[str, bytes], path: str = ROOT):
        self._files = files
        self._path = path

    def _relative(self) -> str:
        return self._path[len(ROOT) + 1 :] if self._path != ROOT else ""

    def __truediv__(self, child: Any) -> MemoryFolder:
        return MemoryFolder(self._files, f"{self._path}/{child}")

    def joinpath(self, *descendants: Any) -> MemoryFolder:
        folder = self
        for child in descendants:
            folder = folder / child
        return folder

    def is_file(self) -> bool:
        return self._relative() in self._files

    def is_dir(self) -> bool:
        prefix = self._relative()
        return prefix == "" or any(name.startswith(prefix + "/") for name in self._files)

    def iterdir(self) -> Iterator[MemoryFolder]:
        prefix = self._relative()
        prefix = f"{prefix}/" if prefix else ""
        children = {n[len(prefix) :].split("/")[0] for n in self._files if n.startswith(prefix)}
        return iter(sorted((self / child for child in children), key=str))

    def read_bytes(self) -> bytes:
        try:
            return self._files[self._relative()]
        except KeyError:
            raise FileNotFoundError(self._path) from None

    def read_text(self, encoding: str | None = None) -> str:
        return self.read_bytes().decode(encoding or "utf-8")

    def open(self, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode != "rb":
            raise ValueError("recorded content opens as bytes only")
        return io.BytesIO(self.read_bytes())

    @property
    def name(self) -> str:
        return self._path.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return self._path
