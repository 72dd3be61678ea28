"""The macOS collectors entry by entry: what each reads, in which encoding, and how damaged
or unreadable files become coverage notes."""

from __future__ import annotations

import errno
import os
import plistlib
from pathlib import Path

import pytest
from macos_fakeroot import (
    ALICE,
    DISABLED,
    SYSTEM_TCC,
    USER_TCC,
    app,
    launchd,
    mac_root,
    make_host,
    of_kind,
    tcc_db,
    write,
    write_plist,
)

from safecheck.core.i18n import Translator
from safecheck.scan.collectors.base import Status
from safecheck.scan.collectors.host import Host, ReadProblem
from safecheck.scan.collectors.macos import macos_collectors, users
from safecheck.scan.collectors.macos.apps import AppsCollector
from safecheck.scan.collectors.macos.extensions import ExtensionsCollector
from safecheck.scan.collectors.macos.launchd import LaunchdCollector
from safecheck.scan.collectors.macos.schedule import ScheduleCollector
from safecheck.scan.collectors.macos.sharing import SharingCollector
from safecheck.scan.collectors.macos.tcc import FULL_DISK_ACCESS_REASON, TccCollector
from safecheck.scan.run import collect


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return mac_root(tmp_path / "disk")


def test_people_are_the_folders_of_users(root: Path) -> None:
    (root / "Users" / ".localized").mkdir()
    (root / "Users" / "Guest").mkdir()
    assert users(make_host(root)) == [("alice", ALICE)]


def test_collectors_skip_other_platforms(tmp_path: Path) -> None:
    host = Host(platform="linux", root=tmp_path)
    for collector, result in collect(host, macos_collectors()):
        assert result.status == Status.NOT_APPLICABLE, collector.id


@pytest.mark.parametrize("binary", [False, True])
def test_launchd_job_fields_in_both_encodings(root: Path, binary: bool) -> None:
    path = f"{ALICE}/Library/LaunchAgents/com.example.sync.plist"
    launchd(
        root,
        path,
        "com.example.sync",
        ["/bin/sh", "-c", "/Users/alice/bin/sync --all"],
        binary=binary,
        RunAtLoad=True,
        KeepAlive={"NetworkState": True},
        StartInterval=300,
    )
    result = LaunchdCollector().collect(make_host(root))
    job = next(e for e in result.entries if e.location == path)
    assert job.name == "com.example.sync"
    assert job.program == "/Users/alice/bin/sync"
    assert job.command == "/bin/sh -c '/Users/alice/bin/sync --all'"
    assert job.user == "alice"
    assert job.enabled is True
    assert job.detail("run-at-load") == "true"
    assert job.detail("keep-alive") == "conditional"
    assert job.detail("start-interval") == "300"
    assert job.detail("scope") == "user"


def test_launchd_system_scope_and_disabled_state(root: Path) -> None:
    result = LaunchdCollector().collect(make_host(root))
    jobs = {e.name: e for e in of_kind(result, "launchd-job")}
    assert jobs["com.openssh.sshd"].detail("scope") == "system"
    assert jobs["com.openssh.sshd"].enabled is False  # Disabled key, and disabled.plist
    assert jobs["com.apple.cloudd"].enabled is True
    assert jobs["com.google.keystone.daemon"].detail("scope") == "local"
    assert jobs["com.google.keystone.daemon"].user == "root"


def test_launchd_overrides_win_over_the_file(root: Path) -> None:
    write_plist(root, DISABLED, {"com.openssh.sshd": False, "com.google.keystone.daemon": True})
    write_plist(
        root,
        "/private/var/db/launchd.db/com.apple.launchd/overrides.plist",
        {"com.apple.cloudd": {"Disabled": True}},
    )
    jobs = {e.name: e for e in LaunchdCollector().collect(make_host(root)).entries}
    assert jobs["com.openssh.sshd"].enabled is True
    assert jobs["com.google.keystone.daemon"].enabled is False
    assert jobs["com.apple.cloudd"].enabled is False
    assert "overrides.plist" in (jobs["com.apple.cloudd"].detail("override") or "")


