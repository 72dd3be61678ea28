"""Every collector, in the order a scan runs them (file reads first, live processes last).

Each operating system's collectors are imported only when asked for: a scan of a Linux
machine does not load the macOS property-list and Windows registry readers."""

from __future__ import annotations

from safecheck.scan.collectors.base import Collector

# The systems that have collectors of their own, in the order their collectors run.
SYSTEMS = ("linux", "darwin", "win32")


def _of_system(system: str) -> list[Collector]:
    # Imported here: a system's modules load only when that system is scanned.
    if system == "linux":
        from safecheck.scan.collectors.linux import linux_collectors  # noqa: PLC0415
        from safecheck.scan.collectors.linux.packages import PackagesCollector  # noqa: PLC0415

        return [*linux_collectors(), PackagesCollector()]
    if system == "darwin":
        from safecheck.scan.collectors.macos import macos_collectors  # noqa: PLC0415

        return macos_collectors()
    from safecheck.scan.collectors.windows import windows_collectors  # noqa: PLC0415

    return windows_collectors()


def all_collectors(platform: str | None = None) -> list[Collector]:
    """Every collector; with `platform` ("linux", "darwin", "win32"), only those that run on
    it, in the same order (a scan leaves out the others anyway)."""
    from safecheck.scan.collectors.common.network import NetworkCollector  # noqa: PLC0415
    from safecheck.scan.collectors.common.processes import ProcessesCollector  # noqa: PLC0415

    found: list[Collector] = []
    for system in SYSTEMS:
        if platform is None or platform == system:
            found += _of_system(system)
    found += [ProcessesCollector(), NetworkCollector()]
    if platform is not None:
        found = [c for c in found if platform in c.platforms]
    return found
