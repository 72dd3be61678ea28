"""The Windows parsers never raise on any input: a damaged file is a recorded problem."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from win_fakeroot import DEFRAG_TASK, lnk, utf16

from safecheck.scan.analysis.windows import windows_path
from safecheck.scan.collectors.windows import program_of, windows_display
from safecheck.scan.collectors.windows.startup import parse_lnk
from safecheck.scan.collectors.windows.tasks import TaskError, parse_task


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.integers(min_value=0, max_value=400))
def test_parse_lnk_never_raises(tail: bytes, cut: int) -> None:
    good = lnk("C:\\Program Files\\A\\a.exe", "-x")
    for data in (tail, good[:cut] + tail, good[:0x14] + tail):
        result = parse_lnk(data)
        assert result is None or isinstance(result, tuple)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=0, max_value=3000))
def test_parse_task_never_raises(noise: bytes, cut: int) -> None:
    real = utf16(DEFRAG_TASK)
    for data in (noise, real[:cut], real[:cut] + noise):
        try:
            task = parse_task(data)
        except TaskError:
            continue
        assert isinstance(task["actions"], list)


@given(st.text(max_size=200))
def test_path_helpers_never_raise(text: str) -> None:
    program_of(text)
    windows_display(text)
    windows_path(text)
