"""A ProcessSource that replays a recorded snapshot (tests/fixtures/processes/*.json).

A snapshot is JSON: {"description", "platform", "complete", "processes": [...], "sockets": [...]}
where each process has the fields of ProcessInfo and each socket those of SocketInfo. Record one
from a real machine with `python tests/collectors/common/recorded.py > snapshot.json` (then
remove anything private from it).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

from paths import TESTS
from safecheck.scan.collectors.host import ProcessInfo, ProcessSource, SocketInfo

SNAPSHOTS = TESTS / "fixtures" / "processes"

_PROCESS_FIELDS = {f.name for f in dataclasses.fields(ProcessInfo)}
_SOCKET_FIELDS = {f.name for f in dataclasses.fields(SocketInfo)}


class RecordedProcessSource:
    """Replays processes and sockets; counts calls so tests can check how often it is asked."""

    def __init__(
        self,
        processes: list[ProcessInfo],
        sockets: list[SocketInfo] | None = None,
        complete: bool = True,
        platform: str = "linux",
    ) -> None:
        self._processes = list(processes)
        self._sockets = list(sockets or [])
        self._complete = complete
        self.platform = platform
        self.process_calls = 0
        self.socket_calls = 0

    def processes(self) -> list[ProcessInfo]:
        self.process_calls += 1
        return list(self._processes)

    def sockets(self) -> tuple[list[SocketInfo], bool]:
        self.socket_calls += 1
        return list(self._sockets), self._complete


def process_from_json(data: dict[str, Any]) -> ProcessInfo:
    unknown = set(data) - _PROCESS_FIELDS
    if unknown:
        raise ValueError(f"unknown process fields: {sorted(unknown)}")
    fields = dict(data)
    for key in ("cmdline", "open_paths"):
        if isinstance(fields.get(key), list):
            fields[key] = tuple(fields[key])
    return ProcessInfo(**fields)


def socket_from_json(data: dict[str, Any]) -> SocketInfo:
    unknown = set(data) - _SOCKET_FIELDS
    if unknown:
        raise ValueError(f"unknown socket fields: {sorted(unknown)}")
    return SocketInfo(**data)


def from_snapshot(data: dict[str, Any]) -> RecordedProcessSource:
    return RecordedProcessSource(
        [process_from_json(p) for p in data.get("processes", [])],
        [socket_from_json(s) for s in data.get("sockets", [])],
        complete=bool(data.get("complete", True)),
        platform=str(data.get("platform", "linux")),
    )


def load_snapshot(name: str) -> RecordedProcessSource:
    """A snapshot from tests/fixtures/processes by name ("desktop" for desktop.json)."""
    path = SNAPSHOTS / f"{name}.json"
    return from_snapshot(json.loads(path.read_text(encoding="utf-8")))


def snapshot_of(source: ProcessSource, description: str = "", platform: str = "") -> dict[str, Any]:
    """What a source reports now, as a snapshot that `from_snapshot` reads back."""
    sockets, complete = source.sockets()
    return {
        "description": description,
        "platform": platform or sys.platform,
        "complete": complete,
        "processes": [dataclasses.asdict(p) for p in source.processes()],
        "sockets": [dataclasses.asdict(s) for s in sockets],
    }


if __name__ == "__main__":  # record this machine
    from safecheck.scan.collectors.live import PsutilProcessSource, normalised_platform

    recorded = snapshot_of(PsutilProcessSource(), "recorded", normalised_platform())
    json.dump(recorded, sys.stdout, indent=1)
    sys.stdout.write("\n")
