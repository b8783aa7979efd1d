"""The content files the lint looks at, and every piece of template text in them with its line.

The files are those a nurse's sheet would use: the `--templates` folder first, then the packaged
copies (the same search path as rendering). Text and conditions are located on the YAML node
tree, so each problem points at the exact line of the string, not only its block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from esi_docs.content.search_path import ContentPaths, display_name
from esi_docs.content.traversable import Traversable
from esi_docs.errors import EsiDocsError
from esi_docs.inputs.yamlio import parse_yaml

TEXT = "text"
CONDITION = "condition"


@dataclass(frozen=True)
class Snippet:
    """One Jinja text or `when:`/`rows:` expression, where it is, and what holds it."""

    line: int
    kind: str  # TEXT or CONDITION
    field: str  # title, when, text, item, columns, rows
    source: str
    block_type: str = ""  # paragraph, bullets, ... ("" for the section's own title/when)


@dataclass
class ContentFile:
    """One parsed content file; `error` is set when it is not readable YAML."""

    file: str
    kind: str  # section, language, recipe
    language: str
    name: str
    data: dict[str, Any] | None = None
    error: tuple[int | None, str] | None = None
    snippets: list[Snippet] = field(default_factory=list)
    path: Traversable | None = None


def read_file(path: Traversable, kind: str, language: str, name: str) -> ContentFile:
    """Parse strictly (as rendering does), then find each text's line on the node tree."""
    content = ContentFile(display_name(path), kind, language, name, path=path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = parse_yaml(text, content.file, strings_only=False)
    except UnicodeDecodeError:
        content.error = (None, "not UTF-8 text")
        return content
    except EsiDocsError as exc:
        problem = exc.problems[0]
        content.error = (problem.line, problem.text)
        return content
    if not isinstance(data, dict):
        content.error = (None, "must be a mapping of key: value lines")
        return content
    content.data = data
    if kind == "section":
        content.snippets = _section_snippets(yaml.compose(text, Loader=yaml.SafeLoader))
    return content


def _get(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    for key_node, value in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value
    return None


def _scalar(node: Node | None, kind: str, name: str, block_type: str) -> list[Snippet]:
    if isinstance(node, ScalarNode) and node.value != "":
        return [Snippet(node.start_mark.line + 1, kind, name, node.value, block_type)]
    return []


def _section_snippets(root: Node | None) -> list[Snippet]:
    found = _scalar(_get(root, "title"), TEXT, "title", "")
    found += _scalar(_get(root, "when"), CONDITION, "when", "")
    blocks = _get(root, "blocks")
    for block in blocks.value if isinstance(blocks, SequenceNode) else ():
        found += _block_snippets(block)
    return found


def _block_snippets(block: Node) -> list[Snippet]:
    type_node = _get(block, "type")
    kind = type_node.value if isinstance(type_node, ScalarNode) else ""
    found = _scalar(_get(block, "when"), CONDITION, "when", kind)
    found += _scalar(_get(block, "title"), TEXT, "title", kind)
    found += _scalar(_get(block, "text"), TEXT, "text", kind)
    found += _scalar(_get(block, "rows"), CONDITION, "rows", kind)
    for column in _sequence(_get(block, "columns")):
        found += _scalar(column, TEXT, "columns", kind)
    for item in _sequence(_get(block, "items")):
        if isinstance(item, MappingNode):
            found += _scalar(_get(item, "text"), TEXT, "item", kind)
            found += _scalar(_get(item, "when"), CONDITION, "when", kind)
        else:
            found += _scalar(item, TEXT, "item", kind)
    return found


def _sequence(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


@dataclass
class Inventory:
    """Every content file on the search path, by kind."""

    paths: ContentPaths
    languages: list[str]
    recipes: list[ContentFile]
    language_files: dict[str, ContentFile]
    sections: dict[str, dict[str, ContentFile]]  # language -> section name -> file

    def all_files(self) -> list[ContentFile]:
        files = [*self.recipes, *self.language_files.values()]
        for by_name in self.sections.values():
            files += by_name.values()
        return files


def take_inventory(paths: ContentPaths) -> Inventory:
    """Read every recipe, language pack and section file once."""
    languages = paths.languages()
    recipes = []
    for name in paths.recipe_names():
        path = paths.recipe(name)
        if path is not None:
            recipes.append(read_file(path, "recipe", "", name))
    language_files: dict[str, ContentFile] = {}
    sections: dict[str, dict[str, ContentFile]] = {}
    for language in languages:
        pack = paths.section(language, "_language")
        if pack is not None:
            language_files[language] = read_file(pack, "language", language, "_language")
        sections[language] = {}
        for name in paths.section_names(language):
            path = paths.section(language, name)
            if path is not None:
                sections[language][name] = read_file(path, "section", language, name)
    return Inventory(paths, languages, recipes, language_files, sections)
