"""The end-of-checkup summary on screen (rich). The saved report is render/text.py."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from safecheck.checklist.outcomes import Outcome
from safecheck.i18n import Translator
from safecheck.model import Severity
from safecheck.report import Report

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
        t("report.count.not_checked", count=len(not_checked)),
    )
    parts.append(Panel(counts, title=escape(t("report.summary"))))

    if report.risks:
        lines = []
        for risk in report.risks:
            tag = t("report.possible") if risk.possible else t(f"severity.{risk.severity.value}")
            lines.append(Text.assemble((f"[{tag}] ", SEVERITY_STYLE[risk.severity]), risk.text))
        parts.append(Panel(Group(*lines), title=escape(t("report.risks"))))

    if act:
        blocks: list[RenderableType] = [Text(t("report.act_intro"), style="dim")]
        for number, finding in enumerate(act, 1):
            level = t(f"severity.{finding.severity.value}")
            blocks.append(
                Text.assemble(
                    f"\n{number}. ",
                    (finding.title, "bold"),
                    (f"  [{level}]", SEVERITY_STYLE[finding.severity]),
                )
            )
            for step in finding.steps:
                blocks.append(Text.assemble((t("report.what_to_do") + " ", "bold"), step))
            if finding.safety_note:
                blocks.append(
                    Text.assemble(
                        (t("report.before_you_act") + " ", "bold yellow"), finding.safety_note
                    )
                )
        parts.append(Panel(Group(*blocks), title=escape(t("report.act_now")), border_style="red"))
    else:
        parts.append(Panel(Text(t("report.act_none")), title=escape(t("report.act_now"))))

    if review:
        lines = [Text(t("report.review_intro"), style="dim")]
        lines += [Text(f"• {a.question} ({t('answer.' + a.answer)})") for a in review]
        parts.append(Panel(Group(*lines), title=escape(t("report.review")), border_style="cyan"))
    if done:
        lines = [Text(f"• {a.question} ({t('answer.' + a.answer)})") for a in done]
        parts.append(Panel(Group(*lines), title=escape(t("report.done")), border_style="green"))
    if not_checked:
        lines = [Text(f"• {a.question}") for a in not_checked]
        parts.append(Panel(Group(*lines), title=escape(t("report.not_checked"))))
    parts.append(Text(t("report.caveat"), style="bold"))
    return parts


def print_summary(console: Console, report: Report, t: Translator) -> None:
    for part in summary_renderables(report, t):
        console.print(part)
