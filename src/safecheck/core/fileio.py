"""Writing a file the person asked for: only where they said, private, atomic, not over another.

How a write happens (`_write_atomic`):
1. On Linux, the data goes into an *anonymous* file in the target folder (`O_TMPFILE`): it has no
   name, so if the process is killed half-way (even with kill -9, power loss) nothing is left
   behind: no partial report that a cloud client could upload or a person could open.
   The complete, fsynced file is then given its name with a hard link, which fails if the name is
   taken, so nothing is ever overwritten without `overwrite=True`.
2. Elsewhere, or where the filesystem has no anonymous files, the data goes into a named
   temporary file `.safecheck-XXXXXXXX.partial` (mode 0600) in the same folder, then is linked or
   renamed into place; the temporary name is removed on any error. Only a kill -9 or a power cut
   in the middle can leave such a `.partial` file: its name says it is not the report.
3. With `overwrite=True` the complete file is renamed over the old one (atomic on POSIX and on
   NTFS): a reader sees the old report or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from safecheck.core.errors import UsageError

TEMP_PREFIX = ".safecheck-"
TEMP_SUFFIX = ".partial"

# Tests switch this off to exercise the named-temporary-file path on Linux.
_USE_ANONYMOUS_TEMP = sys.platform == "linux"


class _NoAnonymousTemp(Exception):
    """The folder's filesystem (or the kernel, or a missing /proc) has no O_TMPFILE support."""


NOT_REGULAR = "not a regular file (a device, pipe, socket or folder)"


