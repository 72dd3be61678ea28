"""The Markdown report: the same content and order as the text report, with headings and
lists. Everything that comes from data is escaped, and evidence is shown as code spans, so a
file name or command line can never turn into a link, an image or formatting."""

from __future__ import annotations

import re

from safecheck.core.i18n import Translator
from safecheck.core.model import Finding
from safecheck.report.jsonio import report_digest
from safecheck.report.model import Report
from safecheck.report.render.common import (
    answer_groups,
    answer_line,
    caveat,
    coverage_line,
    evidence_left_out_text,
    evidence_view,
    finding_explanation,
    finding_heading,
    finding_notes,
    header_lines,
    is_checkup,
    no_finding_text,
    report_title,
    risk_tags,
    summary_lines,
    visible,
)

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&#!])")
_LINE_START = re.compile(r"^([-+=]|\d+[.)])")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """Text shown as it is: Markdown's special characters are escaped with a backslash, and a
    line that would start a list, a heading or a rule is escaped at its start."""
    lines = []
    for line in visible(text).split("\n"):
        escaped = _SPECIAL.sub(r"\\\1", line.strip())
        lines.append(_LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], escaped))
    return "\n".join(lines)


def block(text: str, indent: str = "") -> str:
    """Escaped text whose later lines stay inside the list item (or quote) they belong to."""
    first, *rest = escape(text).split("\n")
    return "\n".join([first, *((indent + line) if line else indent.rstrip() for line in rest)])


def code(text: str) -> str:
    """A code span that shows `text` exactly, whatever backticks it holds."""
    shown = visible(text).replace("\n", " ")
    longest = max((len(run) for run in _BACKTICKS.findall(shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown[:1] in ("`", " ") or shown[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def _fenced(text: str) -> list[str]:
    shown = visible(text.rstrip("\n"))
    longest = max((len(run) for run in _BACKTICKS.findall(shown)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *shown.split("\n"), fence]


def _finding(out: list[str], number: int, finding: Finding, t: Translator, report: Report) -> None:
    heading = finding_heading(report, finding)
    out += ["", f"### {number}. {escape(heading).replace(chr(10), ' ')}", ""]
    out += [f"- {block(note, '  ')}" for note in finding_notes(report, finding, t)]
    out += ["", f"**{escape(t('report.why'))}** {block(finding_explanation(report, finding, t))}"]
    if finding.evidence:
        out += ["", f"**{escape(t('report.evidence'))}**", ""]
        for evidence in finding.evidence:
            view = evidence_view(evidence, t, report.metadata.advocate_mode)
            facts = list(view.facts)
            if view.where is not None:
                out.append(f"- {escape(t('evidence.seen'))} {code(view.where)}")
                for label, value in facts:
                    out.append(f"  - {escape(label)} {code(value)}")
            else:  # an answer: the answer word, and the advocate's note as text
                for label, value in facts:
                    out.append(f"- {escape(label)} {block(value, '  ')}")
        left_out = evidence_left_out_text(finding, t)
        if left_out:
            out.append(f"- {block(left_out, '  ')}")
    if finding.safety_note:
        out += ["", f"**{escape(t('report.before_you_act'))}** {block(finding.safety_note)}"]
    if finding.steps:
        out += ["", f"**{escape(t('report.what_to_do'))}**", ""]
        for position, step in enumerate(finding.steps, 1):
            out.append(f"{position}. {block(step, '   ')}")
    if finding.references:
        out += ["", f"**{escape(t('report.sources'))}**", ""]
        out += [f"- {block(reference, '  ')}" for reference in finding.references]


def render_markdown(report: Report, t: Translator, help_section: str | None = None) -> str:
    """The whole report as Markdown (CommonMark), in the report's language."""
    out = [f"# {escape(report_title(report, t))}", ""]
    out += [f"- {block(line, '  ')}" for line in header_lines(report, t)]

    out += ["", f"## {escape(t('report.summary'))}", ""]
    for position, line in enumerate(summary_lines(report, t)):
        out.append(("  - " if position == 1 else "- ") + block(line, "    "))
    out += ["", "> " + block(caveat(report, t), "> ")]

    out += ["", f"## {escape(t('report.act_now'))}", ""]
    act = report.act_now
    if act:
        out.append(block(t("report.act_intro")))
        for number, finding in enumerate(act, 1):
            _finding(out, number, finding, t, report)
    else:
        out.append(block(no_finding_text(report, t)))
    if report.information:
        out += ["", f"## {escape(t('report.information'))}", ""]
        out.append(block(t("report.information_intro")))
        for number, finding in enumerate(report.information, len(act) + 1):
            _finding(out, number, finding, t, report)

    if is_checkup(report):
        out += ["", f"## {escape(t('report.answers'))}"]
        for title, intro, items in answer_groups(report, t):
            out += ["", f"### {escape(title)}", ""]
            if items and intro:
                out += [block(intro), ""]
            if not items:
                out.append(block(t("report.none")))
            for item in items:
                out.append(f"- {block(answer_line(item, t), '  ')}")
                if item.note:
                    note = escape(t("report.advocate_note")) + " " + block(item.note, "  ")
                    out.append(f"  - {note}")
        out += ["", f"## {escape(t('report.risks'))}", ""]
        tags = risk_tags(report, t)
        if not tags:
            out.append(block(t("report.none")))
        for tag, text in tags:
            out.append(f"- **{escape(tag)}**: {block(text, '  ')}")

    out += ["", f"## {escape(t('report.coverage'))}", ""]
    for row in report.coverage:
        out.append(f"- {block(coverage_line(report, row.id, row.status, row.reason, t), '  ')}")
        out += [f"  - {code(detail)}" for detail in row.details]

    if help_section:
        out += ["", f"## {escape(t('report.help'))}", ""]
        out += _fenced(help_section)

    out += ["", "---", "", block(t("report.caveat_end")), ""]
    out.append(f"**{escape(t('report.integrity'))}** {code(report_digest(report))}")
    out += ["", block(t("report.integrity_note"))]
    return "\n".join(out) + "\n"
