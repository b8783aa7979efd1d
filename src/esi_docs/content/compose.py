"""Turns a recipe, its sections, a patient and a clinic into a Document.

This is where `when:` conditions decide what applies to this patient and where text is filled
in. A section whose blocks all drop out is left out entirely, so a sheet never shows an empty
heading.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import UndefinedError
from markupsafe import Markup

from esi_docs import clock
from esi_docs.content import blood_thinners
from esi_docs.content.dates import DateWords, ProcedureDates
from esi_docs.content.document import (
    Approval,
    Block,
    Bullets,
    Callout,
    Document,
    PageHeader,
    Paragraph,
    Section,
    Signature,
    Table,
)
from esi_docs.content.files import (
    BlockSpec,
    Condition,
    ContentSource,
    LanguagePack,
    Place,
    Recipe,
    SectionSpec,
    Text,
    load_language,
    load_recipe,
    load_section,
)
from esi_docs.content.labels import fill
from esi_docs.content.sandbox import (
    MAX_TEXT_CHARS,
    RENDER_ERRORS,
    LiteralText,
    TemplateTimeout,
    deadline,
    document_context,
    markup_problem,
    render_text,
)
from esi_docs.content.search_path import ContentPaths
from esi_docs.content.traversable import Traversable
from esi_docs.errors import ContentError, InputError, Problem
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.inputs.patient import PatientOptions

MAX_TABLE_ROWS = 100  # a glucose log is a week or two; thousands of rows is a content mistake
# Patient values that must not reach a message, even when a library quotes them (Jinja's
# "'dict object' has no attribute 'CANARY-0042'").
_PHI_FIELDS = ("name", "mrn", "dob", "physician", "blood_thinner", "procedure_date", "follow_up")


@dataclass
class ContentLibrary:
    """Loads and compiles content files once, then composes any number of Documents."""

    paths: ContentPaths
    _cache: dict[tuple[str, ...], tuple[tuple[object, ...], Any]] = field(default_factory=dict)

    def _cached(self, key: tuple[str, ...], path: Traversable, loader: Any) -> Any:
        """The parsed file, parsed again only when the file found for `key` changed.

        The long-running server keeps one library: a content owner's edit (or a new override
        in the templates folder, which changes the path found) shows on the next sheet, while
        an unchanged file costs one stat, not a YAML parse and a template compile."""
        stamp = _stamp(path)
        hit = self._cache.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = loader(path)
        self._cache[key] = (stamp, value)
        return value

    def recipe(self, name: str) -> Recipe:
        path = self.paths.recipe(name)
        if path is None:
            known = ", ".join(self.paths.recipe_names())
            raise ContentError(f"handout '{name}' does not exist; choose one of {known}")
        return self._cached(("recipe", name), path, lambda p: load_recipe(p, name))

    def language(self, language: str) -> LanguagePack:
        path = self.paths.section(language, "_language")
        if path is None:
            known = ", ".join(self.paths.languages())
            text = f"'{language}' has no content; available: {known}"
            raise ContentError(Problem(field="language", text=text, code="choice"))
        return self._cached(("language", language), path, lambda p: load_language(p, language))

    def section(self, language: str, name: str) -> SectionSpec:
        path = self.paths.section(language, name)
        if path is None:
            raise ContentError(f"{language}/{name}.yaml: missing (no translation for this section)")
        return self._cached(("section", language, name), path, lambda p: load_section(p, name))

    def compose(
        self,
        handout: str,
        patient: PatientOptions | None,
        clinic: ClinicProfile,
        *,
        language: str | None = None,
        large_print: bool | None = None,
        today: date | None = None,
    ) -> Document:
        """Build the Document for one handout; raises ContentError on a content mistake."""
        return self.build(
            handout, patient, clinic, language=language, large_print=large_print, today=today
        ).document

    def build(
        self,
        handout: str,
        patient: PatientOptions | None,
        clinic: ClinicProfile,
        *,
        language: str | None = None,
        large_print: bool | None = None,
        today: date | None = None,
    ) -> Composed:
        """The Document and the content files it was made from (for the audit trail).
        `today` is the day the sheet is given (default: clock.today()); a reprint passes the
        day it was first printed, so an old record is never refused for dates that passed."""
        today = today or clock.today()
        recipe = self.recipe(handout)
        if recipe.requires_patient and patient is None:
            raise ContentError(f"handout '{handout}' is for one patient: give --patient")
        if patient is not None:
            check_patient_for(recipe, patient, clinic, today)
        language = language or (patient.language if patient else "en")
        pack = self.language(language)
        sections = [self.section(language, name) for name in recipe.sections]
        # Loading and compiling files (cached) stays outside the time limit: only filling in
        # the text can loop for ever.
        try:
            with deadline():
                document = _compose(recipe, pack, sections, patient, clinic, large_print, today)
        except TemplateTimeout as exc:  # arrived outside a text, e.g. between two sections
            raise Place(recipe.file).error(exc.message or "took too long") from None
        sources = (recipe.source, pack.source, *(s.source for s in sections))
        return Composed(document, sources)


@dataclass(frozen=True)
class Composed:
    """A Document with the content files (name, SHA-256, bytes) it was composed from, in the
    order of Document.content_hash: recipe, language pack, then sections in recipe order."""

    document: Document
    sources: tuple[ContentSource, ...]


def content_hash(sources: tuple[ContentSource, ...] | list[ContentSource]) -> str:
    """Document.content_hash for these sources: one SHA-256 over the files' SHA-256s."""
    joined = "".join(source.sha256 for source in sources)
    return hashlib.sha256(joined.encode()).hexdigest()


