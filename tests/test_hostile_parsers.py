"""Every parser of data read from an inspected device, fed what an abuser could plant: random
bytes, real files cut anywhere or with bytes flipped, bytes that are not UTF-8, and nesting deep
enough to exhaust Python's stack (issue 16).

A parser may return anything, or raise its own documented error (`TaskError`, `PlistError`,
`KeybagError`, `BackupFileError`, `ValueError` for the rpm header); never anything else: no
`RecursionError`, no `UnicodeError`, no `IndexError`. Each call must also stay fast: the size of
the input, not its shape, sets the time.

The collectors are then run whole on fake systems whose files are replaced by the same hostile
bytes, and the Android check on a fake adb whose every answer is hostile: they must finish with
a result (what could not be read is in their errors and coverage rows), never raise.

Inputs are seeded (the same every run) and hypothesis adds random ones.
"""

from __future__ import annotations

import plistlib
import random
import sqlite3
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paths import FIXTURES
from safecheck.core.errors import DataError
from safecheck.core.runner import CommandRunner
from safecheck.indicators.loader import parse_apps
from safecheck.phone.android import parsers as android
from safecheck.phone.android.adb import Adb
from safecheck.phone.android.checks import check_phone
from safecheck.phone.iphone import backup_facts, live
from safecheck.phone.iphone.errors import BackupFileError
from safecheck.phone.iphone.history import read_history
from safecheck.phone.iphone.keybag import KeybagError, parse_keybag
from safecheck.phone.iphone.plists import PlistError, load_plist
from safecheck.phone.iphone.wal import apply_wal
from safecheck.report.jsonio import parse_report
from safecheck.scan.analysis.scripts import analyse_script, decode_powershell, local_scripts
from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.linux import accounts, boot, linux_collectors, packages, systemd
from safecheck.scan.collectors.macos import macos_collectors
from safecheck.scan.collectors.macos.loginitems import bookmark_path, parse_dumpbtm
from safecheck.scan.collectors.macos.profiles import parse_enrollment_status, parse_profiles_list
from safecheck.scan.collectors.parsers import commands, crontab, ini, shell
from safecheck.scan.collectors.system_info import parse_os_release
from safecheck.scan.collectors.windows import program_of, windows_display
from safecheck.scan.collectors.windows.startup import parse_lnk
from safecheck.scan.collectors.windows.tasks import TaskError, decode_xml, parse_task

SECONDS_PER_CALL = 5.0  # generous for a slow machine; a quadratic parser takes minutes here
DEEP = 20_000  # far beyond Python's recursion limit (1,000)

# --- the parsers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parser:
    name: str
    call: Callable[[Any], object]
    kind: str  # "text": file text as the collectors decode it; "adb": adb output; "bytes"
    errors: tuple[type[Exception], ...] = ()  # its own documented errors


def _text_of_file(data: bytes) -> str:
    """File bytes as `Reader.text` gives them: not UTF-8 kept as surrogates."""
    return data.decode("utf-8", "surrogateescape")


def _adb_text(data: bytes) -> str:
    """adb output as `SubprocessRunner` gives it."""
    return data.decode("utf-8", "replace")


def _plist_value(data: bytes) -> object:
    try:
        return load_plist(data, 1 << 20)
    except PlistError:
        return {}


def _iphone_plist_readers(data: bytes) -> None:
    """The readers of values from a phone's property lists, on whatever the bytes parse to."""
    value = _plist_value(data)
    mapping = value if isinstance(value, dict) else {"PayloadContent": value}
    backup_facts.profile_from_plist(mapping)
    backup_facts.management_from(mapping, "CloudConfigurationDetails.plist")
    live.device_from_values(mapping, None)
    live.app_from_live(mapping)
    live.profiles_from_list(mapping)


def _sqlite_file() -> bytes:
    """A small real SQLite database (the Safari history tables), as bytes."""
    connection = sqlite3.connect(":memory:")
    connection.executescript(
        "CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT);"
        "CREATE TABLE history_visits (id INTEGER PRIMARY KEY, history_item INTEGER,"
        " visit_time REAL);"
        "INSERT INTO history_items VALUES (1, 'https://example.org/');"
        "INSERT INTO history_visits VALUES (1, 1, 700000000.0);"
    )
    data = connection.serialize()
    connection.close()
    return bytes(data)


