"""Reading a connected iPhone over USB, read-only, through pymobiledevice3.

`IPhoneConnection` is all the check asks of a phone; `UsbIPhone` answers it with
pymobiledevice3 (the optional extra `safecheck[iphone]`, imported only here, only when a live
check starts), and tests answer it with recorded values. What is asked, and nothing else:
lockdown's device values (GetValue), the installation proxy's app list (Browse), the
configuration-profile service's profile list and cloud configuration (GetProfileList,
GetCloudConfiguration) and whether Developer Mode is on (a GetValue). Nothing is installed,
removed or changed on the phone, and no backup is made.

Pairing: the phone must be unlocked and the person must tap "Trust" and enter the passcode.
The phone then remembers this computer, and so does the computer's usbmuxd service (where it
has one), until the person removes it on the phone (Settings > General > Transfer or Reset
iPhone > Reset > Reset Location & Privacy). pymobiledevice3's own copy of the pairing goes to a
private temporary folder that is removed at the end.
"""

from __future__ import annotations

import asyncio
import importlib
import shutil
import tempfile
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from safecheck.core.model import CoverageStatus
from safecheck.phone.coverage import CheckRow
from safecheck.phone.iphone.backup_facts import (
    jailbreak_app_signs,
    management_from,
)
from safecheck.phone.iphone.errors import IPhoneError
from safecheck.phone.iphone.facts import (
    APPS,
    DEVELOPER,
    DEVICE,
    HISTORY,
    JAILBREAK,
    PROFILES,
    AppFacts,
    DeviceFacts,
    IPhoneFacts,
    ProfileFacts,
)
from safecheck.phone.iphone.plists import MAX_ITEMS, flag, items, mapping, text

APP_STORE_SIGNER = "Apple iPhone OS Application Signing"
APP_ATTRIBUTES = [
    "CFBundleIdentifier",
    "CFBundleDisplayName",
    "CFBundleName",
    "CFBundleShortVersionString",
    "ApplicationType",
    "SignerIdentity",
    "ProfileValidated",
    "Path",
]
PAIR_TIMEOUT = 120.0  # seconds the person has to unlock the phone and tap Trust
DEVELOPER_MODE_SINCE = 16  # iOS major version that introduced Developer Mode


class IPhoneConnection(Protocol):
    """The read-only questions the live check asks a connected iPhone."""

    def values(self) -> dict[str, Any]:
        """Lockdown's device values (ProductType, ProductVersion, DeviceName...)."""
        ...

    def apps(self) -> list[dict[str, Any]]:
        """Every installed app (the installation proxy's Browse, system apps included)."""
        ...

    def profile_list(self) -> dict[str, Any]:
        """The configuration-profile service's GetProfileList answer."""
        ...

    def cloud_configuration(self) -> dict[str, Any] | None:
        """The cloud configuration (supervision, Automated Device Enrollment), if any."""
        ...

    def developer_mode(self) -> bool | None:
        """Whether Developer Mode is on; None before iOS 16, which has none."""
        ...


# ---- reading the facts -------------------------------------------------------------------------


def read_live_facts(phone: IPhoneConnection) -> IPhoneFacts:
    """Every fact the phone gives, with one coverage row per area."""
    facts = IPhoneFacts(live=True)
    values: dict[str, Any] = {}

    def step(area: str, read: Any) -> None:
        try:
            facts.rows.append(read())
        except IPhoneError as exc:
            facts.rows.append(
                CheckRow(
                    area, CoverageStatus.FAILED, "iphone.coverage.failed", {"reason": str(exc)}
                )
            )
        except Exception as exc:  # a damaged answer or a bug must not lose the other areas
            facts.rows.append(
                CheckRow(
                    area,
                    CoverageStatus.FAILED,
                    "iphone.coverage.failed",
                    {"reason": f"{type(exc).__name__}: {exc}"[:300]},
                )
            )

    def device() -> CheckRow:
        values.update(mapping(phone.values()))
        facts.device = device_from_values(values, None)
        return CheckRow(DEVICE, CoverageStatus.OK, "iphone.coverage.device", {"source": "lockdown"})

    def developer() -> CheckRow:
        if facts.device is None:
            return CheckRow(
                DEVELOPER,
                CoverageStatus.FAILED,
                "iphone.coverage.failed",
                {"reason": "the iOS version could not be read"},
            )
        if _major(values) < DEVELOPER_MODE_SINCE:
            return CheckRow(
                DEVELOPER, CoverageStatus.NOT_APPLICABLE, "iphone.coverage.developer_old"
            )
        facts.device = replace(facts.device, developer_mode=flag(phone.developer_mode()))
        return CheckRow(DEVELOPER, CoverageStatus.OK, "iphone.coverage.developer")

    def apps() -> CheckRow:
        facts.apps = [app_from_live(mapping(a)) for a in items(phone.apps())]
        facts.apps = [a for a in facts.apps if a.bundle_id]
        facts.jailbreak = jailbreak_app_signs(facts.apps, "installation proxy")
        return CheckRow(
            APPS, CoverageStatus.OK, "iphone.coverage.apps", {"count": str(len(facts.apps))}
        )

    def profiles() -> CheckRow:
        facts.profiles = profiles_from_list(mapping(phone.profile_list()))
        cloud = phone.cloud_configuration()
        if cloud:
            facts.management = management_from(mapping(cloud), "cloud configuration")
        return CheckRow(
            PROFILES,
            CoverageStatus.OK,
            "iphone.coverage.profiles_live",
            {"count": str(len(facts.profiles))},
        )

    step(DEVICE, device)
    step(DEVELOPER, developer)
    step(APPS, apps)
    step(PROFILES, profiles)
    if facts.jailbreak is not None:
        facts.rows.append(
            CheckRow(JAILBREAK, CoverageStatus.PARTIAL, "iphone.coverage.jailbreak_live")
        )
    else:
        facts.rows.append(
            CheckRow(JAILBREAK, CoverageStatus.FAILED, "iphone.coverage.jailbreak_no_apps")
        )
    facts.rows.append(CheckRow(HISTORY, CoverageStatus.FAILED, "iphone.coverage.history_live"))
    return facts


