"""Desk printers (issue 15): the clinic profile maps desks to CUPS printers; a nurse picks the
desk once per session and "Send to printer" prints there."""

from __future__ import annotations

import pytest

from esi_docs.errors import InputError
from esi_docs.inputs.clinic import parse_clinic
from esi_docs.web import create_app
from tests.web.conftest import FILLED, csrf_token, page

DESKS = {"Desk 1": "checkout-1", "Procedure suite": "suite_hp"}


@pytest.fixture
def jobs(monkeypatch):
    sent: list[tuple[bytes, str | None]] = []
    monkeypatch.setattr(
        "esi_docs.delivery.printing.print_pdf",
        lambda pdf, printer=None, **_: sent.append((pdf, printer)) or "job-1",
    )
    return sent


@pytest.fixture
def client():
    app = create_app(parse_clinic({"desk_printers": DESKS}, "clinic.yaml"))
    app.config["TESTING"] = True
    return app.test_client()


def _send(client):
    return client.post(
        "/sheet", data={**FILLED, "send_to": "printer", "csrf_token": csrf_token(client)}
    )


def test_the_chosen_desk_printer_gets_the_sheet(client, jobs):
    soup = page(client.get("/desk"))
    assert [i["value"] for i in soup.find_all("input", {"name": "desk"})] == list(DESKS)
    chosen = client.post(
        "/desk", data={"desk": "Procedure suite", "csrf_token": csrf_token(client)}
    )
    assert chosen.status_code == 303
    assert "Procedure suite" in page(client.get("/")).find(id="desk-choice").get_text()
    assert _send(client).status_code == 200
    assert _send(client).status_code == 200  # picked once, used for every sheet
    assert [printer for _, printer in jobs] == ["suite_hp", "suite_hp"]


def test_no_desk_chosen_sends_nothing_and_says_so(client, jobs):
    response = _send(client)
    assert response.status_code == 409
    assert "Choose your desk first" in response.get_data(as_text=True)
    assert jobs == []


def test_an_unknown_desk_is_refused(client):
    response = client.post("/desk", data={"desk": "Desk 9", "csrf_token": csrf_token(client)})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("desks", "field"),
    [
        ({"Desk 1": "bad queue; rm"}, "desk_printers.Desk 1"),
        (["Desk 1"], "desk_printers"),
    ],
)
def test_the_profile_refuses_bad_desk_printers(desks, field):
    with pytest.raises(InputError) as caught:
        parse_clinic({"desk_printers": desks}, "clinic.yaml")
    assert [p.field for p in caught.value.problems] == [field]


def test_desks_round_trip_for_workers_and_reprints():
    clinic = parse_clinic({"desk_printers": DESKS}, "clinic.yaml")
    assert parse_clinic(clinic.as_data(), "again") == clinic
