"""A connected iPhone for the tests: answers shaped like pymobiledevice3's (lockdown values,
installation proxy Browse, MCInstall GetProfileList and GetCloudConfiguration), and a fake
pymobiledevice3 package that serves them to `UsbIPhone`. The fake has only the read-only calls
the check may make: any other call fails the test."""

from __future__ import annotations

import copy
import sys
import types
from pathlib import Path
from typing import Any

import pytest

VALUES: dict[str, Any] = {
    "BuildVersion": "22G100",
    "DeviceClass": "iPhone",
    "DeviceName": "Alice's iPhone",
    "PasswordProtected": True,
    "ProductType": "iPhone12,1",
    "ProductVersion": "18.6.2",
    "SerialNumber": "F2LXK0ABCDEF",
    "UniqueDeviceID": "00008030-001A2B3C4D5E6F70",
}
APPS: list[dict[str, Any]] = [
    {
        "CFBundleIdentifier": "com.apple.mobilesafari",
        "CFBundleDisplayName": "Safari",
        "ApplicationType": "System",
        "Path": "/Applications/MobileSafari.app",
    },
    {
        "CFBundleIdentifier": "net.whatsapp.WhatsApp",
        "CFBundleDisplayName": "WhatsApp",
        "CFBundleShortVersionString": "25.20.1",
        "ApplicationType": "User",
        "SignerIdentity": "Apple iPhone OS Application Signing",
        "Path": "/private/var/containers/Bundle/Application/6F1C/WhatsApp.app",
    },
    {
        "CFBundleIdentifier": "com.spyco.agent",
        "CFBundleName": "Sync",
        "ApplicationType": "User",
        "SignerIdentity": "iPhone Distribution: SpyCo Ltd",
        "ProfileValidated": True,
        "Path": "/private/var/containers/Bundle/Application/9A2B/Sync.app",
    },
    {
        "CFBundleIdentifier": "com.example.companyapp",
        "ApplicationType": "User",
        "SignerIdentity": "iPhone Distribution: Example Corp",
        "ProfileValidated": True,
        "Path": "/private/var/containers/Bundle/Application/1D3E/Company.app",
    },
    {
        "CFBundleIdentifier": "com.example.tweakui",
        "ApplicationType": "System",
        "Path": "/var/jb/Applications/TweakUI.app",
    },
]
PROFILE_LIST: dict[str, Any] = {
    "OrderedIdentifiers": ["com.spyco.mdm", "org.example.vpn"],
    "ProfileManifest": {
        "com.spyco.mdm": {"Description": "Device Manager", "IsActive": True},
        "org.example.vpn": {"Description": "Secure Browsing", "IsActive": True},
    },
    "ProfileMetadata": {
        "com.spyco.mdm": {
            "PayloadDisplayName": "Device Manager",
            "PayloadOrganization": "Totally Legit Ltd",
            "PayloadRemovalDisallowed": True,
            "PayloadUUID": "5B3F8C1A-0000-4000-8000-000000000001",
            "PayloadVersion": 1,
        },
        "org.example.vpn": {
            "PayloadDisplayName": "Secure Browsing",
            "PayloadOrganization": "Example Org",
            "PayloadRemovalDisallowed": False,
            "PayloadUUID": "5B3F8C1A-0000-4000-8000-000000000002",
            "PayloadVersion": 1,
        },
    },
    "Status": "Acknowledged",
}
CLOUD_CONFIGURATION: dict[str, Any] = {
    "AllowPairing": True,
    "CloudConfigurationUIComplete": True,
    "ConfigurationURL": "https://mdm.spyco.example/enroll",
    "IsMDMUnremovable": False,
    "IsMandatory": True,
    "IsSupervised": True,
    "OrganizationName": "Totally Legit Ltd",
}


