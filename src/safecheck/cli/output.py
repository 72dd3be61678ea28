"""Writing a report where the person asked: any format, optionally redacted or encrypted,
with a warning before a folder others may see, and the integrity digest on screen."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from safecheck.core.errors import UsageError
from safecheck.core.i18n import Translator
from safecheck.report.render.formats import ReportFormat

if TYPE_CHECKING:
    from safecheck.report.model import Report

# The file writing, digest, redaction, rendering and getpass code is imported when a report is
# written, not when the command line starts (`--help`, the checkup's first screen).


@dataclass(frozen=True)
class OutputOptions:
    fmt: ReportFormat = ReportFormat.text
    output: Path | None = None
    force: bool = False
    ascii_only: bool = False
    redact: bool = False
    encrypt: bool = False
    passphrase_file: Path | None = None
    # --report-lang: the saved report's language, when it differs from the session's; the
    # caller builds the report in it, messages on screen stay in the session's language
    report_lang: str | None = None

    def report_translator(self, t: Translator) -> Translator:
        return Translator(self.report_lang) if self.report_lang else t

    def check(self, t: Translator) -> None:
        if (self.encrypt or self.passphrase_file) and self.output is None:
            raise UsageError(t("output.encrypt_needs_output"))


def ask_passphrase(t: Translator, console: Console) -> str:
    """Twice, never echoed, never on the command line."""
    import getpass  # noqa: PLC0415 - see the top

    from safecheck.core import crypto  # noqa: PLC0415 - cryptography loads only to save

    while True:
        first = getpass.getpass(t("output.passphrase") + " ", stream=sys.stderr)
        if not first:
            console.print(t("output.passphrase_empty"), style="red", markup=False)
            continue
        note = crypto.passphrase_strength_note(first)
        if note:
            console.print(note, style="yellow", markup=False)
        second = getpass.getpass(t("output.passphrase_again") + " ", stream=sys.stderr)
        if first == second:
            return first
        console.print(t("output.passphrase_mismatch"), style="red", markup=False)


def exposed_warning(path: Path, t: Translator) -> str | None:
    from safecheck.core.fileio import exposed_location  # noqa: PLC0415 - see the top

    where = exposed_location(path.expanduser())
    if where is None:
        return None
    return t(f"output.exposed.{where.replace(':', '.').replace(' ', '_').lower()}")


STANDARD_OUTPUT = "-"  # `-o -`: the report goes to standard output, nothing is written to disk


def _to_standard_output(
    report: Report, text: str, t: Translator, options: OutputOptions, console: Console
) -> str:
    from safecheck.core import crypto  # noqa: PLC0415 - cryptography loads only to save
    from safecheck.report.jsonio import report_digest  # noqa: PLC0415 - see the top

    if options.encrypt or options.passphrase_file:
        passphrase = (
            crypto.read_passphrase_file(options.passphrase_file)
            if options.passphrase_file
            else ask_passphrase(t, console)
        )
        sys.stdout.buffer.write(crypto.encrypt(text.encode("utf-8"), passphrase))
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(text)
    return report_digest(report)


def write_report(
    report: Report,
    t: Translator,
    options: OutputOptions,
    console: Console,
    confirm: Callable[[str], bool] | None = None,
) -> str | None:
    """Render and write (or print) the report; returns the digest when a file was written.

    `confirm` asks the person whether to go on after a warning; without it (scripted runs)
    the warning is printed and the file written, since the path was given on purpose.
    """
    import getpass  # noqa: PLC0415 - see the top
    import platform  # noqa: PLC0415

    from safecheck.core import crypto  # noqa: PLC0415 - cryptography loads only to save
    from safecheck.core.fileio import write_encrypted_file, write_private_file  # noqa: PLC0415
    from safecheck.report.jsonio import report_digest  # noqa: PLC0415
    from safecheck.report.redact import redact_report  # noqa: PLC0415
    from safecheck.report.render.formats import render_report  # noqa: PLC0415

    options.check(t)
    if options.redact:
        # The account and computer names of this machine are known even when no evidence
        # names them; other names in free text cannot be found (documented limit).
        report = redact_report(
            report, extra_names=(getpass.getuser(),), extra_hosts=(platform.node(),)
        )
    text = render_report(report, options.report_translator(t), options.fmt, options.ascii_only)
    if options.output is None:
        sys.stdout.write(text)
        return None
    if str(options.output) == STANDARD_OUTPUT:
        return _to_standard_output(report, text, t, options, console)
    warning = exposed_warning(options.output, t)
    if warning:
        console.print(warning, style="yellow", markup=False)
        if confirm is not None and not confirm(t("output.write_anyway")):
            return None
    digest = report_digest(report)
    if options.encrypt or options.passphrase_file:
        passphrase = (
            crypto.read_passphrase_file(options.passphrase_file)
            if options.passphrase_file
            else ask_passphrase(t, console)
        )
        blob = crypto.encrypt(text.encode("utf-8"), passphrase)
        write_encrypted_file(options.output, blob, overwrite=options.force)
        console.print(
            t("output.saved_encrypted", path=str(options.output), digest=digest), markup=False
        )
    else:
        write_private_file(options.output, text, overwrite=options.force)
        console.print(t("save.saved", path=str(options.output), digest=digest), markup=False)
    return digest
