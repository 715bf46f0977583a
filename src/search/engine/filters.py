"""Filters on a search: member, party, minister, theme, parliament, year, dates and status.

The same filters arrive as URL parameters (`?partij=N-VA`) and inside the query (`partij:N-VA`);
both are read here into one `Filters` (once, when the request is made: `search.engine.request`),
checked the same way and turned into the same masks over the documents of the document table
(`search.index.arrays.document_table`), so they select exactly the same documents. Several
values of one filter combine with OR, different filters with AND. A search makes its masks once
(`filter_masks`): each value's mask serves both the documents that pass and the values that
select nothing.

A member, party, minister or theme value selects the documents whose value is exactly that (case
and accents aside) when the index holds such a value, as the facets list them; otherwise those
whose value has words starting like each word given without its Dutch ending: `lid:brusselmans`
finds "Filip Brusselmans", `thema:spoorwegen` finds "SPOORWEGNET". A party may be named as people
name it, across renames and spellings (`nva`, `Vlaams Belang`, `Vooruit`, `PVDA`): the names of
each party are listed in `data/parties.tsv`, each with where the equivalence comes from. A value
that selects no document at all gets the closest known values as suggestions
(`closest_values`: "Bedoelde u partij VB?").
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from whoosh.support.charset import accent_map

from search.engine.query import QueryError
from search.index.arrays.document_table import Column, DocumentTable, split
from search.ingest.document import ANSWERED, SOURCE_NAMES, UNANSWERED
from search.text.analysis import DutchStemFilter, exact_words
from search.text.compounds import read_word_list

# Filters on metadata text, by parameter name, and the field each one reads.
TEXT_FILTERS = {"lid": "member", "partij": "party", "minister": "minister", "thema": "theme"}
# Filters that take several values (OR), then the date range.
LIST_FILTERS = (*TEXT_FILTERS, "bron", "jaar", "status")
DATE_FILTERS = ("van", "tot")
FILTER_NAMES = (*LIST_FILTERS, *DATE_FILTERS)
STATUSES = (ANSWERED, UNANSWERED)
MAX_VALUE_LENGTH = 200
MAX_VALUES = 20
# A word of a partial filter matches words starting like it when that start is this long.
MIN_PREFIX = 3
# Known values suggested for a filter value that selects nothing, and how alike they must be
# (`difflib`'s ratio of the values without case, accents, spaces and punctuation).
MAX_SUGGESTIONS = 3
SUGGESTION_CUTOFF = 0.6

_STEMMER = DutchStemFilter()
# ASCII digits only: `\d` would also take "２０１７" and "٢٠١٧".
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class Filters:
    """The filters of a search: for each filter name, its values (van/tot: at most one)."""

    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.values.values())

    def get(self, name: str) -> tuple[str, ...]:
        """The values of one filter."""
        return self.values.get(name, ())

    @property
    def start(self) -> str:
        """The first date (ISO) of the range, or ""."""
        return next(iter(self.get("van")), "")

    @property
    def end(self) -> str:
        """The last date (ISO) of the range, or ""."""
        return next(iter(self.get("tot")), "")

    def params(self) -> list[tuple[str, str]]:
        """The filters as URL parameters, in a fixed order."""
        return [(name, value) for name in FILTER_NAMES for value in self.get(name)]

    def adding(self, name: str, value: str) -> Filters:
        """These filters with one more value of a filter that takes several."""
        if value in self.get(name):
            return self
        return self._with(name, (*self.get(name), value))

    def removing(self, name: str, value: str) -> Filters:
        """These filters without one value."""
        return self._with(name, tuple(v for v in self.get(name) if v != value))

    def merged(self, other: Filters) -> Filters:
        """Both sets of filters: values of one filter joined (OR), date ranges intersected."""
        if not other.values:
            # Most queries write no filter; every request merges (its links' too).
            _check_range(self)
            return self
        merged = dict(self.values)
        for name, values in other.values.items():
            if name == "van":
                values = (max(self.get(name) + values),)
            elif name == "tot":
                values = (min(self.get(name) + values),)
            else:
                values = tuple(dict.fromkeys(self.get(name) + values))
            merged[name] = values
        result = Filters(merged)
        _check_range(result)
        return result

    def _with(self, name: str, values: tuple[str, ...]) -> Filters:
        changed = {**self.values, name: values}
        return Filters({n: v for n, v in changed.items() if v})


def parse_filters(params: Mapping[str, Sequence[str]]) -> Filters:
    """Read and check the filter parameters; raises `QueryError` with a Dutch message."""
    values = {}
    for name in FILTER_NAMES:
        sent = params.get(name, ())
        # Counted and measured as sent, empty values and spaces included: what a request costs.
        if len(sent) > MAX_VALUES:
            raise QueryError(f"Geef hoogstens {MAX_VALUES} waarden op voor '{name}'.")
        if any(len(value) > MAX_VALUE_LENGTH for value in sent):
            raise QueryError(f"De waarde voor '{name}' is te lang.")
        given = [" ".join(value.split()) for value in sent]
        given = list(dict.fromkeys(value for value in given if value))
        if not given:
            continue
        if name in DATE_FILTERS and len(given) > 1:
            raise QueryError(f"Geef maar één datum op voor '{name}'.")
        values[name] = tuple(_checked_value(name, value) for value in given)
    filters = Filters(values)
    _check_range(filters)
    return filters


def _checked_value(name: str, value: str) -> str:
    if name == "bron":
        if value.lower() not in SOURCE_NAMES:
            choices = ", ".join(SOURCE_NAMES)
            raise QueryError(f"Onbekende bron '{value}'; kies uit {choices}.")
        return value.lower()
    if name == "status":
        if value.lower() not in STATUSES:
            raise QueryError(f"Onbekende status '{value}'; kies beantwoord of onbeantwoord.")
        return value.lower()
    if name == "jaar" and not _YEAR.fullmatch(value):
        raise QueryError(f"Het jaar '{value}' moet uit vier cijfers bestaan, zoals 2017.")
    if name in DATE_FILTERS:
        if not _ISO_DATE.fullmatch(value):
            raise QueryError(f"De datum '{value}' voor '{name}' moet de vorm JJJJ-MM-DD hebben.")
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise QueryError(f"De datum '{value}' voor '{name}' bestaat niet.") from None
    return value


def _check_range(filters: Filters) -> None:
    if filters.start and filters.end and filters.start > filters.end:
        raise QueryError("De begindatum ('van') ligt na de einddatum ('tot').")


# Filters inside the query text ---------------------------------------------------------------

# A quoted phrase (possibly unclosed), a parenthesis, or a word with an optional quoted value.
_QUERY_TOKEN = re.compile(r'"[^"]*(?:"|$)|[()]|[^\s()"]+(?:"[^"]*(?:"|$))?')
_INLINE_FILTER = re.compile(
    r"(?P<sign>[-+]?)(?P<name>" + "|".join(FILTER_NAMES) + r'):(?P<value>"[^"]*"?|\S+)',
    re.IGNORECASE,
)
_CONNECTIVES = frozenset(["AND", "OR", "EN", "OF"])
_NEGATIONS = frozenset(["NOT", "NIET", "ANDNOT", "ENNIET"])


@dataclass(frozen=True)
class QueryFilters:
    """A query split into its search text and the filters written inside it."""

    text: str
    params: dict[str, list[str]]
    written: tuple[str, ...]


def split_query_filters(text: str) -> QueryFilters:
    """Take `lid:…`, `partij:…`, `jaar:…` and the other filters out of the query text.

    Such a filter applies to the whole query, as the URL parameter does; inside parentheses or
    after NOT or `-` it would mean something else, so it is refused there. The rest of the text
    is kept as typed, less AND/OR/EN/OF left dangling next to a removed filter.
    """
    tokens = list(_QUERY_TOKEN.finditer(text))
    params: dict[str, list[str]] = {}
    removed: set[int] = set()
    depth = 0
    for index, token in enumerate(tokens):
        depth += {"(": 1, ")": -1}.get(token.group(), 0)
        match = _INLINE_FILTER.fullmatch(token.group())
        if match is None or not match["value"].strip('"').strip():
            continue
        previous = tokens[index - 1].group() if index else ""
        if depth > 0 or match["sign"] == "-" or previous in _NEGATIONS:
            raise QueryError(
                f"Het filter '{match['name']}:' geldt voor de hele zoekvraag; "
                "zet het niet tussen haakjes of na NIET of -."
            )
        params.setdefault(match["name"].lower(), []).append(match["value"].strip('"'))
        removed.add(index)
    dangling = {
        index
        for index, token in enumerate(tokens)
        if token.group() in _CONNECTIVES and {index - 1, index + 1} & removed
    }
    kept, position = [], 0
    for index in sorted(removed | dangling):
        kept.append(text[position : tokens[index].start()])
        position = tokens[index].end()
    kept.append(text[position:])
    written = tuple(tokens[index].group().lstrip("+") for index in sorted(removed))
    return QueryFilters(" ".join("".join(kept).split()), params, written)


# Filters as masks over documents --------------------------------------------------------------


@dataclass(frozen=True)
class FilterMasks:
    """A search's filters as masks over the documents, each value's mask made once."""

    # The documents each member, party, minister and theme value selects, by (filter, value),
    # in the order of `TEXT_FILTERS` and of the values.
    values: dict[tuple[str, str], np.ndarray]
    # The documents passing every filter; None when no filter applies.
    documents: np.ndarray | None

    def selecting_nothing(self) -> list[tuple[str, str]]:
        """The member, party, minister and theme values that select no document at all."""
        return [key for key, mask in self.values.items() if not mask.any()]


def filter_masks(filters: Filters, table: DocumentTable) -> FilterMasks:
    """The masks of `filters` over the documents of `table`."""
    values = {
        (name, value): _text_filter_mask(name, value, table)
        for name in TEXT_FILTERS
        for value in filters.get(name)
    }
    masks = []
    for name in TEXT_FILTERS:
        if filters.get(name):
            masks.append(_any(values[name, value] for value in filters.get(name)))
    for name in ("bron", "jaar", "status"):
        if filters.get(name):
            masks.append(_any(table.value_mask(name, value) for value in filters.get(name)))
    if filters.start or filters.end:
        masks.append(_date_mask(table, filters.start, filters.end))
    return FilterMasks(values, np.logical_and.reduce(masks) if masks else None)


def _any(masks) -> np.ndarray:
    return np.logical_or.reduce(list(masks))


def _date_mask(table: DocumentTable, start: str, end: str) -> np.ndarray:
    """The dated documents filed from `start` to `end` (ISO dates, either may be "")."""
    dates = [date for date in table.date_values]
    within = np.array(
        [
            bool(date) and (not start or date >= start) and (not end or date <= end)
            for date in dates
        ],
        dtype=bool,
    )
    return within[table.date_rank] if len(dates) else np.zeros(len(table.ids), dtype=bool)


def _text_filter_mask(name: str, value: str, table: DocumentTable) -> np.ndarray:
    """The documents one value of a member, party, minister or theme filter selects: exactly the
    value (or, for a party, any of its names) when a document has it, else values with words
    starting like each of its words."""
    column = table.columns[name]
    codes = {
        column.code_of(key)
        for written in named_values(name, value)
        for key in (split(written) if name == "thema" else [written])
    }
    codes.discard(None)
    if codes:
        return column.mask(codes)
    words = exact_words(value)
    if not words:
        return np.zeros(len(table.ids), dtype=bool)
    columns = [column, table.minister_titles] if name == "minister" else [column]
    return np.logical_and.reduce(
        [_any(c.mask(_codes_with_word(c, _word_start(word))) for c in columns) for word in words]
    )


def _codes_with_word(column: Column, start: tuple[str, bool]) -> list[int]:
    """The codes of the values having a word that is `start` (exact) or starts with it."""
    text, exact = start
    return [
        code
        for code, words in enumerate(column.label_words)
        if any(word == text if exact else word.startswith(text) for word in words)
    ]


def named_values(name: str, value: str) -> tuple[str, ...]:
    """The values a filter value stands for: a party's every name, else the value itself."""
    if name == "partij":
        party = _party_of_name().get(_name_key(value))
        if party is not None:
            return (party, *_party_names()[party])
    return (value,)


