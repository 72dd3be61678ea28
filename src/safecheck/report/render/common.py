"""What every report format shows, and how: the parts of a report (title, header, summary,
evidence, answers, risks, coverage) as plain strings in the session's language, and the function
that makes device text visible. Text, Markdown, HTML and the terminal all build on these, so the
content and its order are the same in every format; no renderer imports another.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from safecheck.core.i18n import LANGUAGE_NAMES, Translator, catalog, language_statuses
from safecheck.core.model import Confidence, CoverageStatus, Evidence, Finding, Outcome
from safecheck.report.model import AnsweredItem, Report

MEMORY_NAME = re.compile(r"^/?memfd:")  # the kernel's name for a program held only in memory
_MEMORY_NAME_IN_TEXT = re.compile(r"/?memfd:[^\s,;]*(?: \(deleted\))?")
MAX_COMMAND = 300  # longer command lines are cut in the readable formats; the JSON keeps them whole
NOT_CHECKED_STATUSES = (CoverageStatus.NEEDS_ADMIN, CoverageStatus.FAILED, CoverageStatus.PARTIAL)

# --- making data printable ----------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
_VISIBLE_CATEGORIES = ("Cc", "Cf", "Co", "Cs", "Cn")


def visible(text: str) -> str:
    """Text with control and invisible format characters shown as escapes (\\x1b, \\u202e);
    line breaks are kept as newlines, tabs become spaces."""
    text = _LINE_BREAKS.sub("\n", text)
    if text.isprintable() or all(c in "\n\t" or c.isprintable() for c in text):
        return text.replace("\t", " ")
    out: list[str] = []
    for char in text:
        if char == "\n":
            out.append(char)
        elif char == "\t":
            out.append(" ")
        elif unicodedata.category(char) in _VISIBLE_CATEGORIES:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


_ASCII_QUOTES = (
    (re.compile(r"«[\s\u00a0\u202f]*"), '"'),
    (re.compile(r"[\s\u00a0\u202f]*»"), '"'),
)
_ASCII_MAP = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u2014": "-",
        "\u2013": "-",
        "\u2012": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "*",
        "\u00b7": ".",
        "\u2192": "->",
        "\u2190": "<-",
        "\u00d7": "x",
        "\u0153": "oe",
        "\u0152": "OE",
        "\u00e6": "ae",
        "\u00c6": "AE",
        "\u00df": "ss",
        "\u00f8": "o",
        "\u00d8": "O",
        "\u0111": "d",
        "\u0110": "D",
        "\u0142": "l",
        "\u0141": "L",
        "\u00fe": "th",
        "\u00de": "Th",
        "\u00f0": "d",
        "\u20ac": "EUR",
        "\u00a9": "(c)",
        "\u00ae": "(R)",
        "\u00b0": "o",
    }
)


def to_ascii(text: str) -> str:
    """Plain ASCII for terminals and printers without Unicode: accents dropped (é -> e),
    « » and curly quotes to ", dashes to -, … to ..., unbreakable spaces to spaces; anything
    else that has no ASCII form becomes ?."""
    for pattern, replacement in _ASCII_QUOTES:
        text = pattern.sub(replacement, text)
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_MAP))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.encode("ascii", errors="replace").decode("ascii")


# --- what every format shows ----------------------------------------------------------------


def is_checkup(report: Report) -> bool:
    """A checkup report (questions were asked), with or without an inspection."""
    return bool(report.answers) or bool(report.metadata.country)


PHONE_PLATFORMS = ("android", "ios")  # reports of `safecheck phone`


def has_scan(report: Report) -> bool:
    """The report includes an inspection of a computer or disk."""
    return bool(report.metadata.host)


def report_title(report: Report, t: Translator) -> str:
    if is_checkup(report) and has_scan(report):
        return t("report.title_combined")
    if is_checkup(report):
        return t("report.title")
    if report.metadata.host.get("platform") in PHONE_PLATFORMS:
        return t("phone.title")
    return t("scan.title")


def answer_word(t: Translator, answer: str) -> str:
    return t(f"answer.{answer}")


def local_time(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")


def inspected(report: Report, t: Translator) -> str:
    host = report.metadata.host
    platform = str(host.get("platform", ""))
    if platform in PHONE_PLATFORMS:  # the phone check puts its own description there
        return str(host.get("root", ""))
    if host.get("live"):
        return t("scan.this_computer", platform=platform)
    return t("scan.disk", root=str(host.get("root", "")), platform=platform)


def scan_summary(report: Report, t: Translator) -> str:
    counts = dict.fromkeys(("high", "medium", "low", "info"), 0)
    for finding in report.findings:
        counts[finding.severity.value] += 1
    return t("scan.summary", findings=len(report.findings), **counts)


def checklist_ids(report: Report) -> set[str]:
    return set(report.metadata.data_versions) | {a.checklist_id for a in report.answers}


def coverage_status(
    report: Report, status: CoverageStatus, t: Translator, row_id: str | None = None
) -> str:
    """The word for a coverage status: questions are "answered", collectors "checked"."""
    collector = has_scan(report) and (row_id is None or row_id not in checklist_ids(report))
    if collector and status in (CoverageStatus.OK, CoverageStatus.PARTIAL):
        return t(f"scan.status.{status.value}")
    return t(f"coverage.status.{status.value}")


def header_lines(report: Report, t: Translator) -> list[str]:
    """The facts under the title, one per line, in the report's language."""
    meta = report.metadata
    lines = [
        t("report.generated", utc=meta.generated_at, local=local_time(meta.generated_at)),
        t("report.tool", version=meta.version),
    ]
    versions = ", ".join(f"{k} {v}" for k, v in sorted(meta.data_versions.items()))
    lines.append(t("report.data_used", versions=versions or t("report.none")))
    if has_scan(report):
        lines.append(t("scan.inspected", what=inspected(report, t)))
        host = meta.host
        if host.get("os"):
            lines.append(t("report.system_os", name=str(host["os"])))
        if host.get("os_version"):
            lines.append(t("report.system_version", version=str(host["os_version"])))
        if host.get("model"):
            lines.append(t("report.system_model", model=str(host["model"])))
    else:
        lines.append(t("report.not_inspected"))
    language = LANGUAGE_NAMES.get(meta.language, meta.language)
    if meta.country:
        lines.append(t("report.language_country", language=language, country=meta.country))
    else:
        lines.append(t("report.language", language=language))
    status = language_statuses().get(t.lang)
    if status is not None and not status.reviewed:  # the reader may judge its wording by it
        lines.append(t("report.unreviewed", language=status.name))
    if meta.advocate_mode:
        lines.append(t("report.advocate_mode"))
    if meta.redacted:
        lines.append(t("report.redacted"))
    return lines


