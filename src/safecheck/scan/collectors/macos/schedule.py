"""`macos.schedule`: cron and periodic.

Entries:
- "cron-job": one per line of the user crontabs (/usr/lib/cron/tabs/*, the same folder as
  /private/var/at/tabs/* on a Mac; user = the file name) and of /etc/crontab (details:
  schedule);
- "cron-script": one per script of /etc/periodic/{daily,weekly,monthly} and
  /usr/local/etc/periodic/*, and the local scripts periodic runs (/etc/daily.local ... and the
  `*_local=` files named in /etc/periodic.conf or periodic.conf.local).
"""

from __future__ import annotations

import re

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.macos import PLATFORMS, MacReader, basename
from safecheck.scan.collectors.reading import add_crontab_jobs

COLLECTOR_ID = "macos.schedule"
USER_TABS = ("/usr/lib/cron/tabs", "/private/var/at/tabs")
SYSTEM_CRONTAB = "/etc/crontab"
PERIODS = ("daily", "weekly", "monthly")
PERIODIC_CONF = ("/etc/periodic.conf", "/etc/periodic.conf.local", "/etc/defaults/periodic.conf")
_LOCAL = re.compile(r"""^\s*(daily|weekly|monthly)_local\s*=\s*["']?([^"'#]*)""")


class ScheduleCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = MacReader(host, COLLECTOR_ID)
        if reader.once(SYSTEM_CRONTAB):
            add_crontab_jobs(reader, SYSTEM_CRONTAB, None)
        for folder in USER_TABS:
            if not reader.once(folder):
                continue
            for entry in reader.files(folder):
                if entry.name.startswith("."):
                    continue
                add_crontab_jobs(reader, entry.path, entry.name)
        folders = [(f"/etc/periodic/{p}", p) for p in PERIODS]
        folders += [(e.path, e.name) for e in reader.listing("/usr/local/etc/periodic") if e.is_dir]
        for folder, period in folders:
            for entry in reader.files(folder):
                _script(reader, entry.path, period)
        local = {f"/etc/{p}.local": p for p in PERIODS}
        for conf in PERIODIC_CONF:
            text = reader.text(conf)
            for line in (text or "").splitlines():
                found = _LOCAL.match(line)
                if found:
                    for path in found.group(2).split():
                        if path.startswith("/"):
                            local.setdefault(path, found.group(1))
        for path, period in local.items():
            if reader.host.exists(path) and reader.once(path):
                _script(reader, path, period)
        return reader.result


def _script(reader: MacReader, path: str, period: str) -> None:
    reader.looked_at()
    reader.add(
        "cron-script",
        path,
        basename(path),
        program=path,
        user="root",
        enabled=reader.executable(path),
        details=(("schedule", period),),
    )
