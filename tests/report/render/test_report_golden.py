"""Golden files: the combined report in every format, with a fixed clock and version.

After an intended change, run `pytest tests/render --update-golden` and review the diff of
tests/golden/ before committing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from report_sample import HELP, combined_report

from paths import TESTS
from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.core.i18n import Translator
from safecheck.report.model import Report
from safecheck.report.render.html import render_html
from safecheck.report.render.json_report import render_json
from safecheck.report.render.markdown import render_markdown
from safecheck.report.render.text import render_text

GOLDEN = TESTS / "report" / "golden"

Renderer = Callable[[Report, Translator, str], str]

RENDERERS: dict[str, Renderer] = {
    "txt": render_text,
    "ascii.txt": lambda r, t, h: render_text(r, t, h, ascii_only=True),
    "md": render_markdown,
    "json": lambda r, _t, _h: render_json(r),
    "html": render_html,
}


def plain_mode(report: Report) -> Report:
    """The same report outside advocate mode: plain words, no ids, collectors or certainty."""
    return replace(report, metadata=replace(report.metadata, advocate_mode=False))


RENDERERS["plain.txt"] = lambda r, t, h: render_text(plain_mode(r), t, h)
RENDERERS["plain.md"] = lambda r, t, h: render_markdown(plain_mode(r), t, h)
CASES = [("en", suffix) for suffix in RENDERERS] + [
    ("fr", "txt"),
    ("fr", "ascii.txt"),
    ("fr", "plain.txt"),
]


def check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing: run pytest --update-golden and review it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs: if intended, run pytest --update-golden"


@pytest.mark.parametrize(("lang", "suffix"), CASES, ids=[f"{lang}.{s}" for lang, s in CASES])
def test_golden(lang: str, suffix: str, mini: ChecklistSet, utc: None, update_golden: bool) -> None:
    report = combined_report(mini, lang)
    text = RENDERERS[suffix](report, Translator(lang), HELP[lang])
    check_golden(f"report.{lang}.{suffix}", text, update_golden)


def test_every_golden_file_is_checked() -> None:
    expected = {f"report.{lang}.{suffix}" for lang, suffix in CASES}
    assert {p.name for p in GOLDEN.iterdir()} == expected
