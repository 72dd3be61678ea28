"""Parsing Echap ioc.yaml / watchware.yaml: the real copies and hostile variants."""

from __future__ import annotations

import time
from pathlib import Path

import indicators_fakes
import pytest
from indicators_fakes import ECHAP, IOC_SHA256, WATCHWARE_SHA256

from safecheck.core.errors import DataError
from safecheck.indicators.loader import load_file, parse_apps
from safecheck.indicators.model import STALKERWARE, WATCHWARE, Indicators

# The fixtures of tests/indicators (a conftest.py here would clash with tests/conftest.py
# for mypy): a fake GitHub on 127.0.0.1, loopback-only connections, a private data folder.
fake_github = indicators_fakes.fake_github
loopback_only = indicators_fakes.loopback_only
no_user_data_dir = indicators_fakes.no_user_data_dir


@pytest.fixture(scope="module")
def real() -> Indicators:
    ioc, ioc_sha = load_file(ECHAP / "ioc.yaml")
    watch, watch_sha = load_file(ECHAP / "watchware.yaml")
    return Indicators(ioc + watch, sha256={"ioc.yaml": ioc_sha, "watchware.yaml": watch_sha})


def test_real_files_counts_match_the_research_notes(real: Indicators) -> None:
    counts = real.counts()
    assert counts[STALKERWARE] == 147
    assert counts[WATCHWARE] == 27
    ioc_packages = {p for app in real.of_type(STALKERWARE) for p in app.packages}
    assert len(ioc_packages) == 613
    ioc_certs = {c for app in real.of_type(STALKERWARE) for c in app.certificates}
    assert len(ioc_certs) == 471
    assert sum(len(a.packages) > 0 for a in real.of_type(STALKERWARE)) == 129
    assert counts["c2_domains"] == 989  # generated/hosts_full
    assert counts["ios_bundles"] == 6
    assert real.sha256 == {"ioc.yaml": IOC_SHA256, "watchware.yaml": WATCHWARE_SHA256}


def test_known_packages_map_to_their_app(real: Indicators) -> None:
    assert [a.name for a in real.by_package("com.thetruth")] == ["TheTruthSpy"]
    assert real.by_package("com.thetruth")[0].type == STALKERWARE
    famisafe = real.by_package("com.wondershare.famisafe")
    assert [(a.name, a.type) for a in famisafe] == [("FamiSafe", WATCHWARE)]
    # WiseMo is in both files: both entries are returned, the caller sees both types
    assert {a.type for a in real.by_package("com.wisemo.host.v10")} == {STALKERWARE, WATCHWARE}
    assert real.by_package("org.example.not.there") == ()
    cert = real.by_package("com.thetruth")[0].certificates[0]
    assert real.by_certificate(cert.lower())[0].name == "TheTruthSpy"


def test_both_c2_spellings_are_normalised(real: Indicators) -> None:
    by_name = {a.name: a for a in real.apps if a.type == STALKERWARE}
    # `c2: ip:` in the file (spelling variant)
    assert by_name["MobiStealth"].c2_ips == ("72.167.46.196", "5.79.71.114")
    assert by_name["Ahmyth"].c2_ips == ("85.10.199.40",)
    # `c2: ips:` (the usual spelling)
    assert by_name["TheTruthSpy"].c2_ips[0] == "69.64.74.239"
    total_ips = sum(len(a.c2_ips) for a in real.of_type(STALKERWARE))
    assert total_ips == 65 + 3


def test_domains_match_parents_but_not_top_level(real: Indicators) -> None:
    assert real.by_domain("x.app.phonespying.com")[0].name == "TheTruthSpy"
    assert real.by_domain("THETRUTHSPY.COM.")[0].name == "TheTruthSpy"
    assert real.by_domain("com") == ()


def test_load_time_of_the_real_files() -> None:
    start = time.perf_counter()
    load_file(ECHAP / "ioc.yaml")
    load_file(ECHAP / "watchware.yaml")
    elapsed = time.perf_counter() - start
    print(f"Echap ioc.yaml + watchware.yaml loaded in {elapsed * 1000:.1f} ms")
    assert elapsed < 2.0


def test_quirks_single_strings_variants_missing_and_unknown_keys() -> None:
    text = b"""\
- name: One
  type: stalkerware
  packages: com.one.single
  certificates: [ab:cd:ef]
  websites: One.Example.TEST
  c2:
    ips: [192.0.2.1]
    ip: 192.0.2.2
    domains: C2.example.test
  future_key: {anything: [1, 2]}
  certificate_cname_re: ['^x$']
- name: Two
  packages:
  -
  - com.two
  c2:
- name: "0123"
  packages: [com.three]
  packages: [com.three.again]
"""
    apps = parse_apps(text, "q.yaml")
    one, two, three = apps
    assert one.packages == ("com.one.single",)
    assert one.certificates == ("ABCDEF",)
    assert one.websites == ("one.example.test",)
    assert one.c2_ips == ("192.0.2.1", "192.0.2.2")
    assert one.c2_domains == ("c2.example.test",)
    assert two.type == STALKERWARE  # missing type: the file's kind
    assert two.packages == ("com.two",)
    assert two.c2_ips == () and two.certificates == ()
    assert three.name == "0123"
    assert three.packages == ("com.three", "com.three.again")
    assert parse_apps(b"- name: W\n  packages: [w]\n", "w.yaml", WATCHWARE)[0].type == WATCHWARE


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (b"- name: A\n  packages: [a\n", "x.yaml:3:", "YAML syntax error"),
        (b"name: A\n", "x.yaml:1:1:", "expected a list of products"),
        (b"", "x.yaml:1:1:", "empty"),
        (b"[]\n", "x.yaml:1:1:", "empty"),
        (b"- name: A\n- packages: [b]\n", "x.yaml:2:3:", "missing key 'name'"),
        (b"- name: A\n  type: spyware\n", "x.yaml:2:9:", "unknown value 'spyware'"),
        (b"- name: A\n  packages: {a: b}\n", "x.yaml:2:13:", "expected a list"),
        (b"- name: A\n  c2: [a]\n", "x.yaml:2:7:", "c2:"),
        (b"- name: A\n- name: A\n", "x.yaml:2:3:", "listed twice"),
        (b"- name: A\n  packages: [[a]]\n", "x.yaml:2:14:", "nested"),
        (b"- name: \xff\n", "x.yaml:1:9:", "not UTF-8"),
    ],
)
def test_malformed_files_are_data_errors(text: bytes, where: str, message: str) -> None:
    with pytest.raises(DataError) as info:
        parse_apps(text, "x.yaml")
    first = str(info.value.problems[0])
    assert first.startswith(where), first
    assert message in first


def test_unreadable_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read"):
        load_file(tmp_path / "ioc.yaml")
