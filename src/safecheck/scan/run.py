"""Orchestration of `safecheck scan`: run every collector that applies, judge the entries,
and build a Report. No terminal I/O; a failing collector becomes a coverage row."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from safecheck.catalog.index import CatalogIndex
from safecheck.catalog.packaged import packaged_catalog
from safecheck.core.entries import Entry, Hit
from safecheck.core.i18n import Translator
from safecheck.core.model import Coverage, CoverageStatus, Finding
from safecheck.report.findings import MAX_FINDINGS_PER_SOURCE, cap_findings, findings_from_hits
from safecheck.report.model import Metadata, Report
from safecheck.report.rules import load_rules, rules_version
from safecheck.scan.analysis import judge
from safecheck.scan.analysis.base import Context
from safecheck.scan.collectors.base import Collector, CollectorResult, Status
from safecheck.scan.collectors.host import (
    Host,
    ProcessInfo,
    ProcessSource,
    ReadError,
    ReadProblem,
    SocketInfo,
)
from safecheck.scan.collectors.system_info import describe_host
from safecheck.scan.gc_pause import fewer_full_collections
from safecheck.scan.script_bodies import MAX_SCRIPT_BYTES, ScriptReading, script_entries

Clock = Callable[[], datetime]
Progress = Callable[[str, int, int], None]  # collector id, number done, total
MAX_HASH_BYTES = 64 * 1024 * 1024


class CachedProcessSource:
    """Reads processes and sockets once per scan, however many collectors ask."""

    def __init__(self, source: ProcessSource) -> None:
        self._source = source
        self._processes: list[ProcessInfo] | None = None
        self._sockets: tuple[list[SocketInfo], bool] | None = None

    def processes(self) -> list[ProcessInfo]:
        if self._processes is None:
            self._processes = self._source.processes()
        return self._processes

    def sockets(self) -> tuple[list[SocketInfo], bool]:
        if self._sockets is None:
            self._sockets = self._source.sockets()
        return self._sockets


@dataclass
class ScanOutcome:
    findings: list[Finding] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    entries: int = 0


def _reason(text: str, t: Translator) -> str:
    return t(text) if text.startswith("scan.reason.") else text


def _with_reason(text: str, reason: str, t: Translator) -> str:
    """A collector's own advice (e.g. how to grant Full Disk Access) after the generic row."""
    if reason.startswith("scan.reason."):
        return f"{text} {t(reason)}"
    return text


def _coverage(collector: Collector, result: CollectorResult, t: Translator) -> Coverage:
    denied = [e for e in result.errors if e.problem is ReadProblem.PERMISSION]
    other = [
        e
        for e in result.errors
        if e.problem is not ReadProblem.PERMISSION and e.problem is not ReadProblem.MISSING
    ]
    details = tuple(str(e) for e in result.errors[:20])
    if result.status == Status.NOT_APPLICABLE:
        return Coverage(
            collector.id,
            CoverageStatus.NOT_APPLICABLE,
            t("scan.coverage.not_applicable", reason=_reason(result.reason, t)),
        )
    if result.status == Status.FAILED:
        return Coverage(
            collector.id,
            CoverageStatus.FAILED,
            t("scan.coverage.failed", reason=_reason(result.reason, t)),
            details,
        )
    if result.missing:
        sources = ", ".join(result.missing)
        if result.entries or result.checked:
            text = t("scan.coverage.partial_missing", checked=result.checked, sources=sources)
            return Coverage(collector.id, CoverageStatus.PARTIAL, text, details)
        text = t("scan.coverage.missing", sources=sources)
        return Coverage(collector.id, CoverageStatus.FAILED, text, details)
    if result.status == Status.NEEDS_ADMIN or (
        denied and not result.entries and not result.checked
    ):
        return Coverage(
            collector.id,
            CoverageStatus.NEEDS_ADMIN,
            _with_reason(t("scan.coverage.needs_admin", count=len(denied)), result.reason, t),
            details,
        )
    if denied or other:
        text = t(
            "scan.coverage.partial",
            checked=result.checked,
            denied=len(denied),
            unreadable=len(other),
        )
        return Coverage(
            collector.id, CoverageStatus.PARTIAL, _with_reason(text, result.reason, t), details
        )
    if not result.checked and not result.entries:
        # "0 read" must not look like "checked, nothing wrong": none of its places exist here
        return Coverage(
            collector.id,
            CoverageStatus.NOT_APPLICABLE,
            t("scan.coverage.not_applicable", reason=t("scan.reason.nothing_there")),
        )
    return Coverage(
        collector.id,
        CoverageStatus.OK,
        t("scan.coverage.ok", checked=result.checked, entries=len(result.entries)),
    )


