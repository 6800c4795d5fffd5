"""The HTML page in a real browser: Debian's chromium driven by playwright, from disk."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

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
        page.on("dialog", lambda d: (report["console"].append(("dialog", d.message)), d.dismiss()))
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
    report["html"] = page_path.read_text(encoding="utf-8")
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


def test_the_page_forbids_scripts_and_loads_only_its_own_files(page_report):
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">',
                       page_report["html"])
    directives = dict(d.strip().split(" ", 1) for d in policy.group(1).split(";"))
    assert directives["default-src"] == "'none'" and directives["script-src"] == "'none'"
    assert directives["img-src"] == "'self'" and directives["style-src"] == "'unsafe-inline'"


# Each would show that it ran: a dialog, a console message, or a changed title or window name.
SCRIPTS = [  # without spaces, which the converter turns into &#x000A0; inside \text{}
    "</script><script>alert('x');document.title='pwned'</script>",
    "\"><img/src=x/onerror=window.name='pwned';console.log('pwned')>",
    "<svg/onload=alert(1)></svg><iframe/srcdoc=<script>alert(1)</script>>",
]
MATH = [r"\text{" + script + "}" for script in SCRIPTS] + [
    r"\mathrm{<img src=x onerror=alert(1)>}", r"\text{</mtext></math><b onclick=alert(1)>}"]


def hostile_spec() -> dict:
    """Script payloads in every free-text field (short fields get one each), and in the math
    of text questions and statement overrides."""
    text = " ".join(SCRIPTS)
    return {"title": f"T {text}", "subtitle": text, "course": SCRIPTS[0], "due": SCRIPTS[1],
            "author": text,
            "questions": [
                {"id": "q1", "kind": "text", "title": text,
                 "statement": text + " " + " ".join(f"${m}$" for m in MATH),
                 "solution": text + "\n\n" + " ".join(f"$${m}$$" for m in MATH)},
                {"id": "q2", "kind": "convolution", "input": [1, 2], "kernel": [1],
                 "statement": " ".join(f"${m}$" for m in MATH)},
                {"id": "q3", "kind": "conv_design", "parts": [
                    {"label": SCRIPTS[1], "layer": "pool", "input": [1, 8, 8], "given": {"k": 2}}]}]}


def open_page(path: Path, report: dict) -> None:
    """Load a page in chromium, recording console messages, dialogs, requests, title, name."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page()
        page.on("console", lambda m: report["console"].append((m.type, m.text)))
        page.on("pageerror", lambda e: report["console"].append(("pageerror", str(e))))
        page.on("dialog", lambda d: (report["console"].append(("dialog", d.message)), d.dismiss()))
        page.on("request", lambda r: report["requests"].append(r.url))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(200)  # let an onerror handler of a failed image run, were there one
        report["title"] = page.title()
        report["name"] = page.evaluate("window.name")
        report["text"] = page.inner_text("main")
        report["scripts"] = page.eval_on_selector_all("script, iframe, svg, [onerror], [onclick]",
                                                      "s => s.length")
        browser.close()


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: `make test` installs it (Debian package chromium)")
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "hostile.yaml").write_text(yaml.safe_dump(hostile_spec()), encoding="utf-8")
    result = run_cli("build", tmp / "hostile.yaml", "-o", tmp / "out", "--to", "html")
    assert result.returncode == 0, result.stderr
    page_path = tmp / "out" / "hostile" / "index.html"
    # The same page with a script written straight into it: the policy alone must stop it.
    injected = tmp / "out" / "hostile" / "injected.html"
    injected.write_text(page_path.read_text(encoding="utf-8").replace(
        "</head>", "<script>document.title = 'injected'; alert('injected')</script></head>"),
        encoding="utf-8")
    reports = {}
    for name, path in (("built", page_path), ("injected", injected)):
        reports[name] = {"console": [], "requests": []}
        open_page(path, reports[name])
    return reports


def test_no_script_from_a_hostile_spec_runs(hostile_report):
    report = hostile_report["built"]
    assert report["console"] == [] and report["scripts"] == 0
    assert report["title"].startswith("T </script><script>") and report["name"] == ""
    assert "<script>" in report["text"] and "onerror=" in report["text"]  # shown as text
    assert all(url.startswith("file://") and "/x" not in url for url in report["requests"])


def test_the_policy_alone_stops_a_script_written_into_the_page(hostile_report):
    report = hostile_report["injected"]
    assert report["scripts"] == 1  # it is there ...
    assert report["title"].startswith("T </script><script>")  # ... and it did not run
    assert not [m for m in report["console"] if m[0] == "dialog"]
    assert any("Content Security Policy" in text for _, text in report["console"])
