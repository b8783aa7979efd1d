"""The rule for tests that need a system program: skip with the reason, fail in CI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.system import need_program

MISSING = "esi-docs-no-such-program"


def test_a_missing_program_skips_with_its_package_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"`esi-docs-no-such-program`.*poppler-utils"):
        need_program(MISSING, "poppler-utils")


def test_a_missing_program_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run this test"):
        need_program(MISSING, "poppler-utils")


def test_the_windows_runner_skips(monkeypatch):
    monkeypatch.setenv("CI", "windows-runner")
    with pytest.raises(pytest.skip.Exception):
        need_program(MISSING, "poppler-utils")


def test_a_present_program_gives_its_path(monkeypatch):
    python = Path(sys.executable)
    monkeypatch.setenv("PATH", str(python.parent))
    assert Path(need_program(python.name, "python3")).samefile(python)
