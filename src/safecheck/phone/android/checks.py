"""Reading one Android phone into entries (plain facts) and coverage rows. Judging them is the
job of `safecheck.phone.android.analysis`. Only allow-listed, read-only adb commands are run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from safecheck.core.entries import Entry
from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus
from safecheck.core.runner import MAX_OUTPUT, OUTPUT_CUT
from safecheck.phone.android.adb import (
    GLOBAL_SETTINGS,
    LAUNCHER_QUERY,
    PACKAGES_FULL,
    PACKAGES_THIRD_PARTY,
    SECURE_SETTINGS,
    AdbError,
    AdbTimeoutError,
    NotAllowedError,
    ShellResult,
    check_again,
    valid_package,
)
from safecheck.phone.android.parsers import (
    PackageDetails,
    PackageLine,
    parse_accounts,
    parse_appops,
    parse_components,
    parse_device_policy,
    parse_dumpsys_packages,
    parse_epoch,
    parse_launcher_packages,
    parse_package_list,
    parse_package_names,
    parse_setting,
    parse_uid_label,
    parse_value,
)
from safecheck.phone.coverage import CheckRow
from safecheck.phone.match import IndicatorsLookup

Clock = Callable[[], datetime]

# Installers that are app stores (or the phone maker's preinstaller). Anything else, and
# "no installer" (adb, a downloaded file), means the app did not come from a store.
STORES = frozenset(
    {
        "com.android.vending",  # Google Play
        "com.google.android.feedback",  # Google Play, older Android
        "com.sec.android.app.samsungapps",  # Galaxy Store
        "com.sec.android.preloadinstaller",
        "com.huawei.appmarket",
        "com.amazon.venezia",
        "com.xiaomi.market",
        "com.xiaomi.mipicks",
        "com.heytap.market",
        "com.oppo.market",
        "com.bbk.appstore",
        "org.fdroid.fdroid",
        "com.aurora.store",
    }
)
# Root managers: their presence means the phone was rooted on purpose.
ROOT_PACKAGES = {
    "com.topjohnwu.magisk": "Magisk",
    "io.github.huskydg.magisk": "Magisk (Delta)",
    "me.weishu.kernelsu": "KernelSU",
    "me.bmax.apatch": "APatch",
    "eu.chainfire.supersu": "SuperSU",
    "com.koushikdutta.superuser": "Superuser",
    "com.noshufou.android.su": "Superuser",
    "com.kingroot.kinguser": "KingRoot",
}
POWER_OPS = ("REQUEST_INSTALL_PACKAGES", "SYSTEM_ALERT_WINDOW", "GET_USAGE_STATS")
SENSOR_OPS = ("CAMERA", "RECORD_AUDIO", "FINE_LOCATION")
RECENT_SECONDS = 7 * 86400  # "recent use" of camera, microphone, location
BACKGROUND_LOCATION = "android.permission.ACCESS_BACKGROUND_LOCATION"

# How the phone says it cannot run a command (unknown option on an older Android, no such
# service, no such program), instead of its output.
_REFUSALS = (
    "Error:",
    "Exception occurred",
    "Can't find service",
    "/system/bin/sh:",
    "Unknown option",
    "cmd: Can't find service",
)

DEVICE = "android.device"
APPS = "android.apps"
POWERS = "android.powers"
SETTINGS = "android.settings"
ROOT = "android.root"
ACCOUNTS = "android.accounts"
INDICATORS = "android.indicators"
AREAS = (DEVICE, APPS, POWERS, SETTINGS, ROOT, ACCOUNTS, INDICATORS)


@dataclass
class _Area:
    read: int = 0  # commands that answered
    failed: list[str] = field(default_factory=list)  # "adb shell x: exit 1"
    timeout: AdbTimeoutError | None = None
    error: AdbError | None = None
    crash: str = ""  # a bug while reading: its technical text


class PhoneShell(Protocol):
    """What the checks ask of adb: one shell command on one phone (an Adb, or a recording)."""

    def shell(self, serial: str, *args: str) -> ShellResult: ...


class _Session:
    def __init__(self, adb: PhoneShell, serial: str, say: Translator | None = None) -> None:
        self.adb = adb
        self.serial = serial
        self.say = say if say is not None else Translator("en")  # evidence in the report's language
        self.areas: dict[str, _Area] = {area: _Area() for area in AREAS}

    def shell(self, *args: str) -> ShellResult:
        """The command's result (may raise AdbError); `Adb` asks the short reads in one batch."""
        return self.adb.shell(self.serial, *args)

    def run(self, area: str, *args: str) -> ShellResult | None:
        """The command's output, or None (recorded in the area's coverage) when it failed."""
        state = self.areas[area]
        try:
            result = self.shell(*args)
        except AdbTimeoutError as exc:
            state.timeout = state.timeout or exc
            return None
        except AdbError as exc:
            state.error = state.error or exc
            return None
        head = result.text.lstrip()[:200]
        if result.code != 0 and not head:
            state.failed.append(f"{result.command}: exit {result.code}")
            return None
        if head.startswith(_REFUSALS):  # an older Android without this option or command
            state.failed.append(f"{result.command}: {head.splitlines()[0]}")
            return None
        if result.code == OUTPUT_CUT:  # read up to the cap: said in the coverage row
            state.failed.append(f"{result.command}: {MAX_OUTPUT // 2**20} MiB read, the rest cut")
        state.read += 1
        return result


