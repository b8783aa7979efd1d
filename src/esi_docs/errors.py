"""The one exception family of esi-docs, and the Problem it carries.

A Problem is data (where, which field, what is wrong, a stable code) from the moment it is found
until an adapter presents it: the CLI prints `str(problem)`, the form puts `problem.text` beside
`problem.field`, lint prints `file:line`, JSON tools get `problem.as_dict()`. Nothing parses a
message string back. Messages name the file and the field, never more of the patient's data
than the field in question, so they are safe to show and to log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any


def one_line(text: str) -> str:
    """A problem stays one printable line even when it quotes a value holding a line break,
    an escape sequence or a bidi override: those are shown as \\n, \\x1b, \\u202e."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass(frozen=True)
class Problem:
    """One thing to fix: in which input (`source`, `line`), which `field`, what (`text`).

    `code` is a stable word adapters may choose their wording by ("required", "format",
    "choice", "too_long", "unprintable", "contradiction", "passed", ...); `text` is English
    for a clinic's staff and IT."""

    source: str = ""
    field: str = ""
    text: str = ""
    code: str = "invalid"
    line: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", one_line(self.text))

    def __str__(self) -> str:
        where = self.source + (f":{self.line}" if self.line is not None else "")
        return ": ".join(part for part in (where, self.field, self.text) if part)

    def within(self, source: str) -> Problem:
        """The same problem, placed in `source` (e.g. a roster row) when it has none yet, or
        with `source` in front of its own (a file inside a folder, a row of a roster)."""
        if not self.source:
            return replace(self, source=source)
        return replace(self, source=f"{source}: {self.source}")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class EsiDocsError(Exception):
    """Base of every error a user can cause and fix; carries one or more Problems."""

    exit_code = 2

    def __init__(self, problems: str | Problem | list[str] | list[Problem] | list[str | Problem]):
        given = [problems] if isinstance(problems, str | Problem) else list(problems)
        self.problems: list[Problem] = [
            p if isinstance(p, Problem) else Problem(text=str(p)) for p in given
        ]
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        """The problems as the one-line messages the CLI prints."""
        return [str(p) for p in self.problems]


class InputError(EsiDocsError):
    """A patient, roster or clinic file is unreadable or has invalid values."""


class ContentError(EsiDocsError):
    """A template or recipe file is missing, malformed or refers to an unknown name."""


class RenderError(EsiDocsError):
    """The document could not be laid out or written."""


class Terminated(Exception):
    """Stopped by SIGTERM (timeout, systemd, a shutdown) after finishing what was in hand;
    the CLI exits with 143, the shell's status for it."""


class Problems:
    """Collects every problem of one input so they are reported together, not one per run."""

    def __init__(self, source: str):
        self.source = source
        self.items: list[Problem] = []

    def add(
        self, field: str, message: str, *, code: str = "invalid", line: int | None = None
    ) -> None:
        self.items.append(Problem(self.source, field, message, code, line))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def raise_if_any(self, error_type: type[EsiDocsError] = InputError) -> None:
        if self.items:
            raise error_type(self.items)
