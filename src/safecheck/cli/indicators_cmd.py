"""`safecheck indicators update|info`: the Echap stalkerware indicators the phone check uses.

`update` is the only command that uses the network; it says so, and which hosts it contacts,
before connecting, and asks on a terminal unless --yes. `update --from PATH` uses no network.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from safecheck.cli.common import HELP, check_language, err_console, handled_errors, out_console
from safecheck.core.errors import DataError, ExitCode, UsageError
from safecheck.core.i18n import DEFAULT_LANGUAGE, Translator, language_from_environment

if TYPE_CHECKING:
    from safecheck.indicators.model import Indicators

app = typer.Typer(help=HELP("help.indicators"), no_args_is_help=True, add_completion=False)


class InfoFormat(StrEnum):
    text = "text"
    json = "json"


LangOption = Annotated[str | None, typer.Option("--lang", help=HELP("help.option.lang"))]
COUNT_KEYS = (
    "stalkerware",
    "watchware",
    "packages",
    "certificates",
    "c2_domains",
    "c2_ips",
    "websites",
    "ios_bundles",
)


def _translator(lang: str | None) -> Translator:
    check_language(lang)
    return Translator(lang or language_from_environment(os.environ) or DEFAULT_LANGUAGE)


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _report_installed(t: Translator, indicators: Indicators, where: str) -> None:
    console = err_console()
    console.print(t("indicators.installed", folder=indicators.folder, where=where), markup=False)
    counts = indicators.counts()
    console.print(
        t(
            "indicators.installed_summary",
            commit=indicators.commit,
            stalkerware=counts["stalkerware"],
            watchware=counts["watchware"],
            packages=counts["packages"],
        ),
        markup=False,
    )
    console.print(t("indicators.attribution"), markup=False)


@app.command("update", help=HELP("help.indicators.update"))
def update_command(
    to: Annotated[
        Path | None,
        typer.Option("--to", metavar="DIR", help=HELP("help.indicators.option.to")),
    ] = None,
    from_path: Annotated[
        Path | None,
        typer.Option("--from", metavar="PATH", help=HELP("help.indicators.option.from")),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help=HELP("help.indicators.option.yes"))] = False,
    lang: LangOption = None,
) -> None:
    # The network code (http.client, ssl) is loaded only when this command runs.
    from safecheck.indicators import update as updater  # noqa: PLC0415
    from safecheck.indicators.store import indicators_folder  # noqa: PLC0415

    with handled_errors():
        t = _translator(lang)
        folder, why = indicators_folder(to)
        where = t(f"indicators.where.{why}")
        console = err_console()
        try:
            if from_path is not None:
                console.print(t("indicators.no_network", path=str(from_path)), markup=False)
                indicators = updater.import_from(from_path, folder)
            else:
                endpoints = updater.endpoints()
                hosts = ", ".join(endpoints.hosts())
                console.print(t("indicators.network_notice", hosts=hosts), markup=False)
                console.print(t("indicators.network_warning"), markup=False)
                if not yes:
                    if not _stdin_is_terminal():
                        raise UsageError(t("indicators.no_terminal"))
                    if not typer.confirm(t("indicators.confirm"), default=False, err=True):
                        console.print(t("indicators.declined"), markup=False)
                        raise typer.Exit(int(ExitCode.OK))

                def show(url: str) -> None:
                    console.print(t("indicators.fetching", url=url), markup=False)

                indicators = updater.update(
                    folder, api=endpoints.api, raw=endpoints.raw, on_url=show
                )
        except updater.UpdateError as exc:
            raise UsageError(exc.text(t)) from None
        except DataError:
            console.print(t("indicators.parse_failed"), markup=False)
            raise
        _report_installed(t, indicators, where)


def _info_json(indicators: Indicators | None, folder: Path) -> str:
    from safecheck.indicators.model import ATTRIBUTION, LICENCE  # noqa: PLC0415

    if indicators is None:
        data: dict[str, object] = {"installed": False, "folder": str(folder)}
    else:
        data = {
            "installed": True,
            "folder": indicators.folder,
            "source": indicators.source,
            "commit": indicators.commit,
            "retrieved_at": indicators.retrieved_at,
            "sha256": dict(indicators.sha256),
            "counts": indicators.counts(),
            "licence": LICENCE,
            "attribution": ATTRIBUTION,
        }
    return json.dumps(data, ensure_ascii=False, indent=2)


@app.command("info", help=HELP("help.indicators.info"))
def info_command(
    from_dir: Annotated[
        Path | None,
        typer.Option("--from", metavar="DIR", help=HELP("help.indicators.option.info_from")),
    ] = None,
    fmt: Annotated[
        InfoFormat, typer.Option("--format", help=HELP("help.indicators.option.format"))
    ] = InfoFormat.text,
    lang: LangOption = None,
) -> None:
    # The indicators' code loads when an indicators command runs, not with every command.
    from safecheck.indicators.store import indicators_folder, load_installed  # noqa: PLC0415

    with handled_errors():
        t = _translator(lang)
        folder, _ = indicators_folder(from_dir)
        indicators = load_installed(folder)
        if fmt is InfoFormat.json:
            typer.echo(_info_json(indicators, folder))
            return
        if indicators is None:
            console = err_console()
            console.print(t("indicators.not_installed", folder=str(folder)), markup=False)
            console.print(t("indicators.how_to_get"), markup=False)
            return
        console = out_console()

        def say(text: str) -> None:  # whole lines: a hash or a path is never cut in two
            console.print(text, soft_wrap=True)

        def line(label_key: str, value: str) -> None:
            say(f"[bold]{escape(t(label_key))}[/bold] {escape(value)}")

        line("indicators.label.source", indicators.source)
        line("indicators.label.commit", indicators.commit)
        line("indicators.label.retrieved", indicators.retrieved_at)
        line("indicators.label.folder", indicators.folder)
        say(f"[bold]{escape(t('indicators.label.files'))}[/bold]")
        for name, digest in indicators.sha256.items():
            say(f"  {escape(name)}: {escape(digest)}")
        say(f"[bold]{escape(t('indicators.label.counts'))}[/bold]")
        counts = indicators.counts()
        for key in COUNT_KEYS:
            say(f"  {counts[key]:>5} {escape(t('indicators.count.' + key))}")
        line("indicators.label.licence", t("indicators.attribution"))
        say(escape(t("indicators.caveat")))
