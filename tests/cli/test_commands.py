"""Every command and exit code, through typer's CliRunner."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import safecheck.cli.checkup as flow
from paths import TESTS
from safecheck import __version__
from safecheck.cli.app import app
from safecheck.core.i18n import LANGUAGES

FIXTURES = TESTS / "fixtures"
MINI = FIXTURES / "mini"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(
    runner: CliRunner, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"LANG": "C", "LC_ALL": "", **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def test_version(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "--version")
    assert code == 0
    assert out.strip() == f"safecheck {__version__}"


def test_help_lists_commands(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "--help")
    assert code == 0
    for word in ("checkup", "checklists", "resources", "--answers"):
        assert word in out


def test_checkup_without_terminal_or_answers_exits_2(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "checkup", "--lang", "en")
    assert code == 2
    assert "--answers" in err
    assert out == ""
    code, _, err = invoke(runner, "--lang", "fr")
    assert code == 2
    assert "terminal" in err


def test_bad_language(runner: CliRunner) -> None:
    code, _, err = invoke(runner, "checkup", "--lang", "de")
    assert code == 2
    assert "en, fr" in err


def test_unknown_country(runner: CliRunner) -> None:
    code, _, err = invoke(runner, "resources", "--country", "ZZ")
    assert code == 2
    assert "ZZ" in err and "FR" in err


def test_scripted_checkup_prints_report(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(
        "s-android: y\ns-passwords: y\nphone-unknown-app: y\nphone-protect: n\n"
        "acct-forwarding: '?'\n",
        encoding="utf-8",
    )
    code, out, _ = invoke(
        runner, "checkup", "--lang", "en", "--checklists", str(MINI), "--answers", str(answers)
    )
    assert code == 0
    assert "ACT ON NOW" in out
    assert "Is there an app you do not recognise? [high]" in out
    assert "Removing it alerts them." in out
    assert "REVIEW WITH AN ADVOCATE" in out
    assert "Is mail forwarded to an address you do not know? (not sure)" in out
    # Not asked in the file: the follow-up counts as not checked.
    assert "Did you write down its name? (skipped)" in out
    assert "3919" in out  # where to get help, France by default


def test_scripted_checkup_in_french_with_output(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("s-android: n\ns-passwords: n\nacct-forwarding: y\n", encoding="utf-8")
    report = tmp_path / "rapport.txt"
    args = ["checkup", "--lang", "fr", "--checklists", str(MINI), "--answers", str(answers)]
    code, out, err = invoke(runner, *args, "--output", str(report))
    assert code == 0
    assert out == ""
    assert "SHA-256" in err
    text = report.read_text(encoding="utf-8")
    assert "À TRAITER MAINTENANT" in text
    assert "Vos mails sont-ils transférés à une adresse inconnue ? [élevée]" in text
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    # Never over an existing file without --force.
    code, _, err = invoke(runner, *args, "--output", str(report))
    assert code == 2
    assert "existe déjà" in err  # the session is in French, so is the error
    code, _, _ = invoke(runner, *args, "--output", str(report), "--force")
    assert code == 0


def test_scripted_checkup_with_bad_answers_file(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("s-androd: y\n", encoding="utf-8")
    code, _, err = invoke(runner, "checkup", "--checklists", str(MINI), "--answers", str(answers))
    assert code == 2
    assert f"{answers}:1:1: unknown item 's-androd' (did you mean 's-android'?)" in err


def test_invalid_checklists_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\ntitle: {en: a, fr: b}\nitems: []\nextra: 1\n")
    code, _, err = invoke(runner, "checkup", "--checklists", str(bad), "--answers", str(bad))
    assert code == 2
    assert f"{bad}:5:1: unknown key 'extra'" in err


def test_checklists_list_json(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "checklists", "list", "--format", "json", "--lang", "fr")
    assert code == 0
    rows = json.loads(out)
    ids = [row["id"] for row in rows]
    assert ids[0] == "situation"
    assert {"android", "iphone", "accounts", "location"} <= set(ids)
    for row in rows:
        assert set(row) >= {"id", "title", "items", "languages"}
        assert row["languages"] == list(LANGUAGES)
        assert row["items"] > 0
    assert sum(row["items"] for row in rows if row["id"] != "situation") >= 60


def test_checklists_list_table(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "checklists", "list", "--lang", "en")
    assert code == 0
    assert "android" in out and "Title" in out


def test_checklists_show(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "checklists", "show", "situation", "--lang", "en")
    assert code == 0
    assert "Why it matters:" in out
    code, _, err = invoke(runner, "checklists", "show", "nope")
    assert code == 2
    assert "situation" in err


def test_checklists_validate_packaged_and_paths(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "checklists", "validate")
    assert code == 0, err
    assert "No problems" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\ntitle: {en: a}\nitems: []\n")
    code, out, _ = invoke(runner, "checklists", "validate", str(bad))
    assert code == 2
    assert f"{bad}:3:8: missing key 'fr' in checklist: 'title'" in out
    code, _, err = invoke(runner, "checklists", "validate", str(tmp_path / "missing"))
    assert code == 2
    assert "does not exist" in err


def test_resources(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "resources", "--lang", "fr")
    assert code == 0
    for number in ("17", "112", "114", "3919", "119", "116 006"):
        assert number in out
    code, out, _ = invoke(runner, "resources", "--list", "--lang", "en")
    assert code == 0
    codes = [line.split()[0] for line in out.splitlines()]
    assert {"FR", "BE", "CH", "CA", "GB", "US", "ES", "DE", "MA"} <= set(codes)


def test_help_follows_system_language() -> None:
    """--help is French on a French system: run it in a fresh process to pick up LANG."""
    env = {**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "safecheck", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0
    assert "bilan guidé" in done.stdout


def test_internal_error_has_no_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(flow, "load_checklists", boom)
    monkeypatch.delenv("SAFECHECK_DEBUG", raising=False)
    code, _, err = invoke(runner, "checkup", "--answers", "x.yaml")
    assert code == 3
    assert "kaboom" in err and "Traceback" not in err


def test_scripted_checkup_with_scan(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("s-android: n\n", encoding="utf-8")
    code, out, _ = invoke(
        runner,
        "checkup",
        "--lang",
        "en",
        "--checklists",
        str(MINI),
        "--answers",
        str(answers),
        "--scan",
    )
    assert code == 0
    # plain names for the parts of the computer; the collector ids are for advocate mode
    assert "Services that start with the computer: checked" in out
    assert "Programs running now:" in out and "linux.systemd" not in out
