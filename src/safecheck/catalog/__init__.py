"""The catalog of remote-access and monitoring tools: model, loader (validation) and index.

Usage::

    catalog = load_catalog()              # the packaged data/catalog/*.yaml, or DataError
    index = CatalogIndex(catalog)         # built once; every lookup is a dictionary access
    index.by_process("TeamViewer.exe", "win32")
"""

from __future__ import annotations

from safecheck.catalog.index import CatalogIndex, Match
from safecheck.catalog.loader import (
    catalog_files,
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
