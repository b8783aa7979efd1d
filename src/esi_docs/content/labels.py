"""Labels and date phrases with {named} gaps: checked when loaded, filled without str.format.

`_language.yaml` holds "Page {page} of {pages}" and "until {moment}". Python's str.format would
also obey `{page:>150000000}` (46 s and 1.9 GB) and `{page.__class__.__mro__}` (a memory
address, so reruns differ): only plain names from a known list are allowed here, with no
attribute, index, conversion or format spec, and filling is plain substitution.
"""

from __future__ import annotations

from string import Formatter

# Every gap a label or phrase may have, documented in docs/CONTENT_FORMAT.md.
ALLOWED_FIELDS = frozenset(
    {"page", "pages", "moment", "day", "date", "time", "clinic", "version", "by", "on"}
)


def label_problem(text: str) -> str | None:
    """Why `text` is not a usable label, or None."""
    try:
        parts = list(Formatter().parse(text))
    except ValueError as exc:  # a lone { or }
        return f"is not a usable label ({exc}); write {{{{ and }}}} for braces"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in ALLOWED_FIELDS:
            allowed = ", ".join("{" + f + "}" for f in sorted(ALLOWED_FIELDS))
            return f"'{{{name[:40]}}}' is not a gap a label may have; allowed: {allowed}"
        if spec or conversion:
            return f"'{{{name}}}' may not carry a format (:...) or conversion (!...)"
    return None


def fill(text: str, **values: object) -> str:
    """The label with its gaps filled: literal text and str(value), nothing else."""
    out: list[str] = []
    for literal, name, _, _ in Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(str(values[name]))
    return "".join(out)
