"""Report output through the command line: formats, re-rendering, redaction, encryption,
exposed folders."""

from __future__ import annotations

import getpass
import json
import platform
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paths import TESTS
from safecheck.cli.app import app

MINI = TESTS / "fixtures" / "mini"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"LANG": "C", "LC_ALL": "", **(env or {})})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(
        "s-android: y\ns-passwords: y\nphone-unknown-app: {answer: y, note: 'seen by amira'}\n"
        "acct-forwarding: '?'\n",
        encoding="utf-8",
    )
    return path


def checkup(answers: Path, *extra: str) -> tuple[int, str, str]:
    return invoke(
        "checkup", "--lang", "en", "--checklists", str(MINI), "--answers", str(answers), *extra
    )


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("text", "ACT ON NOW"),
        ("markdown", "# "),
        ("html", "<!DOCTYPE html>"),
        ("json", '"schema_version"'),
    ],
)
def test_checkup_formats(answers: Path, fmt: str, marker: str) -> None:
    code, out, _ = checkup(answers, "--format", fmt)
    assert code == 0
    assert marker in out
    assert "Is there an app you do not recognise?" in out


def test_saved_json_renders_again_identically(answers: Path, tmp_path: Path) -> None:
    saved = tmp_path / "r.json"
    code, _, err = checkup(answers, "--format", "json", "--output", str(saved))
    assert code == 0
    digest = json.loads(saved.read_text(encoding="utf-8"))["integrity"]["digest"]
    assert digest in err  # the digest shown on screen is the report's
    # Rendered again from the file, the JSON is the same to the byte...
    code, again_json, _ = invoke("report", str(saved), "--format", "json")
    assert code == 0
    assert again_json == saved.read_text(encoding="utf-8")
    # ...and the text carries the same digest and content as the saved report.
    code, again, _ = invoke("report", str(saved), "--format", "text")
    assert code == 0
    assert digest in again
    assert "Is there an app you do not recognise? [high]" in again
    assert "seen by amira" in again
    code, html, _ = invoke("report", str(saved), "--format", "html")
    assert code == 0 and "<html" in html and digest in html


def test_report_of_a_changed_file_is_refused(answers: Path, tmp_path: Path) -> None:
    saved = tmp_path / "r.json"
    checkup(answers, "--format", "json", "--output", str(saved))
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["findings"][0]["title"] = "something else"
    saved.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = invoke("report", str(saved))
    assert code == 2
    assert "changed" in err
    code, _, err = invoke("report", str(tmp_path / "missing.json"))
    assert code == 2


def test_redacted_report_has_no_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The command line runs in-process: it takes the account name from getpass.
    monkeypatch.setattr(getpass, "getuser", lambda: "amira")
    user, host = "amira", platform.node()
    path = tmp_path / "answers.yaml"
    path.write_text(
        f"s-android: y\nphone-unknown-app: {{answer: y, note: 'seen by {user} on {host}, "
        "mail amira.k@example.fr, call 06 12 34 56 78'}\n",
        encoding="utf-8",
    )
    code, out, _ = checkup(path, "--format", "json", "--redact")
    assert code == 0
    for secret in (f"by {user} ", host, "amira.k@example.fr", "06 12 34 56 78"):
        assert secret not in out, secret
    code, plain, _ = checkup(path, "--format", "json")
    assert "amira.k@example.fr" in plain  # without --redact nothing is hidden


def test_encrypt_and_decrypt(answers: Path, tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text("correct horse battery staple\n", encoding="utf-8")
    enc = tmp_path / "report.enc"
    code, _, err = checkup(
        answers, "--output", str(enc), "--encrypt", "--passphrase-file", str(secret)
    )
    assert code == 0, err
    blob = enc.read_bytes()
    assert b"Is there an app" not in blob and b"amira" not in blob
    assert stat.S_IMODE(enc.stat().st_mode) == 0o600
    code, out, _ = invoke("report", "decrypt", str(enc), "--passphrase-file", str(secret))
    assert code == 0
    assert "Is there an app you do not recognise?" in out
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not it\n", encoding="utf-8")
    code, out, err = invoke("report", "decrypt", str(enc), "--passphrase-file", str(wrong))
    assert code == 2
    assert "passphrase" in err and out == ""
    code, _, err = invoke("report", str(enc))
    assert code == 2 and "decrypt" in err.lower()


def test_encrypt_needs_an_output_file(answers: Path, tmp_path: Path) -> None:
    code, out, err = checkup(answers, "--encrypt")
    assert code == 2
    assert "--output" in err and out == ""


def test_warning_before_writing_to_the_desktop(answers: Path, tmp_path: Path) -> None:
    desktop = tmp_path / "Desktop"
    desktop.mkdir()
    code, _, err = invoke(
        "checkup",
        "--lang",
        "en",
        "--checklists",
        str(MINI),
        "--answers",
        str(answers),
        "--output",
        str(desktop / "r.txt"),
        env={"HOME": str(tmp_path)},
    )
    assert code == 0
    assert "Desktop" in err and "Warning" in err


def test_scan_in_every_format(tmp_path: Path) -> None:
    for fmt in ("markdown", "html"):
        code, out, _ = invoke("scan", "--root", str(tmp_path), "--format", fmt)
        assert code == 0
        assert "Services that start with the computer" in out
    code, out, _ = invoke(
        "scan", "--root", str(tmp_path), "--format", "text", "--ascii", "--lang", "fr"
    )
    assert code == 0
    assert out.isascii()


def test_scan_names_its_parts_technically_only_for_an_advocate(tmp_path: Path) -> None:
    code, plain, _ = invoke("scan", "--root", str(tmp_path), "--format", "text")
    assert code == 0
    assert "linux.systemd" not in plain and "Services that start with the computer" in plain
    code, advocate, _ = invoke("scan", "--root", str(tmp_path), "--format", "text", "--advocate")
    assert code == 0
    assert "(linux.systemd)" in advocate and "Advocate mode" in advocate


def test_errors_are_in_the_language_asked(answers: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken.txt"
    taken.write_text("someone's document", encoding="utf-8")
    code, _, err = invoke(
        "checkup",
        "--lang",
        "fr",
        "--checklists",
        str(MINI),
        "--answers",
        str(answers),
        "--output",
        str(taken),
        env={"LANG": "fr_FR.UTF-8"},
    )
    assert code == 2
    assert "existe déjà ; choisissez un autre nom" in err
    assert taken.read_text(encoding="utf-8") == "someone's document"  # never overwritten
    not_ours = tmp_path / "x.bin"
    not_ours.write_bytes(b"plain bytes")
    secret = tmp_path / "p.txt"
    secret.write_text("whatever\n", encoding="utf-8")
    code, _, err = invoke(
        "report",
        "decrypt",
        str(not_ours),
        "--passphrase-file",
        str(secret),
        env={"LANG": "fr_FR.UTF-8"},
    )
    assert code == 2
    assert "ce n'est pas un fichier chiffré par safecheck" in err
