"""Right-to-left output keeps commands, paths and numbers readable (Unicode isolates), and
left-to-right output is never changed."""

from __future__ import annotations

import pytest

from safecheck.core.i18n.bidi import (
    FSI,
    MARKDOWN_PREFIX,
    PDI,
    isolate_html_text,
    isolate_lines,
    isolate_ltr_runs,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a command keeps its word order; the sentence's full stop stays outside
        ("شغّل safecheck indicators update.", f"شغّل {FSI}safecheck indicators update{PDI}."),
        # a phone number with spaces, 24/7: not reordered
        (
            "اتصل بـ 0800 30 030 أو 3919، 24/7.",
            f"اتصل بـ {FSI}0800 30 030{PDI} أو 3919، {FSI}24/7{PDI}.",
        ),
        ("المجلد /home/x/.config.", f"المجلد {FSI}/home/x/.config{PDI}."),
        # a bare number needs nothing
        ("قُرئ 11 تطبيقًا.", "قُرئ 11 تطبيقًا."),
        # matched brackets stay with the command, a lone one with the sentence
        ("افحص (safecheck checkup).", f"افحص {FSI}(safecheck checkup){PDI}."),
        ("ثبّت usbmuxd (حزمة Debian)", f"ثبّت {FSI}usbmuxd{PDI} (حزمة {FSI}Debian{PDI})"),
        # a Latin word glued to an Arabic conjunction
        ("وManifest.db", f"و{FSI}Manifest.db{PDI}"),
        ("`safecheck scan` الآن", f"{FSI}`safecheck scan`{PDI} الآن"),
    ],
)
def test_ltr_runs_in_arabic_are_isolated(text: str, expected: str) -> None:
    assert isolate_ltr_runs(text) == expected
    assert isolate_ltr_runs(expected) == expected  # twice is once


@pytest.mark.parametrize(
    "text", ["Run safecheck scan now.", "Appelez le 3919, 24 h/24.", "", "1 234 — x"]
)
def test_left_to_right_text_is_unchanged(text: str) -> None:
    assert isolate_ltr_runs(text) == text


def test_a_piece_of_a_right_to_left_line_can_be_forced() -> None:
    assert isolate_ltr_runs("0800 30 030", force=True) == f"{FSI}0800 30 030{PDI}"


def test_markdown_markers_stay_first() -> None:
    text = "## safecheck — تقرير\n- شغّل `safecheck scan`\n  1. افتح /etc/hosts"
    out = isolate_lines(text, MARKDOWN_PREFIX)
    lines = out.split("\n")
    assert lines[0].startswith("## ") and lines[1].startswith("- ")
    assert lines[2].startswith("  1. ")
    assert f"{FSI}`safecheck scan`{PDI}" in lines[1]


def test_html_text_is_isolated_but_not_tags_style_or_code() -> None:
    doc = (
        '<html dir="rtl"><style>a { color: red; }</style><p class="x">اتصل بـ 0800 30 030 '
        "&amp; R&amp;D</p><code>safecheck scan</code></html>"
    )
    out = isolate_html_text(doc)
    assert '<p class="x">' in out and "<style>a { color: red; }</style>" in out
    assert f"{FSI}0800 30 030 &amp; R&amp;D{PDI}" in out
    assert "<code>safecheck scan</code>" in out
