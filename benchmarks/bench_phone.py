"""Time the Android phone check on a simulated phone with many apps, and count its adb calls.

The phone is the `clean` recording of the tests (tests/fixtures/adb/clean: a Pixel 7 on
Android 14) with --apps more apps added to every list in the real formats: `pm list packages`
(both forms), `dumpsys package packages`, the launcher query and `dumpsys appops` (one in three
used the camera recently). adb is simulated in-process: every call waits --latency seconds (a
USB round trip and the phone's work; 0.05 s by default) and answers from the recording; a batch
is played as the phone's shell would.

The floor is the waiting alone: calls x latency. Printed: calls, median time, time beyond
the waiting, and the same check with every command asked alone (as before the batch) for
comparison. The aim (issue 13) is at most 12 adb calls and at most 5 s for 300 apps.

    python benchmarks/bench_phone.py [--apps 300] [--latency 0.05] [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent / "tests" / "phone" / "android")]

from phone_fake_adb import play_batch  # noqa: E402

from safecheck.core.i18n import Translator  # noqa: E402
from safecheck.phone.android.adb import BATCHED, Adb  # noqa: E402
from safecheck.phone.run import run_phone_check  # noqa: E402

CLEAN = HERE.parent / "tests" / "fixtures" / "adb" / "clean"
SERIAL = "2B121FDH2006ZJ"
NOW = datetime(2024, 3, 10, 11, 2, 0, tzinfo=UTC)  # the recording's clock
AIM_CALLS = 12
AIM_SECONDS = 5.0

PACKAGES_FULL = "pm_list_packages_-f_-i_-U_--show-versioncode"
PACKAGES_THIRD = "pm_list_packages_-3"
DUMPSYS = "dumpsys_package_packages"
APPOPS = "dumpsys_appops"
LAUNCHER = (
    "cmd_package_query-activities_-a_android.intent.action.MAIN_-c_android.intent.category.LAUNCHER"
)

DUMPSYS_BLOCK = """\
  Package [{name}] ({hex:07x}):
    appId={uid}
    pkg=Package{{{hex:07x} {name}}}
    codePath=/data/app/~~A{number:06d}==/{name}-B{number:06d}==
    versionCode={number} minSdk=26 targetSdk=34
    versionName=1.{number}
    flags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP ]
    timeStamp=2024-01-{day:02d} 10:00:00
    lastUpdateTime=2024-02-{day:02d} 10:00:00
    installerPackageName=com.android.vending
    User 0: ceDataInode={inode} installed=true hidden=false suspended=false distractionFlags=0 \
stopped=false notLaunched=false enabled=0 instant=false virtual=false
      firstInstallTime=2024-01-{day:02d} 10:00:00
    runtime permissions:
      android.permission.CAMERA: granted=true
"""
LAUNCHER_BLOCK = """\
  Activity #{index}:
    priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false
    ActivityInfo:
      name={name}.MainActivity
      packageName={name}
      enabled=true exported=true directBootAware=false
"""
APPOPS_BLOCK = """\
  Uid u0a{app}:
    state=cch
    capability=LCMN
    appWidgetVisible=false
    Package {name}:
      CAMERA (allow):
        Access: [top-s] 2024-03-10 09:30:12.345 (-1h32m1s200ms) duration=+1s12ms