def _applies(collector: Collector, host: Host) -> str | None:
    """Why a collector does not apply to this host, or None when it does."""
    if host.platform not in collector.platforms:
        return "scan.reason.platform"
    if collector.live_only and not host.live:
        return "scan.reason.live_only"
    return None


SCRIPTS_ROW = "scan.scripts"
# The folder every disk of a system has: a --root without it was not checked, whatever each
# collector found there (a wrong folder, or a disk that is not mounted whole).
SYSTEM_FOLDERS = {"linux": "/etc", "darwin": "/System", "win32": "/Windows"}


def _without_system_folder(host: Host, result: CollectorResult) -> None:
    folder = SYSTEM_FOLDERS.get(host.platform)
    if host.live or folder is None or result.status != Status.OK:
        return
    if not result.entries and not result.checked and not host.exists(folder):
        result.missing.append(folder)


def _with_cut(row: Coverage, cut: dict[str, int], t: Translator) -> Coverage:
    """A collector row that says how many of its findings the report leaves out."""
    count = cut.get(row.id)
    if not count:
        return row
    note = t("scan.coverage.findings_cut", count=count, limit=MAX_FINDINGS_PER_SOURCE)
    return replace(row, reason=f"{row.reason} {note}", details=(*row.details, note))


def scripts_coverage(reading: ScriptReading, t: Translator) -> Coverage:
    """The row that says how many start-up scripts were read and judged, and which were not."""
    if reading.unreadable:
        shown = ", ".join(reading.unreadable[:10])
        text = t(
            "scan.coverage.scripts_partial",
            read=reading.read,
            unread=len(reading.unreadable),
            files=shown,
            limit=MAX_SCRIPT_BYTES // 1024,
        )
        return Coverage(SCRIPTS_ROW, CoverageStatus.PARTIAL, text, tuple(reading.unreadable[:20]))
    if not reading.read:
        return Coverage(
            SCRIPTS_ROW,
            CoverageStatus.NOT_APPLICABLE,
            t("scan.coverage.not_applicable", reason=t("scan.reason.no_scripts")),
        )
    text = t("scan.coverage.scripts_ok", read=reading.read, followed=reading.followed)
    return Coverage(SCRIPTS_ROW, CoverageStatus.OK, text)


def collect(
    host: Host, collectors: Sequence[Collector], progress: Progress | None = None
) -> list[tuple[Collector, CollectorResult]]:
    results: list[tuple[Collector, CollectorResult]] = []
    for number, collector in enumerate(collectors, 1):
        if progress:
            progress(collector.id, number - 1, len(collectors))
        reason = _applies(collector, host)
        if reason is not None:
            result = CollectorResult(status=Status.NOT_APPLICABLE, reason=reason)
        else:
            try:
                result = collector.collect(host)
            except Exception as exc:  # a collector bug must not stop the scan
                result = CollectorResult(
                    status=Status.FAILED, reason=f"{type(exc).__name__}: {exc}"
                )
            _without_system_folder(host, result)
        results.append((collector, result))
    if progress:
        progress("", len(collectors), len(collectors))
    return results


class _Hasher:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.cache: dict[str, str | None] = {}

    def __call__(self, program: str | None) -> str | None:
        if not program or not program.startswith("/"):
            return None
        if program not in self.cache:
            try:
                data = self.host.read_bytes(program, MAX_HASH_BYTES)
                self.cache[program] = hashlib.sha256(data).hexdigest()
            except ReadError:
                self.cache[program] = None
        return self.cache[program]


