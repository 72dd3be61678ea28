"""What every kind of phone check (Android, iPhone) shares once the phone is read: coverage rows
before translation, and the report built from hits, rows and what was inspected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from safecheck.core.entries import Hit
from safecheck.core.i18n import Translator
from safecheck.core.model import Coverage, CoverageStatus
from safecheck.report.findings import findings_from_hits
from safecheck.report.model import Metadata, Report
from safecheck.report.rules import load_rules, rules_version


@dataclass
class CheckRow:
    """One coverage row before translation: the report shows `t(key, **values)`."""

    id: str
    status: CoverageStatus
    key: str
    values: dict[str, str] = field(default_factory=dict)
    details: tuple[str, ...] = ()


def coverage_row(row: CheckRow, t: Translator) -> Coverage:
    return Coverage(row.id, row.status, t(row.key, **row.values), row.details)


def phone_report(
    t: Translator,
    now: datetime,
    hits: list[Hit],
    rows: list[CheckRow],
    host: dict[str, str | bool | int],
    indicators_version: str | None,
) -> Report:
    """The report of a phone check in `t`'s language. `indicators_version` is None when no
    stalkerware list was installed (the coverage rows say how to get one)."""
    findings = findings_from_hits(hits, load_rules(), t, lambda _program: None)
    versions = {"rules": rules_version()}
    if indicators_version is not None:
        versions["indicators"] = indicators_version or "installed"
    return Report(
        metadata=Metadata.of_run(now, t.lang, versions, host=host),
        findings=tuple(findings),
        answers=(),
        risks=(),
        coverage=tuple(coverage_row(row, t) for row in rows),
    )
