"""A fake `adb` program for the phone tests: it replays outputs recorded by hand, in the real
formats, from tests/fixtures/adb/<scenario>/ (falling back to the `clean` scenario), so the real
subprocess path of SubprocessRunner runs. `hang.txt` lists first words (`shell`, `devices`) on
which it hangs instead; every call is logged as one JSON line to FAKE_ADB_LOG.

A batch (`adb shell "echo M:0:begin; getprop x; r=$?; echo; echo M:0:end:$r; ..."`) is played
as the phone's shell would: each `echo` prints its words (with `$r`), each other statement is
looked up in the recordings like a single command, and `r=$?` keeps its exit status."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from paths import REPO, TESTS
from safecheck.core.runner import SubprocessRunner
from safecheck.phone.android.adb import Adb

FIXTURES = TESTS / "fixtures" / "adb"
ECHAP = REPO.parent / "shared" / "data" / "echap"
# The phone's clock in the clean recording: date +%s = 1710068520
NOW = datetime(2024, 3, 10, 11, 2, 0, tzinfo=UTC)

SCRIPT = """#!{python}
import json, os, re, sys, time
from pathlib import Path

args = sys.argv[1:]
log = os.environ.get("FAKE_ADB_LOG")
if log:
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(args) + "\\n")
scenario = Path(os.environ["FAKE_ADB_SCENARIO"])
folders = [scenario, scenario.parent / "clean"]
serial = None
if args[:1] == ["-s"]:
    serial, args = args[1], args[2:]
hang = scenario / "hang.txt"
if args and hang.exists() and args[0] in hang.read_text().split():
    time.sleep(60)
if args[:1] == ["shell"]:
    devices = next(f / "devices_-l.txt" for f in folders if (f / "devices_-l.txt").exists())
    ready = [l.split()[0] for l in devices.read_text().splitlines() if " device " in l + " "]
    if serial not in ready:
        sys.stderr.write("error: device '%s' not found\\n" % serial)
        sys.exit(1)
    args = args[1:]


def replay(words):
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", " ".join(words)).strip("_")
    for folder in folders:
        recorded = folder / (slug + ".txt")
        if recorded.exists():
            sys.stdout.write(recorded.read_text(encoding="utf-8"))
            code = folder / (slug + ".exit")
            return int(code.read_text()) if code.exists() else 0
    sys.stderr.write("fake adb: nothing recorded for %r\\n" % slug)
    return 1


if len(args) == 1 and "; " in args[0]:  # a batch: a tiny shell
    status, saved = 0, 0
    for statement in args[0].split("; "):
        if statement == "r=$?":
            saved = status
        elif statement == "echo" or statement.startswith("echo "):
            sys.stdout.write(statement[5:].replace("$r", str(saved)) + "\\n")
            status = 0
        else:
            status = replay(statement.split(" "))
    sys.exit(0)
sys.exit(replay(args))
"""


def play_batch(script: str, answer: Callable[[list[str]], tuple[int, str]]) -> str:
    """What the phone's shell prints for a batch, in-process (the fake program above does the
    same): each `echo` prints its words (with `$r`), each other statement is `answer`ed as a
    single command, and `r=$?` keeps its exit status."""
    out: list[str] = []
    status = saved = 0
    for statement in script.split("; "):
        if statement == "r=$?":
            saved = status
        elif statement == "echo" or statement.startswith("echo "):
            out.append(statement[5:].replace("$r", str(saved)) + "\n")
            status = 0
        else:
            status, text = answer(statement.split(" "))
            out.append(text)
    return "".join(out)


def install_fake_adb(folder: Path) -> Path:
    """Writes the fake `adb` program into `folder` (created) and returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "adb"
    program.write_text(SCRIPT.format(python=sys.executable), encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return folder


def use_scenario(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, scenario: str) -> Path:
    """Selects a recorded scenario; returns the log file of the calls."""
    log = tmp_path / "adb-calls.jsonl"
    monkeypatch.setenv("FAKE_ADB_SCENARIO", str(FIXTURES / scenario))
    monkeypatch.setenv("FAKE_ADB_LOG", str(log))
    return log


def make_adb(bin_dir: Path, timeout: float = 20.0) -> Adb:
    return Adb(SubprocessRunner(search_path=str(bin_dir)), timeout=timeout)


def echap_lookup() -> dict[str, tuple[str, str]]:
    """package -> (app name, type) from the saved Echap ioc.yaml and watchware.yaml."""
    import yaml  # noqa: PLC0415

    found: dict[str, tuple[str, str]] = {}
    for name in ("ioc.yaml", "watchware.yaml"):
        path = ECHAP / name
        if not path.exists():
            continue
        for app in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for package in app.get("packages") or []:
                found.setdefault(str(package), (str(app["name"]), str(app.get("type", ""))))
    return found


def can_run_scripts() -> bool:
    return os.name == "posix"
