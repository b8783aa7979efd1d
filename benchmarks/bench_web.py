"""Load check for the checkout form: `python benchmarks/bench_web.py [--nurses 20] [--seconds 20]
[--workers N]`.

Starts `esi-docs serve` in its own process on a free loopback port, then runs simulated nurses
(threads, each with its own session): GET the form, POST a filled sheet, check that a PDF came
back, repeat until time is up. Prints the latency percentiles, the slowest sheet against the
p95 (issue 18: at most 3x), what was served, the errors, and the server's resident memory
after warm-up, halfway and at the end (it should stay flat).

With `--workers N` it runs the same crowd twice, side by side: first a server that renders in
its own process (`serve --workers 0`), then one with a pool of N render processes, and prints
the pool's throughput over the one process's (issue 18: at least 1.8 with 20 nurses on 2
cores). Without it, one run with the server's default (one worker per usable core).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from esi_docs.web.local import free_port, wait_ready

_RSS_LABELS = ("after warm-up", "halfway", "end")
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PATIENT = {
    "name": "Bench Patient",
    "dob": "1961-04-12",
    "mrn": "0012345",
    "procedure_date": "2026-11-20",
    "procedure_time": "09:30",
    "approach": "transforaminal",
    "region": "lumbar",
    "diabetic": "true",
    "sedation": "false",
    "blood_thinner": "Eliquis",
    "blood_thinner_held": "all",
    "language": "en",
    "handout": "discharge",
    "operator": "Bench Nurse",
}


@dataclass
class Tally:
    """What all nurses saw; one lock, appended from every thread."""

    sheet_seconds: list[float] = field(default_factory=list)
    form_seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def rss_kib(pid: int) -> int | None:
    """Resident memory of a process (Linux /proc); None where that is not available."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match[1]) if match else None


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc (Linux); empty elsewhere."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return children
    for entry in entries:
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    return children


def workers_rss_kib(pid: int) -> int | None:
    """Resident memory of the server's descendants (render workers, their fork server)."""
    children, todo, total = _children(), [pid], 0
    while todo:
        for child in children.get(todo.pop(), []):
            total += rss_kib(child) or 0
            todo.append(child)
    return total if children else None


def start_server(port: int, threads: int, workers: int | None) -> subprocess.Popen:
    command = [sys.executable, "-m", "esi_docs", "serve", "--port", str(port)]
    command += ["--threads", str(threads)]
    if workers is not None:
        command += ["--workers", str(workers)]
    # Its own throwaway audit database: the load check never adds fake records to a real one.
    audit = Path(tempfile.mkdtemp(prefix="esi-bench-web-")) / "audit.sqlite3"
    env = {**os.environ, "ESI_DOCS_AUDIT_DB": str(audit)}
    return subprocess.Popen(  # noqa: S603
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )


def one_sheet(connection: http.client.HTTPConnection, tally: Tally) -> None:
    """One nurse, one patient: load the form (new session), post it, expect a PDF."""
    started = time.perf_counter()
    connection.request("GET", "/")
    form = connection.getresponse()
    page = form.read().decode()
    cookie = (form.getheader("Set-Cookie") or "").split(";", 1)[0]
    middle = time.perf_counter()
    token = _TOKEN.search(page)
    if form.status != 200 or not token or not cookie:
        raise RuntimeError(f"form: status {form.status}")
    body = urllib.parse.urlencode({**PATIENT, "csrf_token": token[1]})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection.request("POST", "/sheet", body=body, headers=headers)
    sheet = connection.getresponse()
    pdf = sheet.read()
    done = time.perf_counter()
    if sheet.status != 200 or not pdf.startswith(b"%PDF"):
        raise RuntimeError(f"sheet: status {sheet.status}")
    with tally.lock:
        tally.form_seconds.append(middle - started)
        tally.sheet_seconds.append(done - middle)


