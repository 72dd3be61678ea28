"""`linux.boot`: what runs at boot, on events or inside other programs, outside systemd and cron.

Entries (kind: where):
- "rc-local": each command line of /etc/rc.local, /etc/rc.d/rc.local;
- "init-script": each file of /etc/init.d (enabled when an /etc/rc?.d/S* link starts it);
- "motd-script": /etc/update-motd.d/* (run at every login on Debian and Ubuntu);
- "network-dispatcher": /etc/NetworkManager/dispatcher.d/** (run when the network changes);
- "udev-rule": each RUN / PROGRAM / IMPORT{program} of the udev rules;
- "ld-preload": each line of /etc/ld.so.preload (loaded into every program);
- "kernel-module": each module of /etc/modules and the modules-load.d folders;
- "dbus-service": D-Bus services started on demand (system, and each person's own);
- "package-hook": apt Pre/Post-Invoke commands, enabled dnf and yum plugins;
- "pam-exec": pam_exec.so lines of /etc/pam.d/* and /etc/pam.conf (run at every login);
- "polkit-rule": polkit rules and .pkla files that allow actions to every user;
- "git-config": core.pager, core.fsmonitor, core.hooksPath, core.sshCommand in git settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import DirEntry, Host
from safecheck.scan.collectors.linux import PLATFORMS
from safecheck.scan.collectors.parsers import split_lines
from safecheck.scan.collectors.parsers.commands import program_of
from safecheck.scan.collectors.parsers.ini import last, parse_ini
from safecheck.scan.collectors.parsers.shell import logical_lines
from safecheck.scan.collectors.reading import Reader, basename, join

COLLECTOR_ID = "linux.boot"
RC_LOCAL = ("/etc/rc.local", "/etc/rc.d/rc.local")
INIT_DIRS = ("/etc/init.d", "/etc/rc.d/init.d")
RUNLEVEL_DIRS = tuple(f"/etc/rc{level}.d" for level in "2345S") + tuple(
    f"/etc/rc.d/rc{level}.d" for level in "2345"
)
MOTD_DIR = "/etc/update-motd.d"
NM_DISPATCHER_DIR = "/etc/NetworkManager/dispatcher.d"
UDEV_DIRS = (
    "/etc/udev/rules.d",
    "/run/udev/rules.d",
    "/usr/local/lib/udev/rules.d",
    "/usr/lib/udev/rules.d",
    "/lib/udev/rules.d",
)
LD_SO_PRELOAD = "/etc/ld.so.preload"
MODULES_FILE = "/etc/modules"
MODULE_DIRS = (
    "/etc/modules-load.d",
    "/run/modules-load.d",
    "/usr/local/lib/modules-load.d",
    "/usr/lib/modules-load.d",
    "/lib/modules-load.d",
)
DBUS_SYSTEM_DIRS = ("/usr/share/dbus-1/system-services", "/usr/local/share/dbus-1/system-services")
DBUS_USER_DIR = ".local/share/dbus-1/services"
APT_FILES = ("/etc/apt/apt.conf",)
APT_DIR = "/etc/apt/apt.conf.d"
APT_HOOKS = ("::pre-invoke", "::post-invoke", "::post-invoke-success", "-install-pkgs")
PLUGIN_DIRS = (("/etc/dnf/plugins", "dnf"), ("/etc/yum/pluginconf.d", "yum"))
YUM_PLUGIN_CODE = ("/usr/lib/yum-plugins", "/usr/share/yum-plugins")
PAM_DIR = "/etc/pam.d"
PAM_CONF = "/etc/pam.conf"
PAM_EXEC_OPTIONS = frozenset({"debug", "expose_authtok", "seteuid", "quiet", "quiet_log"})
PAM_EXEC_OPTIONS_WITH_VALUE = ("log=", "type=")
POLKIT_RULE_DIRS = ("/etc/polkit-1/rules.d", "/usr/share/polkit-1/rules.d")
PKLA_DIRS = ("/etc/polkit-1/localauthority", "/var/lib/polkit-1/localauthority")
PKLA_RESULTS = ("ResultAny", "ResultInactive", "ResultActive")
# Where each kernel's modules are, and their file names (compressed or not).
MODULE_TREES = ("/lib/modules", "/usr/lib/modules")
MODULE_FILE = re.compile(r"\.ko(?:\.(?:xz|zst|gz))?$")
DKMS_FOLDER = "/updates/dkms/"
GIT_SYSTEM = "/etc/gitconfig"
GIT_USER = (".gitconfig", ".config/git/config")
GIT_KEYS = {
    "pager": "core.pager",
    "fsmonitor": "core.fsmonitor",
    "hookspath": "core.hooksPath",
    "sshcommand": "core.sshCommand",
}
GIT_COMMAND_KEYS = frozenset({"pager", "fsmonitor", "sshcommand"})
_GIT_BOOLEANS = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0", ""})
_ENDS_BLOCK = frozenset({"exit", "exit 0", "fi", "done", "then", "else", "esac", "{", "}", ";;"})

_UDEV_KEY = re.compile(
    r"(?<![\w}])(RUN(?:\{(\w+)\})?|PROGRAM|IMPORT\{program\})\s*(?:\+=|:=|=)(?!=)\s*"
    r'"((?:[^"\\]|\\.)*)"'
)
_RUNLEVEL_LINK = re.compile(r"S\d\d(.+)")
_PRELOAD_SEPARATOR = re.compile(r"[\s:]+")
_WORD = re.compile(r"\S+")
_APT_TOKEN = re.compile(
    r'"(?P<string>[^"]*)"|(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z)|#[^\n]*)|(?P<open>\{)|(?P<close>\})'
    r'|(?P<end>;)|(?P<word>[^\s{};"]+)',
    re.DOTALL,
)
_JS_NOISE = re.compile(
    r"//[^\n]*|/\*.*?(?:\*/|\Z)|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.DOTALL
)
_POLKIT_RULE = re.compile(r"polkit\s*\.\s*addRule\s*\(")
_POLKIT_YES = re.compile(r"\breturn\s+polkit\s*\.\s*Result\s*\.\s*YES\b")
_POLKIT_SUBJECT = re.compile(r"\bsubject\s*\.\s*(?:user|isInGroup|groups)\b")
_POLKIT_ACTION = re.compile(r"\baction\s*\.\s*id\s*===?\s*(\"[^\"\n]*\"|'[^'\n]*')")


class AptValue(NamedTuple):
    key: str  # as written, scopes joined with "::" ("DPkg::Post-Invoke")
    value: str
    line: int


class PamLine(NamedTuple):
    kind: str  # auth, account, password, session
    control: str
    module: str
    arguments: str  # as written


def parse_apt_conf(text: str) -> list[AptValue]:
    """The values of an apt configuration file (`Key "v";`, `Key { "v1"; "v2"; };`, nested)."""
    found: list[AptValue] = []
    scopes: list[str] = []
    words: list[str] = []
    line, position = 1, 0
    for match in _APT_TOKEN.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        kind = match.lastgroup
        if kind == "word":
            words.append(match.group(0))
        elif kind == "string":
            key = "::".join([*scopes, words[0]] if words else scopes)
            if key:
                found.append(AptValue(key, match.group("string"), line))
            words = []
        elif kind == "open":
            scopes.append(words[0] if words else "")
            words = []
        elif kind == "close":
            if scopes:
                scopes.pop()
            words = []
        elif kind == "end":
            if len(words) >= 2:
                found.append(AptValue("::".join([*scopes, words[0]]), " ".join(words[1:]), line))
            words = []
    return found


def parse_pam_line(line: str, *, with_service: bool = False) -> PamLine | None:
    """One rule of a PAM file (`type control module args`); None for anything else."""
    rest = line.strip()
    if with_service:
        parts = rest.split(None, 1)
        if len(parts) != 2:
            return None
        rest = parts[1]
    kind, _, rest = rest.partition(" ")
    rest = rest.strip()
    if rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            return None
        control, rest = rest[: end + 1], rest[end + 1 :].strip()
    else:
        control, _, rest = rest.partition(" ")
    module, _, arguments = rest.strip().partition(" ")
    if not kind or kind.startswith("@") or not control or not module:
        return None
    return PamLine(kind.lstrip("-"), control, module, arguments.strip())


def pam_exec_command(arguments: str) -> tuple[str, str]:
    """(options, command) of pam_exec.so's arguments: the command starts at the first word
    that is not one of pam_exec's options."""
    options: list[str] = []
    for match in _WORD.finditer(arguments):
        word = match.group(0)
        if word in PAM_EXEC_OPTIONS or word.startswith(PAM_EXEC_OPTIONS_WITH_VALUE):
            options.append(word)
            continue
        return " ".join(options), arguments[match.start() :].strip()
    return " ".join(options), ""


