"""What one search may cost: how many terms its query holds once its patterns are expanded, and
how long it may run.

Patterns (`trein*`, `ve?koop*`) are expanded against the index's vocabulary before anything is
searched, and every query word is searched in each field it ranks over. A query of short
prefixes expands to tens of thousands of terms and runs for minutes; so each pattern may match
at most `MAX_EXPANSION` words in each field (`search.engine.query.pattern`), and the whole query
at most `MAX_TERMS` terms (Lucene's `maxClauseCount` is 1,024 for the same reason): each kind of
clause says what it costs (`Node.costs`). Counting stops as soon as a limit is passed, so
refusing a wide pattern costs little.

Within those limits a query can still be slow (a few hundred common words), so a search also
has a time budget: a `Deadline`, checked at each step of a search (each term scored, each hit
built). On expiry the search stops with `SearchTimeout`. The budget is checked, not enforced by
a timer, so a search may overrun it by the time one step takes; the term limits keep each step
short.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from search.engine.query import QueryError
from search.engine.query.clause import Node
from search.errors import ParlsearchError
from search.index.arrays.postings import Postings

# Terms of a whole query after expansion: each word or pattern once per field it searches.
MAX_TERMS = 1000
# Seconds a search may run, unless the app config or $PARLSEARCH_TIME_BUDGET say otherwise.
DEFAULT_TIME_BUDGET = 10.0


class SearchTimeout(ParlsearchError, RuntimeError):
    """A search ran past its time budget; the message says so, in Dutch, for the user."""

    status = 503
    public_message = None

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


def check_expansion(node: Node, postings: Postings, deadline: Deadline) -> None:
    """Refuse (`QueryError`) a query whose patterns match too many words, or with too many terms."""
    terms = 0
    for cost in node.costs(postings, deadline.check):
        terms += cost
        if terms > MAX_TERMS:
            raise QueryError(
                f"De zoekvraag is te ruim: meer dan {MAX_TERMS} zoektermen als elk woord in elk "
                "veld telt en jokertekens zijn uitgebreid. Gebruik minder woorden of jokertekens."
            )
