"""Run every benchmark of benchmarks/ and write docs/performance.md from what they print.

The page is made, not typed: the machine it ran on, the aims with their verdicts (the `aim`
lines the scripts print), then each script's own description (its docstring) and its whole
output, unedited. Run it from the top of the repository with the project's Python, on a machine
as quiet as can be had; it takes several minutes (the 100,000-entry disk is generated and
scanned).

    python benchmarks/make_performance_doc.py [--quick] [--output docs/performance.md]

--quick runs fewer rounds and leaves out the 100,000-entry disk: to try the page, not to
publish its figures.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
DEFAULT_OUTPUT = REPOSITORY / "docs" / "performance.md"
AIM_LINE = re.compile(r"^aim(?: \d+)?: (?P<text>.+)$")


@dataclass(frozen=True)
class Benchmark:
    script: str
    title: str
    issue_row: str  # the row of issue 13's table it measures
    args: tuple[str, ...]
    quick_args: tuple[str, ...]


BENCHMARKS = (
    Benchmark(
        "bench_startup.py",
        "Start-up: `--version`, `--help`, the checkup's briefing",
        "`safecheck --version`, `--help` <= 1.5x the import floor; guided checkup: start to "
        "briefing <= 1.5x that floor",
        ("--runs", "9", "--warmup", "2"),
        ("--runs", "3", "--warmup", "1"),
    ),
    Benchmark(
        "bench_scan.py",
        "The live scan",
        "live `scan` <= 3x the floor script",
        ("--runs", "7", "--warmup", "1"),
        ("--runs", "3", "--warmup", "1"),
    ),
    Benchmark(
        "bench_scaling.py",
        "Large disks: `scan --root` from 1,000 to 100,000 entries",
        "`scan --root` with 100k entries: <= 10 s, <= 300 MiB, cost per entry flat from 1k to 100k",
        (),
        ("--sizes", "1000,10000", "--runs", "2"),
    ),
    Benchmark(
        "bench_phone.py",
        "The phone check: 300 apps on a simulated phone",
        "phone check, 300 apps: <= 12 adb calls, <= 5 s on a simulated phone",
        (),
        ("--runs", "2"),
    ),
    Benchmark(
        "bench_report.py",
        "Reports of 5,000 findings",
        "text report of 5,000 findings <= 1 s beyond start-up",
        (),
        ("--runs", "2"),
    ),
)


@dataclass(frozen=True)
class Outcome:
    benchmark: Benchmark
    command: str
    output: str
    seconds: float
    exit_code: int

    @property
    def aims(self) -> list[str]:
        found = (AIM_LINE.match(line) for line in self.output.splitlines())
        return [match["text"] for match in found if match]


def docstring(script: str) -> str:
    tree = ast.parse((HERE / script).read_text(encoding="utf-8"))
    return ast.get_docstring(tree) or ""


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="ascii").split()[:3])
    except OSError:
        return "unknown"


def commit() -> str:
    try:
        done = subprocess.run(  # noqa: S603 - a fixed git command, no shell
            ["git", "-C", str(REPOSITORY), "describe", "--always", "--dirty"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def run(benchmark: Benchmark, quick: bool) -> Outcome:
    args = benchmark.quick_args if quick else benchmark.args
    argv = [sys.executable, str(HERE / benchmark.script), *args]
    shown = " ".join(["python", f"benchmarks/{benchmark.script}", *args])
    print(f"running {shown} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own scripts, no shell
        argv, capture_output=True, text=True, cwd=REPOSITORY, check=False
    )
    seconds = time.perf_counter() - start
    output = done.stdout if done.returncode == 0 else done.stdout + done.stderr
    return Outcome(benchmark, shown, output.rstrip("\n"), seconds, done.returncode)


def machine_rows() -> list[tuple[str, str]]:
    sys.path.insert(0, str(HERE))
    from bench_scan import describe_machine  # noqa: PLC0415 - imports the package

    return describe_machine()


def page(outcomes: list[Outcome], started: datetime, loads: tuple[str, str], quick: bool) -> str:
    lines = [
        "# Performance",
        "",
        "<!-- Made by `python benchmarks/make_performance_doc.py`: do not edit by hand. -->",
        "",
        "What safecheck's commands cost, each measured against a floor taken in the same run "
        "(the least work that does the same job, or the libraries' import time), so that the "
        "ratios hold on a shared and noisy machine. This page is the scripts' own output: "
        "their descriptions and figures, unedited. What was changed to get here, with the "
        "profiles, is in [performance-history.md](performance-history.md).",
        "",
    ]
    if quick:
        lines += [
            "**Made with `--quick`: fewer rounds, no 100,000-entry disk. Not for publishing.**",
            "",
        ]
    lines += [
        "## The machine",
        "",
        "| | |",
        "| --- | --- |",
        f"| measured | {started:%Y-%m-%d %H:%M} UTC |",
        f"| safecheck | commit `{commit()}` |",
    ]
    lines += [f"| {name} | {value} |" for name, value in machine_rows()]
    lines += [
        f"| load average (1, 5, 15 min) | {loads[0]} before, {loads[1]} after |",
        "",
        "The load average is that of the whole machine: other work may have run beside the "
        "benchmarks. Every ratio below is within one run of one script, whose measures are "
        "interleaved run by run.",
        "",
        "## The aims (issue 13)",
        "",
        "| measure | goal | result |",
        "| --- | --- | --- |",
    ]
    for outcome in outcomes:
        verdicts = outcome.aims or [f"no aim line printed (exit code {outcome.exit_code})"]
        anchor = outcome.benchmark.script.removesuffix(".py").replace("_", "-")
        goal = outcome.benchmark.issue_row
        for verdict in verdicts:
            lines.append(f"| [{outcome.benchmark.title}](#{anchor}) | {goal} | {verdict} |")
            goal = "″"
    for outcome in outcomes:
        anchor = outcome.benchmark.script.removesuffix(".py").replace("_", "-")
        lines += [
            "",
            f'<a id="{anchor}"></a>',
            "",
            f"## {outcome.benchmark.title}",
            "",
            f"`{outcome.command}` ({outcome.seconds:.0f} s)",
            "",
            "How it measures (the script's description):",
            "",
            "```text",
            docstring(outcome.benchmark.script),
            "```",
            "",
            "What it printed:",
            "",
            "```text",
            outcome.output,
            "```",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no 100k-entry disk")
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="where to write (docs/performance.md)"
    )
    args = parser.parse_args(argv)
    started = datetime.now(UTC)
    before = load_average()
    outcomes = [run(benchmark, args.quick) for benchmark in BENCHMARKS]
    text = page(outcomes, started, (before, load_average()), args.quick)
    args.output.write_text(text, encoding="utf-8")
    failed = [o.benchmark.script for o in outcomes if o.exit_code != 0]
    print(f"wrote {args.output}", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)} (their output is on the page)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
