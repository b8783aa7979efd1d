"""Spreadsheet-safe CSV cells: text we write into a CSV can never run as a formula.

A name typed as `=HYPERLINK("http://x", "click")` or `@SUM(A1)` would be a live formula when
a clinic opens the batch manifest in a spreadsheet (CSV injection). OWASP's advice: a cell that
starts with = + - @, a tab or a carriage return gets a leading apostrophe, which spreadsheets
show as plain text. The CSV module still quotes the cell as usual.
"""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> str:
    """The text of one CSV cell, neutralised if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS) or text.lstrip().startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(values: list[object] | tuple[object, ...]) -> list[str]:
    """A whole CSV row through `safe_cell`, for csv.writer.writerow."""
    return [safe_cell(value) for value in values]
