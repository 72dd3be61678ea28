"""Live-only extras through a fake command runner (`sfltool dumpbtm`, `profiles`), the
background items store, and the macOS rules on single entries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from macos_fakeroot import (
    USER_BTM,
    FakeRunner,
    bookmark,
    btm,
    mac_root,
    make_host,
    of_kind,
    write,
)

from safecheck.catalog.index import CatalogIndex
from safecheck.catalog.loader import load_catalog
from safecheck.core.entries import Entry
from safecheck.scan.analysis.base import Context
from safecheck.scan.analysis.macos import judge_macos
from safecheck.scan.collectors.macos.loginitems import (
    LoginItemsCollector,
    bookmark_path,
    interesting,
    parse_dumpbtm,
)
from safecheck.scan.collectors.macos.profiles import (
    ProfilesCollector,
    parse_enrollment_status,
    parse_profiles_list,
)

# `sfltool dumpbtm` on macOS 14 (layout as Apple prints it; UUIDs and team id made up)
DUMPBTM = """\
========================
 Records for UID 501 : 5A6C1234-ABCD-4E5F-9012-3456789ABCDE
========================

 ServiceManagement migrated: true
 SharedFileList migrated: true

 Items:

 #1:
                 UUID: 7C1E4B1A-2D3F-4A5B-8C6D-9E0F1A2B3C4D
                 Name: AnyDesk
       Developer Name: philandro Software GmbH
      Team Identifier: JCH4M3BH9Z
                 Type: legacy daemon (0x10010)
                Flags: [ legacy ] (0x1)
          Disposition: [enabled, allowed, visible, notified] (0xb)
           Identifier: 16.com.philandro.anydesk.service
                  URL: file:///Library/LaunchDaemons/com.philandro.anydesk.service.plist
      Executable Path: /Applications/AnyDesk.app/Contents/MacOS/AnyDesk
           Generation: 2
    Parent Identifier: 2.com.philandro.anydesk

 #2:
                 UUID: 1A2B3C4D-5E6F-4789-8ABC-DEF012345678
                 Name: Firefox
       Developer Name: (null)
                 Type: app (0x2)
                Flags: [  ] (0)
          Disposition: [disabled, allowed, visible, notified] (0xa)
           Identifier: 2.org.mozilla.firefox
                  URL: file:///Applications/Firefox.app/
           Generation: 0

========================
 Records for UID -2 : FFFFEEEE-DDDD-CCCC-BBBB-AAAA99998888
========================

 Items:

 #1:
                 UUID: 99999999-8888-7777-6666-555555555555
                 Name: (null)
                 Type: developer (0x20)
                 Flags: [  ] (0)