def _major(values: dict[str, Any]) -> int:
    head = text(values.get("ProductVersion"), 20).split(".", 1)[0]
    return int(head) if head.isdigit() and len(head) <= 3 else 0


def device_from_values(values: dict[str, Any], developer_mode: bool | None) -> DeviceFacts:
    return DeviceFacts(
        product_type=text(values.get("ProductType"), 120),
        ios_version=text(values.get("ProductVersion"), 120),
        build=text(values.get("BuildVersion"), 120),
        name=text(values.get("DeviceName"), 120),
        serial=text(values.get("SerialNumber"), 120),
        passcode_set=flag(values.get("PasswordProtected")),
        developer_mode=developer_mode,
        source="lockdown",
    )


def app_from_live(app: dict[str, Any]) -> AppFacts:
    kind = text(app.get("ApplicationType"), 40)
    signer = text(app.get("SignerIdentity"), 200)
    store, why = "", ""
    if kind == "User":
        if flag(app.get("ProfileValidated")) is True:
            store, why = "no", "installed with a developer or company profile (ProfileValidated)"
        elif signer == APP_STORE_SIGNER:
            store, why = "yes", "signed by the App Store"
    return AppFacts(
        bundle_id=text(app.get("CFBundleIdentifier"), 255),
        name=text(app.get("CFBundleDisplayName"), 120) or text(app.get("CFBundleName"), 120),
        version=text(app.get("CFBundleShortVersionString"), 60),
        path=text(app.get("Path")),
        store=store,
        store_detail=why,
        system=kind not in ("User", ""),
        source="installation proxy",
    )


def profiles_from_list(answer: dict[str, Any]) -> list[ProfileFacts]:
    """Profiles of a GetProfileList answer: names and issuers; their contents are not given."""
    metadata = mapping(answer.get("ProfileMetadata"))
    order = [text(i, 200) for i in items(answer.get("OrderedIdentifiers"))]
    identifiers = list(dict.fromkeys([i for i in order if i] + list(metadata)))[:MAX_ITEMS]
    found: list[ProfileFacts] = []
    for identifier in identifiers:
        meta = mapping(metadata.get(identifier))
        found.append(
            ProfileFacts(
                identifier=identifier[:200],
                name=text(meta.get("PayloadDisplayName"), 200),
                organization=text(meta.get("PayloadOrganization"), 200),
                description=text(meta.get("PayloadDescription"), 300),
                payload_types=None,
                removal_disallowed=flag(meta.get("PayloadRemovalDisallowed")),
                source="profile list",
            )
        )
    return found


# ---- pymobiledevice3 -------------------------------------------------------------------------

# pymobiledevice3's errors, by class name (its module is imported only when a check starts),
# and the message key that tells the person what to do.
_ERROR_KEYS = {
    "NoDeviceConnectedError": "iphone.live.no_device",
    "DeviceNotFoundError": "iphone.live.no_device",
    "ConnectionFailedToUsbmuxdError": "iphone.live.no_usbmuxd",
    "PasswordRequiredError": "iphone.live.locked",
    "PasscodeRequiredError": "iphone.live.locked",
    "PairingDialogResponsePendingError": "iphone.live.not_trusted",
    "NotPairedError": "iphone.live.not_trusted",
    "NotTrustedError": "iphone.live.not_trusted",
    "UserDeniedPairingError": "iphone.live.denied",
}


