"""Tests that need a system program (pdftotext, chromium, caddy, lp ...): without it they skip
with the reason, except in CI (CI=true, set by .ci/run), where a missing program is a failure,
so CI can never pass by skipping what it must check. The Windows runner sets CI to another
value on purpose: there these programs do not exist and the tests skip."""

from __future__ import annotations

import os
import shutil

import pytest


def unavailable(reason: str, ci_setup: str = ".ci/run installs it") -> None:
    """Skip with the reason outside CI; fail in CI."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run this test ({ci_setup})")
    pytest.skip(reason)


def need_program(name: str, package: str) -> str:
    """The program's path, or skip/fail naming the Debian package that provides it."""
    path = shutil.which(name)
    if path is None:
        unavailable(f"`{name}` is not installed (Debian package {package})")
    return path  # type: ignore[return-value]  # unavailable() never returns
