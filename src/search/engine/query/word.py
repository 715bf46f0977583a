"""A word as typed, and its forms: what a plain word of the query matches.

The ranked field analyses a typed word into its clause for each field it is searched in
(`search.index.schema.RankedText`): a chunk matches the word in any form (its stem), inside a
compound (the marked term of a word it contains), or, for a compound, by its parts in a phrase
that can carry its meaning (`near`), the best of these counting (`combine.BestOf`); the word as
typed counts `EXACT_BONUS` on top (`ExactBonus`). A word the tokenizer splits ("storing.Trein")
is its members in a row (`phrase.Phrase`); a hyphenated one ("burn-out") the better of that and
its members written as one. A `Word` keeps what was typed with that clause.

In a text a word matches
- `exact`: as typed (case and accents aside; a hyphenated word also written as one);
- `stem`: in another form (the same stem: "kerncentrales" for "kerncentrale");
- `part`: inside a compound ("kerncentralesite" for "kerncentrale");
- and, a compound, by its parts in a phrase (`near.PARTS`: "gebruik van drugs" for
  `drugsgebruik`); a part alone, or inside another compound, is never marked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from search.engine.query.chunks import ChunkScores
from search.engine.query.clause import Clause
from search.engine.query.combine import Sum
from search.engine.query.context import ChunkContext
from search.engine.query.matching import how
from search.engine.query.near import PARTS, parts_in_phrases
from search.engine.query.reading import ReadText, Token, WordLookup, in_order
from search.index.arrays.postings import Postings
from search.index.schema import doer_stems
from search.text.analysis import (
    DUTCH_STOPWORDS,
    JOINED,
    WORD,
    WordTerms,
    dutch_analyzer,
    folded_spans,
)

EXACT = how("exact", 1)
STEM = how("stem", 2)
PART = how("part", 3)

_RANKED = dutch_analyzer()


@dataclass(frozen=True)
class Word(Clause):
    """A word as typed (`typed`), searched as `forms`: the clause the ranked fields made of it."""

    typed: str
    forms: Clause

    def scores(self, context: ChunkContext) -> ChunkScores:
        """Its forms' scores."""
        return self.forms.scores(context)

    def estimate(self, context: ChunkContext) -> int:
        """Its forms' estimate."""
        return self.forms.estimate(context)

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """Its forms' costs."""
        yield from self.forms.costs(postings, check)

    def word(self) -> TypedWord:
        """The typed word's forms, as the ranked field analyses it."""
        return typed_word(self.typed)

    def plain_word(self) -> str:
        """What was typed."""
        return self.typed


@dataclass(frozen=True)
class ExactBonus(Sum):
    """A word's forms, and the word as typed counting on top (it matches no more chunks: a
    chunk holding the typed form holds its stem)."""


@dataclass(frozen=True)
class TypedWord:
    """A word of the query as typed, with what matches it in a text."""

    text: str
    # Folded as typed, and the word's stem (a ranked word).
    exact: frozenset[str] = frozenset()
    stems: frozenset[str] = frozenset()
    # The stems of a typed compound's parts (the head last), which match in a phrase.
    parts: tuple[str, ...] = ()
    # A typed word of several members ("storing.Trein", "burn-out"): their stems in a row,
    # and the members folded as typed.
    members: tuple[str, ...] = ()
    member_words: tuple[str, ...] = ()

    def found_in(
        self, text: ReadText, lookup: WordLookup, memo: dict[str, str]
    ) -> Iterator[tuple[str, int, int]]:
        """The word in its forms, its members in a row, and its parts in a phrase."""
        matched: set[int] = set()
        yield from self._forms(text, lookup, memo, matched)
        joined = [token._replace(terms=lookup.joined(token.folded)) for token in text.joined]
        for token in joined:
            way = word_match(self, token.folded, token.terms)
            if way:
                matched.add(token.start)
                yield way, token.start, token.end
        if self.members:
            yield from self._members(text, lookup)
        if self.parts:
            yield from self._parts(text, lookup, joined, matched)

    def _forms(
        self, text: ReadText, lookup: WordLookup, memo: dict[str, str], matched: set[int]
    ) -> Iterator[tuple[str, int, int]]:
        """The text's words matching as typed, in another form or inside a compound."""
        for folded in set(text.folded).difference(memo):
            memo[folded] = word_match(self, folded, lookup.terms(folded))
        for position in text.places({folded for folded in set(text.folded) if memo[folded]}):
            start, end = text.matches[position].span()
            matched.add(start)
            yield memo[text.folded[position]], start, end

    def _members(self, text: ReadText, lookup: WordLookup) -> Iterator[tuple[str, int, int]]:
        """The members of a split word in a row: as typed, or in other forms."""
        stems = [lookup.stem(folded) for folded in text.folded]
        for first, last in in_order(stems, self.members, 1):
            written = tuple(text.folded[first : last + 1])
            way = EXACT if written == self.member_words else STEM
            yield way, text.matches[first].start(), text.matches[last].end()

    def _parts(
        self, text: ReadText, lookup: WordLookup, joined: list[Token], matched: set[int]
    ) -> Iterator[tuple[str, int, int]]:
        """A compound's parts in a phrase, where the word itself did not match."""
        for token in parts_in_phrases(self.parts, text, lookup, joined):
            if token.start not in matched:
                yield PARTS, token.start, token.end


def typed_word(typed: str) -> TypedWord:
    """A typed word's forms, as the ranked field analyses it."""
    members: list[WordTerms] = []
    joined: WordTerms | None = None
    for token in _RANKED(typed, mode="query"):
        if token.role == WORD:
            members.append(token.terms)
        elif token.role == JOINED:
            joined = token.terms
    folded = [word for word, _, _ in folded_spans(typed) if word not in DUTCH_STOPWORDS]
    whole = joined if len(members) > 1 else (members[0] if members else None)
    several = len(members) > 1
    return TypedWord(
        typed,
        exact=frozenset(["".join(folded)]) if whole else frozenset(),
        stems=frozenset([whole.stem, *doer_stems(whole)]) if whole else frozenset(),
        parts=whole.parts if whole else (),
        members=tuple(terms.stem for terms in members) if several else (),
        member_words=tuple(folded) if several else (),
    )


def word_match(word: TypedWord, folded: str, terms: WordTerms | None) -> str:
    """How a document word matches a typed word: as typed, another form, or inside a
    compound ("" if not at all)."""
    if folded in word.exact:
        return EXACT
    if terms is None:
        return ""
    if terms.stem in word.stems:
        return STEM
    if not word.stems.isdisjoint(terms.contained):
        return PART
    return ""
