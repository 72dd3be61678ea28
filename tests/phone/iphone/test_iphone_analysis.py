"""Judging iPhone entries, and the tables behind the judgement."""

from __future__ import annotations

import pytest

from safecheck.core.entries import Entry
from safecheck.phone.iphone import known
from safecheck.phone.iphone.analysis import judge_iphone
from safecheck.phone.iphone.checks import profile_entry
from safecheck.phone.iphone.facts import ProfileFacts
from safecheck.report.rules import load_rules


def entry(kind: str, name: str = "com.x", **facts: str) -> Entry:
    return Entry("iphone.test", kind, "here", name, "Manifest.plist", details=tuple(facts.items()))


def rules_of(item: Entry) -> list[str]:
    return [hit.rule for hit in judge_iphone(item)]


def test_every_iphone_rule_exists_with_a_safety_note_in_both_languages() -> None:
    rules = {k: r for k, r in load_rules().items() if k.startswith("SC-IOS-")}
    assert len(rules) == 13
    for rule in rules.values():
        assert rule.safety["en"] and rule.safety["fr"]
        assert "Document first" in rule.safety["en"]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (entry("iphone-app", indicator="X", indicator_type="stalkerware"), ["SC-IOS-STALKERWARE"]),
        (entry("iphone-app", indicator="Y", indicator_type="watchware"), ["SC-IOS-WATCHWARE"]),
        (entry("iphone-app", store="no"), ["SC-IOS-NOT-APP-STORE"]),
        (entry("iphone-app", store="no", system="yes"), []),
        (entry("iphone-app", store="yes"), []),
        (entry("iphone-app"), []),  # cannot be told: no finding
        (entry("iphone-profile", powers="web-clip"), ["SC-IOS-PROFILE"]),
        (entry("iphone-profile", contents="unknown"), ["SC-IOS-PROFILE"]),
        (entry("iphone-profile", powers="vpn", watching="vpn"), ["SC-IOS-PROFILE-WATCHING"]),
        (entry("iphone-profile", powers="mdm", watching="mdm", mdm="yes"), ["SC-IOS-MDM"]),
        (entry("iphone-management", supervised="yes"), ["SC-IOS-SUPERVISED"]),
        (entry("iphone-management", supervised="no", enrolment_server="m.test"), ["SC-IOS-MDM"]),
        (entry("iphone-management", supervised="no"), []),
        (entry("iphone-jailbreak", sign="app"), ["SC-IOS-JAILBREAK"]),
        (
            entry("iphone-site-visit", indicator="S", indicator_type="stalkerware"),
            ["SC-IOS-STALKERWARE-SITE"],
        ),
        (entry("iphone-site-visit", indicator="W", indicator_type="watchware"), []),
        (
            entry("iphone-device", majors_behind="1", ios="18.7", newest_ios="26"),
            ["SC-IOS-OLD-VERSION"],
        ),
        (entry("iphone-device", majors_behind="0", passcode="yes"), []),
        (entry("iphone-device", passcode="no"), ["SC-IOS-NO-PASSCODE"]),
        (entry("iphone-device", developer_mode="yes"), ["SC-IOS-DEVELOPER-MODE"]),
        (entry("iphone-apple-accounts", accounts="2"), ["SC-IOS-APPLE-ACCOUNTS"]),
        (entry("something-else"), []),
    ],
)
def test_rules(item: Entry, expected: list[str]) -> None:
    assert rules_of(item) == expected


def test_a_wifi_proxy_is_a_watching_power() -> None:
    wifi = ProfileFacts("p", payload_types=("com.apple.wifi.managed",), proxy=True)
    assert rules_of(profile_entry(wifi)) == ["SC-IOS-PROFILE-WATCHING"]
    plain_wifi = ProfileFacts("p", payload_types=("com.apple.wifi.managed",))
    assert rules_of(profile_entry(plain_wifi)) == ["SC-IOS-PROFILE"]
    unknown = ProfileFacts("p", payload_types=("com.example.future",))
    assert profile_entry(unknown).detail("powers") == "other"


@pytest.mark.parametrize(
    ("model", "newest"),
    [
        ("iPhone14,5", 26),
        ("iPhone12,8", 26),  # SE (2nd generation)
        ("iPhone18,1", 26),
        ("iPhone11,8", 18),  # XR
        ("iPhone10,6", 16),  # X
        ("iPhone8,4", 15),  # SE (1st generation)
        ("iPhone7,2", 12),
        ("iPad13,1", None),
        ("iPhone", None),
        ("iPhone2,1", None),
    ],
)
def test_newest_ios(model: str, newest: int | None) -> None:
    assert known.newest_ios(model) == newest


@pytest.mark.parametrize(
    ("version", "newest", "behind"),
    [
        ("17.6.1", 26, 2),
        ("18.7", 26, 1),  # after 18 came 26, not 19
        ("26.1", 26, 0),
        ("27.0", 26, 0),  # newer than the table
        ("16.7.10", 16, 0),
        ("15.8", 16, 1),
        ("", 26, None),
        ("beta", 26, None),
        ("6.1", 26, None),
    ],
)
def test_majors_behind(version: str, newest: int, behind: int | None) -> None:
    assert known.majors_behind(version, newest) == behind