def could_not_check(report: Report) -> int:
    """Parts of the computer or phone that could not be (fully) read. Skipped questions are
    counted apart: the person chose them, nothing failed."""
    checklists = checklist_ids(report)
    return sum(
        1
        for row in report.coverage
        if row.id not in checklists and row.status in NOT_CHECKED_STATUSES
    )


def summary_lines(report: Report, t: Translator) -> list[str]:
    """The counts; the second line, the findings by severity, belongs under the first."""
    lines = [t("report.count.act", count=len(report.act_now)), scan_summary(report, t)]
    if is_checkup(report):
        lines.append(t("report.count.review", count=len(report.with_outcome(Outcome.REVIEW))))
        lines.append(t("report.count.done", count=len(report.with_outcome(Outcome.DONE))))
        skipped = len(report.with_outcome(Outcome.NOT_CHECKED))
        lines.append(t("report.count.skipped", count=skipped))
    if has_scan(report) or not is_checkup(report):
        lines.append(t("report.count.could_not_check", count=could_not_check(report)))
    if report.risks:
        lines.append(t("report.count.risks", count=len(report.risks)))
    return lines


def caveat(report: Report, t: Translator) -> str:
    return t("report.caveat") if is_checkup(report) else t("scan.caveat")


def no_finding_text(report: Report, t: Translator) -> str:
    if (is_checkup(report) and has_scan(report)) or report.information:
        return t("report.act_none_any")
    return t("report.act_none") if is_checkup(report) else t("scan.none")


def advocate(report: Report) -> bool:
    """Technical words (ids, collectors, process numbers, certainty) are for advocate mode."""
    return report.metadata.advocate_mode


def finding_heading(report: Report, finding: Finding) -> str:
    """The plain sentence when the rule has one, except for an advocate, who gets the title."""
    if finding.plain and not advocate(report):
        return finding.plain
    return finding.title


def finding_notes(report: Report, finding: Finding, t: Translator) -> list[str]:
    """The lines under a finding's heading: the technical facts for an advocate (the plain
    sentence first); otherwise only, in plain words, that a finding may well be harmless."""
    if not advocate(report):
        return [t("report.plain_low_confidence")] if finding.confidence is Confidence.LOW else []
    lines = [finding.plain] if finding.plain else []
    lines.append(level_text(finding, t))
    lines.append(t("report.finding_ref", id=finding.id, source=finding.source))
    return lines


