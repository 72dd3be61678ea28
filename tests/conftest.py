"""Shared fixtures: a small, complete set of checklists written for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from safecheck.checklist.loader import load_checklists
from safecheck.checklist.model import ChecklistSet

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def mini_dir() -> Path:
    return FIXTURES / "mini"


@pytest.fixture
def mini(mini_dir: Path) -> ChecklistSet:
    return load_checklists([mini_dir])
