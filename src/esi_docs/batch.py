"""Batch printing: one handout for every patient on a roster, validated before any is rendered.

The flow: check every row (all problems, by row number) -> check the content once per language
-> name the files -> render (in worker processes, a bounded number of chunks in flight, so
memory stays flat however long the roster is) -> record each render in the audit trail ->
write the manifest -> join the merged PDF. Workers render through `render` (the one
rendering path) and write their own files atomically; they send back only a small audit entry.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from esi_docs.api import RenderRequest, compose_handout, render
from esi_docs.content.compose import library
from esi_docs.cores import pool_size
from esi_docs.delivery import manifest
from esi_docs.delivery.atomic import write_atomic
from esi_docs.delivery.manifest import ManifestRow
from esi_docs.delivery.naming import (
    DEFAULT_PATTERN,
    SUFFIXES,
    NameAllocator,
    check_pattern,
    file_name,
)
from esi_docs.errors import EsiDocsError, InputError, Problem, RenderError, Terminated
from esi_docs.inputs.clinic import ClinicProfile, parse_clinic
from esi_docs.inputs.patient import PatientOptions
from esi_docs.inputs.roster import CheckedRow, RosterRow, check_rows
from esi_docs.records.audit import AuditEntry, AuditLog, clinic_values, make_entry

CHUNK_MAX = 8  # rows per task: enough to hide the inter-process cost, small for Ctrl-C
WINDOW_PER_JOB = 2  # chunks in flight per worker: keeps workers busy, memory bounded


class BatchIncomplete(EsiDocsError):
    """Some rows were not printed (--continue-on-error, or a render failed): exit status 1."""

    exit_code = 1


@dataclass(frozen=True)
class BatchSettings:
    """Everything that is the same for every patient of one run (sent once to each worker)."""

    handout: str
    clinic: ClinicProfile
    out_dir: Path
    templates: Path | None = None
    paper: str = "letter"
    format: str = "pdf"  # or "html": the accessible web page, one file per patient
    pattern: str = DEFAULT_PATTERN
    merged: Path | None = None
    jobs: int = 1
    continue_on_error: bool = False
    operator: str = "unknown"


@dataclass
class BatchResult:
    rows: list[ManifestRow]
    manifest: Path
    merged: Path | None = None
    problems: list[Problem | str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(row.status == manifest.OK for row in self.rows)


class _Task(NamedTuple):
    index: int  # type: ignore[assignment]  # the row's place, shadowing tuple.index on purpose
    label: str
    patient: PatientOptions
    path: Path


class _Outcome(NamedTuple):
    index: int  # type: ignore[assignment]  # the row's place, shadowing tuple.index on purpose
    label: str
    entry: AuditEntry | None
    error: str


def print_result(result: BatchResult, printer: str | None) -> list[str]:
    """Send what the batch wrote to the printer: the merged PDF when there is one (one job,
    blank pages already in place for duplex), else each written PDF in roster order. A
    printer error stops printing and is added to the result's problems (exit status 1); the
    files stay written."""
    from esi_docs.delivery.printing import PrintError, print_pdf

    files = (
        [result.merged]
        if result.merged
        else [result.manifest.parent / row.file for row in result.rows if row.status == manifest.OK]
    )
    sent = []
    for path in files:
        try:
            job = print_pdf(path.read_bytes(), printer)
        except PrintError as exc:
            result.problems.append(exc.problems[0].within(path.name))
            break
        sent.append(f"sent {path.name} to the printer (job {job or 'queued'})")
    return sent


def render_batch(
    rows: list[RosterRow],
    settings: BatchSettings,
    *,
    audit: AuditLog | None = None,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Render every valid row; raises InputError (nothing written) when rows are invalid and
    --continue-on-error is off. Row-level failures are in the result's manifest rows."""
    check_pattern(settings.pattern)
    if settings.format != "pdf" and settings.merged is not None:
        raise InputError("--merged: joins PDFs only; leave out --format html")
    library(settings.templates).recipe(settings.handout)  # an unknown handout: one message
    checked = _check_content(check_rows(rows), settings)
    problems: list[Problem | str] = [p for row in checked for p in row.problems]
    if problems and not settings.continue_on_error:
        raise InputError(problems)
    if not any(row.patient for row in checked):
        raise InputError(problems or ["the roster has no patients"])
    _prepare_folders(settings)
    table, tasks = _plan(checked, settings)
    result = BatchResult(table, settings.out_dir / manifest.MANIFEST_NAME, problems=problems)

    if progress and len(table) > len(tasks):
        progress(len(table) - len(tasks))  # invalid rows are done too, as far as the bar goes

    def handle(outcomes: list[_Outcome]) -> None:
        _apply(outcomes, result, audit, settings.templates)
        if progress:
            progress(len(outcomes))

    with _InterruptFlag() as interrupt:
        try:
            _render_all(settings, tasks, handle, lambda: interrupt.raised)
        finally:  # also on Ctrl-C: the manifest says what was printed and what was not
            manifest.write_manifest(settings.out_dir, table)
    if interrupt.signal == signal.SIGTERM:
        raise Terminated  # timeout, systemd, shutdown: exit status 143
    if interrupt.raised:
        raise KeyboardInterrupt  # the CLI's one handler reports it (exit status 130)
    if settings.merged is not None and result.written:
        done = [settings.out_dir / r.file for r in table if r.status == manifest.OK]
        _write_merged(settings.merged, done)
        result.merged = settings.merged
    return result


