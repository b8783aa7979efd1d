"""Every name a template or `when:` uses must be one the renderer provides.

The known names are read from the code (PatientOptions fields, ClinicProfile fields,
PROTOCOL_RULES, the public attributes of ProcedureDates), so this list can never drift from
what rendering really passes in. A typo (`diabetc`, `clinic.protocol.fever`) is an error with
the closest known name as a suggestion.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache

from jinja2 import nodes

from esi_docs.clinic import PROTOCOL_RULES, ClinicProfile
from esi_docs.dates import DateWords, ProcedureDates
from esi_docs.lint.safety import is_unsafe_attribute
from esi_docs.options import PatientOptions
from esi_docs.templating import sandbox


@dataclass(frozen=True)
class KnownNames:
    patient: frozenset[str]
    clinic: frozenset[str]
    protocol: frozenset[str]
    dates: frozenset[str]
    builtins: frozenset[str]  # the sandbox's own globals (range, dict, ...)

    def top_level(self) -> list[str]:
        return sorted(self.patient | {"clinic", "dates"})


@lru_cache(maxsize=1)
def known_names() -> KnownNames:
    """Derived from the dataclasses and rules rendering uses; never a hand-kept list."""
    # ProcedureDates sets some names in __init__ (procedure, follow_up, ...): ask an instance.
    sample = ProcedureDates(DateWords("en", "yyyy-MM-dd", "HH:mm"), date(2000, 1, 1))
    return KnownNames(
        patient=frozenset(f.name for f in fields(PatientOptions)),
        clinic=frozenset(f.name for f in fields(ClinicProfile)),
        protocol=frozenset(PROTOCOL_RULES),
        dates=frozenset(name for name in dir(sample) if not name.startswith("_")),
        builtins=frozenset(sandbox().globals),
    )


def chain_of(node: nodes.Node) -> list[str] | None:
    """`clinic.protocol.fever_f` (or `clinic.protocol["fever_f"]`) as a list of names."""
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.insert(0, node.attr)
            node = node.node
        elif (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)
        ):
            parts.insert(0, node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name):
            return [node.name, *parts]
        else:
            return None


def unknown_names(tree: nodes.Node) -> list[tuple[str, str | None]]:
    """Each unknown dotted name in a parsed template, with a suggestion (or None)."""
    local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    found: list[tuple[str, str | None]] = []
    _visit(tree, local | {"loop"}, found)
    return found


def _visit(node: nodes.Node, local: set[str], found: list[tuple[str, str | None]]) -> None:
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
        chain = chain_of(node)
        if chain is not None:
            if not (isinstance(node, nodes.Name) and node.ctx != "load"):
                problem = _check_chain(chain, local)
                if problem:
                    found.append(problem)
            if isinstance(node, nodes.Getitem):  # a variable key: look inside it too
                _visit(node.arg, local, found)
            return
    for child in node.iter_child_nodes():
        _visit(child, local, found)


def _check_chain(chain: list[str], local: set[str]) -> tuple[str, str | None] | None:
    if any(is_unsafe_attribute(part) for part in chain[1:]):
        return None  # safety.py reports it as unsafe, which says more than "unknown"
    known = known_names()
    root = chain[0]
    if root in local or root in known.builtins or root in known.patient:
        return None
    if root == "dates":
        return _member(chain, 1, known.dates, "dates")
    if root == "clinic":
        if len(chain) > 1 and chain[1] == "protocol":
            return _member(chain, 2, known.protocol, "clinic.protocol")
        return _member(chain, 1, known.clinic, "clinic")
    return root, _closest(root, known.top_level())


def _member(
    chain: list[str], index: int, allowed: frozenset[str], prefix: str
) -> tuple[str, str | None] | None:
    if len(chain) <= index or chain[index] in allowed:
        return None
    name = f"{prefix}.{chain[index]}"
    return name, _closest(name, [f"{prefix}.{a}" for a in sorted(allowed)])


def _closest(name: str, candidates: list[str]) -> str | None:
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None
