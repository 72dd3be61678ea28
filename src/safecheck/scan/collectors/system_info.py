"""What the inspected system is, for the report's header: its name, version and (for this
computer) its maker and model.

Everything is read through the Host, so a mounted disk (--root) describes the system on the
disk, never the one safecheck runs on. Nothing here raises: what cannot be read is left out.
"""

from __future__ import annotations

import plistlib
import re
from pathlib import Path

from safecheck.scan.collectors.host import Host

MAX_FIELD = 120  # a system name is short; a longer value is cut, not trusted to be shown whole
MAX_FILE = 64 * 1024
OS_RELEASE = ("/etc/os-release", "/usr/lib/os-release")
MACOS_VERSION = "/System/Library/CoreServices/SystemVersion.plist"
DMI = "/sys/class/dmi/id"
# Values firmware makers leave in place of a real name.
PLACEHOLDERS = {
    "",
    "default string",
    "none",
    "not applicable",
    "not specified",
    "o.e.m.",
    "oem",
    "system manufacturer",
    "system product name",
    "system version",
    "to be filled by o.e.m.",
    "unknown",
    "x.x",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ESCAPED = re.compile(r"\\(.)")


def _clean(value: object) -> str:
    """One line of printable text, cut to MAX_FIELD characters."""
    if not isinstance(value, str):
        return ""
    text = " ".join(_CONTROL.sub(" ", value).split())
    return text if len(text) <= MAX_FIELD else text[: MAX_FIELD - 3] + "..."


def parse_os_release(text: str) -> dict[str, str]:
    """KEY=value lines of os-release(5): values may be quoted, with backslash escapes."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        quote = value[:1]
        if len(value) >= 2 and quote in ("'", '"') and value.endswith(quote):
            value = value[1:-1]
            if quote == '"':
                value = _ESCAPED.sub(r"\1", value)
        values[key.strip()] = value
    return values


def _linux(host: Host) -> dict[str, str]:
    for path in OS_RELEASE:
        try:
            fields = parse_os_release(host.read_text(path, MAX_FILE))
        except Exception:  # noqa: S112 - unreadable: try the next place, else leave it out
            continue
        out: dict[str, str] = {}
        name = _clean(fields.get("PRETTY_NAME")) or _clean(fields.get("NAME"))
        version = _clean(fields.get("VERSION_ID"))
        if name:
            out["os"] = name
        if version:
            out["os_version"] = version
        if out:
            return out
    return {}


def _darwin(host: Host) -> dict[str, str]:
    try:
        data = plistlib.loads(host.read_bytes(MACOS_VERSION, MAX_FILE))
    except Exception:  # a broken plist leaves the name out
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, str] = {}
    name = _clean(data.get("ProductName"))
    version = _clean(data.get("ProductVersion"))
    if name:
        out["os"] = name
    if version:
        out["os_version"] = version
    return out


def _dmi(host: Host, name: str) -> str:
    try:
        value = _clean(host.read_text(f"{DMI}/{name}", 4096))
    except Exception:  # no DMI table (virtual machine, ARM board): no model
        return ""
    return "" if value.lower() in PLACEHOLDERS else value


def _model(host: Host) -> str:
    vendor = _dmi(host, "sys_vendor")
    product = _dmi(host, "product_name")
    if vendor.lower() == "lenovo":  # product_name is a type number; the name is in the version
        named = _dmi(host, "product_version")
        if named and named.lower() not in product.lower():
            product = f"{named} ({product})" if product else named
    if product and vendor and product.lower().startswith(vendor.lower()):
        return product
    return " ".join(part for part in (vendor, product) if part)


def describe_host(host: Host) -> dict[str, str]:
    """`os` (e.g. "Debian GNU/Linux 12 (bookworm)"), `os_version` ("12") and, for this computer,
    `model` ("Dell Inc. XPS 13 9310"): only the ones that could be read. Never raises."""
    try:
        out: dict[str, str] = {}
        if host.platform == "linux":
            out.update(_linux(host))
            if host.live:
                model = _model(host)
                if model:
                    out["model"] = model
        elif host.platform == "darwin":
            out.update(_darwin(host))
        return out
    except Exception:  # the header is a courtesy; it never stops a scan
        return {}


# Files that tell which system a disk holds (checked in this order).
SYSTEM_MARKERS = (
    ("darwin", "/System/Library/CoreServices/SystemVersion.plist"),
    ("win32", "/Windows/System32/config/SYSTEM"),
    ("win32", "/Windows/System32/config/SOFTWARE"),
)


def detect_platform(root: Path) -> str:
    """The system on a disk, from files only it has; Linux otherwise."""
    probe = Host(platform="linux", root=root)
    for platform, marker in SYSTEM_MARKERS:
        if probe.exists(marker):
            return platform
    return "linux"