def _blank(text: str) -> str:
    """Same length and line breaks, every other character a space."""
    return "".join(c if c == "\n" else " " for c in text)


def polkit_allow_all(text: str) -> list[tuple[int, str]]:
    """(line, actions) of each polkit rule that returns YES without looking at who asks."""

    def without_comments(match: re.Match[str]) -> str:
        found = match.group(0)
        return found if found[0] in "\"'" else _blank(found)

    def without_strings(match: re.Match[str]) -> str:
        found = match.group(0)
        return found[0] + _blank(found[1:-1]) + found[-1] if found[0] in "\"'" else _blank(found)

    readable = _JS_NOISE.sub(without_comments, text)  # strings kept: action ids are in them
    code = _JS_NOISE.sub(without_strings, text)  # same offsets, strings blanked too
    starts = [m.start() for m in _POLKIT_RULE.finditer(code)] or [0]
    found: list[tuple[int, str]] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(code)
        chunk = code[start:end]
        yes = _POLKIT_YES.search(chunk)
        if yes is None or _POLKIT_SUBJECT.search(chunk):
            continue
        actions = sorted({m.group(1)[1:-1] for m in _POLKIT_ACTION.finditer(readable, start, end)})
        line = code.count("\n", 0, start + yes.start()) + 1
        found.append((line, ",".join(actions) or "any"))
    return found


