"""The rule sets of Unix entries (Linux, and what macOS shares with it): catalog tools, start-up
entries that run programs from odd places or fetch and run code, accounts, keys, hooks and
processes. Plain functions, no I/O.

Every check looks at one entry at a time, with lookups that cost O(1) (sets, dicts, the catalog
index) so the scan stays linear in the number of entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

from safecheck.catalog.index import Match
from safecheck.core.entries import Entry, Hit
from safecheck.scan.analysis.base import (
    TOOL_RULES,
    Context,
    basename,
    names_of,
    on_windows,
    register,
)

TEMP_DIRS = ("/tmp/", "/var/tmp/", "/dev/shm/")  # noqa: S108 - looked for, never written to
# Dot-folders where software is normally installed per user: not "hidden" in the bad sense.
USUAL_DOT_DIRS = frozenset(
    {
        ".local",
        ".config",
        ".var",
        ".cargo",
        ".nvm",
        ".pyenv",
        ".rbenv",
        ".sdkman",
        ".deno",
        ".bun",
        ".npm",
        ".volta",
        ".dotnet",
        ".vscode",
        ".vscode-server",
        ".cache",
        ".steam",
        ".mozilla",
        ".linuxbrew",
        ".asdf",
        ".rustup",
        ".gem",
        ".fly",
        ".krew",
        ".juliaup",
    }
)
NETWORK_SHELL = re.compile(
    r"/dev/(?:tcp|udp)/"
    r"|\b(?:nc|ncat|netcat|nc\.traditional)\b[^|;&]*\s-[a-z]*[ec]\s"
    r"|\bsocat\b.*\b(?:exec|system):"
    r"|\b(?:ba|z|da)?sh\s+-i\b.*[<>]&"
    r"|\bpython[0-9.]*\b.*\bsocket\b.*\b(?:connect|dup2)\b"
    r"|\bmkfifo\b.*\b(?:nc|ncat|netcat)\b",
    re.IGNORECASE,
)
DOWNLOAD_EXEC = re.compile(
    r"\b(?:curl|wget|fetch)\b[^|;]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b"
    r"|\b(?:curl|wget)\b[^|;]*\|\s*(?:python[0-9.]*|perl|ruby|php)\b"
    r"|\bbase64\s+(?:-d|--decode|-D)\b[^|]*\|\s*(?:ba|z|da)?sh\b"
    r"|\beval\s+\"?\$\((?:curl|wget)\b"
    r"|\b(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b",
    re.IGNORECASE,
)
# Most commands cannot match NETWORK_SHELL or DOWNLOAD_EXEC, and the search is the cost of
# judging them: an ASCII command is searched only when it holds what every match holds. Not for
# other text: case-insensitive matching pairs "ſ" with "s" and "K" (Kelvin) with "k".
_NETWORK_SHELL_WORDS = ("/dev/tcp/", "/dev/udp/", "socat", "python", "mkfifo")


def _starts_a_word(lower: str, word: str) -> bool:
    """Whether `word` occurs where a regular expression's \\b allows it to start."""
    position = lower.find(word)
    while position >= 0:
        before = lower[position - 1] if position else " "
        if not (before.isalnum() or before == "_"):
            return True
        position = lower.find(word, position + 1)
    return False


def may_be_network_shell(command: str) -> bool:
    """False only when NETWORK_SHELL cannot match (each of its alternatives needs one of these)."""
    if not command.isascii():
        return True
    lower = command.lower()
    if any(word in lower for word in _NETWORK_SHELL_WORDS):
        return True
    if "-i" in lower and ("<&" in lower or ">&" in lower):  # sh -i ... >&
        return True
    return _starts_a_word(lower, "nc") or _starts_a_word(lower, "netcat")


def may_be_download_exec(command: str) -> bool:
    """False only when DOWNLOAD_EXEC cannot match: it pipes into a shell, or runs $( ) or <( )."""
    return not command.isascii() or "|" in command or "$(" in command or "<(" in command


