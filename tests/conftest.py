"""Shared fixtures: a small, complete set of checklists written for the tests."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from safecheck.checkup.checklist.loader import load_checklists
from safecheck.checkup.checklist.model import ChecklistSet

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def mini_dir() -> Path:
    return FIXTURES / "mini"


@pytest.fixture
def mini(mini_dir: Path) -> ChecklistSet:
    return load_checklists([mini_dir])


# --- golden files (tests/golden/) -----------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files in tests/golden/ instead of comparing (review the diff).",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def utc() -> Iterator[None]:
    """Reports show the local time too, which depends on the machine's zone: make it UTC."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
