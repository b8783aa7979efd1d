"""Prints a LintReport: `file:line: level: message` lines grouped by file, then the reading
tables and a summary; or one JSON document for tools."""

from __future__ import annotations

import json
from dataclasses import asdict

from esi_docs.lint.findings import ERROR, NOTE, WARNING, LintReport, ReadingRow


def as_text(report: LintReport, *, strict: bool) -> str:
    lines: list[str] = []
    current = None
    for finding in report.sorted_findings():
        if current is not None and finding.file != current:
            lines.append("")  # a blank line between files keeps each file's problems together
        current = finding.file
        lines.append(finding.as_line())
        lines += [f"    {detail}" for detail in finding.details]
    if lines:
        lines.append("")
    lines += _table("Reading level per handout (typical patient)", "handout", report.reading)
    lines += _table(
        "Reading level per section (all its wording)", "section", report.section_reading
    )
    if not report.families or "grid" in report.families:
        lines.append(
            f"grid: composed {report.grid_combinations} combinations of patient options "
            f"in {report.grid_seconds:.1f} s"
        )
    lines.append(_summary(report, strict=strict))
    return "\n".join(lines)


def _table(title: str, first: str, rows: list[ReadingRow]) -> list[str]:
    if not rows:
        return []
    header = (first, "lang", "measure", "score", "also", "target", "status")
    cells = [
        (r.handout, r.language, r.measure, _score(r), r.secondary, r.target, r.status) for r in rows
    ]
    widths = [max(len(row[i]) for row in (header, *cells)) for i in range(len(header))]
    out = [title + ":"]
    for row in (header, *cells):
        padded = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        out.append(("  " + "  ".join(padded)).rstrip())
    return [*out, ""]


def _score(row: ReadingRow) -> str:
    return f"{row.score:.1f}" if row.measure != "-" else "-"


def _summary(report: LintReport, *, strict: bool) -> str:
    counts = (
        f"{report.count(ERROR)} error(s), {report.count(WARNING)} warning(s), "
        f"{report.count(NOTE)} note(s)"
    )
    if report.families:  # a partial run (--only) says what it checked
        counts += f"; checked only: {', '.join(report.families)}"
    if report.failed(strict=strict):
        why = " (--strict: warnings fail)" if strict and not report.count(ERROR) else ""
        return f"lint: failed: {counts}{why}"
    return f"lint: passed: {counts}"


def as_json(report: LintReport, *, strict: bool) -> str:
    data = {
        "passed": not report.failed(strict=strict),
        "strict": strict,
        "counts": {level: report.count(level) for level in (ERROR, WARNING, NOTE)},
        "findings": [asdict(f) for f in report.sorted_findings()],
        "reading": [asdict(r) for r in report.reading],
        "section_reading": [asdict(r) for r in report.section_reading],
        "families": list(report.families),
        "grid": {
            "combinations": report.grid_combinations,
            "seconds": round(report.grid_seconds, 3),
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
