"""Template constructs content must never use, found on the Jinja AST and in the literal text.

The sandbox already stops most of these at render time; the lint names them at the line where a
writer typed them, before any sheet is printed. Refused filters come from templating.py, so
the two lists cannot disagree.
"""

from __future__ import annotations

import re

from jinja2 import nodes

from esi_docs.content.sandbox import _REFUSED_FILTERS

# Attributes that walk from a value to Python internals (on top of anything starting with _).
_WALK_ATTRS = frozenset(
    {
        "mro",
        "globals",
        "func_globals",
        "f_globals",
        "f_locals",
        "f_back",
        "gi_frame",
        "gi_code",
        "cr_frame",
        "tb_frame",
        "im_func",
        "format",
        "format_map",
    }
)
_REFUSED_TAGS = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
    nodes.Extends: "extends",
}
ALLOWED_MARKUP = ("<b>", "</b>", "<br/>")
ITALICS = ("<i>", "</i>")  # a style warning (style.py), not unsafe: the PDF prints them plain
_TAG = re.compile(r"<[^<>]*>?")


def is_unsafe_attribute(attr: str) -> bool:
    """Private/dunder names and the attributes that walk to Python internals."""
    return attr.startswith("_") or attr in _WALK_ATTRS


def unsafe_constructs(tree: nodes.Node) -> list[str]:
    """One message per unsafe construct in a parsed template or expression."""
    problems: list[str] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attr = _attribute(node)
        if attr is None:
            continue
        if attr.startswith("_"):
            problems.append(f"unsafe attribute '{attr}': templates may not reach Python internals")
        elif attr in _WALK_ATTRS:
            problems.append(f"attribute walk '.{attr}' is refused")
    for node in tree.find_all(nodes.Filter):
        if node.name in _REFUSED_FILTERS:
            problems.append(f"filter '|{node.name}' is refused: values must stay plain text")
    for kind, word in _REFUSED_TAGS.items():
        if any(True for _ in tree.find_all(kind)):
            problems.append(f"{{% {word} %}} is refused: a section may not pull in other files")
    return problems


def _attribute(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return node.arg.value if isinstance(node.arg.value, str) else None
    return None


def markup_problems(tree: nodes.Node) -> list[str]:
    """Tags in the literal text other than <b>, </b>, <br/> (and <i>, a style matter)."""
    problems: list[str] = []
    for data in tree.find_all(nodes.TemplateData):
        for match in _TAG.finditer(data.data):
            tag = match.group(0)
            if tag not in ALLOWED_MARKUP and tag not in ITALICS:
                problems.append(
                    f"markup '{tag}' is refused; only {', '.join(ALLOWED_MARKUP)} may be used"
                )
    return problems
