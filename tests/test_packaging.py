"""The built wheel carries the checklists and data, and its `safecheck` command works."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from paths import REPO

ROOT = REPO


@pytest.mark.slow
def test_wheel_contains_data_and_validates_from_a_fresh_install(tmp_path: Path) -> None:
    source = tmp_path / "src"
    # Build from a copy: the checkout itself is left untouched.
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".*_cache"),
    )
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("safecheck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    checklists = {Path(n).name for n in names if n.startswith("safecheck/checklists/")}
    assert {
        "situation.yaml",
        "android.yaml",
        "iphone.yaml",
        "accounts.yaml",
        "location.yaml",
    } <= checklists
    assert "safecheck/data/resources.yaml" in names
    assert (
        "safecheck/core/i18n/en/core.yaml" in names and "safecheck/core/i18n/fr/core.yaml" in names
    )
    assert "safecheck/py.typed" in names

    # A fresh venv with the wheel and nothing else of ours; its dependencies come from the
    # environment running the tests (no network needed).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    deps = [p for p in sys.path if p.endswith("site-packages")]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join([str(target), *deps]),
        "LANG": "C",
        "HOME": str(tmp_path),
    }
    python = venv / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", "import safecheck, sys; print(safecheck.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=tmp_path,
    )
    assert done.stdout.startswith(str(target))
    done = subprocess.run(
        [str(python), str(target / "bin" / "safecheck"), "checklists", "validate"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No problems" in done.stderr
