"""Reading what start-up entries run: the script a cron or init entry is, the script a unit,
task, Run value or Startup shortcut starts, and a script those run in turn (one level), so the
script analyzer judges what they do, not where they sit.

Scripts are read through the Host (never run, never opened for writing), at most
`MAX_SCRIPT_BYTES` each and `MAX_SCRIPTS` per scan; a program is read only when its first bytes
say it is a script (`#!`) or its name ends like one. Each match becomes a "script-match" entry:
the script's path, the line, and the matched text as the command, so it is reported like any
other entry, with the entry that starts it named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from safecheck.core.entries import Entry
from safecheck.scan.analysis.scripts import (
    SCRIPT_KIND,
    SILENT_TOOL,
    IsTool,
    ScriptMatch,
    analyse_script,
    local_scripts,
)
from safecheck.scan.collectors.host import Host, ReadError, ReadProblem

MAX_SCRIPT_BYTES = 256 * 1024
MAX_SCRIPTS = 2000
HEAD_BYTES = 64
SCRIPT_ENDINGS = (
    ".sh", ".bash", ".zsh", ".ksh", ".py", ".pl", ".rb", ".php", ".ps1", ".psm1", ".bat",
    ".cmd", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".hta", ".command", ".applescript",
)  # fmt: skip
# Entries whose location is the script itself (it runs as it is).
LOCATION_IS_SCRIPT = frozenset(
    {
        "cron-script",
        "init-script",
        "motd-script",
        "network-dispatcher",
        "rc-local",
        "autostart-script",
        "systemd-generator",
    }
)
# Entries that are not start-up entries: a running process, a package, a key, a setting.
NOT_STARTED = frozenset(
    {"process", "listener", "connection", "package", "installed-program", "ssh-key", SCRIPT_KIND}
)


@dataclass
class ScriptReading:
    """What was read, for the coverage row."""

    read: int = 0
    followed: int = 0  # read because another script runs them
    unreadable: list[str] = field(default_factory=list)  # too large, denied, damaged


def inspected_path(host: Host, path: str) -> str | None:
    """A path as the Host reads it: Windows paths `C:\\x\\y` become `/x/y`; relative paths and
    paths with variables (`%APPDATA%`) cannot be read and give None."""
    if host.platform == "win32":
        if len(path) > 2 and path[1] == ":" and path[2] in "\\/":
            path = path[2:].replace("\\", "/")
        else:
            return None
    if not path.startswith("/") or "%" in path or "$" in path:
        return None
    return path


class _Reader:
    def __init__(self, host: Host, reading: ScriptReading) -> None:
        self.host = host
        self.reading = reading
        self.bodies: dict[str, str | None] = {}
        # What a script does and which scripts it runs depend on its text alone: judged once
        # per script, however many entries start it (an init script has one link per runlevel).
        self.analysed: dict[str, list[ScriptMatch]] = {}
        self.runs: dict[str, list[str]] = {}

    def analysis(self, path: str, text: str, is_tool: IsTool | None) -> list[ScriptMatch]:
        if path not in self.analysed:
            self.analysed[path] = analyse_script(text, is_tool)
        return self.analysed[path]

    def scripts_run_by(self, path: str, text: str) -> list[str]:
        if path not in self.runs:
            self.runs[path] = local_scripts(text)
        return self.runs[path]

    def body(self, path: str, *, known_script: bool) -> str | None:
        """The script's text, or None when it is not a script or cannot be read."""
        if path in self.bodies:
            return self.bodies[path]
        text: str | None = None
        if len(self.bodies) < MAX_SCRIPTS:
            text = self._read(path, known_script)
        self.bodies[path] = text
        return text

    def _read(self, path: str, known_script: bool) -> str | None:
        local = inspected_path(self.host, path)
        if local is None:
            return None
        script = known_script or local.lower().endswith(SCRIPT_ENDINGS)
        try:
            if not script:
                if not self.host.read_head(local, HEAD_BYTES).startswith(b"#!"):
                    return None  # a compiled program: nothing to read as text
                script = True
            data = self.host.read_bytes(local, MAX_SCRIPT_BYTES)
        except ReadError as error:
            # A script that is there but cannot be read is said in coverage; a program that is
            # not a script (a folder, a binary that cannot be opened) is not a script to read.
            if script and error.problem is not ReadProblem.MISSING:
                self.reading.unreadable.append(path)
            return None
        if b"\0" in data[:1024] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None  # binary, not a script
        self.reading.read += 1
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # PowerShell and .bat saved as UTF-16
            return data.decode("utf-16", errors="replace")
        return data.decode("utf-8", errors="replace")