def _entry(kind: str, area: str, location: str, name: str, command: str, **facts: str) -> Entry:
    return Entry(
        collector=area,
        kind=kind,
        location=location,
        name=name,
        command=command,
        details=tuple((k, v) for k, v in facts.items() if v != ""),
    )


def _patch_age(patch: str, now: datetime) -> str:
    try:
        day = date.fromisoformat(patch[:10])
    except ValueError:
        return ""
    return str((now.date() - day).days)


def _device(s: _Session, now: datetime) -> list[Entry]:
    props: dict[str, str] = {}
    for name in (
        "ro.product.model",
        "ro.product.manufacturer",
        "ro.build.version.release",
        "ro.build.version.security_patch",
    ):
        result = s.run(DEVICE, "getprop", name)
        if result is not None:
            props[name] = parse_value(result.text)
    entries: list[Entry] = []
    patch = props.get("ro.build.version.security_patch", "")
    model = props.get("ro.product.model", "")
    if props:
        entries.append(
            _entry(
                "android-device",
                DEVICE,
                " ".join(
                    v
                    for v in (
                        props.get("ro.product.manufacturer", ""),
                        model,
                        "Android "
                        + (
                            props.get("ro.build.version.release")
                            or s.say("android.evidence.unknown")
                        ),
                        s.say(
                            "android.evidence.patch",
                            patch=patch or s.say("android.evidence.unknown"),
                        ),
                    )
                    if v
                ),
                model or "phone",
                "adb shell getprop ro.build.version.security_patch",
                manufacturer=props.get("ro.product.manufacturer", ""),
                android=props.get("ro.build.version.release", ""),
                patch=patch,
                patch_age_days=_patch_age(patch, now),
            )
        )
    clock = s.run(DEVICE, "date", "+%s")
    phone = parse_epoch(clock.text) if clock is not None else None
    if clock is not None and phone is not None:
        offset = phone - int(now.timestamp())
        phone_time = datetime.fromtimestamp(phone, UTC).isoformat(timespec="seconds")
        computer_time = now.astimezone(UTC).isoformat(timespec="seconds")
        entries.append(
            _entry(
                "android-device",
                DEVICE,
                s.say(
                    "android.evidence.clock",
                    phone=phone_time,
                    computer=computer_time,
                    offset=f"{offset:+d}",
                ),
                "clock",
                clock.command,
                clock_offset=str(offset),
            )
        )
    return entries


@dataclass
class _Apps:
    lines: dict[str, PackageLine] = field(default_factory=dict)
    details: dict[str, PackageDetails] = field(default_factory=dict)
    third_party: set[str] | None = None
    launcher: set[str] | None = None
    by_uid: dict[int, list[str]] = field(default_factory=dict)

    def is_third_party(self, package: str) -> str:
        """ "yes", "no", or "" when it cannot be told (also for a package in no list)."""
        if not self.listed(package):
            return ""
        if self.third_party is not None:
            return "yes" if package in self.third_party else "no"
        found = self.details.get(package)
        if found is not None:
            return "no" if found.system else "yes"
        return ""

    def any_list(self) -> bool:
        return bool(self.lines or self.details or self.third_party)

    def listed(self, package: str) -> bool:
        """Whether any package list the phone gave names this package."""
        return (
            package in self.lines
            or package in self.details
            or (self.third_party is not None and package in self.third_party)
        )

    def names(self) -> list[str]:
        return sorted(set(self.lines) | set(self.details))


