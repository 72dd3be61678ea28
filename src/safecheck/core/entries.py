"""Entries (plain facts read from a computer or a phone) and hits (an entry triggering a rule).

Both the scan and the phone check produce entries and judge them into hits; the report turns
hits into findings with the texts of `data/rules/`. A hit may name the tool it recognised: any
object with a name, what it does and its sources (the catalog's `Tool` is one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from safecheck.core.i18n import LocalizedText


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


class ToolFacts(Protocol):
    """What a finding says of a recognised tool (the catalog's Tool has these)."""

    @property
    def name(self) -> str: ...

    @property
    def does(self) -> LocalizedText: ...

    @property
    def sources(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Hit:
    """One entry triggering one rule. Hits with the same (rule, key) become one finding."""

    rule: str
    key: str
    entry: Entry
    values: dict[str, str] = field(default_factory=dict)
    tool: ToolFacts | None = None