def _details(match: ScriptMatch, started_by: str) -> tuple[tuple[str, str], ...]:
    details: tuple[tuple[str, str], ...] = (("rule", match.rule), ("started-by", started_by))
    if match.rule == SILENT_TOOL:
        details += (("programs", " ".join(match.programs)),)
    return details


def _matches(entry: Entry, path: str, found: list[ScriptMatch], started_by: str) -> list[Entry]:
    return [
        Entry(
            collector=entry.collector,
            kind=SCRIPT_KIND,
            location=path,
            name=path.replace("\\", "/").rsplit("/", 1)[-1],
            command=match.evidence,
            line=match.line,
            user=entry.user,
            enabled=entry.enabled,
            modified=entry.modified if path == entry.location else None,
            details=_details(match, started_by),
        )
        for match in found
    ]


MAX_HOOKS = 32


def _home_of(config: str) -> str | None:
    """The home folder a per-person git config file sits in (~/.gitconfig, ~/.config/git/)."""
    for tail in ("/.gitconfig", "/.config/git/config"):
        if config.endswith(tail):
            return config[: -len(tail)]
    return None


def _git_hooks(host: Host, entry: Entry) -> list[tuple[str, bool]]:
    """The hooks in a `core.hooksPath` folder: git runs them for every repository."""
    folder = (entry.detail("value") or "").strip()
    if folder.startswith("~/"):
        home = _home_of(entry.location)
        folder = f"{home}/{folder[2:]}" if home else ""
    if not folder.startswith("/"):
        return []
    try:
        items = host.list_dir(folder)
    except ReadError:
        return []
    hooks = [i.path for i in items if i.is_file and not i.name.endswith(".sample")]
    return [(path, True) for path in sorted(hooks)[:MAX_HOOKS]]


def _scripts_of(entry: Entry, host: Host) -> list[tuple[str, bool]]:
    """The scripts an entry runs: (path, known to be a script)."""
    found: list[tuple[str, bool]] = []
    if entry.kind == "git-config" and entry.name.lower() == "core.hookspath":
        found += _git_hooks(host, entry)
    if entry.kind in LOCATION_IS_SCRIPT:
        found.append((entry.location, True))
    if entry.program:
        found.append((entry.program, False))
    if entry.command:
        found.extend((path, True) for path in local_scripts(entry.command))
    return list(dict.fromkeys(found))


def script_entries(
    host: Host, entries: list[Entry], is_tool: IsTool | None = None
) -> tuple[list[Entry], ScriptReading]:
    """A "script-match" entry for every match in the scripts the entries run (and in the
    scripts those run), and what was read. `is_tool` says which programs are catalog tools,
    for the lines that start one quietly."""
    reading = ScriptReading()
    reader = _Reader(host, reading)
    out: list[Entry] = []
    judged: set[tuple[str, str]] = set()  # (script, started by): each pair judged once
    for entry in entries:
        if entry.kind in NOT_STARTED:
            continue
        for path, known in _scripts_of(entry, host):
            if (path, entry.location) in judged:
                continue
            judged.add((path, entry.location))
            text = reader.body(path, known_script=known)
            if text is None:
                continue
            out += _matches(entry, path, reader.analysis(path, text, is_tool), entry.location)
            for inner in reader.scripts_run_by(path, text):  # one level further, never more
                if inner == path or (inner, path) in judged:
                    continue
                judged.add((inner, path))
                inner_text = reader.body(inner, known_script=True)
                if inner_text is not None:
                    reading.followed += 1
                    found = reader.analysis(inner, inner_text, is_tool)
                    out += _matches(entry, inner, found, path)
    return out, reading
