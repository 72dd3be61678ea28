"""The facts of one iPhone, read from a backup or live, before they become entries.

Both readers (`backup_facts.py`, `live.py`) fill an `IPhoneFacts`; a list left None means the
area could not be read at all (its coverage row says why), an empty list that nothing was found.
Every text here came from the phone or the backup: never trusted, already cut to size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from safecheck.phone.coverage import CheckRow

DEVICE = "iphone.device"
APPS = "iphone.apps"
PROFILES = "iphone.profiles"
JAILBREAK = "iphone.jailbreak"
HISTORY = "iphone.history"
DEVELOPER = "iphone.developer_mode"
INDICATORS = "iphone.indicators"
ICLOUD = "iphone.icloud"
FIND_MY = "iphone.find_my"


@dataclass(frozen=True)
class DeviceFacts:
    product_type: str = ""  # the model identifier, "iPhone14,2"
    product_name: str = ""  # "iPhone 13 Pro", when the source says
    ios_version: str = ""
    build: str = ""
    name: str = ""  # the name its owner gave it: personal
    serial: str = ""  # personal
    passcode_set: bool | None = None
    developer_mode: bool | None = None
    backup_date: datetime | None = None
    source: str = ""  # where these values were read ("Info.plist", "lockdown")


@dataclass(frozen=True)
class AppFacts:
    bundle_id: str
    name: str = ""
    version: str = ""
    path: str = ""  # where iOS installed it, when the source says
    store: str = ""  # "yes" from the App Store, "no" not, "" cannot be told
    store_detail: str = ""  # why we say so, short English
    system: bool = False  # part of iOS (live only: backups hold only installed apps)
    purchaser: str = ""  # the Apple Account that downloaded it: personal
    source: str = ""


@dataclass(frozen=True)
class ProfileFacts:
    identifier: str
    name: str = ""
    organization: str = ""
    description: str = ""
    payload_types: tuple[str, ...] | None = None  # None: the contents could not be read
    removal_disallowed: bool | None = None
    installed: datetime | None = None
    mdm_server: str = ""  # host of an MDM payload's server
    proxy: bool = False  # a Wi-Fi payload that sets a proxy
    source: str = ""


@dataclass(frozen=True)
class ManagementFacts:
    """The phone's cloud configuration: Automated Device Enrollment and supervision."""

    supervised: bool | None = None
    organization: str = ""
    enrolment_server: str = ""  # host of the configuration URL
    mdm_unremovable: bool | None = None
    source: str = ""


@dataclass(frozen=True)
class JailbreakSign:
    kind: str  # "app", "system-app", "file"
    name: str  # bundle id, or the matched domain/path
    label: str = ""  # the tool's name when known
    source: str = ""


@dataclass(frozen=True)
class SiteVisits:
    """Visits to one site (scheme and host only: the rest of an address can be private)."""

    site: str
    host: str
    count: int
    first: datetime | None
    last: datetime | None
    recent: tuple[datetime, ...] = ()  # a few of the latest visits
    indicator: str = ""  # the product the indicators name for this site
    indicator_type: str = ""  # "stalkerware" or "watchware"
    source: str = ""


@dataclass
class IPhoneFacts:
    device: DeviceFacts | None = None
    apps: list[AppFacts] | None = None
    profiles: list[ProfileFacts] | None = None
    management: ManagementFacts | None = None
    jailbreak: list[JailbreakSign] | None = None
    visits: list[SiteVisits] | None = None  # only sites of the indicators are kept
    rows: list[CheckRow] = field(default_factory=list)
    live: bool = False