_SQLITE = _sqlite_file()


SCAN_TEXT_PARSERS = [
    Parser("ini", ini.parse_ini, "text"),
    Parser("ini (no continuation)", lambda s: ini.parse_ini(s, continuation=False), "text"),
    Parser("desktop unescape", ini.unescape_desktop, "text"),
    Parser("desktop field codes", ini.strip_field_codes, "text"),
    Parser("crontab (system)", lambda s: crontab.parse_crontab(s, system=True), "text"),
    Parser("crontab (user)", lambda s: crontab.parse_crontab(s, system=False), "text"),
    Parser("anacrontab", crontab.parse_anacrontab, "text"),
    Parser("at job", crontab.parse_at_job, "text"),
    Parser("shell logical lines", shell.logical_lines, "text"),
    Parser("shell flag lines", shell.flag_lines, "text"),
    Parser("shell comment", shell.strip_comment, "text"),
    Parser("split command", commands.split_command, "text"),
    Parser("split segments", commands.split_segments, "text"),
    Parser("program of a command", commands.program_of, "text"),
    Parser("systemd exec prefix", systemd.strip_exec_prefix, "text"),
    Parser("systemd template", systemd.template_of, "text"),
    Parser("authorized_keys", accounts.parse_authorized_keys, "text"),
    Parser("forced command", accounts.forced_command, "text"),
    Parser("apt.conf", boot.parse_apt_conf, "text"),
    Parser("pam line", boot.parse_pam_line, "text"),
    Parser("pam_exec", boot.pam_exec_command, "text"),
    Parser("polkit rules", boot.polkit_allow_all, "text"),
    Parser("git config value", boot.git_value, "text"),
    Parser("dpkg status", packages.parse_dpkg_status, "text"),
    Parser("os-release", parse_os_release, "text"),
    Parser("sfltool dumpbtm", parse_dumpbtm, "text"),
    Parser("profiles list", parse_profiles_list, "text"),
    Parser("profiles status", parse_enrollment_status, "text"),
    Parser("script analysis", analyse_script, "text"),
    Parser("scripts a script runs", local_scripts, "text"),
    Parser("encoded PowerShell", decode_powershell, "text"),
    Parser("Windows command", program_of, "text"),
    Parser("Windows path", windows_display, "text"),
]
SCAN_BYTES_PARSERS = [
    Parser("ssh key fingerprint", accounts.fingerprint, "bytes"),
    Parser("rpm header", packages.parse_rpm_header, "bytes", (ValueError,)),
    Parser("alias bookmark", bookmark_path, "bytes"),
    Parser("shortcut (.lnk)", parse_lnk, "bytes"),
    Parser("task XML text", decode_xml, "bytes"),
    Parser("scheduled task", parse_task, "bytes", (TaskError,)),
]
ANDROID_PARSERS = [
    Parser(f"adb: {name}", getattr(android, name), "adb")
    for name in (
        "parse_devices",
        "parse_package_list",
        "parse_package_names",
        "parse_dumpsys_packages",
        "parse_launcher_packages",
        "parse_setting",
        "parse_components",
        "parse_device_policy",
        "parse_duration",
        "parse_uid_label",
        "parse_appops",
        "parse_value",
        "parse_epoch",
        "parse_accounts",
    )
]
IPHONE_PARSERS = [
    Parser("iPhone property list", lambda b: load_plist(b, 1 << 20), "bytes", (PlistError,)),
    Parser("iPhone plist values", _iphone_plist_readers, "bytes"),
    Parser("iPhone keybag", parse_keybag, "bytes", (KeybagError,)),
    Parser("Safari history (SQLite)", read_history, "bytes", (BackupFileError,)),
    Parser("SQLite write-ahead log", lambda b: apply_wal(_SQLITE, b), "bytes"),
]
# Files handed to safecheck (a USB stick, a report sent by e-mail) are as hostile.
HANDED_PARSERS = [
    Parser("indicator file", lambda b: parse_apps(b, "ioc.yaml"), "bytes", (DataError,)),
    Parser("report JSON", lambda b: parse_report(_adb_text(b)), "bytes", (DataError,)),
]
PARSERS = SCAN_TEXT_PARSERS + SCAN_BYTES_PARSERS + ANDROID_PARSERS + IPHONE_PARSERS + HANDED_PARSERS


