"""The performance page is made from the benchmarks' output: every benchmark script is run by
the maker, and the page carries each script's aims and output unedited. (No timing here: a
benchmark is never a timed test.)"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from paths import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

import make_performance_doc as maker


def test_every_benchmark_script_is_on_the_page() -> None:
    scripts = {path.name for path in (REPO / "benchmarks").glob("bench_*.py")}
    assert scripts, "no benchmark scripts found"
    assert scripts == {benchmark.script for benchmark in maker.BENCHMARKS}


def test_the_page_holds_the_output_and_the_aims_unedited() -> None:
    output = "x  1.0\naim: within 3x the floor: NOT met (4.0x)\naim 2: at most 12 calls: met"
    outcomes = [
        maker.Outcome(benchmark, f"python benchmarks/{benchmark.script}", output, 1.0, 0)
        for benchmark in maker.BENCHMARKS[:2]
    ]
    broken = maker.Outcome(maker.BENCHMARKS[2], "python x", "Traceback ...", 1.0, 1)
    text = maker.page([*outcomes, broken], datetime(2026, 12, 4, tzinfo=UTC), ("1", "2"), False)
    assert text.count("| within 3x the floor: NOT met (4.0x) |") == 2
    assert text.count("| at most 12 calls: met |") == 2
    assert "no aim line printed (exit code 1)" in text
    assert text.count("```text\n" + output + "\n```") == 2
    assert maker.docstring(maker.BENCHMARKS[0].script).splitlines()[0] in text
    assert "Not for publishing" not in text
