"""The checkout form through Flask's test client: the page, a sheet, and problems by field."""

from __future__ import annotations

import pytest

from esi_docs import clock
from esi_docs.api import RenderedHandout
from esi_docs.content.search_path import ContentPaths
from esi_docs.errors import InputError
from esi_docs.inputs.clinic import load_clinic, parse_clinic
from esi_docs.inputs.patient import PatientOptions, parse_patient
from esi_docs.web import create_app, forms
from tests.conftest import TYPICAL, pdf_text
from tests.web.conftest import CANARY_MRN, CANARY_NAME, FILLED, field_error, page


def test_fresh_form_has_patient_file_keys_and_only_safe_defaults(client):
    soup = page(client.get("/"))
    form = soup.find("form", id="checkout")
    names = {el["name"] for el in form.find_all(["input", "select"])}
    assert set(forms.PATIENT_FIELDS) <= names
    assert soup.find(id="name").has_attr("autofocus")
    assert soup.find(id="procedure_date")["value"] == clock.today().isoformat()
    # Required clinical choices start blank: a forgotten answer is never a silent "no". Only
    # dye and numbing medicine start at their patient-file default, yes (issue 12).
    checked = form.find_all("input", {"type": "radio", "checked": True})
    assert sorted(el["id"] for el in checked) == ["contrast-true", "local_anesthetic-true"]
    for name in ("approach", "region", "blood_thinner"):
        assert soup.find(id=name).find("option", selected=True) is None
    assert soup.find(id="handout").find("option", selected=True)["value"] == "discharge"
    assert soup.find(id="language").find("option", selected=True)["value"] == "en"
    assert not soup.find(id="large_print").has_attr("checked")


def test_pick_lists_come_from_the_content_and_the_profile(client):
    soup = page(client.get("/"))
    values = lambda name: [o["value"] for o in soup.find(id=name).find_all("option") if o["value"]]  # noqa: E731
    assert values("language") == ContentPaths().languages()
    assert values("handout") == ContentPaths().recipe_names()
    drugs = values("blood_thinner")
    assert drugs[0] == "none" and drugs[-1] == "other"
    assert drugs[1:-1] == list(forms.clinic_drug_names(load_clinic(None)))


def test_blood_thinner_list_offers_every_name_in_the_clinic_hold_table():
    clinic = parse_clinic(
        {
            "blood_thinner_hold": [
                {"drug": "enoxaparin", "names": ["Lovenox"], "days": "1"},
                {"drug": "apixaban", "names": ["Eliquis"], "days": "3"},
            ]
        },
        "clinic.yaml",
    )
    soup = page(create_app(clinic).test_client().get("/"))
    assert [o["value"] for o in soup.find(id="blood_thinner").find_all("option")] == [
        "",
        "none",
        "apixaban",
        "Eliquis",
        "enoxaparin",
        "Lovenox",
        "other",
    ]


def test_blood_thinner_list_falls_back_to_the_default_list_without_a_hold_table():
    clinic = parse_clinic({"blood_thinner_hold": []}, "clinic.yaml")
    assert forms.clinic_drug_names(clinic) == forms.DEFAULT_BLOOD_THINNERS


def test_submit_returns_the_pdf_inline_and_uncached(post_form):
    response = post_form()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="discharge.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data)
    assert CANARY_NAME in text and CANARY_MRN in text
    assert "Eliquis" in text  # the blood thinner section, for the drug picked
    assert "from the side" in text  # transforaminal wording
    header_text = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    assert CANARY_NAME not in header_text and CANARY_MRN not in header_text


def test_each_problem_is_shown_next_to_its_field_with_every_value_kept(post_form, recorder):
    response = post_form(dob="1961-02-30", procedure_time="25:00", drop=("diabetic",))
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    soup = page(response)
    assert field_error(soup, "dob") == "This date is not on the calendar: check day and month."
    assert field_error(soup, "diabetic") == "Choose yes or no."
    assert field_error(soup, "procedure_time").startswith("Enter the time as hours:minutes")
    assert field_error(soup, "name") == ""
    assert soup.find(id="dob")["value"] == "1961-02-30"  # kept exactly as typed
    assert soup.find(id="name")["value"] == CANARY_NAME
    assert soup.find(id="mrn")["value"] == CANARY_MRN
    assert soup.find(id="approach").find("option", selected=True)["value"] == "transforaminal"
    assert soup.find(id="sedation-false").has_attr("checked")
    assert soup.find(id="blood_thinner").find("option", selected=True)["value"] == "Eliquis"
    assert soup.find(id="dob").has_attr("autofocus")  # the first problem gets the cursor
    assert soup.find(id="dob")["aria-describedby"] == "dob-error"
    assert "3 marked fields" in soup.find(class_="problems").get_text()
    assert recorder.calls == []  # nothing rendered, nothing recorded