# Ports used by remote-desktop and remote-access tools (VNC, RDP, TeamViewer, AnyDesk, RustDesk,
# NoMachine, Splashtop streamer).
REMOTE_DESKTOP_PORTS = frozenset(
    [*range(5900, 5911), 3389, 5938, 7070, *range(21115, 21120), 4000, 6783, 6784, 6568]
)
# Programs that read /dev/input for a living: the display system and input daemons.
INPUT_READERS = frozenset(
    {
        "xorg",
        "xwayland",
        "gnome-shell",
        "kwin_wayland",
        "kwin_x11",
        "sway",
        "weston",
        "mutter",
        "systemd-logind",
        "libinput",
        "gsd-media-keys",
        "gsd-power",
        "acpid",
        "thd",
        "upowerd",
        "iio-sensor-proxy",
        "bluetoothd",
        "gpm",
        "sddm",
        "gdm",
        "gdm-x-session",
        "lightdm",
        "hyprland",
        "labwc",
        "wayfire",
        "cage",
        "input-remapper-service",
        "keyd",
        "kanata",
        "evremap",
        "gnome-session-binary",
        "cosmic-comp",
        "niri",
        "river",
        "plasmashell",
        "kded5",
        "kded6",
        "xfwm4",
        "startplasma-wayland",
        "systemd-udevd",
        "wireplumber",
        "pipewire",
        "pulseaudio",
    }
)
# Entries that are not start-up definitions: judged by their own rules.
NOT_STARTUP = frozenset(
    {
        "script-match",  # a match inside a script: the `scripts` rule set reports it
        "program-file",  # a program kept in a person's folders: judged by what it is
        "process",
        "listener",
        "connection",
        "package",
        "ssh-key",
        "ssh-server",
        "uid0-account",
        "sudo-nopasswd",
        "kernel-module",
        "polkit-rule",
        "git-config",
        # macOS facts that are not start-up entries (judged in analysis/macos.py)
        "app",
        "tcc-grant",
        "macos-sharing",
        "config-profile",
        "mdm-enrollment",
        "managed-preference",
        "ld-preload",
        "pam-exec",
    }
)
# Start-up entries that run on events rather than at boot or login.
HOOK_KINDS = frozenset(
    {
        "udev-rule",
        "network-dispatcher",
        "package-hook",
        "motd-script",
        "dbus-service",
        "rc-local",
        "init-script",
        "systemd-generator",
    }
)
RUN_ONLY_WHEN_ENABLED = frozenset(
    {
        "cron-script",
        "motd-script",
        "network-dispatcher",
        "init-script",
        "autostart",
        "systemd-generator",
    }
)
SYSTEM_PREFIXES = ("/etc/", "/usr/", "/lib/", "/run/", "/var/spool/", "/opt/")
RECENT = timedelta(days=30)
MEMFD = "/memfd:"
ORDINARY_PAGERS = frozenset(
    {
        "less",
        "more",
        "most",
        "cat",
        "bat",
        "batcat",
        "delta",
        "diff-so-fancy",
        "vim",
        "nvim",
        "view",
        "moar",
        "ov",
        "diff-highlight",
        "tig",
    }
)


def _program_hits(entry: Entry, ctx: Context) -> Iterator[Hit]:
    program = entry.program or ""
    command = entry.command or ""
    values = {"program": program or command, "name": entry.name, "path": entry.location}
    reason = entry.detail("reason")
    if (
        may_be_network_shell(command) and NETWORK_SHELL.search(command)
    ) or reason == "network-shell":
        yield Hit("SC-LNX-NETWORK-SHELL", f"{entry.location}:{entry.line}", entry, values)
    elif (
        may_be_download_exec(command) and DOWNLOAD_EXEC.search(command)
    ) or reason == "download-exec":
        yield Hit("SC-LNX-DOWNLOAD-EXEC", f"{entry.location}:{entry.line}", entry, values)
    if reason == "ld-preload":
        yield Hit("SC-LNX-LD-PRELOAD", entry.location, entry, values)
    if not program.startswith("/"):
        if reason == "background":
            yield Hit("SC-LNX-BACKGROUND-START", f"{entry.location}:{entry.line}", entry, values)
        return
    if program.startswith(TEMP_DIRS):
        yield Hit("SC-LNX-RUNS-FROM-TEMP", program, entry, values)
    else:
        parts = names_of(program)  # PurePosixPath(program).parts[1:]
        hidden_file = parts[-1].startswith(".") if parts else False
        hidden_dir = any(p.startswith(".") and p not in USUAL_DOT_DIRS for p in parts[:-1])
        if hidden_file or hidden_dir:
            yield Hit("SC-LNX-HIDDEN-PROGRAM", program, entry, values)
    if reason == "background":
        yield Hit("SC-LNX-BACKGROUND-START", program, entry, values)
    system_scope = entry.location.startswith(SYSTEM_PREFIXES)
    if system_scope and ctx.packaged(program) is False:
        rule = "SC-LNX-HOOK" if entry.kind in HOOK_KINDS else "SC-LNX-NOT-PACKAGED"
        yield Hit(rule, program, entry, values)


def _catalog(matches: list[Match], entry: Entry) -> Iterator[Hit]:
    for match in matches:
        tool = match.tool
        values = {"tool": tool.name, "name": entry.name, "program": entry.program or ""}
        yield Hit(TOOL_RULES[tool.category], tool.id, entry, values, tool)


def _catalog_hits(entry: Entry, ctx: Context) -> Iterator[Hit]:
    index, platform = ctx.index, ctx.platform
    matches: list[Match] = []
    if entry.kind == "package":
        matches += index.by_package(entry.name, platform)
    elif entry.kind in ("listener", "connection"):
        pass  # ports alone are too weak: judged by the process behind them
    else:
        if entry.kind in ("process", "program-file"):
            matches += index.by_process(entry.name, platform)
        if entry.kind in ("systemd-unit", "systemd-timer"):
            unit = entry.detail("unit") or entry.name
            matches += index.by_service(unit, platform)
        if entry.program:
            matches += index.by_process(basename(entry.program), platform)
            matches += index.by_path(entry.program, platform)
    unique = {m.tool.id: m for m in reversed(matches)}  # one hit per tool, first match kept
    yield from _catalog(list(unique.values()), entry)