def read_regular(path: Path, max_bytes: int) -> bytes:
    """At most `max_bytes + 1` bytes of a file given by the person (so "too large" can be
    told). Opened without waiting (a FIFO never blocks), and only a regular file is read;
    anything else is an OSError saying so."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder; give a file", str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, NOT_REGULAR, str(path))
        return read_at_most(fd, max_bytes + 1)
    finally:
        os.close(fd)


def write_private_file(path: Path, text: str, overwrite: bool = False) -> Path:
    """Write `text` (UTF-8) to `path` with mode 0600, atomically, never over an existing file
    unless `overwrite`. Raises UsageError with a message for the person.

    Characters that cannot be encoded (lone surrogates from non-UTF-8 file names) are written as
    backslash escapes (`\\udcff`) rather than failing the whole report.
    """
    return _write_atomic(path, text.encode("utf-8", "backslashreplace"), overwrite)


def write_encrypted_file(path: Path, data: bytes, overwrite: bool = False) -> Path:
    """Write `data` (an encrypted report) exactly as given, like `write_private_file`."""
    return _write_atomic(path, data, overwrite)


def write_private_bytes(path: Path, data: bytes, overwrite: bool = False) -> Path:
    """Write `data` exactly as given (a decrypted report), like `write_private_file`."""
    return _write_atomic(path, data, overwrite)


def _exists_message(path: Path) -> str:
    return f"{path} already exists; choose another name"


def _refuse_special(path: Path) -> None:
    """Only a regular file, or a link to one (or to nothing), may be replaced: never a device,
    a FIFO, a socket or a folder, nor a link to one (`/dev/null`, `/dev/stdout`)."""
    for follow in (False, True):
        try:
            info = os.stat(path, follow_symlinks=follow)
        except (FileNotFoundError, NotADirectoryError):
            return  # nothing there (or a dangling link): a new file is written
        except OSError:
            return  # cannot tell here; writing will say what is wrong
        if follow or not stat.S_ISLNK(info.st_mode):
            if not stat.S_ISREG(info.st_mode):
                raise UsageError(
                    f"{path} is not a regular file (a device, pipe, socket or folder); "
                    "give the name of a file, or - for the screen",
                    key="error.not_a_file",
                    path=path,
                )
            return


def _write_atomic(path: Path, data: bytes, overwrite: bool) -> Path:
    path = path.expanduser()
    folder = path.parent  # Path("name").parent is Path(".")
    if path.is_dir():
        raise UsageError(
            f"{path} is a folder; give a file name", key="error.file_is_folder", path=path
        )
    if not folder.is_dir():
        raise UsageError(
            f"the folder {folder} does not exist", key="error.no_folder", folder=folder
        )
    _refuse_special(path)
    if not overwrite and (path.exists() or path.is_symlink()):
        raise UsageError(_exists_message(path), key="error.file_exists", path=path)
    try:
        done = False
        if sys.platform == "linux":
            if _USE_ANONYMOUS_TEMP:
                try:
                    _write_anonymous(path, folder, data, overwrite)
                    done = True
                except _NoAnonymousTemp:
                    pass
        if not done:
            _write_named(path, folder, data, overwrite)
    except FileExistsError as exc:
        raise UsageError(_exists_message(path), key="error.file_exists", path=path) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(
            f"cannot write {path}: {reason}", key="error.cannot_write", path=path, reason=reason
        ) from exc
    _sync_folder(folder)
    return path


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _temp_name(folder: Path) -> Path:
    import secrets  # noqa: PLC0415 - hmac and OpenSSL's hashes: only when a file is written

    return folder / f"{TEMP_PREFIX}{secrets.token_hex(4)}{TEMP_SUFFIX}"


def _link_into_place(tmp: Path, path: Path, overwrite: bool) -> None:
    """Give the complete temporary file its final name. `tmp` is gone afterwards on success."""
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # FileExistsError if the name was taken meanwhile
    except FileExistsError:
        raise
    except OSError:
        # Filesystems without hard links (FAT/exFAT USB sticks): re-check, then rename.
        if path.exists() or path.is_symlink():
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(tmp, path)
        return
    tmp.unlink()


if sys.platform == "linux":

    def _write_anonymous(path: Path, folder: Path, data: bytes, overwrite: bool) -> None:
        # Names are resolved against the folder's descriptor, so the file lands in the folder
        # that was opened even if something renames it meanwhile.
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            try:
                fd = os.open(".", os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
            except OSError as exc:
                if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                    raise _NoAnonymousTemp() from exc
                raise
            try:
                _write_all(fd, data)
                os.fchmod(fd, 0o600)  # exactly 0600, whatever the umask
                os.fsync(fd)
                _name_anonymous(fd, dir_fd, path.name, overwrite)
            finally:
                os.close(fd)
        finally:
            os.close(dir_fd)

    def _name_anonymous(fd: int, dir_fd: int, name: str, overwrite: bool) -> None:
        # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N names the anonymous file; a dir_fd
        # argument makes Python call linkat and not link(), which would not follow the link.
        proc_name = f"/proc/self/fd/{fd}"
        final = name
        if overwrite:
            # A named, complete copy exists only between the link and the rename below.
            name = _temp_name(Path()).name
        try:
            os.link(proc_name, name, dst_dir_fd=dir_fd)
        except FileExistsError:
            if not overwrite:
                raise
            raise _NoAnonymousTemp() from None  # the random temporary name was taken
        except OSError as exc:  # no /proc (some containers), or a kernel that refuses
            raise _NoAnonymousTemp() from exc
        if overwrite:
            try:
                os.replace(name, final, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(name, dir_fd=dir_fd)
                raise


def _write_named(path: Path, folder: Path, data: bytes, overwrite: bool) -> None:
    import tempfile  # noqa: PLC0415 - only to write a file

    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    tmp = Path(tmp_name)
    try:
        try:
            _write_all(fd, data)
            if sys.platform != "win32":
                os.fchmod(fd, 0o600)
            os.fsync(fd)
        finally:
            os.close(fd)
        if sys.platform == "win32":
            os.chmod(tmp, 0o600)
        _link_into_place(tmp, path, overwrite)
    finally:
        tmp.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable (POSIX); best effort, never an error."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- places where others may see the file ------------------------------------------------------

CLOUD_DROPBOX = "cloud:Dropbox"
CLOUD_ONEDRIVE = "cloud:OneDrive"
CLOUD_ICLOUD = "cloud:iCloud Drive"
CLOUD_GOOGLE = "cloud:Google Drive"
DESKTOP = "desktop"
DOWNLOADS = "downloads"
EXPOSED_KEYS = (CLOUD_DROPBOX, CLOUD_ONEDRIVE, CLOUD_ICLOUD, CLOUD_GOOGLE, DESKTOP, DOWNLOADS)

_CONFIG_MAX = 1 << 20  # bytes read from info.json / user-dirs.dirs
_XDG_LINE = re.compile(r'^\s*(XDG_[A-Z]+_DIR)\s*=\s*"(.*)"\s*$')


def _cloud_by_name(part: str) -> str | None:
    """The cloud service a folder name belongs to, from the names the clients create."""
    name = part.casefold()
    if name == "dropbox" or name.startswith(("dropbox (", "dropbox-")):
        return CLOUD_DROPBOX
    if name == "onedrive" or name.startswith(("onedrive - ", "onedrive-")):
        return CLOUD_ONEDRIVE
    if name in ("iclouddrive", "icloud drive", "mobile documents", "com~apple~clouddocs"):
        return CLOUD_ICLOUD
    if name in ("google drive", "googledrive", "my drive") or name.startswith("googledrive-"):
        return CLOUD_GOOGLE
    return None


def _lexical(path: Path) -> Path:
    return Path(os.path.normpath(os.path.abspath(path)))


def _forms(path: Path) -> list[Path]:
    """The real (symlinks resolved) and the lexical (`..` removed) absolute form of `path`."""
    lexical = _lexical(path)
    real = Path(os.path.realpath(lexical))
    return [lexical] if real == lexical else [real, lexical]


def _inside(target: Path, folder: Path) -> bool:
    """Is `target` `folder` or below it? Case-insensitive (Windows, macOS)."""
    t_parts = [p.casefold() for p in target.parts]
    f_parts = [p.casefold() for p in folder.parts]
    return len(f_parts) > 0 and t_parts[: len(f_parts)] == f_parts


def _read_small(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(_CONFIG_MAX)
    except (OSError, ValueError):
        return None


def _dropbox_folders(home: Path, environ: Mapping[str, str]) -> Iterator[Path]:
    """Dropbox folders named in the client's info.json (they may have any name)."""
    places = [home / ".dropbox" / "info.json"]
    for var in ("APPDATA", "LOCALAPPDATA"):
        if environ.get(var):
            places.append(Path(environ[var]) / "Dropbox" / "info.json")
    for place in places:
        text = _read_small(place)
        if text is None:
            continue
        try:
            info = json.loads(text)
        except ValueError:
            continue
        if not isinstance(info, dict):
            continue
        for account in info.values():
            folder = account.get("path") if isinstance(account, dict) else None
            if isinstance(folder, str) and folder:
                yield Path(folder).expanduser()


