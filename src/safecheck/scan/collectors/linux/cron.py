"""`linux.cron`: scheduled commands: crontabs, anacron, the cron.* script folders, at jobs.

Entries:
- "cron-job": one per crontab or anacrontab line (details: schedule);
- "cron-script": one per file of /etc/cron.{hourly,daily,weekly,monthly} (program = the file);
- "at-job": one per queued at job (command = the last command of the job's script).
The spool folders are usually readable only by the administrator: an unreadable folder is
recorded (problem "permission"), which the engine reports as "needs administrator".
"""

from __future__ import annotations

from datetime import UTC, datetime

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.linux import PLATFORMS
from safecheck.scan.collectors.parsers.commands import program_of
from safecheck.scan.collectors.parsers.crontab import parse_anacrontab, parse_at_job
from safecheck.scan.collectors.reading import Reader, add_crontab_jobs, basename

COLLECTOR_ID = "linux.cron"
SYSTEM_CRONTAB = "/etc/crontab"
SYSTEM_CRONTAB_DIR = "/etc/cron.d"
ANACRONTAB = "/etc/anacrontab"
SCRIPT_DIRS = tuple((f"/etc/cron.{p}", p) for p in ("hourly", "daily", "weekly", "monthly"))
# Debian, SUSE, then RHEL (where the user crontabs sit in /var/spool/cron itself)
USER_CRONTAB_DIRS = ("/var/spool/cron/crontabs", "/var/spool/cron/tabs", "/var/spool/cron")
AT_DIRS = ("/var/spool/cron/atjobs", "/var/spool/at")


def at_run_time(name: str) -> str | None:
    """When an at job runs, from its file name (`a0000101c8b35b`: queue, number, minutes)."""
    if len(name) != 14 or not name[0].isalpha():
        return None
    try:
        minutes = int(name[6:], 16)
        return datetime.fromtimestamp(minutes * 60, UTC).isoformat(timespec="minutes")
    except (ValueError, OverflowError, OSError):
        return None


class CronCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = Reader(host, COLLECTOR_ID)
        add_crontab_jobs(reader, SYSTEM_CRONTAB, None)
        for entry in reader.files(SYSTEM_CRONTAB_DIR):
            add_crontab_jobs(reader, entry.path, None)
        self._anacrontab(reader)
        for folder, period in SCRIPT_DIRS:
            for entry in reader.files(folder):
                reader.looked_at()
                reader.add(
                    "cron-script",
                    entry.path,
                    entry.name,
                    program=entry.path,
                    user="root",
                    enabled=reader.executable(entry.path),
                    details=(("schedule", period),),
                )
        for folder in USER_CRONTAB_DIRS:
            for entry in reader.files(folder):
                add_crontab_jobs(reader, entry.path, entry.name)
        names = {account.uid: account.name for account in host.accounts()}
        for folder in AT_DIRS:
            for entry in reader.files(folder):
                if not entry.name.startswith("."):  # .SEQ: the job counter
                    self._at_job(reader, entry.path, names)
        return reader.result

    @staticmethod
    def _anacrontab(reader: Reader) -> None:
        text = reader.text(ANACRONTAB)
        if text is None:
            return
        for job in parse_anacrontab(text):
            reader.add(
                "cron-job",
                ANACRONTAB,
                job.job_id,
                command=job.command,
                program=program_of(job.command),
                line=job.line,
                user="root",
                enabled=True,
                details=(("schedule", job.period), ("delay", job.delay), ("anacron", "yes")),
            )

    @staticmethod
    def _at_job(reader: Reader, path: str, names: dict[int, str]) -> None:
        text = reader.text(path)
        if text is None:
            return
        job = parse_at_job(text)
        if job.command is None:
            return
        name = basename(path)
        runs_at = at_run_time(name)
        user = None if job.uid is None else names.get(job.uid, str(job.uid))
        reader.add(
            "at-job",
            path,
            name,
            command=job.command,
            program=program_of(job.command),
            line=job.line,
            user=user,
            enabled=True,
            details=(("runs-at", runs_at),) if runs_at else (),
        )