def finding_explanation(report: Report, finding: Finding, t: Translator) -> str:
    """Why it matters; a program's kernel memfd: name becomes "this program" in plain mode."""
    if advocate(report):
        return finding.explanation
    return _MEMORY_NAME_IN_TEXT.sub(t("report.memory_program"), finding.explanation)


def area_name(report: Report, row_id: str, t: Translator) -> str:
    """A coverage row in plain words (its collector id too, in advocate mode)."""
    plain = catalog(t.lang).get(f"area.{row_id}")
    if not isinstance(plain, str):  # no plain name (area names are never plural messages)
        return row_id
    return f"{plain} ({row_id})" if advocate(report) else plain


def level_text(finding: Finding, t: Translator) -> str:
    return t(
        "report.level",
        severity=t(f"severity.{finding.severity.value}"),
        confidence=t(f"confidence.{finding.confidence.value}"),
    )


@dataclass(frozen=True)
class EvidenceView:
    """One evidence item as shown: where (None for an answer), then labelled facts."""

    where: str | None
    facts: tuple[tuple[str, str], ...]  # (label, value); values are data, labels are texts


def evidence_view(evidence: Evidence, t: Translator, technical: bool = True) -> EvidenceView:
    """Outside advocate mode (`technical` False) no process number, and a program held only in
    memory is said so rather than named by the kernel's memfd: name."""
    if evidence.answer is not None:  # a checklist answer, and the advocate's note on it
        facts = [(t("report.your_answer"), answer_word(t, evidence.answer))]
        if evidence.note:
            facts.append((t("report.advocate_note"), evidence.note))
        return EvidenceView(None, tuple(facts))
    where = evidence.path or evidence.process or ""
    if not technical and MEMORY_NAME.match(where):
        where = t("report.in_memory")
    if evidence.line:
        where += f":{evidence.line}"
    command = evidence.command
    if command and len(command) > MAX_COMMAND:
        command = command[:MAX_COMMAND] + " [...]"  # the JSON report keeps it whole
    process = evidence.process if evidence.path else None
    if process and not technical and MEMORY_NAME.match(process):
        process = None
    candidates = [
        (t("evidence.process"), process),
        (t("evidence.command"), command),
        (t("evidence.read_from"), evidence.read_from),
        (t("evidence.pid"), str(evidence.pid) if evidence.pid is not None and technical else None),
        (t("evidence.user"), evidence.user),
        (t("evidence.port"), str(evidence.port) if evidence.port is not None else None),
        (t("evidence.modified"), evidence.modified),
        (t("evidence.remote"), evidence.note),
        (t("evidence.sha256"), evidence.sha256),
    ]
    return EvidenceView(where, tuple((label, value) for label, value in candidates if value))


def evidence_left_out_text(finding: Finding, t: Translator) -> str | None:
    """The line under a finding's evidence that says how many items the report does not list."""
    if finding.evidence_left_out <= 0:
        return None
    return t(
        "report.evidence_left_out", count=finding.evidence_left_out, shown=len(finding.evidence)
    )


def answer_groups(
    report: Report, t: Translator
) -> list[tuple[str, str | None, list[AnsweredItem]]]:
    """The answers by outcome: (title, introduction, items)."""
    return [
        (t("report.answers_act"), None, report.with_outcome(Outcome.ACT)),
        (t("report.review"), t("report.review_intro"), report.with_outcome(Outcome.REVIEW)),
        (t("report.done"), None, report.with_outcome(Outcome.DONE)),
        (t("report.skipped"), None, report.with_outcome(Outcome.NOT_CHECKED)),
    ]


def answer_line(item: AnsweredItem, t: Translator) -> str:
    return f"{item.question} ({answer_word(t, item.answer)})"


def risk_tags(report: Report, t: Translator) -> list[tuple[str, str]]:
    """(tag, text) per risk: the tag is its severity, and says when it is only possible."""
    out: list[tuple[str, str]] = []
    for risk in report.risks:
        severity = t(f"severity.{risk.severity.value}")
        tag = t("report.risk_possible", severity=severity) if risk.possible else severity
        out.append((tag, risk.text))
    return out


def coverage_line(
    report: Report, row_id: str, status: CoverageStatus, reason: str, t: Translator
) -> str:
    word = coverage_status(report, status, t, row_id)
    return f"{area_name(report, row_id, t)}: {word}. {reason}".rstrip()


# --- the text format ------------------------------------------------------------------------
