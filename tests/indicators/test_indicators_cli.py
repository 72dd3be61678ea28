"""`safecheck indicators update|info` through typer's CliRunner, against 127.0.0.1 only.

The lead registers the sub-app in cli/app.py; here it is mounted on a small app of its own,
the same way (`add_typer(app, name="indicators")`).
"""

from __future__ import annotations

import json
from pathlib import Path

import indicators_fakes
import pytest
import typer
from indicators_fakes import COMMIT, ECHAP, IOC_SHA256, FakeGitHub
from typer.testing import CliRunner

from safecheck.cli import indicators_cmd
from safecheck.cli.indicators_cmd import app as indicators_app

# The fixtures of tests/indicators (a conftest.py here would clash with tests/conftest.py
# for mypy): a fake GitHub on 127.0.0.1, loopback-only connections, a private data folder.
fake_github = indicators_fakes.fake_github
loopback_only = indicators_fakes.loopback_only
no_user_data_dir = indicators_fakes.no_user_data_dir

main = typer.Typer(add_completion=False)
main.add_typer(indicators_app, name="indicators")


@main.callback()
def _root() -> None:
    """A stand-in for the safecheck command."""


def invoke(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, list(args), input=stdin, env={"LANG": "C", "LC_ALL": "", **(env or {})}
    )
    return result.exit_code, result.stdout, result.stderr


def fake_env(fake: FakeGitHub) -> dict[str, str]:
    return {"SAFECHECK_INDICATORS_API": fake.api, "SAFECHECK_INDICATORS_RAW": fake.raw}