def _kind_hits(entry: Entry, ctx: Context) -> Iterator[Hit]:
    values = {
        "name": entry.name,
        "path": entry.location,
        "user": entry.user or "",
        "program": entry.program or entry.command or "",
    }
    kind = entry.kind
    if kind == "uid0-account":
        yield Hit("SC-LNX-EXTRA-ROOT", entry.name, entry, values)
    elif kind == "ssh-key":
        yield Hit("SC-LNX-SSH-KEY", f"{entry.user}:{entry.detail('fingerprint')}", entry, values)
    elif kind == "ssh-server" and entry.enabled:
        yield Hit("SC-LNX-SSH-SERVER", "ssh-server", entry, values)
    elif kind == "sudo-nopasswd":
        yield Hit("SC-LNX-SUDO-NOPASSWD", f"{entry.location}:{entry.line}", entry, values)
    elif kind == "pam-exec":
        yield Hit(
            "SC-LNX-PAM-EXEC", entry.program or entry.command or entry.location, entry, values
        )
    elif kind == "polkit-rule":
        yield Hit("SC-LNX-POLKIT-ALLOW-ALL", entry.location, entry, values)
    elif kind == "ld-preload":
        yield Hit("SC-LNX-LD-PRELOAD", entry.location, entry, values)
    elif kind == "kernel-module" and _unpackaged_module(entry, ctx):
        values["program"] = entry.program or ""
        yield Hit("SC-LNX-KERNEL-MODULE", entry.program or entry.name, entry, values)
    elif kind == "git-config" and _git_runs_something(entry):
        yield Hit("SC-LNX-GIT-HOOK", f"{entry.location}:{entry.line}", entry, values)
    elif kind == "process":
        yield from _process_hits(entry, values)
    elif kind == "listener" and entry.port in REMOTE_DESKTOP_PORTS:
        values["port"] = str(entry.port)
        yield Hit("SC-NET-REMOTE-DESKTOP-PORT", f"{entry.port}", entry, values)


def _unpackaged_module(entry: Entry, ctx: Context) -> bool:
    """A module loaded at boot whose file no installed package ships (DKMS builds modules from
    packaged sources: not counted). Unknown ownership or no file found: not judged."""
    if not entry.program or entry.detail("dkms") == "yes":
        return False
    return ctx.packaged(entry.program) is False


def _git_runs_something(entry: Entry) -> bool:
    """A pager set to an ordinary pager is a taste, not a finding; other git hooks are rare."""
    if entry.name.lower() == "core.pager":
        program = basename(entry.program or "")
        return bool(entry.command) and program not in ORDINARY_PAGERS
    return bool(entry.command) or entry.name.lower() == "core.hookspath"


def _process_hits(entry: Entry, values: dict[str, str]) -> Iterator[Hit]:
    if entry.detail("input-device") and entry.name.lower() not in INPUT_READERS:
        yield Hit("SC-LNX-KEYBOARD-READER", entry.program or entry.name, entry, values)
    if entry.detail("exe-deleted") == "yes":
        if (entry.program or "").startswith(MEMFD):
            # Anonymous memory the kernel always calls "(deleted)": not a removed file. Container
            # runtimes run programs this way; so do some hiding tools. One finding per program.
            yield Hit("SC-LNX-MEMORY-PROGRAM", entry.program or "", entry, values)
        else:
            yield Hit("SC-LNX-DELETED-PROGRAM", entry.program or entry.name, entry, values)
    if entry.detail("ld-preload"):
        yield Hit("SC-LNX-LD-PRELOAD", "process-ld-preload", entry, values)
    program = entry.program or ""
    if program.startswith(TEMP_DIRS):
        yield Hit("SC-LNX-RUNS-FROM-TEMP", program, entry, {**values, "program": program})


def _recent_hit(entry: Entry, ctx: Context) -> Iterator[Hit]:
    if entry.modified is None or ctx.now - entry.modified > RECENT:
        return
    if entry.modified > ctx.now + timedelta(days=1):
        return  # a date in the future says more about the clock than about the entry
    if ctx.packaged(entry.location) is True:
        return
    yield Hit(
        "SC-LNX-RECENT-STARTUP", entry.location, entry, {"name": entry.name, "path": entry.location}
    )


@register("unix.tools-and-kinds", order=10, applies=lambda entry: not on_windows(entry))
def _tools_and_kinds(entry: Entry, ctx: Context) -> list[Hit]:
    return [*_catalog_hits(entry, ctx), *_kind_hits(entry, ctx)]


@register("unix.startup", order=30, applies=lambda entry: not on_windows(entry))
def _startup(entry: Entry, ctx: Context) -> list[Hit]:
    # A script that is not executable, or an autostart entry the person hid, runs nothing: the
    # catalog may still recognise a tool in it, but the start-up heuristics do not apply. (A
    # systemd unit that is not enabled can still be started by another unit or a timer.)
    inert = entry.enabled is False and entry.kind in RUN_ONLY_WHEN_ENABLED
    if entry.kind in NOT_STARTUP or inert:
        return []
    return [*_program_hits(entry, ctx), *_recent_hit(entry, ctx)]
