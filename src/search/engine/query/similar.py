"""Documents like a text (more-like-this): its distinctive words, and its words in their order.

A pasted text (a whole question or a sentence of one; `search.engine.request` says when a search
is one) and a document's own question (its page's "Gelijkaardige vragen",
`search.engine.related_questions`) are searched as one `SimilarText`:

- Its key words. Each word of the text as the ranked fields index it (its stem: any form of it
  counts, and so does a compound holding it), weighed by how often the text uses it and how rare
  it is in the index (`1 + ln tf` times BM25F's idf); the `MAX_KEY_WORDS` heaviest are searched,
  each a `KeyWord` over the fields searched, its BM25F score times its weight. A document scores
  each key word's best chunk, added up as a query's words are (`search.engine.ranking`), and
  scaled to the best document's (1).
- Which documents match: those holding key words that carry at least `min_share` of the text's
  key weight (`MIN_SHARE` for a search: about the same things, not one shared word).
- Its words in their order. A text copied from a document holds that document's words in the
  same order. Of the best `SEQUENCE_CANDIDATES` documents, and the best `HOLDER_CANDIDATES` of
  those holding every key word (a document holding the text does, however low its words
  score), each counts the pairs of consecutive words of the text (stopwords included: the
  unstemmed fields; of a longer text, runs of it from its opening to its end, `SEQUENCE_WORDS`
  words in all)
  that stand side by side in one of its chunks, and gets `SEQUENCE_BONUS` times the square of
  the share of those pairs it holds on top: a document holding the text word for word comes
  first. Of two that hold it all, the one whose question is no longer than the text comes
  first (`CLOSENESS_BONUS`): the source of a pasted question before a longer version of it.

"Waarom gevonden" and the marks name the key words a document shares with the text, found in a
text all at once (`KeyWordFinder`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from search.engine.query.chunks import SPAN, ChunkScores
from search.engine.query.clause import Clause, Node
from search.engine.query.combine import BestOf
from search.engine.query.context import ChunkContext
from search.engine.query.documents import DocumentScoring, Matched
from search.engine.query.fields import FIELD_BOOSTS, InFields
from search.engine.query.matching import Finder, Found
from search.engine.query.reading import read
from search.engine.query.term import Term
from search.engine.query.word import EXACT, PART, STEM, TypedWord
from search.index.arrays.array_files import found_in_sorted, gathered_runs
from search.index.arrays.postings import LENGTH_OF_BYTE, Postings
from search.index.schema import TEXT_FIELDS, exact_field
from search.text.analysis import (
    DUTCH_STOPWORDS,
    MAX_TOKEN_LENGTH,
    PART_MARK,
    folded_word,
    folded_words,
    word_terms,
)

# The key words searched: a whole question's most distinctive, a sentence's every word.
MAX_KEY_WORDS = 30
# The share of the text's key weight a document must hold to match a search.
MIN_SHARE = 0.2
# The documents whose pairs of words are counted: the best, and the best holding every key word.
SEQUENCE_CANDIDATES = 50
HOLDER_CANDIDATES = 200
# The words of a text whose pairs are counted: so many, in runs spread from its opening to its
# end (they tell a document apart, and each word costs a look-up of its positions).
SEQUENCE_WORDS = 64
SEQUENCE_PARTS = 4
# What holding all the text's pairs adds to a document's score (at most 1 without them), and
# what a question no longer than the text adds on top.
SEQUENCE_BONUS = 2.0
CLOSENESS_BONUS = 0.5


@dataclass(frozen=True)
class TextWords:
    """A text's words: each as the unstemmed fields index it, in order (`words`), and the stem
    of each that may be a key word (no stopword, no single letter or digit) with how the text
    writes it (`stems`, `written`)."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    written: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> TextWords:
        """The words of `text`."""
        words, stems, written = [], [], []
        for folded, raw in folded_words(text):
            if 1 <= len(folded) <= MAX_TOKEN_LENGTH:
                words.append(folded)
                # A letter alone ("n-1", "a)") tells nothing of what a text is about.
                if len(folded) > 1 and folded not in DUTCH_STOPWORDS:
                    stems.append(word_terms(folded).stem)
                    written.append(raw)
        return cls(tuple(words), tuple(stems), tuple(written))


