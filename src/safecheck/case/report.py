"""The combined report of a case: each device's report in its own section, the activity log
(and, when asked, the notes), and one SHA-256 over the whole content, the same in every format.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from typing import Any

from safecheck.case.store import Case
from safecheck.core.i18n import Translator
from safecheck.report.jsonio import canonical_json, report_from_dict
from safecheck.report.render.formats import ReportFormat, render_report
from safecheck.report.render.html import STYLE

CASE_REPORT_FORMAT = "safecheck-case-report"
CASE_REPORT_VERSION = 1


def log_line(entry: dict[str, Any]) -> str:
    parts = [str(entry.get("at", "")), str(entry.get("initials", "?")), str(entry.get("action"))]
    detail = str(entry.get("detail") or "")
    return "  ".join(parts) + (f"  {detail}" if detail else "")


def case_content(case: Case, with_notes: bool) -> dict[str, Any]:
    """What the combined report holds (without its digest)."""
    devices = []
    for device in case.devices:
        devices.append(
            {
                "label": device["label"],
                "kind": device.get("kind", ""),
                "added_at": device.get("added_at", ""),
                "report": device["report"],
            }
        )
    content: dict[str, Any] = {
        "format": CASE_REPORT_FORMAT,
        "version": CASE_REPORT_VERSION,
        "created_at": case.data.get("created_at", ""),
        "devices": devices,
        "log": case.entries,
    }
    if with_notes:
        content["notes"] = case.notes
    return content


def case_digest(content: dict[str, Any]) -> str:
    body = {k: v for k, v in content.items() if k != "integrity"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)


def render_case(content: dict[str, Any], t: Translator, fmt: ReportFormat) -> str:
    """One document: each device's report in its own section, then the log (and notes), then
    one digest over the whole content (the same digest in every format)."""
    digest = case_digest(content)
    if fmt is ReportFormat.json:
        data = dict(content)
        data["integrity"] = {"algorithm": "sha256", "digest": digest}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    sections: list[tuple[str, str]] = []
    for number, device in enumerate(content["devices"], 1):
        report = report_from_dict(device["report"], f"device {number}")
        heading = t("case.report.device", number=number, label=device["label"], kind=device["kind"])
        sections.append((heading, render_report(report, t, fmt)))
    log = "\n".join(log_line(e) for e in content["log"])
    notes = [
        f"[{t('case.report.note.' + n['kind'])}] {n.get('at', '')} {n.get('initials', '?')}: "
        f"{n['text']}"
        for n in content.get("notes", [])
    ]
    title = t("case.report.title")
    integrity = t("case.report.integrity", digest=digest)
    if fmt is ReportFormat.html:
        out = [
            "<!DOCTYPE html>",
            '<html><head><meta charset="utf-8">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{html.escape(title)}</title>",
            f"<style>\n{STYLE}\n</style></head><body>",
            f"<h1>{html.escape(title)}</h1>",
        ]
        for heading, text in sections:
            match = _BODY.search(text)
            out += [f"<section><h1>{html.escape(heading)}</h1>", match.group(1) if match else ""]
            out.append("</section>")
        out += [f"<h2>{html.escape(t('case.report.log'))}</h2>", f"<pre>{html.escape(log)}</pre>"]
        if notes:
            out.append(f"<h2>{html.escape(t('case.report.notes'))}</h2>")
            out.append(f"<pre>{html.escape(chr(10).join(notes))}</pre>")
        out += [f"<p><code>{html.escape(integrity)}</code></p>", "</body></html>"]
        return "\n".join(out) + "\n"
    markdown = fmt is ReportFormat.markdown
    rule = "" if markdown else "=" * 72
    out = [f"# {title}" if markdown else title, ""]
    for heading, text in sections:
        out += [rule, f"# {heading}" if markdown else heading, rule, "", text.rstrip("\n"), ""]
    out += [f"## {t('case.report.log')}" if markdown else t("case.report.log"), ""]
    out += ["```", log, "```"] if markdown else [log]
    if notes:
        out += ["", f"## {t('case.report.notes')}" if markdown else t("case.report.notes"), ""]
        out += ["```", *notes, "```"] if markdown else notes
    out += ["", integrity]
    return "\n".join(out) + "\n"
