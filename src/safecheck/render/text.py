"""The plain-text report: 80 columns, prints well, reads well in any editor."""

from __future__ import annotations

import textwrap
from datetime import datetime

from safecheck.checklist.outcomes import Outcome
from safecheck.i18n import LANGUAGE_NAMES, Translator
from safecheck.model import CoverageStatus, Evidence, Finding
from safecheck.report import AnsweredItem, Report

WIDTH = 80
MAX_COMMAND = 300


def _wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    """Wrap each paragraph of `text`, keeping the line breaks the author wrote."""
    lines: list[str] = []
    lead = indent if first is None else first
    for paragraph in text.splitlines() or [""]:
        if not paragraph.strip():
            lines.append("")
            continue
        lines.extend(
            textwrap.wrap(
                paragraph,
                WIDTH,
                initial_indent=lead,
                subsequent_indent=indent,
                break_long_words=True,
                break_on_hyphens=False,
            )
        )
        lead = indent
    return lines


def _heading(title: str) -> list[str]:
    return ["", title.upper(), "=" * min(WIDTH, len(title))]


def answer_word(t: Translator, answer: str) -> str:
    return t(f"answer.{answer}")


def local_time(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _finding(number: int, finding: Finding, t: Translator) -> list[str]:
    level = t(f"severity.{finding.severity.value}")
    lines = _wrap(f"{finding.title} [{level}]", "    ", f"{number:>2}. ")
    lines += _wrap(t("report.why") + " " + finding.explanation, "    ")
    for step in finding.steps:
        lines += _wrap(t("report.what_to_do") + " " + step, "    ")
    if finding.safety_note:
        lines += _wrap(t("report.before_you_act") + " " + finding.safety_note, "    ")
    for evidence in finding.evidence:
        lines += _evidence_lines(evidence, t)
    if finding.references:
        lines += _wrap(t("report.sources") + " " + "; ".join(finding.references), "    ")
    lines.append("")
    return lines


def _evidence_lines(evidence: Evidence, t: Translator) -> list[str]:
    """One evidence item: where it was seen first, then the facts that identify it."""
    if evidence.answer is not None:  # a checklist answer: only the advocate's note matters
        if evidence.note:
            return _wrap(t("report.advocate_note") + " " + evidence.note, "    ")
        return []
    where = evidence.path or evidence.process or ""
    if evidence.line:
        where += f":{evidence.line}"
    command = evidence.command
    if command and len(command) > MAX_COMMAND:
        command = command[:MAX_COMMAND] + " [...]"  # the JSON report keeps it whole
    facts = [
        (t("evidence.command"), command),
        (t("evidence.pid"), str(evidence.pid) if evidence.pid is not None else None),
        (t("evidence.user"), evidence.user),
        (t("evidence.port"), str(evidence.port) if evidence.port is not None else None),
        (t("evidence.modified"), evidence.modified),
        (t("evidence.remote"), evidence.note),
        ("SHA-256", evidence.sha256),
    ]
    lines = _wrap(f"{t('evidence.seen')} {where}", "        ", "    - ")
    for label, value in facts:
        if value:
            lines += _wrap(f"{label} {value}", "        ", "      ")
    return lines


def _answered(item: AnsweredItem, t: Translator) -> list[str]:
    lines = _wrap(f"{item.question} ({answer_word(t, item.answer)})", "    ", "  - ")
    if item.note:
        lines += _wrap(t("report.advocate_note") + " " + item.note, "    ")
    return lines


def _header(report: Report, t: Translator) -> list[str]:
    meta = report.metadata
    out: list[str] = [t("report.title"), "=" * WIDTH]
    out += _wrap(t("report.generated", utc=meta.generated_at, local=local_time(meta.generated_at)))
    out += _wrap(t("report.tool", version=meta.version))
    versions = ", ".join(f"{k} {v}" for k, v in sorted(meta.data_versions.items()))
    out += _wrap(t("report.data_versions", versions=versions))
    language = LANGUAGE_NAMES.get(meta.language, meta.language)
    out += _wrap(t("report.language_country", language=language, country=meta.country))
    if meta.advocate_mode:
        out += _wrap(t("report.advocate_mode"))
    out.append("")
    out += _wrap(t("report.caveat"))
    return out


def _summary(report: Report, t: Translator) -> list[str]:
    out = _heading(t("report.summary"))
    counts = (
        ("report.count.act", len(report.act_now)),
        ("report.count.review", len(report.with_outcome(Outcome.REVIEW))),
        ("report.count.done", len(report.with_outcome(Outcome.DONE))),
        ("report.count.not_checked", len(report.with_outcome(Outcome.NOT_CHECKED))),
    )
    for key, count in counts:
        out += _wrap(t(key, count=count), "  ", "  ")
    if report.risks:
        out += _heading(t("report.risks"))
        for risk in report.risks:
            tag = t("report.possible") if risk.possible else t(f"severity.{risk.severity.value}")
            out += _wrap(f"[{tag}] {risk.text}", "    ", "  - ")
    return out


def _act_now(report: Report, t: Translator) -> list[str]:
    out = _heading(t("report.act_now"))
    if not report.act_now:
        return out + _wrap(t("report.act_none"))
    out += _wrap(t("report.act_intro"))
    out.append("")
    for number, finding in enumerate(report.act_now, 1):
        out += _finding(number, finding, t)
    return out


def _answer_list(
    title: str, items: list[AnsweredItem], t: Translator, intro: str | None = None
) -> list[str]:
    out = _heading(title)
    if items and intro:
        out += _wrap(intro)
    for item in items:
        out += _answered(item, t)
    return out


def _not_checked(report: Report, t: Translator) -> list[str]:
    items = report.with_outcome(Outcome.NOT_CHECKED)
    out = _answer_list(t("report.not_checked"), items, t)
    not_applicable = [c for c in report.coverage if c.status is CoverageStatus.NOT_APPLICABLE]
    for row in not_applicable:
        out += _wrap(f"{row.id}: {row.reason}", "    ", "  - ")
    if not items and not not_applicable:
        out += _wrap(t("report.none"))
    return out


def coverage_status(report: Report, status: CoverageStatus, t: Translator) -> str:
    """The word for a coverage status: questions are "answered", collectors "checked"."""
    if report.metadata.host and status in (CoverageStatus.OK, CoverageStatus.PARTIAL):
        return t(f"scan.status.{status.value}")
    return t(f"coverage.status.{status.value}")


def _coverage(report: Report, t: Translator) -> list[str]:
    out = _heading(t("report.coverage"))
    for row in report.coverage:
        status = coverage_status(report, row.status, t)
        out += _wrap(f"{row.id}: {status}. {row.reason}", "    ", "  - ")
    return out


def render_text(report: Report, t: Translator, help_section: str | None = None) -> str:
    """The whole report: summary first, then what to act on, review, done, not checked."""
    review = report.with_outcome(Outcome.REVIEW)
    done = report.with_outcome(Outcome.DONE)
    out = _header(report, t) + _summary(report, t) + _act_now(report, t)
    out += _answer_list(t("report.review"), review, t, t("report.review_intro"))
    if not review:
        out += _wrap(t("report.none"))
    out += _answer_list(t("report.done"), done, t)
    if not done:
        out += _wrap(t("report.none"))
    out += _not_checked(report, t) + _coverage(report, t)
    if help_section:
        out += _heading(t("report.help"))
        out += help_section.rstrip("\n").splitlines()
    out.append("")
    out += _wrap(t("report.caveat_end"))
    return "\n".join(out).rstrip() + "\n"


def render_scan_text(report: Report, t: Translator) -> str:
    """The inspection report: what was found, with evidence, then what was and was not checked."""
    meta = report.metadata
    out: list[str] = [t("scan.title"), "=" * WIDTH]
    out += _wrap(t("report.generated", utc=meta.generated_at, local=local_time(meta.generated_at)))
    out += _wrap(t("report.tool", version=meta.version))
    out += _wrap(t("scan.inspected", what=inspected(report, t)))
    out.append("")
    out += _wrap(t("scan.caveat"))
    out += _heading(t("report.summary"))
    out += _wrap(scan_summary(report, t), "  ", "  ")
    out += _heading(t("report.act_now"))
    if report.findings:
        out += _wrap(t("report.act_intro"))
        out.append("")
        for number, finding in enumerate(report.act_now, 1):
            out += _finding(number, finding, t)
    else:
        out += _wrap(t("scan.none"))
    out += _coverage(report, t)
    out.append("")
    out += _wrap(t("report.caveat_end"))
    return "\n".join(out).rstrip() + "\n"


def inspected(report: Report, t: Translator) -> str:
    host = report.metadata.host
    platform = str(host.get("platform", ""))
    if host.get("live"):
        return t("scan.this_computer", platform=platform)
    return t("scan.disk", root=str(host.get("root", "")), platform=platform)


def scan_summary(report: Report, t: Translator) -> str:
    counts = dict.fromkeys(("high", "medium", "low", "info"), 0)
    for finding in report.findings:
        counts[finding.severity.value] += 1
    return t("scan.summary", findings=len(report.findings), **counts)
