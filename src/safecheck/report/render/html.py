"""The HTML report: one self-contained file, readable on a phone, that prints cleanly on A4 and
Letter. Same content and order as the text report.

The file can load nothing: its Content-Security-Policy allows only its own inline style (no
scripts, fonts, images or frames), no referrer is ever sent, and the only links are the https
addresses of public sources, shown in full. Everything that comes from data is escaped.
"""

from __future__ import annotations

import html
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

CSP = "default-src 'none'; style-src 'unsafe-inline'"
_HTTPS = re.compile(r"https://[^\s\"'<>`]+")

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; color: #111; background: #fff; line-height: 1.5; font-size: 16px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans",
    Arial, sans-serif;
}
main { max-width: 48rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.45rem; line-height: 1.25; margin: 0 0 .6rem; }
h2 {
  font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .15rem; border-bottom: 2px solid #111;
}
h3 { font-size: 1.05rem; line-height: 1.3; margin: 1.2rem 0 .4rem; }
.finding h3 { margin-top: 0; }
p { margin: .45rem 0; }
ul, ol { margin: .3rem 0; padding-inline-start: 1.4rem; }
li { margin: .15rem 0; }
.facts { list-style: none; padding: 0; color: #333; }
.caveat { font-weight: bold; border-inline-start: 4px solid #92400e; background: #fff7ed;
  padding: .5rem .75rem; }
.finding { border: 1px solid #bbb; border-inline-start: 6px solid #555; border-radius: 4px;
  padding: .7rem .9rem; margin: 1rem 0; }
.finding.high { border-inline-start-color: #b91c1c; }
.finding.medium { border-inline-start-color: #b45309; }
.finding.low { border-inline-start-color: #1d4ed8; }
.level { font-weight: bold; }
.ref { color: #444; font-size: .9rem; }
.label { font-weight: bold; }
.safety { border-inline-start: 4px solid #92400e; background: #fef3c7; padding: .35rem .6rem; }
code, pre {
  font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo,
    Consolas, monospace;
  font-size: .88em;
}
code { background: #f3f4f6; padding: 0 .2em; overflow-wrap: anywhere; word-break: break-all;
  direction: ltr; unicode-bidi: isolate; }
pre.help { white-space: pre-wrap; overflow-wrap: anywhere; background: #f9fafb;
  border: 1px solid #ddd; padding: .7rem; }
.integrity code { font-size: 1em; }
a { color: #1d4ed8; overflow-wrap: anywhere; }
footer { margin-top: 2rem; border-top: 2px solid #111; padding-top: .5rem; }
@media print {
  @page { size: auto; margin: 15mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .finding, .summary, .coverage > li, .answers > li, .risks > li, footer {
    break-inside: avoid; page-break-inside: avoid;
  }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .caveat, .safety, code, pre.help { background: none; }
}
""".strip()


RTL_ATTRIBUTE = ' dir="rtl"'


def h(text: str) -> str:
    """Data as HTML text: escaped, control characters visible, line breaks kept."""
    return html.escape(visible(text), quote=False).replace("\n", "<br>\n")


def _code(text: str) -> str:
    return f"<code>{h(text)}</code>"


def _linked(text: str) -> str:
    """Text with its https addresses as links that show the address itself."""
    out: list[str] = []
    last = 0
    shown = visible(text)
    for match in _HTTPS.finditer(shown):
        url = match.group(0).rstrip(".,;:)")
        out.append(h(shown[last : match.start()]))
        out.append(f'<a href="{html.escape(url, quote=True)}" rel="noreferrer noopener">')
        out.append(f"{html.escape(url)}</a>")
        last = match.start() + len(url)
    out.append(h(shown[last:]))
    return "".join(out)


def _labelled(label: str, text: str, css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f'<p{attribute}><span class="label">{h(label)}</span> {h(text)}</p>'


def _finding(out: list[str], number: int, finding: Finding, t: Translator, report: Report) -> None:
    out.append(f'<article class="finding {finding.severity.value}">')
    out.append(f"<h3>{number}. {h(finding_heading(report, finding))}</h3>")
    out += [f'<p class="level">{h(note)}</p>' for note in finding_notes(report, finding, t)]
    out.append(_labelled(t("report.why"), finding_explanation(report, finding, t)))
    if finding.evidence:
        out.append(f'<p class="label">{h(t("report.evidence"))}</p>')
        out.append('<ul class="evidence">')
        for evidence in finding.evidence:
            view = evidence_view(evidence, t, report.metadata.advocate_mode)
            if view.where is not None:
                out.append(f"<li>{h(t('evidence.seen'))} {_code(view.where)}")
                if view.facts:
                    out.append("<ul>")
                    out += [f"<li>{h(label)} {_code(value)}</li>" for label, value in view.facts]
                    out.append("</ul>")
                out.append("</li>")
            else:
                out += [f"<li>{h(label)} {h(value)}</li>" for label, value in view.facts]
        left_out = evidence_left_out_text(finding, t)
        if left_out:
            out.append(f'<li class="left-out">{h(left_out)}</li>')
        out.append("</ul>")
    if finding.safety_note:
        out.append(_labelled(t("report.before_you_act"), finding.safety_note, "safety"))
    if finding.steps:
        out.append(f'<p class="label">{h(t("report.what_to_do"))}</p>')
        out.append('<ol class="steps">')
        out += [f"<li>{h(step)}</li>" for step in finding.steps]
        out.append("</ol>")
    if finding.references:
        out.append(f'<p class="label">{h(t("report.sources"))}</p>')
        out.append('<ul class="sources">')
        out += [f"<li>{_linked(reference)}</li>" for reference in finding.references]
        out.append("</ul>")
    out.append("</article>")


def _answers(out: list[str], report: Report, t: Translator) -> None:
    out.append(f"<section>\n<h2>{h(t('report.answers'))}</h2>")
    for title, intro, items in answer_groups(report, t):
        out.append(f"<h3>{h(title)}</h3>")
        if items and intro:
            out.append(f"<p>{h(intro)}</p>")
        if not items:
            out.append(f"<p>{h(t('report.none'))}</p>")
            continue
        out.append('<ul class="answers">')
        for item in items:
            out.append(f"<li>{h(answer_line(item, t))}")
            if item.note:
                out.append(f'<br><span class="label">{h(t("report.advocate_note"))}</span>')
                out.append(h(item.note))
            out.append("</li>")
        out.append("</ul>")
    out.append("</section>")
    out.append(f"<section>\n<h2>{h(t('report.risks'))}</h2>")
    tags = risk_tags(report, t)
    if not tags:
        out.append(f"<p>{h(t('report.none'))}</p>")
    else:
        out.append('<ul class="risks">')
        out += [f'<li><span class="label">{h(tag)}</span>: {h(text)}</li>' for tag, text in tags]
        out.append("</ul>")
    out.append("</section>")


def render_html(report: Report, t: Translator, help_section: str | None = None) -> str:
    """The whole report as one HTML file that loads nothing from anywhere."""
    title = report_title(report, t)
    out = [
        "<!DOCTYPE html>",
        # the page's language is that of its headings; Arabic reads right to left
        f'<html lang="{html.escape(t.lang, quote=True)}"{RTL_ATTRIBUTE if t.rtl else ""}>',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(title)}</title>",
        f"<style>\n{STYLE}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{h(title)}</h1>",
        '<ul class="facts">',
        *(f"<li>{h(line)}</li>" for line in header_lines(report, t)),
        "</ul>",
        "</header>",
        '<section class="summary">',
        f"<h2>{h(t('report.summary'))}</h2>",
        '<ul class="counts">',
    ]
    lines = summary_lines(report, t)
    out.append(f"<li><strong>{h(lines[0])}</strong><br>{h(lines[1])}</li>")
    out += [f"<li>{h(line)}</li>" for line in lines[2:]]
    out += ["</ul>", f'<p class="caveat">{h(caveat(report, t))}</p>', "</section>"]

    out += ["<section>", f"<h2>{h(t('report.act_now'))}</h2>"]
    act = report.act_now
    if act:
        out.append(f"<p>{h(t('report.act_intro'))}</p>")
        for number, finding in enumerate(act, 1):
            _finding(out, number, finding, t, report)
    else:
        out.append(f"<p>{h(no_finding_text(report, t))}</p>")
    out.append("</section>")
    if report.information:
        out += ["<section>", f"<h2>{h(t('report.information'))}</h2>"]
        out.append(f"<p>{h(t('report.information_intro'))}</p>")
        for number, finding in enumerate(report.information, len(act) + 1):
            _finding(out, number, finding, t, report)
        out.append("</section>")

    if is_checkup(report):
        _answers(out, report, t)

    out += ["<section>", f"<h2>{h(t('report.coverage'))}</h2>", '<ul class="coverage">']
    for row in report.coverage:
        out.append(f"<li>{h(coverage_line(report, row.id, row.status, row.reason, t))}")
        if row.details:
            out.append("<ul>")
            out += [f"<li>{_code(detail)}</li>" for detail in row.details]
            out.append("</ul>")
        out.append("</li>")
    out += ["</ul>", "</section>"]

    if help_section:
        out += ["<section>", f"<h2>{h(t('report.help'))}</h2>"]
        shown = html.escape(visible(help_section.rstrip("\n")), quote=False)
        out += [f'<pre class="help">{shown}</pre>', "</section>"]

    out += [
        "<footer>",
        f"<p>{h(t('report.caveat_end'))}</p>",
        f'<p class="integrity"><span class="label">{h(t("report.integrity"))}</span><br>',
        f"{_code(report_digest(report))}</p>",
        f"<p>{h(t('report.integrity_note'))}</p>",
        "</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
