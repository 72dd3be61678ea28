"""`Host` reads a small file with one read of its own size (a buffer of 1 MiB for each of a
disk's 80,000 small files was most of the cost of reading them, issue 13), and still reads
every byte of a file whatever size it says it has, within the limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from safecheck.scan.collectors.host import Host, ReadError, ReadProblem

SIZES = (0, 1, 15, 16, 17, 31, 32, 33, 100)


def read_counter(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    asked: list[int] = []
    real = os.read

    def counting(fd: int, size: int) -> bytes:
        asked.append(size)
        return real(fd, size)

    monkeypatch.setattr(os, "read", counting)
    return asked


@pytest.fixture
def host(tmp_path: Path) -> Host:
    for size in SIZES:
        (tmp_path / f"f{size}").write_bytes(bytes(range(256))[:size])
    return Host(platform="linux", root=tmp_path, live=False)


@pytest.mark.parametrize("size", SIZES)
def test_every_byte_within_the_limit(host: Host, size: int) -> None:
    content = bytes(range(256))[:size]
    assert host.read_bytes(f"/f{size}") == content
    assert host.read_head(f"/f{size}", 20) == content[:20]
    for chunk in (1, 7, 16, 64):
        assert b"".join(host.read_chunks(f"/f{size}", 50, chunk)) == content[:50]
    if size > 20:
        with pytest.raises(ReadError) as error:
            host.read_bytes(f"/f{size}", 20)
        assert error.value.problem is ReadProblem.TOO_LARGE


def test_a_small_file_is_one_read_of_its_size(host: Host, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = read_counter(monkeypatch)
    assert host.read_bytes("/f100") == bytes(range(100))
    assert asked == [101]  # its size and one byte more: fewer bytes came, so that is the end
    asked.clear()
    assert b"".join(host.read_chunks("/f100", 1000, 32)) == bytes(range(100))
    assert asked == [32, 32, 32, 32, 32]  # larger than the chunks: read on to the end


def test_a_file_that_says_it_is_empty_is_read_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files of /proc say they hold 0 bytes and hold more."""
    (tmp_path / "version").write_bytes(b"Linux version 6" * 10)
    host = Host(platform="linux", root=tmp_path, live=False)
    real_fstat = os.fstat

    def says_empty(fd: int) -> os.stat_result:
        found = real_fstat(fd)
        return os.stat_result((found.st_mode, found.st_ino, found.st_dev, 1, 0, 0, 0, 0, 0, 0))

    monkeypatch.setattr(os, "fstat", says_empty)
    assert host.read_bytes("/version") == b"Linux version 6" * 10


def test_a_file_that_grew_after_it_was_measured_is_read_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "log").write_bytes(b"x" * 10)
    host = Host(platform="linux", root=tmp_path, live=False)
    real_fstat = os.fstat

    def measured_before_it_grew(fd: int) -> os.stat_result:
        found = real_fstat(fd)
        with open(tmp_path / "log", "ab") as log:
            log.write(b"y" * 30)
        return found

    monkeypatch.setattr(os, "fstat", measured_before_it_grew)
    assert host.read_bytes("/log") == b"x" * 10 + b"y" * 30
