"""linux.packages: dpkg, rpm (sqlite), flatpak and snap, from fake roots; dpkg_owned_among."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paths import TESTS
from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import Collector, CollectorResult, Status
from safecheck.scan.collectors.host import Host, ReadProblem
from safecheck.scan.collectors.linux import packages as packages_module
from safecheck.scan.collectors.linux.packages import (
    COLLECTOR,
    DpkgPackage,
    PackagesCollector,
    dpkg_owned_among,
    parse_dpkg_status,
    parse_rpm_header,
)
from safecheck.scan.run import packaged_lookup, paths_to_check

FIXTURES = TESTS / "fixtures"
STATUS = (FIXTURES / "dpkg" / "status").read_text(encoding="utf-8")


def write(root: Path, path: str, content: str | bytes = "") -> Path:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    target.write_bytes(content)
    return target


def collect(root: Path) -> CollectorResult:
    return PackagesCollector().collect(Host(platform="linux", root=root))


def packages(result: CollectorResult, manager: str) -> dict[str, Entry]:
    return {e.name: e for e in result.entries if e.detail("manager") == manager}


def test_is_a_linux_collector_that_works_on_a_mounted_disk() -> None:
    collector: Collector = COLLECTOR
    assert collector.id == "linux.packages"
    assert collector.platforms == {"linux"}
    assert not collector.live_only


def test_no_package_data_is_not_applicable(tmp_path: Path) -> None:
    result = collect(tmp_path)
    assert result.status == Status.NOT_APPLICABLE
    assert result.entries == []


# --- dpkg --------------------------------------------------------------------------------------


def test_parse_dpkg_status_keeps_packages_whose_files_are_on_disk() -> None:
    found = parse_dpkg_status(STATUS)
    assert [(p.name, p.version, p.architecture, p.line) for p in found] == [
        ("adduser", "3.134", "all", 1),
        ("bash", "5.2.15-2+b8", "amd64", 21),
        ("libc6", "2.36-9+deb12u14", "amd64", 38),
        ("x11vnc", "0.9.16-9", "amd64", 54),  # held: still installed
        ("kidlogger", "1.0-1", "amd64", 84),  # its setup failed, its files are there
        ("libgcc-s1", "12.2.0-14", "amd64", 95),
    ]
    assert [p.name for p in found if not p.fully_installed] == ["kidlogger", "libgcc-s1"]


def test_removed_packages_are_left_out() -> None:
    names = {p.name for p in parse_dpkg_status(STATUS)}
    assert "teamviewer" not in names  # deinstall ok config-files: only its settings remain
    assert "anydesk" not in names  # purge ok not-installed


def test_dpkg_entries(tmp_path: Path) -> None:
    write(tmp_path, "/var/lib/dpkg/status", STATUS)
    listed = write(tmp_path, "/var/lib/dpkg/info/libc6:amd64.list", "/.\n")
    write(tmp_path, "/var/lib/dpkg/info/bash.list", "/.\n")
    os.utime(listed, (1700000000, 1700000000))
    result = collect(tmp_path)
    assert result.status == Status.OK
    assert result.errors == []
    assert result.checked == 6
    found = packages(result, "dpkg")
    libc = found["libc6"]
    assert libc == Entry(
        collector="linux.packages",
        kind="package",
        location="/var/lib/dpkg/status",
        name="libc6",
        line=38,
        modified=datetime.fromtimestamp(1700000000, UTC),
        details=(("manager", "dpkg"), ("version", "2.36-9+deb12u14"), ("architecture", "amd64")),
    )
    assert found["bash"].modified is not None
    assert found["adduser"].modified is None  # no file list
    assert found["kidlogger"].detail("dpkg-status") == "install reinstreq half-configured"
    assert found["x11vnc"].detail("dpkg-status") is None


def test_truncated_status_file(tmp_path: Path) -> None:
    cut = STATUS.index("Version: 0.9.16-9")  # in the middle of the x11vnc stanza
    write(tmp_path, "/var/lib/dpkg/status", STATUS[:cut] + "Vers")
    result = collect(tmp_path)
    assert result.status == Status.OK
    assert list(packages(result, "dpkg")) == ["adduser", "bash", "libc6", "x11vnc"]
    assert packages(result, "dpkg")["x11vnc"].detail("version") == ""
    cut_in_status = STATUS.index("Status: install ok installed", 30) + len("Status: install ok")
    assert [p.name for p in parse_dpkg_status(STATUS[:cut_in_status])] == ["adduser"]


def test_empty_status_file(tmp_path: Path) -> None:
    write(tmp_path, "/var/lib/dpkg/status", "")
    result = collect(tmp_path)
    assert result.status == Status.OK
    assert result.entries == []
    assert result.errors == []
    assert parse_dpkg_status("\n\n \n") == []


def test_undecodable_bytes_do_not_stop_the_reading(tmp_path: Path) -> None:
    odd = STATUS.encode().replace(b"Matthias Klose", b"Matthias \xff\xfe Klose")
    write(tmp_path, "/var/lib/dpkg/status", odd)
    assert len(packages(collect(tmp_path), "dpkg")) == 6


def test_unreadable_status_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "var/lib/dpkg/status").mkdir(parents=True)  # a folder where the file should be
    result = collect(tmp_path)
    assert result.status == Status.FAILED
    assert [(e.path, e.problem) for e in result.errors] == [
        ("/var/lib/dpkg/status", ReadProblem.NOT_REGULAR)
    ]


def test_dpkg_package_without_status_words() -> None:
    assert parse_dpkg_status("Package: x\nStatus: installed\n") == []
    assert parse_dpkg_status("Status: install ok installed\nVersion: 1\n") == []
    (only,) = parse_dpkg_status("Package: x\nStatus: install ok installed\n")
    assert only == DpkgPackage("x", "", "", "install ok installed", 1)


# --- dpkg_owned_among -------------------------------------------------------------------------


def dpkg_info(root: Path) -> None:
    write(root, "/var/lib/dpkg/info/bash.list", "/.\n/bin\n/bin/bash\n/usr/share/doc/bash\n")
    write(root, "/var/lib/dpkg/info/bash.md5sums", "0123  bin/bash\n")
    write(
        root,
        "/var/lib/dpkg/info/libc6:amd64.list",
        "/.\n/lib/x86_64-linux-gnu/libc.so.6\n/usr/lib/x86_64-linux-gnu/libm.so.6\n",
    )
    write(root, "/var/lib/dpkg/info/coreutils.list", "/usr/bin/sleep\n/usr/bin/[\n")


def test_owned_among(tmp_path: Path) -> None:
    dpkg_info(tmp_path)
    wanted = {"/bin/bash", "/usr/bin/[", "/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/evil", "/."}
    owned = dpkg_owned_among(Host(platform="linux", root=tmp_path), wanted)
    assert owned == {"/bin/bash", "/usr/bin/[", "/lib/x86_64-linux-gnu/libc.so.6", "/."}


def test_usr_merged_spellings_through_the_scan(tmp_path: Path) -> None:
    """A running bash shows /usr/bin/bash while bash.list says /bin/bash: the scan asks about
    both spellings, so either way the program counts as packaged."""
    dpkg_info(tmp_path)
    write(tmp_path, "/usr/bin/bash", "ELF")
    write(tmp_path, "/usr/bin/evil", "ELF")
    host = Host(platform="linux", root=tmp_path)
    entries = [
        Entry("t", "process", "process", "bash", program="/usr/bin/bash"),
        Entry("t", "process", "process", "evil", program="/usr/bin/evil"),
    ]
    packaged = packaged_lookup(dpkg_owned_among(host, paths_to_check(entries)), host)
    assert packaged("/usr/bin/bash") is True
    assert packaged("/usr/bin/evil") is False
    assert packaged("/usr/bin/missing") is None  # not there: nothing to say


def test_owned_among_never_reads_outside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "disk"
    dpkg_info(root)
    secret = write(tmp_path, "/outside.txt", "/outside-secret\n")
    (root / "var/lib/dpkg/info/evil.list").symlink_to(secret)
    os.mkfifo(root / "var/lib/dpkg/info/fifo.list")
    owned = dpkg_owned_among(Host(platform="linux", root=root), {"/outside-secret", "/bin/bash"})
    assert owned == {"/bin/bash"}


def test_owned_among_reads_a_link_inside_the_folder_through_the_host(tmp_path: Path) -> None:
    """A .list that is a link is read as the Host reads it (inside the root), a folder or an
    oversized file named .list is not read, and opening by folder gives what the Host gives."""
    dpkg_info(tmp_path)
    info = tmp_path / "var/lib/dpkg/info"
    write(tmp_path, "/var/lib/dpkg/real-vim.txt", "/usr/bin/vim\n")
    (info / "vim.list").symlink_to("../real-vim.txt")  # outside the info folder, inside the root
    (info / "folder.list").mkdir()
    write(tmp_path, "/var/lib/dpkg/info/huge.list", "/usr/bin/huge\n" + "x" * 100)
    wanted = {"/usr/bin/vim", "/usr/bin/huge", "/bin/bash", "/usr/bin/sleep"}
    host = Host(platform="linux", root=tmp_path)
    limit = 50
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(packages_module, "MAX_LIST_BYTES", limit)
        owned = dpkg_owned_among(host, wanted)
        patch.setattr(packages_module, "_BY_FOLDER", False)  # the Host for every file
        through_host = dpkg_owned_among(host, wanted)
    assert owned == through_host == {"/bin/bash", "/usr/bin/sleep"}
    info_host = Host(platform="linux", root=info)
    listed = [e for e in info_host.list_dir("/") if e.name.endswith(".list")]
    assert packages_module.list_files(info_host) == listed  # links, folders and all
    assert dpkg_owned_among(host, wanted) == {"/bin/bash", "/usr/bin/sleep", "/usr/bin/huge"}


def test_list_times_are_what_the_host_says(tmp_path: Path) -> None:
    """The dates of the .list files, read from one listing, are those the Host gives for
    every kind of name: arch-qualified, plain, a link inside the root, missing, strange."""
    info_dir = tmp_path / "var/lib/dpkg/info"
    write(tmp_path, "/var/lib/dpkg/info/libc6:amd64.list", "/x\n")
    write(tmp_path, "/var/lib/dpkg/info/bash.list", "/x\n")
    write(tmp_path, "/var/lib/dpkg/info/both:amd64.list", "/x\n")
    write(tmp_path, "/var/lib/dpkg/info/both.list", "/x\n")
    write(tmp_path, "/var/lib/dpkg/elsewhere.list", "/x\n")
    write(tmp_path, "/etc/passwd.list", "/x\n")
    (info_dir / "linked.list").symlink_to("../elsewhere.list")
    (info_dir / "dangling.list").symlink_to("../nothing.list")
    for number, name in enumerate(sorted(os.listdir(info_dir))):
        if name != "dangling.list":
            os.utime(info_dir / name, (1_700_000_000 + number, 1_700_000_000 + number))
    info = Host(platform="linux", root=info_dir)
    times = packages_module._ListTimes(info)
    names = ["libc6", "bash", "both", "linked", "dangling", "missing", "../../../etc/passwd"]
    names += ["a/b", "a\\b", ".", "..", "nul\x00"]
    for name in names:
        for arch in ("amd64", ""):
            package = DpkgPackage(name, "1", arch, "install ok installed", 1)
            expected = None
            for candidate in (f"/{name}:{arch}.list", f"/{name}.list"):
                expected = info.modified(candidate)
                if expected is not None:
                    break
            assert times(package) == expected, (name, arch)
    assert times(DpkgPackage("bash", "1", "amd64", "install ok installed", 1)) is not None
    assert packages_module._ListTimes(None)(DpkgPackage("bash", "1", "", "", 1)) is None


def test_read_list_files_names_each_file_read(tmp_path: Path) -> None:
    dpkg_info(tmp_path)
    info = Host(platform="linux", root=tmp_path / "var/lib/dpkg/info")
    found = dict(packages_module.read_list_files(info, info.list_dir("/")))
    assert sorted(found) == ["/bash.list", "/coreutils.list", "/libc6:amd64.list"]
    assert found["/coreutils.list"] == b"/usr/bin/sleep\n/usr/bin/[\n"


def test_an_unreadable_info_folder_means_no_ownership(tmp_path: Path) -> None:
    write(tmp_path, "/var/lib/dpkg/info", "not a folder")
    assert dpkg_owned_among(Host(platform="linux", root=tmp_path), {"/bin/bash"}) is None


def test_owned_among_without_dpkg(tmp_path: Path) -> None:
    assert dpkg_owned_among(Host(platform="linux", root=tmp_path), {"/bin/bash"}) is None


# --- rpm ---------------------------------------------------------------------------------------

RPM_INT32, RPM_STRING, RPM_BIN, RPM_STRING_ARRAY, RPM_I18NSTRING = 4, 6, 7, 8, 9


def rpm_header(tags: list[tuple[int, int, bytes, int]]) -> bytes:
    """A header blob as rpmdb.sqlite stores it: counts, index entries, data (no magic).

    Like rpm, it starts with a region tag (63, HEADERIMMUTABLE) whose trailer ends the data.
    """
    data = bytearray()
    index: list[tuple[int, int, int, int]] = []
    for tag, kind, value, count in tags:
        if kind == RPM_INT32:
            while len(data) % 4:
                data.append(0)
        index.append((tag, kind, len(data), count))
        data += value
    trailer_offset = len(data)
    entries = len(tags) + 1
    data += struct.pack(">iIiI", 63, RPM_BIN, -16 * entries, 16)
    blob = struct.pack(">II", entries, len(data))
    blob += struct.pack(">iIiI", 63, RPM_BIN, trailer_offset, 16)
    for entry in index:
        blob += struct.pack(">iIiI", *entry)
    return blob + bytes(data)


def rpm_package(name: str, version: str, release: str, installed: int) -> bytes:
    return rpm_header(
        [
            (100, RPM_STRING_ARRAY, b"C\x00", 1),  # HEADERI18NTABLE
            (1000, RPM_STRING, name.encode() + b"\x00", 1),
            (1001, RPM_STRING, version.encode() + b"\x00", 1),
            (1002, RPM_STRING, release.encode() + b"\x00", 1),
            (1004, RPM_I18NSTRING, b"A summary\x00", 1),
            (1008, RPM_INT32, struct.pack(">I", installed), 1),
            (1022, RPM_STRING, b"x86_64\x00", 1),
            (1117, RPM_STRING_ARRAY, b"bin\x00lib\x00", 2),  # BASENAMES
        ]
    )


def rpmdb(path: Path, blobs: list[bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)"
        )
        db.executemany("INSERT INTO Packages (blob) VALUES (?)", [(b,) for b in blobs])
    db.close()
    return path


def test_parse_rpm_header() -> None:
    package = parse_rpm_header(rpm_package("anydesk", "6.3.2", "1", 1700000000))
    assert (package.name, package.version, package.release, package.arch) == (
        "anydesk",
        "6.3.2",
        "1",
        "x86_64",
    )
    assert package.installed == 1700000000


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"\x00\x00\x00",
        struct.pack(">II", 0, 0),  # no index entries
        struct.pack(">II", 0x10000, 0),  # more than rpm allows
        struct.pack(">II", 2, 100) + b"\x00" * 20,  # shorter than it says
        struct.pack(">II", 1, 4) + struct.pack(">iIiI", 1000, RPM_STRING, 9, 1) + b"abcd",
        struct.pack(">II", 1, 4) + struct.pack(">iIiI", 1000, RPM_STRING, 0, 1) + b"abcd",
        struct.pack(">II", 1, 4) + struct.pack(">iIiI", 1000, RPM_INT32, 0, 1) + b"abc\x00",
        struct.pack(">II", 1, 4) + struct.pack(">iIiI", 1001, RPM_STRING, 0, 1) + b"abc\x00",
        b"\xff" * 64,
    ],
)
def test_garbage_rpm_headers_are_refused(blob: bytes) -> None:
    with pytest.raises(ValueError):
        parse_rpm_header(blob)


def test_rpm_sqlite_is_read_without_writing(tmp_path: Path) -> None:
    db = rpmdb(
        tmp_path / "var/lib/rpm/rpmdb.sqlite",
        [
            rpm_package("bash", "5.2.26", "3.fc40", 1714000000),
            b"garbage that is no header",
            rpm_package("teamviewer", "15.51.5", "0", 1716000000),
        ],
    )
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    files_before = sorted(os.listdir(db.parent))
    result = collect(tmp_path)
    assert sorted(os.listdir(db.parent)) == files_before  # no journal, no lock file
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    found = packages(result, "rpm")
    assert list(found) == ["bash", "teamviewer"]
    assert found["teamviewer"] == Entry(
        collector="linux.packages",
        kind="package",
        location="/var/lib/rpm/rpmdb.sqlite",
        name="teamviewer",
        modified=datetime.fromtimestamp(1716000000, UTC),
        details=(
            ("manager", "rpm"),
            ("version", "15.51.5"),
            ("release", "0"),
            ("architecture", "x86_64"),
        ),
    )
    assert result.status == Status.OK
    assert [(e.path, e.problem, e.detail) for e in result.errors] == [
        ("/var/lib/rpm/rpmdb.sqlite", ReadProblem.OTHER, "1 package headers not understood")
    ]


def test_rpm_in_sysimage_through_a_link(tmp_path: Path) -> None:
    rpmdb(tmp_path / "usr/lib/sysimage/rpm/rpmdb.sqlite", [rpm_package("zsh", "5.9", "1", 1)])
    (tmp_path / "var/lib").mkdir(parents=True)
    (tmp_path / "var/lib/rpm").symlink_to("../../usr/lib/sysimage/rpm")
    result = collect(tmp_path)
    assert [(e.name, e.location) for e in result.entries] == [("zsh", "/var/lib/rpm/rpmdb.sqlite")]


def test_rpm_changes_left_in_the_wal_are_mentioned(tmp_path: Path) -> None:
    db = rpmdb(tmp_path / "var/lib/rpm/rpmdb.sqlite", [rpm_package("zsh", "5.9", "1", 1)])
    write(tmp_path, "/var/lib/rpm/rpmdb.sqlite-wal", b"\x37\x7f\x06\x82" + b"\x00" * 28)
    result = collect(tmp_path)
    assert [e.name for e in result.entries] == ["zsh"]
    assert [e.path for e in result.errors] == ["/var/lib/rpm/rpmdb.sqlite-wal"]
    assert db.with_name("rpmdb.sqlite-wal").stat().st_size == 32


def test_file_that_is_not_sqlite(tmp_path: Path) -> None:
    write(tmp_path, "/var/lib/rpm/rpmdb.sqlite", b"\x00" * 100 + b"not a database")
    result = collect(tmp_path)
    assert result.status == Status.FAILED
    assert [(e.path, e.problem) for e in result.errors] == [
        ("/var/lib/rpm/rpmdb.sqlite", ReadProblem.OTHER)
    ]


def test_sqlite_without_the_packages_table(tmp_path: Path) -> None:
    path = tmp_path / "var/lib/rpm/rpmdb.sqlite"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE Other (x)")
    db.close()
    result = collect(tmp_path)
    assert result.status == Status.FAILED
    assert "no such table" in result.errors[0].detail


@pytest.mark.parametrize("path", ["/var/lib/rpm/Packages", "/usr/lib/sysimage/rpm/Packages.db"])
def test_older_rpm_formats_are_named_not_guessed(tmp_path: Path, path: str) -> None:
    write(tmp_path, path, b"\x00\x06\x15\x61" + b"\x00" * 60)
    result = collect(tmp_path)
    assert result.entries == []
    assert result.status == Status.FAILED
    assert [(e.path, e.problem, e.detail) for e in result.errors] == [
        (path, ReadProblem.OTHER, "rpm database format not supported")
    ]


# --- flatpak and snap --------------------------------------------------------------------------


def test_flatpak_system_and_user_apps(tmp_path: Path) -> None:
    write(
        tmp_path,
        "/etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\n"
        "alex:x:1000:1000:Alex:/home/alex:/bin/bash\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    )
    (tmp_path / "root").mkdir()
    (tmp_path / "var/lib/flatpak/app/org.mozilla.firefox/x86_64/stable").mkdir(parents=True)
    (tmp_path / "var/lib/flatpak/app/org.videolan.VLC").mkdir(parents=True)
    write(tmp_path, "/var/lib/flatpak/app/.changed", "")  # a file, not an app
    (tmp_path / "home/alex/.local/share/flatpak/app/com.teamviewer.TeamViewer").mkdir(parents=True)
    result = collect(tmp_path)
    assert result.status == Status.OK
    found = [(e.name, e.user, e.detail("scope"), e.location) for e in result.entries]
    assert found == [
        ("org.mozilla.firefox", None, "system", "/var/lib/flatpak/app/org.mozilla.firefox"),
        ("org.videolan.VLC", None, "system", "/var/lib/flatpak/app/org.videolan.VLC"),
        (
            "com.teamviewer.TeamViewer",
            "alex",
            "user",
            "/home/alex/.local/share/flatpak/app/com.teamviewer.TeamViewer",
        ),
    ]
    assert all(e.detail("manager") == "flatpak" for e in result.entries)


def test_snap_files(tmp_path: Path) -> None:
    for name in ("firefox_4793.snap", "core22_1380.snap", "core22_1439.snap", "notes.txt"):
        write(tmp_path, f"/var/lib/snapd/snaps/{name}", b"hsqs")
    (tmp_path / "var/lib/snapd/snaps/partial").mkdir()
    result = collect(tmp_path)
    found = {e.name: e.detail("revisions") for e in result.entries}
    assert found == {"core22": "1380 1439", "firefox": "4793"}
    assert all(e.detail("manager") == "snap" for e in result.entries)
    assert result.entries[0].location == "/var/lib/snapd/snaps"


def test_snap_folders_when_the_files_are_not_there(tmp_path: Path) -> None:
    (tmp_path / "snap/firefox/4793").mkdir(parents=True)
    (tmp_path / "snap/firefox/current").symlink_to("4793")
    (tmp_path / "snap/bin").mkdir()
    write(tmp_path, "/snap/README", "snaps live here\n")
    result = collect(tmp_path)
    assert [(e.name, e.detail("revisions"), e.location) for e in result.entries] == [
        ("firefox", "4793", "/snap/firefox")
    ]


def test_all_managers_together(tmp_path: Path) -> None:
    write(tmp_path, "/var/lib/dpkg/status", STATUS)
    rpmdb(tmp_path / "var/lib/rpm/rpmdb.sqlite", [rpm_package("alien", "1", "1", 1)])
    (tmp_path / "var/lib/flatpak/app/org.gnome.Maps").mkdir(parents=True)
    write(tmp_path, "/var/lib/snapd/snaps/spotify_80.snap", b"hsqs")
    result = collect(tmp_path)
    managers = [e.detail("manager") for e in result.entries]
    assert managers == ["dpkg"] * 6 + ["rpm", "flatpak", "snap"]
    assert result.checked == 9


# --- properties --------------------------------------------------------------------------------

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789+-.~", min_size=1, max_size=12)


@given(st.text(max_size=400))
def test_any_status_text_parses_without_error(text: str) -> None:
    for package in parse_dpkg_status(text):
        assert package.name
        assert package.status.split()[2] in {"installed", "unpacked", "half-configured"} | {
            "half-installed",
            "triggers-awaited",
            "triggers-pending",
        }


@given(st.lists(st.tuples(_word, _word, st.booleans()), max_size=8))
def test_written_stanzas_parse_back(stanzas: list[tuple[str, str, bool]]) -> None:
    states = {True: "install ok installed", False: "deinstall ok config-files"}
    text = "\n".join(
        f"Package: {name}\nStatus: {states[on_disk]}\nVersion: {version}\n"
        "Description: x\n Package: not-a-package\n"
        for name, version, on_disk in stanzas
    )
    assert [(p.name, p.version) for p in parse_dpkg_status(text)] == [
        (name, version) for name, version, on_disk in stanzas if on_disk
    ]


@given(st.binary(max_size=300))
def test_any_bytes_give_a_package_or_a_value_error(blob: bytes) -> None:
    try:
        package = parse_rpm_header(blob)
    except ValueError:
        return
    assert package.name


@given(_word, _word, _word, st.integers(min_value=0, max_value=2**32 - 1))
def test_built_headers_parse_back(name: str, version: str, release: str, when: int) -> None:
    package = parse_rpm_header(rpm_package(name, version, release, when))
    assert (package.name, package.version, package.release, package.installed) == (
        name,
        version,
        release,
        when,
    )


def test_owned_among_answers_only_what_was_asked(tmp_path: Path) -> None:
    info = tmp_path / "var/lib/dpkg/info"
    info.mkdir(parents=True)
    (info / "cron.list").write_bytes(b"/.\n/usr\n/usr/sbin\n/usr/sbin/cron\n/etc/cron.d\n")
    (info / "bash.list").write_bytes(b"/bin/bash\n/usr/share/doc/bash\n\xff/odd\n")
    (info / "bash.md5sums").write_bytes(b"/usr/sbin/not-a-list\n")
    host = Host("linux", tmp_path)
    wanted = {
        "/usr/sbin/cron",
        "/sbin/cron",
        "/bin/bash",
        "/usr/bin/bash",
        "/usr/local/bin/x",
        "/usr/sbin/not-a-list",
        "\udcff/odd",
    }
    assert dpkg_owned_among(host, wanted) == {"/usr/sbin/cron", "/bin/bash", "\udcff/odd"}
    assert dpkg_owned_among(Host("linux", tmp_path / "nothing"), wanted) is None
