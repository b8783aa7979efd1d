"""Sign-off findings for `esi-docs lint --clinic clinic.yaml` (issue 13).

A language whose current content version the clinic has not approved prints every sheet with a
DRAFT mark: a warning, so the content owner knows before a nurse does. An approval of content
whose files still say `needs_clinical_review: true` is an error: the clinic signed off wording
its own translator or reviewer says is not checked yet, and the sheets would print as final.
"""

from __future__ import annotations

from esi_docs.inputs.clinic import APPROVAL_KEY, ClinicProfile
from esi_docs.lint.findings import ERROR, WARNING, Finding
from esi_docs.lint.sources import ContentFile, Inventory

CHECK = "signoff"
_NAMED_FILES = 4  # files named in one message; the rest are counted


def check_signoff(inventory: Inventory, clinic: ClinicProfile, clinic_file: str) -> list[Finding]:
    """One finding per language without an approval of its current version, or approved while
    some of its files still need clinical review; and one per approval of no known language."""
    found = []
    for language in inventory.languages:
        pack = inventory.language_files.get(language)
        if pack is None or pack.data is None:
            continue  # reported by the completeness and structure checks
        version = str(pack.data.get("version") or "")
        files = [pack, *inventory.sections.get(language, {}).values()]
        finding = _language_finding(language, version, files, clinic, clinic_file)
        if finding is not None:
            found.append(finding)
    for language in sorted(set(clinic.content_approval) - set(inventory.languages)):
        message = f"{APPROVAL_KEY}.{language}: approves a language that has no content"
        found.append(Finding(clinic_file, None, WARNING, CHECK, message))
    return found


def _language_finding(
    language: str, version: str, files: list[ContentFile], clinic: ClinicProfile, where: str
) -> Finding | None:
    given = clinic.content_approval.get(language)
    draft = f"its sheets print with a DRAFT mark until the clinic approves {version}"
    if given is None:
        message = f"{APPROVAL_KEY}: no approval for '{language}' (content {version}); {draft}"
        return Finding(where, None, WARNING, CHECK, message)
    if given.version != version:
        message = (
            f"{APPROVAL_KEY}.{language}: approves content {given.version}, but the content "
            f"is now {version}; {draft}"
        )
        return Finding(where, None, WARNING, CHECK, message)
    flagged = [f.file for f in files if f.data is not None and f.data.get("needs_clinical_review")]
    if not flagged:
        return None
    named = ", ".join(flagged[:_NAMED_FILES])
    more = f" and {len(flagged) - _NAMED_FILES} more" if len(flagged) > _NAMED_FILES else ""
    message = (
        f"{APPROVAL_KEY}.{language}: approves content {version}, but {len(flagged)} of its "
        f"files still say needs_clinical_review: true ({named}{more}); have a clinician check "
        "them and set it to false, or take the approval back"
    )
    return Finding(where, None, ERROR, CHECK, message)
