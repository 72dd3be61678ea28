"""`linux.accounts`: who else can get in or act as administrator.

Entries:
- "ssh-key": one per key in each account's ~/.ssh/authorized_keys{,2} (and the files named by
  `AuthorizedKeysFile` in sshd_config): name = the key's comment, details: type, fingerprint
  (SHA256, as `ssh-keygen -lf` prints it), options; command = a forced `command="..."`;
- "ssh-server": the SSH server when installed, enabled when systemd or SysV starts it, with
  the sshd_config settings that matter (port, root login, passwords, key files);
- "uid0-account": an account other than root with user id 0 in /etc/passwd;
- "sudo-nopasswd": a sudoers rule with NOPASSWD (or `Defaults !authenticate`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from fnmatch import fnmatchcase
from typing import NamedTuple

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.linux import PLATFORMS
from safecheck.scan.collectors.linux.systemd import SYSTEM_UNIT_DIRS
from safecheck.scan.collectors.parsers import split_lines
from safecheck.scan.collectors.parsers.commands import program_of
from safecheck.scan.collectors.parsers.shell import strip_comment
from safecheck.scan.collectors.reading import Reader, basename, join

COLLECTOR_ID = "linux.accounts"
DEFAULT_KEY_FILES = (".ssh/authorized_keys", ".ssh/authorized_keys2")
SSHD_PROGRAMS = ("/usr/sbin/sshd", "/usr/bin/sshd", "/sbin/sshd")
SSH_UNITS = ("ssh.service", "sshd.service", "ssh.socket", "sshd.socket")
SSH_INIT_NAMES = frozenset({"ssh", "sshd", "openssh-server", "openssh"})
RUNLEVEL_DIRS = tuple(f"/etc/rc{level}.d" for level in "2345S")
SSHD_CONFIG = "/etc/ssh/sshd_config"
SSHD_SETTINGS = (
    "port",
    "listenaddress",
    "permitrootlogin",
    "passwordauthentication",
    "pubkeyauthentication",
    "authorizedkeysfile",
    "authorizedkeyscommand",
    "authorizedkeyscommanduser",
)
ACCOUNTS_FILE = "/etc/passwd"
SUDOERS = "/etc/sudoers"
SUDOERS_DIR = "/etc/sudoers.d"
MAX_INCLUDE_DEPTH = 4

_KEY_TYPE = re.compile(r"(?:ssh|ecdsa|sk)-[A-Za-z0-9@.-]+")
_SSHD_LINE = re.compile(r"([A-Za-z]+)\s*(?:=\s*|\s+)(.*)")
_NOPASSWD = re.compile(r"\bNOPASSWD\s*:\s*(.*)")
_NO_AUTHENTICATE = re.compile(r"^Defaults\S*\s.*!\s*authenticate\b")
_SUDO_INCLUDE = re.compile(r"[#@](include|includedir)\s+(.+)")
_RUNLEVEL_LINK = re.compile(r"S\d\d(.+)")
_SSH_TOKEN = re.compile(r"%.")
_FORCED_COMMAND = re.compile(r'(?:^|,)\s*command\s*=\s*"((?:[^"\\]|\\.)*)"', re.IGNORECASE)


class AuthorizedKey(NamedTuple):
    line: int
    options: str  # as written, "" when none
    key_type: str
    comment: str
    fingerprint: str  # "SHA256:..." like ssh-keygen -lf


def fingerprint(blob: bytes) -> str:
    """The SHA256 fingerprint of a public key blob, as OpenSSH prints it."""
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii")
    return "SHA256:" + digest.rstrip("=")


def _split_options(line: str) -> tuple[str, str]:
    """(options, rest) of an authorized_keys line that starts with options."""
    quoted = False
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and quoted:
            index += 1  # \" inside a quoted value
        elif char == '"':
            quoted = not quoted
        elif char in " \t" and not quoted:
            return line[:index], line[index:].strip()
        index += 1
    return line, ""


def _key_blob(key_type: str, encoded: str) -> bytes | None:
    """The decoded key, when it is valid base64 and names its own type inside."""
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    size = int.from_bytes(blob[:4], "big") if len(blob) >= 4 else -1
    if size != len(key_type) or blob[4 : 4 + size] != key_type.encode("ascii", "replace"):
        return None
    return blob


def parse_authorized_keys(text: str) -> list[AuthorizedKey]:
    """The keys of an authorized_keys file; comments and malformed lines are skipped."""
    keys: list[AuthorizedKey] = []
    for number, raw in enumerate(split_lines(text), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        options = ""
        if not _KEY_TYPE.fullmatch(line.split(None, 1)[0]):
            options, line = _split_options(line)
        parts = line.split(None, 2)
        if len(parts) < 2 or not _KEY_TYPE.fullmatch(parts[0]):
            continue
        blob = _key_blob(parts[0], parts[1])
        if blob is None:
            continue
        comment = parts[2].strip() if len(parts) > 2 else ""
        keys.append(AuthorizedKey(number, options, parts[0], comment, fingerprint(blob)))
    return keys


def forced_command(options: str) -> str | None:
    """The `command="..."` of a key's options (quotes inside are escaped as \\")."""
    found = _FORCED_COMMAND.search(options)
    return found.group(1).replace('\\"', '"') if found else None


class AccountsCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = Reader(host, COLLECTOR_ID)
        settings: dict[str, str] = {}
        _sshd_settings(reader, SSHD_CONFIG, settings, 0)
        _keys(reader, settings.get("authorizedkeysfile", ""))
        _ssh_server(reader, settings)
        _uid0(reader)
        _sudoers(reader)
        return reader.result


def _key_files(configured: str, home: str, user: str, uid: int) -> list[str]:
    """The default key files and those of `AuthorizedKeysFile` (%h, %u, %U, %% expanded)."""
    tokens = {"%%": "%", "%h": home, "%u": user, "%U": str(uid)}
    files = list(DEFAULT_KEY_FILES)
    for pattern in configured.split():
        if pattern.lower() != "none":
            files.append(_SSH_TOKEN.sub(lambda m: tokens.get(m.group(0), m.group(0)), pattern))
    return [f if f.startswith("/") else join(home, f) for f in files]


def _keys(reader: Reader, configured: str) -> None:
    """Keys of every account with a home folder: people, and system accounts too (a key put
    in a service account's home is a known way back in)."""
    accounts = {a.home: a for a in reader.host.human_homes()}
    for account in reader.host.accounts():
        accounts.setdefault(account.home, account)
    for account in accounts.values():
        if not account.home.startswith("/"):
            continue
        for path in _key_files(configured, account.home, account.name, account.uid):
            if not reader.once(path):
                continue
            text = reader.text(path)
            if text is None:
                continue
            for key in parse_authorized_keys(text):
                details = [("type", key.key_type), ("fingerprint", key.fingerprint)]
                if key.options:
                    details.append(("options", key.options))
                command = forced_command(key.options) if key.options else None
                reader.add(
                    "ssh-key",
                    path,
                    key.comment,
                    command=command,
                    program=program_of(command) if command else None,
                    line=key.line,
                    user=account.name,
                    enabled=True,
                    details=tuple(details),
                )


def _sshd_settings(reader: Reader, path: str, settings: dict[str, str], depth: int) -> bool:
    """Read global sshd_config settings into `settings` (the first value of a keyword wins).
    True when a `Match` block started: what follows is not global."""
    text = reader.text(path) if depth <= MAX_INCLUDE_DEPTH else None
    if text is None:
        return False
    for raw in split_lines(text):
        found = _SSHD_LINE.match(raw.strip())
        if found is None:
            continue
        keyword, value = found.group(1).lower(), found.group(2).strip()
        if keyword == "match":
            return True
        if keyword != "include":
            settings.setdefault(keyword, value)
            continue
        for pattern in value.split():
            absolute = pattern if pattern.startswith("/") else join("/etc/ssh", pattern)
            for included in _glob(reader, absolute):
                if _sshd_settings(reader, included, settings, depth + 1):
                    return True
    return False


