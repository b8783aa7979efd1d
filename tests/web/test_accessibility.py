"""Every handout's web page passes axe-core's WCAG 2.1 A and AA rules, and reflows at 200% zoom.

axe-core (npm) runs inside Debian's Chromium, driven by Playwright, on every handout in
English and Spanish, normal and large print. Outside CI the test skips when Chromium or axe
is missing; in CI (CI=true) it fails instead (.ci/axe-setup.sh installs axe-core).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.handout_variants import IDS, VARIANTS, rendered
from tests.web.test_browser import ARGS, CHROMIUM, _unavailable

AXE_DIR = Path(os.environ.get("ESI_DOCS_AXE_DIR", "/var/cache/esi-docs-axe"))
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return {
    passes: result.passes.length,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
    })),
  };
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS} is missing (bash .ci/axe-setup.sh installs axe-core with npm)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _open(chromium, page_bytes: bytes, width: int):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    # The page must load nothing: any request it makes is refused and counted.
    requests: list[str] = []
    context.route("**/*", lambda route: requests.append(route.request.url) or route.abort())
    page = context.new_page()
    page.set_content(page_bytes.decode("utf-8"), wait_until="load")
    return context, page, requests


@pytest.mark.parametrize(("handout", "language", "large"), VARIANTS, ids=IDS)
def test_axe_finds_no_wcag_21_aa_violation(chromium, axe_source, handout, language, large):
    html = rendered(handout, language, large, "html").data
    context, page, requests = _open(chromium, html, 1280)
    try:
        page.add_script_tag(content=axe_source)
        result = page.evaluate(RUN_AXE, WCAG_21_AA)
    finally:
        context.close()
    assert result["passes"] > 10  # axe really ran its rules on the page
    assert result["violations"] == []
    assert requests == []


@pytest.mark.parametrize(("handout", "language", "large"), VARIANTS, ids=IDS)
def test_200_percent_zoom_reflows_without_horizontal_scrolling(chromium, handout, language, large):
    """A 1280 px window at 200% zoom is a 640 CSS px viewport (WCAG 1.4.10 asks for 320)."""
    html = rendered(handout, language, large, "html").data
    context, page, _ = _open(chromium, html, 640)
    try:
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " Math.max(...[...document.querySelectorAll('body *')]"
            ".map(e => e.getBoundingClientRect().right))]"
        )
    finally:
        context.close()
    scroll, client, rightmost = widths
    assert scroll <= client, f"page is {scroll} px wide in a {client} px viewport"
    assert rightmost <= client + 0.5


def test_the_check_does_catch_violations_and_overflow(chromium, axe_source):
    """The harness itself: a page without a language, with grey-on-white text and a box
    wider than the screen is reported, so an empty list above means something."""
    html = rendered("discharge", "en", False, "html").data
    broken = html.replace(b'<html lang="en">', b"<html>").replace(
        b"</main>", b'<p style="color:#bbb">faint</p><div style="width:900px">wide</div></main>'
    )
    context, page, _ = _open(chromium, broken, 640)
    try:
        page.add_script_tag(content=axe_source)
        result = page.evaluate(RUN_AXE, WCAG_21_AA)
        scroll = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert {v["id"] for v in result["violations"]} >= {"html-has-lang", "color-contrast"}
    assert scroll > 640
