"""`linux.systemd`: what systemd starts: service commands, timers, generators.

Unit folders are read in systemd's order of precedence, once each (`/lib` is often a link to
`/usr/lib`): the first file of a name wins and later ones are reported as shadowed. Drop-ins
(`foo.service.d/*.conf`) are applied in name order; an `ExecStart=` in a drop-in replaces the
unit's. A unit is enabled when a `*.wants/` or `*.requires/` folder links it, masked when its
name is linked to /dev/null, disabled when it could be enabled but is not, static otherwise.
Entries:
- "systemd-unit": one per Exec*= command (details: unit, scope, directive, state);
- "systemd-timer": one per timer, with the unit it triggers and that unit's command;
- "systemd-generator": one per generator program (run by systemd at every boot).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host, ReadError
from safecheck.scan.collectors.linux import PLATFORMS
from safecheck.scan.collectors.parsers.commands import program_of
from safecheck.scan.collectors.parsers.ini import IniData, parse_ini
from safecheck.scan.collectors.reading import Reader, basename, join

COLLECTOR_ID = "linux.systemd"
UNIT_SUFFIXES = (".service", ".timer", ".socket", ".path")
UNIT_TYPES = frozenset(suffix[1:] for suffix in UNIT_SUFFIXES)
EXEC_DIRECTIVES = (
    "ExecCondition",
    "ExecStartPre",
    "ExecStart",
    "ExecStartPost",
    "ExecReload",
    "ExecStop",
    "ExecStopPre",
    "ExecStopPost",
)
EXEC_SECTIONS = ("Service", "Socket")
INSTALL_KEYS = ("WantedBy", "RequiredBy", "UpheldBy", "Alias", "Also")
TIMER_KEYS = (
    "OnCalendar",
    "OnActiveSec",
    "OnBootSec",
    "OnStartupSec",
    "OnUnitActiveSec",
    "OnUnitInactiveSec",
)
SYSTEM_UNIT_DIRS = (
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
)
GLOBAL_USER_UNIT_DIRS = (
    "/etc/systemd/user",
    "/run/systemd/user",
    "/usr/local/lib/systemd/user",
    "/usr/lib/systemd/user",
    "/lib/systemd/user",
)
USER_UNIT_DIRS = (".config/systemd/user", ".local/share/systemd/user")
GENERATOR_DIRS = tuple(
    f"{prefix}/systemd/{kind}-generators"
    for kind in ("system", "user")
    for prefix in ("/etc", "/run", "/usr/local/lib", "/usr/lib", "/lib")
)
_EXEC_PREFIXES = "-@:+!"

# (value, line, file) of one Exec*= command
Command = tuple[str, int, str]


@dataclass
class _Scope:
    """One set of unit folders: the system, the user units of everyone, or one person's."""

    label: str  # "system" or "user"
    user: str | None  # the account of a person's own folders
    dirs: tuple[str, ...]
    units: dict[str, str] = field(default_factory=dict)  # name -> file that wins
    shadowed: dict[str, list[str]] = field(default_factory=dict)
    dropins: dict[str, dict[str, str]] = field(default_factory=dict)  # unit -> conf -> file
    linked: set[str] = field(default_factory=set)
    masked: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> unit
    exec_start: dict[str, Command] = field(default_factory=dict)  # unit -> first ExecStart
    run_as: dict[str, str | None] = field(default_factory=dict)  # unit -> account


def strip_exec_prefix(command: str) -> str:
    """`-/usr/bin/x` -> `/usr/bin/x`: systemd's prefixes (ignore failure, privileges...)."""
    return command.lstrip(_EXEC_PREFIXES).lstrip()


def template_of(name: str) -> str | None:
    """`getty@tty1.service` -> `getty@.service`; None for a name that is not an instance."""
    stem, at, rest = name.partition("@")
    if not at or "." not in rest:
        return None
    return f"{stem}@.{rest.rsplit('.', 1)[1]}"


def effective_commands(files: list[tuple[str, IniData, bool]]) -> dict[str, list[Command]]:
    """Exec*= commands after drop-ins: `files` is (path, data, is-drop-in) in applying order.

    An empty assignment (`ExecStart=`) clears the list; an `ExecStart=` in a drop-in replaces
    the commands of the files before it.
    """
    result: dict[str, list[Command]] = {}
    for path, data, dropin in files:
        for section in EXEC_SECTIONS:
            keys = data.get(section, {})
            for directive in EXEC_DIRECTIVES:
                found = keys.get(directive)
                if not found:
                    continue
                current = [] if dropin and directive == "ExecStart" else result.get(directive, [])
                for value, line in found:
                    current = [*current, (value, line, path)] if value.strip() else []
                result[directive] = current
    return result


class SystemdCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = Reader(host, COLLECTOR_ID)
        seen: set[str] = set()
        parsed = _UnitFiles(reader)
        system = _Scope("system", None, SYSTEM_UNIT_DIRS)
        everyone = _Scope("user", None, GLOBAL_USER_UNIT_DIRS)
        people = [
            _Scope("user", account.name, tuple(join(account.home, d) for d in USER_UNIT_DIRS))
            for account in host.human_homes()
        ]
        for scope in (system, everyone, *people):
            _scan(reader, scope, seen)
        everyone.linked |= {name for person in people for name in person.linked}
        for person in people:
            person.linked |= everyone.linked
        for scope in (system, everyone, *people):
            _report(reader, scope, parsed, system if scope is system else everyone)
        _generators(reader, seen)
        return reader.result


def _scan(reader: Reader, scope: _Scope, seen: set[str]) -> None:
    """One pass over each folder of a scope: units, drop-ins, links."""
    for rank, folder in enumerate(scope.dirs):
        try:
            real = reader.host.real(folder)
        except ReadError as error:
            reader.result.errors.append(error)
            continue
        if real in seen:
            continue
        seen.add(real)
        for entry in reader.listing(folder):
            name = entry.name
            if entry.is_dir:
                if name.endswith((".wants", ".requires")):
                    for link in reader.names(entry.path):  # enabled: only names matter
                        scope.linked.add(link)
                        template = template_of(link)
                        if template:
                            scope.linked.add(template)
                elif name.endswith(".d") and (
                    name[:-2].endswith(UNIT_SUFFIXES) or name[:-2] in UNIT_TYPES
                ):
                    _scan_dropins(reader, scope, name[:-2], entry.path)
                continue
            if not name.endswith(UNIT_SUFFIXES):
                continue
            if entry.is_symlink:
                target = reader.link_target(entry.path) or ""
                if target == "/dev/null":
                    if name not in scope.units:
                        scope.masked.add(name)
                    continue
                unit = basename(target)
                if unit != name and unit.endswith(UNIT_SUFFIXES):
                    scope.aliases[name] = unit
                    if rank == 0:  # an Alias= link made by `systemctl enable`
                        scope.linked.add(name)
                    continue
            if not entry.is_file:
                reader.probe(entry.path)
            elif name in scope.units:
                if not _same_file(reader, scope.units[name], entry.path):
                    scope.shadowed.setdefault(name, []).append(entry.path)
            else:
                scope.units[name] = entry.path


def _same_file(reader: Reader, first: str, second: str) -> bool:
    try:
        return reader.host.real(first) == reader.host.real(second)
    except ReadError:
        return False


def _scan_dropins(reader: Reader, scope: _Scope, unit: str, folder: str) -> None:
    confs = scope.dropins.setdefault(unit, {})
    for conf in reader.listing(folder):
        if not conf.name.endswith(".conf") or conf.name in confs:
            continue
        if conf.is_file:
            confs[conf.name] = conf.path
        elif conf.is_symlink and reader.link_target(conf.path) == "/dev/null":
            confs[conf.name] = ""  # masks the drop-ins of that name below
        elif not conf.is_dir:
            reader.probe(conf.path)


MAX_PARSED_KEPT = 1024  # a unit and its drop-ins are used at once, then let go