def git_value(raw: str) -> str:
    """A git config value: quotes removed, escapes undone, `#`/`;` comments dropped."""
    out: list[str] = []
    quoted = False
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            following = raw[index + 1]
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(following, following))
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char in "#;" and not quoted:
            break
        else:
            out.append(char)
        index += 1
    return "".join(out).strip()


class BootCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = Reader(host, COLLECTOR_ID)
        accounts = host.human_homes()
        _rc_local(reader)
        _init_scripts(reader)
        _scripts(reader, reader.files(MOTD_DIR), "motd-script")
        _scripts(reader, reader.walk(NM_DISPATCHER_DIR), "network-dispatcher")
        _udev(reader)
        _ld_preload(reader)
        _modules(reader)
        for folder in DBUS_SYSTEM_DIRS:
            for entry in reader.files(folder, (".service",)):
                _dbus(reader, entry.path, None, "system")
        for account in accounts:
            for entry in reader.files(join(account.home, DBUS_USER_DIR), (".service",)):
                _dbus(reader, entry.path, account.name, "session")
        _apt(reader)
        _plugins(reader)
        _pam(reader)
        _polkit(reader)
        _git(reader, GIT_SYSTEM, None)
        for account in accounts:
            for name in GIT_USER:
                _git(reader, join(account.home, name), account.name)
        return reader.result


def _rc_local(reader: Reader) -> None:
    for path in RC_LOCAL:
        if not reader.once(path):
            continue
        text = reader.text(path)
        if text is None:
            continue
        runs = reader.executable(path)
        for number, line in logical_lines(text):
            if line in _ENDS_BLOCK:
                continue
            reader.add(
                "rc-local",
                path,
                basename(path),
                command=line,
                program=program_of(line),
                line=number,
                user="root",
                enabled=runs,
            )


def _init_scripts(reader: Reader) -> None:
    started: set[str] = set()
    for folder in RUNLEVEL_DIRS:
        if reader.once(folder):
            for entry in reader.listing(folder):
                found = _RUNLEVEL_LINK.fullmatch(entry.name)
                if found:
                    started.add(found.group(1))
                    started.add(basename(reader.link_target(entry.path) or ""))
    for folder in INIT_DIRS:
        if not reader.once(folder):
            continue
        for entry in reader.files(folder):
            if entry.name.startswith(".") or entry.name == "README":
                continue
            reader.looked_at()
            reader.add(
                "init-script",
                entry.path,
                entry.name,
                program=entry.path,
                user="root",
                enabled=entry.name in started,
            )


# run-parts (MOTD scripts) only runs names made of letters, digits, _ and -.
RUN_PARTS_NAME = re.compile(r"[A-Za-z0-9_-]+")
# NetworkManager's dispatcher skips hidden files and package-manager leftovers.
NM_SKIPPED_SUFFIXES = (
    "~",
    ".rpmsave",
    ".rpmorig",
    ".rpmnew",
    ".dpkg-old",
    ".dpkg-dist",
    ".dpkg-new",
    ".dpkg-tmp",
)


def _runs(kind: str, name: str) -> bool:
    """Whether the program that runs this folder would run a file of this name."""
    if kind == "motd-script":
        return RUN_PARTS_NAME.fullmatch(name) is not None
    if kind == "network-dispatcher":
        return not name.startswith(".") and not name.endswith(NM_SKIPPED_SUFFIXES)
    return True


