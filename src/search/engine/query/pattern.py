"""A prefix or wildcard: `trein*`, `ve?koop*`, `ver[kc]oop`, matching the unstemmed words.

A pattern is translated here into its literal start and a regular expression over whole words
(`fnmatch`'s, as Whoosh's `Wildcard` matches), and expanded against each field's terms. It
scores as one term: BM25F over the occurrences of all the words it matches in a chunk, with the
inverse document frequency of the chunks holding any of them, so that a chunk counts by how much
it says of the pattern, never by how many different words it matches, and a rare variant (a
typo) weighs no more than the common form (Whoosh adds one score per matching word).

What it may cost: it must start with `MIN_WILDCARD_PREFIX` letters, and match at most
`MAX_EXPANSION` words in each field it searches (counting stops at the first word too many).
In a text it marks the words it matches (`prefix`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from search.engine.query import QueryError
from search.engine.query.bm25 import bm25
from search.engine.query.chunks import ChunkScores
from search.engine.query.clause import Clause
from search.engine.query.context import ChunkContext
from search.engine.query.matching import how
from search.engine.query.reading import ReadText, WordLookup
from search.index.arrays.postings import Postings, TermPostings

PREFIX = how("prefix", 5)
# A prefix or wildcard must start with this many letters, or it expands to most of the vocabulary.
MIN_WILDCARD_PREFIX = 2
# Words one prefix or wildcard may match, in each field it searches.
MAX_EXPANSION = 500
# The characters that end a wildcard's literal start.
_SPECIAL = "*?["


@dataclass(frozen=True)
class Pattern(Clause):
    """The words of a field starting with `prefix` (and matching `regex`, a wildcard's), as
    one term; `written` as the user wrote it."""

    fieldname: str
    written: str
    prefix: str
    regex: str | None = None
    boost: float = 1.0

    @classmethod
    def starting(cls, fieldname: str, text: str, boost: float = 1.0) -> Pattern:
        """The words starting with `text` (`trein*`)."""
        _check_start(text)
        return cls(fieldname, f"{text}*", text, None, boost)

    @classmethod
    def wildcard(cls, fieldname: str, text: str, boost: float = 1.0) -> Pattern:
        """The words matching the glob `text` (`*`, `?`, `[...]`)."""
        _check_start(text)
        return cls(fieldname, text, *translated(text), boost)

    def terms(self, postings: Postings) -> list[bytes]:
        """The terms of its field it matches, in order."""
        found = postings.expand(self.fieldname, self.prefix.encode("utf-8"))
        if self.regex is None:
            return found
        pattern = re.compile(self.regex)
        return [btext for btext in found if pattern.match(btext.decode("utf-8"))]

    def scores(self, context: ChunkContext) -> ChunkScores:
        """Its chunks scored as one term (see the module docstring)."""
        context.check()
        found = self._postings(context)
        if not len(found.docnums):
            return ChunkScores.empty()
        docnums, slots = np.unique(found.docnums, return_inverse=True)
        weights = np.bincount(slots, weights=found.weights)
        scores = bm25(context.postings, self.fieldname, docnums, weights, len(docnums), self.boost)
        return ChunkScores(docnums, scores)

    def estimate(self, context: ChunkContext) -> int:
        """The postings of the words it matches."""
        return len(self._postings(context).docnums)

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """The words it matches; refused (`QueryError`) beyond `MAX_EXPANSION`."""
        check()
        words = len(self.terms(postings))
        if words > MAX_EXPANSION:
            raise QueryError(
                f"De zoekterm '{self.written}' past op meer dan {MAX_EXPANSION} woorden; "
                "maak het begin langer."
            )
        yield words

    def word(self) -> TypedPattern:
        """The words it matches in a text."""
        regex = self.regex if self.regex is not None else re.escape(self.prefix) + r"\w*$"
        return TypedPattern(self.written, re.compile(regex))

    def _postings(self, context: ChunkContext) -> TermPostings:
        """The postings of every term it matches, term after term (once per query)."""
        return context.remembered(self, lambda: self._looked_up(context.postings))

    def _looked_up(self, postings: Postings) -> TermPostings:
        prefix = self.prefix.encode("utf-8")
        if self.regex is None:
            return postings.pattern(self.fieldname, prefix)
        pattern = re.compile(self.regex)
        return postings.pattern(
            self.fieldname, prefix, lambda btext: pattern.match(btext.decode("utf-8"))
        )


@dataclass(frozen=True)
class TypedPattern:
    """A pattern as typed, and the whole words it matches (folded)."""

    text: str
    pattern: re.Pattern[str]

    def found_in(
        self, text: ReadText, lookup: WordLookup, memo: dict[str, str]
    ) -> Iterator[tuple[str, int, int]]:
        """Each word the pattern matches."""
        for folded in set(text.folded).difference(memo):
            memo[folded] = PREFIX if self.pattern.match(folded) else ""
        matching = {folded for folded in set(text.folded) if memo[folded]}
        for position in text.places(matching):
            yield PREFIX, *text.matches[position].span()


def translated(text: str) -> tuple[str, str]:
    """A glob's literal start (up to its first `*`, `?` or `[`) and the regular expression a
    whole word must match (`fnmatch`'s: `*` any run, `?` one character, `[...]` a class)."""
    return literal_prefix(text), fnmatch.translate(text)


def literal_prefix(text: str) -> str:
    """A pattern's literal start: up to its first `*`, `?` or `[`."""
    for index, char in enumerate(text):
        if char in _SPECIAL:
            return text[:index]
    return text


def _check_start(text: str) -> None:
    """Refuse (`QueryError`) a pattern with fewer than `MIN_WILDCARD_PREFIX` letters first."""
    if len(literal_prefix(text)) < MIN_WILDCARD_PREFIX:
        raise QueryError(
            f"Een zoekterm met * of ? moet met minstens {MIN_WILDCARD_PREFIX} letters beginnen."
        )
