"""describe_host: the inspected system's name, version and model, read through the Host."""

from __future__ import annotations

import os
import plistlib
from pathlib import Path

import pytest

from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.system_info import describe_host, parse_os_release

DEBIAN = """\
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
ID=debian
"""


def write(root: Path, path: str, content: str | bytes) -> Path:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return target


def test_linux_disk(tmp_path: Path) -> None:
    write(tmp_path, "/etc/os-release", DEBIAN)
    write(tmp_path, "/sys/class/dmi/id/sys_vendor", "Dell Inc.\n")  # not read from a disk
    host = Host(platform="linux", root=tmp_path, live=False)
    assert describe_host(host) == {"os": "Debian GNU/Linux 12 (bookworm)", "os_version": "12"}


def test_linux_live_adds_the_model(tmp_path: Path) -> None:
    write(tmp_path, "/usr/lib/os-release", "NAME=Fedora\nVERSION_ID=40\n")
    write(tmp_path, "/sys/class/dmi/id/sys_vendor", "Dell Inc.\n")
    write(tmp_path, "/sys/class/dmi/id/product_name", "XPS 13 9310\n")
    host = Host(platform="linux", root=tmp_path, live=True)
    assert describe_host(host) == {
        "os": "Fedora",
        "os_version": "40",
        "model": "Dell Inc. XPS 13 9310",
    }


@pytest.mark.parametrize(
    ("vendor", "product", "version", "expected"),
    [
        (
            "LENOVO",
            "20XWCTO1WW",
            "ThinkPad X1 Carbon Gen 9",
            "LENOVO ThinkPad X1 Carbon Gen 9 (20XWCTO1WW)",
        ),
        ("System manufacturer", "System Product Name", "", None),
        ("To be filled by O.E.M.", "MS-7C02", "", "MS-7C02"),
        ("HP", "HP EliteBook 840 G8", "", "HP EliteBook 840 G8"),
        ("QEMU", "", "", "QEMU"),
    ],
)
def test_model_names(
    tmp_path: Path, vendor: str, product: str, version: str, expected: str | None
) -> None:
    for name, value in (
        ("sys_vendor", vendor),
        ("product_name", product),
        ("product_version", version),
    ):
        if value:
            write(tmp_path, f"/sys/class/dmi/id/{name}", value + "\n")
    host = Host(platform="linux", root=tmp_path, live=True)
    assert describe_host(host).get("model") == expected


def test_macos_xml_and_binary_plists(tmp_path: Path) -> None:
    values = {"ProductName": "macOS", "ProductVersion": "14.5", "ProductBuildVersion": "23F79"}
    path = "/System/Library/CoreServices/SystemVersion.plist"
    host = Host(platform="darwin", root=tmp_path, live=False)
    for fmt in (plistlib.FMT_XML, plistlib.FMT_BINARY):
        write(tmp_path, path, plistlib.dumps(values, fmt=fmt))
        assert describe_host(host) == {"os": "macOS", "os_version": "14.5"}


def test_windows_and_empty_roots_give_nothing(tmp_path: Path) -> None:
    assert describe_host(Host(platform="win32", root=tmp_path)) == {}
    assert describe_host(Host(platform="linux", root=tmp_path)) == {}
    assert describe_host(Host(platform="darwin", root=tmp_path)) == {}


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xff\xfe garbage",
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><plist><dict>&a;</dict></plist>",
        b"<plist><array><string>not a dict</string></array></plist>",
        b"bplist00\xff\xff",
    ],
)
def test_broken_plists_never_raise(tmp_path: Path, content: bytes) -> None:
    write(tmp_path, "/System/Library/CoreServices/SystemVersion.plist", content)
    assert describe_host(Host(platform="darwin", root=tmp_path)) == {}


def test_hostile_files_never_raise(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "os-release").mkdir()  # a folder where a file should be
    os.symlink("loop", tmp_path / "usr-lib-loop")
    (tmp_path / "usr" / "lib").mkdir(parents=True)
    os.symlink("/usr/lib/os-release", tmp_path / "usr" / "lib" / "os-release")  # a link to itself
    dmi = tmp_path / "sys" / "class" / "dmi" / "id"
    dmi.mkdir(parents=True)
    os.mkfifo(dmi / "sys_vendor")  # would block a plain open()
    (dmi / "product_name").write_bytes(b"x" * 10_000)  # larger than a name can be
    host = Host(platform="linux", root=tmp_path, live=True)
    assert describe_host(host) == {}


def test_control_characters_and_long_values_are_cleaned(tmp_path: Path) -> None:
    name = "Evil\x1b[2J\tLinux " + "x" * 300
    write(tmp_path, "/etc/os-release", f"PRETTY_NAME=\"{name}\"\nVERSION_ID='1\x07'\n")
    found = describe_host(Host(platform="linux", root=tmp_path))
    assert found["os"].startswith("Evil [2J")
    assert len(found["os"]) == 120 and found["os"].endswith("...")
    assert found["os_version"] == "1"


def test_parse_os_release() -> None:
    text = '# comment\nNAME="A \\"quoted\\" name"\nID=\'single\'\nBAD LINE\nEMPTY=\nX="unclosed\n'
    assert parse_os_release(text) == {
        "NAME": 'A "quoted" name',
        "ID": "single",
        "EMPTY": "",
        "X": '"unclosed',
    }


def test_this_computer() -> None:
    found = describe_host(Host(platform="linux", root=Path("/"), live=True))
    assert all(isinstance(v, str) and v for v in found.values())
    if Path("/etc/os-release").exists():
        assert "os" in found
