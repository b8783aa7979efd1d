"""The server's render pool: sheets in worker processes, an overrunning one killed and replaced."""

from __future__ import annotations

import threading
import time

import pytest

from esi_docs.api import RenderRequest
from esi_docs.errors import EsiDocsError, RenderError
from esi_docs.web.pool import RenderPool


def echo(value: str) -> str:
    return value.upper()


def hang(seconds: float) -> str:
    time.sleep(seconds)
    return "late"


def refuse() -> None:
    raise EsiDocsError("clinic.yaml: protocol: not allowed")


@pytest.fixture
def pool():
    rendering = RenderPool(2, time_limit=1.0, target=_dispatch)
    yield rendering
    rendering.close()


def _dispatch(name: str, *args):  # type: ignore[no-untyped-def]
    return {"echo": echo, "hang": hang, "refuse": refuse}[name](*args)


def test_renders_in_a_worker(pool):
    assert pool.render("echo", "sheet") == "SHEET"


def test_overrunning_worker_is_killed_and_replaced_while_others_answer(pool):
    before = set(pool.pids())
    errors: list[BaseException] = []

    def stuck() -> None:
        try:
            pool.render("hang", 60)
        except RenderError as exc:
            errors.append(exc)

    hung = threading.Thread(target=stuck)
    start = time.monotonic()
    hung.start()
    time.sleep(0.2)
    assert pool.render("echo", "still here") == "STILL HERE"  # the other worker answers
    hung.join(10)
    assert time.monotonic() - start < 10
    assert len(errors) == 1 and "longer than 1 s" in str(errors[0])
    assert pool.replaced == 1
    after = set(pool.pids())
    assert len(after) == 2 and after != before
    assert pool.render("echo", "again") == "AGAIN"


def test_problems_come_back_as_problems(pool):
    with pytest.raises(EsiDocsError) as caught:
        pool.render("refuse")
    assert str(caught.value.problems[0]).startswith("clinic.yaml")


def test_real_sheet_renders_through_the_pool(tmp_path):
    from pypdf import PdfReader

    from esi_docs import clock
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.inputs.patient import parse_patient
    from tests.conftest import TYPICAL

    today = clock.today().isoformat()
    patient = parse_patient(TYPICAL | {"name": "Pool Patient", "procedure_date": today}, "test")
    rendering = RenderPool(1, time_limit=120)
    try:
        rendered = rendering.render(RenderRequest("discharge", patient, load_clinic(None)))
    finally:
        rendering.close()
    out = tmp_path / "sheet.pdf"
    out.write_bytes(rendered.pdf)
    assert "Pool Patient" in PdfReader(out).pages[0].extract_text()
