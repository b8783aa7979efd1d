"""Inputs: patient, clinic, roster and FHIR readers -> validated, frozen options."""
