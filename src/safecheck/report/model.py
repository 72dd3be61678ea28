"""A Report is a value: everything a checkup (and later a scan) found, in the session's language."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from safecheck import __version__
from safecheck.core.model import Coverage, Finding, Outcome, Severity


@dataclass(frozen=True)
class AnsweredItem:
    """One question as it was asked and answered, with its texts resolved in one language."""

    item_id: str
    checklist_id: str
    question: str
    answer: str  # an Answer value: yes, no, unsure, cant-find, skip
    outcome: Outcome
    severity: Severity | None = None  # set when the outcome is ACT
    note: str | None = None  # advocate mode


@dataclass(frozen=True)
class Risk:
    """A risk that follows from a situation answer: certain (yes) or possible (not sure)."""

    item_id: str
    text: str
    severity: Severity
    possible: bool  # the answer was "not sure" or "can't find it"


@dataclass(frozen=True)
class Metadata:
    tool: str
    version: str
    generated_at: str  # ISO 8601, UTC
    language: str
    country: str
    advocate_mode: bool
    data_versions: dict[str, str] = field(default_factory=dict)  # checklist id -> version
    host: dict[str, str | bool | int] = field(default_factory=dict)  # what a scan inspected
    redacted: bool = False  # names, hosts, home paths, e-mails, phones replaced (redact.py)

    @classmethod
    def of_run(
        cls,
        now: datetime,
        language: str,
        data_versions: dict[str, str],
        *,
        country: str = "",
        advocate_mode: bool = False,
        host: dict[str, str | bool | int] | None = None,
    ) -> Metadata:
        """The metadata of a report made now by this version of safecheck."""
        return cls(
            tool="safecheck",
            version=__version__,
            generated_at=now.astimezone(UTC).isoformat(timespec="seconds"),
            language=language,
            country=country,
            advocate_mode=advocate_mode,
            data_versions=data_versions,
            host=host or {},
        )


@dataclass(frozen=True)
class Report:
    metadata: Metadata
    findings: tuple[Finding, ...]
    answers: tuple[AnsweredItem, ...]
    risks: tuple[Risk, ...]
    coverage: tuple[Coverage, ...]

    def with_outcome(self, outcome: Outcome) -> list[AnsweredItem]:
        return [a for a in self.answers if a.outcome is outcome]

    @property
    def act_now(self) -> list[Finding]:
        """Findings to act on (low and above), most serious first."""
        return sorted(
            (f for f in self.findings if f.severity > Severity.INFO),
            key=lambda f: f.severity,
            reverse=True,
        )

    @property
    def information(self) -> list[Finding]:
        """Findings for information only: never listed under "act on now"."""
        return [f for f in self.findings if f.severity is Severity.INFO]


def merge_scan(report: Report, scan: Report) -> Report:
    """The checkup report with an inspection's findings and coverage added (a computer scan or
    a phone check that the checkup offered)."""
    findings = sorted(report.findings + scan.findings, key=lambda f: f.severity, reverse=True)
    # The header describes the computer when there is one; a phone adds its data versions.
    host = dict(report.metadata.host) or dict(scan.metadata.host)
    versions = {**scan.metadata.data_versions, **report.metadata.data_versions}
    metadata = replace(report.metadata, host=host, data_versions=versions)
    return replace(
        report,
        findings=tuple(findings),
        coverage=report.coverage + scan.coverage,
        metadata=metadata,
    )
