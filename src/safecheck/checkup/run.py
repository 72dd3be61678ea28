"""Orchestration: run a checkup and turn its answers into a Report. No terminal I/O here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from safecheck.checkup.checklist.model import Checklist, ChecklistSet, Item, Kind
from safecheck.checkup.checklist.outcomes import outcome
from safecheck.checkup.checklist.runner import AnswerRecord, Asker, make_plan, run_checklists
from safecheck.core.i18n import Translator
from safecheck.core.model import (
    Answer,
    Confidence,
    Coverage,
    CoverageStatus,
    Evidence,
    Finding,
    Outcome,
)
from safecheck.report.model import AnsweredItem, Metadata, Report, Risk

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def finding_id(item: Item) -> str:
    """Stable finding ids: SC-CHK- and the item id in capitals."""
    return "SC-CHK-" + item.id.upper()


def run_checkup(checklists: ChecklistSet, asker: Asker) -> dict[str, AnswerRecord]:
    return run_checklists(checklists, asker)


def _finding(checklist: Checklist, item: Item, record: AnswerRecord, t: Translator) -> Finding:
    steps = (t.pick(item.do),) if item.do else ()
    return Finding(
        id=finding_id(item),
        title=t.pick(item.question),
        severity=item.severity,
        confidence=Confidence.MEDIUM,  # the person's own answer, not a measurement
        source=checklist.id,
        category="checklist",
        explanation=t.pick(item.why),
        steps=steps,
        safety_note=t.pick(item.safety) if item.safety else "",
        evidence=(Evidence(answer=record.answer.value, note=record.note),),
        references=tuple(checklist.source_texts(item)),
    )


def _coverage(checklist: Checklist, records: list[AnswerRecord], t: Translator) -> Coverage:
    skipped = sum(1 for r in records if r.answer is Answer.SKIP)
    if not records or skipped == len(records):
        return Coverage(checklist.id, CoverageStatus.SKIPPED, t("coverage.skipped_all"))
    if skipped:
        return Coverage(
            checklist.id,
            CoverageStatus.PARTIAL,
            t("coverage.skipped_some", skipped=skipped, total=len(records)),
        )
    return Coverage(checklist.id, CoverageStatus.OK, t("coverage.answered", total=len(records)))


def build_report(
    checklists: ChecklistSet,
    answers: Mapping[str, AnswerRecord],
    t: Translator,
    country: str,
    advocate: bool = False,
    clock: Clock = utc_now,
) -> Report:
    """Turn answers into findings, review items, risks and coverage, in the person's language."""
    findings: list[Finding] = []
    answered: list[AnsweredItem] = []
    risks: list[Risk] = []
    per_checklist: dict[str, list[AnswerRecord]] = {}
    for record in answers.values():
        found = checklists.item(record.item_id)
        if found is None:
            continue
        checklist, item = found
        per_checklist.setdefault(checklist.id, []).append(record)
        result = outcome(item, record.answer)
        answered.append(
            AnsweredItem(
                item_id=item.id,
                checklist_id=checklist.id,
                question=t.pick(item.question),
                answer=record.answer.value,
                outcome=result,
                severity=item.severity if result is Outcome.ACT else None,
                note=record.note,
            )
        )
        if checklist.kind is Kind.SITUATION:
            if item.risk and result in (Outcome.ACT, Outcome.REVIEW) and item.concern_if:
                risks.append(
                    Risk(item.id, t.pick(item.risk), item.severity, result is Outcome.REVIEW)
                )
        elif result is Outcome.ACT:
            findings.append(_finding(checklist, item, record, t))

    plan = make_plan(checklists, answers)
    coverage: list[Coverage] = []
    for checklist in checklists.all:
        if checklist.id in plan.skipped:
            reason_item = checklists.item(plan.skipped[checklist.id])
            question = t.pick(reason_item[1].question) if reason_item else ""
            coverage.append(
                Coverage(
                    checklist.id,
                    CoverageStatus.NOT_APPLICABLE,
                    t("coverage.not_applicable", question=question),
                )
            )
        else:
            coverage.append(_coverage(checklist, per_checklist.get(checklist.id, []), t))

    findings.sort(key=lambda f: f.severity, reverse=True)
    risks.sort(key=lambda r: (r.possible, -r.severity.rank))
    metadata = Metadata.of_run(
        clock(),
        t.lang,
        {c.id: c.version for c in checklists.all},
        country=country,
        advocate_mode=advocate,
    )
    return Report(
        metadata=metadata,
        findings=tuple(findings),
        answers=tuple(answered),
        risks=tuple(risks),
        coverage=tuple(coverage),
    )
