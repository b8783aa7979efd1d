"""`python benchmarks/bench.py [--quick]`: how fast esi-docs prints, measured side by side.

The reference is benchmarks/plain_sheet.py, the plain ReportLab script that prints the same
sheet (issue 18), fed the words esi-docs composed.
1. Warm: a batch of different patients in one process, esi-docs (compose and lay out) against
   the plain script (lay out) on the same composed sheets, interleaved; CPU time per sheet and
   per page.
2. Start-up: `esi-docs render` as a fresh process against the plain script as a fresh process
   (and a two-word canvas script, the floor of any ReportLab program): the wait a nurse sees.
   Wall and CPU time (of the child; less disturbed by other work on a shared machine),
   interleaved, after one run that fills the disk cache (esi_docs.disk_cache) as a first render
   on a machine would, with esi_docs' bytecode compiled as pip compiles it on install.
3. Batch: sheets per second with one and two workers, the scaling ratio (300 rows, 60 with
   --quick), and, in the full run only, the peak RSS of the parent and of the largest worker
   at 1,000 and 10,000 rows (flat is the goal).
The last lines repeat every ratio issue 18 names, with its goal and the load average.
A script that prints numbers, not a timed test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import plain_sheet

PATIENT = {
    "name": "Maria Example",
    "dob": "1961-04-12",
    "mrn": "0012345",
    "procedure_date": "2026-11-20",
    "approach": "interlaminar",
    "region": "lumbar",
    "diabetic": "false",
    "sedation": "false",
    "blood_thinner": "none",
}
_VARIANTS = [
    {},
    {
        "approach": "transforaminal",
        "diabetic": "true",
        "blood_thinner": "Eliquis",
        "blood_thinner_held": "all",
    },
    {"approach": "caudal", "sedation": "true"},
    {"region": "cervical", "diabetic": "true"},
]


# -- 1. warm render against plain ReportLab ------------------------------------------------


def sheet_words(document) -> dict:  # type: ignore[no-untyped-def]
    """A composed Document as the plain script's input (plain_sheet.py): the same words."""
    from dataclasses import asdict

    from esi_docs.content import document as doc

    def block(item) -> dict:  # type: ignore[no-untyped-def]
        kinds = {doc.Paragraph: "paragraph", doc.Callout: "callout", doc.Table: "table"}
        return {"kind": kinds.get(type(item), "bullets"), **asdict(item)}

    head = document.header
    return {
        "title": document.title,
        "header": f"{head.clinic_name} {head.clinic_phone} "
        + " ".join(f"{label}: {value}" for label, value in head.patient_fields),
        "version": document.content_version,
        "sections": [
            {"title": section.title, "blocks": [block(b) for b in section.blocks]}
            for section in document.sections
        ],
    }


_NAMES = ["Maria Example", "John Q. Sample", "Ana López-García", "Li Wei", "Sam O'Neil"]


def batch_patients(count: int) -> list[dict[str, str]]:
    """`count` different patients, as a batch would have them: each its own name, record
    number and options (the variants), so nothing patient-specific repeats every sheet."""
    return [
        {
            **PATIENT,
            **_VARIANTS[n % len(_VARIANTS)],
            "name": f"{_NAMES[n % len(_NAMES)]} {n}",
            "mrn": f"{n:07d}",
        }
        for n in range(count)
    ]


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def warm(runs: int) -> dict[str, float]:
    """Sheets of a batch in one warm process, ours (compose and lay out) against the plain
    script (lay out only, from the same composed Document): CPU time per sheet and per page."""
    from esi_docs.api import compose_handout, render_handout
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.inputs.patient import parse_patient

    clinic = load_clinic(None)
    # Warm both: fonts, caches, ReportLab's own. Four sheets of each variant: esi-docs keeps
    # a text from its second sheet and replays its drawing from its fourth (render/reuse.py).
    for rows in batch_patients(4 * len(_VARIANTS)):
        patient = parse_patient(rows, "bench")
        render_handout("discharge", patient, clinic)
        plain_sheet.layout(sheet_words(compose_handout("discharge", patient, clinic)))
    spent = {"ours": 0.0, "plain": 0.0}
    pages = {"ours": 0, "plain": 0}
    for rows in batch_patients(runs):
        patient = parse_patient(rows, "bench")
        words = sheet_words(compose_handout("discharge", patient, clinic))
        # Interleaved, so a burst of load from other processes hits both sides alike; CPU
        # time of this process, which other processes disturb less than wall time.
        for name, work, argument in (
            ("ours", lambda p: render_handout("discharge", p, clinic).pdf, patient),
            ("plain", plain_sheet.layout, words),
        ):
            start = time.process_time()
            pdf = work(argument)
            spent[name] += time.process_time() - start
            pages[name] += _pages(pdf)
    sheet = {name: spent[name] / runs * 1000 for name in spent}
    page = {name: spent[name] / pages[name] * 1000 for name in spent}
    return {
        "esi_docs_ms": sheet["ours"],
        "plain_reportlab_ms": sheet["plain"],
        "ratio": sheet["ours"] / sheet["plain"],
        "esi_docs_page_ms": page["ours"],
        "plain_page_ms": page["plain"],
        "page_ratio": page["ours"] / page["plain"],
        "esi_docs_pages": pages["ours"] / runs,
        "plain_pages": pages["plain"] / runs,
    }


