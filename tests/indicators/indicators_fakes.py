"""Helpers for tests/indicators: an HTTP server on 127.0.0.1 standing in for GitHub.

It serves the real Echap copies from ../shared/data/echap/ (never copied into the project).
The fixtures (imported by each test module, as tests/conftest.py is the only conftest.py)
start it per test, allow outgoing connections to 127.0.0.1 only, so a mistake can never reach
the internet, and point SAFECHECK_DATA_DIR into the test's own folder.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from paths import REPO

ECHAP = REPO.parent / "shared" / "data" / "echap"
COMMIT = "a04c5c1958bff93fec3b1b56edbb412b209f2a38"
REPO_PATH = "AssoEchap/stalkerware-indicators"
IOC_SHA256 = "6052636f093dce2d329fc06b7d572c6d4462d73539f72f13d1af1f96ea74864e"
WATCHWARE_SHA256 = "e1e54f8bcd762aa6309b297153b7aa6e55267fc6bac7f77a9347467b30967708"

HANG = -1  # a route status that makes the server accept and never answer


@dataclass
class FakeGitHub:
    """Routes path -> (status, body). `api` and `raw` are the base URLs to give safecheck."""

    port: int = 0
    routes: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.base}/api"

    @property
    def raw(self) -> str:
        return f"{self.base}/raw"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def commit_path(self) -> str:
        return f"/api/repos/{REPO_PATH}/commits/master"

    def file_path(self, name: str, commit: str = COMMIT) -> str:
        return f"/raw/{REPO_PATH}/{commit}/{name}"

    def serve_echap(self, commit: str = COMMIT) -> None:
        self.routes[self.commit_path()] = (200, json.dumps({"sha": commit, "commit": {}}).encode())
        for name in ("ioc.yaml", "watchware.yaml"):
            self.routes[self.file_path(name, commit)] = (200, (ECHAP / name).read_bytes())


def _handler(fake: FakeGitHub) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.requests.append(self.path)
            status, body = fake.routes.get(self.path, (404, b"Not Found"))
            if status == HANG:
                fake.release.wait(10)
                return
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def start(fake: FakeGitHub) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    server.block_on_close = False
    fake.port = int(server.server_address[1])
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    server = start(fake)
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse any outgoing connection that is not to 127.0.0.1 (and record the others)."""
    real: Callable[..., socket.socket] = socket.create_connection
    seen: list[str] = []

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        seen.append(address[0])
        assert address[0] == "127.0.0.1", f"a test tried to connect to {address[0]}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    monkeypatch.delenv("SAFECHECK_INDICATORS_API", raising=False)
    monkeypatch.delenv("SAFECHECK_INDICATORS_RAW", raising=False)
    return seen


@pytest.fixture(autouse=True)
def no_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the real user data folder: point it into the test's folder."""
    data = tmp_path / "user-data"
    monkeypatch.setenv("SAFECHECK_DATA_DIR", str(data))
    return data
