"""Redaction for sharing a report beyond the advocate."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safecheck.core.model import (
    Confidence,
    Coverage,
    CoverageStatus,
    Evidence,
    Finding,
    Outcome,
    Severity,
)
from safecheck.report.model import AnsweredItem, Metadata, Report, Risk
from safecheck.report.redact import redact_report, redact_text
from safecheck.report.render.json_report import render_json

SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
EMAIL = "amira.k@example.fr"
PHONE_INTL = "+33 6 12 34 56 78"
PHONE_FR = "06 12 34 56 78"


def make_report() -> Report:
    finding = Finding(
        id="SC-LNX-AUTOSTART-HOME",
        title="A program starts from amira's home folder on amira-laptop",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        source="linux.autostart",
        category="suspicious-startup",
        explanation=f"It sends reports to {EMAIL} and texts {PHONE_INTL}.",
        steps=(
            "Do not remove it yet: write down /home/amira/.config/autostart/sync.desktop",
            "Call 3919 or 116 006 (free) before acting; in danger call 17 or 112.",
        ),
        safety_note=f"Removing it may alert whoever reads {EMAIL}.",
        evidence=(
            Evidence(
                path="/home/amira/.config/autostart/amira-laptop-sync.desktop",
                line=3,
                command=f"/home/amira/.local/bin/relay --to {EMAIL} --sms {PHONE_FR}",
                pid=4242,
                process="relay",
                user="amira",
                port=5900,
                sha256=SHA,
                modified="2026-11-27T10:30:00+00:00",
                note="connected to 10.0.0.1:5900 at 10:30 from AMIRA-LAPTOP, relay 0.1.0",
            ),
            Evidence(path=f"/home/amira/Documents/{PHONE_FR}.vcf", user="root", pid=4243),
        ),
        references=("Coalition Against Stalkerware, https://stopstalkerware.org/",),
    )
    answer = AnsweredItem(
        item_id="acct-forwarding",
        checklist_id="accounts",
        question="Is your mail forwarded somewhere you do not know?",
        answer="yes",
        outcome=Outcome.ACT,
        severity=Severity.HIGH,
        note=f"Forwarded to {EMAIL.upper()} since 2026-11-27; he calls from 06.12.34.56.78",
    )
    risk = Risk(item_id="sit-access", text="The other person had the phone.", severity=Severity.LOW,
                possible=True)  # fmt: skip
    coverage = Coverage(
        id="linux.ssh",
        status=CoverageStatus.PARTIAL,
        reason="could not read /home/amira/.ssh (needs root)",
        details=("/home/amira/.ssh/authorized_keys: permission denied",),
    )
    metadata = Metadata(
        tool="safecheck",
        version="0.1.0",
        generated_at="2026-11-27T10:30:00+00:00",
        language="en",
        country="FR",
        advocate_mode=True,
        data_versions={"accounts": "1"},
        host={"platform": "linux", "root": "/", "live": True, "hostname": "amira-laptop",
              "entries": 4242},
    )  # fmt: skip
    return Report(
        metadata=metadata,
        findings=(finding,),
        answers=(answer,),
        risks=(risk,),
        coverage=(coverage,),
    )


def as_json(report: Report) -> str:
    return json.dumps(dataclasses.asdict(report), default=str, ensure_ascii=False)


@pytest.fixture
def redacted() -> Report:
    return redact_report(make_report())


def test_nothing_personal_remains(redacted: Report) -> None:
    original = as_json(make_report())
    text = as_json(redacted)
    for secret in ("amira", "example.fr", "12 34 56 78", "12.34.56.78", "+33"):
        assert secret in original.lower()
        assert secret not in text.lower(), secret
    assert "12345678" not in re.sub(r"\D", "", text)
    assert "amira" not in render_json(redacted).lower()


def test_what_is_not_personal_remains(redacted: Report) -> None:
    text = as_json(redacted)
    for kept in ("3919", "116 006", " 17 ", "112", "2026-11-27", "10.0.0.1:5900", "10:30", SHA,
                 "0.1.0", "needs root", "https://stopstalkerware.org/"):  # fmt: skip
        assert kept in text, kept
    evidence = redacted.findings[0].evidence
    assert evidence[0].pid == 4242 and evidence[0].port == 5900
    assert evidence[1].user == "root"
    assert redacted.metadata.host["entries"] == 4242
    assert redacted.metadata.host["live"] is True
    assert redacted.findings[0].id == "SC-LNX-AUTOSTART-HOME"
    assert redacted.answers[0].item_id == "acct-forwarding"


def test_placeholders_are_consistent(redacted: Report) -> None:
    finding = redacted.findings[0]
    evidence = finding.evidence[0]
    assert evidence.user == "[user-1]"
    assert redacted.metadata.host["hostname"] == "[host-1]"
    # Home paths keep their meaning.
    assert evidence.path == "/home/[user-1]/.config/autostart/[host-1]-sync.desktop"
    assert finding.evidence[1].path == "/home/[user-1]/Documents/[phone-1].vcf"
    assert redacted.coverage[0].reason == "could not read /home/[user-1]/.ssh (needs root)"
    # The same e-mail (in any letter case) and the same number (in any form): one placeholder.
    assert finding.explanation == "It sends reports to [email-1] and texts [phone-1]."
    assert finding.safety_note == "Removing it may alert whoever reads [email-1]."
    assert evidence.command == "/home/[user-1]/.local/bin/relay --to [email-1] --sms [phone-1]"
    assert redacted.answers[0].note == (
        "Forwarded to [email-1] since 2026-11-27; he calls from [phone-1]"
    )
    assert finding.title == "A program starts from [user-1]'s home folder on [host-1]"
    assert "from [host-1], relay 0.1.0" in (evidence.note or "")


def test_marked_redacted_and_original_untouched(redacted: Report) -> None:
    original = make_report()
    assert redacted.metadata.redacted is True
    assert original.metadata.redacted is False
    assert redact_report(original) == redacted  # deterministic
    assert "amira" in as_json(original)


def test_extra_names_and_hosts() -> None:
    report = dataclasses.replace(
        make_report(),
        risks=(Risk("sit-x", "Karim Dupont knows the code of pc-salon", Severity.HIGH, False),),
    )
    text = as_json(redact_report(report, extra_names=["Karim Dupont"], extra_hosts=["pc-salon"]))
    assert "Karim" not in text and "Dupont" not in text and "pc-salon" not in text
    assert "[name-1] knows the code of [host-2]" in text


def test_windows_and_macos_homes() -> None:
    text = (
        r"C:\Users\Amira Khelifi\AppData\Roaming\x.exe; "
        r"/Users/amirak/Library/LaunchAgents/y.plist; AMIRA-PC\amira.k ran it; /run/media/amira/USB"
    )
    out = redact_text(text)
    assert "amira" not in out.lower() and "khelifi" not in out.lower()
    assert r"C:\Users\[user-1]\AppData\Roaming\x.exe" in out
    assert "/Users/[user-2]/Library/LaunchAgents/y.plist" in out
    assert r"[user-1]-PC\[user-1].k ran it; /run/media/[user-1]/USB" in out


def test_system_accounts_are_kept() -> None:
    assert redact_text("needs root; /home/shared; C:\\Users\\Public\\x", names=["root"]) == (
        "needs root; /home/shared; C:\\Users\\Public\\x"
    )


def test_short_names_only_as_whole_words() -> None:
    assert redact_text("ed installed an ed25519 key for ed.", names=["ed"]) == (
        "[user-1] installed an ed25519 key for [user-1]."
    )
    assert redact_text("amira_k, amira2, Amira's", names=["amira"]) == (
        "[user-1]_k, [user-1]2, [user-1]'s"
    )


@pytest.mark.parametrize(
    "phone",
    [
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "+1 555 123 4567",
        "+1 (555) 123-4567",
        "+44 7700 900123",
        "07700 900123",
        "+49 30 1234567",
        "+34 612 345 678",
    ],
)
def test_phone_numbers_are_replaced(phone: str) -> None:
    for text in (phone, f"call {phone} now", f"({phone})", f"tel:{phone}.", f"x/{phone}/y"):
        out = redact_text(text)
        assert "[phone-1]" in out, text
        assert not re.search(r"\d{2}", out.replace("[phone-1]", "")), out


@pytest.mark.parametrize(
    "text",
    [
        "17",
        "112",
        "114",
        "3919",
        "116 006",
        "call 17, 112, 114, 3919 or 116 006",
        "17 112 114 3919 116 006",
        "1-800-799-7233",
        "1 800 363-9010",
        "0800 05 95 95",
        "0808 2000 247",
        "044 455 21 42",
        "2026-11-27",
        "27.11.2026",
        "06.12.2026",
        "2026-11-27T10:30:00+00:00",
        "10:30:00",
        "+0100",
        "0.1.0",
        "10.0.19045.3803",
        "10.0.0.1:5900",
        "192.168.100.254",
        "fe80::1",
        "port 5900",
        "pid 4242",
        "pids 4242 4243 4244",
        "1700000000",
        SHA,
        "00-11-22-33-44-55",
        "S-1-5-21-3623811015-3361044348-30300820-1013",
        "123e4567-e89b-12d3-a456-426614174000",
        "4096 bytes, 1 048 576 bytes",
    ],
)
def test_not_phone_numbers_are_kept(text: str) -> None:
    assert redact_text(text) == text


def test_two_numbers_side_by_side() -> None:
    assert redact_text("07700 900123 030 1234567") == "[phone-1] [phone-2]"
    assert redact_text(f"{PHONE_FR} / {PHONE_INTL} / 3919") == "[phone-1] / [phone-1] / 3919"


def test_emails() -> None:
    out = redact_text("a.b+tag@mail.example.org, A.B+TAG@MAIL.EXAMPLE.ORG and x_y@dom.fr.")
    assert out == "[email-1], [email-1] and [email-2]."


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("0123456789 .-:/+()abcx@é_\n"), max_size=60),
    st.sampled_from(["amira", "ed", "Amira Khelifi"]),
)
def test_redact_text_never_fails_and_removes_the_name(noise: str, name: str) -> None:
    out = redact_text(f"{noise} {name} {noise}", names=[name])
    assert name not in out


def test_windows_account_names() -> None:
    report = make_report()
    finding = dataclasses.replace(
        report.findings[0],
        evidence=(
            Evidence(user="DESKTOP-7Q2\\lea", command="runs as DESKTOP-7Q2\\lea"),
            Evidence(user="NT AUTHORITY\\SYSTEM", command="runs as NT AUTHORITY\\SYSTEM"),
        ),
    )
    out = redact_report(dataclasses.replace(report, findings=(finding,)))
    assert [e.user for e in out.findings[0].evidence] == [
        "[host-1]\\[user-1]",
        "NT AUTHORITY\\SYSTEM",
    ]