def nurse(port: int, until: float, tally: Tally) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < until:
        try:
            one_sheet(connection, tally)
        except (OSError, RuntimeError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.errors.append(f"{type(exc).__name__}: {exc}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()


def percentile(values: list[float], fraction: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def crowd(port: int, nurses: int, seconds: float, tally: Tally) -> float:
    """Run `nurses` threads for `seconds`; return the time it really took."""
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=nurse, args=(port, until, tally)) for _ in range(nurses)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


@dataclass
class Outcome:
    """One run's result, for the side-by-side ratios."""

    sheets_per_s: float
    p95_s: float
    slowest_s: float
    ok: bool


def run(nurses: int, seconds: float, threads: int, workers: int | None = None) -> Outcome:
    """Run the load check against one server and print its report."""
    port = free_port()
    server = start_server(port, threads, workers)
    try:
        wait_ready(port)
        # Warm-up with the whole crowd, so every server thread has loaded what it needs.
        crowd(port, nurses, min(5.0, seconds / 4), Tally())
        rss = [rss_kib(server.pid)]
        pool_rss = [workers_rss_kib(server.pid)]

        def halfway_rss() -> None:
            rss.append(rss_kib(server.pid))
            pool_rss.append(workers_rss_kib(server.pid))

        halfway = threading.Timer(seconds / 2, halfway_rss)
        halfway.start()
        tally = Tally()
        elapsed = crowd(port, nurses, seconds, tally)
        halfway.join()
        wait_ready(port)  # still answering after the crowd
        rss.append(rss_kib(server.pid))
        pool_rss.append(workers_rss_kib(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=10)
    report(tally, nurses, elapsed, f"{threads} threads, {_workers_label(workers)}", rss)
    if all(pool_rss) and len(pool_rss) == 3:
        shown = ", ".join(
            f"{k} {kib / 1024:.1f}" for k, kib in zip(_RSS_LABELS, pool_rss, strict=True)
        )
        second = (pool_rss[2] - pool_rss[1]) / 1024
        print(f"  render workers' RSS, all together (MiB): {shown}; second half {second:+.1f}")
    sheets = tally.sheet_seconds
    return Outcome(
        sheets_per_s=len(sheets) / elapsed,
        p95_s=percentile(sorted(sheets), 0.95),
        slowest_s=max(sheets, default=float("nan")),
        ok=bool(sheets) and not tally.errors,
    )


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom else float("nan")


def _workers_label(workers: int | None) -> str:
    if workers is None:
        return "default workers (one per usable core)"
    return "rendering in the server process" if workers == 0 else f"{workers} render workers"


def report(tally: Tally, nurses: int, elapsed: float, setup: str, rss: list) -> None:
    sheets, forms = sorted(tally.sheet_seconds), sorted(tally.form_seconds)
    ms = lambda values, q: f"{percentile(values, q) * 1000:.0f} ms"  # noqa: E731
    print(f"esi-docs checkout form, {nurses} concurrent nurses, {elapsed:.1f} s, {setup}")
    print(f"  sheets served (POST /sheet -> PDF): {len(sheets)} ({len(sheets) / elapsed:.1f}/s)")
    print(f"  forms served  (GET /):              {len(forms)}")
    slowest = f"{max(sheets) * 1000:.0f} ms" if sheets else "-"
    print(f"  sheet latency: p50 {ms(sheets, 0.50)}, p95 {ms(sheets, 0.95)}, max {slowest}")
    if sheets:
        tail = _ratio(max(sheets), percentile(sheets, 0.95))
        print(f"  slowest / p95: {tail:.2f} (goal <= 3)")
    print(f"  form latency:  p50 {ms(forms, 0.50)}, p95 {ms(forms, 0.95)}")
    print(
        f"  errors: {len(tally.errors)}" + (f" (first: {tally.errors[0]})" if tally.errors else "")
    )
    if all(rss):
        pairs = zip(_RSS_LABELS, rss, strict=True)
        shown = ", ".join(f"{label} {kib / 1024:.1f}" for label, kib in pairs)
        print(f"  server RSS (MiB): {shown}; second half {(rss[2] - rss[1]) / 1024:+.1f}")
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"  cpus: {os.cpu_count()}, python {sys.version.split()[0]}{load}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench_web.py", description=__doc__)
    parser.add_argument("--nurses", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=8, help="server threads (serve --threads)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="render processes in the pool; runs the crowd against one process first, "
        "then the pool, and prints the throughput ratio",
    )
    args = parser.parse_args(argv)
    if args.workers is None or args.workers == 0:
        return 0 if run(args.nurses, args.seconds, args.threads, args.workers).ok else 1
    one = run(args.nurses, args.seconds, args.threads, 0)
    pool = run(args.nurses, args.seconds, args.threads, args.workers)
    print(
        f"pool of {args.workers} vs one process, {args.nurses} nurses: throughput "
        f"{pool.sheets_per_s:.1f} vs {one.sheets_per_s:.1f} sheets/s, ratio "
        f"{_ratio(pool.sheets_per_s, one.sheets_per_s):.2f} (goal >= 1.8 on 2 cores); slowest / "
        f"p95 {_ratio(pool.slowest_s, pool.p95_s):.2f} with the pool, "
        f"{_ratio(one.slowest_s, one.p95_s):.2f} "
        "without (goal <= 3)"
    )
    return 0 if one.ok and pool.ok else 1


if __name__ == "__main__":
    sys.exit(main())
