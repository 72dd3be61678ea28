"""The `safecheck` program's entry point. `safecheck --version` answers without loading the
command line (typer, rich, every command's code): a third of a second on an old laptop is
worth saving for the one command people run to see whether the tool is there at all. Anything
else runs the typer app (`safecheck.cli.app`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from safecheck.cli.loading import loaded_code

if TYPE_CHECKING:
    from collections.abc import Callable


def _app_main() -> Callable[[], None]:
    from safecheck.cli.app import main as run_app  # noqa: PLC0415

    return run_app


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from safecheck import __version__  # noqa: PLC0415

        sys.stdout.write(f"safecheck {__version__}\n")
        return
    loaded_code(_app_main)()
