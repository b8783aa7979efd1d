"""Folders the tool creates for patient sheets and the audit trail are 0700 even under umask 000,
parents included."""

from __future__ import annotations

import os
import stat

from esi_docs.delivery.atomic import make_private_folders
from esi_docs.records.audit import AuditLog


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_parents_are_private_under_umask_000(tmp_path):
    old = os.umask(0)
    try:
        make_private_folders(tmp_path / "a" / "b" / "c")
        AuditLog(tmp_path / "x" / "y" / "audit.sqlite3")
    finally:
        os.umask(old)
    for folder in ("a", "a/b", "a/b/c", "x", "x/y"):
        assert _mode(tmp_path / folder) == 0o700, folder