@dataclass(frozen=True)
class KeyWord(Clause):
    """A key word of a text: its stem in any form or inside a compound, in each of `fields`
    (each with its boost), the fields' scores added, times `weight`."""

    written: str
    stem: str
    weight: float
    fields: tuple[str, ...] = TEXT_FIELDS

    def scores(self, context: ChunkContext) -> ChunkScores:
        """Its chunks, scored by BM25F in each field, times its weight."""
        return self._forms(context).scores(context)

    def estimate(self, context: ChunkContext) -> int:
        """The chunks holding it in some field."""
        return self._forms(context).estimate(context)

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """Its stem and its compounds' term, in each field."""
        yield 2 * len(self.fields)

    def word(self) -> TypedWord:
        """The word as the text writes it, matching in any form or inside a compound."""
        exact = frozenset([folded_word(self.written)])
        return TypedWord(self.written, exact=exact, stems=frozenset([self.stem]))

    def _forms(self, context: ChunkContext) -> Clause:
        """Its stem or a compound holding it, the better of the two, in each field: those
        terms the index holds (a sum or best of nothing costs a merge all the same)."""
        per_field = []
        for field in self.fields:
            held = tuple(
                Term(field, term, FIELD_BOOSTS[field])
                for term in (self.stem, PART_MARK + self.stem)
                if context.found(field, term) is not None
            )
            if held:
                per_field.append(held[0] if len(held) == 1 else BestOf(held))
        return InFields(tuple(per_field), self.weight)


class KeyWordFinder(Finder):
    """Finds a similar search's key words in texts, all of them in one pass over a text's
    words (a text holds hundreds, the search dozens), each as typed, in another form or inside
    a compound, as `TypedWord` finds a word."""

    def __init__(self, words: tuple[KeyWord, ...]) -> None:
        super().__init__(tuple(word.word() for word in words))
        self._exact = {folded_word(word.written): number for number, word in enumerate(words)}
        self._stems = {word.stem: number for number, word in enumerate(words)}
        # Each text word's matches: (key word number, how), by the word folded.
        self._matches: dict[str, tuple[tuple[int, str], ...]] = {}

    def find(self, text: str) -> list[Found]:
        """Every match of the key words in `text`, in the order they stand."""
        read_text = read(text)
        found = []
        for position, folded in enumerate(read_text.folded):
            matches = self._matches.get(folded)
            if matches is None:
                matches = self._matches[folded] = self._matching(folded)
            if matches:
                start, end = read_text.matches[position].span()
                found += [Found(number, how, start, end) for number, how in matches]
        return found

    def _matching(self, folded: str) -> tuple[tuple[int, str], ...]:
        """The key words a text word matches, and how."""
        matches: dict[int, str] = {}
        if folded in self._exact:
            matches[self._exact[folded]] = EXACT
        terms = self._lookup.terms(folded)
        if terms is not None:
            if terms.stem in self._stems:
                matches.setdefault(self._stems[terms.stem], STEM)
            for contained in terms.contained:
                if contained in self._stems:
                    matches.setdefault(self._stems[contained], PART)
        return tuple(sorted(matches.items()))


