"""`safecheck resources [--country CC]`: emergency and support contacts."""

from __future__ import annotations

from typing import Annotated

import typer

from safecheck.cli.checkup import find_country
from safecheck.cli.common import HELP, for_terminal, handled_errors, translator
from safecheck.core.resources import load_resources, render_resources_text


def resources_command(
    country: Annotated[str, typer.Option("--country", help=HELP("help.option.country"))] = "FR",
    lang: Annotated[str | None, typer.Option("--lang", help=HELP("help.option.lang"))] = None,
    list_countries: Annotated[
        bool, typer.Option("--list", help=HELP("help.option.list_countries"))
    ] = False,
) -> None:
    with handled_errors():
        t = translator(lang)
        if list_countries:
            for code, found in sorted(load_resources().items()):
                typer.echo(for_terminal(t, f"{code}  {t.pick(found.name)}"))
            return
        found = find_country(country)
        heading = t("resources.heading", country=t.pick(found.name))
        text = render_resources_text(found, t.lang, heading)
        typer.echo(for_terminal(t, text), nl=False)
