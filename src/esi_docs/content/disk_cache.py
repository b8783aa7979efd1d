"""Parsed and compiled content kept on disk, keyed by the SHA-256 of each content file.

A fresh `esi-docs render` used to parse every content file with PyYAML's pure-Python composer
and compile each templated line with Jinja (about half of its start-up, issue 18). Both depend
only on the file's bytes and on the code that parses and compiles them, so the result is
stored once under the file's hash and reused by every later process. A changed file has a new
hash (a miss, parsed again); a new esi-docs, Jinja, PyYAML or Python has a new fingerprint
(every entry misses). Only files that loaded without a problem are stored, so a cached entry
never skips a check that would have failed.

Where: `ESI_DOCS_CACHE_DIR`, else `$XDG_CACHE_HOME/esi-docs`, else `~/.cache/esi-docs`;
`ESI_DOCS_CACHE_DIR=off` turns it off. The folder is this user's alone (0700): entries hold
code that runs when a sheet is filled in, so a folder another user could write to is ignored.
Any problem reading or writing is a miss, never an error: the cache only saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import pickle
import stat
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

_OFF = ("off", "0", "none", "false")
# The modules whose code decides what an entry holds: the YAML loader and the sandbox.
_CODE = ("inputs/yamlio.py", "content/sandbox.py", "content/disk_cache.py")
_PACKAGE = Path(__file__).resolve().parents[1]


def folder() -> Path | None:
    """The cache folder, or None when the cache is off or not safely ours."""
    chosen = os.environ.get("ESI_DOCS_CACHE_DIR")
    if chosen is not None and chosen.strip().lower() in (*_OFF, ""):
        return None
    if chosen:
        path = Path(chosen)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = Path(base) / "esi-docs"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return path


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """What the stored results depend on besides the file: Python, the libraries, our code."""
    import jinja2
    import yaml

    digest = hashlib.sha256()
    for part in (sys.implementation.cache_tag, jinja2.__version__, yaml.__version__):
        digest.update(f"{part}\0".encode())
    for name in _CODE:
        digest.update((_PACKAGE / name).read_bytes())
    return digest.hexdigest()[:16]


def _entry(sha256: str) -> Path | None:
    base = folder()
    return base / f"{sha256}-{fingerprint()}.pickle" if base else None


def get(sha256: str) -> tuple[Any, dict[tuple[str, str], Any]] | None:
    """The parsed data and compiled code stored for a file with this hash, or None."""
    path = _entry(sha256)
    if path is None:
        return None
    try:
        # Only from our own 0700 folder (see folder()): nobody else could have written it.
        data, codes = pickle.loads(path.read_bytes())  # noqa: S301
        compiled = {key: marshal.loads(code) for key, code in codes.items()}  # noqa: S302
        return pickle.loads(data), compiled  # noqa: S301
    except Exception:  # a missing, truncated or foreign entry is a miss
        return None


def snapshot(data: Any) -> bytes | None:
    """The parsed data as bytes, taken before anything could change it (None: not storable)."""
    try:
        return pickle.dumps(data)
    except Exception:
        return None


def put(sha256: str, data: bytes | None, codes: dict[tuple[str, str], Any]) -> None:
    """Store a file's data (a snapshot) and compiled code, atomically; failures are ignored."""
    path = _entry(sha256)
    if path is None or data is None:
        return
    temporary = ""
    try:
        blob = pickle.dumps((data, {key: marshal.dumps(code) for key, code in codes.items()}))
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(blob)
        os.replace(temporary, path)
    except Exception:  # a full disk or a read-only home only costs the next start its time
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
