"""The registry readers: real hives through regipy, damaged hives, helpers for Windows paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from win_fakeroot import CONFIG, host, plant, shared_hive, windows_root

from safecheck.scan.collectors.host import ReadError, ReadProblem
from safecheck.scan.collectors.windows import program_of, windows_display
from safecheck.scan.collectors.windows.live_registry import WinregRegistry
from safecheck.scan.collectors.windows.registry import HiveRegistry, RegKey, filetime

RUN = "HKU\\alice\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"


def test_windows_display() -> None:
    assert windows_display("/Windows/System32/config/SOFTWARE") == (
        "C:\\Windows\\System32\\config\\SOFTWARE"
    )
    assert windows_display("/Users/alice/AppData") == "C:\\Users\\alice\\AppData"
    assert windows_display("D:/x/y.exe") == "D:\\x\\y.exe"


@pytest.mark.parametrize(
    ("command", "program"),
    [
        ('"C:\\Program Files\\A B\\a.exe" --service', "C:\\Program Files\\A B\\a.exe"),
        ("C:\\Program Files\\A B\\a.exe /autoRun", "C:\\Program Files\\A B\\a.exe"),
        ("%windir%\\system32\\rundll32.exe x.dll,Entry", "%windir%\\system32\\rundll32.exe"),
        ("\\SystemRoot\\system32\\drivers\\acpi.sys", "\\SystemRoot\\system32\\drivers\\acpi.sys"),
        ("notepad", "notepad"),
        ("   ", None),
    ],
)
def test_program_of(command: str, program: str | None) -> None:
    assert program_of(command) == program


def test_real_hives(tmp_path: Path) -> None:
    registry = HiveRegistry(host(windows_root(tmp_path)))
    assert registry.users() == ["alice"]
    run = registry.key(RUN)
    assert run is not None and "Sidebar" in run.values
    assert run.modified is not None and run.modified.year == 2012
    # CurrentControlSet is the control set named by SYSTEM\Select\Current (1 here).
    server = registry.key("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server")
    assert server is not None and server.number("fDenyTSConnections") == 0
    services = registry.key("hklm\\system\\currentcontrolset\\services")
    assert services is not None and "Dhcp" in services.subkeys
    assert registry.key("HKLM\\SYSTEM\\CurrentControlSet\\NoSuchKey") is None
    assert registry.key("HKCR\\whatever") is None
    with pytest.raises(ReadError) as missing:  # no SOFTWARE hive on this disk
        registry.key("HKLM\\SOFTWARE\\Microsoft")
    assert missing.value.problem is ReadProblem.MISSING


def test_planted_with_hivexsh(tmp_path: Path) -> None:
    root = windows_root(tmp_path, system=False)
    plant(
        root / "Users/alice/NTUSER.DAT",
        {
            "Software\\Microsoft\\Windows\\CurrentVersion\\Run": {
                "Updater": "string:C:\\Users\\Public\\upd.exe",
                "N": "dword:0x2a",
            }
        },
    )
    run = HiveRegistry(host(root)).key(RUN)
    assert run is not None
    assert run.values["Updater"] == ("REG_SZ", "C:\\Users\\Public\\upd.exe")
    assert run.number("N") == 42 and run.text("N") == "42"


def test_control_set_from_select(tmp_path: Path) -> None:
    root = windows_root(tmp_path, users=())
    plant(
        root / CONFIG / "SYSTEM",
        {
            "Select": {"Current": "dword:0x00000002"},
            "ControlSet002\\Control\\Terminal Server": {"fDenyTSConnections": "dword:0x1"},
        },
    )
    server = HiveRegistry(host(root)).key(
        "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server"
    )
    assert server is not None and server.number("fDenyTSConnections") == 1


def test_damaged_hive_is_a_read_error(tmp_path: Path) -> None:
    root = tmp_path / "C"
    shared_hive("corrupted_system_hive", root / CONFIG / "SYSTEM")
    (root / CONFIG / "SOFTWARE").write_bytes(b"regf" + b"\xff" * 100)
    registry = HiveRegistry(host(root))
    errors: list[ReadError] = []
    services = registry.key("HKLM\\SYSTEM\\CurrentControlSet\\Services")
    assert services is not None
    for name in services.subkeys:
        try:
            registry.key(f"HKLM\\SYSTEM\\CurrentControlSet\\Services\\{name}")
        except ReadError as error:
            errors.append(error)
    assert errors and all(e.problem is ReadProblem.OTHER for e in errors)
    assert all("\x00" not in str(e) for e in errors)
    with pytest.raises(ReadError) as bad:
        registry.key("HKLM\\SOFTWARE\\Microsoft")
    assert bad.value.problem is ReadProblem.OTHER


def test_not_a_hive_and_too_large(tmp_path: Path) -> None:
    root = tmp_path / "C"
    (root / CONFIG).mkdir(parents=True)
    (root / CONFIG / "SOFTWARE").write_text("not a hive")
    with pytest.raises(ReadError) as bad:
        HiveRegistry(host(root)).key("HKLM\\SOFTWARE\\Microsoft")
    assert "not a registry hive" in str(bad.value)
    shared_hive("SYSTEM", root / CONFIG / "SYSTEM")
    with pytest.raises(ReadError) as large:
        HiveRegistry(host(root), max_bytes=1024).key("HKLM\\SYSTEM\\Select")
    assert large.value.problem is ReadProblem.TOO_LARGE


def test_regkey_helpers() -> None:
    key = RegKey(
        "K",
        {"a": ("REG_MULTI_SZ", ["x", "y"]), "b": ("REG_BINARY", b"\x01"), "c": ("REG_SZ", " 7 ")},
    )
    assert key.text("a") == "x y" and key.text("b") == "01" and key.number("c") == 7
    assert key.text("missing") is None and key.number("a") is None
    assert filetime(0) is None and filetime(2**63) is None


def test_live_registry_is_empty_off_windows() -> None:
    live = WinregRegistry()
    assert live.key("HKLM\\SOFTWARE") is None and live.users() == []
    assert "HKLM" in live.describe("HKLM\\SOFTWARE")
