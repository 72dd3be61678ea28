"""Time `safecheck scan` on this machine against its floor (benchmarks/floor.py).

Measures, over --runs runs each (interleaved, after --warmup unmeasured runs):
  (a) the whole command `safecheck scan --format json` as a new process (start-up included);
  (b) `run_scan` in-process on the live host (what the command spends scanning);
  (c) the floor in-process: list processes and sockets, read the files the scan read;
  (d) the floor as a new process (`floor.py --plan FILE`), the fair partner of (a);
  (e) a new process that only imports the command (`import safecheck.cli.app`).
Prints median, min and max of each, in wall time and in CPU time (the kernel's accounting of
each process; for (b) and (c) the CPU time of this process: on a machine shared with other
work it moves much less than the wall time), the ratios (a)/(d) and (b)/(c) in both, the
machine, and a breakdown: each collector's collect() and each later step of run_scan (the
start-up scripts included), timed once in-process.

    python benchmarks/bench_scan.py [--runs 7] [--warmup 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import floor

from safecheck.catalog.index import CatalogIndex
from safecheck.catalog.packaged import packaged_catalog
from safecheck.core.entries import Hit
from safecheck.core.i18n import Translator
from safecheck.report.findings import findings_from_hits
from safecheck.report.render.json_report import render_json
from safecheck.report.rules import load_rules
from safecheck.scan.analysis import judge
from safecheck.scan.analysis.base import Context
from safecheck.scan.collectors.base import Collector, CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.linux.packages import dpkg_owned_among
from safecheck.scan.collectors.live import live_host
from safecheck.scan.collectors.registry import all_collectors
from safecheck.scan.run import (
    CachedProcessSource,
    _Hasher,
    packaged_lookup,
    paths_to_check,
    run_scan,
)
from safecheck.scan.script_bodies import script_entries

HERE = Path(__file__).resolve().parent
AIM_SECONDS = 1.0
AIM_RATIO = 3.0


# --- the machine -------------------------------------------------------------------------------


def _first_line_value(path: str, key: str, separator: str = ":") -> str | None:
    """The value of the first `key<separator>value` line of a file (/proc/cpuinfo style)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                name, sep, value = line.partition(separator)
                if sep and name.strip() == key:
                    return value.strip().strip('"')
    except OSError:
        return None
    return None


def dpkg_package_count(status: str = "/var/lib/dpkg/status") -> int | None:
    """Packages dpkg lists as installed; None without a dpkg database."""
    try:
        with open(status, encoding="utf-8", errors="replace") as handle:
            return sum(
                1
                for line in handle
                if line.startswith("Status:") and line.rstrip().endswith(" installed")
            )
    except OSError:
        return None


def describe_machine() -> list[tuple[str, str]]:
    memory = _first_line_value("/proc/meminfo", "MemTotal") or "?"
    kib = memory.split()[0] if memory.split() else ""
    ram = f"{int(kib) / 1024 / 1024:.1f} GiB" if kib.isdigit() else memory
    packages = dpkg_package_count()
    return [
        ("CPU", _first_line_value("/proc/cpuinfo", "model name") or platform.processor() or "?"),
        ("cores", str(os.cpu_count())),
        ("RAM", ram),
        ("OS", _first_line_value("/etc/os-release", "PRETTY_NAME", "=") or platform.platform()),
        ("kernel", platform.release()),
        ("Python", platform.python_version() + f" ({sys.executable})"),
        ("running as", "root" if os.geteuid() == 0 else f"uid {os.geteuid()} (not root)"),
        ("processes", str(floor.process_count())),
        ("dpkg packages", "none" if packages is None else str(packages)),
    ]


# --- measures ---------------------------------------------------------------------------------


Timing = tuple[float, float]  # (wall seconds, CPU seconds)


@dataclass
class Measure:
    label: str
    run: Callable[[], Timing]  # one run
    times: list[float]  # wall
    cpu: list[float] = field(default_factory=list)

    def add(self) -> None:
        wall, cpu = self.run()
        self.times.append(wall)
        self.cpu.append(cpu)

    def line(self, cpu: bool = False) -> str:
        values = self.cpu if cpu else self.times
        median = statistics.median(values)
        return (
            f"{self.label:<44} {median * 1000:9.1f} {min(values) * 1000:9.1f} "
            f"{max(values) * 1000:9.1f}"
        )


def timed(function: Callable[[], object]) -> Timing:
    """Wall time and CPU time (of this process) of one call."""
    start, start_cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - start, time.process_time() - start_cpu


def child_environment(pycache: Path | None) -> dict[str, str]:
    """The environment of the timed processes. With `pycache`, compiled modules are written
    and reused there (as after a normal install), even when PYTHONDONTWRITEBYTECODE is set;
    nothing is written next to the sources."""
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_process(argv: Sequence[str], env: dict[str, str]) -> float:
    """Wall time of a command, its output thrown away; it must succeed."""
    return run_process_timed(argv, env)[0]


