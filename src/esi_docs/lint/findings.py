"""What the lint found: one Finding per problem, and the report that gathers them.

A finding is one line a content owner can act on (`file:line: level: message`), with optional
detail lines (the longest sentences, the hardest words) underneath.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
NOTE = "note"  # a hint that never fails a run, even with --strict (passive voice)
LEVELS = (ERROR, WARNING, NOTE)


@dataclass(frozen=True)
class Finding:
    file: str
    line: int | None
    level: str
    check: str  # completeness, names, unsafe, grid, reading, style, review, clinic, structure
    message: str
    details: tuple[str, ...] = ()

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def as_line(self) -> str:
        return f"{self.location()}: {self.level}: {self.message}"

    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.line or 0, LEVELS.index(self.level))


@dataclass(frozen=True)
class ReadingRow:
    """One row of the summary table: a handout in one language, composed for a typical patient."""

    handout: str  # or, in the per-section table, the section file
    language: str
    measure: str  # "Flesch-Kincaid grade" or "Fernandez-Huerta"
    score: float
    secondary: str  # "SMOG 7.9" or "Szigriszt-Pazos 75.0": reported, never governs
    target: str
    status: str  # ok / warning / error / not measured


@dataclass
class LintReport:
    findings: list[Finding] = field(default_factory=list)
    reading: list[ReadingRow] = field(default_factory=list)  # per handout and language
    section_reading: list[ReadingRow] = field(default_factory=list)  # per section file
    grid_combinations: int = 0
    grid_seconds: float = 0.0
    families: tuple[str, ...] = ()  # the check families that ran (lint --only); () all

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    def count(self, level: str) -> int:
        return sum(1 for f in self.sorted_findings() if f.level == level)

    def failed(self, *, strict: bool) -> bool:
        """Errors fail a run; with --strict, warnings do too. Notes never do."""
        return bool(self.count(ERROR) or (strict and self.count(WARNING)))

    def sorted_findings(self) -> list[Finding]:
        """By file and line; a problem two checks both see (a missing key) is listed once."""
        unique: dict[tuple, Finding] = {}
        for finding in self.findings:
            unique.setdefault((finding.file, finding.line, finding.level, finding.message), finding)
        return sorted(unique.values(), key=Finding.sort_key)
