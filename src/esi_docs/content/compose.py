"""Turns a recipe, its sections, a patient and a clinic into a Document.

This is where `when:` conditions decide what applies to this patient and where text is filled
in. A section whose blocks all drop out is left out entirely, so a sheet never shows an empty
heading.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import UndefinedError
from markupsafe import Markup

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
    LanguagePack,
    Recipe,
    SectionSpec,
    Text,
    load_language,
    load_recipe,
    load_section,
)
from esi_docs.content.sandbox import (
    RENDER_ERRORS,
    TemplateTimeout,
    deadline,
    markup_problem,
    render_text,
)
from esi_docs.content.search_path import ContentPaths
from esi_docs.errors import ContentError, InputError
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
    _cache: dict[tuple[str, ...], Any] = field(default_factory=dict)

    def _cached(self, key: tuple[str, ...], loader: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = loader()
        return self._cache[key]

    def recipe(self, name: str) -> Recipe:
        def load() -> Recipe:
            path = self.paths.recipe(name)
            if path is None:
                known = ", ".join(self.paths.recipe_names())
                raise ContentError(f"handout '{name}' does not exist; choose one of {known}")
            return load_recipe(path, name)

        return self._cached(("recipe", name), load)

    def language(self, language: str) -> LanguagePack:
        def load() -> LanguagePack:
            path = self.paths.section(language, "_language")
            if path is None:
                known = ", ".join(self.paths.languages())
                raise ContentError(f"language '{language}' has no content; available: {known}")
            return load_language(path, language)

        return self._cached(("language", language), load)

    def section(self, language: str, name: str) -> SectionSpec:
        def load() -> SectionSpec:
            path = self.paths.section(language, name)
            if path is None:
                raise ContentError(
                    f"{language}/{name}.yaml: missing (no translation for this section)"
                )
            return load_section(path, name)

        return self._cached(("section", language, name), load)

    def compose(
        self,
        handout: str,
        patient: PatientOptions | None,
        clinic: ClinicProfile,
        *,
        language: str | None = None,
        large_print: bool | None = None,
    ) -> Document:
        """Build the Document for one handout; raises ContentError on a content mistake."""
        recipe = self.recipe(handout)
        if recipe.requires_patient and patient is None:
            raise ContentError(f"handout '{handout}' is for one patient: give --patient")
        _check_procedure_date(recipe, patient)
        language = language or (patient.language if patient else "en")
        pack = self.language(language)
        sections = [self.section(language, name) for name in recipe.sections]
        # Loading and compiling files (cached) stays outside the time limit: only filling in
        # the text can loop for ever.
        try:
            with deadline():
                return _compose(recipe, pack, sections, patient, clinic, large_print)
        except TemplateTimeout as exc:  # arrived outside a text, e.g. between two sections
            raise ContentError(f"{recipe.file}: {exc.message}") from None


def _compose(
    recipe: Recipe,
    pack: LanguagePack,
    sections: list[SectionSpec],
    patient: PatientOptions | None,
    clinic: ClinicProfile,
    large_print: bool | None,
) -> Document:
    """The Document from loaded content: conditions decide, templates fill in."""
    language = pack.language
    large = bool(
        large_print if large_print is not None else (patient.large_print if patient else False)
    )
    try:  # Babel formats the dates here; its errors may quote them, so only the type
        # The print size and language are known with or without a patient (the guide), and
        # content may choose a layout by them (a table across the page or down it).
        context = _context(patient, clinic, pack) | {"language": language, "large_print": large}
        header = _header(patient, clinic, pack)
    except ValueError as exc:  # Babel: "Invalid length for field: 'QQQQQQ'"
        raise ContentError(
            f"{pack.file}: date_format, short_date_format or time_format: not a usable "
            f"date pattern ({type(exc).__name__})"
        ) from None
    composed = tuple(s for s in (_section(spec, context) for spec in sections) if s)
    digest = _digest(recipe, pack, sections)
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
        mark = _label(pack, "draft_mark").format(clinic=clinic.name, version=version)
        if "DRAFT" not in mark:  # the one word every reader, in any language, must see
            mark = f"DRAFT - {mark}"
        return Approval(False, version, mark)
    words = DateWords(pack.language, pack.short_date_format, pack.time_format)
    mark = _label(pack, "approved_mark").format(
        version=version, by=approval.approved_by, on=words.day(approval.approved_on)
    )
    return Approval(True, version, mark, approval.approved_by, approval.approved_on.isoformat())


@lru_cache(maxsize=8)
def library(templates: Path | None = None) -> ContentLibrary:
    """The shared library for a templates folder (None: packaged content only)."""
    return ContentLibrary(ContentPaths(templates))


def _check_procedure_date(recipe: Recipe, patient: PatientOptions | None) -> None:
    """A recipe may say its procedure must be done already (discharge) or still ahead."""
    if patient is None or recipe.procedure_date == "any":
        return
    day, today = patient.procedure_date, date.today()
    if recipe.procedure_date == "past_or_today" and day > today:
        raise InputError(
            f"procedure_date: {day.isoformat()} is in the future; the {recipe.name} handout "
            "is for a procedure that has been done"
        )
    if recipe.procedure_date == "today_or_future" and day < today:
        raise InputError(
            f"procedure_date: {day.isoformat()} is in the past; the {recipe.name} handout "
            "is for a procedure still to come"
        )


def _label(pack: LanguagePack, key: str) -> str:
    try:
        return pack.labels[key]
    except KeyError:
        raise ContentError(f"{pack.file}: labels: '{key}' is missing") from None


def _digest(recipe: Recipe, pack: LanguagePack, sections: list[SectionSpec]) -> str:
    joined = "".join([recipe.digest, pack.digest, *(s.digest for s in sections)])
    return hashlib.sha256(joined.encode()).hexdigest()


def _date_words(pack: LanguagePack) -> DateWords:
    return DateWords(
        pack.language,
        pack.date_format,
        pack.time_format,
        pack.date_phrases,
        brief_pattern=pack.brief_date_format,
    )


def _context(
    patient: PatientOptions | None, clinic: ClinicProfile, pack: LanguagePack
) -> dict[str, Any]:
    context: dict[str, Any] = {"clinic": clinic}
    if patient is not None:
        context |= patient.as_context()
        context["dates"] = ProcedureDates(
            _date_words(pack),
            patient.procedure_date,
            procedure_time=patient.procedure_time,
            follow_up=patient.follow_up,
            glucose_check_days=int(clinic.protocol["glucose_check_days"]),
            arrival_time=patient.arrival_time,
            arrive_minutes_early=int(clinic.protocol["arrive_minutes_early"]),
        )
        # The clinic's hold rule for this patient's drug, or None (never a guessed number).
        context["blood_thinner_hold"] = (
            clinic.hold_for(patient.blood_thinner) if patient.blood_thinner else None
        )
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


def _fail(where: str, exc: BaseException, context: dict[str, Any]) -> ContentError:
    """A content error naming file and line; patient values in the library's text are hidden."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    for key in _PHI_FIELDS:
        value = context.get(key)
        if value and len(str(value)) >= 3:
            message = message.replace(str(value), "[patient data]")
    return ContentError(f"{where}: {message}")


