# The browser fixtures are imported from test_browser.py, so that both files drive one kind of
# tab; pytest passes them in as parameters, which ruff reads as redefinitions.
# ruff: noqa: F811
"""The researcher's desk in a real browser (Debian's Chromium through Playwright, as in
test_browser.py): the exports in the results header (downloaded and read back), the choice of
results per page, "/" to the search box and the switch that turns it off, the reference files
of a document, and long Dutch words breaking at a syllable with a hyphen on a phone. Each
control is checked with axe-core at desktop and phone width and screenshotted into
test-artifacts/screenshots/."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import rispy
from playwright.sync_api import expect

from tests.test_browser import (  # noqa: F401  (fixtures)
    base_url,
    browser,
    open_tab,
    viewport,
)

pytestmark = pytest.mark.browser

# Where each word of letters runs over a line's end, in the elements `selector` names: at a soft
# hyphen (the browser shows a hyphen there) or anywhere else. A character's place is its last
# box: a letter after a break at a soft hyphen has the hyphen's box first.
LINE_BREAKS_IN_WORDS = """(selector) => {
  const SOFT = "\\u00ad";
  const found = { hyphenated: [], elsewhere: [] };
  const top = (node, i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const boxes = range.getClientRects();
    return boxes.length ? boxes[boxes.length - 1].top : null;
  };
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/[\\p{L}\\u00ad]+/gu)) {
        let previous = null;
        for (let i = word.index; i < word.index + word[0].length; i++) {
          if (node.data[i] === SOFT) continue;
          const y = top(node, i);
          if (y === null) continue;
          if (previous !== null && Math.abs(y - previous.y) > 2) {
            const at = node.data.slice(previous.i + 1, i).includes(SOFT);
            (at ? found.hyphenated : found.elsewhere).push(word[0].replaceAll(SOFT, "-"));
          }
          previous = { y, i };
        }
      }
    }
  }
  return found;
}"""
# The text of a document and of a person's page; addresses (the permalink, the portfolios'
# sources) may break anywhere.
DOCUMENT_TEXT = ".document h1, .document-meta, .chunk-body, .related"
PERSON_TEXT = ".person h1, .person-facts, .offices, .counts, .question-list"


def downloaded(tab, link) -> tuple[str, bytes]:
    """Click a link that answers with a file: its suggested name and its bytes."""
    with tab.page.expect_download() as started:
        link.click()
    download = started.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_the_exports_stand_in_the_results_header(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/search?q=veiligheid&per_page=5")
    summary = tab.page.locator(".results-head details.exports > summary")
    expect(summary).to_be_in_viewport()
    first = tab.page.locator("ol.results > li").first
    assert summary.bounding_box()["y"] < first.bounding_box()["y"]
    summary.click()
    excel = tab.page.get_by_role("link", name="CSV voor Excel", exact=True)
    expect(excel).to_be_visible()
    tab.check_accessibility("results-exports")
    tab.screenshot("results-exports", full_page=False)

    data = tab.api("/api/search?q=veiligheid&per_page=5")
    name, body = downloaded(tab, excel)
    assert name == "parlsearch-excel.csv"
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == data["total"]
    name, body = downloaded(tab, tab.page.get_by_role("link", name="RIS, deze pagina"))
    assert name == "parlsearch.ris"
    records = rispy.loads(body.decode("utf-8"))
    assert [record["id"] for record in records] == [hit["id"] for hit in data["results"]]
    name, body = downloaded(tab, tab.page.get_by_role("link", name="BibTeX, alle documenten"))
    assert name == "parlsearch.bib"
    assert body.decode("utf-8").count("@techreport{") == data["total"]


def test_a_choice_of_results_per_page(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/search?q=veiligheid&per_page=5&page=3")
    first = tab.page.locator("ol.results h2 a").first.inner_text()
    choice = tab.page.get_by_role("navigation", name="Resultaten per pagina")
    expect(choice.locator('[aria-current="true"]')).to_have_count(0)
    choice.get_by_role("link", name="10 resultaten per pagina").click()
    # The page that holds the first result shown before (the 11th).
    expect(tab.page).to_have_url(re.compile(r"/search\?q=veiligheid&page=2$"))
    expect(tab.page.locator("ol.results")).to_have_attribute("start", "11")
    expect(tab.page.locator("ol.results h2 a").first).to_have_text(first)
    choice.get_by_role("link", name="25 resultaten per pagina").click()
    expect(tab.page).to_have_url(re.compile(r"/search\?q=veiligheid&per_page=25$"))
    groups = tab.api("/api/search?q=veiligheid&per_page=25")["groups"]
    expect(tab.page.locator("ol.results > li")).to_have_count(min(groups, 25))
    expect(choice.locator('[aria-current="true"]')).to_have_text("25")
    tab.check_accessibility("results-per-page")
    choice.scroll_into_view_if_needed()
    tab.screenshot("results-per-page", full_page=False)


def test_slash_leads_to_the_search_box_and_can_be_turned_off(open_tab, viewport):
    tab = open_tab(viewport)
    box = tab.page.locator("#q")
    tab.open("/documents/vlpar-2019-2020-58?q=Cultuurloket")
    tab.page.locator("h1").click()
    tab.page.keyboard.press("/")
    expect(box).to_be_focused()
    selection = box.evaluate("q => [q.selectionStart, q.selectionEnd, q.value]")
    assert selection == [0, len("Cultuurloket"), "Cultuurloket"]
    # In the box, a slash is a slash.
    tab.page.keyboard.type("trein/bus")
    expect(box).to_have_value("trein/bus")

    tab.open("/hulp")
    setting = tab.page.get_by_label("Sneltoets / gebruiken")
    expect(setting).to_be_checked()
    setting.uncheck()
    tab.page.get_by_role("heading", name="Sneltoetsen").scroll_into_view_if_needed()
    tab.check_accessibility("hulp-sneltoetsen")
    tab.screenshot("hulp-sneltoetsen", full_page=False)
    tab.open("/search?q=veiligheid")
    tab.page.locator("h1").click()
    tab.page.keyboard.press("/")
    expect(box).not_to_be_focused()
    tab.open("/hulp")
    tab.page.get_by_label("Sneltoets / gebruiken").check()
    tab.open("/search?q=veiligheid")
    tab.page.locator("h1").click()
    tab.page.keyboard.press("/")
    expect(box).to_be_focused()


def test_a_document_as_a_reference(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/documents/vlpar-2019-2020-58")
    section = tab.page.locator("section.citation")
    ris = section.get_by_role("link", name="RIS", exact=True)
    section.scroll_into_view_if_needed()
    expect(ris).to_be_visible()
    tab.check_accessibility("document-references")
    tab.screenshot("document-references", full_page=False)
    name, body = downloaded(tab, ris)
    assert name == "vlpar-2019-2020-58.ris"
    (record,) = rispy.loads(body.decode("utf-8"))
    assert record["title"] == "Cultuurloket - Evaluatie transitie"
    assert record["authors"] == ["Brusselmans, Filip"]
    name, body = downloaded(tab, section.get_by_role("link", name="BibTeX"))
    assert body.decode("utf-8").startswith("@techreport{vlpar-2019-2020-58,")


@pytest.mark.parametrize(
    ("path", "text", "name"),
    [
        ("/documents/dekamer-190137", DOCUMENT_TEXT, "document-hyphenation"),
        ("/ministers/jan-jambon", PERSON_TEXT, "minister-hyphenation"),
        ("/leden/gautier-calomne", PERSON_TEXT, "member-hyphenation"),
    ],
)
def test_long_words_break_at_a_syllable_with_a_hyphen_on_a_phone(open_tab, path, text, name):
    tab = open_tab("phone")
    tab.open(path)
    breaks = tab.page.evaluate(LINE_BREAKS_IN_WORDS, text)
    assert breaks["elsewhere"] == []
    assert breaks["hyphenated"], "no word breaks at a line's end"
    # "volksvertegenwoor/digers" was the example: now "volks-ver-te-gen-woor-di-gers".
    assert any(word.startswith("volks-ver") for word in breaks["hyphenated"]), breaks
    # Where a long word breaks first, on the screen.
    tab.page.locator(".document-meta, .person-facts").first.scroll_into_view_if_needed()
    tab.check_accessibility(name)
    tab.screenshot(name, full_page=False)