def call(parser: Parser, data: bytes) -> None:
    """Run one parser on hostile bytes: only its own errors may come out, and quickly."""
    if parser.kind == "text":
        value: Any = _text_of_file(data)
    elif parser.kind == "adb":
        value = _adb_text(data)
    else:
        value = data
    start = time.perf_counter()
    try:
        parser.call(value)
    except parser.errors as exc:
        assert not isinstance(exc, UnicodeError | RecursionError), (parser.name, exc)
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS_PER_CALL, f"{parser.name}: {elapsed:.1f} s on {len(data)} bytes"


# --- hostile inputs -----------------------------------------------------------------------------


def real_samples() -> dict[str, bytes]:
    """Real-format files to cut and damage: one per family of parser."""
    binary_plist = plistlib.dumps(
        {
            "Label": "com.example.agent",
            "ProgramArguments": ["/usr/bin/true", "-x"],
            "PayloadContent": [{"PayloadType": "com.apple.mdm", "PayloadIdentifier": "a.b"}],
            "ProductVersion": "17.5",
        },
        fmt=plistlib.FMT_BINARY,
    )
    samples = {
        "unit": b"[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/x -a \\\n  -b\n",
        "crontab": b"SHELL=/bin/sh\n*/5 * * * * root /usr/bin/x >/dev/null 2>&1\n@reboot y\n",
        "desktop": b"[Desktop Entry]\nType=Application\nExec=/opt/x/run %U --a=\\s\n",
        "shell": b"export PATH=$PATH:/x\nalias ls='ls --color'\n( cd /tmp && $(curl x|sh) )\n",
        "xml plist": plistlib.dumps({"Label": "x", "ProgramArguments": ["/bin/sh", "-c", "y"]}),
        "binary plist": binary_plist,
        "sqlite": _SQLITE,
        "task": (
            '<?xml version="1.0" encoding="UTF-16"?>\n<Task xmlns="http://schemas.microsoft.com'
            '/windows/2004/02/mit/task"><Actions><Exec><Command>C:\\x.exe</Command>'
            "<Arguments>-a</Arguments></Exec></Actions></Task>"
        ).encode("utf-16"),
    }
    for path in sorted((FIXTURES / "adb" / "clean").glob("*.txt")):
        samples[f"adb {path.stem}"] = path.read_bytes()[:20_000]
    return samples


def deep_inputs() -> dict[str, bytes]:
    """Nesting far beyond the recursion limit, in every syntax a parser could recurse on."""
    deep_xml = b"<plist><array>" * DEEP + b"</array></plist>" * DEEP
    return {
        "parentheses": b"(" * DEEP + b")" * DEEP,
        "command substitutions": b"$(" * DEEP + b")" * DEEP,
        "backticks and quotes": b"`\"'" * DEEP,
        "brackets": b"[" * DEEP + b"{" * DEEP,
        "continuations": b"ExecStart=/x \\\n" * DEEP,
        "one long line": b"A" * 500_000,
        "many lines": b"x=1\n" * 50_000,
        "nested XML plist": deep_xml,
        "nested binary plist": nested_binary_plist(DEEP),
        "huge numbers": b'{"schema_version": "1.' + b"9" * 6000 + b'", "n": ' + b"1" * 6000 + b"}",
        "nested YAML and JSON": b"[" * DEEP + b"{a: " * DEEP,
        "nested dumpsys": b"".join(b"  " * (i % 200) + b"Package [a.b]:\n" for i in range(10_000)),
    }


def nested_binary_plist(depth: int) -> bytes:
    """A binary plist of `depth` arrays, each holding the next."""
    objects = [bytes([0xA1]) + (i + 1).to_bytes(4, "big") for i in range(depth)]
    objects.append(b"\x51x")
    body = b"".join(objects)
    offsets, at = [], 8
    for item in objects:
        offsets.append(at)
        at += len(item)
    table = b"".join(o.to_bytes(4, "big") for o in offsets)
    trailer = bytes(6) + bytes([4, 4]) + struct.pack(">QQQ", len(objects), 0, 8 + len(body))
    return b"bplist00" + body + table + trailer


