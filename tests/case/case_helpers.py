"""Shared by the case tests: a fast key derivation, a passphrase file, the CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from paths import TESTS
from safecheck.case import store
from safecheck.cli.app import app
from safecheck.core.crypto import ScryptParams

FAST = ScryptParams(log2_n=4, r=1, p=1)
PASSPHRASE = "correct horse battery staple"  # noqa: S105 -- a test passphrase
MINI = TESTS / "fixtures" / "mini"


def fast_and_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Lower scrypt's cost, point HOME at an empty folder; returns the passphrase file."""
    monkeypatch.setattr(store, "SCRYPT_PARAMS", FAST)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SAFECHECK_INITIALS", raising=False)
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    pw = secrets / "pw.txt"
    pw.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return pw


def case_cli(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, ["case", *args], input=stdin)