def _check_content(checked: list[CheckedRow], settings: BatchSettings) -> list[CheckedRow]:
    """Compose one Document per language before anything is written: an unknown handout or a
    language without content is found now, not after half the roster is printed."""
    verdict: dict[str, str] = {}
    for row in checked:
        if row.patient is None or row.patient.language in verdict:
            continue
        try:
            compose_handout(
                settings.handout, row.patient, settings.clinic, templates=settings.templates
            )
            verdict[row.patient.language] = ""
        except EsiDocsError as exc:
            verdict[row.patient.language] = "; ".join(map(str, exc.problems))
    return [
        row._replace(
            patient=None, problems=(Problem(row.label, "", verdict[row.patient.language]),)
        )
        if row.patient is not None and verdict[row.patient.language]
        else row
        for row in checked
    ]


def _prepare_folders(settings: BatchSettings) -> None:
    try:
        from esi_docs.delivery.atomic import make_private_folders

        make_private_folders(settings.out_dir)
    except OSError as exc:
        raise RenderError(
            f"{settings.out_dir}: cannot create the folder ({exc.strerror})"
        ) from None
    if not settings.out_dir.is_dir():
        raise RenderError(f"{settings.out_dir}: --out-dir is not a folder")
    if settings.merged is not None and not settings.merged.parent.is_dir():
        raise RenderError(f"{settings.merged}: the folder {settings.merged.parent} does not exist")


def _plan(
    checked: list[CheckedRow], settings: BatchSettings
) -> tuple[list[ManifestRow], list[_Task]]:
    """One manifest row per roster row, and a task (with its unique file) per valid row."""
    names = NameAllocator(settings.out_dir)
    if settings.merged is not None:  # never hand the merged file's name to a patient
        merged = Path(os.path.realpath(settings.merged))
        if merged.parent == names.folder:
            names.allocate(merged.name)
    table: list[ManifestRow] = []
    tasks: list[_Task] = []
    for index, row in enumerate(checked):
        number = row.label.rsplit(" ", 1)[-1]
        mrn = row.patient.mrn if row.patient else str(row.data.get("mrn", "")).strip()
        if row.patient is None:
            error = "; ".join(_short(p, row.label) for p in row.problems)
            table.append(ManifestRow(number, mrn, status=manifest.INVALID, error=error))
            continue
        suffix = SUFFIXES[settings.format]
        name = file_name(settings.pattern, row.patient, settings.handout, number, suffix)
        path = names.allocate(name)
        table.append(ManifestRow(number, mrn, file=path.name))
        tasks.append(_Task(index, row.label, row.patient, path))
    return table, tasks