def damaged(data: bytes, rng: random.Random) -> Iterator[bytes]:
    """The file cut at several places, with bytes flipped, and with invalid UTF-8 spliced in."""
    for _ in range(6):
        yield data[: rng.randrange(len(data) + 1)]
    for _ in range(6):
        flipped = bytearray(data)
        for _ in range(1 + len(data) // 50):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        yield bytes(flipped)
    middle = len(data) // 2
    yield data[:middle] + b"\xff\xfe\xc3\x28\xed\xa0\x80\x00\x1b[2J\xe2\x80\xae" + data[middle:]


def hostile_corpus(seed: int = 16) -> list[bytes]:
    rng = random.Random(seed)  # noqa: S311 (reproducible damage, not secrecy)
    corpus = [b"", b"\x00", b"\xff" * 64, b"\r\n" * 100, b"\x1b]0;owned\x07\x1b[2J"]
    corpus += [rng.randbytes(rng.choice((7, 64, 512, 4096, 65536))) for _ in range(12)]
    for data in real_samples().values():
        if data:
            corpus.extend(damaged(data, rng))
    return corpus


CORPUS = hostile_corpus()
DEEP_INPUTS = deep_inputs()


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.name)
def test_parsers_survive_the_hostile_corpus(parser: Parser) -> None:
    for data in CORPUS:
        call(parser, data)


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.name)
@pytest.mark.parametrize("shape", sorted(DEEP_INPUTS))
def test_parsers_survive_deep_nesting_and_size(parser: Parser, shape: str) -> None:
    call(parser, DEEP_INPUTS[shape])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), which=st.integers(min_value=0))
def test_parsers_survive_random_bytes(data: bytes, which: int) -> None:
    for parser in PARSERS:
        call(parser, data)
    # and the real samples with these bytes inside
    samples = list(real_samples().values())
    sample = samples[which % len(samples)]
    cut = which % (len(sample) + 1)
    for parser in PARSERS:
        call(parser, sample[:cut] + data + sample[cut:])


# --- whole collectors on hostile files ----------------------------------------------------------


def _plant(root: Path, path: str, data: bytes) -> None:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


LINUX_FILES = (
    "/etc/passwd",
    "/etc/crontab",
    "/etc/cron.d/job",
    "/var/spool/cron/crontabs/root",
    "/etc/anacrontab",
    "/var/spool/cron/atjobs/a0001",
    "/etc/systemd/system/x.service",
    "/etc/systemd/system/x.service.d/override.conf",
    "/etc/systemd/system/x.timer",
    "/etc/xdg/autostart/x.desktop",
    "/root/.bashrc",
    "/etc/profile",
    "/etc/profile.d/x.sh",
    "/root/.ssh/authorized_keys",
    "/etc/ssh/sshd_config",
    "/etc/sudoers",
    "/etc/sudoers.d/x",
    "/etc/pam.d/common-auth",
    "/etc/apt/apt.conf.d/99x",
    "/etc/polkit-1/rules.d/49-x.rules",
    "/etc/udev/rules.d/99-x.rules",
    "/etc/ld.so.preload",
    "/etc/rc.local",
    "/etc/modules-load.d/x.conf",
    "/root/.gitconfig",
    "/var/lib/dpkg/status",
    "/var/lib/dpkg/info/x.list",
    "/etc/os-release",
)
MAC_FILES = (
    "/Library/LaunchDaemons/x.plist",
    "/Library/LaunchAgents/x.plist",
    "/Users/alice/Library/LaunchAgents/x.plist",
    "/private/var/db/com.apple.xpc.launchd/disabled.plist",
    "/private/var/db/launchd.db/com.apple.launchd/overrides.plist",
    "/Users/alice/Library/Application Support/com.apple.backgroundtaskmanagementagent/"
    "backgrounditems.btm",
    "/Library/SystemExtensions/db.plist",
    "/Applications/X.app/Contents/Info.plist",
    "/Library/Managed Preferences/x.plist",
    "/private/var/db/ConfigurationProfiles/Store/x.plist",
    "/Library/Application Support/com.apple.TCC/TCC.db",
    "/Users/alice/Library/Application Support/com.apple.TCC/TCC.db",
    "/usr/lib/cron/tabs/alice",
    "/etc/periodic/daily/999.x",
    "/Library/StartupItems/X/X",
    "/System/Library/LaunchDaemons/ssh.plist",
)
WINDOWS_FILES = (
    "/Windows/System32/config/SOFTWARE",
    "/Windows/System32/config/SYSTEM",
    "/Users/alice/NTUSER.DAT",
    "/Windows/System32/Tasks/Updater",
    "/Windows/System32/Tasks/Microsoft/Windows/X/Y",
    "/ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp/x.lnk",
    "/Users/alice/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup/y.lnk",
    "/ProgramData/x.exe",
    "/Users/alice/AppData/Local/Temp/x.exe",
    "/Users/Public/x.dll",
)


