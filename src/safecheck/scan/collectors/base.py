"""What a collector returns: its entries (`safecheck.core.entries.Entry`, plain facts), how much
it looked at, and what it could not read.

A collector only reports what is there: a unit that starts a program, a cron line, an
authorised SSH key, a listening socket. Judging it (remote-access tool? runs from /tmp?) is
the job of `safecheck.scan.analysis`, so collectors stay simple and testable on any OS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from safecheck.core.entries import Entry
from safecheck.scan.collectors.host import Host, ReadError


class Status:
    """Coverage hints a collector can give; the engine turns them into localized rows."""

    OK = "ok"
    NOT_APPLICABLE = "not-applicable"  # wrong platform, or live-only on a --root scan
    NEEDS_ADMIN = "needs-admin"  # could read nothing useful without administrator rights
    FAILED = "failed"


@dataclass
class CollectorResult:
    entries: list[Entry] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)  # files that could not be read
    checked: int = 0  # how many files, units or processes were looked at
    status: str = Status.OK
    # Sources this collector depends on that the inspected system lacks (a Windows disk with no
    # SOFTWARE hive): the row is then "partial" or "not checked", never "ok".
    missing: list[str] = field(default_factory=list)
    # for NOT_APPLICABLE / FAILED: an i18n key ("scan.reason.live_only") or, for an unexpected
    # error, its technical text
    reason: str = ""


class Collector(Protocol):
    """A collector reads one kind of location. It never raises for bad input: it records it."""

    id: str
    platforms: frozenset[str]
    live_only: bool

    def collect(self, host: Host) -> CollectorResult: ...
