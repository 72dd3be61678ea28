"""Plain words first (issue 17): outside advocate mode a report names no process number, memfd,
certainty, finding id or collector, and a finding leads with a plain sentence; advocate mode
keeps every technical detail."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from io import StringIO

import pytest
from report_sample import HELP, combined_report
from rich.console import Console

from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.core.i18n import LANGUAGES, REQUIRED_LANGUAGES, Translator, catalog
from safecheck.core.model import Evidence
from safecheck.report.model import Report
from safecheck.report.render.html import render_html
from safecheck.report.render.markdown import render_markdown
from safecheck.report.render.terminal import scan_renderables
from safecheck.report.render.text import render_text
from safecheck.report.rules import load_rules

RENDERERS: dict[str, Callable[[Report, Translator, str], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "html": render_html,
}


def with_memory_program(report: Report, lang: str, advocate: bool) -> Report:
    """The sample report with a program held in memory, as a live Linux scan finds one."""
    evidence = Evidence(process="memfd:sealed-91", path="/memfd:sealed-91 (deleted)", pid=9191)
    finding = load_rules()["SC-LNX-MEMORY-PROGRAM"].finding(
        Translator(lang),
        "common.processes",
        (evidence,),
        program="/memfd:sealed-91 (deleted)",
        name="memfd:sealed-91",  # a live scan names such a process so
    )
    return replace(
        report,
        findings=(*report.findings, finding),
        metadata=replace(report.metadata, advocate_mode=advocate),
    )


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_technical_words_outside_advocate_mode(mini: ChecklistSet, lang: str, fmt: str) -> None:
    t = Translator(lang)
    report = with_memory_program(combined_report(mini, lang), lang, advocate=False)
    help_text = HELP.get(lang, HELP["en"])  # the sample's help section is written in en and fr
    text = " ".join(RENDERERS[fmt](report, t, help_text).replace("&#x27;", "'").split())
    for technical in (
        "memfd",
        "4242",  # AnyDesk's process number
        "9191",
        t("evidence.pid"),
        "SC-CHK-",
        "SC-TOOL-",
        "SC-LNX-",
        "common.processes",
        "linux.accounts",
        t("confidence.low").split()[0] + " (",
        t("report.level", severity="", confidence="").split(":")[0] + " :"
        if lang == "fr"
        else "Severity:",
    ):
        assert technical not in text, (lang, fmt, technical)
    plain = "runs from memory" if lang == "en" else "il tourne en mémoire"
    if lang not in ("en", "fr"):  # the rule's plain sentence as this language shows it
        sentence = load_rules()["SC-LNX-MEMORY-PROGRAM"].plain
        assert sentence is not None
        plain = " ".join(t.pick(sentence).split("{")[0].split()[:4])
    # compared without Markdown's escapes and the isolates of right-to-left text
    assert plain in re.sub(r"[\\\u2068\u2069]", "", text)
    assert t("report.plain_low_confidence").split(";")[0] in text
    assert t("area.linux.accounts") in text


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_advocate_mode_keeps_every_technical_detail(mini: ChecklistSet, fmt: str) -> None:
    t = Translator("en")
    report = with_memory_program(combined_report(mini, "en"), "en", advocate=True)
    text = " ".join(RENDERERS[fmt](report, t, HELP["en"]).split())
    for technical in ("memfd:sealed-91", "9191", "SC-LNX-MEMORY-PROGRAM", "common.processes"):
        assert technical in text, technical
    assert "Confidence: low" in text
    # the plain sentence still leads, right under the technical title
    title = text.index("it runs from memory (")
    assert text.index("it runs from memory.", title) > title


def test_the_scan_table_speaks_plainly(mini: ChecklistSet) -> None:
    t = Translator("en")
    for advocate in (False, True):
        report = with_memory_program(combined_report(mini, "en"), "en", advocate)
        out = StringIO()
        console = Console(file=out, width=200, color_system=None)
        for part in scan_renderables(report, t):
            console.print(part)
        shown = out.getvalue()
        assert ("memfd" in shown) is advocate
        assert ("linux.accounts" in shown) is advocate
        assert "Who else can log in or act as administrator" in shown


def test_every_plain_sentence_has_no_technical_placeholder() -> None:
    # A plain sentence may name what was found, never a port or a raw path of a hidden program.
    for rule in load_rules().values():
        if rule.plain is None:
            continue
        for lang in REQUIRED_LANGUAGES:  # written inline; the others come from catalogs
            assert "{port}" not in rule.plain[lang], rule.id
            assert rule.plain[lang].strip(), rule.id


def test_every_part_of_every_check_has_a_plain_name() -> None:
    from safecheck.checkup.checklist.loader import load_checklists  # noqa: PLC0415
    from safecheck.phone.android import checks  # noqa: PLC0415
    from safecheck.phone.iphone import facts  # noqa: PLC0415
    from safecheck.scan.collectors.registry import all_collectors  # noqa: PLC0415
    from safecheck.scan.run import SCRIPTS_ROW  # noqa: PLC0415

    ids = {c.id for c in all_collectors()} | {SCRIPTS_ROW}
    ids |= {c.id for c in load_checklists().all}
    for module in (checks, facts):
        ids |= {
            value
            for name, value in vars(module).items()
            if name.isupper()
            and isinstance(value, str)
            and re.fullmatch(r"(android|iphone)\.[a-z_]+", value)
        }
    assert len(ids) > 40
    t = Translator("en")
    missing = sorted(i for i in ids if f"area.{i}" not in catalog(t.lang))
    assert missing == []