# -- 2. start-up ------------------------------------------------------------------------------

# A second, stricter reference: a canvas script that only embeds the two faces and draws two
# words (no platypus, no layout): the floor any ReportLab program starts from.
_FONTS = Path(__file__).resolve().parents[1] / "src" / "esi_docs" / "fonts"
_MINIMAL = (
    "import io; from reportlab.pdfgen.canvas import Canvas; "
    "from reportlab.pdfbase import pdfmetrics; from reportlab.pdfbase.ttfonts import TTFont; "
    f"pdfmetrics.registerFont(TTFont('R', {str(_FONTS / 'DejaVuSans.ttf')!r})); "
    f"pdfmetrics.registerFont(TTFont('B', {str(_FONTS / 'DejaVuSans-Bold.ttf')!r})); "
    "c = Canvas(io.BytesIO()); c.setFont('R', 12); c.drawString(72, 720, 'x'); "
    "c.setFont('B', 12); c.drawString(72, 700, 'y'); c.save()"
)


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one run of a command."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, capture_output=True)  # noqa: S603
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def startup(runs: int, folder: Path) -> dict[str, float]:
    """`esi-docs render discharge` as a fresh process against the plain script printing the
    same sheet (plain_sheet.py, the issue's reference) and the two-word canvas script."""
    import yaml

    from esi_docs.api import compose_handout

    patient = folder / "patient.yaml"
    patient.write_text(yaml.safe_dump(PATIENT), encoding="utf-8")
    words = folder / "sheet.json"
    words.write_text(json.dumps(sheet_words(compose_handout("discharge", PATIENT))), "utf-8")
    env = {
        **os.environ,
        "ESI_DOCS_AUDIT_DB": str(folder / "startup.db"),
        "ESI_DOCS_CACHE_DIR": str(folder / "cache"),
    }
    cli = [sys.executable, "-m", "esi_docs", "render", "discharge", "--patient", str(patient)]
    plain = str(Path(__file__).with_name("plain_sheet.py"))
    commands = {
        "ours": [*cli, "-o", str(folder / "s.pdf")],
        "sheet": [sys.executable, plain, str(words), str(folder / "plain.pdf")],
        "canvas": [sys.executable, "-c", _MINIMAL],
    }
    # Bytecode as an installed copy has it: pip compiles every module when it installs a
    # package, but an editable checkout under PYTHONDONTWRITEBYTECODE=1 would compile all of
    # esi_docs from source on every run (about 35 ms), which no clinic's install does.
    import compileall

    import esi_docs

    compileall.compile_dir(Path(esi_docs.__file__).parent, quiet=1)
    first = _timed(commands["ours"], env)  # fills the disk cache, as a machine's first render
    for name in ("sheet", "canvas"):
        _timed(commands[name], env)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved: a burst of load hits all alike
        for name, command in commands.items():
            times[name].append(_timed(command, env))
    wall = {name: statistics.median(t[0] for t in runs_) * 1000 for name, runs_ in times.items()}
    cpu = {name: statistics.median(t[1] for t in runs_) * 1000 for name, runs_ in times.items()}
    return {
        "first_ms": first[0] * 1000,
        **{f"{name}_ms": wall[name] for name in commands},
        **{f"{name}_cpu_ms": cpu[name] for name in commands},
        "ratio": wall["ours"] / wall["sheet"],
        "cpu_ratio": cpu["ours"] / cpu["sheet"],
        "canvas_ratio": wall["ours"] / wall["canvas"],
    }


# -- 3. batch ---------------------------------------------------------------------------------

_BATCH_CHILD = textwrap.dedent(
    """
    import json, os, resource, sys, threading, time
    from pathlib import Path
    from esi_docs.records.audit import AuditLog
    from esi_docs.batch import BatchSettings, render_batch
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.inputs.roster import read_roster

    def descendants(root):
        children = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry))
        found, todo = [], [root]
        while todo:
            for child in children.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found

    peaks, done = {}, threading.Event()

    def watch():  # workers are the fork server's children: poll their peak RSS (VmHWM)
        while True:
            for pid in descendants(os.getpid()):
                try:
                    with open(f"/proc/{pid}/status") as status:
                        for line in status:
                            if line.startswith("VmHWM"):
                                peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]))
                except OSError:
                    pass
            if done.wait(0.25):
                return

    roster, out, jobs, db = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    watcher = threading.Thread(target=watch, daemon=True)
    if os.path.isdir("/proc"):
        watcher.start()
    start = time.perf_counter()
    rows = read_roster(Path(roster))
    settings = BatchSettings("discharge", load_clinic(None), out, jobs=jobs, operator="bench")
    result = render_batch(rows, settings, audit=AuditLog(db))
    seconds = time.perf_counter() - start
    done.set()
    print(json.dumps({
        "rows": result.written, "seconds": seconds,
        "parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": max(peaks.values(), default=0) / 1024,
    }))
    """
)


