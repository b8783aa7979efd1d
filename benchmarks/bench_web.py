"""Load check for the checkout form: `python benchmarks/bench_web.py [--nurses 20] [--seconds 20]`.

Starts `esi-docs serve` in its own process on a free loopback port, then runs simulated nurses
(threads, each with its own session): GET the form, POST a filled sheet, check that a PDF came
back, repeat until time is up. Prints the latency percentiles, what was served, the errors, and
the server's resident memory after warm-up and at the end (it should stay flat).
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


def start_server(port: int, threads: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "esi_docs", "serve", "--port", str(port)]
    command += ["--threads", str(threads)]
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


def run(nurses: int, seconds: float, threads: int) -> int:
    """Run the load check; return 0 when every request succeeded."""
    port = free_port()
    server = start_server(port, threads)
    try:
        wait_ready(port)
        # Warm-up with the whole crowd, so every server thread has loaded what it needs.
        crowd(port, nurses, min(5.0, seconds / 4), Tally())
        rss = [rss_kib(server.pid)]
        halfway = threading.Timer(seconds / 2, lambda: rss.append(rss_kib(server.pid)))
        halfway.start()
        tally = Tally()
        elapsed = crowd(port, nurses, seconds, tally)
        halfway.join()
        wait_ready(port)  # still answering after the crowd
        rss.append(rss_kib(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=10)
    report(tally, nurses, elapsed, threads, rss)
    return 1 if tally.errors or not tally.sheet_seconds else 0


def report(tally: Tally, nurses: int, elapsed: float, threads: int, rss: list) -> None:
    sheets, forms = sorted(tally.sheet_seconds), sorted(tally.form_seconds)
    ms = lambda values, q: f"{percentile(values, q) * 1000:.0f} ms"  # noqa: E731
    print(f"esi-docs checkout form, {nurses} concurrent nurses, {elapsed:.1f} s, {threads} threads")
    print(f"  sheets served (POST /sheet -> PDF): {len(sheets)} ({len(sheets) / elapsed:.1f}/s)")
    print(f"  forms served  (GET /):              {len(forms)}")
    slowest = f"{max(sheets) * 1000:.0f} ms" if sheets else "-"
    print(f"  sheet latency: p50 {ms(sheets, 0.50)}, p95 {ms(sheets, 0.95)}, max {slowest}")
    print(f"  form latency:  p50 {ms(forms, 0.50)}, p95 {ms(forms, 0.95)}")
    print(
        f"  errors: {len(tally.errors)}" + (f" (first: {tally.errors[0]})" if tally.errors else "")
    )
    if all(rss):
        pairs = zip(_RSS_LABELS, rss, strict=True)
        shown = ", ".join(f"{label} {kib / 1024:.1f}" for label, kib in pairs)
        print(f"  server RSS (MiB): {shown}; second half {(rss[2] - rss[1]) / 1024:+.1f}")
    print(f"  cpus: {os.cpu_count()}, python {sys.version.split()[0]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench_web.py", description=__doc__)
    parser.add_argument("--nurses", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=8, help="server threads (serve --threads)")
    args = parser.parse_args(argv)
    return run(args.nurses, args.seconds, args.threads)


if __name__ == "__main__":
    sys.exit(main())