def _read_apps(s: _Session) -> _Apps:
    apps = _Apps()
    listed = s.run(APPS, *PACKAGES_FULL)
    if listed is not None:
        for line in parse_package_list(listed.text):
            apps.lines[line.name] = line
            if line.uid is not None:
                apps.by_uid.setdefault(line.uid, []).append(line.name)
    third = s.run(APPS, *PACKAGES_THIRD_PARTY)
    if third is not None:
        apps.third_party = parse_package_names(third.text)
    dump = s.run(APPS, "dumpsys", "package", "packages")
    if dump is not None:
        apps.details = parse_dumpsys_packages(dump.text)
    launcher = s.run(APPS, *LAUNCHER_QUERY)
    if launcher is not None:
        apps.launcher = parse_launcher_packages(launcher.text)
    return apps


def _app_entries(apps: _Apps, lookup: IndicatorsLookup | None, say: Translator) -> list[Entry]:
    entries: list[Entry] = []
    for name in apps.names():
        line = apps.lines.get(name)
        info = apps.details.get(name)
        installer = (
            info.installer if info and info.installer else (line.installer if line else None)
        )
        if info is None and line is None:
            continue
        known = lookup(name) if lookup is not None else None
        launcher = "" if apps.launcher is None else ("yes" if name in apps.launcher else "no")
        facts = [
            say("android.evidence.installer", installer=installer)
            if installer
            else say("android.evidence.no_installer")
        ]
        if info and info.first_install:
            facts.append(say("android.evidence.installed", date=info.first_install))
        if info and info.last_update and info.last_update != info.first_install:
            facts.append(say("android.evidence.updated", date=info.last_update))
        if launcher == "no":
            facts.append(say("android.evidence.no_launcher"))
        entries.append(
            _entry(
                "android-app",
                APPS,
                f"{name} ({'; '.join(facts)})",
                name,
                check_again(name),
                invalid_name="" if valid_package(name) else "yes",
                apk=line.path if line else "",
                installer=installer or "",
                store="yes" if installer in STORES else "no",
                third_party=apps.is_third_party(name),
                launcher=launcher,
                first_install=info.first_install if info else "",
                last_update=info.last_update if info else "",
                hidden="yes" if info and info.hidden else "",
                background_location="yes" if info and BACKGROUND_LOCATION in info.granted else "",
                indicator=known[0] if known else "",
                indicator_type=known[1] if known else "",
                root_manager=ROOT_PACKAGES.get(name, ""),
            )
        )
    return entries


def _label(apps: _Apps, lookup: IndicatorsLookup | None, package: str) -> dict[str, str]:
    known = lookup(package) if lookup is not None else None
    return {
        "invalid_name": "" if valid_package(package) else "yes",
        "third_party": apps.is_third_party(package),
        # A power held by an app the phone does not list as installed: never taken for a
        # system app, and said so (it may be hidden, or the lists may have failed).
        "unlisted": "" if apps.listed(package) or not apps.any_list() else "yes",
        "indicator": known[0] if known else "",
        "indicator_type": known[1] if known else "",
    }


