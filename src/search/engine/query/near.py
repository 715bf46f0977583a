"""A compound's parts in a phrase that can carry its meaning: "directeur van de gevangenis" for
`gevangenisdirecteur`, "drugs kunnen worden gebruikt" for `drugsgebruik`.

A typed compound also matches a chunk where its parts stand as words of their own, each as its
own stem, in one of the two shapes of `search.index.schema.near`: the head, a linking
preposition and the modifier (a noun phrase, where the head may also lead a compound:
"preventiemaatregelen tegen burn-out"), or the modifier and the head right after it or after
auxiliaries (written apart, a verb phrase); never a part at the end or in the middle of another
compound, never one part alone. It scores this project's own way: the sum of each part's best
term in the chunk, times `NEAR_WEIGHT`, divided by one plus the fewest other words of such a
phrase there (neither the preposition nor an auxiliary). The shapes have one definition
(`search.index.schema.near.phrases`), read here in the chunks where the postings put the parts
close enough for one, and in a text (`parts_in_phrases`), whose words standing for the parts in
such a phrase are marked `parts`, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from search.engine.query.chunks import (
    SPAN,
    ChunkScores,
    common,
    distinct,
    distinct_sorted,
)
from search.engine.query.clause import Clause
from search.engine.query.context import ChunkContext
from search.engine.query.matching import QueryWord, how
from search.engine.query.reading import ReadText, Token, WordLookup
from search.index.arrays.array_files import found_in_sorted
from search.index.arrays.postings import Postings, TermPostings
from search.index.schema import exact_field
from search.index.schema.near import (
    AUXILIARIES,
    HEAD_AFTER,
    HEAD_BEFORE,
    LINKING_WORDS,
    LINKS,
    NEAR_WEIGHT,
    VERB_WORDS,
    Places,
    found_phrases,
    head_forms,
    lead_words,
    leads,
    phrases,
)
from search.text.analysis import WordTerms

if TYPE_CHECKING:
    from search.engine.query.term import Term

PARTS = how("parts", 4)


@dataclass(frozen=True)
class PartsNear(Clause):
    """A compound's parts in a phrase, each part given as its terms: its stem first, and after
    the head's stem its verb forms and its marked stem
    (`search.index.schema.near.PartsNear.part_terms`)."""

    parts: tuple[tuple[Term, ...], ...]
    boost: float = 1.0

    def scores(self, context: ChunkContext) -> ChunkScores:
        """The chunks holding the parts in a phrase, scored by the sum of each part's best
        term, weighed by the phrase's other words (see the module docstring). The parts' terms
        are scored in those chunks alone: a part is often a common word, and the phrases few."""
        found = [_found(terms, context) for terms in self.parts]
        context.check()
        if not all(found):
            return ChunkScores.empty()
        candidates = common([_holding(part) for part in found])
        if not len(candidates):
            return ChunkScores.empty()
        fieldname = self.parts[0][0].fieldname
        places = _ChunkPlaces(context, fieldname, exact_field(fieldname))
        stems = [terms[0].text for terms in self.parts]
        chunks, between = _fewest_between(places, stems, candidates)
        total = np.zeros(len(chunks), dtype=np.float64)
        for part in found:
            total += _best_in(part, chunks, context)
        return ChunkScores(chunks, total * (NEAR_WEIGHT * self.boost) / (1 + between))

    def estimate(self, context: ChunkContext) -> int:
        """At most as many chunks as the rarest part's terms are in."""
        return min(sum(term.estimate(context) for term in terms) for terms in self.parts)

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """Nothing: the limits count the typed word's own terms, not its parts'."""
        yield from ()

    def word(self) -> QueryWord | None:
        """None: the typed word finds its parts (`parts_in_phrases`)."""
        return None


def _found(terms: tuple[Term, ...], context: ChunkContext) -> list[tuple[Term, TermPostings]]:
    """A part's terms that some chunk holds, with their postings."""
    return [
        (term, postings)
        for term in terms
        if (postings := context.found(term.fieldname, term.text)) is not None
    ]


def _holding(part: list[tuple[Term, TermPostings]]) -> np.ndarray:
    """The chunks holding any of a part's terms."""
    docnums = [postings.docnums for _, postings in part]
    return docnums[0] if len(docnums) == 1 else distinct(np.concatenate(docnums))


def _best_in(
    part: list[tuple[Term, TermPostings]], chunks: np.ndarray, context: ChunkContext
) -> np.ndarray:
    """A part's best term's score in each of `chunks` (each holding one of its terms), as each
    term scores there among all its chunks."""
    best = np.full(len(chunks), -np.inf)
    for term, postings in part:
        at, present = found_in_sorted(postings.docnums, chunks)
        scores = context.scored_at(term.fieldname, postings, term.boost, at[present])
        best[present] = np.maximum(best[present], scores)
    return best


