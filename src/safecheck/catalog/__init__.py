"""The catalog of remote-access and monitoring tools: model, loader (validation) and index.

Usage::

    catalog = load_catalog()              # the packaged data/catalog/*.yaml, or DataError
    index = CatalogIndex(catalog)         # built once; every lookup is a dictionary access
    index.by_process("TeamViewer.exe", "win32")

The names below are loaded on first use: a scan that reads the compiled catalog
(safecheck.catalog.compiled) does not import the YAML validator.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from safecheck.catalog.compiled import catalog_files
    from safecheck.catalog.index import CatalogIndex, Match
    from safecheck.catalog.loader import (
        load_catalog,
        packaged_catalog_dir,
        validate_catalog,
    )
    from safecheck.catalog.model import (
        PLATFORMS,
        ArtifactKind,
        Artifacts,
        Catalog,
        Category,
        PlatformArtifacts,
        PortRange,
        Tool,
    )

_HOMES = {
    "CatalogIndex": "index",
    "Match": "index",
    "catalog_files": "compiled",
    "load_catalog": "loader",
    "packaged_catalog_dir": "loader",
    "validate_catalog": "loader",
    "PLATFORMS": "model",
    "ArtifactKind": "model",
    "Artifacts": "model",
    "Catalog": "model",
    "Category": "model",
    "PlatformArtifacts": "model",
    "PortRange": "model",
    "Tool": "model",
}

__all__ = [
    "PLATFORMS",
    "ArtifactKind",
    "Artifacts",
    "Catalog",
    "CatalogIndex",
    "Category",
    "Match",
    "PlatformArtifacts",
    "PortRange",
    "Tool",
    "catalog_files",
    "load_catalog",
    "packaged_catalog_dir",
    "validate_catalog",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
