"""Delivery: atomic files, naming, manifest, merging, printing, FHIR DocumentReference."""