def _powers(
    s: _Session, apps: _Apps, lookup: IndicatorsLookup | None, now: datetime
) -> list[Entry]:
    entries: list[Entry] = []
    for setting, kind in (
        ("enabled_accessibility_services", "android-accessibility"),
        ("enabled_notification_listeners", "android-notification-listener"),
    ):
        result = s.run(POWERS, "settings", "get", "secure", setting)
        if result is None:
            continue
        for package, component in parse_components(result.text):
            entries.append(
                _entry(
                    kind,
                    POWERS,
                    f"{component} (settings secure {setting})",
                    package,
                    result.command,
                    component=component,
                    **_label(apps, lookup, package),
                )
            )
    policy = s.run(POWERS, "dumpsys", "device_policy")
    if policy is not None:
        parsed = parse_device_policy(policy.text)
        owners = [("device-owner", parsed.device_owner)] if parsed.device_owner else []
        owners += [("profile-owner", p) for p in parsed.profile_owners]
        for role, package in owners:
            if package is None:
                continue
            entries.append(
                _entry(
                    "android-device-owner",
                    POWERS,
                    f"{package} ({s.say('android.evidence.role.' + role)})",
                    package,
                    policy.command,
                    role=role,
                    **_label(apps, lookup, package),
                )
            )
        for package, component in parsed.admins:
            entries.append(
                _entry(
                    "android-device-admin",
                    POWERS,
                    s.say("android.evidence.admin", component=component),
                    package,
                    policy.command,
                    component=component,
                    **_label(apps, lookup, package),
                )
            )
    ops = s.run(POWERS, "dumpsys", "appops")
    if ops is not None:
        parsed_ops = parse_appops(ops.text)
        per_package = {k: list(v) for k, v in parsed_ops.packages.items()}
        for label, uid_ops in parsed_ops.uids.items():  # set for the whole uid
            uid = parse_uid_label(label)
            for package in apps.by_uid.get(uid, []) if uid is not None else []:
                per_package.setdefault(package, []).extend(uid_ops)
        for package in sorted(per_package):
            seen: set[str] = set()
            for op in per_package[package]:
                recent = (
                    op.op in SENSOR_OPS
                    and op.seconds_ago is not None
                    and op.seconds_ago <= RECENT_SECONDS
                )
                granted = op.op in POWER_OPS and op.mode == "allow"
                if not (recent or granted) or op.op in seen:
                    continue
                seen.add(op.op)
                when = ""
                if op.seconds_ago is not None:
                    moment = datetime.fromtimestamp(now.timestamp() - op.seconds_ago, UTC)
                    when = moment.isoformat(timespec="minutes")
                entries.append(
                    _entry(
                        "android-appop",
                        POWERS,
                        f"{package}: {op.op} {op.mode}"
                        + (s.say("android.evidence.last_used", when=when) if when else ""),
                        package,
                        ops.command,
                        op=op.op,
                        mode=op.mode,
                        recent="yes" if recent else "",
                        last_used=when,
                        **_label(apps, lookup, package),
                    )
                )
    for name, info in apps.details.items():
        if BACKGROUND_LOCATION in info.granted:
            entries.append(
                _entry(
                    "android-appop",
                    POWERS,
                    s.say("android.evidence.background_location", name=name),
                    name,
                    check_again(name),
                    op="BACKGROUND_LOCATION",
                    mode="allow",
                    **_label(apps, lookup, name),
                )
            )
    return entries


def _settings(s: _Session) -> list[Entry]:
    entries: list[Entry] = []
    secure = tuple(n for n in SECURE_SETTINGS if n.startswith("install_"))
    for namespace, names in (("secure", secure), ("global", GLOBAL_SETTINGS)):
        for name in names:
            result = s.run(SETTINGS, "settings", "get", namespace, name)
            if result is None:
                continue
            value = parse_setting(result.text)
            entries.append(
                _entry(
                    "android-setting",
                    SETTINGS,
                    f"settings {namespace} {name} = {value if value is not None else 'null'}",
                    name,
                    result.command,
                    namespace=namespace,
                    value=value if value is not None else "null",
                )
            )
    return entries


def _root(s: _Session, apps: _Apps) -> list[Entry]:
    entries: list[Entry] = []
    for prop, bad in (("ro.debuggable", "1"), ("ro.secure", "0")):
        result = s.run(ROOT, "getprop", prop)
        if result is not None and parse_value(result.text) == bad:
            entries.append(
                _entry("android-root", ROOT, f"{prop}={bad}", prop, result.command, sign="prop")
            )
    tags = s.run(ROOT, "getprop", "ro.build.tags")
    if tags is not None and parse_value(tags.text) not in ("", "release-keys"):
        value = parse_value(tags.text)
        entries.append(
            _entry("android-root", ROOT, f"ro.build.tags={value}", "ro.build.tags", tags.command)
        )
    try:
        found = s.shell("which", "su")
    except AdbTimeoutError as exc:
        s.areas[ROOT].timeout = s.areas[ROOT].timeout or exc
    except AdbError as exc:
        s.areas[ROOT].error = s.areas[ROOT].error or exc
    else:
        path = parse_value(found.text)
        if found.code == 0 or any(area.read for area in s.areas.values()):
            # `which` exits 1 when there is no su: an answer, unless the phone answers nothing
            s.areas[ROOT].read += 1
        else:
            s.areas[ROOT].failed.append(f"{found.command}: exit {found.code}")
        if found.code == 0 and path.startswith("/"):
            entries.append(_entry("android-root", ROOT, path, "su", found.command, sign="su"))
    for name in apps.names():
        if name in ROOT_PACKAGES:
            entries.append(
                _entry(
                    "android-root",
                    ROOT,
                    f"{name} ({ROOT_PACKAGES[name]})",
                    name,
                    check_again(name),
                    sign="root-manager",
                )
            )
    return entries