class FakeIPhone:
    """`IPhoneConnection` with recorded answers; `fail` names calls that raise instead."""

    def __init__(self, fail: tuple[str, ...] = (), developer: bool | None = True) -> None:
        self.fail = fail
        self.values_ = copy.deepcopy(VALUES)
        self.apps_ = copy.deepcopy(APPS)
        self.profiles_ = copy.deepcopy(PROFILE_LIST)
        self.cloud_: dict[str, Any] | None = copy.deepcopy(CLOUD_CONFIGURATION)
        self.developer = developer

    def _check(self, call: str) -> None:
        if call in self.fail:
            raise ConnectionResetError(f"{call}: the phone went away")

    def values(self) -> dict[str, Any]:
        self._check("values")
        return self.values_

    def apps(self) -> list[dict[str, Any]]:
        self._check("apps")
        return self.apps_

    def profile_list(self) -> dict[str, Any]:
        self._check("profile_list")
        return self.profiles_

    def cloud_configuration(self) -> dict[str, Any] | None:
        self._check("cloud_configuration")
        return self.cloud_

    def developer_mode(self) -> bool | None:
        self._check("developer_mode")
        return self.developer


class FakeLibrary:
    """A pymobiledevice3 stand-in installed in sys.modules; records what was asked."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.connect_kwargs: dict[str, Any] = {}
        self.pairing_folder_existed = False
        self.connect_error: Exception | None = None
        self.closed = False

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        library = self
        errors = types.ModuleType("pymobiledevice3.exceptions")

        class PyMobileDevice3Exception(Exception):
            pass

        class NoDeviceConnectedError(PyMobileDevice3Exception):
            pass

        class PairingError(PyMobileDevice3Exception):
            pass

        class PasswordRequiredError(PairingError):
            pass

        errors.NoDeviceConnectedError = NoDeviceConnectedError  # type: ignore[attr-defined]
        errors.PasswordRequiredError = PasswordRequiredError  # type: ignore[attr-defined]
        errors.OtherError = type("MuxException", (PyMobileDevice3Exception,), {})  # type: ignore[attr-defined]

        class Lockdown:
            all_values = copy.deepcopy(VALUES)
            udid = VALUES["UniqueDeviceID"]

            async def get_developer_mode_status(self) -> bool:
                library.calls.append("get_developer_mode_status")
                return True

            async def close(self) -> None:
                library.closed = True

        async def create_using_usbmux(**kwargs: Any) -> Lockdown:
            library.connect_kwargs = kwargs
            library.pairing_folder_existed = Path(kwargs["pairing_records_cache_folder"]).is_dir()
            if library.connect_error is not None:
                raise library.connect_error
            return Lockdown()

        class Service:
            def __init__(self, lockdown: Lockdown) -> None:
                assert isinstance(lockdown, Lockdown)

            async def __aenter__(self) -> Service:
                return self

            async def __aexit__(self, *_exc: object) -> None:
                return None

        class InstallationProxyService(Service):
            async def browse(
                self, options: dict[str, Any], attributes: list[str]
            ) -> list[dict[str, Any]]:
                library.calls.append(f"browse {options['ApplicationType']}")
                assert "CFBundleIdentifier" in attributes
                return copy.deepcopy(APPS)

        class MobileConfigService(Service):
            async def get_profile_list(self) -> dict[str, Any]:
                library.calls.append("get_profile_list")
                return copy.deepcopy(PROFILE_LIST)

            async def get_cloud_configuration(self) -> dict[str, Any]:
                library.calls.append("get_cloud_configuration")
                return copy.deepcopy(CLOUD_CONFIGURATION)

        lockdown_module = types.ModuleType("pymobiledevice3.lockdown")
        lockdown_module.create_using_usbmux = create_using_usbmux  # type: ignore[attr-defined]
        proxy = types.ModuleType("pymobiledevice3.services.installation_proxy")
        proxy.InstallationProxyService = InstallationProxyService  # type: ignore[attr-defined]
        config = types.ModuleType("pymobiledevice3.services.mobile_config")
        config.MobileConfigService = MobileConfigService  # type: ignore[attr-defined]
        for name, module in (
            ("pymobiledevice3", types.ModuleType("pymobiledevice3")),
            ("pymobiledevice3.exceptions", errors),
            ("pymobiledevice3.lockdown", lockdown_module),
            ("pymobiledevice3.services", types.ModuleType("pymobiledevice3.services")),
            ("pymobiledevice3.services.installation_proxy", proxy),
            ("pymobiledevice3.services.mobile_config", config),
        ):
            monkeypatch.setitem(sys.modules, name, module)
        self.errors = errors


def without_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `import pymobiledevice3` fail, as on a machine without the extra."""
    for name in list(sys.modules):
        if name.startswith("pymobiledevice3"):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pymobiledevice3", None)
