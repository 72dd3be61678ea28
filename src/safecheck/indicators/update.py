"""Download the Echap stalkerware indicators: the ONLY code in safecheck that uses the network.

`update` asks the GitHub API for the latest commit of the default branch, downloads `ioc.yaml`
and `watchware.yaml` at that commit (so the version is pinned and reproducible), checks that
they parse, and only then installs them with their commit, date and SHA-256.
`import_from` does the same with a copy brought on a USB stick, without any network.

Only https is used. Plain http is accepted for a loopback address only (127.0.0.1, ::1,
localhost): traffic that never leaves the machine, which is how the tests serve the files.
Redirects are followed only to URLs that pass the same rule.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from safecheck import __version__
from safecheck.core.errors import SafecheckError
from safecheck.core.i18n import DEFAULT_LANGUAGE, Translator, language_from_environment
from safecheck.indicators.loader import (
    INDICATOR_FILES,
    IOC_FILE,
    WATCHWARE_FILE,
    read_limited,
    sha256_hex,
)
from safecheck.indicators.model import SOURCE_URL, Indicators
from safecheck.indicators.store import (
    MANIFEST_FILE,
    UNKNOWN_COMMIT,
    install,
    is_commit,
    parse_files,
    read_manifest,
)

REPO = "AssoEchap/stalkerware-indicators"
BRANCH = "master"
DEFAULT_API = "https://api.github.com"
DEFAULT_RAW = "https://raw.githubusercontent.com"
ENV_API = "SAFECHECK_INDICATORS_API"
ENV_RAW = "SAFECHECK_INDICATORS_RAW"
DEFAULT_TIMEOUT = 30.0  # seconds, per connection and per read
MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024
MAX_API_BYTES = 1024 * 1024

Clock = Callable[[], datetime]
UrlHook = Callable[[str], None]


class UpdateError(SafecheckError):
    """The indicators could not be downloaded or imported; nothing was installed.

    `key` and `values` are an i18n message (`indicators.error.*`), so the command can say it in
    the language asked for; str() is the message in the system's language.
    """

    def __init__(self, key: str, **values: object) -> None:
        lang = language_from_environment(os.environ) or DEFAULT_LANGUAGE
        super().__init__(Translator(lang)(key, **values), key=key, **values)


@dataclass(frozen=True)
class Endpoints:
    api: str
    raw: str

    def commit_url(self) -> str:
        return f"{self.api}/repos/{REPO}/commits/{BRANCH}"

    def file_url(self, commit: str, name: str) -> str:
        return f"{self.raw}/{REPO}/{commit}/{name}"

    def hosts(self) -> tuple[str, ...]:
        names = (urllib.parse.urlsplit(self.api).netloc, urllib.parse.urlsplit(self.raw).netloc)
        return tuple(dict.fromkeys(names))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """The URL if it may be fetched (https, or http to a loopback address), else UpdateError."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if not host or parts.scheme not in ("https", "http"):
        raise UpdateError("indicators.error.bad_url", url=url)
    if parts.scheme == "http" and not _is_loopback(host):
        raise UpdateError("indicators.error.not_https", url=url)
    return url


def endpoints(
    api: str | None = None, raw: str | None = None, environ: Mapping[str, str] = os.environ
) -> Endpoints:
    """The base URLs: parameters, else SAFECHECK_INDICATORS_API / _RAW, else GitHub."""
    api_url = (api or environ.get(ENV_API) or DEFAULT_API).rstrip("/")
    raw_url = (raw or environ.get(ENV_RAW) or DEFAULT_RAW).rstrip("/")
    return Endpoints(check_url(api_url), check_url(raw_url))


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


