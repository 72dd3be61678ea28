"""The collector registry: a scan of one system imports only that system's collectors, and
gets the same collectors, in the same order, as the full list filtered to that system."""

from __future__ import annotations

import subprocess
import sys

import pytest

from safecheck.scan.collectors.registry import SYSTEMS, all_collectors


@pytest.mark.parametrize("platform", SYSTEMS)
def test_one_systems_collectors_are_the_full_list_filtered(platform: str) -> None:
    expected = [c.id for c in all_collectors() if platform in c.platforms]
    assert [c.id for c in all_collectors(platform)] == expected
    assert "common.processes" in expected


def test_an_unknown_system_has_no_collectors() -> None:
    assert all_collectors("freebsd") == []


@pytest.mark.parametrize(
    ("platform", "absent"),
    [
        ("linux", ("safecheck.scan.collectors.macos", "safecheck.scan.collectors.windows")),
        (
            "darwin",
            ("safecheck.scan.collectors.linux.systemd", "safecheck.scan.collectors.windows"),
        ),
        ("win32", ("safecheck.scan.collectors.macos", "safecheck.scan.collectors.linux.systemd")),
    ],
)
def test_other_systems_collectors_are_not_imported(platform: str, absent: tuple[str, ...]) -> None:
    code = (
        "import sys\n"
        "from safecheck.scan.collectors.registry import all_collectors\n"
        f"all_collectors({platform!r})\n"
        f"print(sorted(m for m in {absent!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
