"""How `safecheck scan --root` grows with the number of start-up entries.

For each size (default 1k, 10k and 100k entries) a Debian-like root is generated in a temporary
folder (deleted afterwards; generation is not timed) with the entries spread over the usual
places:
  30% systemd units in /etc/systemd/system (half enabled by a multi-user.target.wants link,
      one in 20 with a drop-in), one ExecStart each;
  20% cron jobs, 10 lines per /etc/cron.d file;
  15% XDG autostart .desktop files, in /etc/xdg/autostart and four people's ~/.config/autostart;
  20% authorized_keys lines (root and the four people);
  15% dpkg packages (/var/lib/dpkg/status and one info/*.list each; they own the units' and
      the autostart programs).
Files are dated a year back, one in 100 this week (recently changed start-up files are a finding).
A base root with no generated entries is timed too: the fixed cost of a scan.

`run_scan` then runs on each root as `safecheck scan --root` does (live=False, no processes),
once untimed, then --runs times; printed: entries found, median/min/max time, time per entry,
the marginal time per entry above the base, and the growth exponent between sizes (1 = linear,
2 = quadratic). A breakdown per step and size shows which step grows how. --catalog-factor
checks that judging does not scan the catalog: the same entries are judged against the catalog
and against one K times larger.

Then the whole command, `safecheck scan --root ROOT --format json -o -`, runs once per size as
a new process (output thrown away): its wall time and its peak memory (maximum resident set
size, from the kernel's accounting of the child), the figures a person waits for and needs.

    python benchmarks/bench_scaling.py [--sizes 1000,10000,100000] [--runs N] [--profile 10000]
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import hashlib
import itertools
import math
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import bench_scan

from safecheck.catalog.index import CatalogIndex
from safecheck.catalog.loader import load_catalog
from safecheck.catalog.model import PLATFORMS, Artifacts, Catalog, PlatformArtifacts, Tool
from safecheck.core.entries import Entry
from safecheck.core.i18n import Translator
from safecheck.report.model import Report
from safecheck.scan.analysis import judge
from safecheck.scan.analysis.base import Context
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.linux.packages import dpkg_owned_among
from safecheck.scan.collectors.registry import all_collectors
from safecheck.scan.gc_pause import fewer_full_collections
from safecheck.scan.run import collect, run_scan

USERS = ("alice", "bob", "carol", "dave")
SHARES = (
    ("systemd units", 0.30),
    ("cron lines", 0.20),
    ("autostart files", 0.15),
    ("ssh keys", 0.20),
    ("dpkg packages", 0.15),
)
CRON_LINES_PER_FILE = 10
OLD = time.time() - 400 * 86400  # most start-up files were written long ago
RECENT_EVERY = 100

ACCOUNT_LINES = """\
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
sshd:x:100:65534::/run/sshd:/usr/sbin/nologin
"""
CRONTAB = """\
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin
17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly
25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
"""
SSHD_CONFIG = "Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\nX11Forwarding yes\n"
SUDOERS = "Defaults\tenv_reset\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n"
BASHRC = "HISTSIZE=1000\nalias ll='ls -alF'\nexport PATH=\"$HOME/.local/bin:$PATH\"\n"
CRON_SERVICE = """\
[Unit]
Description=Regular background program processing daemon

[Service]
ExecStart=/usr/sbin/cron -f -P $EXTRA_OPTS
Restart=on-failure

[Install]
WantedBy=multi-user.target
"""
UNIT = """\
[Unit]
Description=Benchmark service {i}
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User={user}
ExecStart=/usr/bin/bench-daemon-{i} --config /etc/bench/{i}.conf --foreground
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
"""
DROPIN = "[Service]\nEnvironment=BENCH_LEVEL=2\nLimitNOFILE=65536\n"
DESKTOP = """\
[Desktop Entry]
Type=Application
Name=Bench applet {i}
Comment=Tray applet number {i}
Exec=/usr/bin/bench-applet-{i} --tray %U
Icon=bench-applet
X-GNOME-Autostart-enabled=true
"""
PACKAGE = """\
Package: {name}
Status: install ok installed
Priority: optional
Section: utils
Installed-Size: 120
Maintainer: Bench <bench@example.org>
Architecture: amd64
Version: 1.{i}-1
Description: benchmark package {i}
 A package made up for the benchmark.

