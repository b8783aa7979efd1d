"""Writes output files atomically: a reader sees the whole PDF or no file at all.

The data goes to a temporary file in the destination folder (so the final rename stays on one
file system), is flushed to disk, given mode 0600 (it holds patient data), then renamed into
place. On any failure the temporary file is removed. Its name carries no patient data.

Windows: there is no os.fchmod before Python 3.13 (and its modes are not POSIX ones: the file
is private through the user's folder ACLs instead), so the mode is set only where it exists.
And Windows refuses to replace a file that a PDF viewer or a virus scanner has open
(PermissionError); that usually passes within a second, so the rename is retried for a while
before the nurse is told to close the viewer.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path

from esi_docs.errors import RenderError

FILE_MODE = 0o600
REPLACE_TRIES = 10  # about 2.5 s in all: 0.05 s doubling, at most 0.5 s a wait


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
        _refuse_special(path)
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".esi-docs-", suffix=".tmp")
        try:
            if hasattr(os, "fchmod"):  # POSIX (and Windows from Python 3.13)
                os.fchmod(handle, FILE_MODE)  # mkstemp already uses 0600; say so whatever umask
            _write_all(handle, data)
            os.fsync(handle)
        finally:
            os.close(handle)
        # os.replace swaps a symlink at `path` for the new file: it never writes through it.
        _replace(temp_name, path)
        temp_name = None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise RenderError(f"{path}: cannot write the file ({reason})") from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def _refuse_special(path: Path) -> None:
    """Only a regular file (or a new name) is ever replaced: renaming over a device, a FIFO or
    a socket would swap the system's node for a file holding patient data (as root, -o
    /dev/null would do just that). Standard output is `-o -`."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError:
        return  # a dangling link or no permission: the write itself says what is wrong
    if not stat.S_ISREG(mode):
        raise RenderError(
            f"{path}: is a device, pipe or socket, not a file; give a file name such as "
            "sheet.pdf, or -o - for standard output"
        )


def _replace(source: str, target: Path) -> None:
    """os.replace, retried while another program holds the target open (Windows says
    PermissionError then); a refusal that outlasts the retries names the likely cause."""
    for attempt in range(REPLACE_TRIES):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if not target.exists():
                raise  # not a held file: the folder itself refuses
            if attempt == REPLACE_TRIES - 1:
                raise RenderError(
                    f"{target}: the file is open in another program (a PDF viewer?); close it "
                    "and try again"
                ) from None
            time.sleep(min(0.05 * 2**attempt, 0.5))


def make_private_folders(path: Path) -> None:
    """Create `path` and any missing parents as 0700, whatever the umask.

    Path.mkdir(parents=True) gives the parents 0777 & ~umask, i.e. 0777 under umask 000; a folder
    of patient sheets must never be world-writable.
    """
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask too
