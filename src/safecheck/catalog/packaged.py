"""The packaged catalog as a scan loads it: compiled when current, else validated YAML.

    python -m safecheck.catalog.packaged    # validate data/catalog/*.yaml, write the compiled form

Kept apart from `compiled` so that the loader (which reads the compiled form too) and this
module do not import each other.
"""

from __future__ import annotations

import sys

from safecheck.catalog.compiled import (
    PACKAGED_DIR,
    catalog_files,
    compile_catalog,
    compiled_path,
    load_compiled,
)
from safecheck.catalog.model import Catalog


def packaged_catalog() -> Catalog:
    """The packaged catalog: the compiled form when it was made from the YAML as it is now,
    else the YAML, validated (DataError when it has problems)."""
    folder = PACKAGED_DIR
    try:
        found = load_compiled(folder, catalog_files([folder]))
    except OSError:
        found = None
    if found is not None:
        return found
    from safecheck.catalog.loader import load_catalog  # noqa: PLC0415 - only when stale

    return load_catalog([folder])


def main() -> int:
    """Validate the packaged catalog and write its compiled form (a developer's step)."""
    from safecheck.catalog.loader import validate_catalog  # noqa: PLC0415

    folder = PACKAGED_DIR
    files = catalog_files([folder])
    tools, problems = validate_catalog(files)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    target = compiled_path(folder)
    target.write_text(compile_catalog(Catalog(tools=tuple(tools)), files), encoding="utf-8")
    print(f"{target}: {len(tools)} tools")
    return 0


if __name__ == "__main__":
    sys.exit(main())