def closest_values(name: str, value: str, known: Sequence[str]) -> list[str]:
    """The known values (as the facets list them) closest to a value that selects nothing."""
    candidates = {_name_key(label): label for label in known}
    if name == "partij":
        known_keys = {_name_key(label): label for label in known}
        for alias, party in _party_of_name().items():
            if _name_key(party) in known_keys:
                candidates.setdefault(alias, known_keys[_name_key(party)])
    close = difflib.get_close_matches(
        _name_key(value), list(candidates), n=len(candidates), cutoff=SUGGESTION_CUTOFF
    )
    return list(dict.fromkeys(candidates[key] for key in close))[:MAX_SUGGESTIONS]


@functools.cache
def _party_names() -> dict[str, tuple[str, ...]]:
    """Each party as the data writes it -> the names people use for it (`data/parties.tsv`)."""
    parties = {}
    for line in read_word_list("parties.tsv", package="search.engine"):
        party, names, _source = line.split("\t")
        parties[party] = tuple(name.strip() for name in names.split(","))
    return parties


@functools.cache
def _party_of_name() -> dict[str, str]:
    """Each name of a party, compared as `_name_key` does -> the party as the data writes it."""
    return {
        _name_key(written): party
        for party, names in _party_names().items()
        for written in (party, *names)
    }


def _name_key(text: str) -> str:
    """A name without case, accents, spaces and punctuation: "N-VA" -> "nva"."""
    return "".join(char for char in _fold(text) if char.isalnum())


def _fold(text: str) -> str:
    return text.lower().translate(accent_map)


def _word_start(word: str) -> tuple[str, bool]:
    """What a word of a partial filter matches: words starting like `word` without its Dutch
    ending, the part it shares with its stem (("spoorwegen", stem "spoorweeg") -> "spoorwe",
    which finds "spoorwegnet"); the word itself (True: exactly) when that part is short."""
    pairs = zip(word, _STEMMER.stem(word), strict=False)
    base = "".join(a for a, _ in itertools.takewhile(lambda pair: pair[0] == pair[1], pairs))
    if len(base) < MIN_PREFIX:
        return word, True
    return base, False
