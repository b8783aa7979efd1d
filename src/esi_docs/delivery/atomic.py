"""Writes output files atomically: a reader sees the whole PDF or no file at all.

The data goes to a temporary file in the destination folder (so the final rename stays on one
file system), is flushed to disk, given mode 0600 (it holds patient data), then renamed into
place. On any failure the temporary file is removed. Its name carries no patient data.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from esi_docs.errors import RenderError

FILE_MODE = 0o600


def _write_all(handle: int, data: bytes) -> None:
    """os.write may write less than asked (a full disk shows up here as ENOSPC)."""
    view = memoryview(data)
    while view:
        written = os.write(handle, view)
        view = view[written:]


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` all at once, mode 0600."""
    folder = path.parent if str(path.parent) else Path(".")
    temp_name = None
    try:
        # Inside the try: even these checks raise OSError (a name too long, a looping link).
        if not folder.is_dir():
            raise RenderError(f"{path}: the folder {folder} does not exist")
        if path.is_dir():
            raise RenderError(f"{path}: is a folder; give a file name such as sheet.pdf")
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".esi-docs-", suffix=".tmp")
        try:
            os.fchmod(handle, FILE_MODE)  # mkstemp already uses 0600; say so whatever umask
            _write_all(handle, data)
            os.fsync(handle)
        finally:
            os.close(handle)
        # os.replace swaps a symlink at `path` for the new file: it never writes through it.
        os.replace(temp_name, path)
        temp_name = None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise RenderError(f"{path}: cannot write the file ({reason})") from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