def other_spelling(path: str) -> str:
    """usr-merged systems list /bin/x or /usr/bin/x for the same file."""
    return path[4:] if path.startswith("/usr/") else "/usr" + path


def paths_to_check(entries: list[Entry]) -> set[str]:
    """Every path the analysis may ask "is it packaged?" about, under both spellings."""
    wanted: set[str] = set()
    for entry in entries:
        for path in (entry.program, entry.location):
            if path and path.startswith("/"):
                wanted.add(path)
                wanted.add(other_spelling(path))
    return wanted


def packaged_lookup(owned: set[str] | None, host: Host) -> Callable[[str], bool | None]:
    """Whether a path belongs to a package; None when there is no package database or the file
    is not there (a unit naming a missing program is not "installed by hand")."""
    if owned is None:
        return lambda _path: None

    def packaged(path: str) -> bool | None:
        if path in owned:
            return True
        if not host.exists(path):
            return None
        return other_spelling(path) in owned

    return packaged


def run_scan(
    host: Host,
    collectors: Sequence[Collector],
    t: Translator,
    owned_files: Callable[[Host, set[str]], set[str] | None] | None = None,
    index: CatalogIndex | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Progress | None = None,
    full_commands: bool = False,
) -> Report:
    """Inspect `host` with `collectors`. Running programs' command lines are shortened and
    secrets in commands replaced unless `full_commands` (advocate mode)."""
    return inspect(host, collectors, owned_files, index, clock, progress, full_commands)(t)


@fewer_full_collections()
def inspect(
    host: Host,
    collectors: Sequence[Collector],
    owned_files: Callable[[Host, set[str]], set[str] | None] | None = None,
    index: CatalogIndex | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Progress | None = None,
    full_commands: bool = False,
) -> Callable[[Translator], Report]:
    """Read and judge `host` once; the result writes the report in any language (the screen
    in the session's language, the saved report in --report-lang)."""
    if host.processes is not None:
        host.processes = CachedProcessSource(host.processes)
    now = clock()
    # Collectors for other operating systems are left out, not listed as "not applicable":
    # a Linux report does not need fifteen rows about macOS and Windows.
    collectors = [c for c in collectors if host.platform in c.platforms]
    results = collect(host, collectors, progress)
    all_entries = [entry for _collector, result in results for entry in result.entries]
    index = index or CatalogIndex(packaged_catalog())
    platform = host.platform

    def is_tool(program: str) -> bool:
        return bool(index.by_process(program, platform))

    matches, reading = script_entries(host, all_entries, is_tool)
    owned: set[str] | None = None
    if owned_files is not None:
        try:
            owned = owned_files(host, paths_to_check(all_entries))
        except (OSError, ReadError):
            owned = None
    ctx = Context(
        platform=host.platform,
        index=index,
        now=now,
        packaged=packaged_lookup(owned, host),
    )
    hits: list[Hit] = []
    for entry in (*all_entries, *matches):
        hits.extend(judge(entry, ctx))
    entries = len(all_entries)
    hasher = _Hasher(host)
    described = describe_host(host)

    @fewer_full_collections()
    def report(t: Translator) -> Report:
        findings, cut = cap_findings(
            findings_from_hits(hits, load_rules(), t, hasher, full_commands)
        )
        coverage = [_with_cut(_coverage(c, r, t), cut, t) for c, r in results]
        if collectors:  # a report with no collector of this system has no scripts row either
            coverage.append(scripts_coverage(reading, t))
        metadata = Metadata.of_run(
            now,
            t.lang,
            {"catalog": f"{len(ctx.index.catalog.tools)} tools", "rules": rules_version()},
            host={
                "platform": host.platform,
                "root": str(host.root),
                "live": host.live,
                "entries": entries,
                **described,
            },
        )
        return Report(
            metadata=metadata,
            findings=tuple(findings),
            answers=(),
            risks=(),
            coverage=tuple(coverage),
        )

    return report