def _collect(collectors: list[Any], host: Host) -> dict[str, CollectorResult]:
    results: dict[str, CollectorResult] = {}
    for collector in collectors:
        start = time.perf_counter()
        results[collector.id] = collector.collect(host)  # never raises
        elapsed = time.perf_counter() - start
        assert elapsed < 30, f"{collector.id}: {elapsed:.1f} s"
    return results


def _payloads(seed: int) -> list[bytes]:
    """A few hostile contents per run of the collectors (each run builds a whole system)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible damage, not secrecy)
    picks = rng.sample(CORPUS, 4)
    return [*picks, DEEP_INPUTS["nested binary plist"], DEEP_INPUTS["continuations"]]


@pytest.mark.parametrize("seed", range(2))
def test_linux_collectors_on_hostile_files(tmp_path: Path, seed: int) -> None:
    for number, data in enumerate(_payloads(seed)):
        root = tmp_path / str(number)
        for path in LINUX_FILES:
            _plant(root, path, data)
        (root / "usr/bin").mkdir(parents=True, exist_ok=True)
        _collect(linux_collectors(), Host(platform="linux", root=root, live=False))


@pytest.mark.parametrize("seed", range(2))
def test_macos_collectors_on_hostile_files(tmp_path: Path, seed: int) -> None:
    for number, data in enumerate(_payloads(seed)):
        root = tmp_path / str(number)
        for path in MAC_FILES:
            _plant(root, path, data)
        _collect(macos_collectors(), Host(platform="darwin", root=root, live=False))


@pytest.mark.parametrize("seed", range(2))
def test_windows_collectors_on_hostile_files(tmp_path: Path, seed: int) -> None:
    from safecheck.scan.collectors.windows import windows_collectors  # noqa: PLC0415

    for number, data in enumerate(_payloads(seed)):
        root = tmp_path / str(number)
        for path in WINDOWS_FILES:
            _plant(root, path, b"regf" + data if path.endswith(("SOFTWARE", "DAT")) else data)
        _collect(windows_collectors(), Host(platform="win32", root=root, live=False))


# --- the Android check on a phone whose every answer is hostile -------------------------------


class HostilePhone(CommandRunner):
    """A fake adb: one ready phone, and every shell command answers with hostile bytes."""

    def __init__(self, answers: list[bytes]) -> None:
        self.answers = answers
        self.count = 0

    def run(self, argv: list[str], timeout: float = 10.0) -> tuple[int, str]:
        if argv[1:2] == ["devices"]:
            return 0, "List of devices attached\nSERIAL1 device product:x model:y\n"
        self.count += 1
        data = self.answers[self.count % len(self.answers)]
        return (0 if self.count % 3 else 1), _adb_text(data)


@pytest.mark.parametrize("seed", range(4))
def test_the_android_check_on_hostile_answers(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 (reproducible damage, not secrecy)
    answers = [*rng.sample(CORPUS, 6), DEEP_INPUTS["nested dumpsys"], DEEP_INPUTS["parentheses"]]
    rng.shuffle(answers)
    phone = HostilePhone(answers)
    start = time.perf_counter()
    _entries, rows = check_phone(Adb(phone), "SERIAL1", None)
    assert time.perf_counter() - start < 30
    assert rows  # one coverage row per area, whatever the answers
    # a parser bug shows as a "failed" row without the failed commands as details
    crashed = [row for row in rows if row.key == "phone.coverage.failed" and not row.details]
    assert not crashed, crashed
    assert phone.count >= 10  # every area asked the phone
