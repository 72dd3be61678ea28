"""The JSON report (documented in docs/report-format.md). Versioned: add fields, never
rename them, without raising SCHEMA_VERSION's major number. The data itself is built (and read
back) by safecheck.report.jsonio."""

from __future__ import annotations

import json
from typing import Any

from safecheck.core.model import Finding
from safecheck.report.jsonio import SCHEMA_VERSION, finding_to_dict, report_json_dict
from safecheck.report.model import Report

__all__ = ["SCHEMA_VERSION", "finding_dict", "render_json", "report_dict"]


def finding_dict(finding: Finding) -> dict[str, Any]:
    return finding_to_dict(finding)


def report_dict(report: Report) -> dict[str, Any]:
    """Everything in the report, with its `integrity` digest."""
    return report_json_dict(report)


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
