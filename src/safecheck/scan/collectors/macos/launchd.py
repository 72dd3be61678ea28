"""`macos.launchd`: launch agents and daemons, the programs launchd starts.

Entries: "launchd-job", one per property list (XML or binary) in ~/Library/LaunchAgents (user =
the person), /Library/LaunchAgents, /Library/LaunchDaemons, and the system folders
/System/Library/LaunchAgents|LaunchDaemons (details ("scope", "system")). name = Label (or the
file name), program = Program or ProgramArguments[0] (the script after `sh -c`), command = the
arguments joined; details: label, run-at-load, keep-alive, start-interval, disabled-by.
enabled=False when the Disabled key or a launchd override (disabled.plist, overrides.plist)
says so; an override wins over the file.
"""

from __future__ import annotations

import shlex
from typing import Any

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.macos import PLATFORMS, MacReader, join, text_of, users
from safecheck.scan.collectors.parsers.commands import program_of

COLLECTOR_ID = "macos.launchd"
FOLDERS = (
    ("/Library/LaunchDaemons", "daemon", "local"),
    ("/Library/LaunchAgents", "agent", "local"),
    ("/System/Library/LaunchDaemons", "daemon", "system"),
    ("/System/Library/LaunchAgents", "agent", "system"),
)
USER_FOLDER = "Library/LaunchAgents"
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "csh", "tcsh"})


class LaunchdCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = MacReader(host, COLLECTOR_ID)
        overrides = reader.launchd_disabled()
        for folder, kind, scope in FOLDERS:
            for entry in reader.files(folder, (".plist",)):
                job(reader, entry.path, entry.name, kind, scope, None, overrides)
        for name, home in users(host):
            for entry in reader.files(join(home, USER_FOLDER), (".plist",)):
                job(reader, entry.path, entry.name, "agent", "user", name, overrides)
        return reader.result


def _flag(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "conditional"
    return None


MAX_ARGUMENTS = 256
MAX_ARGUMENT = 4096
MAX_COMMAND = 16 * 1024


def program_and_command(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """What a job runs: (program, command line)."""
    program = text_of(data.get("Program"))
    raw = data.get("ProgramArguments")
    # A binary plist can reference one long string thousands of times: the arguments kept,
    # and the command line made of them, are capped before anything is joined.
    args = (
        [a[:MAX_ARGUMENT] for a in raw[:MAX_ARGUMENTS] if isinstance(a, str)]
        if isinstance(raw, list)
        else []
    )
    command = shlex.join(args) if args else program
    if command is not None and len(command) > MAX_COMMAND:
        command = command[:MAX_COMMAND] + " …(cut)"
    if program is None and args:
        program = args[0]
    if program and program.rsplit("/", 1)[-1] in SHELLS and "-c" in args[1:-1]:
        inner = program_of(args[-1])
        if inner:
            program = inner
    return program, command


def job(
    reader: MacReader,
    path: str,
    file_name: str,
    kind: str,
    scope: str,
    user: str | None,
    overrides: dict[str, tuple[bool, str]],
) -> None:
    data = reader.plist_dict(path)
    if data is None:
        return
    label = text_of(data.get("Label")) or file_name.removesuffix(".plist")
    program, command = program_and_command(data)
    details: list[tuple[str, str]] = [("label", label), ("type", kind), ("scope", scope)]
    for key, name in (("RunAtLoad", "run-at-load"), ("KeepAlive", "keep-alive")):
        flag = _flag(data.get(key))
        if flag:
            details.append((name, flag))
    interval = data.get("StartInterval")
    if isinstance(interval, int) and not isinstance(interval, bool):
        details.append(("start-interval", str(interval)))
    if "StartCalendarInterval" in data:
        details.append(("calendar", "yes"))
    env = data.get("EnvironmentVariables")
    if isinstance(env, dict) and isinstance(env.get("DYLD_INSERT_LIBRARIES"), str):
        details.append(("dyld-insert", env["DYLD_INSERT_LIBRARIES"]))
    user_name = text_of(data.get("UserName"))
    enabled = True
    disabled = data.get("Disabled")
    if isinstance(disabled, bool) and disabled:
        enabled = False
        details.append(("disabled-by", path))
    if label in overrides:
        is_disabled, where = overrides[label]
        enabled = not is_disabled
        details.append(("override", f"{'disabled' if is_disabled else 'enabled'} in {where}"))
    reader.add(
        "launchd-job",
        path,
        label,
        command=command,
        program=program,
        user=user or user_name or ("root" if kind == "daemon" else None),
        enabled=enabled,
        details=tuple(details),
    )
