"""Time the reports of a large inspection: 5,000 findings rendered as text, Markdown, HTML and
JSON, in-process against a floor measured in the same run (joining the same lines of text), and
the whole command that writes the text report, as a new process, against the same command on a
report without findings (its start-up: interpreter, imports, reading the file).

    python benchmarks/bench_report.py [--findings 5000] [--runs 5]

The aim (issue 13) is a text report of 5,000 findings within 1 s beyond start-up: the command
`safecheck report FILE.json --format text -o -` on the large report, less the same command on
the empty one (medians of interleaved runs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent / "tests" / "report" / "render")]

from bench_scan import child_environment, describe_machine, run_process, safecheck_command  # noqa: E402
from report_sample import combined_report  # noqa: E402

from paths import FIXTURES  # noqa: E402
from safecheck.checkup.checklist.loader import load_checklists  # noqa: E402
from safecheck.core.i18n import Translator  # noqa: E402
from safecheck.report.model import Report  # noqa: E402
from safecheck.report.render.html import render_html  # noqa: E402
from safecheck.report.render.json_report import render_json  # noqa: E402
from safecheck.report.render.markdown import render_markdown  # noqa: E402
from safecheck.report.render.text import render_text  # noqa: E402

AIM_SECONDS = 1.0


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


def in_process(report: Report, runs: int) -> None:
    t = Translator("en")
    text = render_text(report, t)
    lines = text.splitlines()
    floor = median_seconds(lambda: "\n".join(line.strip() for line in lines), runs)
    print(f"\nin-process: {len(report.findings)} findings, {len(text)} characters of text")
    print(f"{'measure':<34}{'median s':>10}{'x floor':>10}")
    print(f"{'floor (join the same lines)':<34}{floor:>10.3f}{1:>10.1f}")
    renderers: dict[str, Callable[[], object]] = {
        "render_text": lambda: render_text(report, t),
        "render_markdown": lambda: render_markdown(report, t),
        "render_html": lambda: render_html(report, t),
        "render_json": lambda: render_json(report),
    }
    for name, work in renderers.items():
        seconds = median_seconds(work, runs)
        print(f"{name:<34}{seconds:>10.3f}{seconds / floor:>10.1f}")


def as_commands(report: Report, runs: int) -> float:
    """Median seconds of the text report command beyond its start-up (see the module's help)."""
    command = safecheck_command()
    with tempfile.TemporaryDirectory(prefix="safecheck-bench-") as folder:
        large = Path(folder) / "large.json"
        empty = Path(folder) / "empty.json"
        large.write_text(render_json(report), encoding="utf-8")
        empty.write_text(render_json(replace(report, findings=())), encoding="utf-8")
        env = child_environment(Path(folder) / "pycache")
        argv = {
            "start-up (report without findings)": [*command, "report", str(empty)],
            f"text report of {len(report.findings)} findings": [*command, "report", str(large)],
        }
        times: dict[str, list[float]] = {label: [] for label in argv}
        for args in argv.values():  # warm-up: bytecode and page cache
            run_process([*args, "--format", "text", "-o", "-"], env)
        for _ in range(runs):
            for label, args in argv.items():
                times[label].append(run_process([*args, "--format", "text", "-o", "-"], env))
    print(f"\nthe command `safecheck report FILE.json --format text -o -`, {runs} runs each")
    print(f"{'measure':<44}{'median s':>10}{'min s':>8}{'max s':>8}")
    for label, values in times.items():
        print(
            f"{label:<44}{statistics.median(values):>10.3f}{min(values):>8.3f}{max(values):>8.3f}"
        )
    start_up, full = (statistics.median(values) for values in times.values())
    return full - start_up


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=5000, help="findings in the report (5000)")
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each (5)")
    args = parser.parse_args(argv)
    print(f"safecheck report benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for name, value in describe_machine():
        print(f"  {name:<14} {value}")
    report = large_report(args.findings)
    in_process(report, args.runs)
    beyond = as_commands(report, args.runs)
    verdict = "met" if beyond <= AIM_SECONDS else "NOT met"
    print(f"beyond start-up: {beyond:.3f} s")
    print(
        f"aim: text report of {args.findings} findings within {AIM_SECONDS:g} s beyond "
        f"start-up: {verdict} ({beyond:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