def _short(problem: Problem, label: str) -> str:
    """'tomorrow.csv row 57: mrn: required' -> 'mrn: required' (the row is its own column)."""
    return str(replace(problem, source="")) if problem.source == label else str(problem)


def _apply(
    outcomes: list[_Outcome], result: BatchResult, audit: AuditLog | None, templates: Path | None
) -> None:
    entries = [o.entry for o in outcomes if o.entry is not None]
    if audit is not None and entries:
        try:
            audit.add(entries)
        except EsiDocsError:
            # Not recorded means not given: take these sheets back so files, records and
            # the manifest still agree one for one, then stop the run.
            for outcome in outcomes:
                row = result.rows[outcome.index]
                if outcome.entry is not None:
                    (result.manifest.parent / row.file).unlink(missing_ok=True)
                row.status, row.error, row.file = manifest.FAILED, "not recorded", ""
            raise
    for outcome in outcomes:
        row = result.rows[outcome.index]
        if outcome.error:
            row.status, row.error, row.file = manifest.FAILED, outcome.error, ""
            result.problems.append(f"{outcome.label}: {outcome.error}")
        else:
            row.status = manifest.OK


def _write_merged(path: Path, files: list[Path]) -> None:
    from esi_docs.delivery.merge import merge_pdfs

    write_atomic(path, merge_pdfs(files))


# -- rendering ------------------------------------------------------------------------------


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _InterruptFlag:
    """Turns Ctrl-C and SIGTERM (what timeout, systemd and a shutdown send) into a flag checked
    between rows, so a chunk's results are never lost half-way (each written PDF gets its
    manifest line and audit record)."""

    def __init__(self) -> None:
        self.raised = False
        self.signal: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _InterruptFlag:
        if threading.current_thread() is threading.main_thread():
            for number in _STOP_SIGNALS:
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        self.raised = True
        self.signal = self.signal or signum

    def __exit__(self, *exc: object) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, previous)


