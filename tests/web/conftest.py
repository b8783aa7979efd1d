"""Fixtures for the checkout form: an app with a recording audit hook, and a filled form."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from bs4 import BeautifulSoup

from esi_docs.inputs.clinic import load_clinic
from esi_docs.web import create_app

# A canary: if this name or MRN shows up in a log, a URL or a file name, PHI leaked.
CANARY_NAME = "Zyxwvu Canarybird"
CANARY_MRN = "CANARY-9988776"
FILLED = {
    "name": CANARY_NAME,
    "dob": "1961-04-12",
    "mrn": CANARY_MRN,
    "procedure_date": "2026-11-20",
    "procedure_time": "",
    "approach": "transforaminal",
    "region": "lumbar",
    "diabetic": "true",
    "sedation": "false",
    "blood_thinner": "Eliquis",
    "blood_thinner_held": "all",
    "language": "en",
    "handout": "discharge",
    "operator": "Nurse Joy",
}


@dataclass
class Recorder:
    """Stands in for the audit trail: keeps every on_render call."""

    calls: list[tuple] = field(default_factory=list)

    def __call__(self, rendered, handout, patient, operator) -> None:
        self.calls.append((rendered, handout, patient, operator))


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(client) -> str:
    return page(client.get("/")).find("input", {"name": "csrf_token"})["value"]


def field_error(soup: BeautifulSoup, name: str) -> str:
    """The problem shown inside the field's own box (next to the field), or ''."""
    box = soup.find(attrs={"data-field": name})
    error = box.find(class_="field-error") if box else None
    return error.get_text(" ", strip=True) if error else ""


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def app(recorder):
    app = create_app(load_clinic(None), on_render=recorder)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def post_form(client):
    """POST the form (with a valid CSRF token unless told otherwise); fields override FILLED."""

    def post(drop: tuple[str, ...] = (), token: bool = True, **fields):
        data = {k: v for k, v in {**FILLED, **fields}.items() if k not in drop}
        if token:
            data["csrf_token"] = csrf_token(client)
        return client.post("/sheet", data=data)

    return post
