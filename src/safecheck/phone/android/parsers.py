"""Pure readers of what the phone's read-only commands print. They never raise: a line they
do not understand is skipped, and an empty or garbled output gives an empty result."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# --- adb devices -l ----------------------------------------------------------------------------

KNOWN_STATES = ("device", "unauthorized", "offline", "no permissions", "recovery", "sideload")


@dataclass(frozen=True)
class Device:
    serial: str
    state: str  # device, unauthorized, offline, no permissions, ...
    model: str = ""
    product: str = ""
    usb: str = ""


def parse_devices(text: str) -> list[Device]:
    """`adb devices -l`: `SERIAL  device usb:1-1 product:x model:Pixel_7 transport_id:1`, one
    a line, in any state (`unauthorized`, `offline`, `no permissions (...)`)."""
    found: list[Device] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("*", "List of devices", "adb:", "error:")):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2:
            continue
        serial, rest = parts
        state = next((s for s in KNOWN_STATES if rest == s or rest.startswith(s + " ")), "")
        if not state:
            state = rest.split()[0]
        facts: dict[str, str] = {}
        for word in rest[len(state) :].split():
            key, sep, value = word.partition(":")
            if sep and key in ("model", "product", "usb") and key not in facts:
                facts[key] = value
        found.append(
            Device(
                serial,
                state,
                facts.get("model", "").replace("_", " "),
                facts.get("product", ""),
                facts.get("usb", ""),
            )
        )
    return found


# --- pm list packages -f -i -U --show-versioncode ------------------------------------------------


@dataclass(frozen=True)
class PackageLine:
    name: str
    path: str = ""
    installer: str | None = None  # None: "installer=null", installed by adb or a file
    uid: int | None = None
    version_code: str = ""


def parse_package_list(text: str) -> list[PackageLine]:
    """`package:/data/app/~~x==/com.example-y==/base.apk=com.example versionCode:3  installer=
    com.android.vending uid:10123`; the path may itself contain `=`, the package name never."""
    found: list[PackageLine] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line.startswith("package:"):
            continue
        words = line[len("package:") :].split()
        if not words:
            continue
        path, _, name = words[0].rpartition("=")
        if not name:
            continue
        installer: str | None = None
        uid: int | None = None
        version = ""
        for word in words[1:]:
            if word.startswith("installer="):
                value = word[len("installer=") :]
                installer = None if value in ("", "null") else value
            elif word.startswith("uid:"):
                first = word[len("uid:") :].split(",")[0]
                uid = int(first) if first.isdigit() else None
            elif word.startswith("versionCode:"):
                version = word[len("versionCode:") :]
        found.append(PackageLine(name, path, installer, uid, version))
    return found


def parse_package_names(text: str) -> set[str]:
    """`pm list packages -3`: one `package:com.example` a line."""
    names: set[str] = set()
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("package:"):
            name = line[len("package:") :].strip().rpartition("=")[2]
            if name:
                names.add(name)
    return names


# --- dumpsys package packages / dumpsys package PKG ----------------------------------------------


@dataclass
class PackageDetails:
    name: str
    first_install: str = ""  # phone local time, as printed: 2024-01-02 10:11:12
    last_update: str = ""
    installer: str | None = None
    initiator: str | None = None  # installInitiatingPackageName (Android 11+)
    system: bool = False  # flags contain SYSTEM
    granted: set[str] = field(default_factory=set)  # runtime or install permissions granted
    hidden: bool = False  # User 0: hidden=true


_PACKAGE_HEAD = re.compile(r"^\s*Package \[([^\]\s]+)\]")
_GRANTED = re.compile(r"^\s*([A-Za-z0-9_.]+): granted=true")


def _null(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "null") else value


def parse_dumpsys_packages(text: str) -> dict[str, PackageDetails]:
    """The `Packages:` section of `dumpsys package`: per package, install and update times,
    installer, SYSTEM flag and granted permissions. Later sections (hidden system packages,
    shared users...) are not read: the same package there describes an older copy."""
    found: dict[str, PackageDetails] = {}
    current: PackageDetails | None = None
    in_packages = False
    for raw in text.splitlines():
        if raw and not raw[0].isspace():  # a section heading at the left margin
            in_packages = raw.strip() == "Packages:"
            current = None
            continue
        if not in_packages:
            continue
        head = _PACKAGE_HEAD.match(raw)
        if head:
            current = found.setdefault(head.group(1), PackageDetails(head.group(1)))
            continue
        if current is None:
            continue
        line = raw.strip()
        key, sep, value = line.partition("=")
        if sep and " " not in key:
            if key == "firstInstallTime" and not current.first_install:
                current.first_install = value.strip()
            elif key == "lastUpdateTime" and not current.last_update:
                current.last_update = value.strip()
            elif key == "installerPackageName":
                current.installer = _null(value)
            elif key in ("installInitiatingPackageName", "initiatingPackageName"):
                current.initiator = _null(value)
            elif key in ("flags", "pkgFlags") and re.search(r"\bSYSTEM\b", value):
                current.system = True
        if "hidden=true" in line.split():
            current.hidden = True
        granted = _GRANTED.match(raw)
        if granted:
            current.granted.add(granted.group(1))
    return found


# --- cmd package query-activities ... LAUNCHER ---------------------------------------------------


def parse_launcher_packages(text: str) -> set[str]:
    """Packages with a launcher icon: `packageName=com.example` lines of the full output, or
    `com.example/.MainActivity` lines of the `--brief` form."""
    names: set[str] = set()
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("packageName="):
            name = line[len("packageName=") :].strip()
            if name:
                names.add(name)
        elif re.fullmatch(r"[A-Za-z0-9_.]+/[A-Za-z0-9_.$]+", line):
            names.add(line.split("/")[0])
    return names


# --- settings get ... ----------------------------------------------------------------------------


def parse_setting(text: str) -> str | None:
    """`settings get`: the value, or None for `null` (never set) or no output."""
    value = text.strip().splitlines()[0].strip() if text.strip() else ""
    return None if value in ("", "null") else value


def parse_components(text: str) -> list[tuple[str, str]]:
    """`enabled_accessibility_services` and friends: `pkg/cls:pkg2/.Cls` -> [(pkg, component)]."""
    value = parse_setting(text)
    if value is None:
        return []
    found: list[tuple[str, str]] = []
    for part in value.split(":"):
        component = part.strip()
        package, sep, _cls = component.partition("/")
        if sep and package and (package, component) not in found:
            found.append((package, component))
    return found


# --- dumpsys device_policy -----------------------------------------------------------------------


@dataclass
class DevicePolicy:
    device_owner: str | None = None  # package
    profile_owners: list[str] = field(default_factory=list)
    admins: list[tuple[str, str]] = field(default_factory=list)  # (package, component)


_COMPONENT = re.compile(r"ComponentInfo\{([^/}\s]+)/([^}\s]+)\}")
_ADMIN_LINE = re.compile(r"^\s+([A-Za-z0-9_.]+)/([A-Za-z0-9_.$]+):\s*$")


def _add_admin(policy: DevicePolicy, package: str, cls: str) -> None:
    component = f"{package}/{cls}"
    if (package, component) not in policy.admins:
        policy.admins.append((package, component))


def parse_device_policy(text: str) -> DevicePolicy:
    """`Device Owner:` and `Profile Owner (User N):` sections (their `admin=ComponentInfo{..}` or
    `package=` lines), and the active admins: `Enabled Device Admins (...)` entries
    `  com.x/.Receiver:`, or `Admin: ComponentInfo{com.x/.Receiver}` lines (older Android)."""
    policy = DevicePolicy()
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("Device Owner"):
            section = "device-owner"
            found = _COMPONENT.search(line)
            if found:
                policy.device_owner = found.group(1)
            continue
        if line.startswith("Profile Owner"):
            section = "profile-owner"
            found = _COMPONENT.search(line)
            if found and found.group(1) not in policy.profile_owners:
                policy.profile_owners.append(found.group(1))
            continue
        if line.startswith("Enabled Device Admins"):
            section = "admins"
            continue
        if (
            line.endswith(":")
            and not line.startswith(("admin", "Admin"))
            and (raw and len(raw) - len(raw.lstrip()) <= 2)
        ):
            section = ""  # another top-level block of the dump
            continue
        if section in ("device-owner", "profile-owner"):
            package = None
            found = _COMPONENT.search(line)
            if line.startswith("admin=") and found:
                package = found.group(1)
            elif line.startswith("package="):
                package = _null(line[len("package=") :])
            if package and section == "device-owner" and policy.device_owner is None:
                policy.device_owner = package
            elif package and section == "profile-owner" and package not in policy.profile_owners:
                policy.profile_owners.append(package)
        elif section == "admins":
            entry = _ADMIN_LINE.match(raw)
            if entry:
                _add_admin(policy, entry.group(1), entry.group(2))
        if line.startswith("Admin:"):
            found = _COMPONENT.search(line)
            if found:
                _add_admin(policy, found.group(1), found.group(2))
    return policy


# --- dumpsys appops ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppOp:
    op: str  # CAMERA, RECORD_AUDIO, FINE_LOCATION, SYSTEM_ALERT_WINDOW, ...
    mode: str  # allow, ignore, deny, default, foreground
    seconds_ago: int | None = None  # last access, when printed


@dataclass
class AppOps:
    packages: dict[str, list[AppOp]] = field(default_factory=dict)
    uids: dict[str, list[AppOp]] = field(default_factory=dict)  # "u0a123": ops set per uid


_DURATION = re.compile(r"([+-]?)((?:\d+[a-z]+)+)")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0}
_OP_OLD = re.compile(r"^([A-Z][A-Z0-9_]+): (?:mode=)?([a-z]+)(.*)$")
_OP_NEW = re.compile(r"^([A-Z][A-Z0-9_]+) \(([a-z]+)[^)]*\):?$")
_ACCESS = re.compile(r"^(?:Access|Reject|LastAccess)\b.*?\(([+-][0-9a-z]+)\)")
_UID = re.compile(r"^Uid (\S+?):?$")
_PKG = re.compile(r"^Package (\S+?):?$")


def parse_duration(text: str) -> int | None:
    """`+2h3m4s123ms` or `-1d2h` -> seconds (rounded down); None when it is not one."""
    found = _DURATION.fullmatch(text.strip())
    if not found:
        return None
    total = 0
    for number, unit in re.findall(r"(\d+)([a-z]+)", found.group(2)):
        if unit not in _UNITS:
            return None
        total += int(number) * _UNITS[unit]
    return total


def parse_uid_label(label: str) -> int | None:
    """`u0a123` -> 10123, `u10a5` -> 1010005 (user * 100000 + 10000 + app id)."""
    found = re.fullmatch(r"u(\d+)a(\d+)", label)
    if found:
        return int(found.group(1)) * 100000 + 10000 + int(found.group(2))
    return int(label) if label.isascii() and label.isdigit() else None


def parse_appops(text: str) -> AppOps:
    """Both layouts: Android 9 and older `CAMERA: allow; time=+2h3m4s123ms ago` (or `mode=allow`)
    and Android 10+ `CAMERA (allow):` followed by `Access: [fg-s] 2024-... (-2h3m4s123ms)`."""
    result = AppOps()
    uid: str | None = None
    package: str | None = None
    pending: tuple[str, str] | None = None  # Android 10+: an op whose access lines follow
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        found = _UID.match(line)
        if found:
            uid, package, pending = found.group(1), None, None
            continue
        found = _PKG.match(line)
        if found and uid is not None:
            package, pending = found.group(1), None
            result.packages.setdefault(package, [])
            continue
        if uid is None:
            continue
        target = (
            result.packages.setdefault(package, [])
            if package is not None
            else result.uids.setdefault(uid, [])
        )
        found = _OP_NEW.match(line)
        if found:
            pending = (found.group(1), found.group(2))
            target.append(AppOp(found.group(1), found.group(2)))
            continue
        found = _OP_OLD.match(line)
        if found:
            pending = None
            seconds: int | None = None
            when = re.search(r"\btime=([+-][0-9a-z]+)", found.group(3))
            if when:
                seconds = parse_duration(when.group(1))
            target.append(AppOp(found.group(1), found.group(2), seconds))
            continue
        found = _ACCESS.match(line)
        if found and pending is not None and line.startswith(("Access", "LastAccess")):
            seconds = parse_duration(found.group(1))
            if seconds is not None and target:
                last = target[-1]
                newer = last.seconds_ago is None or seconds < last.seconds_ago
                if last.op == pending[0] and newer:
                    target[-1] = AppOp(last.op, last.mode, seconds)
    return result


# --- getprop, date, which, dumpsys account -------------------------------------------------------


def parse_value(text: str) -> str:
    """The first line of a one-value command (getprop NAME, which su), stripped."""
    stripped = text.strip()
    return stripped.splitlines()[0].strip() if stripped else ""


def parse_epoch(text: str) -> int | None:
    """`date +%s` -> seconds since the epoch."""
    value = parse_value(text)
    return int(value) if value.isascii() and value.isdigit() and len(value) < 16 else None


_ACCOUNT = re.compile(r"Account \{name=(.*), type=([^,}]+)\}")


def parse_accounts(text: str) -> list[tuple[str, str]]:
    """`dumpsys account`: `Account {name=someone@gmail.com, type=com.google}` -> (name, type),
    each once (the dump lists them again in its history sections)."""
    found: list[tuple[str, str]] = []
    for raw in text.splitlines():
        match = _ACCOUNT.search(raw)
        if match:
            item = (match.group(1).strip(), match.group(2).strip())
            if item not in found:
                found.append(item)
    return found