@dataclass(frozen=True)
class SimilarText(Node):
    """The documents most like a text: its key `words` (heaviest first) scored, and the pairs
    of its consecutive words (`text`) counted in the best documents."""

    words: tuple[KeyWord, ...]
    text: TextWords
    min_share: float = MIN_SHARE

    @classmethod
    def of(
        cls,
        text: str,
        postings: Postings,
        fields: tuple[str, ...] = TEXT_FIELDS,
        min_share: float = MIN_SHARE,
    ) -> SimilarText:
        """The search for documents like `text` in `fields`."""
        words = TextWords.of(text)
        return cls(key_words(words, postings, fields), words, min_share)

    def evaluate(self, scoring: DocumentScoring, counted: bool = True) -> Matched:
        """The documents holding enough of the key weight, each scoring its key words' best
        chunks, added up and scaled to the best document's, plus its bonus for holding the
        text's words in their order."""
        total, held = scoring.zeros(), scoring.zeros()
        every = np.ones(scoring.documents, dtype=bool)
        for word in self.words:
            part = scoring.clause(word, counted)
            np.add(total, part.scores, out=total, where=part.matched)
            held[part.matched] += word.weight
            every &= part.matched
        weight = sum(word.weight for word in self.words)
        matched = (held > 0) & (held >= self.min_share * weight)
        if not matched.any():
            return Matched(matched, scoring.zeros())
        scores = np.where(matched, total / total[matched].max(), 0.0)
        pool = np.union1d(
            _best(np.where(matched, total, -np.inf), SEQUENCE_CANDIDATES),
            _best(np.where(matched & every, total, -np.inf), HOLDER_CANDIDATES),
        )
        pool = pool[matched[pool]]
        overlap = word_overlap(scoring, self.text.words, self.fields, pool)
        scores[pool] += SEQUENCE_BONUS * overlap.shares**2 + CLOSENESS_BONUS * overlap.closeness
        return Matched(matched, scores)

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields searched."""
        return self.words[0].fields if self.words else TEXT_FIELDS

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """Its key words' costs."""
        for word in self.words:
            yield from word.costs(postings, check)

    def typed_words(self) -> Iterator[TypedWord]:
        """Its key words, heaviest first."""
        for word in self.words:
            yield word.word()


def key_words(
    text: TextWords, postings: Postings, fields: tuple[str, ...] = TEXT_FIELDS
) -> tuple[KeyWord, ...]:
    """The `MAX_KEY_WORDS` most distinctive words of a text in `fields`, heaviest first: each
    stem once, as the text first writes it; words the index does not hold are left out."""
    counts: dict[str, list] = {}
    for stem, written in zip(text.stems, text.written, strict=True):
        counts.setdefault(stem, [written, 0])[1] += 1
    context = ChunkContext(postings)
    weighed = []
    for stem, (written, count) in counts.items():
        # How rare it is where it is most common: the question or the answer, any title
        # being the start of its question.
        held = max(_chunk_count(context, field, stem) for field in _text_fields(fields))
        if held:
            weight = (1 + math.log(count)) * postings.idf_of(held)
            weighed.append(KeyWord(written, stem, weight, fields))
    weighed.sort(key=lambda word: -word.weight)
    return tuple(weighed[:MAX_KEY_WORDS])


def _chunk_count(context: ChunkContext, field: str, stem: str) -> int:
    """The chunks holding a stem in a field, else a compound holding it."""
    for term in (stem, PART_MARK + stem):
        found = context.found(field, term)
        if found is not None:
            return len(found.docnums)
    return 0


def _text_fields(fields: tuple[str, ...]) -> tuple[str, ...]:
    """The fields a text is compared in: those searched, the title aside when there are others
    (a question repeats its title)."""
    return tuple(field for field in fields if field != "title") or fields


@dataclass(frozen=True)
class Overlap:
    """How much of a text some documents hold word for word: for each, the share of the text's
    pairs of consecutive words that stand side by side in it (`shares`), and that share times
    the text's length over its question's, if longer (`closeness`: 1 for a copy of the text)."""

    shares: np.ndarray
    closeness: np.ndarray