def run_process_timed(argv: Sequence[str], env: dict[str, str]) -> Timing:
    """Wall and CPU time (user + system, from the kernel's accounting of the child) of a
    command, its output thrown away; it must succeed."""
    elapsed, usage = run_child(argv, env)
    return elapsed, usage.ru_utime + usage.ru_stime


def run_child(
    argv: Sequence[str], env: dict[str, str], ok: tuple[int, ...] = (0,)
) -> tuple[float, resource.struct_rusage]:
    """Wall time of a command (its output thrown away) and the kernel's accounting of it
    (`resource.struct_rusage`: CPU time, peak memory); it must exit with one of `ok`."""
    start = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own commands, no shell
        list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise SystemExit(f"{' '.join(argv)} exited with {code}")
    return elapsed, usage


def safecheck_command() -> list[str]:
    script = Path(sys.executable).parent / "safecheck"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "safecheck"]


def live_scan() -> None:
    host = live_host()  # as scan_cmd calls it
    run_scan(host, all_collectors(host.platform), Translator("en"), owned_files=dpkg_owned_among)


# --- breakdown --------------------------------------------------------------------------------


def _applies(collector: Collector, host: Host) -> bool:
    return host.platform in collector.platforms and (host.live or not collector.live_only)


def breakdown(host: Host, t: Translator) -> list[tuple[str, float, str]]:
    """run_scan's steps timed one by one, in its order: (step, seconds, what it produced)."""
    rows: list[tuple[str, float, str]] = []
    if host.processes is not None:
        host.processes = CachedProcessSource(host.processes)
    results: list[CollectorResult] = []
    for collector in all_collectors(host.platform):
        if not _applies(collector, host):
            rows.append((collector.id, 0.0, "does not apply"))
            continue
        start = time.perf_counter()
        result = collector.collect(host)
        rows.append(
            (
                collector.id,
                time.perf_counter() - start,
                f"{len(result.entries)} entries, {result.checked} checked",
            )
        )
        results.append(result)
    all_entries = [entry for result in results for entry in result.entries]
    start = time.perf_counter()
    index = CatalogIndex(packaged_catalog())
    rows.append(
        ("catalog load + index", time.perf_counter() - start, f"{len(index.catalog.tools)} tools")
    )
    start = time.perf_counter()
    matches, reading = script_entries(
        host, all_entries, lambda program: bool(index.by_process(program, host.platform))
    )
    rows.append(
        (
            "start-up scripts (read + judge)",
            time.perf_counter() - start,
            f"{reading.read} read, {len(matches)} matches",
        )
    )
    start = time.perf_counter()
    owned = dpkg_owned_among(host, paths_to_check(all_entries))
    rows.append(
        ("owned files (dpkg_owned_among)", time.perf_counter() - start, f"{len(owned or ())} owned")
    )
    ctx = Context(
        platform=host.platform,
        index=index,
        now=datetime.now(UTC),
        packaged=packaged_lookup(owned, host),
    )
    start = time.perf_counter()
    hits: list[Hit] = []
    entries = 0
    for result in results:
        entries += len(result.entries)
        for entry in result.entries:
            hits.extend(judge(entry, ctx))
    for entry in matches:
        hits.extend(judge(entry, ctx))
    rows.append(
        ("judge entries", time.perf_counter() - start, f"{entries} entries, {len(hits)} hits")
    )
    start = time.perf_counter()
    findings = findings_from_hits(hits, load_rules(), t, _Hasher(host))
    rows.append(
        ("findings (+ program hashes)", time.perf_counter() - start, f"{len(findings)} findings")
    )
    return rows


