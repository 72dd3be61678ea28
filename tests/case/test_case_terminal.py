"""`safecheck case checkup` in a real pseudo-terminal: two answers, quick exit with q, then
`case resume` continues at question 3 and the case holds all the answers."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from case_helpers import MINI, PASSPHRASE

from safecheck.case import CASE_FILE, Case

pexpect = pytest.importorskip("pexpect")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
]


def spawn(tmp_path: Path, *args: str) -> Any:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path / "home"),
        "TERM": "xterm",
        "LANG": "C",
        "LC_ALL": "",
        "PYTHONDONTWRITEBYTECODE": "1",
        "SAFECHECK_INITIALS": "GH",
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "safecheck", "case", *args],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(60, 200),
    )


def test_quick_exit_then_resume_at_question_3(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSPHRASE + "\n", encoding="utf-8")
    folder = tmp_path / "case"
    common = ["--passphrase-file", str(pw), "--lang", "en"]

    child = spawn(tmp_path, "new", str(folder), "--passphrase-file", str(pw))
    child.expect("Case created")
    child.expect(pexpect.EOF)

    child = spawn(
        tmp_path, "checkup", str(folder), "--label", "laptop", "--checklists", str(MINI), *common
    )
    child.expect(r"Your situation, 1/2 · about \d+ min left")
    child.expect(r"Do you use Android\?")
    child.sendline("y")
    child.expect(r"Your situation, 2/2")
    child.expect(r"Do they know your passwords\?")
    child.sendline("n")
    child.expect(r"Phone, 1/3")
    child.expect(r"\[y/n/\?/c/s/b/h/q\]")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    with Case.open(folder, PASSPHRASE) as case:
        pending = case.pending
        assert pending is not None
        assert {k: v["answer"] for k, v in pending["answers"].items()} == {
            "s-android": "yes",
            "s-passwords": "no",
        }
        assert case.devices == []

    child = spawn(tmp_path, "resume", str(folder), *common)
    child.expect("Resuming the checkup 'laptop': 2 answers already saved")
    child.expect(r"Phone, 1/3")
    for _ in range(10):
        found = child.expect([r"\[y/n/\?/c/s/b/h/q\]", "Added to the case: laptop"])
        if found == 1:
            break
        child.sendline("s")
    else:
        pytest.fail("the checkup did not end")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    with Case.open(folder, PASSPHRASE) as case:
        assert case.pending is None
        [device] = case.devices
        answers = {a["item"]: a["answer"] for a in device["report"]["answers"]}
        assert answers["s-android"] == "yes"
        assert answers["s-passwords"] == "no"
        actions = [(e["action"], e["initials"]) for e in case.entries]
        assert ("checkup-resumed", "GH") in actions
        assert actions[-1] == ("checkup-finished", "GH")
    assert sorted(p.name for p in folder.iterdir()) == [CASE_FILE]
    assert list((tmp_path / "home").iterdir()) == []


def test_passphrase_note_and_wipe_asked_on_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    folder = tmp_path / "case"
    child = spawn(tmp_path, "new", str(folder), "--lang", "en")
    child.expect("Passphrase for the new case")
    child.sendline(PASSPHRASE)
    child.expect("again")
    child.sendline(PASSPHRASE + "typo")
    child.expect("The two passphrases differ")
    child.expect("Passphrase for the new case")
    child.sendline(PASSPHRASE)
    child.expect("again")
    child.sendline(PASSPHRASE)
    child.expect("Case created")
    child.expect(pexpect.EOF)
    assert PASSPHRASE not in child.before

    child = spawn(tmp_path, "note", str(folder), "--client", "--lang", "en")
    child.expect("Passphrase of the case:")
    child.sendline(PASSPHRASE)
    child.expect("Note \\(one line")
    child.sendline("typed on the terminal")
    child.expect("Client note added")
    child.expect(pexpect.EOF)
    with Case.open(folder, PASSPHRASE) as case:
        assert [(n["kind"], n["text"]) for n in case.notes] == [("client", "typed on the terminal")]

    child = spawn(tmp_path, "wipe", str(folder), "--lang", "en")
    child.expect("Type wipe to confirm:")
    child.sendline("no")
    child.expect("Nothing was wiped")
    child.expect(pexpect.EOF)
    assert (folder / CASE_FILE).exists()
    child = spawn(tmp_path, "wipe", str(folder), "--lang", "en")
    child.expect("Type wipe to confirm:")
    child.sendline("wipe")
    child.expect("overwritten and deleted")
    child.expect(pexpect.EOF)
    assert list(folder.iterdir()) == []
    assert list((tmp_path / "home").iterdir()) == []
