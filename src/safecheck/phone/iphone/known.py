"""What the iPhone check knows of the world, as plain tables. Each table names its source.

Bundle ids of jailbreak tools come from the projects' own public pages and repositories;
payload types from Apple's public Device Management documentation (the `PayloadType` of each
profile payload); the newest iOS per model from Apple's "iOS N is compatible with these devices"
support pages and the public list of model identifiers. The iOS table is as of iOS 26
(September 2025): when a newer iOS comes out, add its major number to IOS_MAJORS and move the
families it still supports to it.
"""

from __future__ import annotations

import re

# Package managers and jailbreak tools: present only on a jailbroken iPhone, or (TrollStore,
# Filza) on one where apps can be installed outside the App Store with any power.
JAILBREAK_APPS: dict[str, str] = {
    "com.saurik.Cydia": "Cydia",
    "org.coolstar.SileoStore": "Sileo",
    "xyz.willy.Zebra": "Zebra",
    "me.apptapp.installer": "Installer",
    "com.opa334.TrollStore": "TrollStore",
    "com.opa334.Dopamine": "Dopamine",
    "science.xnu.undecimus": "unc0ver",
    "com.tigisoftware.Filza": "Filza",
}
# Pieces of a domain or path in a backup's file list that only jailbreak tools leave.
JAILBREAK_PATHS: tuple[str, ...] = (
    "com.saurik.Cydia",
    "org.coolstar.Sileo",
    "xyz.willy.Zebra",
    "me.apptapp.installer",
    "com.opa334.TrollStore",
    "com.opa334.Dopamine",
    "science.xnu.undecimus",
    "MobileSubstrate",
    "/var/jb/",
)
# Where iOS keeps its own apps; an app there that is not Apple's was put there by a jailbreak.
SYSTEM_APP_FOLDERS = ("/Applications/", "/private/var/jb/", "/var/jb/")
APPLE_PREFIX = "com.apple."

# Payload types and the power each gives whoever wrote the profile.
MDM = "mdm"
VPN = "vpn"
ROOT_CERTIFICATE = "root-certificate"
CERTIFICATE = "certificate"
PROXY = "proxy"
CONTENT_FILTER = "content-filter"
DNS = "dns"
RESTRICTIONS = "restrictions"
APP_LOCK = "app-lock"
WIFI = "wifi"
ACCOUNT = "account"
WEB_CLIP = "web-clip"
OTHER = "other"
PAYLOAD_POWERS: dict[str, str] = {
    "com.apple.mdm": MDM,
    "com.apple.vpn.managed": VPN,
    "com.apple.vpn.managed.applayer": VPN,
    "com.apple.vpn.managed.appmapping": VPN,
    "com.apple.security.root": ROOT_CERTIFICATE,
    "com.apple.security.pem": CERTIFICATE,
    "com.apple.security.pkcs1": CERTIFICATE,
    "com.apple.security.pkcs12": CERTIFICATE,
    "com.apple.proxy.http.global": PROXY,
    "com.apple.webcontent-filter": CONTENT_FILTER,
    "com.apple.dnsSettings.managed": DNS,
    "com.apple.dnsProxy.managed": DNS,
    "com.apple.applicationaccess": RESTRICTIONS,
    "com.apple.app.lock": APP_LOCK,
    "com.apple.wifi.managed": WIFI,
    "com.apple.mail.managed": ACCOUNT,
    "com.apple.eas.account": ACCOUNT,
    "com.apple.caldav.account": ACCOUNT,
    "com.apple.carddav.account": ACCOUNT,
    "com.apple.webClip.managed": WEB_CLIP,
}
# Powers that let the profile's author see or steer the phone's traffic or the phone itself.
WATCHING_POWERS = frozenset({MDM, VPN, ROOT_CERTIFICATE, PROXY, CONTENT_FILTER, DNS})

# iOS major versions in order (after 18 came 26: Apple numbered by year from 2025).
IOS_MAJORS: tuple[int, ...] = (7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 26)
# The newest major iOS for each iPhone family (the number before the comma of its model
# identifier, "iPhone11,8" -> 11). Families from 12 on (iPhone 11, SE 2nd gen, and later) run
# the newest iOS of the table.
NEWEST_IOS_BY_FAMILY: dict[int, int] = {
    3: 7,  # iPhone 4
    4: 9,  # iPhone 4s
    5: 10,  # iPhone 5, 5c
    6: 12,  # iPhone 5s
    7: 12,  # iPhone 6, 6 Plus
    8: 15,  # iPhone 6s, 6s Plus, SE (1st generation)
    9: 15,  # iPhone 7, 7 Plus
    10: 16,  # iPhone 8, 8 Plus, X
    11: 18,  # iPhone XS, XS Max, XR
}
_IPHONE_MODEL = re.compile(r"iPhone(\d{1,3}),\d{1,3}")


def newest_ios(product_type: str) -> int | None:
    """The newest major iOS the model can run, or None for what is not an iPhone we know."""
    found = _IPHONE_MODEL.fullmatch(product_type)
    if found is None:
        return None
    family = int(found.group(1))
    if family < min(NEWEST_IOS_BY_FAMILY):
        return None
    return NEWEST_IOS_BY_FAMILY.get(family, IOS_MAJORS[-1])


def majors_behind(version: str, newest: int) -> int | None:
    """How many major versions `version` ("17.6.1") is behind `newest`; None if unknown."""
    head = version.split(".", 1)[0]
    if not head.isdigit() or len(head) > 3 or newest not in IOS_MAJORS:
        return None
    if int(head) >= newest:
        return 0
    if int(head) not in IOS_MAJORS:
        return None
    return max(0, IOS_MAJORS.index(newest) - IOS_MAJORS.index(int(head)))
