"""`safecheck case ...` through typer: a round trip for each command, notes never in clear on
disk, wrong passphrase and damaged files leave everything as it was."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from case_helpers import MINI, PASSPHRASE, case_cli, fast_and_private

from paths import TESTS
from safecheck.case import CASE_FILE, Case

PHONE_TESTS = TESTS / "phone" / "android"


@pytest.fixture
def pw(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return fast_and_private(monkeypatch, tmp_path)


@pytest.fixture
def case_dir(tmp_path: Path, pw: Path) -> Path:
    folder = tmp_path / "stick" / "case"
    folder.parent.mkdir()
    result = case_cli("new", str(folder), "--passphrase-file", str(pw), "--initials", "AB")
    assert result.exit_code == 0, result.output
    return folder


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def content(folder: Path) -> dict[str, Any]:
    with Case.open(folder, PASSPHRASE) as case:
        return case.data


def test_new_writes_one_encrypted_file_and_nothing_else(tmp_path: Path, case_dir: Path) -> None:
    assert files_under(case_dir) == [case_dir / CASE_FILE]
    assert files_under(tmp_path / "home") == []
    data = content(case_dir)
    assert data["format"] == "safecheck-case"
    assert data["version"] == 1
    assert data["devices"] == [] and data["notes"] == [] and data["pending_checkup"] is None
    assert [(e["action"], e["initials"]) for e in data["log"]] == [("created", "AB")]
    assert (case_dir / CASE_FILE).stat().st_mode & 0o077 == 0


def test_new_refuses_a_folder_that_has_a_case(case_dir: Path, pw: Path) -> None:
    before = (case_dir / CASE_FILE).read_bytes()
    result = case_cli("new", str(case_dir), "--passphrase-file", str(pw))
    assert result.exit_code == 2
    assert "already a case" in result.output
    assert (case_dir / CASE_FILE).read_bytes() == before


def test_notes_kept_apart_and_never_in_clear_on_disk(
    tmp_path: Path, case_dir: Path, pw: Path
) -> None:
    secret = "He reads my messages on the tablet ZQXW-1234"  # noqa: S105 -- a note
    result = case_cli("note", str(case_dir), "--text", secret, "--passphrase-file", str(pw))
    assert result.exit_code == 0, result.output
    client = "I want to keep my number QWERTY-9876"
    result = case_cli(
        "note", str(case_dir), "--client", "--passphrase-file", str(pw), stdin=client + "\n"
    )
    assert result.exit_code == 0, result.output
    data = content(case_dir)
    assert [(n["kind"], n["text"]) for n in data["notes"]] == [
        ("consultant", secret),
        ("client", client),
    ]
    assert [e["action"] for e in data["log"]][-2:] == ["note-added", "note-added"]
    for path in files_under(tmp_path):
        raw = path.read_bytes()
        for text in (secret, client):
            for needle in (text.encode(), b"ZQXW", b"QWERTY"):
                assert needle not in raw, path
                assert text.encode("utf-16-le") not in raw, path


def test_empty_note_is_refused(case_dir: Path, pw: Path) -> None:
    result = case_cli("note", str(case_dir), "--passphrase-file", str(pw), stdin="  \n")
    assert result.exit_code == 2
    assert content(case_dir)["notes"] == []


def test_checkup_with_answers_then_report(tmp_path: Path, case_dir: Path, pw: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("s-android: y\ns-passwords: y\nacct-forwarding: y\n", encoding="utf-8")
    result = case_cli(
        "checkup", str(case_dir), "--label", "laptop", "--answers", str(answers),
        "--checklists", str(MINI), "--passphrase-file", str(pw), "--lang", "en",
        "--initials", "CD",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = content(case_dir)
    assert data["pending_checkup"] is None
    [device] = data["devices"]
    assert (device["label"], device["kind"]) == ("laptop", "checkup")
    answered = {a["item"]: a["answer"] for a in device["report"]["answers"]}
    assert answered["s-passwords"] == "yes"
    assert ("checkup-finished", "laptop", "CD") in [
        (e["action"], e["detail"], e["initials"]) for e in data["log"]
    ]

    out = tmp_path / "out" / "case.json"
    out.parent.mkdir()
    result = case_cli(
        "report", str(case_dir), "--format", "json", "--output", str(out),
        "--passphrase-file", str(pw),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["format"] == "safecheck-case-report"
    assert [d["label"] for d in report["devices"]] == ["laptop"]
    assert report["integrity"]["digest"] in result.output
    assert "notes" not in report  # notes only with --with-notes
    assert content(case_dir)["log"][-1]["action"] == "report-exported"

    result = case_cli("report", str(case_dir), "--format", "markdown", "--passphrase-file", str(pw))
    assert result.exit_code == 0, result.output
    assert "# Device 1: laptop (checkup)" in result.stdout
    assert "Case integrity (SHA-256" in result.stdout


def test_scan_of_a_folder_is_added(tmp_path: Path, case_dir: Path, pw: Path) -> None:
    root = tmp_path / "disk"
    (root / "home" / "someone").mkdir(parents=True)
    result = case_cli(
        "scan", str(case_dir), "--root", str(root), "--label", "old laptop",
        "--passphrase-file", str(pw),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [device] = content(case_dir)["devices"]
    assert (device["label"], device["kind"]) == ("old laptop", "scan")
    assert device["report"]["coverage"]
    for fmt in ("text", "html"):
        result = case_cli("report", str(case_dir), "--format", fmt, "--passphrase-file", str(pw))
        assert result.exit_code == 0, result.output
        assert "old laptop" in result.stdout


def _fake_adb() -> Any:
    spec = importlib.util.spec_from_file_location(
        "case_phone_fake_adb", PHONE_TESTS / "phone_fake_adb.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(sys.platform == "win32", reason="the fake adb is a script")
def test_phone_is_added(
    tmp_path: Path, case_dir: Path, pw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _fake_adb()
    bin_dir = fake.install_fake_adb(tmp_path / "bin")
    monkeypatch.setenv("FAKE_ADB_SCENARIO", str(fake.FIXTURES / "clean"))
    monkeypatch.setenv("SAFECHECK_DATA_DIR", str(tmp_path / "no-data"))
    result = case_cli(
        "phone", str(case_dir), "--adb-path", str(bin_dir), "--passphrase-file", str(pw),
        "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [device] = content(case_dir)["devices"]
    assert device["kind"] == "phone"
    assert device["report"]["coverage"]


def test_log_shows_the_activity(case_dir: Path, pw: Path) -> None:
    case_cli("note", str(case_dir), "--text", "x", "--passphrase-file", str(pw), "--initials", "EF")
    result = case_cli("log", str(case_dir), "--passphrase-file", str(pw))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "AB  created" in lines[1]
    assert "EF  note-added  consultant" in lines[2]
    assert "x" not in lines[2].split("consultant")[1]  # the log never holds the note's text


def test_resume_with_answers_keeps_the_saved_answers(
    tmp_path: Path, case_dir: Path, pw: Path
) -> None:
    with Case.open(case_dir, PASSPHRASE) as case:
        case.set_pending(
            {
                "label": "phone",
                "lang": "en",
                "country": "FR",
                "advocate": False,
                "checklists": [str(MINI)],
                "answers": {"s-android": {"answer": "yes", "checklist": "situation", "note": None}},
            }
        )
        case.save()
    answers = tmp_path / "answers.yaml"
    answers.write_text("s-passwords: n\n", encoding="utf-8")
    result = case_cli(
        "resume", str(case_dir), "--answers", str(answers), "--passphrase-file", str(pw)
    )
    assert result.exit_code == 0, result.output
    data = content(case_dir)
    assert data["pending_checkup"] is None
    answered = {a["item"]: a["answer"] for a in data["devices"][0]["report"]["answers"]}
    assert answered["s-android"] == "yes"
    assert answered["s-passwords"] == "no"
    result = case_cli(
        "resume", str(case_dir), "--answers", str(answers), "--passphrase-file", str(pw)
    )
    assert result.exit_code == 2
    assert "no interrupted checkup" in result.output


def test_wrong_passphrase_changes_nothing(tmp_path: Path, case_dir: Path, pw: Path) -> None:
    before = (case_dir / CASE_FILE).read_bytes()
    wrong = tmp_path / "secrets" / "wrong.txt"
    wrong.write_text("not the passphrase\n", encoding="utf-8")
    for args in (["note", "--text", "x"], ["log"], ["report"], ["scan", "--root", str(tmp_path)]):
        result = case_cli(args[0], str(case_dir), *args[1:], "--passphrase-file", str(wrong))
        assert result.exit_code == 2, args
        assert "wrong passphrase" in result.output
        assert "Traceback" not in result.output
    assert (case_dir / CASE_FILE).read_bytes() == before
    assert files_under(case_dir) == [case_dir / CASE_FILE]


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "append"])
def test_damaged_file_gives_a_clear_message(case_dir: Path, pw: Path, damage: str) -> None:
    path = case_dir / CASE_FILE
    raw = path.read_bytes()
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "flip":
        raw = raw[:-20] + bytes([raw[-20] ^ 1]) + raw[-19:]
    elif damage == "empty":
        raw = b""
    else:
        raw += b"junk"
    path.write_bytes(raw)
    result = case_cli("log", str(case_dir), "--passphrase-file", str(pw))
    assert result.exit_code == 2
    expected = {
        "truncate": "incomplete",
        "flip": "damaged or changed",
        "empty": "empty",
        "append": "damaged",
    }[damage]
    assert expected in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == raw


def test_no_case_here(tmp_path: Path, pw: Path) -> None:
    result = case_cli("log", str(tmp_path), "--passphrase-file", str(pw))
    assert result.exit_code == 2
    assert "no case" in result.output


def test_wipe(case_dir: Path) -> None:
    result = case_cli("wipe", str(case_dir))  # no terminal, no --yes: refused
    assert result.exit_code == 2
    assert (case_dir / CASE_FILE).exists()
    result = case_cli("wipe", str(case_dir), "--yes")
    assert result.exit_code == 0, result.output
    assert not (case_dir / CASE_FILE).exists()
    assert files_under(case_dir) == []
