"""The code tables the FHIR mapping reads: which codes settle which patient field.

Every code here is listed in the README's FHIR table; a code not listed settles nothing, and
the run then asks for the value in the overrides file instead of guessing.
"""

from __future__ import annotations

from esi_docs.inputs import esi_codes

SNOMED = "http://snomed.info/sct"
CPT = esi_codes.CPT_URI
ICD10 = ("http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10")
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"

# Our own extensions, set by the clinic's interface engine where the EHR's codes do not say.
EXTENSION_BASE = "https://esi-docs.example.org/fhir/StructureDefinition/"
APPROACH_EXTENSION = EXTENSION_BASE + "esi-approach"  # on Procedure: valueCode
SEDATION_EXTENSION = EXTENSION_BASE + "esi-sedation"  # on Procedure: valueBoolean

# bodySite (SNOMED CT body structures) -> region.
REGION_BY_SNOMED = {
    "122494005": "cervical",  # Cervical spine structure
    "122495006": "thoracic",  # Thoracic spine structure
    "122496007": "lumbar",  # Lumbar spine structure
}

# Procedure.code: the ESI code table is esi_codes.py, shared with HL7 v2 AIS-3.

# Diabetes mellitus (SNOMED CT 73211009) and the descendants we list.
DIABETES_SNOMED = {
    "73211009",  # Diabetes mellitus
    "44054006",  # Diabetes mellitus type 2
    "46635009",  # Diabetes mellitus type 1
    "11687002",  # Gestational diabetes mellitus
    "8801005",  # Secondary diabetes mellitus
}
DIABETES_ICD10_PREFIXES = esi_codes.DIABETES_ICD10_PREFIXES  # shared with HL7 v2 DG1

ACTIVE_CLINICAL = {"active", "recurrence", "relapse"}
INACTIVE_CLINICAL = {"inactive", "remission", "resolved"}

# Anticoagulants and antiplatelets by RxNorm ingredient (IN) code. Aspirin (1191) is left out:
# the ingredient code does not say pain reliever or antiplatelet; ATC B01AC06 does.
BLOOD_THINNER_RXNORM = {
    "11289": "warfarin",
    "1364430": "apixaban",
    "1114195": "rivaroxaban",
    "1037042": "dabigatran etexilate",
    "1599538": "edoxaban",
    "67108": "enoxaparin",
    "5224": "heparin",
    "321208": "fondaparinux",
    "32968": "clopidogrel",
    "613391": "prasugrel",
    "1116632": "ticagrelor",
    "21107": "cilostazol",
    "3521": "dipyridamole",
}
BLOOD_THINNER_ATC_PREFIX = "B01A"  # antithrombotic agents (B01AA ... B01AY)

# Medication statuses that mean the patient takes the drug, or holds it for the procedure
# (the sheet then says when to restart it).
TAKING_STATEMENT = {"active", "on-hold", "intended"}
TAKING_REQUEST = {"active", "on-hold"}
PROCEDURE_DONE = {"completed", "in-progress"}
