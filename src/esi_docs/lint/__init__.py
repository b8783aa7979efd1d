"""`esi-docs lint`: proves the content is complete, safe and readable before it reaches a patient.

One module per family of checks (completeness, expressions/names/safety, grid, reading, style,
review); runner.py gathers them into a LintReport and report.py prints it.
"""

from __future__ import annotations

from esi_docs.lint.findings import Finding, LintReport
from esi_docs.lint.runner import run_lint

__all__ = ["Finding", "LintReport", "run_lint"]
