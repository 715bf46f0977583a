"""The facets of a search, collected from the matching set: for each, its values counted over the
documents holding every word of the query (`search.index.arrays.document_table`), the values
the URL's filters select marked, a party by each of its names."""

from __future__ import annotations

import dataclasses

from search.engine.filters import Filters, named_values
from search.engine.matches import Matches
from search.engine.pages import FacetPage, slug
from search.index.arrays.document_table import Facet


def search_facets(matches: Matches) -> list[Facet]:
    """The facets of a results page, each with its most frequent values."""
    return matches.table.facets(matches.full.members, _selection(matches.request.filters))


def facet_page(matches: Matches, name: str, typed: str) -> FacetPage:
    """Every value of the facet `name`, only those containing `typed` if given."""
    request = matches.request
    selected = request.filters.get(name)
    facet = matches.table.facet(name, matches.full.members, selected, limit=None)
    typed = " ".join(typed.split())
    return FacetPage(request, _containing(facet, typed), matches.total, typed)


def _selection(filters: Filters) -> dict[str, tuple[str, ...]]:
    """The filter values the facets mark as selected: a party by each of its names."""
    return {
        name: tuple(named for value in values for named in named_values(name, value))
        for name, values in filters.values.items()
    }


def _containing(facet: Facet, typed: str) -> Facet:
    """The facet's values whose label contains `typed` (compared as slugs), the others counted
    in `other`; selected values always stay."""
    wanted = slug(typed)
    if not wanted:
        return facet
    kept = [v for v in facet.values if v.selected or wanted in slug(v.label)]
    dropped = sum(v.count for v in facet.values) - sum(v.count for v in kept)
    return dataclasses.replace(facet, values=kept, other=facet.other + dropped)