class _ChunkPlaces:
    """The keys (chunk, position) of the words a phrase is made of in given chunks, read from
    the postings of a stemmed field and its unstemmed twin."""

    def __init__(self, context: ChunkContext, fieldname: str, twin: str) -> None:
        self.context = context
        self.fieldname = fieldname
        self.twin = twin

    def stems(self, texts: Iterable[str], chunks: np.ndarray) -> np.ndarray:
        """Where any of some terms of the stemmed field stand in `chunks`."""
        return self._keys(self.fieldname, texts, chunks)

    def words(self, texts: Iterable[str], chunks: np.ndarray) -> np.ndarray:
        """Where any of some words of the unstemmed twin stand in `chunks`."""
        return self._keys(self.twin, texts, chunks)

    def word_class(self, name: str, chunks: np.ndarray) -> np.ndarray:
        """Where any word of a class of `WORD_CLASSES` stands in `chunks` (unstemmed twin)."""
        self.context.check()
        return self.context.class_places(self.twin, name, chunks)

    def leading(self, head: str) -> list[str]:
        """The words of the unstemmed twin that are compounds `head` leads (`lead_words`)."""
        prefixed = self.context.postings.expand(self.twin, head.encode("utf-8"))
        return lead_words(head, (text.decode("utf-8") for text in prefixed))

    def _keys(self, fieldname: str, texts: Iterable[str], chunks: np.ndarray) -> np.ndarray:
        if not len(chunks):
            return np.zeros(0, dtype=np.int64)
        self.context.check()
        return self.context.places_of(fieldname, texts, chunks)


def _fewest_between(
    places: _ChunkPlaces, stems: list[str], candidates: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The chunks of `candidates` holding the parts (`stems`, the head last) in a phrase
    (`search.index.schema.near.phrases`), and the fewest other words of one in each.

    The phrases of all the chunks are read at once, keyed by chunk and position
    (`search.index.schema.near.found_phrases`); the linking words and auxiliaries only in the
    chunks where the modifiers stand side by side with the head close enough before or after
    them."""
    *modifiers, head = stems
    nouns = [places.stems([stem], candidates) for stem in modifiers]
    starts = nouns[0]
    for offset, keys in enumerate(nouns[1:], start=1):
        starts = starts[found_in_sorted(keys, starts + offset)[1]]
    holding = distinct_sorted(starts // SPAN)
    nouns.append(places.stems([head], holding))
    verbs = places.stems(head_forms(head), holding)
    led = places.words(places.leading(head), holding)
    ends = starts + (len(modifiers) - 1)
    before = distinct(np.concatenate([nouns[-1], led]))
    close = _any_within(before, starts - HEAD_BEFORE, starts - 2) | _any_within(
        distinct(np.concatenate([nouns[-1], verbs])), ends + 1, ends + HEAD_AFTER
    )
    chunks = distinct_sorted(starts[close] // SPAN)
    links = places.word_class(LINKS, chunks)
    auxiliaries = places.word_class(AUXILIARIES, chunks)
    # The phrases of every chunk at once, keyed by chunk and position, of the modifiers with a
    # head close enough alone: no other makes one.
    nouns[0] = starts[close]
    found = found_phrases(Places(nouns, verbs, led, links, auxiliaries))
    if not len(found.starts):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    holders = found.starts // SPAN
    firsts = np.flatnonzero(np.concatenate([[True], holders[1:] != holders[:-1]]))
    return holders[firsts], np.minimum.reduceat(found.between, firsts)


def _any_within(keys: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    """Whether any of the sorted `keys` lies between each of `lows` and `highs` (both in)."""
    return np.searchsorted(keys, lows, side="left") < np.searchsorted(keys, highs, side="right")


def parts_in_phrases(
    parts: tuple[str, ...], text: ReadText, lookup: WordLookup, joined: list[Token]
) -> list[Token]:
    """The tokens standing for a compound's parts (their stems, the head last) in a phrase of
    `search.index.schema.near.phrases`, the hyphenated words joined (`joined`) among them: the
    whole compound where the head leads one."""
    head = parts[-1]
    verbs = frozenset(head_forms(head))

    def wanted(terms: WordTerms | None) -> bool:
        return bool(_roles(terms, parts, verbs)) or leads(head, terms)

    words = {folded for folded in set(text.folded) if wanted(lookup.terms(folded))}
    tokens = [text.token(place, lookup.terms(text.folded[place])) for place in text.places(words)]
    tokens += [token for token in joined if wanted(token.terms)]
    if not tokens:
        return []
    places = Places.of(
        [{t.position for t in tokens if t.terms.stem == part} for part in parts],
        {t.position for t in tokens if t.terms.stem in verbs},
        {t.position for t in tokens if leads(head, t.terms)},
        set(text.places(LINKING_WORDS)),
        set(text.places(VERB_WORDS)),
    )
    marked: dict[int, Token] = {}
    for phrase in phrases(places):
        for number, place in enumerate(phrase.places):
            lead = phrase.lead and number == len(parts) - 1
            marked.update(
                (token.start, token)
                for token in tokens
                if token.position == place
                and (
                    leads(head, token.terms)
                    if lead
                    else number in _roles(token.terms, parts, verbs)
                )
            )
    return list(marked.values())


def _roles(terms: WordTerms | None, parts: tuple[str, ...], verbs: frozenset[str]) -> set[int]:
    """The parts (their numbers) a word can stand for: as the part's stem, or the head as a
    verb form."""
    if terms is None:
        return set()
    roles = {number for number, part in enumerate(parts) if terms.stem == part}
    if terms.stem in verbs:
        roles.add(len(parts) - 1)
    return roles
