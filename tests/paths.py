"""Where things are, for tests in any folder: the checkout, the tests, their fixtures, the
shared folder beside the checkout (read-only test data), the docs and the package source."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SHARED = REPO.parent / "shared"
DOCS = REPO / "docs"
SRC = REPO / "src" / "safecheck"
