"""The HTML page in a real browser: Debian's chromium driven by playwright, from disk."""

import shutil
from pathlib import Path

import pytest

from helpers import ROOT, run_cli

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page_report(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: `make test` installs it (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    out = tmp_path_factory.mktemp("browser")
    result = run_cli("build", ROOT / "specs" / "ift6135-a1.yaml", "-o", out, "--to", "html")
    assert result.returncode == 0, result.stderr
    page_path = out / "ift6135-a1" / "index.html"
    report = {"console": [], "requests": [], "failed": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1200})
        page.on("console", lambda m: report["console"].append((m.type, m.text)))
        page.on("pageerror", lambda e: report["console"].append(("pageerror", str(e))))
        page.on("request", lambda r: report["requests"].append(r.url))
        page.on("requestfailed", lambda r: report["failed"].append(r.url))
        page.goto(page_path.as_uri(), wait_until="load")
        report["anchors"] = page.eval_on_selector_all("section.question", "s => s.map(e => e.id)")
        report["math"] = page.eval_on_selector_all(
            "math", "ms => ms.map(m => { const r = m.getBoundingClientRect(); "
                    "return [r.width, r.height]; })")
        report["images"] = page.eval_on_selector_all(
            "img", "is => is.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])")
        report["scripts"] = page.eval_on_selector_all("script", "s => s.length")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ift6135-a1.png"), full_page=True)
        page.emulate_media(media="print")  # the print style sheet, saved for a look
        page.pdf(path=str(ARTIFACTS / "ift6135-a1-print.pdf"))
        browser.close()
    report["expected_ids"] = sorted(
        line.split("id:")[1].split(",")[0].strip()
        for line in (ROOT / "specs" / "ift6135-a1.yaml").read_text().splitlines()
        if line.lstrip().startswith(("- {id:", "- id:")))
    shutil.copy(page_path, ARTIFACTS / "ift6135-a1.html")
    return report


def test_no_console_errors(page_report):
    assert [m for m in page_report["console"] if m[0] in ("error", "pageerror")] == []


def test_the_page_has_no_scripts(page_report):
    assert page_report["scripts"] == 0


def test_no_network_requests(page_report):
    assert all(url.startswith("file://") for url in page_report["requests"])
    assert page_report["failed"] == []


def test_every_question_has_its_anchor(page_report):
    assert sorted(page_report["anchors"]) == page_report["expected_ids"]


def test_mathml_is_laid_out(page_report):
    sizes = page_report["math"]
    assert len(sizes) > 50
    assert all(w > 0 and h > 0 for w, h in sizes)


def test_figures_load(page_report):
    assert len(page_report["images"]) == 3  # q1, q2 and q3 of the reference spec
    for src, complete, width in page_report["images"]:
        assert complete and width > 0, src