"""

PROFILES_LIST = """\
_computerlevel[1] attribute: profileIdentifier: com.example.mdm.enrollment
_computerlevel[2] attribute: profileIdentifier: com.example.wifi
alice[1] attribute: profileIdentifier: com.example.vpn
There are 2 system profiles installed
"""
ENROLLMENT = """\
Enrolled via DEP: No
MDM enrollment: Yes (User Approved)
MDM server: https://mdm.example.net/mdm/checkin
"""


def test_parse_dumpbtm_items() -> None:
    items = parse_dumpbtm(DUMPBTM)
    assert [i.get("Name") for i in items] == ["AnyDesk", "Firefox"]
    assert items[0]["uid"] == "501"
    assert items[0]["Executable Path"] == "/Applications/AnyDesk.app/Contents/MacOS/AnyDesk"
    assert items[1]["Disposition"].startswith("[disabled")


@pytest.mark.parametrize("text", ["", "garbage\n#1:\n", "Items:\n #1:\n   : no key\n"])
def test_parse_dumpbtm_is_tolerant(text: str) -> None:
    assert parse_dumpbtm(text) == []


def test_sfltool_runs_only_live(tmp_path: Path) -> None:
    root = mac_root(tmp_path / "disk")
    runner = FakeRunner({("sfltool", "dumpbtm"): (0, DUMPBTM)})
    LoginItemsCollector().collect(make_host(root, runner=runner))
    assert runner.calls == []
    host = make_host(root, runner=runner)
    host.live = True
    result = LoginItemsCollector().collect(host)
    assert ["sfltool", "dumpbtm"] in runner.calls
    live = [e for e in of_kind(result, "login-item") if e.detail("source") == "sfltool"]
    assert [(e.name, e.enabled) for e in live] == [("AnyDesk", True), ("Firefox", False)]
    assert live[0].detail("bundle-id") == "com.philandro.anydesk.service"
    assert live[0].detail("developer") == "philandro Software GmbH"
    assert live[1].program == "/Applications/Firefox.app"
    assert live[1].detail("developer") is None


def test_sfltool_failure_is_not_fatal(tmp_path: Path) -> None:
    root = mac_root(tmp_path / "disk")
    host = make_host(root, runner=FakeRunner({}))
    host.live = True
    result = LoginItemsCollector().collect(host)
    assert not [e for e in result.entries if e.detail("source") == "sfltool"]


def test_btm_store_strings(tmp_path: Path) -> None:
    root = mac_root(tmp_path / "disk")
    bookmark = b"book\x00\x00\x00\x00mark" + b"file:///Applications/Tool%20X.app/\x00\x01"
    write(root, USER_BTM, btm(["com.example.agent", "NSURL", bookmark, "Tool X", "/Users/x/"]))
    result = LoginItemsCollector().collect(make_host(root))
    items = {(e.name, e.program, e.detail("bundle-id")) for e in of_kind(result, "login-item")}
    assert items == {
        ("com.example.agent", None, "com.example.agent"),
        ("Tool X.app", "/Applications/Tool X.app", None),
        ("x", "/Users/x", None),
    }
    assert all(e.user == "alice" for e in result.entries)


def test_interesting_strings_are_bounded() -> None:
    many = iter(["/a/" + str(i) for i in range(100_000)])
    assert len(interesting(many)) <= 5002


def test_profiles_parsers() -> None:
    assert parse_profiles_list(PROFILES_LIST) == [
        ("_computerlevel", "com.example.mdm.enrollment"),
        ("_computerlevel", "com.example.wifi"),
        ("alice", "com.example.vpn"),
    ]
    assert parse_profiles_list("There are no configuration profiles installed\n") == []
    assert parse_enrollment_status(ENROLLMENT) == {
        "Enrolled via DEP": "No",
        "MDM enrollment": "Yes (User Approved)",
        "MDM server": "https://mdm.example.net/mdm/checkin",
    }


def test_profiles_live(tmp_path: Path) -> None:
    root = mac_root(tmp_path / "disk")
    runner = FakeRunner(
        {
            ("profiles", "list"): (0, PROFILES_LIST),
            ("profiles", "status", "-type", "enrollment"): (0, ENROLLMENT),
        }
    )
    host = make_host(root, runner=runner)
    host.live = True
    result = ProfilesCollector().collect(host)
    profiles = [(e.name, e.user) for e in of_kind(result, "config-profile")]
    assert profiles == [
        ("com.example.mdm.enrollment", None),
        ("com.example.wifi", None),
        ("com.example.vpn", "alice"),
    ]
    (mdm,) = of_kind(result, "mdm-enrollment")
    assert mdm.detail("mdm-server") == "https://mdm.example.net/mdm/checkin"


def test_profiles_live_not_enrolled(tmp_path: Path) -> None:
    root = mac_root(tmp_path / "disk")
    runner = FakeRunner(
        {
            ("profiles", "list"): (0, "There are no configuration profiles installed\n"),
            ("profiles", "status", "-type", "enrollment"): (
                0,
                "Enrolled via DEP: No\nMDM enrollment: No\n",
            ),
        }
    )
    host = make_host(root, runner=runner)
    host.live = True
    assert ProfilesCollector().collect(host).entries == []


# --- the rules on single entries ------------------------------------------------------------


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context("darwin", CatalogIndex(load_catalog()), datetime(2026, 11, 27, tzinfo=UTC))


def _entry(kind: str, name: str, collector: str = "macos.x", **kw: object) -> Entry:
    return Entry(collector=collector, kind=kind, location="/x", name=name, **kw)  # type: ignore[arg-type]


def test_launchd_label_alone_finds_the_tool(ctx: Context) -> None:
    job = _entry(
        "launchd-job",
        "com.teamviewer.service",
        "macos.launchd",
        program="/opt/elsewhere/agent",
        details=(("label", "com.teamviewer.service"),),
    )
    hits = judge_macos(job, ctx)
    assert [(h.rule, h.tool.name if h.tool else "") for h in hits] == [
        ("SC-TOOL-REMOTE-ACCESS", "TeamViewer")
    ]


def test_tcc_rules(ctx: Context) -> None:
    def rules(service: str, client: str) -> list[str]:
        entry = _entry("tcc-grant", client, "macos.tcc", details=(("service", service),))
        return [h.rule for h in judge_macos(entry, ctx)]

    assert rules("kTCCServiceListenEvent", "com.example.keys") == ["SC-MAC-TCC-KEYBOARD"]
    assert rules("kTCCServicePostEvent", "/opt/x/bot") == ["SC-MAC-TCC-CONTROL"]
    assert rules("kTCCServiceSystemPolicyAllFiles", "com.example.b") == ["SC-MAC-TCC-FILES"]
    assert rules("kTCCServiceCamera", "us.zoom.xos") == ["SC-MAC-TCC-CAMERA"]
    assert rules("kTCCServiceMicrophone", "us.zoom.xos") == ["SC-MAC-TCC-MICROPHONE"]
    assert rules("kTCCServiceAccessibility", "com.apple.Terminal") == []
    assert rules("kTCCServiceScreenCapture", "/System/Library/CoreServices/x") == []


def test_tcc_grant_to_a_catalogued_app(ctx: Context) -> None:
    entry = _entry(
        "tcc-grant",
        "com.philandro.anydesk",
        "macos.tcc",
        details=(("service", "kTCCServiceScreenCapture"), ("bundle-id", "com.philandro.anydesk")),
    )
    assert {h.rule for h in judge_macos(entry, ctx)} == {
        "SC-TOOL-REMOTE-ACCESS",
        "SC-MAC-TCC-SCREEN",
    }


def test_other_collectors_are_not_judged_here(ctx: Context) -> None:
    cron = _entry("cron-job", "alice", "linux.cron", command="x")
    assert judge_macos(cron, ctx) == []


def test_sharing_off_and_apple_profiles_give_nothing(ctx: Context) -> None:
    off = _entry("macos-sharing", "Screen Sharing", "macos.sharing", enabled=False)
    unknown = _entry("macos-sharing", "Remote Login", "macos.sharing", enabled=None)
    apple = _entry(
        "config-profile", "x", "macos.profiles", details=(("identifier", "com.apple.x"),)
    )
    mdm_profile = _entry(
        "config-profile",
        "Enrollment",
        "macos.profiles",
        details=(("identifier", "com.example.e"), ("payload-types", "com.apple.mdm")),
    )
    assert [judge_macos(e, ctx) for e in (off, unknown, apple, mdm_profile)] == [[], [], [], []]
    apple_plugin = _entry(
        "auth-plugin", "p", "macos.extensions", details=(("bundle-id", "com.apple.p"),)
    )
    assert judge_macos(apple_plugin, ctx) == []


def test_btm_bookmark_paths(tmp_path: Path) -> None:
    root = mac_root(tmp_path / "disk")
    data = bookmark("/Applications/AnyDesk.app")
    assert bookmark_path(data) == "/Applications/AnyDesk.app"
    write(root, USER_BTM, btm([data, "AnyDesk"]))
    result = LoginItemsCollector().collect(make_host(root))
    assert [e.program for e in of_kind(result, "login-item")] == ["/Applications/AnyDesk.app"]


@pytest.mark.parametrize("cut", [4, 20, 48, 60, 80, -4])
def test_damaged_bookmarks_give_nothing(cut: int) -> None:
    data = bookmark("/Applications/AnyDesk.app")
    assert bookmark_path(data[:cut]) in (None, "/Applications/AnyDesk.app")
    assert bookmark_path(b"book" + b"\xff" * 60) is None