def test_launchd_without_label_uses_the_file_name(root: Path) -> None:
    write_plist(root, "/Library/LaunchAgents/x.helper.plist", {"Program": "/opt/x/helper"})
    jobs = {e.name: e for e in LaunchdCollector().collect(make_host(root)).entries}
    assert jobs["x.helper"].program == "/opt/x/helper"
    assert jobs["x.helper"].command == "/opt/x/helper"


def test_damaged_plists_are_recorded(root: Path) -> None:
    write(root, "/Library/LaunchDaemons/a.plist", b"bplist00\xff\xff")
    write(root, "/Library/LaunchDaemons/b.plist", "<plist><dict><key>Label</key>")
    write(root, "/Library/LaunchDaemons/c.plist", b"")
    os.mkfifo(root / "Library/LaunchDaemons/d.plist")
    result = LaunchdCollector().collect(make_host(root))
    bad = {e.path.rsplit("/", 1)[-1]: e.problem for e in result.errors}
    assert bad == {
        "a.plist": ReadProblem.OTHER,
        "b.plist": ReadProblem.OTHER,
        "c.plist": ReadProblem.OTHER,
        "d.plist": ReadProblem.NOT_REGULAR,
    }


def test_apps_in_both_folders_and_one_level_down(root: Path) -> None:
    app(root, f"{ALICE}/Applications", "com.example.tool", "Tool")
    app(root, "/Applications/Deep/Deeper", "com.example.deep", "Deep")  # two levels: not read
    result = AppsCollector().collect(make_host(root))
    apps = {e.detail("bundle-id"): e for e in of_kind(result, "app")}
    assert set(apps) == {
        "com.apple.Safari",
        "com.apple.Terminal",
        "org.mozilla.firefox",
        "com.example.tool",
    }
    assert apps["org.mozilla.firefox"].program == "/Applications/Firefox.app/Contents/MacOS/firefox"
    assert apps["com.apple.Terminal"].location == "/Applications/Utilities/Terminal.app"
    assert apps["com.example.tool"].user == "alice"


def test_app_without_info_plist_is_listed_by_folder(root: Path) -> None:
    (root / "Applications" / "Odd.app" / "Contents").mkdir(parents=True)
    result = AppsCollector().collect(make_host(root))
    odd = next(e for e in result.entries if e.name == "Odd")
    assert odd.detail("bundle-id") is None


def test_system_extensions_kexts_and_auth_plugins(root: Path) -> None:
    write_plist(
        root,
        "/Library/SystemExtensions/db.plist",
        {
            "version": 1,
            "extensions": [
                {
                    "identifier": "com.example.netfilter",
                    "teamID": "ABCDE12345",
                    "state": "activated_enabled",
                    "categories": ["com.apple.system_extension.network_extension"],
                    "originPath": "/Applications/Example.app/Contents/Library/SystemExtensions/"
                    "com.example.netfilter.systemextension",
                },
                {"identifier": "com.example.old", "state": "terminated_waiting_to_uninstall"},
            ],
        },
        binary=True,
    )
    write_plist(
        root,
        "/Library/Extensions/SoftRAID.kext/Contents/Info.plist",
        {"CFBundleIdentifier": "com.softraid.driver.SoftRAID", "CFBundleExecutable": "SoftRAID"},
    )
    write_plist(
        root,
        "/Library/StagedExtensions/Library/Extensions/X.kext/Contents/Info.plist",
        {"CFBundleIdentifier": "com.example.x"},
    )
    write_plist(
        root,
        "/Library/Security/SecurityAgentPlugins/Login.bundle/Contents/Info.plist",
        {"CFBundleIdentifier": "com.example.login"},
    )
    result = ExtensionsCollector().collect(make_host(root))
    system = {e.name: e for e in of_kind(result, "system-extension")}
    assert system["com.example.netfilter"].enabled is True
    assert system["com.example.netfilter"].detail("team-id") == "ABCDE12345"
    assert system["com.example.old"].enabled is False
    kexts = {e.name: e for e in of_kind(result, "kernel-extension")}
    assert set(kexts) == {"com.softraid.driver.SoftRAID", "com.example.x"}
    assert kexts["com.softraid.driver.SoftRAID"].program == (
        "/Library/Extensions/SoftRAID.kext/Contents/MacOS/SoftRAID"
    )
    assert [e.name for e in of_kind(result, "auth-plugin")] == ["com.example.login"]


