"""The plain-text report: 80 columns, prints well, reads well in any editor.

One `render_text` writes every kind of report: a checkup, a computer inspection, or a checkup
with the inspection it offered. The content and its order are the same in every format (the
Markdown, HTML and terminal renderers share `common.py`):

header (date, versions, inspected system, language) - summary with the caveat - findings
(a plain heading, why it matters, evidence, the safety note next to the steps; severity,
certainty, finding id and collector in advocate mode only) - the
answers (with advocate notes) - risks from the situation - what was and was not checked - where
to get help - the SHA-256 of the report's content.

Everything that comes from data (file names, command lines, answers) is shown with its control
characters made visible, so a hostile file name cannot drive the terminal the report is read in.
"""

from __future__ import annotations

import re
import textwrap

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
    to_ascii,
    visible,
)

WIDTH = 80


_KEEP = "\u00a0"  # a space that must not become a line break while wrapping
_GLUE = (
    re.compile(r" (?=[:;?!»](?:\s|$))"),  # French typography: "Relevé à :" stays together
    re.compile(r"(?<=«) "),
)


def _wrap_paragraph(paragraph: str, lead: str, indent: str) -> list[str]:
    glued = paragraph.replace(_KEEP, " ")
    for pattern in _GLUE:
        glued = pattern.sub(_KEEP, glued)
    wrapped = textwrap.wrap(
        glued,
        WIDTH,
        initial_indent=lead,
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=False,
    )
    return [line.replace(_KEEP, " ") for line in wrapped]


class _Writer:
    """Lines of at most WIDTH columns; every string passes through `visible` (and `to_ascii`)."""

    def __init__(self, t: Translator, ascii_only: bool) -> None:
        self.t = t
        self.ascii_only = ascii_only
        self.lines: list[str] = []
        # A large report repeats its paragraphs (the same rule's explanation and steps under
        # each of its findings): each distinct paragraph is wrapped once.
        self._wrapped: dict[tuple[str, str, str], list[str]] = {}

    def s(self, text: str) -> str:
        text = visible(text)
        return to_ascii(text) if self.ascii_only else text

    def wrap(self, text: str, indent: str = "", first: str | None = None) -> None:
        """Wrap each paragraph of `text`, keeping the line breaks the author wrote."""
        lead = indent if first is None else first
        for paragraph in self.s(text).split("\n") or [""]:
            if not paragraph.strip():
                self.lines.append("")
                continue
            key = (paragraph, lead, indent)
            wrapped = self._wrapped.get(key)
            if wrapped is None:
                wrapped = self._wrapped[key] = _wrap_paragraph(paragraph, lead, indent)
            self.lines.extend(wrapped)
            lead = indent

    def blank(self) -> None:
        self.lines.append("")

    def heading(self, title: str, rule: str = "=") -> None:
        text = self.s(title).upper()
        if self.lines and self.lines[-1]:
            self.blank()
        self.wrap(text)
        self.lines.append(rule * min(WIDTH, len(text)))

    def verbatim(self, text: str) -> None:
        """Lines already laid out (the help contacts); a line made longer by to_ascii is
        wrapped again under its own indentation."""
        for line in self.s(text.rstrip("\n")).split("\n"):
            if len(line) <= WIDTH:
                self.lines.append(line)
            else:
                indent = line[: len(line) - len(line.lstrip())]
                self.wrap(line.strip(), indent + "  ", indent)


def _finding(w: _Writer, number: int, finding: Finding, report: Report) -> None:
    t = w.t
    level = t(f"severity.{finding.severity.value}")
    w.wrap(f"{finding_heading(report, finding)} [{level}]", "    ", f"{number:>2}. ")
    for note in finding_notes(report, finding, t):
        w.wrap(note, "    ")
    w.wrap(t("report.why") + " " + finding_explanation(report, finding, t), "    ")
    if finding.evidence:
        w.wrap(t("report.evidence"), "    ")
        for evidence in finding.evidence:
            view = evidence_view(evidence, t, report.metadata.advocate_mode)
            if view.where is not None:
                w.wrap(f"{t('evidence.seen')} {view.where}", "        ", "    - ")
                for label, value in view.facts:
                    w.wrap(f"{label} {value}", "        ", "      ")
            else:
                for position, (label, value) in enumerate(view.facts):
                    w.wrap(f"{label} {value}", "        ", "      " if position else "    - ")
        left_out = evidence_left_out_text(finding, t)
        if left_out:
            w.wrap(left_out, "        ", "    - ")
    if finding.safety_note:  # next to the steps, before them: read it before acting
        w.wrap(t("report.before_you_act") + " " + finding.safety_note, "    ")
    for step in finding.steps:
        w.wrap(t("report.what_to_do") + " " + step, "    ")
    if finding.references:
        w.wrap(t("report.sources") + " " + "; ".join(finding.references), "    ")
    w.blank()


def _answers(w: _Writer, report: Report) -> None:
    t = w.t
    w.heading(t("report.answers"))
    for title, intro, items in answer_groups(report, t):
        w.heading(title, "-")
        if items and intro:
            w.wrap(intro)
        if not items:
            w.wrap(t("report.none"), "  ", "  ")
        for item in items:
            w.wrap(answer_line(item, t), "    ", "  - ")
            if item.note:
                w.wrap(t("report.advocate_note") + " " + item.note, "    ")


def render_text(
    report: Report, t: Translator, help_section: str | None = None, ascii_only: bool = False
) -> str:
    """The whole report, for a checkup, an inspection, or both (see the module's docstring)."""
    w = _Writer(t, ascii_only)
    w.wrap(report_title(report, t))
    w.lines.append("=" * WIDTH)
    for line in header_lines(report, t):
        w.wrap(line)

    w.heading(t("report.summary"))
    for position, line in enumerate(summary_lines(report, t)):
        w.wrap(line, "      ", "    " if position == 1 else "  ")
    w.blank()
    w.wrap(caveat(report, t))

    w.heading(t("report.act_now"))
    act = report.act_now
    if act:
        w.wrap(t("report.act_intro"))
        w.blank()
        for number, finding in enumerate(act, 1):
            _finding(w, number, finding, report)
    else:
        w.wrap(no_finding_text(report, t))
    if report.information:
        w.heading(t("report.information"))
        w.wrap(t("report.information_intro"))
        w.blank()
        for number, finding in enumerate(report.information, len(act) + 1):
            _finding(w, number, finding, report)

    if is_checkup(report):
        _answers(w, report)
        w.heading(t("report.risks"))
        tags = risk_tags(report, t)
        if not tags:
            w.wrap(t("report.none"), "  ", "  ")
        for tag, text in tags:
            w.wrap(f"[{tag}] {text}", "    ", "  - ")

    w.heading(t("report.coverage"))
    for row in report.coverage:
        w.wrap(coverage_line(report, row.id, row.status, row.reason, t), "    ", "  - ")
        for detail in row.details:
            w.wrap(detail, "        ", "      ")

    if help_section:
        w.heading(t("report.help"))
        w.verbatim(help_section)

    w.blank()
    w.wrap(t("report.caveat_end"))
    w.blank()
    w.wrap(t("report.integrity"))
    w.wrap(report_digest(report), "    ", "    ")
    w.wrap(t("report.integrity_note"))
    return "\n".join(w.lines).rstrip() + "\n"
