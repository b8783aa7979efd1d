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


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` all at once, mode 0600."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise RenderError(f"{path}: the folder {folder} does not exist")
    if path.is_dir():
        raise RenderError(f"{path}: is a folder; give a file name such as sheet.pdf")
    temp_name = None
    try:
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".esi-docs-", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), FILE_MODE)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
        temp_name = None
    except OSError as exc:
        raise RenderError(f"{path}: cannot write the file ({exc.strerror})") from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