"""


@dataclass
class Layout:
    """How many of each kind were generated."""

    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def generated(self) -> int:
        return sum(self.counts.values())


class Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders: set[Path] = set()
        self.files = 0

    def real(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def _parent(self, real: Path) -> None:
        if real.parent not in self.folders:
            real.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(real.parent)

    def write(self, path: str, text: str, *, recent: bool = False) -> None:
        real = self.real(path)
        self._parent(real)
        real.write_text(text, encoding="utf-8")
        if not recent:
            os.utime(real, (OLD, OLD))
        self.files += 1

    def link(self, path: str, target: str) -> None:
        real = self.real(path)
        self._parent(real)
        os.symlink(target, real)
        self.files += 1

    def folder(self, path: str) -> None:
        self.real(path).mkdir(parents=True, exist_ok=True)


def ssh_key_line(number: int) -> str:
    """A well-formed ed25519 public key (its 32 bytes made from the number), with a comment."""
    kind = b"ssh-ed25519"
    raw = hashlib.sha256(f"bench-key-{number}".encode()).digest()
    blob = len(kind).to_bytes(4, "big") + kind + len(raw).to_bytes(4, "big") + raw
    return f"ssh-ed25519 {base64.b64encode(blob).decode('ascii')} user{number}@laptop\n"


def split_counts(entries: int) -> dict[str, int]:
    counts = {name: int(entries * share) for name, share in SHARES}
    counts[SHARES[0][0]] += entries - sum(counts.values())  # rounding goes to the units
    return counts


def _base(w: Writer) -> None:
    """A small Debian-like system: usr-merged, accounts, stock files; no generated entries."""
    for name in ("bin", "sbin", "lib"):
        w.folder(f"/usr/{name}")
        w.link(f"/{name}", f"usr/{name}")
    homes = "".join(
        f"{user}:x:{1000 + n}:{1000 + n}:{user.title()}:/home/{user}:/bin/bash\n"
        for n, user in enumerate(USERS)
    )
    w.write("/etc/passwd", ACCOUNT_LINES + homes)
    for home in ("/root", *(f"/home/{user}" for user in USERS)):
        w.write(f"{home}/.bashrc", BASHRC)
    w.write("/usr/sbin/cron", "\x7fELF")
    w.write("/usr/sbin/sshd", "\x7fELF")
    w.write("/usr/lib/systemd/system/cron.service", CRON_SERVICE)
    w.link(
        "/etc/systemd/system/multi-user.target.wants/cron.service",
        "/lib/systemd/system/cron.service",
    )
    w.write("/etc/crontab", CRONTAB)
    w.write("/etc/ssh/sshd_config", SSHD_CONFIG)
    w.folder("/etc/ssh/sshd_config.d")
    w.write("/etc/sudoers", SUDOERS)
    w.folder("/etc/sudoers.d")


def generate(root: Path, entries: int) -> Layout:
    w = Writer(root)
    _base(w)
    counts = split_counts(entries) if entries else {name: 0 for name, _ in SHARES}
    units, cron, autostart, keys, packages = (counts[name] for name, _ in SHARES)
    owners: dict[int, list[str]] = {}  # package number -> programs it installs
    etc = "/etc/systemd/system"
    for i in range(units):
        name = f"bench-{i:06d}.service"
        w.write(f"{etc}/{name}", UNIT.format(i=i, user=USERS[i % 4]), recent=i % RECENT_EVERY == 0)
        if i % 2 == 0:
            w.link(f"{etc}/multi-user.target.wants/{name}", f"{etc}/{name}")
        if i % 20 == 0:
            w.write(f"{etc}/{name}.d/override.conf", DROPIN)
        if packages:
            owners.setdefault(i % packages, []).append(f"/usr/bin/bench-daemon-{i}")
    for start in range(0, cron, CRON_LINES_PER_FILE):
        lines = "".join(
            f"{n % 60} {n % 24} * * * root /usr/local/bin/bench-job-{n} --quiet >/dev/null 2>&1\n"
            for n in range(start, min(start + CRON_LINES_PER_FILE, cron))
        )
        number = start // CRON_LINES_PER_FILE
        w.write(f"/etc/cron.d/bench-{number:05d}", lines, recent=number % RECENT_EVERY == 0)
    for i in range(autostart):
        folder = "/etc/xdg/autostart" if i % 5 == 0 else f"/home/{USERS[i % 4]}/.config/autostart"
        w.write(
            f"{folder}/bench-applet-{i}.desktop", DESKTOP.format(i=i), recent=i % RECENT_EVERY == 0
        )
        if packages:
            owners.setdefault(i % packages, []).append(f"/usr/bin/bench-applet-{i}")
    key_files: dict[str, list[str]] = {}
    for i in range(keys):
        home = "/root" if i % 5 == 4 else f"/home/{USERS[i % 5]}"
        key_files.setdefault(f"{home}/.ssh/authorized_keys", []).append(ssh_key_line(i))
    for path, key_lines in key_files.items():
        w.write(path, "".join(key_lines))
    status: list[str] = []
    for i in range(packages):
        name = f"bench-pkg-{i}"
        status.append(PACKAGE.format(name=name, i=i))
        listed = ["/.", "/usr", "/usr/bin", *owners.get(i, []), f"/usr/share/doc/{name}"]
        listed.append(f"/usr/share/doc/{name}/copyright")
        w.write(f"/var/lib/dpkg/info/{name}.list", "\n".join(listed) + "\n")
    base_package = PACKAGE.format(name="base-files", i=0)
    w.write("/var/lib/dpkg/status", base_package + "".join(status))
    w.write("/var/lib/dpkg/info/base-files.list", "/.\n/etc\n/etc/crontab\n/usr/sbin/cron\n")
    return Layout(counts=counts, files=w.files)


# --- timing -----------------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: int
    layout: Layout
    generation: float
    times: list[float]
    entries: int
    findings: int
    steps: list[tuple[str, float, str]]

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def scan(root: Path, t: Translator) -> Report:
    host = Host(platform="linux", root=root.resolve(), live=False)
    return run_scan(host, all_collectors(), t, owned_files=dpkg_owned_among)


def measure(
    root: Path, size: int, runs: int, t: Translator, layout: Layout, generation: float
) -> SizeResult:
    times: list[float] = []
    report = scan(root, t)  # not timed: fills the page cache as after the first run
    for _ in range(runs):
        start = time.perf_counter()
        report = scan(root, t)
        times.append(time.perf_counter() - start)
    host_facts = report.metadata.host
    entries = int(host_facts.get("entries", 0)) if isinstance(host_facts, dict) else 0
    with fewer_full_collections():  # as run_scan does
        steps = bench_scan.breakdown(Host(platform="linux", root=root.resolve(), live=False), t)
    steps = [step for step in steps if step[2] != "does not apply"]  # other systems' collectors
    return SizeResult(size, layout, generation, times, entries, len(report.findings), steps)


def _exponent(small: SizeResult, large: SizeResult, base: SizeResult) -> float | None:
    """Growth exponent of the time above the base against the entries above it:
    log(t2 / t1) / log(n2 / n1); 1 for linear growth, 2 for quadratic."""
    first, second = small.median - base.median, large.median - base.median
    few, many = small.entries - base.entries, large.entries - base.entries
    if first <= 0 or second <= 0 or few <= 0 or many <= few:
        return None
    return math.log(second / first) / math.log(many / few)


def print_results(results: list[SizeResult], base: SizeResult) -> None:
    print(
        f"{'size':>7} {'entries':>8} {'findings':>8} {'files':>7} {'gen s':>6} {'runs':>4} "
        f"{'median s':>9} {'min s':>7} {'max s':>7} {'us/entry':>9} {'marginal':>9}"
    )
    for r in [base, *results]:
        per = r.median / r.entries * 1e6 if r.entries else 0.0
        above = r.entries - base.entries
        marginal = (r.median - base.median) / above * 1e6 if above > 0 else 0.0
        print(
            f"{r.size:>7} {r.entries:>8} {r.findings:>8} {r.layout.files:>7} {r.generation:6.1f} "
            f"{len(r.times):>4} {r.median:9.3f} {min(r.times):7.3f} {max(r.times):7.3f} "
            f"{per:9.1f} {marginal:9.1f}"
        )
    print("\n'marginal' = (median - base median) / (entries - base entries), in microseconds")
    for small, large in itertools.pairwise(results):
        exponent = _exponent(small, large, base)
        above_small = (small.median - base.median) / max(small.entries - base.entries, 1)
        above_large = (large.median - base.median) / max(large.entries - base.entries, 1)
        ratio = above_large / above_small if above_small > 0 else float("nan")
        shown = "n/a" if exponent is None else f"{exponent:.2f}"
        verdict = "roughly linear" if exponent is not None and exponent < 1.15 else "NOT linear"
        print(
            f"{small.size} -> {large.size}: marginal time per entry x{ratio:.2f}, "
            f"growth exponent {shown}: {verdict}"
        )


def print_steps(base: SizeResult, results: list[SizeResult]) -> None:
    """One row per step of run_scan, one column per size; the growth exponent of each step
    between the smallest and the largest generated size."""
    columns = [base, *results]
    print(f"{'step (ms, one run)':<32}" + "".join(f"{r.size:>9}" for r in columns) + "  exponent")
    first, last = results[0], results[-1]
    for index, (name, _, _) in enumerate(base.steps):
        values = [r.steps[index][1] for r in columns]
        low, high = first.steps[index][1], last.steps[index][1]
        exponent = ""
        if low > 0.0005 and high > 0 and last.entries > first.entries:
            exponent = f"{math.log(high / low) / math.log(last.entries / first.entries):8.2f}"
        print(f"{name:<32}" + "".join(f"{v * 1000:9.1f}" for v in values) + f"  {exponent}")
    produced = [f"{n}: {what}" for n, _, what in last.steps if what != "does not apply"]
    print(f"at {last.size}: " + "; ".join(produced))


# --- the catalog is looked up, not scanned ------------------------------------------------------


def _renamed(values: tuple[str, ...], copy: int) -> tuple[str, ...]:
    return tuple(f"{value}-copy{copy}" for value in values)


def bigger_catalog(catalog: Catalog, factor: int) -> Catalog:
    """The catalog and factor-1 copies of each tool under other names (which match nothing)."""
    tools: list[Tool] = list(catalog.tools)
    for copy in range(1, factor):
        for tool in catalog.tools:
            platforms: dict[str, PlatformArtifacts] = {}
            for name in PLATFORMS:
                own = tool.artifacts.on(name)
                platforms[name] = PlatformArtifacts(
                    **{key: _renamed(values, copy) for key, values in own.items()}
                )
            artifacts = Artifacts(
                linux=platforms["linux"],
                darwin=platforms["darwin"],
                win32=platforms["win32"],
                domains=_renamed(tool.artifacts.domains, copy),
            )
            tools.append(replace(tool, id=f"{tool.id}-copy{copy}", artifacts=artifacts))
    return Catalog(tools=tuple(tools))


def judge_time(entries: list[Entry], index: CatalogIndex, runs: int = 5) -> float:
    ctx = Context(platform="linux", index=index, now=datetime.now(UTC), packaged=lambda _p: None)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for entry in entries:
            judge(entry, ctx)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def catalog_check(root: Path, factor: int) -> None:
    host = Host(platform="linux", root=root.resolve(), live=False)
    entries = [e for _, result in collect(host, all_collectors()) for e in result.entries]
    catalog = load_catalog()
    large = bigger_catalog(catalog, factor)
    normal = judge_time(entries, CatalogIndex(catalog))
    bigger = judge_time(entries, CatalogIndex(large))
    print(
        f"judging {len(entries)} entries: catalog of {len(catalog.tools)} tools "
        f"{normal * 1000:.1f} ms, "
        f"of {len(large.tools)} tools {bigger * 1000:.1f} ms (x{bigger / normal:.2f} for "
        f"x{factor} tools): "
        + ("lookups do not grow with the catalog" if bigger / normal < 1.5 else "GROWS with it")
    )


# --- main -------------------------------------------------------------------------------------


def profile(root: Path, t: Translator, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    scan(root, t)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def _sizes(text: str) -> list[int]:
    sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive whole numbers, e.g. 1000,10000")
    return sizes


def command_cost(root: Path, warm_up: bool = False) -> tuple[float, float]:
    """(seconds, peak MiB) of `safecheck scan --root ROOT --format json -o -` as a new process;
    `warm_up` runs it once untimed first (to fill the bytecode cache)."""
    if warm_up:
        command_cost(root)
    argv = [*bench_scan.safecheck_command(), "scan", "--root", str(root), "--format", "json"]
    argv += ["-o", "-"]
    env = bench_scan.child_environment(Path(tempfile.gettempdir()) / "safecheck-bench-pycache")
    # exit status 1: findings at or above --fail-on
    elapsed, usage = bench_scan.run_child(argv, env, ok=(0, 1))
    return elapsed, usage.ru_maxrss / 1024  # kilobytes on Linux


def print_commands(commands: list[tuple[int, float, float]]) -> None:
    print()
    print("safecheck scan --root ROOT --format json -o - (a new process, once per size)")
    print(f"{'size':>7} {'seconds':>8} {'peak MiB':>9}")
    for size, seconds, peak in commands:
        print(f"{size:>7} {seconds:8.2f} {peak:9.0f}")


AIM_ENTRIES = 100_000
AIM_SECONDS = 10.0
AIM_MIB = 300.0
AIM_EXPONENT = 1.15  # "cost per entry flat": the time above the base grows about linearly


def print_aims(
    results: list[SizeResult], base: SizeResult, commands: list[tuple[int, float, float]]
) -> None:
    """Issue 13's row: the whole command at 100,000 entries within 10 s and 300 MiB, and a
    cost per entry that stays flat from the smallest size to the largest."""
    largest = max(commands, key=lambda row: row[0])
    if largest[0] < AIM_ENTRIES:
        print(f"aim: scan --root of {AIM_ENTRIES} entries: not measured (largest {largest[0]})")
    else:
        _size, seconds, peak = largest
        met = "met" if seconds <= AIM_SECONDS else "NOT met"
        print(
            f"aim: scan --root of {largest[0]} entries within {AIM_SECONDS:g} s: {met} "
            f"({seconds:.2f} s, the command)"
        )
        met = "met" if peak <= AIM_MIB else "NOT met"
        print(
            f"aim: scan --root of {largest[0]} entries within {AIM_MIB:g} MiB: {met} "
            f"({peak:.0f} MiB)"
        )
    if len(results) >= 2:
        exponent = _exponent(results[0], results[-1], base)
        met = "met" if exponent is not None and exponent < AIM_EXPONENT else "NOT met"
        shown = "n/a" if exponent is None else f"{exponent:.2f}"
        print(
            f"aim: cost per entry flat from {results[0].size} to {results[-1].size} entries: "
            f"{met} (growth exponent {shown}, 1 = linear)"
        )


def print_summary(
    results: list[SizeResult], base: SizeResult, commands: list[tuple[int, float, float]]
) -> None:
    print()
    print_results(results, base)
    print()
    print_steps(base, results)
    print_commands(commands)
    print()
    print_aims(results, base, commands)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time `safecheck scan --root` on generated roots of growing size and tell "
        "whether the time grows linearly with the number of entries."
    )
    parser.add_argument(
        "--sizes", type=_sizes, default=[1000, 10000, 100000], help="entries (1000,10000,100000)"
    )
    parser.add_argument(
        "--runs", type=int, help="runs per size (default 5, and 3 from 100000 entries)"
    )
    parser.add_argument(
        "--profile", type=int, metavar="SIZE", help="cProfile one scan of this size's root"
    )
    parser.add_argument("--top", type=int, default=25, help="rows of the profile (25)")
    parser.add_argument(
        "--catalog-factor", type=int, default=20, metavar="K", help="catalog check: K times (20)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated roots")
    args = parser.parse_args(argv)

    def runs_for(size: int) -> int:
        return args.runs if args.runs is not None else (3 if size >= 100000 else 5)

    print(f"safecheck scan --root scaling benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    for key, value in bench_scan.describe_machine():
        if key not in ("processes", "dpkg packages", "running as"):
            print(f"  {key:<14} {value}")
    t = Translator("en")
    folder = Path(tempfile.mkdtemp(prefix="safecheck-scaling-"))
    try:
        results: list[SizeResult] = []
        commands: list[tuple[int, float, float]] = []
        base_result: SizeResult | None = None
        for size in [0, *args.sizes]:
            root = folder / f"root-{size}"
            start = time.perf_counter()
            layout = generate(root, size)
            generation = time.perf_counter() - start
            result = measure(root, size, runs_for(max(size, 1)), t, layout, generation)
            print(
                f"  {size:>7} entries: {layout.files} files generated in {generation:.1f} s "
                f"({', '.join(f'{k} {v}' for k, v in layout.counts.items())}); "
                f"scan median {result.median:.3f} s",
                flush=True,
            )
            if size == 0:
                base_result = result
            else:
                results.append(result)
            commands.append((size, *command_cost(root, warm_up=size == 0)))
            print(f"{'':>11}the command: {commands[-1][1]:.2f} s, {commands[-1][2]:.0f} MiB")
            if args.profile == size:
                profile(root, t, args.top)
            if size and size == args.sizes[0] and args.catalog_factor > 1:
                catalog_check(root, args.catalog_factor)
            if size and not args.keep:
                shutil.rmtree(root)
        if base_result is None:
            raise SystemExit("no base root was measured")
        print_summary(results, base_result, commands)
    finally:
        if args.keep:
            print(f"roots kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
