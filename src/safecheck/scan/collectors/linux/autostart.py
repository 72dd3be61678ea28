"""`linux.autostart`: programs the desktop starts at login (XDG autostart, KDE scripts).

Entries:
- "autostart": one per .desktop file in /etc/xdg/autostart (for everyone) or a person's
  ~/.config/autostart (a person's file of the same name replaces the system one for them).
  command = `Exec=` without its field codes; enabled=False for `Hidden=true`,
  `X-GNOME-Autostart-enabled=false`, or a `TryExec=` program that is not there.
- "autostart-script": one per file of ~/.config/autostart-scripts, ~/.kde/Autostart and
  ~/.kde4/Autostart (program = the file; .desktop files there are read as above).
"""

from __future__ import annotations

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.linux import PLATFORMS
from safecheck.scan.collectors.parsers.commands import program_of
from safecheck.scan.collectors.parsers.ini import (
    last,
    parse_ini,
    strip_field_codes,
    unescape_desktop,
)
from safecheck.scan.collectors.reading import Reader, join

COLLECTOR_ID = "linux.autostart"
SYSTEM_DIR = "/etc/xdg/autostart"
USER_DIR = ".config/autostart"
SCRIPT_DIRS = (".config/autostart-scripts", ".kde/Autostart", ".kde4/Autostart")
SEARCH_PATH = (
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
    "/usr/games",
)
SECTION = "Desktop Entry"
_LIST_DETAILS = (("OnlyShowIn", "only-show-in"), ("NotShowIn", "not-show-in"))


class AutostartCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = Reader(host, COLLECTOR_ID)
        accounts = host.human_homes()
        personal = {
            a.name: list(reader.files(join(a.home, USER_DIR), (".desktop",))) for a in accounts
        }
        replaced: dict[str, list[str]] = {}
        for user, entries in personal.items():
            for entry in entries:
                replaced.setdefault(entry.name, []).append(user)
        for entry in reader.files(SYSTEM_DIR, (".desktop",)):
            users = replaced.get(entry.name, [])
            extra = (("replaced-for", ",".join(users)),) if users else ()
            _desktop(reader, entry.path, entry.name, None, extra)
        for account in accounts:
            for entry in personal[account.name]:
                _desktop(reader, entry.path, entry.name, account.name, ())
            for folder in SCRIPT_DIRS:
                for entry in reader.files(join(account.home, folder)):
                    if entry.name.endswith(".desktop"):
                        _desktop(reader, entry.path, entry.name, account.name, ())
                        continue
                    reader.looked_at()
                    reader.add(
                        "autostart-script",
                        entry.path,
                        entry.name,
                        program=entry.path,
                        user=account.name,
                        enabled=reader.executable(entry.path),
                    )
        return reader.result


def _found(reader: Reader, program: str) -> bool:
    if "/" in program:
        return reader.host.exists(program)
    return any(reader.host.exists(join(folder, program)) for folder in SEARCH_PATH)


def _desktop(
    reader: Reader, path: str, name: str, user: str | None, extra: tuple[tuple[str, str], ...]
) -> None:
    text = reader.text(path)
    if text is None:
        return
    data = parse_ini(text, continuation=False)
    exec_line = last(data, SECTION, "Exec")
    command = strip_field_codes(unescape_desktop(exec_line[0])) if exec_line else None
    details: list[tuple[str, str]] = []
    title = last(data, SECTION, "Name")
    if title:
        details.append(("display-name", title[0]))
    enabled = True
    hidden = last(data, SECTION, "Hidden")
    if hidden and hidden[0].strip().lower() == "true":
        enabled = False
        details.append(("hidden", "true"))
    gnome = last(data, SECTION, "X-GNOME-Autostart-enabled")
    if gnome and gnome[0].strip().lower() == "false":
        enabled = False
        details.append(("gnome-autostart-enabled", "false"))
    try_exec = last(data, SECTION, "TryExec")
    if try_exec and try_exec[0].strip():
        details.append(("try-exec", try_exec[0]))
        if not _found(reader, unescape_desktop(try_exec[0].strip())):
            enabled = False
            details.append(("try-exec-found", "no"))
    for key, label in _LIST_DETAILS:
        shown = last(data, SECTION, key)
        if shown:
            details.append((label, shown[0]))
    reader.add(
        "autostart",
        path,
        name,
        command=command or None,
        program=program_of(command) if command else None,
        line=exec_line[1] if exec_line else None,
        user=user,
        enabled=enabled,
        details=(*details, *extra),
    )
