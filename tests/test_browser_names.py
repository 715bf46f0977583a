# The browser fixtures are imported from test_browser.py, so that both files drive one kind of
# tab; pytest passes them in as parameters, which ruff reads as redefinitions.
# ruff: noqa: F811
"""A surname in the address of a person's page, in a real browser (as in test_browser.py): one
person's surname leads to their page, several people's to a short choice, checked with axe-core
at desktop and phone width and screenshotted into test-artifacts/screenshots/. Served from the
sample index with a second member named Wouters."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import serving
from tests.test_browser import browser, open_tab, viewport  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(browser, namesake_index) -> str:
    with serving(namesake_index) as server:
        yield server.url


def test_a_surname_of_several_people_offers_a_choice(open_tab, viewport):
    tab = open_tab(viewport)
    response = tab.open("/leden/wouters")
    assert response.status == 300
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Wie bedoelt u met „wouters”?")
    people = tab.page.locator("ul.people > li")
    expect(people).to_have_count(2)
    tab.check_accessibility("person-choice")
    tab.screenshot("person-choice")
    tab.page.get_by_role("link", name="Suzy Wouters").click()
    expect(tab.page).to_have_url(re.compile(r"/leden/suzy-wouters$"))
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Suzy Wouters")


def test_a_surname_of_one_person_opens_their_page(open_tab, viewport):
    tab = open_tab(viewport)
    tab.open("/ministers/geens")
    expect(tab.page).to_have_url(re.compile(r"/ministers/koen-geens$"))
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Koen Geens")
