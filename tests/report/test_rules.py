"""The packaged rules: every id the analysis uses exists, in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paths import REPO
from safecheck.core.i18n import LANGUAGES, Translator
from safecheck.report.rules import load_rules, parse_rules, rules_reference
from safecheck.scan.analysis.base import TOOL_RULES

SOURCE = REPO / "src" / "safecheck"


def test_every_rule_used_in_code_is_defined() -> None:
    used = set(TOOL_RULES.values())
    modules = sorted(SOURCE.rglob("*.py"))
    assert len(modules) > 50  # the package's source, not an empty folder
    for path in modules:
        used.update(
            re.findall(r'"(SC-[A-Z0-9]+(?:-[A-Z0-9]+)+)"', path.read_text(encoding="utf-8"))
        )
    assert {"SC-LNX-NETWORK-SHELL", "SC-MAC-PROFILE", "SC-WIN-ODD-LOCATION"} <= used
    assert used <= set(load_rules())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_findings_render_in_every_language(lang: str) -> None:
    t = Translator(lang)
    values = {
        "tool": "T",
        "does": "D.",
        "name": "N",
        "path": "/p",
        "program": "/x",
        "port": "5900",
        "user": "u",
        "count": "1",
    }
    for rule in load_rules().values():
        finding = rule.finding(t, "test", (), (), **values)
        assert "{" not in finding.title + finding.explanation, rule.id
        assert finding.safety_note and finding.steps


def test_bad_rules_file(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text(
        "version: '1'\nrules:\n  - id: X\n    severity: hgh\n    confidence: low\n"
        "    category: c\n    title: {en: '{tol}', fr: '{tol}'}\n    explanation: {en: a}\n"
        "    steps: []\n    safety: {en: a, fr: b}\n",
        encoding="utf-8",
    )
    _, _, problems = parse_rules(bad)
    text = "\n".join(str(p) for p in problems.items)
    assert ":4:15:" in text and "hgh" in text
    assert "unknown placeholder" in text
    assert "missing key 'fr'" in text


def test_findings_reference_is_up_to_date() -> None:
    doc = REPO / "docs" / "findings.md"
    assert doc.read_text(encoding="utf-8") == rules_reference(), (
        "docs/findings.md is out of date: python -m safecheck.report.rules > docs/findings.md"
    )