def write_roster(path: Path, rows: int) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as stream:
        # Every column any variant uses (blood_thinner_held), empty in the rows without it.
        columns = list(dict.fromkeys([*PATIENT, *(key for v in _VARIANTS for key in v)]))
        writer = csv.DictWriter(stream, columns, restval="")
        writer.writeheader()
        for n in range(rows):
            writer.writerow({**PATIENT, **_VARIANTS[n % len(_VARIANTS)], "mrn": f"{n:07d}"})
    return path


def batch_run(rows: int, jobs: int, folder: Path) -> dict[str, float]:
    roster = write_roster(folder / f"roster-{rows}.csv", rows)
    out = folder / f"out-{rows}-{jobs}"
    db = folder / f"audit-{rows}-{jobs}.db"
    command = [sys.executable, "-c", _BATCH_CHILD, str(roster), str(out), str(jobs), str(db)]
    done = subprocess.run(command, check=True, capture_output=True)  # noqa: S603
    result = json.loads(done.stdout)
    result["sheets_per_s"] = result["rows"] / result["seconds"]
    for pdf in out.iterdir():  # 10,000 sheets are half a gigabyte
        pdf.unlink()
    return result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        lscpu = subprocess.run(
            ["lscpu"],  # noqa: S607 - a machine description, found on PATH
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        cpu = next(
            line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line
        )
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    try:
        import _rl_accel  # noqa: F401

        accel = "on"
    except ImportError:
        accel = "off"
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}, "
        f"{platform.system()}, ReportLab C accelerator {accel}{load}"
    )


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench.py", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small runs (CI smoke test)")
    args = parser.parse_args(argv)
    runs, starts = (20, 3) if args.quick else (200, 10)
    rows = 60 if args.quick else 300
    print(f"machine: {machine()}")
    w = warm(runs)
    print(
        f"warm, a batch of {runs} different patients in one process (CPU time): esi-docs "
        f"{w['esi_docs_ms']:.1f} ms/sheet ({w['esi_docs_pages']:.2f} pages), plain ReportLab "
        f"{w['plain_reportlab_ms']:.1f} ms/sheet ({w['plain_pages']:.2f} pages); per sheet "
        f"{w['ratio']:.2f}, per page {w['page_ratio']:.2f} (goal <= 0.8)"
    )
    with tempfile.TemporaryDirectory(prefix="esi-docs-bench-") as tmp:
        folder = Path(tmp)
        s = startup(starts, folder)
        print(
            f"start-up (median of {starts}, interleaved, after a first run of "
            f"{s['first_ms']:.0f} ms that fills the cache): esi-docs render {s['ours_ms']:.0f} ms "
            f"wall / {s['ours_cpu_ms']:.0f} ms CPU; plain ReportLab script printing the same "
            f"sheet {s['sheet_ms']:.0f} / {s['sheet_cpu_ms']:.0f} ms: ratio {s['ratio']:.2f} wall, "
            f"{s['cpu_ratio']:.2f} CPU (goal <= 1.2); two-word canvas script "
            f"{s['canvas_ms']:.0f} ms: ratio {s['canvas_ratio']:.2f}"
        )
        one, two = batch_run(rows, 1, folder), batch_run(rows, 2, folder)
        scaling = two["sheets_per_s"] / one["sheets_per_s"]
        print(
            f"batch of {rows}: --jobs 1 {one['sheets_per_s']:.1f} sheets/s, --jobs 2 "
            f"{two['sheets_per_s']:.1f} sheets/s, scaling {scaling:.2f} (goal >= 1.8 on 2 cores)"
        )
        memory = []
        if not args.quick:  # 10,000 sheets take minutes: the full run only
            for size in (1000, 10000):
                run = batch_run(size, 2, folder)
                memory.append((size, run))
                print(
                    f"peak RSS at {size} rows (--jobs 2): parent {run['parent_rss_mb']:.0f} MB, "
                    f"largest worker {run['worker_rss_mb']:.0f} MB"
                )
    print(f"ratios (issue 18), load average {_load()}:")
    print(
        f"  start-up vs the plain script printing the same sheet: {s['ratio']:.2f} wall, "
        f"{s['cpu_ratio']:.2f} CPU (<= 1.2); vs the two-word canvas script "
        f"{s['canvas_ratio']:.2f}"
    )
    print(
        f"  warm, in a batch, vs plain ReportLab: per page {w['page_ratio']:.2f}, per sheet "
        f"{w['ratio']:.2f} (<= 0.8)"
    )
    print(f"  --jobs 2 vs --jobs 1 on {rows} rows: {scaling:.2f} (>= 1.8)")
    if memory:
        (_, small), (_, large) = memory
        print(
            "  peak RSS 10,000 vs 1,000 rows: parent "
            f"{large['parent_rss_mb'] / small['parent_rss_mb']:.2f}, largest worker "
            f"{large['worker_rss_mb'] / max(small['worker_rss_mb'], 1):.2f} (flat: 1.0)"
        )
    else:
        print("  peak RSS 1,000 vs 10,000 rows: full run only (without --quick)")


if __name__ == "__main__":
    main()
