"""Sign-off status per language: which content version its sheets print, and whether the
clinic approved exactly that version.

One answer for every place that reports it (the form beside its Show sheet button, `/health`,
`esi-docs lint --clinic`), taken from the same `approval_state` that puts the DRAFT mark or
the approval on the sheet itself, so what the nurse is told is what the patient gets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from esi_docs.content.compose import ContentLibrary, approval_state
from esi_docs.inputs.clinic import ClinicProfile


@dataclass(frozen=True)
class LanguageSignoff:
    """One language's sign-off, as its sheets would print it."""

    language: str
    version: str  # the content version its sheets print (version in _language.yaml)
    approved: bool
    approved_by: str
    approved_on: str  # ISO date, "" for a draft
    mark: str  # the words every page carries, in the sheet's language
    approved_version: str  # what the clinic approved, "" when nothing (may be an older one)

    def as_json(self) -> dict[str, Any]:
        """For /health: no PHI, only the clinic's own sign-off."""
        return {
            "version": self.version,
            "approved": self.approved,
            "approved_by": self.approved_by,
            "approved_on": self.approved_on,
            "approved_version": self.approved_version,
        }

    def nurse_words(self, language_name: str) -> str:
        """One English line for the checkout form (the nurse's language, not the sheet's)."""
        if self.approved:
            return (
                f"{language_name}: approved by {self.approved_by} on {self.approved_on} "
                f"(content {self.version})."
            )
        older = f"; the approval on file is for {self.approved_version}" * bool(
            self.approved_version
        )
        return (
            f"{language_name}: DRAFT, content {self.version} is not approved{older}. "
            "Every page of the sheet will say DRAFT."
        )


def language_signoff(
    content: ContentLibrary, clinic: ClinicProfile, language: str
) -> LanguageSignoff:
    """The sign-off of one language's content on this search path, for this clinic."""
    approval = approval_state(content.language(language), clinic)
    given = clinic.content_approval.get(language)
    return LanguageSignoff(
        language=language,
        version=approval.version,
        approved=approval.approved,
        approved_by=approval.approved_by,
        approved_on=approval.approved_on,
        mark=approval.mark,
        approved_version=given.version if given is not None else "",
    )


def signoff_by_language(
    content: ContentLibrary, clinic: ClinicProfile, languages: Iterable[str]
) -> dict[str, LanguageSignoff]:
    """Each language's sign-off, in the order given; raises ContentError like composing."""
    return {code: language_signoff(content, clinic, code) for code in languages}
