"""`safecheck catalog list|show|validate`, through typer's CliRunner.

The lead registers the sub-app in cli/app.py; here it is mounted on a small app of its own, the
same way (`add_typer(app, name="catalog")`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from paths import TESTS
from safecheck.catalog import loader
from safecheck.catalog.model import Category
from safecheck.cli.catalog_cmd import CategoryChoice
from safecheck.cli.catalog_cmd import app as catalog_app

FIXTURES = TESTS / "fixtures" / "catalog"

main = typer.Typer(add_completion=False)
main.add_typer(catalog_app, name="catalog")


@main.callback()
def _root() -> None:
    """A stand-in for the safecheck command."""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(
    runner: CliRunner, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    result = runner.invoke(main, list(args), env={"LANG": "C", "LC_ALL": "", **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def test_category_choices_are_the_catalog_categories() -> None:
    assert [c.value for c in CategoryChoice] == [c.value for c in Category]


def test_list_json_has_every_tool(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "catalog", "list", "--format", "json", "--lang", "fr")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) >= 80
    ids = {row["id"] for row in rows}
    assert {"teamviewer", "anydesk", "mspy", "qustodio", "ngrok", "logkeys"} <= ids
    for row in rows:
        assert set(row) == {"id", "name", "aliases", "category", "platforms", "does"}
        assert row["category"] in {c.value for c in Category}
        assert set(row["platforms"]) <= {"linux", "darwin", "win32"}
    teamviewer = next(row for row in rows if row["id"] == "teamviewer")
    assert teamviewer["does"].startswith("Voir et contrôler")
    assert teamviewer["platforms"] == ["linux", "darwin", "win32"]


def test_list_by_category(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "catalog", "list", "--category", "monitoring", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows
    assert {row["category"] for row in rows} == {"monitoring"}
    code, _, err = invoke(runner, "catalog", "list", "--category", "stalkerware")
    assert code == 2
    assert "stalkerware" in err


def test_list_table(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "catalog", "list", "--category", "tunnel", "--lang", "en")
    assert code == 0
    assert "ngrok" in out and "Systems" in out and "Linux, macOS, Windows" in out
    assert "tools." in err
    code, out, _ = invoke(runner, "catalog", "list", "--category", "tunnel", "--lang", "fr")
    assert code == 0
    assert "Systèmes" in out


def test_show_in_each_language(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "catalog", "show", "teamviewer", "--lang", "en")
    assert code == 0
    assert "TeamViewer (teamviewer)" in out
    assert "What it lets someone do:" in out
    assert "teamviewerd" in out and "com.teamviewer.TeamViewer" in out
    assert "HKLM\\SOFTWARE\\TeamViewer" in out
    assert "5938" in out and "teamviewer.com" in out
    assert "https://github.com/magicsword-io/LOLRMM" in out
    code, out, _ = invoke(runner, "catalog", "show", "anydesk", "--lang", "fr")
    assert code == 0
    assert "Ce qu'il permet de faire :" in out
    assert "Sources :" in out


def test_show_finds_a_tool_by_name_or_alias(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "catalog", "show", "ConnectWise Control")
    assert code == 0
    assert "ScreenConnect (screenconnect)" in out


def test_show_unknown_tool_suggests_close_ids(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "catalog", "show", "teamviewr")
    assert code == 2
    assert out == ""
    assert "No tool 'teamviewr' in the catalog" in err
    assert "Did you mean: teamviewer" in err
    code, _, err = invoke(runner, "catalog", "show", "teamviewr", env={"LANG": "fr_FR.UTF-8"})
    assert code == 2


def test_bad_language_exits_2(runner: CliRunner) -> None:
    code, _, err = invoke(runner, "catalog", "list", "--lang", "de")
    assert code == 2
    assert "en, fr" in err


def test_validate_packaged(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "catalog", "validate")
    assert code == 0, out + err
    assert out == ""
    assert "No problems:" in err and "(files read: 5)" in err


def test_validate_paths_prints_every_problem(runner: CliRunner) -> None:
    bad = FIXTURES / "bad" / "bad_port.yaml"
    code, out, err = invoke(runner, "catalog", "validate", str(bad), str(FIXTURES / "good"))
    assert code == 2
    lines = out.splitlines()
    assert len(lines) == 5
    assert lines[0] == (
        f"{bad}:9:15: tool 'example-remote': 'ports': port 70000 does not exist; "
        "a port is from 1 to 65535"
    )
    assert "5 problems (files read: 2)." in err


def test_validate_a_folder_with_a_duplicate_across_files(runner: CliRunner) -> None:
    folder = FIXTURES / "duplicate_across"
    code, out, _ = invoke(runner, "catalog", "validate", str(folder))
    assert code == 2
    assert out.startswith(f"{folder / 'b.yaml'}:12:9: tool 'example-remote': duplicate tool id")


def test_validate_missing_path_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "catalog", "validate", str(tmp_path / "missing"))
    assert code == 2
    assert "does not exist" in err


def test_broken_packaged_catalog_is_reported_without_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "packaged_catalog_dir", lambda: FIXTURES / "bad")
    code, out, err = invoke(runner, "catalog", "list")
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert f"{FIXTURES / 'bad' / 'empty.yaml'}:1:1: the file is empty" in err


def test_help_texts(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "catalog", "--help")
    assert code == 0
    assert "list" in out and "show" in out and "validate" in out
    code, out, _ = invoke(runner, "catalog", "list", "--help")
    assert code == 0
    assert "--category" in out
