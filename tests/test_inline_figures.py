"""A page that stands alone (style.inline_figures): the figures and the logo embedded as data:
URIs of the same bytes, the policy widened for data: images only, the page shown in Chromium
from an empty folder, default pages untouched, and the key an input of the cache."""

from __future__ import annotations

import base64
import re
import shutil
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_browser import ARTIFACTS, CHROMIUM, FLAGS

from generator import cache
from generator.build import build_specs
from generator.errors import SpecError
from generator.render import CONTENT_SECURITY_POLICY, INLINE_POLICY, data_uri
from generator.spec import load_spec
from helpers import ROOT

LOGO = (ROOT / "examples/course-look/logo.png").read_bytes()
SOFTMAX = """
questions:
  - {id: q2, kind: softmax, points: [3, 3, 3, 3], x: [1.0, 2.0, 3.0], shift: 10,
     scales: [0, 0.5, 1, 10, 100]}
"""
PAGES = ("index.html", "handout.html")


class _Page(HTMLParser):
    """The page's Content-Security-Policy and the src of each of its images."""

    def __init__(self, text: str):
        super().__init__()
        self.policy, self.images = None, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.policy = attrs["content"]
        elif tag == "img":
            self.images.append(attrs["src"])


def course(tmp_path: Path, style: str = "", project: str = "") -> Path:
    """A course folder (a git root) with a logo, answerkey.yaml holding `project` and
    spec.yaml whose style block holds `style`; returns the spec's path."""
    root = tmp_path / "course"
    (root / ".git").mkdir(parents=True)
    (root / "logo.png").write_bytes(LOGO)
    (root / "answerkey.yaml").write_text(textwrap.dedent(project) or "style: {}\n")
    spec = root / "spec.yaml"
    block = f"style:\n{textwrap.indent(textwrap.dedent(style), '  ')}" if style else ""
    spec.write_text("title: Alone\n" + block + SOFTMAX)
    return spec


def build(spec: Path, out: Path, formats=("html",), force=False):
    """Build `spec` into out/ with the figure workers (two) and return its outcome."""
    return build_specs([load_spec(spec)], [out], formats, force=force, latex_jobs=2)[0]


def decoded(src: str) -> tuple[str, bytes]:
    """The type and bytes of a base64 data: URI."""
    match = re.fullmatch(r"data:([\w/+.-]+);base64,([A-Za-z0-9+/=]+)", src)
    assert match, src[:80]
    return match.group(1), base64.b64decode(match.group(2), validate=True)


def directives(policy: str) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in policy.split(";"))


@pytest.fixture(scope="module")
def inline_build(tmp_path_factory):
    spec = course(tmp_path_factory.mktemp("inline"), "inline_figures: true\nlogo: logo.png\n")
    out = spec.parent / "out"
    build(spec, out, ("html", "pdf"))
    return out


def test_the_pages_embed_every_figure_with_the_bytes_of_its_svg(inline_build):
    figures = sorted(p.name for p in (inline_build / "figures").glob("*.svg"))
    assert figures == ["q2-scaling.svg"]
    svg = (inline_build / "figures/q2-scaling.svg").read_bytes()
    page = (inline_build / "index.html").read_text(encoding="utf-8")
    assert 'src="figures/' not in page and "course-logo" not in page
    embedded = [decoded(src) for src in _Page(page).images]
    assert ("image/svg+xml", svg) in embedded
    assert ("image/png", LOGO) in embedded and len(embedded) == 2


def test_the_handout_embeds_the_logo(inline_build):
    page = (inline_build / "handout.html").read_text(encoding="utf-8")
    assert [decoded(src) for src in _Page(page).images] == [("image/png", LOGO)]


def test_the_files_are_still_written_for_the_pdf(inline_build):
    assert (inline_build / "figures/q2-scaling.pdf").is_file()
    assert (inline_build / "answer-key.pdf").is_file()
    assert (inline_build / "course-logo.png").read_bytes() == LOGO


def test_the_policy_allows_data_images_and_nothing_more(inline_build):
    for name in PAGES:
        policy = _Page((inline_build / name).read_text(encoding="utf-8")).policy
        assert policy == str(INLINE_POLICY)
        wide, plain = directives(policy), directives(str(CONTENT_SECURITY_POLICY))
        assert wide["img-src"] == "'self' data:"
        assert [k for k, v in wide.items() if "data:" in v] == ["img-src"]
        assert {k: v for k, v in wide.items() if k != "img-src"} == \
            {k: v for k, v in plain.items() if k != "img-src"}
        assert plain["default-src"] == "'none'" and plain["script-src"] == "'none'"


