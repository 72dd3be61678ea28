"""Every report format behind one call: `render_report(report, t, fmt)`.

The command line imports this module at start for `ReportFormat` (the --format option): the
report model and the help contacts load when a report is rendered."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from safecheck.core.i18n import Translator
from safecheck.core.i18n.bidi import MARKDOWN_PREFIX, isolate_html_text, isolate_lines

if TYPE_CHECKING:
    from safecheck.report.model import Report


class ReportFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


def help_section(report: Report, t: Translator) -> str | None:
    """The help contacts of the report's country, rebuilt from the packaged data."""
    if not report.metadata.country:  # a scan names no country: no contacts file to read
        return None
    from safecheck.core.resources import load_resources, render_resources_text  # noqa: PLC0415

    country = load_resources().get(report.metadata.country.upper())
    if country is None:
        return None
    heading = t("resources.heading", country=t.pick(country.name))
    return render_resources_text(country, t.lang, heading)


def render_report(
    report: Report, t: Translator, fmt: ReportFormat, ascii_only: bool = False
) -> str:
    """The report in one format, with the help contacts of its country. Each renderer is
    imported when its format is asked for: the command line starts without them."""
    contacts = help_section(report, t)
    if fmt is ReportFormat.json:
        from safecheck.report.render.json_report import render_json  # noqa: PLC0415

        return render_json(report)
    if fmt is ReportFormat.markdown:
        from safecheck.report.render.markdown import render_markdown  # noqa: PLC0415

        out = render_markdown(report, t, contacts)
        # right to left: commands, paths and numbers stay readable (and nothing changes in ltr)
        return isolate_lines(out, MARKDOWN_PREFIX) if t.rtl else out
    if fmt is ReportFormat.html:
        from safecheck.report.render.html import render_html  # noqa: PLC0415

        out = render_html(report, t, contacts)
        return isolate_html_text(out) if t.rtl else out
    from safecheck.report.render.text import render_text  # noqa: PLC0415

    out = render_text(report, t, contacts, ascii_only=ascii_only)
    return isolate_lines(out) if t.rtl and not ascii_only else out
