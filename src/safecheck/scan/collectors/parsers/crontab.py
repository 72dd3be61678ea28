"""crontab, anacrontab and at job files.

A system crontab (`/etc/crontab`, `/etc/cron.d/*`) has a user field between the schedule and the
command; a user crontab (`/var/spool/cron/crontabs/alice`) does not. A schedule is five time
fields or a special word (`@reboot`, `@daily` ...). Environment lines (`MAILTO=x`,
`SHELL = /bin/sh`), comments and anything that is not a job are skipped: nothing raises.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from safecheck.scan.collectors.parsers import split_lines

SPECIALS = frozenset(
    {"@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)
_TIME_FIELD = re.compile(r"[0-9A-Za-z*/,?~#-]+")
_USER = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.@-]*\$?")
_ANACRON_PERIOD = re.compile(r"[0-9]+|@(?:daily|weekly|monthly|yearly|annually)")
_ATRUN_UID = re.compile(r"#\s*atrun uid=(\d+)")
_AT_HEREDOC = re.compile(r"<<\s*'?(marcinDELIMITER[0-9a-fA-F]+)'?")
_AT_SETUP = re.compile(
    r"(?:cd|umask|export|exit)\b|echo 'Execution directory inaccessible'"
    r"|[A-Za-z_][A-Za-z0-9_]*=.*; export [A-Za-z_][A-Za-z0-9_]*$"
)


class CronLine(NamedTuple):
    line: int  # 1-based
    schedule: str  # "*/5 * * * *" (fields joined by one space) or "@reboot"
    user: str | None  # None in a user crontab: the file's owner
    command: str  # as written


class AnacronLine(NamedTuple):
    line: int
    period: str  # days, or "@monthly"
    delay: str  # minutes
    job_id: str
    command: str


class AtJob(NamedTuple):
    uid: int | None  # from the "# atrun uid=" header
    command: str | None  # the last real command line of the script
    line: int | None


def parse_crontab(text: str, *, system: bool) -> list[CronLine]:
    """The jobs of a crontab; `system=True` for files with a user field."""
    jobs: list[CronLine] = []
    extra = 1 if system else 0
    for number, raw in enumerate(split_lines(text), 1):
        line = raw.strip()
        if not line or line[0] not in "0123456789*@":
            continue  # blank, comment, environment line or garbage
        if line[0] == "@":
            parts = line.split(None, 1 + extra)
            if len(parts) != 2 + extra or parts[0].lower() not in SPECIALS:
                continue
            schedule = parts[0]
        else:
            parts = line.split(None, 5 + extra)
            if len(parts) != 6 + extra or not all(_TIME_FIELD.fullmatch(f) for f in parts[:5]):
                continue
            schedule = " ".join(parts[:5])
            parts = parts[4:]
        user = parts[1] if system else None
        if user is not None and not _USER.fullmatch(user):
            continue
        command = parts[-1].strip()
        if command:
            jobs.append(CronLine(number, schedule, user, command))
    return jobs


def parse_anacrontab(text: str) -> list[AnacronLine]:
    """The jobs of /etc/anacrontab: `period delay job-identifier command`."""
    jobs: list[AnacronLine] = []
    for number, raw in enumerate(split_lines(text), 1):
        parts = raw.strip().split(None, 3)
        if len(parts) != 4 or not _ANACRON_PERIOD.fullmatch(parts[0]):
            continue
        if not parts[1].isascii() or not parts[1].isdigit() or "/" in parts[2]:
            continue
        jobs.append(AnacronLine(number, parts[0], parts[1], parts[2], parts[3].strip()))
    return jobs


def parse_at_job(text: str) -> AtJob:
    """The owner and the command of an at job script (as written by `at`).

    The command is the last line of the `marcinDELIMITER` here-document when there is one
    (at 3.1.14 and later), else the last line that is not part of at's own set-up (`umask`,
    `cd`, `VAR=...; export VAR`, the "inaccessible" fallback).
    """
    uid: int | None = None
    command: tuple[str, int] | None = None
    delimiter = ""
    in_body = False
    for number, raw in enumerate(split_lines(text), 1):
        line = raw.strip()
        if in_body:
            if line == delimiter:
                in_body = False
            elif line and not line.startswith("#"):
                command = (line, number)
            continue
        if not line:
            continue
        if line.startswith("#"):
            found = _ATRUN_UID.match(line)
            if found and uid is None and len(found.group(1)) < 12:
                uid = int(found.group(1))
            continue
        heredoc = _AT_HEREDOC.search(line)
        if heredoc:
            delimiter, in_body, command = heredoc.group(1), True, None
            continue
        if _AT_SETUP.match(line) or line in ("}", "{"):
            continue
        command = (line, number)
    if command is None:
        return AtJob(uid, None, None)
    return AtJob(uid, command[0], command[1])
