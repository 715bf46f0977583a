# The browser fixtures are imported from test_browser.py, so that both files drive one kind of
# tab; pytest passes them in as parameters, which ruff reads as redefinitions.
# ruff: noqa: F811
"""A whole question pasted, in a real browser (Debian's Chromium through Playwright, as in
test_browser.py): the form that posts it, the page of the questions like it and its other pages
reached by posting the text again, the search box that grows into a text area for a pasted text,
and the same without JavaScript. Checked with axe-core at desktop and phone width, and
screenshotted into test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from search.engine.query import MAX_QUERY_LENGTH
from search.engine.request import MAX_TEXT_LENGTH
from tests.conftest import chamber_records
from tests.test_browser import (  # noqa: F401  (fixtures)
    SEARCH_LABEL,
    base_url,
    browser,
    open_tab,
    viewport,
)
from tests.test_similar import MODE_NOTE

pytestmark = pytest.mark.browser

# A question of the sample, answered, filed once; and the text area's label.
SOURCE = 184601
TEXT_LABEL = "Tekst (tot 10.000 tekens)"


def pasted() -> str:
    """The question and its answer: a text too long for an address (`MAX_QUERY_LENGTH`), which
    the page posts; a shorter one is sent to its address as any search is."""
    record = chamber_records({SOURCE})[0]
    text = f"{record['question']}\n\n{record['answer']}"
    assert MAX_QUERY_LENGTH < len(text) <= MAX_TEXT_LENGTH
    return text


def expect_the_source_first(tab) -> None:
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Gelijkaardige vragen")
    expect(tab.page.locator(".mode-note")).to_contain_text(MODE_NOTE)
    first = tab.page.locator("ol.results > li").first
    expect(first.locator("h2 a")).to_have_attribute(
        "href", re.compile(f"^/documents/dekamer-{SOURCE}\\?q=")
    )


def paste_into_the_search_box(tab, text: str) -> None:
    """Paste `text` into the emptied search box, as the clipboard would."""
    box = tab.page.get_by_label(SEARCH_LABEL)
    box.fill("")
    box.evaluate(
        """(input, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            input.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                             cancelable: true}));
        }""",
        text,
    )


def test_paste_a_question_and_go_through_the_questions_like_it(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/")
    tab.page.get_by_text("Plak een hele vraag of tekst").click()
    tab.page.get_by_label(TEXT_LABEL).fill(pasted())
    tab.check_accessibility("home-paste")
    tab.page.get_by_role("button", name="Zoek gelijkaardige vragen").click()
    expect(tab.page).to_have_url(re.compile(r"/search$"))
    expect_the_source_first(tab)
    expect(tab.page.get_by_label(TEXT_LABEL)).to_have_value(pasted())
    tab.check_accessibility("similar")
    tab.screenshot("similar")

    # Another order of the same search: a button posting the text again.
    sort = tab.page.get_by_role("navigation", name="Sorteren")
    sort.get_by_role("button", name="nieuwste").click()
    expect(sort.get_by_role("button", name="nieuwste")).to_have_attribute("aria-current", "true")
    expect(tab.page.locator(".mode-note")).to_contain_text(MODE_NOTE)

    # A filter, and taking it off again.
    if viewport == "phone":
        tab.page.locator("#filters > summary").click()
    party = tab.page.locator("#facet-partij ~ ul li").first
    name = party.locator("button").inner_text()
    party.locator("button").click()
    expect(tab.page.locator(".active-filters li")).to_contain_text(f"Partij: {name}")
    tab.check_accessibility("similar-filtered")
    tab.screenshot("similar-filtered")
    tab.page.get_by_role("button", name=f"Filter Partij: {name} verwijderen").click()
    expect(tab.page.locator(".active-filters")).to_have_count(0)

    # A result (the newest, as sorted) opens its document with the key words it shares marked.
    tab.page.locator("ol.results h2 a").first.click()
    expect(tab.page).to_have_url(re.compile(r"/documents/dekamer-\d+\?q=\w"))
    expect(tab.page.locator(".chunk mark").first).to_be_visible()


def test_a_text_pasted_into_the_search_box_grows_into_a_text_area(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/search?q=trein")
    text = pasted()
    paste_into_the_search_box(tab, text)
    area = tab.page.locator("textarea#q")
    expect(area).to_have_value(text)
    expect(area).to_be_focused()
    tab.check_accessibility("search-box-grown")
    tab.page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(tab.page).to_have_url(re.compile(r"/search$"))
    expect_the_source_first(tab)


def test_a_pasted_question_without_javascript(open_tab, viewport):
    tab = open_tab(viewport, javascript=False)
    tab.open("/")
    tab.page.get_by_text("Plak een hele vraag of tekst").click()
    tab.page.get_by_label(TEXT_LABEL).fill(pasted())
    tab.page.get_by_role("button", name="Zoek gelijkaardige vragen").click()
    expect_the_source_first(tab)
    tab.page.get_by_role("navigation", name="Sorteren").get_by_role("button", name="oudste").click()
    expect(tab.page.locator(".sort [aria-current]")).to_have_text("oudste")


def test_a_text_short_in_characters_but_long_in_an_address_grows_too(open_tab):
    tab = open_tab("desktop")
    tab.open("/search?q=trein")
    # 1,799 characters, 7,199 bytes in an address: past what the server's request line holds.
    text = ("één € " * 300).strip()
    paste_into_the_search_box(tab, text)
    expect(tab.page.locator("textarea#q")).to_have_value(text)
    tab.page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(tab.page).to_have_url(re.compile(r"/search$"))
