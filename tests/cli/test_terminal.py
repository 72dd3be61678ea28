"""The guided checkup in a real pseudo-terminal: briefing, answers, back, help, summary,
saving, and quick exit by `q` and by Ctrl-C."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pexpect
import pytest

from paths import TESTS

MINI = TESTS / "fixtures" / "mini"
CLEAR = "\x1b[2J"


# Quick exit must not wait on a prompt, a clean-up or a timeout; on a busy shared machine a
# process still takes a while to be scheduled, so this bound only catches waiting, not speed.
QUICK = 10.0


def spawn(tmp_path: Path, *args: str, lang_env: str = "C") -> pexpect.spawn:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TERM": "xterm",
        "LANG": lang_env,
        "LC_ALL": "",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "safecheck", "checkup", "--checklists", str(MINI), *args],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(60, 200),
    )


def begin(child: pexpect.spawn) -> None:
    child.expect("Press Enter for the last points")
    child.sendline("")
    child.expect("Press Enter to begin")
    child.sendline("")


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_whole_checkup_in_english(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--lang", "en")
    child.expect("Before you start")
    child.expect("3919")  # the briefing lists help contacts before any question
    begin(child)
    child.expect(r"Your situation, 1/2 · about \d+ min left")
    child.expect("Do you use Android\\?")
    child.expect(r"\[y/n/\?/c/s/b/h/q\]")
    child.sendline("y")
    child.expect("Do they know your passwords\\?")
    child.sendline("h")
    child.expect("Why it matters:")
    child.expect("Accounts\\.")
    child.sendline("b")
    child.expect("Do you use Android\\?")
    child.expect("Your earlier answer: yes")
    child.sendline("y")
    child.expect("Do they know your passwords\\?")
    child.sendline("maybe")
    child.expect("Please type one of")
    child.sendline("y")
    child.expect("Passwords may be known\\.")
    # The risky answer moved the accounts checklist before the phone one.
    child.expect("Is mail forwarded to an address you do not know\\?")
    child.sendline("y")
    child.expect("What you can do:")
    child.expect("Before you act:")
    child.expect("They stop receiving copies\\.")
    child.expect("Is there an app you do not recognise\\?")
    child.sendline("?")
    child.expect("review with an advocate")
    child.expect("Did you write down its name\\?")
    child.sendline("s")
    child.expect("Is protection on\\?")
    child.sendline("n")
    child.expect("Inspect this computer now\\?")
    child.sendline("y")
    child.expect("Act on now")
    child.expect("Review with an advocate")
    child.expect("does not mean nothing is there")
    child.expect("Type the path of a file")
    child.sendline("report.txt")
    child.expect("Report saved to report.txt")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    report = tmp_path / "report.txt"
    text = report.read_text(encoding="utf-8")
    assert "Is mail forwarded to an address you do not know? [high]" in text
    assert "Is there an app you do not recognise? (not sure)" in text
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    # the inspection's coverage joined the report, in plain words
    assert "Services that start with the computer: checked" in text
    assert files_in(tmp_path) == ["report.txt"]


def test_whole_checkup_in_french_from_the_environment(tmp_path: Path) -> None:
    child = spawn(tmp_path, lang_env="fr_FR.UTF-8")
    child.expect("Avant de commencer")
    child.expect("Appuyez sur Entrée pour les derniers points")
    child.sendline("")
    child.expect("Appuyez sur Entrée pour commencer")
    child.sendline("")
    child.expect(r"Touches : o oui · n non · \? je ne sais pas · i introuvable · p passer")
    child.expect(r"Votre situation, 1/2 · encore \d+ min environ")
    child.expect("Utilisez-vous Android \\?")
    for answer in ("n", "n"):
        child.sendline(answer)
    child.expect("Vos mails sont-ils transférés")
    child.sendline("oui")
    child.expect("Avant d'agir :")
    child.expect("Inspecter cet ordinateur maintenant")
    child.sendline("n")
    child.expect("À traiter maintenant")
    child.expect("Tapez le chemin")
    child.sendline("")
    child.expect("Rien n'a été enregistré")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert files_in(tmp_path) == []


def test_french_keys_help_back_skip_and_cant_find(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--lang", "fr")
    child.expect("Appuyez sur Entrée pour les derniers points")
    child.sendline("")
    child.expect("Appuyez sur Entrée pour commencer")
    child.sendline("")
    child.expect(r"Touches : o oui · n non")  # the legend, once
    child.expect("Utilisez-vous Android \\?")
    child.expect(r"\[o/n/\?/i/p/r/a/q\]")
    child.sendline("y")  # the English key means nothing here
    child.expect("Tapez l'une de ces touches")
    child.sendline("a")
    child.expect("Pourquoi c'est important :")
    child.expect(r"Touches : o oui")  # and again with the help
    child.sendline("o")
    child.expect(r"Votre situation, 2/2")
    child.sendline("r")
    child.expect("Utilisez-vous Android \\?")
    child.expect("Votre réponse précédente : oui")
    child.sendline("oui")
    child.expect("Connaît-elle vos mots de passe \\?")
    child.sendline("p")
    child.expect(r"Téléphone, 1/3")
    child.sendline("i")
    child.expect("à revoir avec une association")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert files_in(tmp_path) == []


def test_language_is_asked_when_unknown(tmp_path: Path) -> None:
    child = spawn(tmp_path)
    child.expect("Language / Langue")
    child.sendline("x")
    child.sendline("f")
    child.expect("Avant de commencer")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_advocate_mode_detail_and_notes_by_key(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--lang", "en", "--advocate")
    begin(child)
    child.expect(
        r"Keys: y yes · n no · \? not sure · c can't find it · s skip · b back · h help"
        r" · \* note · q quit"
    )
    child.expect("Do you use Android\\?")
    child.expect(r"\[y/n/\?/c/s/b/h/\*/q\]")
    child.sendline("y")  # no note asked after an answer
    child.expect("Do they know your passwords\\?")
    child.sendline("n")
    child.expect("Is there an app you do not recognise\\?")
    child.expect("For the advocate:")
    child.expect("Check the installer package\\.")
    child.sendline("*")
    child.expect("Note on this item")
    child.sendline("found com.example.sys, installed 2 Oct")
    child.expect("Note kept")
    child.sendline("y")
    child.expect("Did you write down its name\\?")
    child.sendline("* on paper, in her bag")  # the note and its key on one line
    child.expect("Note kept")
    child.sendline("b")
    child.expect("Is there an app you do not recognise\\?")
    child.expect("Note on this item: found com.example.sys")  # kept when coming back
    child.sendline("y")
    child.expect("Did you write down its name\\?")
    child.sendline("y")
    child.expect("Is protection on\\?")
    child.sendline("y")
    child.expect("Is mail forwarded")
    child.sendline("n")
    child.expect("Inspect this computer now")
    child.sendline("n")
    child.expect("Type the path of a file")
    child.sendline("case.txt")
    child.expect(pexpect.EOF)
    child.close()
    text = (tmp_path / "case.txt").read_text(encoding="utf-8")
    assert "found com.example.sys, installed 2 Oct" in text
    assert "on paper, in her bag" not in text  # typed before going back, then not given again
    assert "Advocate mode" in text
    assert "Note for this item" not in (child.before or "")


def test_the_note_key_is_only_for_advocates(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--lang", "en")
    begin(child)
    child.expect(
        r"Keys: y yes · n no · \? not sure · c can't find it · s skip · b back · h help"
        r" · q quit"
    )
    child.expect(r"\[y/n/\?/c/s/b/h/q\]")
    child.sendline("* a note")
    child.expect("Please type one of these keys")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("where", ["briefing", "question", "scan", "save"])
def test_quick_exit_with_q(tmp_path: Path, where: str) -> None:
    child = spawn(tmp_path, "--lang", "en")
    if where != "briefing":
        begin(child)
        child.expect("Do you use Android\\?")
    if where in ("scan", "save"):
        for answer in ("n", "n", "n"):
            child.sendline(answer)
        child.expect("Inspect this computer now")
    if where == "save":
        child.sendline("n")
        child.expect("Type the path of a file")
    started = time.monotonic()
    child.sendline("q")
    child.expect(pexpect.EOF)
    elapsed = time.monotonic() - started
    child.close()
    assert child.exitstatus == 0
    assert elapsed < QUICK  # leaves without waiting on anything (not a speed measure)
    assert CLEAR in (child.before or "")
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("where", ["briefing", "question"])
def test_quick_exit_with_ctrl_c(tmp_path: Path, where: str) -> None:
    child = spawn(tmp_path, "--lang", "fr")
    child.expect("Appuyez sur Entrée")
    if where == "question":
        child.sendline("")
        child.expect("Appuyez sur Entrée pour commencer")
        child.sendline("")
        child.expect("Utilisez-vous Android \\?")
        child.sendline("o")
        child.expect("Connaît-elle vos mots de passe \\?")
    started = time.monotonic()
    child.sendintr()
    child.expect(pexpect.EOF)
    elapsed = time.monotonic() - started
    child.close()
    assert child.exitstatus == 0
    assert child.signalstatus is None
    assert elapsed < QUICK  # leaves without waiting on anything (not a speed measure)
    assert CLEAR in (child.before or "")
    assert files_in(tmp_path) == []


def test_encrypted_save_asks_the_passphrase_twice(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--lang", "en", "--encrypt")
    begin(child)
    for answer in ("n", "n", "n"):
        child.expect(r"\[y/n/\?/c/s/b/h/q\]")
        child.sendline(answer)
    child.expect("Inspect this computer now")
    child.sendline("n")
    child.expect("Type the path of a file")
    child.sendline("r.enc")
    child.expect("Passphrase for the report")
    child.sendline("a long passphrase for the test")
    child.expect("The same passphrase again")
    child.sendline("a different one")
    child.expect("The two passphrases differ")
    child.expect("Passphrase for the report")
    child.sendline("a long passphrase for the test")
    child.expect("The same passphrase again")
    child.sendline("a long passphrase for the test")
    child.expect("Encrypted report saved to r.enc")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    blob = (tmp_path / "r.enc").read_bytes()
    assert b"Is mail forwarded" not in blob
    assert files_in(tmp_path) == ["r.enc"]