def _accounts(s: _Session, redact: bool) -> list[Entry]:
    result = s.run(ACCOUNTS, "dumpsys", "account")
    if result is None:
        return []
    entries: list[Entry] = []
    for number, (name, kind) in enumerate(parse_accounts(result.text), 1):
        shown = f"[account-{number}]" if redact else name
        entries.append(
            _entry(
                "android-account",
                ACCOUNTS,
                f"{shown} ({kind})",
                shown,
                result.command,
                type=kind,
            )
        )
    return entries


def _rows(s: _Session, entries: list[Entry], lookup: IndicatorsLookup | None) -> list[CheckRow]:
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.collector] = counts.get(entry.collector, 0) + 1
    rows: list[CheckRow] = []
    for area in AREAS:
        if area == INDICATORS:
            continue
        state = s.areas[area]
        count = str(counts.get(area, 0))
        if state.crash:
            rows.append(
                CheckRow(
                    area, CoverageStatus.FAILED, "phone.coverage.failed", {"commands": state.crash}
                )
            )
        elif state.timeout is not None:
            status = CoverageStatus.PARTIAL if state.read else CoverageStatus.FAILED
            rows.append(CheckRow(area, status, state.timeout.key, dict(state.timeout.values)))
        elif state.error is not None:
            rows.append(CheckRow(area, CoverageStatus.FAILED, state.error.key, state.error.values))
        elif state.failed and state.read:
            rows.append(
                CheckRow(
                    area,
                    CoverageStatus.PARTIAL,
                    "phone.coverage.partial",
                    {"count": count, "commands": "; ".join(state.failed)},
                    tuple(state.failed),
                )
            )
        elif state.failed:
            rows.append(
                CheckRow(
                    area,
                    CoverageStatus.FAILED,
                    "phone.coverage.failed",
                    {"commands": "; ".join(state.failed)},
                    tuple(state.failed),
                )
            )
        else:
            rows.append(
                CheckRow(
                    area,
                    CoverageStatus.OK,
                    "phone.coverage.ok",
                    {"commands": str(state.read), "count": count},
                )
            )
    if lookup is None:
        rows.append(CheckRow(INDICATORS, CoverageStatus.FAILED, "phone.coverage.no_indicators"))
    else:
        apps = sum(1 for e in entries if e.kind == "android-app")
        status = CoverageStatus.OK if apps else CoverageStatus.FAILED  # no app list was read
        rows.append(CheckRow(INDICATORS, status, "phone.coverage.indicators", {"count": str(apps)}))
    return rows


def check_phone(
    adb: PhoneShell,
    serial: str,
    indicators_lookup: IndicatorsLookup | None,
    clock: Clock = lambda: datetime.now(UTC),
    redact_accounts: bool = True,
    say: Translator | None = None,
) -> tuple[list[Entry], list[CheckRow]]:
    """Everything the phone check reads, as entries, and one coverage row per area; what the
    evidence says is in the language of `say` (the report's Translator; English without)."""
    s = _Session(adb, serial, say)
    now = clock()
    entries: list[Entry] = []
    apps = _Apps()

    def step(area: str, read: Callable[[], list[Entry]]) -> None:
        try:
            entries.extend(read())
        except NotAllowedError:
            raise  # a bug that must be seen, never hidden in a coverage row
        except Exception as exc:  # a parser or check bug must not lose the rest of the phone
            s.areas[area].crash = f"{type(exc).__name__}: {exc}"

    def read_apps() -> list[Entry]:
        nonlocal apps
        apps = _read_apps(s)
        return _app_entries(apps, indicators_lookup, s.say)

    step(DEVICE, lambda: _device(s, now))
    step(APPS, read_apps)
    step(POWERS, lambda: _powers(s, apps, indicators_lookup, now))
    step(SETTINGS, lambda: _settings(s))
    step(ROOT, lambda: _root(s, apps))
    step(ACCOUNTS, lambda: _accounts(s, redact_accounts))
    return entries, _rows(s, entries, indicators_lookup)
