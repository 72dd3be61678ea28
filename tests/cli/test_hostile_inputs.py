"""Input files that are not files, and data that would escape as internal errors: a FIFO given
as answers, checklists, a report or a passphrase file is refused at once (never waited on); a
report with a number of thousands of digits is a data error (exit 2), not an internal one."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from paths import FIXTURES
from safecheck.cli.app import app
from safecheck.cli.common import print_problems
from safecheck.core.errors import DataError, Problem
from safecheck.core.fileio import read_regular
from safecheck.report.jsonio import parse_report


def invoke(*args: str, data: Path | None = None) -> tuple[int, str]:
    env = {"LANG": "C", "LC_ALL": ""}
    if data is not None:
        env["SAFECHECK_DATA_DIR"] = str(data)  # never the real user's installed list
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_read_regular_refuses_what_is_not_a_file(fifo: Path, tmp_path: Path) -> None:
    with pytest.raises(OSError, match="not a regular file"):
        read_regular(fifo, 100)
    with pytest.raises(IsADirectoryError):
        read_regular(tmp_path, 100)
    (tmp_path / "f").write_bytes(b"x" * 10)
    assert read_regular(tmp_path / "f", 4) == b"xxxxx"  # the limit plus one: "too large"


def test_cli_refuses_a_fifo_everywhere_a_path_is_read(fifo: Path, tmp_path: Path) -> None:
    mini = str(FIXTURES / "mini")
    cases = [
        ("checkup", "--lang", "en", "--checklists", mini, "--answers", str(fifo)),
        ("checkup", "--lang", "en", "--checklists", str(fifo), "--answers", str(fifo)),
        ("report", str(fifo)),
        ("checklists", "validate", str(fifo)),
        ("report", "decrypt", str(fifo)),
        ("indicators", "update", "--from", str(fifo), "--yes"),
    ]
    for args in cases:
        code, out = invoke(*args, data=tmp_path / "data")
        assert code == 2, (args, out)
        assert "not a regular" in out, (args, out)


def test_a_number_of_thousands_of_digits_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not valid JSON"):
        parse_report('{"schema_version": ' + "9" * 6000 + "}")
    report = tmp_path / "r.json"
    report.write_text(json.dumps({"x": 1})[:-1] + ', "n": ' + "7" * 6000 + "}", encoding="utf-8")
    code, out = invoke("report", str(report))
    assert code == 2, out


def test_problems_of_a_handed_file_cannot_drive_the_terminal() -> None:
    out = io.StringIO()
    problem = Problem("/media/usb/stalkerware.yaml", 1, 1, "bad name \x1b]0;owned\x07\x1b[2J")
    print_problems(Console(file=out, width=200), DataError([problem]))
    shown = out.getvalue()
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b" in shown and "stalkerware.yaml:1:1" in shown