def error_key(exc: BaseException) -> str | None:
    for cls in type(exc).__mro__:
        key = _ERROR_KEYS.get(cls.__name__)
        if key:
            return key
    return None


class UsbIPhone:
    """An iPhone connected by USB, through pymobiledevice3. Use as a context manager."""

    def __init__(self, serial: str | None = None, pair_timeout: float = PAIR_TIMEOUT) -> None:
        self.serial = serial
        self.pair_timeout = pair_timeout
        self._runner: asyncio.Runner | None = None
        self._lockdown: Any = None
        self._folder: Path | None = None

    def __enter__(self) -> UsbIPhone:
        lockdown_module = _import("pymobiledevice3.lockdown")
        self._folder = Path(tempfile.mkdtemp(prefix="safecheck-pairing-"))
        self._runner = asyncio.Runner()
        try:
            self._lockdown = self._run(
                lockdown_module.create_using_usbmux(
                    serial=self.serial,
                    autopair=True,
                    connection_type="USB",  # never an iPhone synced over Wi-Fi
                    pair_timeout=self.pair_timeout,
                    pairing_records_cache_folder=self._folder,
                )
            )
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            if self._lockdown is not None and self._runner is not None:
                self._run(self._lockdown.close())
        except IPhoneError:
            pass  # the phone is gone: nothing left to close
        finally:
            self._lockdown = None
            if self._runner is not None:
                self._runner.close()
                self._runner = None
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None

    def _run(self, work: Coroutine[Any, Any, Any]) -> Any:
        if self._runner is None:
            raise IPhoneError("the phone is not connected", key="iphone.live.no_device")
        try:
            return self._runner.run(work)
        except Exception as exc:
            key = error_key(exc)
            if key is None:
                raise IPhoneError(
                    f"{type(exc).__name__}: {exc}"[:300],
                    key="iphone.live.failed",
                    error=type(exc).__name__,
                ) from exc
            raise IPhoneError(str(exc)[:300] or key, key=key) from exc

    def values(self) -> dict[str, Any]:
        return mapping(self._lockdown.all_values)

    def apps(self) -> list[dict[str, Any]]:
        module = _import("pymobiledevice3.services.installation_proxy")

        async def browse() -> Any:
            async with module.InstallationProxyService(lockdown=self._lockdown) as service:
                return await service.browse(
                    options={"ApplicationType": "Any"}, attributes=list(APP_ATTRIBUTES)
                )

        return [mapping(a) for a in items(self._run(browse()))]

    def profile_list(self) -> dict[str, Any]:
        module = _import("pymobiledevice3.services.mobile_config")

        async def ask() -> Any:
            async with module.MobileConfigService(lockdown=self._lockdown) as service:
                return await service.get_profile_list()

        return mapping(self._run(ask()))

    def cloud_configuration(self) -> dict[str, Any] | None:
        module = _import("pymobiledevice3.services.mobile_config")

        async def ask() -> Any:
            async with module.MobileConfigService(lockdown=self._lockdown) as service:
                return await service.get_cloud_configuration()

        answer = self._run(ask())
        return mapping(answer) if answer else None

    def developer_mode(self) -> bool | None:
        return bool(self._run(self._lockdown.get_developer_mode_status()))

    def make_backup(self, folder: Path, progress: Callable[[float], None]) -> Path:
        """Asked for with `--make-backup`: a full backup into `folder`/<identifier>, which is
        returned. Only writes on this computer; the iPhone shows that a backup is running."""
        module = _import("pymobiledevice3.services.mobilebackup2")

        async def back_up() -> None:
            async with module.Mobilebackup2Service(lockdown=self._lockdown) as service:
                await service.backup(full=True, backup_directory=folder, progress_callback=progress)

        self._run(back_up())
        identifier = str(getattr(self._lockdown, "udid", "") or "")
        if not identifier or "/" in identifier or "\\" in identifier or identifier.startswith("."):
            raise IPhoneError(
                "the iPhone gave no usable identifier", key="iphone.live.failed", error="identifier"
            )
        return folder / identifier


def list_usb_iphones() -> list[str]:
    """The identifiers of the iPhones connected by USB (usbmuxd's list; nothing is asked of
    the phones). Raises IPhoneError when pymobiledevice3 or usbmuxd is missing."""
    module = _import("pymobiledevice3.usbmux")
    try:
        devices = asyncio.run(module.list_devices())
    except Exception as exc:
        key = error_key(exc) or "iphone.live.no_usbmuxd"
        raise IPhoneError(str(exc)[:300] or key, key=key) from exc
    return [str(d.serial) for d in devices if getattr(d, "connection_type", "") == "USB"]


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise IPhoneError(
            "pymobiledevice3 is not installed", key="iphone.live.missing_library"
        ) from None
