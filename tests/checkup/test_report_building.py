"""From answers to findings, review items, risks and coverage; and the text report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.checkup.checklist.runner import AnswerRecord
from safecheck.checkup.run import build_report
from safecheck.core.i18n import Translator
from safecheck.core.model import Answer, CoverageStatus, Outcome, Severity
from safecheck.report.render.text import WIDTH, render_text


def clock() -> datetime:
    return datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


def rec(item: str, checklist: str, answer: Answer, note: str | None = None) -> AnswerRecord:
    return AnswerRecord(item, checklist, answer, note)


@pytest.fixture
def answers() -> dict[str, AnswerRecord]:
    return {
        "s-android": rec("s-android", "situation", Answer.YES),
        "s-passwords": rec("s-passwords", "situation", Answer.UNSURE),
        "acct-forwarding": rec("acct-forwarding", "accounts", Answer.YES, "seen 3 Nov"),
        "phone-unknown-app": rec("phone-unknown-app", "phone", Answer.CANT_FIND),
        "phone-unknown-app-name": rec("phone-unknown-app-name", "phone", Answer.SKIP),
        "phone-protect": rec("phone-protect", "phone", Answer.NO),
    }


def test_findings_risks_and_outcomes(mini: ChecklistSet, answers: dict[str, AnswerRecord]) -> None:
    report = build_report(mini, answers, Translator("en"), "FR", clock=clock)
    ids = [f.id for f in report.act_now]
    # Sorted by severity: forwarding (high) before protection off (medium).
    assert ids == ["SC-CHK-ACCT-FORWARDING", "SC-CHK-PHONE-PROTECT"]
    forwarding = report.act_now[0]
    assert forwarding.severity is Severity.HIGH
    assert forwarding.safety_note == "They stop receiving copies."
    assert forwarding.evidence[0].note == "seen 3 Nov"
    assert forwarding.references == ("Account source, https://example.org/a",)
    assert [a.item_id for a in report.with_outcome(Outcome.REVIEW)] == [
        "s-passwords",
        "phone-unknown-app",
    ]
    assert [a.item_id for a in report.with_outcome(Outcome.NOT_CHECKED)] == [
        "phone-unknown-app-name"
    ]
    assert len(report.risks) == 1 and report.risks[0].possible
    assert report.metadata.generated_at == "2026-11-27T10:30:00+00:00"
    assert report.metadata.data_versions == {"situation": "t1", "phone": "t1", "accounts": "t2"}


def test_coverage_rows(mini: ChecklistSet, answers: dict[str, AnswerRecord]) -> None:
    report = build_report(mini, answers, Translator("en"), "FR", clock=clock)
    status = {c.id: c.status for c in report.coverage}
    assert status == {
        "situation": CoverageStatus.OK,
        "phone": CoverageStatus.PARTIAL,
        "accounts": CoverageStatus.OK,
    }


def test_skipped_checklist_is_not_applicable_with_reason(mini: ChecklistSet) -> None:
    answers = {"s-android": rec("s-android", "situation", Answer.NO)}
    report = build_report(mini, answers, Translator("fr"), "FR", clock=clock)
    row = next(c for c in report.coverage if c.id == "phone")
    assert row.status is CoverageStatus.NOT_APPLICABLE
    assert "Utilisez-vous Android ?" in row.reason
    accounts = next(c for c in report.coverage if c.id == "accounts")
    assert accounts.status is CoverageStatus.SKIPPED


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_text_report(lang: str, mini: ChecklistSet, answers: dict[str, AnswerRecord]) -> None:
    t = Translator(lang)
    report = build_report(mini, answers, t, "FR", advocate=True, clock=clock)
    text = render_text(report, t, "HELP SECTION\n17  Police")
    assert all(len(line) <= WIDTH for line in text.splitlines())
    assert t("report.caveat").split()[0] in text
    for finding in report.act_now:
        assert finding.title in text
        assert finding.safety_note in text
    assert "seen 3 Nov" in text
    assert "17  Police" in text
    assert t.pick({"en": "safe", "fr": "sûr"}) + "." not in text.lower()
    assert text.index(t("report.act_now").upper()) < text.index(t("report.review").upper())


def test_no_finding_still_says_nothing_found_is_not_safe(mini: ChecklistSet) -> None:
    t = Translator("en")
    answers = {"s-android": rec("s-android", "situation", Answer.NO)}
    text = render_text(build_report(mini, answers, t, "FR", clock=clock), t)
    assert "does not mean nothing is there" in text
    assert "safe" not in text.lower().replace("safecheck", "")
