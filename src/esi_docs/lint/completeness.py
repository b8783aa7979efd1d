"""Every language says everything: the same sections, the same block ids, the same labels.

English is the reference: content is written in English first and translated. A section a
recipe lists must exist in every language, or a Spanish-speaking patient's sheet would fail.
"""

from __future__ import annotations

from typing import Any

from esi_docs.content.files import load_language, load_recipe, load_section
from esi_docs.errors import EsiDocsError, Problem
from esi_docs.inputs.yamlio import LINE_KEY
from esi_docs.lint.findings import ERROR, Finding
from esi_docs.lint.sources import ContentFile, Inventory

REFERENCE = "en"


def located(problem: Problem, default_file: str, check: str) -> Finding:
    """A loader's Problem as a Finding: its own file and line when it is about that file."""
    if problem.source == default_file:
        text = ": ".join(part for part in (problem.field, problem.text) if part)
        return Finding(default_file, problem.line, ERROR, check, text)
    return Finding(default_file, None, ERROR, check, str(problem))


def check_readable(content: ContentFile) -> list[Finding]:
    """A file that is not valid YAML (or not a mapping) is reported once, here."""
    if content.error is None:
        return []
    line, message = content.error
    return [Finding(content.file, line, ERROR, "structure", message)]


def check_structure(content: ContentFile) -> list[Finding]:
    """Load the file as rendering does (required keys, block types, unique ids)."""
    if content.path is None or content.data is None:
        return []
    loader: Any = {"recipe": load_recipe, "language": load_language, "section": load_section}
    try:
        loader[content.kind](content.path, content.language or content.name)
    except EsiDocsError as exc:
        return [located(problem, content.file, "structure") for problem in exc.problems]
    return []


def check_completeness(inventory: Inventory) -> list[Finding]:
    found = _recipe_sections(inventory)
    if REFERENCE in inventory.sections:
        for language in inventory.languages:
            if language != REFERENCE:
                found += _translation(inventory, language)
    found += _labels(inventory)
    return found


def _recipe_sections(inventory: Inventory) -> list[Finding]:
    found = []
    for recipe in inventory.recipes:
        sections = (recipe.data or {}).get("sections") or []
        for language in inventory.languages:
            for name in sections if isinstance(sections, list) else []:
                if str(name) not in inventory.sections[language]:
                    line = (recipe.data or {}).get(LINE_KEY)
                    found.append(
                        Finding(
                            recipe.file,
                            line,
                            ERROR,
                            "completeness",
                            f"section '{name}' has no file in {language} ({language}/{name}.yaml)",
                        )
                    )
    return found


def _translation(inventory: Inventory, language: str) -> list[Finding]:
    found = []
    english = inventory.sections[REFERENCE]
    translated = inventory.sections[language]
    for name, source in english.items():
        target = translated.get(name)
        if target is None:
            found.append(
                Finding(
                    f"{language}/{name}.yaml",
                    None,
                    ERROR,
                    "completeness",
                    f"missing: {source.file} has no translation in {language}",
                )
            )
        else:
            found += _block_ids(source, target)
    for name, target in translated.items():
        if name not in english:
            found.append(
                Finding(
                    target.file,
                    None,
                    ERROR,
                    "completeness",
                    f"{REFERENCE}/{name}.yaml does not exist: a section must be written in "
                    f"{REFERENCE} first",
                )
            )
    return found


def _ids(content: ContentFile) -> dict[str, int | None]:
    blocks = (content.data or {}).get("blocks")
    ids: dict[str, int | None] = {}
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and "id" in block:
            ids.setdefault(str(block["id"]), block.get(LINE_KEY))
    return ids


def _block_ids(source: ContentFile, target: ContentFile) -> list[Finding]:
    if source.data is None or target.data is None:
        return []
    english, translated = _ids(source), _ids(target)
    found = [
        Finding(
            target.file,
            None,
            ERROR,
            "completeness",
            f"block '{block_id}' of {source.file} is missing here",
        )
        for block_id in english
        if block_id not in translated
    ]
    found += [
        Finding(
            target.file, line, ERROR, "completeness", f"block '{block_id}' is not in {source.file}"
        )
        for block_id, line in translated.items()
        if block_id not in english
    ]
    return found


def _labels(inventory: Inventory) -> list[Finding]:
    keys: dict[str, dict[str, Any]] = {}
    for language, pack in inventory.language_files.items():
        labels = (pack.data or {}).get("labels")
        if isinstance(labels, dict):
            keys[language] = {k: v for k, v in labels.items() if k != LINE_KEY}
    every = sorted({key for labels in keys.values() for key in labels})
    found = []
    for language, labels in sorted(keys.items()):
        pack = inventory.language_files[language]
        for key in every:
            if key not in labels:
                having = next(lang for lang in sorted(keys) if key in keys[lang])
                found.append(
                    Finding(
                        pack.file,
                        None,
                        ERROR,
                        "completeness",
                        f"labels: '{key}' is missing ({having}/_language.yaml has it)",
                    )
                )
    return found