def _compose(
    recipe: Recipe,
    pack: LanguagePack,
    sections: list[SectionSpec],
    patient: PatientOptions | None,
    clinic: ClinicProfile,
    large_print: bool | None,
    today: date,
) -> Document:
    """The Document from loaded content: conditions decide, templates fill in."""
    language = pack.language
    large = bool(
        large_print if large_print is not None else (patient.large_print if patient else False)
    )
    try:  # Babel formats the dates here; its errors may quote them, so only the type
        # The print size and language are known with or without a patient (the guide), and
        # content may choose a layout by them (a table across the page or down it).
        context = document_context(
            _context(patient, clinic, pack, today) | {"language": language, "large_print": large}
        )
        header = _header(patient, clinic, pack)
    except ValueError as exc:  # Babel: "Invalid length for field: 'QQQQQQ'"
        raise Place(pack.file, None, "date_format, short_date_format or time_format").error(
            f"not a usable date pattern ({type(exc).__name__})"
        ) from None
    composed = tuple(s for s in (_section(spec, context) for spec in sections) if s)
    digest = content_hash([recipe.source, pack.source, *(s.source for s in sections)])
    return Document(
        title=_label(pack, recipe.title_label),
        language=language,
        header=header,
        sections=composed,
        page_label=_label(pack, "page"),
        content_version=f"{_label(pack, 'content_version')} {recipe.version}-{language} "
        f"({digest[:8]})",
        content_hash=digest,
        large_print=large,
        labels=pack.labels,
        approval=approval_state(pack, clinic),
    )


def approval_state(pack: LanguagePack, clinic: ClinicProfile) -> Approval:
    """Approved only when the clinic signed off exactly this language's content version; the
    words come from the language's labels, so the mark is in the sheet's language."""
    version = str(pack.meta.get("version") or "")
    approval = clinic.approval_for(pack.language, version)
    if approval is None:
        mark = fill(_label(pack, "draft_mark"), clinic=clinic.name, version=version)
        if "DRAFT" not in mark:  # the one word every reader, in any language, must see
            mark = f"DRAFT - {mark}"
        return Approval(False, version, mark)
    words = DateWords(pack.language, pack.short_date_format, pack.time_format)
    mark = fill(
        _label(pack, "approved_mark"),
        version=version,
        by=approval.approved_by,
        on=words.day(approval.approved_on),
    )
    return Approval(True, version, mark, approval.approved_by, approval.approved_on.isoformat())


@lru_cache(maxsize=8)
def library(templates: Path | None = None) -> ContentLibrary:
    """The shared library for a templates folder (None: packaged content only)."""
    return ContentLibrary(ContentPaths(templates))


def check_patient_for(
    recipe: Recipe, patient: PatientOptions, clinic: ClinicProfile, today: date
) -> None:
    """What this handout needs of the patient beyond a valid patient file."""
    _check_procedure_date(recipe, patient, today)
    held_unsaid = patient.blood_thinner and patient.blood_thinner_held is None
    if recipe.blood_thinners == "after" and held_unsaid:
        text = (
            "required when blood_thinner names a medicine: write all, none, or the names "
            "of those stopped for this procedure"
        )
        raise InputError(Problem(field="blood_thinner_held", text=text, code="required"))
    if recipe.blood_thinners == "before":
        blood_thinners.check_not_passed(patient, clinic, today)