def test_the_pages_are_the_same_bytes_every_build(inline_build, tmp_path):
    shutil.copytree(inline_build.parent, tmp_path / "again", ignore=shutil.ignore_patterns("out"))
    out = tmp_path / "again/out"
    build(tmp_path / "again/spec.yaml", out, ("html",))
    for name in (*PAGES, "figures/q2-scaling.svg"):
        assert (out / name).read_bytes() == (inline_build / name).read_bytes(), name


def test_without_the_key_the_pages_link_to_their_files(tmp_path):
    off = course(tmp_path / "off", "inline_figures: false\nlogo: logo.png\n")
    absent = course(tmp_path / "absent", "logo: logo.png\n")
    for spec in (off, absent):
        build(spec, spec.parent / "out")
    for name in PAGES:
        page = (off.parent / "out" / name).read_text(encoding="utf-8")
        assert page == (absent.parent / "out" / name).read_text(encoding="utf-8")
        assert _Page(page).policy == str(CONTENT_SECURITY_POLICY)
        assert "data:" not in page
    images = _Page((off.parent / "out/index.html").read_text(encoding="utf-8")).images
    assert images == ["course-logo.png", "figures/q2-scaling.svg"]


def test_the_page_alone_shows_its_images_in_chromium(inline_build, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: `make test` installs it (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(inline_build / "index.html", alone / "index.html")  # no figures/, no logo
    requests, problems = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1200})
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto((alone / "index.html").as_uri(), wait_until="load")
        images = page.eval_on_selector_all(
            "img", "is => is.map(i => [i.src.split(',')[0], i.complete, i.naturalWidth])")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "inline-figures.png"), full_page=True)
        browser.close()
    assert problems == []
    assert sorted(i[0] for i in images) == ["data:image/png;base64", "data:image/svg+xml;base64"]
    assert all(complete and width > 0 for _, complete, width in images), images
    assert [url for url in requests if not url.startswith("data:")] == \
        [(alone / "index.html").as_uri()]


def test_toggling_the_key_in_the_spec_rebuilds_the_pages_not_the_figures(tmp_path):
    spec = course(tmp_path)
    out = spec.parent / "out"
    build(spec, out)
    linked = (out / "index.html").read_text(encoding="utf-8")
    assert build(spec, out).up_to_date
    spec.write_text(spec.read_text().replace("title: Alone\n",
                                             "title: Alone\nstyle: {inline_figures: true}\n"))
    assert not cache.quick_up_to_date(spec, out, (), ("html",))
    again = build(spec, out)
    assert not again.up_to_date and again.figures_drawn == 0
    inlined = (out / "index.html").read_text(encoding="utf-8")
    assert 'src="figures/' in linked and 'src="figures/' not in inlined
    assert build(spec, out).up_to_date


def test_toggling_the_key_in_the_project_file_rebuilds(tmp_path):
    spec = course(tmp_path, project="style: {inline_figures: true}\n")
    out = spec.parent / "out"
    build(spec, out)
    assert 'src="data:image/svg+xml' in (out / "index.html").read_text(encoding="utf-8")
    (spec.parent / "answerkey.yaml").write_text("style: {inline_figures: false}\n")
    assert not cache.quick_up_to_date(spec, out, (), ("html",))
    assert not build(spec, out).up_to_date
    assert 'src="figures/q2-scaling.svg"' in (out / "index.html").read_text(encoding="utf-8")


def test_the_key_takes_true_or_false(tmp_path):
    spec = course(tmp_path, "inline_figures: yes please\n")
    with pytest.raises(SpecError) as raised:
        load_spec(spec)
    assert "spec.yaml:3:19: style.inline_figures: expected true or false, got 'yes please'" \
        in str(raised.value)


def test_data_uris_name_each_image_type():
    assert data_uri("figures/a.svg", b"<svg/>") == "data:image/svg+xml;base64,PHN2Zy8+"
    assert data_uri("course-logo.jpg", b"\xff\xd8\xff").startswith("data:image/jpeg;base64,")
    assert data_uri("course-logo-page.png", b"x").startswith("data:image/png;base64,")
