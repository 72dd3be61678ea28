"""The tool catalog: the packaged data, the validator (file:line:col problems) and the index.

Each fixture in tests/fixtures/catalog/bad/ holds one kind of mistake; EXPECTED gives the exact
line, column and message of every problem, in the order they are found. docs/catalog-format.md
shows some of the same messages, so keep the two in step.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paths import REPO, TESTS
from safecheck.catalog import (
    PLATFORMS,
    ArtifactKind,
    Catalog,
    CatalogIndex,
    Category,
    PortRange,
    load_catalog,
    packaged_catalog_dir,
    validate_catalog,
)
from safecheck.catalog import index as index_module
from safecheck.catalog.loader import GENERIC_NAMES, parse_catalog
from safecheck.core.errors import DataError, Problem
from safecheck.core.yamlio import Problems, compose_text

FIXTURES = TESTS / "fixtures" / "catalog"
GOOD_DIR = FIXTURES / "good"
GOOD = GOOD_DIR / "tools.yaml"
BAD = FIXTURES / "bad"
ACROSS = FIXTURES / "duplicate_across"

LINE_FORMAT = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>\S.*)$")

# Every tool the issue names, by id. Ids are stable: reports and findings use them.
REQUIRED_IDS = {
    # remote access
    "teamviewer", "anydesk", "rustdesk", "chrome-remote-desktop", "x11vnc", "tigervnc",
    "realvnc", "tightvnc", "ultravnc", "screenconnect", "splashtop", "logmein", "goto-resolve",
    "zoho-assist", "remote-utilities", "nomachine", "parsec", "quick-assist", "dwservice",
    "meshcentral",
    # tunnels
    "ngrok", "cloudflared", "tailscale", "zerotier",
    # monitoring and stalkerware
    "flexispy", "mspy", "spyrix", "refog", "kidlogger", "hoverwatch", "sentrypc",
    "pctattletale", "webwatcher", "teramind", "activtrak", "veriato",
    # parental control
    "qustodio", "net-nanny", "norton-family", "kaspersky-safe-kids",
    # keyloggers
    "logkeys",
}  # fmt: skip

# Names found on every computer: the catalog must never use them (they would flag everything).
# Kept here as well as in the loader, so that loosening the loader's list fails this test.
DENY_LIST = {
    "agent", "service", "update", "updater", "node", "python", "python3", "ssh", "sshd",
    "bash", "sh", "zsh", "svchost", "explorer", "rundll32", "powershell", "cmd", "conhost",
    "dllhost", "java", "javaw", "chrome", "firefox", "msedge", "systemd", "launchd", "init",
    "setup", "install", "installer", "helper", "launcher", "client", "server", "host", "daemon",
    "tray", "monitor", "remote", "dwm", "csrss", "lsass", "winlogon", "msiexec", "perl", "ruby",
}  # fmt: skip

# fixture -> [(line, column, message)]; a message ending in ': ' or cut before ' (' is a prefix
EXPECTED: dict[str, list[tuple[int, int, str]]] = {
    "bad_domains.yaml": [
        (
            9,
            17,
            "tool 'example-remote': 'domains': '*.example.test': write the domain "
            "without '*'; its subdomains are matched too",
        ),
        (
            9,
            35,
            "tool 'example-remote': 'domains': 'amazonaws.com' is shared by many "
            "sites; give the tool's own subdomain",
        ),
        (
            9,
            50,
            "tool 'example-remote': 'domains': 'https://example.test/login' is an "
            "address; give only the domain (example.com)",
        ),
        (
            9,
            80,
            "tool 'example-remote': 'domains': 'localhost' is not a domain name (like example.com)",
        ),
    ],
    "bad_paths.yaml": [
        (
            10,
            17,
            "tool 'example-remote': linux 'paths': 'opt/example' must start with "
            "/ or ~/ (a person's home folder)",
        ),
        (
            10,
            30,
            "tool 'example-remote': linux 'paths': '/opt/example/*' has a "
            "wildcard (* or ?); give the exact name",
        ),
        (
            10,
            46,
            "tool 'example-remote': linux 'paths': '/usr/bin' is a folder many "
            "programs share; give the tool's own file or folder",
        ),
        (
            10,
            70,
            "tool 'example-remote': linux 'paths': '/opt/example/' is listed "
            "twice (first on line 10)",
        ),
        (
            12,
            17,
            "tool 'example-remote': darwin 'paths': '/Library/LaunchAgents' is a "
            "folder many programs share; give the tool's own file or folder",
        ),
        (
            13,
            22,
            "tool 'example-remote': darwin 'bundle_ids': 'example' is not a "
            "bundle id (written like com.example.app)",
        ),
        (
            15,
            17,
            "tool 'example-remote': win32 'paths': 'C:\\Program Files' is a folder "
            "many programs share; give the tool's own file or folder",
        ),
        (
            15,
            37,
            "tool 'example-remote': win32 'paths': 'Program Files\\Example' must "
            "start with a drive (C:\\) or a variable (%PROGRAMDATA%\\)",
        ),
        (
            15,
            62,
            "tool 'example-remote': win32 'paths': unknown folder variable "
            "'%HOME%' in '%HOME%\\Example'; use %PROGRAMFILES%, %PROGRAMDATA%, "
            "%APPDATA%, %LOCALAPPDATA%, %USERPROFILE% or %SYSTEMROOT%",
        ),
        (
            16,
            25,
            "tool 'example-remote': win32 'registry_keys': 'HKLM\\SOFTWARE' is a "
            "key many programs share; give the tool's own key",
        ),
        (
            16,
            42,
            "tool 'example-remote': win32 'registry_keys': 'SOFTWARE\\Example' "
            "must start with HKLM\\ or HKCU\\ (or HKEY_LOCAL_MACHINE\\, ...)",
        ),
    ],
    "bad_port.yaml": [
        (
            9,
            15,
            "tool 'example-remote': 'ports': port 70000 does not exist; a port is from 1 to 65535",
        ),
        (
            9,
            22,
            "tool 'example-remote': 'ports': port 443 is used by most programs; "
            "it cannot point to one tool",
        ),
        (
            9,
            27,
            "tool 'example-remote': 'ports': '7810-7800': put the smaller port first (7800-7810)",
        ),
        (
            9,
            40,
            "tool 'example-remote': 'ports': 'a lot' is not a port (5938) or a "
            "range of ports (5900-5906)",
        ),
        (
            9,
            49,
            "tool 'example-remote': 'ports': '1000-5000' is too wide a range (at most 1000 ports)",
        ),
    ],
    "duplicate_key.yaml": [
        (10, 7, "duplicate key 'ports' in tool 'example-remote': 'artifacts' (first on line 9)"),
    ],
    "duplicate_name.yaml": [
        (
            12,
            9,
            "tool 'example-remote-host': the name 'example remote' is also given "
            "to tool 'example-remote'",
        ),
    ],
    "duplicate_tool_id.yaml": [
        (12, 9, "tool 'example-remote': duplicate tool id (first on line 4)"),
    ],
    "empty.yaml": [
        (1, 1, "the file is empty"),
    ],
    "generic_names.yaml": [
        (
            10,
            32,
            "tool 'example-remote': linux 'processes': 'python3' is too common a "
            "name to point to one tool (it would flag every computer)",
        ),
        (
            10,
            41,
            "tool 'example-remote': linux 'processes': 'sshd' is too common a "
            "name to point to one tool (it would flag every computer)",
        ),
        (
            11,
            20,
            "tool 'example-remote': linux 'services': 'ssh.service' is too common "
            "a name to point to one tool (it would flag every computer)",
        ),
        (
            12,
            20,
            "tool 'example-remote': linux 'packages': 'python3' is too common a "
            "name to point to one tool (it would flag every computer)",
        ),
        (
            14,
            21,
            "tool 'example-remote': win32 'processes': 'svchost.exe' is too "
            "common a name to point to one tool (it would flag every computer)",
        ),
        (
            14,
            34,
            "tool 'example-remote': win32 'processes': 'C:\\Tools\\exremote.exe' is "
            "a path; give the process name, or put the path under 'paths'",
        ),
        (
            14,
            59,
            "tool 'example-remote': win32 'processes': 'Agent.EXE' is too common "
            "a name to point to one tool (it would flag every computer)",
        ),
    ],
    "missing_language.yaml": [
        (8, 7, "missing key 'fr' in tool 'example-remote': 'does'"),
    ],
    "no_artifacts.yaml": [
        (
            8,
            16,
            "tool 'example-remote': 'artifacts' gives nothing to look for; add at "
            "least one process, path, service, package, bundle id, launchd label, "
            "registry key, port or domain",
        ),
        (9, 13, "tool 'example-remote': 'source': the list is empty; remove the key or add values"),
    ],
    "several_mistakes.yaml": [
        (4, 9, "tool: id 'Example-Remote' must be lowercase letters, digits and dashes"),
        (
            10,
            32,
            "tool 'Example-Remote': linux 'processes': 'bash' is too common a "
            "name to point to one tool (it would flag every computer)",
        ),
        (
            11,
            15,
            "tool 'Example-Remote': 'ports': port 443 is used by most programs; "
            "it cannot point to one tool",
        ),
        (21, 5, "unknown key 'sources' in tool 'example-watch' (did you mean 'source'?)"),
        (14, 5, "missing key 'source' in tool 'example-watch'"),
        (
            15,
            11,
            "tool 'example-watch': 'name': 'yes' is read as true/false by YAML; "
            "put the text in quotes",
        ),
        (16, 15, "tool 'example-watch': 'category': write 'monitoring' (not 'stalkerware')"),
        (17, 11, "missing key 'fr' in tool 'example-watch': 'does'"),
        (20, 9, "tool 'example-watch': 'launchd_labels' is only for darwin, not win32"),
    ],
    "syntax.yaml": [
        (10, 11, "YAML syntax error: "),
    ],
    "unknown_category.yaml": [
        (
            6,
            15,
            "tool 'example-remote': 'category': unknown value 'remote-acess'; "
            "expected one of remote-access, monitoring, parental-control, "
            "keylogger, tunnel (did you mean 'remote-access'?)",
        ),
    ],
    "unknown_key.yaml": [
        (6, 5, "unknown key 'alias' in tool 'example-remote' (did you mean 'aliases'?)"),
        (
            11,
            9,
            "unknown key 'proceses' in tool 'example-remote': linux (did you mean 'processes'?)",
        ),
    ],
    "unknown_source.yaml": [
        (
            3,
            7,
            "source 'V2': give the title and the https:// address of the public "
            "page ('Title, https://...')",
        ),
        (
            11,
            18,
            "tool 'example-remote': unknown source 'v1' (did you mean 'V1'?); add "
            "it under 'sources' at the top of the file",
        ),
        (
            11,
            22,
            "tool 'example-remote': unknown source 'V3'; add it under 'sources' "
            "at the top of the file",
        ),
    ],
    "wrong_platform_key.yaml": [
        (13, 7, "unknown key 'android' in tool 'example-remote': 'artifacts'"),
        (10, 9, "tool 'example-remote': 'registry_keys' is only for win32, not linux"),
        (12, 9, "tool 'example-remote': 'bundle_ids' is only for darwin, not win32"),
    ],
}
PREFIX_ONLY = {"syntax.yaml", "duplicate_name.yaml"}


def assert_problems(
    problems: list[Problem], path: Path, expected: list[tuple[int, int, str]]
) -> None:
    found = [(p.line, p.column, p.message) for p in problems]
    assert len(found) == len(expected), "\n".join(str(p) for p in problems)
    for (line, col, message), (want_line, want_col, want) in zip(found, expected, strict=True):
        assert (line, col) == (want_line, want_col), message
        if path.name in PREFIX_ONLY:
            assert message.startswith(want), message
        else:
            assert message == want
    assert {p.path for p in problems} == {str(path)}


def test_every_bad_fixture_is_tested() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_fixture_reports_exact_problems(name: str) -> None:
    path = BAD / name
    _, problems = validate_catalog([path])
    assert_problems(problems, path, EXPECTED[name])
    with pytest.raises(DataError):
        load_catalog([path])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_problems_print_as_one_line_each(name: str) -> None:
    _, problems = validate_catalog([BAD / name])
    for problem in problems:
        match = LINE_FORMAT.match(str(problem))
        assert match is not None, str(problem)
        assert match["path"] == str(BAD / name)


def test_duplicate_id_across_files_names_the_other_file() -> None:
    tools, problems = validate_catalog([ACROSS])
    assert [str(p) for p in problems] == [
        f"{ACROSS / 'b.yaml'}:12:9: tool 'example-remote': duplicate tool id "
        f"(also used in {ACROSS / 'a.yaml'}:4)"
    ]
    assert [t.id for t in tools] == ["example-remote", "example-other"]


def test_duplicate_name_names_both_tools() -> None:
    path = BAD / "duplicate_name.yaml"
    _, problems = validate_catalog([path])
    assert [str(p) for p in problems] == [
        f"{path}:12:9: tool 'example-remote-host': the name 'example remote' is also given to "
        f"tool 'example-remote' ({path}:4)"
    ]


def test_data_error_lists_problems_sorted_by_place() -> None:
    path = BAD / "several_mistakes.yaml"
    with pytest.raises(DataError) as caught:
        load_catalog([path])
    lines = str(caught.value).splitlines()
    assert len(lines) == len(EXPECTED["several_mistakes.yaml"])
    positions = [(int(m["line"]), int(m["col"])) for m in map(LINE_FORMAT.match, lines) if m]
    assert positions == sorted(positions)


def test_folder_without_yaml_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a catalog\n", encoding="utf-8")
    _, problems = validate_catalog([tmp_path])
    assert [str(p) for p in problems] == [f"{tmp_path}:1:1: no catalog files (*.yaml) found"]
    missing = tmp_path / "nowhere.yaml"
    _, problems = validate_catalog([missing])
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{missing}:1:1: cannot read the file")


def test_not_utf8_file_points_at_the_first_bad_byte(tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8")
    path = tmp_path / "latin1.yaml"
    path.write_bytes(text.encode("cp1252"))
    _, problems = validate_catalog([path])
    byte = text.encode("utf-8").index("ô".encode())
    assert [str(p) for p in problems] == [f"{path}:13:24: the file is not UTF-8 text (byte {byte})"]


def test_good_fixture_loads_every_key() -> None:
    catalog = load_catalog([GOOD_DIR])
    assert [t.id for t in catalog] == ["example-remote", "example-watch"]
    remote = catalog.get("example-remote")
    assert remote is not None
    assert remote.name == "Example Remote"
    assert remote.aliases == ("ExRemote", "Example Remote Host")
    assert remote.category is Category.REMOTE_ACCESS
    assert remote.does == {
        "en": "See and control this computer from elsewhere.",
        "fr": "Voir et contrôler cet ordinateur à distance.",
    }
    art = remote.artifacts
    assert art.linux.processes == ("exremoted", "example-remote-service-daemon")
    assert art.linux.paths == ("/opt/example-remote", "~/.config/example-remote")
    assert art.linux.services == ("exremoted.service", "exremote-session@")
    assert art.linux.packages == ("example-remote",)
    assert art.darwin.paths == ("/Applications/Example Remote.app",)
    assert art.darwin.bundle_ids == ("org.example.remote",)
    assert art.darwin.launchd_labels == ("org.example.remote.daemon",)
    assert art.win32.processes == ("ExRemote.exe", "ExRemoteService.exe")
    assert art.win32.paths == ("C:\\Program Files\\Example Remote", "%APPDATA%\\Example Remote")
    assert art.win32.services == ("ExRemoteService",)
    assert art.win32.registry_keys == ("HKLM\\SOFTWARE\\Example Remote",)
    assert art.ports == (PortRange(7777, 7777), PortRange(7800, 7810))
    assert [str(p) for p in art.ports] == ["7777", "7800-7810"]
    assert art.domains == ("example-remote.test", "relay.example.net")
    assert art.platforms == PLATFORMS
    assert remote.source_ids == ("V1", "V2")
    assert remote.sources == (
        "Vendor documentation, https://example.org/docs",
        "Package page, https://example.org/packages",
    )
    assert remote.path == str(GOOD)
    assert remote.line == 7

    watch = catalog.get("example-watch")
    assert watch is not None
    assert watch.category is Category.MONITORING
    assert watch.source_ids == ("V1",)  # a single source may be written without brackets
    assert watch.artifacts.platforms == ()
    assert not watch.artifacts.is_empty()
    assert catalog.find("exremote") is remote  # by alias, any case
    assert catalog.find("EXAMPLE-WATCH") is watch
    assert catalog.find("nothing") is None
    assert catalog.in_category(Category.MONITORING) == (watch,)


# The packaged catalog.


@pytest.fixture(scope="module")
def packaged() -> Catalog:
    return load_catalog()


def test_packaged_catalog_loads_without_problems(packaged: Catalog) -> None:
    tools, problems = validate_catalog([packaged_catalog_dir()])
    assert problems == []
    assert len(tools) == len(packaged)
    names = sorted(p.name for p in packaged_catalog_dir().glob("*.yaml"))
    assert names == [
        "keylogger.yaml",
        "monitoring.yaml",
        "parental-control.yaml",
        "remote-access.yaml",
        "tunnel.yaml",
    ]


def test_packaged_catalog_is_large_enough_and_names_every_required_tool(packaged: Catalog) -> None:
    assert len(packaged) >= 80
    with_artifacts = [t for t in packaged if not t.artifacts.is_empty()]
    assert len(with_artifacts) >= 80
    assert set(packaged.ids()) >= REQUIRED_IDS, REQUIRED_IDS - set(packaged.ids())
    for category in Category:
        assert packaged.in_category(category), category


def test_each_file_holds_one_category(packaged: Catalog) -> None:
    for tool in packaged:
        assert Path(tool.path).stem == tool.category.value, tool.id


def test_every_tool_has_sources_and_says_what_it_does(packaged: Catalog) -> None:
    for tool in packaged:
        assert tool.sources, tool.id
        assert len(tool.sources) == len(tool.source_ids)
        for source in tool.sources:
            assert "https://" in source, (tool.id, source)
        assert set(tool.does) == {"en", "fr"}, tool.id
        for lang, text in tool.does.items():
            assert len(text) >= 20, (tool.id, lang)
        assert tool.does["en"] != tool.does["fr"], tool.id


def test_no_generic_names_in_the_packaged_catalog(packaged: Catalog) -> None:
    assert DENY_LIST <= GENERIC_NAMES
    for tool in packaged:
        for platform in PLATFORMS:
            own = tool.artifacts.on(platform)
            for name in (*own.processes, *own.services, *own.packages):
                key = index_module.process_key(name, platform)
                key = index_module.service_key(key, platform)
                assert key not in DENY_LIST, (tool.id, platform, name)
                assert key not in GENERIC_NAMES, (tool.id, platform, name)
                assert len(key) >= 3, (tool.id, platform, name)


def test_loader_refuses_every_name_of_the_deny_list() -> None:
    for name in sorted(DENY_LIST):
        text = (
            'sources: {V1: "Docs, https://example.org"}\n'
            "tools:\n"
            "  - id: x-tool\n"
            "    name: X\n"
            "    category: keylogger\n"
            "    does: {en: Records keys, fr: Enregistre les touches}\n"
            f"    artifacts: {{win32: {{processes: [{name.upper()}.exe]}}}}\n"
            "    source: V1\n"
        )
        problems = Problems("f.yaml")
        assert parse_catalog(compose_text(text, problems), problems) == []
        assert [str(p) for p in problems.items] == [
            f"f.yaml:7:37: tool 'x-tool': win32 'processes': '{name.upper()}.exe' is too common a "
            "name to point to one tool (it would flag every computer)"
        ]


# The index.


@pytest.fixture(scope="module")
def index(packaged: Catalog) -> CatalogIndex:
    return CatalogIndex(packaged)


def ids(matches: list[index_module.Match]) -> list[str]:
    return [m.tool.id for m in matches]


def test_process_lookup_ignores_case_and_exe_on_windows(index: CatalogIndex) -> None:
    assert ids(index.by_process("TeamViewer.exe", "win32")) == ["teamviewer"]
    assert ids(index.by_process("TEAMVIEWER.EXE", "win32")) == ["teamviewer"]
    assert ids(index.by_process("teamviewer", "win32")) == ["teamviewer"]
    assert ids(index.by_process(r"C:\Program Files\TeamViewer\TeamViewer.exe", "win32")) == [
        "teamviewer"
    ]
    assert ids(index.by_process("ANYDESK", "linux")) == ["anydesk"]
    assert ids(index.by_process("/opt/teamviewer/tv_bin/teamviewerd", "linux")) == ["teamviewer"]
    # .exe is only dropped on Windows, and an artifact of one system never matches another
    assert index.by_process("anydesk.exe", "linux") == []
    assert index.by_process("teamviewerd", "win32") == []
    match = index.by_process("rustdesk.exe", "win32")[0]
    assert match.kind is ArtifactKind.PROCESS
    assert match.artifact == "rustdesk.exe"


def test_process_lookup_knows_linux_cuts_names_to_15_characters() -> None:
    catalog = load_catalog([GOOD_DIR])
    small = CatalogIndex(catalog)
    cut = "example-remote-service-daemon"[:15]
    assert ids(small.by_process(cut, "linux")) == ["example-remote"]
    assert ids(small.by_process("example-remote-service-daemon", "linux")) == ["example-remote"]
    assert small.by_process("example-remote-", "win32") == []


def test_package_and_service_lookups(index: CatalogIndex) -> None:
    assert ids(index.by_package("x11vnc", "linux")) == ["x11vnc"]
    assert ids(index.by_package("TeamViewer-Host", "linux")) == ["teamviewer"]
    assert ids(index.by_package("anydesk", "darwin")) == ["anydesk"]
    assert index.by_package("x11vnc", "win32") == []
    assert ids(index.by_service("teamviewerd.service", "linux")) == ["teamviewer"]
    assert ids(index.by_service("teamviewerd", "linux")) == ["teamviewer"]
    assert ids(index.by_service("TeamViewer", "win32")) == ["teamviewer"]
    assert ids(index.by_service("tigervncserver@:1.service", "linux")) == ["tigervnc"]
    assert ids(index.by_service("xrdp-sesman", "linux")) == ["xrdp"]


def test_port_lookup_covers_ranges(index: CatalogIndex) -> None:
    assert ids(index.by_port(5938)) == ["teamviewer"]
    assert ids(index.by_port(21116)) == ["rustdesk"]
    assert "x11vnc" in ids(index.by_port(5903))
    assert "x11vnc" not in ids(index.by_port(5907))
    assert index.by_port(443) == []
    assert index.by_port(0) == []
    match = index.by_port(21115)[0]
    assert (match.kind, match.artifact) == (ArtifactKind.PORT, "21115-21116")


def test_domain_lookup_matches_the_domain_and_its_subdomains(index: CatalogIndex) -> None:
    assert ids(index.by_domain("x.teamviewer.com")) == ["teamviewer"]
    assert ids(index.by_domain("TEAMVIEWER.COM.")) == ["teamviewer"]
    assert ids(index.by_domain("relay-1.net.anydesk.com")) == ["anydesk"]
    assert index.by_domain("notteamviewer.com") == []
    assert index.by_domain("teamviewer.com.example.net") == []
    assert index.by_domain("com") == []
    assert index.by_domain("") == []
    match = index.by_domain("a.b.rustdesk.com")[0]
    assert (match.kind, match.artifact) == (ArtifactKind.DOMAIN, "rustdesk.com")


def test_path_lookup_by_prefix(index: CatalogIndex) -> None:
    assert ids(index.by_path("/opt/teamviewer/tv_bin/teamviewerd", "linux")) == ["teamviewer"]
    assert ids(index.by_path("/opt/teamviewer", "linux")) == ["teamviewer"]
    assert index.by_path("/opt/teamviewer2/x", "linux") == []
    assert index.by_path("/opt", "linux") == []
    # Windows: any case, either slash, 32-bit Program Files, folders written with a variable
    win = r"c:\PROGRAM FILES (X86)\TeamViewer\TeamViewer_Service.exe"
    assert ids(index.by_path(win, "win32")) == ["teamviewer"]
    assert ids(index.by_path("C:/ProgramData/AnyDesk/ad_svc.trace", "win32")) == ["anydesk"]
    assert ids(index.by_path(r"%ProgramData%\AnyDesk\service.conf", "win32")) == ["anydesk"]
    # a person's home folder, on each system
    home_win = r"C:\Users\Sam\AppData\Roaming\AnyDesk\ad.trace"
    assert ids(index.by_path(home_win, "win32")) == ["anydesk"]
    assert ids(index.by_path("/Users/sam/.anydesk/x", "darwin")) == ["anydesk"]
    assert ids(index.by_path("/home/sam/.chrome-remote-desktop-session", "linux")) == [
        "chrome-remote-desktop"
    ]
    assert ids(index.by_path("/srv/people/sam/.tmate.conf", "linux", home="/srv/people/sam")) == [
        "tmate"
    ]
    assert ids(index.by_path("/APPLICATIONS/AnyDesk.app/Contents/MacOS/AnyDesk", "darwin")) == [
        "anydesk"
    ]
    match = index.by_path("/Applications/AnyDesk.app/Contents", "darwin")[0]
    assert (match.kind, match.artifact) == (ArtifactKind.PATH, "/Applications/AnyDesk.app")


def test_registry_bundle_and_label_lookups(index: CatalogIndex) -> None:
    key = r"HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\TeamViewer\ConnectionHistory"
    assert ids(index.by_registry_key(key)) == ["teamviewer"]
    per_user = r"HKEY_USERS\S-1-5-21-1-2-3-1001\Software\TeamViewer"
    assert ids(index.by_registry_key(per_user)) == ["teamviewer"]
    services = r"HKLM\SYSTEM\ControlSet001\Services\AnyDesk"
    assert ids(index.by_registry_key(services)) == ["anydesk"]
    assert index.by_registry_key(r"HKLM\SOFTWARE") == []
    assert ids(index.by_bundle_id("COM.PHILANDRO.ANYDESK")) == ["anydesk"]
    assert ids(index.by_label("com.teamviewer.teamviewer_service")) == ["teamviewer"]
    assert index.by_label("com.apple.Finder") == []


def test_unknown_platform_is_a_programming_error(index: CatalogIndex) -> None:
    with pytest.raises(ValueError, match="unknown platform"):
        index.by_process("x", "android")


def test_lookups_never_go_through_the_tools(packaged: Catalog) -> None:
    index = CatalogIndex(packaged)
    index.catalog = None  # type: ignore[assignment]  # a lookup that scanned would fail here
    assert ids(index.by_process("AnyDesk.exe", "win32")) == ["anydesk"]
    assert ids(index.by_domain("x.teamviewer.com")) == ["teamviewer"]
    assert ids(index.by_path("/opt/teamviewer/x", "linux")) == ["teamviewer"]
    sizes = {name: len(table) for name, table in vars(index).items() if isinstance(table, dict)}
    for name in ("nothing", "x.y.z", "/a/b/c"):
        index.by_process(name, "linux")
        index.by_domain(name)
        index.by_path(name, "linux")
        index.by_port(1)
    # lookups add nothing to the tables
    assert sizes == {name: len(t) for name, t in vars(index).items() if isinstance(t, dict)}


def test_every_packaged_artifact_finds_its_own_tool(packaged: Catalog, index: CatalogIndex) -> None:
    for tool in packaged:
        art = tool.artifacts
        for platform in PLATFORMS:
            own = art.on(platform)
            for name in own.processes:
                assert tool.id in ids(index.by_process(name, platform)), (tool.id, name)
            for name in own.services:
                assert tool.id in ids(index.by_service(name, platform)), (tool.id, name)
            for name in own.packages:
                assert tool.id in ids(index.by_package(name, platform)), (tool.id, name)
            for path in own.paths:
                assert tool.id in ids(index.by_path(path, platform)), (tool.id, path)
            for name in own.bundle_ids:
                assert tool.id in ids(index.by_bundle_id(name)), (tool.id, name)
            for name in own.launchd_labels:
                assert tool.id in ids(index.by_label(name)), (tool.id, name)
            for key in own.registry_keys:
                assert tool.id in ids(index.by_registry_key(key)), (tool.id, key)
        for ports in art.ports:
            assert tool.id in ids(index.by_port(ports.low)), (tool.id, ports)
            assert tool.id in ids(index.by_port(ports.high)), (tool.id, ports)
        for domain in art.domains:
            assert tool.id in ids(index.by_domain("sub." + domain)), (tool.id, domain)


# Property tests: whatever the text, the validator and the index return and never raise.


def check_never_raises(text: str) -> None:
    problems = Problems("f.yaml")
    tools = parse_catalog(compose_text(text, problems), problems)
    if not tools:
        assert problems.items, "a file that gives no tool must say why"
    # YAML breaks lines on \r\n, \r, \n, NEL and the Unicode line and paragraph separators.
    line_count = len(re.split("\r\n|[\r\n\x85\u2028\u2029]", text))
    for problem in problems.items:
        assert problem.path == "f.yaml"
        assert 1 <= problem.line <= line_count + 1
        assert problem.column >= 1
        assert problem.message.strip()
        assert "\n" not in problem.message


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    check_never_raises(text)


YAMLISH = st.text(
    alphabet=st.sampled_from(list(" :-[]{}#&*!|>'\"?,%@`\t\nabyesno\\/~é0\x01")), max_size=6
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 3), YAMLISH), max_size=4))
def test_mutated_good_file_never_raises(edits: list[tuple[int, int, str]]) -> None:
    text = GOOD.read_text(encoding="utf-8")
    for position, kind, extra in edits:
        lines = text.split("\n")
        i = position % len(lines)
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines[i] = extra
        elif kind == 2:
            lines[i] = lines[i] + extra
        else:
            lines.insert(i, "  " + lines[i])
        text = "\n".join(lines)
    check_never_raises(text)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(PLATFORMS))
def test_index_lookups_never_raise(text: str, platform: str) -> None:
    index = CatalogIndex(load_catalog([GOOD_DIR]))
    index.by_process(text, platform)
    index.by_service(text, platform)
    index.by_package(text, platform)
    index.by_path(text, platform, home=text[:5])
    index.by_registry_key(text)
    index.by_domain(text)
    index.by_bundle_id(text)
    index.by_label(text)


def test_the_example_in_the_documentation_is_valid(tmp_path: Path) -> None:
    doc = (REPO / "docs" / "catalog-format.md").read_text(encoding="utf-8")
    section = doc.split("## A valid example", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    tools, problems = validate_catalog([path])
    assert problems == []
    assert [t.id for t in tools] == ["anydesk"]


def test_matches_can_be_kept_in_sets(index: CatalogIndex) -> None:
    found = set(index.by_port(5900)) | set(index.by_port(5901))
    assert {m.tool.id for m in found} >= {"x11vnc", "tigervnc", "realvnc"}
