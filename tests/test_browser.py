"""The pages in a real browser: Debian's Chromium driven by Playwright against `parlsearch serve`
on the session's test index, at a desktop and a phone viewport.

Every tab fails its test on a console error, an uncaught exception, a failed request, a response
of 400 or more, or a request to another host. Pages are checked with axe-core for WCAG 2.0 and
2.1 level A and AA; screenshots and axe reports are written to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import ROOT, SCREENSHOTS, serving

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
ARTIFACTS = ROOT / "test-artifacts"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Only the WCAG rules: the other rules (best practices) double the time axe takes.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]}
SEARCH_LABEL = "Zoek in schriftelijke vragen en antwoorden"
CULTUURLOKET = "Cultuurloket - Evaluatie transitie"


def chromium_path() -> str:
    """Debian's Chromium; its absence skips the browser tests, except in CI where it fails them."""
    path = shutil.which("chromium")
    if path:
        return path
    message = "Debian's Chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run the browser tests")
    pytest.skip(f"{message}: browser tests skipped")


@pytest.fixture(scope="module")
def browser() -> Browser:
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def base_url(browser, index_dir) -> str:
    with serving(index_dir) as server:
        yield server.url


class Tab:
    """A page of its own browser context that records everything that went wrong in it."""

    def __init__(self, page: Page, base_url: str, viewport: str, config: pytest.Config) -> None:
        self.page, self.base_url, self.viewport, self.config = page, base_url, viewport, config
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("request", self._request)
        page.on("response", self._response)

    def _request_failed(self, request) -> None:
        # A request the browser cancelled (the page navigated on before a stylesheet or image
        # had arrived) is not a failure of the server: those show as an error status (see
        # `_response`) or as another net:: error.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url} {request.failure}")

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _request(self, request) -> None:
        if not request.url.startswith(self.base_url + "/"):
            self.problems.append(f"request to another host: {request.url}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status}: {response.url}")

    def open(self, path: str):
        return self.page.goto(self.base_url + path)

    def api(self, path: str) -> dict:
        """What the JSON API says, to compare the page with."""
        with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
            return json.load(response)

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / "screenshots" / f"{name}-{self.viewport}.png"
        self.page.screenshot(path=path, full_page=full_page)
        self.config.stash.setdefault(SCREENSHOTS, []).append(path)
        return path

    def check_accessibility(self, name: str) -> None:
        """Run axe-core on the page; fail on any WCAG 2.0/2.1 level A or AA violation."""
        results = Axe().run(self.page, options=AXE_OPTIONS)
        report = ARTIFACTS / "axe" / f"{name}-{self.viewport}.json"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(results.response["violations"], indent=2))
        assert results.violations_count == 0, results.generate_report()

    def tab_to(self, selector: str, limit: int = 150) -> None:
        """Press Tab until the focus is on an element matching `selector`, and see the focus."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                outline = self.page.evaluate(
                    "() => { const s = getComputedStyle(document.activeElement);"
                    " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
                )
                assert outline[0] != "none" and outline[1] >= 2, f"no visible focus: {outline}"
                return
        pytest.fail(f"Tab never reached {selector}")

    def result_count(self) -> str:
        return self.page.locator(".result-count").inner_text()


@pytest.fixture()
def open_tab(browser, base_url, request):
    """Open tabs (`open_tab("phone", javascript=False)`); the test fails if any had a problem."""
    tabs: list[Tab] = []

    def open_tab(viewport: str = "desktop", javascript: bool = True) -> Tab:
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], java_script_enabled=javascript, locale="nl-BE"
        )
        context.set_default_timeout(10_000)
        tabs.append(Tab(context.new_page(), base_url, viewport, request.config))
        return tabs[-1]

    yield open_tab
    problems = [problem for tab in tabs for problem in tab.problems]
    for tab in tabs:
        tab.page.context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


def show_filters(tab: Tab) -> None:
    """On a phone the filters are folded behind "Filters": unfold them."""
    if tab.viewport == "phone":
        expect(tab.page.locator(".facet a").first).to_be_hidden()
        tab.page.locator("#filters > summary").click()
    expect(tab.page.locator(".facet a").first).to_be_visible()


def test_search_from_the_form(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/")
    tab.check_accessibility("home")
    tab.screenshot("home")
    tab.page.get_by_label(SEARCH_LABEL).fill("veiligheid")
    tab.page.get_by_role("button", name="Zoeken").click()
    expect(tab.page).to_have_url(re.compile(r"/search\?q=veiligheid$"))
    total = tab.api("/api/search?q=veiligheid")["total"]
    expect(tab.page.locator(".result-count")).to_contain_text(f"{total} documenten gevonden")
    expect(tab.page.locator("ol.results > li")).to_have_count(10)
    tab.check_accessibility("results")
    tab.screenshot("results")


def test_apply_and_remove_a_facet(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/search?q=veiligheid")
    before = tab.result_count()
    show_filters(tab)
    tab.screenshot("results-filters-open")
    party = tab.page.locator("#facet-partij ~ ul li").first
    name = party.locator("a").inner_text()
    count = int(party.locator(".count").inner_text())
    party.locator("a").click()
    expect(tab.page.locator(".result-count")).to_contain_text(f"{count} document")
    chip = tab.page.locator(".active-filters li")
    expect(chip).to_contain_text(f"Partij: {name}")
    groups = tab.api(f"/api/search?q=veiligheid&partij={name}")["groups"]
    expect(tab.page.locator("ol.results > li")).to_have_count(min(groups, 10))
    tab.check_accessibility("results-filtered")
    tab.screenshot("results-filtered")
    tab.page.get_by_role("link", name=f"Filter Partij: {name} verwijderen").click()
    expect(tab.page.locator(".active-filters")).to_have_count(0)
    assert tab.result_count() == before


def test_page_through_results(open_tab, viewport):
    tab = open_tab(viewport)
    pages = tab.api("/api/search?q=veiligheid&per_page=5")["pages"]
    assert pages >= 3
    tab.open("/search?q=veiligheid&per_page=5")
    first_title = tab.page.locator("ol.results h2 a").first.inner_text()
    pager = tab.page.get_by_role("navigation", name="Paginering")
    pager.get_by_role("link", name="Volgende").click()
    expect(tab.page).to_have_url(re.compile(r"page=2"))
    expect(tab.page.locator("ol.results")).to_have_attribute("start", "6")
    expect(tab.page.locator(".result-count")).to_contain_text(f"pagina 2 van {pages}")
    assert tab.page.locator("ol.results h2 a").first.inner_text() != first_title
    pager.get_by_role("link", name=f"Pagina {pages}", exact=True).click()
    expect(pager.get_by_role("link", name="Volgende")).to_have_count(0)
    expect(pager.locator('[aria-current="page"]')).to_have_text(str(pages))
    pager.get_by_role("link", name="Vorige").click()
    expect(pager.locator('[aria-current="page"]')).to_have_text(str(pages - 1))
    tab.screenshot("results-paged")


def test_a_result_opens_its_document_at_the_best_chunk(open_tab, viewport):
    tab = open_tab(viewport)
    best = tab.api("/api/search?q=Emolife")["results"][0]["chunk"]["anchor"]
    tab.open("/search?q=Emolife")
    tab.page.get_by_role("link", name=CULTUURLOKET, exact=True).click()
    expect(tab.page).to_have_url(re.compile(f"/documents/vlpar-2019-2020-58\\?q=Emolife#{best}$"))
    chunk = tab.page.locator(f"#{best}")
    expect(chunk).to_have_class(re.compile(r"\bbest\b"))
    expect(chunk.locator("mark")).to_have_text("Emolife")
    expect(chunk.locator("mark")).to_be_in_viewport()
    expect(chunk.locator("mark")).to_have_class("current")
    expect(tab.page.locator(".hit-position")).to_have_text(re.compile(r"^Treffer 1 van 1 "))
    tab.check_accessibility("document")
    tab.screenshot("document-opened", full_page=False)
    tab.screenshot("document")


def current_hit(tab: Tab) -> int:
    """The number (from 1) of the hit marked as current, 0 for none."""
    return tab.page.evaluate(
        "() => [...document.querySelectorAll('.chunk mark')]"
        ".findIndex(m => m.classList.contains('current')) + 1"
    )


def test_move_between_hits_with_buttons_and_keys(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/search?q=freelancers+Cultuurloket")
    tab.page.get_by_role("link", name=CULTUURLOKET, exact=True).click()
    expect(tab.page.locator(".hit-nav")).to_be_visible()
    marks = tab.page.locator(".chunk mark")
    total = marks.count()
    assert total > 5
    position = tab.page.locator(".hit-position")
    start = current_hit(tab)
    assert start >= 1
    expect(position).to_have_text(re.compile(f"^Treffer {start} van {total} "))

    tab.page.keyboard.press("Alt+ArrowDown")
    expect(position).to_have_text(re.compile(f"^Treffer {start + 1} van {total} "))
    expect(tab.page.locator("mark.current")).to_be_in_viewport()
    anchor = tab.page.locator("mark.current").evaluate("m => m.closest('.chunk').id")
    assert tab.page.url.endswith(f"#{anchor}")
    tab.page.keyboard.press("Alt+ArrowUp")
    expect(position).to_have_text(re.compile(f"^Treffer {start} van {total} "))

    # Back past the first hit to the last one, then on to the first again with the buttons.
    for _ in range(start):
        tab.page.keyboard.press("Alt+ArrowUp")
    expect(position).to_have_text(re.compile(f"^Treffer {total} van {total} "))
    expect(tab.page.locator("mark.current")).to_be_in_viewport()
    tab.screenshot("document-last-hit", full_page=False)
    nav = tab.page.get_by_role("group", name="Treffers doorlopen")
    nav.get_by_role("button", name="volgende treffer").click()
    expect(position).to_have_text(re.compile(f"^Treffer 1 van {total} "))
    expect(tab.page.locator("mark.current")).to_be_in_viewport()
    nav.get_by_role("button", name="vorige treffer").click()
    expect(position).to_have_text(re.compile(f"^Treffer {total} van {total} "))
    # The passage links for browsers without scripts give way to the buttons.
    expect(tab.page.locator(".chunk-hits").first).to_be_hidden()


def test_keyboard_only_search_filter_open_and_move_between_hits(open_tab):
    tab = open_tab("desktop")
    keyboard = tab.page.keyboard
    tab.open("/")
    tab.tab_to(".skip-link")
    expect(tab.page.locator(".skip-link")).to_be_in_viewport()
    tab.tab_to("#q")
    keyboard.type("Cultuurloket")
    keyboard.press("Enter")
    expect(tab.page).to_have_url(re.compile(r"/search\?q=Cultuurloket$"))

    tab.tab_to('#facet-bron ~ ul a[href*="bron=vlpar"]')
    keyboard.press("Enter")
    expect(tab.page.locator(".active-filters li")).to_contain_text("Parlement: Vlaams Parlement")
    # The skip link past the filters, then the first result.
    tab.tab_to(".skip-filters")
    keyboard.press("Enter")
    tab.tab_to("ol.results h2 a", limit=10)
    keyboard.press("Enter")
    expect(tab.page).to_have_url(re.compile(r"/documents/vlpar-2019-2020-58\?q=Cultuurloket#"))
    expect(tab.page.locator(".hit-nav")).to_be_visible()

    position = tab.page.locator(".hit-position")
    start = current_hit(tab)
    # From the passage opened, past the rest of the page (the similar questions with their
    # people's links) and round to the bar before the passages.
    tab.tab_to(".hit-nav button[data-step='1']", limit=60)
    keyboard.press("Enter")
    expect(position).to_have_text(re.compile(f"^Treffer {start + 1} van "))
    keyboard.press("Space")
    expect(position).to_have_text(re.compile(f"^Treffer {start + 2} van "))
    tab.screenshot("keyboard-hit-navigation", full_page=False)
    keyboard.press("Alt+ArrowUp")
    expect(position).to_have_text(re.compile(f"^Treffer {start + 1} van "))


def test_everything_works_without_javascript(open_tab, viewport):
    tab = open_tab(viewport, javascript=False)
    tab.open("/")
    tab.page.get_by_label(SEARCH_LABEL).fill("Cultuurloket")
    tab.page.get_by_label(SEARCH_LABEL).press("Enter")
    expect(tab.page.locator("ol.results > li")).not_to_have_count(0)
    show_filters(tab)
    tab.page.locator('#facet-bron ~ ul a[href*="bron=vlpar"]').click()
    expect(tab.page.locator(".active-filters li")).to_contain_text("Parlement: Vlaams Parlement")
    tab.screenshot("results-without-javascript")

    tab.page.get_by_role("link", name=CULTUURLOKET, exact=True).click()
    best = re.search(r"#(chunk-\d+)$", tab.page.url).group(1)
    expect(tab.page.locator(f"#{best}")).to_be_in_viewport()
    expect(tab.page.locator(".hit-nav")).to_be_hidden()
    hits = tab.page.locator(".hits a[href^='#chunk-']:not(.jump)")
    anchors = [link.get_attribute("href")[1:] for link in hits.all()]
    following = anchors[anchors.index(best) + 1]
    tab.page.locator(f"#{best} .chunk-hits").get_by_role("link", name="volgende treffer").click()
    expect(tab.page).to_have_url(re.compile(f"#{following}$"))
    expect(tab.page.locator(f"#{following} > h2")).to_be_in_viewport()
    tab.screenshot("document-without-javascript")


def test_pages_without_the_script_are_accessible(open_tab, viewport):
    # axe itself needs JavaScript: the page's own script is answered with an empty one instead.
    tab = open_tab(viewport)
    empty = {"body": "", "content_type": "text/javascript"}
    tab.page.route("**/static/parlsearch.js", lambda route: route.fulfill(**empty))
    tab.open("/search?q=Cultuurloket&bron=vlpar")
    tab.check_accessibility("results-without-script")
    tab.open("/documents/vlpar-2019-2020-58?q=Cultuurloket#chunk-1")
    expect(tab.page.locator(".chunk-hits").first).to_be_visible()
    tab.check_accessibility("document-without-script")


def test_pages_reflow_at_320_css_pixels(open_tab):
    # WCAG 1.4.10: nothing scrolls sideways at 320 CSS pixels (1280 at 400% zoom).
    tab = open_tab("desktop")
    tab.page.set_viewport_size({"width": 320, "height": 640})
    for path in (
        "/",
        "/search?q=veiligheid&partij=N-VA",
        "/documents/vlpar-2019-2020-58?q=Cultuurloket#chunk-3",
        "/documents/dekamer-190137?q=groene",
        "/hulp",
        "/leden/gautier-calomne",
        "/ministers/jan-jambon",
        "/facetten/minister?q=groene+nummers",
        "/search?q=xyzzyqq",
    ):
        tab.open(path)
        width = tab.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide"


def test_help_page_is_accessible(open_tab):
    tab = open_tab("desktop")
    tab.open("/hulp")
    tab.check_accessibility("hulp")


def test_only_the_stylesheet_blocks_rendering(open_tab):
    tab = open_tab("desktop")
    tab.open("/search?q=veiligheid")
    blocking = tab.page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".filter(e => e.renderBlockingStatus === 'blocking').map(e => e.name)"
    )
    assert blocking == [f"{tab.base_url}/static/style.css"]
    scripts = tab.page.evaluate(
        "() => [...document.scripts].map(s => [s.getAttribute('src'), s.defer, s.text])"
    )
    assert scripts == [["/static/parlsearch.js", True, ""]]
