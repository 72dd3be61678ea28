"""Writing a file the person asked for: only where they said, private, atomic, not over another."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from safecheck.errors import UsageError


def write_private_file(path: Path, text: str, overwrite: bool = False) -> Path:
    """Write `text` to `path` with mode 0600 via a temporary file in the same folder.

    Without `overwrite`, an existing file is never replaced (the final step is a hard link,
    which fails if the name is taken), so a report cannot clobber someone's document.
    """
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    if not folder.is_dir():
        raise UsageError(f"the folder {folder} does not exist")
    if path.exists() and not overwrite:
        raise UsageError(f"{path} already exists; choose another name")
    fd, tmp_name = tempfile.mkstemp(prefix=".safecheck-", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError as exc:
                raise UsageError(f"{path} already exists; choose another name") from exc
            except OSError:
                # Filesystems without hard links (FAT USB sticks): re-check, then rename.
                if path.exists():
                    raise UsageError(f"{path} already exists; choose another name") from None
                os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return path
