"""Linux collectors that read files: systemd, cron, autostart, shell start-up files, boot and
system hooks, accounts. Each reads the inspected system through a `Host`, so they run the same
on the live machine and on a mounted disk (`--root`), and never change anything.

What the collectors of every OS share (`Reader`, path helpers) is in
`safecheck.scan.collectors.reading`.
"""

from __future__ import annotations

from safecheck.scan.collectors.base import Collector

PLATFORMS = frozenset({"linux"})


def linux_collectors() -> list[Collector]:
    """One instance of every collector of this package, in the order they should run."""
    from safecheck.scan.collectors.linux.accounts import AccountsCollector  # noqa: PLC0415
    from safecheck.scan.collectors.linux.autostart import AutostartCollector  # noqa: PLC0415
    from safecheck.scan.collectors.linux.boot import BootCollector  # noqa: PLC0415
    from safecheck.scan.collectors.linux.cron import CronCollector  # noqa: PLC0415
    from safecheck.scan.collectors.linux.files import FilesCollector  # noqa: PLC0415
    from safecheck.scan.collectors.linux.shellrc import ShellCollector  # noqa: PLC0415
    from safecheck.scan.collectors.linux.systemd import SystemdCollector  # noqa: PLC0415

    return [
        SystemdCollector(),
        CronCollector(),
        AutostartCollector(),
        ShellCollector(),
        BootCollector(),
        AccountsCollector(),
        FilesCollector(),
    ]