def test_sharing_states(root: Path) -> None:
    entries = {e.name: e for e in SharingCollector().collect(make_host(root)).entries}
    assert {n: e.enabled for n, e in entries.items()} == {
        "Remote Login": False,
        "Screen Sharing": False,
        "Remote Apple Events": False,
        "Remote Management": None,  # nothing on the disk tells
    }
    write_plist(root, DISABLED, {"com.apple.AEServer": False})
    write_plist(
        root, "/Library/Preferences/com.apple.RemoteManagement.plist", {"ARD_AllLocalUsers": True}
    )
    entries = {e.name: e for e in SharingCollector().collect(make_host(root)).entries}
    assert entries["Remote Apple Events"].enabled is True
    assert entries["Remote Login"].enabled is False  # from ssh.plist Disabled=true
    assert entries["Remote Management"].enabled is False
    assert entries["Remote Management"].detail("all-local-users") == "true"


def test_cron_tabs_once_through_the_link_and_periodic(root: Path) -> None:
    write(root, "/private/var/at/tabs/alice", "@reboot /Users/alice/run.sh\n", 0o600)
    (root / "usr/lib/cron/tabs").rmdir()
    (root / "usr/lib/cron/tabs").symlink_to("/private/var/at/tabs")
    write(root, "/usr/local/etc/periodic/daily/500.backup", "#!/bin/sh\n", 0o755)
    write(root, "/etc/daily.local", "/usr/local/bin/x\n", 0o644)
    result = ScheduleCollector().collect(make_host(root))
    jobs = of_kind(result, "cron-job")
    assert [(j.user, j.program, j.detail("schedule")) for j in jobs] == [
        ("alice", "/Users/alice/run.sh", "@reboot")
    ]
    scripts = {e.location: e for e in of_kind(result, "cron-script")}
    assert "/usr/local/etc/periodic/daily/500.backup" in scripts
    assert scripts["/etc/daily.local"].enabled is False  # not executable
    assert scripts["/etc/periodic/daily/110.clean-tmps"].detail("schedule") == "daily"


def test_tcc_grants_new_and_old_schema(root: Path) -> None:
    tcc_db(
        root,
        USER_TCC,
        [
            ("kTCCServiceScreenCapture", "/usr/local/bin/capture", 1, 2),
            ("kTCCServiceCamera", "us.zoom.xos", 0, 2),
            ("kTCCServiceMicrophone", "us.zoom.xos", 0, 0),
        ],
        old=True,
    )
    result = TccCollector().collect(make_host(root))
    grants = {(e.user, e.name, e.detail("permission")) for e in of_kind(result, "tcc-grant")}
    assert grants == {
        (None, "com.apple.Terminal", "full-disk-access"),
        (
            None,
            "/System/Library/CoreServices/RemoteManagement/screensharingd.bundle",
            "screen-recording",
        ),
        ("alice", "/usr/local/bin/capture", "screen-recording"),
        ("alice", "us.zoom.xos", "camera"),
    }
    capture = next(e for e in result.entries if e.name == "/usr/local/bin/capture")
    assert capture.program == "/usr/local/bin/capture"
    assert capture.modified is not None and capture.modified.year == 2025
    assert result.status == Status.OK and not result.errors


def test_tcc_damaged_database_is_a_coverage_note(root: Path) -> None:
    write(root, USER_TCC, b"this is not sqlite at all" * 10)
    result = TccCollector().collect(make_host(root))
    assert [(e.path, e.problem) for e in result.errors] == [(USER_TCC, ReadProblem.OTHER)]
    assert of_kind(result, "tcc-grant")  # the system database was still read


