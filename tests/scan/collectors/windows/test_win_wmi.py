"""Permanent WMI subscriptions found by keyword in OBJECTS.DATA.

The repository is a paged database; these tests build bytes laid out as its records are
described publicly: the classes' own definitions (their name beside property names), consumer
instances (the class name, then the instance's strings: its name and its command line, ASCII or
UTF-16), and bindings (`__FilterToConsumerBinding` holding `Consumer="...Name=\\"x\\""`), in
8 KiB pages padded with binary noise, so chunk and page edges fall anywhere."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from win_fakeroot import host, windows_root

from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus
from safecheck.scan import run as scan_engine
from safecheck.scan.collectors.windows import windows_collectors
from safecheck.scan.collectors.windows.wmi_repository import RepositorySearch

PAGE = 8192
ENCODED = (
    "cABvAHcAZQByAHMAaABlAGwAbAAgAC0AdwAgAGgAaQBkAGQAZQBuACAALQBjACAAaQB3AHIAIABoAHQAdABwADoALwAv"
)


def record(*strings: str, wide: bool = False) -> bytes:
    encoding = "utf-16-le" if wide else "ascii"
    sep = b"\x00\x00" if wide else b"\x00"
    return b"\x01\x00\x00\x00" + sep.join(s.encode(encoding) for s in strings) + sep * 2


def class_definitions() -> bytes:
    return record(
        "CommandLineEventConsumer",
        "__EventConsumer",
        "CommandLineTemplate",
        "ExecutablePath",
        "WorkingDirectory",
        "KillTimeout",
    ) + record(
        "ActiveScriptEventConsumer",
        "ScriptingEngine",
        "ScriptText",
        "ScriptFileName",
    )


def consumer(name: str, command: str, wide: bool = False) -> bytes:
    return record("CommandLineEventConsumer", name, command, "C:\\Windows\\System32", wide=wide)


def binding(name: str, kind: str = "CommandLineEventConsumer") -> bytes:
    return record(
        "__FilterToConsumerBinding",
        f'{kind}.Name="{name}"',
        '__EventFilter.Name="Boot"',
        wide=True,
    )


def repository(*records: bytes, seed: int = 7) -> bytes:
    """Records laid in pages with binary noise between them."""
    rng = random.Random(seed)  # noqa: S311 - noise for a test, not a secret
    out = bytearray()
    for item in (class_definitions(), *records):
        out += bytes(rng.randrange(256) for _ in range(rng.randrange(100, 3000)))
        out += item
    out += bytes(PAGE - len(out) % PAGE)
    return bytes(out)


def search(data: bytes, chunk: int) -> RepositorySearch:
    found = RepositorySearch()
    for start in range(0, len(data), chunk):
        found.feed(data[start : start + chunk])
    found.feed(b"", last=True)
    return found


def test_a_bound_consumer_is_found_whatever_the_chunk_edges() -> None:
    data = repository(
        consumer("WindowsUpdateCheck", f"powershell.exe -NoP -w hidden -enc {ENCODED}"),
        binding("WindowsUpdateCheck"),
    )
    for chunk in (97, 1000, 4096, 65536, len(data)):
        (found,) = search(data, chunk).result().consumers
        assert found.name == "WindowsUpdateCheck"
        assert any(run.startswith("powershell.exe -NoP -w hidden") for run in found.runs), chunk


def test_utf16_consumers_and_script_consumers() -> None:
    script = record(
        "ActiveScriptEventConsumer",
        "Helper",
        "VBScript",
        'Set s = CreateObject("WScript.Shell") : s.Run "C:\\ProgramData\\tv\\TeamViewer.exe", 0',
        wide=True,
    )
    data = repository(
        consumer("Sync", "C:\\Users\\Public\\sync.exe --quiet", wide=True),
        binding("Sync"),
        script,
        binding("Helper", "ActiveScriptEventConsumer"),
    )
    found = {c.name: c for c in search(data, 5000).result().consumers}
    assert set(found) == {"Sync", "Helper"}
    assert found["Helper"].kind == "ActiveScriptEventConsumer"
    assert any("TeamViewer.exe" in run for run in found["Helper"].runs)


def test_definitions_unbound_and_shipped_consumers_are_not_reported() -> None:
    data = repository(
        consumer("Orphan", "C:\\tools\\x.exe"),  # no binding: it never runs
        consumer("BVTConsumer", "cscript KernCap.vbs"),  # shipped with older Windows
        binding("BVTConsumer"),
    )
    assert search(data, 3000).result().consumers == []


def test_the_scan_reports_a_subscription_and_judges_its_command(tmp_path: Path) -> None:
    root = windows_root(tmp_path)
    folder = root / "Windows/System32/wbem/Repository/FS"
    folder.mkdir(parents=True)
    (folder / "OBJECTS.DATA").write_bytes(
        repository(
            consumer("WindowsUpdateCheck", f"powershell.exe -NoP -w hidden -enc {ENCODED}"),
            binding("WindowsUpdateCheck"),
        )
    )
    report = scan_engine.run_scan(
        host(root),
        windows_collectors(),
        Translator("en"),
        clock=lambda: datetime(2026, 11, 1, tzinfo=UTC),
    )
    ids = {f.id for f in report.findings}
    assert {"SC-WIN-WMI-CONSUMER", "SC-SCRIPT-ENCODED-POWERSHELL"} <= ids
    wmi = next(f for f in report.findings if f.id == "SC-WIN-WMI-CONSUMER")
    assert "WindowsUpdateCheck" in wmi.title
    coverage = {c.id: c for c in report.coverage}
    assert coverage["windows.wmi"].status is CoverageStatus.OK


def test_a_disk_without_a_repository_says_so(tmp_path: Path) -> None:
    report = scan_engine.run_scan(
        host(windows_root(tmp_path)),
        windows_collectors(),
        Translator("fr"),
        clock=lambda: datetime(2026, 11, 1, tzinfo=UTC),
    )
    wmi = next(c for c in report.coverage if c.id == "windows.wmi")
    assert wmi.status is CoverageStatus.NOT_APPLICABLE
    assert "dépôt WMI" in wmi.reason


def test_random_bytes_never_raise() -> None:
    rng = random.Random(3)  # noqa: S311 - noise for a test, not a secret
    for _ in range(50):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 20000)))
        data += b"CommandLineEventConsumer" if rng.random() < 0.5 else b""
        search(data, rng.randrange(1, 5000)).result()
