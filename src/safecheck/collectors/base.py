"""What collectors produce: entries (plain facts), and what they could not read.

A collector only reports what is there: a unit that starts a program, a cron line, an
authorised SSH key, a listening socket. Judging it (remote-access tool? runs from /tmp?) is
the job of `safecheck.analysis`, so collectors stay simple and testable on any OS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from safecheck.collectors.host import Host, ReadError


@dataclass(frozen=True)
class Entry:
    """One thing found on the inspected system."""

    collector: str  # the collector id, e.g. "linux.systemd"
    kind: str  # e.g. "systemd-unit", "cron-job", "autostart", "shell-line", "ssh-key"
    location: str  # path on the inspected system ("/etc/cron.d/x"), or "process"/"socket"
    name: str  # unit or job name, key comment, package or process name
    command: str | None = None  # the command line it runs, as written
    program: str | None = None  # the executable path it runs, as on the inspected system
    line: int | None = None  # 1-based line in `location`
    user: str | None = None  # the account it runs as or belongs to
    enabled: bool | None = None  # None when it cannot be told
    modified: datetime | None = None  # of the file that defines it
    pid: int | None = None
    port: int | None = None
    remote: str | None = None  # remote address of a connection, "ip:port"
    sha256: str | None = None  # of `program`, when readable
    details: tuple[tuple[str, str], ...] = ()  # more facts: ("type", "timer"), ("fingerprint", ...)

    def detail(self, key: str) -> str | None:
        return next((v for k, v in self.details if k == key), None)


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
    # for NOT_APPLICABLE / FAILED: an i18n key ("scan.reason.live_only") or, for an unexpected
    # error, its technical text
    reason: str = ""


class Collector(Protocol):
    """A collector reads one kind of location. It never raises for bad input: it records it."""

    id: str
    platforms: frozenset[str]
    live_only: bool

    def collect(self, host: Host) -> CollectorResult: ...
