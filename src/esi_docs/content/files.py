"""Loads recipes, language packs and section files, checks their shape and compiles them.

Everything that can be known about a content file without a patient is checked here, once per
process: required keys, block types, unique ids, and that every text and condition compiles in
the sandbox. What depends on a patient is checked when the Document is composed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from esi_docs.content.dates import DEFAULT_PHRASES
from esi_docs.content.document import CALLOUT_TIERS
from esi_docs.content.labels import label_problem
from esi_docs.content.sandbox import (
    TemplateError,
    code_book,
    compile_condition,
    compile_text,
    store_code,
    stored_code,
)
from esi_docs.content.search_path import display_name
from esi_docs.content.traversable import Traversable
from esi_docs.errors import ContentError, Problem
from esi_docs.inputs.yamlio import LINE_KEY, parse_stored

BLOCK_TYPES = ("paragraph", "bullets", "callout", "signature", "table")
REVIEW_KEYS = ("version", "reviewed_by", "reviewed_on")
_BLOCK_KEYS = {"id", "type", "when", "text", "items", "title", "tier", "columns", "rows"}
_MAX_CONTENT_BYTES = 200_000
_Spec = TypeVar("_Spec")


@dataclass(frozen=True)
class ContentSource:
    """One content file as compose used it: its name in a --templates layout
    (`en/going_home.yaml`, `handouts/discharge.yaml`), SHA-256 and bytes. The audit trail
    stores exactly these, so a reprint never re-reads (possibly changed) files from disk."""

    name: str
    sha256: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Text:
    """A piece of template text with its source, compiled once."""

    source: str
    template: Any


@dataclass(frozen=True)
class Condition:
    source: str
    test: Any


@dataclass(frozen=True)
class Item:
    text: Text
    when: Condition | None


@dataclass(frozen=True)
class BlockSpec:
    id: str
    type: str
    line: int
    when: Condition | None
    text: Text | None
    title: Text | None
    tier: str
    items: tuple[Item, ...]
    columns: tuple[Text, ...]
    rows: Condition | None  # an expression giving the table rows


@dataclass(frozen=True)
class SectionSpec:
    name: str
    file: str  # display name for messages
    meta: dict[str, Any]
    title: Text | None
    when: Condition | None
    blocks: tuple[BlockSpec, ...]
    source: ContentSource

    @property
    def digest(self) -> str:
        return self.source.sha256


@dataclass(frozen=True)
class LanguagePack:
    language: str
    file: str
    meta: dict[str, Any]
    labels: dict[str, str]
    date_format: str
    time_format: str
    date_phrases: dict[str, str]
    short_date_format: str
    brief_date_format: str
    source: ContentSource

    @property
    def digest(self) -> str:
        return self.source.sha256


@dataclass(frozen=True)
class Recipe:
    name: str
    file: str
    version: str
    title_label: str
    requires_patient: bool
    sections: tuple[str, ...]
    source: ContentSource
    # "past_or_today" (discharge), "today_or_future" (a letter before the procedure) or "any"
    procedure_date: str = "any"
    # Which blood-thinner plan it prints: "before" (stop dates: refused once passed), "after"
    # (restart or keep taking: needs blood_thinner_held) or "none".
    blood_thinners: str = "none"

    @property
    def digest(self) -> str:
        return self.source.sha256


PROCEDURE_DATE_RULES = ("any", "past_or_today", "today_or_future")
BLOOD_THINNER_PLANS = ("none", "before", "after")


@dataclass(frozen=True)
class Place:
    """Where in a content file a problem is: file, line and the key path within it."""

    file: str
    line: int | None = None
    field: str = ""

    def at(self, field: str) -> Place:
        return Place(self.file, self.line, f"{self.field}: {field}" if self.field else field)

    def error(self, text: str, code: str = "invalid") -> ContentError:
        return ContentError(Problem(self.file, self.field, text, code, self.line))


def _load(path: Traversable, build: Callable[[Any, str, ContentSource], _Spec]) -> _Spec:
    """Read a content file and build its spec. The parsed data and compiled code come from
    the disk cache when a file with the same bytes loaded before (a fresh process then skips
    PyYAML and Jinja's compiler); the checks in `build` run every time either way, and code
    is stored only for a file that loaded without a problem."""
    name = display_name(path)
    with path.open("rb") as handle:  # at most limit + 1 bytes, however big the file is
        raw = handle.read(_MAX_CONTENT_BYTES + 1)
    if len(raw) > _MAX_CONTENT_BYTES:
        raise Place(name).error(f"file is {len(raw):,} bytes; limit {_MAX_CONTENT_BYTES:,}")
    source = ContentSource(name, hashlib.sha256(raw).hexdigest(), raw)
    data = _parse(raw, name)
    known = stored_code(source.sha256)
    with code_book(known) as used:
        spec = build(data, name, source)
    if used.keys() - known.keys():
        store_code(source.sha256, used)
    return spec


def _parse(raw: bytes, name: str) -> dict:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Place(name).error("not UTF-8 text") from None
    data = parse_stored(text, name, strings_only=False)
    if not isinstance(data, dict):
        raise Place(name).error("must be a mapping of key: value lines")
    return data


def _require(data: dict, key: str, name: str, kind: type = str) -> Any:
    value = data.get(key)
    if value is None or value == "":
        raise Place(name, data.get(LINE_KEY, 1), key).error("required", "required")
    if not isinstance(value, kind):
        raise Place(name, data.get(LINE_KEY, 1), key).error(f"must be {kind.__name__}")
    return value


def _message(exc: Exception) -> str:
    """Jinja's own message, or a plain one for Python's recursion limit (deeply nested text)."""
    return getattr(exc, "message", None) or "nested too deeply"


def _text(source: Any, where: Place) -> Text:
    if not isinstance(source, str | int | float):
        raise where.error("must be text")
    try:
        return Text(str(source), compile_text(str(source)))
    except (TemplateError, RecursionError) as exc:
        raise where.error(f"template error: {_message(exc)}") from None


def _condition(source: Any, where: Place) -> Condition | None:
    if source is None:
        return None
    if not isinstance(source, str | bool):
        raise where.at("when").error("must be a condition such as 'diabetic'")
    try:
        return Condition(str(source), compile_condition(str(source)))
    except (TemplateError, RecursionError) as exc:
        raise where.at("when").error(_message(exc)) from None


def load_recipe(path: Traversable, name: str) -> Recipe:
    return _load(path, lambda data, file, source: _recipe(data, file, source, name))


def _recipe(data: dict, file: str, source: ContentSource, name: str) -> Recipe:
    sections = _require(data, "sections", file, list)
    rule = _one_of(data, "procedure_date", PROCEDURE_DATE_RULES, file)
    plan = _one_of(data, "blood_thinners", BLOOD_THINNER_PLANS, file)
    return Recipe(
        name=name,
        file=file,
        version=str(_require(data, "version", file, str)),
        title_label=_require(data, "title", file, str),
        requires_patient=bool(data.get("requires_patient", True)),
        sections=tuple(str(s) for s in sections),
        source=source,
        procedure_date=rule,
        blood_thinners=plan,
    )


def _one_of(data: dict, key: str, allowed: tuple[str, ...], file: str) -> str:
    """A recipe setting that takes one of a few words; the first is the default."""
    value = str(data.get(key, allowed[0]))
    if value not in allowed:
        raise Place(file, None, key).error(f"'{value}' is not one of {', '.join(allowed)}")
    return value


def load_language(path: Traversable, language: str) -> LanguagePack:
    return _load(path, lambda data, file, source: _language(data, file, source, language))


def _language(data: dict, file: str, source: ContentSource, language: str) -> LanguagePack:
    labels = _require(data, "labels", file, dict)
    _check_labels(labels, file, "labels")
    return LanguagePack(
        language=language,
        file=file,
        meta={k: data.get(k) for k in (*REVIEW_KEYS, "needs_clinical_review")},
        labels={str(k): str(v) for k, v in labels.items() if k != LINE_KEY},
        date_format=_require(data, "date_format", file),
        time_format=_require(data, "time_format", file),
        date_phrases=_date_phrases(data, file),
        short_date_format=str(data.get("short_date_format", "MM/dd/yyyy")),
        brief_date_format=str(data.get("brief_date_format", "M/d")),
        source=source,
    )


def _date_phrases(data: dict, file: str) -> dict[str, str]:
    """Every language states its own date phrases; a missing one is an error, not English."""
    phrases = _require(data, "date_phrases", file, dict)
    missing = sorted(set(DEFAULT_PHRASES) - set(phrases))
    if missing:
        raise Place(file, None, "date_phrases").error(f"missing {', '.join(missing)}")
    _check_labels(phrases, file, "date_phrases")
    return {str(k): str(v) for k, v in phrases.items() if k != LINE_KEY}


def _check_labels(values: dict, file: str, key: str) -> None:
    for name, value in values.items():
        problem = label_problem(str(value)) if name != LINE_KEY else None
        if problem:
            raise Place(file, values.get(LINE_KEY), f"{key}: {name}").error(problem)


def load_section(path: Traversable, name: str) -> SectionSpec:
    return _load(path, lambda data, file, source: _section(data, file, source, name))


def _section(data: dict, file: str, source: ContentSource, name: str) -> SectionSpec:
    for key in REVIEW_KEYS:
        _require(data, key, file, object)
    blocks = _require(data, "blocks", file, list)
    specs = tuple(_block(block, file, index) for index, block in enumerate(blocks))
    _check_unique_ids(specs, file)
    title = data.get("title")
    return SectionSpec(
        name=name,
        file=file,
        meta={k: data.get(k) for k in (*REVIEW_KEYS, "needs_clinical_review")},
        title=_text(title, Place(file, data[LINE_KEY], "title")) if title else None,
        when=_condition(data.get("when"), Place(file, data[LINE_KEY])),
        blocks=specs,
        source=source,
    )


def _check_unique_ids(blocks: tuple[BlockSpec, ...], file: str) -> None:
    seen: set[str] = set()
    for block in blocks:
        if block.id in seen:
            raise Place(file, block.line, "id").error(f"'{block.id}' is used twice")
        seen.add(block.id)


def _block(data: Any, file: str, index: int) -> BlockSpec:
    if not isinstance(data, dict):
        raise Place(file, None, f"blocks[{index}]").error("must be a mapping with id and type")
    line = data[LINE_KEY]
    where = Place(file, line)
    block_id = str(_require(data, "id", file))
    unknown = set(data) - _BLOCK_KEYS - {LINE_KEY}
    if unknown:
        raise where.at(block_id).error(f"unknown key(s) {', '.join(sorted(unknown))}")
    kind = data.get("type")
    if kind not in BLOCK_TYPES:
        raise where.at("type").error(f"'{kind}' is not one of {', '.join(BLOCK_TYPES)}")
    tier = str(data.get("tier", "note"))
    if kind == "callout" and tier not in CALLOUT_TIERS:
        raise where.at("tier").error(f"'{tier}' is not one of {', '.join(CALLOUT_TIERS)}")
    spec = BlockSpec(
        id=block_id,
        type=kind,
        line=line,
        when=_condition(data.get("when"), where),
        text=_text(data["text"], where.at("text")) if "text" in data else None,
        title=_text(data["title"], where.at("title")) if "title" in data else None,
        tier=tier,
        items=tuple(_item(item, where) for item in data.get("items") or ()),
        columns=tuple(_text(c, where.at("columns")) for c in data.get("columns") or ()),
        rows=_condition(data.get("rows"), where) if "rows" in data else None,
    )
    _check_block_fields(spec, where)
    return spec


def _item(item: Any, where: Place) -> Item:
    if isinstance(item, dict):
        return Item(_text(item.get("text"), where.at("item")), _condition(item.get("when"), where))
    return Item(_text(item, where.at("item")), None)


def _check_block_fields(spec: BlockSpec, where: Place) -> None:
    """Each block type needs its own fields; a bullets block without items prints nothing."""
    needs = {
        "paragraph": spec.text is not None,
        "bullets": bool(spec.items),
        "callout": spec.title is not None and (bool(spec.items) or spec.text is not None),
        "signature": bool(spec.items),
        "table": bool(spec.columns) and spec.rows is not None,
    }
    if not needs[spec.type]:
        wanted = {
            "paragraph": "text",
            "bullets": "items",
            "callout": "title and items or text",
            "signature": "items",
            "table": "columns and rows",
        }[spec.type]
        raise where.at(spec.id).error(f"a {spec.type} block needs {wanted}")
