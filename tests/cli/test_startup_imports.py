"""`safecheck --version` and `--help` load only what they need: the scan's collectors, the
Windows registry reader, the network code and psutil load when their command runs;
`--version` alone loads no command-line library at all, and no command parses its options
through pydantic (typer 0.29 does)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "regipy",  # Windows hives: only a scan of a Windows disk
    "pefile",  # Windows programs' version information: the same
    "http.client",  # the indicators download
    "ssl",
    "psutil",  # the live machine: only a live scan
    "safecheck.scan.run",
    "safecheck.scan.collectors.registry",
    "safecheck.indicators.update",
    "safecheck.phone.run",
    "pydantic",  # typer >= 0.29 converts every option through it
)

PROBE = """
import json, sys
sys.argv = ["safecheck", *{args!r}]
from safecheck.cli.entry import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"LANG": "C", "PATH": "/usr/bin:/bin"},
    )
    modules: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return set(modules)


def test_version_and_help_load_no_heavy_module() -> None:
    for args in (("--help",), ("scan", "--help"), ("--lang", "en", "--version")):
        loaded = loaded_by(*args)
        assert "safecheck.cli.app" in loaded  # the probe did run the command
        assert not [name for name in HEAVY if name in loaded], args


# typer's own help screen and what it imports (Markdown, Syntax, Traceback, Columns): the help is
# ours (cli/help_screen.py), written with the panels and tables the checkup loads anyway
TYPER_HELP = (
    "typer.rich_utils",
    "rich.markdown",
    "markdown_it",
    "pygments",
    "rich.syntax",
    "rich.traceback",
)
# what only writing a file or a report needs
WRITING = ("secrets", "hmac", "tempfile", "getpass", "safecheck.report.jsonio")


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--lang", "fr", "--help"),
        ("checkup", "--help"),
        ("scan", "--help"),
        ("case", "--help"),
        ("case", "new", "--help"),
        ("catalog", "list", "--help"),
        ("languages", "-h"),
    ],
)
def test_help_is_ours_not_typers(args: tuple[str, ...]) -> None:
    loaded = loaded_by(*args)
    assert "safecheck.cli.help_screen" in loaded  # the probe did show our help
    assert not [name for name in TYPER_HELP if name in loaded], args


@pytest.mark.parametrize("args", [("--help",), ("checkup", "--help"), ("scan", "--help")])
def test_help_and_the_checkup_options_load_nothing_only_writing_needs(
    args: tuple[str, ...],
) -> None:
    # (the case commands write a case file and load the file writer with their module)
    loaded = loaded_by(*args)
    assert "safecheck.cli.app" in loaded
    assert not [name for name in WRITING if name in loaded], args


def test_version_alone_loads_no_command_line_library() -> None:
    loaded = loaded_by("--version")
    assert "safecheck.cli.entry" in loaded  # the probe did run the entry point
    assert not {"typer", "click", "rich", "yaml", "safecheck.cli.app"} & loaded


def test_version_says_the_same_by_either_path() -> None:
    fast = subprocess.run(
        [sys.executable, "-m", "safecheck", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    full = subprocess.run(
        [sys.executable, "-m", "safecheck", "--lang", "en", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert fast.stdout == full.stdout and fast.stdout.startswith("safecheck ")
    assert fast.stderr == full.stderr == ""


def test_a_scan_of_a_disk_loads_the_scan_but_not_the_network() -> None:
    loaded = loaded_by("scan", "--root", "/nonexistent-root-for-this-test")
    assert "http.client" not in loaded and "safecheck.indicators.update" not in loaded


def test_babel_loads_only_when_a_count_number_or_date_is_shown() -> None:
    # CLDR plural rules and locale data are read when a message needs them, not at start-up,
    # and the gettext catalogs of data texts only in a session that shows one
    for args in (("--version",), ("--help",), ("--lang", "ar", "--help"), ("languages",)):
        loaded = loaded_by(*args)
        assert "safecheck" in loaded  # the command ran (--version answers before the CLI loads)
        assert not [name for name in loaded if name.split(".")[0] == "babel"], args


OTHER_COMMANDS = (
    "safecheck.cli.case_cmd",
    "safecheck.cli.catalog_cmd",
    "safecheck.cli.checklists_cmd",
    "safecheck.cli.indicators_cmd",
    "safecheck.cli.phone_cmd",
    "safecheck.cli.report_cmd",
    "safecheck.cli.resources_cmd",
    "safecheck.cli.scan_cmd",
)


def test_each_command_loads_only_its_own_module() -> None:
    # the root options, as the guided checkup parses them: no other command's module
    loaded = loaded_by("--lang", "en", "--version")
    assert "safecheck.cli.app" in loaded
    assert not [name for name in (*OTHER_COMMANDS, "safecheck.cli.checkup") if name in loaded]
    loaded = loaded_by("scan", "--help")
    assert "safecheck.cli.scan_cmd" in loaded
    assert not [n for n in OTHER_COMMANDS if n in loaded and n != "safecheck.cli.scan_cmd"]
    # the list of every command (--help) shows their help texts without loading them
    assert not {*OTHER_COMMANDS, "safecheck.cli.checkup"} & loaded_by("--help")


def test_the_garbage_collector_runs_for_the_command() -> None:
    """The entry point keeps the collector from walking the command line's own objects while
    they load (gc.freeze), and then lets it run for what the command makes."""
    probe = (
        "import gc, sys\n"
        "sys.argv = ['safecheck', 'languages']\n"
        "from safecheck.cli.entry import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 1000, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"LANG": "C", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.split() == ["True", "True"]