def test_tcc_without_full_disk_access_says_how_to_grant_it(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def denied(path: str | bytes | os.PathLike[str], flags: int, *args: int) -> int:
        if str(path).endswith("TCC.db"):
            raise PermissionError(errno.EPERM, "Operation not permitted")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", denied)
    result = TccCollector().collect(make_host(root))
    assert {e.problem for e in result.errors} == {ReadProblem.PERMISSION}
    assert {e.path for e in result.errors} == {SYSTEM_TCC, USER_TCC}
    assert all("Full Disk Access" in e.detail for e in result.errors)
    assert result.status == Status.NEEDS_ADMIN
    assert result.reason == FULL_DISK_ACCESS_REASON
    for lang in ("en", "fr"):
        assert "Full Disk Access" in Translator(lang)(FULL_DISK_ACCESS_REASON) or lang == "fr"
    assert "Accès complet au disque" in Translator("fr")(FULL_DISK_ACCESS_REASON)


def test_tcc_database_that_is_a_link_outside_the_root_stays_inside(root: Path) -> None:
    target = root / USER_TCC.lstrip("/")
    target.unlink()
    target.symlink_to(SYSTEM_TCC)  # absolute: resolved under the root, not on this machine
    result = TccCollector().collect(make_host(root))
    alice = [e for e in of_kind(result, "tcc-grant") if e.user == "alice"]
    assert {e.name for e in alice} == {
        "com.apple.Terminal",
        "/System/Library/CoreServices/RemoteManagement/screensharingd.bundle",
    }


def test_hostile_launchd_folder(root: Path) -> None:
    agents = root / "Library/LaunchAgents"
    agents.mkdir(parents=True, exist_ok=True)
    (agents / "loop.plist").symlink_to("loop.plist")
    (agents / "out.plist").symlink_to("/etc/passwd")  # resolved under the root: not there
    name = os.fsdecode(b"caf\xe9.plist")
    write_plist(root, f"/Library/LaunchAgents/{name}", {"Label": "x", "Program": 42})
    write_plist(
        root,
        "/Library/LaunchAgents/types.plist",
        {"Label": 7, "ProgramArguments": "not a list", "RunAtLoad": "yes", "Disabled": "no"},
    )
    nested: object = "/tmp/x"
    for _ in range(400):
        nested = [nested]
    write(
        root,
        "/Library/LaunchAgents/deep.plist",
        plistlib.dumps({"Label": "deep", "ProgramArguments": nested}, fmt=plistlib.FMT_BINARY),
    )
    result = LaunchdCollector().collect(make_host(root))
    jobs = {e.location.rsplit("/", 1)[-1]: e for e in result.entries}
    assert jobs["types.plist"].name == "types"
    assert jobs["types.plist"].program is None and jobs["types.plist"].enabled is True
    assert jobs["caf\\xe9.plist"].name == "x"
    problems = {e.path.rsplit("/", 1)[-1]: e.problem for e in result.errors}
    assert problems == {"loop.plist": ReadProblem.LINK_LOOP, "deep.plist": ReadProblem.OTHER}


def test_tcc_database_is_opened_read_only(root: Path) -> None:
    db = root / SYSTEM_TCC.lstrip("/")
    before = sorted(p.name for p in db.parent.iterdir()), db.stat().st_mtime_ns
    db.chmod(0o444)
    TccCollector().collect(make_host(root))
    assert (sorted(p.name for p in db.parent.iterdir()), db.stat().st_mtime_ns) == before


def test_a_plist_that_repeats_one_long_string_is_capped() -> None:
    import time  # noqa: PLC0415

    from safecheck.scan.collectors.macos.launchd import (  # noqa: PLC0415
        MAX_COMMAND,
        program_and_command,
    )

    long = "A" * 10_000
    data = {"ProgramArguments": ["/bin/echo", *([long] * 200_000)]}
    start = time.process_time()
    program, command = program_and_command(data)
    assert time.process_time() - start < 5
    assert program == "/bin/echo"
    assert command is not None and len(command) <= MAX_COMMAND + 10 and command.endswith("(cut)")
