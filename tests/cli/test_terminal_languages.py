"""The guided checkup in a real pseudo-terminal in Arabic and in Spanish: the notice about an
unreviewed translation, the briefing, every question, the inspection offer and saving, with
the saved report in the advocate's language (--report-lang)."""

from __future__ import annotations

import re
from pathlib import Path

import pexpect
from test_terminal import files_in, spawn

from safecheck.core.i18n import Translator

ARABIC = re.compile(r"[\u0600-\u06ff]")
ISOLATES = "\u2068\u2069"


def loose(text: str) -> str:
    """A pattern for `text` as the terminal shows it: Unicode isolates may sit anywhere."""
    return "".join(f"[{ISOLATES}]*" + re.escape(char) for char in text)


def walk(child: pexpect.spawn, t: Translator, mark: str) -> None:
    """Answer the mini checklists with the language's own keys: the questions are English with
    the fallback mark (the mini checklists are only written in English and French)."""
    keys = {action: t(f"key.{action}") for action in ("yes", "no", "unsure", "skip")}
    hint = re.escape(t("key.yes")) + "/" + re.escape(t("key.no")) + "/"
    child.expect(loose(t("briefing.title")))
    child.expect("3919")  # help numbers before any question
    child.expect(loose(t("briefing.next")[:25]))  # the first screen
    child.sendline("")
    child.expect(loose(t("briefing.continue")[:25]))  # the second, before the questions
    child.sendline("")
    for question, answer in (
        ("Do you use Android", "yes"),
        ("Do they know your passwords", "yes"),
        ("Is mail forwarded to an address", "yes"),
        ("Is there an app you do not recognise", "unsure"),
        ("Did you write down its name", "skip"),
        ("Is protection on", "no"),
    ):
        child.expect(loose(mark))
        child.expect(question)
        child.expect(r"\[" + hint)
        child.sendline(keys[answer])
    child.expect(loose(t("checkup.scan_prompt")[:10]))
    child.sendline(t("key.no"))


def test_checkup_in_arabic_saves_a_french_report(tmp_path: Path) -> None:
    t = Translator("ar")
    child = spawn(tmp_path, "--lang", "ar", "--report-lang", "fr")
    child.expect(loose("لم يراجعها بعدُ متحدث أصلي"))  # said once, before anything else
    walk(child, t, t("i18n.fallback_mark"))
    child.expect(loose(t("save.prompt")[:20]))
    child.sendline("rapport.txt")
    child.expect(loose("حُفظ التقرير في"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert child.before.count("لم يراجعها بعدُ") == 0  # the notice was not repeated
    text = (tmp_path / "rapport.txt").read_text(encoding="utf-8")
    # the advocate's copy: French throughout, the questions in their French wording
    assert "Utilisez-vous Android ?" in text
    assert "Vos mails sont-ils transférés" in text
    assert not ARABIC.search(text.replace("العربية", ""))
    assert not any(char in text for char in ISOLATES)  # French output is left as it is
    assert files_in(tmp_path) == ["rapport.txt"]


def test_checkup_in_spanish(tmp_path: Path) -> None:
    t = Translator("es")
    child = spawn(tmp_path, "--lang", "es")
    child.expect(re.escape(t("i18n.unreviewed", language="Español")[:60]))
    walk(child, t, t("i18n.fallback_mark"))
    child.expect(re.escape(t("save.prompt")[:20]))
    child.sendline("informe.txt")
    child.expect("Informe guardado en informe.txt")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = (tmp_path / "informe.txt").read_text(encoding="utf-8")
    assert t("report.answers").upper() in text  # a text report: headings in capitals
    assert "[en inglés] Do you use Android?" in text
    assert "1 pregunta" in text or "preguntas" in text
    assert not any(char in text for char in ISOLATES)
