"""Writing reports: mode 0600, atomic, never over another file; warnings for exposed folders."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from safecheck.core import fileio
from safecheck.core.errors import UsageError
from safecheck.core.fileio import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    exposed_location,
    write_encrypted_file,
    write_private_bytes,
    write_private_file,
)

POSIX = sys.platform != "win32"
MODES = [True, False] if sys.platform == "linux" else [False]


@pytest.fixture(params=MODES, ids=lambda anonymous: "anonymous" if anonymous else "named")
def anonymous(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run a test with both ways of writing: O_TMPFILE (Linux) and a named temporary file."""
    value = bool(request.param)
    monkeypatch.setattr(fileio, "_USE_ANONYMOUS_TEMP", value)
    return value


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX))


# -- write_private_file ------------------------------------------------------------------------


@pytest.mark.skipif(not POSIX, reason="POSIX modes")
@pytest.mark.usefixtures("anonymous", "umask_000")
def test_mode_0600_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    assert write_private_file(target, "private\n") == target
    assert mode(target) == 0o600
    assert target.read_text(encoding="utf-8") == "private\n"
    assert leftovers(tmp_path) == []


@pytest.mark.usefixtures("anonymous")
def test_text_is_utf8_with_unix_newlines(tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    write_private_file(target, "Téléchargements\nligne 2\n")
    assert target.read_bytes() == "Téléchargements\nligne 2\n".encode()


@pytest.mark.usefixtures("anonymous")
def test_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "letter.docx"
    target.write_text("someone's document", encoding="utf-8")
    with pytest.raises(UsageError, match="already exists"):
        write_private_file(target, "report")
    assert target.read_text(encoding="utf-8") == "someone's document"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not POSIX, reason="symlinks")
@pytest.mark.usefixtures("anonymous")
def test_refuses_a_dangling_symlink(tmp_path: Path) -> None:
    target = tmp_path / "link"
    target.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UsageError, match="already exists"):
        write_private_file(target, "report")
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.usefixtures("anonymous")
def test_refuses_when_the_name_is_taken_during_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    real_fsync = os.fsync

    def fsync_then_someone_writes(fd: int) -> None:
        real_fsync(fd)
        if not target.exists():
            target.write_text("written meanwhile", encoding="utf-8")

    monkeypatch.setattr(os, "fsync", fsync_then_someone_writes)
    with pytest.raises(UsageError, match="already exists"):
        write_private_file(target, "report")
    assert target.read_text(encoding="utf-8") == "written meanwhile"
    assert leftovers(tmp_path) == []


