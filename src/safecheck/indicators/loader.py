"""Read Echap `ioc.yaml` / `watchware.yaml` into `App` values.

The files are composed with the libyaml-based loader (`yamlio`), keeping line and column marks,
so a mistake is reported as `file:line:col: message`. The reader is strict about the shape (a
list of products, each with a name) and tolerant about the rest: unknown keys are ignored, a
single value is accepted where a list is expected, `c2.ip` is read like `c2.ips`, missing or
empty keys are empty lists, a key written twice has its values merged.
Both files together (~100 KB) load in about 10 ms on a laptop.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import yaml

from safecheck.core.errors import DataError, Problem
from safecheck.core.fileio import read_regular
from safecheck.core.yamlio import NULL_TAG, Problems, compose_text, did_you_mean
from safecheck.indicators.model import (
    APP_TYPES,
    STALKERWARE,
    WATCHWARE,
    App,
    normalize_certificate,
    normalize_domain,
)

IOC_FILE = "ioc.yaml"
WATCHWARE_FILE = "watchware.yaml"
INDICATOR_FILES: tuple[str, ...] = (IOC_FILE, WATCHWARE_FILE)
DEFAULT_TYPE = {IOC_FILE: STALKERWARE, WATCHWARE_FILE: WATCHWARE}
MAX_INDICATOR_BYTES = 32 * 1024 * 1024  # today ~100 KB; refuse anything absurd

_LIST_KEYS = ("names", "packages", "certificates", "websites", "distribution", "ios_bundles")
_C2_KEYS = {"ips": "ips", "ip": "ips", "domains": "domains", "domain": "domains"}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_apps(data: bytes, label: str, default_type: str = STALKERWARE) -> tuple[App, ...]:
    """Parse the bytes of one indicator file. `label` names it in problems (a path or URL).
    Raises DataError listing every problem; returns at least one product."""
    problems = Problems(label)
    if len(data) > MAX_INDICATOR_BYTES:
        problems.add(None, f"file is too large ({len(data)} bytes) to be an indicator file")
        raise DataError(problems.items)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", "replace")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        raise DataError(
            [Problem(label, line, col, f"the file is not UTF-8 text (byte {exc.start})")]
        ) from None
    root = compose_text(text, problems)
    apps: list[App] = []
    if root is None and not problems.items:
        problems.add(None, "the file is empty: expected a list of products")
    elif isinstance(root, yaml.SequenceNode):
        seen: dict[str, int] = {}
        for entry in root.value:
            app = _app(entry, problems, default_type)
            if app is None:
                continue
            if app.name in seen:
                problems.add(
                    entry, f"product '{app.name}' is listed twice (first on line {seen[app.name]})"
                )
                continue
            seen[app.name] = entry.start_mark.line + 1
            apps.append(app)
        if not root.value:
            problems.add(root, "the list of products is empty")
    elif root is not None:
        problems.add(root, "expected a list of products (lines starting with '- name:')")
    if problems.items:
        raise DataError(problems.items)
    return tuple(apps)


def load_file(path: Path, default_type: str | None = None) -> tuple[tuple[App, ...], str]:
    """Read one indicator file: its products and the SHA-256 of its bytes."""
    data = read_limited(path)
    kind = default_type or DEFAULT_TYPE.get(path.name, STALKERWARE)
    return parse_apps(data, str(path), kind), sha256_hex(data)


def read_limited(path: Path) -> bytes:
    """The bytes of a file, or a DataError naming it (unreadable, too large)."""
    try:
        size = path.stat().st_size
        if size > MAX_INDICATOR_BYTES:
            raise DataError(
                [Problem(str(path), 1, 1, f"file is too large ({size} bytes) to be indicators")]
            )
        return read_regular(path, MAX_INDICATOR_BYTES)
    except OSError as exc:
        raise DataError(
            [Problem(str(path), 1, 1, f"cannot read the file: {exc.strerror or exc}")]
        ) from None


def _app(node: yaml.Node, problems: Problems, default_type: str) -> App | None:
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, "expected a product (a mapping with at least 'name')")
        return None
    values: dict[str, list[str]] = {}
    name: str | None = None
    app_type = default_type
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.add(key_node, "a key must be a plain word")
            continue
        key = str(key_node.value)
        if key == "name":
            name = _one_text(value_node, problems, "name")
        elif key == "type":
            word = _one_text(value_node, problems, "type")
            if word is not None and word.strip().lower() in APP_TYPES:
                app_type = word.strip().lower()
            elif word is not None:
                problems.add(
                    value_node,
                    f"type: unknown value '{word}'; expected one of {', '.join(APP_TYPES)}"
                    + did_you_mean(word.strip().lower(), list(APP_TYPES)),
                )
        elif key in _LIST_KEYS:
            values.setdefault(key, []).extend(_texts(value_node, problems, key))
        elif key == "c2":
            _c2(value_node, problems, values)
        # any other key (certificate_organizations, certificate_cname_re, future ones): ignored
    if name is None:
        if not any(k.value == "name" for k, _ in node.value if isinstance(k, yaml.ScalarNode)):
            problems.add(node, "missing key 'name'")
        return None

    def get(key: str) -> tuple[str, ...]:
        return _unique(values.get(key, ()))

    return App(
        name=name.strip(),
        type=app_type,
        names=get("names"),
        packages=_unique(p.strip() for p in values.get("packages", ())),
        certificates=_unique(normalize_certificate(c) for c in values.get("certificates", ())),
        websites=_unique(normalize_domain(w) for w in values.get("websites", ())),
        distribution=_unique(d.strip() for d in values.get("distribution", ())),
        c2_ips=_unique(ip.strip() for ip in values.get("ips", ())),
        c2_domains=_unique(normalize_domain(d) for d in values.get("domains", ())),
        ios_bundles=_unique(b.strip() for b in values.get("ios_bundles", ())),
    )


def _c2(node: yaml.Node, problems: Problems, values: dict[str, list[str]]) -> None:
    if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
        return  # `c2:` with nothing under it
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, "c2: expected 'domains:' and/or 'ips:' under it")
        return
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.add(key_node, "c2: a key must be a plain word")
            continue
        target = _C2_KEYS.get(str(key_node.value))
        if target is not None:
            values.setdefault(target, []).extend(
                _texts(value_node, problems, f"c2.{key_node.value}")
            )


def _one_text(node: yaml.Node, problems: Problems, what: str) -> str | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag == NULL_TAG or not str(node.value).strip():
        problems.add(node, f"{what}: expected a text")
        return None
    return str(node.value)


def _texts(node: yaml.Node, problems: Problems, what: str) -> list[str]:
    """A list of texts; a single text, an empty value and empty items are accepted."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL_TAG or not str(node.value).strip():
            return []
        return [str(node.value)]  # the text as written: 0123 stays "0123", yes stays "yes"
    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, f"{what}: expected a list (lines starting with '- ')")
        return []
    out: list[str] = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode):
            problems.add(item, f"{what}: expected a text, found a nested list or mapping")
        elif item.tag != NULL_TAG and str(item.value).strip():
            out.append(str(item.value))
    return out


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
