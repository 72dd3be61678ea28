"""Where installed indicators live, and reading/installing them.

A folder of indicators holds `ioc.yaml`, `watchware.yaml` (optional) and `manifest.json`
(source, commit, date, SHA-256 of each file, counts, licence). The folder is, in this order:
`--to DIR`; else `$SAFECHECK_DATA_DIR/indicators`; else the user data folder:
Linux `$XDG_DATA_HOME/safecheck/indicators` (`~/.local/share/safecheck/indicators`),
macOS `~/Library/Application Support/safecheck/indicators`,
Windows `%LOCALAPPDATA%\\safecheck\\indicators`.

Nothing here writes except `install`, which only `safecheck indicators update` calls.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from safecheck.core.errors import DataError, Problem, UsageError
from safecheck.core.fileio import write_private_bytes
from safecheck.indicators.loader import (
    DEFAULT_TYPE,
    INDICATOR_FILES,
    IOC_FILE,
    parse_apps,
    read_limited,
    sha256_hex,
)
from safecheck.indicators.model import (
    ATTRIBUTION,
    LICENCE,
    App,
    Indicators,
)

MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 1
ENV_DATA_DIR = "SAFECHECK_DATA_DIR"
FOLDER_NAME = "indicators"
UNKNOWN_COMMIT = "unknown (imported)"
_OWN_FILES = frozenset((*INDICATOR_FILES, MANIFEST_FILE))
_SHA1_HEX = re.compile(r"^[0-9a-f]{40}$")
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")

# Where the folder came from, for "saying which" (keys of i18n `indicators.where.*`).
WHERE_OPTION = "option"
WHERE_ENV = "env"
WHERE_DEFAULT = "default"


def user_data_dir(
    environ: Mapping[str, str] = os.environ, platform: str = sys.platform, home: Path | None = None
) -> Path:
    """safecheck's folder in the platform's per-user data place."""
    if home is None:
        home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    if platform == "win32":
        base = environ.get("LOCALAPPDATA")
        root = Path(base) if base else home / "AppData" / "Local"
        return root / "safecheck"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "safecheck"
    xdg = environ.get("XDG_DATA_HOME", "")
    root = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return root / "safecheck"


def indicators_folder(
    to: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    home: Path | None = None,
) -> tuple[Path, str]:
    """The indicators folder and why it is that one (WHERE_OPTION, WHERE_ENV, WHERE_DEFAULT)."""
    if to is not None:
        return to.expanduser(), WHERE_OPTION
    if environ.get(ENV_DATA_DIR):
        return Path(environ[ENV_DATA_DIR]).expanduser() / FOLDER_NAME, WHERE_ENV
    return user_data_dir(environ, platform, home) / FOLDER_NAME, WHERE_DEFAULT


@dataclass(frozen=True)
class Manifest:
    source: str
    commit: str
    retrieved_at: str
    sha256: Mapping[str, str]
    counts: Mapping[str, int]
    licence: str = LICENCE
    attribution: str = ATTRIBUTION

    def to_json(self) -> str:
        data = {
            "format": MANIFEST_FORMAT,
            "source": self.source,
            "commit": self.commit,
            "retrieved_at": self.retrieved_at,
            "files": {name: {"sha256": digest} for name, digest in self.sha256.items()},
            "counts": dict(self.counts),
            "licence": self.licence,
            "attribution": self.attribution,
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def make_manifest(indicators: Indicators) -> Manifest:
    return Manifest(
        source=indicators.source,
        commit=indicators.commit,
        retrieved_at=indicators.retrieved_at,
        sha256=dict(indicators.sha256),
        counts=indicators.counts(),
    )


def read_manifest(path: Path) -> Manifest:
    """Read and check a manifest.json; DataError naming the file otherwise."""
    label = str(path)

    def bad(message: str) -> DataError:
        return DataError([Problem(label, 1, 1, message)])

    data = read_limited(path)
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        line, col = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
        raise DataError([Problem(label, line, col, f"not valid JSON: {exc}")]) from None
    if not isinstance(raw, dict):
        raise bad("expected a JSON object")
    texts: dict[str, str] = {}
    for key in ("source", "commit", "retrieved_at"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise bad(f"'{key}' is missing or not a text")
        texts[key] = value
    files = raw.get("files")
    sha256: dict[str, str] = {}
    if not isinstance(files, dict):
        raise bad("'files' is missing or not an object")
    for name, info in files.items():
        digest = info.get("sha256") if isinstance(info, dict) else None
        if name not in INDICATOR_FILES:
            raise bad(f"'files' names an unexpected file '{name}'")
        if not isinstance(digest, str) or not _SHA256_HEX.match(digest):
            raise bad(f"'files.{name}.sha256' is not a SHA-256 in hexadecimal")
        sha256[name] = digest
    if IOC_FILE not in sha256:
        raise bad(f"'files' does not list {IOC_FILE}")
    counts_raw = raw.get("counts", {})
    counts = (
        {str(k): v for k, v in counts_raw.items() if isinstance(v, int)}
        if isinstance(counts_raw, dict)
        else {}
    )
    return Manifest(
        source=texts["source"],
        commit=texts["commit"],
        retrieved_at=texts["retrieved_at"],
        sha256=sha256,
        counts=counts,
        licence=str(raw.get("licence") or LICENCE),
        attribution=str(raw.get("attribution") or ATTRIBUTION),
    )


def is_commit(value: str) -> bool:
    return bool(_SHA1_HEX.match(value))


def parse_files(files: Mapping[str, bytes], labels: Mapping[str, str]) -> tuple[App, ...]:
    """Parse every file (all problems of all files together); DataError if any."""
    apps: list[App] = []
    problems: list[Problem] = []
    for name in INDICATOR_FILES:
        if name not in files:
            continue
        try:
            apps.extend(parse_apps(files[name], labels.get(name, name), DEFAULT_TYPE[name]))
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    return tuple(apps)


def load_installed(folder: Path | None = None) -> Indicators | None:
    """The installed indicators, or None when none are installed (no folder, or an empty one).

    A folder that holds indicators but is damaged (manifest missing or unreadable, a file
    missing, changed since it was installed, or not parsing) raises DataError.
    """
    if folder is None:
        folder, _ = indicators_folder()
    folder = folder.expanduser()
    if not folder.is_dir():
        return None
    present = [name for name in (*INDICATOR_FILES, MANIFEST_FILE) if (folder / name).exists()]
    if not present:
        return None
    manifest_path = folder / MANIFEST_FILE
    if not manifest_path.exists():
        raise DataError(
            [
                Problem(
                    str(manifest_path),
                    1,
                    1,
                    "missing: this folder was not installed by 'safecheck indicators update'",
                )
            ]
        )
    manifest = read_manifest(manifest_path)
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name, digest in manifest.sha256.items():
        path = folder / name
        if not path.exists():
            problems.append(Problem(str(path), 1, 1, "missing, but listed in manifest.json"))
            continue
        data = read_limited(path)
        if sha256_hex(data) != digest:
            problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    "changed since it was installed (SHA-256 differs from manifest.json); "
                    "run 'safecheck indicators update' again",
                )
            )
            continue
        files[name] = data
    if problems:
        raise DataError(problems)
    apps = parse_files(files, {name: str(folder / name) for name in files})
    return Indicators(
        apps=apps,
        source=manifest.source,
        commit=manifest.commit,
        retrieved_at=manifest.retrieved_at,
        sha256=manifest.sha256,
        folder=str(folder),
    )


def install(folder: Path, files: Mapping[str, bytes], indicators: Indicators) -> Path:
    """Install checked files and their manifest into `folder`, replacing earlier indicators.

    Everything is written (0600 files, 0700 folder) into a new temporary folder beside
    `folder`, which then takes its place by renaming, so a reader sees the old set or the new
    one. A folder that holds anything else than indicators is never replaced.
    """
    folder = folder.expanduser()
    parent = folder.parent
    if folder.exists() or folder.is_symlink():
        if folder.is_symlink() or not folder.is_dir():
            raise UsageError(f"{folder} exists and is not a folder; choose another place")
        others = sorted(p.name for p in folder.iterdir() if p.name not in _OWN_FILES)
        if others:
            raise UsageError(
                f"{folder} already holds other files ({', '.join(others[:3])}); "
                "choose an empty or new folder"
            )
    try:
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the folder {parent}: {exc.strerror or exc}") from exc
    try:
        temp = Path(
            tempfile.mkdtemp(prefix=".safecheck-indicators-", suffix=".partial", dir=parent)
        )
    except OSError as exc:
        raise UsageError(f"cannot write in {parent}: {exc.strerror or exc}") from exc
    old: Path | None = None
    try:
        if sys.platform != "win32":
            os.chmod(temp, 0o700)
        for name in INDICATOR_FILES:
            if name in files:
                write_private_bytes(temp / name, files[name])
        manifest = make_manifest(indicators).to_json().encode("utf-8")
        write_private_bytes(temp / MANIFEST_FILE, manifest)
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=".safecheck-indicators-", suffix=".old", dir=parent))
            os.replace(folder, old / FOLDER_NAME)  # move the old set aside, then swap in
        os.replace(temp, folder)
    except OSError as exc:
        raise UsageError(
            f"cannot install the indicators in {folder}: {exc.strerror or exc}"
        ) from exc
    finally:
        # Whatever stopped us (an error, Ctrl-C), the old set goes back if the new is not in.
        if old is not None and not folder.exists() and (old / FOLDER_NAME).exists():
            with contextlib.suppress(OSError):
                os.replace(old / FOLDER_NAME, folder)
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    with contextlib.suppress(OSError):
        fd = os.open(parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return folder
