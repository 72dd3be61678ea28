"""A `--root` scan checks each folder of the disk once for being a link, not once per path
under it (issue 13: a root of 10,000 entries made 114,000 lstat calls); the paths it
gives are the same, links are still followed and the root never left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from safecheck.scan.collectors import host as host_module
from safecheck.scan.collectors.host import Host


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


def test_a_running_system_is_checked_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = deep_root(tmp_path)
    host = Host(platform="linux", root=root, live=True)
    calls = lstat_counter(monkeypatch)
    for number in range(10):
        host.resolve(f"/etc/systemd/system/unit{number}.service")
    assert len(calls) == 10 * 4  # a folder may become a link while a live system runs


def test_the_memory_of_folders_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = deep_root(tmp_path)
    monkeypatch.setattr(host_module, "MAX_KNOWN_FOLDERS", 2)
    host = Host(platform="linux", root=root, live=False)
    host.resolve("/etc/systemd/system/unit1.service")
    host.resolve("/usr/lib/x.so")
    assert len(host._folders) == 2
    assert host.resolve("/usr/lib/x.so") == root / "usr/lib/x.so"
