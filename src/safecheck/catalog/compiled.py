"""The packaged catalog, validated once when it is built and shipped as JSON beside the YAML.

Validating the YAML (parsing it with marks, checking every artifact against the lists of
common names, folders, ports and domains) costs more than the rest of a live scan's catalog
work; the result is the same at every run. So the validated tools are kept in
`data/catalog.compiled.json` with the SHA-256 of the YAML files they came from. A run reads the
YAML files' bytes (about 90 KB), hashes them, and uses the JSON only when the hash is the
same: an edited catalog that was not compiled again is parsed and validated as before, never
read stale. Nothing is written at run time; `python -m safecheck.catalog.packaged` writes the
file (a developer's step; tests/catalog/test_compiled.py fails when it is not current).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from safecheck.catalog.model import (
    PLATFORM_KEYS,
    PLATFORMS,
    Artifacts,
    Catalog,
    Category,
    PlatformArtifacts,
    PortRange,
    Tool,
)
from safecheck.core.fileio import files_digest

FORMAT = 1
COMPILED_NAME = "catalog.compiled.json"
# The catalog shipped with safecheck (found beside the package: importlib.resources costs an
# import of its own at every start).
PACKAGED_DIR = Path(__file__).parent.parent / "data" / "catalog"


def compiled_path(catalog_dir: Path) -> Path:
    """Where the compiled form of a catalog folder is kept: beside the folder."""
    return catalog_dir.parent / COMPILED_NAME


def _platform_json(artifacts: PlatformArtifacts) -> dict[str, list[str]]:
    return {key: list(values) for key, values in artifacts.items()}


def _tool_json(tool: Tool) -> dict[str, Any]:
    art = tool.artifacts
    return {
        "id": tool.id,
        "name": tool.name,
        "category": tool.category.value,
        "does": dict(tool.does),
        "artifacts": {
            **{p: _platform_json(art.on(p)) for p in PLATFORMS if not art.on(p).is_empty()},
            "ports": [[r.low, r.high] for r in art.ports],
            "domains": list(art.domains),
        },
        "aliases": list(tool.aliases),
        "source_ids": list(tool.source_ids),
        "sources": list(tool.sources),
        "file": Path(tool.path).name,
        "line": tool.line,
    }


def compile_catalog(catalog: Catalog, files: list[Path]) -> str:
    """The JSON text that stands for `catalog`, read from `files`."""
    data = {
        "format": FORMAT,
        "sources_sha256": files_digest(files),
        "tools": [_tool_json(tool) for tool in catalog],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _platform(data: dict[str, list[str]]) -> PlatformArtifacts:
    return PlatformArtifacts(**{key: tuple(data.get(key, ())) for key in PLATFORM_KEYS})


def _tool(data: dict[str, Any], folder: Path) -> Tool:
    art = data["artifacts"]
    return Tool(
        id=data["id"],
        name=data["name"],
        category=Category(data["category"]),
        does=dict(data["does"]),
        artifacts=Artifacts(
            **{p: _platform(art[p]) for p in PLATFORMS if p in art},
            ports=tuple(PortRange(low, high) for low, high in art["ports"]),
            domains=tuple(art["domains"]),
        ),
        aliases=tuple(data["aliases"]),
        source_ids=tuple(data["source_ids"]),
        sources=tuple(data["sources"]),
        path=str(folder / data["file"]),  # as the YAML loader names it
        line=data["line"],
    )


def load_compiled(folder: Path, files: list[Path]) -> Catalog | None:
    """The compiled catalog of `folder`, or None when there is none, it cannot be read, or it
    was not made from these very `files` (then the caller validates the YAML)."""
    try:
        text = compiled_path(folder).read_text(encoding="utf-8")
        data = json.loads(text)
        if not isinstance(data, dict):
            return None
        if data.get("format") != FORMAT or data.get("sources_sha256") != files_digest(files):
            return None
        return Catalog(tools=tuple(_tool(tool, folder) for tool in data["tools"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def catalog_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their *.yaml files, in a stable order (the order they are read,
    validated and hashed in)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            files.append(path)
    return files
