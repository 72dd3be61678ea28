"""Analysis: turn entries into hits (rule id, key, values), with no I/O.

`base.py` holds the registry and `judge`; each rule-set module registers into it and imports no
other rule set: `common` (Unix start-up entries, processes, accounts, packages), `macos`,
`windows`, `scripts` (what start-up scripts and command lines do, on every OS). Rule texts
live in `data/rules/*.yaml` (see `safecheck.report.rules`).
"""

from __future__ import annotations

from safecheck.scan.analysis import common, macos, scripts, windows
from safecheck.scan.analysis.base import Context, judge

RULE_SET_MODULES = (common, macos, scripts, windows)  # imported for the rule sets they register

__all__ = ["RULE_SET_MODULES", "Context", "judge"]