def _glob(reader: Reader, pattern: str) -> list[str]:
    """Files matching a pattern whose wildcards are in the last part only (`/x/*.conf`)."""
    folder, _, name = pattern.rpartition("/")
    if not any(c in name for c in "*?["):
        return [pattern]
    return [e.path for e in reader.files(folder or "/") if fnmatchcase(e.name, name)]


def _ssh_server(reader: Reader, settings: dict[str, str]) -> None:
    host = reader.host
    program = next((p for p in SSHD_PROGRAMS if host.exists(p)), None)
    if program is None:
        return
    started_by: list[str] = []
    for folder in SYSTEM_UNIT_DIRS:
        if not reader.once(folder):
            continue
        for entry in reader.listing(folder):
            if entry.is_dir and entry.name.endswith((".wants", ".requires")):
                started_by.extend(u for u in SSH_UNITS if host.lstat(join(entry.path, u)))
    masked = [
        unit
        for unit in SSH_UNITS
        if reader.link_target(join(SYSTEM_UNIT_DIRS[0], unit)) == "/dev/null"
    ]
    for folder in RUNLEVEL_DIRS:
        for entry in reader.listing(folder):
            found = _RUNLEVEL_LINK.fullmatch(entry.name)
            if found and found.group(1) in SSH_INIT_NAMES:
                started_by.append(entry.path)
    details = [("installed", "yes")]
    details.extend(("started-by", name) for name in sorted(set(started_by)))
    details.extend(("masked", unit) for unit in masked)
    details.extend((key, settings[key]) for key in SSHD_SETTINGS if key in settings)
    reader.add(
        "ssh-server",
        program,
        "sshd",
        program=program,
        user="root",
        enabled=bool(started_by) and not masked,
        details=tuple(details),
    )


def _uid0(reader: Reader) -> None:
    accounts = reader.host.accounts()
    if not accounts:
        reader.text(ACCOUNTS_FILE)  # records why it could not be read
        return
    reader.looked_at()
    for account in accounts:
        if account.uid == 0 and account.name != "root":
            reader.add(
                "uid0-account",
                ACCOUNTS_FILE,
                account.name,
                line=account.line,
                user=account.name,
                enabled=True,
                details=(("home", account.home), ("shell", account.shell)),
            )


def _sudoers(reader: Reader) -> None:
    pending = [SUDOERS, SUDOERS_DIR]
    depth = 0
    while pending and depth <= MAX_INCLUDE_DEPTH:
        depth += 1
        current, pending = pending, []
        for path in current:
            if path == SUDOERS_DIR or (reader.host.is_dir(path)):
                if reader.once(path):
                    for entry in reader.files(path):
                        pending.append(entry.path)
                continue
            if reader.once(path):
                pending.extend(_sudoers_file(reader, path))


def _sudoers_file(reader: Reader, path: str) -> list[str]:
    """Report the rules of one sudoers file; return the files and folders it includes."""
    text = reader.text(path)
    if text is None:
        return []
    name = basename(path)
    # sudo skips files in an included folder whose name has a dot or ends with "~"
    read_by_sudo = path == SUDOERS or not ("." in name or name.endswith("~"))
    includes: list[str] = []
    parts: list[str] = []
    first = 0
    for number, raw in enumerate(split_lines(text), 1):
        if not parts:
            first = number
        if raw.endswith("\\"):
            parts.append(raw[:-1])
            continue
        line = "".join([*parts, raw]).strip()
        parts = []
        include = _SUDO_INCLUDE.match(line)
        if include:
            target = include.group(2).strip().strip('"')
            includes.append(target if target.startswith("/") else join("/etc", target))
            continue
        if line.startswith("#") and not line[1:2].isdigit():
            continue
        line = strip_comment(line)
        nopasswd = _NOPASSWD.search(line)
        if nopasswd is None and not _NO_AUTHENTICATE.search(line):
            continue
        who = line.split(None, 1)[0] if line else ""
        runs = nopasswd.group(1).strip() if nopasswd else "ALL"
        reader.add(
            "sudo-nopasswd",
            path,
            who,
            command=line,
            line=first,
            user=who,
            enabled=read_by_sudo,
            details=(("runs", runs),),
        )
    return includes
