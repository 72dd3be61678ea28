"""Portable programs found by file identity: a real PE file (pip's own Windows launcher, which
has version information) copied into a person's folders, under its name or renamed with the
version information of a remote-access tool."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pip
import pytest
from win_fakeroot import windows_root

from safecheck.core.i18n import Translator
from safecheck.report.model import Report
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.windows import windows_collectors
from safecheck.scan.collectors.windows.files import FilesCollector, version_info
from safecheck.scan.run import run_scan

LAUNCHER = Path(pip.__file__).parent / "_vendor" / "distlib" / "w64.exe"


@pytest.fixture
def real_pe() -> bytes:
    assert LAUNCHER.exists(), f"the test needs pip's Windows launcher at {LAUNCHER}"
    return LAUNCHER.read_bytes()


def as_product(data: bytes, old: str, new: str) -> bytes:
    """The same PE file with one version string replaced in place (same length, padded)."""
    before = old.encode("utf-16-le")
    after = new.encode("utf-16-le").ljust(len(before), b"\0")
    assert len(after) == len(before) and data.count(before) >= 1
    return data.replace(before, after)


def scan(root: Path) -> Report:
    host = Host(platform="win32", root=root, live=False)
    return run_scan(
        host,
        windows_collectors(),
        Translator("en"),
        clock=lambda: datetime(2026, 12, 1, tzinfo=UTC),
    )


def test_version_information_of_a_real_pe_file(real_pe: bytes) -> None:
    info = version_info(real_pe)
    assert info["product"] == "Simple Launcher"
    assert info["original-name"] == "w64.exe"
    assert info["company"] == "Simple Launcher User"


@pytest.mark.parametrize(
    "data", [b"", b"MZ", b"MZ" + b"\0" * 100, b"\xff" * 4096, b"PK\x03\x04" + b"\0" * 64]
)
def test_damaged_or_other_files_have_no_version_information(data: bytes) -> None:
    assert version_info(data) == {}


def test_truncated_pe_file_is_not_an_error(real_pe: bytes) -> None:
    for size in (64, 512, 4096, len(real_pe) // 2):
        assert isinstance(version_info(real_pe[:size]), dict)


def test_portable_tool_under_its_name_and_renamed(tmp_path: Path, real_pe: bytes) -> None:
    root = windows_root(tmp_path)
    downloads = root / "Users/alice/Downloads"
    downloads.mkdir(parents=True)
    (downloads / "AnyDesk.exe").write_bytes(real_pe)  # known by its name
    renamed = as_product(real_pe, "Simple Launcher", "AnyDesk")
    (root / "Users/alice/AppData/Local/Temp").mkdir(parents=True)
    (root / "Users/alice/AppData/Local/Temp/invoice.exe").write_bytes(renamed)
    (root / "Users/alice/Desktop").mkdir(parents=True)
    (root / "Users/alice/Desktop/setup.exe").write_bytes(real_pe)  # an ordinary program
    report = scan(root)
    tools = [f for f in report.findings if f.id == "SC-TOOL-REMOTE-ACCESS"]
    assert len(tools) == 1 and "AnyDesk" in tools[0].title
    paths = sorted(e.path or "" for e in tools[0].evidence)
    assert paths == [
        "C:\\Users\\alice\\AppData\\Local\\Temp\\invoice.exe",
        "C:\\Users\\alice\\Downloads\\AnyDesk.exe",
    ]
    assert not any("setup.exe" in repr(f.evidence) for f in report.findings)
    row = {c.id: c for c in report.coverage}["windows.files"]
    assert row.status.value == "ok"


def test_files_are_read_under_caps(
    tmp_path: Path, real_pe: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safecheck.scan.collectors.windows import files  # noqa: PLC0415

    monkeypatch.setattr(files, "MAX_FILES", 3)
    root = windows_root(tmp_path)
    folder = root / "Users/alice/Downloads"
    folder.mkdir(parents=True)
    for number in range(5):
        (folder / f"p{number}.exe").write_bytes(b"MZ")
    result = FilesCollector().collect(Host(platform="win32", root=root, live=False))
    assert len(result.entries) == 3
    assert any("not looked at" in str(e) for e in result.errors)
