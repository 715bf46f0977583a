"""Hostile input against the member, minister and facet pages and their JSON twins, as
test_hostile.py does for the search pages: a 200, a 400 with a Dutch message or a 404, never a
500; JSON under /api/, HTML elsewhere, the security headers on every answer."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from search.index.arrays.document_table import FACETS
from tests.test_hostile import (
    ANY_CHAR,
    HOSTILE,
    ODD_TEXT,
    check_response,
    hostile_client,  # noqa: F401  (the fixture, for the tests below)
    numbers,
    parameters,
)

FACET_NAMES = [name for name, _ in FACETS]
SLUGS = ["jan-jambon", "gautier-calomne", "francois-bellot", "niemand", "-", "a--b"]
typed = st.one_of(st.sampled_from(ODD_TEXT), st.text(ANY_CHAR, max_size=30), st.just("x" * 501))


@HOSTILE
@given(
    api=st.booleans(),
    name=st.one_of(st.sampled_from(FACET_NAMES), st.text(ANY_CHAR, min_size=1, max_size=12)),
    params=parameters,
    waarde=typed,
)
def test_hostile_facet_pages_never_fail(hostile_client, api, name, params, waarde):  # noqa: F811
    prefix = "/api/facetten/" if api else "/facetten/"
    response = hostile_client.get(
        prefix + quote(name, safe=""), query_string={**params, "waarde": waarde}
    )
    check_response(response, prefix, {200, 400, 404})


@HOSTILE
@given(
    api=st.booleans(),
    kind=st.sampled_from(["leden", "ministers"]),
    slug=st.one_of(st.sampled_from(SLUGS), st.text(ANY_CHAR, min_size=1, max_size=30)),
    page=numbers,
)
def test_hostile_person_pages_never_fail(hostile_client, api, kind, slug, page):  # noqa: F811
    prefix = f"/api/{kind}/" if api else f"/{kind}/"
    response = hostile_client.get(prefix + quote(slug, safe=""), query_string={"page": page})
    check_response(response, prefix, {200, 400, 404})