def word_overlap(
    scoring: DocumentScoring, words: tuple[str, ...], fields: tuple[str, ...], documents: np.ndarray
) -> Overlap:
    """How much of the text of `words` (as the unstemmed fields index them; of a text longer
    than `SEQUENCE_WORDS`, runs of it, `_spread`) each of `documents` (ordinals) holds word
    for word, in its allowed chunks, in the unstemmed twin of `fields` (the title aside, see
    `_text_fields`)."""
    if len(words) < 2 or not len(documents):
        return Overlap(np.zeros(len(documents)), np.zeros(len(documents)))
    parts = _spread(words)
    distinct = {
        word: number for number, word in enumerate(dict.fromkeys(w for p in parts for w in p))
    }
    size = len(distinct)
    pairs = np.concatenate([_text_pairs(part, distinct) for part in parts])
    text_pairs, repeats = np.unique(pairs, return_counts=True)
    chunks = _chunks_of(scoring, documents)
    fields = tuple(exact_field(field) for field in _text_fields(fields))
    found = np.unique(
        np.concatenate([_side_by_side(scoring, field, distinct, chunks) for field in fields])
    )
    owners, codes = found // (size * size), found % (size * size)
    at, shared = found_in_sorted(text_pairs, codes)
    count = len(scoring.table.ids)
    held = np.bincount(owners[shared], weights=repeats[at[shared]], minlength=count)[documents]
    shares = held / len(pairs)
    # The document's question (or what is searched in its place), in words.
    lengths = LENGTH_OF_BYTE[scoring.context.postings.lengths[fields[0]][chunks]]
    own = np.bincount(scoring.table.chunk_document[chunks], weights=lengths, minlength=count)
    return Overlap(shares, shares * np.minimum(1.0, len(words) / np.maximum(own[documents], 1)))


def _spread(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A text's words, or of a longer text `SEQUENCE_PARTS` runs of them spread evenly from its
    opening to its end, `SEQUENCE_WORDS` words in all."""
    if len(words) <= SEQUENCE_WORDS:
        return [words]
    size = SEQUENCE_WORDS // SEQUENCE_PARTS
    last = len(words) - size
    starts = [round(last * part / (SEQUENCE_PARTS - 1)) for part in range(SEQUENCE_PARTS)]
    return [words[start : start + size] for start in starts]


def _text_pairs(words: tuple[str, ...], distinct: dict[str, int]) -> np.ndarray:
    """The pairs of consecutive `words`, each as first * size + second (size: the number of
    distinct words)."""
    numbers = np.array([distinct[word] for word in words], dtype=np.int64)
    return numbers[:-1] * len(distinct) + numbers[1:]


def _side_by_side(
    scoring: DocumentScoring, field: str, distinct: dict[str, int], chunks: np.ndarray
) -> np.ndarray:
    """Each pair of the text's words standing side by side in one of `chunks` in `field`, as
    document * size² + first * size + second (size: the number of the text's distinct words)."""
    keys, numbers = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for word, number in distinct.items():
        # Only the postings of `chunks` are read: a common word's others are many (a word the
        # field lacks has none there).
        scoring.context.check()
        places = scoring.context.places(field, word, chunks)
        keys.append(places)
        numbers.append(np.full(len(places), number, dtype=np.int64))
    places, words = np.concatenate(keys), np.concatenate(numbers)
    order = np.argsort(places, kind="stable")
    places, words = places[order], words[order]
    # Two keys one apart are two positions side by side in one chunk.
    beside = np.flatnonzero(places[1:] - places[:-1] == 1)
    size = len(distinct)
    owners = scoring.table.chunk_document[places[beside] // SPAN].astype(np.int64)
    return (owners * size + words[beside]) * size + words[beside + 1]


def _chunks_of(scoring: DocumentScoring, documents: np.ndarray) -> np.ndarray:
    """The allowed chunks of `documents`, ascending."""
    table = scoring.table
    starts = table.chunk_starts[documents]
    sizes = table.chunk_starts[documents + 1] - starts
    chunks = table.chunk_order[gathered_runs(starts, sizes)].astype(np.int64)
    return np.sort(chunks[scoring.allowed[chunks]])


def _best(scores: np.ndarray, count: int) -> np.ndarray:
    """The positions of the `count` highest scores (all, if fewer)."""
    if len(scores) <= count:
        return np.arange(len(scores))
    return np.argpartition(-scores, count)[:count]
