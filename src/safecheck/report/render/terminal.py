"""The end-of-checkup summary and the scan on screen (rich). The saved report is render/text.py.

Every text that may come from a device goes through `visible()` (control characters and
escape sequences shown, never sent to the terminal) and into `Text`, never markup."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from safecheck.core.i18n import Translator
from safecheck.core.model import Outcome, Severity
from safecheck.report.model import Report
from safecheck.report.render.common import (
    MEMORY_NAME,
    advocate,
    area_name,
    could_not_check,
    coverage_status,
    finding_heading,
    has_scan,
    inspected,
    scan_summary,
    visible,
)

SEVERITY_STYLE = {
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def summary_renderables(report: Report, t: Translator) -> list[RenderableType]:
    parts: list[RenderableType] = []
    act = report.act_now
    review = report.with_outcome(Outcome.REVIEW)
    done = report.with_outcome(Outcome.DONE)
    not_checked = report.with_outcome(Outcome.NOT_CHECKED)

    counts = Text.assemble(
        (t("report.count.act", count=len(act)) + "\n", "bold"),
        t("report.count.review", count=len(review)) + "\n",
        t("report.count.done", count=len(done)) + "\n",
        t("report.count.skipped", count=len(not_checked)),
    )
    if has_scan(report):  # parts of the computer that could not be read, apart from skips
        counts.append("\n" + t("report.count.could_not_check", count=could_not_check(report)))
    parts.append(Panel(counts, title=escape(t("report.summary"))))

    if report.risks:
        lines = []
        for risk in report.risks:
            tag = t("report.possible") if risk.possible else t(f"severity.{risk.severity.value}")
            lines.append(
                Text.assemble((f"[{tag}] ", SEVERITY_STYLE[risk.severity]), visible(risk.text))
            )
        parts.append(Panel(Group(*lines), title=escape(t("report.risks"))))

    if act:
        blocks: list[RenderableType] = [Text(t("report.act_intro"), style="dim")]
        for number, finding in enumerate(act, 1):
            level = t(f"severity.{finding.severity.value}")
            blocks.append(
                Text.assemble(
                    f"\n{number}. ",
                    (visible(finding_heading(report, finding)), "bold"),
                    (f"  [{level}]", SEVERITY_STYLE[finding.severity]),
                )
            )
            # The safety note comes first: it is to be read before any step is taken.
            if finding.safety_note:
                blocks.append(
                    Text.assemble(
                        (t("report.before_you_act") + " ", "bold yellow"),
                        visible(finding.safety_note),
                    )
                )
            for step in finding.steps:
                blocks.append(Text.assemble((t("report.what_to_do") + " ", "bold"), visible(step)))
        parts.append(Panel(Group(*blocks), title=escape(t("report.act_now")), border_style="red"))
    else:
        parts.append(Panel(Text(t("report.act_none")), title=escape(t("report.act_now"))))
    if report.information:
        lines = [Text(t("report.information_intro"), style="dim")]
        lines += [
            Text(visible(f"• {finding_heading(report, finding)}")) for finding in report.information
        ]
        parts.append(Panel(Group(*lines), title=escape(t("report.information"))))

    if review:
        lines = [Text(t("report.review_intro"), style="dim")]
        lines += [Text(visible(f"• {a.question} ({t('answer.' + a.answer)})")) for a in review]
        parts.append(Panel(Group(*lines), title=escape(t("report.review")), border_style="cyan"))
    if done:
        lines = [Text(visible(f"• {a.question} ({t('answer.' + a.answer)})")) for a in done]
        parts.append(Panel(Group(*lines), title=escape(t("report.done")), border_style="green"))
    if not_checked:
        lines = [Text(visible(f"• {a.question}")) for a in not_checked]
        parts.append(Panel(Group(*lines), title=escape(t("report.skipped"))))
    parts.append(Text(t("report.caveat"), style="bold"))
    return parts


def print_summary(console: Console, report: Report, t: Translator) -> None:
    for part in summary_renderables(report, t):
        console.print(part)


def scan_renderables(report: Report, t: Translator) -> list[RenderableType]:
    """The scan on screen: a table of findings, then the coverage table."""
    parts: list[RenderableType] = [
        Text(visible(t("scan.inspected", what=inspected(report, t))), style="dim"),
        Text(scan_summary(report, t), style="bold"),
    ]
    if report.findings:
        table = Table(
            t("scan.col.severity"), t("scan.col.finding"), t("scan.col.where"), expand=True
        )
        for finding in (*report.act_now, *report.information):
            first = finding.evidence[0] if finding.evidence else None
            where = ""
            if first is not None:
                where = first.path or first.process or ""
                if MEMORY_NAME.match(where) and not advocate(report):
                    where = t("report.in_memory")
                where += f":{first.line}" if first.line else ""
                others = len(finding.evidence) - 1 + finding.evidence_left_out
                if others > 0:
                    where += f" (+{others})"
            table.add_row(
                Text(
                    t(f"severity.{finding.severity.value}"), style=SEVERITY_STYLE[finding.severity]
                ),
                Text(visible(finding_heading(report, finding))),
                Text(visible(where), style="dim"),
            )
        parts.append(table)
        parts.append(Text(t("report.act_intro"), style="yellow"))
    else:
        parts.append(Text(t("scan.none")))
    coverage = Table(t("scan.coverage_title"), "", "", expand=True)
    for row in report.coverage:
        coverage.add_row(
            Text(visible(area_name(report, row.id, t))),
            coverage_status(report, row.status, t),
            Text(visible(row.reason)),
        )
    parts.append(coverage)
    parts.append(Text(t("report.caveat_end"), style="bold"))
    return parts
