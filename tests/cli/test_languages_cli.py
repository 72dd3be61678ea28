"""Choosing a language on the command line: the list with statuses, --help in the --lang
language, the notice of an unreviewed translation, and --report-lang."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paths import TESTS
from safecheck.cli.app import app
from safecheck.cli.checkup import language_choice
from safecheck.cli.common import language_from_arguments
from safecheck.core.i18n import LANGUAGE_NAMES, LANGUAGES, Translator

MINI = TESTS / "fixtures" / "mini"
ARABIC = re.compile(r"[\u0600-\u06ff]")


def invoke(*args: str, lang_env: str = "C") -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"LANG": lang_env, "LC_ALL": ""})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args", [("languages",), ("--lang", "list"), ("scan", "--lang", "list")])
def test_the_list_names_each_language_in_itself_with_its_status(args: tuple[str, ...]) -> None:
    code, out, err = invoke(*args)
    assert code == 0
    for lang in LANGUAGES:
        line = next(line for line in out.splitlines() if line.strip().startswith(f"{lang} "))
        assert LANGUAGE_NAMES[lang] in line
        expected = "original text" if lang in ("en", "fr") else "not yet reviewed"
        assert expected in line, line
    assert "--lang" in out
    assert err == ""  # a list, not a session: no notice


def test_the_list_in_the_language_asked() -> None:
    code, out, _ = invoke("languages", "--lang", "es")
    assert code == 0
    assert "texto original" in out and "Español" in out


def test_an_unreviewed_language_says_so_once() -> None:
    code, _, err = invoke("checklists", "list", "--lang", "tr")
    assert code == 0
    notice = Translator("tr")("i18n.unreviewed", language="Türkçe")
    assert [line for line in err.splitlines() if line.strip()] == [notice]
    code, _, err = invoke("checklists", "list", "--lang", "fr")
    assert code == 0 and err == ""  # French is a source language


def test_help_is_in_the_lang_language() -> None:
    assert language_from_arguments(["scan", "--lang", "es", "--help"]) == "es"
    assert language_from_arguments(["--lang=pt"]) == "pt"
    assert language_from_arguments(["--lang", "xx"]) is None
    done = subprocess.run(
        [sys.executable, "-m", "safecheck", "--lang", "es", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"LANG": "C", "PATH": "/usr/bin:/bin", "COLUMNS": "120"},
    )
    assert done.returncode == 0
    assert "Idioma" in done.stdout


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("3", "ar"), ("ar", "ar"), ("العربية", "ar"), ("español", "es"), ("f", "fr"), ("t", "tr")],
)
def test_language_choice(typed: str, expected: str) -> None:
    assert language_choice(typed) == expected


@pytest.mark.parametrize("typed", ["e", "", "7", "0", "xx"])
def test_an_unclear_language_choice_is_asked_again(typed: str) -> None:
    assert language_choice(typed) is None  # e: English or Español


def test_scan_in_arabic_saves_the_report_in_french(tmp_path: Path) -> None:
    report = tmp_path / "rapport.txt"
    code, _, err = invoke(
        "scan", "--root", str(tmp_path), "--lang", "ar", "--report-lang", "fr", "-o", str(report)
    )
    assert code == 0, err
    text = report.read_text(encoding="utf-8")
    assert "inspection" in text.lower() and "Langue" in text
    assert not ARABIC.search(text.replace("العربية", ""))
    assert ARABIC.search(err)  # the session itself speaks Arabic


def test_a_report_in_arabic_says_it_is_unreviewed_and_isolates_commands(tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    code, _, err = invoke(
        "scan",
        "--root",
        str(tmp_path),
        "--lang",
        "fr",
        "--report-lang",
        "ar",
        "--format",
        "markdown",
        "-o",
        str(report),
    )
    assert code == 0, err
    text = report.read_text(encoding="utf-8")
    assert "لم يراجعها بعدُ متحدث أصلي" in text
    assert "\u2068" in text and "\u2069" in text  # left-to-right runs isolated
    assert text.startswith("# ")  # Markdown markers stay first


def test_a_bad_report_language_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = invoke("scan", "--root", str(tmp_path), "--report-lang", "xx")
    assert code == 2
    assert "en, fr, ar, es, pt" in err
