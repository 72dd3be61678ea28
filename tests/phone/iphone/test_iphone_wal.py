"""The write-ahead log of Safari's history, applied in memory: the same rows as SQLite itself
reads from the files on disk, and a damaged log never damages what the database holds."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from iphone_backup_builder import NOW, BackupBuilder, safari_history
from iphone_indicators import BUNDLES, SITES

from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus
from safecheck.phone.iphone import history
from safecheck.phone.iphone.history import read_history
from safecheck.phone.iphone.report import run_iphone_backup_check
from safecheck.phone.iphone.wal import apply_wal

OLD = [(f"https://old{i}.example/", NOW - timedelta(days=30, minutes=i)) for i in range(50)]
NEW = [("https://www.spyco.example/login", NOW - timedelta(hours=2))] + [
    (f"https://new{i}.example/{'x' * 300}", NOW - timedelta(hours=3, minutes=i)) for i in range(80)
]


def sqlite_reads(database: bytes, log: bytes, tmp: Path) -> list[tuple[str, float]]:
    """What SQLite itself reads from the two files side by side."""
    folder = tmp / "sqlite"
    folder.mkdir()
    (folder / "h.db").write_bytes(database)
    (folder / "h.db-wal").write_bytes(log)
    db = sqlite3.connect(folder / "h.db")
    rows = db.execute(
        "SELECT i.url, v.visit_time FROM history_visits v JOIN history_items i "
        "ON i.id = v.history_item ORDER BY v.visit_time DESC"
    ).fetchall()
    db.close()
    return [(str(u), float(t)) for u, t in rows]


def test_the_log_gives_what_sqlite_gives(tmp_path: Path) -> None:
    database, log = safari_history(OLD, tmp_path, NEW)
    assert log  # the newer visits are only in the log
    without = read_history(database)
    assert len(without) == len(OLD)
    with_log = read_history(database, log)
    epoch = datetime(2001, 1, 1, tzinfo=UTC)
    ours = [(u, ((w or epoch) - epoch).total_seconds()) for u, w in with_log]
    theirs = sqlite_reads(database, log, tmp_path)
    assert len(ours) == len(OLD) + len(NEW)
    assert [u for u, _ in ours] == [u for u, _ in theirs]
    assert all(abs(a - b) < 1e-3 for (_, a), (_, b) in zip(ours, theirs, strict=True))


@pytest.mark.parametrize("cut", [0, 10, 31, 32 + 24 + 100])
def test_a_cut_log_leaves_the_database_as_it_was(tmp_path: Path, cut: int) -> None:
    database, log = safari_history(OLD, tmp_path, NEW)
    assert apply_wal(database, log[:cut]) == database


def test_a_damaged_frame_stops_the_log_there(tmp_path: Path) -> None:
    database, log = safari_history(OLD, tmp_path, NEW)
    damaged = bytearray(log)
    damaged[-100] ^= 0xFF  # inside the last frame: its checksum no longer matches
    rows = read_history(database, bytes(damaged))
    assert len(rows) == len(OLD)  # the one transaction of the log lost its commit frame
    wrong_salt = bytearray(log)
    wrong_salt[16] ^= 0xFF  # the header's salt: no frame belongs to this log any more
    assert apply_wal(database, bytes(wrong_salt)) == database
    assert apply_wal(database, b"\x37\x7f\x06\x82" + bytes(60)) == database


def test_visits_only_in_the_log_are_found_in_a_backup(tmp_path: Path) -> None:
    b = BackupBuilder(tmp_path / "b")
    b.add_safari_history(OLD, tmp_path, NEW)
    report = run_iphone_backup_check(b.build(), Translator("en"), BUNDLES, SITES)
    assert "SC-IOS-STALKERWARE-SITE" in {f.id for f in report.findings}
    (row,) = [c for c in report.coverage if c.id == "iphone.history"]
    assert row.status is CoverageStatus.OK and str(len(OLD) + len(NEW)) in row.reason


def test_a_log_too_large_to_read_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b = BackupBuilder(tmp_path / "b")
    b.add_safari_history(NEW, tmp_path, OLD)
    monkeypatch.setattr(history, "MAX_HISTORY_WAL_BYTES", 100)
    report = run_iphone_backup_check(b.build(), Translator("en"), BUNDLES, SITES)
    (row,) = [c for c in report.coverage if c.id == "iphone.history"]
    assert row.status is CoverageStatus.PARTIAL and "History.db-wal" in row.reason
    assert "SC-IOS-STALKERWARE-SITE" in {f.id for f in report.findings}  # from History.db
