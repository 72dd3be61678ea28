"""The runner of read-only programs (adb, systemctl...): a program on an inspected device may
write without end, hang, or close its output and go on running; none of that sets our memory
or time (issue 16)."""

from __future__ import annotations

import sys
import time

import pytest

from safecheck.core import runner as runner_module
from safecheck.core.runner import OUTPUT_CUT, TIMED_OUT, SubprocessRunner

PYTHON = sys.executable  # a path: run as given, not looked up


def python(code: str, timeout: float = 10.0) -> tuple[int, str, float]:
    start = time.perf_counter()
    code_, text = SubprocessRunner().run([PYTHON, "-c", code], timeout=timeout)
    return code_, text, time.perf_counter() - start


def test_an_ordinary_program() -> None:
    code, text, _ = python("import sys; print('Pixel 7'); sys.exit(3)")
    assert (code, text) == (3, "Pixel 7\n")


def test_endless_output_is_cut_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "MAX_OUTPUT", 1 << 20)
    code, text, elapsed = python(
        "import sys\nwhile True: sys.stdout.write('x' * 65536)", timeout=30
    )
    assert code == OUTPUT_CUT
    assert len(text) == 1 << 20 and set(text) == {"x"}
    assert elapsed < 20  # stopped at the cap, not at the time limit


def test_a_program_that_hangs_is_stopped() -> None:
    code, text, elapsed = python("import time; print('a', flush=True); time.sleep(60)", 1.0)
    assert (code, text) == (TIMED_OUT, "")
    assert elapsed < 15


def test_a_program_that_closes_its_output_and_goes_on_is_stopped() -> None:
    code, _, elapsed = python("import os, time; os.close(1); time.sleep(60)", 1.0)
    assert code == TIMED_OUT
    assert elapsed < 15


def test_invalid_utf8_is_replaced_not_raised() -> None:
    code, text, _ = python("import sys; sys.stdout.buffer.write(b'ok\\xff\\xfe\\n')")
    assert code == 0 and text == "ok\ufffd\ufffd\n"