def _scripts(reader: Reader, entries: Iterable[DirEntry], kind: str) -> None:
    for entry in entries:
        reader.looked_at()
        reader.add(
            kind,
            entry.path,
            entry.name,
            program=entry.path,
            user="root",
            enabled=reader.executable(entry.path) and _runs(kind, entry.name),
        )


def _udev(reader: Reader) -> None:
    winners: dict[str, str] = {}
    for folder in UDEV_DIRS:
        if not reader.once(folder):
            continue
        for entry in reader.listing(folder):
            if not entry.name.endswith(".rules") or entry.is_dir:
                continue
            if entry.name in winners:
                shadowed: tuple[tuple[str, str], ...] = (("shadowed-by", winners[entry.name]),)
            else:
                winners[entry.name] = entry.path
                shadowed = ()
            if not entry.is_file:
                reader.probe(entry.path)
                continue
            text = reader.text(entry.path)
            if text is None:
                continue
            for number, line in logical_lines(text):
                if "RUN" not in line and "PROGRAM" not in line and "IMPORT" not in line:
                    continue
                for match in _UDEV_KEY.finditer(line):
                    if match.group(2) == "builtin":
                        continue
                    command = match.group(3)
                    reader.add(
                        "udev-rule",
                        entry.path,
                        entry.name,
                        command=command,
                        program=program_of(command),
                        line=number,
                        user="root",
                        enabled=not shadowed,
                        details=(("key", match.group(1)), *shadowed),
                    )