def print_breakdown(rows: list[tuple[str, float, str]]) -> None:
    total = sum(seconds for _, seconds, _ in rows)
    print(f"{'step':<34} {'ms':>8} {'share':>6}  produced")
    for name, seconds, what in rows:
        share = seconds / total * 100 if total else 0.0
        print(f"{name:<34} {seconds * 1000:8.1f} {share:5.1f}%  {what}")
    print(f"{'total':<34} {total * 1000:8.1f}")


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time `safecheck scan` on this machine against a floor that only lists "
        "processes and reads the same files; print medians and a per-collector breakdown."
    )
    parser.add_argument("--runs", type=int, default=7, help="measured runs per measure (7)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs first (1)")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run the processes with the environment as it is (with PYTHONDONTWRITEBYTECODE=1 "
        "every start compiles safecheck from source); by default compiled modules are kept in "
        "a temporary PYTHONPYCACHEPREFIX, as after an install",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.warmup < 1 and not args.no_bytecode_cache:
        parser.error("--warmup must be at least 1 to fill the bytecode cache")

    print(f"safecheck scan benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    for key, value in describe_machine():
        print(f"  {key:<14} {value}")

    plan = floor.record_plan()
    print(
        f"\nThe scan reads {len(plan.reads)} files and the first bytes of {len(plan.heads)} "
        f"programs ({len(plan.failed_reads)} more reads fail) and "
        f"lists {len(plan.listings)} folders; Host calls: "
        + ", ".join(f"{k} {v}" for k, v in sorted(plan.calls.items()))
    )
    if plan.repeated:
        print(f"  read more than once: {plan.repeated}")

    t = Translator("en")
    with tempfile.TemporaryDirectory(prefix="safecheck-bench-") as folder:
        plan_file = Path(folder) / "plan.json"
        env = child_environment(None if args.no_bytecode_cache else Path(folder) / "pycache")
        plan_file.write_text(plan.to_json(), encoding="utf-8")
        command = [*safecheck_command(), "scan", "--format", "json"]
        floor_command = [
            sys.executable,
            str(HERE / "floor.py"),
            "--plan",
            str(plan_file),
            "--quiet",
        ]
        measures = [
            Measure(
                "(a) safecheck scan --format json (process)",
                lambda: run_process_timed(command, env),
                [],
            ),
            Measure("(b) run_scan in-process", lambda: timed(live_scan), []),
            Measure("(c) floor in-process", lambda: timed(lambda: floor.run_floor(plan)), []),
            Measure(
                "(d) floor.py --plan (process)", lambda: run_process_timed(floor_command, env), []
            ),
            Measure(
                "(e) python -c 'import safecheck.cli.app'",
                lambda: run_process_timed([sys.executable, "-c", "import safecheck.cli.app"], env),
                [],
            ),
        ]
        for _ in range(args.warmup):
            for measure in measures:
                measure.run()
        for _ in range(args.runs):  # interleaved: drift of the machine touches every measure
            for measure in measures:
                measure.add()

    print(
        f"\n{args.runs} runs each, after {args.warmup} warm-up run(s) (page cache warm); "
        "processes: "
        + (
            "environment as it is"
            + (" (PYTHONDONTWRITEBYTECODE=1)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "")
            if args.no_bytecode_cache
            else "compiled modules cached (PYTHONPYCACHEPREFIX)"
        )
    )
    for kind, cpu in (("wall time", False), ("CPU time", True)):
        print(f"{kind:<44} {'median ms':>9} {'min ms':>9} {'max ms':>9}")
        for measure in measures:
            print(measure.line(cpu))
    medians = [statistics.median(m.times) for m in measures]
    cpu_medians = [statistics.median(m.cpu) for m in measures]
    whole, inner, floor_in, floor_process, imports = medians
    whole_cpu, inner_cpu, floor_in_cpu, floor_process_cpu, _ = cpu_medians
    process_ratios = (whole / floor_process, whole_cpu / floor_process_cpu)
    inner_ratios = (inner / floor_in, inner_cpu / floor_in_cpu)
    print(
        f"\nratio scan/floor: process (a)/(d) {process_ratios[0]:.1f}x wall, "
        f"{process_ratios[1]:.1f}x CPU; in-process (b)/(c) {inner_ratios[0]:.1f}x wall, "
        f"{inner_ratios[1]:.1f}x CPU"
    )
    print(
        f"of the command (a): start-up and imports (e) {imports * 1000:.0f} ms, "
        f"scanning (b) {inner * 1000:.0f} ms, the rest {(whole - imports - inner) * 1000:.0f} ms "
        "(options, lazy imports, first-use costs, JSON, exit)"
    )
    print(
        f"aim 1: command within {AIM_SECONDS:.0f} s: "
        + ("met" if whole <= AIM_SECONDS else "NOT met")
        + f" ({whole:.3f} s)"
    )

    def verdict(ratios: tuple[float, float]) -> str:
        return ", ".join(
            f"{'met' if ratio <= AIM_RATIO else 'NOT met'} in {kind} time ({ratio:.1f}x)"
            for kind, ratio in zip(("wall", "CPU"), ratios, strict=True)
        )

    print(
        f"aim 2: within {AIM_RATIO:.0f}x the floor: process {verdict(process_ratios)}; "
        f"in-process {verdict(inner_ratios)}"
    )

    print("\nbreakdown of one in-process run_scan (live host), each step timed once:")
    print_breakdown(breakdown(live_host(), t))
    host = live_host()
    report = run_scan(host, all_collectors(host.platform), t, owned_files=dpkg_owned_among)
    print(f"render_json of the report: {timed(lambda: render_json(report))[0] * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
