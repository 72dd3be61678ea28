"""Golden JSON of whole scans: a Linux, a macOS and a Windows disk with every planted case of
their tests, and the benchmark's generated Linux disk of 1,000 entries, scanned with a fixed
clock. A speed-up must leave these reports byte for byte the
same (issue 13); an intended change of findings is reviewed as a diff of tests/scan/golden/.

    pytest tests/scan/test_scan_golden.py --update-golden
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from paths import TESTS
from safecheck.core.i18n import Translator
from safecheck.report.model import Report
from safecheck.report.render.json_report import render_json
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.macos import macos_collectors
from safecheck.scan.collectors.registry import all_collectors
from safecheck.scan.collectors.windows import windows_collectors
from safecheck.scan.run import run_scan

sys.path.insert(0, str(TESTS.parent / "benchmarks"))
for sub in ("scan", "scan/collectors/linux", "scan/collectors/macos", "scan/collectors/windows"):
    sys.path.insert(0, str(TESTS / sub))

import bench_scaling  # noqa: E402
import test_macos_scan as mac_cases  # noqa: E402
import test_scan_linux_roots as linux_cases  # noqa: E402
from linux_fakeroot import write  # noqa: E402
from macos_fakeroot import mac_root, make_host  # noqa: E402
from win_fakeroot import host as windows_host  # noqa: E402
from win_fakeroot import planted_windows_root  # noqa: E402

GOLDEN = TESTS / "scan" / "golden"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
OLD = datetime(2025, 6, 1, tzinfo=UTC).timestamp()  # every file of the disk, before planting
RECENT = (NOW - timedelta(days=1)).timestamp()  # what is planted: changed this week


def date_everything(root: Path, when: float) -> None:
    """Files get the time they are written: give them one fixed time so that the report's dates
    and the "changed recently" judgements do not depend on the day the test runs."""
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.utime(Path(folder, name), (when, when), follow_symlinks=False)


def linux_disk(tmp_path: Path) -> Host:
    root = linux_cases.packaged_debian_root(tmp_path / "linux")
    date_everything(root, OLD)
    for case in sorted(linux_cases.PLANTED):
        for name, content, mode in linux_cases.PLANTED[case][0]:
            written = write(root, name, content, mode)
            os.utime(written, (RECENT, RECENT), follow_symlinks=False)
    return Host(platform="linux", root=root, live=False)


def mac_disk(tmp_path: Path) -> Host:
    root = mac_root(tmp_path / "mac")
    for case in sorted(mac_cases.PLANTED):
        mac_cases.PLANTED[case][0](root)
    date_everything(root, OLD)
    return make_host(root)


def windows_disk(tmp_path: Path) -> Host:
    root = planted_windows_root(tmp_path / "windows")
    date_everything(root, OLD)
    return windows_host(root)


def generated_disk(tmp_path: Path) -> Host:
    """The disk `benchmarks/bench_scaling.py` measures, at 1,000 entries: what the speed work on
    large disks changes is compared here."""
    root = tmp_path / "generated"
    root.mkdir()
    bench_scaling.generate(root, 1000)
    recent_after = datetime.now(UTC).timestamp() - 30 * 86400
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            written = path.lstat().st_mtime
            when = RECENT if written > recent_after else OLD
            os.utime(path, (when, when), follow_symlinks=False)
    return Host(platform="linux", root=root, live=False)


DISKS: dict[str, Callable[[Path], Host]] = {
    "linux": linux_disk,
    "generated": generated_disk,
    "macos": mac_disk,
    "windows": windows_disk,
}


def scan(host: Host, kind: str) -> Report:
    collectors = {
        "linux": all_collectors,
        "generated": all_collectors,
        "macos": macos_collectors,
        "windows": windows_collectors,
    }[kind]()
    return run_scan(host, collectors, Translator("en"), clock=lambda: NOW)


def stable_json(report: Report, root: Path) -> str:
    """The report as JSON, with what changes from run to run (the temporary folder, the version)
    replaced by fixed words."""
    data = json.loads(render_json(report))
    data["tool"]["version"] = "VERSION"
    data["integrity"]["digest"] = "DIGEST"  # of the text, which holds the temporary folder
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return text.replace(str(root), "ROOT")


@pytest.mark.parametrize("kind", sorted(DISKS))
def test_scan_report_is_the_golden_one(tmp_path: Path, kind: str, update_golden: bool) -> None:
    host = DISKS[kind](tmp_path)
    text = stable_json(scan(host, kind), tmp_path)
    path = GOLDEN / f"scan.{kind}.json"
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing: run pytest --update-golden and review it"
    assert text == path.read_text(encoding="utf-8"), (
        f"the {kind} scan's report changed: if intended, run pytest --update-golden"
    )
    assert json.loads(text)["findings"], "a golden disk with planted cases has findings"