def _applies(condition: Condition | None, context: dict[str, Any], where: str) -> bool:
    if condition is None:
        return True
    try:
        return bool(condition.test(**context))
    except RENDER_ERRORS as exc:
        raise _fail(f"{where}: when: {condition.source}", exc, context) from None


# A 12-hour time ends in its own period ("9:30 a. m."); a sentence ending on it keeps one.
_ABBREVIATION_STOP = re.compile(r"(\b[ap]\.[ \u00a0\u202f]?m\.)\.")


def _fill(text: Text, context: dict[str, Any], where: str) -> Markup:
    try:
        filled = render_text(text.template, context).strip()
    except RENDER_ERRORS as exc:
        raise _fail(where, exc, context) from None
    filled = _ABBREVIATION_STOP.sub(r"\1", filled)
    problem = markup_problem(filled)
    if problem:
        raise ContentError(f"{where}: {problem}")
    return Markup(filled)  # noqa: S704 - autoescaped output, tags checked above


def _section(spec: SectionSpec, context: dict[str, Any]) -> Section | None:
    if not _applies(spec.when, context, spec.file):
        return None
    blocks = tuple(
        b
        for b in (_block(block, context, f"{spec.file}:{block.line}") for block in spec.blocks)
        if b is not None
    )
    if not blocks:
        return None
    title = _fill(spec.title, context, f"{spec.file}: title") if spec.title else None
    return Section(title, blocks)


def _items(block: BlockSpec, context: dict[str, Any], where: str) -> tuple[Markup, ...]:
    return tuple(
        _fill(item.text, context, where)
        for item in block.items
        if _applies(item.when, context, where)
    )


def _block(block: BlockSpec, context: dict[str, Any], where: str) -> Block | None:
    """One block, or None when it does not apply (or would print empty)."""
    where = f"{where}: {block.id}"
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


def _table(block: BlockSpec, context: dict[str, Any], where: str) -> Table | None:
    columns = tuple(_fill(c, context, where) for c in block.columns)
    try:
        rows = block.rows.test(**context) if block.rows else []
        rows = list(rows)
    except RENDER_ERRORS as exc:
        raise _fail(f"{where}: rows", exc, context) from None
    if len(rows) > MAX_TABLE_ROWS:
        raise ContentError(f"{where}: rows: {len(rows)} rows; the limit is {MAX_TABLE_ROWS}")
    cells = tuple(_row(row, len(columns)) for row in rows)
    return Table(columns, cells) if cells else None


def _row(row: Any, width: int) -> tuple[Markup, ...]:
    """A row value is one first cell (a date, say) or a list of cells; the rest stay blank."""
    values = list(row) if isinstance(row, list | tuple) else [row]
    values += [""] * (width - len(values))
    return tuple(Markup.escape(str(v)) for v in values[:width])


__all__ = ["ContentLibrary", "UndefinedError", "library"]