@pytest.mark.usefixtures("anonymous")
def test_overwrite_replaces(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    if POSIX:
        target.chmod(0o644)
    write_private_file(target, "new", overwrite=True)
    assert target.read_text(encoding="utf-8") == "new"
    if POSIX:
        assert mode(target) == 0o600
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


@pytest.mark.skipif(not POSIX, reason="inode numbers")
@pytest.mark.usefixtures("anonymous")
def test_overwrite_is_a_rename_not_a_rewrite(tmp_path: Path) -> None:
    """A reader holding the old file still reads the old, complete report: no truncation."""
    target = tmp_path / "report.json"
    target.write_text("old report", encoding="utf-8")
    with open(target, encoding="utf-8") as reader:
        old_inode = os.fstat(reader.fileno()).st_ino
        write_private_file(target, "new report", overwrite=True)
        assert reader.read() == "old report"
    assert target.stat().st_ino != old_inode
    assert target.read_text(encoding="utf-8") == "new report"


@pytest.mark.usefixtures("anonymous")
def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    target = tmp_path / "report.txt"
    with pytest.raises(UsageError, match="No space left"):
        write_private_file(target, "report")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("anonymous")
def test_an_interrupted_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def ctrl_c(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        write_private_file(tmp_path / "report.txt", "report", overwrite=True)
    assert list(tmp_path.iterdir()) == []


def test_bad_targets(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        write_private_file(tmp_path, "x")
    with pytest.raises(UsageError, match="does not exist"):
        write_private_file(tmp_path / "missing" / "r.txt", "x")


@pytest.mark.usefixtures("anonymous")
def test_unwritable_folder_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    if os.geteuid() == 0:
        # root writes anywhere: make the system refuse as it refuses an ordinary account
        real_open = os.open

        def refusing_open(path: object, *args: object, **kwargs: object) -> int:
            if str(path).startswith(str(folder)):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", refusing_open)
    try:
        with pytest.raises(UsageError, match="cannot write"):
            write_private_file(folder / "r.txt", "x")
        assert not (folder / "r.txt").exists()
    finally:
        folder.chmod(0o700)


def test_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_private_file(Path("r.txt"), "here")
    assert (tmp_path / "r.txt").read_text(encoding="utf-8") == "here"


def test_unencodable_characters_do_not_lose_the_report(tmp_path: Path) -> None:
    name = b"/home/amira/caf\xe9".decode("utf-8", "surrogateescape")  # a non-UTF-8 file name
    target = tmp_path / "r.json"
    write_private_file(target, json.dumps({"path": name}, ensure_ascii=False))
    assert json.loads(target.read_text(encoding="utf-8")) == {"path": name}


@pytest.mark.usefixtures("anonymous")
def test_write_encrypted_file(tmp_path: Path) -> None:
    data = bytes(range(256)) * 10 + b"\r\n\x00"
    target = tmp_path / "report.sce"
    write_encrypted_file(target, data)
    assert target.read_bytes() == data
    if POSIX:
        assert mode(target) == 0o600
    with pytest.raises(UsageError, match="already exists"):
        write_encrypted_file(target, b"other")
    write_encrypted_file(target, b"other", overwrite=True)
    assert target.read_bytes() == b"other"
    plain = tmp_path / "report.json"
    write_private_bytes(plain, b'{"a": "\xc3\xa9"}\r\n')
    assert plain.read_bytes() == b'{"a": "\xc3\xa9"}\r\n'


# -- a write killed half-way -------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from safecheck.core import fileio

    fileio._USE_ANONYMOUS_TEMP = sys.argv[2] == "anonymous"

    def stuck_fsync(fd):
        print("writing", flush=True)
        time.sleep(60)

    os.fsync = stuck_fsync
    fileio.write_private_file(Path(sys.argv[1]), "x" * 20_000_000)
    print("finished", flush=True)
    """
)


@pytest.mark.parametrize("how", ["anonymous", "named"] if sys.platform == "linux" else ["named"])
def test_a_write_killed_half_way(tmp_path: Path, how: str) -> None:
    if sys.platform == "win32":
        pytest.skip("kill -9")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "report.txt"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target), how], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"  # the data is written, not yet named
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert not target.exists()
    left = list(folder.iterdir())
    if how == "anonymous":
        # O_TMPFILE: the data never had a name, so nothing at all is left.
        assert left == []
    else:
        # A named temporary file survives kill -9 (no `finally` runs); its name says what it is.
        # It is private, like the report would have been.
        assert len(left) == 1
        assert left[0].name.startswith(TEMP_PREFIX) and left[0].name.endswith(TEMP_SUFFIX)
        assert mode(left[0]) == 0o600


# -- exposed_location --------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home" / "amira"
    folder.mkdir(parents=True)
    return folder


def where(path: Path, home: Path, environ: dict[str, str] | None = None) -> str | None:
    return exposed_location(path, environ=environ or {}, home=home)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("Dropbox/report.json", "cloud:Dropbox"),
        ("Dropbox (Personal)/Documents/report.json", "cloud:Dropbox"),
        ("Library/CloudStorage/Dropbox/report.json", "cloud:Dropbox"),
        ("OneDrive/report.json", "cloud:OneDrive"),
        ("OneDrive - Contoso/Documents/report.json", "cloud:OneDrive"),
        ("Library/CloudStorage/OneDrive-Personal/report.json", "cloud:OneDrive"),
        ("OneDrive/Desktop/report.json", "cloud:OneDrive"),  # cloud first: it is wider
        ("Library/Mobile Documents/com~apple~CloudDocs/report.json", "cloud:iCloud Drive"),
        ("iCloudDrive/report.json", "cloud:iCloud Drive"),
        ("Google Drive/report.json", "cloud:Google Drive"),
        ("GoogleDrive/report.json", "cloud:Google Drive"),
        ("Library/CloudStorage/GoogleDrive-amira@example.fr/My Drive/r.json", "cloud:Google Drive"),
        ("Desktop/report.json", "desktop"),
        ("Desktop/folder/inside/report.json", "desktop"),
        ("desktop/report.json", "desktop"),
        ("Downloads/report.json", "downloads"),
        ("Documents/report.json", None),
        ("report.json", None),
        (".local/share/report.json", None),
        ("Documents/../Desktop/report.json", "desktop"),
        ("Desktop/../Documents/report.json", None),
        ("Dropbox/../Documents/report.json", None),
    ],
)
def test_exposed_by_folder_name(home: Path, relative: str, expected: str | None) -> None:
    assert where(home / relative, home) == expected


def test_exposed_with_xdg_localized_names(home: Path) -> None:
    config = home / ".config"
    config.mkdir()
    (config / "user-dirs.dirs").write_text(
        "# written by xdg-user-dirs-update\n"
        'XDG_DESKTOP_DIR="$HOME/Bureau"\n'
        'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n'
        'XDG_DOCUMENTS_DIR="$HOME/Documents"\n'
        'XDG_TEMPLATES_DIR="$HOME/"\n',
        encoding="utf-8",
    )
    assert where(home / "Bureau" / "r.json", home) == "desktop"
    assert where(home / "Téléchargements" / "r.json", home) == "downloads"
    assert where(home / "Documents" / "r.json", home) is None
    assert where(home / "r.json", home) is None


def test_xdg_config_home_and_absolute_entries(home: Path, tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "user-dirs.dirs").write_text(
        f'XDG_DESKTOP_DIR="{tmp_path}/Schreibtisch"\nXDG_DOWNLOAD_DIR="$HOME/"\n',
        encoding="utf-8",
    )
    env = {"XDG_CONFIG_HOME": str(config)}
    assert where(tmp_path / "Schreibtisch" / "r.json", home, env) == "desktop"
    # "$HOME/" disables the entry: the whole home is not "Downloads".
    assert where(home / "r.json", home, env) is None


@pytest.mark.skipif(not POSIX, reason="symlinks")
def test_symlink_into_dropbox(home: Path) -> None:
    (home / "Dropbox" / "notes").mkdir(parents=True)
    (home / "notes").symlink_to(home / "Dropbox" / "notes")
    assert where(home / "notes" / "report.json", home) == "cloud:Dropbox"


@pytest.mark.skipif(not POSIX, reason="symlinks")
def test_symlink_into_the_desktop_and_dotdot(home: Path) -> None:
    (home / "Desktop").mkdir()
    (home / "Documents").mkdir()
    (home / "Documents" / "shortcut").symlink_to(home / "Desktop")
    assert where(home / "Documents" / "shortcut" / "r.json", home) == "desktop"
    # As the system resolves it: the link first, then "..": the file lands in the home folder.
    assert where(home / "Documents" / "shortcut" / ".." / "r.json", home) is None
    (home / "Documents" / "up").symlink_to(home / "Desktop" / "sub" / "..")
    assert where(home / "Documents" / "up" / "r.json", home) == "desktop"


@pytest.mark.skipif(not POSIX, reason="symlinks")
def test_dropbox_folder_named_in_info_json(home: Path, tmp_path: Path) -> None:
    sync = tmp_path / "data" / "Sync"
    sync.mkdir(parents=True)
    (home / ".dropbox").mkdir()
    (home / ".dropbox" / "info.json").write_text(
        json.dumps({"personal": {"path": str(sync), "host": 123, "is_team": False}}),
        encoding="utf-8",
    )
    assert where(sync / "sub" / "r.json", home) == "cloud:Dropbox"
    (home / "link").symlink_to(sync)
    assert where(home / "link" / "r.json", home) == "cloud:Dropbox"
    assert where(tmp_path / "data" / "r.json", home) is None


def test_onedrive_from_environment(home: Path, tmp_path: Path) -> None:
    work = tmp_path / "Work files"
    personal = tmp_path / "Personal files"
    env = {"OneDriveCommercial": str(work), "OneDriveConsumer": str(personal)}
    assert where(work / "r.json", home, env) == "cloud:OneDrive"
    assert where(personal / "sub" / "r.json", home, env) == "cloud:OneDrive"
    assert where(tmp_path / "r.json", home, {"OneDrive": str(work)}) is None


def test_windows_profile_folders(home: Path, tmp_path: Path) -> None:
    profile = tmp_path / "Users" / "amira"
    env = {"USERPROFILE": str(profile)}
    assert where(profile / "Desktop" / "r.json", home, env) == "desktop"
    assert where(profile / "Downloads" / "r.json", home, env) == "downloads"
    assert where(profile / "Documents" / "r.json", home, env) is None


def test_home_from_environment(home: Path) -> None:
    assert exposed_location(home / "Desktop" / "r.json", environ={"HOME": str(home)}) == "desktop"


@pytest.mark.parametrize("garbage", [b"\xff\xfe not json", b"[1, 2]", b'{"personal": 3}', b""])
def test_broken_dropbox_config_is_ignored(home: Path, garbage: bytes) -> None:
    (home / ".dropbox").mkdir()
    (home / ".dropbox" / "info.json").write_bytes(garbage)
    assert where(home / "Documents" / "r.json", home) is None
    assert where(home / "Desktop" / "r.json", home) == "desktop"


def test_never_raises(home: Path) -> None:
    (home / ".config").mkdir()
    (home / ".config" / "user-dirs.dirs").mkdir()  # a folder where a file is expected
    assert where(home / "Documents" / "r.json", home) is None
    assert where(Path("bad\x00name") / "r.json", home) is None
    assert where(home / "r.json", home, {"XDG_CONFIG_HOME": "\x00"}) is None


@pytest.mark.parametrize("force", [False, True])
def test_special_files_are_never_replaced(tmp_path: Path, force: bool) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link_to_device = tmp_path / "stdout"
    link_to_device.symlink_to("/dev/null")
    for target in (Path("/dev/null"), fifo, link_to_device):
        with pytest.raises(UsageError) as caught:
            fileio.write_private_file(target, "report", overwrite=force)
        assert "not a regular file" in str(caught.value)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert link_to_device.is_symlink() and os.readlink(link_to_device) == "/dev/null"


def test_a_link_to_a_regular_file_may_be_replaced_with_force(tmp_path: Path) -> None:
    target = tmp_path / "old.txt"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "report.txt"
    link.symlink_to(target)
    fileio.write_private_file(link, "new", overwrite=True)
    assert link.read_text(encoding="utf-8") == "new"
