"""Time the reports of a large inspection: 5,000 findings rendered as text, Markdown, HTML
and JSON, against a floor measured in the same run (joining the same amount of text).

    python benchmarks/bench_report.py [--findings 5000] [--runs 5]

Prints the median of each, and the ratio to the floor; the aim (issue 13) is a text report
of 5,000 findings within 1 s beyond start-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent / "tests" / "report" / "render")]

from report_sample import combined_report  # noqa: E402

from paths import FIXTURES  # noqa: E402
from safecheck.checkup.checklist.loader import load_checklists  # noqa: E402
from safecheck.core.i18n import Translator  # noqa: E402
from safecheck.report.model import Report  # noqa: E402
from safecheck.report.render.html import render_html  # noqa: E402
from safecheck.report.render.json_report import render_json  # noqa: E402
from safecheck.report.render.markdown import render_markdown  # noqa: E402
from safecheck.report.render.text import render_text  # noqa: E402


def large_report(count: int) -> Report:
    report = combined_report(load_checklists([FIXTURES / "mini"]))
    first = report.findings[0]
    findings = tuple(
        replace(first, id=f"SC-BENCH-{n}", title=f"{first.title} ({n})") for n in range(count)
    )
    return replace(report, findings=findings)


def median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    report = large_report(args.findings)
    t = Translator("en")
    text = render_text(report, t)
    lines = text.splitlines()
    floor = median_seconds(lambda: "\n".join(line.strip() for line in lines), args.runs)
    print(f"{args.findings} findings, {len(text)} characters of text, median of {args.runs} runs")
    print(f"{'measure':<34}{'median s':>10}{'x floor':>10}")
    print(f"{'floor (join the same lines)':<34}{floor:>10.3f}{1:>10.1f}")
    renderers: dict[str, Callable[[], object]] = {
        "render_text": lambda: render_text(report, t),
        "render_markdown": lambda: render_markdown(report, t),
        "render_html": lambda: render_html(report, t),
        "render_json": lambda: render_json(report),
    }
    for name, work in renderers.items():
        seconds = median_seconds(work, args.runs)
        print(f"{name:<34}{seconds:>10.3f}{seconds / floor:>10.1f}")


if __name__ == "__main__":
    main()