def _check_procedure_date(recipe: Recipe, patient: PatientOptions, today: date) -> None:
    """A recipe may say its procedure must be done already (discharge) or still ahead."""
    if recipe.procedure_date == "any":
        return
    day = patient.procedure_date
    if recipe.procedure_date == "past_or_today" and day > today:
        text = (
            f"{day.isoformat()} is in the future; the {recipe.name} handout is for a procedure "
            "that has been done"
        )
        raise InputError(Problem(field="procedure_date", text=text, code="future"))
    if recipe.procedure_date == "today_or_future" and day < today:
        text = (
            f"{day.isoformat()} is in the past; the {recipe.name} handout is for a procedure "
            "still to come"
        )
        raise InputError(Problem(field="procedure_date", text=text, code="passed"))


def _label(pack: LanguagePack, key: str) -> str:
    try:
        return pack.labels[key]
    except KeyError:
        raise Place(pack.file, None, "labels").error(f"'{key}' is missing") from None


def _date_words(pack: LanguagePack) -> DateWords:
    return DateWords(
        pack.language,
        pack.date_format,
        pack.time_format,
        pack.date_phrases,
        brief_pattern=pack.brief_date_format,
    )


def _context(
    patient: PatientOptions | None, clinic: ClinicProfile, pack: LanguagePack, today: date
) -> dict[str, Any]:
    context: dict[str, Any] = {"clinic": clinic}
    if patient is not None:
        context |= patient.as_context()
        protocol = clinic.protocol
        dates = ProcedureDates(
            _date_words(pack),
            patient.procedure_date,
            procedure_time=patient.procedure_time,
            follow_up=patient.follow_up,
            glucose_check_days=int(protocol["glucose_check_days"]),
            arrival_time=patient.arrival_time,
            arrive_minutes_early=int(protocol["arrive_minutes_early"]),
            discharge_time=patient.discharge_time,
            minutes_to_leave=int(protocol["procedure_minutes"])
            + int(protocol["observation_minutes"]),
            today=today,
        )
        context["dates"] = dates
        # What the clinic's table says for each medicine (never a guessed number).
        context["medicines"] = blood_thinners.plan(patient, clinic, dates)
    return context


def _header(
    patient: PatientOptions | None, clinic: ClinicProfile, pack: LanguagePack
) -> PageHeader:
    fields: tuple[tuple[str, str], ...] = ()
    if patient is not None:
        words = _date_words(pack)
        short = DateWords(pack.language, pack.short_date_format, pack.time_format)
        fields = (
            (_label(pack, "patient"), patient.name),
            (_label(pack, "dob"), short.day(patient.dob)),
            (_label(pack, "mrn"), patient.mrn),
            (_label(pack, "procedure_date"), words.day(patient.procedure_date)),
        )
    return PageHeader(clinic.name, clinic.phone, clinic.after_hours_phone, fields)


