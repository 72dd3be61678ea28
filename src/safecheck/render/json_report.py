"""The JSON report (documented in docs/report-format.md). Versioned: add fields, never
rename them, without raising SCHEMA_VERSION's major number."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from safecheck.model import Evidence, Finding
from safecheck.report import Report

SCHEMA_VERSION = "1.0"


def _evidence(item: Evidence) -> dict[str, Any]:
    return {k: v for k, v in asdict(item).items() if v is not None}


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "title": finding.title,
        "category": finding.category,
        "source": finding.source,
        "explanation": finding.explanation,
        "steps": list(finding.steps),
        "safety_note": finding.safety_note,
        "evidence": [_evidence(e) for e in finding.evidence],
        "references": list(finding.references),
    }


def report_dict(report: Report) -> dict[str, Any]:
    meta = report.metadata
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": meta.tool, "version": meta.version},
        "generated_at": meta.generated_at,
        "language": meta.language,
        "host": dict(meta.host),
        "findings": [finding_dict(f) for f in report.findings],
        "coverage": [
            {"id": c.id, "status": c.status.value, "reason": c.reason}
            | ({"details": list(c.details)} if c.details else {})
            for c in report.coverage
        ],
    }
    if report.answers:
        out["answers"] = [
            {
                "item": a.item_id,
                "checklist": a.checklist_id,
                "question": a.question,
                "answer": a.answer,
                "outcome": a.outcome.value,
            }
            | ({"note": a.note} if a.note else {})
            for a in report.answers
        ]
        out["risks"] = [
            {
                "item": r.item_id,
                "text": r.text,
                "severity": r.severity.value,
                "possible": r.possible,
            }
            for r in report.risks
        ]
        out["country"] = meta.country
        out["data_versions"] = dict(meta.data_versions)
    return out


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