@pytest.mark.parametrize("flag", ["diabetic", "sedation"])
@pytest.mark.parametrize("blank", [None, "", "  "])
def test_a_blank_yes_no_is_never_no(post_form, flag, blank):
    response = post_form(drop=(flag,)) if blank is None else post_form(**{flag: blank})
    assert response.status_code == 422
    assert field_error(page(response), flag) == "Choose yes or no."


def test_scanner_enter_in_mrn_with_a_half_filled_form_prints_nothing(post_form, recorder):
    """Without the page's script, a scanner's Enter after the MRN posts a half-filled form."""
    half = ("dob", "approach", "region", "diabetic", "sedation", "blood_thinner", "operator")
    response = post_form(drop=half)
    assert response.status_code == 422
    soup = page(response)
    assert soup.find(id="mrn")["value"] == CANARY_MRN
    assert soup.find(id="name")["value"] == CANARY_NAME
    for name in half:
        assert field_error(soup, name) == forms.MISSING[name]
    assert recorder.calls == []


def test_other_blood_thinner_is_typed_and_printed(post_form):
    response = post_form(blood_thinner="other", blood_thinner_other="Lovenox")
    assert response.status_code == 200
    assert "Lovenox" in pdf_text(response.data)


def test_other_blood_thinner_left_blank_is_asked_for_next_to_its_box(post_form):
    soup = page(post_form(blood_thinner="other", blood_thinner_other=" "))
    assert field_error(soup, "blood_thinner_other") == "Type the name of the blood thinner."
    assert field_error(soup, "blood_thinner") == ""
    assert not soup.find(id="other-drug").has_attr("hidden")


def test_none_prints_no_blood_thinner_section(post_form):
    text = pdf_text(post_form(blood_thinner="none", blood_thinner_held="").data)
    assert "Eliquis" not in text and CANARY_NAME in text


def test_large_print_and_handout_choices_reach_the_renderer(post_form, recorder):
    post_form(large_print="true")
    rendered, handout, patient, _ = recorder.calls[-1]
    assert handout == "discharge"
    assert patient.large_print is True and rendered.document.large_print is True
    post_form(drop=("large_print",))
    assert recorder.calls[-1][2].large_print is False
    post_form(large_print="false")
    assert recorder.calls[-1][2].large_print is False
    assert field_error(page(post_form(large_print="maybe")), "large_print") != ""


def test_unknown_handout_is_refused_next_to_the_field(post_form):
    soup = page(post_form(handout="../../etc/passwd"))
    assert field_error(soup, "handout") == "Choose a handout."


def test_content_problem_is_shown_at_the_top_with_values_kept(tmp_path):
    """A broken clinic content file is not the nurse's typo: said at the top, values kept."""
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "summary.yaml").write_text("version: [unclosed\n", encoding="utf-8")
    client = create_app(load_clinic(None), templates=tmp_path).test_client()
    token = page(client.get("/")).find("input", {"name": "csrf_token"})["value"]
    response = client.post("/sheet", data={**FILLED, "csrf_token": token})
    assert response.status_code == 500
    soup = page(response)
    assert "en/summary.yaml" in soup.find(class_="problems").get_text()
    assert soup.find(id="name")["value"] == CANARY_NAME


def test_on_render_gets_the_rendered_sheet_handout_patient_and_operator(post_form, recorder):
    response = post_form()
    assert len(recorder.calls) == 1
    rendered, handout, patient, operator = recorder.calls[0]
    assert isinstance(rendered, RenderedHandout) and isinstance(patient, PatientOptions)
    assert rendered.pdf == response.data
    assert (handout, operator) == ("discharge", "Nurse Joy")
    assert patient.name == CANARY_NAME and patient.diabetic is True


def test_a_failing_audit_hook_hands_out_no_sheet(client, post_form, recorder, caplog):
    def broken(*_):
        raise OSError(f"disk full while writing {CANARY_NAME}")

    client.application.extensions["esi_docs"]["on_render"] = broken
    response = post_form()
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert b"%PDF" not in response.data
    assert "could not be recorded" in page(response).get_text()
    assert "OSError" in caplog.text and CANARY_NAME not in caplog.text