def test_update_says_it_uses_the_network_then_installs(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.serve_echap()
    folder = tmp_path / "ind"
    code, out, err = invoke(
        "indicators", "update", "--to", str(folder), "--yes", env=fake_env(fake_github)
    )
    assert code == 0, err
    assert out == ""
    notice = err.index("This command uses the network")
    assert f"connects to {fake_github.host} to download" in err
    assert notice < err.index("Downloading http://127.0.0.1:")
    downloads = [line for line in err.splitlines() if line.startswith("Downloading ")]
    assert len(downloads) == 3
    assert all(line.startswith("Downloading http://127.0.0.1:") for line in downloads)
    assert f"Indicators installed in {folder} (the folder given with --to)." in err
    assert f"Commit {COMMIT}, 147 stalkerware and 27 watchware apps" in err
    assert "Stalkerware indicators by Echap (https://echap.eu.org), CC BY 4.0" in err
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["commit"] == COMMIT
    assert manifest["files"]["ioc.yaml"]["sha256"] == IOC_SHA256


def test_update_into_the_default_folder_says_which(
    fake_github: FakeGitHub, no_user_data_dir: Path
) -> None:
    fake_github.serve_echap()
    code, _, err = invoke("indicators", "update", "--yes", env=fake_env(fake_github))
    assert code == 0, err
    where = f"installed in {no_user_data_dir / 'indicators'} (the folder from SAFECHECK_DATA_DIR)"
    assert where in err
    assert (no_user_data_dir / "indicators" / "ioc.yaml").is_file()


def test_update_without_yes_and_no_terminal_does_not_connect(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.serve_echap()
    code, _, err = invoke(
        "indicators", "update", "--to", str(tmp_path / "ind"), env=fake_env(fake_github)
    )
    assert code == 2
    assert "uses the network" in err
    assert "add --yes" in err
    assert fake_github.requests == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("answer", "connects"), [("n\n", False), ("y\n", True)])
def test_update_asks_on_a_terminal(
    fake_github: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    connects: bool,
) -> None:
    monkeypatch.setattr(indicators_cmd, "_stdin_is_terminal", lambda: True)
    fake_github.serve_echap()
    folder = tmp_path / "ind"
    code, _, err = invoke(
        "indicators", "update", "--to", str(folder), env=fake_env(fake_github), stdin=answer
    )
    assert code == 0, err
    assert "Connect now?" in err
    assert bool(fake_github.requests) is connects
    assert folder.exists() is connects
    if not connects:
        assert "Nothing was downloaded." in err


def test_update_from_a_usb_copy_uses_no_network(
    tmp_path: Path, loopback_only: list[str], fake_github: FakeGitHub
) -> None:
    folder = tmp_path / "ind"
    code, _, err = invoke(
        "indicators", "update", "--from", str(ECHAP), "--to", str(folder), env=fake_env(fake_github)
    )
    assert code == 0, err
    assert "no network is used" in err
    assert "uses the network" not in err
    assert loopback_only == [] and fake_github.requests == []
    assert "Commit unknown (imported)" in err
    assert (folder / "watchware.yaml").is_file()


def test_update_http_error_is_a_message_not_a_traceback(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.serve_echap()
    fake_github.routes[fake_github.file_path("ioc.yaml")] = (500, b"")
    code, out, err = invoke(
        "indicators", "update", "--to", str(tmp_path / "ind"), "--yes", env=fake_env(fake_github)
    )
    assert code == 2
    assert "HTTP 500" in err and "Nothing was installed" in err
    assert "Traceback" not in err + out
    assert list(tmp_path.iterdir()) == []


def test_update_unparseable_file_lists_problems(fake_github: FakeGitHub, tmp_path: Path) -> None:
    fake_github.serve_echap()
    fake_github.routes[fake_github.file_path("ioc.yaml")] = (200, b"- name: A\n  packages: {}\n")
    code, _, err = invoke(
        "indicators", "update", "--to", str(tmp_path / "ind"), "--yes", env=fake_env(fake_github)
    )
    assert code == 2
    assert "/ioc.yaml:2:13: packages: expected a list" in err
    assert "do not parse; nothing was installed" in err
    assert list(tmp_path.iterdir()) == []


def test_update_refuses_a_plain_http_server_elsewhere(tmp_path: Path) -> None:
    env = {"SAFECHECK_INDICATORS_API": "http://example.org"}
    code, _, err = invoke("indicators", "update", "--to", str(tmp_path / "x"), "--yes", env=env)
    assert code == 2
    assert "https only" in err


def test_update_in_french(fake_github: FakeGitHub, tmp_path: Path) -> None:
    fake_github.routes[fake_github.commit_path()] = (404, b"")
    code, _, err = invoke(
        "indicators",
        "update",
        "--to",
        str(tmp_path / "ind"),
        "--yes",
        "--lang",
        "fr",
        env=fake_env(fake_github),
    )
    assert code == 2
    assert "Cette commande utilise le réseau" in err
    assert "Rien n'a été installé" in err


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    folder = tmp_path / "ind"
    code, _, err = invoke("indicators", "update", "--from", str(ECHAP), "--to", str(folder))
    assert code == 0, err
    return folder


def test_info_text(installed: Path) -> None:
    code, out, err = invoke("indicators", "info", "--from", str(installed))
    assert code == 0, err
    assert "Source: https://github.com/AssoEchap/stalkerware-indicators" in out
    assert "Commit: unknown (imported)" in out
    assert "Retrieved: 20" in out
    assert f"ioc.yaml: {IOC_SHA256}" in out
    assert "147 stalkerware apps" in out
    assert "27 watchware apps" in out
    assert "Licence: Stalkerware indicators by Echap (https://echap.eu.org), CC BY 4.0" in out
    assert "not proven safe" in out


def test_info_json_and_french(installed: Path) -> None:
    code, out, _ = invoke("indicators", "info", "--from", str(installed), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["installed"] is True
    assert data["commit"] == "unknown (imported)"
    assert data["counts"]["stalkerware"] == 147
    assert data["licence"] == "CC BY 4.0"
    assert data["attribution"].startswith("Stalkerware indicators by Echap")
    code, out, _ = invoke("indicators", "info", "--from", str(installed), "--lang", "fr")
    assert code == 0
    assert "applications de stalkerware" in out
    assert "Indicateurs de stalkerware par Echap (https://echap.eu.org), CC BY 4.0" in out


def test_info_when_nothing_is_installed(tmp_path: Path, no_user_data_dir: Path) -> None:
    code, out, err = invoke("indicators", "info")
    assert code == 0
    assert out == ""
    assert f"No stalkerware indicators are installed in {no_user_data_dir / 'indicators'}" in err
    assert "safecheck indicators update --from PATH" in err
    code, out, _ = invoke("indicators", "info", "--format", "json")
    assert json.loads(out) == {
        "installed": False,
        "folder": str(no_user_data_dir / "indicators"),
    }
    assert not no_user_data_dir.exists()


def test_info_on_a_damaged_folder_is_a_data_error(installed: Path) -> None:
    (installed / "ioc.yaml").write_text("- name: X\n", encoding="utf-8")
    code, out, err = invoke("indicators", "info", "--from", str(installed))
    assert code == 2
    assert "changed since it was installed" in err
    assert "Traceback" not in err + out
