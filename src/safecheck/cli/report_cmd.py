"""`safecheck report FILE.json [--format F] [--output OUT]` and `safecheck report decrypt FILE`."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from safecheck.cli.common import HELP, ReportLangOption, check_language, err_console, handled_errors
from safecheck.cli.output import OutputOptions, write_report
from safecheck.core import crypto
from safecheck.core.errors import UsageError
from safecheck.core.fileio import read_regular, write_private_bytes
from safecheck.core.i18n import DEFAULT_LANGUAGE, Translator, language_from_environment
from safecheck.report.jsonio import load_report
from safecheck.report.render.formats import ReportFormat

MAX_ENCRYPTED_BYTES = 256 * 1024 * 1024  # far larger than any report safecheck writes


def _decrypt(file: Path, output: Path | None, force: bool, passphrase_file: Path | None) -> None:
    t = Translator(language_from_environment(os.environ) or DEFAULT_LANGUAGE)
    try:
        blob = read_regular(file, MAX_ENCRYPTED_BYTES)
    except OSError as exc:
        raise UsageError(f"{file}: {exc.strerror or exc}") from None
    if len(blob) > MAX_ENCRYPTED_BYTES:
        raise UsageError(f"{file}: too large for an encrypted report")
    passphrase = (
        crypto.read_passphrase_file(passphrase_file)
        if passphrase_file
        else getpass.getpass(t("output.passphrase") + " ", stream=sys.stderr)
    )
    try:
        plain = crypto.decrypt(blob, passphrase)
    except crypto.EncryptedFileError as exc:
        raise UsageError(
            f"{file}: {exc}", key="error.in_file", file=file, error=exc.text(t)
        ) from None
    if output is None:
        sys.stdout.write(plain.decode("utf-8", errors="replace"))
        return
    write_private_bytes(output, plain, overwrite=force)
    err_console().print(t("output.decrypted_saved", path=str(output)), markup=False)


def report_command(
    target: Annotated[
        str, typer.Argument(metavar="FILE.json | decrypt", help=HELP("help.arg.report_file"))
    ],
    file: Annotated[Path | None, typer.Argument(metavar="[FILE]", show_default=False)] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help=HELP("help.option.report_format"))
    ] = ReportFormat.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help=HELP("help.option.output")),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=HELP("help.option.force"))] = False,
    ascii_only: Annotated[bool, typer.Option("--ascii", help=HELP("help.option.ascii"))] = False,
    redact: Annotated[bool, typer.Option("--redact", help=HELP("help.option.redact"))] = False,
    encrypt: Annotated[bool, typer.Option("--encrypt", help=HELP("help.option.encrypt"))] = False,
    passphrase_file: Annotated[
        Path | None,
        typer.Option("--passphrase-file", metavar="FILE", help=HELP("help.option.passphrase_file")),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=HELP("help.option.lang"))] = None,
    report_lang: ReportLangOption = None,
) -> None:
    with handled_errors():
        if target == "decrypt":
            if file is None:
                raise UsageError(HELP("help.report.decrypt"))
            _decrypt(file, output, force, passphrase_file)
            return
        if file is not None:
            raise UsageError(HELP("help.report"))
        path = Path(target)
        try:
            head = read_regular(path, 16)[:16]
        except OSError as exc:
            raise UsageError(f"{path}: {exc.strerror or exc}") from None
        if crypto.looks_encrypted(head):
            raise UsageError(f"{path}: " + HELP("help.report.decrypt"))
        report = load_report(path)
        check_language(lang)
        check_language(report_lang)
        # Texts inside the report stay in the language it was made in; the headings follow
        # --report-lang (here the same as --lang: this command only writes a report).
        t = Translator(report_lang or lang or report.metadata.language)
        options = OutputOptions(fmt, output, force, ascii_only, redact, encrypt, passphrase_file)
        write_report(report, t, options, err_console())
