"""`esi-docs render` starts like a plain script: no batch, FHIR, web or lint module is imported
on its path (issue 18). Checked in a fresh subprocess, since this test process has them all."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

HEAVY = (
    "esi_docs.batch",
    "esi_docs.web",
    "esi_docs.lint",
    "esi_docs.inputs.fhir.patients",
    "esi_docs.inputs.fhir.reader",
    "esi_docs.inputs.fhir.mapping",
    "esi_docs.inputs.hl7.patients",  # issue 17: HL7 v2 in, its parser and the MLLP listener
    "esi_docs.inputs.hl7.reader",
    "esi_docs.listener",
    "hl7",
    "fhir",
    "pydantic",
    "flask",
    "waitress",
    "pypdf",
    "pdfplumber",
    "hypothesis",
    "multiprocessing",
    "ctypes",  # only to stop a runaway template (content/sandbox.py _interrupt)
    "xml.sax",  # the XMP text is escaped with html.escape (render/pdfa.py)
    # The other commands' modules: the CLI imports a command's module only when it runs.
    "esi_docs.cli.batch",
    "esi_docs.cli.serve",
    "esi_docs.cli.listen",
    "esi_docs.cli.users",
    "esi_docs.cli.audit_cmd",
    "esi_docs.cli.lint",
    "esi_docs.cli.history",
    "esi_docs.cli.reprint",
    "esi_docs.cli.example",
)

_CHILD = textwrap.dedent(
    """
    import atexit, sys
    heavy = tuple(sys.argv[1].split(","))
    def report():
        names = [n for n in sys.modules if any(n == h or n.startswith(h + ".") for h in heavy)]
        print("HEAVY=" + ",".join(sorted(names)), file=sys.stderr)
    atexit.register(report)
    sys.argv = ["esi-docs", "render", "discharge", "--patient", sys.argv[2], "-o", sys.argv[3]]
    from esi_docs.cli import main
    main()
    """
)


def test_render_path_imports_no_heavy_module(tmp_path):
    patient = tmp_path / "patient.yaml"
    example = subprocess.run(
        [sys.executable, "-m", "esi_docs", "example", "patient"],
        capture_output=True,
        text=True,
        check=True,
    )
    patient.write_text(example.stdout, encoding="utf-8")
    out = tmp_path / "sheet.pdf"
    env_db = {"ESI_DOCS_AUDIT_DB": str(tmp_path / "audit.db")}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, ",".join(HEAVY), str(patient), str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, **env_db},
        check=False,
    )
    assert out.exists(), done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("HEAVY="))
    assert line == "HEAVY=", line


_GC_CHILD = textwrap.dedent(
    """
    import atexit, gc, sys
    import esi_docs.cli as cli_module
    seen = {}
    def fake_cli(prog_name):
        seen["collecting"] = gc.isenabled()
        raise SystemExit(0)
    cli_module.cli = fake_cli
    atexit.register(lambda: print(seen["collecting"], gc.get_freeze_count() > 0))
    sys.argv = ["esi-docs", sys.argv[1]]
    cli_module.main()
    """
)


@pytest.mark.parametrize(
    ("command", "collecting"),
    [("render", False), ("reprint", False), ("serve", True), ("batch", True), ("lint", True)],
)
def test_one_sheet_commands_run_without_the_cycle_collector(command, collecting):
    """Issue 18: a one-sheet command skips Python's cycle collector (30 ms of a fresh render,
    no memory saved), and every command leaves its objects out of the last collection at exit
    (another 30 ms); servers, batches and lint keep collecting while they run."""
    done = subprocess.run(
        [sys.executable, "-c", _GC_CHILD, command], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [str(collecting), "True"]
