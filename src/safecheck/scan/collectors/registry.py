"""Every collector, in the order a scan runs them (file reads first, live processes last)."""

from __future__ import annotations

from safecheck.scan.collectors.base import Collector
from safecheck.scan.collectors.common.network import NetworkCollector
from safecheck.scan.collectors.common.processes import ProcessesCollector
from safecheck.scan.collectors.linux import linux_collectors
from safecheck.scan.collectors.linux.packages import PackagesCollector
from safecheck.scan.collectors.macos import macos_collectors
from safecheck.scan.collectors.windows import windows_collectors


def all_collectors() -> list[Collector]:
    return [
        *linux_collectors(),
        PackagesCollector(),
        *macos_collectors(),
        *windows_collectors(),
        ProcessesCollector(),
        NetworkCollector(),
    ]