"""


def simulated_phone(apps: int) -> dict[str, str]:
    """slug -> output: the clean recording, with `apps` more apps in every list."""
    outputs = {path.stem: path.read_text(encoding="utf-8") for path in CLEAN.glob("*.txt")}
    codes = {path.stem: int(path.read_text()) for path in CLEAN.glob("*.exit")}
    outputs.update({f"{slug}.exit": str(code) for slug, code in codes.items()})
    names = [f"org.example.app{number:04d}" for number in range(apps)]
    full, third, dump, launcher, ops = [], [], [], [], []
    for number, name in enumerate(names):
        uid, day = 10500 + number, 1 + number % 28
        full.append(
            f"package:/data/app/~~A{number:06d}==/{name}-B{number:06d}==/base.apk={name} "
            f"versionCode:{number} installer=com.android.vending uid:{uid}"
        )
        third.append(f"package:{name}")
        values = {"name": name, "uid": uid, "number": number, "day": day}
        dump.append(DUMPSYS_BLOCK.format(hex=0x1000000 + number, inode=5000 + number, **values))
        launcher.append(LAUNCHER_BLOCK.format(index=4 + number, name=name))
        if number % 3 == 0:
            ops.append(APPOPS_BLOCK.format(app=500 + number, name=name))
    outputs[PACKAGES_FULL] += "\n".join(full) + "\n"
    outputs[PACKAGES_THIRD] += "\n".join(third) + "\n"
    outputs[DUMPSYS] = outputs[DUMPSYS].rstrip("\n") + "\n" + "".join(dump)
    head, _, rest = outputs[LAUNCHER].partition("\n")
    count = int(head.split()[0]) + apps
    outputs[LAUNCHER] = f"{count} activities found:\n{rest.rstrip()}\n" + "".join(launcher)
    outputs[APPOPS] = outputs[APPOPS].rstrip("\n") + "\n" + "".join(ops)
    return outputs


class SimulatedAdb:
    """A CommandRunner standing in for adb: each call waits `latency`, then answers."""

    def __init__(self, outputs: dict[str, str], latency: float) -> None:
        self.outputs = outputs
        self.latency = latency
        self.calls = 0

    def _one(self, words: list[str]) -> tuple[int, str]:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", " ".join(words)).strip("_")
        if slug not in self.outputs:
            return 1, ""
        return int(self.outputs.get(f"{slug}.exit", "0")), self.outputs[slug]

    def run(self, argv: list[str], timeout: float = 10.0) -> tuple[int, str]:
        self.calls += 1
        time.sleep(self.latency)
        args = argv[4:] if argv[:2] == ["adb", "-s"] else argv[1:]
        if len(args) == 1 and "; " in args[0]:  # a batch: play it as the phone's shell
            return 0, play_batch(args[0], self._one)
        return self._one(args)


def one_check(
    outputs: dict[str, str], latency: float, batch: tuple[tuple[str, ...], ...] = BATCHED
) -> tuple[float, int, int]:
    """(seconds, adb calls, findings) of one phone check."""
    runner = SimulatedAdb(outputs, latency)
    start = time.perf_counter()
    adb = Adb(runner, batch=batch)
    report = run_phone_check(adb, SERIAL, Translator("en"), None, lambda: NOW)
    return time.perf_counter() - start, runner.calls, len(report.findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", type=int, default=300, help="apps added (300)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per call (0.05)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each (5)")
    args = parser.parse_args(argv)

    print(f"safecheck phone benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    outputs = simulated_phone(args.apps)
    size = sum(len(v) for k, v in outputs.items() if not k.endswith(".exit"))
    print(f"  simulated phone: clean recording + {args.apps} apps, {size} characters of output")
    print(f"  each adb call waits {args.latency * 1000:.0f} ms")
    results: dict[str, list[tuple[float, int, int]]] = {"batched": [], "one command per call": []}
    one_check(outputs, 0.0)  # warm-up: imports, first-use costs
    for _ in range(args.runs):
        results["batched"].append(one_check(outputs, args.latency))
        results["one command per call"].append(one_check(outputs, args.latency, batch=()))

    print(f"\n{args.runs} runs each, interleaved")
    print(f"{'':<22} {'calls':>5} {'findings':>8} {'median s':>9} {'waiting s':>9} {'beyond s':>9}")
    for label, runs in results.items():
        median = statistics.median(r[0] for r in runs)
        calls, findings = runs[0][1], runs[0][2]
        waiting = calls * args.latency
        print(
            f"{label:<22} {calls:>5} {findings:>8} {median:9.3f} {waiting:9.3f} "
            f"{median - waiting:9.3f}"
        )
    calls = results["batched"][0][1]
    median = statistics.median(r[0] for r in results["batched"])
    print(f"aim: at most {AIM_CALLS} adb calls: {'met' if calls <= AIM_CALLS else 'NOT met'}")
    verdict = "met" if median <= AIM_SECONDS else "NOT met"
    print(f"aim: at most {AIM_SECONDS:g} s for {args.apps} apps: {verdict} ({median:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
