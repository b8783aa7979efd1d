"""The one exception family of esi-docs; the CLI turns it into a message and exit status 2.

Messages name the file and the field, never more of the patient's data than the field in
question, so they are safe to show and to log.
"""

from __future__ import annotations


class EsiDocsError(Exception):
    """Base of every error a user can cause and fix; carries one or more one-line problems."""

    exit_code = 2

    def __init__(self, problems: str | list[str]):
        given = [problems] if isinstance(problems, str) else list(problems)
        self.problems = [one_line(problem) for problem in given]
        super().__init__("\n".join(self.problems))


def one_line(text: str) -> str:
    """A problem stays one printable line even when it quotes a value holding a line break,
    an escape sequence or a bidi override: those are shown as \\n, \\x1b, \\u202e."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class InputError(EsiDocsError):
    """A patient, roster or clinic file is unreadable or has invalid values."""


class ContentError(EsiDocsError):
    """A template or recipe file is missing, malformed or refers to an unknown name."""


class RenderError(EsiDocsError):
    """The document could not be laid out or written."""


class Problems:
    """Collects every problem of one input so they are reported together, not one per run."""

    def __init__(self, source: str):
        self.source = source
        self.items: list[str] = []

    def add(self, field: str, message: str) -> None:
        prefix = f"{self.source}: {field}: " if field else f"{self.source}: "
        self.items.append(prefix + message)

    def raise_if_any(self, error_type: type[EsiDocsError] = InputError) -> None:
        if self.items:
            raise error_type(self.items)
