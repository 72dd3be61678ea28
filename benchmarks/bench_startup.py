"""Time safecheck's start-up against the import floor of the libraries it is built on.

The floor is a new Python process that only imports typer, rich's console, psutil and yaml
(`python -c "import typer, rich.console, psutil, yaml"`): less than that, a command line in
these libraries cannot do. Measured as new processes, interleaved run by run (so that a drift
of the machine touches every measure), after --warmup unmeasured runs:

  floor       python -c "import typer, rich.console, psutil, yaml"
  --version   safecheck --version
  --help      safecheck --help
  briefing    safecheck --lang en, in a pseudo-terminal, until the first screen of the safety
              briefing has been shown whole (the "Press Enter ..." prompt under it); the
              process is then stopped

Prints the median, min and max wall time of each and its ratio to the floor's median, then the
same for the CPU time the process used (user + system, from the kernel's accounting of the
child): on a machine shared with other work the CPU time moves much less than the wall time.
The aim (issue 13) is at most 1.5x the floor for each.

    python benchmarks/bench_startup.py [--runs 9] [--warmup 2] [--no-bytecode-cache]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench_scan import child_environment, describe_machine, safecheck_command
from bench_scan import run_process_timed as run_process

AIM_RATIO = 1.5
FLOOR_IMPORTS = "import typer, rich.console, psutil, yaml"
BRIEFING_SHOWN = b"Press Enter"  # the prompt under the first screen of the briefing
BRIEFING_TIMEOUT = 60.0


Timing = tuple[float, float]  # (wall seconds, CPU seconds)


def until_output(argv: list[str], env: dict[str, str], marker: bytes) -> Timing:
    """Seconds from starting `argv` in a pseudo-terminal until `marker` appears in what it
    writes, and the CPU time it used by then; the process is then killed (it waits for a
    key)."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the terminal as its standard streams
        try:
            os.execve(argv[0], argv, env)  # noqa: S606 - our own command
        finally:
            os._exit(127)
    seen = b""
    try:
        while marker not in seen:
            left = BRIEFING_TIMEOUT - (time.perf_counter() - start)
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            if not ready:
                raise SystemExit(f"{' '.join(argv)}: no {marker!r} within {BRIEFING_TIMEOUT} s")
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk:
                raise SystemExit(f"{' '.join(argv)} ended before {marker!r}:\n{seen[-2000:]!r}")
            seen = (seen + chunk)[-65536:]
        elapsed = time.perf_counter() - start
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
        raise
    os.kill(pid, signal.SIGKILL)
    _pid, _status, usage = os.wait4(pid, 0)
    os.close(fd)
    return elapsed, usage.ru_utime + usage.ru_stime


def measures(env: dict[str, str]) -> dict[str, Callable[[], Timing]]:
    command = safecheck_command()
    if len(command) == 1:  # the installed script: run it with this Python, as its #! does
        command = [sys.executable, command[0]]
    terminal_env = {**env, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "40"}
    return {
        "floor (import typer, rich, psutil, yaml)": lambda: run_process(
            [sys.executable, "-c", FLOOR_IMPORTS], env
        ),
        "safecheck --version": lambda: run_process([*command, "--version"], env),
        "safecheck --help": lambda: run_process([*command, "--help"], env),
        "safecheck --lang en: start to briefing": lambda: until_output(
            [*command, "--lang", "en"], terminal_env, BRIEFING_SHOWN
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="measured runs of each (9)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured runs first (2)")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="do not give the processes a bytecode cache (PYTHONDONTWRITEBYTECODE as set)",
    )
    args = parser.parse_args(argv)

    print(f"safecheck start-up benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for name, value in describe_machine():
        print(f"  {name:<14} {value}")
    with tempfile.TemporaryDirectory(prefix="safecheck-bench-") as folder:
        env = child_environment(None if args.no_bytecode_cache else Path(folder) / "pycache")
        runs = measures(env)
        times: dict[str, list[Timing]] = {label: [] for label in runs}
        for _ in range(args.warmup):
            for run in runs.values():
                run()
        for _ in range(args.runs):
            for label, run in runs.items():
                times[label].append(run())
    cache = "none" if args.no_bytecode_cache else "compiled modules cached (PYTHONPYCACHEPREFIX)"
    print(f"\n{args.runs} runs each after {args.warmup} warm-up run(s); bytecode: {cache}")
    ratios: dict[str, list[float]] = {label: [] for label in times}
    for index, kind in enumerate(("wall", "CPU")):
        print(f"{kind + ' time':<44} {'median ms':>9} {'min ms':>9} {'max ms':>9} {'x floor':>8}")
        floor = statistics.median(t[index] for t in next(iter(times.values())))
        for label, values in times.items():
            column = [t[index] for t in values]
            median = statistics.median(column)
            ratios[label].append(median / floor)
            print(
                f"{label:<44} {median * 1000:9.1f} {min(column) * 1000:9.1f} "
                f"{max(column) * 1000:9.1f} {median / floor:7.2f}x"
            )
    for label, (wall, cpu) in list(ratios.items())[1:]:
        verdicts = [
            f"{'met' if ratio <= AIM_RATIO else 'NOT met'} in {kind} time ({ratio:.2f}x)"
            for kind, ratio in (("wall", wall), ("CPU", cpu))
        ]
        print(f"aim: {label} within {AIM_RATIO}x the floor: {', '.join(verdicts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
