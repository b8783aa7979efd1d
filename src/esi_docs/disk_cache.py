"""Results of slow, pure steps kept on disk for the next process (issue 18).

A fresh `esi-docs render` used to parse every content file and the packaged clinic profile with
PyYAML's pure-Python loader, and compile each templated line with Jinja: about half of its
start-up. Those results depend only on the input's bytes and on the code that made them, so
each is stored under a name holding the input's SHA-256 and a fingerprint of that code (Python,
library versions, our module's source). A changed file has a new hash, a new esi-docs, Jinja,
PyYAML or Python a new fingerprint: either way a miss, done again and stored again.

Where: `ESI_DOCS_CACHE_DIR`, else `$XDG_CACHE_HOME/esi-docs`, else `~/.cache/esi-docs`;
`ESI_DOCS_CACHE_DIR=off` turns it off. The folder is this user's alone (0700): entries are
unpickled and hold code that runs when a sheet is filled in, so a folder another user could
write to is ignored. Any problem reading or writing is a miss, never an error: the cache only
saves time. Standard library only, so input code may use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

_OFF = ("off", "0", "none", "false", "")
PACKAGE = Path(__file__).resolve().parent


def folder() -> Path | None:
    """The cache folder, or None when the cache is off or not safely ours."""
    chosen = os.environ.get("ESI_DOCS_CACHE_DIR")
    if chosen is not None and chosen.strip().lower() in _OFF:
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


@lru_cache(maxsize=8)
def fingerprint(*parts: str, modules: tuple[str, ...] = ()) -> str:
    """What a stored result depends on besides its input: Python, the given versions, and the
    source of the given esi_docs modules (paths under the package, e.g. inputs/yamlio.py)."""
    digest = hashlib.sha256()
    for part in (sys.implementation.cache_tag, *parts):
        digest.update(f"{part}\0".encode())
    for name in (*modules, "disk_cache.py"):
        digest.update((PACKAGE / name).read_bytes())
    return digest.hexdigest()[:16]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(name: str) -> Any | None:
    """The value stored under `name`, or None (missing, damaged, or the cache is off)."""
    base = folder()
    if base is None:
        return None
    try:
        # Only from our own 0700 folder (see folder()): nobody else could have written it.
        return pickle.loads((base / f"{name}.pickle").read_bytes())  # noqa: S301
    except Exception:  # a missing, truncated or foreign entry is a miss
        return None


def store(name: str, value: Any) -> None:
    """Store a value under `name`, atomically (a reader never sees half a file); failures
    are ignored."""
    base = folder()
    if base is None:
        return
    temporary = ""
    try:
        blob = pickle.dumps(value)
        handle, temporary = tempfile.mkstemp(dir=base, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(blob)
        os.replace(temporary, base / f"{name}.pickle")
    except Exception:  # a full disk or a read-only home only costs the next start its time
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
