"""The pure readers of adb output, on real formats, and never raising on anything."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safecheck.phone.android import parsers as p

PM_LINE = (
    "package:/data/app/~~x==/com.example-y==/base.apk=com.example versionCode:7  "
    "installer=com.android.vending uid:10123"
)


def test_package_list_keeps_path_with_equals_and_reads_installer() -> None:
    lines = p.parse_package_list(
        PM_LINE + "\npackage:/system/app/A/A.apk=com.a installer=null uid:1000\nnoise\n"
    )
    assert lines[0] == p.PackageLine(
        "com.example", "/data/app/~~x==/com.example-y==/base.apk", "com.android.vending", 10123, "7"
    )
    assert lines[1].installer is None and lines[1].uid == 1000


def test_devices_in_every_state() -> None:
    text = (
        "* daemon not running; starting now at tcp:5037\n"
        "* daemon started successfully\n"
        "List of devices attached\n"
        "2B121FDH2006ZJ         device usb:3-2 product:panther model:Pixel_7 device:panther "
        "transport_id:4\n"
        "R58M41ABCDE            unauthorized usb:1-1 transport_id:5\n"
        "emulator-5554          offline transport_id:6\n"
        "0123456789ABCDEF       no permissions (missing udev rules? user is in the plugdev "
        "group); see [http://developer.android.com/tools/device.html] usb:1-4 transport_id:7\n"
    )
    devices = p.parse_devices(text)
    assert [(d.serial, d.state) for d in devices] == [
        ("2B121FDH2006ZJ", "device"),
        ("R58M41ABCDE", "unauthorized"),
        ("emulator-5554", "offline"),
        ("0123456789ABCDEF", "no permissions"),
    ]
    assert devices[0].model == "Pixel 7"


def test_dumpsys_packages_reads_the_packages_section_only() -> None:
    text = (
        "Packages:\n"
        "  Package [com.x] (1a2b3c):\n"
        "    flags=[ HAS_CODE ]\n"
        "    timeStamp=2024-01-02 10:11:00\n"
        "    lastUpdateTime=2024-01-03 10:11:12\n"
        "    installerPackageName=null\n"
        "    User 0: ceDataInode=1 installed=true hidden=false\n"
        "      firstInstallTime=2024-01-02 10:11:12\n"
        "      runtime permissions:\n"
        "        android.permission.ACCESS_BACKGROUND_LOCATION: granted=true, flags=[ USER_SET ]\n"
        "        android.permission.CAMERA: granted=false, flags=[ USER_SET ]\n"
        "  Package [com.sys] (2b):\n"
        "    flags=[ SYSTEM HAS_CODE ]\n"
        "    installerPackageName=com.android.vending\n"
        "\nHidden system packages:\n"
        "  Package [com.sys] (3c):\n"
        "    installerPackageName=null\n"
    )
    found = p.parse_dumpsys_packages(text)
    assert found["com.x"].first_install == "2024-01-02 10:11:12"
    assert found["com.x"].last_update == "2024-01-03 10:11:12"
    assert found["com.x"].installer is None and not found["com.x"].system
    assert found["com.x"].granted == {"android.permission.ACCESS_BACKGROUND_LOCATION"}
    assert found["com.sys"].system and found["com.sys"].installer == "com.android.vending"


def test_launcher_both_forms() -> None:
    full = (
        "    ActivityInfo:\n      packageName=com.a\n"
        "      ApplicationInfo:\n        packageName=com.a\n"
    )
    assert p.parse_launcher_packages(full + "com.b/.Main\n") == {"com.a", "com.b"}


def test_settings_and_components() -> None:
    assert p.parse_setting("null\n") is None
    assert p.parse_setting("0\n") == "0"
    assert p.parse_components("com.a/com.a.S:com.b/.L\n") == [
        ("com.a", "com.a/com.a.S"),
        ("com.b", "com.b/.L"),
    ]
    assert p.parse_components("null") == []


def test_device_policy_owner_profile_and_admins() -> None:
    text = (
        "Current Device Policy Manager state:\n"
        "  Device Owner: \n"
        "    admin=ComponentInfo{com.mdm/com.mdm.Owner}\n"
        "    name=\n"
        "    package=com.mdm\n"
        "  Profile Owner (User 10): \n"
        "    admin=ComponentInfo{com.work/.Admin}\n"
        "    package=com.work\n"
        "  Enabled Device Admins (User 0, provisioningState: 0):\n"
        "    com.spy/com.spy.AdminReceiver:\n"
        "      uid=10234\n"
        "      policies:\n"
        "        wipe-data\n"
        "  Stats:\n"
        "    mPasswordOwner=-1\n"
        "    Admin: ComponentInfo{com.old/com.old.Rcv}\n"
    )
    policy = p.parse_device_policy(text)
    assert policy.device_owner == "com.mdm"
    assert policy.profile_owners == ["com.work"]
    assert [a[0] for a in policy.admins] == ["com.spy", "com.old"]


def test_no_owner_in_a_plain_dump() -> None:
    policy = p.parse_device_policy(
        "  Device state cache:\n    Device owner type: -1\n    package=com.not.owner\n"
    )
    assert policy.device_owner is None and policy.profile_owners == []


def test_appops_old_and_new_layouts() -> None:
    text = (
        "Current AppOps Service state:\n"
        "  Uid u0a123:\n"
        "    state=top\n"
        "    SYSTEM_ALERT_WINDOW: mode=allow\n"
        "    Package com.old:\n"
        "      CAMERA: allow; time=+2h3m4s123ms ago; duration=+1s\n"
        "      RECORD_AUDIO: mode=ignore\n"
        "  Uid u10a5:\n"
        "    Package com.new:\n"
        "      FINE_LOCATION (allow / switch COARSE_LOCATION=allow):\n"
        "        Access: [fg-s] 2024-01-02 10:11:12.345 (-1d2h0m0s0ms)\n"
        "        Access: [bg-s] 2024-01-02 12:11:12.345 (-5m0s0ms)\n"
        "        Reject: [bg-s] 2024-01-02 12:11:12.345 (-1m0s0ms)\n"
    )
    ops = p.parse_appops(text)
    assert ops.packages["com.old"][0] == p.AppOp("CAMERA", "allow", 2 * 3600 + 3 * 60 + 4)
    assert ops.packages["com.old"][1] == p.AppOp("RECORD_AUDIO", "ignore")
    assert ops.uids["u0a123"] == [p.AppOp("SYSTEM_ALERT_WINDOW", "allow")]
    assert ops.packages["com.new"] == [p.AppOp("FINE_LOCATION", "allow", 300)]
    assert p.parse_uid_label("u0a123") == 10123
    assert p.parse_uid_label("u10a5") == 1010005


def test_durations() -> None:
    assert p.parse_duration("+2h3m4s123ms") == 7384
    assert p.parse_duration("-1d0h0m1s") == 86401
    assert p.parse_duration("soon") is None


def test_accounts_once_each() -> None:
    text = (
        "Accounts: 1\n  Account {name=a@b.example, type=com.google}\n"
        "  Account {name=a@b.example, type=com.google}\n"
    )
    assert p.parse_accounts(text) == [("a@b.example", "com.google")]


def test_values() -> None:
    assert p.parse_epoch("1710068520\n") == 1710068520
    assert p.parse_epoch("Sun Mar 10\n") is None
    assert p.parse_value("") == ""


PIECES = [
    *"abcXYZ019 :=/.,;+-()[]{}_\n\t",
    "package:",
    "Package [",
    "Packages:",
    "  Uid u0a1:",
    "Access: (-",
    "Device Owner",
    "ComponentInfo{",
    "Account {name=",
    "time=+",
    "ms",
    "granted=true",
    "Enabled Device Admins",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@given(TEXT)
def test_parsers_never_raise(text: str) -> None:
    p.parse_devices(text)
    p.parse_package_list(text)
    p.parse_package_names(text)
    p.parse_dumpsys_packages(text)
    p.parse_launcher_packages(text)
    p.parse_setting(text)
    p.parse_components(text)
    p.parse_device_policy(text)
    p.parse_appops(text)
    p.parse_value(text)
    p.parse_epoch(text)
    p.parse_accounts(text)
    p.parse_duration(text)
    p.parse_uid_label(text)


@given(st.text(max_size=300))
def test_parsers_never_raise_on_any_text(text: str) -> None:
    for parse in (
        p.parse_devices,
        p.parse_package_list,
        p.parse_dumpsys_packages,
        p.parse_device_policy,
        p.parse_appops,
        p.parse_accounts,
        p.parse_components,
        p.parse_epoch,
    ):
        parse(text)