def _xdg_dirs(home: Path, environ: Mapping[str, str]) -> dict[str, Path]:
    """XDG_DESKTOP_DIR and XDG_DOWNLOAD_DIR from user-dirs.dirs (localized names)."""
    config = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    found: dict[str, Path] = {}
    text = _read_small(config / "user-dirs.dirs") or ""
    for line in text.splitlines():
        match = _XDG_LINE.match(line)
        if match:
            name, value = match.group(1), match.group(2).replace('\\"', '"')
            if value.startswith("$HOME"):
                found[name] = home / value[len("$HOME") :].lstrip("/")
            elif value.startswith("/"):
                found[name] = Path(value)
    for name in ("XDG_DESKTOP_DIR", "XDG_DOWNLOAD_DIR"):
        if environ.get(name):
            found[name] = Path(environ[name]).expanduser()
    # "$HOME/" itself means "no such folder" in user-dirs.dirs: never flag the whole home.
    return {k: v for k, v in found.items() if _lexical(v) != _lexical(home)}


def exposed_location(
    path: Path, environ: Mapping[str, str] = os.environ, home: Path | None = None
) -> str | None:
    """Why writing `path` may let others see it, as a key of EXPOSED_KEYS, or None.

    Cloud-synced folders (the file is copied to a server and maybe to other devices or shared
    folders) come before Desktop and Downloads (seen at a glance, often in backups). `..` and
    symlinks in the target folder are resolved, and both the written and the real path are
    checked. Best effort, never raises: None means "none of the places we know", not "private".
    """
    try:
        return _exposed(path, environ, home)
    except Exception:
        return None


def _exposed(path: Path, environ: Mapping[str, str], home: Path | None) -> str | None:
    if home is None:
        home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    home = home.expanduser()
    targets = _forms(path.expanduser().parent)

    # Cloud folders: by the names their clients create, by where they say they are.
    for target in targets:
        for part in target.parts:
            key = _cloud_by_name(part)
            if key is not None:
                return key
    cloud_roots: list[tuple[Path, str]] = [
        (home / "Library" / "Mobile Documents", CLOUD_ICLOUD),
        (home / "iCloudDrive", CLOUD_ICLOUD),
    ]
    cloud_roots += [(folder, CLOUD_DROPBOX) for folder in _dropbox_folders(home, environ)]
    for var in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer"):
        if environ.get(var):
            cloud_roots.append((Path(environ[var]), CLOUD_ONEDRIVE))
    for root, key in cloud_roots:
        for form in _forms(root):
            if any(_inside(target, form) for target in targets):
                return key

    # Desktop and Downloads: English names (macOS, Windows, and Linux by default) and the
    # localized ones from user-dirs.dirs ("Bureau", "Téléchargements", "Schreibtisch", ...).
    xdg = _xdg_dirs(home, environ)
    places: list[tuple[Path, str]] = [
        (home / "Desktop", DESKTOP),
        (home / "Downloads", DOWNLOADS),
    ]
    if "XDG_DESKTOP_DIR" in xdg:
        places.append((xdg["XDG_DESKTOP_DIR"], DESKTOP))
    if "XDG_DOWNLOAD_DIR" in xdg:
        places.append((xdg["XDG_DOWNLOAD_DIR"], DOWNLOADS))
    if environ.get("USERPROFILE"):
        profile = Path(environ["USERPROFILE"])
        places += [(profile / "Desktop", DESKTOP), (profile / "Downloads", DOWNLOADS)]
    for place, key in places:
        for form in _forms(place):
            if any(_inside(target, form) for target in targets):
                return key
    return None


def files_digest(files: list[Path]) -> str:
    """The SHA-256 of files' names and bytes, in order: tells whether a compiled form shipped
    beside data files (the catalog, the finding rules) was made from these very files."""
    import hashlib  # noqa: PLC0415 - only where a compiled form is checked

    digest = hashlib.sha256()
    for path in files:
        name = path.name.encode("utf-8", "surrogateescape")
        data = path.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def read_at_most(fd: int, size: int) -> bytes:
    """At most `size` bytes from an open file, in reads of at most 1 MiB (asking one byte more
    than a limit tells a file that is, or grew, past it)."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