def test_operator_is_asked_once_per_session(client, post_form, recorder):
    first = page(post_form(drop=("operator",)))
    assert field_error(first, "operator") == forms.MISSING["operator"]
    assert post_form(operator="Nurse Joy").status_code == 200
    soup = page(client.get("/"))
    assert soup.find(id="operator") is None
    assert "Printed by Nurse Joy" in soup.find(class_="operator").get_text(" ", strip=True)
    assert post_form(drop=("operator",)).status_code == 200
    assert [call[3] for call in recorder.calls] == ["Nurse Joy", "Nurse Joy"]


def test_operator_can_be_changed(client, post_form):
    post_form(operator="Nurse Joy")
    token = (
        page(client.get("/"))
        .find("form", class_="operator")
        .find("input", {"name": "csrf_token"})["value"]
    )
    response = client.post("/operator/clear", data={"csrf_token": token})
    assert response.status_code == 303
    assert page(client.get("/")).find(id="operator") is not None


def test_nothing_is_written_to_disk(post_form, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert post_form().status_code == 200
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("dob", "12/04/1961", "Enter the date as year-"),
        ("dob", "2999-01-01", "This date is in the future."),
        ("dob", "2026-11-21", "This is after the procedure date"),
        ("dob", "1880-01-01", "over 120 years old"),
        ("name", "x" * 120, "Too long: at most 100"),
        ("mrn", "", "Scan or type the MRN."),
        ("approach", "", "Choose the app"),
        ("approach", "lateral", "Choose one"),
        ("dob", "", "Enter the date of birth."),
        ("procedure_date", " ", "Enter the procedure date."),
        ("procedure_time", "9.30", "Enter the time as hours:minutes"),
        ("name", "Maria\u202eelpmaxE", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ],
)
def test_library_problems_in_nurse_words(name, value, words, monkeypatch):
    """The form words each problem by the library's code and field, not by its English text."""
    monkeypatch.setenv("ESI_DOCS_TODAY", "2026-11-30")  # a dob of the 21st is not in the future
    patient = {**TYPICAL, "procedure_date": "2026-11-20", name: value}
    with pytest.raises(InputError) as caught:
        parse_patient(patient, forms.SOURCE)
    problem = next(p for p in caught.value.problems if p.field == name)
    assert words in forms.nurse_words(name, problem)


def test_a_hostile_name_is_refused_by_the_same_library_rules(post_form):
    soup = page(post_form(name="Maria\u202eelpmaxE"))
    assert "U+202E" in field_error(soup, "name")
    soup = page(post_form(name="x" * 101))
    assert field_error(soup, "name") == "Too long: at most 100 characters fit on the sheet."


def test_fields_the_form_does_not_have_are_ignored(post_form):
    assert post_form(physician="Dr. Smuggled", name=FILLED["name"]).status_code == 200


# --- issue 12: the form reports the same clinical problems as the CLI and batch -------------


def test_an_impossible_procedure_is_shown_beside_approach_and_region(post_form):
    response = post_form(approach="caudal", region="cervical")
    assert response.status_code == 422
    soup = page(response)
    assert "only used in the low back" in field_error(soup, "approach")
    assert "does not go with approach caudal" in field_error(soup, "region")


def test_a_blood_thinner_without_held_is_asked_for_beside_its_field(post_form):
    response = post_form(blood_thinner_held="")
    assert response.status_code == 422 and response.mimetype != "application/pdf"
    assert field_error(page(response), "blood_thinner_held") == forms.MISSING["blood_thinner_held"]


def test_some_held_names_typed_in_reach_the_sheet(post_form, recorder):
    response = post_form(
        blood_thinner="other",
        blood_thinner_other="Eliquis; aspirin",
        blood_thinner_held="some",
        blood_thinner_held_names="eliquis",
    )
    assert response.mimetype == "application/pdf"
    patient = recorder.calls[-1][2]
    assert patient.blood_thinner == ("Eliquis", "aspirin")
    assert patient.blood_thinner_held == ("Eliquis",)
    text = pdf_text(response.data)
    assert "You stopped Eliquis for your injection." in text
    assert "You did not stop aspirin. Keep taking it as usual." in text


def test_a_letter_whose_stop_date_has_passed_is_refused_on_the_form(post_form):
    response = post_form(handout="pre-procedure", procedure_date="2026-11-21")
    assert response.status_code == 422 and response.mimetype != "application/pdf"
    assert "call the patient instead" in field_error(page(response), "blood_thinner")


def test_no_dye_and_the_time_the_patient_left_reach_the_sheet(post_form):
    text = pdf_text(post_form(contrast="false", discharge_time="11:05").data)
    assert "No dye was used." in text
    assert "Do not drive until Saturday, November 21 at 11:05 AM." in text
