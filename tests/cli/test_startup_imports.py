"""`safecheck --version` and `--help` load only what they need: the scan's collectors, the
Windows registry reader, the network code and psutil load when their command runs."""

from __future__ import annotations

import json
import subprocess
import sys

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
)

PROBE = """
import json, sys
sys.argv = ["safecheck", *{args!r}]
from safecheck.cli.app import main
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
    for args in (("--version",), ("--help",), ("scan", "--help")):
        loaded = loaded_by(*args)
        assert "safecheck.cli.app" in loaded  # the probe did run the command
        assert not [name for name in HEAVY if name in loaded], args


def test_a_scan_of_a_disk_loads_the_scan_but_not_the_network() -> None:
    loaded = loaded_by("scan", "--root", "/nonexistent-root-for-this-test")
    assert "http.client" not in loaded and "safecheck.indicators.update" not in loaded


def test_babel_loads_only_when_a_count_number_or_date_is_shown() -> None:
    # CLDR plural rules and locale data are read when a message needs them, not at start-up,
    # and the gettext catalogs of data texts only in a session that shows one
    for args in (("--version",), ("--help",), ("--lang", "ar", "--help"), ("languages",)):
        loaded = loaded_by(*args)
        assert "safecheck.cli.app" in loaded
        assert not [name for name in loaded if name.split(".")[0] == "babel"], args
