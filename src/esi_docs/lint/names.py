"""Every name a template or `when:` uses must be one the renderer provides.

The known names are read from what rendering really passes in: the template context that
compose builds for a sample patient (its keys, the public attributes of its `clinic` and
`dates` objects) and PROTOCOL_RULES, so this list can never drift from the code. A typo
(`diabetc`, `clinic.protocol.fever`) is an error with the closest known name as a suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from jinja2 import nodes

from esi_docs.content.dates import DateWords, ProcedureDates
from esi_docs.content.sandbox import sandbox
from esi_docs.inputs.clinic import PROTOCOL_RULES, load_clinic
from esi_docs.inputs.patient import PatientOptions
from esi_docs.lint.safety import is_unsafe_attribute


@dataclass(frozen=True)
class KnownNames:
    patient: frozenset[str]  # every top-level name of the context except clinic and dates
    clinic: frozenset[str]
    protocol: frozenset[str]
    dates: frozenset[str]
    builtins: frozenset[str]  # the sandbox's own globals (range, dict, ...)

    def top_level(self) -> list[str]:
        return sorted(self.patient | {"clinic", "dates"})


def _public(value: Any) -> frozenset[str]:
    return frozenset(name for name in dir(value) if not name.startswith("_"))


def _fallback_context() -> dict[str, Any]:
    """Used only when no language pack loads: the patient fields and default objects."""
    context: dict[str, Any] = {f.name: None for f in fields(PatientOptions)}
    context["clinic"] = load_clinic(None)
    context["dates"] = ProcedureDates(DateWords("en", "yyyy-MM-dd", "HH:mm"), date(2000, 1, 1))
    return context


def known_names(context: Mapping[str, Any] | None) -> KnownNames:
    """The names of a real template context (see samples.sample_context)."""
    context = context if context is not None else _fallback_context()
    return KnownNames(
        patient=frozenset(k for k in context if k not in ("clinic", "dates")),
        clinic=_public(context["clinic"]),
        protocol=frozenset(PROTOCOL_RULES),
        dates=_public(context["dates"]),
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


Found = list[tuple[str, str | None]]


def unknown_names(tree: nodes.Node, known: KnownNames) -> Found:
    """Each unknown dotted name in a parsed template, with a suggestion (or None)."""
    local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    found: Found = []
    _visit(tree, local | {"loop"}, known, found)
    return found


def _visit(node: nodes.Node, local: set[str], known: KnownNames, found: Found) -> None:
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
        chain = chain_of(node)
        if chain is not None:
            if not (isinstance(node, nodes.Name) and node.ctx != "load"):
                problem = _check_chain(chain, local, known)
                if problem:
                    found.append(problem)
            if isinstance(node, nodes.Getitem):  # a variable key: look inside it too
                _visit(node.arg, local, known, found)
            return
    for child in node.iter_child_nodes():
        _visit(child, local, known, found)


def _check_chain(
    chain: list[str], local: set[str], known: KnownNames
) -> tuple[str, str | None] | None:
    if any(is_unsafe_attribute(part) for part in chain[1:]):
        return None  # safety.py reports it as unsafe, which says more than "unknown"
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
