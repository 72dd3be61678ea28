"""`linux.shell`: shell and X session start-up files, system-wide and in each home folder.

Only the lines the shell parser flags are reported (kind "shell-line", details: reason): a
program started in the background, code downloaded and run, a network shell, an `LD_PRELOAD`
library, or a program run from outside the system folders. Ordinary aliases, exports and
options are not reported: a stock .bashrc gives no entry.
"""

from __future__ import annotations

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.linux import PLATFORMS
from safecheck.scan.collectors.parsers.shell import flag_lines
from safecheck.scan.collectors.reading import Reader, basename, join

COLLECTOR_ID = "linux.shell"
SYSTEM_FILES = (
    "/etc/profile",
    "/etc/bash.bashrc",
    "/etc/bashrc",
    "/etc/environment",
    "/etc/zsh/zshenv",
    "/etc/zsh/zprofile",
    "/etc/zsh/zshrc",
    "/etc/zsh/zlogin",
    "/etc/zshenv",
    "/etc/zprofile",
    "/etc/zshrc",
    "/etc/zlogin",
    "/etc/fish/config.fish",
)
SYSTEM_DIRS = (("/etc/profile.d", (".sh",)), ("/etc/fish/conf.d", (".fish",)))
USER_FILES = (
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".bash_logout",
    ".profile",
    ".zshenv",
    ".zshrc",
    ".zprofile",
    ".zlogin",
    ".config/fish/config.fish",
    ".xprofile",
    ".xsessionrc",
    ".xsession",
    ".xinitrc",
)
USER_DIRS = ((".config/fish/conf.d", (".fish",)),)


class ShellCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = Reader(host, COLLECTOR_ID)
        for path in SYSTEM_FILES:
            _report(reader, path, None)
        for folder, suffixes in SYSTEM_DIRS:
            for entry in reader.files(folder, suffixes):
                _report(reader, entry.path, None)
        for account in host.human_homes():
            for name in USER_FILES:
                _report(reader, join(account.home, name), account.name)
            for folder, suffixes in USER_DIRS:
                for entry in reader.files(join(account.home, folder), suffixes):
                    _report(reader, entry.path, account.name)
        return reader.result


def _report(reader: Reader, path: str, user: str | None) -> None:
    if not reader.once(path):
        return
    text = reader.text(path)
    if text is None:
        return
    for flag in flag_lines(text):
        reader.add(
            "shell-line",
            path,
            basename(path),
            command=flag.text,
            program=flag.program,
            line=flag.line,
            user=user,
            enabled=True,
            details=(("reason", flag.reason),),
        )
