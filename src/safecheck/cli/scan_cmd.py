"""`safecheck scan`: inspect this computer, or a mounted disk, read-only."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from safecheck.cli.common import (
    HELP,
    ReportLangOption,
    err_console,
    handled_errors,
    out_console,
    report_translator,
    translator,
)
from safecheck.cli.output import OutputOptions, write_report
from safecheck.core.errors import ExitCode, UsageError
from safecheck.core.i18n import Translator
from safecheck.core.model import Severity
from safecheck.report.model import Report
from safecheck.report.render.formats import ReportFormat
from safecheck.scan.collectors.host import Host


class ScanFormat(StrEnum):
    table = "table"
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


class Platform(StrEnum):
    auto = "auto"
    linux = "linux"
    darwin = "darwin"
    win32 = "win32"


def _host(root: Path | None, platform: Platform) -> Host:
    if root is None:
        # psutil is only needed for this computer, not for a disk (--root)
        from safecheck.scan.collectors.live import live_host  # noqa: PLC0415

        return live_host()
    if not root.is_dir():
        raise UsageError(HELP("error.no_such_path", path=str(root)))
    from safecheck.scan.collectors.system_info import detect_platform  # noqa: PLC0415

    chosen = detect_platform(root) if platform is Platform.auto else platform.value
    return Host(platform=chosen, root=root.resolve(), live=False)


def _scan(
    host: Host, t: Translator, show_progress: bool, full_commands: bool = False
) -> Callable[[Translator], Report]:
    """Inspect once (progress shown in `t`'s language); the result writes the report in any
    language."""
    # The scan's code (collectors of every system, catalog, rules) loads only when it runs.
    from safecheck.scan.collectors.linux.packages import dpkg_owned_among  # noqa: PLC0415
    from safecheck.scan.collectors.registry import all_collectors  # noqa: PLC0415
    from safecheck.scan.run import inspect  # noqa: PLC0415

    collectors = all_collectors(host.platform)  # only this system's collectors are imported
    if not show_progress:
        return inspect(host, collectors, owned_files=dpkg_owned_among, full_commands=full_commands)
    from rich.progress import Progress  # noqa: PLC0415 - only a scan shows progress

    with Progress(console=err_console(soft_wrap=False), transient=True) as progress:
        task = progress.add_task(t("scan.progress", collector=""), total=len(collectors))

        def report(collector: str, done: int, total: int) -> None:
            progress.update(
                task,
                completed=done,
                total=total,
                description=t("scan.progress", collector=collector),
            )

        return inspect(
            host,
            collectors,
            owned_files=dpkg_owned_among,
            progress=report,
            full_commands=full_commands,
        )


def scan_this_computer(
    t: Translator, show_progress: bool, full_commands: bool = False
) -> Callable[[Translator], Report]:
    """The live inspection, as the guided checkup offers it (whole command lines in advocate
    mode), to be written in any language."""
    return _scan(_host(None, Platform.auto), t, show_progress, full_commands)


def scan_command(
    root: Annotated[
        Path | None,
        typer.Option("--root", metavar="DIR", help=HELP("help.option.root"), file_okay=False),
    ] = None,
    platform: Annotated[
        Platform, typer.Option("--platform", help=HELP("help.option.platform"))
    ] = Platform.auto,
    fmt: Annotated[
        ScanFormat | None, typer.Option("--format", help=HELP("help.option.scan_format"))
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help=HELP("help.option.output")),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=HELP("help.option.force"))] = False,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", metavar="LEVEL", help=HELP("help.option.fail_on"))
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=HELP("help.option.lang"))] = None,
    report_lang: ReportLangOption = None,
    ascii_only: Annotated[bool, typer.Option("--ascii", help=HELP("help.option.ascii"))] = False,
    redact: Annotated[bool, typer.Option("--redact", help=HELP("help.option.redact"))] = False,
    full_commands: Annotated[
        bool, typer.Option("--full-commands", help=HELP("help.option.full_commands"))
    ] = False,
    advocate: Annotated[
        bool, typer.Option("--advocate", help=HELP("help.option.scan_advocate"))
    ] = False,
    encrypt: Annotated[bool, typer.Option("--encrypt", help=HELP("help.option.encrypt"))] = False,
    passphrase_file: Annotated[
        Path | None,
        typer.Option("--passphrase-file", metavar="FILE", help=HELP("help.option.passphrase_file")),
    ] = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        report_t = report_translator(report_lang, t)
        threshold = None
        if fail_on is not None:
            try:
                threshold = Severity(fail_on.lower())
            except ValueError:
                raise UsageError(HELP("help.option.fail_on")) from None
        host = _host(root, platform)
        if host.live and hasattr(os, "geteuid") and os.geteuid() != 0:
            err_console().print(t("scan.not_admin"), style="dim", markup=False)
        scanned = _scan(host, t, sys.stderr.isatty(), full_commands or advocate)

        def reading(language: Translator) -> Report:
            written = scanned(language)
            if advocate:  # finding ids, collectors, certainty and process numbers in the report
                return replace(written, metadata=replace(written.metadata, advocate_mode=True))
            return written

        report = reading(t)
        chosen = fmt or (ScanFormat.table if output is None else ScanFormat.text)
        if chosen is ScanFormat.table and output is None and not redact:
            # the terminal renderer (rich tables) loads only for the table on screen
            from safecheck.report.render.terminal import scan_renderables  # noqa: PLC0415

            console = out_console()
            for part in scan_renderables(report, t):
                console.print(part)
        else:
            report_format = ReportFormat(
                ScanFormat.text.value if chosen is ScanFormat.table else chosen.value
            )
            options = OutputOptions(
                report_format,
                output,
                force,
                ascii_only,
                redact,
                encrypt,
                passphrase_file,
                report_lang=report_t.lang if report_t is not t else None,
            )
            saved = reading(report_t) if report_t is not t else report
            write_report(saved, t, options, err_console())
        if threshold is not None and any(f.severity >= threshold for f in report.findings):
            err_console().print(t("scan.fail_on_hit", level=threshold.value), markup=False)
            raise typer.Exit(int(ExitCode.FINDINGS))
