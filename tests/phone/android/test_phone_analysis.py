"""Judging phone entries: which rule, and what is left alone (the phone's own system apps)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from safecheck.core.entries import Entry
from safecheck.phone.android import checks as phone_check
from safecheck.phone.android.adb import Adb
from safecheck.phone.android.analysis import impersonates_system, judge_phone
from safecheck.phone.android.checks import check_phone
from safecheck.report.rules import load_rules


def entry(kind: str, name: str = "com.x", **facts: str) -> Entry:
    return Entry("android.test", kind, "here", name, "adb shell x", details=tuple(facts.items()))


def rules_of(item: Entry) -> list[str]:
    return [hit.rule for hit in judge_phone(item)]


def test_every_rule_used_exists_with_the_safety_note() -> None:
    rules = load_rules()
    phone = {k: r for k, r in rules.items() if k.startswith("SC-AND-")}
    assert len(phone) >= 20
    for rule in phone.values():
        for lang in ("en", "fr"):
            assert rule.safety[lang]
        assert "destroys evidence" in rule.safety["en"]
        assert "Document first" in rule.safety["en"]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            entry("android-app", indicator="mSpy", indicator_type="stalkerware"),
            ["SC-AND-STALKERWARE"],
        ),
        (
            entry(
                "android-app",
                third_party="yes",
                store="yes",
                launcher="yes",
                indicator="FamiSafe",
                indicator_type="watchware",
            ),
            ["SC-AND-WATCHWARE"],
        ),
        (entry("android-app", third_party="yes", store="yes", launcher="yes"), []),
        (entry("android-app", third_party="no", store="no", launcher="no"), []),
        (
            entry(
                "android-app",
                "com.android.systemservice",
                third_party="yes",
                store="no",
                launcher="no",
            ),
            ["SC-AND-IMPERSONATION", "SC-AND-OFFSTORE", "SC-AND-HIDDEN"],
        ),
        (entry("android-accessibility", third_party="no"), []),
        (entry("android-accessibility", third_party="yes"), ["SC-AND-ACCESSIBILITY"]),
        (entry("android-notification-listener", third_party=""), ["SC-AND-NOTIFICATIONS"]),
        (entry("android-device-admin", third_party="no"), []),
        (entry("android-device-owner", third_party="no"), ["SC-AND-DEVICE-OWNER"]),
        (entry("android-appop", third_party="yes", op="GET_USAGE_STATS"), ["SC-AND-USAGE-ACCESS"]),
        (
            entry("android-appop", third_party="yes", op="CAMERA", recent="yes"),
            ["SC-AND-RECENT-SENSORS"],
        ),
        (entry("android-appop", third_party="no", op="SYSTEM_ALERT_WINDOW"), []),
        (
            entry("android-setting", "package_verifier_enable", value="0"),
            ["SC-AND-PLAY-PROTECT-OFF"],
        ),
        (entry("android-setting", "package_verifier_enable", value="1"), []),
        (
            entry("android-setting", "package_verifier_user_consent", value="-1"),
            ["SC-AND-PLAY-PROTECT-OFF"],
        ),
        (entry("android-setting", "install_non_market_apps", value="null"), []),
        (entry("android-root", "su"), ["SC-AND-ROOT"]),
        (entry("android-device", "Pixel 7", clock_offset="-40", patch_age_days="30"), []),
        (
            entry(
                "android-device",
                "Pixel 7",
                clock_offset="900",
                patch_age_days="800",
                patch="2021-01-05",
            ),
            ["SC-AND-CLOCK", "SC-AND-PATCH-OLD"],
        ),
    ],
)
def test_judge_phone(item: Entry, expected: list[str]) -> None:
    assert rules_of(item) == expected


def test_impersonation_names() -> None:
    assert impersonates_system("com.android.update")
    assert impersonates_system("com.sync.helper.service")
    assert impersonates_system("com.systemservice")
    assert not impersonates_system("org.thoughtcrime.securesms")
    assert not impersonates_system("com.whatsapp")


class BrokenRunner:
    """Answers every command with output that makes nothing of sense."""

    def run(self, argv: list[str], timeout: float = 10.0) -> tuple[int, str]:
        return 0, "\x00\ufffd garbage ]]]"


def test_a_bug_in_one_area_becomes_a_coverage_row(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object) -> list[Entry]:
        raise KeyError("surprise")

    broken: Callable[..., list[Entry]] = boom
    monkeypatch.setattr(phone_check, "_settings", broken)
    _entries, rows = check_phone(
        Adb(BrokenRunner()), "X1", None, lambda: datetime(2024, 1, 1, tzinfo=UTC)
    )
    settings = next(r for r in rows if r.id == phone_check.SETTINGS)
    assert settings.values["commands"] == "KeyError: 'surprise'"
    assert {r.id for r in rows} == set(phone_check.AREAS)
