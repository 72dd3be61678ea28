"""A scan (of a `--root` disk or of the running system) checks each folder once for being a
link, not once per path under it (issue 13: a root of 10,000 entries made 114,000 lstat calls),
walks the folders of a path once, and dates a file it has just read without another walk; the
paths it gives are the same, links are still followed and the root never left. The next scan
(a new Host) looks again."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from safecheck.scan.collectors import host as host_module
from safecheck.scan.collectors.host import Host, ReadError, ReadProblem


def lstat_counter(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = os.lstat

    def counting(path: str | os.PathLike[str]) -> os.stat_result:
        seen.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "lstat", counting)  # host.py calls os.lstat
    return seen


def deep_root(tmp_path: Path) -> Path:
    folder = tmp_path / "etc" / "systemd" / "system"
    folder.mkdir(parents=True)
    for number in range(50):
        (folder / f"unit{number}.service").write_text("[Service]\n")
    (tmp_path / "usr" / "lib").mkdir(parents=True)
    (tmp_path / "lib").symlink_to("usr/lib")  # usr-merged
    (tmp_path / "usr" / "lib" / "x.so").write_text("")
    return tmp_path


def test_folders_are_checked_once_on_a_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = deep_root(tmp_path)
    host = Host(platform="linux", root=root, live=False)
    calls = lstat_counter(monkeypatch)
    paths = [host.resolve(f"/etc/systemd/system/unit{n}.service") for n in range(50)]
    assert paths == [root / f"etc/systemd/system/unit{n}.service" for n in range(50)]
    assert len(calls) == 3 + 50  # the three folders once, then each file
    assert host.resolve("/lib/x.so") == root / "usr/lib/x.so"  # links still followed
    assert host.resolve("/lib/../../../etc") == root / "etc"  # and the root never left


def test_a_running_system_walks_each_folder_once_per_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = deep_root(tmp_path)
    host = Host(platform="linux", root=root, live=True)
    calls = lstat_counter(monkeypatch)
    for number in range(10):
        host.resolve(f"/etc/systemd/system/unit{number}.service")
    assert len(calls) == 3 + 10  # a Host lives for one scan: the folders once, then each file


def test_the_memory_of_folders_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = deep_root(tmp_path)
    monkeypatch.setattr(host_module, "MAX_KNOWN_FOLDERS", 2)
    host = Host(platform="linux", root=root, live=False)
    host.resolve("/etc/systemd/system/unit1.service")
    host.resolve("/usr/lib/x.so")
    assert len(host._folders) == 2
    assert host.resolve("/usr/lib/x.so") == root / "usr/lib/x.so"


def linked_root(tmp_path: Path) -> Path:
    """Folders reached through relative, absolute and `..` links, a link loop, a dangling
    link and a link that tries to leave the root."""
    root = tmp_path / "root"
    for folder in ("usr/lib/systemd/system", "etc/systemd/system", "opt/app/bin", "srv"):
        (root / folder).mkdir(parents=True)
    for name in ("a.service", "b.service"):
        (root / "usr/lib/systemd/system" / name).write_text("[Service]\n")
    (root / "opt/app/bin/run").write_text("#!/bin/sh\n")
    (root / "lib").symlink_to("usr/lib")
    (root / "etc/systemd/system/a.service").symlink_to("/lib/systemd/system/a.service")
    (root / "etc/app").symlink_to("../opt/app")
    (root / "etc/loop").symlink_to("loop")
    (root / "etc/dangling").symlink_to("/nowhere/at/all")
    (root / "srv/out").symlink_to("../../../../..")
    (root / "srv/deep").symlink_to("/etc/app/bin")
    # 25 links to reach a folder, then 20 to reach a file in it: 45 in all, over the limit of
    # 40 (each part within it)
    for number in range(25):
        (root / f"c{number}").symlink_to(f"c{number + 1}" if number < 24 else "srv")
    for number in range(20):
        (root / f"srv/f{number}").symlink_to(f"f{number + 1}" if number < 19 else "deep/run")
    return root


PATHS = (
    "/lib/systemd/system/a.service",
    "/lib/systemd/system/b.service",
    "/etc/systemd/system/a.service",
    "/etc/app/bin/run",
    "/srv/deep/run",
    "/srv/deep/../bin/run",
    "/srv/out/etc/app/bin/run",
    "/etc/loop/x",
    "/etc/loop",
    "/etc/dangling/x",
    "/etc/dangling",
    "/lib/systemd/system/missing.service",
    "/lib/systemd/system",
    "/./lib//systemd/./system/a.service",
    "/",
    "/lib",
    "/etc",
    "/c0",
    "/missing",
    "/c0/f0",
    "/c0/f19",
    "/c20/f0",
)


def outcome(host: Host, path: str) -> tuple[str, object]:
    try:
        real = host.real(path)
    except ReadError as error:
        return "error", (error.path, error.problem)
    found = host.stat(path)
    return real, None if found is None else (found.st_ino, found.st_mode, found.st_mtime)


def test_a_disk_gives_what_a_running_system_gives(tmp_path: Path) -> None:
    """The memories of a --root scan (folders walked once, the last paths located, the stat
    taken by the walk) give the same paths, stats and errors as a walk each time."""
    root = linked_root(tmp_path)
    every_time = Host(platform="linux", root=root, live=True)
    expected = {path: outcome(every_time, path) for path in PATHS}
    disk = Host(platform="linux", root=root, live=False)
    for path in (*PATHS, *reversed(PATHS), *PATHS):  # met again, once remembered
        assert outcome(disk, path) == expected[path], path
    assert expected["/srv/out/etc/app/bin/run"][0] == str(root / "opt/app/bin/run")
    assert expected["/etc/loop/x"] == ("error", ("/etc/loop/x", ReadProblem.LINK_LOOP))
    assert expected["/c0/f0"] == ("error", ("/c0/f0", ReadProblem.LINK_LOOP))
    assert expected["/c20/f0"][0] == str(root / "opt/app/bin/run")
    assert disk.read_bytes("/srv/deep/run") == b"#!/bin/sh\n"


def stat_counter(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = os.stat

    def counting(path: str | os.PathLike[str], **options: bool) -> os.stat_result:
        seen.append(os.fspath(path))
        return real(path, **options)

    monkeypatch.setattr(os, "stat", counting)
    return seen


def test_a_file_read_is_dated_without_another_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = deep_root(tmp_path)
    host = Host(platform="linux", root=root, live=False)
    host.real("/etc/systemd/system")  # the folders, once
    paths = [f"/etc/systemd/system/unit{number}.service" for number in range(50)]
    times = [(root / path.lstrip("/")).stat().st_mtime for path in paths]
    lstats, stats = lstat_counter(monkeypatch), stat_counter(monkeypatch)
    for path, mtime in zip(paths, times, strict=True):
        assert host.read_bytes(path) == b"[Service]\n"
        assert host.modified(path) == datetime.fromtimestamp(mtime, UTC)
    assert len(lstats) == 50  # each file's own lstat, once: its stat is that lstat
    assert stats == []


def test_the_memory_of_paths_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = deep_root(tmp_path)
    monkeypatch.setattr(host_module, "MAX_LOCATED", 10)
    host = Host(platform="linux", root=root, live=False)
    for number in range(50):
        host.real(f"/etc/systemd/system/unit{number}.service")
        assert len(host._located) <= 10


def test_the_next_scan_of_a_running_system_sees_a_folder_become_a_link(tmp_path: Path) -> None:
    root = deep_root(tmp_path)
    Host(platform="linux", root=root, live=True).read_bytes("/etc/systemd/system/unit1.service")
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "unit1.service").write_text("[Service]\nExecStart=/x\n")
    os.rename(root / "etc" / "systemd" / "system", root / "old-system")
    (root / "etc" / "systemd" / "system").symlink_to("../../elsewhere")
    host = Host(platform="linux", root=root, live=True)
    assert host.real("/etc/systemd/system/unit1.service") == f"{root}/elsewhere/unit1.service"
    assert b"ExecStart=/x" in host.read_bytes("/etc/systemd/system/unit1.service")


def test_a_missing_file_is_looked_for_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A program named by 20,000 cron lines may not be there: its lstat saying so is enough."""
    root = deep_root(tmp_path)
    host = Host(platform="linux", root=root, live=False)
    host.real("/etc/systemd/system")
    lstats, stats = lstat_counter(monkeypatch), stat_counter(monkeypatch)
    assert not host.exists("/etc/systemd/system/missing.service")
    assert host.stat("/etc/systemd/system/missing.service") is None
    assert (len(lstats), stats) == (1, [])
    with pytest.raises(ReadError) as error:  # a read still says why, from the system
        host.read_bytes("/etc/systemd/system/missing.service")
    assert error.value.problem is ReadProblem.MISSING


def test_the_memory_of_walked_folders_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    for number in range(30):
        (root / f"d{number}").mkdir(parents=True)
        (root / f"d{number}" / "f").write_text("x")
    monkeypatch.setattr(host_module, "MAX_WALKED_FOLDERS", 8)
    host = Host(platform="linux", root=root, live=False)
    for number in [*range(30), *range(30)]:
        assert host.real(f"/d{number}/f") == str(root / f"d{number}" / "f")
        assert len(host._walked) <= 8
