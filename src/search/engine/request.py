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

It also knows what kind of search it is, its `mode`, decided here and nowhere else:
- `QUERY`: the search syntax (see `search.engine.query.parse`): the documents holding every word;
- `SIMILAR`: the documents most like a text (`search.engine.query.similar`), for a text pasted
  to learn whether it was asked and answered before. A search is one when it is asked for
  (`similar`: `POST /api/similar`, `parlsearch similar`) or when its text is longer than a query:
  more than `QUERY_WORDS` words, or a sentence of at least `SENTENCE_WORDS`, and no operator
  (`is_pasted_text`). Its text is then text: no
  filter is read from it, and it may be `MAX_TEXT_LENGTH` characters long where a query may be
  `MAX_QUERY_LENGTH` (a text too long for an address is posted: `linkable`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from search.engine.filters import (
    FILTER_NAMES,
    LIST_FILTERS,
    Filters,
    parse_filters,
    split_query_filters,
)
from search.engine.query import MAX_QUERY_LENGTH, QueryError, check_query_length
from search.engine.query.language import JOINING, NEGATING
from search.text.analysis import token_pattern

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
# Results beyond this rank are not served: nobody reads them, and deep pages cost the most.
MAX_DEPTH = 1000

RELEVANCE, NEWEST, OLDEST = "relevantie", "nieuwste", "oudste"
SORTS = (RELEVANCE, NEWEST, OLDEST)
# Where the words must match: everywhere, only in the question (and title), only in the answer.
SCOPES = ("alles", "vraag", "antwoord")
DEFAULT_SCOPE = "alles"

# What a search is: a query in the search syntax, or a text whose like is searched for.
QUERY, SIMILAR = "query", "similar"
MODES = (QUERY, SIMILAR)
# A text of more words than this, or a sentence of at least so many, with no operator in it, is
# searched as "questions like this".
QUERY_WORDS = 12
SENTENCE_WORDS = 8
# The longest text searched for its like (a query is at most `MAX_QUERY_LENGTH`).
MAX_TEXT_LENGTH = 10_000
# The bytes a text may take in an address (percent-encoded): the server reads a request line of
# at most 4 KB (gunicorn's limit), which holds the path and the other parameters too. A text of
# `MAX_QUERY_LENGTH` characters takes more where most of them are not ASCII letters.
MAX_ADDRESS_TEXT = 3_000
# What a similar search's JSON body may hold besides its `text` (`parse_similar`).
SIMILAR_FIELDS = frozenset(["page", "per_page", "in", "sort", *FILTER_NAMES])


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
    # Asked for the documents like `q`, whatever it holds (else `q` decides: `is_pasted_text`).
    similar: bool = False
    # Made from `q` and `filters`: what kind of search it is, the text searched for (`q`
    # without the filters written in it, or all of a similar search's), those filters as
    # written, and every filter the search applies (both kinds merged).
    mode: str = field(init=False, repr=False, compare=False)
    text: str = field(init=False, repr=False, compare=False)
    written_filters: tuple[str, ...] = field(init=False, repr=False, compare=False)
    applied_filters: Filters = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        mode = SIMILAR if self.similar or is_pasted_text(self.q) else QUERY
        if mode == SIMILAR:
            check_text_length(self.q)
        else:
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
        if mode == SIMILAR:
            text, written, filters = self.q.strip(), (), Filters()
        else:
            text, written, filters = _written_filters(self.q)
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "written_filters", written)
        object.__setattr__(self, "applied_filters", self.filters.merged(filters))

    @property
    def has_criteria(self) -> bool:
        """Whether there is anything to search for: query text or a filter."""
        return bool(self.q.strip() or self.filters)

    @property
    def linkable(self) -> bool:
        """Whether links can carry its text (else a page of it posts it: a text too long for
        an address, in characters or in the bytes it takes there)."""
        return len(self.q) <= MAX_QUERY_LENGTH and len(encoded(self.q)) <= MAX_ADDRESS_TEXT

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

    def with_per_page(self, count: int) -> SearchRequest:
        """This search with `count` results a page, at the page that holds the first result
        shown now."""
        first = (self.page - 1) * self.per_page
        return self.replace(per_page=count, page=first // count + 1)

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


@functools.lru_cache(maxsize=256)
def encoded(text: str) -> str:
    """A text as an address's query string holds it (`quote_plus`: "a b" -> "a+b"), kept for
    the last texts: each link of a page encodes the same query and filter values again. Few
    are kept (a page has a few dozen distinct values): a query of `MAX_QUERY_LENGTH` characters
    not ASCII takes up to 32 KB with its encoding, and each request may bring another."""
    return quote_plus(text)


def query_string(params: Iterable[tuple[str, str]]) -> str:
    """URL parameters as an address's query string, as `urllib.parse.urlencode` writes them
    (each name and value `encoded`)."""
    return "&".join(f"{encoded(name)}={encoded(value)}" for name, value in params)


def parse_request(
    params: Mapping[str, Sequence[str]], *, posted: bool = False, similar: bool = False
) -> SearchRequest:
    """Read a search from parameters (each name with its list of values): those of an address,
    or `posted` (a form's or a JSON body's, where `q` may be a text of `MAX_TEXT_LENGTH`);
    `similar`: asked for the documents like `q`."""
    for text in params.get("q", ()):
        # As sent: spaces around the query count too, so the limit bounds the request.
        check_text_length(text) if posted else check_query_length(text)
    return SearchRequest(
        q=_single(params, "q").replace("\x00", " "),
        filters=parse_filters(params),
        scope=_single(params, "in") or DEFAULT_SCOPE,
        sort=_single(params, "sort"),
        page=_positive_int(params, "page", 1),
        per_page=_positive_int(params, "per_page", DEFAULT_PER_PAGE),
        similar=similar,
    )


def parse_similar(body: object) -> SearchRequest:
    """Read a similar search from a JSON body: an object with the `text` and, optionally, the
    other parameters of a search, `page` and `per_page` numbers, `in`, `sort` and the filters
    strings (a filter of several values also a list of them), as `/api/openapi.json` says."""
    if not isinstance(body, dict):
        raise QueryError('Stuur een JSON-object met de tekst: {"text": "…"}.')
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise QueryError('Geef de tekst op, niet leeg: {"text": "…"}.')
    params: dict[str, list[str]] = {"q": [text]}
    for name, value in body.items():
        if name != "text":
            params[name] = _body_values(name, value)
    return parse_request(params, posted=True, similar=True)


def _body_values(name: str, value: object) -> list[str]:
    """The values of a field of a similar search's JSON body, as an address would give them."""
    if name not in SIMILAR_FIELDS:
        raise QueryError(f"Onbekend veld '{name}'; kies {_choices(sorted(SIMILAR_FIELDS))}.")
    if name in ("page", "per_page"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise QueryError(f"Het veld '{name}' moet een positief geheel getal zijn.")
        return [str(value)]
    values = value if isinstance(value, list) and name in LIST_FILTERS else [value]
    if not all(isinstance(item, str) for item in values):
        several = " of een lijst ervan" if name in LIST_FILTERS else ""
        raise QueryError(f"Het veld '{name}' moet tekst zijn{several}.")
    return values


def check_text_length(text: str) -> None:
    """Refuse a text longer than `MAX_TEXT_LENGTH` characters."""
    if len(text) > MAX_TEXT_LENGTH:
        raise QueryError(f"De tekst is te lang (meer dan {TEXT_LIMIT} tekens).")


@functools.lru_cache(maxsize=256)
def is_pasted_text(q: str) -> bool:
    """Whether `q` is a text to search the like of rather than a query: more than `QUERY_WORDS`
    words, or a sentence of at least `SENTENCE_WORDS` (it starts with a capital or a number and
    ends with . ? or !, as a sentence copied from a document does and a query does not); and no
    operator that only a query holds (see `_has_operators`)."""
    words = 0
    for words, _ in enumerate(_WORD.finditer(q), start=1):
        if words > QUERY_WORDS:
            break
    long = words > QUERY_WORDS or (words >= SENTENCE_WORDS and _is_sentence(q))
    return long and not _has_operators(q)


def _is_sentence(q: str) -> bool:
    """Whether `q` is written as a sentence: a capital or a number first, . ? or ! last."""
    first = next((char for char in q if char.isalnum()), "")
    return (first.isupper() or first.isdigit()) and q.rstrip().rstrip(_CLOSING)[-1:] in _ENDS


def _has_operators(q: str) -> bool:
    """Whether `q` holds what only a query would: AND/OR/NOT (EN/OF/NIET) in capitals between
    words that are not capitals too (pasted text in capitals holds "EN", and a standard is
    "norm EN 590"), a field (`titel:`…) or a filter that reads (`partij:N-VA`; "per jaar:a)"
    is text). Quotes, brackets, `-` and `*` are not enough: a fifth of the questions and
    answers quote something, and text holds all of them."""
    tokens = q.split()
    for number, token in enumerate(tokens):
        if token in _OPERATORS:
            before = tokens[number - 1] if number else ""
            after = tokens[number + 1] if number + 1 < len(tokens) else ""
            if _lower_word(after) and (_lower_word(before) or (not before and token in NEGATING)):
                return True
    if _FIELD.search(q):
        return True
    try:
        return bool(_written_filters(q)[1])
    except QueryError:
        return False


def _lower_word(token: str) -> bool:
    """Whether a token is a word in lower case (or mixed), maybe in brackets or quotes."""
    word = token.strip('()"+-*')
    return bool(word) and word[0].isalpha() and not word.isupper()


# The longest text, as Dutch writes the number ("10.000"): in messages and on the pages.
TEXT_LIMIT = f"{MAX_TEXT_LENGTH:,}".replace(",", ".")
_WORD = token_pattern()
_OPERATORS = JOINING | NEGATING
# What ends a sentence, and what may close it after that.
_ENDS = frozenset(".?!…")
_CLOSING = "\"'”’»)]"
_FIELD = re.compile(r"(?<![\w-])(?:titel|vraag|antwoord|title|question|answer):(?=[\w\"(])")


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
