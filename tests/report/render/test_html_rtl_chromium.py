"""The Arabic HTML report in a real browser: headless Chromium prints it right to left, every
word inside the page (no overflow), the Arabic text present. Word boxes come from
`pdftotext -bbox-layout`. Needs the Debian packages chromium, poppler-utils and a font with
Arabic letters (fonts-dejavu-core has them); fails, never skips, without them."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_sample import combined_report
from test_html_chromium import TIMEOUT, normalise, pdftotext, print_page

from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.core.i18n import Translator
from safecheck.core.resources import load_resources, render_resources_text
from safecheck.report.model import Report
from safecheck.report.render.formats import ReportFormat, render_report

ARABIC = re.compile(r"[\u0600-\u06ff]")
# What PDF text extraction adds or splits in Arabic: direction marks and embeddings, and a
# space now and then beside a vowel sign. Compared without them.
_MARKS = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\u064b-\u065f\u0670\s]")


def bare(text: str) -> str:
    return _MARKS.sub("", text)


@dataclass
class Word:
    text: str
    x_min: float
    x_max: float


@dataclass
class Page:
    width: float
    words: list[Word]
    lines: list[tuple[float, float]]  # (xMin, xMax) of each line, top to bottom


def word_boxes(pdf: Path) -> list[Page]:
    out = subprocess.run(
        [pdftotext(), "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=TIMEOUT,
    ).stdout.decode("utf-8")
    pages: list[Page] = []
    for page in re.finditer(r'<page width="([\d.]+)".*?</page>', out, re.DOTALL):
        words = [
            Word(text, float(x_min), float(x_max))
            for x_min, x_max, text in re.findall(
                r'<word xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)" yMax="[\d.-]+">'
                r"([^<]*)</word>",
                page.group(0),
            )
        ]
        lines = [
            (float(x_min), float(x_max))
            for x_min, x_max in re.findall(
                r'<line xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)"', page.group(0)
            )
        ]
        pages.append(Page(float(page.group(1)), words, lines))
    return pages


class Root(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.attributes = dict(attrs)


@pytest.fixture
def arabic(mini: ChecklistSet, utc: None) -> Report:
    return combined_report(mini, "ar")


def printed(report: Report, lang: str, tmp_path: Path) -> tuple[str, list[Page], str]:
    t = Translator(lang)
    page = tmp_path / f"report-{lang}.html"
    page.write_text(render_report(report, t, ReportFormat.html), encoding="utf-8")
    result = print_page(page, tmp_path / lang)
    return page.read_text(encoding="utf-8"), word_boxes(tmp_path / lang / "out.pdf"), result.text


def test_arabic_report_is_laid_out_right_to_left_without_overflow(
    arabic: Report, mini: ChecklistSet, tmp_path: Path
) -> None:
    html, pages, text = printed(arabic, "ar", tmp_path)
    root = Root()
    root.feed(html)
    assert root.attributes == {"lang": "ar", "dir": "rtl"}
    assert pages and all(page.words for page in pages)
    for page in pages:  # nothing runs off the paper, on either side
        for word in page.words:
            assert word.x_min >= 0 and word.x_max <= page.width, (word, page.width)
    # the Arabic headings and sentences are in the printed text (shaping undone by NFKC)
    t = Translator("ar")
    flat = bare(text)
    for key in ("report.answers", "report.caveat_end", "report.integrity_note"):
        for expected in normalise(t(key)).split():
            if ARABIC.search(expected) and len(expected) > 3:
                assert bare(expected.strip(".،:؛()")) in flat, (key, expected)
    # right to left: the title ends at the right margin; in English it starts at the left
    first = pages[0]
    for x_min, x_max in first.lines[:3]:  # the title and the first facts
        assert x_max > first.width * 0.85 and x_min > first.width * 0.1
    _, english, _ = printed(combined_report(mini, "en"), "en", tmp_path)
    for x_min, _x_max in english[0].lines[:3]:
        assert x_min < english[0].width * 0.15


def test_help_numbers_keep_their_digit_order(arabic: Report, tmp_path: Path) -> None:
    """0800 30 030 style numbers inside Arabic lines stay in order once printed."""
    help_text = render_resources_text(load_resources()["FR"], "ar", "مساعدة")
    numbers = re.findall(r"\b\d{2,4}(?: \d{2,3})+\b", help_text)
    _, _, text = printed(arabic, "ar", tmp_path)
    assert numbers, "the French contacts have spaced numbers"
    flat = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    for number in numbers:
        assert number in flat, number
