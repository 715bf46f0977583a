# The browser fixtures are imported from test_browser.py, so that both files drive one kind of
# tab; pytest passes them in as parameters, which ruff reads as redefinitions.
# ruff: noqa: F811
"""Member and minister pages, the time histogram and its links, all values of a facet, what the
index holds, and citing, in a real browser (Debian's Chromium through Playwright, as in
test_browser.py). Each is checked with axe-core at desktop and phone
width, and screenshotted into test-artifacts/screenshots/."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.test_browser import (  # noqa: F401  (fixtures)
    base_url,
    browser,
    open_tab,
    show_filters,
    viewport,
)

pytestmark = pytest.mark.browser


def test_member_and_minister_pages_from_a_result(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/search?q=groene+nummers")
    tab.page.locator("ol.results .meta").first.get_by_role("link", name="Gautier Calomne").click()
    expect(tab.page).to_have_url(re.compile(r"/leden/gautier-calomne$"))
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Gautier Calomne")
    data = tab.api("/api/leden/gautier-calomne")
    facts = tab.page.locator(".person-facts")
    expect(facts).to_contain_text(f"{data['questions']} ({data['documents']} documenten")
    expect(tab.page.locator(".question-list > li")).to_have_count(data["search"]["groups"])
    tab.check_accessibility("member")
    tab.screenshot("member")

    minister = data["counterparts"][0]
    tab.page.locator("#tegenpartij ~ table").get_by_role("link", name=minister["label"]).click()
    expect(tab.page).to_have_url(re.compile(re.escape(minister["url"]) + "$"))
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(minister["label"])
    expect(tab.page.locator(".person-kind")).to_have_text("Minister")
    tab.check_accessibility("minister")
    tab.screenshot("minister")


def test_search_within_a_ministers_questions(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/ministers/jan-jambon")
    expect(tab.page.locator(".offices li")).to_have_count(2)
    tab.page.get_by_label("Zoek in de vragen aan Jan Jambon").fill("Cultuurloket")
    tab.page.get_by_label("Zoek in de vragen aan Jan Jambon").press("Enter")
    expect(tab.page).to_have_url(re.compile(r"/search\?q=Cultuurloket&minister="))
    params = parse_qs(urlsplit(tab.page.url).query)
    expected = tab.api("/api/ministers/jan-jambon")["search"]["filters"]["minister"]
    assert params["minister"] == expected
    expect(tab.page.locator("ol.results > li")).to_have_count(1)
    expect(tab.page.locator("ol.results h2 a")).to_have_text("Cultuurloket - Evaluatie transitie")
    tab.screenshot("minister-search-within")


def test_the_histogram_bars_filter_their_period(open_tab, viewport):
    tab = open_tab(viewport)
    periods = tab.api("/api/search?q=veiligheid&bron=dekamer")["histogram"]["periods"]
    assert len(periods) > 1
    tab.open("/search?q=veiligheid&bron=dekamer")
    chart = tab.page.get_by_role("group", name=re.compile("^Documenten per maand"))
    bars = chart.locator("a")
    expect(bars).to_have_count(sum(1 for period in periods if period["count"]))
    tab.check_accessibility("results-histogram")
    tab.screenshot("results-histogram", full_page=False)

    busiest = max(periods, key=lambda period: period["count"])
    bar = chart.get_by_role("link", name=f"{busiest['label']}: {busiest['count']} documenten")
    bar.click()
    expect(tab.page).to_have_url(re.compile(f"van={busiest['start']}&tot={busiest['end']}$"))
    expect(tab.page.locator(".result-count")).to_contain_text(f"{busiest['count']} documenten")
    expect(tab.page.locator(".active-filters")).to_contain_text("Vanaf: " + busiest["start"])


def test_the_histogram_works_from_the_keyboard_and_as_a_table(open_tab):
    tab = open_tab("desktop", javascript=False)
    tab.open("/search?q=veiligheid&bron=dekamer")
    first = tab.api("/api/search?q=veiligheid&bron=dekamer")["histogram"]["periods"][0]
    tab.tab_to(".histogram svg a")
    tab.page.keyboard.press("Enter")
    expect(tab.page).to_have_url(re.compile(f"tot={first['end']}$"))
    expect(tab.page.locator(".result-count")).to_contain_text(f"{first['count']} document")
    tab.page.go_back()
    tab.page.locator(".histogram-table summary").click()
    row = tab.page.locator(".histogram-table tbody tr").first
    expect(row).to_contain_text(f"{first['label']}{first['count']}")
    tab.screenshot("results-histogram-table", full_page=False)


def test_all_values_of_a_facet_filtered_by_typing(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/search?q=groene+nummers")
    show_filters(tab)
    tab.page.get_by_role("link", name="Alle waarden van minister").click()
    expect(tab.page).to_have_url(re.compile(r"/facetten/minister\?q=groene\+nummers$"))
    values = tab.api("/api/facetten/minister?q=groene+nummers")["values"]
    expect(tab.page.locator("#facet-waarden li")).to_have_count(len(values))
    tab.check_accessibility("facet")
    tab.screenshot("facet")

    tab.page.get_by_label("Toon alleen waarden met").fill("de block")
    visible = tab.page.locator("#facet-waarden li:visible")
    expect(visible).to_have_count(1)
    expect(tab.page.locator("#facet-aantal")).to_have_text("1 waarde")
    tab.screenshot("facet-typed")
    visible.get_by_role("link").click()
    expect(tab.page.locator(".active-filters")).to_contain_text("Minister: Maggie De Block")
    expect(tab.page.locator(".result-count")).to_contain_text("1 document gevonden")


def test_the_facet_page_filters_without_javascript_and_by_keyboard(open_tab):
    tab = open_tab("desktop", javascript=False)
    tab.open("/facetten/thema?q=trein")
    tab.tab_to("#waarde")
    tab.page.keyboard.type("spoor")
    tab.page.keyboard.press("Enter")
    expect(tab.page).to_have_url(re.compile(r"/facetten/thema\?q=trein&waarde=spoor$"))
    expected = tab.api("/api/facetten/thema?q=trein&waarde=spoor")["values"]
    expect(tab.page.locator("#facet-waarden li")).to_have_count(len(expected))
    tab.tab_to("#facet-waarden a")
    tab.page.keyboard.press("Enter")
    expect(tab.page.locator(".active-filters")).to_contain_text("Thema: " + expected[0]["label"])


def test_home_and_no_results_pages_say_what_the_index_holds(open_tab, viewport):
    tab = open_tab(viewport)
    coverage = tab.api("/api/coverage")
    tab.open("/")
    table = tab.page.get_by_role("table", name="Documenten per parlement")
    for parliament in coverage["parliaments"]:
        expect(table.get_by_role("row", name=re.compile(parliament["name"]))).to_contain_text(
            str(parliament["documents"])
        )
    tab.check_accessibility("home-coverage")
    tab.open("/search?q=xyzzyqq")
    expect(tab.page.locator(".result-count")).to_contain_text("Geen documenten gevonden")
    expect(tab.page.get_by_role("heading", name="Wat de zoekindex bevat")).to_be_visible()
    tab.check_accessibility("no-results")
    tab.screenshot("no-results")


def test_copy_a_citation(open_tab, viewport):
    tab = open_tab(viewport)
    tab.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab.open("/documents/vlpar-2019-2020-58")
    citation = tab.api("/api/documents/vlpar-2019-2020-58")["citation"]
    section = tab.page.locator("section.citation")
    expect(section.locator(".citation-words")).to_have_text(citation)
    section.get_by_role("button", name="Kopieer citaat").click()
    expect(section.get_by_role("status")).to_have_text("Het citaat is gekopieerd.")
    copied = tab.page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{citation} {tab.base_url}/documents/vlpar-2019-2020-58"
    tab.check_accessibility("document-citation")
    section.scroll_into_view_if_needed()
    tab.screenshot("document-citation", full_page=False)


def test_the_chart_links_of_a_long_span_are_years(open_tab):
    tab = open_tab("phone")
    histogram = tab.api("/api/search?q=veiligheid")["histogram"]
    assert histogram["unit"] == "jaar"
    tab.open("/search?q=veiligheid")
    chart = tab.page.get_by_role("group", name=re.compile("^Documenten per jaar"))
    last = [period for period in histogram["periods"] if period["count"]][-1]
    chart.get_by_role("link", name=re.compile(f"^{last['label']}: ")).click()
    expect(tab.page).to_have_url(re.compile(f"van={last['start']}&tot={last['end']}$"))
    expect(tab.page.locator(".result-count")).to_contain_text(f"{last['count']} document")
    tab.screenshot("results-histogram-years")
