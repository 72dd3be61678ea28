"""The package layers and who may use typer, rich, psutil, subprocess and sockets are
import-linter contracts in pyproject.toml; this runs them with the rest of the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from paths import REPO


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    assert lint_imports.exists(), "install the test extras: pip install -e '.[test]'"
    done = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