def _ld_preload(reader: Reader) -> None:
    text = reader.text(LD_SO_PRELOAD)
    if text is None:
        return
    for number, raw in enumerate(split_lines(text), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        library = _PRELOAD_SEPARATOR.split(line)[0]
        reader.add(
            "ld-preload",
            LD_SO_PRELOAD,
            basename(library),
            command=line,
            program=library,
            line=number,
            enabled=True,
        )


def module_name(path: str) -> str:
    """A module's name from its file (`kernel/fs/fuse/fuse.ko.zst` -> `fuse`); the kernel
    treats `-` and `_` in names alike."""
    name = MODULE_FILE.sub("", basename(path))
    return name.replace("-", "_")


def _module_files(reader: Reader) -> dict[str, str]:
    """Each module's file in the newest kernel that has it, from the kernels' modules.dep."""
    found: dict[str, str] = {}
    for tree in MODULE_TREES:
        if not reader.once(tree):
            continue  # /lib is often a link to /usr/lib
        kernels = sorted(e.name for e in reader.listing(tree) if e.is_dir)
        for kernel in kernels:  # oldest first, so the newest kernel's file is kept
            text = reader.text(f"{tree}/{kernel}/modules.dep")
            for line in split_lines(text or ""):
                relative = line.partition(":")[0].strip()
                if relative and MODULE_FILE.search(relative):
                    full = relative if relative.startswith("/") else f"{tree}/{kernel}/{relative}"
                    found[module_name(relative)] = full
    return found


def _modules(reader: Reader) -> None:
    paths = [MODULES_FILE]
    for folder in MODULE_DIRS:
        if reader.once(folder):
            paths.extend(entry.path for entry in reader.files(folder, (".conf",)))
    files: dict[str, str] | None = None  # read only when some module is listed
    for path in paths:
        text = reader.text(path)
        if text is None:
            continue
        for number, raw in enumerate(split_lines(text), 1):
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            module, _, arguments = line.partition(" ")
            if files is None:
                files = _module_files(reader)
            file = files.get(module.replace("-", "_"))
            details = [("arguments", arguments.strip())] if arguments.strip() else []
            if file and DKMS_FOLDER in file:
                details.append(("dkms", "yes"))  # built here by DKMS from a package's source
            reader.add(
                "kernel-module",
                path,
                module,
                command=line,
                program=file,
                line=number,
                enabled=True,
                details=tuple(details),
            )


def _dbus(reader: Reader, path: str, user: str | None, bus: str) -> None:
    text = reader.text(path)
    if text is None:
        return
    data = parse_ini(text, continuation=False)
    section = "D-BUS Service"
    name = last(data, section, "Name")
    command = last(data, section, "Exec")
    runs_as = last(data, section, "User")
    unit = last(data, section, "SystemdService")
    details = [("bus", bus)]
    if unit:
        details.append(("systemd-service", unit[0]))
    reader.add(
        "dbus-service",
        path,
        name[0] if name else basename(path),
        command=command[0] if command else None,
        program=program_of(command[0]) if command else None,
        line=command[1] if command else None,
        user=runs_as[0] if runs_as and user is None else user,
        details=tuple(details),
    )


def _apt(reader: Reader) -> None:
    paths = list(APT_FILES) + [entry.path for entry in reader.files(APT_DIR)]
    for path in paths:
        text = reader.text(path)
        if text is None:
            continue
        for found in parse_apt_conf(text):
            if not found.key.lower().endswith(APT_HOOKS) or not found.value.strip():
                continue
            reader.add(
                "package-hook",
                path,
                found.key,
                command=found.value,
                program=program_of(found.value),
                line=found.line,
                user="root",
                enabled=True,
                details=(("manager", "apt"),),
            )


def _plugins(reader: Reader) -> None:
    for folder, manager in PLUGIN_DIRS:
        for entry in reader.files(folder, (".conf",)):
            text = reader.text(entry.path)
            if text is None:
                continue
            enabled = last(parse_ini(text, continuation=False), "main", "enabled")
            if not enabled or enabled[0].strip().lower() not in ("1", "true", "yes"):
                continue
            plugin = entry.name[: -len(".conf")]
            code = None
            if manager == "yum":
                code = next(
                    (
                        join(d, f"{plugin}.py")
                        for d in YUM_PLUGIN_CODE
                        if reader.host.exists(join(d, f"{plugin}.py"))
                    ),
                    None,
                )
            reader.add(
                "package-hook",
                entry.path,
                plugin,
                program=code,
                line=enabled[1],
                user="root",
                enabled=True,
                details=(("manager", manager), ("plugin", plugin)),
            )


def _pam(reader: Reader) -> None:
    paths = [(PAM_CONF, True)] + [(entry.path, False) for entry in reader.files(PAM_DIR)]
    for path, with_service in paths:
        text = reader.text(path)
        if text is None or "pam_exec" not in text:
            continue
        for number, line in logical_lines(text):
            rule = parse_pam_line(line, with_service=with_service)
            if rule is None or basename(rule.module) != "pam_exec.so":
                continue
            options, command = pam_exec_command(rule.arguments)
            details = [("type", rule.kind), ("control", rule.control)]
            if options:
                details.append(("options", options))
            reader.add(
                "pam-exec",
                path,
                basename(path),
                command=command or None,
                program=program_of(command) if command else None,
                line=number,
                user="root",
                enabled=True,
                details=tuple(details),
            )


def _polkit(reader: Reader) -> None:
    for folder in POLKIT_RULE_DIRS:
        for entry in reader.files(folder, (".rules",)):
            text = reader.text(entry.path)
            if text is None or "YES" not in text:
                continue
            for line, actions in polkit_allow_all(text):
                reader.add(
                    "polkit-rule",
                    entry.path,
                    entry.name,
                    line=line,
                    enabled=True,
                    details=(("allows", "all"), ("actions", actions)),
                )
    for folder in PKLA_DIRS:
        for entry in reader.walk(folder, 2):
            if entry.name.endswith(".pkla"):
                _pkla(reader, entry.path, entry.name)


def _pkla(reader: Reader, path: str, name: str) -> None:
    text = reader.text(path)
    if text is None:
        return
    for section, keys in parse_ini(text, continuation=False).items():
        identities = {i.strip() for v, _ in keys.get("Identity", []) for i in v.split(";")}
        if "unix-user:*" not in identities:
            continue
        allowed = [
            found[-1]
            for key in PKLA_RESULTS
            if (found := keys.get(key)) and found[-1][0].strip().lower() == "yes"
        ]
        if not allowed:
            continue
        actions = ";".join(value for value, _ in keys.get("Action", [])) or "any"
        reader.add(
            "polkit-rule",
            path,
            section or name,
            line=allowed[0][1],
            enabled=True,
            details=(("allows", "all"), ("actions", actions)),
        )


def _git(reader: Reader, path: str, user: str | None) -> None:
    text = reader.text(path)
    if text is None:
        return
    for section, keys in parse_ini(text).items():
        if section.strip().lower() != "core":
            continue
        for key, found in keys.items():
            canonical = GIT_KEYS.get(key.lower())
            if canonical is None:
                continue
            for raw, number in found:
                value = git_value(raw)
                runs = key.lower() in GIT_COMMAND_KEYS and value.lower() not in _GIT_BOOLEANS
                reader.add(
                    "git-config",
                    path,
                    canonical,
                    command=value if runs else None,
                    program=program_of(value) if runs else None,
                    line=number,
                    user=user,
                    enabled=True,
                    details=(("value", value),),
                )