class _UnitFiles:
    """The unit files of one run, parsed. Each real file is read and counted once; only the last
    ones parsed are kept, so that memory does not grow with the number of units. A file met
    again after that (the same file in two scopes, a shared drop-in) is read again without being
    counted again; one that could not be read stays unread (its problem was recorded once)."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.kept: dict[str, IniData | None] = {}
        self.read: set[str] = set()
        self.failed: set[str] = set()

    def parse(self, path: str) -> IniData | None:
        reader = self.reader
        try:
            real = reader.host.real(path)
        except ReadError as error:
            reader.result.errors.append(error)
            return None
        if real in self.kept:
            return self.kept[real]
        if real in self.failed:
            return None
        data: IniData | None = None
        if real not in self.read:
            self.read.add(real)
            text = reader.text(path)
            data = None if text is None else parse_ini(text)
        else:
            try:
                data = parse_ini(reader.host.read_bytes(path).decode("utf-8", "surrogateescape"))
            except ReadError:
                data = None
        if data is None:
            self.failed.add(real)
        if len(self.kept) >= MAX_PARSED_KEPT:
            self.kept.clear()
        self.kept[real] = data
        return data


def _state(scope: _Scope, name: str, data: IniData | None) -> tuple[str, bool | None]:
    if name in scope.masked:
        return "masked", False
    if name in scope.linked:
        return "enabled", True
    install = data.get("Install", {}) if data else {}
    if any(install.get(key) for key in INSTALL_KEYS):
        return "disabled", False
    return "static", None


def _report(reader: Reader, scope: _Scope, parsed: _UnitFiles, fallback: _Scope) -> None:
    scope.linked |= {scope.aliases[name] for name in scope.linked if name in scope.aliases}
    names = sorted(set(scope.units) | set(scope.dropins))
    timers: list[tuple[str, list[tuple[str, IniData, bool]]]] = []
    for name in names:
        path = scope.units.get(name)
        data = parsed.parse(path) if path else None
        files: list[tuple[str, IniData, bool]] = [(path, data, False)] if path and data else []
        for conf in sorted(scope.dropins.get(name, {}).items()):
            conf_data = parsed.parse(conf[1]) if conf[1] else None
            if conf_data is not None:
                files.append((conf[1], conf_data, True))
        if not files:
            continue
        if name.endswith(".timer"):
            timers.append((name, files))
            continue
        _report_commands(reader, scope, name, files, data)
    for name, files in timers:
        _report_timer(reader, scope, name, files, fallback)


def _details(
    scope: _Scope, name: str, state: str, *more: tuple[str, str]
) -> tuple[tuple[str, str], ...]:
    return (("unit", name), ("scope", scope.label), ("state", state), *more)


def _report_commands(
    reader: Reader,
    scope: _Scope,
    name: str,
    files: list[tuple[str, IniData, bool]],
    data: IniData | None,
) -> None:
    state, enabled = _state(scope, name, data)
    user = scope.user
    if scope.label == "system":
        users = [v for _, d, _ in files for v, _ in d.get("Service", {}).get("User", []) if v]
        user = users[-1] if users else "root"
    scope.run_as[name] = user
    shadowed = tuple(("shadows", path) for path in scope.shadowed.get(name, []))
    commands = effective_commands(files)
    for directive in EXEC_DIRECTIVES:
        for value, line, path in commands.get(directive, []):
            if directive == "ExecStart" and name not in scope.exec_start:
                scope.exec_start[name] = (value, line, path)
            reader.add(
                "systemd-unit",
                path,
                name,
                command=value,
                program=program_of(strip_exec_prefix(value)),
                line=line,
                user=user,
                enabled=enabled,
                details=_details(scope, name, state, ("directive", directive), *shadowed),
            )


def _report_timer(
    reader: Reader,
    scope: _Scope,
    name: str,
    files: list[tuple[str, IniData, bool]],
    fallback: _Scope,
) -> None:
    path, data, _ = files[0]
    state, enabled = _state(scope, name, data if path == scope.units.get(name) else None)
    target = f"{name[: -len('.timer')]}.service"
    line: int | None = None
    schedule: list[tuple[str, str]] = []
    for _, file_data, _ in files:
        keys = file_data.get("Timer", {})
        for value, number in keys.get("Unit", []):
            target, line = value, number
        for key in TIMER_KEYS:
            for value, number in keys.get(key, []):
                if not value:  # `OnCalendar=` clears the earlier ones
                    schedule = [item for item in schedule if item[0] != key]
                    continue
                schedule.append((key, value))
                line = line or number
    command = scope.exec_start.get(target) or fallback.exec_start.get(target)
    user = scope.run_as.get(target, "root") if scope.label == "system" else scope.user
    reader.add(
        "systemd-timer",
        path,
        name,
        command=command[0] if command else None,
        program=program_of(strip_exec_prefix(command[0])) if command else None,
        line=line,
        user=user,
        enabled=enabled,
        details=_details(scope, name, state, ("triggers", target), *schedule),
    )


def _generators(reader: Reader, seen: set[str]) -> None:
    masked: set[tuple[str, str]] = set()
    for folder in GENERATOR_DIRS:
        try:
            real = reader.host.real(folder)
        except ReadError as error:
            reader.result.errors.append(error)
            continue
        if real in seen:
            continue
        seen.add(real)
        scope = "user" if folder.endswith("user-generators") else "system"
        for entry in reader.listing(folder):
            if entry.is_symlink and reader.link_target(entry.path) == "/dev/null":
                masked.add((scope, entry.name))
                continue
            if entry.is_dir:
                continue
            if not entry.is_file:
                reader.probe(entry.path)
                continue
            reader.looked_at()
            runs = reader.executable(entry.path) and (scope, entry.name) not in masked
            reader.add(
                "systemd-generator",
                entry.path,
                entry.name,
                program=entry.path,
                enabled=bool(runs),
                details=(("scope", scope),),
            )
