"""What one search may cost: how many terms its query holds once its patterns are expanded, and
how long it may run.

Patterns (`trein*`, `ve?koop*`) are expanded against the index's vocabulary before anything is
searched, and every query word is searched in each field it ranks over. A query of short
prefixes expands to tens of thousands of terms and runs for minutes; so each pattern may match
at most `MAX_EXPANSION` words in each field, and the whole query at most `MAX_TERMS` terms
(Lucene's `maxClauseCount` is 1,024 for the same reason). Counting stops as soon as a limit is
passed, so refusing a wide pattern costs little.

Within those limits a query can still be slow (a few hundred common words), so a search also
has a time budget: a `Deadline`, checked at each step of a search and between the matching
documents Whoosh finds (the queries handed to Whoosh are wrapped in `Deadline.bound`). On expiry
the search stops with `SearchTimeout`. The budget is checked, not enforced by a timer, so a
search may overrun it by the time one step takes; the term limits keep each step short.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.matching import WrappingMatcher
from whoosh.query.wrappers import WrappingQuery

from search.engine.query import QueryError

# Words one prefix or wildcard may match, in each field it searches.
MAX_EXPANSION = 500
# Terms of a whole query after expansion: each word or pattern once per field it searches.
MAX_TERMS = 1000
# Seconds a search may run, unless the app config or $PARLSEARCH_TIME_BUDGET say otherwise.
DEFAULT_TIME_BUDGET = 10.0


class SearchTimeout(RuntimeError):
    """A search ran past its time budget; the message says so, in Dutch, for the user."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"Deze zoekopdracht duurde te lang en is na {seconds:g} seconden afgebroken. "
            "Maak de zoekvraag eenvoudiger (minder woorden of jokertekens) "
            "of probeer het later opnieuw."
        )
        self.seconds = seconds


@dataclass(frozen=True)
class Deadline:
    """The moment a search must have finished by; `check` raises `SearchTimeout` after it."""

    seconds: float
    expires: float

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        """A deadline `seconds` from now; none at all for None or 0."""
        if not seconds:
            return cls(math.inf, math.inf)
        return cls(seconds, time.monotonic() + seconds)

    def check(self) -> None:
        """Raise `SearchTimeout` if the deadline has passed."""
        if time.monotonic() > self.expires:
            raise SearchTimeout(self.seconds)

    def bound(self, query: wq.Query) -> wq.Query:
        """`query`, checking this deadline at every document its matcher moves to.

        A compound query keeps its own class and gets each of its clauses bound, so that code
        reading its structure (the ranking takes the top level's clauses as the user's words)
        sees the same query.
        """
        if math.isinf(self.expires):
            return query
        if isinstance(query, wq.CompoundQuery):
            bounded = copy.copy(query)
            bounded.subqueries = [_DeadlineQuery(sub, self) for sub in query.subqueries]
            return bounded
        return _DeadlineQuery(query, self)


def check_expansion(query: wq.Query, reader, deadline: Deadline) -> None:
    """Refuse (`QueryError`) a query whose patterns match too many words, or with too many terms."""
    terms = 0
    for leaf in query.leaves():
        if isinstance(leaf, wq.MultiTerm):
            words = _count_expansion(leaf, reader, deadline)
            if words > MAX_EXPANSION:
                raise QueryError(
                    f"De zoekterm '{_pattern(leaf)}' past op meer dan {MAX_EXPANSION} woorden; "
                    "maak het begin langer."
                )
            terms += words
        else:
            terms += len(getattr(leaf, "words", ())) or 1
        if terms > MAX_TERMS:
            raise QueryError(
                f"De zoekvraag is te ruim: meer dan {MAX_TERMS} zoektermen als elk woord in elk "
                "veld telt en jokertekens zijn uitgebreid. Gebruik minder woorden of jokertekens."
            )


def _count_expansion(leaf: wq.MultiTerm, reader, deadline: Deadline) -> int:
    """The words `leaf` matches in its field, counted up to one past `MAX_EXPANSION`."""
    count = 0
    for _ in leaf.expanded_terms(reader):
        count += 1
        if count > MAX_EXPANSION:
            break
        deadline.check()
    return count


def _pattern(leaf: wq.MultiTerm) -> str:
    return f"{leaf.text}*" if isinstance(leaf, wq.Prefix) else str(getattr(leaf, "text", leaf))


class _DeadlineQuery(WrappingQuery):
    """A query whose matcher checks a deadline; matches and scores exactly as its child."""

    def __init__(self, child: wq.Query, deadline: Deadline) -> None:
        super().__init__(child)
        self.deadline = deadline

    def _rewrap(self, child: wq.Query) -> _DeadlineQuery:
        return _DeadlineQuery(child, self.deadline)

    def matcher(self, searcher, context=None):
        return _DeadlineMatcher(self.child.matcher(searcher, context), self.deadline)


class _DeadlineMatcher(WrappingMatcher):
    """Its child's matches, checking the deadline at every move to another document."""

    def __init__(self, child, deadline: Deadline) -> None:
        super().__init__(child)
        self.deadline = deadline

    def copy(self) -> _DeadlineMatcher:
        return _DeadlineMatcher(self.child.copy(), self.deadline)

    def _replacement(self, newchild) -> _DeadlineMatcher:
        return _DeadlineMatcher(newchild, self.deadline)

    def next(self):
        self.deadline.check()
        return self.child.next()

    def skip_to(self, docnum):
        self.deadline.check()
        return self.child.skip_to(docnum)

    def all_ids(self) -> Iterator[int]:
        for docnum in self.child.all_ids():
            self.deadline.check()
            yield docnum