def _chunks(tasks: list[_Task], jobs: int) -> Iterator[list[_Task]]:
    size = max(1, min(CHUNK_MAX, len(tasks) // (jobs * 4) or 1))
    for start in range(0, len(tasks), size):
        yield tasks[start : start + size]


def _render_all(
    settings: BatchSettings,
    tasks: list[_Task],
    handle: Callable[[list[_Outcome]], None],
    stop: Callable[[], bool],
) -> None:
    """Render every task, in this process for one job, else in a worker pool.

    The pool is never larger than the work or the usable cores (see esi_docs.cores), and one
    job renders here with no pool at all, so `--jobs N` is never slower than `--jobs 1`."""
    jobs = pool_size(settings.jobs, len(tasks))
    if jobs == 1:
        for task in tasks:
            if stop():
                return
            handle([_render_task(settings, task)])
        return
    _render_pooled(settings, tasks, jobs, handle, stop)


def _render_pooled(
    settings: BatchSettings,
    tasks: list[_Task],
    jobs: int,
    handle: Callable[[list[_Outcome]], None],
    stop: Callable[[], bool],
) -> None:
    """A sliding window over the chunks: at most jobs * WINDOW_PER_JOB in flight, so memory
    does not grow with the roster. On stop, queued chunks are cancelled and running ones
    finish (their files are whole, and get recorded)."""
    context = _worker_context()
    # The clinic travels as plain values: its read-only protocol mapping cannot be pickled
    # (spawn, used outside Linux, pickles what it sends to workers).
    initargs = (_without_clinic(settings), clinic_values(settings.clinic))
    with ProcessPoolExecutor(jobs, context, _init_worker, initargs) as pool:
        chunks = _chunks(tasks, jobs)
        pending: set[Future[list[_Outcome]]] = set()
        chunk_of: dict[Future[list[_Outcome]], list[_Task]] = {}
        while True:
            while not stop() and len(pending) < jobs * WINDOW_PER_JOB:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                future = pool.submit(_render_chunk, chunk)
                chunk_of[future] = chunk
                pending.add(future)
            if not pending:
                return
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                # Let go of each future once handled: a future holds its chunk's outcomes
                # (records included), and keeping them grew the parent with the roster.
                chunk = chunk_of.pop(future)
                if not future.cancelled():
                    handle(_outcomes(future, chunk, settings))
            if stop():
                for future in pending:
                    future.cancel()


def _outcomes(
    future: Future[list[_Outcome]], chunk: list[_Task], settings: BatchSettings
) -> list[_Outcome]:
    """A chunk's outcomes. If its worker died (killed, out of memory, a crash in C code), the
    pool is broken for every chunk in flight: each of their rows is tried once more, alone,
    in a fresh worker, so only a row that kills its worker again is marked failed."""
    try:
        return future.result()
    except BrokenProcessPool:
        return [_retry_alone(settings, task) for task in chunk]


def _without_clinic(settings: BatchSettings) -> BatchSettings:
    """The settings to send to a worker: the clinic goes beside them as plain values (see
    _init_worker), so the unpicklable profile is left out here."""
    return replace(settings, clinic=None)  # type: ignore[arg-type]  # _init_worker restores it


def _retry_alone(settings: BatchSettings, task: _Task) -> _Outcome:
    context = _worker_context()
    initargs = (_without_clinic(settings), clinic_values(settings.clinic))
    try:
        with ProcessPoolExecutor(1, context, _init_worker, initargs) as pool:
            return pool.submit(_render_chunk, [task]).result()[0]
    except BrokenProcessPool:
        task.path.unlink(missing_ok=True)  # whole or not, it has no record: not given
        error = "not rendered: the worker process stopped unexpectedly (twice)"
        return _Outcome(task.index, task.label, None, error)


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers start from a fork server that has loaded esi-docs but not the roster: forked
    from this process they would carry the whole roster, and their memory would grow with
    it. (Spawn outside Linux, where forking is unsafe.)"""
    if sys.platform != "linux":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["esi_docs.batch", "esi_docs.render.pdf"])
    return context


_worker_settings: BatchSettings | None = None  # set once per worker process


def _init_worker(settings: BatchSettings, clinic: dict[str, object]) -> None:
    """Worker start: Ctrl-C is the parent's to handle (so no write is cut short)."""
    global _worker_settings
    for number in _STOP_SIGNALS:  # stopping is the parent's to decide: no write is cut short
        signal.signal(number, signal.SIG_IGN)
    _worker_settings = replace(settings, clinic=parse_clinic(clinic, "clinic"))


def _render_chunk(chunk: list[_Task]) -> list[_Outcome]:
    assert _worker_settings is not None
    return [_render_task(_worker_settings, task) for task in chunk]


def _render_task(settings: BatchSettings, task: _Task) -> _Outcome:
    """Render and write one patient's PDF; errors become the row's message, never a crash."""
    try:
        request = RenderRequest(
            settings.handout,
            task.patient,
            settings.clinic,
            paper=settings.paper,
            format=settings.format,
            templates=settings.templates,
        )
        rendered = render(request)
        write_atomic(task.path, rendered.data)
    except EsiDocsError as exc:
        error = "; ".join(_short(p, task.label) for p in exc.problems)
        return _Outcome(task.index, task.label, None, error)
    except Exception as exc:  # an unexpected error may quote patient data: its type only
        return _Outcome(task.index, task.label, None, f"internal error ({type(exc).__name__})")
    entry = _without_sent_blobs(make_entry(rendered, operator=settings.operator, source="batch"))
    return _Outcome(task.index, task.label, entry, "")


_sent_blobs: set[str] = set()  # per worker process: content bytes already sent to the parent


def _without_sent_blobs(entry: AuditEntry) -> AuditEntry:
    """Each content file's bytes travel to the parent once per worker, not once per sheet: the
    parent stores them with the first record that used them."""
    fresh = {sha: data for sha, data in entry.blobs.items() if sha not in _sent_blobs}
    _sent_blobs.update(fresh)
    return replace(entry, blobs=fresh)
