"""Safari's history in a backup: `Library/Safari/History.db` and its write-ahead log in
`AppDomain-com.apple.mobilesafari`, read in memory; only visits to the sites the indicators
name are kept, and of an address only its scheme and host (the rest can be private)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from safecheck.core.model import CoverageStatus
from safecheck.phone.coverage import CheckRow
from safecheck.phone.iphone.backup import SQLITE_MAGIC, SQLITE_MAX_LENGTH, Backup
from safecheck.phone.iphone.errors import BackupFileError
from safecheck.phone.iphone.facts import HISTORY, IPhoneFacts, SiteVisits
from safecheck.phone.iphone.plists import host_of
from safecheck.phone.iphone.wal import apply_wal
from safecheck.phone.match import IndicatorsLookup

SAFARI_DOMAIN = "AppDomain-com.apple.mobilesafari"
SAFARI_HISTORY = "Library/Safari/History.db"
MAX_HISTORY_BYTES = 256 * 1024 * 1024
MAX_HISTORY_WAL_BYTES = 32 * 1024 * 1024  # checksummed in Python: seconds, not minutes
MAX_VISITS = 200_000  # newest first
MAX_SITES = 200
RECENT_VISITS = 10
HISTORY_SECONDS = 20.0
CORE_DATA_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)  # Safari's visit_time counts from here


def read_history_facts(
    backup: Backup, facts: IPhoneFacts, domain_lookup: IndicatorsLookup | None
) -> CheckRow:
    if domain_lookup is None:
        return CheckRow(HISTORY, CoverageStatus.FAILED, "iphone.coverage.history_no_indicators")
    try:
        row = backup.find(SAFARI_DOMAIN, SAFARI_HISTORY)
        if row is None:
            facts.visits = []
            return CheckRow(HISTORY, CoverageStatus.PARTIAL, "iphone.coverage.history_absent")
        content = backup.read(row, MAX_HISTORY_BYTES)
    except BackupFileError as exc:
        return CheckRow(
            HISTORY, CoverageStatus.FAILED, "iphone.coverage.failed", {"reason": exc.reason}
        )
    wal, wal_problem = b"", ""
    try:  # the newest visits may still be in the log
        log = backup.find(SAFARI_DOMAIN, SAFARI_HISTORY + "-wal")
        wal = backup.read(log, MAX_HISTORY_WAL_BYTES) if log is not None else b""
    except BackupFileError as exc:
        wal_problem = f"History.db-wal: {exc.reason}"
    try:
        visits = read_history(content, wal)
    except BackupFileError as exc:
        return CheckRow(
            HISTORY,
            CoverageStatus.FAILED,
            "iphone.coverage.failed",
            {"reason": f"History.db: {exc.reason}"},
        )
    facts.visits = match_visits(visits, domain_lookup, f"{SAFARI_DOMAIN}/{SAFARI_HISTORY}")
    if wal_problem:
        return CheckRow(
            HISTORY,
            CoverageStatus.PARTIAL,
            "iphone.coverage.partial",
            {"count": str(len(visits)), "reason": wal_problem},
            (wal_problem,),
        )
    return CheckRow(
        HISTORY, CoverageStatus.OK, "iphone.coverage.history", {"count": str(len(visits))}
    )


def read_history(content: bytes, wal: bytes = b"") -> list[tuple[str, datetime | None]]:
    """(address, visit time) of Safari's History.db and its log, newest first, in memory."""
    if content[:16] != SQLITE_MAGIC:
        raise BackupFileError("not an SQLite database")
    copy = bytearray(apply_wal(content, wal) if wal else content)
    if len(copy) > 20 and copy[18] == 2 and copy[19] == 2:  # WAL mode: see backup._without_wal
        copy[18] = copy[19] = 1
    deadline = time.monotonic() + HISTORY_SECONDS
    db = sqlite3.connect(":memory:")
    db.text_factory = _text
    try:
        db.deserialize(bytes(copy))
        db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQLITE_MAX_LENGTH)
        db.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
        rows = db.execute(
            "SELECT i.url, v.visit_time FROM history_visits v "
            "JOIN history_items i ON i.id = v.history_item "
            "ORDER BY v.visit_time DESC LIMIT ?",
            (MAX_VISITS,),
        ).fetchall()
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged schema's column names
        raise BackupFileError(str(exc)[:300]) from None
    finally:
        db.close()
    visits: list[tuple[str, datetime | None]] = []
    for url, seconds in rows:
        if not isinstance(url, str):
            continue
        when = None
        if isinstance(seconds, int | float) and -1e10 < seconds < 1e10:
            when = CORE_DATA_EPOCH + timedelta(seconds=float(seconds))
        visits.append((url[:2048], when))
    return visits


def _text(raw: bytes) -> str:
    """SQLite text as Python text, whatever bytes the file holds."""
    return raw.decode("utf-8", "replace")


def match_visits(
    visits: list[tuple[str, datetime | None]], lookup: IndicatorsLookup, source: str
) -> list[SiteVisits]:
    """Visits grouped by site, for the sites the indicators name."""
    sites: dict[str, list[datetime | None]] = {}
    names: dict[str, tuple[str, str, str]] = {}
    for url, when in visits:
        host = host_of(url)
        if not host:
            continue
        known_site = lookup(host)
        if known_site is None:
            continue
        try:
            scheme = urlsplit(url).scheme.lower()[:10] or "https"
        except ValueError:
            scheme = "https"
        site = f"{scheme}://{host}"
        if site not in sites and len(sites) >= MAX_SITES:
            continue
        sites.setdefault(site, []).append(when)
        names[site] = (host, *known_site)
    found: list[SiteVisits] = []
    for site, times in sites.items():
        dated = sorted((t for t in times if t is not None), reverse=True)
        host, name, kind = names[site]
        found.append(
            SiteVisits(
                site=site,
                host=host,
                count=len(times),
                first=dated[-1] if dated else None,
                last=dated[0] if dated else None,
                recent=tuple(dated[:RECENT_VISITS]),
                indicator=name,
                indicator_type=kind,
                source=source,
            )
        )
    return sorted(found, key=lambda s: s.site)
