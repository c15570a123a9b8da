"""The built site (``make site``, which ``make test-browser`` runs first) as a reader meets it, in headless
Chromium: the landing page and every lecture page, served as ``python -m http.server`` serves it and
opened from disk.  Every picture loads, equations are rendered, no internal link is broken, and search
finds a term of the lectures.  Screenshots go to ``test-artifacts/site-*.png``."""

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from conftest import ARTIFACTS, ROOT  # and the browser fixture

pytestmark = pytest.mark.browser

SITE = ROOT / "build" / "site"


@pytest.fixture(scope="module")
def served():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no site at {SITE}: build it with `make site` (make test-browser does)")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SITE))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def _pages():
    return ["index.html"] + sorted(f"lectures/{p.name}" for p in (SITE / "lectures").glob("*.html"))


def _broken_links(page, path):
    """The links of the page to files of the site that do not exist."""
    broken = []
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
        target = urlparse(urldefrag(href)[0])
        if target.scheme or target.netloc or not target.path:
            continue
        if not (SITE / path).parent.joinpath(unquote(target.path)).resolve().exists():
            broken.append(href)
    return broken


def test_every_page_loads_its_pictures_renders_its_math_and_links_only_to_pages_that_exist(served, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside = []  # the site works offline: nothing may come from another host (a CDN, web fonts)
    page.on("request", lambda request: outside.append(request.url)
            if urlparse(request.url).hostname not in (None, "", "127.0.0.1") else None)
    lectures = _pages()[1:]
    assert len(lectures) == 9, f"9 lecture pages expected, found {lectures}"
    with_math = 0
    for path in _pages():
        page.goto(f"{served}/{path}")
        page.wait_for_load_state("load")
        images = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.src, i.naturalWidth, i.alt])")
        assert images, f"{path}: no picture"
        assert all(width > 0 for _, width, _ in images), f"{path}: pictures that did not load: " + ", ".join(
            src for src, width, _ in images if not width)
        no_alt = [src for src, _, alt in images if "/_images/" in src and not alt]
        assert not no_alt, f"{path}: pictures without alt text: {no_alt}"
        if page.locator("div.math, span.math").count():
            page.wait_for_selector("mjx-container svg", timeout=30_000)
            with_math += 1
        assert not _broken_links(page, path), f"{path}: broken links {_broken_links(page, path)}"
        page.screenshot(path=ARTIFACTS / f"site-{Path(path).stem}.png")
    assert with_math >= 6, f"equations rendered on {with_math} pages only"
    assert not outside, f"requests to other hosts: {outside[:5]}"
    page.close()


def test_search_finds_cycle_consistency(served, browser):
    page = browser.new_page()
    page.goto(f"{served}/search.html?q=cycle+consistency")
    page.wait_for_selector("#search-results li a", timeout=30_000)
    found = page.eval_on_selector_all("#search-results li a",
                                      "links => links.map(a => a.getAttribute('href'))")
    assert any("04_cyclegan" in href for href in found), found
    page.close()


def test_the_landing_page_opens_from_disk_with_its_pictures(browser):
    page = browser.new_page()
    page.goto((SITE / "index.html").as_uri())
    page.wait_for_load_state("load")
    widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")
    assert widths and all(widths), widths
    page.close()
