"""Property: whatever text a device puts in a finding (titles, paths, commands, users, coverage
reasons), no renderer lets a raw control character, escape sequence or bidi override through
to the screen or the saved report, and none raises."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_sample import combined_report
from rich.console import Console

from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.core.i18n import Translator
from safecheck.core.model import Coverage, CoverageStatus, Evidence
from safecheck.report.render.html import render_html
from safecheck.report.render.markdown import render_markdown
from safecheck.report.render.terminal import scan_renderables, summary_renderables
from safecheck.report.render.text import render_text

# Text a hostile device could write: escape sequences, C1 controls, bidi overrides, NUL...
HOSTILE = st.text(
    alphabet=st.sampled_from(
        [*"abc/ .:-[]*_`<>&\\", "\x1b", "\x07", "\x00", "\x9b", "\u202e", "\u2066", "\r"]
    ),
    max_size=60,
)
ALLOWED = {"\n"}


def raw_controls(text: str) -> set[str]:
    return {
        c
        for c in text
        if c not in ALLOWED and unicodedata.category(c) in ("Cc", "Cf") and c != "\u00ad"
    }


# `mini` is read-only data loaded once: sharing it between examples is what we want.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=HOSTILE, path=HOSTILE, command=HOSTILE, user=HOSTILE, reason=HOSTILE)
def test_no_renderer_lets_device_text_through(
    mini: ChecklistSet, title: str, path: str, command: str, user: str, reason: str
) -> None:
    report = combined_report(mini)
    first = report.findings[0]
    hostile = replace(
        first,
        title=f"T {title}",
        evidence=(Evidence(path=path or "/x", command=command, user=user),),
    )
    report = replace(
        report,
        findings=(hostile, *report.findings[1:]),
        coverage=(*report.coverage, Coverage("linux.cron", CoverageStatus.PARTIAL, reason)),
    )
    t = Translator("en")
    for rendered in (render_text(report, t), render_markdown(report, t), render_html(report, t)):
        assert raw_controls(rendered) == set()
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None, force_terminal=False)
    for part in (*scan_renderables(report, t), *summary_renderables(report, t)):
        console.print(part)
    assert raw_controls(buffer.getvalue()) == set()
