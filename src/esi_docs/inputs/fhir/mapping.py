"""Maps the resources of one patient to patient-file values, resource by resource.

Each mapper returns Findings: the value as a patient file would hold it (a string), where in
the Bundle it came from, or, when the Bundle speaks of the field without settling it, why not.
A field no mapper returns is simply not in the Bundle. Nothing here guesses: see codes.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from esi_docs.inputs import esi_codes
from esi_docs.inputs.esi_codes import LocalCode
from esi_docs.inputs.fhir import codes
from esi_docs.inputs.fhir.reader import PatientRecord
from esi_docs.inputs.merging import Finding, Findings


def codings(concept: Any) -> list[Any]:
    """The codings of a CodeableConcept (none for a missing concept)."""
    return list(concept.coding or []) if concept is not None else []


def _has_code(concept: Any, system: str, wanted: Iterable[str]) -> bool:
    wanted = set(wanted)
    return any(c.system == system and c.code in wanted for c in codings(concept))


# --- Patient -------------------------------------------------------------------------------

_NAME_ORDER = ("usual", "official", None, "temp", "nickname")


def _best_name(names: list[Any]) -> tuple[int, Any] | None:
    ranked = [(i, n) for i, n in enumerate(names) if n.use in _NAME_ORDER]
    ranked.sort(key=lambda pair: _NAME_ORDER.index(pair[1].use))
    return ranked[0] if ranked else None


def _name(record: PatientRecord) -> Findings:
    best = _best_name(list(record.patient.name or []))
    if best is None:
        return {}
    index, name = best
    parts = [*(name.given or []), name.family or ""]
    text = " ".join(part.strip() for part in parts if part and part.strip())
    if not text and name.text:
        text = name.text.strip()
    where = f"{record.label}.name[{index}]"
    return {"name": Finding(text or None, where, "has no given or family name")}


def _mrn(record: PatientRecord) -> Findings:
    found = [
        (i, ident)
        for i, ident in enumerate(record.patient.identifier or [])
        if ident.use != "old" and _has_code(ident.type, codes.V2_0203, {"MR"}) and ident.value
    ]
    values = {ident.value for _, ident in found}
    if not found:
        return {}
    where = f"{record.label}.identifier[{found[0][0]}]"
    if len(values) > 1:
        return {"mrn": Finding(None, where, "the Patient has several different MR identifiers")}
    return {"mrn": Finding(found[0][1].value, where)}


def _language(record: PatientRecord) -> Findings:
    comms = list(record.patient.communication or [])
    chosen = [(i, c) for i, c in enumerate(comms) if c.preferred]
    if not chosen and len(comms) == 1:
        chosen = [(0, comms[0])]
    if not comms:
        return {}
    if len(chosen) != 1:
        where = f"{record.label}.communication"
        return {"language": Finding(None, where, "no single preferred language")}
    index, comm = chosen[0]
    where = f"{record.label}.communication[{index}].language"
    tags = [c.code for c in codings(comm.language) if c.code]
    if not tags:
        return {"language": Finding(None, where, "has no language code")}
    # The primary subtag names the content folder; whether the clinic has content in that
    # language is the content search path's to say, when the sheet is composed.
    return {"language": Finding(tags[0].split("-")[0].lower(), where)}


def map_patient(record: PatientRecord) -> Findings:
    """name, dob, mrn and language from the Patient resource."""
    findings: Findings = {**_name(record), **_mrn(record), **_language(record)}
    dob = record.patient.birthDate
    if dob is not None:
        where = f"{record.label}.birthDate"
        if isinstance(dob, str):  # FHIR allows a year or year-month: not a date to print
            findings["dob"] = Finding(None, where, "gives no full date")
        else:
            findings["dob"] = Finding(dob.isoformat(), where)
    return findings


# --- Procedure -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureFindings:
    """What the ESI Procedure settles, and the Encounter it belongs to (for FHIR out)."""

    findings: Findings
    encounter: str | None = None


def _meanings(procedure: Any, local: tuple[LocalCode, ...]) -> list[esi_codes.Meaning]:
    found = (esi_codes.meaning(c.system, c.code, local) for c in codings(procedure.code))
    return [m for m in found if m is not None]


def _is_esi(procedure: Any, local: tuple[LocalCode, ...]) -> bool:
    single = any(m.single_shot for m in _meanings(procedure, local))
    return single or bool(_extension(procedure, codes.APPROACH_EXTENSION))


def _extension(resource: Any, url: str) -> Any:
    return next((ext for ext in resource.extension or [] if ext.url == url), None)


def _performed(procedure: Any) -> tuple[Any, str]:
    if procedure.performedDateTime is not None:
        return procedure.performedDateTime, "performedDateTime"
    if procedure.performedPeriod is not None and procedure.performedPeriod.start is not None:
        return procedure.performedPeriod.start, "performedPeriod.start"
    return None, "performed[x]"


def _when(label: str, procedure: Any) -> Findings:
    value, element = _performed(procedure)
    where = f"{label}.{element}"
    if value is None:
        return {}
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if offset == timedelta(0):
            reason = "is written in UTC, not the clinic's local time"
            return {
                "procedure_date": Finding(None, where, reason),
                "procedure_time": Finding(None, where, reason),
            }
        return {
            "procedure_date": Finding(value.date().isoformat(), where),
            "procedure_time": Finding(value.strftime("%H:%M"), where),
        }
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return {"procedure_date": Finding(value.isoformat(), where)}
    return {"procedure_date": Finding(None, where, "gives no full date")}


def _site_region(label: str, procedure: Any) -> Findings:
    found = {
        codes.REGION_BY_SNOMED[c.code]
        for site in procedure.bodySite or []
        for c in codings(site)
        if c.system == codes.SNOMED and c.code in codes.REGION_BY_SNOMED
    }
    where = f"{label}.bodySite"
    if len(found) > 1:
        return {"region": Finding(None, where, "names more than one spine region")}
    return {"region": Finding(found.pop(), where)} if found else {}


def _region(label: str, procedure: Any, meanings: list[esi_codes.Meaning]) -> Findings:
    """The region from bodySite, cross-checked with what the code allows; else the code's own
    region when it names exactly one."""
    site = _site_region(label, procedure).get("region")
    code = esi_codes.code_region(meanings, f"{label}.code")
    if site is None or site.value is None:
        return {"region": site} if site is not None else code
    allowed = esi_codes.allowed_regions(meanings)
    if allowed and site.value not in allowed:
        shown = next(m for m in meanings if m.regions)
        reason = f"says {site.value}, but {shown.label} is {' or '.join(shown.regions)}"
        return {"region": Finding(None, site.where, reason)}
    return {"region": site}


def _approach(label: str, procedure: Any, meanings: list[esi_codes.Meaning]) -> Findings:
    ext = _extension(procedure, codes.APPROACH_EXTENSION)
    by_code = esi_codes.code_approach(meanings, f"{label}.code")
    if ext is not None:
        where = f"{label}.extension[{codes.APPROACH_EXTENSION}]"
        value = ext.valueCode
        said = by_code.get("approach")
        if said is not None and said.value is not None and said.value != value:
            return {"approach": Finding(None, where, "disagrees with the procedure code")}
        if said is not None and said.value is None and said.reason.startswith("codes name"):
            return {"approach": Finding(None, where, "disagrees with the procedure code")}
        return {"approach": Finding(value, where)}
    if by_code:
        return by_code
    return {"approach": Finding(None, f"{label}.code", "no approach code")}


def _sedation(label: str, procedure: Any) -> Findings:
    ext = _extension(procedure, codes.SEDATION_EXTENSION)
    if ext is None or ext.valueBoolean is None:
        return {}
    where = f"{label}.extension[{codes.SEDATION_EXTENSION}]"
    return {"sedation": Finding("true" if ext.valueBoolean else "false", where)}


def _code_names(procedure: Any) -> str:
    shown = [f"{esi_codes.system_name(c.system)} {c.code}" for c in codings(procedure.code)]
    return ", ".join(shown[:3]) if shown else ""


def _why_not(procedure: Any, local: tuple[LocalCode, ...]) -> str:
    """Why one Procedure is not the ESI (codes and statuses only: no patient data)."""
    names = _code_names(procedure)
    if _is_esi(procedure, local):
        return f"{names or 'an ESI'} with status '{procedure.status}', not completed"
    if not names:
        return "no code"
    return f"{names}: not an ESI code"


MAX_LISTED = 5


def _none_is_esi(record: PatientRecord, local: tuple[LocalCode, ...]) -> Findings:
    """No ESI Procedure: a catheter infusion is refused outright; otherwise say which
    Procedures the Bundle holds and why none is an ESI."""
    procedures = record.of_type("Procedure")
    for label, p in procedures:
        catheter = [m for m in _meanings(p, local) if not m.single_shot]
        if catheter and p.status in codes.PROCEDURE_DONE:
            reason = (
                f"{catheter[0].label} is an epidural catheter infusion, not a single-shot "
                "injection; esi-docs prints sheets for single-shot ESIs only"
            )
            return {"approach": Finding(None, f"{label}.code", reason, final=True)}
    if not procedures:
        return {}
    listed = "; ".join(f"{label} ({_why_not(p, local)})" for label, p in procedures[:MAX_LISTED])
    more = f"; and {len(procedures) - MAX_LISTED} more" if len(procedures) > MAX_LISTED else ""
    where = f"{record.label}: Procedures"
    reason = f"none is a completed ESI: {listed}{more}"
    return {"procedure_date": Finding(None, where, reason)}


def map_procedure(record: PatientRecord, local: tuple[LocalCode, ...] = ()) -> ProcedureFindings:
    """Date, time, region, approach (and sedation by extension) from the ESI Procedure."""
    done = [
        (label, p)
        for label, p in record.of_type("Procedure")
        if p.status in codes.PROCEDURE_DONE and _is_esi(p, local)
    ]
    if not done:
        return ProcedureFindings(_none_is_esi(record, local))
    if len(done) > 1:
        reason = "the Bundle holds several ESI Procedures for this patient"
        where = ", ".join(label for label, _ in done)
        fields = ("procedure_date", "procedure_time", "approach", "region")
        return ProcedureFindings({name: Finding(None, where, reason) for name in fields})
    label, procedure = done[0]
    meanings = _meanings(procedure, local)
    findings = {
        **_when(label, procedure),
        **_region(label, procedure, meanings),
        **_approach(label, procedure, meanings),
        **_sedation(label, procedure),
    }
    encounter = procedure.encounter.reference if procedure.encounter is not None else None
    return ProcedureFindings(findings, encounter)


# --- Condition -----------------------------------------------------------------------------


def _is_diabetes(condition: Any) -> bool:
    for c in codings(condition.code):
        if c.system == codes.SNOMED and c.code in codes.DIABETES_SNOMED:
            return True
        if c.system in codes.ICD10 and (c.code or "").upper().startswith(
            codes.DIABETES_ICD10_PREFIXES
        ):
            return True
    return False


def _status(concept: Any) -> str | None:
    return next((c.code for c in codings(concept)), None)


def _diabetes_state(condition: Any) -> bool | None:
    """True active, False present but not active, None unsettled (unconfirmed or no status)."""
    verification = _status(condition.verificationStatus)
    if verification == "refuted":
        return False
    if verification not in (None, "confirmed"):
        return None
    clinical = _status(condition.clinicalStatus)
    if clinical in codes.ACTIVE_CLINICAL:
        return True
    if clinical in codes.INACTIVE_CLINICAL:
        return False
    return None


def map_conditions(record: PatientRecord) -> Findings:
    """diabetic from diabetes Conditions: any active -> true; all inactive -> false."""
    found = [
        (label, c)
        for label, c in record.of_type("Condition")
        if _is_diabetes(c) and _status(c.verificationStatus) != "entered-in-error"
    ]
    if not found:
        return {}
    states = [_diabetes_state(c) for _, c in found]
    active = [label for (label, _), state in zip(found, states, strict=True) if state]
    if active:
        return {"diabetic": Finding("true", f"{active[0]}.clinicalStatus")}
    where = ", ".join(label for label, _ in found)
    if all(state is False for state in states):
        return {"diabetic": Finding("false", where)}
    reason = "a diabetes Condition is unconfirmed or has no clinical status"
    return {"diabetic": Finding(None, where, reason)}


# --- MedicationStatement / MedicationRequest -----------------------------------------------


def _is_blood_thinner(concept: Any) -> bool:
    for c in codings(concept):
        if c.system == codes.RXNORM and c.code in codes.BLOOD_THINNER_RXNORM:
            return True
        if c.system == codes.ATC and (c.code or "").upper().startswith(
            codes.BLOOD_THINNER_ATC_PREFIX
        ):
            return True
    return False


def _drug_name(concept: Any) -> str:
    """The name as the EHR shows it: text first, then the display of a matching coding."""
    if concept.text and concept.text.strip():
        return concept.text.strip()
    for c in codings(concept):
        if c.display and (c.system in (codes.RXNORM, codes.ATC)):
            return c.display.strip()
    return next((c.display.strip() for c in codings(concept) if c.display), "")


def _medication_concepts(resource: Any, medications: Mapping[str, Any]) -> list[Any]:
    """The drug's own code, or a referenced Medication's code and ingredient codes."""
    if resource.medicationCodeableConcept is not None:
        return [resource.medicationCodeableConcept]
    reference = resource.medicationReference.reference if resource.medicationReference else None
    medication = medications.get(reference or "")
    if medication is None:
        return []
    ingredients = [i.itemCodeableConcept for i in medication.ingredient or []]
    return [medication.code, *[i for i in ingredients if i is not None]]


def map_medications(record: PatientRecord, medications: Mapping[str, Any]) -> Findings:
    """blood_thinner: the names of the active anticoagulants and antiplatelets, if any.

    No active one does not settle 'none': a medication list may be incomplete or coded in
    ways not listed, so staff confirm 'none' in the overrides file.
    """
    names: list[str] = []
    where: list[str] = []
    for kind, taking in (
        ("MedicationStatement", codes.TAKING_STATEMENT),
        ("MedicationRequest", codes.TAKING_REQUEST),
    ):
        for label, resource in record.of_type(kind):
            if resource.status not in taking:
                continue
            concepts = _medication_concepts(resource, medications)
            if any(_is_blood_thinner(c) for c in concepts if c is not None):
                name = next((_drug_name(c) for c in concepts if c and _drug_name(c)), "")
                where.append(label)
                if name and name.lower() not in (n.lower() for n in names):
                    names.append(name)
    if not where:
        return {}
    if not names:
        return {"blood_thinner": Finding(None, where[0], "the drug has no name to print")}
    # several names are written with ";" between them, as in a roster cell
    return {"blood_thinner": Finding("; ".join(names), ", ".join(where))}
