"""The `safecheck` program's entry point. `safecheck --version` answers without loading the
command line (typer, rich, every command's code): a third of a second on an old laptop is
worth saving for the one command people run to see whether the tool is there at all. Anything
else runs the typer app (`safecheck.cli.app`)."""

from __future__ import annotations

import gc
import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from safecheck import __version__  # noqa: PLC0415

        sys.stdout.write(f"safecheck {__version__}\n")
        return
    # Loading the command line makes tens of thousands of objects that live until the end and
    # are no garbage: the collector is kept from walking them again and again (gc.freeze puts
    # them out of its sight); it runs as usual for what the command then makes.
    gc.disable()
    try:
        from safecheck.cli.app import main as run_app  # noqa: PLC0415
    finally:
        gc.freeze()
        gc.enable()
    run_app()
