"""Our own YAML loading: safe, strict, and faithful to what the user typed.

Patient, roster and clinic files are read with every scalar kept as the exact string written
(an MRN `0012345` stays `0012345`, `No` stays `No`); validation decides what a value means.
Template files keep YAML's normal types. Both refuse duplicate keys and anchors/aliases, which
hide mistakes from the people who edit these files, and both check the size before parsing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode
from yaml.reader import ReaderError

from esi_docs import disk_cache
from esi_docs.errors import EsiDocsError, InputError, Problem

MAX_DATA_BYTES = 1_000_000  # a patient or clinic file is a few hundred bytes
MAX_DEPTH = 20  # our files nest three levels at most; deeper input is an attack or an accident
# The only explicit tags a data file may carry; `!!binary`, `!!int`, `!foo` would change what
# the user typed into something else (bytes, a number) or quote the tag back in an error.
_DATA_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _StrictMixin:
    """Refuses anchors, aliases, duplicate keys and deep nesting, reporting the line."""

    allowed_tags: set[str | None] | None = None  # None: any tag the safe loader knows
    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise _StrictYamlError(line, "anchors and aliases (& and *) are not allowed")
        tag = getattr(event, "tag", None)
        if self.allowed_tags is not None and tag not in self.allowed_tags:
            raise _StrictYamlError(
                line,
                "YAML tags such as !!binary or !!int are not allowed; "
                "write the value as plain text",
            )
        # Checked here, before PyYAML's recursive composer can hit Python's recursion limit.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _StrictYamlError(line, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        if isinstance(node, MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool | type(None)):
                    line = key_node.start_mark.line + 1
                    raise _StrictYamlError(line, "a key must be a plain word")
                if key in seen:
                    line = key_node.start_mark.line + 1
                    raise _StrictYamlError(line, f"duplicate key '{key}'")
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _StrictYamlError(Exception):
    """Internal: carries a line and a message already free of file content."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class DataLoader(_StrictMixin, yaml.SafeLoader):
    """Every scalar is a string: no octal, booleans or dates invented from what was typed."""

    allowed_tags = _DATA_TAGS


# An empty resolver table makes every plain scalar a str (YAML's default tag).
DataLoader.yaml_implicit_resolvers = {}


class ContentLoader(_StrictMixin, yaml.SafeLoader):
    """Normal YAML types for template files, with the same strictness.

    Every mapping also gets a `__line__` key, so content errors can point at the line.
    """

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


LINE_KEY = "__line__"


def parse_yaml(text: str, source: str, *, strings_only: bool, limit: int = MAX_DATA_BYTES) -> Any:
    """Parse YAML text; errors name the source and line but never quote the content.

    The size is checked before PyYAML sees the text, also for text that did not come from a
    file (a web form, a roster cell).
    """
    loader_class = DataLoader if strings_only else ContentLoader
    error_type = InputError if strings_only else EsiDocsError
    if len(text) > limit:
        raise error_type(
            Problem(str(source), text=f"{len(text):,} characters; the limit is {limit:,}")
        )
    try:
        return yaml.load(text, Loader=loader_class)  # noqa: S506 - our SafeLoader subclass
    except _StrictYamlError as exc:
        raise error_type(Problem(source, text=exc.message, code="yaml", line=exc.line)) from None
    except ConstructorError as exc:
        raise error_type(_describe(exc, source)) from None
    except ReaderError as exc:
        # PyYAML refuses control characters (NUL, ESC ...) before parsing; name the code point.
        text = (
            f"character {exc.position + 1}: U+{exc.character:04X} is not allowed in a YAML file"
            if isinstance(exc.character, int)
            else "not readable as YAML text"
        )
        raise error_type(Problem(source, text=text)) from None
    except yaml.YAMLError as exc:
        raise error_type(_describe(exc, source)) from None
    except RecursionError:  # a safety net: MAX_DEPTH normally stops deep input first
        raise error_type(Problem(str(source), text="nested too deeply")) from None


def parse_stored(text: str, source: str, *, strings_only: bool) -> Any:
    """parse_yaml for files that rarely change (content, the packaged clinic profile): the
    result is kept on disk under the text's SHA-256 (esi_docs.disk_cache), so the next process
    skips PyYAML's pure-Python loader. Text that does not parse is never stored."""
    version = disk_cache.fingerprint(yaml.__version__, modules=("inputs/yamlio.py",))
    kind = "data" if strings_only else "content"
    name = f"yaml-{kind}-{disk_cache.sha256(text.encode())}-{version}"
    stored = disk_cache.load(name)
    if stored is not None:
        return stored
    data = parse_yaml(text, source, strings_only=strings_only)
    disk_cache.store(name, data)  # pickled now, before a caller could change it
    return data


def _describe(exc: yaml.YAMLError, source: str) -> Problem:
    """PyYAML's own str() quotes the offending text, which may be patient data."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "not valid YAML"
    line = mark.line + 1 if mark is not None else None
    return Problem(source, text=f"not valid YAML ({problem})", code="yaml", line=line)


def read_text(path: Path, *, limit: int = MAX_DATA_BYTES) -> str:
    """Read a UTF-8 file (a BOM is fine) after checking its size, with errors naming the file."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(
                Problem(str(source), text=f"file is {size:,} bytes; the limit is {limit:,}")
            )
        # Never more than limit + 1 bytes, whatever stat said: /dev/zero, a pipe or standard
        # input say 0 and never end.
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise InputError(Problem(source, text=f"is longer than the limit of {limit:,} bytes"))
    except FileNotFoundError:
        raise InputError(Problem(str(source), text="file not found")) from None
    except IsADirectoryError:
        raise InputError(Problem(str(source), text="is a folder, not a file")) from None
    except PermissionError:
        raise InputError(Problem(str(source), text="permission denied")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(str(source), text=f"not UTF-8 text (byte {exc.start})")) from None


def load_data_file(path: Path, *, limit: int = MAX_DATA_BYTES) -> Any:
    """Load a patient, roster or clinic YAML file with every scalar as its exact string."""
    data = parse_yaml(read_text(path, limit=limit), str(path), strings_only=True)
    if data is None:
        raise InputError(Problem(str(path), text="the file is empty"))
    return data
