"""The HTML report in a real browser: headless Chromium prints it to PDF, every finding's title
and safety note is in the printed text, and the page asks for nothing over the network.

Needs the Debian packages `chromium` and `poppler-utils` (pdftotext); `.ci/run` installs them.
When they are missing this test fails (it does not skip), so a CI without them is noticed.

Chromium makes requests of its own (component updates, the clock, sign-in) however it is
started. They are sent nowhere (`--host-resolver-rules` answers every name with "not found")
and told apart from the page's: a request made for a page has the page's origin as initiator
(`null` for a file), the browser's own have none ("not an origin"). Two canary pages, one
loading an image and one loading it under the report's Content-Security-Policy, show that both
checks below do catch a page that tries.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from report_sample import HELP, combined_report

from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.core.i18n import Translator
from safecheck.report.model import Report
from safecheck.report.render.html import CSP, render_html


@pytest.fixture
def combined(mini: ChecklistSet, utc: None) -> Report:
    return combined_report(mini, "en")


@pytest.fixture
def combined_fr(mini: ChecklistSet, utc: None) -> Report:
    return combined_report(mini, "fr")


TIMEOUT = 120
CANARY_URL = "http://canary.invalid/pixel.png"
CANARY_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{{head}}<title>canary</title></head>
<body><p>canary page</p><img src="{CANARY_URL}" alt=""></body></html>
"""
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'


def chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "Chromium is not installed: install the Debian package chromium "
        "(apt-get install chromium poppler-utils) to test the HTML report in a browser"
    )


def pdftotext() -> str:
    found = shutil.which("pdftotext")
    if found is None:
        pytest.fail(
            "pdftotext is not installed: install the Debian package poppler-utils "
            "(apt-get install poppler-utils) to read the printed HTML report"
        )
    return found


@dataclass
class Printed:
    text: str  # the PDF's text, normalised
    page_requests: list[str]  # URLs the page asked for over the network
    file_loads: list[str]  # file:// URLs loaded
    csp_violations: list[str]  # console messages about something the policy blocked


def normalise(text: str) -> str:
    """One line of text, whatever the layout: ligatures split, soft hyphens dropped, a word
    broken after its own hyphen joined again, runs of white space made one space."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"-\s*\n\s*", "-", text)
    return " ".join(text.split())


def net_log_requests(path: Path) -> list[str]:
    """URLs requested for a page (not by the browser itself), from Chromium's net log."""
    log = json.loads(path.read_text(encoding="utf-8"))
    types = {value: name for name, value in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        start = types.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params
        if start and params.get("initiator") != "not an origin":
            urls.append(str(params["url"]))
    return urls


def print_page(page: Path, work: Path) -> Printed:
    work.mkdir(parents=True, exist_ok=True)
    pdf = work / "out.pdf"
    net_log = work / "net-log.json"
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--no-first-run",
        "--no-default-browser-check",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # whatever is asked, nothing leaves
        f"--user-data-dir={work / 'profile'}",
        f"--log-net-log={net_log}",
        "--enable-logging=stderr",
        "--v=1",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    ]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "XDG_CONFIG_HOME": str(work / "config"),
        "XDG_CACHE_HOME": str(work / "cache"),
        "LANG": "C.UTF-8",
    }
    try:
        done = subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            errors="replace",
            env=env,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not print {page.name} within {TIMEOUT} s")
    assert done.returncode == 0 and pdf.exists(), f"chromium failed:\n{done.stderr[-3000:]}"
    extracted = subprocess.run(
        [pdftotext(), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=TIMEOUT,
    ).stdout.decode("utf-8")
    log = done.stderr
    return Printed(
        text=normalise(extracted),
        page_requests=net_log_requests(net_log),
        file_loads=re.findall(r"FileURLLoader::Start: (\S+)", log),
        csp_violations=[
            line for line in log.splitlines() if "violates the following Content Security" in line
        ],
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_html_report_prints_everything_and_requests_nothing(
    lang: str, combined: Report, combined_fr: Report, tmp_path: Path
) -> None:

    report = combined if lang == "en" else combined_fr
    page = tmp_path / f"report-{lang}.html"
    page.write_text(render_html(report, Translator(lang), HELP[lang]), encoding="utf-8")
    printed = print_page(page, tmp_path)
    assert report.findings
    for finding in report.findings:
        assert normalise(finding.title) in printed.text
        assert normalise(finding.safety_note) in printed.text
    assert normalise(Translator(lang)("report.caveat_end")) in printed.text
    assert printed.page_requests == []
    assert printed.csp_violations == []
    assert printed.file_loads == [page.as_uri()]


def test_the_checks_catch_a_page_that_loads_something(tmp_path: Path) -> None:
    """Canaries: without the policy the image request is in the net log; with it, the browser
    reports the blocked attempt. Either would fail the test above."""
    open_page = tmp_path / "open.html"
    open_page.write_text(CANARY_PAGE.format(head=""), encoding="utf-8")
    printed = print_page(open_page, tmp_path / "open")
    assert "canary page" in printed.text
    assert CANARY_URL in printed.page_requests
    closed_page = tmp_path / "closed.html"
    closed_page.write_text(CANARY_PAGE.format(head=CSP_META), encoding="utf-8")
    printed = print_page(closed_page, tmp_path / "closed")
    assert printed.page_requests == []
    assert any(CANARY_URL in line for line in printed.csp_violations)
