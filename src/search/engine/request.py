"""What a search asks for, read once from URL-style parameters for every page and the CLI.

The HTML results page, `/api/search`, `/search.csv`, `/search.atom` and `parlsearch query` all
take the same parameters: `q`, the filters (see `search.engine.filters`), `in`, `sort`, `page` and
`per_page`. `parse_request` checks them and raises `QueryError` with a Dutch message for a value
that cannot be used; `SearchRequest.params` writes them back for links.

A request is finished when it is made: the filters written in the query text (`partij:N-VA`)
are read then, and refused then (inside brackets or after NOT, a date range that the URL's
contradicts). It knows its search text (`q` without them), the filters as written (for "Bedoelde
u …?") and every filter the search applies; `q` as typed and the URL's own `filters` stay what
links, the facets' selected values and `params` are made of.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from search.engine.filters import Filters, parse_filters, split_query_filters
from search.engine.query import QueryError, check_query_length

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
# Results beyond this rank are not served: nobody reads them, and deep pages cost the most.
MAX_DEPTH = 1000

RELEVANCE, NEWEST, OLDEST = "relevantie", "nieuwste", "oudste"
SORTS = (RELEVANCE, NEWEST, OLDEST)
# Where the words must match: everywhere, only in the question (and title), only in the answer.
SCOPES = ("alles", "vraag", "antwoord")
DEFAULT_SCOPE = "alles"


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query text as typed, the URL's filters, scope, order and page. Checked
    and finished when made."""

    q: str = ""
    filters: Filters = field(default_factory=Filters)
    scope: str = DEFAULT_SCOPE
    # "" is the default order: by relevance with query words, newest first without.
    sort: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    # Made from `q` and `filters`: the text searched for (`q` without the filters written in
    # it), those filters as written, and every filter the search applies (both kinds merged).
    text: str = field(init=False, repr=False, compare=False)
    written_filters: tuple[str, ...] = field(init=False, repr=False, compare=False)
    applied_filters: Filters = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_query_length(self.q)
        if self.sort and self.sort not in SORTS:
            raise QueryError(f"Onbekende sortering '{self.sort}'; kies {_choices(SORTS)}.")
        if self.scope not in SCOPES:
            raise QueryError(f"Onbekende waarde '{self.scope}' voor 'in'; kies {_choices(SCOPES)}.")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(
                f"Het aantal resultaten per pagina moet tussen 1 en {MAX_PER_PAGE} liggen."
            )
        if self.page < 1:
            raise QueryError("Het paginanummer moet een positief geheel getal zijn (1, 2, …).")
        if (self.page - 1) * self.per_page >= MAX_DEPTH:
            raise QueryError(f"Alleen de eerste {MAX_DEPTH} resultaten kunnen worden opgevraagd.")
        text, written, filters = _written_filters(self.q)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "written_filters", written)
        object.__setattr__(self, "applied_filters", self.filters.merged(filters))

    @property
    def has_criteria(self) -> bool:
        """Whether there is anything to search for: query text or a filter."""
        return bool(self.q.strip() or self.filters)

    def replace(self, **changes) -> SearchRequest:
        """A copy with some fields changed (and checked)."""
        return dataclasses.replace(self, **changes)

    def with_filter(self, name: str, value: str) -> SearchRequest:
        """This search with one more filter value, from its first page."""
        return self.replace(filters=self.filters.adding(name, value), page=1)

    def without_filter(self, name: str, value: str) -> SearchRequest:
        """This search without one filter value, from its first page."""
        return self.replace(filters=self.filters.removing(name, value), page=1)

    def with_period(self, start: str, end: str) -> SearchRequest:
        """This search limited to the dates `start` to `end` (ISO, within any range it already
        has), from its first page."""
        start = max(start, self.filters.start or start)
        end = min(end, self.filters.end or end)
        values = {**self.filters.values, "van": (start,), "tot": (end,)}
        return self.replace(filters=Filters(values), page=1)

    def params(self) -> list[tuple[str, str]]:
        """The URL parameters of this search, defaults left out."""
        params = [("q", self.q)] if self.q else []
        params += self.filters.params()
        if self.scope != DEFAULT_SCOPE:
            params.append(("in", self.scope))
        if self.sort:
            params.append(("sort", self.sort))
        if self.page != 1:
            params.append(("page", str(self.page)))
        if self.per_page != DEFAULT_PER_PAGE:
            params.append(("per_page", str(self.per_page)))
        return params


def parse_request(params: Mapping[str, Sequence[str]]) -> SearchRequest:
    """Read a search from parameters (each name with its list of values)."""
    for text in params.get("q", ()):
        # As sent: spaces around the query count too, so the limit bounds the request.
        check_query_length(text)
    return SearchRequest(
        q=_single(params, "q").replace("\x00", " "),
        filters=parse_filters(params),
        scope=_single(params, "in") or DEFAULT_SCOPE,
        sort=_single(params, "sort"),
        page=_positive_int(params, "page", 1),
        per_page=_positive_int(params, "per_page", DEFAULT_PER_PAGE),
    )


@functools.lru_cache(maxsize=1024)
def _written_filters(q: str) -> tuple[str, tuple[str, ...], Filters]:
    """The search text of a query, the filters written in it as written, and those filters
    read. Kept for the last queries: the links of a page each make their request anew."""
    written = split_query_filters(q)
    return written.text.strip(), written.written, parse_filters(written.params)


def _single(params: Mapping[str, Sequence[str]], name: str) -> str:
    values = [value for value in params.get(name, ()) if value.strip()]
    if len(values) > 1:
        raise QueryError(f"Geef de parameter '{name}' maar één keer op.")
    return values[0].strip() if values else ""


def _positive_int(params: Mapping[str, Sequence[str]], name: str, default: int) -> int:
    value = _single(params, name)
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise QueryError(f"De parameter '{name}' moet een positief geheel getal zijn.")
    return int(value)


def _choices(values: Sequence[str]) -> str:
    return ", ".join(values[:-1]) + " of " + values[-1]