def _opener(url: str) -> urllib.request.OpenerDirector:
    """Redirects are checked; a loopback address is never reached through a proxy."""
    if _is_loopback(urllib.parse.urlsplit(url).hostname or ""):
        return urllib.request.build_opener(_CheckedRedirects(), urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(_CheckedRedirects())


def fetch(url: str, timeout: float, limit: int, accept: str = "*/*") -> bytes:
    """GET one URL; every failure becomes an UpdateError with a plain message."""
    check_url(url)
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, headers={"User-Agent": f"safecheck/{__version__}", "Accept": accept}
    )
    host = urllib.parse.urlsplit(url).netloc
    try:
        with _opener(url).open(request, timeout=timeout) as response:
            data: bytes = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise UpdateError(
            "indicators.error.http", url=url, status=exc.code, reason=exc.reason or ""
        ) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise UpdateError(
                "indicators.error.timeout", host=host, seconds=f"{timeout:g}"
            ) from None
        raise UpdateError(
            "indicators.error.connect", host=host, reason=_reason(exc.reason)
        ) from None
    except TimeoutError:
        raise UpdateError("indicators.error.timeout", host=host, seconds=f"{timeout:g}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise UpdateError("indicators.error.connect", host=host, reason=_reason(exc)) from None
    if len(data) > limit:
        raise UpdateError("indicators.error.too_large", url=url, limit=limit)
    return data


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return str(reason.strerror)
    return str(reason) or type(reason).__name__


def resolve_commit(ep: Endpoints, timeout: float, on_url: UrlHook | None = None) -> str:
    """The commit id (40 hex digits) at the head of the default branch."""
    url = ep.commit_url()
    if on_url:
        on_url(url)
    data = fetch(url, timeout, MAX_API_BYTES, accept="application/vnd.github+json")
    try:
        answer = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UpdateError("indicators.error.bad_api_answer", url=url) from None
    sha = answer.get("sha") if isinstance(answer, dict) else None
    if not isinstance(sha, str) or not is_commit(sha.lower()):
        raise UpdateError("indicators.error.bad_api_answer", url=url)
    return sha.lower()


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def update(
    folder: Path,
    *,
    api: str | None = None,
    raw: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    environ: Mapping[str, str] = os.environ,
    clock: Clock = _now,
    on_url: UrlHook | None = None,
) -> Indicators:
    """Download, check and install the latest indicators into `folder`; returns them.

    Nothing is installed unless both files were downloaded and parse (DataError, with the URL
    in each problem, or UpdateError otherwise). `on_url` is told each URL before it is fetched.
    """
    ep = endpoints(api, raw, environ)
    commit = resolve_commit(ep, timeout, on_url)
    files: dict[str, bytes] = {}
    labels: dict[str, str] = {}
    for name in INDICATOR_FILES:
        url = ep.file_url(commit, name)
        if on_url:
            on_url(url)
        files[name] = fetch(url, timeout, MAX_DOWNLOAD_BYTES)
        labels[name] = url
    apps = parse_files(files, labels)
    indicators = Indicators(
        apps=apps,
        source=SOURCE_URL,
        commit=commit,
        retrieved_at=_iso(clock()),
        sha256={name: sha256_hex(data) for name, data in files.items()},
    )
    install(folder, files, indicators)
    return _installed(indicators, folder)


def import_from(path: Path, folder: Path, *, clock: Clock = _now) -> Indicators:
    """Check and install a copy of the indicators without any network.

    `path` is a folder holding ioc.yaml (and usually watchware.yaml), or one file that holds
    what ioc.yaml holds, whatever its name (a browser may have saved it as "ioc (1).yaml").
    The commit is "unknown (imported)" unless a manifest.json from safecheck lies beside the
    files; then its commit, source and date are kept, and the files must match its SHA-256.
    """
    path = path.expanduser()
    if path.is_dir():
        sources = {name: path / name for name in INDICATOR_FILES if (path / name).is_file()}
        if IOC_FILE not in sources:
            raise UpdateError("indicators.error.no_ioc", path=str(path))
    elif path.is_file():
        if path.name == WATCHWARE_FILE:
            raise UpdateError("indicators.error.no_ioc", path=str(path))
        sources = {IOC_FILE: path}  # one file, whatever its name ("ioc (1).yaml"): ioc.yaml
    elif path.exists():  # a FIFO, device or socket: never read (it could block forever)
        raise UpdateError("indicators.error.not_a_file", path=str(path))
    else:
        raise UpdateError("indicators.error.no_such_path", path=str(path))
    files = {name: read_limited(source) for name, source in sources.items()}
    labels = {name: str(source) for name, source in sources.items()}
    digests = {name: sha256_hex(data) for name, data in files.items()}
    commit, source, retrieved_at = UNKNOWN_COMMIT, f"{SOURCE_URL} (imported copy)", ""
    manifest_path = sources[IOC_FILE].parent / MANIFEST_FILE
    if sources[IOC_FILE].name == IOC_FILE and manifest_path.is_file():
        manifest = read_manifest(manifest_path)
        for name, digest in digests.items():
            if manifest.sha256.get(name) != digest:
                raise UpdateError(
                    "indicators.error.manifest_mismatch",
                    file=labels[name],
                    manifest=str(manifest_path),
                )
        commit, source, retrieved_at = manifest.commit, manifest.source, manifest.retrieved_at
    apps = parse_files(files, labels)
    indicators = Indicators(
        apps=apps,
        source=source,
        commit=commit,
        retrieved_at=retrieved_at or _iso(clock()),
        sha256=digests,
    )
    install(folder, files, indicators)
    return _installed(indicators, folder)


def _installed(indicators: Indicators, folder: Path) -> Indicators:
    return Indicators(
        apps=indicators.apps,
        source=indicators.source,
        commit=indicators.commit,
        retrieved_at=indicators.retrieved_at,
        sha256=indicators.sha256,
        folder=str(folder.expanduser()),
    )
