"""What a phone check could and could not read, before translation: shared by every kind of
phone (Android, iPhone) so their reports say coverage the same way."""

from __future__ import annotations

from dataclasses import dataclass, field

from safecheck.core.i18n import Translator
from safecheck.core.model import Coverage, CoverageStatus


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
