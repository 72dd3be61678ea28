"""The floor for `safecheck scan`: the least work that gathers the same facts.

It lists the processes with psutil (the attributes the scan asks for, plus the /proc reads the
scan makes for each process: its program link, its open files, LD_PRELOAD in its environment),
lists the sockets, and reads exactly the files and folders the scan reads, with plain `open()`
and `os.scandir()`: no link checks, no parsing, no judging. That includes the first 64 bytes
of each program the scan looks at to tell a script from a binary (`Host.read_head`).

"The files the scan reads" are not guessed: `record_plan()` runs the real scan in-process with
`Host.read_bytes` and `Host.list_dir` wrapped (for every Host, including the ones a collector
makes for /var/lib/dpkg/info), and keeps the real path of each call and whether it succeeded.
The dpkg `.list` files, which the scan lists and opens inside their folder without going
through `Host.list_dir` and `Host.read_bytes`, are recorded by wrapping
`packages.list_files` and `packages.read_list_files` the same way.

    python benchmarks/floor.py                      # record, then time the floor once
    python benchmarks/floor.py --save plan.json     # record and save the list
    python benchmarks/floor.py --plan plan.json     # time the floor on a saved list

With `--plan`, nothing of safecheck is imported: the process is as small as the floor itself.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

# What live.py asks psutil for (safecheck.scan.collectors.live._ATTRS).
PROCESS_ATTRS = ["pid", "name", "exe", "cmdline", "username", "create_time", "status"]
MAX_ENVIRON = 1024 * 1024
HEAD_BYTES = 64  # what script_bodies reads of a program to tell a script (#!) from a binary


@dataclass
class Plan:
    """What one scan read: real paths of files (read or failed) and of folders listed."""

    reads: list[str] = field(default_factory=list)  # read_bytes that returned data
    failed_reads: list[str] = field(default_factory=list)  # read_bytes that raised ReadError
    listings: list[str] = field(default_factory=list)  # list_dir calls (missing folders too)
    heads: list[str] = field(default_factory=list)  # read_head that returned data (64 bytes)
    calls: dict[str, int] = field(default_factory=dict)  # Host method -> number of calls
    repeated: dict[str, int] = field(default_factory=dict)  # path read more than once -> times

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data: dict[str, Any] = json.loads(text)
        return cls(
            reads=list(data["reads"]),
            failed_reads=list(data["failed_reads"]),
            listings=list(data["listings"]),
            heads=list(data.get("heads", [])),
            calls=dict(data.get("calls", {})),
            repeated=dict(data.get("repeated", {})),
        )


class _Recorder:
    """Wraps the reading methods of `Host` (the class, so that every Host is seen) and keeps
    the real path of each read and listing, and the number of calls of each method."""

    METHODS = ("read_bytes", "read_head", "list_dir", "list_names", "resolve", "stat", "lstat")

    def __init__(self) -> None:
        from safecheck.scan.collectors import host as host_module  # noqa: PLC0415
        from safecheck.scan.collectors.linux import packages  # noqa: PLC0415

        self.packages = packages
        self.original_list_files = packages.read_list_files
        self.original_listing = packages.list_files
        self.host_class = host_module.Host
        self.read_error = host_module.ReadError
        self.original = {name: getattr(self.host_class, name) for name in self.METHODS}
        self.reads: list[str] = []
        self.failed: list[str] = []
        self.listings: list[str] = []
        self.heads: list[str] = []
        self.calls: Counter[str] = Counter()

    def _real(self, host: Any, path: str) -> str | None:
        try:
            return str(self.original["resolve"](host, path))
        except self.read_error:
            return None

    def _counting(self, name: str) -> Any:
        original = self.original[name]

        def counted(host: Any, *args: Any) -> Any:
            self.calls[name] += 1
            return original(host, *args)

        return counted

    def _read_bytes(self) -> Any:
        original = self.original["read_bytes"]

        def read_bytes(host: Any, path: str, max_bytes: int | None = None) -> bytes:
            self.calls["read_bytes"] += 1
            where = self._real(host, path)
            try:
                data: bytes = original(host, path, max_bytes)
            except self.read_error:
                if where is not None:
                    self.failed.append(where)
                raise
            if where is not None:
                self.reads.append(where)
            return data

        return read_bytes

    def _read_head(self) -> Any:
        original = self.original["read_head"]

        def read_head(host: Any, path: str, size: int) -> bytes:
            self.calls["read_head"] += 1
            where = self._real(host, path)
            try:
                data: bytes = original(host, path, size)
            except self.read_error:
                if where is not None:
                    self.failed.append(where)
                raise
            if where is not None:
                self.heads.append(where)
            return data

        return read_head

    def _listing(self, name: str) -> Any:
        """`list_dir` and `list_names` (names only, as systemd's .wants folders are read)."""
        original = self.original[name]

        def listing(host: Any, path: str) -> Any:
            self.calls[name] += 1
            where = self._real(host, path)
            if where is not None:
                self.listings.append(where)
            return original(host, path)

        return listing

    def _read_list_files(self) -> Any:
        original = self.original_list_files

        def read_list_files(info: Any, entries: Any) -> Any:
            for path, data in original(info, entries):
                self.calls["read_list_files"] += 1
                where = self._real(info, path)
                if where is not None:
                    self.reads.append(where)
                yield path, data

        return read_list_files

    def _list_files(self) -> Any:
        original = self.original_listing

        def list_files(info: Any) -> Any:
            self.calls["list_files"] += 1
            where = self._real(info, "/")
            if where is not None:
                self.listings.append(where)
            return original(info)

        return list_files

    def __enter__(self) -> _Recorder:
        setattr(self.packages, "list_files", self._list_files())  # noqa: B010
        setattr(self.packages, "read_list_files", self._read_list_files())  # noqa: B010
        setattr(self.host_class, "read_bytes", self._read_bytes())  # noqa: B010
        for name in ("list_dir", "list_names"):
            setattr(self.host_class, name, self._listing(name))
        setattr(self.host_class, "read_head", self._read_head())  # noqa: B010
        for name in ("resolve", "stat", "lstat"):
            setattr(self.host_class, name, self._counting(name))
        return self

    def __exit__(self, *_exc: object) -> None:
        setattr(self.packages, "list_files", self.original_listing)  # noqa: B010
        setattr(self.packages, "read_list_files", self.original_list_files)  # noqa: B010
        for name, function in self.original.items():
            setattr(self.host_class, name, function)

    def plan(self) -> Plan:
        counts = Counter(self.reads)
        return Plan(
            reads=list(dict.fromkeys(self.reads)),
            failed_reads=list(dict.fromkeys(self.failed)),
            listings=list(dict.fromkeys(self.listings)),
            heads=list(dict.fromkeys(self.heads)),
            calls=dict(self.calls),
            repeated={path: n for path, n in counts.items() if n > 1},
        )


def record_plan() -> Plan:
    """Run the real live scan once in-process and record every file and folder it reads."""
    # Imported here: a floor run with --plan must not pay for safecheck's imports.
    from safecheck.core.i18n import Translator  # noqa: PLC0415
    from safecheck.scan.collectors.linux.packages import dpkg_owned_among  # noqa: PLC0415
    from safecheck.scan.collectors.live import live_host  # noqa: PLC0415
    from safecheck.scan.collectors.registry import all_collectors  # noqa: PLC0415
    from safecheck.scan.run import run_scan  # noqa: PLC0415

    with _Recorder() as recorder:
        host = live_host()
        collectors = all_collectors(host.platform)
        run_scan(host, collectors, Translator("en"), owned_files=dpkg_owned_among)
    return recorder.plan()


# --- the floor itself ------------------------------------------------------------------------


def list_processes() -> int:
    """Every process with the scan's attributes and its three /proc reads; the count."""
    count = 0
    for proc in psutil.process_iter(attrs=PROCESS_ATTRS, ad_value=None):
        count += 1
        _read_proc(proc.pid)
    return count


def _read_proc(pid: int) -> None:
    """What live.py reads for each process: the program link, the open files, the environment."""
    folder = f"/proc/{pid}"
    _readlink(f"{folder}/exe")
    for fd in _listdir(f"{folder}/fd"):
        _readlink(f"{folder}/fd/{fd}")
    try:
        with open(f"{folder}/environ", "rb") as handle:
            handle.read(MAX_ENVIRON)
    except OSError:
        return


def _readlink(path: str) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def process_count() -> int:
    return len(psutil.pids())


def list_sockets() -> int:
    try:
        return len(psutil.net_connections(kind="inet"))
    except (psutil.Error, OSError):
        return 0


def read_files(plan: Plan) -> int:
    """Read each recorded file once, list each recorded folder; the number of bytes read.

    A read that failed in the scan is a stat here (the scan stats before it opens); a file is
    opened only when it is still a regular file, as the scan does (never a FIFO)."""
    total = 0
    for path in plan.listings:
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    entry.is_dir()
        except OSError:
            continue
    for path in plan.failed_reads:
        try:
            os.stat(path)
        except OSError:
            continue
    for path in plan.reads:
        try:
            with open(path, "rb", buffering=0) as handle:
                total += len(handle.read())
        except OSError:
            continue
    for path in plan.heads:  # programs whose first bytes say whether they are scripts
        try:
            with open(path, "rb", buffering=0) as handle:
                total += len(handle.read(HEAD_BYTES))
        except OSError:
            continue
    return total


@dataclass
class FloorTimes:
    processes: float
    sockets: float
    files: float
    process_count: int
    bytes_read: int

    @property
    def total(self) -> float:
        return self.processes + self.sockets + self.files


def run_floor(plan: Plan) -> FloorTimes:
    start = time.perf_counter()
    files_bytes = read_files(plan)
    after_files = time.perf_counter()
    count = list_processes()
    after_processes = time.perf_counter()
    list_sockets()
    end = time.perf_counter()
    return FloorTimes(
        processes=after_processes - after_files,
        sockets=end - after_processes,
        files=after_files - start,
        process_count=count,
        bytes_read=files_bytes,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time the floor of `safecheck scan`: list processes and sockets with psutil "
        "and read the files the scan reads (recorded from a real scan), nothing else."
    )
    parser.add_argument(
        "--plan", type=Path, metavar="FILE", help="a list saved with --save (no recording then)"
    )
    parser.add_argument(
        "--save", type=Path, metavar="FILE", help="record the scan's reads and save them here"
    )
    parser.add_argument("--runs", type=int, default=1, help="floor runs to time (default 1)")
    parser.add_argument("--quiet", action="store_true", help="print only the wall time(s)")
    args = parser.parse_args(argv)
    if args.plan is not None:
        plan = Plan.from_json(args.plan.read_text(encoding="utf-8"))
    else:
        plan = record_plan()
        if args.save is not None:
            args.save.write_text(plan.to_json(), encoding="utf-8")
        if not args.quiet:
            print(
                f"recorded: {len(plan.reads)} files read, {len(plan.heads)} programs' first "
                f"bytes read, {len(plan.failed_reads)} reads failed, "
                f"{len(plan.listings)} folders listed; Host calls {plan.calls}; "
                f"{len(plan.repeated)} files read more than once"
            )
    for _ in range(args.runs):
        start = time.perf_counter()
        times = run_floor(plan)
        wall = time.perf_counter() - start
        if args.quiet:
            print(f"{wall:.4f}")
        else:
            print(
                f"floor wall time {wall * 1000:.1f} ms (files {times.files * 1000:.1f} ms, "
                f"{times.bytes_read} bytes; processes {times.processes * 1000:.1f} ms, "
                f"{times.process_count} processes; sockets {times.sockets * 1000:.1f} ms)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
