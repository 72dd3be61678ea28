"""`catalog/update.py` against a fake GitHub on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import socket
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import indicators_fakes
import pytest
from indicators_fakes import COMMIT, ECHAP, HANG, IOC_SHA256, WATCHWARE_SHA256, FakeGitHub

from safecheck.core.errors import DataError
from safecheck.indicators import update as updater
from safecheck.indicators.store import load_installed

# The fixtures of tests/indicators (a conftest.py here would clash with tests/conftest.py
# for mypy): a fake GitHub on 127.0.0.1, loopback-only connections, a private data folder.
fake_github = indicators_fakes.fake_github
loopback_only = indicators_fakes.loopback_only
no_user_data_dir = indicators_fakes.no_user_data_dir

FIXED = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)


def clock() -> datetime:
    return FIXED


def run_update(fake: FakeGitHub, folder: Path, timeout: float = 5.0) -> list[str]:
    urls: list[str] = []
    updater.update(
        folder, api=fake.api, raw=fake.raw, timeout=timeout, clock=clock, on_url=urls.append
    )
    return urls


def test_update_installs_pinned_checked_files(
    fake_github: FakeGitHub, tmp_path: Path, loopback_only: list[str]
) -> None:
    fake_github.serve_echap()
    folder = tmp_path / "ind"
    urls = run_update(fake_github, folder)
    assert urls == [
        f"{fake_github.api}/repos/AssoEchap/stalkerware-indicators/commits/master",
        f"{fake_github.raw}/AssoEchap/stalkerware-indicators/{COMMIT}/ioc.yaml",
        f"{fake_github.raw}/AssoEchap/stalkerware-indicators/{COMMIT}/watchware.yaml",
    ]
    assert all(url.startswith("http://127.0.0.1:") for url in urls)
    assert loopback_only and set(loopback_only) == {"127.0.0.1"}
    assert sorted(p.name for p in folder.iterdir()) == [
        "ioc.yaml",
        "manifest.json",
        "watchware.yaml",
    ]
    assert (folder / "ioc.yaml").read_bytes() == (ECHAP / "ioc.yaml").read_bytes()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["commit"] == COMMIT
    assert manifest["source"] == "https://github.com/AssoEchap/stalkerware-indicators"
    assert manifest["retrieved_at"] == "2026-11-27T12:00:00Z"
    assert manifest["files"] == {
        "ioc.yaml": {"sha256": IOC_SHA256},
        "watchware.yaml": {"sha256": WATCHWARE_SHA256},
    }
    assert manifest["counts"]["stalkerware"] == 147
    assert manifest["counts"]["watchware"] == 27
    assert manifest["licence"] == "CC BY 4.0"
    assert "Echap" in manifest["attribution"]
    if sys.platform != "win32":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for child in folder.iterdir():
            assert stat.S_IMODE(child.stat().st_mode) == 0o600
    # nothing left beside it
    assert [p.name for p in tmp_path.iterdir()] == ["ind"]
    installed = load_installed(folder)
    assert installed is not None
    assert installed.commit == COMMIT
    assert installed.by_package("com.thetruth")[0].name == "TheTruthSpy"


def test_a_second_update_replaces_the_first(fake_github: FakeGitHub, tmp_path: Path) -> None:
    fake_github.serve_echap()
    folder = tmp_path / "ind"
    run_update(fake_github, folder)
    newer = "b" * 40
    fake_github.serve_echap(newer)
    run_update(fake_github, folder)
    installed = load_installed(folder)
    assert installed is not None and installed.commit == newer
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ind"]


@pytest.mark.parametrize("failing", ["api", "ioc.yaml", "watchware.yaml"])
@pytest.mark.parametrize("status", [404, 500])
def test_http_errors_install_nothing(
    fake_github: FakeGitHub, tmp_path: Path, failing: str, status: int
) -> None:
    fake_github.serve_echap()
    path = fake_github.commit_path() if failing == "api" else fake_github.file_path(failing)
    fake_github.routes[path] = (status, b"oops")
    folder = tmp_path / "ind"
    with pytest.raises(updater.UpdateError) as info:
        run_update(fake_github, folder)
    assert info.value.key == "indicators.error.http"
    assert info.value.values["status"] == status
    assert f"HTTP {status}" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_update_keeps_the_installed_indicators(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.serve_echap()
    folder = tmp_path / "ind"
    run_update(fake_github, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    fake_github.serve_echap("c" * 40)
    fake_github.routes[fake_github.file_path("ioc.yaml", "c" * 40)] = (200, b"- name: [unclosed\n")
    with pytest.raises(DataError):
        run_update(fake_github, folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ind"]


def test_a_server_that_never_answers_times_out(fake_github: FakeGitHub, tmp_path: Path) -> None:
    fake_github.serve_echap()
    fake_github.routes[fake_github.commit_path()] = (HANG, b"")
    with pytest.raises(updater.UpdateError) as info:
        run_update(fake_github, tmp_path / "ind", timeout=0.3)
    assert info.value.key == "indicators.error.timeout"
    assert fake_github.host in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_file_download_that_hangs_times_out(fake_github: FakeGitHub, tmp_path: Path) -> None:
    fake_github.serve_echap()
    fake_github.routes[fake_github.file_path("watchware.yaml")] = (HANG, b"")
    with pytest.raises(updater.UpdateError, match="seconds"):
        run_update(fake_github, tmp_path / "ind", timeout=0.3)
    assert list(tmp_path.iterdir()) == []


def test_no_network_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with pytest.raises(updater.UpdateError) as info:
        updater.update(tmp_path / "ind", api=base, raw=base, timeout=2)
    assert info.value.key == "indicators.error.connect"
    assert list(tmp_path.iterdir()) == []


def test_a_served_file_that_does_not_parse_installs_nothing(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.serve_echap()
    fake_github.routes[fake_github.file_path("watchware.yaml")] = (200, b"- name: A\n  c2: [x]\n")
    with pytest.raises(DataError) as info:
        run_update(fake_github, tmp_path / "ind")
    problem = str(info.value.problems[0])
    assert problem.startswith(f"{fake_github.raw}/AssoEchap/stalkerware-indicators/")
    assert "watchware.yaml:2:7: c2:" in problem
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"sha": "main"}', b'{"sha": 12}', b'{"message": "rate"}']
)
def test_a_bad_api_answer_installs_nothing(
    fake_github: FakeGitHub, tmp_path: Path, body: bytes
) -> None:
    fake_github.serve_echap()
    fake_github.routes[fake_github.commit_path()] = (200, body)
    with pytest.raises(updater.UpdateError) as info:
        run_update(fake_github, tmp_path / "ind")
    assert info.value.key == "indicators.error.bad_api_answer"
    assert fake_github.requests == [fake_github.commit_path()]


def test_only_https_or_loopback_http() -> None:
    ep = updater.endpoints(environ={})
    assert ep.api == "https://api.github.com"
    assert ep.raw == "https://raw.githubusercontent.com"
    assert ep.hosts() == ("api.github.com", "raw.githubusercontent.com")
    env = {updater.ENV_API: "http://127.0.0.1:9/api/", updater.ENV_RAW: "http://[::1]:9"}
    assert updater.endpoints(environ=env).api == "http://127.0.0.1:9/api"
    for bad in ("http://example.org", "ftp://127.0.0.1/x", "file:///etc/passwd", "nohost"):
        with pytest.raises(updater.UpdateError):
            updater.endpoints(api=bad, environ={})
    with pytest.raises(updater.UpdateError, match="https"):
        updater.check_url("http://10.0.0.1/x")


def test_redirects_to_plain_http_elsewhere_are_refused() -> None:
    handler = updater._CheckedRedirects()
    with pytest.raises(updater.UpdateError, match="https"):
        handler.redirect_request(
            None,  # type: ignore[arg-type]
            None,
            302,
            "Found",
            None,  # type: ignore[arg-type]
            "http://example.org/x",
        )


def test_loopback_is_never_reached_through_a_proxy(
    fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    fake_github.serve_echap()
    run_update(fake_github, tmp_path / "ind")
    assert len(fake_github.requests) == 3
