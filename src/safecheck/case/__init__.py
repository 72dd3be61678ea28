"""A case: everything an advocate gathers with one survivor (devices checked, notes, activity
log), kept in ONE encrypted file `DIR/safecheck-case.sc` (see docs/case-format.md)."""

from safecheck.case.store import CASE_FILE, Case, CaseError, initials_from, wipe

__all__ = ["CASE_FILE", "Case", "CaseError", "initials_from", "wipe"]