def _fail(
    where: Place, exc: BaseException, context: dict[str, Any], source: str, condition: bool
) -> ContentError:
    """A content error naming file and line, in words that quote no patient value.

    A name the sheet does not provide is said the way lint says it, from the template's own
    text ("unknown name 'clinic.protocol.fevr_f'; did you mean ...?"): Jinja's own message
    quotes the missing key, which a template can build from a patient value
    (`clinic.protocol[name|upper]`). Other library messages have patient values hidden, also
    upper- or lower-cased or split into words."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if isinstance(exc, UndefinedError):
        return where.error(_undefined_names(source, condition, context, message))
    return where.error(_redacted(message, context))


def _undefined_names(source: str, condition: bool, context: dict[str, Any], said: str) -> str:
    """Lint's words for the unknown names in `source` (loaded only on this error path); else
    Jinja's own words (`said`) when all they quote is the template's text or a type."""
    from esi_docs.lint.expressions import parse_snippet
    from esi_docs.lint.names import known_names, unknown_names
    from esi_docs.lint.sources import CONDITION, TEXT, Snippet

    try:
        tree = parse_snippet(Snippet(0, CONDITION if condition else TEXT, "", source))
        found = unknown_names(tree, known_names(context))
    except Exception:  # the message below is still true
        found = []
    if not found:
        quoted = re.findall(r"'([^']*)'", said)
        if quoted and all(q in source or q.endswith(" object") for q in quoted):
            return said
        return "uses a name or key the sheet does not provide (esi-docs lint lists the names)"
    hint = lambda s: f"; did you mean '{s}'?" if s else ""  # noqa: E731
    return "; ".join(f"unknown name '{name}'{hint(suggestion)}" for name, suggestion in found)


def _redacted(message: str, context: dict[str, Any]) -> str:
    """`message` with every patient value, and each word of 3 or more letters in one, hidden
    whatever its case."""
    pieces: set[str] = set()
    for key in _PHI_FIELDS:
        value = context.get(key)
        if value and len(str(value)) >= 3:
            pieces |= {str(value), *re.findall(r"\w{3,}", str(value))}
    for piece in sorted(pieces, key=len, reverse=True):
        message = re.sub(re.escape(piece), "[patient data]", message, flags=re.IGNORECASE)
    return message


def _applies(condition: Condition | None, context: dict[str, Any], where: Place) -> bool:
    if condition is None:
        return True
    try:
        return bool(condition.test.evaluate(context))
    except RENDER_ERRORS as exc:
        place = where.at(f"when: {condition.source}")
        raise _fail(place, exc, context, condition.source, True) from None


# A 12-hour time ends in its own period ("9:30 a. m."); a sentence ending on it keeps one.
_ABBREVIATION_STOP = re.compile(r"(\b[ap]\.[ \u00a0\u202f]?m\.)\.")


def _fill(text: Text, context: dict[str, Any], where: Place) -> Markup:
    template = text.template
    if isinstance(template, LiteralText) and len(template.text) <= MAX_TEXT_CHARS:
        filled, problem = _finished_literal(template.text)
    else:
        try:
            rendered = render_text(template, context)
        except RENDER_ERRORS as exc:
            raise _fail(where, exc, context, text.source, False) from None
        filled, problem = _finished(rendered)
    if problem:
        raise where.error(problem)
    return filled


def _finished(rendered: str) -> tuple[Markup, str | None]:
    """Filled text as printed (a doubled full stop after "a. m." dropped), or what is wrong
    with its markup."""
    filled = _ABBREVIATION_STOP.sub(r"\1", rendered.strip())
    # autoescaped output (a template's values) or content's own words; tags checked here
    return Markup(filled), markup_problem(filled)  # noqa: S704


@lru_cache(maxsize=4096)
def _finished_literal(text: str) -> tuple[Markup, str | None]:
    """_finished for a text without template syntax (two thirds of the content): the same
    for every patient, so done once per process."""
    return _finished(text)


def _section(spec: SectionSpec, context: dict[str, Any]) -> Section | None:
    if not _applies(spec.when, context, Place(spec.file)):
        return None
    blocks = tuple(
        b
        for b in (_block(block, context, Place(spec.file, block.line)) for block in spec.blocks)
        if b is not None
    )
    if not blocks:
        return None
    title = _fill(spec.title, context, Place(spec.file, None, "title")) if spec.title else None
    return Section(title, blocks)


def _items(block: BlockSpec, context: dict[str, Any], where: Place) -> tuple[Markup, ...]:
    return tuple(
        _fill(item.text, context, where)
        for item in block.items
        if _applies(item.when, context, where)
    )


def _block(block: BlockSpec, context: dict[str, Any], where: Place) -> Block | None:
    """One block, or None when it does not apply (or would print empty)."""
    where = where.at(block.id)
    if not _applies(block.when, context, where):
        return None
    items = _items(block, context, where)
    text = _fill(block.text, context, where) if block.text else None
    if block.type == "paragraph":
        return Paragraph(text) if text else None
    if block.type == "bullets":
        return Bullets(items) if items else None
    if block.type == "signature":
        return Signature(items)
    if block.type == "callout":
        title = _fill(block.title, context, where) if block.title else Markup("")
        return Callout(block.tier, title, items, text) if (items or text) else None
    return _table(block, context, where)


def _table(block: BlockSpec, context: dict[str, Any], where: Place) -> Table | None:
    columns = tuple(_fill(c, context, where) for c in block.columns)
    try:
        rows = block.rows.test.evaluate(context) if block.rows else []
        rows = list(rows)
    except RENDER_ERRORS as exc:
        source = block.rows.source if block.rows else ""
        raise _fail(where.at("rows"), exc, context, source, True) from None
    if len(rows) > MAX_TABLE_ROWS:
        raise where.at("rows").error(f"{len(rows)} rows; the limit is {MAX_TABLE_ROWS}")
    cells = tuple(_row(row, len(columns)) for row in rows)
    return Table(columns, cells) if cells else None


def _row(row: Any, width: int) -> tuple[Markup, ...]:
    """A row value is one first cell (a date, say) or a list of cells; the rest stay blank."""
    values = list(row) if isinstance(row, list | tuple) else [row]
    values += [""] * (width - len(values))
    return tuple(Markup.escape(str(v)) for v in values[:width])


__all__ = ["Composed", "ContentLibrary", "UndefinedError", "content_hash", "library"]


def _stamp(path: Traversable) -> tuple[object, ...]:
    """Which file, and its modification time and size: changes whenever the file is edited."""
    try:
        info = os.stat(path)  # type: ignore[arg-type]
    except (TypeError, OSError):  # not on a file system (a zip import): never changes
        return (str(path),)
    return (str(path), info.st_mtime_ns, info.st_size, info.st_ino)
