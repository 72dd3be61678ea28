"""A finding keeps at most MAX_EVIDENCE items of evidence; the ones beyond are counted, and
every format says how many the report does not list (issue 16: nothing is cut silently)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from rich.console import Console

from safecheck.core.entries import Entry, Hit
from safecheck.core.errors import DataError
from safecheck.core.i18n import Translator
from safecheck.core.model import Finding
from safecheck.report.findings import MAX_EVIDENCE, findings_from_hits
from safecheck.report.jsonio import parse_report, report_json_dict
from safecheck.report.model import Metadata, Report
from safecheck.report.render.html import render_html
from safecheck.report.render.markdown import render_markdown
from safecheck.report.render.terminal import scan_renderables
from safecheck.report.render.text import render_text
from safecheck.report.rules import load_rules

EXTRA = 17
START = datetime(2026, 1, 1, tzinfo=UTC)
NEWEST_CUT = {"en": "the report keeps the 25 most recent", "fr": "le rapport garde les 25 plus"}
LEFT_OUT = {"en": f"{EXTRA} more places", "fr": f"{EXTRA} autres endroits"}


def cron_hits(count: int) -> list[Hit]:
    """`count` cron jobs that run from /tmp, each in its own file, one day apart."""
    hits: list[Hit] = []
    for number in range(count):
        entry = Entry(
            "linux.cron",
            "cron-job",
            f"/etc/cron.d/job{number:03d}",
            f"job{number:03d}",
            command=f"/tmp/run{number:03d}",
            program=f"/tmp/run{number:03d}",
            line=1,
            modified=START + timedelta(days=number),
        )
        values = {"program": f"/tmp/run{number:03d}"}
        hits.append(Hit("SC-LNX-RUNS-FROM-TEMP", "temp", entry, values))
    return hits


def finding_of(count: int, lang: str = "en") -> Finding:
    rules = load_rules()
    findings = findings_from_hits(cron_hits(count), rules, Translator(lang), lambda _: None)
    assert len(findings) == 1
    return findings[0]


def report_with(finding: Finding, lang: str) -> Report:
    metadata = Metadata(
        tool="safecheck",
        version="9.9.9",
        generated_at="2026-11-27T10:30:00+00:00",
        language=lang,
        country="",
        advocate_mode=False,
        host={"platform": "linux", "root": "/", "live": False, "entries": 42},
    )
    return Report(metadata=metadata, findings=(finding,), answers=(), risks=(), coverage=())


def test_the_newest_evidence_is_kept_and_the_rest_counted() -> None:
    finding = finding_of(MAX_EVIDENCE + EXTRA)
    assert len(finding.evidence) == MAX_EVIDENCE
    assert finding.evidence_left_out == EXTRA
    newest = f"/etc/cron.d/job{MAX_EVIDENCE + EXTRA - 1:03d}"
    assert finding.evidence[0].path == newest
    assert "/etc/cron.d/job000" not in {e.path for e in finding.evidence}


def test_nothing_is_said_when_nothing_was_cut() -> None:
    finding = finding_of(MAX_EVIDENCE)
    assert len(finding.evidence) == MAX_EVIDENCE and finding.evidence_left_out == 0
    report = report_with(finding, "en")
    assert "more places" not in render_text(report, Translator("en"))
    assert "evidence_left_out" not in report_json_dict(report)["findings"][0]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_format_says_how_many_were_left_out(lang: str) -> None:
    t = Translator(lang)
    report = report_with(finding_of(MAX_EVIDENCE + EXTRA, lang), lang)
    text = " ".join(render_text(report, t).split())
    markdown = " ".join(render_markdown(report, t).split())
    html = " ".join(render_html(report, t).split())
    for output in (text, markdown, html):
        assert LEFT_OUT[lang] in output
        assert NEWEST_CUT[lang] in output

    data = report_json_dict(report)
    assert data["findings"][0]["evidence_left_out"] == EXTRA
    assert len(data["findings"][0]["evidence"]) == MAX_EVIDENCE

    screen = StringIO()
    console = Console(file=screen, width=200, color_system=None)
    for part in scan_renderables(report, t):
        console.print(part)
    # the table shows the first place and how many more there are, listed or not
    assert f"(+{MAX_EVIDENCE - 1 + EXTRA})" in screen.getvalue()


def test_the_count_survives_a_round_trip_through_json() -> None:
    report = report_with(finding_of(MAX_EVIDENCE + EXTRA), "en")
    again = parse_report(json.dumps(report_json_dict(report)))
    assert again.findings[0].evidence_left_out == EXTRA
    t = Translator("en")
    assert render_text(again, t) == render_text(report, t)


@pytest.mark.parametrize("bad", [-1, "3", 1.5, True, None])
def test_a_bad_count_in_a_report_file_is_a_data_error(bad: object) -> None:
    report = report_with(finding_of(MAX_EVIDENCE + EXTRA), "en")
    data = report_json_dict(report)
    del data["integrity"]
    data["schema_version"] = "1.0"  # no digest to check: only the field is wrong
    data["findings"][0]["evidence_left_out"] = bad
    with pytest.raises(DataError, match="evidence_left_out"):
        parse_report(json.dumps(data))


def test_the_json_of_a_finding_without_cuts_is_unchanged() -> None:
    finding = replace(finding_of(3), evidence_left_out=0)
    data = report_json_dict(report_with(finding, "en"))["findings"][0]
    assert set(data) == {
        "id",
        "severity",
        "confidence",
        "title",
        "category",
        "source",
        "explanation",
        "steps",
        "safety_note",
        "evidence",
        "references",
    }
